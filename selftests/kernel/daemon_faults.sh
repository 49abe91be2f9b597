#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfipsd's faults, under traffic through the gateway (daemon.lib):
#   - SIGHUP reloads while connections stream through the queues: no
#     connection fails, an attack sent during each reload is blocked,
#     every queue runs the last policy;
#   - queue overflow (the daemon stopped with SIGSTOP while datagrams
#     arrive, a small socket buffer): every datagram arrives (fail-open
#     or verdict after SIGCONT), the overruns are counted, no hang;
#   - kill -9 under traffic: connections keep flowing (bypass), an attack
#     passes while no daemon runs (fail-open), and the restarted daemon
#     logs the outage with the kernel's packet count;
#   - SIGTERM while connections and datagrams cross: no datagram is lost
#     (queued packets get their verdicts before the queues close), no
#     connection fails, clean stop.
# Under TCG on a busy host the steps take long; the default 120 s is too short.
# nfips-test-timeout: 240
set -u
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/daemon.lib"

require_guest
require_cmd ip ss socat timeout python3 taskset
require_nfipsctl

# Elapsed time in each step's line: the guest allows 120 s per test.
step() { log "[${SECONDS}s] $*"; }

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
on_exit '[ -n "$dpid" ] && kill -9 "$dpid"'
on_exit "touch '$tmp/stop'"
daemon_setup
# A kernel policy, so that the module counts the packets it sees.
if [ -d /sys/module/nfips ]; then
	out=$(gwctl policy apply "$tmp/kernel.rules" 2>&1) || fail "kernel policy: $out"
fi
start_daemon
head -c 65536 /dev/zero >"$tmp/chunk"

# traffic_start / traffic_stop: lib.sh's stream() over both families.
traffic_start() {
	rm -f "$tmp/stop" "$tmp"/count? "$tmp"/failed?
	stream 0 4 "$server4" &
	s4=$!
	stream 1 6 "$server6" &
	s6=$!
}

traffic_stop() {
	touch "$tmp/stop"
	wait "$s4" "$s6"
	for f in 4 6; do
		[ -e "$tmp/failed$f" ] && fail "$1: $(cat "$tmp/failed$f")"
		[ "$(cat "$tmp/count$f" 2>/dev/null)" -ge 1 ] ||
			fail "$1: no IPv$f connection completed"
	done
	step "$1: $(cat "$tmp/count4") + $(cat "$tmp/count6") connections, none failed"
}

# ---- reload under traffic ----------------------------------------------
traffic_start
sleep 0.5
# An attack during each reload: none may pass while engines switch.
attacks=()
for i in 1 2 3; do
	echo "alert tcp any any -> any 7009 (msg:\"reload $i\"; content:\"R$i\"; sid:$((9200 + i));)" \
		>>"$tmp/daemon.rules"
	n=$(grep -c 'reload: policy' "$tmp/daemon.log")
	(client 4 "during reload $i EVIL12${i}X" >"$tmp/attack$i" 2>&1; echo $? >>"$tmp/attack$i") &
	attacks+=($!)
	kill -HUP "$dpid"
	daemon_log_wait 'reload: policy' "$((n + 1))" || fail "reload $i did not complete"
	sleep 0.3
done
traffic_stop "3 reloads under traffic"
wait "${attacks[@]}"
# An overrun passes packets uninspected (fail-open): not what is tested here.
[ "$(stat_sum enobufs)" = 0 ] || fail "queue socket overran during the reloads"
for i in 1 2 3; do
	[ "$(tail -n 1 "$tmp/attack$i")" = 1 ] || fail "attack during reload $i: $(cat "$tmp/attack$i")"
done
grep -q 'reload: policy 4 running (10 rules' "$tmp/daemon.log" || fail "last reload not policy 4"
[ "$(grep 'stats: queue=' "$tmp/daemon.log" | tail -n "$qcount" | grep -c 'policy=4$')" = "$qcount" ] ||
	fail "not every queue switched to policy 4"

