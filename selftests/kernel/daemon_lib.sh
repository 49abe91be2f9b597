#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the nfipsd guest tests (daemon.sh, daemon_faults.sh), after
# lib.sh, which must be sourced first. The gateway sends every forwarded
# TCP and UDP packet to nfipsd's queues with an nft rule
# ("queue num 10-11 bypass": by address-pair hash, so both directions of a
# flow go to the same queue; bypass: no daemon, packets pass), so these
# tests need nothing of the module's own flow queueing.

# shellcheck disable=SC2034
readonly nfipsd=$repo/ctl/nfipsd/nfipsd
readonly qbase=10 qcount=2
dpid=

# daemon_setup: topology, the queue rule, servers, rules and configuration
# in $tmp (which the caller made).
daemon_setup() {
	[ -x "$nfipsd" ] || fail "$nfipsd not built (make tools)"
	setup_topology
	modprobe nfnetlink_queue 2>/dev/null
	modprobe nft_queue 2>/dev/null
	ip netns exec "$gateway" nft -f - <<-NFT 2>/dev/null || queue_rule_xt
	table inet nfipsd_test {
		chain fwd {
			type filter hook forward priority 10; policy accept;
			meta l4proto { tcp, udp } counter queue num $qbase-$((qbase + qcount - 1)) bypass
		}
	}
	NFT
	# Echo servers (port 7001), UDP collectors (7002), bulk sinks (7003).
	ip netns exec "$server" socat TCP4-LISTEN:7001,reuseaddr,fork EXEC:cat 2>/dev/null &
	ip netns exec "$server" socat TCP6-LISTEN:7001,reuseaddr,fork,ipv6only=1 EXEC:cat 2>/dev/null &
	for f in 4 6; do
		: >"$tmp/udp$f"
		opt=
		[ "$f" = 6 ] && opt=,ipv6only=1
		ip netns exec "$server" socat -u "UDP$f-RECV:7002$opt" "OPEN:$tmp/udp$f,append" 2>/dev/null &
	done
	# lib.sh's stream() sends $tmp/chunk to port 7003 (its UDP sink would
	# take our collectors' port).
	ip netns exec "$server" socat -u TCP4-LISTEN:7003,reuseaddr,fork OPEN:/dev/null 2>/dev/null &
	ip netns exec "$server" socat -u TCP6-LISTEN:7003,reuseaddr,fork,ipv6only=1 \
		OPEN:/dev/null 2>/dev/null &
	wait_local_port_listen "$server" 7003 tcp || fail "TCP sink"
	wait_local_port_listen "$server" 7001 tcp || fail "echo server"
	wait_local_port_listen "$server" 7002 udp || fail "UDP collector"

	# Rules only the daemon evaluates (pcre, relative contents across
	# segments, flowbits across packets, UDP), and one the kernel decides.
	cat >"$tmp/daemon.rules" <<-'RULES'
	drop tcp any any -> any 7001 (msg:"nfipsd test: pcre"; flow:established,to_server; content:"EVIL"; pcre:"/EVIL\d{3}X/"; classtype:trojan-activity; sid:9101; rev:2;)
	drop tcp any any -> any 7001 (msg:"nfipsd test: split contents"; flow:established,to_server; content:"PART1"; content:"PART2"; distance:3; within:10; classtype:attempted-admin; sid:9102; rev:1;)
	alert tcp any any -> any 7001 (msg:"nfipsd test: login"; flow:established,to_server; content:"LOGIN"; flowbits:set,nfipsd.login; flowbits:noalert; sid:9103; rev:1;)
	reject tcp any any -> any 7001 (msg:"nfipsd test: command after login"; flow:established,to_server; content:"RMRF"; flowbits:isset,nfipsd.login; classtype:attempted-admin; sid:9104; rev:1;)
	drop udp any any -> any 7002 (msg:"nfipsd test: udp"; content:"UDPBAD"; pcre:"/UDPBAD\d+/"; classtype:trojan-activity; sid:9105; rev:1;)
	alert tcp any any -> any 7001 (msg:"nfipsd test: kernel hit"; content:"KERNELHIT"; classtype:misc-activity; sid:9106; rev:4;)
	RULES
	grep 'sid:9106;' "$tmp/daemon.rules" >"$tmp/kernel.rules"
	write_conf enforce
	: >"$tmp/daemon.log"
}

