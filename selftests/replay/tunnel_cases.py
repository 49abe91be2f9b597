# SPDX-License-Identifier: GPL-2.0
"""
Tunnels and malformed transport headers, against Suricata 7.0.10 with its
default configuration: one generated capture per encapsulation, each of
dozens of inner flows (TCP with HTTP, DNS over UDP, ICMP echo) carried
over GRE (plain, with key, sequence number and checksum, over IPv6,
carrying IPv6, Ethernet, 802.1Q, ERSPAN type I and II; version 1 with
PPP, as PPTP), IPv6 in IPv4,
IPv4 and IPv6 in IPv6, IPv4 in IPv4 (which Suricata 7 does not
decapsulate), Teredo (with and without origin indication), VXLAN,
Geneve (with options, carrying Ethernet), tunnels in tunnels (GRE four
and five deep, GRE in VXLAN, 6in4 in GRE), and tunnels whose inner packet is
broken; then packets whose TCP, UDP or ICMP header or IPv6 extension
header is malformed, and ESP, SCTP and protocols Suricata has no decoder
for; and one capture of the cases of the review of issue 14 (PPP framings
in PPTP, VLAN tags in VXLAN, Teredo bubbles, inner IPv4 options Suricata
refuses, IPv6 in IPv6 after extension headers). The rules (tunnel.rules
beside this file) look at the outer and the inner
addresses, ports, header fields and payloads; suricata -r and nfipsctl
replay must report the same alerts per (sid, flow), counted.

Used by replay_test.py (cases()) and alone, to write the captures:
    tunnel_cases.py OUTDIR
"""
import json
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.path.join(HERE, "tunnel.rules")

from scapy.all import (Ether, Dot1Q, IP, IPv6, TCP, UDP, ICMP, GRE, Raw,  # noqa: E402
                       DNS, DNSQR, IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting,
                       RouterAlert, PadN, Jumbo,
                       IPv6ExtHdrFragment, fragment, fragment6)
from scapy.layers.vxlan import VXLAN  # noqa: E402
from scapy.contrib.geneve import GENEVE  # noqa: E402
from scapy.contrib.mpls import MPLS  # noqa: E402

FLOWS = 36          # inner flows per encapsulation


def eth():
    return Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")


# ---- inner flows ---------------------------------------------------------------

