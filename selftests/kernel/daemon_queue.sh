#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel side of the kernel/daemon contract, with nltool standing in
# for nfipsd (Documentation/design.rst): the policy's daemon selectors
# choose flows at their first packet, and only those reach the daemon's
# NFQUEUE, from the first packet (for TCP the SYN), every packet, each flow
# always on the same queue of the daemon's two; kernel rules still apply
# to queued flows; the daemon's bypass and drop verdicts stop the queueing;
# each fail-open case is counted: daemon killed (a flow being queued goes
# back to kernel inspection), daemon over its budget (new flows are not
# queued); a policy without daemon rules queues nothing.
set -u
source "$(dirname "$0")/lib.sh"

readonly nltool=$repo/selftests/kernel/nltool

require_guest
require_cmd ip ss socat python3 timeout modprobe
require_nfipsctl
[ -x "$nltool" ] || fail "$nltool not built"
modprobe nfnetlink_queue || skip "no nfnetlink_queue"

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

# Daemon rules: TCP to the IPv4 server's port 7001 (so IPv6 flows to the
# same port are not chosen) and UDP to port 7002; a kernel rule on 7001.
cat >"$tmp/rules" <<'RULES'
alert tcp any any -> 10.0.2.2 7001 (msg:"daemon tcp"; content:"SLOW"; pcre:"/SLOW\d+/"; sid:6001;)
alert udp any any -> any 7002 (msg:"daemon udp"; content:"SLOW"; pcre:"/SLOW\d+/"; sid:6002;)
alert tcp 10.0.2.2 7001 -> any any (msg:"daemon mirror"; content:"X"; pcre:"/X\d/"; sid:6003;)
drop tcp any any -> any 7001 (msg:"kernel tcp"; content:"EVILTCP"; sid:6004;)
RULES
out=$(gwctl policy apply --approve-all "$tmp/rules") || fail "apply: $out"
echo "$out" | grep -q 'daemon=3 .*selectors=2' || fail "selectors not deduplicated: $out"
gwctl status | grep -qx 'daemon selectors: 2' || fail "status: $(gwctl status | grep selectors)"
gwctl status | grep -qx 'daemon: none' || fail "status: $(gwctl status | grep daemon:)"
gwctl mode enforce >/dev/null || fail "mode enforce"
start_collectors "$tmp"

daemon_pid=
# start_daemon VERDICT AFTER: nltool as the daemon on queues 10 and 11.
start_daemon() {
	rm -f "$tmp/flows" "$tmp/flows.stop"
	ip netns exec "$gateway" "$nltool" daemon 10 2 "$1" "$2" "$tmp/flows" \
		>"$tmp/daemon.out" 2>&1 &
	daemon_pid=$!
	busywait 5000 test -e "$tmp/flows" || fail "daemon did not start: $(cat "$tmp/daemon.out")"
	gwctl status | grep -qx 'daemon: queues 10-11' ||
		fail "status: $(gwctl status | grep daemon:)"
}

no_daemon() {
	gwctl status | grep -qx 'daemon: none'
}

overloaded() {
	gwctl status | grep -q 'over its memory budget'
}

stop_daemon() {
	touch "$tmp/flows.stop"
	wait "$daemon_pid" || fail "daemon: $(cat "$tmp/daemon.out")"
	daemon_pid=
	busywait 3000 no_daemon || fail "daemon still registered after it stopped"
}
on_exit '[ -n "$daemon_pid" ] && kill "$daemon_pid"'

