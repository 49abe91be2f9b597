# SPDX-License-Identifier: GPL-2.0
"""
DNS over UDP and TCP, against Suricata 7: one generated capture of many DNS
flows (queries and answers of every record type Suricata's parser reads,
compression pointers, pointer loops and bad pointers, names in upper case,
several questions, opcodes, truncated and malformed messages, a response
sent to the server, DNS on port 5353 and from port 53, non-DNS on port 53;
over TCP: the 2-byte length split across segments, several messages per
segment, a message that does not parse) and one rule file (dns.rules,
beside this file) using every DNS keyword Suricata 7.0.10 has (dns.query,
dns_query, dotprefix, bsize, dns.opcode, payload content on alert dns),
through suricata -r and nfipsctl replay: the same alerts per (sid, flow).

Messages are built by hand (struct), so that the bytes are exactly the
ones meant, malformed ones included.

Used by replay_test.py (cases()) and alone, to write the capture:
    dns_cases.py OUT.pcap
or a capture of 1,500 flows querying names built from the dns.query
contents of a rule set (ET Open: ../shared/data/et-open/*.rules, not
copied here), for suricata_oracle.py with that rule set:
    dns_cases.py --names-from RULES OUT.pcap
"""
import os
import random
import re
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.path.join(HERE, "dns.rules")

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "NULL": 10, "PTR": 12, "MX": 15,
         "TXT": 16, "AAAA": 28, "SRV": 33, "SSHFP": 44, "OPT": 41, "T99": 99}


def name(n):
    """Wire form of a dotted name (no compression); "" is the root."""
    out = b""
    for label in n.split(".") if n else []:
        lb = label.encode("latin-1")
        out += bytes([len(lb)]) + lb
    return out + b"\0"


def header(ident, flags, qd, an=0, ns=0, ar=0):
    return struct.pack(">HHHHHH", ident, flags, qd, an, ns, ar)


def flags(qr=0, opcode=0, rd=1, rcode=0, z=0):
    return (qr << 15) | (opcode << 11) | (rd << 8) | (z << 6) | rcode


def question(n, qtype=1, raw=None):
    return (raw if raw is not None else name(n)) + struct.pack(">HH", qtype, 1)


def rr(owner, rtype, rdata, ttl=300):
    """A record; @owner is wire bytes (a name or a pointer)."""
    return owner + struct.pack(">HHIH", TYPES[rtype], 1, ttl, len(rdata)) + rdata


def ptr(off):
    return struct.pack(">H", 0xc000 | off)


def query(ident, names, opcode=0, qtype=1, qr=0):
    return header(ident, flags(qr=qr, opcode=opcode), len(names)) + \
        b"".join(question(n, qtype) for n in names)


def answer(ident, qname, answers, opcode=0, rcode=0, auth=()):
    """A response to @qname whose records point to the question's name (12)."""
    body = question(qname)
    recs = b"".join(rr(ptr(12), t, d) for t, d in answers)
    arecs = b"".join(rr(ptr(12), t, d) for t, d in auth)
    return header(ident, flags(qr=1, opcode=opcode, rcode=rcode), 1, len(answers),
                  len(auth)) + body + recs + arecs


def udp(m, cport, sport, payload, cli="10.3.0.1", srv="10.4.0.1", from_client=True):
    from scapy.all import IP, IPv6, UDP, Raw
    a, b = (cli, srv) if from_client else (srv, cli)
    sp, dp = (cport, sport) if from_client else (sport, cport)
    ip = IPv6(src=a, dst=b) if ":" in a else IP(src=a, dst=b)
    return m.Eth() / ip / UDP(sport=sp, dport=dp) / Raw(payload)