def inner_flow(m, i, v6):
    """The packets of inner flow @i (raw IP, no link layer): TCP with
    HTTP, DNS over UDP or ICMP echo, by @i."""
    if v6:
        cli, srv = "2001:db8:a::%x" % (i + 1), "2001:db8:b::%x" % (i % 5 + 1)
    else:
        cli, srv = "10.1.%d.%d" % (i // 200, i % 200 + 1), "10.2.0.%d" % (i % 5 + 1)
    kind = i % 4
    if kind in (0, 1):
        c = m.Tcp(cli=(cli, 30000 + i), srv=(srv, 80), v6=v6, l2=None)
        uri = "/attack?id=%d" % i if kind == 0 else "/index.html"
        req = "GET %s HTTP/1.1\r\nHost: h%d.example\r\n\r\n" % (uri, i)
        resp = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nRESPONSE"
        return c.handshake() + [c.c(0, req), c.s(0, resp),
                                c.c(len(req), "", flags="A")]
    ip = (IPv6(src=cli, dst=srv) if v6 else IP(src=cli, dst=srv))
    rip = (IPv6(src=srv, dst=cli) if v6 else IP(src=srv, dst=cli))
    if kind == 2:
        name = "evil%d.example.com" % i if i % 8 == 2 else "www.example.org"
        q = ip / UDP(sport=40000 + i, dport=53) / DNS(id=i, rd=1, qd=DNSQR(qname=name))
        r = rip / UDP(sport=53, dport=40000 + i) / DNS(id=i, qr=1, qd=DNSQR(qname=name))
        return [q, r]
    if v6:
        return [ip / Raw(b"\x80\x00\x00\x00" + bytes([0, i & 0xff, 0, 1]) + b"PING-ATTACK")]
    return [ip / ICMP(type=8, id=i, seq=1) / Raw(b"PING-ATTACK"),
            rip / ICMP(type=0, id=i, seq=1) / Raw(b"PING-ATTACK")]


def fix_v6_icmp(p):
    """scapy has no ICMPv6 layer under a raw IPv6 with Raw: set nh 58."""
    if IPv6 in p and p[IPv6].nh == 59:
        p[IPv6].nh = 58
    return p


# ---- encapsulations ------------------------------------------------------------
# Each takes (i, inner packet, from_client) and returns the frame on the
# wire. Outer addresses differ per inner flow, so that the outer's
# IP-only alerts count per flow the same way on both sides.

def o4(i, fc, **kw):
    a, b = "192.0.2.%d" % (i % 250 + 1), "198.51.100.%d" % (i % 7 + 1)
    return IP(src=a if fc else b, dst=b if fc else a, ttl=63, **kw)


def o6(i, fc, **kw):
    a, b = "2001:db8:f::%x" % (i + 1), "2001:db8:e::%x" % (i % 7 + 1)
    return IPv6(src=a if fc else b, dst=b if fc else a, hlim=63, **kw)


def udp_outer(i, fc, port, sport_base=50000):
    sp = sport_base + i
    return o4(i, fc) / UDP(sport=sp if fc else port, dport=port if fc else sp)


ENCAPS = {
    "gre": (False, lambda i, p, fc: eth() / o4(i, fc) / GRE() / p),
    "gre-flags": (False, lambda i, p, fc: eth() / o4(i, fc) / GRE(
        key_present=1, key=i, seqnum_present=1, seqence_number=i, chksum_present=1) / p),
    # the version byte's top bit (PPTP's acknowledgment flag) is ignored in
    # version 0
    "gre-ackbit": (False, lambda i, p, fc: eth() / o4(i, fc, proto=47) /
                   Raw(b"\x00\x80\x08\x00" + bytes(p))),
    "gre-v6-outer": (False, lambda i, p, fc: eth() / o6(i, fc) / GRE() / p),
    "gre-v6-inner": (True, lambda i, p, fc: eth() / o4(i, fc) / GRE(proto=0x86dd) / p),
    "gre-eth": (False, lambda i, p, fc: eth() / o4(i, fc) / GRE(proto=0x6558) / eth() / p),
    "gre-vlan": (False, lambda i, p, fc: eth() / o4(i, fc) / GRE(proto=0x8100) /
                 Dot1Q(vlan=100 + i) / p),
    "erspan1": (False, lambda i, p, fc: eth() / o4(i, fc) / GRE(proto=0x88be) / eth() / p),
    "erspan2": (False, lambda i, p, fc: eth() / o4(i, fc) / GRE(
        proto=0x88be, seqnum_present=1, seqence_number=i) /
        Raw(bytes([0x10, i % 3, 0, 1, 0, 0, 0, 0])) / eth() / p),
    "pptp": (False, lambda i, p, fc: eth() / o4(i, fc, proto=47) / Raw(pptp(i, p))),
    "pptp6": (True, lambda i, p, fc: eth() / o4(i, fc, proto=47) / Raw(pptp(i, p))),
    "6in4": (True, lambda i, p, fc: eth() / o4(i, fc, proto=41) / p),
    "6in6": (True, lambda i, p, fc: eth() / o6(i, fc, nh=41) / p),
    "4in6": (False, lambda i, p, fc: eth() / o6(i, fc, nh=4) / p),
    "4in4": (False, lambda i, p, fc: eth() / o4(i, fc, proto=4) / p),
    "teredo": (True, lambda i, p, fc: eth() / udp_outer(i, fc, 3544) / p),
    "teredo-origin": (True, lambda i, p, fc: eth() / udp_outer(i, fc, 3544) /
                      Raw(b"\x00\x00\x12\x34\xc0\x00\x02\x01") / p),
    "vxlan": (False, lambda i, p, fc: eth() / udp_outer(i, fc, 4789) / VXLAN(vni=i) / eth() / p),
    "vxlan6": (True, lambda i, p, fc: eth() / udp_outer(i, fc, 4789) / VXLAN(vni=i) / eth() / p),
    "geneve": (False, lambda i, p, fc: eth() / udp_outer(i, fc, 6081) /
               GENEVE(vni=i, proto=0x0800) / p),
    "geneve-opts": (False, lambda i, p, fc: eth() / udp_outer(i, fc, 6081) /
                    Raw(bytes([0x02, 0, 0x08, 0, 0, 0, i, 0,
                               0x01, 0x02, 0x03, 0x01, 0xaa, 0xbb, 0xcc, 0xdd])) / p),
    "geneve-eth": (True, lambda i, p, fc: eth() / udp_outer(i, fc, 6081) /
                   GENEVE(vni=i, proto=0x6558) / eth() / p),
    # tunnels in tunnels: GRE in VXLAN, 6in4 in GRE, four and five GRE levels
    "gre-in-vxlan": (False, lambda i, p, fc: eth() / udp_outer(i, fc, 4789) / VXLAN(vni=i) /
                     eth() / IP(src="172.16.0.1", dst="172.16.0.2") / GRE() / p),
    "6in4-in-gre": (True, lambda i, p, fc: eth() / o4(i, fc) / GRE() /
                    IP(src="172.16.1.1", dst="172.16.1.2", proto=41) / p),
    "gre-x4": (False, lambda i, p, fc: eth() / nest(i, fc, p, 4)),
    "gre-x5": (False, lambda i, p, fc: eth() / nest(i, fc, p, 5)),
}


def pptp(i, p):
    """GRE version 1 (key, sequence number) with PPP (address, control,
    protocol) around @p, as PPTP sends it."""
    inner = bytes(p)
    ppp = b"\xff\x03" + (b"\x00\x57" if IPv6 in p else b"\x00\x21") + inner
    return struct.pack(">BBHHHI", 0x30, 0x01, 0x880b, len(ppp), i, i) + ppp


def pptp_framed(i, p, v4, v6):
    """@p in GRE version 1 with the PPP framing @v4 (IPv4) or @v6 (IPv6)."""
    ppp = (v6 if IPv6 in p else v4) + bytes(p)
    return struct.pack(">BBHHHI", 0x30, 0x01, 0x880b, len(ppp), i, i) + ppp


# Cases of the adversarial review of the tunnel decoders (issue 14), a few
# inner flows each, in one capture: (inner IPv6?, wrap) as ENCAPS, and
# optionally a wrap for a packet sent before each flow's first.
REVIEW = {
    # PPP as Suricata's DecodePPP frames it: address and control optional,
    # the protocol compressed to one byte, VJ "uncompressed" TCP as IPv4
    "ppp-vj-uncomp": (False, lambda i, p, fc: eth() / o4(i, fc, proto=47) /
                      Raw(pptp_framed(i, p, b"\xff\x03\x00\x2f", None))),
    "ppp-no-address": (False, lambda i, p, fc: eth() / o4(i, fc, proto=47) /
                       Raw(pptp_framed(i, p, b"\x00\x21", None))),
    "ppp-short-proto": (False, lambda i, p, fc: eth() / o4(i, fc, proto=47) /
                        Raw(pptp_framed(i, p, b"\xff\x03\x21", None))),
    "ppp-bare": (False, lambda i, p, fc: eth() / o4(i, fc, proto=47) /
                 Raw(pptp_framed(i, p, b"\x21", None))),
    "ppp6-short-proto": (True, lambda i, p, fc: eth() / o4(i, fc, proto=47) /
                         Raw(pptp_framed(i, p, None, b"\xff\x03\x57"))),
    "ppp6-bare": (True, lambda i, p, fc: eth() / o4(i, fc, proto=47) /
                  Raw(pptp_framed(i, p, None, b"\x57"))),
    # VJ uncompressed TCP with its protocol compressed: IPv4 too
    "ppp-vj-short": (False, lambda i, p, fc: eth() / o4(i, fc, proto=47) /
                     Raw(pptp_framed(i, p, b"\xff\x03\x2f", None))),
    # VXLAN's inner frame with 802.1Q, 802.1ad (QinQ) and 0x9100 tags;
    # Geneve's and GRE's Ethernet with tags decode them already
    "vxlan-vlan": (False, lambda i, p, fc: eth() / udp_outer(i, fc, 4789) / VXLAN(vni=i) /
                   eth() / Dot1Q(vlan=i) / p),
    "vxlan-qinq": (True, lambda i, p, fc: eth() / udp_outer(i, fc, 4789) / VXLAN(vni=i) /
                   tagged(0x88a8) / Dot1Q(vlan=7) / Dot1Q(vlan=i) / p),
    "vxlan-9100": (False, lambda i, p, fc: eth() / udp_outer(i, fc, 4789) / VXLAN(vni=i) /
                   tagged(0x9100) / Dot1Q(vlan=i) / p),
    "geneve-eth-qinq": (False, lambda i, p, fc: eth() / udp_outer(i, fc, 6081) /
                        GENEVE(vni=i, proto=0x6558) / tagged(0x88a8) / Dot1Q(vlan=7) /
                        Dot1Q(vlan=i) / p),
    "gre-eth-vlan": (True, lambda i, p, fc: eth() / o4(i, fc) / GRE(proto=0x6558) / eth() /
                     Dot1Q(vlan=i) / p),
    # a Teredo bubble (next header 59, payload length 0) is a tunnel
    # packet whose IP-only rules run; the inner flow after it too
    "teredo-bubble": (True, lambda i, p, fc: eth() / udp_outer(i, fc, 3544) /
                      p, (lambda i, p, fc: eth() / udp_outer(i, fc, 3544) / bubble(p))),
    # an inner IPv4 option running past the header (a timestamp of 32
    # bytes in 4; of length 1): no tunnel, the outer UDP payload is
    # inspected (Suricata's DecodeIPV4Options); one that fits is decoded
    "vxlan-ipopt-overrun": (False, lambda i, p, fc: eth() / udp_outer(i, fc, 4789) /
                            VXLAN(vni=i) / eth() / ip_opt(p, b"\x44\x20\x05\x00")),
    "gre-ipopt-len1": (False, lambda i, p, fc: eth() / o4(i, fc) / GRE() /
                       ip_opt(p, b"\x01\x07\x01\x00")),
    "vxlan-ipopt-ok": (False, lambda i, p, fc: eth() / udp_outer(i, fc, 4789) /
                       VXLAN(vni=i) / eth() / ip_opt(p, b"\x44\x04\x05\x00")),
    # IPv6 in IPv6 after an extension header is not decapsulated; IPv4 in
    # IPv6 is (Suricata's extension header walk knows only the latter)
    "6in6-after-hbh": (True, lambda i, p, fc: eth() / o6(i, fc) /
                       IPv6ExtHdrHopByHop(nh=41) / p),
    "6in6-after-dstopt": (True, lambda i, p, fc: eth() / o6(i, fc) /
                          IPv6ExtHdrDestOpt(nh=41) / p),
    "4in6-after-hbh": (False, lambda i, p, fc: eth() / o6(i, fc) /
                       IPv6ExtHdrHopByHop(nh=4) / p),
}


def ip_opt(p, opt):
    """IPv4 packet @p with the 4 bytes of options @opt, its checksum right."""
    b = bytes(p)
    q = IP(bytes([0x46]) + b[1:2] + struct.pack(">H", len(b) + 4) + b[4:10] + b"\0\0" +
           b[12:20] + opt + b[20:])
    del q.chksum
    return IP(bytes(q))


def bubble(p):
    """The Teredo bubble sent before a flow's first packet @p."""
    return IPv6(src=p[IPv6].src, dst=p[IPv6].dst, nh=59, plen=0, hlim=255)


def tagged(tpid):
    """An Ethernet header whose type is the VLAN tag protocol @tpid."""
    return Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02", type=tpid)


def review_flows(m):
    pkts = []
    for k, name in enumerate(REVIEW):
        v6, wrap = REVIEW[name][:2]
        before = REVIEW[name][2] if len(REVIEW[name]) > 2 else None
        for i in range(100 + 4 * k, 104 + 4 * k):
            flow = inner_flow(m, i, v6)
            if before:
                pkts.append(before(i, fix_v6_icmp(flow[0]), True))
            for p in flow:
                p = fix_v6_icmp(p)
                fc = (IPv6 in p and p[IPv6].src.startswith("2001:db8:a")) or \
                     (IP in p and p[IP].src.startswith("10.1."))
                pkts.append(wrap(i, p, fc))
    return pkts


def nest(i, fc, p, n):
    """@p in @n GRE tunnels; the outermost is o4's."""
    for k in range(n - 1):
        p = IP(src="172.17.%d.1" % k, dst="172.17.%d.2" % k, ttl=63) / GRE() / p
    return o4(i, fc) / GRE() / p


def encap_flows(m, name):
    v6, wrap = ENCAPS[name]
    pkts = []
    for i in range(FLOWS):
        for p in inner_flow(m, i, v6):
            p = fix_v6_icmp(p)
            fc = (IPv6 in p and p[IPv6].src.startswith("2001:db8:a")) or \
                 (IP in p and p[IP].src.startswith("10.1."))
            pkts.append(wrap(i, p, fc))
    return pkts


def late_carrier_flows(m, name):
    """
    Carrier flows whose first datagram decapsulates nothing (junk on the
    tunnel's port), then tunnel the inner flows: a review found such a flow
    let go to the kernel after its first datagram, the inner packets after
    it uninspected (--kernel-bypass: 3 flows let go, the inner alerts
    still shown only because bypassed datagrams were decapsulated).
    """
    port = {"vxlan": 4789, "teredo": 3544, "geneve": 6081}[name]
    junk = [eth() / udp_outer(i, True, port) / Raw(b"\x00" * 8 + b"not a tunnel yet")
            for i in range(FLOWS)]
    return junk + encap_flows(m, name)


def broken_flows(m):
    """Tunnels whose inner packet does not decode, and inner packets with
    a broken transport header."""
    rnd = random.Random(14)
    pkts = []
    for i in range(FLOWS):
        inner_ok = IP(src="10.3.0.%d" % (i + 1), dst="10.4.0.1") / \
            TCP(sport=1000 + i, dport=80) / Raw(b"INNER-ATTACK")
        bad_ip = bytes(inner_ok)[:12]                   # IPv4 header cut
        bad_ver = b"\x75" + bytes(inner_ok)[1:]         # version 7
        bad_tcp = bytes(IP(src="10.3.1.%d" % (i + 1), dst="10.4.0.1", proto=6) /
                        Raw(b"TCPCUT"))                 # 6 bytes of TCP
        k = i % 8
        if k == 0:      # VXLAN with a cut inner IPv4: a UDP packet with payload
            pkts.append(eth() / udp_outer(i, True, 4789) / VXLAN(vni=i) / eth() /
                        Raw(bad_ip + b"OUTER-ATTACK"))
        elif k == 1:    # VXLAN with flag I unset: not VXLAN
            pkts.append(eth() / udp_outer(i, True, 4789) / VXLAN(flags=0, vni=i) / eth() /
                        inner_ok / Raw(b"OUTER-ATTACK"))
        elif k == 2:    # GRE with a bad inner version: nothing inside
            pkts.append(eth() / o4(i, True) / GRE() / Raw(bad_ver))
        elif k == 3:    # GRE whose inner TCP header is cut: inner header rules
            pkts.append(eth() / o4(i, True) / GRE() / Raw(bad_tcp))
        elif k == 4:    # Teredo whose inner TCP is cut: not Teredo
            pkts.append(eth() / udp_outer(i, True, 3544) /
                        IPv6(src="2001:db8:c::1", dst="2001:db8:c::2", nh=6, plen=6) /
                        Raw(b"TCPCUT"))
        elif k == 5:    # Geneve with an unknown ethertype: a UDP packet
            pkts.append(eth() / udp_outer(i, True, 6081) / GENEVE(vni=i, proto=0x1234) /
                        Raw(b"OUTER-ATTACK"))
        elif k == 6:    # GRE version 1 without its PPP header: nothing inside
            pkts.append(eth() / o4(i, True) / GRE(version=1, proto=0x880b, key_present=1) /
                        Raw(bytes(inner_ok)))
        else:           # GRE with random bytes
            pkts.append(eth() / o4(i, True) / GRE(proto=rnd.choice([0x0800, 0x86dd, 0x6558])) /
                        Raw(bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 60)))))
    return pkts