# ---- queue overflow --------------------------------------------------------
# Datagrams the collector's own socket buffer overran on are not the
# gateway's loss: count them as arrived.
rcvbuf_errors() {
	ip netns exec "$server" nstat -az UdpRcvbufErrors | awk '$1 == "UdpRcvbufErrors" { print $2 }'
}
# _all_datagrams PREFIX N: N datagrams PREFIX-0.. arrived, or overran the
# collector (since rcvbuf0 was taken).
_all_datagrams() {
	local got

	got=$(grep -o "$1-[0-9]*" "$tmp/udp4" | sort -u | wc -l)
	[ $((got + $(rcvbuf_errors) - rcvbuf0)) -ge "$2" ]
}

# datagrams PREFIX N GAP: N datagrams of 300 bytes to the collector, GAP s apart.
datagrams() {
	ip netns exec "$client" python3 - "$server4" "$@" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[3])):
    s.sendto(("%s-%d\n" % (sys.argv[2], i)).encode().ljust(300, b"."), (sys.argv[1], 7002))
    time.sleep(float(sys.argv[4]))
PY
}
rcvbuf0=$(rcvbuf_errors)

# A socket buffer of 128 KiB, so that 400 datagrams overrun it.
stop_daemon
write_conf enforce 131072
start_daemon
enobufs=$(stat_sum enobufs)
kill -STOP "$dpid"
datagrams OVF 400 0.001
sleep 1
kill -CONT "$dpid"
busywait 10000 _all_datagrams OVF 400 || {
	ip netns exec "$server" nstat -az UdpInDatagrams UdpRcvbufErrors UdpInErrors | sed 's/^/# server /'
	ip netns exec "$gateway" cat /proc/net/netfilter/nfnetlink_queue | sed 's/^/# queue /'
	fail "datagrams lost: $(grep -o 'OVF-[0-9]*' "$tmp/udp4" | sort -u | wc -l) of 400"
}
kill -0 "$dpid" || fail "nfipsd died on the overflow"
[ "$(stat_sum enobufs)" -gt "$enobufs" ] || fail "socket overruns not counted"
out=$(client_pass 4 "after the flood") || fail "no traffic after the overflow: $out"
out=$(client 4 "flood EVIL123X") && fail "attack passed after the overflow: $out"
step "queue overflow: 400 datagrams arrived, $(stat_sum enobufs) overruns counted, still enforcing"

# ---- kill -9 under traffic -------------------------------------------------
traffic_start
sleep 0.5
kill -9 "$dpid"
wait "$dpid" 2>/dev/null
dpid=
out=$(client_pass 4 "no daemon EVIL123X") || fail "fail-open: traffic blocked without a daemon: $out"
sleep 1
grep -qx 'clean=0' "$tmp/nfipsd.state" || fail "state file says clean after kill -9"
start_daemon
traffic_stop "kill -9 and restart under traffic"
grep 'outage: the previous run ended uncleanly' "$tmp/daemon.log" >"$tmp/outage" ||
	fail "no outage recorded"
if [ -d /sys/module/nfips ]; then
	grep -qE 'kernel meanwhile: [1-9][0-9]* packets' "$tmp/outage" ||
		fail "outage without the kernel's packets: $(cat "$tmp/outage")"
fi
step "$(sed 's/^nfipsd: warning: //' "$tmp/outage")"

# ---- SIGTERM under traffic -------------------------------------------------
# Datagrams have no retransmission: one dropped at the stop would be lost.
traffic_start
rcvbuf0=$(rcvbuf_errors)
datagrams TERM 300 0.003 &
sender=$!
sleep 0.5
stop_daemon
wait "$sender"
traffic_stop "SIGTERM under traffic"
busywait 10000 _all_datagrams TERM 300 ||
	fail "datagrams lost at the stop: $(grep -o 'TERM-[0-9]*' "$tmp/udp4" | sort -u | wc -l) of 300"
grep -q 'stopped cleanly' "$tmp/daemon.log" || fail "no clean stop"
grep 'still queued' "$tmp/daemon.log" && fail "packets left in the queue at the stop"
step "SIGTERM while 300 datagrams cross: all arrived, the queues drained"
exit "$ksft_pass"
