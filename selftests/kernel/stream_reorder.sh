#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Evasion (b): the second half of a split pattern sent before the first.
# The receiver keeps it and puts both halves together; the kernel, which
# keeps no payload, must not take the first half, when it comes, for a
# retransmission scanned alone. A segment ahead of a hole within the
# stream depth is dropped in enforce mode (counted as "ahead") and comes
# again, in order, after the hole is filled: then the pattern is found.
# (A flow a daemon rule concerns goes to the daemon, which reassembles.)
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
ip netns exec "$client" nft add table inet nfips_test
ip netns exec "$client" nft add chain inet nfips_test out \
	'{ type filter hook output priority 0; }'
ip netns exec "$client" nft add rule inet nfips_test out tcp flags rst drop ||
	fail "nft in the client"

# Second half, first half, then the second half again (as a sender whose
# segment was not acknowledged retransmits it).
hits=$(gw_hits 2001)
ip netns exec "$client" timeout 60 python3 "$repo/selftests/kernel/tcpcraft.py" \
	"$server4" 7001 41301 "d:11:ATTACK-42:tail" w:0.5 "d:0:head:SPLIT-" w:0.5 \
	"d:11:ATTACK-42:tail" || fail "crafted connection"
received "$tmp/tcp4" "head:SPLIT-" || fail "first half lost"
sleep 0.5
grep -q "ATTACK-42" "$tmp/tcp4" && fail "second half sent first: the split pattern passed"
[ "$(gw_hits 2001)" -gt "$hits" ] || fail "no hit on the split pattern"
[ "$(gw_counter ahead)" -gt 0 ] || fail "segment ahead of the hole not counted"
log "second half first: dropped until it comes in order, then the pattern is found"

# Ordinary traffic through the same gateway is unaffected.
segsend 4 41302 "in-order-41302" "SPLIT-" "benign"
received "$tmp/tcp4" "benign" || fail "in-order segments lost"
exit "$ksft_pass"
