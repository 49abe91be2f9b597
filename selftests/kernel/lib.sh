#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the selftests/kernel/*.sh tests, after the kernel's
# tools/testing/selftests/net/lib.sh. The tests run inside the QEMU guest
# that run.sh boots; the guest has no network device of its own, so every
# address used here exists only in the namespaces the test creates.
#
# Source it first thing:  source "$(dirname "$0")/lib.sh"

# Variables here are for the tests that source this file.
# shellcheck disable=SC2034

# kselftest exit codes.
readonly ksft_pass=0
readonly ksft_fail=1
readonly ksft_skip=4

# Root of the work tree: the same path in the guest as on the host.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The module under test: kmod/nfips.ko, or the debug kernel's build of it.
readonly nfips_ko=${NFIPS_KO:-$repo/kmod/nfips.ko}

NS_LIST=()
CLEANUP_HOOKS=()

log() { echo "$(basename "$0"): $*"; }
fail() { log "FAIL: $*"; exit "$ksft_fail"; }
skip() { log "SKIP: $*"; exit "$ksft_skip"; }

# require_cmd CMD...: skip the test (not fail it) when a tool is missing.
require_cmd() {
	local c

	for c; do
		command -v "$c" >/dev/null || skip "$c not installed (selftests/deps.sh)"
	done
}

# Only meaningful inside the throwaway guest: tests change global state.
require_guest() {
	[ "$(hostname)" = nfips-guest ] ||
		skip "run inside the test guest: selftests/kernel/run.sh"
}

# on_exit CMD: run CMD (eval'ed) at exit, before the namespaces go away.
on_exit() {
	CLEANUP_HOOKS+=("$1")
}

# setup_ns NAME...: create one namespace per NAME with a unique suffix and
# store its name in the variable NAME, e.g. "setup_ns client" sets $client
# to "client-Ab3dE9". Loopback is up; rp_filter is off so asymmetric test
# topologies are not silently dropped.
setup_ns() {
	local var ns

	for var; do
		ns="$var-$(mktemp -u XXXXXX)"
		ip netns add "$ns" || fail "ip netns add $ns"
		NS_LIST+=("$ns")
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.default.rp_filter=0
		printf -v "$var" '%s' "$ns"
	done
}

