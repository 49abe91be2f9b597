# SPDX-License-Identifier: GPL-2.0
"""
Server certificates Suricata 7.0.10's X.509 parser (x509-parser) decodes
and OpenSSL's does not, and the reverse, against Suricata 7: one capture
of TLS 1.2 handshakes, each with a certificate built here DER by hand
(signatures never checked, by either side), malformed one way: serials
padded, empty, negative or BER; versions; names with bad UTF-8, other
string types, odd BMPStrings, unknown or padded OIDs, RDNs cut short;
times Suricata refuses; data where x509-parser ignores or refuses it;
unique identifiers and extensions; chains where the first certificate is
refused or its subject or issuer holds a NUL; then chains of many or
large certificates (tls.certs past the 32nd and past 256 KiB, which nfips
once dropped; past the 1,024th, which Suricata does not inspect). The
rules read every
certificate buffer, most of them for the exact string Suricata shows, so
a rendering that differs is a difference in the count of alerts.

Used by replay_test.py (cases()) and alone, to write the capture:
    x509_cases.py OUT.pcap
"""
import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tls_cases as tc  # noqa: E402  (handshake messages, connections)


# ---- DER ------------------------------------------------------------------------

def length(n):
    if n < 0x80:
        return bytes([n])
    s = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(s)]) + s


def tlv(tag, *parts):
    body = b"".join(parts)
    return bytes([tag]) + length(len(body)) + body


def seq(*parts):
    return tlv(0x30, *parts)


def oid(dotted):
    a = [int(x) for x in dotted.split(".")]
    out = bytes([a[0] * 40 + a[1]])
    for v in a[2:]:
        b = [v & 0x7f]
        v >>= 7
        while v:
            b.append(0x80 | (v & 0x7f))
            v >>= 7
        out += bytes(reversed(b))
    return tlv(6, out)


def name(*rdns):
    """Name of RDNs, each a list of (type, value DER)."""
    return seq(*[tlv(0x31, *[seq(t if isinstance(t, bytes) else oid(t), v) for t, v in r])
                 for r in rdns])


def cn(value, tag=0x0c):
    return name([("2.5.4.3", tlv(tag, value))])


def utc(s):
    return tlv(0x17, s.encode())


ALG = seq(oid("1.2.840.10045.4.3.2"))
SPKI = seq(seq(oid("1.2.840.10045.2.1"), oid("1.2.840.10045.3.1.7")),
           tlv(3, b"\x00\x04" + bytes(range(64))))


def cert(version=tlv(2, b"\x02"), serial=tlv(2, b"\x12\x34"), issuer=None, validity=None,
         subject=None, tail=b"", after=b""):
    tbs = seq(tlv(0xa0, version) if version is not None else b"", serial, ALG,
              cn(b"EvilIssuer") if issuer is None else issuer,
              validity or seq(utc("230101000000Z"), utc("330101000000Z")),
              cn(b"evil.example") if subject is None else subject, SPKI, tail)
    return seq(tbs, ALG, tlv(3, b"\x00\x30\x06\x02\x01\x01\x02\x01\x01"), after)


# ---- the capture ------------------------------------------------------------------

