# SPDX-License-Identifier: GPL-2.0
"""
The EVE record cases of replay_test.py: nfipsctl replay's alert records
compared field by field with Suricata 7's own EVE output for the same
capture and rules (community-id, payload, payload-printable on and a
sensor-name set, as a SOC would run it), and every record the replay
cases produced validated against Suricata's EVE schema (selftests/eve/).

Fields compared: every field either writes, the application layer's
("tx_id", "app_proto", "http", "tls", "dns", "ssh", "files") included, but
flow_id (Suricata's is random) and, documented in
Documentation/replay.rst:
  - the app-layer fields of the records Suricata marks tx_guessed;
  - payload and payload_printable of stream matches (Suricata writes the
    reassembled data it still holds, nfips the packet's payload);
  - for ESP, only the header and alert fields: Suricata hashes four zero
    bytes of ports into community_id, which the Community ID
    specification does not (nfips follows the specification: its vectors
    are in eve_test). Protocols without a
    decoder and tunnels' outer packets (no flow, no payload in both) are
    compared whole.
"""
import json
import os

import eve_schema
import suricata_oracle

# Suricata's EVE options for the comparison (its defaults otherwise).
SETS = ["outputs.1.eve-log.community-id=true",
        "outputs.1.eve-log.types.0.alert.payload=yes",
        "outputs.1.eve-log.types.0.alert.payload-printable=yes",
        "sensor-name=test"]
PORTED = {"TCP", "UDP", "ICMP", "IPv6-ICMP",
          # no flow, no payload in both (Documentation/replay.rst, "Tunnels")
          "IP-in-IP", "GRE", "AH", "PIM", "Any"}
# What is compared for other protocols.
HEADER = {"timestamp", "pcap_cnt", "event_type", "src_ip", "dest_ip", "proto",
          "pkt_src", "alert", "host"}
# Not compared: Suricata's flow_id is random.
SURICATA_ONLY = {"flow_id"}
# The transaction Suricata guesses for a stream match (tx_guessed): nfips
# names none, so these are not compared on such records (replay.rst).
GUESSED = {"tx_id", "tx_guessed", "http", "tls", "dns", "ssh", "files"}

RULES = (
    'alert tcp-pkt any any -> any 9000 (msg:"login \\"pkt\\""; content:"LOGIN"; '
    'target:dest_ip; classtype:attempted-admin; metadata: signature_severity Major, '
    'attack_target Server, created_at 2024_01_01, attack_target Client_Endpoint; '
    'metadata:former_category EXPLOIT; sid:9001; rev:3;)\n'
    'alert tcp-pkt any 9000 -> any any (msg:"reply"; content:"200"; target:src_ip; '
    'metadata:Zeta a, alpha b,nokey, ALPHA c; sid:9002;)\n'
    'alert udp any any -> any 53 (msg:"dns q"; content:"evil"; target:dest_ip; '
    'classtype:bad-unknown; metadata:policy balanced-ips drop; sid:9003;)\n'
    'alert udp any 53 -> any any (msg:"dns r"; content:"evil"; priority:2; sid:9004;)\n'
    'alert icmp any any -> any any (msg:"ping"; itype:8; content:"evil"; target:dest_ip; '
    'sid:9005;)\n'
    'alert icmp any any -> any any (msg:"pong"; itype:0; content:"evil"; sid:9006;)\n'
    'alert icmp any any -> any any (msg:"ping6"; itype:128; content:"v6-evil"; sid:9007;)\n'
    'alert ip any any -> 10.0.0.9 any (msg:"to .9"; target:dest_ip; '
    'metadata:malware_family X; sid:9008;)\n'
    # never alerts: an app-layer rule loaded makes nfips detect protocols
    # (it does not otherwise), so app_proto is compared here too
    'alert dns any any -> any any (msg:"never"; dns.query; content:"not-in-capture"; '
    'sid:9009;)\n')


