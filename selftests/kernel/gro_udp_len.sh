#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A UDP aggregate (SKB_GSO_UDP_L4: one send of several datagrams) is
# segmented again on the way out, and segmentation rewrites every
# datagram's length from gso_size: the first header's length field never
# reaches the wire. A sender that forges it (here with an nft rule in its
# own namespace, as an unprivileged user namespace may) must not hide the
# datagrams after the first: a drop rule on the third datagram drops the
# aggregate whatever the length field says (shorter than the first
# datagram, or longer than the whole). Both failed before the fix: the
# rule did not hit and the pattern reached the server.
set -u
source "$(dirname "$0")/lib.sh"
require_guest
require_cmd ip socat timeout python3 ethtool nft
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology
cat >"$tmp/rules" <<'RULES'
drop udp any any -> any 7002 (msg:"trailer"; content:"TRAILER"; sid:4006;)
RULES
gw_apply --approve-all "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"
start_collectors "$tmp"
# The gateway segments in software on the way out, as a real NIC would.
ip netns exec "$gateway" ethtool -K veth1 gso off tx-udp-segmentation off tso off \
	>/dev/null 2>&1
ip netns exec "$client" ethtool -K veth0 tso on gso on tx-udp-segmentation on \
	>/dev/null 2>&1 || skip "no UDP segmentation offload on veth"

send() {
	ip netns exec "$client" timeout 30 python3 "$repo/selftests/kernel/aggsend.py" \
		udpgso "$server4" 7002 100 AAAA BBBB "TRAILER $1"
}

h=$(gw_hits 4006)
send base || skip "UDP_SEGMENT sends not supported"
busywait 5000 test "$(gw_hits 4006)" = $((h + 1)) || fail "baseline: the rule did not hit"
for ul in 108 65535; do
	ip netns exec "$client" nft -f - <<NFT || fail "nft: udp length set $ul"
table ip forge {
	chain out {
		type filter hook output priority 0;
		udp dport 7002 udp length set $ul
	}
}
NFT
	h=$(gw_hits 4006)
	send "u$ul" || fail "send with length $ul"
	busywait 5000 test "$(gw_hits 4006)" = $((h + 1)) ||
		fail "udp length forged to $ul: the rule on the third datagram did not hit"
	sleep 1
	grep -qF "TRAILER u$ul" "$tmp/udp4" &&
		fail "udp length forged to $ul: the third datagram reached the server"
	ip netns exec "$client" nft delete table ip forge
	log "udp length forged to $ul: dropped"
done
exit "$ksft_pass"