def malformed_l4(m):
    """Packets whose TCP, UDP or ICMP header, or an IPv6 extension header,
    is bad, several per host pair."""
    pkts = []
    for i in range(FLOWS):
        a, b = "10.5.0.%d" % (i + 1), "10.6.0.%d" % (i % 3 + 1)
        a6, b6 = "2001:db8:5::%x" % (i + 1), "2001:db8:6::1"
        k = i % 9
        for _ in range(3):
            if k == 6:      # a hop-by-hop header cut: protocol 0 with an event
                p = IPv6(src=a6, dst=b6, nh=0) / Raw(b"\x06\x05")
            elif k == 7:    # destination options longer than the packet
                p = IPv6(src=a6, dst=b6, nh=60) / Raw(b"\x06\x02" + b"\x00" * 6)
            elif k == 8:    # a fragment header cut
                p = IPv6(src=a6, dst=b6, nh=44) / Raw(b"\x06\x00")
            elif k == 0:
                p = IP(src=a, dst=b, proto=6) / Raw(b"ATTACK012")             # TCP cut
            elif k == 1:
                p = IP(src=a, dst=b) / TCP(sport=1, dport=80, dataofs=3) / Raw(b"ATTACK")
            elif k == 2:
                p = IP(src=a, dst=b) / TCP(sport=1, dport=80, dataofs=15) / Raw(b"ATTACK")
            elif k == 3:
                p = IP(src=a, dst=b) / UDP(sport=1, dport=53, len=5) / Raw(b"ATTACK")
            elif k == 4:
                p = IP(src=a, dst=b) / UDP(sport=1, dport=53, len=400) / Raw(b"ATTACK")
            else:
                p = IPv6(src=a6, dst=b6, nh=6) / Raw(b"ATTACK012")
            pkts.append(eth() / p)
        pkts.append(eth() / IP(src=a, dst=b, proto=1) / Raw(b"ATT"))       # ICMP cut
    return pkts


