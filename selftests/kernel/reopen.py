#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# A connection reopened on the same conntrack entry (stream_reopen.sh):
#   reopen.py server PORT OUT   appends what each connection sends to OUT;
#                               a connection that sent "RESET-ME" is closed
#                               with a reset (SO_LINGER 0) once read
#   reopen.py client DST PORT SPORT FIRST SECOND
#                               FIRST on a connection from SPORT, which the
#                               server resets; a second later SECOND on a new
#                               connection from the same SPORT, closed with
#                               a reset 1.5 s later
# After the server's reset conntrack's entry is in CLOSE with no FIN seen:
# 6.1 conntrack lets the new SYN through on it and takes the SYN-ACK as a
# new handshake, on the same entry.
import socket, struct, sys, time

LINGER0 = struct.pack("ii", 1, 0)


def fam(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


if sys.argv[1] == "server":
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", int(sys.argv[2])))
    ls.listen(8)
    while True:
        c, _ = ls.accept()
        c.settimeout(10)
        got = b""
        try:
            while True:
                d = c.recv(4096)
                if not d:
                    break
                got += d
                with open(sys.argv[3], "ab") as f:
                    f.write(d)
                if b"RESET-ME" in got:
                    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
                    break
        except OSError:
            pass
        c.close()

dst, port, sport = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for i, data in enumerate(sys.argv[5:7]):
    s = socket.socket(fam(dst), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
    s.bind(("0.0.0.0", sport))
    s.settimeout(5)
    s.connect((dst, port))
    s.sendall(data.encode())
    if i == 0:
        try:
            while s.recv(4096):
                pass
            sys.exit("the server closed without a reset")
        except ConnectionResetError:
            pass
        s.close()
        time.sleep(1)
    else:
        time.sleep(1.5)
        s.close()