def capture(m):
    """Packets for every field: TCP over IPv4 and IPv6, UDP both ways,
    ICMP and ICMPv6, protocols Suricata names (IP-in-IP, GRE, ESP, AH, PIM,
    an unassigned number)."""
    from scapy.all import IP, IPv6, ICMP, ICMPv6EchoRequest, Raw
    c = m.Tcp(srv=("10.0.0.2", 9000))
    c6 = m.Tcp(cli=("2001:db8::1", 40000), srv=("2001:db8:0:0:1::2", 9000), v6=True)
    pkts = c.handshake() + [c.c(0, b"LOGIN \x01\x02\xff\x00\r\nuser\t\"x\"\\"),
                            c.s(0, "200 ok")]
    pkts += c6.handshake() + [c6.c(0, "LOGIN v6"), c6.s(0, "200 v6")]
    pkts += [m.udp("10.0.0.1", "10.0.0.53", 3333, 53, "query evil"),
             m.udp("10.0.0.53", "10.0.0.1", 53, 3333, "reply evil"),
             m.Eth() / IP(src="10.0.0.1", dst="10.0.0.2") / ICMP(type=8, id=7, seq=1) /
             Raw(b"ping-evil"),
             m.Eth() / IP(src="10.0.0.2", dst="10.0.0.1") / ICMP(type=0, id=7, seq=1) /
             Raw(b"pong-evil"),
             m.Eth() / IPv6(src="2001:db8::1", dst="fe80::2") /
             ICMPv6EchoRequest(id=9, seq=1, data=b"v6-evil")]
    for proto in (4, 47, 50, 51, 103, 253):
        pkts.append(m.Eth() / IP(src="10.0.%d.1" % proto, dst="10.0.0.9", proto=proto) /
                    Raw(b"\x45\0\0\x14" + b"x" * 16))
    return pkts


def compare(ours, theirs):
    """Differences between two records of the same alert, as lines."""
    out = []
    for k in sorted(set(ours) | set(theirs)):
        if k in ("nfips",) or k in SURICATA_ONLY:
            continue
        if theirs.get("tx_guessed") and k in GUESSED:
            continue
        if ours.get("proto") not in PORTED and k not in HEADER:
            continue
        if k not in theirs or k not in ours:
            out.append("%s: only in %s" % (k, "nfips" if k in ours else "suricata"))
            continue
        if k in ("payload", "payload_printable") and ours.get("stream"):
            continue
        if ours[k] != theirs[k]:
            out.append("%s: nfips %s, suricata %s" % (k, json.dumps(ours[k]),
                                                       json.dumps(theirs[k])))
    return out


def case_eve_suricata(m, t, tmp):
    title = "EVE records field by field as Suricata 7 writes them"
    pkts = capture(m)
    r = m.replay(tmp, "eve-fields", pkts, RULES)
    sids = sorted({a["alert"]["signature_id"] for a in r.alerts})
    t.ok(r.rc == 0 and sids == list(range(9001, 9009)) and len(r.alerts) == 15,
         "EVE field capture: every rule alerts (%d records)" % len(r.alerts),
         "%s\n%s" % (sids, r.err))
    if not suricata_oracle.available():
        return t.skip(title, "suricata is not installed (selftests/deps.sh installs it)")
    pcap = os.path.join(tmp, "eve-fields.pcap")
    rfile = os.path.join(tmp, "eve-fields.rules")
    out = os.path.join(tmp, "eve-fields.suricata")
    try:
        suricata_oracle.suricata(rfile, pcap, out, sets=SETS)
    except RuntimeError as e:
        return t.ok(False, title, e)
    with open(os.path.join(out, "eve.json")) as f:
        theirs = [json.loads(line) for line in f if '"event_type":"alert"' in line]
    key = lambda a: (a["alert"]["signature_id"], a.get("pcap_cnt"), a.get("src_ip"))
    mine = {key(a): a for a in r.alerts}
    diffs = []
    for a in theirs:
        o = mine.pop(key(a), None)
        if o is None:
            diffs.append("%s: only Suricata alerts" % (key(a),))
            continue
        diffs += ["%s %s" % (key(a), d) for d in compare(o, a)]
    diffs += ["%s: only nfips alerts" % (k,) for k in mine]
    t.ok(not diffs and len(theirs) == len(r.alerts), title + " (%d records)" % len(theirs),
         "\n".join(diffs))
    try:
        v = eve_schema.validator(nfips=False)
    except ImportError:
        return t.skip("Suricata's records against its schema", "no python3-jsonschema")
    errs = ["%s: %s" % (key(a), e) for a in theirs for e in eve_schema.errors(v, a)]
    t.ok(not errs and theirs, "Suricata's own records validate with the schema additions "
         "of selftests/eve/eve_schema.py (so they admit nothing Suricata does not write)",
         "\n".join(errs))


