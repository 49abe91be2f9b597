# SPDX-License-Identifier: GPL-2.0
"""
The EVE record cases of replay_test.py: nfipsctl replay's alert records
compared field by field with Suricata 7's own EVE output for the same
capture and rules (community-id, payload, payload-printable on and a
sensor-name set, as a SOC would run it), and every record the replay
cases produced validated against Suricata's EVE schema (selftests/eve/).

Fields compared: every field either writes, but flow_id (Suricata's is
random) and, documented in Documentation/replay.rst:
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
# Fields only Suricata writes here: its app-layer logging.
SURICATA_ONLY = {"flow_id", "tx_id", "app_proto", "http", "tls", "dns"}

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
    'metadata:malware_family X; sid:9008;)\n')


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
    return [bind(c) for c in (case_eve_suricata, case_eve_payload, case_eve_classification)]


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
