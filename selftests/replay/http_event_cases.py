# SPDX-License-Identifier: GPL-2.0
"""
HTTP app-layer events (app-layer-event:http.*) against Suricata 7: one
capture of HTTP flows with one anomaly each (and clean ones), through
suricata -r and nfipsctl replay with Suricata's own http-events.rules
(its package's /etc/suricata/rules: every HTTP event, each rule counting
a flowint) and ET-style rules that join an event to HTTP buffers.
"""
import gzip
import os

from http_cases import chunked, conversation, req, resp

SURICATA_EVENTS = "/etc/suricata/rules/http-events.rules"

# ET's pattern (sid 2048367): an event next to buffers, in one direction.
EXTRA = (
    'alert http any any -> any any (msg:"smuggling with a cookie"; flow:established,to_server; '
    'app-layer-event:http.invalid_transfer_encoding_value_in_request; http.cookie; '
    'content:"X-Session="; sid:9100; rev:1;)\n'
    'alert http any any -> any any (msg:"two events"; flow:established,to_server; '
    'app-layer-event:http.missing_host_header; '
    'app-layer-event: HTTP.Request_Header_Invalid ; sid:9101; rev:1;)\n'
    'alert http any any -> any any (msg:"event and uri"; flow:established,to_server; '
    'app-layer-event:http.invalid_content_length_field_in_request; http.uri; '
    'content:"/cl"; sid:9102; rev:1;)\n'
    'alert http any any -> any any (msg:"second anomaly"; flow:established,to_server; '
    'app-layer-event:http.invalid_content_length_field_in_request; '
    'flowint:http.anomaly.count,>=,2; sid:9103; rev:1;)\n'
    # events on a transaction whose response never began (review, F1)
    'alert http any any -> any any (msg:"request event seen to client"; flow:to_client; '
    'app-layer-event:http.request_header_invalid; sid:9104; rev:1;)\n'
    'alert http any any -> any any (msg:"request event both ways"; '
    'app-layer-event:http.request_header_invalid; sid:9105; rev:1;)\n')


def flows(m):
    ok = resp(200, "OK", [("Content-Type", "text/html")], b"hello")
    gz = gzip.compress(b"x" * 200)
    cases = [
        # clean
        [(req("GET", "/", [("Host", "a.example")]), ok)],
        # request side
        [(req("POST", "/te", [("Host", "a"), ("Transfer-Encoding", "xchunked"),
                              ("Cookie", "X-Session=1")], b"abc"), ok)],
        [(req("POST", "/cl", [("Host", "a"), ("Content-Length", "abc")], b""), ok)],
        [(req("POST", "/dup", [("Host", "a"), ("Content-Length", "3"),
                               ("Content-Length", "4")], b"abcd"), ok)],
        [(req("GET", "/nohost", []), ok)],
        [(req("GET", "/nohost2", [("Bad Header", "x")]) , ok)],
        [(b"GET /colon HTTP/1.1\r\nHost: a\r\nNoColonHere\r\n\r\n", ok)],
        [(b"GET /fold HTTP/1.1\r\nHost: a\r\n\tfolded\r\n\r\n", ok)],
        [(b"  GET /lead HTTP/1.1\r\nHost: a\r\n\r\n", ok)],
        [(b"GET\t/tab HTTP/1.1\r\nHost: a\r\n\r\n", ok)],
        [(req("GET", "http://b.example/amb", [("Host", "c.example")]), ok)],
        [(req("GET", "http://b.example:99999/port", [("Host", "b.example")]), ok)],
        [(req("GET", "/auth", [("Host", "a"), ("Authorization", "Strange xyz")]), ok)],
        [(req("GET", "/rep", [("Host", "a")] + [("X-Rep", str(i)) for i in range(70)]), ok)],
        [(req("POST", "/chunkext", [("Host", "a"), ("Transfer-Encoding", "chunked")],
              b"3;ext=1\r\nabc\r\n0\r\n\r\n"), ok)],
        [(req("POST", "/badchunk", [("Host", "a"), ("Transfer-Encoding", "chunked")],
              b"zz\r\nabc\r\n0\r\n\r\n"), ok)],
        [(req("GET", "/long", [("Host", "a"), ("X-Long", "y" * 20000)]), ok)],
        # response side
        [(req("GET", "/rcolon", [("Host", "a")]),
          b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nNoColon\r\n\r\nhi")],
        [(req("GET", "/rstatus", [("Host", "a")]),
          b"HTTP/1.1 abc OK\r\nContent-Length: 2\r\n\r\nhi")],
        [(req("GET", "/rproto", [("Host", "a")]),
          b"HTXP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")],
        [(req("GET", "/rchunk", [("Host", "a")]),
          b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhi\r\n0\r\n\r\n")],
        [(req("GET", "/rold", [("Host", "a")]),
          b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(b"hello"))],
        [(req("GET", "/rcl", [("Host", "a")]),
          b"HTTP/1.1 200 OK\r\nContent-Length: x1\r\n\r\nhi")],
        [(req("GET", "/rdup", [("Host", "a")]),
          b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi")],
        [(req("GET", "/gzbad", [("Host", "a")]),
          resp(200, "OK", [("Content-Encoding", "gzip")], b"\x1f\x8b\x08\x00garbage-not-gzip"))],
        [(req("GET", "/ce", [("Host", "a")]),
          resp(200, "OK", [("Content-Encoding", "gzip, foo")], gz))],
        [(req("GET", "/cont", [("Host", "a")]),
          b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"
          b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")],
        [(req("GET", "/rfold", [("Host", "a")]),
          b"HTTP/1.1 200 OK\r\nX-A: 1\r\n\tfolded\r\nContent-Length: 2\r\n\r\nhi")],
        [(req("GET", "/byteranges", [("Host", "a")]),
          resp(200, "OK", [("Content-Type", "multipart/byteranges; boundary=x")], b"--x--"))],
        # an extra response no request asked for
        [(req("GET", "/one", [("Host", "a")]), ok + ok)],
        # two anomalies in one flow: the flowint counts both
        [(req("GET", "/nohost3", []), ok),
         (req("POST", "/cl", [("Host", "a"), ("Content-Length", "zz")]), ok)],
    ]
    pkts = []
    for i, ex in enumerate(cases):
        pkts += conversation(m, 41000 + i, 80, ex)
    # pipelined: the one response's event goes to the second transaction,
    # whose response never begins; a request with a bad header and no answer
    pkts += conversation(m, 41100, 80, [(req("GET", "/1", [("Host", "a")]),
                                         b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nNoColon\r\n\r\nhi"),
                                        (req("GET", "/2", [("Host", "a")]), b"")], pipeline=True)
    pkts += conversation(m, 41101, 80, [(b"GET /bad HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n", b"")])
    return pkts


def cases(m):
    def case_http_events(t, tmp):
        """
        Every HTTP event rule of Suricata's package and the ET-style ones:
        the same alerts as Suricata 7, and each of the flows' anomalies
        raises at least one of them.
        """
        if not os.path.exists(SURICATA_EVENTS):
            return t.skip("http events", SURICATA_EVENTS + " is missing (suricata not installed)")
        with open(SURICATA_EVENTS) as f:
            rules = f.read() + EXTRA
        # Inline, as nfipsd runs: in IDS mode Suricata parses a request
        # only once the server acknowledged it, so an event that the
        # response raises can still be seen by a to_server rule
        # (Documentation/replay.rst, HTTP events).
        m.differential(t, tmp, "http_events", flows(m), rules, sets=["stream.inline=true"])
    return [case_http_events]
