#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Mail to the contacts (Documentation/notify.rst), end to end: a real SMTP
# server (aiosmtpd, smtpsink.py) in the gateway's namespace, nfipsd with a
# customer policy of two contacts (English and Japanese, Asia/Tokyo):
#   - a high-grade attack through the gateway: one mail to each contact,
#     to exactly those addresses, within the bound asserted below, with the
#     subject and body fields an operator acts on, the incident id of the
#     EVE records;
#   - a flood of the same attack: no further mail;
#   - the SMTP server down: a new incident's mails wait in the queue (its
#     failed attempts in nfipsctl incident ID, the queue in nfipsctl
#     status), then are delivered when the server is back;
#   - nfipsd restarted: nothing mailed again;
#   - STARTTLS required, against a server with a certificate of a CA the
#     test makes: delivered over TLS;
#   - a SOC collector that is never there: its late backlog's health
#     record is mailed once to each contact.
# nfips-test-timeout: 600
set -u
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/daemon.lib"

require_guest
require_cmd ip socat timeout python3 openssl
require_nfipsctl
python3 -c 'import aiosmtpd' 2>/dev/null || skip "python3-aiosmtpd not installed"

step() { log "[${SECONDS}s] $*"; }

readonly ctl=$repo/ctl/nfipsctl/nfipsctl
# The first mail within this many seconds of the packet (the target is 2 s
# on real hardware; the TCG guest is many times slower).
readonly BOUND=15

tmp=$(mktemp -d)
spid=
on_exit "rm -rf '$tmp'"
on_exit '[ -n "$dpid" ] && kill -9 "$dpid"'
on_exit '[ -n "$spid" ] && kill "$spid"'
daemon_setup

cat >"$tmp/policy.conf" <<CONF
version = 1;
serial = 1;
customer = { id = "kitanohara"; name = "Kitanohara Shoji"; timezone = "Asia/Tokyo"; };
sensor = { id = "guest-gw"; };
contacts = (
	{ name = "Morgan Lee"; email = "morgan@msp.example.com"; language = "en"; },
	{ name = "佐藤 健二"; email = "k.sato@kitanohara.example.co.jp"; language = "ja"; }
);
mode = "learn";
rules = { files = [ "daemon.rules" ];
	classification = "$repo/policies/classification.config";
	variables = { address_groups = { HOME_NET = "[10.0.0.0/8,fd6e:6669:7073::/48]"; }; }; };
