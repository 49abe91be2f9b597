# SPDX-License-Identifier: GPL-2.0
"""
TLS over TCP against Suricata 7: one generated capture of many TLS flows
(TLS 1.2 handshakes with certificate chains made here with the
cryptography module, TLS 1.3 ones, ClientHellos with SNI, GREASE and many
extensions, records and handshake messages split across segments and
records, TLS on ports other than 443, non-TLS on 443) and a rule file
(tls.rules beside this file, plus rules written here from the generated
certificates' fingerprints and serials) using every supported TLS
keyword, through suricata -r and nfipsctl replay: the same alerts per
(sid, flow), counted. JA3 needs no configuration: Suricata 7 turns it on
when a loaded rule uses ja3/ja3s keywords (app-layer.protocols.tls.
ja3-fingerprints: auto, suricata.yaml's default).

Used by replay_test.py (cases()) and alone, to write the capture:
    tls_cases.py OUT.pcap
"""
import datetime
import hashlib
import os
import random
import re
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.path.join(HERE, "tls.rules")

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
except ImportError:         # the case skips
    x509 = None

GREASE = [0x0a0a + 0x1010 * i for i in range(16)]


# ---- certificates ------------------------------------------------------------

def _name(attrs):
    return x509.Name([x509.NameAttribute(oid, val) for oid, val in attrs])


def make_chain(rnd, subject, issuer, serial, n_inter=1):
    """DER certificates: the server's, then @n_inter intermediates."""
    when = datetime.datetime(2023, 1, 1)
    keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(n_inter + 1)]
    names = [subject] + [issuer] + [[(NameOID.COMMON_NAME, "Root %d" % i)]
                                    for i in range(n_inter)]
    ders = []
    for i in range(n_inter + 1):
        b = (x509.CertificateBuilder()
             .subject_name(_name(names[i]))
             .issuer_name(_name(names[i + 1]))
             .public_key(keys[i].public_key())
             .serial_number(serial if i == 0 else rnd.randrange(1, 1 << 64))
             .not_valid_before(when)
             .not_valid_after(when + datetime.timedelta(days=3650)))
        signer = keys[i + 1] if i + 1 < len(keys) else keys[i]
        cert = b.sign(signer, hashes.SHA256())
        ders.append(cert.public_bytes(serialization.Encoding.DER))
    return ders


# ---- handshake messages -------------------------------------------------------

def u8(v):
    return struct.pack("!B", v)


def u16(v):
    return struct.pack("!H", v)


def u24(v):
    return struct.pack("!I", v)[1:]


def ext(t, data):
    return u16(t) + u16(len(data)) + data


def ext_sni(name):
    n = name.encode() if isinstance(name, str) else name
    entry = u8(0) + u16(len(n)) + n
    return ext(0, u16(len(entry)) + entry)


def ext_groups(groups):
    body = b"".join(u16(g) for g in groups)
    return ext(10, u16(len(body)) + body)


def ext_formats(fmts):
    return ext(11, u8(len(fmts)) + bytes(fmts))


def hs(t, body):
    return u8(t) + u24(len(body)) + body


def client_hello(rnd, version=0x0303, ciphers=(0x1301, 0x1302, 0xc02f), exts=(),
                 sid=b""):
    body = (u16(version) + bytes(rnd.randrange(256) for _ in range(32)) +
            u8(len(sid)) + sid +
            u16(2 * len(ciphers)) + b"".join(u16(c) for c in ciphers) +
            u8(1) + u8(0))
    if exts is not None:
        e = b"".join(exts)
        body += u16(len(e)) + e
    return hs(1, body)


def server_hello(rnd, version=0x0303, cipher=0xc02f, exts=()):
    body = (u16(version) + bytes(rnd.randrange(256) for _ in range(32)) +
            u8(0) + u16(cipher) + u8(0))
    if exts is not None:
        e = b"".join(exts)
        body += u16(len(e)) + e
    return hs(2, body)


def certificate(ders):
    lst = b"".join(u24(len(d)) + d for d in ders)
    return hs(11, u24(len(lst)) + lst)


def records(rtype, data, version=0x0303, size=None):
    """@data in records of @size bytes at most (one record when None)."""
    size = size or max(len(data), 1)
    out = b""
    for i in range(0, max(len(data), 1), size):
        piece = data[i:i + size]
        out += u8(rtype) + u16(version) + u16(len(piece)) + piece
    return out


def split_records(msgs, rnd, rtype=22, version=0x0303):
    """
    Handshake messages @msgs in records, each message with probability 1/2
    cut between two records somewhere past its header.
    """
    data, cuts, pos = b"".join(msgs), [], 0
    for msg in msgs:
        if len(msg) > 5 and rnd.random() < 0.5:
            cuts.append(pos + rnd.randrange(4, len(msg)))
        pos += len(msg)
    out, prev = b"", 0
    for c in cuts + [len(data)]:
        out += records(rtype, data[prev:c], version)
        prev = c
    return out


def ccs(version=0x0303):
    return records(20, b"\x01", version)


def appdata(data, version=0x0303):
    return records(23, data, version)


# ---- connections ---------------------------------------------------------------

def _segments(data, seg):
    if not seg:
        return [data]
    return [data[i:i + seg] for i in range(0, len(data), seg)]