def other_protos(m):
    """Protocols Suricata 7.0.10 decodes besides TCP, UDP and ICMP (ESP:
    a flow per SPI, payload after SPI and sequence number; SCTP: ports,
    payload after the common header; either cut short: no flow) and some
    it has no decoder for (AH over IPv4, PIM, 99: no flow, no payload)."""
    pkts = []
    for i in range(FLOWS):
        a, b = "10.7.%d.%d" % (i % 6, i + 1), "10.8.0.1"
        k = i % 6
        for j in range(3):
            fc = j != 1
            src, dst = (a, b) if fc else (b, a)
            if k == 0:      # ESP: the reply has its own SA, the third packet another
                spi = 0x1000 + i + (0x100 if not fc else 0) + (0x10000 if j == 2 and i % 2 else 0)
                body = struct.pack(">II", spi, j + 1) + b"PROTO-ATTACK"
                proto = 50
            elif k == 1:    # SCTP with ports
                sp, dp = (3000 + i, 80) if fc else (80, 3000 + i)
                body = struct.pack(">HHII", sp, dp, 7, 0) + b"PROTO-ATTACK"
                proto = 132
            elif k == 2:    # ESP and SCTP cut short
                proto = 50 if j < 2 else 132
                body = b"1234567"
            else:
                proto = (51, 103, 99)[k - 3]
                body = b"\x00\x00\x01\x00" + b"\x00" * 12 + b"PROTO-ATTACK"
            pkts.append(eth() / IP(src=src, dst=dst, proto=proto) / Raw(body))
        if i % 4 == 0:
            nh = (50, 132, 99)[i % 3]
            body = (struct.pack(">HHII", 4000 + i, 443, 1, 0) if nh == 132 else
                    struct.pack(">II", 0x2000 + i, 1)) + b"PROTO-ATTACK"
            pkts += [eth() / IPv6(src="2001:db8:7::%x" % (i + 1), dst="2001:db8:8::1",
                                  nh=nh) / Raw(body)] * 2
    return pkts


# ---- how deep: Suricata's decoder.max-layers (16) ------------------------------
# Chains of tunnels, outermost first, around inner flows (IPv6 when the
# first element is True); the optional third element is the link layer
# of the captured frame. Suricata counts decoded layers (Ethernet, VLAN
# tags, MPLS, IP, GRE, PPP, VXLAN, Geneve, ERSPAN II and one per tunnel),
# not tunnels: six IPv6-in-IPv6 levels but four VXLAN ones, and a link
# layer of one more layer (a VLAN tag, MPLS, DCE) decides whether the
# innermost of GRE then five IPv6 levels is inspected.

def lvl_ip(k, fc, v6, **kw):
    """The addresses of tunnel level @k inside the outermost carrier."""
    if v6:
        a, b = "2001:db8:20:%x::1" % k, "2001:db8:20:%x::2" % k
        return IPv6(src=a if fc else b, dst=b if fc else a, **kw)
    a, b = "172.20.%d.1" % k, "172.20.%d.2" % k
    return IP(src=a if fc else b, dst=b if fc else a, **kw)


