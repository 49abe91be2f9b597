#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Policy swaps under continuous traffic: while 8 MiB cross the gateway on
# one TCP connection, ten policies are committed one after the other. The
# connection survives byte-exact, and the last policy is the one in force.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat timeout cmp
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

for i in $(seq 1 10); do
	cat >"$tmp/rules$i" <<RULES
drop tcp any any -> any 7001 (msg:"swap $i"; content:"SWAP$i-EVIL"; sid:$((7000 + i));)
alert tcp any any -> any any (msg:"common"; content:"|00 00 00 00 00 00 00 00|"; sid:7100;)
RULES
done
gw_apply --approve-all "$tmp/rules1"
gwctl mode enforce >/dev/null

head -c $((8 * 1024 * 1024)) /dev/urandom >"$tmp/in"
ip netns exec "$server" timeout 90 socat -u TCP4-LISTEN:7003,reuseaddr "CREATE:$tmp/out" &
srv=$!
wait_local_port_listen "$server" 7003 tcp || fail "bulk server"
ip netns exec "$client" timeout 90 socat -u "OPEN:$tmp/in" "TCP4:$server4:7003" &
cli=$!
for i in $(seq 2 10); do
	gw_apply --approve-all "$tmp/rules$i"
done
wait "$cli" || fail "transfer failed during the swaps"
wait "$srv"
cmp -s "$tmp/in" "$tmp/out" || fail "transfer corrupted during the swaps"
serial=$(gwctl status | awk -F': ' '$1 == "policy serial" { print $2 }')
[ "$serial" = 10 ] || fail "serial $serial after 10 commits"
log "10 policies committed during an 8 MiB transfer, which arrived intact"

start_collectors "$tmp"
send_tcp 4 "$server4" 7001 "SWAP1-EVIL"
send_tcp 4 "$server4" 7001 "SWAP10-EVIL"
received "$tmp/tcp4" "SWAP1-EVIL" || fail "an old policy's rule is still in force"
grep -q SWAP10-EVIL "$tmp/tcp4" && fail "the last policy's rule is not in force"
log "the last policy is in force"
exit "$ksft_pass"