APP_RULES = (
    'alert http any any -> any any (msg:"uri"; flow:to_server; http.uri; content:"/login"; '
    'sid:9101;)\n'
    'alert http any any -> any any (msg:"post"; http.method; content:"POST"; sid:9102;)\n'
    'alert http any any -> any any (msg:"body"; flow:to_client; file.data; '
    'content:"evilpayload"; sid:9103;)\n'
    'alert http any any -> any any (msg:"redirect"; http.stat_code; content:"302"; sid:9104;)\n'
    'alert http any any -> any any (msg:"range"; http.stat_code; content:"206"; sid:9105;)\n'
    'alert tls any any -> any any (msg:"sni"; tls.sni; content:"example"; sid:9111;)\n'
    'alert tls any any -> any any (msg:"subject"; flow:to_client; tls.cert_subject; '
    'content:"CN="; sid:9112;)\n'
    'alert tls any any -> any any (msg:"ja4"; ja4.hash; content:"t13d"; startswith; '
    'sid:9113;)\n'
    'alert tls any any -> any any (msg:"ja3s"; flow:to_client; ja3s.string; content:"771,"; '
    'startswith; sid:9114;)\n'
    'alert dns any any -> any any (msg:"query"; dns.query; content:"evil"; sid:9121;)\n'
    'alert dns any any -> any any (msg:"response"; flow:to_client; dns.opcode:0; sid:9122;)\n'
    'alert ssh any any -> any any (msg:"software"; flow:to_client; ssh.software; '
    'content:"OpenSSH"; sid:9131;)\n'
    'alert ssh any any -> any any (msg:"proto"; flow:to_server; ssh.proto; content:"2.0"; '
    'sid:9132;)\n')
# Inline stream inspection, as nfips inspects (Documentation/replay.rst):
# the transaction as it stands at the same packet; JA3 on (nfips always
# computes it, Suricata's default computes it for rules that use it).
APP_SETS = SETS + ["stream.inline=true", "app-layer.protocols.tls.ja3-fingerprints=yes"]


