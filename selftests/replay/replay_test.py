#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
nfipsctl replay on captures this script writes itself: packets built with
scapy (Debian's python3-scapy), written by the small pcap/pcapng writers
below so that timestamps, link types and broken records are exact. Each
case asserts the exact list of (sid, pcap_cnt) alerts (pcap_cnt None for
an alert raised when a flow ends) and, where it matters, EVE fields.
Prints TAP lines.

Usage: replay_test.py [-v] [CASE...]
"""
import json
import logging
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NFIPSCTL = os.environ.get("NFIPSCTL") or os.path.join(ROOT, "ctl", "nfipsctl", "nfipsctl")
CLASSIFICATION = os.path.join(ROOT, "policies", "classification.config")

sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "selftests", "eve"))
import suricata_oracle  # noqa: E402  (Suricata 7, the reference)
import eve_cases  # noqa: E402  (EVE records: Suricata's fields and schema)
import http_cases  # noqa: E402  (HTTP through libhtp against Suricata 7)
import http_event_cases  # noqa: E402  (app-layer-event:http.*)
import dns_cases  # noqa: E402  (DNS over UDP and TCP against Suricata 7)
import tls_cases  # noqa: E402  (TLS handshakes against Suricata 7)
import x509_cases  # noqa: E402  (malformed certificates against Suricata 7)
import ssh_cases  # noqa: E402  (SSH banners against Suricata 7)
import cmd_cases  # noqa: E402  (FTP and SMTP detection against Suricata 7)
import mixed_cases  # noqa: E402  (app-layer rules with payload keywords)
import tunnel_cases  # noqa: E402  (tunnels, bad transport headers, against Suricata 7)

# Every EVE record the cases produce, validated at the end: (case file, record).
RECORDS = []

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
try:
    from scapy.all import (Ether, Dot1Q, Dot1AD, IP, IPv6, IPv6ExtHdrHopByHop,
                           IPv6ExtHdrDestOpt, TCP, UDP, ICMP, ICMPv6EchoRequest,
                           CookedLinux, CookedLinuxV2, Raw, IPv6ExtHdrFragment,
                           fragment, fragment6)
except ImportError:
    print("ok 1 - replay tests # SKIP python3-scapy is not installed")
    sys.exit(0)

T0 = 1704164645 * 1000000 + 678901      # 2024-01-02T03:04:05.678901Z
VERBOSE = False


# ---- capture files ---------------------------------------------------------

def stamp(pkts, step=10000):
    """(ts_usec, bytes) records, one every @step microseconds from T0."""
    out = []
    for i, p in enumerate(pkts):
        if isinstance(p, tuple):            # (ts, packet): explicit time
            out.append((p[0], bytes(p[1])))
        else:
            out.append((T0 + i * step, bytes(p)))
    return out


def write_pcap(path, linktype, recs):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, linktype))
        for ts, data in recs:
            f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000,
                                len(data), len(data)))
            f.write(data)


def write_pcapng(path, linktype, recs):
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)

    with open(path, "wb") as f:
        f.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
        f.write(block(1, struct.pack("<HHI", linktype, 0, 262144)))
        for ts, data in recs:
            f.write(block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff,
                                         len(data), len(data)) + data))


# ---- packets ---------------------------------------------------------------

def Eth():
    return Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")


class Tcp:
    """One TCP connection; offsets are relative to each side's ISN + 1."""

    def __init__(self, cli=("10.0.0.1", 40000), srv=("10.0.0.2", 80),
                 v6=False, l2=Eth, cisn=1000, sisn=5000):
        self.cli, self.srv, self.v6, self.l2 = cli, srv, v6, l2
        self.cisn, self.sisn = cisn, sisn

    def _ip(self, from_client):
        a, b = (self.cli, self.srv) if from_client else (self.srv, self.cli)
        ip = IPv6(src=a[0], dst=b[0]) if self.v6 else IP(src=a[0], dst=b[0])
        return ip, a[1], b[1]

    def pkt(self, from_client, flags, seq, ack, data=b""):
        ip, sp, dp = self._ip(from_client)
        p = ip / TCP(sport=sp, dport=dp, flags=flags, seq=seq & 0xffffffff,
                     ack=ack & 0xffffffff, window=65535)
        if data:
            p = p / Raw(data if isinstance(data, bytes) else data.encode())
        return self.l2() / p if self.l2 else p

    def syn(self, data=b"", tfo=False):
        """The client's SYN, with data and a TCP Fast Open cookie if asked."""
        p = self.pkt(True, "S", self.cisn, 0, data)
        if tfo:
            p[TCP].options = [("TFO", (0x11223344, 0x55667788))]
        return p

    def handshake(self):
        return [self.pkt(True, "S", self.cisn, 0),
                self.pkt(False, "SA", self.sisn, self.cisn + 1),
                self.pkt(True, "A", self.cisn + 1, self.sisn + 1)]

    def c(self, off, data, flags="PA"):
        return self.pkt(True, flags, self.cisn + 1 + off, self.sisn + 1, data)

    def s(self, off, data, flags="PA"):
        return self.pkt(False, flags, self.sisn + 1 + off, self.cisn + 1, data)


def udp(src, dst, sport, dport, data, l2=Eth):
    ip = IPv6(src=src, dst=dst) if ":" in src else IP(src=src, dst=dst)
    p = ip / UDP(sport=sport, dport=dport) / Raw(data.encode())
    return l2() / p if l2 else p


# ---- running nfipsctl ------------------------------------------------------

class Result:
    def __init__(self, rc, out, err):
        self.rc, self.err = rc, err
        self.alerts, self.bad_lines = [], []
        for line in out.splitlines():
            try:
                self.alerts.append(json.loads(line))
            except ValueError:
                self.bad_lines.append(line)
        RECORDS.extend(self.alerts)
        self.summary = {}
        last = err.strip().splitlines()[-1] if err.strip() else ""
        for kv in last.split():
            k, _, v = kv.partition("=")
            if v.isdigit():
                self.summary[k] = int(v)

    def pairs(self):
        return sorted(((a["alert"]["signature_id"], a.get("pcap_cnt"))
                       for a in self.alerts), key=lambda x: (x[0], x[1] or 0))

    def by_sid(self, sid):
        return [a for a in self.alerts if a["alert"]["signature_id"] == sid]


def replay(tmp, name, pkts, rules, linktype=1, fmt="pcap", extra=(), raw=None):
    pcap = os.path.join(tmp, name + "." + fmt)
    rfile = os.path.join(tmp, name + ".rules")
    if raw is not None:
        with open(pcap, "wb") as f:
            f.write(raw)
    else:
        (write_pcapng if fmt == "pcapng" else write_pcap)(pcap, linktype, stamp(pkts))
    with open(rfile, "w") as f:
        f.write(rules)
    cmd = [NFIPSCTL, "replay", "--rules", rfile, "--classification",
           CLASSIFICATION, "--sensor", "test", "--pcap", pcap] + list(extra)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if VERBOSE:
        sys.stdout.write("".join("# " + l + "\n" for l in
                                 (p.stdout + p.stderr).splitlines()))
    return Result(p.returncode, p.stdout, p.stderr)


# ---- TAP -------------------------------------------------------------------

class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def ok(self, cond, name, diag=None):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, name))
        if not cond:
            self.failed += 1
            if diag is not None:
                for line in str(diag).splitlines():
                    print("# " + line)
        sys.stdout.flush()
        return cond

    def skip(self, name, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, name, why))
        sys.stdout.flush()

    def pairs(self, res, want, name):
        got = res.pairs()
        want = sorted(want, key=lambda x: (x[0], x[1] or 0))
        return self.ok(res.rc == 0 and got == want and not res.bad_lines, name,
                       "got %s\nwant %s\nexit %d\n%s" % (got, want, res.rc, res.err))