def tcp_flow(m, cport, sport, exchanges, seg=None, v6=False):
    """A TCP connection: each (client bytes, server bytes), @seg-byte segments."""
    cli, srv = ("2001:db8::5", "2001:db8::6") if v6 else ("10.5.0.1", "10.6.0.1")
    c = m.Tcp(cli=(cli, cport), srv=(srv, sport), cisn=cport * 7, sisn=cport * 11, v6=v6)
    pkts = c.handshake()
    coff = soff = 0
    for q, r in exchanges:
        for i in range(0, len(q), seg or len(q) or 1):
            piece = q[i:i + (seg or len(q))]
            pkts.append(c.c(coff, piece))
            coff += len(piece)
            pkts.append(c.pkt(False, "A", c.sisn + 1 + soff, c.cisn + 1 + coff))
        if r:
            pkts.append(c.s(soff, r))
            soff += len(r)
            pkts.append(c.pkt(True, "A", c.cisn + 1 + coff, c.sisn + 1 + soff))
    pkts.append(c.pkt(True, "FA", c.cisn + 1 + coff, c.sisn + 1 + soff))
    pkts.append(c.pkt(False, "FA", c.sisn + 1 + soff, c.cisn + 2 + coff))
    pkts.append(c.pkt(True, "A", c.cisn + 2 + coff, c.sisn + 2 + soff))
    return pkts


def lp(msg):
    """A TCP DNS message: its 2-byte length first."""
    return struct.pack(">H", len(msg)) + msg


NAMES = ["www.example.com", "evil.example.net", "Update.BadDomain.ORG",
         "x.y.z.tracker.evil-c2.xyz", "mail.example.org", "cdn.rustdesk.com",
         "rs-ny.rustdesk.com", "a.b", "duckdns.org", "foo.duckdns.org",
         "WWW.EVIL-C2.XYZ", "api.telegram.org", "1.0.0.127.in-addr.arpa"]


