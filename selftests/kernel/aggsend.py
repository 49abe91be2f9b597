#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# aggsend.py MODE DST ARG...: traffic whose wire packets the gateway may
# see merged into one aggregate (GSO from the sender, GRO in the gateway),
# for gro_segments.sh. IPv4.
#
#   tcp DST PORT TEXT [GO]  one connection, one write: a full segment of
#                         "x" (the connection's MSS), then TEXT, so that TEXT
#                         begins the second wire segment; with GO, the
#                         write waits until the file GO exists (GO.ready
#                         says the connection is up)
#   udpgso DST PORT SIZE DGRAM...  the DGRAMs, each padded with "." to SIZE
#                         bytes (the last may be shorter), in one send with
#                         UDP_SEGMENT SIZE: one GSO packet, SIZE per datagram
#   udp DST PORT SIZE DGRAM...  the DGRAMs padded as for udpgso, one send
#                         each, back to back
#   udpshort DST PORT TEXT TAIL   one datagram whose UDP length covers TEXT
#                         only, TAIL after it in the IP packet (raw socket)
import os, socket, struct, sys, time

SOL_UDP, UDP_SEGMENT = 17, 103
mode, dst, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
args = sys.argv[4:]

def pad(dgrams, size):
    return [d.encode().ljust(size, b".") for d in dgrams]


if mode == "tcp":
    s = socket.create_connection((dst, port), timeout=5)
    mss = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG)
    if len(args) > 1:
        open(args[1] + ".ready", "w").close()
        for _ in range(300):
            if os.path.exists(args[1]):
                break
            time.sleep(0.1)
    s.sendall(b"x" * mss + args[0].encode())
    time.sleep(0.5)
    s.close()
elif mode == "udpgso":
    size = int(args[0])
    data = b"".join(pad(args[1:], size))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(SOL_UDP, UDP_SEGMENT, size)
    s.sendto(data, (dst, port))
elif mode == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for d in pad(args[1:], int(args[0])):
        s.sendto(d, (dst, port))
elif mode == "udpshort":
    text, tail = args[0].encode(), args[1].encode()
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    # checksum 0: none (IPv4); the kernel puts the IP header before it
    udp = struct.pack("!HHHH", 40001, port, 8 + len(text), 0)
    s.sendto(udp + text + tail, (dst, 0))
else:
    sys.exit("aggsend.py: unknown mode " + mode)
