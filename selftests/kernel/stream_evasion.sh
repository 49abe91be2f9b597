#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Attempts to slip data within the stream depth past the gateway's TCP
# flow state (stream.sh tests the state itself): out-of-window junk on a
# connection's ports cannot use up the depth; a second SYN sent before the
# first cannot move the stream's start back past it; the part of a
# segment that overlaps bytes scanned before is scanned again. Crafted
# segments come from scapy.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat python3 timeout nft
require_nfipsctl
python3 -c 'import scapy' 2>/dev/null || skip "python3-scapy not installed (selftests/deps.sh)"

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

cat >"$tmp/rules" <<'RULES'
drop tcp any any -> any 7001 (msg:"evil tcp"; content:"EVILTCP"; sid:2002; rev:1;)
drop tcp any any -> any 7009 (msg:"overlap"; content:"OVERLAP-EVIL"; sid:2003; rev:1;)
RULES
gw_apply --approve-all "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"
start_collectors "$tmp"

# Junk out of the window (what the receiver throws away) cannot use up the
# depth: 210 KB of it on the connection's ports between two writes, then the
# pattern at stream offset 12, within the 64 KiB depth.
gwctl config --stream-depth 64k || fail "config --stream-depth 64k"
drops=$(gw_counter drops)
segsend 4 41002 "before-junk:" "?$tmp/junk-sent" "after-junk:" "EVILTCP-after-junk" &
sender=$!
# The sender starts in the background: python takes its time under TCG.
busywait 30000 grep -qF "before-junk:" "$tmp/tcp4" || fail "junk: first write lost"
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

# A second SYN 100,000 bytes before the first cannot move offset 0 back
# and put the start of the stream past the 64 KiB depth: offsets count from
# the server's acknowledgment. The client's kernel, which has no socket for
# this handshake, must not reset it.
ip netns exec "$client" nft add table inet nfips_test
ip netns exec "$client" nft add chain inet nfips_test out \
	'{ type filter hook output priority 0; }'
ip netns exec "$client" nft add rule inet nfips_test out tcp flags rst drop ||
	fail "nft in the client"
hits=$(gw_hits 2002)
ip netns exec "$client" python3 -c '
import sys, time
from scapy.all import IP, TCP, AsyncSniffer, send
dst, sport, x = sys.argv[1], 41004, 1000000000
synack = AsyncSniffer(iface="veth0", count=1, timeout=15, lfilter=lambda p:
    TCP in p and p[TCP].sport == 7001 and p[TCP].dport == sport and
    p[TCP].flags & 0x12 == 0x12)
synack.start()
time.sleep(1)
ip = IP(dst=dst)
send([ip / TCP(sport=sport, dport=7001, flags="S", seq=x),
      ip / TCP(sport=sport, dport=7001, flags="S", seq=x - 100000)], verbose=0)
synack.join()
if not synack.results:
    sys.exit("no SYN-ACK")
z = synack.results[0][TCP].seq
send(ip / TCP(sport=sport, dport=7001, flags="A", seq=x + 1, ack=z + 1), verbose=0)
time.sleep(0.3)
send(ip / TCP(sport=sport, dport=7001, flags="PA", seq=x + 1, ack=z + 1) /
     b"EVILTCP-two-syns", verbose=0)
' "$server4" || fail "two-SYN sender"
busywait 3000 test "$(gw_hits 2002)" -gt "$hits" ||
	fail "a second, earlier SYN put the stream's start past the depth"
ip netns exec "$client" nft delete table inet nfips_test
log "a second SYN does not move the stream's start"

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
exit "$ksft_pass"