def flows(m):
    """Packets of every flow of the capture, flow after flow."""
    rnd = random.Random(53)
    pkts = []
    port = [20000]

    def nport():
        port[0] += 1
        return port[0]

    def uflow(msgs, sport=53):
        """A UDP flow: (from_client, payload) in order."""
        cp = nport()
        for fc, pl in msgs:
            pkts.append(udp(m, cp, sport, pl, from_client=fc))

    # a query and its answer for each name, each record type
    answers = {
        "A": [("A", bytes([93, 184, 216, 34]))],
        "AAAA": [("AAAA", bytes(16))],
        "CNAME": [("CNAME", name("evil.example.net")), ("A", bytes(4))],
        "MX": [("MX", b"\0\x0a" + ptr(12))],
        "TXT": [("TXT", b"\x05hello\x0bv=spf1 -all")],
        "NS": [("NS", name("ns1.example.com"))],
        "SOA": [("SOA", name("ns1.example.com") + name("root.example.com") + bytes(20))],
        "SRV": [("SRV", b"\0\1\0\2\0\x35" + name("srv.example.com"))],
        "PTR": [("PTR", name("host.example.com"))],
        "NULL": [("NULL", b"\x01\x02\x03")],
        "SSHFP": [("SSHFP", b"\x01\x01" + bytes(20))],
    }
    for i, n in enumerate(NAMES):
        t = list(answers)[i % len(answers)]
        uflow([(True, query(i, [n], qtype=TYPES[t])), (False, answer(i, n, answers[t]))])
    # several questions; an empty (root) name first or in the middle
    uflow([(True, query(100, ["one.example.com", "evil.example.net", "three.example.com"]))])
    uflow([(True, query(101, ["", "evil.example.net"]))])
    uflow([(True, query(102, ["evil.example.net", "", "rs-x.rustdesk.com"]))])
    # opcodes: query, iquery, status, notify, update; 7+ is not DNS
    for op in (0, 1, 2, 4, 5, 6, 7, 15):
        uflow([(True, query(200 + op, ["op%d.example.com" % op], opcode=op)),
               (False, answer(200 + op, "op%d.example.com" % op, [("A", bytes(4))], opcode=op))])
    # compression: a question name made of a pointer into itself, a
    # pointer loop, a pointer past the end, a pointer chain
    hdr = header(300, flags(), 2)
    q1 = question("evil.example.net")
    uflow([(True, hdr + q1 + question(None, raw=b"\x03sub" + ptr(12)))])
    uflow([(True, header(301, flags(), 1) + question(None, raw=b"\x03abc" + ptr(12)))])
    uflow([(True, header(302, flags(), 1) + question(None, raw=ptr(12)))])
    uflow([(True, header(303, flags(), 1) + question(None, raw=b"\x03abc" + ptr(400)))])
    chain = header(304, flags(), 3) + question("evil.example.net")
    chain += question(None, raw=b"\x01a" + ptr(12))
    chain += question(None, raw=b"\x01b" + ptr(len(header(0, 0, 0)) + len(question("evil.example.net"))))
    uflow([(True, chain)])
    # a loop of two pointers after a label: truncated at 255 steps
    uflow([(True, header(305, flags(), 1) + b"\x04loop\xc0\x13\xc0\x11\x00\x01\x00\x01")])
    # a name longer than 1025 bytes by pointers (truncated) and by labels
    long_labels = ".".join(["l%02d" % i + "x" * 59 for i in range(20)])
    uflow([(True, query(306, [long_labels]))])
    longp = header(307, flags(), 1) + b"\x3f" + b"e" * 63 + b"\x3f" + b"v" * 63 + ptr(12) + b"\0\1\0\1"
    uflow([(True, longp)])
    # a label with a reserved type, a label past the end, a truncated question
    uflow([(True, header(308, flags(), 1) + b"\x43abc\x00\x00\x01\x00\x01")])
    uflow([(True, header(309, flags(), 1) + b"\x10short\x00\x00\x01")])
    uflow([(True, header(310, flags(), 1) + name("evil.example.net") + b"\x00")])
    # bad answers: the first query and response parse, the broken response not
    bad_rd = header(311, flags(qr=1), 1, 1) + question("evil.example.net") + \
        rr(ptr(12), "CNAME", b"\x10abc")
    uflow([(True, query(311, ["evil.example.net"])), (False, bad_rd),
           (True, query(312, ["evil.example.net"]))])
    # upper and mixed case
    for n in ("EVIL.EXAMPLE.NET", "Evil.Example.Net", "WWW.DuckDNS.org"):
        uflow([(True, query(320, [n])), (False, answer(320, n, [("A", bytes(4))]))])
    # a malformed request in the middle of a flow: the next still counts
    uflow([(True, query(330, ["evil.example.net"])),
           (True, header(331, flags(), 5) + b"\x03abc"),
           (True, query(332, ["evil.example.net"]))])
    # a response sent to the server first (the flow is reversed), then a query
    uflow([(True, answer(340, "evil.example.net", [("A", bytes(4))])),
           (True, query(341, ["evil.example.net"]))])
    # the server speaks first: a query from port 53 (not detected: dp is the client's)
    cp = nport()
    pkts.append(udp(m, cp, 53, query(350, ["evil.example.net"]), from_client=False))
    # DNS on another port and from port 53: not detected
    uflow([(True, query(360, ["evil.example.net"]))], sport=5353)
    uflow([(True, query(361, ["evil.example.net"])),
           (False, answer(361, "evil.example.net", [("A", bytes(4))]))], sport=5300)
    # an empty datagram first: the direction is not DNS
    uflow([(True, b""), (True, query(369, ["evil.example.net"]))])
    # non-DNS on port 53 first (long, short), then a query
    uflow([(True, b"GET /evil.example.net HTTP/1.1\r\n\r\n"),
           (True, query(370, ["evil.example.net"]))])
    uflow([(True, b"evil.example"), (True, query(371, ["evil.example.net"]))])
    uflow([(True, b"junk"), (False, answer(372, "evil.example.net", [("A", bytes(4))])),
           (True, query(373, ["evil.example.net"]))])
    # the client's first datagram is junk, the server answers DNS
    uflow([(True, b"this is not dns, it is just text"),
           (False, answer(374, "evil.example.net", [("A", bytes(4))])),
           (True, query(375, ["evil.example.net"]))])
    # a header promising more records than fit: not DNS
    uflow([(True, header(380, flags(), 40) + question("evil.example.net"))])
    # counts that fit without the header's 12 bytes, and with them
    uflow([(True, header(383, flags(), 1, 15) + question("evil.example.net"))])
    uflow([(True, header(384, flags(), 1, 9) + question("evil.example.net"))])
    # a query with the Z flag (still a transaction), a response with QR clear
    uflow([(True, header(381, flags(z=1), 1) + question("evil.example.net")),
           (False, header(381, flags(qr=0), 1) + question("evil.example.net"))])
    # no question at all (opcode rules still see it); two messages in one datagram
    uflow([(True, header(385, flags(opcode=2), 0)), (False, header(385, flags(qr=1, opcode=2), 0))])
    uflow([(True, query(386, ["evil.example.net"]) + query(387, ["www.duckdns.org"]))])
    # an EDNS query (OPT record in the additional section)
    edns = header(382, flags(), 1, 0, 0, 1) + question("evil.example.net") + \
        b"\x00" + struct.pack(">HHIH", 41, 4096, 0, 0)
    uflow([(True, edns)])

    # IPv6
    cp = nport()
    pkts.append(udp(m, cp, 53, query(390, ["evil.example.net"]), cli="2001:db8::3",
                    srv="2001:db8::4"))
    pkts.append(udp(m, cp, 53, answer(390, "evil.example.net", [("AAAA", bytes(16))]),
                    cli="2001:db8::3", srv="2001:db8::4", from_client=False))

    # ---- TCP ----
    def tflow(exchanges, sport=53, seg=None):
        pkts.extend(tcp_flow(m, nport(), sport, exchanges, seg))


    q = query(400, ["evil.example.net"])
    r = answer(400, "evil.example.net", [("A", bytes(4))])
    tflow([(lp(q), lp(r))])
    # the length prefix split from its message, and a byte at a time
    tflow([(lp(q), lp(r))], seg=1)
    tflow([(lp(q), lp(r))], seg=3)
    pkts.extend(tcp_flow(m, nport(), 53, [(lp(q), lp(r))], seg=4, v6=True))
    # several messages in one segment, a zero length among them
    many = lp(query(401, ["a.example.com"])) + b"\0\0" + lp(query(402, ["evil.example.net"])) + \
        lp(query(403, ["rs-a.rustdesk.com"]))
    tflow([(many, lp(r) + lp(r))])
    tflow([(many, None)], seg=7)
    # one message over two exchanges' worth of segments
    tflow([(lp(q)[:5], None), (lp(q)[5:], lp(r))])
    # a message that does not parse ends the parsing: the later one is not seen
    bad = header(404, flags(), 1) + b"\x43bad\x00\x00\x01\x00\x01"
    tflow([(lp(bad) + lp(query(405, ["evil.example.net"])), None)])
    # a bad response ends the parsing of both directions
    tflow([(lp(q), lp(header(406, flags(qr=1), 1) + b"\x43bad")), (lp(q), None)])
    # a record with no data (A, an unknown type) is not a response: over
    # TCP the parsing ends, the next query is not seen; over UDP no
    # response transaction
    for t in ("A", "T99"):
        www = query(420, ["www.example.com"])
        tflow([(lp(www), lp(answer(420, "www.example.com", [(t, b"")]))), (lp(q), None)])
    for t in ("A", "T99"):
        uflow([(True, query(421, ["op4.example.com"], opcode=4)),
               (False, answer(421, "op4.example.com", [(t, b"")], opcode=4))])
    # the client sends a response first
    tflow([(lp(r), lp(q))])
    # non-DNS over TCP on port 53, DNS over TCP on another port
    tflow([(b"HELLO evil.example.net, this is not DNS at all\r\n", b"NO\r\n")])
    tflow([(lp(q), lp(r))], sport=5353)
    # HTTP on port 53 is HTTP
    tflow([(b"GET /evil.example.net HTTP/1.1\r\nHost: a\r\n\r\n", None)])

    # random queries and answers, for volume
    for i in range(60):
        n = rnd.choice(NAMES + ["r%d.evil.example.net" % i, "R%d.DUCKDNS.ORG" % i])
        ident = 1000 + i
        qd = query(ident, [n], qtype=rnd.choice([1, 28, 16]))
        an = answer(ident, n, [("A", bytes([10, 0, 0, i % 256]))])
        if rnd.random() < 0.3:
            tflow([(lp(qd), lp(an))], seg=rnd.choice([None, 2, 5]))
        else:
            uflow([(True, qd), (False, an)])
    return pkts


