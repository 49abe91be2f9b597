#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsctl block / unblock refuse bad arguments before touching the
# kernel: exit status 2 and a message naming what is wrong (the module
# need not be loaded). The kernel side is selftests/kernel/block.sh.
# Prints TAP lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
ctl=$(cd "$here/../.." && pwd)/ctl/nfipsctl/nfipsctl
n=0
failed=0

# refused NAME MESSAGE ARGS...: exit status 2 and MESSAGE on stderr.
refused() {
	local name=$1 msg=$2 out rc

	shift 2
	out=$("$ctl" "$@" 2>&1)
	rc=$?
	n=$((n + 1))
	if [ "$rc" = 2 ] && grep -qF -- "$msg" <<<"$out"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (exit $rc)"
		echo "$out" | sed 's/^/#   /'
		failed=1
	fi
}

refused "block needs --reason" "--reason and --by are required" \
	block 192.0.2.7 --by alice
refused "block needs --by" "--reason and --by are required" \
	block 192.0.2.7 --reason scan
refused "empty --reason" "--reason and --by are required" \
	block 192.0.2.7 --reason "" --by alice
refused "host bits" "bits set past the prefix length (the network is 10.0.0.0/8)" \
	block 10.1.2.3/8 --reason scan --by alice
refused "IPv4 prefix 33" "prefix length '33' is not 1 to 32" \
	block 10.0.0.0/33 --reason scan --by alice
refused "IPv6 prefix 129" "prefix length '129' is not 1 to 128" \
	block 2001:db8::/129 --reason scan --by alice
refused "a /0" "a /0 block would drop all IPv6 traffic" \
	block ::/0 --reason scan --by alice
refused "a name" "'gw.example': not an IPv4 or IPv6 address" \
	block gw.example --reason scan --by alice
refused "bad --for" "--for '1h30': not a duration" \
	block 192.0.2.7 --for 1h30 --reason scan --by alice
refused "--for 0" "a duration is 1 s to 10 years" \
	block 192.0.2.7 --for 0 --reason scan --by alice
refused "two addresses" "Usage: nfipsctl block" \
	block 192.0.2.7 192.0.2.8 --reason scan --by alice
refused "--list with an address" "no address, --for, --reason or --by" \
	block --list 192.0.2.7
refused "--json without --list" "--json and --utc go with --list" \
	block 192.0.2.7 --json --reason scan --by alice
refused "unblock --for" "takes an address, --reason, --by and --store only" \
	unblock 192.0.2.7 --for 1h
refused "unblock without an address" "Usage: nfipsctl block" unblock
echo "1..$n"
exit "$failed"
