#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes a deterministic benchmark corpus of packet payloads for mpm-bench.

Usage: gen-corpus.py [--seed N] [--mb N] OUT

OUT is a sequence of records, each a 4-byte little-endian length followed by
that many payload bytes (one record = one packet payload). The traffic is
synthetic but shaped like a gateway's: HTTP/1.1 requests and responses (varied
methods, URIs, headers, HTML/JSON/JS/binary bodies cut into 1460-byte TCP
segments), DNS queries and responses (binary, with name compression), TLS
records (ClientHello with SNI, certificate-ish handshake segments, encrypted
application data) and random bytes. Sizes follow from the protocols: many
small packets (DNS, requests, short records) and many full 1460-byte segments.
The same seed and size always give the same bytes.
"""
import random
import struct
import sys

MSS = 1460

WORDS = ("the of and to in is for on with as by at from this that be are it "
         "news home about contact login account search products services blog "
         "support privacy terms cart checkout price order shipping download "
         "update security video music sports weather travel health business "
         "market world local review help community profile settings message "
         "report data cloud server network device mobile app free best new").split()
TLDS = ["com", "net", "org", "io", "de", "co.uk", "fr", "ru", "cn", "info", "jp"]
SITES = ["example", "shop", "news", "cdn", "static", "api", "mail", "portal",
         "login", "images", "media", "update", "download", "tracker", "ads",
         "analytics", "video", "social", "bank", "cloud", "weather", "travel"]
PATHS = ["index.html", "index.php", "wp-login.php", "wp-admin/admin-ajax.php",
         "api/v1/users", "api/v2/items", "search", "login", "static/js/app.js",
         "static/css/site.css", "images/logo.png", "favicon.ico", "cgi-bin/test.cgi",
         "admin/config.php", "download/setup.exe", "robots.txt", "sitemap.xml",
         "graphql", "update/check", "assets/main.bundle.js", "product/view",
         "cart/add", "user/profile", "news/article", "feed.rss", "upload.aspx"]
METHODS = ["GET"] * 14 + ["POST"] * 4 + ["HEAD", "PUT", "OPTIONS", "DELETE"]
UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148",
    "curl/7.88.1", "Wget/1.21.3", "python-requests/2.31.0", "Go-http-client/1.1",
    "Microsoft-CryptoAPI/10.0", "Debian APT-HTTP/1.3 (2.6.1)", "okhttp/4.11.0",
]
SERVERS = ["nginx", "nginx/1.22.1", "Apache/2.4.57 (Debian)", "Microsoft-IIS/10.0",
           "cloudflare", "gws", "AmazonS3", "lighttpd/1.4.69", "openresty"]
STATUS = [(200, "OK")] * 12 + [(301, "Moved Permanently"), (302, "Found"),
                               (304, "Not Modified"), (404, "Not Found"),
                               (403, "Forbidden"), (500, "Internal Server Error")]
CTYPES = ["text/html; charset=utf-8", "application/json", "application/javascript",
          "image/png", "image/jpeg", "application/octet-stream", "text/css"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def word(self):
        return self.r.choice(WORDS)

    def words(self, lo, hi):
        return " ".join(self.word() for _ in range(self.r.randint(lo, hi)))

    def host(self):
        r = self.r
        sub = r.choice(["www.", "", "m.", r.choice(SITES) + "."])
        return "%s%s%d.%s" % (sub, r.choice(SITES), r.randint(1, 999), r.choice(TLDS))

    def ip(self):
        return ".".join(str(self.r.randint(1, 254)) for _ in range(4))

    def uri(self):
        r = self.r
        u = "/" + r.choice(PATHS)
        if r.random() < 0.5:
            args = ["%s=%s" % (self.word(), r.choice([self.word(), str(r.randint(0, 99999)),
                                                     "%08x" % r.getrandbits(32)]))
                    for _ in range(r.randint(1, 5))]
            u += "?" + "&".join(args)
        return u

    def cookie(self):
        r = self.r
        return "; ".join("%s=%s" % (r.choice(["sid", "session", "_ga", "csrftoken", "uid",
                                              "pref", "lang", "JSESSIONID"]),
                                    r.randbytes(r.randint(8, 24)).hex())
                         for _ in range(r.randint(1, 4)))

    def html(self, n):
        r, parts, size = self.r, ["<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                                  "<title>%s</title>\n" % self.words(2, 6)], 0
        while size < n:
            k = r.random()
            if k < 0.4:
                s = "<p class=\"%s\">%s</p>\n" % (self.word(), self.words(10, 60))
            elif k < 0.6:
                s = "<a href=\"https://%s%s\">%s</a>\n" % (self.host(), self.uri(), self.words(1, 4))
            elif k < 0.75:
                s = "<div id=\"%s-%d\"><img src=\"/images/%s.png\" alt=\"%s\"></div>\n" % (
                    self.word(), r.randint(1, 99), self.word(), self.words(1, 3))
            elif k < 0.9:
                v = self.word()
                s = ("<script>var %s = document.getElementById('%s'); if (%s) { %s.innerHTML = "
                     "'%s'; }</script>\n" % (v, self.word(), v, v, self.words(2, 8)))
            else:
                s = "<form action=\"%s\" method=\"post\"><input type=\"text\" name=\"%s\"></form>\n" % (
                    self.uri(), self.word())
            parts.append(s)
            size += len(s)
        parts.append("</body></html>\n")
        return "".join(parts).encode()[:n]

    def json(self, n):
        r, items, size = self.r, [], 0
        while size < n:
            s = ('{"id":%d,"name":"%s","email":"%s@%s","active":%s,"score":%.3f,"tags":[%s],'
                 '"url":"https://%s%s"}' % (r.randint(1, 10**6), self.words(1, 3), self.word(),
                                             self.host(), r.choice(["true", "false"]), r.random() * 100,
                                             ",".join('"%s"' % self.word() for _ in range(r.randint(0, 4))),
                                             self.host(), self.uri()))
            items.append(s)
            size += len(s) + 1
        return ('{"status":"ok","count":%d,"items":[%s]}' % (len(items), ",".join(items))).encode()[:n]

    def body(self, ctype, n):
        if ctype.startswith("text/html"):
            return self.html(n)
        if ctype == "application/json":
            return self.json(n)
        if ctype in ("application/javascript", "text/css"):
            return self.html(n).replace(b"<", b"(").replace(b">", b")")
        if ctype == "image/png":
            return (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + self.r.randbytes(n))[:n]
        if ctype == "image/jpeg":
            return (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + self.r.randbytes(n))[:n]
        return (b"MZ\x90\x00\x03\x00\x00\x00" + self.r.randbytes(n))[:n]

    def body_len(self):
        r = self.r
        k = r.random()
        if k < 0.3:
            return r.randint(0, 800)
        if k < 0.7:
            return r.randint(800, 12000)
        if k < 0.95:
            return r.randint(12000, 60000)
        return r.randint(60000, 250000)

    def http_exchange(self):
        """One request and its response (None when the server does not answer)."""
        r = self.r
        method, host = r.choice(METHODS), self.host()
        hdr = ["%s %s HTTP/1.1" % (method, self.uri()), "Host: " + host,
               "User-Agent: " + r.choice(UAS),
               "Accept: " + r.choice(["*/*", "text/html,application/xhtml+xml,application/xml;"
                                      "q=0.9,*/*;q=0.8", "application/json"])]
        if r.random() < 0.7:
            hdr += ["Accept-Language: en-US,en;q=0.5", "Accept-Encoding: gzip, deflate, br"]
        if r.random() < 0.5:
            hdr.append("Cookie: " + self.cookie())
        if r.random() < 0.4:
            hdr.append("Referer: https://%s%s" % (self.host(), self.uri()))
        if r.random() < 0.1:
            hdr.append("X-Forwarded-For: " + self.ip())
        body = b""
        if method in ("POST", "PUT"):
            if r.random() < 0.5:
                ctype, body = "application/json", self.json(r.randint(40, 3000))
            else:
                ctype = "application/x-www-form-urlencoded"
                body = "&".join("%s=%s" % (self.word(), self.word() + str(r.randint(0, 999)))
                                for _ in range(r.randint(1, 12))).encode()
            hdr += ["Content-Type: " + ctype, "Content-Length: %d" % len(body)]
        hdr.append("Connection: " + r.choice(["keep-alive", "close"]))
        req = ("\r\n".join(hdr) + "\r\n\r\n").encode() + body
        if method == "OPTIONS" or r.random() < 0.05:
            return req, None
        code, reason = r.choice(STATUS)
        ctype = r.choice(CTYPES)
        body = self.body(ctype, self.body_len()) if code == 200 and method != "HEAD" else b""
        if code in (404, 403, 500):
            body = self.html(r.randint(150, 600))
        hdr = ["HTTP/1.1 %d %s" % (code, reason), "Server: " + r.choice(SERVERS),
               "Date: %s, %02d Nov 2024 %02d:%02d:%02d GMT" % (
                   r.choice(["Mon", "Tue", "Wed", "Thu", "Fri"]), r.randint(1, 28),
                   r.randint(0, 23), r.randint(0, 59), r.randint(0, 59)),
               "Content-Type: " + ctype, "Content-Length: %d" % len(body)]
        if code in (301, 302):
            hdr.append("Location: https://%s%s" % (host, self.uri()))
        if r.random() < 0.3:
            hdr.append("Set-Cookie: %s; Path=/; HttpOnly" % self.cookie().split(";")[0])
        hdr.append("Cache-Control: " + r.choice(["no-cache", "max-age=3600", "private"]))
        return req, ("\r\n".join(hdr) + "\r\n\r\n").encode() + body

    def http(self):
        req, resp = self.http_exchange()
        return self.segments(req) + (self.segments(resp) if resp is not None else [])

    def segments(self, data):
        return [data[i:i + MSS] for i in range(0, len(data), MSS)] or [b""]

    def dns_name(self, name):
        return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"

    def dns(self):
        r = self.r
        qid, name = r.getrandbits(16), self.host()
        qtype = r.choice([1] * 6 + [28] * 3 + [15, 16, 65, 12])
        q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + self.dns_name(name) + \
            struct.pack(">HH", qtype, 1)
        if r.random() < 0.1:  # EDNS0
            q = q[:10] + b"\x00\x01" + q[12:] + b"\x00\x00\x29\x10\x00\x00\x00\x00\x00\x00\x00"
        nans = r.randint(0, 6)
        ans = b""
        for i in range(nans):
            if i == 0 and r.random() < 0.3:  # CNAME to another name
                tgt = self.dns_name(self.host())
                ans += b"\xc0\x0c" + struct.pack(">HHIH", 5, 1, r.randint(30, 86400), len(tgt)) + tgt
            elif qtype == 28:
                ans += b"\xc0\x0c" + struct.pack(">HHIH", 28, 1, r.randint(30, 86400), 16) + r.randbytes(16)
            elif qtype == 16:
                txt = ("v=spf1 include:_spf.%s ~all" % self.host()).encode()[:255]
                ans += b"\xc0\x0c" + struct.pack(">HHIH", 16, 1, 300, len(txt) + 1) + bytes([len(txt)]) + txt
            else:
                ans += b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, r.randint(30, 86400), 4) + r.randbytes(4)
        resp = struct.pack(">HHHHHH", qid, 0x8180 if nans else 0x8183, 1, nans, 0, 0) + \
            q[12:12 + len(self.dns_name(name)) + 4] + ans
        return [q, resp]

    def tls_exchange(self):
        """A TLS session as (from_client, bytes) records: ClientHello, the
        server's flight, small application records both ways, bulk data."""
        r, out = self.r, []
        sni = self.host().encode()
        ext = struct.pack(">HHHBH", 0, len(sni) + 5, len(sni) + 3, 0, len(sni)) + sni
        ext += b"\x00\x0b\x00\x04\x03\x00\x01\x02\x00\x0a\x00\x0c\x00\x0a\x00\x1d\x00\x17\x00\x1e"
        ext += b"\x00\x19\x00\x18\x00\x10\x00\x0e\x00\x0c\x02h2\x08http/1.1"
        ext += b"\x00\x2b\x00\x05\x04\x03\x04\x03\x03\x00\x33\x00\x26\x00\x24\x00\x1d\x00\x20" + r.randbytes(32)
        pad = r.randint(100, 250)
        ext += b"\x00\x15" + struct.pack(">H", pad) + b"\0" * pad
        ciphers = b"\x13\x01\x13\x02\x13\x03\xc0\x2b\xc0\x2f\xcc\xa9\xcc\xa8\xc0\x2c\xc0\x30\xc0\x13\xc0\x14\x00\x9c\x00\x9d\x00\x2f\x00\x35"
        hello = b"\x03\x03" + r.randbytes(32) + b"\x20" + r.randbytes(32) + \
            struct.pack(">H", len(ciphers)) + ciphers + b"\x01\x00" + struct.pack(">H", len(ext)) + ext
        hs = b"\x01" + struct.pack(">I", len(hello))[1:] + hello
        out.append((True, b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs))
        # Server flight: ServerHello + certificate-like DER with readable names.
        cert = b""
        for _ in range(r.randint(2, 3)):
            c = (b"\x30\x82\x05\x00\x30\x82\x03\xe8\xa0\x03\x02\x01\x02\x02\x10" + r.randbytes(16) +
                 b"\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b\x05\x00" +
                 b"\x31\x0b\x30\x09\x06\x03\x55\x04\x06\x13\x02US\x31\x13\x30\x11\x06\x03\x55\x04\x0a\x13\x0a" +
                 r.choice([b"Let's Encrypt", b"DigiCert Inc", b"Google Trust Services", b"Sectigo Limited"]) +
                 b"\x31\x17\x30\x15\x06\x03\x55\x04\x03\x13\x0e" + sni + r.randbytes(r.randint(700, 1300)))
            cert += struct.pack(">I", len(c))[1:] + c
        sh = b"\x02\x00\x00\x56\x03\x03" + r.randbytes(32) + b"\x20" + r.randbytes(32) + b"\x13\x01\x00"
        flight = b"\x16\x03\x03" + struct.pack(">H", len(sh)) + sh + b"\x16\x03\x03" + \
            struct.pack(">H", len(cert) + 4) + b"\x0b" + struct.pack(">I", len(cert))[1:] + cert
        out.append((False, flight))
        # Application data both ways: a few small records, then bulk.
        for i in range(r.randint(1, 4)):
            n = r.randint(20, 600)
            out.append((i % 2 == 0, b"\x17\x03\x03" + struct.pack(">H", n) + r.randbytes(n)))
        bulk = b""
        for _ in range(r.randint(0, 3)):
            n = r.choice([16384 + 22, r.randint(100, 16000)])
            bulk += b"\x17\x03\x03" + struct.pack(">H", n) + r.randbytes(n)
        if bulk:
            out.append((False, bulk))
        return out

    def tls(self):
        out = []
        for from_client, data in self.tls_exchange():
            out += self.segments(data) if len(data) > MSS else [data]
        return out

    def random(self):
        r, out = self.r, []
        for _ in range(r.randint(1, 6)):
            k = r.random()
            n = r.randint(1, 64) if k < 0.4 else (r.randint(65, 1400) if k < 0.7 else MSS)
            out.append(r.randbytes(n))
        return out