def gap_flows(m):
    """
    TCP flows to port 53 that lost segments (never in the capture; the
    peer acknowledges past them): the partial message before a gap is
    dropped and the parsing goes on with the next bytes, as dns.rs does
    after a gap.
    """
    pkts = []
    port = [21000]

    def gapped(dirs, ack_lost=True):
        """
        A TCP connection to port 53: the client's segments, then the
        server's (dirs[1], if any), each acknowledged by the peer; a None
        is a segment of 11 bytes missing from the capture (its
        acknowledgement is there; without @ack_lost, only the next
        segment's acknowledgement covers it).
        """
        port[0] += 1
        cp = port[0]
        c = m.Tcp(cli=("10.5.0.1", cp), srv=("10.6.0.1", 53), cisn=cp * 7, sisn=cp * 11)
        out = c.handshake()
        off = [0, 0]
        for d, segs in enumerate(dirs):
            for seg in segs:
                if seg is not None:
                    out.append(c.c(off[0], seg) if d == 0 else c.s(off[1], seg))
                off[d] += len(seg) if seg is not None else 11
                if seg is None and not ack_lost:
                    continue
                if d == 0:
                    out.append(c.pkt(False, "A", c.sisn + 1 + off[1], c.cisn + 1 + off[0]))
                else:
                    out.append(c.pkt(True, "A", c.cisn + 1 + off[0], c.sisn + 1 + off[1]))
        out.append(c.pkt(True, "FA", c.cisn + 1 + off[0], c.sisn + 1 + off[1]))
        out.append(c.pkt(False, "FA", c.sisn + 1 + off[1], c.cisn + 2 + off[0]))
        out.append(c.pkt(True, "A", c.cisn + 2 + off[0], c.sisn + 2 + off[1]))
        pkts.extend(out)

    r = lp(answer(400, "evil.example.net", [("A", bytes(4))]))
    w = lp(query(410, ["www.example.com"]))
    lost = lp(query(411, ["lost.example.com"]))
    ev = lp(query(412, ["evil.example.net"]))
    gapped([[w, None, ev]])                  # a whole message lost
    gapped([[w + lost[:5], None, ev]])       # a partial message, then its rest lost
    gapped([[w, lost[:5], None, ev]])        # its start held in its own segment
    gapped([[w], [lp(r), None, lp(r)]])      # a lost response: the next one counts
    gapped([[w, None, lost[5:] + ev]])       # the bytes after the gap are not a message start
    gapped([[w, None, ev, lost]])            # more after the first message past the gap
    gapped([[w, None, b"\x00\x30junk, not dns", ev]])  # not DNS after the gap, then DNS
    gapped([[w, None, ev]], ack_lost=False)  # the hole acknowledged after the next segment
    gapped([[w + lost[:5], None, ev, w]], ack_lost=False)
    return pkts


