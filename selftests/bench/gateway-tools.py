#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Helpers of the gateway benchmark (kernel-bench.sh, in the QEMU guest).

Usage: gateway-tools.py www DIR [--seed N] [--files N]
       gateway-tools.py probe DST PORT COUNT RATE
       gateway-tools.py latency PCAP PORT

www      writes the HTTP mix's web root: N files (default 64) of 1-64 KiB,
         sizes log-uniform from a fixed seed, every second one HTML-like
         text, the others random bytes; plus canary.txt (a body that the
         default policy and ET Open both alert on) and DIR.list, the order in
         which the client requests the files (seeded shuffle). Prints a
         one-line summary.
probe    sends COUNT UDP datagrams of 64 bytes to DST:PORT, RATE per second,
         each carrying its sequence number: the latency probe flow.
latency  reads a capture of the probe flow taken with `tcpdump -i any` in
         the gateway namespace (nanosecond timestamps): each probe seen
         entering (from the client) and leaving (towards the server); prints
         "probes=N seen=N p50_us=X p99_us=X max_us=X", the time each spent
         in the gateway.
"""
import random
import socket
import struct
import sys
import time

PROBE_MAGIC = b"nfips-probe"
CANARY = b"uid=0(root) gid=0(root) groups=0(root)\n"

WORDS = ("the of and to in for is on that by this with you it not or be are from at as "
         "your all have new more an was we will home can us about if page my has search "
         "free but our one other do no information time they site he up may what which "
         "their news out use any there see only so his when contact here business who web "
         "also now help get pm view online first am been would how were me services some "
         "these click its like service than find price date back top people had list name "
         "just over state year day into email two health world re next used go work last "
         "most products music buy data make them should product system post her city add "
         "policy number such please available copyright support message after best software "
         "then jan good video well where info rights public books high school through each "
         "links she review years order very privacy book items company read group sex need "
         "many user said de does set under general research university january mail full "
         "map reviews program life know games way days management part could great united "
         "hotel real item international center ebay must store travel comments made").split()


def www(argv):
    d, seed, nfiles = None, 1, 64
    it = iter(argv)
    for a in it:
        if a == "--seed":
            seed = int(next(it))
        elif a == "--files":
            nfiles = int(next(it))
        else:
            d = a
    if not d:
        sys.exit(__doc__)
    rng = random.Random(seed)
    names, total = [], 0
    for i in range(nfiles):
        size = int(round(2 ** rng.uniform(10, 16)))  # 1 KiB .. 64 KiB
        if i % 2 == 0:
            name = "page%02d.html" % i
            out = bytearray(b"<!DOCTYPE html>\n<html><head><title>page %d</title></head>"
                            b"<body>\n" % i)
            while len(out) < size:
                words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
                out += b"<p>" + words.encode() + b"</p>\n"
            body = bytes(out[:size])
        else:
            name = "blob%02d.bin" % i
            body = rng.randbytes(size)
        with open("%s/%s" % (d, name), "wb") as f:
            f.write(body)
        names.append((name, size))
        total += size
    with open("%s/canary.txt" % d, "wb") as f:
        f.write(CANARY)
    order = [n for n, _ in names]
    rng.shuffle(order)
    with open(d.rstrip("/") + ".list", "w") as f:
        for n in order:
            f.write("/%s\n" % n)
    sizes = sorted(s for _, s in names)
    print("%d files, %d bytes, mean %d, median %d, min %d, max %d, seed %d" %
          (nfiles, total, total // nfiles, sizes[nfiles // 2], sizes[0], sizes[-1], seed))


def probe(argv):
    dst, port, count, rate = argv[0], int(argv[1]), int(argv[2]), float(argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    start = time.monotonic()
    for seq in range(count):
        delay = start + seq / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        s.sendto((PROBE_MAGIC + struct.pack("!I", seq)).ljust(64, b"."), (dst, port))


def pcap_records(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xa1\xb2\x3c\x4d", b"\x4d\x3c\xb2\xa1"):
        nano = True
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xd4\xc3\xb2\xa1"):
        nano = False
    else:
        sys.exit("latency: %s is not a pcap file" % path)
    end = "<" if magic[0] in (0x4d, 0xd4) else ">"
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0xffff
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        pkt = data[off:off + incl]
        off += incl
        ts = sec * 1_000_000_000 + (frac if nano else frac * 1000)
        yield linktype, ts, pkt


def latency(argv):
    path, port = argv[0], int(argv[1])
    seen_in, seen_out = {}, {}
    for linktype, ts, pkt in pcap_records(path):
        if linktype == 113:  # LINUX_SLL
            pkttype, proto, ip = struct.unpack("!H", pkt[0:2])[0], pkt[14:16], pkt[16:]
        elif linktype == 276:  # LINUX_SLL2
            pkttype, proto, ip = pkt[10], pkt[0:2], pkt[20:]
        else:
            sys.exit("latency: link type %d: capture with tcpdump -i any" % linktype)
        if proto != b"\x08\x00" or len(ip) < 20 or ip[9] != 17:
            continue
        udp = ip[(ip[0] & 15) * 4:]
        if len(udp) < 8 + len(PROBE_MAGIC) + 4 or struct.unpack("!H", udp[2:4])[0] != port:
            continue
        payload = udp[8:]
        if not payload.startswith(PROBE_MAGIC):
            continue
        seq = struct.unpack("!I", payload[len(PROBE_MAGIC):len(PROBE_MAGIC) + 4])[0]
        # 0: to this host (arriving from the client); 4: sent by it (to the server)
        if pkttype == 4:
            seen_out.setdefault(seq, ts)
        elif pkttype == 0:
            seen_in.setdefault(seq, ts)
    lat = sorted((seen_out[s] - seen_in[s]) / 1000.0 for s in seen_in if s in seen_out)
    if not lat:
        print("probes=%d seen=0" % len(seen_in))
        sys.exit(1)

    def pct(p):
        return lat[min(len(lat) - 1, int(p * len(lat)))]
    print("probes=%d seen=%d p50_us=%.0f p99_us=%.0f max_us=%.0f" %
          (len(seen_in), len(lat), pct(0.50), pct(0.99), lat[-1]))


def main(argv):
    cmds = {"www": www, "probe": probe, "latency": latency}
    if len(argv) < 2 or argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[argv[1]](argv[2:])


if __name__ == "__main__":
    main(sys.argv)
