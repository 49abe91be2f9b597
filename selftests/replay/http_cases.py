# SPDX-License-Identifier: GPL-2.0
"""
HTTP through libhtp, against Suricata 7: one generated capture of many HTTP
flows (chunked and gzip/deflate bodies, pipelining, percent-encoding and
case games, headers split over segments, non-standard ports, non-HTTP on
port 80, close-delimited bodies) and one rule file (http.rules, beside
this file) using every supported HTTP keyword, through suricata -r and
nfipsctl replay: the same alerts per (sid, flow), counted. Suricata runs
once (it takes seconds to start).

Used by replay_test.py (cases()) and alone, to write the capture:
    http_cases.py OUT.pcap
"""
import base64
import gzip
import os
import random
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.path.join(HERE, "http.rules")


def _segments(data, seg):
    """@data cut into pieces of @seg bytes (all of it when seg is None)."""
    if not seg:
        return [data]
    return [data[i:i + seg] for i in range(0, len(data), seg)]


def conversation(m, cport, sport, exchanges, seg=None, pipeline=False,
                 cli="10.1.0.1", srv="10.2.0.1", close=True):
    """
    Packets of one TCP connection: handshake, then each (request, response)
    of @exchanges (bytes), the client's in @seg-byte segments; with
    @pipeline all requests first; then FINs both ways.
    """
    c = m.Tcp(cli=(cli, cport), srv=(srv, sport), cisn=cport * 7, sisn=cport * 13)
    pkts = c.handshake()
    coff = soff = 0

    def send_c(data):
        nonlocal coff
        for piece in _segments(data, seg):
            pkts.append(c.c(coff, piece))
            coff += len(piece)
            pkts.append(c.pkt(False, "A", c.sisn + 1 + soff, c.cisn + 1 + coff))

    def send_s(data):
        nonlocal soff
        for piece in _segments(data, 1400):
            pkts.append(c.s(soff, piece))
            soff += len(piece)
            pkts.append(c.pkt(True, "A", c.cisn + 1 + coff, c.sisn + 1 + soff))

    if pipeline:
        send_c(b"".join(q for q, _ in exchanges))
        send_s(b"".join(r for _, r in exchanges if r))
    else:
        for q, r in exchanges:
            send_c(q)
            if r:
                send_s(r)
    if close:
        pkts.append(c.pkt(True, "FA", c.cisn + 1 + coff, c.sisn + 1 + soff))
        pkts.append(c.pkt(False, "FA", c.sisn + 1 + soff, c.cisn + 2 + coff))
        pkts.append(c.pkt(True, "A", c.cisn + 2 + coff, c.sisn + 2 + soff))
    return pkts


def req(method, uri, headers=(), body=b"", proto="HTTP/1.1"):
    h = "".join("%s: %s\r\n" % kv for kv in headers)
    line = "%s %s %s\r\n" % (method, uri, proto) if proto else "%s %s\r\n" % (method, uri)
    return (line + h + "\r\n").encode("latin-1") + body


def resp(code, msg, headers=(), body=b"", cl=True, proto="HTTP/1.1"):
    headers = list(headers)
    if cl:
        headers.append(("Content-Length", str(len(body))))
    h = "".join("%s: %s\r\n" % kv for kv in headers)
    return ("%s %d %s\r\n" % (proto, code, msg) + h + "\r\n").encode("latin-1") + body


def chunked(body, size=7):
    out = b""
    for i in range(0, len(body), size):
        piece = body[i:i + size]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return out + b"0\r\n\r\n"


PAGE = (b"<html><head><title>nfips test page</title></head><body>"
        b"<script>var evilpayload = unescape('%u9090');</script>"
        b"<p>download the invoice.exe now</p></body></html>")

UAS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "curl/7.88.1",
       "Wget/1.21", "BadBot/6.6 (evil)", "python-requests/2.28"]