# (what, certificates, subject and serial Suricata shows or None: refused)
ERR = "<X509Error: Invalid X.509 name>"
CASES = [
    ("plain", [cert()], "CN=evil.example", "12:34"),
    ("serial padded", [cert(serial=tlv(2, b"\x00\x00\x12\x34"))], "CN=evil.example",
     "00:00:12:34"),
    ("serial empty", [cert(serial=tlv(2, b""))], "CN=evil.example", ""),
    ("serial negative", [cert(serial=tlv(2, b"\xff\x12"))], "CN=evil.example", "FF:12"),
    ("serial context class", [cert(serial=tlv(0x82, b"\x12\x34"))], "CN=evil.example", "12:34"),
    ("serial BER", [cert(serial=b"\x22\x80\x02\x01\x05\x00\x00")], "CN=evil.example",
     "02:01:05"),
    ("serial BER nested", [cert(serial=b"\x22\x80\x02\x01\x05\x22\x80\x02\x01\x06\x00\x00"
                                        b"\x00\x00")], "CN=evil.example",
     "02:01:05:22:80:02:01:06:00:00"),
    ("serial BER context EOC", [cert(serial=b"\x22\x80\x02\x01\x05\x80\x00")], "CN=evil.example",
     "02:01:05"),
    ("serial BER 50 deep", [cert(serial=b"\x22\x80" * 50 + b"\x00\x00" * 50)], None, None),
    ("serial OCTET STRING", [cert(serial=tlv(4, b"\x12\x34"))], None, None),
    ("version 6", [cert(version=tlv(2, b"\x05"))], "CN=evil.example", "12:34"),
    ("version v1", [cert(version=None)], "CN=evil.example", "12:34"),
    ("version padded", [cert(version=tlv(2, b"\x00\x02"))], None, None),
    ("bad UTF-8", [cert(subject=cn(b"evil.example\xff"))], ERR, "12:34"),
    ("bad UTF-8 issuer", [cert(issuer=cn(b"EvilIssuer\xc3"))], "CN=evil.example", "12:34"),
    ("PrintableString @*", [cert(subject=cn(b"evil.example@*", 0x13))], "CN=evil.example@*",
     "12:34"),
    ("T61String Latin-1", [cert(subject=cn(b"evil.caf\xe9", 0x14))], ERR, "12:34"),
    ("IA5String UTF-8", [cert(subject=cn(b"evil.caf\xc3\xa9", 0x16))],
     "CN=evil.caf\u00e9", "12:34"),
    ("UniversalString", [cert(subject=cn("evil".encode("utf-32-be"), 0x1c))],
     "CN=0000006500000076000000690000006C", "12:34"),
    ("BMPString", [cert(subject=cn("evil.\u00e9\U0001F600".encode("utf-16-be"), 0x1e))],
     "CN=evil.\u00e9\U0001F600", "12:34"),
    ("BMPString odd", [cert(subject=cn("evil".encode("utf-16-be") + b"A", 0x1e))],
     "CN=evilA", "12:34"),
    ("BMPString surrogate", [cert(subject=cn("evil".encode("utf-16-be") + b"\xd8\x00", 0x1e))],
     ERR, "12:34"),
    ("OCTET STRING value", [cert(subject=cn(b"evil", 0x04))], "CN=6576696C", "12:34"),
    ("RDN order", [cert(subject=name([("2.5.4.6", tlv(0x13, b"US"))],
                                     [("2.5.4.10", tlv(0x0c, b"Evil, Inc+x=y")),
                                      ("2.5.4.11", tlv(0x0c, b"Ops"))],
                                     [("2.5.4.3", tlv(0x0c, b"evil.example"))]))],
     "C=US, O=Evil, Inc+x=y + OU=Ops, CN=evil.example", "12:34"),
    ("OIDs", [cert(subject=name([("1.2.3.4", tlv(0x0c, b"a"))],
                                [("1.3.6.1.4.1.11129.2.4.2", tlv(0x0c, b"b"))],
                                [("2.5.4.97", tlv(0x0c, b"c"))],
                                [(tlv(6, b"\x55\x04\x80\x03"), tlv(0x0c, b"d"))],
                                [(tlv(2, b"\x55\x04\x03"), tlv(0x0c, b"evil"))]))],
     "OID(1.2.3.4)=a, ctSCTList=b, OID(2.5.4.97)=c, OID(2.5.4.3)=d, CN=evil", "12:34"),
    ("empty RDN", [cert(subject=seq(tlv(0x31, seq(oid("2.5.4.3"), tlv(0x0c, b"evil"))),
                                    tlv(0x31), tlv(0x31, seq(oid("2.5.4.3"), tlv(0x0c, b"x")))))],
     "CN=evil", "12:34"),
    ("UTCTime offset", [cert(validity=seq(utc("2301010000Z"), utc("330101000000-0130")))],
     "CN=evil.example", "12:34"),
    ("30 February", [cert(validity=seq(utc("230230000000Z"), utc("330101000000Z")))], None, None),
    ("hour 24", [cert(validity=seq(utc("230101240000Z"), utc("330101000000Z")))], None, None),
    ("GeneralizedTime offset", [cert(validity=seq(tlv(0x18, b"20230101000000+0100"),
                                                  utc("330101000000Z")))], None, None),
    ("after signature", [cert(after=b"\x05\x00")], "CN=evil.example", "12:34"),
    ("after public key", [cert(tail=b"\x05\x00")], None, None),
    ("extension garbage", [cert(tail=tlv(0xa3, seq(seq(oid("2.5.29.19"), tlv(4, b"\x99")))))],
     "CN=evil.example", "12:34"),
    ("extension no value", [cert(tail=tlv(0xa3, seq(seq(oid("2.5.29.19")))))], None, None),
    ("unique id explicit", [cert(tail=tlv(0xa1, tlv(3, b"\x00\x01")))], "CN=evil.example",
     "12:34"),
    ("unique id implicit", [cert(tail=tlv(0x81, b"\x00\x01"))], None, None),
    ("extensions header too long", [cert(tail=b"\xa3\x30" + seq(seq(oid("2.5.29.19"),
                                                                 tlv(4, seq()))))], None, None),
    ("extensions header too long after [2]",
     [cert(tail=tlv(0xa2, tlv(3, b"\x01\x02")) + b"\xa3\x30" +
           seq(seq(oid("2.5.29.19"), tlv(4, seq()))))], "CN=evil.example", "12:34"),
    ("refused then good", [cert(serial=tlv(4, b"\x01")), cert(subject=cn(b"good.example"))],
     "CN=good.example", "12:34"),
    ("NUL subject then good", [cert(subject=cn(b"evil\x00x")), cert(subject=cn(b"good.example"))],
     None, None),
    ("NUL issuer then good", [cert(issuer=cn(b"\x00E\x00", 0x1e)),
                              cert(subject=cn(b"good.example"))], "CN=evil.example", None),
]