def udp_to(sp, port, fc):
    return UDP(sport=sp if fc else port, dport=port if fc else sp)


def chain(i, fc, p, kinds):
    """@p in the tunnels @kinds, outermost first; the outermost carrier
    has o4's addresses for flow @i, those inside their level's."""
    for k in range(len(kinds) - 1, -1, -1):
        kind, v6in = kinds[k], isinstance(p, IPv6)
        if k == 0:
            def ip4(**kw):
                return o4(i, fc, **kw)
        else:
            def ip4(**kw):
                return lvl_ip(k, fc, False, **kw)
        sp = 50000 + i if k == 0 else 1000 + k
        if kind == "6":
            p = lvl_ip(k, fc, True, nh=41 if v6in else 4) / p
        elif kind == "4":
            p = ip4(proto=41) / p
        elif kind == "gre":
            p = ip4() / GRE(proto=0x86dd if v6in else 0x0800) / p
        elif kind == "gre6":
            p = lvl_ip(k, fc, True) / GRE(proto=0x86dd if v6in else 0x0800) / p
        elif kind == "teb":
            p = ip4() / GRE(proto=0x6558) / eth() / p
        elif kind == "teb3":
            p = ip4() / GRE(proto=0x6558) / eth() / Dot1Q(vlan=1) / Dot1Q(vlan=2) / \
                Dot1Q(vlan=3) / p
        elif kind == "ter":
            p = (ip4() if k == 0 else lvl_ip(k, fc, True)) / udp_to(sp, 3544, fc) / p
        elif kind == "vx":
            p = ip4() / udp_to(sp, 4789, fc) / VXLAN(vni=k) / eth() / p
        elif kind == "gv":
            p = ip4() / udp_to(sp, 6081, fc) / GENEVE(vni=k, proto=0x86dd if v6in else 0x0800) / p
        elif kind == "pptp":
            p = ip4(proto=47) / Raw(pptp(i, p))
        elif kind == "ersp2":
            p = ip4() / GRE(proto=0x88be, seqnum_present=1, seqence_number=i) / \
                Raw(bytes([0x10, 5, 0, 1, 0, 0, 0, 0])) / eth() / p
        else:
            raise ValueError(kind)
    return p


def link(kind, p):
    """The captured frame of the IP packet @p: Ethernet, with a VLAN tag,
    an MPLS label, a PPPoE session, 802.1ah or Cisco Fabric Path (DCE)."""
    b, v6 = bytes(p), isinstance(p, IPv6)
    if kind == "vlan":
        return eth() / Dot1Q(vlan=9) / p
    if kind == "mpls":
        return tagged(0x8847) / MPLS(label=100, s=1) / p
    if kind == "pppoe":
        return tagged(0x8864) / Raw(struct.pack(">BBHHH", 0x11, 0, 1, len(b) + 2,
                                                0x57 if v6 else 0x21) + b)
    if kind == "pbb":
        return tagged(0x88e7) / Raw(b"\x00\x00\x00\x01" + bytes(6) + bytes(6) +
                                    (b"\x86\xdd" if v6 else b"\x08\x00") + b)
    if kind == "dce":
        return tagged(0x8903) / Raw(b"\x00\x00" + bytes(eth() / p))
    return eth() / p


DEPTH = {
    "6in6-x5": (True, ["6"] * 5), "6in6-x6": (True, ["6"] * 6),
    "6in6-x7": (True, ["6"] * 7),                  # Suricata: too many layers
    "alt46-x6": (True, ["6", "4"] * 3), "alt46-x7": (True, ["4", "6", "4", "6", "4", "6", "4"]),
    "teredo-x6": (True, ["ter"] * 6), "teredo-x7": (True, ["ter"] * 7),
    # a tunnel in the sixth Teredo level refused for layers makes that
    # level no Teredo packet: the fifth's payload is inspected
    "teredo-x6-gre": (True, ["ter"] * 6 + ["gre6"]),
    "vxlan-x4": (False, ["vx"] * 4), "vxlan-x5": (False, ["vx"] * 5),
    "geneve-x4": (False, ["gv"] * 4), "geneve-x5": (False, ["gv"] * 5),
    "gre-eth-x3": (False, ["teb"] * 3), "gre-eth-x4": (False, ["teb"] * 4),
    "gre-eth-vlan3-x1": (False, ["teb3"]), "gre-eth-vlan3-x2": (False, ["teb3"] * 2),
    "pptp-6in6-x4": (True, ["pptp"] + ["6"] * 4), "pptp-6in6-x5": (True, ["pptp"] + ["6"] * 5),
    "erspan2-6in6-x4": (True, ["ersp2"] + ["6"] * 4),
    "erspan2-6in6-x5": (True, ["ersp2"] + ["6"] * 5),
    "gre-6in6-x5": (True, ["gre"] + ["6"] * 5),
    "vlan-gre-6in6-x5": (True, ["gre"] + ["6"] * 5, "vlan"),
    "mpls-gre-6in6-x5": (True, ["gre"] + ["6"] * 5, "mpls"),
    "pppoe-gre-6in6-x5": (True, ["gre"] + ["6"] * 5, "pppoe"),
    "pbb-gre-6in6-x5": (True, ["gre"] + ["6"] * 5, "pbb"),
    "dce-gre-6in6-x5": (True, ["gre"] + ["6"] * 5, "dce"),
}


def depth_links(m):
    """Six and seven IPv6-in-IPv6 levels on a Linux cooked, a raw IP and a
    BSD loopback capture, each of its own link type: Suricata's DecodeSll
    counts a layer (the seventh level's packet is not decoded), raw IP and
    loopback none (it is). (link type, frames)"""
    out = []
    for lt in (113, 101, 0):
        pkts = []
        for i in range(700, 704):
            for p in inner_flow(m, i, True):
                p = fix_v6_icmp(p)
                fc = p[IPv6].src.startswith("2001:db8:a")
                p = chain(i, fc, p, ["6"] * (6 + i % 2))
                if lt == 113:
                    p = struct.pack(">HHH", 0, 1, 6) + bytes(8) + b"\x86\xdd" + bytes(p)
                elif lt == 0:
                    p = struct.pack("<I", 24) + bytes(p)
                pkts.append(Raw(bytes(p)))
        out.append((lt, pkts))
    return out