def conversation(m, cport, sport, flights, cseg=None, sseg=1400,
                 cli="10.3.0.1", srv="10.4.0.1"):
    """
    One TCP connection: handshake, then @flights, a list of (from_client,
    bytes), each in @cseg / @sseg byte segments, each acknowledged; FINs.
    """
    c = m.Tcp(cli=(cli, cport), srv=(srv, sport), cisn=cport * 7, sisn=cport * 13)
    pkts = c.handshake()
    off = [0, 0]
    for from_client, data in flights:
        k = 0 if from_client else 1
        for piece in _segments(data, cseg if from_client else sseg):
            pkts.append(c.c(off[0], piece) if from_client else c.s(off[1], piece))
            off[k] += len(piece)
            pkts.append(c.pkt(not from_client, "A", (c.sisn if from_client else c.cisn) +
                              1 + off[1 - k], (c.cisn if from_client else c.sisn) + 1 + off[k]))
    pkts.append(c.pkt(True, "FA", c.cisn + 1 + off[0], c.sisn + 1 + off[1]))
    pkts.append(c.pkt(False, "FA", c.sisn + 1 + off[1], c.cisn + 2 + off[0]))
    pkts.append(c.pkt(True, "A", c.cisn + 2 + off[0], c.sisn + 2 + off[1]))
    return pkts


# ---- the capture ---------------------------------------------------------------

SNIS = ["www.example.com", "mail.evil-domain.net", "cdn.ExAmPlE.org", "c2.badactor.top",
        "badactor.top",
        "login.microsoftonline.com.phish.xyz", "api.tracker.io"]
ORGS = ["Example Inc", "Evil Corp, Inc.", "Let's Encrypt", "Acme + Sons", "Bad Actor LLC"]
CNS = ["example.com", "evil-domain.net", "*.badactor.top", "localhost", "api.tracker.io"]
CIPHERS = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
           0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035]
GROUPS = [0x001d, 0x0017, 0x0018, 0x0019, 0x0100]
MARK = b"ATTACK-IN-TLS"


class Gen:
    """Flows and what the rules written at test time need to know of them."""

    def __init__(self, m):
        self.m = m
        self.rnd = random.Random(14)
        self.pkts = []
        self.port = 42000
        self.fingerprints = []      # (sid, fingerprint) of chosen certificates
        self.ja3 = []               # ja3 strings of chosen hellos
        self.ja3s = []
        self.ja4 = []

    def add(self, sport, flights, cseg=None, sseg=1400):
        self.port += 1
        self.pkts += conversation(self.m, self.port, sport, flights, cseg=cseg, sseg=sseg)

    def hello_exts(self, sni, grease, many, early=False, tls13=False):
        r = self.rnd
        exts = []
        if grease:
            exts.append(ext(r.choice(GREASE), b""))
        if sni is not None:
            exts.append(ext_sni(sni))
        groups = ([r.choice(GREASE)] if grease else []) + r.sample(GROUPS, r.randint(1, 4))
        exts += [ext(23, b""), ext(0xff01, b"\x00"), ext_groups(groups), ext_formats([0])]
        if many:
            exts += [ext(35, b""), ext(16, b"\x00\x0c\x02h2\x08http/1.1"),
                     ext(5, b"\x01\x00\x00\x00\x00"), ext(13, b"\x00\x04\x04\x03\x08\x04"),
                     ext(18, b""), ext(51, b"\x00\x00"), ext(45, b"\x01\x01"),
                     ext(27, b"\x02\x00\x02"), ext(17513, b"\x00\x03\x02h2"),
                     ext(21, b"\x00" * r.randint(1, 200))]
        if tls13:
            exts.append(ext(43, b"\x04\x03\x04\x03\x03"))
        if early:
            exts.append(ext(42, b""))
        if grease:
            exts.append(ext(r.choice(GREASE), b"\x00"))
        r.shuffle(exts)
        return exts

    def client_hello(self, sni, grease=True, many=False, early=False, tls13=False):
        r = self.rnd
        ciphers = ([r.choice(GREASE)] if grease else []) + r.sample(CIPHERS, r.randint(2, 12))
        return client_hello(r, ciphers=ciphers,
                            exts=self.hello_exts(sni, grease, many, early, tls13))

    def subject(self):
        r = self.rnd
        attrs = [(NameOID.COUNTRY_NAME, r.choice(["US", "JP", "RU"])),
                 (NameOID.ORGANIZATION_NAME, r.choice(ORGS)),
                 (NameOID.COMMON_NAME, r.choice(CNS))]
        if r.random() < 0.3:
            attrs.append((NameOID.EMAIL_ADDRESS, "admin@%s" % r.choice(CNS).lstrip("*.")))
        if r.random() < 0.3:
            attrs.insert(2, (NameOID.ORGANIZATIONAL_UNIT_NAME, "IT Ops"))
        return attrs

    def tls12(self, sport=443, sni="www.example.com", cseg=None, sseg=1400, split=False,
              recsize=None,
              grease=True, many=False, n_inter=1, serial=None, appdata=MARK, keep=False,
              cprefix=None):
        """
        A TLS 1.2 handshake with a certificate chain, then application data;
        @cprefix(ClientHello) gives records sent before the ClientHello's.
        """
        r = self.rnd
        ch = self.client_hello(sni, grease, many)
        sh = server_hello(r, cipher=r.choice([0xc02f, 0xc030, 0x009c]),
                          exts=[ext(0xff01, b"\x00"), ext(11, b"\x01\x00")] +
                          ([ext(23, b"")] if r.random() < 0.5 else []))
        ders = make_chain(r, self.subject(), [(NameOID.COMMON_NAME, r.choice(
            ["Bad CA", "R3", "Evil Root CA"])), (NameOID.ORGANIZATION_NAME, r.choice(ORGS))],
            serial if serial is not None else r.randrange(1, 1 << 120), n_inter)
        if keep:
            self.fingerprints.append(":".join("%02x" % b for b in hashlib.sha1(ders[0]).digest()))
            self.ja3.append(ja3(ch))
            self.ja3s.append(ja3(sh))
            self.ja4.append(ja4(ch))
        server = [sh, certificate(ders), hs(12, b"\x03\x00\x1d\x20" + b"\x11" * 32), hs(14, b"")]
        if cprefix:
            flights = [(True, cprefix(ch) + records(22, ch)),
                       (False, records(22, b"".join(server)))]
        elif split:
            flights = [(True, split_records([ch], r)), (False, split_records(server, r))]
        elif recsize:
            # records of @recsize bytes: messages over many records, and
            # headers cut between records, which Suricata refuses
            flights = [(True, records(22, ch, size=recsize)),
                       (False, records(22, b"".join(server), size=recsize))]
        else:
            flights = [(True, records(22, ch)), (False, records(22, b"".join(server)))]
        flights += [
                   (True, records(22, hs(16, b"\x20" + b"\x22" * 32)) + ccs() +
                    records(22, b"\x33" * 40)),
                   (False, ccs() + records(22, b"\x44" * 40))]
        if appdata:
            flights += [(True, appdata_rec(appdata)), (False, appdata_rec(appdata + b" reply"))]
        self.add(sport, flights, cseg=cseg, sseg=sseg)
        return ch, sh

    def tls13(self, sport=443, sni="www.example.com", early=False, cseg=None):
        """A TLS 1.3 handshake: the certificate is encrypted, JA3S is not."""
        r = self.rnd
        ch = self.client_hello(sni, True, True, early=early, tls13=True)
        sh = server_hello(r, cipher=0x1301, exts=[ext(43, b"\x03\x04"),
                                                  ext(51, b"\x00\x1d\x00\x20" + b"\x55" * 32)])
        flights = [(True, records(22, ch, version=0x0301))]
        if early:
            flights += [(True, ccs() + appdata_rec(b"early " + MARK))]
        flights += [(False, records(22, sh) + ccs() + appdata_rec(b"\x66" * 600)),
                    (True, (b"" if early else ccs()) + appdata_rec(b"\x77" * 60)),
                    (True, appdata_rec(MARK)), (False, appdata_rec(MARK))]
        self.add(sport, flights, cseg=cseg)