# Chains (tls.certs): Suricata keeps the whole message and its detection
# inspects its first 1,024 certificates; a marker after many or large ones.
MARK = b"EVILMARK-CERT"
CHAINS = [
    [cert()] + [b"\x30\x03\x02\x01\x01"] * 40 + [MARK],
    [cert()] + [b"\x30\x03\x02\x01\x01"] * 1022 + [MARK],     # the 1,024th
    [cert()] + [b"\x30\x03\x02\x01\x01"] * 1023 + [MARK],     # the 1,025th
    [cert(), b"\x00" * 300000, MARK],
    [cert(subject=cn(b"evil" * 70000)), MARK],
]


def content(s):
    """A rule's content for the bytes of @s, escaped."""
    out = ""
    for b in s.encode() if isinstance(s, str) else s:
        c = chr(b)
        out += c if 0x20 < b < 0x7f and c not in '";\\|:' else "|%02X|" % b
    return out


def flows(m):
    rnd = random.Random(509)
    pkts, port = [], 45000
    for _, certs, _, _ in CASES:
        port += 1
        msgs = tc.server_hello(rnd) + tc.certificate(certs) + tc.hs(14, b"")
        ch = tc.client_hello(rnd, exts=[tc.ext_sni("x.example")])
        pkts += tc.conversation(m, port, 443, [
            (True, tc.records(22, ch)), (False, tc.records(22, msgs)),
            (True, tc.ccs()), (False, tc.ccs()),
            (True, tc.appdata(b"Z" * 50)), (False, tc.appdata(b"Y" * 50))])
    for certs in CHAINS:
        port += 1
        msgs = tc.server_hello(rnd) + tc.certificate(certs) + tc.hs(14, b"")
        pkts += tc.conversation(m, port, 443, [
            (True, tc.records(22, tc.client_hello(rnd))), (False, tc.records(22, msgs, size=16000)),
            (True, tc.ccs()), (False, tc.ccs())])
    return pkts


def rules():
    """Each buffer, and each case's subject and serial exactly."""
    out = [
        'alert tls any any -> any any (msg:"subject"; tls.cert_subject; content:"evil"; sid:1;)',
        'alert tls any any -> any any (msg:"issuer"; tls.cert_issuer; content:"EvilIssuer"; '
        'sid:2;)',
        'alert tls any any -> any any (msg:"serial"; tls.cert_serial; content:"12|3A|34"; sid:3;)',
        'alert tls any any -> any any (msg:"certs"; tls.certs; content:"EvilIssuer"; sid:4;)',
        'alert tls any any -> any any (msg:"fingerprint"; tls.cert_fingerprint; bsize:59; '
        'sid:5;)',
        'alert tls any any -> any any (msg:"error string"; tls.cert_subject; '
        'content:"X509Error"; sid:6;)',
        'alert tls any any -> any any (msg:"empty serial"; tls.cert_serial; bsize:0; sid:7;)',
        'alert tls any any -> any any (msg:"good"; tls.certs; content:"good.example"; sid:8;)',
        'alert tls any any -> any any (msg:"issuer present"; tls.cert_issuer; bsize:>0; sid:9;)',
        'alert tls any any -> any any (msg:"chain mark"; tls.certs; content:"EVILMARK"; sid:10;)',
    ]
    sid = 100
    for what, _, subject, serial in CASES:
        for buf, v in (("tls.cert_subject", subject), ("tls.cert_serial", serial)):
            sid += 1
            if v:
                out.append('alert tls any any -> any any (msg:"%s %s"; %s; content:"%s"; '
                           'startswith; endswith; sid:%d;)' % (what, buf, buf, content(v), sid))
    return "\n".join(out) + "\n"


def case_x509(m, t, tmp):
    if not m.suricata_oracle.available():
        return t.skip("x509: the same alerts as Suricata 7", "suricata is not installed")
    r = rules()
    m.differential(t, tmp, "x509", flows(m), r, sets=["packet-alert-max=255"])
    # every exact rule matched its flow: the strings are Suricata's
    p = subprocess.run([m.NFIPSCTL, "replay", "--rules", os.path.join(tmp, "x509.rules"),
                        "--pcap", os.path.join(tmp, "x509.pcap"), "--packet-alert-max", "255"],
                       capture_output=True, text=True, timeout=120)
    fired = {int(x) for x in re.findall(r'"signature_id":(\d+)', p.stdout)}
    want = {int(x) for x in re.findall(r"sid:(\d+);", r)}
    t.ok(p.returncode in (0, 1) and want <= fired,
         "x509: every certificate string rule alerts", "silent: sids %s" % sorted(want - fired))


def cases(m):
    def case_x509_certificates(t, tmp):
        case_x509(m, t, tmp)
    return [case_x509_certificates]


if __name__ == "__main__":
    import replay_test as rt
    rt.write_pcap(sys.argv[1], 1, rt.stamp(flows(rt)))
