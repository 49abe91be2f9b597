#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debug kernel only (make check-debug): a policy-commit storm under traffic
# on both CPUs. nltool storm commits hundreds of random policies in the
# gateway (FORWARD hooks) and in the server (LOCAL_IN), with flushes, hook
# and mode changes, aborted transactions and rule dumps in between, while
# TCP streams cross the gateway on each CPU, ping and UDP floods carrying
# the storm's patterns run on both, and events listeners are open. Every
# commit swaps the automaton under the packet path and frees the old one
# after a grace period: KASAN, lockdep and RCU checking watch each swap.
# The streams must arrive byte-exact and the family must still work.
set -u
source "$(dirname "$0")/lib.sh"

readonly nltool=$repo/selftests/kernel/nltool
# Operations per storm; about three quarters of them are commits.
readonly ops=${NFIPS_STORM_OPS:-200}
readonly chunk=$((1024 * 1024))

[ "${NFIPS_DEBUG_KERNEL:-}" = 1 ] || skip "debug kernel only (make check-debug)"
require_guest
require_cmd ip ss socat timeout ping taskset cmp
require_nfipsctl
[ -x "$nltool" ] || fail "$nltool not built"
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology
head -c "$chunk" /dev/zero >"$tmp/chunk"
for i in $(seq 1 100); do printf 'STORM-UDP-A %04d storm-udp-b ' "$i"; done >"$tmp/udp"

start_bulk_sinks

gwctl events >/dev/null 2>&1 &
ip netns exec "$server" "$nfipsctl" events >/dev/null 2>&1 &
stream 0 4 "$server4" &
stream 1 6 "$server6" &
udp 0 6 "$server6" &
udp 1 4 "$server4" &
ip netns exec "$client" taskset -c 1 ping -q -i 0.01 -p deadbeef "$server4" >/dev/null 2>&1 &
ip netns exec "$client" taskset -c 0 ping -q -i 0.01 -p deadbeef "$server6" >/dev/null 2>&1 &
sleep 1

kmsg "commit storm"
start=$SECONDS
ip netns exec "$gateway" taskset -c 0 "$nltool" storm "$ops" 1 >"$tmp/storm1" 2>&1 &
s1=$!
ip netns exec "$gateway" taskset -c 1 "$nltool" storm $((ops / 4)) 2 >"$tmp/storm2" 2>&1 &
s2=$!
ip netns exec "$server" taskset -c 1 "$nltool" storm $((ops / 2)) 3 >"$tmp/storm3" 2>&1 &
s3=$!
rc=0
for p in $s1 $s2 $s3; do
	wait "$p" || rc=1
done
touch "$tmp/stop"
cat "$tmp/storm1" "$tmp/storm2" "$tmp/storm3" | sed 's/^/  /'
[ "$rc" = 0 ] || fail "a storm failed"
log "storms took $((SECONDS - start))s"

busywait 90000 test -e "$tmp/count4" -o -e "$tmp/failed4" || fail "IPv4 stream did not stop"
busywait 90000 test -e "$tmp/count6" -o -e "$tmp/failed6" || fail "IPv6 stream did not stop"
for f in 4 6; do
	[ -e "$tmp/failed$f" ] && fail "$(cat "$tmp/failed$f")"
	n=$(cat "$tmp/count$f")
	size=$(stat -c %s "$tmp/out$f")
	[ "$size" = $((n * chunk)) ] || fail "IPv$f: $size bytes arrived for $n connections of $chunk"
	cmp -s -n "$size" "$tmp/out$f" /dev/zero || fail "IPv$f: stream corrupted"
	log "IPv$f: $n connections of 1 MiB arrived intact during the storm"
done

# The family still works: a known policy applies and is in force.
cat >"$tmp/rules" <<'RULES'
drop tcp any any -> any 7001 (msg:"after storm"; content:"AFTER-STORM"; sid:8101;)
RULES
gwctl config --hooks forward >/dev/null || fail "config after the storm"
gw_apply --approve-all "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode after the storm"
start_collectors "$tmp"
send_tcp 4 "$server4" 7001 "AFTER-STORM"
# Under KASAN and TCG on a loaded host one connection can take longer than
# send_tcp's 3 s: a benign message is sent again until it arrives (1 min).
benign_arrives() {
	send_tcp 4 "$server4" 7001 "after-benign"
	received "$tmp/tcp4" "after-benign"
}
if ! busywait 60000 benign_arrives; then
	# Which side dropped it: the gateway's new policy or what the storm
	# left in the server (its LOCAL_IN hooks).
	for ns in "$gateway" "$server"; do
		echo "# nfipsctl status in $ns:"
		ip netns exec "$ns" "$nfipsctl" status 2>&1 | sed 's/^/#   /'
	done
	ip netns exec "$server" ss -ltn 2>&1 | sed 's/^/#   /'
	fail "benign packet lost after the storm"
fi
grep -q AFTER-STORM "$tmp/tcp4" && fail "the policy applied after the storm does not drop"
log "the family works after the storm"
exit "$ksft_pass"
