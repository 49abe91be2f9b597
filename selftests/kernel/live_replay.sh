#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Live equals replay (Documentation/design.rst): a customer policy file in
# enforce mode applied with nfipsctl, nfipsd registered with the module
# (no nft rule: nfips.ko queues the flows its daemon rules can concern,
# from their first packet), traffic through the gateway that exercises
# kernel rules and daemon rules (pcre; two contents with distance/within
# across segments, also sent out of order; flowbits set by one packet and
# tested by a later one; a threshold; byte_test; UDP; short patterns the
# kernel looks for within their depth, not with the automaton); the gateway's
# ingress captured with tcpdump. Then:
#   - every attack failed at the server (its bytes never arrived), every
#     benign exchange arrived;
#   - nfipsctl replay --policy on the capture gives the same set of
#     (sid, flow, action, grade and its reason) as nfipsd's EVE log (its
#     daemon and kernel records together): the daemon saw what a rule
#     could depend on, and both grade alike with the policy's assets;
#   - flows no daemon rule concerns never reached the queue.
# nfips-test-timeout: 300
set -u
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/daemon.lib"

require_guest
require_cmd ip ss socat timeout python3 tcpdump
require_nfipsctl
python3 -c 'import scapy' 2>/dev/null || skip "python3-scapy not installed (selftests/deps.sh)"

step() { log "[${SECONDS}s] $*"; }

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
on_exit '[ -n "$dpid" ] && kill -9 "$dpid"'
on_exit '[ -n "${tcpd:-}" ] && kill "$tcpd"'
setup_topology
start_collectors "$tmp"
# The crafted connection (tcpcraft.py) has no socket in the client.
ip netns exec "$client" nft add table inet nfips_test
ip netns exec "$client" nft add chain inet nfips_test out \
	'{ type filter hook output priority 0; }'
ip netns exec "$client" nft add rule inet nfips_test out tcp sport 41401 tcp flags rst drop ||
	fail "nft in the client"

# Kernel rules (one content, decided by the fast pattern) and daemon rules.
cat >"$tmp/live.rules" <<'RULES'
drop tcp any any -> any 7001 (msg:"live: kernel drop"; content:"KERNELDROP"; classtype:trojan-activity; sid:9201; rev:1;)
alert tcp any any -> any 7001 (msg:"live: kernel alert"; content:"KERNELHIT"; classtype:misc-activity; sid:9202; rev:1;)
drop tcp any any -> any 7001 (msg:"live: pcre"; flow:established,to_server; content:"EVIL"; pcre:"/EVIL\d{3}X/"; classtype:trojan-activity; sid:9211; rev:1;)
drop tcp any any -> any 7001 (msg:"live: split contents"; flow:established,to_server; content:"PART1"; content:"PART2"; distance:3; within:10; classtype:attempted-admin; sid:9212; rev:1;)
alert tcp any any -> any 7001 (msg:"live: login"; flow:established,to_server; content:"LOGIN"; flowbits:set,live.login; flowbits:noalert; sid:9213; rev:1;)
drop tcp any any -> any 7001 (msg:"live: command after login"; flow:established,to_server; content:"RMRF"; flowbits:isset,live.login; classtype:attempted-admin; sid:9214; rev:1;)
alert tcp any any -> any 7001 (msg:"live: threshold"; flow:to_server; content:"TICK"; threshold:type limit,track by_src,count 1,seconds 600; sid:9215; rev:1;)
alert tcp any any -> any 7001 (msg:"live: byte_test"; flow:to_server; content:"LEN"; byte_test:2,>,1000,0,relative; sid:9216; rev:1;)
drop udp any any -> any 7002 (msg:"live: udp"; content:"UDPBAD"; pcre:"/UDPBAD\d+/"; classtype:trojan-activity; sid:9217; rev:1;)
drop udp any any -> any 7002 (msg:"live: anchored"; content:"ZQ"; depth:2; classtype:trojan-activity; sid:9218; rev:1;)
alert udp any any -> any 7002 (msg:"live: anchored nocase"; content:"yk"; nocase; offset:1; depth:2; classtype:misc-activity; sid:9219; rev:1;)
RULES
cat >"$tmp/policy.conf" <<CONF
version = 1;
serial = 3;
customer = { id = "live"; name = "live equals replay"; };
sensor = { id = "guest-gw"; };
mode = "enforce";
rules = {
	files = [ "live.rules" ];
	classification = "$repo/policies/classification.config";
	variables = { address_groups = { HOME_NET = "[10.0.0.0/8,fd6e:6669:7073::/48]"; }; };
};
approvals = (
	{ sid = 9201; approved_by = "test"; when = "2020-01-01"; },
	{ sid = 9211; approved_by = "test"; when = "2020-01-01"; },
	{ sid = 9212; approved_by = "test"; when = "2020-01-01"; },
	{ sid = 9214; approved_by = "test"; when = "2020-01-01"; },
	{ sid = 9217; approved_by = "test"; when = "2020-01-01"; },
	{ sid = 9218; approved_by = "test"; when = "2020-01-01"; }
);
# Grading with assets: the server is critical (+1), the v6 server's network too.
assets = {
	hosts = ( { address = "$server4"; name = "srv"; os = "linux"; criticality = "critical"; } );
	networks = ( { address = "fd6e:6669:7073:2::/64"; name = "srv6"; criticality = "critical"; } );
};
CONF
# One queue: each queue's engine keeps its own threshold and xbits tables,
# so a threshold tracked by source counts per queue when its flows are
# spread over several (Documentation/nfipsd.rst).
cat >"$tmp/nfipsd.conf" <<CONF
queues = { base = $qbase; count = 1; maxlen = 4096; };
policy = "policy.conf";
log = { eve = "$tmp/eve.json"; };
state = { path = "$tmp/nfipsd.state"; interval = 1; pidfile = "$tmp/nfipsd.pid"; };
memory = { budget = "256M"; };
stop_timeout = 10;
CONF
: >"$tmp/daemon.log"
out=$(gwctl policy apply "$tmp/policy.conf" 2>&1) || fail "policy apply: $out"
echo "$out" | grep -q 'selectors=[1-9]' || fail "no daemon selectors sent: $out"
modprobe nfnetlink_queue 2>/dev/null
start_daemon
grep -q 'registered as the daemon' "$tmp/daemon.log" ||
	fail "nfipsd did not register with nfips.ko: $(cat "$tmp/daemon.log")"

