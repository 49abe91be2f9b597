#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kernel coding style: checkpatch.pl --no-tree --strict -f over every kmod/
# source (the module goes upstream-style review: --strict's checks too), and
# without --strict over the guest tests' userspace helpers
# (selftests/kernel/*.c), where <stdint.h> types are the right ones.
# checkpatch.pl comes from Debian's linux-source-6.1, unpacked once into
# ~/.cache/nfips (the headers package does not ship it).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/nfips/checkpatch
n=0 rc=0

cp=$(ls /lib/modules/*/build/scripts/checkpatch.pl 2>/dev/null | head -n 1)
if [ -z "$cp" ]; then
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$tarball" ]; then
		echo "ok 1 - checkpatch # SKIP no linux-source package installed"
		exit 0
	fi
	key=$(basename "$tarball" .tar.xz)
	if [ ! -x "$cache/$key/scripts/checkpatch.pl" ]; then
		mkdir -p "$cache" &&
		tar -C "$cache" -xJf "$tarball" "$key/scripts/checkpatch.pl" \
			"$key/scripts/spelling.txt" "$key/scripts/const_structs.checkpatch" ||
			{ echo "not ok 1 - checkpatch: cannot unpack $tarball"; exit 1; }
	fi
	cp=$cache/$key/scripts/checkpatch.pl
fi

cd "$top" || exit 1
for f in $(git ls-files --cached --others --exclude-standard 'kmod/*.[ch]' 'kmod/uapi/*.h' 'selftests/kernel/*.[ch]' 2>/dev/null | sort -u); do
	n=$((n + 1))
	strict=--strict
	[ "${f#kmod/}" = "$f" ] && strict=
	# shellcheck disable=SC2086 # $strict: no word or one
	if out=$("$cp" --no-tree $strict --quiet -f "$f" 2>&1); then
		echo "ok $n - checkpatch $f"
	else
		echo "$out" | sed 's/^/# /'
		echo "not ok $n - checkpatch $f"
		rc=1
	fi
done
exit $rc