def depth_flows(m):
    pkts = []
    for k, name in enumerate(DEPTH):
        v6, kinds = DEPTH[name][:2]
        lk = DEPTH[name][2] if len(DEPTH[name]) > 2 else "eth"
        for i in range(200 + 4 * k, 204 + 4 * k):
            for p in inner_flow(m, i, v6):
                p = fix_v6_icmp(p)
                fc = (IPv6 in p and p[IPv6].src.startswith("2001:db8:a")) or \
                     (IP in p and p[IP].src.startswith("10.1."))
                pkts.append(link(lk, chain(i, fc, p, kinds)))
    # ESP counts a layer (DecodeESP): its 16th is no ESP packet (no flow,
    # no payload), its 15th is
    for i in range(310, 314):
        for lk in ("eth", "vlan"):
            for j in range(2):
                esp = IPv6(src="2001:db8:a::%x" % (i + 1), dst="2001:db8:b::1", nh=50) / \
                    Raw(struct.pack(">II", 0x100 + i, j + 1) + b"PROTO-ATTACK")
                pkts.append(link(lk, chain(i, True, esp, ["6"] * 6)))
    return pkts


# ---- link layers Suricata decodes before IP ------------------------------------
# MPLS, PPPoE sessions, 802.1ah and Cisco Fabric Path (DCE), on the wire
# and inside the tunnels that carry Ethernet or VLAN tags; (inner IPv6?,
# wrap) as ENCAPS.

def mpls(label, p, bottom_only=True):
    stack = MPLS(label=label, s=1) if bottom_only else MPLS(label=77, s=0) / MPLS(label=label, s=1)
    return tagged(0x8847) / stack / p


def pppoe(p, proto=None, length=None):
    b = bytes(p)
    if proto is None:
        proto = struct.pack(">H", 0x57 if isinstance(p, IPv6) else 0x21)
    return tagged(0x8864) / Raw(struct.pack(">BBHH", 0x11, 0, 1,
                                            len(b) + len(proto) if length is None else length) +
                                proto + b)


def pbb(p, inner=b""):
    t = b"\x86\xdd" if isinstance(p, IPv6) else b"\x08\x00"
    return tagged(0x88e7) / Raw(b"\x00\x00\x00\x07" + bytes(12) + (inner or t) +
                                (bytes(Dot1Q(vlan=5) / p)[:2] + t if inner else b"") + bytes(p))


def dce(p):
    return tagged(0x8903) / Raw(b"\x00\x00" + bytes(eth() / p))


def gre_teb(i, fc, frame):
    return eth() / o4(i, fc) / GRE(proto=0x6558) / frame


ETHERTYPES = {
    "mpls": (False, lambda i, p, fc: mpls(100 + i, p)),
    "mpls6": (True, lambda i, p, fc: mpls(100 + i, p)),
    "mpls-explicit-v4": (False, lambda i, p, fc: mpls(0, p)),
    "mpls-explicit-v6": (True, lambda i, p, fc: mpls(2, p)),
    "mpls-stack": (False, lambda i, p, fc: mpls(300, p, bottom_only=False)),
    # router alert at the bottom and reserved labels: not decoded
    "mpls-router-alert": (False, lambda i, p, fc: mpls(1, p)),
    "mpls-reserved": (False, lambda i, p, fc: mpls(7, p)),
    # a pseudowire: control word, then an Ethernet frame
    "mpls-pw": (False, lambda i, p, fc: tagged(0x8847) / MPLS(label=500, s=1) /
                Raw(bytes(4)) / eth() / p),
    "pppoe": (False, lambda i, p, fc: pppoe(p)),
    "pppoe6": (True, lambda i, p, fc: pppoe(p)),
    "pppoe-short-proto": (False, lambda i, p, fc: pppoe(p, proto=b"\x21")),
    "pppoe-vj-uncomp": (False, lambda i, p, fc: pppoe(p, proto=b"\x00\x2f")),
    "pppoe-length-0": (False, lambda i, p, fc: pppoe(p, length=0)),
    "pbb": (False, lambda i, p, fc: pbb(p)),
    "pbb6": (True, lambda i, p, fc: pbb(p)),
    "dce": (False, lambda i, p, fc: dce(p)),
    "vlan-mpls": (False, lambda i, p, fc: eth() / Dot1Q(vlan=4, type=0x8847) /
                  MPLS(label=100, s=1) / p),
    # inside tunnels (the review of issue 14)
    "gre-eth-mpls": (False, lambda i, p, fc: gre_teb(i, fc, mpls(100, p))),
    "gre-eth-pppoe": (True, lambda i, p, fc: gre_teb(i, fc, pppoe(p))),
    "gre-eth-pbb": (False, lambda i, p, fc: gre_teb(i, fc, pbb(p))),
    "gre-eth-dce": (False, lambda i, p, fc: gre_teb(i, fc, dce(p))),
    "gre-vlan-mpls": (False, lambda i, p, fc: eth() / o4(i, fc) / GRE(proto=0x8100) /
                      Dot1Q(vlan=5, type=0x8847) / MPLS(label=100, s=1) / p),
    "geneve-eth-mpls": (False, lambda i, p, fc: eth() / udp_outer(i, fc, 6081) /
                        GENEVE(vni=i, proto=0x6558) / mpls(100, p)),
    "erspan2-pppoe": (False, lambda i, p, fc: eth() / o4(i, fc) / GRE(
        proto=0x88be, seqnum_present=1, seqence_number=i) /
        Raw(bytes([0x10, 1, 0, 1, 0, 0, 0, 0])) / pppoe(p)),
    "vxlan-vlan-mpls": (False, lambda i, p, fc: eth() / udp_outer(i, fc, 4789) /
                        VXLAN(vni=i) / tagged(0x8100) / Dot1Q(vlan=3, type=0x8847) /
                        MPLS(label=100, s=1) / p),
    # VXLAN reads its frame's ethertype itself: MPLS there is no tunnel
    "vxlan-mpls": (False, lambda i, p, fc: eth() / udp_outer(i, fc, 4789) / VXLAN(vni=i) /
                   mpls(100, p)),
}


def ethertype_flows(m):
    pkts = []
    for k, name in enumerate(ETHERTYPES):
        v6, wrap = ETHERTYPES[name]
        for i in range(300 + 4 * k, 304 + 4 * k):
            for p in inner_flow(m, i, v6):
                p = fix_v6_icmp(p)
                fc = (IPv6 in p and p[IPv6].src.startswith("2001:db8:a")) or \
                     (IP in p and p[IP].src.startswith("10.1."))
                pkts.append(wrap(i, p, fc))
    return pkts