ip netns exec "$gateway" tcpdump -i any -Q in -U -s 0 -w "$tmp/live.pcap" \
	'tcp or udp' 2>"$tmp/tcpdump.log" &
tcpd=$!
busywait 10000 grep -q 'listening on' "$tmp/tcpdump.log" || fail "tcpdump did not start"
step "policy applied, nfipsd registered, capturing the gateway's ingress"

# ---- traffic ------------------------------------------------------------
# Attacks and benign exchanges at once: a drop costs its sender retries.
pids=()
bg() { "$@" >/dev/null 2>&1 & pids+=($!); }
bg segsend 4 41001 "hello EVIL12X world"
bg segsend 4 41002 "hello EVIL123X world"
bg segsend 4 41003 "PART1abc" "PART2 rest"
bg segsend 4 41004 "PART1" "abcdefghijklmnopqrstuvwxyz PART2"
bg segsend 4 41005 "LOGIN bob" "RMRF now"
bg segsend 4 41006 "RMRF without login"
bg segsend 4 41007 "TICK one" "TICK two"
bg segsend 4 41008 "TICK three"
bg segsend 4 41009 "LEN~~ big" "LEN00 small"
bg segsend 4 41010 "KERNELDROP here"
bg segsend 4 41011 "KERNELHIT here"
bg segsend 6 41012 "hello EVIL456X v6"
bg segsend 6 41013 "plain v6"
# Out of order: the second half first, the first, the second again (as a
# sender retransmits what was not acknowledged).
bg ip netns exec "$client" timeout 60 python3 "$repo/selftests/kernel/tcpcraft.py" \
	"$server4" 7001 41401 "d:8:PART2 xyz" w:0.5 "d:0:PART1abc" w:0.5 "d:8:PART2 xyz"
send_udp 4 "$server4" 7002 "UDPGOOD-live"
send_udp 4 "$server4" 7002 "UDPBAD42-live"
# Anchored kernel rules (short patterns within a small depth, looked for
# in their window, not by the automaton): only where the window says.
send_udp 4 "$server4" 7002 "ZQ-anchored"
send_udp 4 "$server4" 7002 "xZQ-unanchored"
send_udp 4 "$server4" 7002 "AYK-in-window"
send_udp 4 "$server4" 7002 "yk-before-window"
wait "${pids[@]}"
sleep 2
step "traffic sent"

