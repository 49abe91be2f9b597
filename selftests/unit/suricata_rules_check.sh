#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsctl rules check over the rule files Suricata's package ships
# (/etc/suricata/rules: decoder, stream and app-layer event rules), which a
# SOC enables beside ET: every rule must parse (what is not evaluated is a
# skip reason, never an error), and the HTTP event rules must load but for
# the 7 events nfips does not raise (Documentation/rules.rst, HTTP).
set -uo pipefail
cd "$(dirname "$0")/../.."

dir=/etc/suricata/rules
nfipsctl=ctl/nfipsctl/nfipsctl
n=0 failed=0

shopt -s nullglob
files=("$dir"/*-events.rules)
if [ ${#files[@]} -eq 0 ]; then
	echo "ok 1 - Suricata's rule files # SKIP none in $dir (suricata not installed)"
	exit 0
fi
for f in "${files[@]}"; do
	n=$((n + 1))
	summary=$("$nfipsctl" rules check "$f" 2>&1 | tail -n 1)
	want="errors=0"
	case $f in
	*/http-events.rules) want="rules=54 parsed=54 loadable=47 .* skipped=7 errors=0" ;;
	esac
	if grep -qE "$want\$" <<<"$summary"; then
		echo "ok $n - $(basename "$f"): $summary"
	else
		echo "not ok $n - $(basename "$f"): $summary (want /$want/)"
		failed=1
	fi
done
exit "$failed"
