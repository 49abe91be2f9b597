#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Evasion (a): on an established connection, a SYN whose sequence number
# lies just below the next segment must not restart the direction's
# stream: 6.1 conntrack lets such a SYN through without a window check
# and the receiver ignores it (RFC 5961), so a pattern split over the
# segments before and after it must still be found. The kernel honours a
# SYN only while conntrack says the connection is new or in its handshake,
# and in the handshake only until the SYN-ACK acknowledged an ISN: a SYN
# with another one after it (conntrack, in SYN_RECV, lets it through and
# the server ignores it) must not move the direction either.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat python3 timeout nft
require_nfipsctl
python3 -c 'import scapy' 2>/dev/null || skip "python3-scapy not installed (selftests/deps.sh)"

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

cat >"$tmp/rules" <<'RULES'
drop tcp any any -> any 7001 (msg:"split attack"; content:"SPLIT-ATTACK-42"; sid:2001; rev:1;)
RULES
gw_apply --approve-all "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"
start_collectors "$tmp"
# The client's kernel has no socket for the crafted connection.
ip netns exec "$client" nft add table inet nfips_test
ip netns exec "$client" nft add chain inet nfips_test out \
	'{ type filter hook output priority 0; }'
ip netns exec "$client" nft add rule inet nfips_test out tcp flags rst drop ||
	fail "nft in the client"

hits=$(gw_hits 2001)
ip netns exec "$client" timeout 60 python3 "$repo/selftests/kernel/tcpcraft.py" \
	"$server4" 7001 41201 "d:0:head:SPLIT-" w:0.5 s:11 w:0.5 "d:11:ATTACK-42:tail" ||
	fail "crafted connection"
received "$tmp/tcp4" "head:SPLIT-" || fail "first segment lost"
sleep 0.5
grep -q "ATTACK-42" "$tmp/tcp4" && fail "a SYN mid-connection cut the split pattern: it passed"
[ "$(gw_hits 2001)" -gt "$hits" ] || fail "no hit on the split pattern"
[ "$(gw_counter syns_ignored)" -gt 0 ] || fail "syns_ignored not counted"
log "a SYN on an established connection does not restart its stream"

ignored=$(gw_counter syns_ignored)
ip netns exec "$client" timeout 60 python3 "$repo/selftests/kernel/tcpcraft.py" \
	"$server4" 7001 41202 h:100000 "d:0:head2:SPLIT-" w:0.5 "d:12:ATTACK-42:tail2" ||
	fail "crafted connection"
received "$tmp/tcp4" "head2:SPLIT-" || fail "first segment lost (handshake SYN)"
sleep 0.5
grep -q "ATTACK-42:tail2" "$tmp/tcp4" &&
	fail "a SYN with another ISN in the handshake cut the split pattern: it passed"
[ "$(gw_counter syns_ignored)" -gt "$ignored" ] || fail "handshake SYN not counted as ignored"
log "a SYN with another ISN after the SYN-ACK does not restart its stream"
exit "$ksft_pass"
