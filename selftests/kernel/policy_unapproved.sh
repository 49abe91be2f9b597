#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A drop needs the customer's approval (DESIGN.md): drop and reject rules
# applied from rule files (nfipsctl policy apply RULEFILE, no policy file
# and so no Block approval) only alert, in enforce mode too: the packets
# pass, the rule hits, its event says blocked=0, no drop is counted.
# --approve-all (tests and labs) makes them drop.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat timeout
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

cat >"$tmp/rules" <<'RULES'
drop tcp any any -> any 7001 (msg:"evil tcp"; content:"EVILTCP"; sid:1101; rev:1;)
reject udp any any -> any 7002 (msg:"evil udp"; content:"EVILUDP"; sid:1102; rev:1;)
RULES
out=$(gwctl policy apply "$tmp/rules" 2>&1) || fail "policy apply: $out"
echo "$out" | grep -q '^drop/reject rules=2 approved=0' || fail "sent approved: $out"
gwctl mode enforce >/dev/null || fail "mode enforce"
start_collectors "$tmp"
ip netns exec "$gateway" "$nfipsctl" events --count 2 --timeout 60 >"$tmp/events" \
	2>"$tmp/events.err" &
listener=$!
busywait 5000 grep -q '^# listening' "$tmp/events.err" || fail "events listener did not start"

drops=$(gw_counter drops)
send_tcp 4 "$server4" 7001 "xxEVILTCPxx-unapproved"
send_udp 4 "$server4" 7002 "xxEVILUDPxx-unapproved"
received "$tmp/tcp4" "EVILTCPxx-unapproved" || fail "an unapproved drop rule dropped"
received "$tmp/udp4" "EVILUDPxx-unapproved" || fail "an unapproved reject rule dropped"
[ "$(gw_counter drops)" = "$drops" ] || fail "unapproved rules counted drops"
[ "$(gw_hits 1101)" -ge 1 ] && [ "$(gw_hits 1102)" -ge 1 ] ||
	fail "unapproved rules did not hit: $(gwctl stats | tr '\n' ' ')"
wait "$listener" || fail "events listener: $(cat "$tmp/events.err")"
grep -q ' sid=1101 .*blocked=0' "$tmp/events" && grep -q ' sid=1102 .*blocked=0' "$tmp/events" ||
	fail "no blocked=0 events: $(cat "$tmp/events")"
log "rule files: drop and reject rules alert in enforce mode"

gw_apply --approve-all "$tmp/rules"
send_tcp 4 "$server4" 7001 "xxEVILTCPxx-approved"
send_tcp 4 "$server4" 7001 "after-approved"
received "$tmp/tcp4" "after-approved" || fail "benign TCP after the drop lost"
grep -q "EVILTCPxx-approved" "$tmp/tcp4" && fail "--approve-all: the drop rule did not drop"
[ "$(gw_counter drops)" -gt "$drops" ] || fail "--approve-all: no drop counted"
log "--approve-all: the drop rule drops"
exit "$ksft_pass"
