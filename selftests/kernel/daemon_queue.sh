#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel side of the kernel/daemon contract, with nltool standing in
# for nfipsd (Documentation/design.rst): the policy's daemon selectors
# choose flows at their first packet, and only those reach the daemon's
# NFQUEUE, from the first packet (for TCP the SYN), every packet, each flow
# always on the same queue of the daemon's two; kernel rules still apply
# to queued flows; the daemon's bypass, drop and inspect verdicts.
# The fail-open cases are daemon_failopen.sh.
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

# 1. A chosen TCP flow: queued from its SYN, every packet, one queue, until
# the daemon's bypass verdict after 4 packets (SYN, SYN-ACK, ACK, data).
start_daemon bypass 4
queued=$(gw_counter queued)
segsend 4 41101 "one-41101" "two" "three" "four" "five-41101" || fail "segsend 41101"
received "$tmp/tcp4" "five-41101" || fail "bypassed flow: data lost"
[ "$(flow_field 41101 first_syn)" = 1 ] || fail "daemon's first packet was not the SYN: $(cat "$tmp/flows")"
[ "$(flow_field 41101 packets)" = 4 ] || fail "daemon saw $(flow_field 41101 packets) packets, want 4 (bypass after 4)"
[ "$(flow_field 41101 verdict_rc)" = 0 ] || fail "bypass verdict refused: $(flow_field 41101 verdict_rc)"
[ "$(flow_field 41101 mixed)" = 0 ] || fail "a flow's packets came on two queues"
[ "$(gw_counter queued)" = $((queued + 4)) ] || fail "kernel queued $(($(gw_counter queued) - queued)), want 4"
[ "$(gw_counter bypassed)" -gt 0 ] || fail "bypassed counter 0"
log "chosen TCP flow queued from its SYN until the daemon's bypass verdict"

# 2. Kernel rules still apply to a queued flow (dropped before the queue):
# the first data segment, the 4th packet, is still queued.
drops=$(gw_counter drops)
segsend 4 41102 "EVILTCP-queued" "tail-41102"
sleep 0.5
grep -q "EVILTCP-queued" "$tmp/tcp4" && fail "kernel drop rule did not apply to a queued flow"
[ "$(gw_counter drops)" -gt "$drops" ] || fail "queued flow: no kernel drop"
[ "$(flow_field 41102 first_syn)" = 1 ] || fail "queued flow: not queued from its SYN"

log "kernel rules apply to queued flows"

# 3. A flow no selector chooses never reaches the queue (IPv6 to 7001).
queued=$(gw_counter queued)
segsend 6 41103 "v6-41103" "more-41103"
received "$tmp/tcp6" "more-41103" || fail "unchosen flow: data lost"
[ -z "$(flow_field 41103 packets)" ] || fail "the daemon saw an unchosen flow"
[ "$(gw_counter queued)" = "$queued" ] || fail "an unchosen flow was queued"
log "flows no selector chooses are never queued"
stop_daemon

# 4. UDP flows: the drop verdict after 2 datagrams; flows spread over both
# queues, each always on one.
start_daemon drop 2
drops=$(gw_counter flow_drops)
for i in 1 2 3 4; do
	send_udp_from 4 "$server4" 41104 "udp-41104-$i"
	received "$tmp/udp4" "udp-41104-$i" || [ "$i" -gt 2 ] || fail "datagram $i lost"
done
sleep 0.5
grep -q "udp-41104-[34]" "$tmp/udp4" && fail "datagrams after the drop verdict passed"
[ "$(flow_field 41104 packets)" = 2 ] || fail "daemon saw $(flow_field 41104 packets) datagrams, want 2"
[ "$(gw_counter flow_drops)" -ge $((drops + 2)) ] || fail "flow_drops $(gw_counter flow_drops)"
for p in $(seq 41120 41135); do
	send_udp_from 4 "$server4" "$p" "spread-$p"
	send_udp_from 4 "$server4" "$p" "spread-$p-again"
done
sleep 0.5
grep -q 'mixed=1' "$tmp/flows" && fail "a flow came on two queues: $(cat "$tmp/flows")"
q10=$(grep -c 'queue=10 ' "$tmp/flows") q11=$(grep -c 'queue=11 ' "$tmp/flows")
[ "$q10" -gt 0 ] && [ "$q11" -gt 0 ] || fail "flows not spread: $q10 on queue 10, $q11 on 11"
log "UDP: drop verdict; $q10 flows on queue 10, $q11 on 11, each on one"
stop_daemon

# 5. The inspect verdict: the rest of the flow is the kernel's, whose
# stream state went on while the flow was queued (a pattern split over the
# next two segments is dropped).
start_daemon inspect 4
queued=$(gw_counter queued)
segsend 4 41105 "one-41105" "two-41105:EVIL" "TCP-split-after-inspect"
received "$tmp/tcp4" "two-41105:EVIL" || fail "inspect: data lost"
grep -q "TCP-split-after-inspect" "$tmp/tcp4" && fail "inspect: kernel rule lost the flow's stream"
[ "$(flow_field 41105 packets)" = 4 ] || fail "inspect: daemon saw $(flow_field 41105 packets), want 4"
[ "$(gw_counter queued)" = $((queued + 4)) ] || fail "inspect: the flow was still queued"
log "inspect verdict: the kernel alone goes on, with the flow's stream state"
stop_daemon

exit "$ksft_pass"