# flow_field SPORT FIELD: a field of the daemon's line for the flow.
flow_field() {
	awk -v p="$1" -v f="$2" '$4 == p || $6 == p {
		for (i = 7; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' \
		"$tmp/flows"
}

flow_seen() {
	[ -n "$(flow_field "$1" packets)" ]
}

send_udp_from() {
	printf '%s\n' "$4" | ip netns exec "$client" \
		socat -u - "UDP$1-SENDTO:$(sock_addr "$1" "$2"):7002,sourceport=$3" 2>/dev/null
}

# 1. A chosen TCP flow: queued from its SYN, every packet, one queue, until
# the daemon's bypass verdict after 4 packets (SYN, SYN-ACK, ACK, data).
start_daemon bypass 4
queued=$(gw_counter queued)
segsend 4 41101 "one-41101" "two" "three" "four" "five-41101" || fail "segsend 41101"
received "$tmp/tcp4" "five-41101" || fail "bypassed flow: data lost"
[ "$(flow_field 41101 first_syn)" = 1 ] || fail "daemon's first packet was not the SYN: $(cat "$tmp/flows")"
[ "$(flow_field 41101 packets)" = 4 ] || fail "daemon saw $(flow_field 41101 packets) packets, want 4 (bypass after 4)"
[ "$(flow_field 41101 verdict_rc)" = 0 ] || fail "bypass verdict refused: $(flow_field 41101 verdict_rc)"
[ "$(flow_field 41101 mixed)" = 0 ] || fail "a flow's packets came on two queues"
[ "$(gw_counter queued)" = $((queued + 4)) ] || fail "kernel queued $(($(gw_counter queued) - queued)), want 4"
[ "$(gw_counter bypassed)" -gt 0 ] || fail "bypassed counter 0"
log "chosen TCP flow queued from its SYN until the daemon's bypass verdict"

# 2. Kernel rules still apply to a queued flow (dropped before the queue):
# the first data segment, the 4th packet, is still queued.
drops=$(gw_counter drops)
segsend 4 41102 "EVILTCP-queued" "tail-41102"
sleep 0.5
grep -q "EVILTCP-queued" "$tmp/tcp4" && fail "kernel drop rule did not apply to a queued flow"
[ "$(gw_counter drops)" -gt "$drops" ] || fail "queued flow: no kernel drop"
[ "$(flow_field 41102 first_syn)" = 1 ] || fail "queued flow: not queued from its SYN"

log "kernel rules apply to queued flows"

# 3. A flow no selector chooses never reaches the queue (IPv6 to 7001).
queued=$(gw_counter queued)
segsend 6 41103 "v6-41103" "more-41103"
received "$tmp/tcp6" "more-41103" || fail "unchosen flow: data lost"
[ -z "$(flow_field 41103 packets)" ] || fail "the daemon saw an unchosen flow"
[ "$(gw_counter queued)" = "$queued" ] || fail "an unchosen flow was queued"
log "flows no selector chooses are never queued"
stop_daemon

# 4. UDP flows: the drop verdict after 2 datagrams; flows spread over both
# queues, each always on one.
start_daemon drop 2
drops=$(gw_counter flow_drops)
for i in 1 2 3 4; do
	send_udp_from 4 "$server4" 41104 "udp-41104-$i"
	received "$tmp/udp4" "udp-41104-$i" || [ "$i" -gt 2 ] || fail "datagram $i lost"
done
sleep 0.5
grep -q "udp-41104-[34]" "$tmp/udp4" && fail "datagrams after the drop verdict passed"
[ "$(flow_field 41104 packets)" = 2 ] || fail "daemon saw $(flow_field 41104 packets) datagrams, want 2"
[ "$(gw_counter flow_drops)" -ge $((drops + 2)) ] || fail "flow_drops $(gw_counter flow_drops)"
for p in $(seq 41120 41135); do
	send_udp_from 4 "$server4" "$p" "spread-$p"
	send_udp_from 4 "$server4" "$p" "spread-$p-again"
done
sleep 0.5
grep -q 'mixed=1' "$tmp/flows" && fail "a flow came on two queues: $(cat "$tmp/flows")"
q10=$(grep -c 'queue=10 ' "$tmp/flows") q11=$(grep -c 'queue=11 ' "$tmp/flows")
[ "$q10" -gt 0 ] && [ "$q11" -gt 0 ] || fail "flows not spread: $q10 on queue 10, $q11 on 11"
log "UDP: drop verdict; $q10 flows on queue 10, $q11 on 11, each on one"
stop_daemon

# 5. The inspect verdict: the rest of the flow is the kernel's, whose
# stream state went on while the flow was queued (a pattern split over the
# next two segments is dropped).
start_daemon inspect 4
queued=$(gw_counter queued)
segsend 4 41105 "one-41105" "two-41105:EVIL" "TCP-split-after-inspect"
received "$tmp/tcp4" "two-41105:EVIL" || fail "inspect: data lost"
grep -q "TCP-split-after-inspect" "$tmp/tcp4" && fail "inspect: kernel rule lost the flow's stream"
[ "$(flow_field 41105 packets)" = 4 ] || fail "inspect: daemon saw $(flow_field 41105 packets), want 4"
[ "$(gw_counter queued)" = $((queued + 4)) ] || fail "inspect: the flow was still queued"
log "inspect verdict: the kernel alone goes on, with the flow's stream state"
stop_daemon

# 6. A queue that overflows (the daemon stopped): NFQUEUE's fail-open lets
# the rest through without a trace in the kernel; the daemon counts it
# (queued by the kernel, never received) and reports it.
start_daemon none 0
kill -STOP "$daemon_pid"
ip netns exec "$client" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 41140))
for i in range(1500):
    s.sendto(b"burst-%04d\n" % i, (sys.argv[1], 7002))