# ---- IP fragments as packets of their own ------------------------------------
# Suricata inspects every fragment, whether its datagram completes or not,
# as a packet without flow, ports and payload (IPv6: protocol 44), then
# the reassembled datagram. Inner flows 600 on (10.1.3.0/24, the rules'
# fragment addresses), every packet fragmented; every third datagram but
# the handshake's loses its last fragment, every fifth its first. (inner IPv6?, wrap of
# each fragment, wrap of the first fragment or None)

def frag_split(p, k, ident):
    """The fragments of IP packet @p sent, datagram @k (id @ident)."""
    if isinstance(p, IPv6):
        q = p.copy()
        q.nh = 44
        body = IPv6ExtHdrFragment(nh=p.nh, id=ident) / p.payload
        q.remove_payload()
        frs = fragment6(q / body, 64)
    else:
        q = p.copy()
        q.id = ident
        frs = fragment(q, 24)
    # a handshake kept whole: a flow first seen at its SYN/ACK is another
    # difference (Documentation/replay.rst)
    if TCP in p and p[TCP].flags & 0x02:
        return frs
    if len(frs) > 1 and k % 3 == 1:
        frs = frs[:-1]
    elif len(frs) > 1 and k % 5 == 2:
        frs = frs[1:]
    return frs


FRAGS = {
    "frag-wire": (False, lambda i, p, fc: eth() / p, None),
    "frag6-wire": (True, lambda i, p, fc: eth() / p, None),
    "frag-gre": (False, lambda i, p, fc: eth() / o4(i, fc) / GRE() / p, None),
    "frag-vxlan": (False, lambda i, p, fc: eth() / udp_outer(i, fc, 4789) / VXLAN(vni=i) /
                   eth() / p, None),
    "frag6-6in4": (True, lambda i, p, fc: eth() / o4(i, fc, proto=41) / p, None),
    # the review's: a datagram's first fragment on the wire, the rest in GRE
    "frag-wire-then-gre": (False, lambda i, p, fc: eth() / o4(i, fc) / GRE() / p,
                           lambda i, p, fc: eth() / p),
}


def frag_flows(m):
    pkts = []
    for k, name in enumerate(FRAGS):
        v6, wrap, first = FRAGS[name]
        for i in range(600 + 4 * k, 604 + 4 * k):
            for j, p in enumerate(inner_flow(m, i, v6)):
                p = fix_v6_icmp(p)
                fc = (IPv6 in p and p[IPv6].src.startswith("2001:db8:a")) or \
                     (IP in p and p[IP].src.startswith("10.1."))
                for n, fr in enumerate(frag_split(p, i + j, 1000 * k + 10 * i + j)):
                    pkts.append((first if first and n == 0 else wrap)(i, fr, fc))
    return pkts


# ---- IPv6 without a transport protocol -------------------------------------------
# Suricata's protocol is then 0 (HOPOPT: unset, or a hop-by-hop header
# last); with any decoder event on the packet only IP-only rules see it
# (its decoder-event rule group), without one all rules do. Payload length
# 0 (a jumbogram), data after next header 59, hop-by-hop options that are
# padding alone, a zero-length PadN, an unknown option, a routing header
# of type 0, an atomic fragment header, ICMPv4 in IPv6, cut headers; and
# the same with a destination options header last (protocol 60: all
# rules). Three packets per host pair, on the wire and in 6in4.

def v6_noproto(k):
    a, b = "2001:db8:9::%x" % (k + 1), "2001:db8:9:1::%x" % (k % 3 + 1)
    ip = IPv6(src=a, dst=b)
    udp = UDP(sport=5555, dport=7777) / Raw(b"ATTACK-V6")
    jumbo = bytes(UDP(sport=5555, dport=7777, len=0) / Raw(b"ATTACK-JUMBO"))
    return [
        ip / IPv6ExtHdrHopByHop(nh=17, options=[Jumbo(jumboplen=len(jumbo))]) / Raw(jumbo),
        IPv6(src=a, dst=b, nh=59, plen=0),
        IPv6(src=a, dst=b, nh=59) / Raw(b"TRAILING"),
        ip / IPv6ExtHdrHopByHop(nh=59),
        ip / IPv6ExtHdrHopByHop(nh=59, options=[RouterAlert()]),
        ip / IPv6ExtHdrHopByHop(nh=59, options=[RouterAlert(), PadN(optdata=b"\0\0")]),
        ip / IPv6ExtHdrHopByHop(nh=59, options=[RouterAlert(), PadN(optdata=b"\0\0")]) /
        Raw(b"AFTER"),
        ip / IPv6ExtHdrHopByHop(nh=59, options=[PadN(otype=0x3e, optdata=b"\0" * 4)]),
        ip / IPv6ExtHdrHopByHop(nh=43, options=[RouterAlert(), PadN(optdata=b"\0\0")]) /
        IPv6ExtHdrRouting(nh=0, type=0) / IPv6ExtHdrHopByHop(nh=59),
        ip / IPv6ExtHdrFragment(nh=59),
        IPv6(src=a, dst=b, nh=1) / ICMP() / Raw(b"ATTACK-V4ICMP"),
        ip / IPv6ExtHdrHopByHop(nh=1, options=[RouterAlert(), PadN(optdata=b"\0\0")]) /
        ICMP(),
        IPv6(src=a, dst=b, nh=60, plen=1) / Raw(b"\x3b"),
        ip / IPv6ExtHdrHopByHop(nh=17, options=[RouterAlert(), PadN(optdata=b"\0\0")]) /
        Raw(b"\x00"),
        ip / IPv6ExtHdrDestOpt(nh=59),
        ip / IPv6ExtHdrDestOpt(nh=59) / Raw(b"TRAILING"),
        ip / IPv6ExtHdrHopByHop(nh=17) / udp,
    ]


def v6_noproto_flows(m):
    pkts = []
    for k in range(12):
        for p in v6_noproto(k):
            if k % 2:
                p = o4(k, True, proto=41) / p
            pkts += [eth() / p] * 3
    return pkts