def ja3(hello):
    """JA3 (or JA3S for a ServerHello) string of a hello message, GREASE left out."""
    def u(b, i, n):
        return int.from_bytes(b[i:i + n], "big")
    client = hello[0] == 1
    b = hello[4:]
    ver, i = u(b, 0, 2), 2 + 32
    i += 1 + b[i]
    if client:
        n = u(b, i, 2)
        ciphers = [u(b, i + 2 + k, 2) for k in range(0, n, 2)]
        i += 2 + n
        i += 1 + b[i]
    else:
        ciphers = [u(b, i, 2)]
        i += 3
    exts, groups, fmts = [], [], []
    end = i + 2 + u(b, i, 2) if i < len(b) else i
    i += 2
    while i < end:
        t, n = u(b, i, 2), u(b, i + 2, 2)
        d = b[i + 4:i + 4 + n]
        exts.append(t)
        if t == 10 and client:
            groups = [u(d, 2 + k, 2) for k in range(0, u(d, 0, 2), 2)]
        if t == 11 and client:
            fmts = list(d[1:1 + d[0]])
        i += 4 + n

    def j(v):
        return "-".join(str(x) for x in v if x not in GREASE)
    f = [str(ver), j(ciphers), j(exts)] + ([j(groups), j(fmts)] if client else [])
    return ",".join(f)


