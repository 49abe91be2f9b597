#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# tcpcraft.py DST DPORT SPORT OP...: a TCP connection made with scapy from
# SPORT (the caller drops the sending kernel's own resets: it has no socket
# for the connection), then each OP in turn:
#   d:OFF:TEXT  a segment carrying TEXT at stream offset OFF (0 is the first
#               byte after the SYN), acknowledging the server's SYN-ACK
#   s:OFF       a SYN whose sequence number lies just below offset OFF
#   h:OFF       the same, sent in the handshake: after the SYN-ACK, before
#               the ACK (every h: op is, whatever its place in the list)
#   w:SECONDS   a pause
# For the stream evasion tests (stream_syn.sh, stream_reorder.sh).
import sys
import time

from scapy.all import IP, IPv6, TCP, AsyncSniffer, send

dst, dport, sport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ip = IPv6(dst=dst) if ":" in dst else IP(dst=dst)
isn = 1000000
synack = AsyncSniffer(iface="veth0", count=1, timeout=15, lfilter=lambda p:
                      TCP in p and p[TCP].sport == dport and
                      p[TCP].dport == sport and p[TCP].flags & 0x12 == 0x12)
synack.start()
time.sleep(1)
send(ip / TCP(sport=sport, dport=dport, flags="S", seq=isn), verbose=0)
synack.join()
if not synack.results:
    sys.exit("no SYN-ACK")
ack = synack.results[0][TCP].seq + 1
for op in sys.argv[4:]:
    if op.startswith("h:"):
        send(ip / TCP(sport=sport, dport=dport, flags="S",
                      seq=isn + int(op[2:])), verbose=0)
        time.sleep(0.3)
send(ip / TCP(sport=sport, dport=dport, flags="A", seq=isn + 1, ack=ack),
     verbose=0)
time.sleep(0.3)
for op in sys.argv[4:]:
    kind, _, rest = op.partition(":")
    if kind == "d":
        off, _, text = rest.partition(":")
        send(ip / TCP(sport=sport, dport=dport, flags="PA",
                      seq=isn + 1 + int(off), ack=ack) / text.encode(),
             verbose=0)
    elif kind == "s":
        send(ip / TCP(sport=sport, dport=dport, flags="S",
                      seq=isn + int(rest)), verbose=0)
    elif kind == "h":
        pass
    elif kind == "w":
        time.sleep(float(rest))
    else:
        sys.exit("unknown op " + op)