def differential(t, tmp, name, pkts, rules, extra=(), sets=(), link=1):
    """
    Suricata 7 and nfipsctl replay (with @extra) on the same capture (of
    pcap link type @link) and rules: the same alerts per (sid, flow),
    counted. @sets are Suricata --set options (its defaults otherwise);
    packet-alert-max is given to nfips too (--packet-alert-max), as both
    cap the alerts per packet.
    """
    title = "%s: the same alerts as Suricata 7" % name
    if not suricata_oracle.available():
        return t.skip(title, "suricata is not installed (selftests/deps.sh installs it)")
    pcap = os.path.join(tmp, name + ".pcap")
    rfile = os.path.join(tmp, name + ".rules")
    write_pcap(pcap, link, stamp(pkts))
    with open(rfile, "w") as f:
        f.write(rules)
    try:
        s = suricata_oracle.suricata(rfile, pcap, os.path.join(tmp, name + ".suricata"),
                                     sets=sets)
        cap = [s.split("=", 1)[1] for s in sets if s.startswith("packet-alert-max=")]
        n = suricata_oracle.nfips(rfile, pcap, NFIPSCTL, extra=list(extra) + (
            ["--packet-alert-max", cap[0]] if cap else []))
        # The kernel contract: flows let go as nfipsd lets the kernel
        # bypass them must raise exactly the alerts of the full replay.
        b = suricata_oracle.nfips(rfile, pcap, NFIPSCTL, extra=list(extra) + (
            ["--packet-alert-max", cap[0]] if cap else []) + ["--kernel-bypass"])
    except RuntimeError as e:
        return t.ok(False, title, e)
    d = suricata_oracle.differences(s, n)
    t.ok(b == n, "%s: the same alerts with flows let go to the kernel" % name,
         "\n".join(suricata_oracle.differences(n, b)).replace("suricata", "full"))
    return t.ok(not d and sum(n.values()) > 0, title,
                "\n".join(d) or "no alert on either side: the case proves nothing")


HTTP = ('alert tcp any any -> any 80 (msg:"ATTACK in the stream"; '
        'content:"ATTACK"; sid:1; rev:1;)\n')


# ---- cases -----------------------------------------------------------------

def case_split(t, tmp):
    c = Tcp()
    pkts = c.handshake() + [c.c(0, "GET /AT"), c.c(7, "TA"), c.c(9, "CK HTTP/1.0\r\n")]
    rules = HTTP + (
        'alert tcp-pkt any any -> any 80 (msg:"packets only"; content:"ATTACK"; sid:2;)\n'
        'alert tcp any any -> any 80 (msg:"long"; content:"GET /ATTACK HTTP/1.0"; sid:3;)\n')
    r = replay(tmp, "split", pkts, rules)
    t.pairs(r, [(1, 6), (3, 6)], "match split over three segments, at the completing packet")
    r = replay(tmp, "split-ng", pkts, rules, fmt="pcapng")
    t.pairs(r, [(1, 6), (3, 6)], "the same capture as pcapng")
    differential(t, tmp, "split", pkts, rules)


def case_out_of_order(t, tmp):
    c = Tcp()
    pkts = c.handshake() + [c.c(7, "TA"), c.c(9, "CK HTTP/1.0\r\n"), c.c(0, "GET /AT")]
    r = replay(tmp, "ooo", pkts, HTTP)
    t.pairs(r, [(1, 6)], "out-of-order segments: alert on the packet that fills the hole")
    differential(t, tmp, "ooo", pkts, HTTP)


def case_retransmit(t, tmp):
    c = Tcp()
    pkts = c.handshake() + [c.c(0, "GET /AT"), c.c(0, "GET /AT"), c.c(7, "TACK")]
    rules = HTTP + 'alert tcp any any -> any 80 (msg:"get"; content:"GET /"; sid:10;)\n'
    r = replay(tmp, "retransmit", pkts, rules)
    t.pairs(r, [(10, 4), (1, 6)], "retransmission: no second alert, match across it")
    t.ok(r.summary.get("retransmits") == 1, "retransmission counted in the summary",
         r.err)
    differential(t, tmp, "retransmit", pkts, rules)


def case_overlap(t, tmp):
    c = Tcp()
    pkts = c.handshake() + [c.c(0, "GET /ATT"), c.c(5, "XXXACK")]
    rules = HTTP + 'alert tcp any any -> any 80 (msg:"later copy"; content:"XXXACK"; sid:11;)\n'
    r = replay(tmp, "overlap", pkts, rules)
    t.pairs(r, [(1, 5)], "overlap with in-order data: first bytes win")
    t.ok(r.summary.get("overlaps") == 1, "overlap counted in the summary", r.err)

    pkts = c.handshake() + [c.c(8, "ACK"), c.c(5, "EVILXX"), c.c(0, "GET /")]
    rules = ('alert tcp any any -> any 80 (msg:"later"; content:"EVIL"; sid:12;)\n'
             'alert tcp any any -> any 80 (msg:"first"; content:"/EVIACK"; sid:13;)\n')
    r = replay(tmp, "overlap-ooo", pkts, rules)
    t.pairs(r, [(13, 6)], "overlap between waiting segments: first bytes win")


def case_gap(t, tmp):
    c = Tcp()
    rules = HTTP + 'alert tcp any any -> any 80 (msg:"after gap"; content:"SECRET"; sid:20;)\n'
    pkts = c.handshake() + [c.c(0, "GET /AT"), c.c(9, "CK SECRET HTTP")]
    r = replay(tmp, "gap-end", pkts, rules)
    t.pairs(r, [(20, None)], "gap never filled: no match across it, data after it "
            "inspected when the flow ends")
    differential(t, tmp, "gap-end", pkts, rules)
    t.ok(r.summary.get("gaps") == 1, "gap counted in the summary", r.err)

    pkts = c.handshake() + [c.c(0, "GET / HTTP/1.0\r\n\r\n"), c.s(0, "HTTP/1.0 200 OK\r\n"),
                            c.s(40, "leaked SECRET")]
    srules = 'alert tcp any 80 -> any any (msg:"leak"; content:"SECRET"; sid:21;)\n'
    r = replay(tmp, "gap-server", pkts, srules)
    a = r.by_sid(21)
    t.pairs(r, [(21, None)], "gap in the server's direction, flushed at the end")
    t.ok(a and "pcap_cnt" not in a[0] and a[0]["src_ip"] == "10.0.0.2" and
         a[0]["src_port"] == 80 and a[0]["direction"] == "to_client" and
         a[0]["timestamp"] == "2024-01-02T03:04:05.728901+0000" and
         a[0]["pkt_src"] == "stream (flow timeout)",
         "flow-end alert: no pcap_cnt, the direction's addresses, last packet's time", a)

    pkts = c.handshake() + [c.c(0, "GET /AT"), c.c(9, "CK SECRET"),
                            c.pkt(False, "A", c.sisn + 1, c.cisn + 1 + 18), c.c(18, "x" * 80)]
    r = replay(tmp, "gap-window", pkts, rules, extra=["--stream-window", "64"])
    t.pairs(r, [(20, 7)], "gap declared when the out-of-order window overflows past "
            "a hole the receiver acknowledged (the capture lost it)")

    pkts = c.handshake() + [c.c(0, "GET /AT"), c.c(9, "CK SECRET"), c.c(18, "x" * 80),
                            c.c(7, "TA")]
    r = replay(tmp, "hole-held", pkts, rules, extra=["--stream-window", "64"])
    t.pairs(r, [(1, 7), (20, 7)], "a hole not acknowledged outlasting the window: no "
            "gap, the segment beyond it held until the hole is filled")
    t.ok(not r.summary.get("gaps"), "... and no gap counted", r.err)

    pkts = c.handshake() + [c.c(0, "GET /AT"), c.c(9, "CK SECRET HTTP"), c.c(7, "TA")]
    r = replay(tmp, "gap-filled", pkts, rules)
    t.pairs(r, [(1, 6), (20, 6)], "a hole filled late is no gap")


def case_ipv6(t, tmp):
    c = Tcp(cli=("2001:db8::1", 40000), srv=("2001:db8::2", 80), v6=True)
    pkts = c.handshake() + [c.c(0, "GET /AT"), c.c(7, "TACK")]
    pkts.append(Eth() / IPv6(src="2001:db8::1", dst="2001:db8::53") /
                IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() /
                UDP(sport=5353, dport=53) / Raw(b"evil-v6"))
    rules = HTTP + 'alert udp any any -> any 53 (msg:"v6 udp"; content:"evil-v6"; sid:30;)\n'
    r = replay(tmp, "ipv6", pkts, rules)
    t.pairs(r, [(1, 5), (30, 6)], "IPv6: TCP reassembly and UDP after extension headers")
    a = r.by_sid(1)
    t.ok(a and a[0]["src_ip"] == "2001:0db8:0000:0000:0000:0000:0000:0001" and
         a[0]["dest_ip"] == "2001:0db8:0000:0000:0000:0000:0000:0002" and
         a[0]["flow"]["src_ip"] == a[0]["src_ip"] and a[0]["proto"] == "TCP",
         "IPv6 addresses in the record, in full as Suricata writes them", a)


