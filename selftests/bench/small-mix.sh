# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154 # kernel-bench.sh and lib.sh set the topology
#
# The small-packet mix of kernel-bench.sh (sourced by it, in the guest): the
# gateway's per-packet fixed cost (issue 16: packets per second of 64-128
# byte UDP through the gateway with the default policy at least 0.9 of
# plain forwarding).
#
# The kernel's packet generator (pktgen) in the client namespace sends UDP
# datagrams of 64, then of 128 payload bytes, to the server as fast as it
# can, from 64 source ports (64 flows, each in conntrack and in nfips' flow
# table); the server drops them at its interface's ingress (an nft netdev ingress rule), so
# that what is counted is what the gateway forwarded: the packets the
# server's interface received per second (its counter) over $small_secs s,
# after 1 s at saturation. pktgen's kernel thread, the gateway's forwarding
# and the server's ingress all run on the sender's vCPU (a veth hands each
# packet to the backlog of the CPU that sends it): the rate is one vCPU's
# worth of forwarding, so a cost added on the packet path shows in full,
# where iperf3's userspace sender bounds the rate first (the queue mix's
# plain row).
#
# Configurations (each round: every size on every configuration, the figure
# its best round):
#   plain           forwarding only (no policy, no conntrack)
#   plain-ct        forwarding with conntrack on in the gateway namespace
#                   (an nft rule in the output hook needs it; forwarded
#                   packets meet no rule): what any stateful gateway pays,
#                   and what nfips turns on with a policy
#   nfips-default   the nfips kernel with policies/default.rules
#   nfipsd-default  and nfipsd, when built (skipped otherwise)
# Lines (after kernel-bench.sh's):
#   config=NAME mix=small64 pps=X sent_pps=X ratio=X vs_ct=X
# ratio against plain, vs_ct against plain-ct, on the same size.

readonly small_secs=${KBENCH_SMALL_SECONDS:-5}
readonly small_rounds=${KBENCH_SMALL_ROUNDS:-$rounds}
readonly small_sizes=(64 128)
declare -A small_best=() small_extra=()

# pgset NS FILE COMMAND...: pktgen commands (/proc/net/pktgen/FILE) in NS,
# each checked ("Result: OK").
pgset() {
	local ns=$1 f=$2

	shift 2
	ip netns exec "$ns" bash -s "/proc/net/pktgen/$f" "$@" <<-'EOF'
		f=$1
		shift
		for c; do
			echo "$c" >"$f"
			grep -q '^Result: OK' "$f" || { echo "pktgen $c: $(grep '^Result' "$f")" >&2; exit 1; }
		done
	EOF
}

# small_pktgen: pktgen in the client, on its first CPU's thread, towards the
# server through the gateway from 64 source ports. Set up once: removing a
# device is asynchronous (the thread does it later, maybe after a new add).
small_pktgen() {
	local mac

	mac=$(ip netns exec "$gateway" cat /sys/class/net/veth0/address) || return 1
	pgset "$client" kpktgend_0 "add_device veth0" &&
		pgset "$client" veth0 "count 0" "clone_skb 0" "burst 1" "delay 0" \
			"dst_mac $mac" "src_min $client4" "src_max $client4" "dst $server4" \
			"udp_src_min 10000" "udp_src_max 10063" "udp_dst_min 9" "udp_dst_max 9"
}

