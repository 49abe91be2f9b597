#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The contacts' mail against a real SMTP server (Debian python3-aiosmtpd,
# selftests/kernel/smtpsink.py) on 127.0.0.1, with a test CA this test
# makes, through nfipsd's parts (mail_tool: nfipsd.conf's parser, the
# report mails, the notifier's sender over the store's mail queue):
#
#  - reports by mail: the daily report, to each contact in the contact's
#    language, the text report as the body and the HTML report attached
#    (multipart/mixed, UTF-8, base64), exactly to the contacts; nothing
#    when notify.reports does not ask for that kind;
#  - STARTTLS with AUTH PLAIN, with AUTH LOGIN, and implicit TLS (smtps)
#    with authentication, each certificate verified against mail.ca;
#  - a wrong password: the mail stays pending and is retried, the refusal
#    named in `nfipsctl status --mail`; no user where the relay requires
#    one (530): the same; with the right password it goes;
#  - a relay whose certificate is not from mail.ca (STARTTLS and smtps):
#    refused, said so in the status, nothing sent.
# Prints TAP lines; skips without aiosmtpd.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tool=$here/mail_tool
ctl=$top/ctl/nfipsctl/nfipsctl
sink=$top/selftests/kernel/smtpsink.py
source "$here/tap.lib"

# Debian's python3 (python3-aiosmtpd), not another one first in PATH.
py=/usr/bin/python3
[ -x $py ] || py=python3
if ! $py -c 'import aiosmtpd' 2>/dev/null; then
	echo "1..0 # SKIP python3-aiosmtpd missing"
	exit 0
fi
[ -x "$tool" ] && [ -x "$here/report_test" ] || { echo "Bail out! mail_tool, report_test not built"; exit 1; }

w=$(mktemp -d /tmp/mail_smtp.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		{ kill "$p" && wait "$p"; } 2>/dev/null
	done
	[ -n "${MAIL_KEEP:-}" ] && { echo "# kept $w"; return; }
	rm -rf "$w"
}
trap cleanup EXIT

# ---- a CA, the relay's certificate (127.0.0.1), a rogue CA ---------------
(
	cd "$w" || exit 1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=nfips mail test CA" \
		-keyout ca.key -out ca.pem &&
	openssl req -newkey rsa:2048 -nodes -subj "/CN=relay.test" \
		-keyout relay.key -out relay.csr &&
	printf 'subjectAltName=DNS:relay.test,IP:127.0.0.1\n' >ext &&
	openssl x509 -req -in relay.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
		-days 2 -extfile ext -out relay.pem &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=rogue CA" \
		-keyout rogue.key -out rogue.pem
) >"$w/openssl.log" 2>&1
ok $? "a test CA and the relay's certificate (openssl)"

"$here/report_test" "$w/s" >/dev/null
ok $? "report_test fills a store (known alerts over Tokyo days)"
db=$w/s/alerts.db

# ---- the relays ------------------------------------------------------------
base=$((20000 + RANDOM % 20000))
start_sink() { # start_sink NAME PORT ARGS...
	local name=$1 port=$2 i
	shift 2
	$py "$sink" 127.0.0.1 "$port" "$w/$name.jsonl" "$@" >"$w/$name.out" 2>&1 &
	pids+=($!)
	for i in $(seq 1 100); do
		grep -q ready "$w/$name.out" && return 0
		sleep 0.1
	done
	return 1
}
tlsargs=(--cert "$w/relay.pem" --key "$w/relay.key")
start_sink plain $base --auth gw1:s3cret --mech PLAIN "${tlsargs[@]}" &&
	start_sink login $((base + 1)) --auth gw1:s3cret --mech LOGIN "${tlsargs[@]}" &&
	start_sink smtps $((base + 2)) --auth gw1:s3cret --smtps "${tlsargs[@]}"
ok $? "three relays: STARTTLS with AUTH PLAIN, with AUTH LOGIN, smtps with AUTH"