def case_udp(t, tmp):
    pkts = [udp("10.0.0.1", "10.0.0.53", 3333, 53, "query evil"),
            udp("10.0.0.53", "10.0.0.1", 53, 3333, "pong reply"),
            udp("10.0.0.1", "10.0.0.53", 3333, 53, "query evil")]
    rules = ('alert udp any any -> any 53 (msg:"q"; content:"evil"; sid:40;)\n'
             'alert udp any 53 -> any any (msg:"r"; flow:established,to_client; '
             'content:"pong"; sid:41;)\n'
             'alert udp any any -> any 53 (msg:"e"; flow:established; content:"evil"; sid:42;)\n')
    r = replay(tmp, "udp", pkts, rules)
    t.pairs(r, [(40, 1), (40, 3), (41, 2), (42, 3)],
            "UDP: payload, direction, established after the first reply")
    a = r.by_sid(41)
    t.ok(a and a[0]["src_ip"] == "10.0.0.53" and a[0]["src_port"] == 53 and
         a[0]["dest_ip"] == "10.0.0.1" and a[0]["direction"] == "to_client" and
         a[0]["flow"]["src_ip"] == "10.0.0.1" and a[0]["flow"]["dest_port"] == 53 and
         a[0]["proto"] == "UDP",
         "reply alert: src/dest of the packet, flow object from the client", a)
    ids = {x["flow_id"] for x in r.alerts}
    t.ok(len(ids) == 1, "one flow_id for both directions", ids)
    differential(t, tmp, "udp", pkts, rules)


def case_icmp(t, tmp):
    pkts = [Eth() / IP(src="10.0.0.1", dst="10.0.0.2") / ICMP(type=8, id=7, seq=1) /
            Raw(b"ping-evil"),
            Eth() / IP(src="10.0.0.2", dst="10.0.0.1") / ICMP(type=0, id=7, seq=1) /
            Raw(b"ping-evil"),
            Eth() / IPv6(src="2001:db8::1", dst="2001:db8::2") /
            ICMPv6EchoRequest(id=9, seq=1, data=b"v6-evil")]
    rules = ('alert icmp any any -> any any (msg:"icmp"; itype:8; content:"evil"; sid:50;)\n'
             'alert icmp any any -> any any (msg:"icmp6"; content:"v6-evil"; sid:51;)\n')
    r = replay(tmp, "icmp", pkts, rules)
    t.pairs(r, [(50, 1), (51, 3)], "ICMP and ICMPv6 payload after the 8-byte header")
    differential(t, tmp, "icmp", pkts, rules)
    a = r.by_sid(50)
    t.ok(a and a[0]["proto"] == "ICMP" and a[0]["icmp_type"] == 8 and
         a[0]["icmp_code"] == 0 and "src_port" not in a[0] and "dest_port" not in a[0],
         "ICMP record: icmp_type/icmp_code, no ports", a)
    a = r.by_sid(51)
    t.ok(a and a[0]["proto"] == "IPv6-ICMP" and a[0]["icmp_type"] == 128,
         "ICMPv6 record: proto IPv6-ICMP", a)


def case_links(t, tmp):
    rules = 'alert udp any any -> any 53 (msg:"l2"; content:"l2-evil"; sid:60;)\n'
    ip = IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1, dport=53) / Raw(b"l2-evil")
    r = replay(tmp, "qinq", [Eth() / Dot1AD(vlan=100) / Dot1Q(vlan=200) / ip], rules)
    t.pairs(r, [(60, 1)], "802.1ad QinQ")
    t.ok(r.alerts and r.alerts[0].get("vlan") == [100, 200], "vlan ids in the record",
         r.alerts)
    r = replay(tmp, "vlan", [Eth() / Dot1Q(vlan=5) / ip], rules)
    t.pairs(r, [(60, 1)], "802.1Q VLAN")
    r = replay(tmp, "sll", [CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6,
                                        proto=0x0800) / ip], rules, linktype=113)
    t.pairs(r, [(60, 1)], "Linux cooked capture (SLL)")
    r = replay(tmp, "sll2", [CookedLinuxV2(proto=0x0800, ifindex=2, lladdrtype=1,
                                           lladdrlen=6) / ip], rules, linktype=276)
    t.pairs(r, [(60, 1)], "Linux cooked capture v2 (SLL2)")
    r = replay(tmp, "raw", [ip], rules, linktype=101)
    t.pairs(r, [(60, 1)], "raw IP")


def case_pass(t, tmp):
    a = Tcp()
    b = Tcp(cli=("10.0.0.1", 40001))
    pkts = (a.handshake() + [a.c(0, "GET /ok-path"), a.c(12, " ATTACK")] +
            b.handshake() + [b.c(0, "GET /x ATTACK")])
    rules = HTTP + 'pass tcp any any -> any 80 (msg:"ok"; content:"/ok-path"; sid:80;)\n'
    r = replay(tmp, "pass", pkts, rules)
    t.pairs(r, [(1, 9)], "pass rule: the rest of its flow does not alert, other flows do")
    differential(t, tmp, "pass", pkts, rules)


def case_flowbits(t, tmp):
    a = Tcp()
    b = Tcp(cli=("10.0.0.1", 40001))
    pkts = (a.handshake() + [a.c(0, "LOGIN user\r\n"), a.c(12, "CMD run\r\n"),
                             a.c(21, "EXFIL data\r\n")] +
            b.handshake() + [b.c(0, "CMD run\r\n"), b.c(9, "EXFIL data\r\n")])
    rules = (
        'alert tcp any any -> any 80 (msg:"login"; content:"LOGIN"; '
        'flowbits:set,auth; flowbits:noalert; sid:90;)\n'
        'alert tcp any any -> any 80 (msg:"cmd"; content:"CMD"; flowbits:isset,auth; '
        'flowbits:set,cmd; sid:91;)\n'
        'alert tcp any any -> any 80 (msg:"exfil"; content:"EXFIL"; flowbits:isset,cmd; sid:92;)\n'
        'alert tcp any any -> any 80 (msg:"cmd no login"; content:"CMD"; '
        'flowbits:isnotset,auth; sid:93;)\n')
    r = replay(tmp, "flowbits", pkts, rules)
    t.pairs(r, [(91, 5), (92, 6), (93, 10)], "flowbits chain set -> isset -> isset, per flow")
    differential(t, tmp, "flowbits", pkts, rules)


def case_flowint(t, tmp):
    # UDP: one packet, one inspection (a TCP stream's chunks are another matter)
    a = [udp("10.0.0.1", "10.0.0.2", 5000, 9000, d) for d in ["LOGIN"] + ["TRY"] * 5]
    b = [udp("10.0.0.3", "10.0.0.2", 5000, 9000, "TRY")]
    pkts = [(T0 + i * 1000, p) for i, p in enumerate(a + b)]
    rule = 'alert udp any any -> any 9000 (msg:"%s"; content:"%s"; %s sid:%d;)\n'
    rules = "".join(rule % (sid, c, o, sid) for sid, c, o in [
        (200, "LOGIN", "flowint:logins,=,10;"),
        (201, "TRY", "flowint:tries,+,1;"),
        (202, "TRY", "flowint:tries,>=,3;"),
        (203, "TRY", "flowint:tries,==,logins;"),
        (204, "TRY", "flowint:logins,notset;"),
        # reads and writes: after the writers, before the readers
        (205, "TRY", "flowint:logins,isset; flowint:logins,-,3;"),
        (206, "TRY", "flowint:logins,<,5;"),
        (207, "TRY", "flowint:tries,>,undeclared;"),
        (208, "TRY", "flowint:never,-,1; flowint:never,isset;"),
        (209, "TRY", "flowint: tries , != , 2 ;"),
        (210, "TRY", "flowint:logins,isnotset;"),
        (211, "TRY", "flowint:big,+,4294967295; flowint:big,+,2;"),
        (212, "TRY", "flowint:big,<=,1;"),
    ])
    # not IP-only (SignatureIsIPOnly): every packet of the flow, not its first
    rules += ('alert ip 10.0.0.1 any -> any any (msg:"ip"; flowint:pk,+,1; sid:213;)\n'
              'alert ip 10.0.0.1 any -> any any (msg:"ip3"; flowint:pk,==,3; sid:214;)\n')
    r = replay(tmp, "flowint", pkts, rules)
    # a: LOGIN, then tries 1..5 and logins 10 -> 7, 4, 1, 4294967294 (wraps); b: none set
    t.pairs(r, [(200, 1)] + [(201, i) for i in range(2, 8)] + [(202, 4), (202, 5), (202, 6),
                (204, 7)] + [(205, i) for i in range(2, 7)] + [(206, 3), (206, 4)] +
            [(207, i) for i in range(2, 8)] + [(209, 2)] + [(209, i) for i in range(4, 8)] +
            [(210, 7)] + [(211, i) for i in range(2, 8)] + [(212, 2), (212, 7)] +
            [(213, i) for i in range(1, 7)] + [(214, 3)],
            "flowint: set, add, sub (wrapping), tests against values and variables, per flow")
    differential(t, tmp, "flowint", pkts, rules)


