#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who may set a flow's verdict, and for which connection: only the
# registered daemon's socket (another gets -EPERM), and a verdict naming
# the conntrack id NFQUEUE gave with the flow's packets (NFQA_CT, CTA_ID)
# applies only to that connection: with another id (a new connection on
# the same addresses and ports began meanwhile) it gets -ESTALE and the
# flow is still queued.
set -u
source "$(dirname "$0")/lib.sh"

readonly nltool=$repo/selftests/kernel/nltool

require_guest
require_cmd ip ss socat python3 timeout modprobe
require_nfipsctl
[ -x "$nltool" ] || fail "$nltool not built"
modprobe nfnetlink_queue || skip "no nfnetlink_queue"
# NFQUEUE passes conntrack attributes only with ctnetlink loaded.
modprobe nf_conntrack_netlink || skip "no nf_conntrack_netlink"

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

cat >"$tmp/rules" <<'RULES'
alert tcp any any -> 10.0.2.2 7001 (msg:"daemon tcp"; content:"SLOW"; pcre:"/SLOW\d+/"; sid:6001;)
RULES
gw_apply "$tmp/rules"
start_collectors "$tmp"

daemon_pid=
# start_daemon VERDICT AFTER [ENV...]: nltool as the daemon on queue 10.
start_daemon() {
	local v=$1 after=$2

	shift 2
	rm -f "$tmp/flows" "$tmp/flows.stop"
	ip netns exec "$gateway" env "$@" "$nltool" daemon 10 1 "$v" "$after" "$tmp/flows" \
		>"$tmp/daemon.out" 2>&1 &
	daemon_pid=$!
	busywait 5000 test -e "$tmp/flows" || fail "daemon did not start: $(cat "$tmp/daemon.out")"
}
stop_daemon() {
	touch "$tmp/flows.stop"
	wait "$daemon_pid" || fail "daemon: $(cat "$tmp/daemon.out")"
	daemon_pid=
}
on_exit '[ -n "$daemon_pid" ] && kill "$daemon_pid"'

flow_field() {
	awk -v p="$1" -v f="$2" '$4 == p || $6 == p {
		for (i = 7; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' \
		"$tmp/flows"
}

# 1. A verdict naming another connection's conntrack id: -ESTALE, and the
# flow stays queued (every packet reaches the daemon).
start_daemon bypass 4 NLTOOL_STALE=1
segsend 4 41601 "one" "two" "three" "four-41601" || fail "segsend 41601"
received "$tmp/tcp4" "four-41601" || fail "data lost"
sleep 0.5
stop_daemon
[ "$(flow_field 41601 ct_id)" != 0 ] || fail "NFQUEUE gave no conntrack id: $(cat "$tmp/flows")"
[ "$(flow_field 41601 verdict_rc)" = -116 ] ||
	fail "stale verdict: rc $(flow_field 41601 verdict_rc), want -ESTALE (-116)"
[ "$(flow_field 41601 packets)" -gt 6 ] ||
	fail "the stale verdict applied: the daemon saw $(flow_field 41601 packets) packets"
log "a verdict for another connection's conntrack id is refused (-ESTALE)"

# 2. The right id: the verdict applies.
start_daemon bypass 4
bypassed=$(gw_counter bypassed)
segsend 4 41602 "one" "two" "three" "four-41602" || fail "segsend 41602"
received "$tmp/tcp4" "four-41602" || fail "data lost"
sleep 0.5
[ "$(flow_field 41602 verdict_rc)" = 0 ] || fail "verdict with the conntrack id: rc $(flow_field 41602 verdict_rc)"
[ "$(flow_field 41602 packets)" = 4 ] || fail "daemon saw $(flow_field 41602 packets) packets, want 4"
[ "$(gw_counter bypassed)" -gt "$bypassed" ] || fail "bypass not applied"

stop_daemon

# 3. Another socket than the daemon's: -EPERM, even for a flow that exists
# (the daemon itself gives no verdict: the flow stays queued).
start_daemon none 0
segsend 4 41603 "one" "?$tmp/go" "two-41603" &
pid=$!
sleep 1
out=$(ip netns exec "$gateway" "$nltool" verdict bypass 4 tcp "$client4" 41603 "$server4" 7001 2>&1) &&
	fail "a verdict from another socket than the daemon's was taken"
echo "$out" | grep -q "Operation not permitted" || fail "verdict from another socket: $out"
touch "$tmp/go"
wait "$pid"
stop_daemon
[ "$(flow_field 41603 packets)" -gt 4 ] || fail "the refused verdict applied"
log "only the daemon's socket sets verdicts (-EPERM), with the right id"
exit "$ksft_pass"
