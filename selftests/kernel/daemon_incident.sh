#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Incidents in the alert store, from live traffic through the gateway:
#   - thousands of datagrams of one attack, one source, one destination
#     (nfipsd in learn mode: every packet alerts) are one incident in the
#     store, its count the number of alert records in eve.json, each of
#     which carries the incident's id (nfips.incident_id);
#   - nfipsctl incident ack, then close, while nfipsd runs; the attack
#     again: the same incident re-opens and counts on;
#   - nfipsd restarted: the attack folds into the same incident still;
#   - nfipsctl alerts answers from the store what eve.json says, each
#     alert under the nfips.sequence of its record in eve.json (the key
#     the SOC's collectors get), unique across queues and the restart;
#   - reverse DNS (on by default): the gateway's resolver is a dnsmasq on
#     its 127.0.0.77 (resolv.conf, nsswitch.conf, hosts bind-mounted for
#     the test) with PTR records for the client and the server: nfipsd
#     records their names in the store and the daily report, made once
#     the name server is gone, shows them beside the top source and target.
# nfips-test-timeout: 400
set -u
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/daemon.lib"

require_guest
require_cmd ip ss socat timeout python3 dnsmasq
require_nfipsctl

step() { log "[${SECONDS}s] $*"; }

readonly ctl=$repo/ctl/nfipsctl/nfipsctl
readonly N=2000

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
on_exit '[ -n "$dpid" ] && kill -9 "$dpid"'
# dnsmasq reads its hosts file as the unprivileged user it becomes
chmod 755 "$tmp"
daemon_setup
write_conf learn
echo "store = { path = \"$tmp/alerts.db\"; };" >>"$tmp/nfipsd.conf"

# The gateway's name server: PTR (and A) records of the client and server.
printf '127.0.0.1 localhost\n' >"$tmp/hosts"
echo "hosts: files dns" >"$tmp/nsswitch.conf"
echo "nameserver 127.0.0.77" >"$tmp/resolv.conf"
for f in hosts nsswitch.conf resolv.conf; do
	mount --bind "$tmp/$f" "/etc/$f" || fail "bind $tmp/$f on /etc/$f"
	on_exit "umount /etc/$f"
done
printf '%s\n' "$client4 attacker.attack.test" "$server4 www.customer.test" >"$tmp/dns-hosts"
ip netns exec "$gateway" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=53 \
	--listen-address=127.0.0.77 --bind-interfaces --no-resolv --no-hosts \
	--addn-hosts="$tmp/dns-hosts" --bogus-priv --local=/test/ &
dns=$!
on_exit "kill $dns 2>/dev/null"
# a lookup before it answers would be cached as failed for an hour
_dns_up() {
	[ "$(ip netns exec "$gateway" getent hosts "$client4" | awk '{print $2}')" = \
		attacker.attack.test ]
}
busywait 10000 _dns_up || fail "dnsmasq does not answer in the gateway's namespace"
start_daemon
grep -q "store $tmp/alerts.db" "$tmp/daemon.log" || fail "no store: $(cat "$tmp/daemon.log")"

# flood COUNT: COUNT datagrams "UDPBAD<n>" from one socket (one source
# port) to the IPv4 collector, paced so that the queue never overflows.
flood() {
	ip netns exec "$client" python3 - "$server4" "$1" <<-'PY'
	import socket, sys, time
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.bind(("0.0.0.0", 45000))
	for i in range(int(sys.argv[2])):
	    s.sendto(b"UDPBAD%d" % i, (sys.argv[1], 7002))
	    if i % 50 == 49:
	        time.sleep(0.02)
	PY
}

# eve_9105: alert records of sid 9105 in eve.json.
eve_9105() {
	eve_count 9105 allowed daemon
}

