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
# on the new connection passed unscanned. Likewise the daemon's bypass
# verdict for the old connection applied to the new one.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss python3 timeout modprobe
require_nfipsctl
readonly nltool=$repo/selftests/kernel/nltool
[ -x "$nltool" ] || fail "$nltool not built"
modprobe nfnetlink_queue || skip "no nfnetlink_queue"

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

# A kernel rule, and a daemon rule that chooses the flows from port 41402.
cat >"$tmp/rules" <<'RULES'
drop tcp any any -> any 7004 (msg:"reopen attack"; content:"REOPEN-ATTACK-42"; sid:2101; rev:1;)
alert tcp any 41402 -> any 7004 (msg:"daemon"; content:"SLOW"; pcre:"/SLOW\d+/"; sid:2102; rev:1;)
RULES
gw_apply --approve-all "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"
: >"$tmp/out"
ip netns exec "$server" python3 "$repo/selftests/kernel/reopen.py" server 7004 "$tmp/out" &
wait_local_port_listen "$server" 7004 tcp || fail "server"

# 1. The daemon bypasses the first connection after its 4 packets (SYN,
# SYN-ACK, ACK, data); the reopened one must be queued and inspected again.
ip netns exec "$gateway" "$nltool" daemon 10 1 bypass 4 "$tmp/flows" >"$tmp/daemon.out" 2>&1 &
daemon_pid=$!
on_exit '[ -n "$daemon_pid" ] && kill "$daemon_pid"'
busywait 5000 test -e "$tmp/flows" || fail "daemon did not start: $(cat "$tmp/daemon.out")"
bypassed=$(gw_counter bypassed)
ip netns exec "$client" timeout 30 python3 "$repo/selftests/kernel/reopen.py" client \
	"$server4" 7004 41402 "bypassed RESET-ME" "second BYPASS REOPEN-ATTACK-42 end" ||
	fail "reopened connection (bypass)"
received "$tmp/out" "bypassed RESET-ME" || fail "first connection lost (bypass)"
sleep 0.5
[ "$(gw_counter bypassed)" -gt "$bypassed" ] || fail "the daemon's bypass verdict did not apply"
grep -q "BYPASS REOPEN-ATTACK-42" "$tmp/out" &&
	fail "the old connection's bypass verdict applied to the reopened one"
touch "$tmp/flows.stop"
wait "$daemon_pid"
daemon_pid=
log "a reopened connection does not inherit the old one's bypass verdict"

# 2. Inspected: the old stream state must not apply either.

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