def rule_flows(m, rules_path, count=1500):
    """
    Flows querying names made of the first dns.query content of the rules
    in @rules_path (as is, behind "www.", in upper case, behind an "x"),
    one in five over TCP; a response to each.
    """
    names = []
    with open(rules_path, errors="replace") as f:
        for line in f:
            m2 = not line.startswith("#") and \
                re.search(r'dns[._]query;(.*?)content:"([^"]*)"', line)
            if not m2:
                continue
            c = re.sub(r"\|([0-9a-fA-F ]+)\|",
                       lambda h: "".join(chr(int(x, 16)) for x in h.group(1).split()),
                       m2.group(2))
            if all(33 <= ord(ch) <= 126 for ch in c):
                names.append(c)
    random.Random(7).shuffle(names)
    pkts = []
    for i, c in enumerate(names[:count]):
        n = c.strip(".")
        n = [n, "www." + n, n.upper(), "x" + n][i % 4]
        n = ".".join(label[:63] for label in n.split(".") if label)
        if not n:
            continue
        q, r = query(i, [n]), answer(i, n, [("A", bytes(4))])
        if i % 5 == 0:
            pkts += tcp_flow(m, 2000 + i, 53, [(lp(q), lp(r))], seg=None if i % 2 else 3)
        else:
            pkts += [udp(m, 2000 + i, 53, q), udp(m, 2000 + i, 53, r, from_client=False)]
    return pkts


def case_dns(m, t, tmp):
    """The capture and rules through Suricata 7 and nfipsctl replay."""
    with open(RULES) as f:
        rules = f.read()
    r = subprocess.run([m.NFIPSCTL, "rules", "check", RULES], capture_output=True,
                       text=True, timeout=60)
    t.ok(r.returncode == 0 and "skipped=0 errors=0" in r.stdout,
         "dns.rules: every rule loads", r.stdout + r.stderr)
    m.differential(t, tmp, "dns", flows(m), rules, sets=["packet-alert-max=255"])
    # DNS keywords only: after a gap Suricata also matches payload rules
    # once more than nfips (a stream difference, not DNS parsing)
    app = "".join(ln for ln in rules.splitlines(True) if "dns.query" in ln or
                  "dns_query" in ln or "dns.opcode" in ln)
    m.differential(t, tmp, "dns-gap", gap_flows(m), app, sets=["packet-alert-max=255"])