notify = { grade = "high"; every = 30; };
CONF
# mail_conf URL TLS [CA [COLLECTOR]]: nfipsd.conf with the policy, the
# store and mail (and a collector that is never there, its backlog late
# after 3 s).
mail_conf() {
	cat >"$tmp/nfipsd.conf" <<-CONF
	queues = { base = $qbase; count = $qcount; maxlen = 4096; };
	policy = "policy.conf";
	log = { eve = "$tmp/eve.json"; };
	state = { path = "$tmp/nfipsd.state"; interval = 1; };
	store = { path = "$tmp/alerts.db"; };
	stop_timeout = 10;
	mail = { url = "$1"; tls = "$2"; from = "nfips@guest-gw.example";
		 templates = "$repo/ctl/notify"; retry_min = 500; retry_max = 2000; ${3:+ca = \"$3\";} };
	CONF
	[ -z "${4:-}" ] || cat >>"$tmp/nfipsd.conf" <<-CONF
	collectors = ( { name = "soc-dead"; transport = "tcp"; host = "127.0.0.1"; port = 1; } );
	deliver = { dir = "$tmp/deliver"; backlog_alarm = 3; };
	CONF
}

# sink PORT [CERT KEY]: the SMTP server, appending to $tmp/mails.
sink() {
	: >"$tmp/sink.out"
	ip netns exec "$gateway" python3 "$repo/selftests/kernel/smtpsink.py" 127.0.0.1 "$1" \
		"$tmp/mails" ${2:+--cert "$2" --key "$3"} >"$tmp/sink.out" 2>&1 &
	spid=$!
	busywait 30000 grep -q ready "$tmp/sink.out" || fail "smtpsink: $(cat "$tmp/sink.out")"
}

nmails() {
	[ -f "$tmp/mails" ] && wc -l <"$tmp/mails" || echo 0
}

_nmails_is() {
	[ "$(nmails)" -ge "$1" ]
}

# attack SRC [COUNT]: COUNT (1) datagrams of sid 9105 (graded high) from
# SRC port 45000; prints the time the first left.
attack() {
	ip netns exec "$client" python3 - "$1" "$server4" "${2:-1}" <<-'PY'
	import socket, sys, time
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.bind((sys.argv[1], 45000))
	print("%.6f" % time.time(), flush=True)
	for i in range(int(sys.argv[3])):
	    s.sendto(b"UDPBAD%d" % i, (sys.argv[2], 7002))
	    if i % 50 == 49:
	        time.sleep(0.02)
	PY
}

# check_mails INCIDENT T0 SRC [TLS]: the incident's mails in $tmp/mails
# are one to each contact, with the fields; prints the latency of the
# first.
check_mails() {
	python3 - "$tmp/mails" "$@" <<-'PY'
	import base64, email, json, sys
	from email import policy
	path, inc, t0, src = sys.argv[1:5]
	tls = len(sys.argv) > 5
	recs = []
	for l in open(path):
	    m = json.loads(l)
	    m["msg"] = email.message_from_bytes(base64.b64decode(m["data"]), policy=policy.default)
	    if m["msg"]["X-Nfips-Incident"] == inc:
	        recs.append(m)
	want = {"morgan@msp.example.com": "en", "k.sato@kitanohara.example.co.jp": "ja"}
	got = sorted(r for m in recs for r in m["rcpt_tos"])
	if got != sorted(want) or any(len(m["rcpt_tos"]) != 1 for m in recs):
	    sys.exit("incident %s: recipients %s, want one mail to each of %s" % (inc, got, sorted(want)))
	fields = {
	    "en": ["[nfips HIGH]", "nfipsd test: udp", "10.0.2.2:7002", "incident " + inc],
	    "ja": ["[nfips 高]", "nfipsd test: udp", "10.0.2.2:7002", "インシデント " + inc],
	}
	body = {
	    "en": ["Dear Morgan Lee", src + ":45000", "10.0.2.2:7002 (UDP)", "JST (UTC+09:00, Asia/Tokyo)",
	           "allowed (alerted only", "so far", "Why graded:   classtype trojan-activity: high",
	           "What to check next", "quote incident " + inc],
	    "ja": ["佐藤 健二 様", src + ":45000", "10.0.2.2:7002 (UDP)", "JST (UTC+09:00, Asia/Tokyo)",
	           "通過", "累計", "判定理由:     classtype trojan-activity: high",
	           "次にご確認いただきたいこと", "インシデント番号 " + inc],
	}
	for m in recs:
	    msg = m["msg"]
	    lang = want[m["rcpt_tos"][0]]
	    subj = str(msg["subject"])
	    for f in fields[lang]:
	        if f not in subj:
	            sys.exit("%s mail: '%s' not in the subject '%s'" % (lang, f, subj))
	    text = msg.get_content()
	    for f in body[lang]:
	        if f not in text:
	            sys.exit("%s mail: '%s' not in the body:\n%s" % (lang, f, text))
	    if not msg["Message-ID"] or not msg["Date"]:
	        sys.exit("headers: %s" % dict(msg))
	    if msg.get_content_type() != "text/plain" or msg.get_content_charset() != "utf-8":
	        sys.exit("content type %s" % msg["Content-Type"])
	    if m["mail_from"] != "nfips@guest-gw.example":
	        sys.exit("envelope sender %s" % m["mail_from"])
	    if tls and not m["tls"]:
	        sys.exit("delivered without TLS")
	print("%.2f" % (min(m["time"] for m in recs) - float(t0)))
	PY
}

# nmail_of INCIDENT|health: how many mails $tmp/mails has of it.
nmail_of() {
	[ -f "$tmp/mails" ] || { echo 0; return; }
	python3 - "$tmp/mails" "$1" <<-'PY'
	import base64, email, json, sys
	n = 0
	for l in open(sys.argv[1]):
	    msg = email.message_from_bytes(base64.b64decode(json.loads(l)["data"]))
	    if sys.argv[2] == "health":
	        n += msg["X-Nfips-Kind"] == "health"
	    else:
	        n += msg["X-Nfips-Incident"] == sys.argv[2]
	print(n)
	PY
}

# incident_of SRC: the incident id eve.json's records from SRC carry.
incident_of() {
	python3 - "$tmp/eve.json" "$1" <<-'PY'
	import json, sys
	ids = {json.loads(l)["nfips"].get("incident_id") for l in open(sys.argv[1])
	       if json.loads(l).get("src_ip") == sys.argv[2]}
	print(" ".join(str(i) for i in ids))
	PY
}

mail_conf "smtp://127.0.0.1:2525" off
sink 2525
start_daemon
grep -q "mail: smtp://127.0.0.1:2525" "$tmp/daemon.log" || fail "no mail: $(cat "$tmp/daemon.log")"

step "one high-grade attack through the gateway"
t0=$(attack "$client4") || fail "attack"
busywait 60000 _nmails_is 2 || fail "no mail within 60 s: $("$ctl" status --mail --store "$tmp/alerts.db")"
inc=$(incident_of "$client4")
[ -n "$inc" ] && [ "${inc// /}" = "$inc" ] || fail "eve.json: incident ids '$inc'"
lat=$(check_mails "$inc" "$t0" "$client4" 2>&1) || fail "$lat"
step "incident $inc: one mail to each contact, $lat s after the packet"
awk -v l="$lat" -v b="$BOUND" 'BEGIN { exit !(l < b) }' || fail "first mail after $lat s, bound $BOUND s"

step "a flood of the same attack"
attack "$client4" 400 >/dev/null || fail "flood"
sleep 5
[ "$(nmails)" = 2 ] || fail "the flood was mailed: $(nmails) mails, want still 2"
out=$("$ctl" incident "$inc" --store "$tmp/alerts.db") || fail "incident $inc: $out"
[ "$(grep -c '^  mail .* incident  sent ' <<<"$out")" = 2 ] || fail "incident $inc: $out"

step "the SMTP server down: a new incident waits"
kill "$spid"
wait "$spid" 2>/dev/null
spid=
ip -n "$client" addr add 10.0.1.50/24 dev veth0
t1=$(attack 10.0.1.50) || fail "attack"
_failed_attempts() {
	local inc2

	inc2=$(incident_of 10.0.1.50)
	[ -n "$inc2" ] || return 1
	"$ctl" incident "$inc2" --store "$tmp/alerts.db" >"$tmp/inc2" 2>&1 || return 1
	[ "$(grep -c 'failed  .*onnect' "$tmp/inc2")" -ge 4 ]
}
busywait 60000 _failed_attempts || fail "no failed attempts recorded: $(cat "$tmp/inc2")"
inc2=$(incident_of 10.0.1.50)
grep -q 'incident  pending' "$tmp/inc2" || fail "not pending: $(cat "$tmp/inc2")"
st=$("$ctl" status --mail --store "$tmp/alerts.db") || fail "status: $st"
grep -q '^mail: 2 pending (oldest [0-9]* s), 2 sent, 0 failed' <<<"$st" &&
	grep -q '^mail last error: .*onnect' <<<"$st" || fail "status: $st"
step "incident $inc2: its mails pending, attempts recorded; status says so"

sink 2525
busywait 60000 _nmails_is 4 || fail "not delivered once the server is back: $(cat "$tmp/inc2")"
out=$(check_mails "$inc2" "$t1" 10.0.1.50 2>&1) || fail "the delayed mails: $out"
out=$("$ctl" incident "$inc2" --store "$tmp/alerts.db")
[ "$(grep -c 'incident  sent ' <<<"$out")" = 2 ] && grep -q 'sent    accepted (250)' <<<"$out" ||
	fail "incident $inc2 after the server came back: $out"
step "delivered when the server came back, every attempt recorded"

step "nfipsd restarted, then STARTTLS required with a test CA"
stop_daemon
kill "$spid"
wait "$spid" 2>/dev/null
spid=
(
	cd "$tmp" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=nfips-test-ca \
		-keyout ca.key -out ca.pem &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=127.0.0.1 -keyout srv.key -out srv.csr &&
	printf 'subjectAltName=IP:127.0.0.1\n' >srv.ext &&
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
		-extfile srv.ext -out srv.pem
) >"$tmp/openssl.log" 2>&1 || fail "test CA: $(cat "$tmp/openssl.log")"
sink 2526 "$tmp/srv.pem" "$tmp/srv.key"
mail_conf "smtp://127.0.0.1:2526" required "$tmp/ca.pem" dead
start_daemon
sleep 3
[ $(($(nmails) - $(nmail_of health))) = 4 ] ||
	fail "after the restart $(nmails) mails, want still 4 and health ones (nothing twice)"
ip -n "$client" addr add 10.0.1.51/24 dev veth0
t2=$(attack 10.0.1.51) || fail "attack"
_inc3_mailed() {
	inc3=$(incident_of 10.0.1.51)
	[ -n "$inc3" ] && [ "$(nmail_of "$inc3")" -ge 2 ]
}
busywait 60000 _inc3_mailed || fail "no mail over STARTTLS: $("$ctl" status --mail --store "$tmp/alerts.db")"
lat=$(check_mails "$inc3" "$t2" 10.0.1.51 tls 2>&1) || fail "$lat"
step "incident $inc3 mailed over STARTTLS, $lat s after the packet"
_health_mailed() {
	[ "$(nmail_of health)" -ge 2 ]
}
busywait 60000 _health_mailed || fail "no health mail for the dead collector: $(grep collector "$tmp/daemon.log")"
sleep 5
[ "$(nmail_of health)" = 2 ] || fail "$(nmail_of health) health mails, want one per contact"
step "the dead collector's late backlog: one health mail to each contact"
stop_daemon
exit "$ksft_pass"
