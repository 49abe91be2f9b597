#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms add/build/remove of this tree against the newest installed headers,
# under a version of its own so an installed nfips is never touched.
# kselftest exit codes; prints one TAP line.
set -u
ksft_skip=4
name="dkms add/build of nfips.ko"
top=$(cd "$(dirname "$0")/.." && pwd)
ver="0.0.0-selftest$$"

result() {
	case $1 in
	0) echo "ok 1 - $name" ;;
	4) echo "ok 1 - $name # SKIP $2" ;;
	*) echo "not ok 1 - $name${2:+: $2}" ;;
	esac
	exit "$1"
}

command -v dkms >/dev/null || result $ksft_skip "dkms is not installed"
[ "$(id -u)" -eq 0 ] || result $ksft_skip "dkms needs root"
kver=$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1 | cut -d/ -f4)
[ -n "$kver" ] || result 1 "no kernel headers installed"

src=$(mktemp -d)
cleanup() {
	dkms remove -m nfips -v "$ver" --all >/dev/null 2>&1
	rm -rf "/usr/src/nfips-$ver" "$src"
}
trap cleanup EXIT

# What a user ships to dkms: the build files and kmod/, nothing built.
cp -r "$top/Kbuild" "$top/Makefile" "$top/dkms.conf" "$src/"
mkdir "$src/kmod" && (cd "$top" && git ls-files -z kmod 2>/dev/null ||
	find kmod -name '*.[ch]' -o -name Kbuild | tr '\n' '\0') |
	(cd "$top" && xargs -0 cp --parents -t "$src")
sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$ver\"/" "$src/dkms.conf"

log=$(mktemp)
if ! { dkms add "$src" && dkms build -m nfips -v "$ver" -k "$kver"; } >"$log" 2>&1; then
	sed 's/^/# /' "$log"
	find "/var/lib/dkms/nfips/$ver" -name make.log -exec sed 's/^/# /' {} \; 2>/dev/null
	rm -f "$log"
	result 1 "dkms build failed"
fi
rm -f "$log"
ko=$(find "/var/lib/dkms/nfips/$ver/$kver" -name nfips.ko 2>/dev/null | head -n 1)
[ -n "$ko" ] || result 1 "dkms reported success but built no nfips.ko"
modinfo "$ko" | grep -q "^vermagic: *$kver " || result 1 "nfips.ko built for the wrong kernel"
result 0
