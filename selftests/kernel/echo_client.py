#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# echo_client.py FAMILY DST PORT PART...: one TCP connection to an echo
# server, each PART written alone (TCP_NODELAY) 0.4 s after the last, so
# that every PART is a segment of its own; then the write side is shut and
# the echo read until EOF (at most $ECHO_TIMEOUT s, default 4: a drop
# costs that long; give more where a pass is expected on a busy guest). Exit 0: the whole echo came back;
# 2: the connection was reset or refused (a reject); 1: anything else (a
# drop: the echo stops short and the read times out). With ECHO_WAIT=1 each
# PART after the first waits for the echo of those before it: a reset then
# carries the sequence number the client expects (an RST answering a
# segment sent before the echo arrived is out of window, RFC 5961).
import errno, os, socket, sys, time

fam = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
parts = [p.encode() for p in sys.argv[4:]]
want = b"".join(parts)
timeout = float(os.environ.get("ECHO_TIMEOUT", "4"))
wait_echo = os.environ.get("ECHO_WAIT") == "1"
got = b""
try:
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.settimeout(timeout)
    s.connect((sys.argv[2], int(sys.argv[3])))
    sent = 0
    for i, p in enumerate(parts):
        if i:
            time.sleep(0.4)
        while wait_echo and len(got) < sent:
            b = s.recv(65536)
            if not b:
                break
            got += b
        s.sendall(p)
        sent += len(p)
    s.shutdown(socket.SHUT_WR)
    end = time.time() + timeout
    while time.time() < end:
        b = s.recv(65536)
        if not b:
            break
        got += b
except OSError as e:
    # A reset seen on the shutdown (ENOTCONN), a write (EPIPE) or a read.
    if e.errno in (errno.ECONNRESET, errno.ECONNREFUSED, errno.ENOTCONN, errno.EPIPE):
        print("reset: %r (echo %r)" % (e, got))
        sys.exit(2)
    print("failed: %r (echo %r)" % (e, got))
    sys.exit(1)
if got != want:
    print("short echo: %r of %r" % (got, want))
    sys.exit(1)
print("ok")