def ja4(hello):
    """JA4 of a ClientHello, as Suricata 7's ja4.rs computes it."""
    def u(b, i, n):
        return int.from_bytes(b[i:i + n], "big")
    b = hello[4:]
    ver, i = u(b, 0, 2), 34
    i += 1 + b[i]
    n = u(b, i, 2)
    ciphers = [u(b, i + 2 + k, 2) for k in range(0, n, 2)]
    i += 2 + n
    i += 1 + b[i]
    end = i + 2 + u(b, i, 2)
    i += 2
    exts, sigalgs, alpn, nexts, sni = [], [], "00", 0, "i"
    while i < end:
        t, n = u(b, i, 2), u(b, i + 2, 2)
        d = b[i + 4:i + 4 + n]
        i += 4 + n
        if t in GREASE:
            continue
        nexts += 1
        if t == 0:
            sni = "d"
        elif t == 16:
            name = d[3:3 + d[2]]
            if len(name) > 1 and not (len(name) == 2 and (name[0] << 8 | name[1]) in GREASE):
                alpn = chr(name[0]) + chr(name[-1])
        else:
            exts.append(t)
        if t == 13:
            sigalgs = [v for v in (u(d, 2 + k, 2) for k in range(0, u(d, 0, 2), 2))
                       if v not in GREASE]
        if t == 43:
            for k in range(1, 1 + d[0], 2):
                v = u(d, k, 2)
                if v not in GREASE:
                    ver = max(ver, v)
    code = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3"}.get(ver, "00")
    ciphers = sorted(c for c in ciphers if c not in GREASE)

    def h(x):
        return hashlib.sha256(x.encode()).hexdigest()[:12]
    a = "t%s%s%02d%02d%s" % (code, sni, min(99, len(ciphers)), min(99, nexts), alpn)
    c = ",".join("%04x" % e for e in sorted(exts)) + "_" + ",".join("%04x" % v for v in sigalgs)
    return "%s_%s_%s" % (a, h(",".join("%04x" % x for x in ciphers)), h(c))


def appdata_rec(data):
    return records(23, data)


