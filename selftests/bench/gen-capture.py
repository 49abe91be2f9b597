#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes a deterministic benchmark capture (pcap, Ethernet) for the replay
benchmark: nfipsctl replay over the whole loadable ET Open rule set.

Usage: gen-capture.py [--seed N] [--mb N] OUT

The traffic reuses gen-corpus.py's payload generators (the matcher corpus),
arranged into what a gateway sees:

- TCP sessions between clients in 10.0.0.0/8 ($HOME_NET) and servers
  outside, each with a three-way handshake, data segmented at the 1460-byte
  MSS, an ACK from the receiver every second segment, and a FIN exchange:
  HTTP/1.1 on port 80 (one to four request/response exchanges per
  connection, keep-alive), TLS on 443 (ClientHello, the server's
  certificate flight, application records both ways, bulk data);
- DNS queries and responses over UDP port 53;
- a few UDP datagrams of random bytes on high ports.

Up to 64 sessions are open at once and their packets interleave, one every
few tens of microseconds of capture time, as on a busy link. The same seed
and size always give the same bytes. Checksums are computed (IPv4 header,
TCP and UDP). A summary goes to standard error.
"""
import importlib.util
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("gen_corpus", os.path.join(HERE, "gen-corpus.py"))
gen_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen_corpus)
MSS = gen_corpus.MSS

T0 = 1704164645 * 1000000          # 2024-01-02T03:04:05Z, microseconds
CONCURRENT = 64


def csum(data):
    """Internet checksum of @data (ones' complement of the 16-bit sum)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(memoryview(data).cast("H"))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    # The sum was taken in host (little-endian) order: swap back.
    return struct.unpack(">H", struct.pack("<H", ~s & 0xffff))[0]


def ipv4(src, dst, proto, payload, ident):
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xffff, 0x4000,
                      64, proto, 0, src, dst)
    return hdr[:10] + struct.pack(">H", csum(hdr)) + hdr[12:] + payload


def l4sum(src, dst, proto, seg):
    return csum(src + dst + struct.pack(">BBH", 0, proto, len(seg)) + seg)


def tcp_seg(src, dst, sport, dport, seq, ack, flags, data):
    hdr = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                      5 << 4, flags, 65535, 0, 0)
    seg = hdr + data
    c = l4sum(src, dst, 6, seg)
    return seg[:16] + struct.pack(">H", c) + seg[18:]


def udp_dgram(src, dst, sport, dport, data):
    seg = struct.pack(">HHHH", sport, dport, 8 + len(data), 0) + data
    c = l4sum(src, dst, 17, seg) or 0xffff
    return seg[:6] + struct.pack(">H", c) + seg[8:]


ETH = bytes.fromhex("020000000002" "020000000001" "0800")
ETH_R = bytes.fromhex("020000000001" "020000000002" "0800")
FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10