# cleanup: run the on_exit hooks (last first), then delete the namespaces,
# which also kills their veths. Installed as the EXIT trap by setup_ns users.
cleanup() {
	local i ns

	for ((i = ${#CLEANUP_HOOKS[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUP_HOOKS[i]}" 2>/dev/null
	done
	CLEANUP_HOOKS=()
	for ns in "${NS_LIST[@]}"; do
		# Processes left in a namespace would keep its sockets alive.
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	NS_LIST=()
}
trap cleanup EXIT

# The standard topology: client -- gateway -- server, routed (not bridged),
# so that the gateway forwards and later tests can hook nfips there.
#
#   client  veth0 10.0.1.2/24  fd6e:6669:7073:1::2/64
#   gateway veth0 10.0.1.1/24  fd6e:6669:7073:1::1/64  (facing the client)
#           veth1 10.0.2.1/24  fd6e:6669:7073:2::1/64  (facing the server)
#   server  veth0 10.0.2.2/24  fd6e:6669:7073:2::2/64
#
# fd6e:6669:7073::/48 is a ULA prefix (RFC 4193, "nfips" in hex).
readonly client4=10.0.1.2 gw4_c=10.0.1.1 gw4_s=10.0.2.1 server4=10.0.2.2
readonly client6=fd6e:6669:7073:1::2 gw6_c=fd6e:6669:7073:1::1
readonly gw6_s=fd6e:6669:7073:2::1 server6=fd6e:6669:7073:2::2

# setup_topology: create $client, $gateway and $server as drawn above.
client='' gateway='' server=''
setup_topology() {
	setup_ns client gateway server

	ip link add veth0 netns "$client" type veth peer name veth0 netns "$gateway" ||
		fail "veth client-gateway"
	ip link add veth0 netns "$server" type veth peer name veth1 netns "$gateway" ||
		fail "veth gateway-server"

	addr "$client" veth0 "$client4/24" "$client6/64"
	addr "$gateway" veth0 "$gw4_c/24" "$gw6_c/64"
	addr "$gateway" veth1 "$gw4_s/24" "$gw6_s/64"
	addr "$server" veth0 "$server4/24" "$server6/64"

	ip -n "$client" route add default via "$gw4_c"
	ip -n "$client" -6 route add default via "$gw6_c"
	ip -n "$server" route add default via "$gw4_s"
	ip -n "$server" -6 route add default via "$gw6_s"

	ip netns exec "$gateway" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$gateway" sysctl -qw net.ipv6.conf.all.forwarding=1
}

# addr NS DEV ADDR4 ADDR6: configure and bring up DEV. nodad: duplicate
# address detection would make IPv6 unusable for the first second or two.
addr() {
	local ns=$1 dev=$2

	ip -n "$ns" addr add "$3" dev "$dev" || fail "addr $3 on $ns/$dev"
	ip -n "$ns" -6 addr add "$4" dev "$dev" nodad || fail "addr $4 on $ns/$dev"
	ip -n "$ns" link set "$dev" up || fail "link up $ns/$dev"
}

# busywait TIMEOUT_MS CMD...: retry CMD until it succeeds or time runs out.
busywait() {
	local timeout_ms=$1 start

	shift
	start=$(date +%s%3N)
	until "$@"; do
		(($(date +%s%3N) - start > timeout_ms)) && return 1
		sleep 0.1
	done
}

# wait_local_port_listen NS PORT [tcp|udp]: wait until something listens.
wait_local_port_listen() {
	local ns=$1 port=$2 proto=${3:-tcp}

	busywait 10000 _port_listening "$ns" "$port" "$proto"
}

_port_listening() {
	local opt=-Htln

	[ "$3" = udp ] && opt=-Huln
	ip netns exec "$1" ss "$opt" "sport = :$2" | grep -q .
}

# kmsg MSG: mark dmesg, so a test can look only at what follows its mark.
kmsg() {
	echo "nfips-selftest: $*" >/dev/kmsg
}

# dmesg_since MARK: kernel messages after the last "nfips-selftest: MARK".
dmesg_since() {
	dmesg | awk -v m="nfips-selftest: $1" '
		substr($0, length($0) - length(m) + 1) == m { buf = ""; next }
		{ buf = buf $0 "\n" }
		END { printf "%s", buf }'
}

# ---- nfips control -------------------------------------------------------

readonly nfipsctl=$repo/ctl/nfipsctl/nfipsctl

# require_nfipsctl: the CLI the policy tests drive the module with.
require_nfipsctl() {
	[ -x "$nfipsctl" ] || fail "$nfipsctl not built (make tools)"
}

# gwctl ARGS...: nfipsctl in the gateway namespace.
gwctl() {
	ip netns exec "$gateway" "$nfipsctl" "$@"
}

# gw_counter NAME: one of the namespace counters (packets, drops, ...).
gw_counter() {
	gwctl stats | head -n 1 | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'
}

# gw_hits SID: hits of the rule with that sid in the running policy.
gw_hits() {
	gwctl stats | awk -v s="$1" 'NR > 1 { split($1, a, ":"); if (a[2] == s) print $3 }'
}

# gw_apply [--approve-all] FILE: apply a rules file in the gateway, fail
# the test if refused. Rule files carry no customer approval: their drop
# and reject rules only alert unless --approve-all (tests that want drops).
gw_apply() {
	local out file="${!#}"

	out=$(gwctl policy apply "$@" 2>&1) || fail "policy apply $file: $out"
	echo "$out" | grep -q '^serial=' || fail "policy apply $file printed no serial: $out"
}

# sock_addr FAMILY ADDR: socat's way of writing ADDR (IPv6 in brackets).
sock_addr() {
	if [ "$1" = 6 ]; then echo "[$2]"; else echo "$2"; fi
}

# send_tcp FAMILY DST PORT DATA: one connection carrying DATA, at most 3 s.
send_tcp() {
	printf '%s\n' "$4" | ip netns exec "$client" timeout 3 \
		socat -u - "TCP$1:$(sock_addr "$1" "$2"):$3" 2>/dev/null
}

# send_udp FAMILY DST PORT DATA: one datagram.
send_udp() {
	printf '%s\n' "$4" | ip netns exec "$client" \
		socat -u - "UDP$1-SENDTO:$(sock_addr "$1" "$2"):$3" 2>/dev/null
}

# start_collectors DIR: TCP and UDP servers in $server appending what they
# receive to DIR/tcp4 DIR/tcp6 DIR/udp4 DIR/udp6 (ports 7001 TCP, 7002 UDP).
start_collectors() {
	local d=$1 f opt

	for f in 4 6; do
		: >"$d/tcp$f"
		: >"$d/udp$f"
		# The IPv6 sockets must not take the IPv4 traffic too.
		[ "$f" = 6 ] && opt=,ipv6only=1 || opt=
		ip netns exec "$server" socat -u "TCP$f-LISTEN:7001,reuseaddr,fork$opt" \
			"OPEN:$d/tcp$f,append" 2>/dev/null &
		ip netns exec "$server" socat -u "UDP$f-RECV:7002$opt" \
			"OPEN:$d/udp$f,append" 2>/dev/null &
	done
	wait_local_port_listen "$server" 7001 tcp || fail "TCP collector"
	wait_local_port_listen "$server" 7002 udp || fail "UDP collector"
}

# received FILE TEXT [MS]: TEXT arrived in FILE (waiting up to MS ms, 3 s
# by default).
received() {
	busywait "${3:-3000}" grep -qF "$2" "$1"
}

# segsend FAMILY SRCPORT PART...: selftests/kernel/segsend.py from $client to
# the TCP collector on $server port 7001.
segsend() {
	local f=$1 sport=$2 dst=$server4

	shift 2
	[ "$f" = 6 ] && dst=$server6
	ip netns exec "$client" timeout 60 python3 "$repo/selftests/kernel/segsend.py" \
		"$f" "$dst" 7001 "$sport" "$@"
}

# ---- nltool as the daemon (daemon_queue.sh, daemon_failopen.sh), in $tmp --

daemon_pid=
# start_daemon VERDICT AFTER: nltool in the gateway as the daemon on queues
# 10 and 11, its flows in $tmp/flows (selftests/kernel/nltool.c).
start_daemon() {
	rm -f "$tmp/flows" "$tmp/flows.stop"
	ip netns exec "$gateway" "$repo/selftests/kernel/nltool" daemon 10 2 "$1" "$2" \
		"$tmp/flows" >"$tmp/daemon.out" 2>&1 &
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

# flow_field SPORT FIELD: a field of the daemon's line for the flow.
flow_field() {
	awk -v p="$1" -v f="$2" '$4 == p || $6 == p {
		for (i = 7; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' \
		"$tmp/flows"
}

flow_seen() {
	[ -n "$(flow_field "$1" packets)" ]
}

# send_udp_from FAMILY DST SPORT DATA: one datagram to the UDP collector.
send_udp_from() {
	printf '%s\n' "$4" | ip netns exec "$client" \
		socat -u - "UDP$1-SENDTO:$(sock_addr "$1" "$2"):7002,sourceport=$3" 2>/dev/null
}

# ---- traffic for the debug kernel's stress tests, in $tmp ----------------

# start_bulk_sinks: in $server, TCP port 7003 appending each connection to
# $tmp/out4 or $tmp/out6, UDP port 7002 discarding.
start_bulk_sinks() {
	local f opt

	for f in 4 6; do
		opt=
		[ "$f" = 6 ] && opt=,ipv6only=1
		ip netns exec "$server" socat -u "TCP$f-LISTEN:7003,reuseaddr,fork$opt" \
			"OPEN:$tmp/out$f,creat,append" 2>/dev/null &
		ip netns exec "$server" socat -u "UDP$f-RECV:7002$opt" OPEN:/dev/null 2>/dev/null &
	done
	wait_local_port_listen "$server" 7003 tcp || fail "TCP sink"
}

# stream CPU FAMILY DST: connections of $tmp/chunk one after the other until
# $tmp/stop exists; counts them in $tmp/countFAMILY, or records the first
# that failed in $tmp/failedFAMILY.
stream() {
	local cpu=$1 f=$2 dst n=0

	dst=$(sock_addr "$f" "$3")
	while [ ! -e "$tmp/stop" ]; do
		ip netns exec "$client" taskset -c "$cpu" timeout 60 \
			socat -u "OPEN:$tmp/chunk" "TCP$f:$dst:7003" 2>"$tmp/err$f" || {
			echo "IPv$f connection $((n + 1)) failed: $(cat "$tmp/err$f")" >"$tmp/failed$f"
			return
		}
		n=$((n + 1))
	done
	echo "$n" >"$tmp/count$f"
}

# udp CPU FAMILY DST: $tmp/udp in datagrams (some fragmented) until
# $tmp/stop exists.
udp() {
	local dst

	dst=$(sock_addr "$2" "$3")
	while [ ! -e "$tmp/stop" ]; do
		ip netns exec "$client" taskset -c "$1" \
			socat -u -b 4000 "OPEN:$tmp/udp" "UDP$2-SENDTO:$dst:7002" 2>/dev/null
	done
}
