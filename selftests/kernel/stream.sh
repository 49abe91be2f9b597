#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-flow TCP state in the gateway: a pattern split across two or three
# segments is dropped (IPv4 and IPv6), and so is every retransmission of
# the dropped segment, while the bytes before it arrive; learn mode lets
# the split pattern pass and counts the hit; the stream depth stops
# inspection after that many bytes of a direction, a new connection on
# the same ports is inspected from its start again, and depth 0 inspects
# everything. Evasion attempts are stream_evasion.sh.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat python3 timeout
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

cat >"$tmp/rules" <<'RULES'
drop tcp any any -> any 7001 (msg:"split attack"; content:"SPLIT-ATTACK-42"; sid:2001; rev:1;)
drop tcp any any -> any 7001 (msg:"evil tcp"; content:"EVILTCP"; sid:2002; rev:1;)
RULES
gw_apply --approve-all "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"
gwctl status | grep -qx 'stream depth: 1048576 bytes per direction' ||
	fail "default stream depth: $(gwctl status | grep depth)"
gwctl status | grep -qx 'flow table: 32768 flows' ||
	fail "flow table: $(gwctl status | grep 'flow table')"
start_collectors "$tmp"

for f in 4 6; do
	drops=$(gw_counter drops)
	segsend "$f" 0 "head-$f:SPLIT-" "ATTACK-42:tail-$f"
	received "$tmp/tcp$f" "head-$f:SPLIT-" || fail "IPv$f: first segment lost"
	grep -q "ATTACK-42" "$tmp/tcp$f" && fail "IPv$f: pattern split over two segments passed"
	# The sender kept retransmitting the dropped segment for two seconds.
	[ "$(gw_counter drops)" -ge $((drops + 2)) ] ||
		fail "IPv$f: drops $drops -> $(gw_counter drops): retransmissions not dropped"

	segsend "$f" 0 "three-$f:SPL" "IT-ATT" "ACK-42"
	received "$tmp/tcp$f" "three-$f:SPL" || fail "IPv$f: three segments: first lost"
	received "$tmp/tcp$f" "IT-ATT" || fail "IPv$f: three segments: second lost"
	grep -q "ACK-42" "$tmp/tcp$f" && fail "IPv$f: pattern split over three segments passed"
	log "IPv$f: patterns split over two and three segments dropped, retransmissions too"
done
[ "$(gw_hits 2001)" -ge 4 ] || fail "sid 2001 hits $(gw_hits 2001), want >= 4"

# Learn mode: the split pattern passes and counts.
gwctl mode learn >/dev/null || fail "mode learn"
hits=$(gw_hits 2001)
segsend 4 0 "learn:SPLIT-" "ATTACK-42:learned"
received "$tmp/tcp4" "ATTACK-42:learned" || fail "learn mode dropped a split pattern"
[ "$(gw_hits 2001)" -gt "$hits" ] || fail "learn mode: split pattern not counted"
gwctl mode enforce >/dev/null || fail "mode enforce"
log "learn mode: split pattern passes, counted"

# Stream depth 4 KiB: past it nothing is inspected.
gwctl config --stream-depth 4k || fail "config --stream-depth 4k"
gwctl status | grep -qx 'stream depth: 4096 bytes per direction' ||
	fail "stream depth not 4096: $(gwctl status | grep depth)"
past=$(gw_counter depth_bytes)
segsend 4 41001 @8192 "EVILTCP-past-depth"
received "$tmp/tcp4" "EVILTCP-past-depth" || fail "pattern past the stream depth dropped"
[ "$(gw_counter depth_bytes)" -ge $((past + 18)) ] ||
	fail "depth_bytes $past -> $(gw_counter depth_bytes)"
# Same ports again: a new connection is inspected from its first byte.
drops=$(gw_counter drops)
segsend 4 41001 "reused-port:" "EVILTCP-reused-port"
received "$tmp/tcp4" "reused-port:" || fail "second connection on port 41001 failed"
grep -q "EVILTCP-reused-port" "$tmp/tcp4" &&
	fail "new connection on the ports of one past its depth not inspected"
segsend 4 0 "within:" @2000 "EVILTCP-within-depth"
received "$tmp/tcp4" "within:" || fail "connection within the depth failed"
grep -q "EVILTCP-within-depth" "$tmp/tcp4" && fail "pattern within the depth passed"
[ "$(gw_counter drops)" -ge $((drops + 2)) ] || fail "depth: drops $drops -> $(gw_counter drops)"
log "stream depth 4096: inspection stops past it, restarts with a new connection"

# Depth 0: the whole stream.
gwctl config --stream-depth 0 || fail "config --stream-depth 0"
gwctl status | grep -qx 'stream depth: unlimited' || fail "stream depth not unlimited"
size=$(stat -c %s "$tmp/tcp4")
segsend 4 0 @8192 "EVILTCP-unlimited"
grep -q "EVILTCP-unlimited" "$tmp/tcp4" && fail "unlimited depth: pattern after 8 KiB passed"
[ "$(stat -c %s "$tmp/tcp4")" -ge $((size + 8192)) ] ||
	fail "unlimited depth: benign 8 KiB before the pattern lost"
log "stream depth 0: whole stream inspected"

flows=$(gw_counter flows)
# Nine connections: nine entries (a new connection on the ports of an
# earlier one starts its entry afresh).
[ "$flows" -eq 9 ] || fail "flows counter $flows, want 9"
[ "$(gw_counter flows_evicted)" = 0 ] || fail "flows evicted from an idle table"
exit "$ksft_pass"