class Session:
    """Packets of one session, generated lazily: yields (from_client, frame)."""

    def __init__(self, g, kind, cli, srv, sport, dport):
        self.g, self.kind = g, kind
        self.cli, self.srv, self.sport, self.dport = cli, srv, sport, dport
        self.ident = [g.r.getrandbits(16), g.r.getrandbits(16)]

    def frame(self, from_client, proto_payload, proto):
        src, dst = (self.cli, self.srv) if from_client else (self.srv, self.cli)
        i = 0 if from_client else 1
        self.ident[i] += 1
        return (ETH if from_client else ETH_R) + ipv4(src, dst, proto, proto_payload,
                                                       self.ident[i])

    def tcp(self, from_client, flags, data=b""):
        if from_client:
            p = tcp_seg(self.cli, self.srv, self.sport, self.dport, self.seq[0], self.seq[1],
                        flags, data)
        else:
            p = tcp_seg(self.srv, self.cli, self.dport, self.sport, self.seq[1], self.seq[0],
                        flags, data)
        i = 0 if from_client else 1
        self.seq[i] += len(data) + (1 if flags & (SYN | FIN) else 0)
        return self.frame(from_client, p, 6)

    def messages(self):
        """(from_client, bytes) application messages of the session."""
        g = self.g
        if self.kind == "http":
            out = []
            for _ in range(g.r.choice([1, 1, 1, 2, 2, 3, 4])):
                req, resp = g.http_exchange()
                out.append((True, req))
                if resp is None:
                    break
                out.append((False, resp))
            return out
        return g.tls_exchange()

    def packets(self):
        r = self.g.r
        if self.kind == "dns":
            q, resp = self.g.dns()
            yield self.frame(True, udp_dgram(self.cli, self.srv, self.sport, 53, q), 17)
            yield self.frame(False, udp_dgram(self.srv, self.cli, 53, self.sport, resp), 17)
            return
        if self.kind == "udp":
            for data in self.g.random():
                fc = r.random() < 0.5
                a, b = (self.cli, self.srv) if fc else (self.srv, self.cli)
                pa, pb = (self.sport, self.dport) if fc else (self.dport, self.sport)
                yield self.frame(fc, udp_dgram(a, b, pa, pb, data), 17)
            return
        self.seq = [r.getrandbits(32), r.getrandbits(32)]
        yield self.tcp(True, SYN)
        yield self.tcp(False, SYN | ACK)
        yield self.tcp(True, ACK)
        last = True
        for from_client, data in self.messages():
            segs = [data[i:i + MSS] for i in range(0, len(data), MSS)]
            for k, seg in enumerate(segs):
                yield self.tcp(from_client, ACK | (PSH if k == len(segs) - 1 else 0), seg)
                if k % 2 == 1 or k == len(segs) - 1:
                    yield self.tcp(not from_client, ACK)   # the receiver's ACK
            last = from_client
        yield self.tcp(last, FIN | ACK)
        yield self.tcp(not last, FIN | ACK)
        yield self.tcp(last, ACK)


def main(argv):
    seed, mb, args = 1, 64, []
    it = iter(argv[1:])
    for a in it:
        if a == "--seed":
            seed = int(next(it))
        elif a == "--mb":
            mb = float(next(it))
        else:
            args.append(a)
    if len(args) != 1:
        sys.exit("usage: gen-capture.py [--seed N] [--mb N] OUT")
    g = gen_corpus.Gen(seed)
    r = g.r
    want = int(mb * 1e6)
    kinds = [("http", 45), ("tls", 30), ("dns", 20), ("udp", 5)]
    stats = {k: [0, 0, 0] for k, _ in kinds}    # sessions, packets, bytes
    active, total, npkt, nsess, ts = [], 0, 0, 0, T0
    with open(args[0], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        while total < want or active:
            while total < want and len(active) < CONCURRENT:
                kind = r.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
                cli = bytes([10, r.randint(0, 3), r.randint(0, 255), r.randint(1, 254)])
                srv = bytes([r.choice([23, 31, 45, 52, 93, 104, 142, 151, 172, 185, 203]),
                             r.randint(0, 255), r.randint(0, 255), r.randint(1, 254)])
                if kind == "dns":
                    srv = bytes([8, 8, r.choice([4, 8]), r.choice([4, 8])])
                dport = {"http": 80, "tls": 443, "dns": 53}.get(kind, r.randint(1024, 65535))
                s = Session(g, kind, cli, srv, r.randint(32768, 60999), dport)
                active.append((kind, s.packets()))
                stats[kind][0] += 1
                nsess += 1
            i = r.randrange(len(active))
            kind, gen = active[i]
            fr = next(gen, None)
            if fr is None:
                active[i] = active[-1]
                active.pop()
                continue
            ts += r.randint(1, 40)
            f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000, len(fr), len(fr)) + fr)
            total += len(fr)
            npkt += 1
            stats[kind][1] += 1
            stats[kind][2] += len(fr)
    print("gen-capture: %d packets, %d frame bytes (%.1f MB), %d sessions; %s" % (
        npkt, total, total / 1e6, nsess, ", ".join(
            "%s %d sessions %d pkts %.1f MB" % (k, s[0], s[1], s[2] / 1e6)
            for k, s in stats.items())), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