def app_capture(m):
    """HTTP (chunked and gzip, a redirect, a range, a POST), TLS 1.2 and
    1.3, DNS over UDP and TCP, SSH: (packets, protocols left out)."""
    import gzip
    import dns_cases as dc
    import http_cases as hc
    import ssh_cases as sc
    H = [("Host", "www.example.com"), ("User-Agent", "curl/8.1"),
         ("Referer", "http://ref.example/"), ("X-Forwarded-For", "192.0.2.7")]
    page = gzip.compress(hc.PAGE, mtime=0)
    pkts = hc.conversation(m, 45001, 80, [
        (hc.req("GET", "/login?u=a", H),
         hc.resp(200, "OK", [("Content-Type", "text/html; charset=utf-8"),
                             ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
                 hc.chunked(page, 50), cl=False)),
        (hc.req("POST", "/login", H[:2], b"user=admin"),
         hc.resp(302, "Found", [("Location", "/home")], b"")),
        (hc.req("GET", "/big", H[:1]),
         hc.resp(206, "Partial", [("Content-Range", "bytes 0-9/100")], b"x" * 10))])
    pkts += hc.conversation(m, 45002, 8080, [
        (hc.req("GET", "http://proxy.example:8080/login", [("Host", "proxy.example:8080")]),
         hc.resp(200, "OK", [("Content-Type", "text/plain")], hc.PAGE))], seg=7)
    import struct
    # authority records of every kind Suricata's answer details
    auth = [("NS", dc.name("ns1.example.net")), ("AAAA", bytes(range(16))),
            ("MX", b"\0\x0a" + dc.name("mx.example.net")), ("TXT", b"\x05hello\x03two"),
            ("SRV", b"\0\x01\0\x02\0\x35" + dc.name("srv.example.net")),
            ("SSHFP", b"\x01\x02" + bytes(range(20))), ("CNAME", dc.name("c.example.net")),
            ("NULL", b"abc"), ("A", b"\x0a\0\0\x01")]
    soa = [("SOA", dc.name("ns.example") + dc.name("hostmaster.example") +
            struct.pack(">IIIII", 2024010101, 7200, 900, 1209600, 300))]
    pkts += [dc.udp(m, 45003, 53, dc.query(7, ["evil.example.net"])),
             dc.udp(m, 45003, 53, dc.answer(7, "evil.example.net", [("A", b"\x7f\0\0\1")],
                                            auth=auth), from_client=False)]
    pkts += dc.tcp_flow(m, 45004, 53, [
        (dc.lp(dc.query(8, ["a.evil.example", "b.example"])),
         dc.lp(dc.answer(8, "a.evil.example", [], rcode=3, auth=soa)))])
    f = sc.Flows(m)
    f.port = 45100
    sc.session(f, sc.CLIENTS[0], sc.SERVERS[0])
    pkts += f.pkts
    left = []
    try:
        import tls_cases as tc
        if tc.x509 is None:
            raise ImportError
        g = tc.Gen(m)
        g.port = 45200
        g.tls12(sni="www.example.com", grease=False)
        g.tls13(sni="login.example.org")
        # a resumed TLS 1.2 session: the ServerHello echoes the client's
        # session id, no certificate (session_resumed)
        sid = bytes(range(1, 33))
        ch = tc.client_hello(g.rnd, ciphers=(0xc02f,), exts=[tc.ext_sni("resume.example")],
                             sid=sid)
        sh = tc.hs(2, tc.u16(0x0303) + bytes(32) + tc.u8(32) + sid + tc.u16(0xc02f) +
                   tc.u8(0) + tc.u16(0))
        g.add(443, [(True, tc.records(22, ch)),
                    (False, tc.records(22, sh) + tc.ccs() + tc.records(22, b"\x44" * 40)),
                    (True, tc.ccs() + tc.records(22, b"\x33" * 40))])
        pkts += g.pkts
    except ImportError:
        left.append("tls (python3-cryptography is not installed)")
    return pkts, left


def case_eve_applayer(m, t, tmp):
    """The application layer's fields (tx_id, app_proto, http, tls, dns,
    ssh) field by field against Suricata 7 on app-layer alerts."""
    title = "EVE app-layer records field by field as Suricata 7 writes them"
    pkts, left = app_capture(m)
    r = m.replay(tmp, "eve-app", pkts, APP_RULES)
    sids = {a["alert"]["signature_id"] for a in r.alerts}
    want = {9101, 9102, 9103, 9104, 9105, 9121, 9122, 9131, 9132} | (
        set() if left else {9111, 9112, 9113, 9114})
    t.ok(r.rc == 0 and sids == want and all("app_proto" in a for a in r.alerts),
         "app-layer capture: every rule alerts, every record has app_proto",
         "%s\n%s" % (sorted(sids), r.err))
    auths = [x for a in r.alerts for x in a.get("dns", {}).get("answer", {}).get(
        "authorities", [])]
    t.ok(len(auths) == 11 and any("soa" in x for x in auths),
         "a response's authority records in its answer, a TXT entry per string (%d)" %
         len(auths), auths)
    t.ok(left or any(a.get("tls", {}).get("session_resumed") for a in r.alerts),
         "a resumed TLS session's record says so", [a.get("tls") for a in r.alerts])
    objs = {k for a in r.alerts for k in ("http", "tls", "dns", "ssh") if k in a}
    t.ok(objs == ({"http", "dns", "ssh"} | (set() if left else {"tls"})) and
         all("tx_id" in a for a in r.alerts),
         "each protocol's object and tx_id are written", sorted(objs))
    if not suricata_oracle.available():
        return t.skip(title, "suricata is not installed (selftests/deps.sh installs it)")
    pcap = os.path.join(tmp, "eve-app.pcap")
    rfile = os.path.join(tmp, "eve-app.rules")
    out = os.path.join(tmp, "eve-app.suricata")
    try:
        suricata_oracle.suricata(rfile, pcap, out, sets=APP_SETS)
    except RuntimeError as e:
        return t.ok(False, title, e)
    with open(os.path.join(out, "eve.json")) as f:
        theirs = [json.loads(line) for line in f if '"event_type":"alert"' in line]
    key = lambda a: (a["alert"]["signature_id"], a.get("pcap_cnt"), a.get("src_ip"),
                     a.get("tx_id"))
    mine = {key(a): a for a in r.alerts}
    diffs = []
    for a in theirs:
        o = mine.pop(key(a), None)
        if o is None:
            diffs.append("%s: only Suricata alerts" % (key(a),))
            continue
        diffs += ["%s %s" % (key(a), d) for d in compare(o, a)]
    diffs += ["%s: only nfips alerts" % (k,) for k in mine]
    t.ok(not diffs and theirs and len(theirs) == len(r.alerts),
         title + " (%d records%s)" % (len(theirs), "; left out: " + ", ".join(left)
                                      if left else ""), "\n".join(diffs))
    try:
        v = eve_schema.validator(nfips=False)
    except ImportError:
        return t.skip("Suricata's app-layer records against its schema", "no python3-jsonschema")
    errs = ["%s: %s" % (key(a), e) for a in theirs for e in eve_schema.errors(v, a)]
    t.ok(not errs, "Suricata's own app-layer records validate with the app-layer "
         "definitions of selftests/eve/eve_schema.py", "\n".join(errs))


def case_eve_payload(m, t, tmp):
    pkts = [m.udp("10.0.0.1", "10.0.0.53", 3333, 53, "query evil")]
    rules = 'alert udp any any -> any 53 (msg:"q"; content:"evil"; sid:40;)\n'
    r = m.replay(tmp, "payload-none", pkts, rules, extra=["--eve-payload", "none"])
    t.ok(r.alerts and not any(k in r.alerts[0] for k in ("payload", "payload_printable",
                                                         "stream")),
         "--eve-payload none: no payload fields", r.alerts)
    r = m.replay(tmp, "payload-first", pkts, rules, extra=["--eve-payload", "first"])
    t.ok(r.alerts and r.alerts[0].get("payload_printable") == "query evil",
         "--eve-payload first without an incident tracker: every alert opens its "
         "incident, so it carries the payload", r.alerts)
    r = m.replay(tmp, "payload-bad", pkts, rules, extra=["--eve-payload", "some"])
    t.ok(r.rc == 1 and "--eve-payload" in r.err and not r.alerts,
         "--eve-payload with a bad value: refused, named", r.err)


def case_eve_classification(m, t, tmp):
    """Without --classification the shipped table gives category and
    severity: in the source tree, and installed as make install lays it
    out; with none anywhere, a clear warning."""
    import shutil
    import subprocess
    pkts = [m.udp("10.0.0.1", "10.0.0.53", 3333, 53, "query evil")]
    rules = ('alert udp any any -> any 53 (msg:"q"; content:"evil"; '
             'classtype:attempted-admin; sid:40;)\n')
    pcap = os.path.join(tmp, "cls.pcap")
    rfile = os.path.join(tmp, "cls.rules")
    m.write_pcap(pcap, 1, m.stamp(pkts))
    with open(rfile, "w") as f:
        f.write(rules)

    def run(exe):
        p = subprocess.run([exe, "replay", "--rules", rfile, "--pcap", pcap],
                           capture_output=True, text=True, timeout=60)
        recs = [json.loads(line) for line in p.stdout.splitlines()]
        return p, (recs[0]["alert"] if recs else {})

    want = {"category": "Attempted Administrator Privilege Gain", "severity": 1}
    p, a = run(m.NFIPSCTL)
    t.ok(p.returncode == 0 and {k: a.get(k) for k in want} == want and
         "warning" not in p.stderr,
         "no --classification: the table shipped in policies/ (source tree)", p.stderr)
    inst = os.path.join(tmp, "usr")
    os.makedirs(os.path.join(inst, "sbin"), exist_ok=True)
    os.makedirs(os.path.join(inst, "share", "nfips", "policies"), exist_ok=True)
    shutil.copy(m.NFIPSCTL, os.path.join(inst, "sbin", "nfipsctl"))
    shutil.copy(m.CLASSIFICATION, os.path.join(inst, "share", "nfips", "policies"))
    p, a = run(os.path.join(inst, "sbin", "nfipsctl"))
    t.ok(p.returncode == 0 and {k: a.get(k) for k in want} == want,
         "... installed: PREFIX/share/nfips/policies beside PREFIX/sbin", p.stderr)
    if os.path.exists("/etc/nfips/classification.config"):
        return t.skip("no table anywhere: a warning", "/etc/nfips has one")
    os.remove(os.path.join(inst, "share", "nfips", "policies", "classification.config"))
    p, a = run(os.path.join(inst, "sbin", "nfipsctl"))
    t.ok(p.returncode == 0 and a.get("category") == "" and a.get("severity") == 3 and
         "warning: no classification table" in p.stderr and
         "alert.category will be empty" in p.stderr,
         "no table anywhere: records still written, and a warning says what they lack",
         p.stderr)


def cases(m):
    """The cases, as replay_test.py calls them, with its module @m."""
    def bind(case):
        def run(t, tmp):
            return case(m, t, tmp)
        run.__name__ = case.__name__
        return run
    return [bind(c) for c in (case_eve_suricata, case_eve_applayer, case_eve_payload,
                                case_eve_classification)]


def validate_all(t, records):
    """Every record of the suite against Suricata's schema (with nfips)."""
    try:
        v = eve_schema.validator()
    except ImportError:
        return t.skip("EVE records against Suricata's schema",
                      "python3-jsonschema is not installed (selftests/deps.sh)")
    errs = []
    for rec in records:
        for e in eve_schema.errors(v, rec):
            errs.append("sid %s pcap_cnt %s: %s" % (rec.get("alert", {}).get("signature_id"),
                                                    rec.get("pcap_cnt"), e))
    t.ok(records and not errs, "every EVE record of the replay cases (%d) validates against "
         "Suricata's schema, the nfips object its only addition" % len(records),
         "\n".join(errs[:40]))
    bad = [r for r in records[:50] if not eve_schema.errors(v, dict(r, extra=1))]
    t.ok(not bad, "... and the check can fail: a record with any other key does not validate")
