#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fail-open cases of the kernel/daemon contract, with nltool standing
# in for nfipsd (Documentation/design.rst), each counted: a queue that
# overflows (NFQUEUE's fail-open, counted by the daemon and reported);
# the daemon killed (a flow being queued goes back to kernel inspection;
# fail-closed drops instead); the daemon over its budget (new flows are
# not queued); and a policy without daemon rules queues nothing.
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

on_exit '[ -n "$daemon_pid" ] && kill -9 "$daemon_pid"'

# 1. A queue that overflows (the daemon stopped): NFQUEUE's fail-open lets
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

# 2. The daemon killed while it queues a flow: the flow goes back to the
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

# 3. Over its budget, the daemon gets no new flows (counted); back under, it
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

# 4. A policy without daemon rules queues nothing.
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
