#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the kernel/daemon contract costs a flow, in the QEMU test guest
# (selftests/kernel/run.sh --script selftests/bench/queue-bench.sh): iperf3
# (one TCP stream, IPv4) from the client through the gateway, with
#
#   kernel       one kernel rule, no daemon selector: never queued
#   queued       a daemon selector choosing the flow, nltool as the daemon
#                accepting every packet (the whole flow through NFQUEUE)
#   bypass       the same, the daemon's bypass verdict after 20 packets
#   absent       the selector, no daemon: fail-open, every packet counted
#
# One line per configuration: config=NAME mbps=X queued=N.
set -u
source "$(dirname "$0")/../kernel/lib.sh"

readonly nltool=$repo/selftests/kernel/nltool
readonly secs=${QBENCH_SECONDS:-8}

require_guest
require_nfipsctl
require_cmd iperf3 modprobe
modprobe nfnetlink_queue || fail "nfnetlink_queue"
tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology
ip netns exec "$server" iperf3 -s >/dev/null 2>&1 &
wait_local_port_listen "$server" 5201 tcp || fail "iperf3 server"
cat >"$tmp/kernel.rules" <<'RULES'
alert tcp any any -> any 5201 (msg:"kernel"; content:"never-in-iperf3-data"; sid:1;)
RULES
cat >"$tmp/daemon.rules" <<'RULES'
alert tcp any any -> any 5201 (msg:"kernel"; content:"never-in-iperf3-data"; sid:1;)
alert tcp any any -> any 5201 (msg:"daemon"; content:"never"; pcre:"/never\d/"; sid:2;)
RULES

run() {
	local q0 mbps

	q0=$(gw_counter queued)
	mbps=$(ip netns exec "$client" iperf3 -c "$server4" -t "$secs" -O 1 -J |
		python3 -c 'import json, sys
print("%.1f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))') ||
		fail "$1: iperf3"
	echo "config=$1 mbps=$mbps queued=$(($(gw_counter queued) - q0)) absent=$(gw_counter daemon_absent)"
}

gw_apply "$tmp/kernel.rules"
run kernel
gw_apply "$tmp/daemon.rules"
ip netns exec "$gateway" "$nltool" daemon 10 1 none 0 "$tmp/flows" >/dev/null 2>&1 &
d=$!
busywait 5000 test -e "$tmp/flows" || fail "daemon"
run queued
touch "$tmp/flows.stop"
wait "$d"
rm -f "$tmp/flows" "$tmp/flows.stop"
ip netns exec "$gateway" "$nltool" daemon 10 1 bypass 20 "$tmp/flows" >/dev/null 2>&1 &
d=$!
busywait 5000 test -e "$tmp/flows" || fail "daemon"
run bypass
touch "$tmp/flows.stop"
wait "$d"
run absent
exit "$ksft_pass"