# ---- at the server --------------------------------------------------------
for t in "hello EVIL12X world" "abcdefghijklmnopqrstuvwxyz PART2" "LOGIN bob" \
	 "RMRF without login" "TICK one" "TICK two" "TICK three" "LEN~~ big" \
	 "LEN00 small" "KERNELHIT here" "plain v6" "PART1abc"; do
	grep -qF "$t" "$tmp/tcp4" "$tmp/tcp6" || fail "benign '$t' did not arrive"
done
received "$tmp/udp4" "UDPGOOD-live" || fail "benign UDP lost"
for t in xZQ-unanchored AYK-in-window yk-before-window; do
	received "$tmp/udp4" "$t" || fail "benign UDP '$t' lost"
done
grep -q ZQ-anchored "$tmp/udp4" && fail "anchored drop: ZQ at offset 0 reached the server"
for t in "EVIL123X" "PART2 rest" "RMRF now" "KERNELDROP" "EVIL456X" "PART2 xyz"; do
	grep -qF "$t" "$tmp/tcp4" "$tmp/tcp6" && fail "attack '$t' reached the server"
done
grep -q UDPBAD "$tmp/udp4" && fail "UDP attack reached the server"
step "attacks blocked, benign traffic delivered"

# Flows no daemon rule concerns (another port) never reach the queue.
q=$(gw_counter queued)
ip netns exec "$server" socat -u TCP4-LISTEN:7009,reuseaddr OPEN:/dev/null 2>/dev/null &
wait_local_port_listen "$server" 7009 tcp || fail "port 7009"
send_tcp 4 "$server4" 7009 "EVIL123X elsewhere"
[ "$(gw_counter queued)" = "$q" ] || fail "a flow no daemon rule concerns was queued"
[ "$q" -gt 0 ] || fail "nothing was queued to the daemon"
step "only flows daemon rules concern were queued ($q packets)"

# ---- live equals replay -----------------------------------------------------
kill "$tcpd"
wait "$tcpd" 2>/dev/null
tcpd=
stop_daemon
"$nfipsctl" replay --policy "$tmp/policy.conf" --pcap "$tmp/live.pcap" \
	>"$tmp/replay.json" 2>"$tmp/replay.err" || fail "replay: $(cat "$tmp/replay.err")"
python3 - "$tmp/eve.json" "$tmp/replay.json" <<'PY' || fail "live and replay differ"
import json, sys

def records(path):
    out = set()
    for line in open(path):
        r = json.loads(line)
        a = r["alert"]
        ends = sorted([(r["src_ip"], r.get("src_port", 0)), (r["dest_ip"], r.get("dest_port", 0))])
        out.add((a["signature_id"], r["proto"], tuple(ends), a["action"],
                 r["nfips"].get("grade"), r["nfips"].get("grade_reason"), a["severity"]))
    return out

live, replay = records(sys.argv[1]), records(sys.argv[2])
for x in sorted(live - replay):
    print("# live only:", x)
for x in sorted(replay - live):
    print("# replay only:", x)
sids = {x[0] for x in live}
# 9202 (misc-activity, low) against the critical server is medium, in both paths
kernel_hit = {(x[4], x[6]) for x in live if x[0] == 9202}
if kernel_hit != {("medium", 2)}:
    print("# 9202 graded", kernel_hit)
    sys.exit(1)
want = {9201, 9202, 9211, 9212, 9214, 9215, 9216, 9217, 9218, 9219}
if want - sids:
    print("# sids that never alerted:", sorted(want - sids))
sys.exit(0 if live == replay and not (want - sids) else 1)
PY
step "nfipsd's EVE log and replay of the capture agree on every (sid, flow, action, grade)"

# The live records (nfipsd's, kernel's) and the replay's as Suricata's
# schema has them (selftests/eve/; the nfips object its only addition).
if python3 -c 'import jsonschema' 2>/dev/null; then
	out=$(python3 "$repo/selftests/eve/eve_schema.py" "$tmp/eve.json" "$tmp/replay.json" 2>&1) ||
		fail "EVE records against Suricata's schema: $(echo "$out" | tail -n 5)"
	step "EVE records against Suricata's schema: $(echo "$out" | tail -n 1)"
fi

exit "$ksft_pass"