def main(argv):
    seed, mb, args = 1, 32, []
    it = iter(argv[1:])
    for a in it:
        if a == "--seed":
            seed = int(next(it))
        elif a == "--mb":
            mb = float(next(it))
        else:
            args.append(a)
    if len(args) != 1:
        sys.exit("usage: gen-corpus.py [--seed N] [--mb N] OUT")
    g, total, want = Gen(seed), 0, int(mb * 1e6)
    kinds = [("http", g.http, 30), ("dns", g.dns, 40), ("tls", g.tls, 15), ("random", g.random, 15)]
    stats = {k: [0, 0] for k, _, _ in kinds}
    sizes = [0, 0, 0, 0]  # <=64, <=512, <1460, 1460
    with open(args[0], "wb") as f:
        while total < want:
            kind, fn, _ = g.r.choices(kinds, weights=[w for _, _, w in kinds])[0]
            for p in fn():
                f.write(struct.pack("<I", len(p)) + p)
                total += len(p)
                stats[kind][0] += 1
                stats[kind][1] += len(p)
                sizes[0 if len(p) <= 64 else 1 if len(p) <= 512 else 2 if len(p) < MSS else 3] += 1
    n = sum(s[0] for s in stats.values())
    print("gen-corpus: %d records, %d payload bytes; %s; sizes <=64: %d, 65-512: %d, "
          "513-1459: %d, 1460: %d" % (n, total, ", ".join(
              "%s %d pkts %.1f MB" % (k, s[0], s[1] / 1e6) for k, s in stats.items()), *sizes),
          file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