def flows(m):
    """Packets of every flow of the capture, and the generator's notes."""
    g = Gen(m)
    r = g.rnd
    # the named cases first: sids of the written rules rely on them
    g.tls12(sni="www.example.com", serial=0x00ab12cd, keep=True)
    g.tls12(sni="c2.badactor.top", cseg=7, sseg=5, keep=True)        # tiny segments
    g.tls12(sni="mail.evil-domain.net", split=True, keep=True)       # messages over records
    g.tls12(sni="www.example.com", recsize=16)                        # over many records
    g.tls12(sport=8443, sni="c2.badactor.top", many=True, keep=True)  # not 443
    g.tls12(sport=9999, sni="api.tracker.io", split=True, cseg=3, n_inter=3)
    g.tls12(sni=None)                                                 # no SNI
    g.tls12(sni="cdn.ExAmPlE.org", grease=False, keep=True)
    g.tls12(sni="www.example.com", serial=0x7f)
    g.tls13(sni="login.microsoftonline.com.phish.xyz")
    g.tls13(sport=4433, sni="c2.badactor.top", early=True)
    g.tls13(sni="api.tracker.io", cseg=11)
    # not TLS on 443: HTTP, then a banner and garbage
    g.add(443, [(True, b"GET /ATTACK-IN-TLS HTTP/1.1\r\nHost: x\r\n\r\n"),
                (False, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")])
    g.add(443, [(False, b"220 smtp ready " + MARK + b"\r\n"), (True, b"EHLO x\r\n")])
    g.add(443, [(True, b"\x16\x02\x01\x00\x10" + MARK), (False, b"\x00" * 20)])
    # malformed: a ClientHello whose extensions overrun it, a huge record
    bad = bytearray(g.client_hello("www.example.com"))
    bad[-40] ^= 0xff
    g.add(443, [(True, records(22, bytes(bad))), (False, appdata_rec(MARK))])
    g.add(443, [(True, b"\x16\x03\x01\xff\xff" + MARK * 3), (False, appdata_rec(MARK))])
    # a handshake message announcing 16 MiB: refused, the flow goes on unparsed
    g.add(443, [(True, records(22, b"\x0b\xff\xff\xff" + b"\x00" * 100)),
                (False, appdata_rec(MARK))])
    # volume
    for i in range(100):
        kind = r.random()
        sni = r.choice(SNIS + [None])
        port = r.choice([443, 443, 443, 8443, 993, 50000 + i])
        if kind < 0.7:
            g.tls12(sport=port, sni=sni, cseg=r.choice([None, None, 5, 40]),
                    sseg=r.choice([1400, 1400, 9, 100]), split=r.random() < 0.3,
                    recsize=r.choice([None, None, None, 30, 50, 200]),
                    grease=r.random() < 0.6, many=r.random() < 0.5, n_inter=r.randint(0, 3),
                    appdata=r.choice([MARK, b"benign", None]))
        else:
            g.tls13(sport=port, sni=sni, early=r.random() < 0.2, cseg=r.choice([None, 6]))
    # A handshake message of a type Suricata does not reassemble, before the
    # ClientHello: skipped to its record's end, it must not hide the SNI
    # (a review's bypass: reassembled, it swallowed the ClientHello).
    g.tls12(sni="c2.badactor.top", cprefix=lambda ch: records(22, b"\x63\xff\xff\xff"))
    for t in (0x63, 8):
        g.tls12(sni="c2.badactor.top", cprefix=lambda ch, t=t: records(22, u8(t) + u24(len(ch))))
    review_flows(g)
    low_flows(g)
    return g


def evil_chain(g, serial):
    """A server certificate CN=EvilCorp and its issuer's (tls.rules sid 100)."""
    return make_chain(g.rnd, [(NameOID.COMMON_NAME, "EvilCorp")],
                      [(NameOID.COMMON_NAME, "EvilCA")], serial)


def review_flows(g):
    """
    The adversarial review's TLS cases (review-parsers.md), each a flow
    where nfips and Suricata 7 once differed.
    """
    r = g.rnd
    ch = client_hello(r, exts=[ext_sni("ok.example.org")])
    # A Certificate message of 300 KiB (a junk certificate after the
    # server's): Suricata reassembles it whole and decodes the first
    # certificate; nfips refused messages over 256 KiB.
    msg = (server_hello(r) + certificate(evil_chain(g, 4242) + [b"\x30\x82" + b"A" * (300 << 10)])
           + hs(14, b""))
    g.add(443, [(True, records(22, ch)), (False, records(22, msg, size=16384))])
    # Until one decodes, each certificate is tried as the first (Suricata's
    # certn stays 0): a junk one before the server's hides nothing.
    msg = server_hello(r) + certificate([b"\x30\x03\x02\x01\x01"] + evil_chain(g, 4243))
    g.add(443, [(True, records(22, ch)), (False, records(22, msg) + appdata_rec(MARK))])
    # A second ClientHello (after a HelloRetryRequest): Suricata decodes
    # every hello, the SNI and JA3 if none yet, JA4 over both; nfips took
    # the first only. After a ChangeCipherSpec it reads no hello.
    nosni = client_hello(r, ciphers=(0x1301, 0x1302, 0xc02f), exts=[ext(23, b"")])
    evil = client_hello(r, ciphers=(0x1301, 0x1302, 0xc02f), exts=[ext_sni("evil.example.com")])
    g.add(443, [(True, records(22, nosni + evil))])
    g.add(443, [(True, records(22, nosni) + records(22, evil))])
    hrr = server_hello(r, cipher=0x1301, exts=[ext(43, b"\x03\x04")])
    # A first hello whose extensions overrun it leaves JA3 unhashed: the
    # second's fields are appended and hashed.
    bad = bytearray(client_hello(r, ciphers=(0x1301, 0x1302, 0xc02f), exts=[ext(23, b"")]))
    bad[-1] = 0x40
    g.add(443, [(True, records(22, bytes(bad)) + records(22, evil))])
    # Suricata advances over the server_name, supported_groups,
    # ec_point_formats, supported_versions and signature_algorithms
    # extensions by what it decoded of them, each bounded by the hello's
    # end, not the extension list's: an extension hidden in one's tail is
    # read, one past a short list too; nfips skipped by their lengths.
    hidden = ext_sni("evil.example.com")
    for outer in (ext(10, u16(2) + u16(0x17) + hidden), ext(11, u8(1) + b"\x00" + hidden),
                  ext(43, u8(2) + b"\x03\x04" + hidden), ext(13, u16(2) + b"\x04\x03" + hidden)):
        g.add(443, [(True, records(22, client_hello(r, exts=[outer, ext_sni("ok.example.org")])))])
    short = client_hello(r, exts=None)
    body = short[4:] + u16(4) + hidden
    g.add(443, [(True, records(22, hs(1, body)))])
    # An SSLv2-compatible ClientHello (80 LL 01 03 01): Suricata's probe on
    # port 443, or its pattern 01 00 02 at offset 2 (an SSLv2 version) on
    # any port, makes the flow TLS; the SSLv2 record is skipped, the
    # server's records are read. nfips did not detect it.
    for port, ver in ((443, 0x0301), (8443, 0x0301), (8443, 0x0002)):
        cs = b"".join(struct.pack("!I", c)[1:] for c in (0x00002f, 0x000035, 0x00000a))
        body = u8(1) + u16(ver) + u16(len(cs)) + u16(0) + u16(16) + cs + b"\x5a" * 16
        sv = records(22, server_hello(r, version=0x0301, cipher=0x002f) +
                     certificate(evil_chain(g, 4244)) + hs(14, b""), version=0x0301)
        g.add(port, [(True, u16(0x8000 | len(body)) + body), (False, sv)])
        if ver == 0x0301:
            # answered in SSLv2: only port 443's probe makes the flow TLS
            v2sh = u8(4) + b"\x00\x01" + u16(2) + u16(0) + u16(3) + u16(16) + b"\x00\x00\x00"
            g.add(port, [(True, u16(0x8000 | len(body)) + body),
                         (False, u16(0x8000 | len(v2sh)) + v2sh)])
    # Suricata's handshake is done once the server's certificate decoded
    # (the client's, when the server asked for it): its certificate
    # buffers are inspected on that packet, with or without a ServerHello;
    # nfips waited for application data or the flow's end, and for a
    # ServerHello.
    ders = evil_chain(g, 4245)
    g.add(443, [(True, records(22, ch)), (False, records(22, server_hello(r) + certificate(ders))),
                (False, records(22, hs(12, b"\x01" * 40))), (False, records(22, hs(14, b"")))])
    g.add(443, [(True, records(22, ch)), (False, records(22, certificate(ders)))])
    g.add(443, [(True, records(22, ch)),
                (False, records(22, server_hello(r) + certificate(ders) + hs(13, b"\x01\x01\x00\x00")
                                + hs(14, b""))),
                (True, records(22, certificate(evil_chain(g, 4246)))), (False, records(22, hs(4, b"")))])
    # One ChangeCipherSpec ends the handshake's parsing in both directions
    # (Suricata's flag is the flow's), unless a TLS 1.3 ClientHello came
    # and no ServerHello yet: nfips stopped the sending direction only.
    ders = evil_chain(g, 4247)
    g.add(443, [(True, records(22, ch) + ccs()),
                (False, records(22, server_hello(r) + certificate(ders) + hs(14, b"")))])
    ch13 = client_hello(r, exts=[ext_sni("ok.example.org"), ext(43, b"\x02\x03\x04")])
    g.add(443, [(True, records(22, ch13) + ccs()),
                (False, records(22, server_hello(r) + certificate(ders) + hs(14, b"")))])
    g.add(443, [(True, records(22, ch13) + ccs()),
                (False, records(22, server_hello(r)) + records(22, certificate(ders) + hs(14, b"")))])
    # tls.version: a ClientHello whose legacy version is 0x0304 (Suricata:
    # "TLS 1.3 draft-<16", 0x7f01; 1.3 to tls.version, 0x7f01 raw).
    g.add(443, [(True, records(22, client_hello(r, version=0x0304, exts=[ext_sni("ok.example.org")]),
                               version=0x0301))])
    # A TLS 1.3 draft's ServerHello (legacy version 0x7f1c) has neither
    # session id nor compression: Suricata reads it so.
    body = u16(0x7f1c) + bytes(32) + u16(0x1301)
    e = ext(43, b"\x7f\x1c")
    g.add(443, [(True, records(22, ch13)), (False, records(22, hs(2, body + u16(len(e)) + e)))])
    # Record headers as Suricata's SSLv3Decode checks them: an unknown type
    # is dropped with the rest of its data in a TLS 1.0 or 1.1 direction
    # (fatal otherwise), a 0-length record is fatal, the version checked
    # is the direction's (a hello's once decoded, whatever the header
    # says), the length at most 2^14 + 1024.
    ders = evil_chain(g, 4248)
    ch10 = client_hello(r, version=0x0301, exts=[ext_sni("ok.example.org")])
    sh10 = server_hello(r, version=0x0301, cipher=0x002f)
    g.add(443, [(True, records(22, ch10, version=0x0301)), (False, records(22, sh10, version=0x0301)),
                (False, b"\x19\x03\x01\x00\x03abc"), (False, records(22, certificate(ders), version=0x0301))])
    g.add(443, [(True, records(22, ch)), (False, records(21, b"", version=0x0303) +
                                           records(22, server_hello(r) + certificate(ders)))])
    g.add(443, [(True, records(22, ch)), (False, records(22, server_hello(r))),
                (False, records(22, certificate(ders), version=0x0000))])
    for size in (17408, 17409):
        pad = client_hello(r, exts=[ext_sni("evil.example.com"), ext(21, b"")])
        pad = client_hello(r, exts=[ext_sni("evil.example.com"), ext(21, bytes(size - len(pad)))])
        g.add(443, [(True, records(22, pad))])
    # JA4's version from supported_versions: the first valid one (a
    # ClientHello listing TLS 1.2 before 1.3), GREASE and noise skipped.
    g.add(443, [(True, records(22, client_hello(r, ciphers=(0x1301, 0x1302), exts=[
        ext_sni("ja4.example.org"), ext(43, b"\x06\x0a\x0a\x03\x03\x03\x04")])))])
    # Hellos sent the wrong way: Suricata decodes each by its type into the
    # sending direction's state (a server's ClientHello gives JA3S the
    # ClientHello's form, a client's ServerHello gives JA3 the other's).
    g.add(443, [(True, records(22, server_hello(r, cipher=0xc030, exts=[ext(0xff01, b"\x00")]))),
                (False, records(22, client_hello(r, ciphers=(0x1301, 0xc02f), exts=[
                    ext_sni("wrong.example.org"), ext_groups([0x1d]), ext_formats([0])])))])
    sh2 = server_hello(r, cipher=0x1301, exts=[ext(43, b"\x03\x04"), ext(51, b"\x00\x1d\x00\x00")])
    g.add(443, [(True, records(22, nosni)), (False, records(22, hrr)),
                (True, records(22, evil)), (False, records(22, sh2))])
    g.add(443, [(True, records(22, nosni)), (False, records(22, hrr) + ccs()),
                (True, ccs() + records(22, evil)), (False, records(22, sh2))])
    # Client bytes Suricata cannot decode (a record of version 0x0100,
    # zeros, an SSLv2 CLIENT-HELLO too short) before the server's hello
    # that detects the flow: they are parsed first, and their error stops
    # the flow's parsing from the next packet on; the server's hello and
    # certificate of that packet are read (JA3S, subject). nfips stopped
    # before them. A ChangeCipherSpec first still hides the ServerHello.
    ders = evil_chain(g, 4249)
    srv = records(22, server_hello(r) + certificate(ders) + hs(14, b""))
    tail = [(True, ccs()), (False, ccs()), (True, appdata_rec(b"Z" * 50)),
            (False, appdata_rec(b"Y" * 50))]
    for junk in (b"\x16\x01\x00\x00\x05AAAAA", bytes(5)):
        g.add(443, [(True, junk + records(22, ch)), (False, srv)] + tail)
        g.add(443, [(True, junk), (False, srv), (True, records(22, ch))] + tail)
    g.add(8443, [(True, b"\x80\x03\x01\x03\x01"), (False, srv)] + tail)
    g.add(443, [(True, ccs() + records(22, ch)), (False, srv)])


def low_flows(g):
    """
    The second review's low cases: heartbeats (Suricata's checks end the
    parsing), a server that speaks first (Suricata's TLS parser wants the
    client's data first: no TLS at all), SSLv2 records either way.
    """
    r = g.rnd
    ch = records(22, client_hello(r, exts=[ext_sni("hb.badactor.top")]))
    srv = records(22, server_hello(r) + certificate(evil_chain(g, 4250)) + hs(14, b""))
    data = [(True, appdata_rec(MARK)), (False, appdata_rec(b"Y" * 50))]

    def hb(t, payload, pad):
        return records(24, u8(t) + u16(payload) + b"H" * payload + b"P" * pad)
    # before the hello: padding under 16, a bad type, two in flight the same
    # way end the parsing; a valid one and its answer do not
    for cli in (hb(1, 16, 0) + ch, hb(1, 16, 16) + ch, hb(3, 0, 16) + ch,
                hb(1, 0, 16) + hb(1, 0, 16) + ch, hb(1, 20, 0)[:5] + b"\x01\x00" + ch):
        g.add(443, [(True, cli), (False, srv)] + data)
    g.add(443, [(True, hb(1, 0, 16)), (False, hb(2, 0, 16)), (True, ch), (False, srv)] + data)
    # encrypted, after ChangeCipherSpec: an answer longer than the request
    # (a heartbleed) ends the parsing, the application data then inspected
    for answer in (40, 20):
        g.add(443, [(True, ch), (False, srv), (True, ccs()), (False, ccs()),
                    (True, records(24, b"\x55" * 30)), (False, records(24, b"\x66" * answer))]
              + data)
    # the server speaks first
    g.add(443, [(False, srv), (True, ch)] + data)
    g.add(443, [(False, b"\x15\x03\x03\x00\x02\x02\x28"), (True, ch), (False, srv)] + data)

    # SSLv2 records of each type from the client, answered in SSLv2 or TLS
    def v2(typ, ver=0x0301):
        b = (bytes([typ]) + u16(ver) + u16(3) + u16(0) + u16(16) + b"\x00\x00\x2f" +
             b"C" * 16)
        return bytes([0x80 | (len(b) >> 8), len(b) & 0xff]) + b
    for cli, answer in ((v2(2), v2(4, 0x0002)), (v2(1), v2(4, 0x0002)), (v2(2), srv),
                        (v2(2) + v2(1), srv), (v2(3), srv), (v2(2), v2(2))):
        for port in (443, 8443):
            g.add(port, [(True, cli), (False, answer), (True, ccs()), (False, ccs())])


def written_rules(g):
    """Rules on values known only once the flows exist (keys are random)."""
    out = []
    for i, fp in enumerate(g.fingerprints):
        out.append('alert tls any any -> any any (msg:"fingerprint %d"; flow:to_client; '
                   'tls.cert_fingerprint; content:"%s"; bsize:59; sid:%d;)' % (i, fp, 9000 + i))
    out.append('alert tls any any -> any any (msg:"fingerprint legacy"; tls_cert_fingerprint; '
               'content:"%s"; sid:9100;)' % g.fingerprints[0].upper())
    for i, (c, sv) in enumerate(zip(g.ja3, g.ja3s)):
        out.append('alert tls any any -> any any (msg:"ja3 %d"; ja3.hash; content:"%s"; '
                   'bsize:32; sid:%d;)' % (i, hashlib.md5(c.encode()).hexdigest(), 9200 + i))
        out.append('alert tls any any -> any any (msg:"ja3 string %d"; ja3.string; '
                   'content:"%s"; startswith; endswith; sid:%d;)' % (i, c, 9300 + i))
        out.append('alert tls any any -> any any (msg:"ja3s %d"; ja3s.hash; content:"%s"; '
                   'sid:%d;)' % (i, hashlib.md5(sv.encode()).hexdigest(), 9400 + i))
        out.append('alert tls any any -> any any (msg:"ja3s string %d"; ja3s.string; '
                   'content:"%s"; bsize:%d; sid:%d;)' % (i, sv, len(sv), 9500 + i))
    for i, v in enumerate(g.ja4):
        out.append('alert tls any any -> any any (msg:"ja4 %d"; ja4.hash; content:"%s"; '
                   'bsize:36; sid:%d;)' % (i, v, 9700 + i))
    out.append('alert tls any any -> any any (msg:"ja4 tls13 with alpn"; ja4.hash; '
               'content:"t13d"; startswith; content:"h2_"; distance:4; within:3; sid:9800;)')
    out.append('alert tls any any -> any any (msg:"ja3 legacy, upper case"; ja3_hash; '
               'content:"%s"; sid:9600;)' % hashlib.md5(g.ja3[0].encode()).hexdigest().upper())
    return "\n".join(out) + "\n"


def case_tls(m, t, tmp):
    """The capture and rules through Suricata 7 and nfipsctl replay."""
    if x509 is None:
        return t.skip("tls: the same alerts as Suricata 7",
                      "python3-cryptography is not installed")
    with open(RULES) as f:
        rules = f.read()
    r = subprocess.run([m.NFIPSCTL, "rules", "check", RULES], capture_output=True,
                       text=True, timeout=60)
    t.ok(r.returncode == 0 and "skipped=0 errors=0" in r.stdout,
         "tls.rules: every rule loads", r.stdout + r.stderr)
    g = flows(m)
    rules += written_rules(g)
    m.differential(t, tmp, "tls", g.pkts, rules, sets=["packet-alert-max=255"])
    # Payload rules alone: the parsers still run and end payload
    # inspection at application data, as Suricata's always do.
    m.differential(t, tmp, "tls-raw", g.pkts, RAW_ONLY, sets=["packet-alert-max=255"])
    m.differential(t, tmp, "tls-held", held_flows(m), HELD_RULES, sets=["packet-alert-max=255"])
    # Every keyword is exercised: each rule alerts somewhere, but the
    # "never" ones (what must not match: case kept, GREASE, two instances).
    r = subprocess.run([m.NFIPSCTL, "replay", "--rules", os.path.join(tmp, "tls.rules"),
                        "--pcap", os.path.join(tmp, "tls.pcap")],
                       capture_output=True, text=True, timeout=120)
    fired = {int(x) for x in re.findall(r'"signature_id":(\d+)', r.stdout)}
    want = {int(sid): msg.startswith("never") for msg, sid in
            re.findall(r'msg:"([^"]*)";.*?sid:(\d+);', rules)}
    bad = sorted(sid for sid, never in want.items() if (sid in fired) == never)
    t.ok(r.returncode in (0, 1) and want and not bad,
         "tls: every rule alerts on the capture, the never ones do not",
         "wrong: sids %s" % bad)


# The generator's application data is readable ("ATTACK-IN-TLS"): a
# payload rule must not see it, as Suricata stops inspecting there.
RAW_ONLY = ('alert tcp any any -> any any (msg:"a name in a hello"; flow:established; '
            'content:"badactor"; sid:1; rev:1;)\n'
            'alert tcp any any -> any any (msg:"in application data"; flow:established; '
            'content:"ATTACK-IN-TLS"; sid:2; rev:1;)\n')


HELD_RULES = ('alert tcp any any -> any any (msg:"mark"; flow:established; '
              'content:"ATTACK-MARK"; sid:1; rev:1;)\n')


def held_flows(m):
    """
    Application data headers whose bodies are held back (a peer that owns
    both ends): a header alone must not end payload inspection, as
    Suricata acts on the body's slices only; 0-RTT judged per slice. Every
    segment acknowledged, as Suricata inspects what was.
    """
    rnd = random.Random(7)
    hdr, mark = b"\x17\x03\x03\x00\x40", b"ATTACK-MARK"

    def hello(early=False):
        exts = [ext_sni("www.example.com")] + ([ext(42, b""), ext(43, b"\x02\x03\x04")]
                                               if early else [])
        return records(22, client_hello(rnd, exts=exts), 0x0301)

    def shello(tls13=False):
        return records(22, server_hello(rnd, exts=[ext(43, b"\x03\x04")] if tls13 else []))

    done = records(22, hs(14, b""))
    convs = [
        (443, [(1, hello()), (0, shello() + done), (0, hdr), (1, mark + b" from client"),
               (0, b"B" * 64)]),
        (9999, [(1, hello()), (0, shello() + done), (0, hdr[:2]), (0, hdr[2:]),
                (1, mark + b" x"), (0, b"B" * 64)]),
        (443, [(1, hello()), (0, shello() + done), (0, hdr), (1, mark + b" no body")]),
        (8443, [(0, hdr), (1, mark + b" clear"), (0, b"C" * 64)]),
        (7000, [(1, b"HELLO THERE\r\n"), (0, hdr), (1, mark + b" clear"), (0, b"C" * 64)]),
        (443, [(1, hello(True) + hdr), (0, shello(True)), (1, b"E" * 64),
               (1, records(22, mark * 2))]),
        (443, [(1, hello()), (0, shello() + done), (1, hdr + mark + b"y" * 53)]),
    ]
    pkts = []
    for i, (port, steps) in enumerate(convs):
        f = m.Tcp(cli=("10.3.1.1", 51000 + i), srv=("10.4.1.1", port))
        off = [0, 0]
        pkts += f.handshake()
        for from_client, data in steps:
            me, peer = (0, 1) if from_client else (1, 0)
            isn = (f.cisn, f.sisn)
            pkts.append(f.pkt(from_client, "PA", isn[me] + 1 + off[me], isn[peer] + 1 + off[peer],
                              data))
            off[me] += len(data)
            pkts.append(f.pkt(not from_client, "A", isn[peer] + 1 + off[peer],
                              isn[me] + 1 + off[me]))
        pkts += [f.pkt(True, "FA", f.cisn + 1 + off[0], f.sisn + 1 + off[1]),
                 f.pkt(False, "FA", f.sisn + 1 + off[1], f.cisn + 2 + off[0]),
                 f.pkt(True, "A", f.cisn + 2 + off[0], f.sisn + 2 + off[1])]
    return pkts


def cases(m):
    def case_tls_handshakes(t, tmp):
        case_tls(m, t, tmp)
    return [case_tls_handshakes]


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    import replay_test as rt
    rt.write_pcap(sys.argv[1], 1, rt.stamp(flows(rt).pkts))