echo s3cret >"$w/pass"
echo wrong >"$w/badpass"
conf() { # conf NAME URL CA [PASSFILE]: without PASSFILE no authentication
	local auth=
	[ -n "${4:-}" ] && auth="user = \"gw1\"; password_file = \"$4\";"
	cat >"$w/$1.conf" <<-EOF
	rules = [ "unused.rules" ];
	state = { path = "$w/nfipsd.state"; };
	sensor = "gw-test";
	mail = { url = "$2"; tls = "required"; ca = "$3"; $auth
		 from = "nfips@gw-test.example";
		 templates = "$top/ctl/notify"; timeout = 5; retry_min = 200; retry_max = 400; };
	EOF
}
conf plain "smtp://127.0.0.1:$base" "$w/ca.pem" "$w/pass"
conf login "smtp://127.0.0.1:$((base + 1))" "$w/ca.pem" "$w/pass"
conf smtps "smtps://127.0.0.1:$((base + 2))" "$w/ca.pem" "$w/pass"
conf badpass "smtp://127.0.0.1:$base" "$w/ca.pem" "$w/badpass"
conf rogue "smtp://127.0.0.1:$base" "$w/rogue.pem" "$w/pass"
conf rogues "smtps://127.0.0.1:$((base + 2))" "$w/rogue.pem" "$w/pass"
conf noauth "smtp://127.0.0.1:$base" "$w/ca.pem"

contacts=("山田 太郎,taro@customer.example,ja" "Alice Smith,alice@customer.example,en")
queue() { # queue KIND REPORTS: the number queued in $out
	out=$("$tool" report "$db" "$1" 2026-12-05 Asia/Tokyo "$2" nfips@gw-test.example \
		"${contacts[@]}" 2>&1)
}
status() { out=$("$ctl" status --mail --store "$db" 2>&1); }

# ---- reports by mail ---------------------------------------------------------
queue daily monthly
[ "$out" = 0 ]
ok $? "notify.reports = monthly: the daily report is not mailed ($out)"
queue daily both
[ "$out" = 2 ]
ok $? "notify.reports = both: the daily report queued for the two contacts ($out)"
"$tool" send "$w/plain.conf" "$db" 30 2>"$w/send.log"
ok $? "STARTTLS + AUTH PLAIN: the queue drains"

# Checks the mails received in FILE: COUNT of them, each to one contact,
# authenticated as gw1 over TLS, the report in the contact's language.
check_reports() { # check_reports FILE COUNT
	$py - "$1" "$2" <<-'EOF'
	import base64, email, email.policy, json, sys
	recs = [json.loads(l) for l in open(sys.argv[1]) if '"data"' in l]
	want = {"taro@customer.example": ("ja", "侵入防御 日次レポート"),
	        "alice@customer.example": ("en", "Daily intrusion prevention report")}
	assert len(recs) == int(sys.argv[2]), "%d mails" % len(recs)
	seen = set()
	for r in recs:
	    assert r["tls"] and r["auth"] == "gw1", (r["tls"], r["auth"])
	    assert len(r["rcpt_tos"]) == 1 and r["rcpt_tos"][0] in want, r["rcpt_tos"]
	    to = r["rcpt_tos"][0]
	    seen.add(to)
	    lang, title = want[to]
	    m = email.message_from_bytes(base64.b64decode(r["data"]), policy=email.policy.default)
	    assert m.get_content_type() == "multipart/mixed", m.get_content_type()
	    assert m["Subject"] == title + " 2026-12-05: gw-test", m["Subject"]
	    assert m["X-Nfips-Kind"] == "report" and to in m["To"], (m["X-Nfips-Kind"], m["To"])
	    parts = list(m.iter_parts())
	    assert len(parts) == 2, len(parts)
	    text, html = parts
	    assert text.get_content_type() == "text/plain" and text.get_content_charset() == "utf-8"
	    body = text.get_content()
	    assert title in body and "2026-12-05" in body and "Asia/Tokyo" in body, body[:300]
	    assert html.get_content_disposition() == "attachment"
	    assert html.get_filename() == "nfips-daily-2026-12-05.html", html.get_filename()
	    h = html.get_content()
	    assert h.lstrip().lower().startswith("<!doctype html") and title in h, h[:200]
	    assert ('lang="%s"' % lang) in h, "no lang=%s" % lang
	assert seen == set(want), seen
	EOF
}
check_reports "$w/plain.jsonl" 2 2>"$w/check.log"
ok $? "each contact got the daily report in the contact's language: subject, text body, HTML attached"
[ -s "$w/check.log" ] && sed 's/^/#   /' "$w/check.log"