def case_alert_max(m, t, tmp):
    """
    Suricata's packet-alert-max: one segment of 22 DNS queries alerts 22
    times, 15 of them raised (the default), the first in signature order;
    a drop rule past the cap still drops the flow (inline: no alert after).
    """
    www, ev = lp(query(500, ["www.example.org"])), lp(query(501, ["evil.example.net"]))
    rules = ('alert dns any any -> any any (msg:"evil"; dns.query; content:"evil.example.net"; '
             'sid:11; rev:1;)\n'
             'alert dns any any -> any any (msg:"www"; dns.query; content:"www.example.org"; '
             'sid:12; rev:1;)\n')
    many = tcp_flow(m, 30001, 53, [(www * 20 + ev + www, None)])
    m.differential(t, tmp, "alert-max", many, rules)
    m.differential(t, tmp, "alert-max-3", many, rules, sets=["packet-alert-max=3"])
    r = m.replay(tmp, "alert-max", many, rules)
    recs = [a for a in r.alerts if a.get("pcap_cnt") == 4]
    t.ok(len(recs) == 15 and all(a["nfips"].get("alerts_discarded") == 7 for a in recs),
         "15 records for the packet's 22 alerts, each saying 7 were discarded",
         [a.get("nfips") for a in recs][:2])
    c = m.Tcp(cli=("10.5.0.9", 30002), srv=("10.6.0.9", 80))
    pkts = c.handshake() + [c.c(0, "GET /ATTACK HTTP/1.0\r\n\r\n"),
                            c.s(0, "HTTP/1.0 200 owned\r\n\r\n")]
    drops = "".join('reject tcp any any -> any 80 (msg:"r%d"; content:"ATTACK"; sid:%d;)\n'
                    % (i, 600 + i) for i in range(3))
    drops = ('drop tcp any any -> any 80 (msg:"d"; content:"ATTACK"; sid:599;)\n' + drops +
             'alert tcp any 80 -> any any (msg:"response"; content:"owned"; sid:610;)\n')
    m.differential(t, tmp, "alert-max-drop", pkts, drops,
                   sets=["packet-alert-max=1", "stream.inline=true"])


def case_reversed(m, t, tmp):
    """
    A UDP flow whose first datagram is a query to port 53 and whose next
    ones are queries from port 53: the second reverses the flow (Suricata's
    FlowSwap), after which port 53 is the client. A review found the
    kernel contract letting the flow go after its first datagram, before
    detection could reverse it (the alerts below were missed with
    --kernel-bypass), also with no DNS rule at all.
    """
    pkts = [udp(m, 5000, 53, query(1, ["benign.example.com"])),
            udp(m, 5000, 53, query(2, ["evil.example.com"]), from_client=False),
            udp(m, 5000, 53, query(3, ["evil2.example.com"]), from_client=False)]
    dns = ('alert dns any 53 -> any any (msg:"query from 53"; flow:to_server; dns.query; '
           'content:"evil"; sid:10;)\n')
    raw = ('alert http any any -> any any (msg:"unrelated"; http.uri; content:"/zzz"; sid:30;)\n'
           'alert udp any 53 -> any any (msg:"raw from 53 to server"; flow:to_server; '
           'content:"evil"; sid:12;)\n')
    m.differential(t, tmp, "dns-reversed", pkts, dns)
    m.differential(t, tmp, "dns-reversed-raw", pkts, raw)


def cases(m):
    def case_dns_udp_tcp(t, tmp):
        case_dns(m, t, tmp)
        case_reversed(m, t, tmp)

    def case_dns_alert_max(t, tmp):
        case_alert_max(m, t, tmp)
    return [case_dns_udp_tcp, case_dns_alert_max]


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    import replay_test as rt
    if sys.argv[1] == "--names-from":
        rt.write_pcap(sys.argv[3], 1, rt.stamp(rule_flows(rt, sys.argv[2])))
    else:
        rt.write_pcap(sys.argv[1], 1, rt.stamp(flows(rt)))
