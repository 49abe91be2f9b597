#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
Transformed-buffer cost (review of the xform branch, item 4): one HTTP
request with a 9000-byte Cookie, then a header value sent one byte per
segment (SEGMENTS of them), so that the transaction is handed to the
engine at every segment with its Cookie unchanged. Rule sets of 200 rules
on http.cookie through to_lowercase that wait on it without matching:

  absent   content:"zzNq" (never in the buffer: the prefilter drops them)
  fp       fast_pattern content present, a second content missing (every
           rule a candidate at every segment)
  pcre     pcre only (no prefilter at all)
  plain    as absent, without the transform

plus two rules that do alert, so both engines' alerts are compared. Each
set through nfipsctl replay and suricata -r (IDS, -k none, one thread) in
the same run: seconds, the ratio, and whether the alerts are the same.

Usage: xform-bench.py [--segments N] [--nfipsctl PATH] [--out DIR] [SET...]
Exit status 1 when the alerts differ (timings are reported, never judged).
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SETS = ("absent", "fp", "pcre", "plain")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


class Conn:
    """One TCP connection's packets, Ethernet/IPv4, checksums right."""

    def __init__(self, cport):
        self.cli, self.srv = bytes([10, 1, 0, 1]), bytes([10, 2, 0, 1])
        self.cport, self.sport = cport, 80
        self.cseq, self.sseq = 1000, 5000
        self.pkts = []

    def pkt(self, to_srv, flags, payload=b""):
        src, dst = (self.cli, self.srv) if to_srv else (self.srv, self.cli)
        sp, dp = (self.cport, self.sport) if to_srv else (self.sport, self.cport)
        seq, ack = (self.cseq, self.sseq) if to_srv else (self.sseq, self.cseq)
        fl = sum({"F": 1, "S": 2, "P": 8, "A": 16}[c] for c in flags)
        tcp = struct.pack("!HHIIBBHHH", sp, dp, seq, ack if "A" in flags else 0,
                          5 << 4, fl, 65535, 0, 0) + payload
        ph = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(ph + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        self.pkts.append(b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + tcp)
        n = len(payload) + ("S" in flags) + ("F" in flags)
        if to_srv:
            self.cseq += n
        else:
            self.sseq += n

    def send(self, to_srv, data, mss=1400):
        for i in range(0, len(data), mss):
            self.pkt(to_srv, "PA", data[i:i + mss])
            self.pkt(not to_srv, "A")


def capture(path, segments):
    c = Conn(45001)
    c.pkt(True, "S")
    c.pkt(False, "SA")
    c.pkt(True, "A")
    c.send(True, b"GET / HTTP/1.1\r\nHost: x\r\nCookie: " + b"c" * 9000 + b"\r\nX-Slow: ")
    for i in range(segments):
        c.pkt(True, "PA", b"a")
        if i % 20 == 0:
            c.pkt(False, "A")
    c.send(True, b"\r\n\r\n")
    c.send(False, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    c.pkt(True, "FA")
    c.pkt(False, "FA")
    c.pkt(True, "A")
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, p in enumerate(c.pkts):
            f.write(struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000,
                                len(p), len(p)) + p)


def rules(path, kind):
    pre = "alert http any any -> any any (flow:to_server; http.cookie; "
    xf = "" if kind == "plain" else "to_lowercase; "
    with open(path, "w") as f:
        for i in range(200):
            body = {"absent": 'content:"zz%dq";' % i,
                    "plain": 'content:"zz%dq";' % i,
                    "fp": 'content:"cccccccc"; fast_pattern; content:"zz%dq"; distance:0;' % i,
                    "pcre": 'pcre:"/zz%dq/";' % i}[kind]
            f.write("%s%s%s sid:%d;)\n" % (pre, xf, body, i + 1))
        f.write(pre + xf + 'content:"cccc"; content:"ccccc"; distance:0; sid:1000;)\n')
        f.write('alert http any any -> any any (flow:to_server; http.header; '
                'content:"X-Slow: aaaa"; sid:1001;)\n')


def alerts(eve):
    out = {}
    with open(eve) as f:
        for line in f:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("event_type") == "alert":
                k = e["alert"]["signature_id"]
                out[k] = out.get(k, 0) + 1
    return out


def timed(cmd, **kw):
    t = time.monotonic()
    subprocess.run(cmd, check=True, **kw)
    return time.monotonic() - t


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--segments", type=int, default=5000)
    ap.add_argument("--nfipsctl", default=os.path.join(ROOT, "ctl", "nfipsctl", "nfipsctl"))
    ap.add_argument("--out", default=os.path.join(HERE, "out", "xform"))
    ap.add_argument("sets", nargs="*", default=list(SETS))
    a = ap.parse_args(argv)
    bad = [s for s in a.sets if s not in SETS]
    if bad:
        ap.error("unknown set %s (have: %s)" % (", ".join(bad), ", ".join(SETS)))
    os.makedirs(a.out, exist_ok=True)
    pcap = os.path.join(a.out, "xform.pcap")
    capture(pcap, a.segments)
    suri = shutil.which("suricata")
    differ = False
    print("%-7s %10s %10s %7s  alerts" % ("set", "nfips s", "suricata s", "ratio"))
    for kind in a.sets:
        rf = os.path.join(a.out, kind + ".rules")
        rules(rf, kind)
        nf_eve = os.path.join(a.out, kind + ".nfips.json")
        with open(nf_eve, "w") as out:
            tn = timed([a.nfipsctl, "replay", "--rules", rf, "--pcap", pcap,
                        "--classification", os.path.join(ROOT, "policies",
                                                         "classification.config"),
                        "--sensor", "bench"], stdout=out, stderr=subprocess.DEVNULL)
        got = alerts(nf_eve)
        if not suri:
            print("%-7s %10.2f %10s %7s  nfips %s (no suricata)" % (kind, tn, "-", "-", got))
            continue
        sd = os.path.join(a.out, kind + ".suricata")
        shutil.rmtree(sd, ignore_errors=True)
        os.makedirs(sd)
        ts = timed([suri, "-r", pcap, "-S", rf, "-k", "none", "-l", sd, "--runmode", "single",
                    "--set", "stream.reassembly.randomize-chunk-size=no"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        want = alerts(os.path.join(sd, "eve.json"))
        same = got == want
        differ |= not same
        print("%-7s %10.2f %10.2f %7.2f  %s" % (kind, tn, ts, tn / ts if ts else 0,
                                             "same %s" % got if same else
                                             "DIFFER nfips %s suricata %s" % (got, want)))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
