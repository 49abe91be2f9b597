# SPDX-License-Identifier: GPL-2.0
"""
Application-layer rules that also have payload keywords (content without a
sticky buffer) or packet header keywords, in the shapes ET Open writes
them, against Suricata 7: its stream inspection engine of such a rule sees
the raw stream chunk of the packet that inspects the transaction (over UDP
the packet's payload), a match kept for the transaction, depth counting
from the chunk's start (Documentation/replay.rst, "payload keywords in
application-layer rules").

Used by replay_test.py (cases()).
"""
import os
import subprocess

import http_cases as hc
import dns_cases as dc

RULES = (
    # ET WEB_SPECIFIC_APPS local file inclusion: "../" in the request's first 200 bytes
    'alert http any any -> any any (msg:"lfi"; flow:to_server,established; '
    'content:"../"; depth:200; http.method; content:"GET"; http.uri; '
    'content:"/maincore.php?"; nocase; content:"folder_level="; nocase; sid:1;)\n'
    # ET ADWARE_PUP / PHISHING: the headers' end and the body's start, fast_pattern on it
    'alert http any any -> any any (msg:"body start"; flow:established,to_server; '
    'content:"|0d 0a 0d 0a|command="; fast_pattern; http.method; content:"POST"; '
    'http.request_body; content:"command="; depth:8; content:"&result="; within:12; sid:2;)\n'
    # ET WEB_SERVER XXE: payload content then a relative pcre, and a body buffer
    'alert http any any -> any any (msg:"xxe"; flow:established,to_server; '
    'content:"ENTITY"; nocase; pcre:"/^\\s+?[^\\s\\>]+?\\s+?SYSTEM\\s/Ri"; '
    'http.request_body; content:"DOCTYPE"; nocase; fast_pattern; content:"SYSTEM"; nocase; '
    'sid:3;)\n'
    # to the client: a response header's bytes in the stream and the status code
    'alert http any any -> any any (msg:"response"; flow:established,to_client; '
    'content:"X-Backdoor|3a| "; http.stat_code; content:"200"; sid:4;)\n'
    # a negated payload content
    'alert http any any -> any any (msg:"no token"; flow:established,to_server; '
    'content:!"X-Token"; http.uri; content:"/api/secure"; sid:5;)\n'
    # ET's stream_size with http buffers (CVE-2024-21762 shape)
    'alert http any any -> any any (msg:"big upload"; flow:established,to_server; '
    'stream_size:client,>,1000; http.method; content:"POST"; http.request_body; '
    'content:"/bin/node"; fast_pattern; sid:6;)\n'
    # stream_size on a plain tcp rule (it never matched in replay before),
    # dsize pinning it to packets (with the stream too, Suricata's IDS mode
    # alerts twice: replay.rst, known differences)
    'alert tcp any any -> any 80 (msg:"big client stream"; flow:established,to_server; '
    'stream_size:client,>,1000; dsize:>0; content:"/bin/node"; sid:8;)\n'
    'alert tcp any any -> any 80 (msg:"small client stream"; flow:established,to_server; '
    'stream_size:client,<,1000; dsize:>0; content:"/bin/node"; sid:9;)\n'
    # ET INFO SIG query: the question's type in the payload, the name in dns.query
    'alert dns any any -> any any (msg:"sig query"; content:"|00 18 00 01|"; '
    'dns.query; pcre:"/^\\d/"; sid:7;)\n')


def _req(method, uri, headers=(), body=b""):
    h = [("Host", "www.example.com")] + list(headers)
    if body:
        h.append(("Content-Length", str(len(body))))
    return hc.req(method, uri, h, body)


OK = hc.resp(200, "OK", [("Server", "nginx")], b"fine")


def flows(m):
    pkts = []
    port = [43000]

    def add(exchanges, **k):
        port[0] += 1
        pkts.extend(hc.conversation(m, port[0], 80, exchanges, **k))

    lfi = _req("GET", "/maincore.php?folder_level=../../../etc/passwd")
    clean = _req("GET", "/maincore.php?folder_level=x")
    add([(lfi, OK)])                                    # alerts
    add([(lfi, OK)], seg=5)                             # headers over 5-byte segments
    add([(_req("GET", "/a/../b.html"), OK), (clean, OK)])   # "../" in the request before
    add([(clean, OK), (lfi, OK)])                       # in the second request
    add([(clean, None), (_req("GET", "/x/../y"), None)], pipeline=True)  # one segment
    far = _req("GET", "/maincore.php?folder_level=x", [("X-Pad", "p" * 300),
                                                         ("Referer", "http://r/../x")])
    add([(far, OK)])                                    # "../" past depth 200
    body = b"command=1&result=ok"
    add([(_req("POST", "/gate.php", body=body), OK)])
    add([(_req("POST", "/gate.php", body=body), OK)], seg=40)
    add([(_req("POST", "/gate.php", body=b"result=1&command="), OK)])
    xxe = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY  xx SYSTEM '
           b'"file:///etc/passwd">]><r>&xx;</r>')
    add([(_req("POST", "/xml", [("Content-Type", "text/xml")], xxe), OK)])
    add([(_req("POST", "/xml", [("Content-Type", "text/xml")],
               xxe.replace(b"SYSTEM", b"PUBLIC", 1) + b"<!-- SYSTEM -->"), OK)])
    add([(_req("GET", "/"), hc.resp(200, "OK", [("X-Backdoor", "1")], b"x"))])
    add([(_req("GET", "/"), hc.resp(404, "Not Found", [("X-Backdoor", "1")], b"x"))])
    add([(_req("GET", "/"), OK), (_req("GET", "/2"),
                                  hc.resp(200, "OK", [("X-Backdoor", "2")], b"y"))])
    add([(_req("GET", "/api/secure"), OK)])
    add([(_req("GET", "/api/secure", [("X-Token", "t")]), OK)])
    big = b"a=" + b"x" * 1500 + b"&p=/bin/node"
    add([(_req("POST", "/remote/x", body=big), OK)])
    add([(_req("POST", "/remote/x", body=b"p=/bin/node"), OK)])
    sig = dc.header(7, dc.flags(), 1) + dc.question("1a.example.com", 24)
    a = dc.header(8, dc.flags(), 1) + dc.question("1a.example.com", 1)
    s2 = dc.header(9, dc.flags(), 1) + dc.question("a1.example.com", 24)
    for i, q in enumerate((sig, a, s2)):
        pkts.append(dc.udp(m, 44001 + i, 53, q))
    pkts.extend(dc.tcp_flow(m, 44010, 53, [(dc.lp(sig), None)]))
    return pkts


def cases(m):
    def case_http_mixed(t, tmp):
        """ET's shapes of app-layer rules with payload or header keywords."""
        rfile = os.path.join(tmp, "mixed-check.rules")
        with open(rfile, "w") as f:
            f.write(RULES)
        r = subprocess.run([m.NFIPSCTL, "rules", "check", rfile], capture_output=True,
                           text=True, timeout=60)
        t.ok(r.returncode == 0 and "skipped=0 errors=0" in r.stdout,
             "mixed rules: every rule loads", r.stdout + r.stderr)
        m.differential(t, tmp, "mixed", flows(m), RULES, sets=["packet-alert-max=255"])
    return [case_http_mixed]