# queue_rule_xt: the same with iptables' NFQUEUE, for kernels without
# nft_queue (only to try the test outside the guest).
queue_rule_xt() {
	local p t

	for t in iptables ip6tables; do
		for p in tcp udp; do
			ip netns exec "$gateway" "$t" -A FORWARD -p "$p" -j NFQUEUE \
				--queue-balance "$qbase:$((qbase + qcount - 1))" --queue-bypass ||
				fail "no nft queue rule, and no $t NFQUEUE either"
		done
	done
}

# write_conf MODE [EXTRA]: $tmp/nfipsd.conf.
write_conf() {
	cat >"$tmp/nfipsd.conf" <<-CONF
	queues = { base = $qbase; count = $qcount; maxlen = 2048; rcvbuf = 131072; };
	rules = [ "daemon.rules" ];
	vars = { HOME_NET = "[10.0.0.0/8,fd6e:6669:7073::/48]"; };
	mode = "$1";
	classification = "$repo/policies/classification.config";
	log = { eve = "$tmp/eve.json"; };
	state = { path = "$tmp/nfipsd.state"; interval = 1; };
	memory = { budget = "256M"; };
	sensor = "guest-gw";
	stop_timeout = 10;
	${2:-}
	CONF
}

# start_daemon: nfipsd in the gateway, its log appended to $tmp/daemon.log;
# returns once its queues are bound.
start_daemon() {
	local n

	n=$(grep -c ': running$' "$tmp/daemon.log" 2>/dev/null)
	ip netns exec "$gateway" "$nfipsd" -c "$tmp/nfipsd.conf" >>"$tmp/daemon.log" 2>&1 &
	dpid=$!
	busywait 30000 _daemon_running "$((n + 1))" || {
		sed 's/^/# /' "$tmp/daemon.log"
		fail "nfipsd did not start"
	}
}

_daemon_running() {
	kill -0 "$dpid" 2>/dev/null || return 2
	[ "$(grep -c ': running$' "$tmp/daemon.log")" -ge "$1" ]
}

# stop_daemon: SIGTERM, wait, fail unless it stopped cleanly.
stop_daemon() {
	local rc

	kill -TERM "$dpid"
	wait "$dpid"
	rc=$?
	[ "$rc" = 0 ] || fail "nfipsd exited $rc on SIGTERM"
	dpid=
}

# daemon_log_wait TEXT [N]: the daemon log has TEXT at least N times.
daemon_log_wait() {
	busywait 20000 _log_has "$1" "${2:-1}"
}

_log_has() {
	[ "$(grep -cF -- "$1" "$tmp/daemon.log")" -ge "$2" ]
}

# stat_sum NAME: NAME summed over the queues, from a fresh SIGUSR1.
stat_sum() {
	local n

	n=$(grep -c 'stats: kernel_events' "$tmp/daemon.log")
	kill -USR1 "$dpid"
	daemon_log_wait 'stats: kernel_events' "$((n + 1))" || fail "no statistics"
	grep 'stats: queue=' "$tmp/daemon.log" | tail -n "$qcount" |
		tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { s += $2 } END { print s + 0 }'
}

# client FAMILY PART...: echo_client.py in $client to the echo server; a
# drop shows as no echo within ECHO_TIMEOUT seconds (default 4).
client() {
	local f=$1 dst=$server4

	shift
	[ "$f" = 6 ] && dst=$server6
	ip netns exec "$client" timeout 40 python3 "$repo/selftests/kernel/echo_client.py" \
		"$f" "$dst" 7001 "$@"
}

# client_pass FAMILY PART...: the same where a pass is expected: waits
# longer for the echo (a busy TCG guest can take seconds to fork a server).
client_pass() {
	ECHO_TIMEOUT=20 client "$@"
}

# eve_count SID ACTION PATH: alert records of SID with that action and path.
eve_count() {
	python3 - "$tmp/eve.json" "$1" "$2" "$3" <<-'PY'
	import json, sys
	n = 0
	for line in open(sys.argv[1]):
	    r = json.loads(line)
	    a = r["alert"]
	    if (a["signature_id"] == int(sys.argv[2]) and a["action"] == sys.argv[3]
	            and r["nfips"]["path"] == sys.argv[4]):
	        n += 1
	print(n)
	PY
}

# eve_has SID ACTION PATH: at least one such record.
eve_has() {
	[ "$(eve_count "$@")" -ge 1 ]
}
