#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfips' hook in process context: an nft table queues every packet of the
# gateway's forward and input hooks, at priority 0, before nfips (filter
# + 10), to a plain listener (nfq_accept, after the kernel selftests'
# nf_queue.c) that accepts them all. nf_reinject() then runs nfips from
# the listener's verdict, under rcu_read_lock() only, preemptible and
# with BHs enabled. Drop rules must still drop exactly the packets that
# carry the pattern, forwarded and addressed to the gateway, over TCP and
# UDP, IPv4 and IPv6, and count them exactly: each packet the listener saw
# carrying the pattern is one drop, one rule hit and one blocked event,
# and nfips counts exactly the packets the listener let through. Under
# make check-debug (PREEMPT, DEBUG_PREEMPT, lockdep), per-CPU state used
# preemptibly in the hook is a "BUG: using smp_processor_id() in
# preemptible code" that fails the run.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat timeout nft python3
require_nfipsctl
readonly listener=$repo/selftests/kernel/nfq_accept
[ -x "$listener" ] || fail "$listener not built"

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology
# No more router solicitations to the gateway: the packet counts below
# compare while the gateway is quiet.
for ns in "$client" "$server"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.veth0.router_solicitations=0
done
start_collectors "$tmp"

# The queue's listener first: without one, queued packets are dropped.
ip netns exec "$gateway" "$listener" 30 CTXDROP "$tmp/q" >"$tmp/q.err" 2>&1 &
q_pid=$!
on_exit '[ -n "$q_pid" ] && kill "$q_pid"'
busywait 5000 test -e "$tmp/q" || fail "listener did not start: $(cat "$tmp/q.err")"
ip netns exec "$gateway" nft -f - <<'NFT' || fail "nft queue rules"
table inet nfips_ctx {
	chain forward_q {
		type filter hook forward priority 0;
		queue num 30
	}
	chain input_q {
		type filter hook input priority 0;
		queue num 30
	}
}
NFT
on_exit "ip netns exec '$gateway' nft delete table inet nfips_ctx"

cat >"$tmp/rules" <<'RULES'
drop udp any any -> any 7002 (msg:"ctx udp"; content:"CTXDROP"; sid:2301; rev:1;)
drop tcp any any -> any 7001 (msg:"ctx tcp"; content:"CTXDROP"; sid:2302; rev:1;)
RULES
# Both hooks, so that every packet queued is also one nfips inspects.
gwctl config --hooks forward,local_in || fail "config --hooks"
gw_apply --approve-all "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"

# snap: read the namespace counters once; counter NAME: one of them.
snap() {
	stats=$(gwctl stats | head -n 1)
}
counter() {
	echo "$stats" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'
}

# q_count FIELD: the listener's count of packets (or marked packets).
q_count() {
	sed -n "s/.*$1=\([0-9]*\).*/\1/p" "$tmp/q"
}

# baseline: the listener's and nfips' packet counts while nothing moves
# (a stray IPv6 neighbour or router message between the two reads would
# otherwise count on one side only).
baseline() {
	local l p

	l=$(q_count packets)
	p=$(gw_counter packets)
	sleep 0.5
	[ "$l" = "$(q_count packets)" ] && [ "$p" = "$(gw_counter packets)" ] || return 1
	q0=$l
	p0=$p
}
busywait 30000 baseline || fail "the gateway never went quiet: $(cat "$tmp/q")"
snap
drops0=$(counter drops)
events0=$(counter events)
unparsed0=$(counter unparsed)

ip netns exec "$gateway" "$nfipsctl" events --timeout 120 >"$tmp/events" \
	2>"$tmp/events.err" &
ev_pid=$!
on_exit '[ -n "$ev_pid" ] && kill "$ev_pid"'
busywait 5000 grep -q '^# listening' "$tmp/events.err" || fail "events listener did not start"

# UDP: five benign and five marked datagrams per family to the server,
# and one marked datagram per family to the gateway itself (input hook),
# from one process (a socat each takes seconds in a loaded guest).
ip netns exec "$client" python3 - "$server4" "$server6" "$gw4_c" "$gw6_c" <<'PY' ||
import socket, sys
s4, s6, g4, g6 = sys.argv[1:]
for fam, srv, gw, f in ((socket.AF_INET, s4, g4, 4), (socket.AF_INET6, s6, g6, 6)):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    for i in range(1, 6):
        s.sendto(b"ctx-ok-udp%d-%d\n" % (f, i), (srv, 7002))
        s.sendto(b"xxCTXDROPxx-udp%d-%d\n" % (f, i), (srv, 7002))
    s.sendto(b"xxCTXDROPxx-local%d\n" % f, (gw, 7002))
