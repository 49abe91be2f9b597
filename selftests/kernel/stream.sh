#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-flow TCP state in the gateway: a pattern split across two or three
# segments is dropped (IPv4 and IPv6), and so is every retransmission of
# the dropped segment, while the bytes before it arrive; learn mode lets
# the split pattern pass and counts the hit; the stream depth stops
# inspection after that many bytes of a direction, a new connection on
# the same ports is inspected from its start again, junk out of the window
# does not use up the depth, a segment overlapping scanned bytes is
# scanned whole, and depth 0 inspects everything.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat python3 timeout nft
require_nfipsctl
python3 -c 'import scapy' 2>/dev/null || skip "python3-scapy not installed (selftests/deps.sh)"

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

# segsend.py FAMILY DST PORT SRCPORT PART...: one connection, each PART
# written alone (TCP_NODELAY) a moment after the last one was acknowledged,
# so that every PART is a segment of its own; closed with a reset, which
# leaves no TIME_WAIT behind and lets the next run reuse SRCPORT. A PART
# "@N" is N bytes of "a", "?FILE" waits (up to 60 s) until FILE exists.
cat >"$tmp/segsend.py" <<'PY'
import os, socket, struct, sys, time

fam = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
if int(sys.argv[4]):
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", int(sys.argv[4])))
s.settimeout(5)
s.connect((sys.argv[2], int(sys.argv[3])))
for part in sys.argv[5:]:
    if part.startswith("?"):
        for _ in range(600):
            if os.path.exists(part[1:]):
                break
            time.sleep(0.1)
        continue
    data = b"a" * int(part[1:]) if part.startswith("@") else part.encode()
    s.sendall(data)
    time.sleep(0.4)
time.sleep(1.5)
s.close()
PY

# segsend FAMILY SRCPORT PART...: to the TCP collector on port 7001.
segsend() {
	local f=$1 sport=$2 dst=$server4

	shift 2
	[ "$f" = 6 ] && dst=$server6
	ip netns exec "$client" timeout 60 python3 "$tmp/segsend.py" \
		"$f" "$dst" 7001 "$sport" "$@"
}

cat >"$tmp/rules" <<'RULES'
drop tcp any any -> any 7001 (msg:"split attack"; content:"SPLIT-ATTACK-42"; sid:2001; rev:1;)
drop tcp any any -> any 7001 (msg:"evil tcp"; content:"EVILTCP"; sid:2002; rev:1;)
drop tcp any any -> any 7009 (msg:"overlap"; content:"OVERLAP-EVIL"; sid:2003; rev:1;)
RULES
gw_apply "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"
gwctl status | grep -qx 'stream depth: 1048576 bytes per direction' ||
	fail "default stream depth: $(gwctl status | grep depth)"
gwctl status | grep -qx 'flow table: 32768 flows' ||
	fail "flow table: $(gwctl status | grep 'flow table')"
start_collectors "$tmp"

for f in 4 6; do
	drops=$(gw_counter drops)
	segsend "$f" 0 "head-$f:SPLIT-" "ATTACK-42:tail-$f"
	received "$tmp/tcp$f" "head-$f:SPLIT-" || fail "IPv$f: first segment lost"
	grep -q "ATTACK-42" "$tmp/tcp$f" && fail "IPv$f: pattern split over two segments passed"
	# The sender kept retransmitting the dropped segment for two seconds.
	[ "$(gw_counter drops)" -ge $((drops + 2)) ] ||
		fail "IPv$f: drops $drops -> $(gw_counter drops): retransmissions not dropped"

	segsend "$f" 0 "three-$f:SPL" "IT-ATT" "ACK-42"
	received "$tmp/tcp$f" "three-$f:SPL" || fail "IPv$f: three segments: first lost"
	received "$tmp/tcp$f" "IT-ATT" || fail "IPv$f: three segments: second lost"
	grep -q "ACK-42" "$tmp/tcp$f" && fail "IPv$f: pattern split over three segments passed"
	log "IPv$f: patterns split over two and three segments dropped, retransmissions too"
done
[ "$(gw_hits 2001)" -ge 4 ] || fail "sid 2001 hits $(gw_hits 2001), want >= 4"

# Learn mode: the split pattern passes and counts.
gwctl mode learn >/dev/null || fail "mode learn"
hits=$(gw_hits 2001)
segsend 4 0 "learn:SPLIT-" "ATTACK-42:learned"
received "$tmp/tcp4" "ATTACK-42:learned" || fail "learn mode dropped a split pattern"
[ "$(gw_hits 2001)" -gt "$hits" ] || fail "learn mode: split pattern not counted"
gwctl mode enforce >/dev/null || fail "mode enforce"
log "learn mode: split pattern passes, counted"

# Stream depth 4 KiB: past it nothing is inspected.
gwctl config --stream-depth 4k || fail "config --stream-depth 4k"
gwctl status | grep -qx 'stream depth: 4096 bytes per direction' ||
	fail "stream depth not 4096: $(gwctl status | grep depth)"
