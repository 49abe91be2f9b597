#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Policy transactions are all or nothing: a rules file with an error, a
# kernel batch with one bad rule, an unknown wire format version are each
# refused whole and the running policy keeps working (same serial, still
# drops). A new policy replaces the old one at once. Without
# CAP_NET_ADMIN every command and the events group are refused, with a
# clear message.
set -u
source "$(dirname "$0")/lib.sh"

readonly nltool=$repo/selftests/kernel/nltool

require_guest
require_cmd ip ss socat timeout setpriv
require_nfipsctl
[ -x "$nltool" ] || fail "$nltool not built"

tmp=$(mktemp -d)
chmod 755 "$tmp"
on_exit "rm -rf '$tmp'"
setup_topology

cat >"$tmp/old" <<'RULES'
drop tcp any any -> any 7001 (msg:"old"; content:"OLDEVIL"; sid:3001;)
RULES
cat >"$tmp/bad" <<'RULES'
drop tcp any any -> any 7001 (msg:"new"; content:"NEWEVIL"; sid:3002;)
drop tcp any any -> any 7001 (msg:"broken"; content:"X"; depth:notanumber; sid:3003;)
RULES
cat >"$tmp/new" <<'RULES'
drop tcp any any -> any 7001 (msg:"new"; content:"NEWEVIL"; sid:3002;)
RULES

gw_apply --approve-all "$tmp/old"
gwctl mode enforce >/dev/null
serial=$(gwctl status | awk -F': ' '$1 == "policy serial" { print $2 }')
start_collectors "$tmp"

# still_old: the old policy is the running one and still drops.
still_old() {
	local s

	s=$(gwctl status | awk -F': ' '$1 == "policy serial" { print $2 }')
	[ "$s" = "$serial" ] || fail "$1: serial changed from $serial to $s"
	send_tcp 4 "$server4" 7001 "OLDEVIL-$1"
	send_tcp 4 "$server4" 7001 "NEWEVIL-$1"
	received "$tmp/tcp4" "NEWEVIL-$1" || fail "$1: new rule took effect"
	grep -q "OLDEVIL-$1" "$tmp/tcp4" && fail "$1: old policy stopped dropping"
}

out=$(gwctl policy apply "$tmp/bad" 2>&1) && fail "rules file with an error applied"
echo "$out" | grep -q 'running policy is unchanged' || fail "no clear message: $out"
still_old "bad-file"
log "rules file with an error refused: $(echo "$out" | head -n 1)"

ip netns exec "$gateway" "$nltool" badtxn || fail "kernel accepted a bad batch"
still_old "bad-batch"
ip netns exec "$gateway" "$nltool" badver || fail "kernel accepted an unknown version"
still_old "bad-version"
log "bad batch and unknown version refused, old policy in force"

gw_apply --approve-all "$tmp/new"
send_tcp 4 "$server4" 7001 "OLDEVIL-swapped"
send_tcp 4 "$server4" 7001 "NEWEVIL-swapped"
received "$tmp/tcp4" "OLDEVIL-swapped" || fail "old rule still in force after the swap"
grep -q NEWEVIL-swapped "$tmp/tcp4" && fail "new rule not in force after the swap"
log "new policy replaced the old one"

# Unprivileged: nobody, no capabilities.
as_nobody() {
	ip netns exec "$gateway" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$@"
}
for cmd in status stats flush "mode learn" "policy apply $tmp/new"; do
	# shellcheck disable=SC2086 # word splitting of cmd wanted
	out=$(as_nobody "$nfipsctl" $cmd 2>&1) && fail "unprivileged '$cmd' succeeded"
	echo "$out" | grep -q 'CAP_NET_ADMIN' || fail "unprivileged '$cmd': unclear error: $out"
done
out=$(as_nobody "$nfipsctl" events --timeout 1 2>&1) && fail "unprivileged events joined"
echo "$out" | grep -q 'CAP_NET_ADMIN' || fail "unprivileged events: unclear error: $out"
gwctl status | grep -qx 'mode: enforce' || fail "unprivileged mode change took effect"
log "unprivileged user refused: $(echo "$out" | head -n 1)"
exit "$ksft_pass"