# snap: the incidents of sid 9105 into $tmp/inc (FIELD=VALUE lines of the
# only one, or "incidents=N" when there are N others); incident_field
# FIELD reads the last snapshot (one nfipsctl and python per snapshot: the
# TCG guest is slow to start them).
snap() {
	"$ctl" incidents --store "$tmp/alerts.db" --sid 9105 --json |
		python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
if len(rows) != 1:
    print("incidents=%d" % len(rows)); sys.exit(0)
for k, v in rows[0].items():
    print("%s=%s" % (k, v))' >"$tmp/inc"
}

incident_field() {
	sed -n "s/^$1=//p" "$tmp/inc"
}

_count_is() {
	snap
	[ "$(incident_field count)" = "$1" ]
}

_eve_settled() {
	local n

	n=$(eve_9105)
	[ "$n" -gt 0 ] && [ "$n" = "$(cat "$tmp/last" 2>/dev/null)" ] && return 0
	echo "$n" >"$tmp/last"
	sleep 1
	return 1
}

step "sending $N datagrams of one attack"
flood "$N"
busywait 60000 _eve_settled || fail "eve.json does not settle"
alerts=$(eve_9105)
[ "$alerts" -ge $((N * 9 / 10)) ] || fail "only $alerts of $N datagrams alerted"
busywait 20000 _count_is "$alerts" ||
	fail "store: incident count $(incident_field count), eve.json has $alerts alerts"
id=$(incident_field id)
[ "$(incident_field state)" = open ] || fail "state $(incident_field state), want open"
[ "$(incident_field payload_printable)" = "UDPBAD0" ] ||
	fail "payload sample: '$(incident_field payload_printable)', want the first datagram's"
ids=$(python3 - "$tmp/eve.json" <<-'PY'
	import json, sys
	ids = set()
	for line in open(sys.argv[1]):
	    r = json.loads(line)
	    if r["alert"]["signature_id"] == 9105:
	        ids.add(r["nfips"].get("incident_id"))
	print(" ".join(str(i) for i in sorted(ids, key=str)))
	PY
)
[ "$ids" = "$id" ] || fail "eve.json's records name incidents '$ids', want only $id"
step "$alerts alerts: one incident ($id) with count $alerts, each record names it"

out=$("$ctl" incident ack "$id" --note "looking at it" --by analyst --store "$tmp/alerts.db") ||
	fail "ack: $out"
snap
[ "$(incident_field state)" = acked ] || fail "after ack: state $(incident_field state)"
[ "$(incident_field note)" = "looking at it" ] && [ "$(incident_field by)" = analyst ] ||
	fail "ack note/by: '$(incident_field note)' '$(incident_field by)'"
out=$("$ctl" incident close "$id" --note "blocked upstream" --by analyst \
	--store "$tmp/alerts.db") || fail "close: $out"
snap
[ "$(incident_field state)" = closed ] || fail "after close: state $(incident_field state)"
"$ctl" incidents --store "$tmp/alerts.db" --open --sid 9105 --json | grep -q . &&
	fail "a closed incident is listed by --open"
step "acknowledged and closed while nfipsd runs"

flood 20
busywait 20000 _count_is "$((alerts + 20))" || {
	kill -USR1 "$dpid"
	sleep 2
	fail "after the attack again: count $(incident_field count), want $((alerts + 20))" \
		"(eve.json: $(eve_9105)); nfipsd: $(tail -n 12 "$tmp/daemon.log")"
}
[ "$(incident_field id)" = "$id" ] && [ "$(incident_field state)" = open ] &&
	[ "$(incident_field reopened)" = 1 ] ||
	fail "not re-opened: id $(incident_field id) state $(incident_field state)"
step "the attack again: incident $id re-opened, count $((alerts + 20))"

stop_daemon
start_daemon
flood 10
busywait 20000 _count_is "$((alerts + 30))" ||
	fail "after a restart: count $(incident_field count), want $((alerts + 30))"
[ "$(incident_field id)" = "$id" ] || fail "after a restart: incident $(incident_field id)"
step "after a restart the attack still folds into incident $id"

