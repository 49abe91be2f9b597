#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel forwarding benchmark, run in the QEMU test guest by
# `make bench-kernel` (selftests/kernel/run.sh --script). iperf3 from the
# client through the gateway to the server of the selftests' topology, all
# in one boot, for each configuration of the gateway:
#
#   plain        forwarding only (nfips.ko loaded, no policy: inspection off)
#   nfips-1.6k   nfips with one alert rule per raw-payload ET fast pattern,
#                default stream depth (the first 1 MiB of each direction)
#   nfips-15k    nfips with one alert rule per ET fast pattern, same depth
#   nfips-1.6k-all, nfips-15k-all
#                the same with stream depth 0: every byte of the stream
#   xt-200       200 iptables string rules (xt_string, Boyer-Moore)
#   xt-1600      1,600 of them
#
# The inputs are written on the host into selftests/bench/out/ (the guest
# sees the host's files): kbench.env (KBENCH_SECONDS, KBENCH_ROUNDS) and
# kbench-{raw,all}.rules, kbench-xt{200,1600}.iptables. Every round runs
# every configuration in that order; each configuration's figure is its
# best round. Prints "# ..." diagnostics and, last, one line per
# configuration:  config=NAME mbps=X ratio=X  (config=plain first).
set -u
source "$(dirname "$0")/../kernel/lib.sh"

require_guest
require_nfipsctl
for c in iperf3 iptables-restore nft ip ss; do
	command -v "$c" >/dev/null || fail "$c not installed: run selftests/deps.sh"
done

in=$repo/selftests/bench/out
[ -r "$in/kbench.env" ] || fail "no $in/kbench.env: run make -C selftests/bench bench-kernel"
# shellcheck source=/dev/null
source "$in/kbench.env"
readonly secs=${KBENCH_SECONDS:-10} rounds=${KBENCH_ROUNDS:-2}
readonly configs=(plain nfips-1.6k nfips-15k nfips-1.6k-all nfips-15k-all xt-200 xt-1600)
declare -A input=(
	[nfips-1.6k]=$in/kbench-raw.rules [nfips-15k]=$in/kbench-all.rules
	[nfips-1.6k-all]=$in/kbench-raw.rules [nfips-15k-all]=$in/kbench-all.rules
	[xt-200]=$in/kbench-xt200.iptables [xt-1600]=$in/kbench-xt1600.iptables
)
declare -A best=()

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"

# setup CONFIG / teardown: load what the configuration inspects with.
setup() {
	local out depth=1m

	case $1 in
	nfips-*)
		[[ $1 = *-all ]] && depth=0
		gwctl config --stream-depth "$depth" || fail "$1: config --stream-depth $depth"
		out=$(gwctl policy apply "${input[$1]}" 2>&1) || fail "$1: policy apply: $out"
		gwctl stats | head -n 1 >"$tmp/counters"
		echo "# $1: $(echo "$out" | head -n 1); $(gwctl status |
			grep -E '^(rules|automaton states|memory|stream depth):' | tr '\n' ' ')"
		;;
	xt-*)
		ip netns exec "$gateway" iptables-restore <"${input[$1]}" ||
			fail "$1: iptables-restore"
		echo "# $1: $(ip netns exec "$gateway" iptables -S FORWARD | grep -c -- '-m string') string rules"
		;;
	esac
}

teardown() {
	case $1 in
	nfips-*)
		# The namespace's counters during the run (they count from the
		# module's load). Every rule only alerts: no drops, no punts.
		echo "# $1: $(gwctl stats | head -n 1 | cat "$tmp/counters" - | tr ' ' '\n' |
			awk -F= '{ if ($1 in v) printf "%s=%.0f ", $1, $2 - v[$1]; else v[$1] = $2 }')"
		gwctl flush >/dev/null || fail "$1: flush"
		;;
	xt-*) ip netns exec "$gateway" nft flush ruleset || fail "$1: nft flush ruleset" ;;
	esac
}

# measure CONFIG ROUND: one iperf3 run; the receiver's throughput in Mbit/s.
measure() {
	local json=$tmp/$1-$2.json mbps

	ip netns exec "$client" iperf3 -c "$server4" -t "$secs" -O 2 -J >"$json" 2>&1 ||
		fail "$1: iperf3 failed: $(tail -n 5 "$json")"
	mbps=$(/usr/bin/python3 -c 'import json, sys
print("%.1f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' \
		"$json") || fail "$1: cannot read iperf3's result"
	echo "# round=$2 config=$1 mbps=$mbps"
	if [ -z "${best[$1]:-}" ] || awk -v a="$mbps" -v b="${best[$1]}" 'BEGIN { exit !(a > b) }'; then
		best[$1]=$mbps
	fi
}

setup_topology
ip netns exec "$server" iperf3 -s >"$tmp/iperf3-server.log" 2>&1 &
wait_local_port_listen "$server" 5201 tcp || fail "iperf3 server"
echo "# iperf3 $(iperf3 --version | head -n 1 | cut -d' ' -f2), $secs s per run" \
	"(first 2 s omitted), $rounds rounds, TCP over IPv4, one stream;" \
	"$(iptables -V)"

for ((r = 1; r <= rounds; r++)); do
	for c in "${configs[@]}"; do
		setup "$c"
		measure "$c" "$r"
		teardown "$c"
	done
done

for c in "${configs[@]}"; do
	awk -v c="$c" -v m="${best[$c]}" -v p="${best[plain]}" \
		'BEGIN { r = p > 0 ? m / p : 0
			printf "config=%s mbps=%s ratio=" (r >= 0.1 ? "%.2f" : "%.3f") "\n", c, m, r }'
done
exit "$ksft_pass"
