#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfipsd forwards its alerts to SOC collectors while it inspects traffic:
# attacks through the gateway are logged and each record reaches a stock
# rsyslogd (imrelp, in the gateway's namespace) byte for byte; a second
# collector accepts the connection and never answers, and the gateway
# still forwards and blocks as before (the packet path never waits on a
# collector); nfipsctl status reports the silent one with its backlog;
# nfipsd stops cleanly with a collector hanging.
# nfips-test-timeout: 240
set -u
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/daemon.lib"

require_guest
require_cmd ip ss socat timeout python3 rsyslogd
require_nfipsctl
[ -e /usr/lib/x86_64-linux-gnu/rsyslog/imrelp.so ] || skip "no rsyslog-relp"

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
on_exit '[ -n "$dpid" ] && kill -9 "$dpid"'
daemon_setup
write_conf enforce

# The collector: rsyslogd with the shipped template's record-back-out.
mkdir -p "$tmp/rs"
cat >"$tmp/rs.conf" <<CONF
global(workDirectory="$tmp/rs")
module(load="imrelp")
input(type="imrelp" port="2514" ruleset="nfips")
template(name="nfips_eve" type="string" string="%msg%\n")
ruleset(name="nfips") {
	if \$app-name == "nfipsd" and \$msgid == "ALERT" then
		action(type="omfile" file="$tmp/soc.json" template="nfips_eve")
}
CONF
ip netns exec "$gateway" rsyslogd -n -f "$tmp/rs.conf" -i "$tmp/rs.pid" \
	>"$tmp/rs.log" 2>&1 &
rspid=$!
on_exit "kill $rspid 2>/dev/null"
# A collector that takes the connection and never answers.
ip netns exec "$gateway" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 2600)); s.listen(8); c = []
while True:
    c.append(s.accept()[0])
' &
silentpid=$!
on_exit "kill $silentpid 2>/dev/null"
wait_local_port_listen "$gateway" 2514 tcp || fail "rsyslogd did not listen: $(cat "$tmp/rs.log")"
wait_local_port_listen "$gateway" 2600 tcp || fail "silent collector"

cat >>"$tmp/nfipsd.conf" <<CONF
collectors = (
	{ name = "soc"; transport = "relp"; host = "127.0.0.1"; port = 2514; },
	{ name = "silent"; transport = "relp"; host = "127.0.0.1"; port = 2600; timeout = 3; }
);
deliver = { dir = "$tmp/deliver"; };
CONF
start_daemon

# Attacks (dropped: pcre) and benign look-alikes (passed), both families.
for i in 1 2 3; do
	client 4 "EVIL12${i}X" >/dev/null 2>&1
	[ $? = 1 ] || fail "IPv4 attack $i not dropped while a collector hangs"
	client_pass 6 "benign $i" >/dev/null 2>&1 || fail "IPv6 benign flow $i did not pass"
done
log "3 attacks dropped, 3 benign flows passed with a silent collector"

n=$(grep -c . "$tmp/eve.json")
[ "$n" -ge 3 ] || fail "$n records in eve.json, expected at least 3"
_delivered() { [ -e "$tmp/soc.json" ] && [ "$(grep -c . "$tmp/soc.json")" -ge "$n" ]; }
busywait 30000 _delivered || fail "rsyslogd got $(grep -c . "$tmp/soc.json" 2>/dev/null) of $n records"
cmp -s "$tmp/eve.json" "$tmp/soc.json" || fail "the collector's records differ from eve.json"
python3 - "$tmp/soc.json" <<'PY' || fail "sequence numbers not 1..n"
import json, sys
seq = [json.loads(l)["nfips"]["sequence"] for l in open(sys.argv[1])]
sys.exit(seq != list(range(1, len(seq) + 1)))
PY
log "$n records at the collector, byte-identical, sequences 1..$n"

_status() {
	out=$("$nfipsctl" status --collectors --deliver-dir "$tmp/deliver" 2>&1)
	sed -n '/^collector silent:/,/^  sent/p' <<<"$out" | grep -q "backlog: $n alerts" &&
		sed -n '/^collector silent:/,/^  sent/p' <<<"$out" | grep -q "last error: .*" &&
		sed -n '/^collector soc:/,/^  sent/p' <<<"$out" | grep -q "backlog: 0 alerts"
}
busywait 20000 _status || fail "nfipsctl status: $out"
log "nfipsctl status: silent collector with backlog $n and its error, soc none"

SECONDS=0
stop_daemon
[ "$SECONDS" -le 8 ] || fail "stop took $SECONDS s with a collector hanging"
grep -q '^clean=1' "$tmp/nfipsd.state" || fail "state file not clean after stop"
log "clean stop in $SECONDS s"
exit "$ksft_pass"