past=$(gw_counter depth_bytes)
segsend 4 41001 @8192 "EVILTCP-past-depth"
received "$tmp/tcp4" "EVILTCP-past-depth" || fail "pattern past the stream depth dropped"
[ "$(gw_counter depth_bytes)" -ge $((past + 18)) ] ||
	fail "depth_bytes $past -> $(gw_counter depth_bytes)"
# Same ports again: a new connection is inspected from its first byte.
drops=$(gw_counter drops)
segsend 4 41001 "reused-port:" "EVILTCP-reused-port"
received "$tmp/tcp4" "reused-port:" || fail "second connection on port 41001 failed"
grep -q "EVILTCP-reused-port" "$tmp/tcp4" &&
	fail "new connection on the ports of one past its depth not inspected"
segsend 4 0 "within:" @2000 "EVILTCP-within-depth"
received "$tmp/tcp4" "within:" || fail "connection within the depth failed"
grep -q "EVILTCP-within-depth" "$tmp/tcp4" && fail "pattern within the depth passed"
[ "$(gw_counter drops)" -ge $((drops + 2)) ] || fail "depth: drops $drops -> $(gw_counter drops)"
log "stream depth 4096: inspection stops past it, restarts with a new connection"

# Junk out of the window (what the receiver throws away) cannot use up the
# depth: 210 KB of it on the connection's ports between two writes, then the
# pattern at stream offset 12, within the 64 KiB depth.
gwctl config --stream-depth 64k || fail "config --stream-depth 64k"
drops=$(gw_counter drops)
segsend 4 41002 "before-junk:" "?$tmp/junk-sent" "after-junk:" "EVILTCP-after-junk" &
sender=$!
received "$tmp/tcp4" "before-junk:" || fail "junk: first write lost"
ip netns exec "$client" python3 -c '
import random, sys
from scapy.all import IP, TCP, send
pkts = [IP(dst=sys.argv[1]) / TCP(sport=41002, dport=7001, flags="A",
        seq=random.getrandbits(32), ack=random.getrandbits(32)) / (b"j" * 1400)
        for _ in range(150)]
send(pkts, verbose=0)
' "$server4" || fail "junk sender"
touch "$tmp/junk-sent"
wait "$sender" || fail "junk: the connection did not survive the junk"
received "$tmp/tcp4" "after-junk:" || fail "junk: the write after the junk lost"
grep -q "EVILTCP-after-junk" "$tmp/tcp4" && fail "out-of-window junk used up the stream depth"
[ "$(gw_counter drops)" -gt "$drops" ] || fail "junk: nothing dropped"
log "out-of-window junk does not use up the depth"

# A segment overlapping bytes scanned before is scanned whole: its first
# bytes may differ from the ones scanned (only the receiver knows which it
# keeps). A flow picked up mid-stream, the server silent.
ip netns exec "$server" nft add table inet nfips_test
ip netns exec "$server" nft add chain inet nfips_test in \
	'{ type filter hook input priority 0; }'
ip netns exec "$server" nft add rule inet nfips_test in tcp dport 7009 drop ||
	fail "nft in the server"
hits=$(gw_hits 2003)
ip netns exec "$client" python3 -c '
import sys, time
from scapy.all import IP, TCP, send
ip = IP(dst=sys.argv[1])
send(ip / TCP(sport=41003, dport=7009, flags="PA", seq=1000, ack=1) / (b"a" * 20), verbose=0)
time.sleep(0.5)
send(ip / TCP(sport=41003, dport=7009, flags="PA", seq=1005, ack=1) /
     (b"OVERLAP-EVIL" + b"b" * 20), verbose=0)
' "$server4" || fail "overlap sender"
busywait 3000 test "$(gw_hits 2003)" -gt "$hits" ||
	fail "pattern in the overlapping part of a segment not found"
log "overlapping segment scanned whole"

# Depth 0: the whole stream.
gwctl config --stream-depth 0 || fail "config --stream-depth 0"
gwctl status | grep -qx 'stream depth: unlimited' || fail "stream depth not unlimited"
size=$(stat -c %s "$tmp/tcp4")
segsend 4 0 @8192 "EVILTCP-unlimited"
grep -q "EVILTCP-unlimited" "$tmp/tcp4" && fail "unlimited depth: pattern after 8 KiB passed"
[ "$(stat -c %s "$tmp/tcp4")" -ge $((size + 8192)) ] ||
	fail "unlimited depth: benign 8 KiB before the pattern lost"
log "stream depth 0: whole stream inspected"

flows=$(gw_counter flows)
# Eleven flows, two of them on the same ports: one entry for those.
[ "$flows" -eq 10 ] || fail "flows counter $flows, want 10"
[ "$(gw_counter flows_evicted)" = 0 ] || fail "flows evicted from an idle table"
exit "$ksft_pass"
