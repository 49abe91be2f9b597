#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A connection reopened on the same conntrack entry starts afresh. After
# the server resets a connection, 6.1 conntrack keeps its entry in CLOSE
# and lets a new SYN on the same ports through on it (no new entry, no
# IP_CT_NEW); the SYN-ACK makes it a new handshake. The flow's entry must
# restart there too: with the old stream's state, the SYN-ACK's ack
# (the new connection's ISN, far from the old one's bytes) used to move
# the client's direction past the stream depth, and a pattern sent whole
# on the new connection passed unscanned.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss python3 timeout
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

cat >"$tmp/rules" <<'RULES'
drop tcp any any -> any 7004 (msg:"reopen attack"; content:"REOPEN-ATTACK-42"; sid:2101; rev:1;)
RULES
gw_apply "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"
: >"$tmp/out"
ip netns exec "$server" python3 "$repo/selftests/kernel/reopen.py" server 7004 "$tmp/out" &
wait_local_port_listen "$server" 7004 tcp || fail "server"

hits=$(gw_hits 2101)
flows=$(gw_counter flows)
ip netns exec "$client" timeout 30 python3 "$repo/selftests/kernel/reopen.py" client \
	"$server4" 7004 41401 "first-connection RESET-ME" "second REOPEN-ATTACK-42 end" ||
	fail "reopened connection"
received "$tmp/out" "RESET-ME" || fail "first connection lost"
sleep 0.5
grep -q "REOPEN-ATTACK-42" "$tmp/out" &&
	fail "the reopened connection's pattern passed (old stream state applied)"
[ "$(gw_hits 2101)" -gt "$hits" ] || fail "no hit on the reopened connection"
[ "$(gw_counter flows)" -ge $((flows + 2)) ] || fail "the reopened connection made no new entry"
log "a connection reopened on the same conntrack entry is inspected afresh"
exit "$ksft_pass"
