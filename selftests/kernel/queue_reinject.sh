#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The hook run from nf_reinject(): an nft queue rule before nfips in the
# forward chain and a listener that accepts every packet, so nfips sees
# the packets in the listener's process context (BHs enabled) while the
# replies and other flows reach it in softirq. Traffic in both directions
# on many flows; the data must arrive whole, the kernel rule must see it,
# and the guest must neither hang nor log a splat (run.sh checks).
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat timeout nft head
require_nfipsctl
readonly nltool=$repo/selftests/kernel/nltool
[ -x "$nltool" ] || fail "$nltool not built"

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

cat >"$tmp/rules" <<'RULES'
alert tcp any any -> any any (msg:"reinjected"; content:"REINJECT-MARK"; sid:2201; rev:1;)
alert udp any any -> any any (msg:"reinjected udp"; content:"REINJECT-UDP"; sid:2202; rev:1;)
RULES
gw_apply "$tmp/rules"
start_collectors "$tmp"

# Queue 20, ahead of nfips (filter + 10), for every TCP and UDP packet.
# Two rules rather than the set { tcp, udp }: adding a set trips two
# lockdep-RCU false positives of 6.1's nf_tables (nft_set_lookup() and
# nft_set_bitmap.c walk RCU lists under the commit mutex without saying
# so), which fail check-debug's clean kernel log.
ip netns exec "$gateway" nft -f - <<'NFT' || fail "nft queue rule"
table inet nfips_queue {
	chain forward_q {
		type filter hook forward priority 0;
		meta l4proto tcp queue num 20
		meta l4proto udp queue num 20
	}
}
NFT
on_exit "ip netns exec '$gateway' nft delete table inet nfips_queue"
rm -f "$tmp/flows" "$tmp/flows.stop"
# nltool's stand-in daemon as a plain listener: nfips itself queues nothing
# (the policy has no daemon rule).
ip netns exec "$gateway" "$nltool" daemon 20 1 none 0 "$tmp/flows" >"$tmp/daemon.out" 2>&1 &
daemon_pid=$!
on_exit '[ -n "$daemon_pid" ] && kill "$daemon_pid"'
busywait 5000 test -e "$tmp/flows" || fail "listener did not start: $(cat "$tmp/daemon.out")"

# The mark first: it arrives in the connection's first write.
echo "REINJECT-MARK" >"$tmp/chunk"
head -c 150000 /dev/urandom | base64 >>"$tmp/chunk"
packets=$(gw_counter packets)
hits=$(gw_hits 2201)
for i in 1 2 3 4; do
	ip netns exec "$client" timeout 60 socat -u "OPEN:$tmp/chunk" \
		"TCP4:$server4:7001" 2>/dev/null &
	ip netns exec "$client" timeout 60 socat -u "OPEN:$tmp/chunk" \
		"TCP6:[$server6]:7001" 2>/dev/null &
	send_udp 4 "$server4" 7002 "REINJECT-UDP-$i"
done
# all_in FILE: the 4 streams' marks arrived in FILE.
all_in() {
	[ "$(grep -c REINJECT-MARK "$1")" = 4 ]
}
busywait 60000 all_in "$tmp/tcp4" ||
	fail "TCP over IPv4 through the queue: $(grep -c REINJECT-MARK "$tmp/tcp4") of 4 streams"
busywait 30000 all_in "$tmp/tcp6" ||
	fail "TCP over IPv6 through the queue: $(grep -c REINJECT-MARK "$tmp/tcp6") of 4 streams"
received "$tmp/udp4" "REINJECT-UDP-4" || fail "UDP through the queue"
[ "$(gw_hits 2201)" -ge $((hits + 8)) ] || fail "nfips missed reinjected streams: $(gw_hits 2201) hits"
[ "$(gw_counter packets)" -gt $((packets + 100)) ] || fail "nfips saw few packets"
touch "$tmp/flows.stop"
wait "$daemon_pid" || fail "listener: $(cat "$tmp/daemon.out")"
daemon_pid=
grep -q "queue=20" "$tmp/flows" || fail "nothing went through queue 20"
log "the hook runs from nf_reinject(): traffic whole, nothing logged"
exit "$ksft_pass"
