#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# segsend.py FAMILY DST PORT SRCPORT PART...: one TCP connection (from
# SRCPORT, 0 for any), each PART written alone (TCP_NODELAY) a moment after
# the last one, so that every PART is a segment of its own; closed with a
# reset, which leaves no TIME_WAIT behind and lets the next run reuse
# SRCPORT. A PART "@N" is N bytes of "a", "?FILE" waits (up to 300 s) until
# FILE exists. For the stream tests (stream.sh, stream_evasion.sh).
import os, socket, struct, sys, time

fam = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
if int(sys.argv[4]):
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", int(sys.argv[4])))
s.settimeout(5)
s.connect((sys.argv[2], int(sys.argv[3])))
for part in sys.argv[5:]:
    if part.startswith("?"):
        for _ in range(3000):
            if os.path.exists(part[1:]):
                break
            time.sleep(0.1)
        continue
    data = b"a" * int(part[1:]) if part.startswith("@") else part.encode()
    s.sendall(data)
    time.sleep(0.4)
time.sleep(1.5)
s.close()