def case_only_stream(t, tmp):
    """
    flow:only_stream counts only for a stream content match (Suricata's
    FlowMatch): never on a UDP or ICMP packet's payload or on TCP outside
    a stream (no handshake, no --midstream); tcp-stream has no such test.
    """
    a = Tcp()
    b = Tcp(cli=("10.0.0.1", 40001))
    h = Tcp(cli=("10.0.0.1", 40002))
    pkts = (h.handshake() + [h.c(0, "GET /only HTTP/1.1\r\nHost: a\r\n\r\n"),
                             h.s(0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")] +
            a.handshake() + [a.c(0, "x ATTACK y")] +
            [b.c(0, "x ATTACK y")] +
            [(T0 + 5000, udp("10.0.0.1", "10.0.0.2", 4000, 53, "x ATTACK y"))] +
            [(T0 + 6000, Eth() / IP(src="10.0.0.1", dst="10.0.0.2") / ICMP() /
              Raw(b"x ATTACK y"))])
    rules = (
        'drop tcp any any -> any any (msg:"tcp"; flow:only_stream; content:"ATTACK"; sid:300;)\n'
        'drop udp any any -> any any (msg:"udp"; flow:only_stream; content:"ATTACK"; sid:301;)\n'
        'drop icmp any any -> any any (msg:"icmp"; flow:only_stream; content:"ATTACK"; sid:302;)\n'
        'drop tcp-stream any any -> any any (msg:"tcp-stream"; content:"ATTACK"; sid:303;)\n'
        'alert udp any any -> any any (msg:"no payload"; flow:only_stream; sid:304;)\n'
        'alert udp any any -> any any (msg:"control"; content:"ATTACK"; sid:305;)\n'
        # an application-layer rule without payload keywords: never either
        'alert http any any -> any any (msg:"http"; flow:established,to_server,only_stream; '
        'http.uri; content:"/only"; sid:306;)\n'
        'alert http any any -> any any (msg:"http control"; flow:established,to_server; '
        'http.uri; content:"/only"; sid:307;)\n')
    r = replay(tmp, "only_stream", pkts, rules)
    t.ok(r.rc == 0 and sorted(a["alert"]["signature_id"] for a in r.alerts) == [300, 303, 303, 305, 307],
         "only_stream: the handshaken TCP stream only", r.pairs())
    differential(t, tmp, "only_stream", pkts, rules)


def case_threshold(t, tmp):
    pkts = [(T0 + i * 1000000, udp("10.0.0.5", "10.0.0.53", 4000 + i, 53, "thr"))
            for i in range(5)]
    body = 'alert udp any any -> any 53 (msg:"t%d"; content:"thr"; %s; sid:%d;)\n'
    rules = "".join(body % (sid, opt, sid) for sid, opt in [
        (100, "threshold:type limit, track by_src, count 1, seconds 60"),
        (101, "threshold:type threshold, track by_src, count 2, seconds 60"),
        (102, "detection_filter:track by_src, count 2, seconds 60"),
        (103, "threshold:type both, track by_src, count 2, seconds 60")])
    r = replay(tmp, "threshold", pkts, rules)
    t.pairs(r, [(100, 1), (101, 2), (101, 4), (102, 3), (102, 4), (102, 5), (103, 2)],
            "threshold limit/threshold/both and detection_filter by capture time")
    differential(t, tmp, "threshold", pkts, rules)


def case_midstream(t, tmp):
    c = Tcp()
    pkts = [c.c(0, "GET /ATT"), c.s(0, "HTTP/1.1 200 OK\r\n"), c.c(8, "ACK")]
    rules = ('alert tcp any any -> any 80 (msg:"est"; flow:established,to_server; '
             'content:"ATTACK"; sid:110;)\n'
             'alert tcp any 80 -> any any (msg:"resp"; flow:to_client; content:"200 OK"; sid:111;)\n'
             'alert tcp any any -> any 80 (msg:"split"; content:"ATTACK"; sid:112;)\n'
             'alert tcp any any -> any 80 (msg:"not est"; flow:not_established; sid:113;)\n')
    r = replay(tmp, "midstream-off", pkts, rules)
    t.pairs(r, [(111, 2), (113, 1), (113, 3)],
            "no handshake, Suricata's default: no session, packets alone, not established")
    differential(t, tmp, "midstream-off", pkts, rules)
    mid = ["--midstream"], ["stream.midstream=true"]
    r = replay(tmp, "midstream", pkts, rules, extra=mid[0])
    t.pairs(r, [(110, 3), (111, 2), (112, 3), (113, 1)],
            "--midstream: picked up, reassembled, established from its second packet")
    differential(t, tmp, "midstream", pkts, rules, *mid)
    pkts = [c.pkt(False, "SA", c.sisn, c.cisn + 1), c.pkt(True, "A", c.cisn + 1, c.sisn + 1),
            c.c(0, "GET /ATT"), c.c(8, "ACK")]
    r = replay(tmp, "synack-first", pkts, rules, extra=mid[0])
    t.pairs(r, [(110, 4), (112, 4), (113, 2)],
            "--midstream, capture starting at the SYN/ACK: its sender is the server")
    differential(t, tmp, "synack-first", pkts, rules, *mid)
    r = replay(tmp, "synack-first-off", pkts, rules)
    t.pairs(r, [(113, 2), (113, 3), (113, 4)],
            "capture starting at the SYN/ACK, midstream off: no session")


def case_eve(t, tmp):
    a = Tcp()
    b = Tcp(cli=("10.0.0.1", 40001))
    # The response comes before the drop: a dropped flow is not inspected further.
    pkts = (a.handshake() + [a.c(0, "GET /AT"), a.s(0, "HTTP/1.0 500 owned"), a.c(7, "TACK")] +
            b.handshake() + [b.c(0, "GET /ATTACK")])
    rules = ('drop tcp any any -> any 80 (msg:"drop \\"it\\""; content:"ATTACK"; '
             'classtype:attempted-admin; sid:200; rev:4;)\n'
             'alert tcp any 80 -> any any (msg:"response"; content:"owned"; '
             'classtype:trojan-activity; priority:3; sid:201;)\n')
    r = replay(tmp, "eve", pkts, rules)
    r2 = replay(tmp, "eve", pkts, rules)
    # Inline stream inspection (as nfips', Documentation/replay.rst): in IDS
    # mode Suricata would see the response only after the flow was dropped.
    differential(t, tmp, "eve-drop", pkts, rules, sets=["stream.inline=true"])
    t.pairs(r, [(200, 6), (200, 10), (201, 5)], "EVE case alerts")
    d = r.by_sid(200)[0] if r.by_sid(200) else {}
    keys = ["timestamp", "flow_id", "pcap_cnt", "event_type", "src_ip", "src_port",
            "dest_ip", "dest_port", "proto", "pkt_src", "community_id", "alert", "app_proto",
            "direction", "flow", "payload", "payload_printable", "stream", "host", "nfips"]
    t.ok(list(d.keys()) == keys, "top-level fields in Suricata's order", list(d.keys()))
    t.ok(d.get("timestamp") == "2024-01-02T03:04:05.728901+0000",
         "timestamp of packet 6 in Suricata's format", d.get("timestamp"))
    t.ok(d.get("event_type") == "alert" and d.get("src_ip") == "10.0.0.1" and
         d.get("src_port") == 40000 and d.get("dest_ip") == "10.0.0.2" and
         d.get("dest_port") == 80 and d.get("direction") == "to_server",
         "5-tuple of the packet", d)
    al = d.get("alert", {})
    t.ok(al == {"action": "blocked", "gid": 1, "signature_id": 200, "rev": 4,
                "signature": 'drop "it"',
                "category": "Attempted Administrator Privilege Gain", "severity": 1},
         "alert object of a drop rule (blocked, category, severity)", al)
    s = r.by_sid(201)[0] if r.by_sid(201) else {}
    t.ok(s.get("alert", {}).get("action") == "allowed" and
         s["alert"].get("severity") == 3 and s.get("src_port") == 80 and
         s.get("direction") == "to_client" and
         s["alert"].get("category") == "A Network Trojan was detected",
         "alert rule: allowed, priority overrides classtype, response direction", s)
    ids = [x["flow_id"] for x in r.alerts]
    ids2 = [x["flow_id"] for x in r2.alerts]
    t.ok(d.get("flow_id") == s.get("flow_id") and len(set(ids)) == 2 and
         all(isinstance(i, int) and 0 < i < 2 ** 53 for i in ids) and ids == ids2,
         "flow_id: per flow, both directions, stable across runs, below 2^53", ids)
    fl = d.get("flow", {})
    t.ok(fl.get("pkts_toserver") == 4 and fl.get("pkts_toclient") == 2 and
         fl.get("start") == "2024-01-02T03:04:05.678901+0000",
         "flow counters at the time of the alert", fl)
    nf = [x.get("nfips") for x in r.alerts]
    t.ok(all(n["path"] == "daemon" and n["policy_serial"] == 0 and "sensor" not in n
             for n in nf) and [n["sequence"] for n in nf] == [1, 2, 3] and
         all(x["host"] == "test" for x in r.alerts),
         "nfips object: path, sequence 1.., policy_serial; the sensor is the top-level host",
         r.alerts)
    sm = r.summary
    t.ok(r.rc == 0 and sm.get("packets") == 10 and sm.get("decoded") == 10 and
         sm.get("malformed") == 0 and sm.get("flows") == 2 and sm.get("alerts") == 3 and
         sm.get("loaded") == 2 and sm.get("skipped") == 0,
         "summary line on stderr", r.err)


def case_malformed(t, tmp):
    good = udp("10.0.0.1", "10.0.0.53", 3333, 53, "query evil")
    full = bytes(Eth() / IP(src="10.0.0.1", dst="10.0.0.2") / TCP() / Raw(b"x" * 20))
    ipv4_len_256 = full[:14] + bytes([0x45, 0, 1, 0]) + b"\0" * 22
    pkts = [good, full[:30], os.urandom(7), ipv4_len_256, good]
    rules = 'alert udp any any -> any 53 (msg:"q"; content:"evil"; sid:40;)\n'
    r = replay(tmp, "malformed", pkts, rules)
    t.pairs(r, [(40, 1), (40, 5)], "malformed packets do not stop the replay")
    t.ok(r.summary.get("malformed") == 3 and r.summary.get("packets") == 5 and
         "malformed:" in r.err, "malformed packets counted with their reasons", r.err)


def case_fragments(t, tmp):
    data = b"A" * 30 + b"FRAGMENTED-ATTACK" + b"B" * 30
    frags = fragment(IP(src="10.0.0.1", dst="10.0.0.2", id=77) /
                     UDP(sport=1, dport=53) / Raw(data), fragsize=24)
    f6 = fragment6(IPv6(src="2001:db8::1", dst="2001:db8::2") / IPv6ExtHdrFragment(id=5) /
                   UDP(sport=1, dport=53) / Raw(data), 80)
    rules = 'alert udp any any -> any 53 (msg:"frag"; content:"FRAGMENTED-ATTACK"; sid:120;)\n'
    pkts = [Eth() / f for f in frags]
    last = len(pkts)
    pkts += [Eth() / f for f in reversed(f6)]
    r = replay(tmp, "frag", pkts, rules)
    t.ok(len(frags) == 4 and len(f6) == 3, "scapy made 4 IPv4 and 3 IPv6 fragments",
         "%d %d" % (len(frags), len(f6)))
    t.pairs(r, [(120, last), (120, len(pkts))],
            "IPv4 and IPv6 fragments reassembled (in and out of order): alert on the "
            "fragment that completes the datagram")
    t.ok(r.summary.get("fragments") == len(pkts) and r.summary.get("decoded") == 2,
         "fragments counted, reassembled datagrams decoded", r.err)


def case_bad_files(t, tmp):
    rules = 'alert udp any any -> any 53 (msg:"q"; content:"evil"; sid:40;)\n'
    missing = os.path.join(tmp, "does-not-exist.pcap")
    r = replay(tmp, "missing", [], rules, extra=["--pcap", missing])
    t.ok(r.rc == 1 and missing in r.err, "missing capture: exit 1, error names it", r.err)
    r = replay(tmp, "text", [], rules, raw=b"this is not a capture file\n" * 4)
    t.ok(r.rc == 1 and "text.pcap" in r.err and not r.alerts,
         "not a capture: exit 1, error names the file", r.err)
    good = udp("10.0.0.1", "10.0.0.53", 3333, 53, "query evil")
    path = os.path.join(tmp, "cut.pcap")
    write_pcap(path, 1, stamp([good, good]))
    with open(path, "rb") as f:
        data = f.read()
    r = replay(tmp, "cut", [], rules, raw=data[:-10])
    t.ok(r.rc == 1 and "cut.pcap" in r.err and r.pairs() == [(40, 1)],
         "capture cut in a record: alerts so far, then exit 1 naming the file",
         "%s %s" % (r.pairs(), r.err))
    r = replay(tmp, "badrule", [good], rules + "alert udp any any -> (sid:41;)\n")
    t.ok(r.rc == 1 and "badrule.rules:2:" in r.err and r.pairs() == [(40, 1)],
         "rule error: reported with its position, other rules still run, exit 1", r.err)


def case_byte_extract(t, tmp):
    # ET 2018372 as published (heartbeat length above the record length).
    rule = ('alert tcp any any -> $HOME_NET !$HTTP_PORTS (msg:"ET EXPLOIT Malformed '
            'HeartBeat Request"; flow:established,to_server; content:"|18 03|"; depth:2; '
            'byte_test:1,<,4,2; content:"|01|"; offset:5; depth:1; '
            'byte_extract:2,3,record_len; byte_test:2,>,2,3; byte_test:2,>,record_len,6; '
            'threshold:type limit,track by_src,count 1,seconds 120; '
            'flowbits:set,ET.MalformedTLSHB; classtype:bad-unknown; sid:2018372; rev:3;)\n')
    a = Tcp(srv=("10.0.0.2", 443))
    b = Tcp(cli=("10.0.0.3", 40000), srv=("10.0.0.2", 443))
    pkts = (a.handshake() + [a.c(0, b"\x18\x03\x02\x00\x03\x01\x40\x00")] +
            b.handshake() + [b.c(0, b"\x18\x03\x02\x00\x03\x01\x00\x01")])
    r = replay(tmp, "byte-extract", pkts, rule)
    t.pairs(r, [(2018372, 4)], "byte_extract: heartbeat length compared with the "
            "extracted record length (ET 2018372)")
    t.ok(r.summary.get("loaded") == 1 and r.summary.get("skipped") == 0,
         "byte_extract rule loaded", r.err)
    differential(t, tmp, "byte-extract", pkts, rule)


def case_xbits(t, tmp):
    rules = ('alert tcp any any -> any 80 (msg:"attempt"; content:"attempt"; '
             'xbits:set,tagged,track ip_dst,expire 300; sid:130;)\n'
             'alert tcp any any -> any any (msg:"callback"; content:"callback"; '
             'xbits:isset,tagged,track ip_src; sid:131;)\n')
    srv = Tcp()                                            # 10.0.0.1 -> 10.0.0.2:80
    out = [Tcp(cli=("10.0.0.2", 50000 + i), srv=("10.0.0.9", 8080)) for i in range(3)]
    seq = ([(T0, p) for p in out[0].handshake() + [out[0].c(0, "callback")]] +
           [(T0 + 1000000, p) for p in srv.handshake() + [srv.c(0, "attempt")]] +
           [(T0 + 2000000, p) for p in out[1].handshake() + [out[1].c(0, "callback")]] +
           [(T0 + 302000000, p) for p in out[2].handshake() + [out[2].c(0, "callback")]])
    r = replay(tmp, "xbits", seq, rules)
    t.pairs(r, [(130, 8), (131, 12)], "xbits: a host tagged in one flow is seen from "
            "another, until the expiry")


def case_pcre_unquoted(t, tmp):
    pkts = [udp("10.0.0.1", "10.0.0.53", 3333, 53, "query EVIL"),
            udp("10.0.0.1", "10.0.0.53", 3334, 53, "query good")]
    rules = 'alert udp any any -> any 53 (msg:"bare pcre"; pcre:/ev[i]l/i; sid:140;)\n'
    r = replay(tmp, "pcre-bare", pkts, rules)
    t.pairs(r, [(140, 1)], "pcre without quotes, as Suricata takes it")
    differential(t, tmp, "pcre-bare", pkts, rules)


# Suricata 7 takes data on a SYN only with TCP Fast Open, and keeps it only
# if the SYN/ACK acknowledges it; other bytes sent at ISN + 1 are the stream's.
SYN_RULES = HTTP + (
    'alert tcp any any -> any 80 (msg:"syn data"; content:"xxxxxx"; sid:2;)\n'
    'alert tcp any any -> any 80 (msg:"est"; flow:established,to_server; sid:5;)\n')


def case_syn_data(t, tmp):
    c = Tcp()
    sa = c.pkt(False, "SA", c.sisn, c.cisn + 1)
    tail = [c.pkt(True, "A", c.cisn + 1, c.sisn + 1), c.c(0, "ATTACK"),
            c.pkt(False, "A", c.sisn + 1, c.cisn + 7)]
    pkts = [c.syn(b"xxxxxx"), sa] + tail
    r = replay(tmp, "syn-data", pkts, SYN_RULES)
    t.pairs(r, [(1, 4), (2, 1), (5, 4)], "SYN data without Fast Open: inspected as a "
            "packet; other bytes at ISN + 1 are stream data, not a retransmission")
    differential(t, tmp, "syn-data", pkts, SYN_RULES)

    pkts = [c.syn(b"ATTACK"), sa] + [tail[0], c.c(0, "xxxxxx"), tail[2]]
    r = replay(tmp, "syn-data-2", pkts, SYN_RULES)
    t.pairs(r, [(1, 1), (2, 4), (5, 4)], "... the SYN's own data alerts as a packet")
    differential(t, tmp, "syn-data-2", pkts, SYN_RULES)

    pkts = [c.syn(b"ATT", tfo=True), c.pkt(False, "SA", c.sisn, c.cisn + 4),
            c.pkt(True, "A", c.cisn + 4, c.sisn + 1), c.c(3, "ACK xxxxxx"),
            c.pkt(False, "A", c.sisn + 1, c.cisn + 14)]
    r = replay(tmp, "tfo", pkts, SYN_RULES)
    t.pairs(r, [(1, 4), (2, 4), (5, 3), (5, 4)], "Fast Open data acknowledged by the "
            "SYN/ACK: the stream's start; established from the packet after the SYN/ACK")
    differential(t, tmp, "tfo", pkts, SYN_RULES)

    pkts = [c.syn(b"xxxxxx", tfo=True), sa] + tail
    r = replay(tmp, "tfo-unacked", pkts, SYN_RULES)
    t.pairs(r, [(1, 4), (2, 1), (5, 3), (5, 4)], "Fast Open data the SYN/ACK did not "
            "acknowledge: dropped from the stream, the bytes at ISN + 1 inspected "
            "(Suricata 7.0 keeps the SYN's: Documentation/replay.rst)")

    pkts = [c.syn(b"xxxxxx"), c.pkt(False, "S", c.sisn, 0),
            c.pkt(True, "SA", c.cisn, c.sisn + 1), c.pkt(False, "A", c.sisn + 1, c.cisn + 1),
            c.c(0, "ATTACK"), c.pkt(False, "A", c.sisn + 1, c.cisn + 7)]
    r = replay(tmp, "syn-syn", pkts, SYN_RULES)
    t.pairs(r, [(1, 5), (2, 1), (5, 5)], "a SYN answered by a SYN (four-way handshake): "
            "the bytes at ISN + 1 inspected")
    differential(t, tmp, "syn-syn", pkts, SYN_RULES)

    pkts = [c.syn(b"xxxxxx"), c.pkt(False, "S", c.sisn, 0), c.syn(b"ATTACK"), sa] + tail
    r = replay(tmp, "syn-syn-repeat", pkts, SYN_RULES)
    t.pairs(r, [(1, 3), (1, 6), (2, 1), (5, 6)], "a SYN answered by a SYN, the SYN "
            "repeated with the same sequence number")
    differential(t, tmp, "syn-syn-repeat", pkts, SYN_RULES)


def case_established(t, tmp):
    c = Tcp()
    rules = ('alert tcp any any -> any 80 (msg:"est"; flow:established,to_server; sid:150;)\n'
             'alert tcp any any -> any 80 (msg:"new"; flow:not_established; sid:151;)\n')
    pkts = c.handshake() + [c.c(0, "GET /"), c.s(0, "HTTP"), c.c(5, "x")]
    r = replay(tmp, "established", pkts, rules)
    t.pairs(r, [(150, 4), (150, 6), (151, 1), (151, 3)],
            "flow:established from the packet after the handshake's bare ACK")
    differential(t, tmp, "established", pkts, rules)
    pkts = c.handshake()[:2] + [c.c(0, "GET /"), c.c(5, "x")]
    r = replay(tmp, "established-data", pkts, rules)
    t.pairs(r, [(150, 3), (150, 4), (151, 1)],
            "... or on that ACK if it carries data")
    differential(t, tmp, "established-data", pkts, rules)


def case_flow_action(t, tmp):
    # A header-only pass or drop rule acts on the whole flow in Suricata 7,
    # with a negated address too (its "like IP-only" signatures); a
    # dropped flow, like a passed one, is not inspected any further.
    c = Tcp()
    pkts = c.handshake() + [c.c(0, "GET / HTTP/1.0\r\n\r\n"), c.s(0, "HTTP/1.0 200 OK\r\n"),
                            c.pkt(True, "A", c.cisn + 19, c.sisn + 18)]
    other = ('alert tcp any 80 -> any any (msg:"resp"; content:"200 OK"; sid:11;)\n'
             'alert tcp any any -> any 80 (msg:"req"; content:"GET"; sid:12;)\n')
    # An alert in another flow, so that the differential cases of passed
    # flows compare something.
    dns = [udp("10.0.0.1", "10.0.0.53", 3333, 53, "query")]
    dns_rule = 'alert udp any any -> any 53 (msg:"dns"; sid:305;)\n'
    rules = 'pass tcp !10.0.0.2 any -> any 80 (msg:"p"; sid:300;)\n' + other
    r = replay(tmp, "pass-negated", pkts, rules)
    t.pairs(r, [], "pass with a negated address: the whole flow passed, the reply too")
    differential(t, tmp, "pass-negated", pkts + dns, rules + dns_rule)
    rules = 'drop tcp 10.0.0.1 any -> any 80 (msg:"d"; sid:301;)\n' + other
    r = replay(tmp, "drop-iponly", pkts, rules)
    t.pairs(r, [(301, 1)], "IP-only drop: the flow is dropped, nothing more inspected")
    differential(t, tmp, "drop-iponly", pkts, rules)
    rules = 'drop tcp !10.0.0.2 any -> any 80 (msg:"d"; sid:302;)\n' + other
    r = replay(tmp, "drop-negated", pkts, rules)
    t.pairs(r, [(302, 1)], "drop with a negated address: the whole flow dropped")
    differential(t, tmp, "drop-negated", pkts, rules)
    e = Tcp(srv=("192.0.2.10", 80))
    pkts = e.handshake() + [e.c(0, "GET / HTTP/1.0\r\n\r\n"), e.s(0, "HTTP/1.0 200 OK\r\n"),
                            e.pkt(True, "A", e.cisn + 19, e.sisn + 18)]
    rules = ('pass tcp $HOME_NET any -> $EXTERNAL_NET 80 (msg:"p"; sid:303;)\n' + other +
             'alert tcp $HOME_NET any -> $EXTERNAL_NET 80 (msg:"out"; sid:304;)\n')
    r = replay(tmp, "pass-external", pkts, rules)
    t.pairs(r, [], "pass to $EXTERNAL_NET (!$HOME_NET): the whole flow passed")
    differential(t, tmp, "pass-external", pkts + dns, rules + dns_rule)


POLICY = """version = 1;
serial = 7;
customer = {{ id = "acme"; name = "ACME"; }};
sensor = {{ id = "gw-1"; }};
mode = "{mode}";
rules = {{ files = [ "policy.rules" ]; classification = "{cls}";
  variables = {{ address_groups = {{ HOME_NET = "10.0.0.0/24"; }}; }}; }};
approvals = ( {{ sid = 401; approved_by = "alice"; when = "2020-01-01"; }},
              {{ sid = 403; approved_by = "bob"; when = "2020-01-01"; until = "2021-01-01"; }} );
suppressions = ( {{ sid = 404; track = "by_src"; ip = "10.0.0.1"; }} );
overrides = ( {{ sid = 405; disable = true; }} );
stream = {{ depth = {depth}; bypass = {bypass}; }};
"""


def case_policy(t, tmp):
    # replay --policy runs what the gateway runs: approvals decide which
    # drop rules drop (in enforce mode only), suppressions and overrides
    # apply, the stream settings and the sensor come from the policy.
    c = Tcp()
    pkts = c.handshake() + [c.c(0, "GET /a HTTP/1.0\r\n"), c.c(17, "B"),
                            c.s(0, "x" * 3000), c.s(3000, "MARK")]
    rules = ('drop tcp any any -> any 80 (msg:"approved"; content:"/a"; sid:401;)\n'
             'drop tcp any any -> any 80 (msg:"not approved"; content:"GET"; sid:402;)\n'
             'reject tcp any any -> any 80 (msg:"expired"; content:"HTTP"; sid:403;)\n'
             'alert tcp any any -> any 80 (msg:"suppressed"; content:"B"; sid:404;)\n'
             'alert tcp any any -> any 80 (msg:"disabled"; content:"GET"; sid:405;)\n'
             'alert tcp any 80 -> any any (msg:"late"; content:"MARK"; sid:406;)\n')
    with open(os.path.join(tmp, "policy.rules"), "w") as f:
        f.write(rules)
    pcap = os.path.join(tmp, "policy.pcap")
    write_pcap(pcap, 1, stamp(pkts))

    def run(mode, depth=1048576, bypass="false"):
        pol = os.path.join(tmp, "policy-%s.conf" % mode)
        with open(pol, "w") as f:
            f.write(POLICY.format(mode=mode, cls=CLASSIFICATION, depth=depth, bypass=bypass))
        p = subprocess.run([NFIPSCTL, "replay", "--policy", pol, "--pcap", pcap],
                           capture_output=True, text=True, timeout=60)
        return Result(p.returncode, p.stdout, p.stderr)

    r = run("enforce")
    acts = {a["alert"]["signature_id"]: a["alert"]["action"] for a in r.alerts}
    t.ok(r.rc == 0 and acts == {401: "blocked", 402: "allowed", 403: "allowed"},
         "policy, enforce: only the approved drop rule blocks (and ends the flow's "
         "inspection); suppressed and disabled rules are silent", "%s\n%s" % (acts, r.err))
    t.ok(all(a.get("host") == "gw-1" and a["nfips"]["policy_serial"] == 7
             for a in r.alerts) and r.alerts,
         "policy: the sensor and the serial of the records come from the policy")
    r = run("learn")
    acts = {a["alert"]["signature_id"]: a["alert"]["action"] for a in r.alerts}
    t.ok(r.rc == 0 and acts == {401: "allowed", 402: "allowed", 403: "allowed", 406: "allowed"},
         "policy, learn: nothing blocks, and the flow is still inspected after a drop rule",
         "%s\n%s" % (acts, r.err))
    r = run("learn", depth=2048, bypass="true")
    t.ok(r.rc == 0 and 406 not in [a["alert"]["signature_id"] for a in r.alerts]
         and 401 in [a["alert"]["signature_id"] for a in r.alerts],
         "policy: stream bypass past the policy's depth leaves the response's tail uninspected",
         r.err)
    bad = os.path.join(tmp, "bad.conf")
    with open(bad, "w") as f:
        f.write('version = 1;\nserial = 1;\nmode = "sometimes";\n')
    p = subprocess.run([NFIPSCTL, "replay", "--policy", bad, "--pcap", pcap],
                       capture_output=True, text=True, timeout=60)
    t.ok(p.returncode != 0 and "bad.conf:3" in p.stderr and not p.stdout,
         "policy: a malformed policy is refused with its file and line", p.stderr)


GRADE_POLICY = """version = 1;
serial = 3;
customer = { id = "acme"; name = "ACME"; };
sensor = { id = "gw-1"; };
mode = "learn";
rules = { files = [ "grade.rules" ]; classification = "%s";
  variables = { address_groups = { HOME_NET = "10.0.0.0/24"; }; }; };
overrides = ( { sid = 504; grade = "ignore"; } );
assets = { hosts = (
  { address = "10.0.0.2"; name = "web1"; os = "linux"; criticality = "critical";
    services = ( { proto = "tcp"; port = 80; product = "nginx"; } ); },
  { address = "10.0.0.3"; name = "files"; os = "linux"; } ); };
grading = { window = 600; };
"""


def case_grade(t, tmp):
    # replay --policy grades every alert with the policy's assets, packet
    # time and overrides (Documentation/policy.rst, "grading").
    ext = "203.0.113.9"
    a = Tcp(cli=(ext, 40001), srv=("10.0.0.2", 80))
    b = Tcp(cli=(ext, 40002), srv=("10.0.0.3", 445))
    c = Tcp(cli=(ext, 40003), srv=("10.0.0.4", 80))
    d = Tcp(cli=("10.0.0.4", 5555), srv=(ext, 80))
    pkts = (a.handshake() + [a.c(0, "GET /cgi-bin/x HTTP/1.0\r\n\r\n"),
                             a.s(0, "uid=0(root) gid=0(root)\n")] +
            b.handshake() + [b.c(0, "SMBexploit"), b.c(10, "misc")] +
            c.handshake() + [c.c(0, "GET /cgi-bin/x HTTP/1.0\r\n\r\n")])
    late = d.handshake() + [d.c(0, "uid=0(root)\n")]
    # the response from 10.0.0.4 comes 700 s after it was attacked (window 600)
    pkts += [(T0 + 700 * 1000000 + i * 10000, p) for i, p in enumerate(late)]
    rules = ('alert tcp any any -> any any (msg:"cgi exploit"; content:"/cgi-bin/x"; '
             'classtype:attempted-admin; sid:501;)\n'
             'alert tcp any any -> any any (msg:"GPL ATTACK_RESPONSE id check returned root"; '
             'content:"uid=0("; classtype:bad-unknown; sid:502;)\n'
             'alert tcp any any -> any 445 (msg:"windows smb exploit"; content:"SMBexploit"; '
             'classtype:attempted-admin; metadata: affected_product '
             'Windows_XP_Vista_7_8_10_Server_32_64_Bit, signature_severity Major; sid:503;)\n'
             'alert tcp any any -> any 445 (msg:"noise"; content:"misc"; '
             'classtype:misc-attack; sid:504;)\n')
    with open(os.path.join(tmp, "grade.rules"), "w") as f:
        f.write(rules)
    pol = os.path.join(tmp, "grade.conf")
    with open(pol, "w") as f:
        f.write(GRADE_POLICY % CLASSIFICATION)
    pcap = os.path.join(tmp, "grade.pcap")
    write_pcap(pcap, 1, stamp(pkts))

    def run():
        p = subprocess.run([NFIPSCTL, "replay", "--policy", pol, "--pcap", pcap],
                           capture_output=True, text=True, timeout=60)
        return Result(p.returncode, p.stdout, p.stderr)

    r = run()
    got = [(x["alert"]["signature_id"], x["dest_ip"], x["nfips"].get("grade"),
            x["alert"]["severity"], x["nfips"].get("grade_reason", "")) for x in r.alerts]
    want = [(501, "10.0.0.2", "high", 1,
             "classtype attempted-admin: high; target 10.0.0.2 (web1, critical): "
             "+1, capped at high"),
            (502, ext, "emergency", 1,
             "classtype bad-unknown: medium; source 10.0.0.2 was attacked 0 s before "
             "(sid 501): emergency"),
            (503, "10.0.0.3", "low", 3,
             "classtype attempted-admin: high; target 10.0.0.3 (files) runs linux, not "
             "affected_product Windows_XP_Vista_7_8_10_Server_32_64_Bit: low"),
            (504, "10.0.0.3", "ignore", 4, "classtype misc-attack: medium; override line 8: "
             "ignore"),
            (501, "10.0.0.4", "high", 1, "classtype attempted-admin: high"),
            (502, ext, "medium", 2, "classtype bad-unknown: medium")]
    t.ok(r.rc == 0 and got == want,
         "grade: EVE nfips.grade, grade_reason and alert.severity from the policy's "
         "assets, the escalation window and overrides", "%s\n%s" % (got, r.err))
    r2 = run()
    t.ok([x["nfips"] for x in r2.alerts] == [x["nfips"] for x in r.alerts],
         "grade: a replay grades the same every time (packet time)")
    plain = replay(tmp, "grade-plain", pkts, rules)
    t.ok(plain.alerts and all("grade" not in x["nfips"] for x in plain.alerts) and
         plain.by_sid(503)[0]["alert"]["severity"] == 1,
         "grade: without --policy records are not graded (severity: the priority)")


def case_policy_thresholds(t, tmp):
    # The policy's thresholds and suppressions are Suricata's
    # threshold.config: the same alerts as Suricata 7 given the equivalent
    # file, and they apply before grading (only raised alerts are graded).
    src = [("10.0.0.5", 4005), ("10.0.0.6", 4006), ("10.0.0.5", 4005), ("10.0.0.7", 4007),
           ("10.0.0.5", 4005), ("10.0.0.6", 4006), ("10.0.0.5", 4005), ("10.0.0.5", 4005)]
    pkts = [(T0 + i * 1000000, udp(a, "10.0.0.53", port, 53, "pthr"))
            for i, (a, port) in enumerate(src)]
    body = 'alert udp any any -> any 53 (msg:"p%d"; content:"pthr"; classtype:attempted-admin; sid:%d;)\n'
    sids = range(110, 118)
    rules = "".join(body % (sid, sid) for sid in sids)
    entries = [
        ("threshold gen_id 1, sig_id 110, type limit, track by_src, count 2, seconds 60",
         '{ sid = 110; type = "limit"; track = "by_src"; count = 2; seconds = 60; }', "t"),
        ("threshold gen_id 1, sig_id 111, type threshold, track by_dst, count 3, seconds 60",
         '{ sid = 111; type = "threshold"; track = "by_dst"; count = 3; seconds = 60; }', "t"),
        ("threshold gen_id 1, sig_id 112, type both, track by_src, count 2, seconds 3",
         '{ sid = 112; type = "both"; track = "by_src"; count = 2; seconds = 3; }', "t"),
        ("threshold gen_id 1, sig_id 113, type limit, track by_rule, count 3, seconds 60",
         '{ sid = 113; type = "limit"; track = "by_rule"; count = 3; seconds = 60; }', "t"),
        ("suppress gen_id 1, sig_id 114", '{ sid = 114; }', "s"),
        ("suppress gen_id 1, sig_id 115, track by_src, ip 10.0.0.6",
         '{ sid = 115; track = "by_src"; ip = "10.0.0.6"; }', "s"),
        ("suppress gen_id 1, sig_id 116, track by_either, ip 10.0.0.7",
         '{ sid = 116; track = "by_either"; ip = "10.0.0.7"; }', "s"),
        ("suppress gen_id 1, sig_id 117, track by_dst, ip 10.0.0.0/24",
         '{ sid = 117; track = "by_dst"; ip = "10.0.0.0/24"; }', "s"),
    ]
    with open(os.path.join(tmp, "pthr.rules"), "w") as f:
        f.write(rules)
    thr = os.path.join(tmp, "threshold.config")
    with open(thr, "w") as f:
        f.write("".join(e[0] + "\n" for e in entries))
    pol = os.path.join(tmp, "pthr.conf")
    with open(pol, "w") as f:
        f.write('version = 1;\ncustomer = { id = "acme"; name = "ACME"; };\n'
                'sensor = { id = "gw-1"; };\nmode = "learn";\n'
                'rules = { files = [ "pthr.rules" ]; classification = "%s";\n'
                '  variables = { address_groups = { HOME_NET = "10.0.0.0/24"; }; }; };\n'
                'thresholds = ( %s );\nsuppressions = ( %s );\n' %
                (CLASSIFICATION, ", ".join(e[1] for e in entries if e[2] == "t"),
                 ", ".join(e[1] for e in entries if e[2] == "s")))
    pcap = os.path.join(tmp, "pthr.pcap")
    write_pcap(pcap, 1, stamp(pkts))
    p = subprocess.run([NFIPSCTL, "replay", "--policy", pol, "--pcap", pcap],
                       capture_output=True, text=True, timeout=60)
    r = Result(p.returncode, p.stdout, p.stderr)
    got = sorted((a["alert"]["signature_id"], a["pcap_cnt"]) for a in r.alerts)
    want = sorted([(110, 1), (110, 2), (110, 3), (110, 4), (110, 6),
                   (111, 3), (111, 6),
                   (112, 3), (112, 7),
                   (113, 1), (113, 2), (113, 3),
                   (115, 1), (115, 3), (115, 4), (115, 5), (115, 7), (115, 8),
                   (116, 1), (116, 2), (116, 3), (116, 5), (116, 6), (116, 7), (116, 8)])
    t.ok(r.rc == 0 and got == want,
         "policy thresholds (limit, threshold, both, by_rule) and suppressions (all, "
         "by_src, by_either, by_dst) decide which alerts are raised", "%s\n%s" % (got, r.err))
    t.ok(r.alerts and all(a["nfips"].get("grade") for a in r.alerts),
         "the alerts raised are graded")
    title = "policy thresholds and suppressions: the same alerts as Suricata 7 with threshold.config"
    if not suricata_oracle.available():
        return t.skip(title, "suricata is not installed (selftests/deps.sh installs it)")
    try:
        sa = suricata_oracle.suricata(os.path.join(tmp, "pthr.rules"), pcap,
                                      os.path.join(tmp, "pthr.suricata"),
                                      sets=["threshold-file=" + thr])
    except RuntimeError as e:
        return t.ok(False, title, e)
    d = suricata_oracle.differences(sa, suricata_oracle.alerts(p.stdout.splitlines()))
    t.ok(not d, title, "\n".join(d))


CASES = [case_split, case_out_of_order, case_retransmit, case_overlap, case_gap,
         case_ipv6, case_udp, case_icmp, case_links, case_pass, case_flowbits, case_flowint, case_only_stream,
         case_threshold, case_midstream, case_eve, case_malformed, case_fragments,
         case_bad_files, case_byte_extract, case_xbits, case_pcre_unquoted,
         case_syn_data, case_established, case_flow_action, case_policy,
         case_grade, case_policy_thresholds] + \
    eve_cases.cases(sys.modules[__name__]) + http_cases.cases(sys.modules[__name__]) + \
    http_event_cases.cases(sys.modules[__name__]) + \
    dns_cases.cases(sys.modules[__name__]) + tls_cases.cases(sys.modules[__name__]) + \
    x509_cases.cases(sys.modules[__name__]) + \
    mixed_cases.cases(sys.modules[__name__]) + tunnel_cases.cases(sys.modules[__name__]) + \
    ssh_cases.cases(sys.modules[__name__]) + cmd_cases.cases(sys.modules[__name__])


def main(argv):
    global VERBOSE
    names = [a for a in argv if a != "-v"]
    VERBOSE = "-v" in argv
    t = Tap()
    if not os.access(NFIPSCTL, os.X_OK):
        print("Bail out! %s not built" % NFIPSCTL)
        return 1
    with tempfile.TemporaryDirectory(prefix="nfips-replay.") as tmp:
        for case in CASES:
            if names and case.__name__[5:] not in names:
                continue
            print("# " + case.__name__[5:])
            case(t, tmp)
        if not names:
            eve_cases.validate_all(t, RECORDS)
    print("1..%d" % t.n)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
