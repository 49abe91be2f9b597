#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the small-packet mix's time goes (issue 16's per-packet fixed
# cost), in the QEMU test guest:
#
#   selftests/kernel/run.sh --script selftests/bench/small-profile.sh
#
# The topology and pktgen flood of small-mix.sh (64 flows of 64-byte UDP
# datagrams, client -> gateway -> server, dropped at the server's ingress),
# for each configuration (KPROF_CONFIGS, default "plain-ct nfips-default";
# also plain; commas separate them too, for the kernel command line): the
# packets per second the server received over
# KPROF_SECONDS (default 5), then the same flood under
# `perf record -a -g -e cpu-clock` and `perf report --no-children
# --sort sym` (flat, the top symbols; with KPROF_CALLERS=1 also the call
# graph of the nfips symbols; with KPROF_CALLEES=1 what nfips' hook calls,
# inclusive). Under TCG the cost is guest instructions:
# the profile's shares are what to cut. KPROF_SIZE: the payload size
# (default 64); KPROF_PERF=0: the rates only, KPROF_ROUNDS of them (default
# 1), every configuration in each round. Variables reach the guest with
# run.sh's NFIPS_CMDLINE,
# e.g. NFIPS_CMDLINE="KPROF_CONFIGS=nfips-default KPROF_SIZE=128".
set -u
source "$(dirname "$0")/../kernel/lib.sh"

require_guest
require_nfipsctl
require_cmd perf nft

rounds=${KPROF_ROUNDS:-1}
readonly prof_secs=${KPROF_SECONDS:-5} prof_size=${KPROF_SIZE:-64}
IFS=", " read -r -a prof_configs <<<"${KPROF_CONFIGS:-plain-ct nfips-default}"
readonly classes=$repo/policies/classification.config
readonly home_net="[10.0.2.0/24,fd6e:6669:7073:2::/64]"
# shellcheck source=small-mix.sh
source "$(dirname "$0")/small-mix.sh"

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"

# What measure_small() (small-mix.sh) needs from kernel-bench.sh.
config_failed() { fail "$1 ($2): $3"; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / (t / 1e9) }'; }
tx_packets() { ip netns exec "$client" cat /sys/class/net/veth0/statistics/tx_packets; }
rx_packets() { ip netns exec "$server" cat /sys/class/net/veth0/statistics/rx_packets; }
rx_grew() { [ "$(rx_packets)" -ge "$1" ]; }

prof_setup() {
	local out

	case $1 in
	plain) ;;
	plain-ct) small_ct_on || fail "nft conntrack table" ;;
	nfips-*)
		gwctl config --stream-depth 1m >/dev/null || fail "config"
		out=$(gwctl policy apply --classification "$classes" --var "HOME_NET=$home_net" \
			"$repo/policies/${1#nfips-}.rules" 2>&1) || fail "policy apply: $out"
		echo "# $1: $(echo "$out" | head -n 1)"
		;;
	*) fail "unknown configuration $1" ;;
	esac
}

prof_teardown() {
	case $1 in
	plain) ;;
	plain-ct) ip netns exec "$gateway" nft delete table inet kbench_ct ;;
	nfips-*)
		echo "# $1: $(gwctl stats | head -n 1)"
		gwctl flush >/dev/null || fail "flush"
		;;
	esac
}

# prof_record CONFIG: the flood under perf; the report's top symbols.
prof_record() {
	local pid data=$tmp/$1.data

	pgset "$client" veth0 "pkt_size $((prof_size + 42))" || fail "pktgen pkt_size"
	ip netns exec "$client" sh -c 'echo start >/proc/net/pktgen/pgctrl' &
	pid=$!
	sleep 1
	perf record -q -a -g -e cpu-clock -o "$data" -- sleep "$prof_secs" >/dev/null 2>&1 ||
		fail "perf record"
	ip netns exec "$client" sh -c 'echo stop >/proc/net/pktgen/pgctrl'
	wait "$pid"
	echo "# ---- $1: perf report --no-children --sort sym (flat) ----"
	perf report -i "$data" --no-children --sort sym -g none --percent-limit 0.4 \
		--stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 70
	echo "# ---- $1: nfips' own symbols, and their sum against the busy time ----"
	perf report -i "$data" --no-children --sort dso,sym -g none --percent-limit 0 \
		--stdio 2>/dev/null | awk '$1 ~ /%$/ {
			p = $1 + 0
			if ($0 ~ /native_safe_halt|default_idle|cpuidle/) idle += p
			else busy += p
			if ($2 ~ /nfips/ || $0 ~ / nfips_/) { own += p; print }
		}
		END { printf "# nfips %.2f%% of samples, busy %.2f%%: %.1f%% of the busy time\n",
			own, busy, (busy > 0 ? 100 * own / busy : 0) }'
	echo "# ---- $1: inclusive (children), hooks and forwarding ----"
	perf report -i "$data" --children --sort sym -g none --percent-limit 0 \
		--stdio 2>/dev/null | grep -E ' (nfips_hook|nfips_inspect|nfips_scan|nf_hook_slow|nf_conntrack_in|ipv4_conntrack_in|ip_forward|ip_rcv|__netif_receive_skb_core.*|pktgen_xmit|pktgen_thread_worker|process_backlog)$'
	if [ "${KPROF_CALLERS:-0}" = 1 ]; then
		echo "# ---- $1: callers of nfips' symbols ----"
		perf report -i "$data" --no-children --sort sym -G --percent-limit 1 \
			--stdio 2>/dev/null | grep -v '^$' | head -n 200
	fi
	if [ "${KPROF_CALLEES:-0}" = 1 ]; then
		echo "# ---- $1: what nfips' hook calls (inclusive, by callee) ----"
		perf report -i "$data" --children --sort sym --symbol-filter=nfips_inspect \
			-g caller,0.05 --stdio 2>/dev/null |
			grep -v '^#' | grep -v '^$' | head -n 120
	fi
}

setup_topology
modprobe pktgen || fail "modprobe pktgen"
small_pktgen || fail "pktgen set-up"
small_drop_at_server || fail "nft drop at the server"
for ((r = 1; r <= rounds; r++)); do
	for c in "${prof_configs[@]}"; do
		prof_setup "$c"
		measure_small "$c" "$r" "$prof_size"
		[ "${KPROF_PERF:-1}" = 0 ] || prof_record "$c"
		prof_teardown "$c"
	done
done
for c in "${prof_configs[@]}"; do
	echo "# best: config=$c mix=small$prof_size pps=${small_best[$c,$prof_size]}"
done
exit "$ksft_pass"