def case_tunnels(m, t, tmp):
    with open(RULES) as f:
        rules = f.read()
    for name in ENCAPS:
        m.differential(t, tmp, "tunnel-" + name, encap_flows(m, name), rules)
    # only rules on the inner flows: nothing else keeps the carrier wanted
    inner = "".join(ln for ln in rules.splitlines(True)
                    if any("sid:%d;" % k in ln for k in (16, 17, 18, 19, 20)))
    for name in ("vxlan", "teredo", "geneve"):
        m.differential(t, tmp, "tunnel-late-" + name, late_carrier_flows(m, name), inner)
    m.differential(t, tmp, "tunnel-broken", broken_flows(m), rules)
    m.differential(t, tmp, "tunnel-review", review_flows(m), rules)
    m.differential(t, tmp, "tunnel-depth", depth_flows(m), rules)
    for lt, pkts in depth_links(m):
        m.differential(t, tmp, "tunnel-depth-link%d" % lt, pkts, rules, link=lt)
    m.differential(t, tmp, "ethertypes", ethertype_flows(m), rules)
    m.differential(t, tmp, "fragments", frag_flows(m), rules)
    m.differential(t, tmp, "ipv6-no-transport", v6_noproto_flows(m), rules)
    m.differential(t, tmp, "l4-malformed", malformed_l4(m), rules)
    m.differential(t, tmp, "other-protos", other_protos(m), rules)


def case_tunnel_records(m, t, tmp):
    """What nfips itself says of a tunnel: the inner packet's alerts carry
    the inner flow and no pcap_cnt (as Suricata's), the outer's have the
    packet number; a GRE packet has no flow."""
    pkts = encap_flows(m, "gre")[:6]
    rules = ('alert tcp any any -> any 80 (msg:"inner"; flow:to_server; content:"attack"; '
             'sid:1;)\n'
             'alert ip 192.0.2.1 any -> any any (msg:"outer"; sid:2;)\n')
    r = m.replay(tmp, "tunnel-records", pkts, rules)
    inner, outer = r.by_sid(1), r.by_sid(2)
    t.ok(len(inner) == 1 and "pcap_cnt" not in inner[0] and inner[0]["src_ip"] == "10.1.0.1" and
         inner[0].get("flow_id") and inner[0]["proto"] == "TCP",
         "tunnel: the inner packet's alert is of the inner flow, without pcap_cnt",
         r.alerts)
    t.ok([a.get("pcap_cnt") for a in outer] == [1, 3, 4, 6] and
         all("flow_id" not in a and a["proto"] == "GRE" for a in outer),
         "tunnel: each GRE outer packet from 192.0.2.1 alerts, without a flow", outer)
    t.ok(r.summary.get("tunneled") == 6, "tunnel: six packets decapsulated", r.err)
    want = {"src_ip": "192.0.2.1", "src_port": 0, "dest_ip": "198.51.100.1", "dest_port": 0,
            "proto": "GRE", "depth": 1, "pcap_cnt": 4, "pkt_src": "wire/pcap"}
    t.ok(inner and inner[0].get("pkt_src") == "gre tunnel" and inner[0].get("tunnel") == want,
         "tunnel: the inner alert names its decoder and the captured packet, as Suricata's",
         inner[0] if inner else r.err)
    # and Suricata says the same of every tunnel kind: pkt_src and "tunnel"
    if not m.suricata_oracle.available():
        return t.skip("tunnel: records as Suricata's", "suricata is not installed")
    pkts = []
    for name in ("gre-in-vxlan", "6in4", "4in6", "teredo", "geneve", "erspan2"):
        pkts += encap_flows(m, name)[:6]
    # packet rules: stream matches are reported on other packets in IDS
    # mode (Documentation/replay.rst)
    rules = ('alert ip 10.1.0.0/16 any -> any any (msg:"inner v4"; sid:1;)\n'
             'alert ip 2001:db8:a::/48 any -> any any (msg:"inner v6"; sid:2;)\n'
             'alert ip any any -> any any (msg:"outer"; ttl:63; sid:3;)\n')
    rfile = os.path.join(tmp, "tunnel-eve.rules")
    with open(rfile, "w") as f:
        f.write(rules)
    pcap = os.path.join(tmp, "tunnel-eve.pcap")
    m.write_pcap(pcap, 1, m.stamp(pkts))
    out = os.path.join(tmp, "tunnel-eve.suricata")
    m.suricata_oracle.suricata(rfile, pcap, out)

    def key(a):
        return (a["alert"]["signature_id"], a.get("pcap_cnt"), a.get("pkt_src"),
                json.dumps(a.get("tunnel"), sort_keys=True))
    with open(os.path.join(out, "eve.json")) as f:
        s = sorted(key(a) for a in map(json.loads, f) if a.get("event_type") == "alert")
    r = m.replay(tmp, "tunnel-eve", pkts, rules)
    n = sorted(key(a) for a in r.alerts)
    t.ok(s == n and any(k[3] != "null" for k in s),
         "tunnel: pkt_src and tunnel objects as Suricata's (6 kinds, nested)",
         "suricata %s\nnfips    %s" % ([k for k in s if k not in n], [k for k in n if k not in s]))


def cases(m):
    def case_tunnel(t, tmp):
        case_tunnels(m, t, tmp)

    def case_tunnel_eve(t, tmp):
        case_tunnel_records(m, t, tmp)
    return [case_tunnel, case_tunnel_eve]


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    import replay_test as rt
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in ENCAPS:
        rt.write_pcap(os.path.join(out, name + ".pcap"), 1, rt.stamp(encap_flows(rt, name)))
    rt.write_pcap(os.path.join(out, "broken.pcap"), 1, rt.stamp(broken_flows(rt)))
    rt.write_pcap(os.path.join(out, "review.pcap"), 1, rt.stamp(review_flows(rt)))
    rt.write_pcap(os.path.join(out, "depth.pcap"), 1, rt.stamp(depth_flows(rt)))
    for lt, pkts in depth_links(rt):
        rt.write_pcap(os.path.join(out, "depth-link%d.pcap" % lt), lt, rt.stamp(pkts))
    rt.write_pcap(os.path.join(out, "ethertypes.pcap"), 1, rt.stamp(ethertype_flows(rt)))
    rt.write_pcap(os.path.join(out, "fragments.pcap"), 1, rt.stamp(frag_flows(rt)))
    rt.write_pcap(os.path.join(out, "v6-noproto.pcap"), 1, rt.stamp(v6_noproto_flows(rt)))
    rt.write_pcap(os.path.join(out, "l4.pcap"), 1, rt.stamp(malformed_l4(rt)))
    rt.write_pcap(os.path.join(out, "protos.pcap"), 1, rt.stamp(other_protos(rt)))
