#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsctl rules check over the Emerging Threats Open snapshot shared next to
# the repository (../shared/data/et-open, never copied into it): every rule
# must parse, and the loadable count must not fall below what the engine
# reached when this floor was set (Documentation/rules.rst has the figures).
# Prints one TAP line.
set -uo pipefail
cd "$(dirname "$0")/../.."

LOADABLE_FLOOR=24755
name="ET Open: rules check parses every rule, loadable >= $LOADABLE_FLOOR"
dir=../shared/data/et-open
nfipsctl=ctl/nfipsctl/nfipsctl

shopt -s nullglob
files=("$dir"/*.rules)
if [ ${#files[@]} -eq 0 ]; then
	echo "ok 1 - $name # SKIP no ET Open snapshot in $dir"
	exit 0
fi
out=$("$nfipsctl" rules check --classification policies/classification.config \
	"${files[@]}" 2>&1)
rc=$?
summary=$(printf '%s\n' "$out" | tail -n 1)
echo "# $summary"
errors=$(sed -n 's/.* errors=\([0-9]*\)$/\1/p' <<<"$summary")
loadable=$(sed -n 's/.* loadable=\([0-9]*\) .*/\1/p' <<<"$summary")
if [ "$rc" -eq 0 ] && [ "${errors:-x}" = 0 ] && [ -n "$loadable" ] &&
   [ "$loadable" -ge "$LOADABLE_FLOOR" ]; then
	echo "ok 1 - $name"
else
	printf '%s\n' "$out" | grep -v '^skip' | head -n 40 | sed 's/^/# /'
	echo "# exit status $rc, errors=${errors:-?}, loadable=${loadable:-?}"
	echo "not ok 1 - $name"
	exit 1
fi