' "$server4" || fail "burst sender"
sleep 1
grep -q "burst-" "$tmp/udp4" || fail "queue full: nothing passed while the daemon was stopped"
kill -CONT "$daemon_pid"
burst_done() {
	[ "$(flow_field 41140 packets)" ] && sleep 1 &&
		[ "$(flow_field 41140 packets)" = "$1" ]
}
busywait 30000 burst_done "$(flow_field 41140 packets)" 2>/dev/null
sleep 2
kill -HUP "$daemon_pid"
busywait 5000 grep -q '^failopen' "$tmp/daemon.out" || fail "no fail-open report: $(cat "$tmp/daemon.out")"
n=$(awk '/^failopen/ { print $2 }' "$tmp/daemon.out")
[ "$n" -gt 0 ] || fail "daemon counted no fail-open"
gwctl status | grep -q "queue full $n\$" || fail "status: $(gwctl status | grep fail-open)"
log "queue full: $n of 1500 datagrams let through by NFQUEUE, reported by the daemon"
stop_daemon

# 7. The daemon killed while it queues a flow: the flow goes back to the
# kernel (its kernel rules still apply), counted as daemon_absent.
start_daemon none 0
absent=$(gw_counter daemon_absent)
segsend 4 41110 "before-kill-41110" "?$tmp/killed" "after-kill-41110" "EVILTCP-after-kill" &
sender=$!
busywait 30000 grep -qF "before-kill-41110" "$tmp/tcp4" || fail "kill: first segment lost"
busywait 2000 flow_seen 41110 || fail "kill: flow not queued"
[ "$(flow_field 41110 first_syn)" = 1 ] || fail "kill: flow not queued from its SYN"
kill -9 "$daemon_pid"
wait "$daemon_pid" 2>/dev/null
daemon_pid=
busywait 3000 no_daemon || fail "daemon still registered after kill -9"
touch "$tmp/killed"
wait "$sender"
received "$tmp/tcp4" "after-kill-41110" || fail "flow lost its data when the daemon died"
grep -q "EVILTCP-after-kill" "$tmp/tcp4" && fail "kernel rule not applied after the daemon died"
[ "$(gw_counter daemon_absent)" -gt "$absent" ] || fail "daemon_absent not counted"
absent=$(gw_counter daemon_absent)
send_udp_from 4 "$server4" 41111 "no-daemon-41111"
received "$tmp/udp4" "no-daemon-41111" || fail "no daemon: chosen datagram dropped (fail-open)"
[ "$(gw_counter daemon_absent)" -gt "$absent" ] || fail "no daemon: not counted"
gwctl config --fail-closed || fail "config --fail-closed"
absent=$(gw_counter daemon_absent)
send_udp_from 4 "$server4" 41116 "fail-closed-41116"
sleep 1
grep -q "fail-closed-41116" "$tmp/udp4" && fail "fail-closed: chosen datagram passed without a daemon"
[ "$(gw_counter daemon_absent)" -gt "$absent" ] || fail "fail-closed: not counted"
gwctl config --fail-open || fail "config --fail-open"
log "daemon killed: flows back to the kernel, fail-open counted (fail-closed drops)"

# 8. Over its budget, the daemon gets no new flows (counted); back under, it
# does again.
start_daemon none 0
kill -USR1 "$daemon_pid"
busywait 3000 overloaded || fail "overload not reported: $(cat "$tmp/daemon.out")"
over=$(gw_counter daemon_overload)
send_udp_from 4 "$server4" 41112 "overload-41112"
received "$tmp/udp4" "overload-41112" || fail "overload: datagram lost"
sleep 0.3
[ -z "$(flow_field 41112 packets)" ] || fail "overload: a new flow was queued"
[ "$(gw_counter daemon_overload)" -gt "$over" ] || fail "overload not counted"
kill -USR2 "$daemon_pid"
busywait 3000 eval '! overloaded' || fail "overload not cleared"
send_udp_from 4 "$server4" 41113 "underload-41113"
busywait 3000 flow_seen 41113 || fail "back under budget: flow not queued"
log "daemon over budget: new flows not queued, counted"

# 9. A policy without daemon rules queues nothing.
cat >"$tmp/kernel-only" <<'RULES'
drop tcp any any -> any 7001 (msg:"kernel tcp"; content:"EVILTCP"; sid:6004;)
RULES
gw_apply --approve-all "$tmp/kernel-only"
gwctl status | grep -qx 'daemon selectors: 0' || fail "selectors left"
queued=$(gw_counter queued)
segsend 4 41114 "kernel-only-41114"
send_udp_from 4 "$server4" 41115 "kernel-only-41115"
received "$tmp/udp4" "kernel-only-41115" || fail "kernel-only: datagram lost"
[ "$(gw_counter queued)" = "$queued" ] || fail "a policy without daemon rules queued packets"
stop_daemon
log "a policy without daemon rules queues nothing"
exit "$ksft_pass"
