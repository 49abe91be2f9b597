#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debug kernel only (make check-debug): load/unload loop under traffic on
# both CPUs. Each cycle loads nfips.ko, applies policies in the gateway
# (FORWARD) and the server (LOCAL_IN) that match the traffic, opens an
# events listener, starts a netlink fuzzer that is still sending when the
# module goes, and unloads it while TCP streams, UDP and ping floods cross
# the gateway. KASAN, lockdep, RCU and object debugging watch the hooks,
# the genetlink family and the pernet state being torn down under load;
# the streams (which nfips only ever alerts on) must arrive byte-exact.
set -u
source "$(dirname "$0")/lib.sh"

readonly nltool=$repo/selftests/kernel/nltool
readonly cycles=${NFIPS_UNLOAD_CYCLES:-6}
readonly chunk=$((1024 * 1024))

[ "${NFIPS_DEBUG_KERNEL:-}" = 1 ] || skip "debug kernel only (make check-debug)"
require_guest
require_cmd ip ss socat timeout ping taskset cmp insmod rmmod lsmod
require_nfipsctl
[ -x "$nltool" ] || fail "$nltool not built"
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"

loaded() {
	lsmod | awk '$1 == "nfips" { found = 1 } END { exit !found }'
}

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
on_exit "loaded || insmod '$nfips_ko'"
setup_topology
head -c "$chunk" /dev/zero >"$tmp/chunk"
for i in $(seq 1 100); do printf 'UNLOAD-UDP %04d ' "$i"; done >"$tmp/udp"
cat >"$tmp/rules" <<'RULES'
alert icmp any any -> any any (msg:"ping pattern"; content:"|de ad be ef|"; sid:8201;)
alert tcp any any -> any any (msg:"zeros"; content:"|00 00 00 00 00 00 00 00|"; sid:8202;)
drop udp any any -> any 7002 (msg:"udp pattern"; content:"UNLOAD-UDP"; sid:8203;)
RULES

start_bulk_sinks

stream 0 4 "$server4" &
stream 1 6 "$server6" &
udp 1 4 "$server4" &
udp 0 6 "$server6" &
ip netns exec "$client" taskset -c 1 ping -q -i 0.01 -p deadbeef "$server4" >/dev/null 2>&1 &
ip netns exec "$client" taskset -c 0 ping -q -i 0.01 -p deadbeef "$server6" >/dev/null 2>&1 &

start=$SECONDS
for ((i = 1; i <= cycles; i++)); do
	loaded || insmod "$nfips_ko" || fail "cycle $i: insmod"
	kmsg "unload cycle $i"
	gw_apply --approve-all "$tmp/rules"
	# Enforce every other cycle: drops as well as alerts at unload time.
	gwctl mode $([ $((i % 2)) = 0 ] && echo enforce || echo learn) >/dev/null ||
		fail "cycle $i: mode"
	ip netns exec "$server" "$nfipsctl" config --hooks local_in >/dev/null ||
		fail "cycle $i: config in the server"
	ip netns exec "$server" "$nfipsctl" policy apply --approve-all "$tmp/rules" >/dev/null ||
		fail "cycle $i: apply in the server"
	ip netns exec "$gateway" "$nfipsctl" events >/dev/null 2>&1 &
	ev=$!
	ip netns exec "$gateway" taskset -c $((i % 2)) "$nltool" fuzz 100000 "$i" \
		>/dev/null 2>&1 &
	fz=$!
	sleep 0.$((RANDOM % 10))
	# A netlink dump in progress holds a module reference: retry.
	t0=$(date +%s%3N)
	refused=0
	until rmmod nfips 2>/dev/null; do
		refused=$((refused + 1))
		[ "$refused" -ge 100 ] && fail "cycle $i: rmmod under traffic refused 100 times"
		sleep 0.1
	done
	loaded && fail "cycle $i: still loaded after rmmod"
	log "cycle $i: rmmod took $(($(date +%s%3N) - t0)) ms ($refused refused)"
	kill "$ev" "$fz" 2>/dev/null
	wait "$ev" "$fz" 2>/dev/null
	dmesg_since "unload cycle $i" | grep -q 'nfips: unloaded' ||
		fail "cycle $i: no 'nfips: unloaded'"
done
touch "$tmp/stop"
log "$cycles load/unload cycles under traffic took $((SECONDS - start))s"

busywait 90000 test -e "$tmp/count4" -o -e "$tmp/failed4" || fail "IPv4 stream did not stop"
busywait 90000 test -e "$tmp/count6" -o -e "$tmp/failed6" || fail "IPv6 stream did not stop"
for f in 4 6; do
	[ -e "$tmp/failed$f" ] && fail "$(cat "$tmp/failed$f")"
	n=$(cat "$tmp/count$f")
	size=$(stat -c %s "$tmp/out$f")
	[ "$size" = $((n * chunk)) ] || fail "IPv$f: $size bytes arrived for $n connections of $chunk"
	cmp -s -n "$size" "$tmp/out$f" /dev/zero || fail "IPv$f: stream corrupted"
	log "IPv$f: $n connections of 1 MiB arrived intact across the cycles"
done
insmod "$nfips_ko" || fail "insmod after the loop"
exit "$ksft_pass"