def flows(m):
    """Packets of every flow of the capture, flow after flow."""
    rnd = random.Random(14)
    pkts = []
    port = 41000

    def add(*a, **k):
        nonlocal port
        port += 1
        pkts.extend(conversation(m, port, *a, **k))

    # plain requests and responses, each user agent and a few paths
    for i, ua in enumerate(UAS):
        for path in ("/index.html", "/admin/login.php?user=admin&pass=x",
                     "/cgi-bin/test.cgi"):
            add(80, [(req("GET", path, [("Host", "www.example.com"),
                                        ("User-Agent", ua),
                                        ("Accept", "*/*")]),
                      resp(200, "OK", [("Server", "nginx/1.22"),
                                       ("Content-Type", "text/html")], PAGE))])
    # headers split over small segments
    for seg in (1, 3, 5, 11, 17):
        add(80, [(req("GET", "/split/path.php?id=1", [
            ("Host", "split.example.org"), ("User-Agent", "BadBot/6.6 (evil)"),
            ("Cookie", "session=deadbeef; admin=1"), ("Referer", "http://ref.example/x")]),
            resp(200, "OK", [("Set-Cookie", "track=1234")], b"hello"))], seg=seg)
    # chunked, gzip, deflate, gzip+chunked responses
    for enc in ("chunked", "gzip", "deflate", "rawdeflate", "gzip-chunked"):
        for n in range(3):
            body = PAGE * (n + 1)
            hdrs = [("Server", "Apache/2.4.57"), ("Content-Type", "text/html")]
            cl = True
            if enc.startswith("gzip"):
                body = gzip.compress(body, mtime=0)
                hdrs.append(("Content-Encoding", "gzip"))
            elif enc == "deflate":
                body = zlib.compress(body)
                hdrs.append(("Content-Encoding", "deflate"))
            elif enc == "rawdeflate":
                z = zlib.compressobj(9, zlib.DEFLATED, -15)
                body = z.compress(body) + z.flush()
                hdrs.append(("Content-Encoding", "deflate"))
            if enc.endswith("chunked"):
                body = chunked(body, 13)
                hdrs.append(("Transfer-Encoding", "chunked"))
                cl = False
            add(80, [(req("GET", "/%s/%d" % (enc, n), [("Host", "enc.example.com"),
                                                       ("Accept-Encoding", "gzip, deflate")]),
                      resp(200, "OK", hdrs, body, cl=cl))])
    # pipelining: several requests in one go, then the responses
    for n in (2, 3, 5):
        ex = [(req("GET", "/pipe/%d.js" % i, [("Host", "pipe.example.com"),
                                                ("User-Agent", "curl/7.88.1")]),
               resp(200, "OK", [("Content-Type", "application/javascript")],
                    b"var x=%d; evilpayload" % i)) for i in range(n)]
        add(80, ex, pipeline=True)
    # keep-alive: several transactions one after the other
    add(80, [(req("GET", "/ka/%d" % i, [("Host", "ka.example.com"),
                                         ("Connection", "keep-alive")]),
              resp(404 if i % 2 else 200, "Not Found" if i % 2 else "OK",
                   [("Connection", "keep-alive")], b"nothing here %d" % i))
             for i in range(4)])
    # more transactions than libhtp keeps at once (512): freed as inspected
    add(80, [(req("GET", "/ka600/%d" % i, [("Host", "ka600.example.com")]),
              resp(200, "OK", [], b"k")) for i in range(600)])
    # percent-encoding and case games in the URI, method and headers
    for uri in ("/a%2Fb%20c?x=%41%42&y=1", "/%61dmin/%2e%2e/etc/passwd",
                "/dir//sub/./file.php", "/UPPER/Case.PHP?Q=ONE",
                "/shell.php?cmd=cat%20/etc/passwd", "/x?a=b+c%2bd#frag"):
        add(80, [(req("GET", uri, [("HOST", "WWW.Example.COM:8080"),
                                   ("user-agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)")]),
                  resp(200, "OK", [], b"ok"))])
    for method in ("get", "Post", "PUT", "DELETE", "OPTIONS", "PROPFIND"):
        add(80, [(req(method, "/m/" + method.lower(), [("Host", "m.example.com")]),
                  resp(405, "Method Not Allowed", [("Allow", "GET")], b""))])
    # POST bodies: urlencoded, chunked, gzip-encoded
    for i in range(4):
        body = b"user=admin&pass=' OR 1=1 --&n=%d&evilpayload" % i
        add(80, [(req("POST", "/login.php", [("Host", "post.example.com"),
                                             ("Content-Type", "application/x-www-form-urlencoded"),
                                             ("Content-Length", str(len(body)))], body),
                  resp(302, "Found", [("Location", "http://post.example.com/home?ok=1")], b""))])
    body = b"cmd=whoami&token=secret-token-value"
    add(80, [(req("POST", "/api/exec", [("Host", "post.example.com"),
                                        ("Transfer-Encoding", "chunked")], chunked(body, 5)),
              resp(200, "OK", [("Content-Type", "application/json")], b'{"r":"root"}'))])
    gz = gzip.compress(b"cmd=id&token=secret-token-value", mtime=0)
    add(80, [(req("POST", "/api/exec2", [("Host", "post.example.com"),
                                         ("Content-Encoding", "gzip"),
                                         ("Content-Length", str(len(gz)))], gz),
              resp(200, "OK", [], b"done"))])
    # non-standard ports, both directions detected by content
    for p in (8080, 8081, 3128, 1234, 443):
        add(p, [(req("GET", "/alt/port/%d" % p, [("Host", "alt.example.net"),
                                                 ("User-Agent", "BadBot/6.6 (evil)")]),
                 resp(200, "OK", [("Server", "BadServer/0.1")], b"evilpayload here"))])
    # non-HTTP on port 80 that carries the same words
    for i in range(4):
        add(80, [(b"HELLO GET /index.html HTTP/1.1 BadBot/6.6 evilpayload\r\n",
                  b"OK evilpayload HTTP/1.1 200\r\n")])
    add(80, [(b"\x16\x03\x01\x00\x05hello GET / HTTP/1.1\r\n", b"\x16\x03\x03\x00\x02zz")])
    # requests detection does not know (a leading CRLF or space, an unknown
    # method) on flows their response makes HTTP: the request still counts,
    # with nothing sent after it (found by a review: nfips missed them)
    for q in (b"\r\n" + req("GET", "/admin/crlf", [("Host", "d.example.com")]),
              b" " + req("GET", "/admin/space", [("Host", "d.example.com")]),
              req("EVAL", "/admin/eval", [("Host", "d.example.com")])):
        add(80, [(q, resp(200, "OK", [], b"ok"))])
    # HTTP/1.0, a response delimited by the connection's close
    for i in range(3):
        add(80, [(req("GET", "/old/%d" % i, [("Host", "old.example.com")], proto="HTTP/1.0"),
                  resp(200, "OK", [("Content-Type", "text/plain")],
                       b"close delimited evilpayload %d" % i, cl=False, proto="HTTP/1.0"))])
    # repeated headers, folded header, empty user agent
    add(80, [(req("GET", "/dup", [("Host", "dup.example.com"), ("User-Agent", "First/1"),
                                  ("User-Agent", "Second/2"), ("X-Long", "a\r\n folded")]),
              resp(200, "OK", [("Server", "s1"), ("Server", "s2")], b"x"))])
    add(80, [(req("GET", "/empty-ua", [("Host", "e.example.com"), ("User-Agent", "")]),
              resp(204, "No Content", [], b""))])
    # a request without a response (the flow ends first)
    add(80, [(req("GET", "/noresp/evil", [("Host", "nr.example.com")]), b"")])
    # 100-continue, HTTP/0.9 (CONNECT is left out: Documentation/replay.rst)
    body = b"upload=evilpayload&more=1"
    add(80, [(req("POST", "/upload.php", [("Host", "up.example.com"), ("Expect", "100-continue"),
                                         ("Content-Length", str(len(body)))]),
              b"HTTP/1.1 100 Continue\r\n\r\n"),
             (body, resp(201, "Created", [("Location", "/files/1")], b""))])
    add(80, [(b"GET /ancient/page\r\n", b"<html>ancient evilpayload</html>")])
    # a response body past the 100 KiB limit: a marker inside it, one beyond
    big = b"A" * 50000 + b"MARKER-INSIDE" + b"B" * 70000 + b"MARKER-BEYOND" + b"C" * 1000
    add(80, [(req("GET", "/big.bin", [("Host", "big.example.com")]),
              resp(200, "OK", [("Content-Type", "application/octet-stream")], big))])
    # (an upload of 90 KB or more: Suricata 7.0.10 parses no response after
    # it, Documentation/replay.rst)
    up = b"A" * 30000 + b"MARKER-INSIDE" + b"B" * 30000
    add(80, [(req("POST", "/big-upload", [("Host", "big.example.com"),
                                          ("Content-Length", str(len(up)))], up),
              resp(200, "OK", [], b"ok"))], seg=1400)
    # uploads that never complete before the capture ends (no FIN): their
    # request line and headers are inspected as they arrive, their bodies
    # as far as they got at the flow's end; small and past the minimal
    # inspect size (32 KiB), headers split over segments
    for n, seg in ((3000, 7), (50000, 1400)):
        up = b"u" * (n // 2) + b"PARTIAL-MARK" + b"v" * (n // 2)
        add(80, [(req("POST", "/never-ends/%d" % n, [("Host", "up.example.com"),
                                                     ("User-Agent", "Mozilla/5.0 Uploader/1"),
                                                     ("Content-Length", "500000")], up),
                  b"")], seg=seg, close=False)
    # pipelined POSTs with bodies, the last one unfinished
    ex = [(req("POST", "/pipe-post/%d" % i, [("Host", "pp.example.com"),
                                              ("Content-Length", "20")],
               b"pipe-body-%d-PARTIAL-" % i), None) for i in range(3)]
    ex.append((req("POST", "/pipe-post/last", [("Host", "pp.example.com"),
                                               ("Content-Length", "900")], b"pipe-body-x"), None))
    add(80, ex, pipeline=True, close=False)
    # whitespace runs for the transforms (compress_whitespace)
    add(80, [(req("GET", "/ws", [("Host", "ws.example.com"),
                                 ("User-Agent", "Evil  Tool\t\tX")]),
              resp(200, "OK", [], b"ws"))])
    # base64 in a URI, bodies (complete, cut short, an invalid byte,
    # binary), a header, and the raw payload
    def post(path, body, hdrs=()):
        add(80, [(req("POST", path, [("Host", "b64.example.com"),
                                     ("Content-Length", str(len(body)))] + list(hdrs), body),
                  resp(200, "OK", [], b"ok"))])
    add(80, [(req("GET", "/b64?q=" + base64.b64encode(b"some evil here").decode(),
                  [("Host", "b64.example.com")]), resp(200, "OK", [], b"ok"))])
    post("/b64post", b"data=" + base64.b64encode(b"hello world"))
    post("/b64tail", b"data=aGVsbG8")
    post("/b64bad", b"data=aGVs*bG8=")
    post("/b64bin", base64.b64encode(bytes.fromhex("789f3e22") + b"rest of it"))
    post("/b64raw", b"B64:" + base64.b64encode(b"payload!"))
    add(80, [(req("GET", "/auth", [("Host", "b64.example.com"),
                                   ("Authorization", "Basic " +
                                    base64.b64encode(b"admin:secret").decode())]),
              resp(200, "OK", [], b"ok"))])
    # a header moved into a chunked trailer: after the headers' segment
    # (http.header is inspected until the trailer, http.header_names and
    # http.start only at the headers), and with them in one segment
    # (no Host: Suricata alerts a second time at the trailer for a rule
    # whose http.header matched before it, as sid 1047 and 1126 would;
    # nfips alerts once per transaction)
    head = req("POST", "/trailer", [("Transfer-Encoding", "chunked")])
    tail = b"5\r\nhello\r\n0\r\nX-Evil-Trailer: 1\r\n\r\n"
    add(80, [(head, None), (tail, resp(200, "OK", [], b""))])
    add(80, [(head + tail, resp(200, "OK", [], b""))])
    add(80, [(req("GET", "/trailer-resp", [("Host", "tr.example.com")]),
              b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
             (b"", b"0\r\nX-Evil-Trailer: 1\r\n\r\n")])
    # request bodies in many segments: inline each new piece is inspected
    # (so a negated content fails before the tail comes), in IDS mode
    # once complete or from 32 KiB on, then windows of the new data with
    # the 4 KiB before it (a pattern across segments, one far before)
    body = b"x=" + b"a" * 3000 + b"BODYTAIL"
    add(80, [(req("POST", "/inline-body", [("Host", "in.example.com"),
                                           ("Content-Length", str(len(body)))], body),
              resp(200, "OK", [], b"ok"))], seg=700)
    body = bytearray(b"HEADMARK" + b"b" * 70000 + b"ENDMARK")
    body[50390:50409] = b"SPLITPATTERN-ACROSS"
    body[60000:60012] = b"NEARPATTERN1"
    body[62000:62012] = b"NEARPATTERN2"
    add(80, [(req("POST", "/inline-big", [("Host", "in.example.com"),
                                          ("Content-Length", str(len(body)))], bytes(body)),
              b"")], seg=1400)
    # byte_test of 0 bytes: the number read from the rest of the buffer
    # (http.content_len; file.data after a content, relative). Each number
    # ends before the buffer does: Suricata reads on past the buffer's end
    # (replay.rst), what it then finds there is chance.
    for v in ("0x", "4001x", "450;", "77 x", "+12a", "-1a", "12abc", "00012z", "1 2",
              "99999999999999999999999x", "x"):
        add(80, [(req("GET", "/cl", [("Host", "cl.example.com"), ("Content-Length", v)]),
                  None)], close=False)
    for n in ("33554431", "33554430", " 40000000", "x1", "+33554432 "):
        body = b"<script>d.innerHTML = Array(" + n.encode() + b").toString();</script>"
        add(80, [(req("GET", "/oob", [("Host", "oob.example.com")]),
                  resp(200, "OK", [("Content-Type", "text/html")], body))])
    # random mixes, for volume
    for i in range(40):
        ua = rnd.choice(UAS)
        path = rnd.choice(["/index.html", "/shell.php?cmd=id", "/a%2Fb", "/img/x.png",
                           "/admin/login.php"])
        code = rnd.choice([(200, "OK"), (404, "Not Found"), (500, "Internal Server Error")])
        body = rnd.choice([PAGE, b"short", b"evilpayload" * 3])
        seg = rnd.choice([None, None, 4, 9])
        add(rnd.choice([80, 80, 8080]), [(req("GET", path, [("Host", "r%d.example.com" % i),
                                                               ("User-Agent", ua)]),
                                          resp(code[0], code[1], [("Server", "nginx")], body))],
            seg=seg)
    return pkts


GAP_RULES = (
    'alert http any any -> any any (msg:"uri after gap"; flow:to_server; '
    'http.uri; content:"/evil-after-gap"; sid:1; rev:1;)\n'
    'alert http any any -> any any (msg:"upload"; flow:to_server; '
    'http.uri; content:"/upload"; sid:2; rev:1;)\n')


def upload_gap(m, cport, lost=None, ahead=None, body_len=300000, seg=1400):
    """
    A POST of @body_len bytes in @seg-byte segments, each acknowledged,
    then a GET of /evil-after-gap on the same connection (the review of
    issue 14, t1 and t1b). @lost: the body offset of a segment the
    capture never saw (the server acknowledges it). @ahead: the client
    leaves a 1-byte hole at the body's start, sends the segment at body
    offset @ahead (beyond the 256 KiB reassembly window) before filling
    it, then the rest in order: the server gets every byte.
    """
    c = m.Tcp(cli=("10.1.0.9", cport), srv=("10.2.0.9", 80), cisn=cport * 7,
              sisn=cport * 13)
    pkts = c.handshake()
    hdr = req("POST", "/upload", [("Host", "x"), ("Content-Length", str(body_len))])
    body = b"A" * body_len
    pkts.append(c.c(0, hdr))
    base = len(hdr)
    acked = base

    def send(off, data):
        nonlocal acked
        pkts.append(c.c(base + off, data))
        if base + off <= acked:
            acked = max(acked, base + off + len(data))
            if ahead is not None and acked == base + ahead:
                acked += seg  # the segment sent early
        pkts.append(c.pkt(False, "A", c.sisn + 1, c.cisn + 1 + acked))

    if ahead is not None:
        send(1, body[1:seg])
        send(ahead, body[ahead:ahead + seg])
        send(0, body[0:1])
        acked = base + seg
        off = seg
    else:
        off = 0
    while off < body_len:
        n = min(seg, body_len - off)
        if ahead is not None and off < ahead:
            n = min(n, ahead - off)
        if ahead is not None and off == ahead:
            off += seg
            continue
        if off == lost:
            acked = base + off + n  # the server got it, the capture not
        else:
            send(off, body[off:off + n])
        off += n
    coff = base + body_len
    ok = resp(200, "OK", [], b"ok")
    pkts.append(c.s(0, ok))
    get = req("GET", "/evil-after-gap", [("Host", "x")])
    pkts.append(c.pkt(True, "PA", c.cisn + 1 + coff, c.sisn + 1 + len(ok), get))
    coff += len(get)
    pkts.append(c.pkt(False, "PA", c.sisn + 1 + len(ok), c.cisn + 1 + coff, ok))
    soff = 2 * len(ok)
    pkts.append(c.pkt(True, "FA", c.cisn + 1 + coff, c.sisn + 1 + soff))
    pkts.append(c.pkt(False, "FA", c.sisn + 1 + soff, c.cisn + 2 + coff))
    pkts.append(c.pkt(True, "A", c.cisn + 2 + coff, c.sisn + 2 + soff))
    return pkts


def gap_flows(m):
    """A real loss inside a body (t1), an out-of-order send far ahead (t1b)."""
    return (upload_gap(m, 40001, lost=1400 * 3) +
            upload_gap(m, 40002, ahead=270000))


def case_http(m, t, tmp):
    """
    The capture and rules through Suricata 7 and nfipsctl replay. Suricata
    keeps at most packet-alert-max (15) alerts per packet and drops the
    rest; nfips has no such cap and inspects a transaction on another
    packet than Suricata may, so the cap is raised to Suricata's highest.
    """
    with open(RULES) as f:
        rules = f.read()
    # A rule nfips refused would only show where it should have alerted.
    r = subprocess.run([m.NFIPSCTL, "rules", "check", RULES], capture_output=True,
                       text=True, timeout=60)
    t.ok(r.returncode == 0 and "skipped=0 errors=0" in r.stdout,
         "http.rules: every rule loads", r.stdout + r.stderr)
    m.differential(t, tmp, "http", flows(m), rules, sets=["packet-alert-max=255"])
    # Bodies inline, as nfipsd and Suricata in IPS mode inspect them.
    m.differential(t, tmp, "http-inline", flows(m), rules, extra=["--http-body-inline", "yes"],
                   sets=["packet-alert-max=255",
                         "app-layer.protocols.http.libhtp.default-config.http-body-inline=yes"])


# file.data without flow: to_client only when another buffer is of responses
# only (Suricata's implied direction), so an upload must not match it.
FILE_DIR_RULES = (
    'alert http any any -> any any (msg:"page"; http.stat_code; content:"200"; '
    'file.data; content:"secret-marker"; sid:9200; rev:1;)\n'
    'alert http any any -> any any (msg:"page 2"; file_data; content:"secret-marker"; '
    'http.stat_msg; content:"OK"; sid:9201; rev:1;)\n')


def file_dir_flows(m):
    up = req("POST", "/upload", [("Host", "a"), ("Content-Type", "application/octet-stream")],
             b"xx secret-marker xx")
    up = up.replace(b"\r\n\r\n", b"\r\nContent-Length: 19\r\n\r\n", 1)
    return (conversation(m, 42001, 80, [(up, resp(200, "OK", [], b"fine"))]) +
            conversation(m, 42002, 80, [(req("GET", "/p", [("Host", "a")]),
                                         resp(200, "OK", [], b"a secret-marker b"))]) +
            conversation(m, 42003, 80, [(req("GET", "/q", [("Host", "a")]),
                                         resp(404, "Not Found", [], b"a secret-marker b"))]))


def cases(m):
    def case_http_libhtp(t, tmp):
        case_http(m, t, tmp)

    def case_http_file_dir(t, tmp):
        """file.data with a response-only buffer and no flow: responses only."""
        m.differential(t, tmp, "http_file_dir", file_dir_flows(m), FILE_DIR_RULES)

    def case_http_gap(t, tmp):
        """
        Lost bytes inside a request body: Suricata gives libhtp the gap
        and alerts on the next request, as nfips must; an out-of-order
        send far ahead is no gap at all.
        """
        m.differential(t, tmp, "http_gap", gap_flows(m), GAP_RULES)
    return [case_http_libhtp, case_http_gap, case_http_file_dir]


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    import replay_test as rt
    rt.write_pcap(sys.argv[1], 1, rt.stamp(flows(rt)))