status
grep -q "mail: 0 pending, 2 sent, 0 failed" <<<"$out" && grep -q "mail last error: none" <<<"$out"
ok $? "nfipsctl status --mail: 2 sent, none pending, no error"
[ "$failed" = 0 ] || echo "$out" | sed 's/^/#   /'

# ---- AUTH LOGIN, smtps ---------------------------------------------------
queue daily daily
"$tool" send "$w/login.conf" "$db" 30 2>>"$w/send.log" &&
	check_reports "$w/login.jsonl" 2 2>"$w/check.log"
ok $? "STARTTLS + AUTH LOGIN: both reports accepted"
[ -s "$w/check.log" ] && sed 's/^/#   /' "$w/check.log"
queue daily daily
"$tool" send "$w/smtps.conf" "$db" 30 2>>"$w/send.log" &&
	check_reports "$w/smtps.jsonl" 2 2>"$w/check.log"
ok $? "smtps (TLS from the first byte) + AUTH: both reports accepted"
[ -s "$w/check.log" ] && sed 's/^/#   /' "$w/check.log"

# ---- a wrong password: retried, said, then sent ----------------------------
queue daily daily
"$tool" send "$w/badpass.conf" "$db" 3 2>>"$w/send.log"
r=$?
status
[ $r = 1 ] && grep -q "mail: 2 pending" <<<"$out" &&
	grep -q "mail last error: .*authentication refused (mail.user, password_file)" <<<"$out"
ok $? "a wrong password: both still pending, nfipsctl status names the refused login"
[ "$failed" = 0 ] || echo "$out" | sed 's/^/#   /'
tries=$(grep -c '"auth-refused": "gw1"' "$w/plain.jsonl")
[ "$tries" -ge 4 ]
ok $? "retried with backoff, never dropped ($tries refused logins for 2 mails in 3 s)"
"$tool" send "$w/noauth.conf" "$db" 2 2>>"$w/send.log"
r=$?
status
[ $r = 1 ] && grep -q "mail: 2 pending (oldest [0-9]* s), 6 sent, 0 failed" <<<"$out" &&
	grep -q "mail last error: .*the relay requires authentication (mail.user" <<<"$out"
ok $? "no user configured, the relay requires one (530): pending and retried, not failed, said"
[ "$failed" = 0 ] || echo "$out" | sed 's/^/#   /'
"$tool" send "$w/plain.conf" "$db" 30 2>>"$w/send.log"
r=$?
status
[ $r = 0 ] && grep -q "mail: 0 pending, 8 sent, 0 failed" <<<"$out"
ok $? "the password fixed: what waited is sent (8 sent in all, none failed)"
[ "$failed" = 0 ] || echo "$out" | sed 's/^/#   /'

# ---- a relay certificate not from mail.ca ---------------------------------
before=$(cat "$w"/plain.jsonl "$w"/smtps.jsonl | grep -c '"data"')
queue daily daily
"$tool" send "$w/rogue.conf" "$db" 2 2>>"$w/send.log"
r=$?
status
[ $r = 1 ] && grep -q "mail: 2 pending" <<<"$out" &&
	grep -q "mail last error: .*TLS: the relay's certificate is refused" <<<"$out"
ok $? "STARTTLS to a relay whose certificate is not from mail.ca: refused, pending, said"
[ "$failed" = 0 ] || echo "$out" | sed 's/^/#   /'
"$tool" send "$w/rogues.conf" "$db" 2 2>>"$w/send.log"
r=$?
status
after=$(cat "$w"/plain.jsonl "$w"/smtps.jsonl | grep -c '"data"')
[ $r = 1 ] && grep -q "mail last error: .*TLS: the relay's certificate is refused" <<<"$out" &&
	[ "$after" = "$before" ]
ok $? "smtps to it as well: refused, nothing sent to an untrusted relay"
[ "$failed" = 0 ] || echo "$out" | sed 's/^/#   /'

if [ "$failed" != 0 ]; then
	echo "# --- send.log"
	tail -n 20 "$w/send.log" | sed 's/^/#   /'
fi
echo "1..$n"
exit $failed