PY
	fail "UDP sender"
# TCP: a benign segment, then the pattern, then a reset (segsend.py), so
# that no retransmission of the dropped segment outlives the connection.
segsend 4 0 "ctx-ok-tcp4|" "xxCTXDROPxx-tcp4|" || fail "IPv4 TCP connection"
segsend 6 0 "ctx-ok-tcp6|" "xxCTXDROPxx-tcp6|" || fail "IPv6 TCP connection"

for f in 4 6; do
	received "$tmp/udp$f" "ctx-ok-udp$f-5" || fail "IPv$f benign UDP lost"
	[ "$(grep -c "ctx-ok-udp$f-" "$tmp/udp$f")" = 5 ] ||
		fail "IPv$f benign UDP: $(grep -c "ctx-ok-udp$f-" "$tmp/udp$f") of 5 datagrams"
	received "$tmp/tcp$f" "ctx-ok-tcp$f|" || fail "IPv$f benign TCP lost"
	grep -q CTXDROP "$tmp/udp$f" "$tmp/tcp$f" && fail "IPv$f: the pattern passed the gateway"
done

# settled: the counts of both sides agree (the listener writes its own when
# its queue is idle). Every packet nfips saw was first queued.
settled() {
	[ $(($(gw_counter packets) - p0)) = $(($(q_count packets) - q0)) ]
}
busywait 10000 settled ||
	fail "nfips counted $(($(gw_counter packets) - p0)) packets, the listener accepted $(($(q_count packets) - q0))"
marked=$(q_count marked)
# 12 UDP datagrams, and at least one TCP segment (and its retransmissions)
# per family.
[ "$marked" -ge 14 ] || fail "the listener saw $marked packets with the pattern, want >= 14"
udp=$(gw_hits 2301)
tcp=$(gw_hits 2302)
[ "$udp" = 12 ] || fail "sid 2301 (UDP): $udp hits, want 12"
[ "$tcp" -ge 2 ] || fail "sid 2302 (TCP): $tcp hits, want >= 2"
[ $((udp + tcp)) = "$marked" ] ||
	fail "$((udp + tcp)) rule hits for $marked packets with the pattern"
snap
drops=$(($(counter drops) - drops0))
[ "$drops" = "$marked" ] || fail "$drops drops counted for $marked packets with the pattern"
[ "$(counter unparsed)" = "$unparsed0" ] || fail "unparsed packets: $(counter unparsed)"

# One blocked event per dropped packet, no more, none lost.
events_in() {
	[ "$(wc -l <"$tmp/events")" -ge "$marked" ]
}
busywait 10000 events_in || fail "$(wc -l <"$tmp/events") events for $marked drops"
sleep 0.5
kill "$ev_pid"
wait "$ev_pid" 2>/dev/null
ev_pid=
n=$(wc -l <"$tmp/events")
[ "$n" = "$marked" ] || fail "$n events for $marked drops"
[ "$(grep -c 'action=drop blocked=1 ' "$tmp/events")" = "$marked" ] ||
	fail "events not all blocked drops: $(grep -v 'blocked=1' "$tmp/events" | head -n 3)"
[ "$(grep -c ' sid=2301 ' "$tmp/events")" = 12 ] || fail "sid 2301: not 12 events"
n=$(grep -c "dport=7002 in=veth0 hook=local_in" "$tmp/events")
[ "$n" = 2 ] || fail "$n events of the input hook, want 2"
[ "$(grep -c "src=$client6 .*dport=7001 in=veth0 hook=forward" "$tmp/events")" -ge 1 ] ||
	fail "no IPv6 TCP event"
snap
[ $(($(counter events) - events0)) = "$marked" ] ||
	fail "events counter $(($(counter events) - events0)), want $marked"
[ "$(counter events_lost)" = 0 ] || fail "events lost: $(counter events_lost)"

touch "$tmp/q.stop"
wait "$q_pid" || fail "listener: $(cat "$tmp/q.err")"
q_pid=
log "$(q_count packets) packets through the queue; $marked with the pattern: as many drops, hits and events"
exit "$ksft_pass"
