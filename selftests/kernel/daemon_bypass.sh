#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The daemon's per-flow verdict (Documentation/design.rst): a 50 MB
# download over a flow that a daemon rule concerns (a to_client rule on
# the server's port) reaches nfipsd only until the daemon has seen enough:
# with the policy's stream bypass, once the download passed the stream
# depth (1 MiB) no rule can act on the flow any more, nfipsd tells the
# kernel to bypass it, and the rest is forwarded without queueing or
# scanning (the kernel's queued and bypassed counters say so). An attack
# in the first MiB of the same kind of flow is still blocked. Flows of
# another port are never queued.
# nfips-test-timeout: 300
set -u
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/daemon.lib"

require_guest
require_cmd ip ss socat timeout python3 head
require_nfipsctl

step() { log "[${SECONDS}s] $*"; }

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
on_exit '[ -n "$dpid" ] && kill -9 "$dpid"'
setup_topology

cat >"$tmp/bypass.rules" <<'RULES'
drop tcp any 7005 -> any any (msg:"bypass: malware download"; flow:established,to_client; content:"MALWARE"; pcre:"/MALWARE-\d{4}/"; classtype:trojan-activity; sid:9301; rev:1;)
RULES
cat >"$tmp/policy.conf" <<CONF
version = 1;
serial = 1;
customer = { id = "bypass"; name = "bypass"; };
sensor = { id = "guest-gw"; };
mode = "enforce";
rules = { files = [ "bypass.rules" ];
	variables = { address_groups = { HOME_NET = "10.0.0.0/8"; }; }; };
approvals = ( { sid = 9301; approved_by = "test"; when = "2020-01-01"; } );
stream = { depth = 1048576; bypass = true; };
CONF
cat >"$tmp/nfipsd.conf" <<CONF
queues = { base = $qbase; count = $qcount; maxlen = 4096; };
policy = "policy.conf";
log = { eve = "$tmp/eve.json"; };
state = { path = "$tmp/nfipsd.state"; interval = 1; pidfile = "$tmp/nfipsd.pid"; };
stop_timeout = 10;
CONF
: >"$tmp/daemon.log"
out=$(gwctl policy apply "$tmp/policy.conf" 2>&1) || fail "policy apply: $out"
modprobe nfnetlink_queue 2>/dev/null
start_daemon
grep -q 'registered as the daemon' "$tmp/daemon.log" ||
	fail "nfipsd did not register with nfips.ko: $(cat "$tmp/daemon.log")"

# Servers: 7005 sends 50 MB, 7006 sends the attack then more, 7007 (no
# rule) sends 50 MB.
ip netns exec "$server" socat -U TCP4-LISTEN:7005,reuseaddr \
	SYSTEM:'head -c 52428800 /dev/zero' 2>/dev/null &
ip netns exec "$server" socat -U TCP4-LISTEN:7007,reuseaddr \
	SYSTEM:'head -c 52428800 /dev/zero' 2>/dev/null &
wait_local_port_listen "$server" 7005 tcp || fail "download server"
wait_local_port_listen "$server" 7007 tcp || fail "other server"

q0=$(gw_counter queued)
b0=$(gw_counter bypassed)
got=$(ip netns exec "$client" timeout 120 socat -u TCP4:"$server4":7005 - | wc -c)
[ "$got" = 52428800 ] || fail "download: $got bytes of 52428800"
q1=$(gw_counter queued)
b1=$(gw_counter bypassed)
queued=$((q1 - q0)) bypassed=$((b1 - b0))
step "50 MB download: $queued packets queued, $bypassed bypassed"
# 50 MB is ~36,000 segments of 1448 bytes (fewer with GSO); the first MiB
# is ~720 segments and their acknowledgments.
[ "$bypassed" -gt 1000 ] || fail "the flow was not bypassed ($bypassed packets)"
[ "$queued" -lt 6000 ] || fail "the queue saw $queued packets: no bypass verdict"
[ "$(cat "$tmp/daemon.log" | grep -c 'flow verdict refused')" = 0 ] ||
	fail "flow verdicts refused: $(grep 'flow verdict' "$tmp/daemon.log")"

q0=$(gw_counter queued)
got=$(ip netns exec "$client" timeout 120 socat -u TCP4:"$server4":7007 - | wc -c)
[ "$got" = 52428800 ] || fail "other download: $got bytes"
[ "$(gw_counter queued)" = "$q0" ] || fail "a flow no daemon rule concerns was queued"
step "a download no daemon rule concerns: never queued"

# The same kind of flow with the attack inside the first MiB: blocked.
{ printf 'header MALWARE-1234 body'; head -c 2000000 /dev/zero; } >"$tmp/attack"
ip netns exec "$server" socat -U TCP4-LISTEN:7005,reuseaddr OPEN:"$tmp/attack" 2>/dev/null &
wait_local_port_listen "$server" 7005 tcp || fail "attack server"
got=$(ip netns exec "$client" timeout 30 socat -u TCP4:"$server4":7005 - 2>/dev/null | wc -c)
[ "$got" -lt 2000000 ] || fail "the malware download passed ($got bytes)"
busywait 10000 grep -q '"signature_id":9301' "$tmp/eve.json" || fail "no alert for sid 9301"
step "an attack in the first MiB: blocked, logged"
stop_daemon
exit "$ksft_pass"