# measure_small CONFIG ROUND SIZE: one pktgen flood; the server's rate.
measure_small() {
	local c=$1 size=$3 pid p0 p1 s0 s1 t0 t1 pps sent

	# pkt_size counts the Ethernet, IPv4 and UDP headers (14 + 20 + 8).
	pgset "$client" veth0 "pkt_size $((size + 42))" ||
		{ config_failed "$c" "small$size" "pktgen pkt_size"; return; }
	ip netns exec "$client" sh -c 'echo start >/proc/net/pktgen/pgctrl' &
	pid=$!
	p0=$(rx_packets)
	busywait 10000 rx_grew "$((p0 + 1000))" || {
		config_failed "$c" "small$size" "the pktgen flood never reached the server"
		ip netns exec "$client" sh -c 'echo stop >/proc/net/pktgen/pgctrl'
		wait "$pid"
		return
	}
	sleep 1
	p0=$(rx_packets) s0=$(tx_packets) t0=$(date +%s%N)
	sleep "$small_secs"
	p1=$(rx_packets) s1=$(tx_packets) t1=$(date +%s%N)
	ip netns exec "$client" sh -c 'echo stop >/proc/net/pktgen/pgctrl'
	wait "$pid"
	pps=$(rate "$((p1 - p0))" "$((t1 - t0))")
	sent=$(rate "$((s1 - s0))" "$((t1 - t0))")
	echo "# round=$2 config=$c mix=small$size pps=$pps sent_pps=$sent"
	if [ -z "${small_best[$c,$size]:-}" ] || [ "$pps" -gt "${small_best[$c,$size]}" ]; then
		small_best[$c,$size]=$pps
		small_extra[$c,$size]="sent_pps=$sent"
	fi
}

# The output hook sees no forwarded packet: conntrack alone is measured.
small_ct_on() {
	ip netns exec "$gateway" nft -f - <<-EOF
		table inet kbench_ct {
			chain out {
				type filter hook output priority 0; policy accept;
				ct state invalid counter
			}
		}
	EOF
}

# The flood ends at the server's ingress; only the flood: ARP and the
# canary's HTTP must still reach the server.
small_drop_at_server() {
	ip netns exec "$server" nft -f - <<-EOF
		table netdev kbench_small {
			chain in {
				type filter hook ingress device veth0 priority 0;
				udp dport 9 drop
			}
		}
	EOF
}

small_mix() {
	local r c size cs=(plain plain-ct)

	for c in nfips-default nfipsd-default; do
		want "$c" && cs+=("$c")
	done
	if ! modprobe pktgen || ! small_pktgen; then
		fail "small mix: pktgen (module pktgen)"
	fi
	small_drop_at_server || fail "small mix: nft drop at the server"
	echo "# small mix: UDP datagrams of ${small_sizes[*]} payload bytes from pktgen, 64 flows," \
		"$small_secs s per run after 1 s, $small_rounds rounds; dropped at the server's ingress (nft netdev)"
	for ((r = 1; r <= small_rounds; r++)); do
		for c in "${cs[@]}"; do
			case $c in
			plain) ;;
			plain-ct) small_ct_on || fail "small mix: nft conntrack table" ;;
			nfipsd-*)
				if [ ! -x "$nfipsd" ]; then
					# shellcheck disable=SC2004 # associative (kernel-bench.sh)
					skipped[$c,small]="nfipsd not built"
					continue
				fi
				setup "$c" || continue
				;;
			*) setup "$c" || continue ;;
			esac
			for size in "${small_sizes[@]}"; do
				measure_small "$c" "$r" "$size"
			done
			case $c in
			plain) ;;
			plain-ct) ip netns exec "$gateway" nft delete table inet kbench_ct ;;
			*)
				canary "$c"
				teardown "$c"
				;;
			esac
		done
	done
	ip netns exec "$server" nft delete table netdev kbench_small
	small_cs=("${cs[@]}")
}

small_report() {
	local c size line m

	for size in "${small_sizes[@]}"; do
		m=small$size
		for c in "${small_cs[@]}"; do
			line="config=$c mix=$m"
			if [ -n "${failed[$c,$m]:-}" ]; then
				echo "$line failed: ${failed[$c,$m]}"
			elif [ -n "${skipped[$c,small]:-}" ]; then
				echo "$line skipped: ${skipped[$c,small]}"
			elif [ -z "${small_best[$c,$size]:-}" ]; then
				echo "$line failed: no figure"
				nfailed=$((nfailed + 1))
			else
				echo "$line pps=${small_best[$c,$size]} ${small_extra[$c,$size]}" \
					"ratio=$(ratio "${small_best[$c,$size]}" "${small_best[plain,$size]:-0}")" \
					"vs_ct=$(ratio "${small_best[$c,$size]}" "${small_best[plain-ct,$size]:-0}")"
			fi
		done
	done
}
small_cs=()