total=$(eve_9105)
got=$("$ctl" alerts --store "$tmp/alerts.db" --count-by sid --json | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r["sid"] == 9105: print(r["count"])')
[ "$got" = "$total" ] || fail "nfipsctl alerts --count-by sid: $got, eve.json: $total"
[ "$("$ctl" alerts --store "$tmp/alerts.db" --sid 9105 --src 10.0.1.0/24 --limit 0 --json |
	wc -l)" = "$total" ] || fail "nfipsctl alerts --sid --src disagrees with eve.json"
"$ctl" alerts --store "$tmp/alerts.db" --sid 9105 --limit 0 --json >"$tmp/stored.json" ||
	fail "nfipsctl alerts --json failed"
why=$(python3 - "$tmp/eve.json" "$tmp/stored.json" <<-'PY'
	import json, sys
	def bad(why):
	    print(why)
	    sys.exit(1)
	eve = {}
	for line in open(sys.argv[1]):
	    r = json.loads(line)
	    if r.get("event_type") == "alert" and r["alert"]["signature_id"] == 9105:
	        eve[r["nfips"]["sequence"]] = r
	seen = set()
	for line in open(sys.argv[2]):
	    a = json.loads(line)
	    s = a["sequence"]
	    if s in seen:
	        bad("sequence %s stored twice" % s)
	    seen.add(s)
	    r = eve.get(s)
	    if r is None:
	        bad("stored alert %s: no record in eve.json has nfips.sequence %s" % (a, s))
	    for k in ("timestamp", "src_ip", "src_port", "dest_ip", "dest_port"):
	        if a[k] != r[k]:
	            bad("sequence %s: %s %s stored, %s in eve.json" % (s, k, a[k], r[k]))
	if seen != set(eve):
	    bad("%d sequences stored, %d in eve.json, %d in common" %
	        (len(seen), len(eve), len(seen & set(eve))))
	PY
) || fail "nfipsctl alerts' sequence is not eve.json's: $why"
step "each stored alert has its eve.json record's nfips.sequence, all unique"

# The daily report (UTC days) of the first alert's day counts what eve.json
# has that day, and its alert table carries each alert's input interface
# and the names nfipsd recorded (looked up long before: the name server is
# gone while the report is made).
kill "$dns"
day=$(python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["timestamp"][:10])' \
	<"$tmp/eve.json")
"$ctl" report daily --date "$day" --tz UTC --rows 0 --format json --store "$tmp/alerts.db" \
	>"$tmp/report.json" || fail "nfipsctl report daily --date $day failed"
why=$(python3 - "$tmp/eve.json" "$tmp/report.json" "$day" <<-'PY'
	import json, sys
	eve = [json.loads(l) for l in open(sys.argv[1])]
	eve = [r for r in eve if r.get("event_type") == "alert" and r["timestamp"][:10] == sys.argv[3]]
	rep = json.load(open(sys.argv[2]))
	ifs = sorted({r.get("in_iface") for r in eve})
	got = sorted({a["in_iface"] for a in rep["alerts"]["list"]})
	src = [(s["rdns"], s["rdns_status"]) for s in rep["top_sources"]]
	dst = [(s["rdns"], s["rdns_status"]) for s in rep["top_targets"]]
	if rep["totals"]["total"] != len(eve):
	    print("report total %d, eve.json %d" % (rep["totals"]["total"], len(eve)))
	elif got != ifs or None in got:
	    print("report interfaces %s, eve.json's %s" % (got, ifs))
	elif src[:1] != [("attacker.attack.test", "confirmed")] or \
	     dst[:1] != [("www.customer.test", "confirmed")]:
	    print("report host names: sources %s, targets %s" % (src, dst))
	PY
)
[ -z "$why" ] || fail "nfipsctl report: $why"
step "the daily report counts eve.json's alerts of $day, each with its interface," \
	"the source's and target's names beside them"
stop_daemon
grep 'store: .* alerts stored' "$tmp/daemon.log" | tail -n 1 | grep -q ', 0 not stored$' ||
	fail "nfipsd's last words on the store: $(grep 'store:' "$tmp/daemon.log" | tail -1)"
log "PASS: one incident per attack in the store, ack, close, re-open, restart"
