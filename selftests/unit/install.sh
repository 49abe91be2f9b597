#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install DESTDIR=...: the expected files, nothing built into the DKMS
# source, a unit file with real paths, and an installed configuration that
# nfipsd --check accepts with the installed policies. TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
n=0 failed=0

t() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}

make -s -C "$top" install DESTDIR="$d" PREFIX=/usr >"$d.log" 2>&1
t $? "make install DESTDIR=... PREFIX=/usr"
sed 's/^/# /' "$d.log" | tail -n 20
rm -f "$d.log"

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
want="etc/nfips/classification.config
etc/nfips/nfipsd.conf
etc/nfips/policy.conf
usr/lib/systemd/system/nfipsd.service
usr/sbin/nfipsctl
usr/sbin/nfipsd
usr/share/man/man8/nfipsctl.8
usr/share/man/man8/nfipsd.8
usr/share/nfips/collector/nfips-collector.conf
usr/share/nfips/collector/nfips-pgsql.conf
usr/share/nfips/collector/nfips-pgsql.sql
usr/share/nfips/policies/classification.config
usr/share/nfips/policies/default.rules
usr/src/nfips-$ver/Kbuild
usr/src/nfips-$ver/Makefile
usr/src/nfips-$ver/dkms.conf
usr/src/nfips-$ver/kmod/Kbuild
usr/src/nfips-$ver/kmod/uapi/nfips.h"
missing=$(comm -23 <(echo "$want" | sort) <(cd "$d" && find . -type f | sed 's|^\./||' | sort))
t "$([ -z "$missing" ]; echo $?)" "the expected files are installed"
[ -n "$missing" ] && echo "$missing" | sed 's/^/# missing: /'
(cd "$d" && find . -type f | sed 's|^\./|# |' | sort)

built=$(find "$d/usr/src" -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '*.cmd')
t "$([ -z "$built" ]; echo $?)" "DKMS source: nothing built"
for f in $(cd "$top" && git ls-files kmod 2>/dev/null); do
	[ -e "$d/usr/src/nfips-$ver/$f" ] || { t 1 "DKMS source has $f"; }
done

unit=$d/usr/lib/systemd/system/nfipsd.service
grep -q '^ExecStart=/usr/sbin/nfipsd -c /etc/nfips/nfipsd.conf$' "$unit" &&
	grep -q '^Type=notify$' "$unit" && ! grep -q '@' "$unit"
t $? "unit file: Type=notify, ExecStart with the installed path"
if command -v systemd-analyze >/dev/null; then
	# Only the syntax: the binary and the man page are not installed here.
	out=$(systemd-analyze verify "$unit" 2>&1 | grep -v -e 'is not executable' -e "Command 'man ")
	t "$([ -z "$out" ]; echo $?)" "systemd-analyze verify nfipsd.service"
	[ -n "$out" ] && echo "$out" | sed 's/^/# /' 
fi

# The installed configuration, its /etc and /usr paths moved into DESTDIR.
sed -e "s|/etc/nfips|$d/etc/nfips|g" -e "s|/usr/share/nfips|$d/usr/share/nfips|g" \
	-e "s|/var/|$d/var/|g" "$d/etc/nfips/nfipsd.conf" >"$d/check.conf"
sed -i -e "s|/etc/nfips|$d/etc/nfips|g" -e "s|/usr/share/nfips|$d/usr/share/nfips|g" \
	"$d/etc/nfips/policy.conf"
out=$("$d/usr/sbin/nfipsd" --check -c "$d/check.conf" 2>&1)
t $? "nfipsd --check accepts the installed configuration and policy"
echo "$out" | sed 's/^/# /'

if command -v man >/dev/null; then
	for m in nfipsd nfipsctl; do
		out=$(MANWIDTH=80 man -l "$d/usr/share/man/man8/$m.8" 2>&1 >/dev/null)
		t "$([ -z "$out" ]; echo $?)" "man page $m(8) renders without warnings"
	done
fi

# A second install keeps an edited configuration.
echo '# edited' >>"$d/etc/nfips/nfipsd.conf"
make -s -C "$top" install DESTDIR="$d" PREFIX=/usr >/dev/null 2>&1
grep -q '^# edited$' "$d/etc/nfips/nfipsd.conf"
t $? "reinstall keeps /etc/nfips/nfipsd.conf"

echo "1..$n"
exit "$failed"
