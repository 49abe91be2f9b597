# SPDX-License-Identifier: GPL-2.0
"""
SSH against Suricata 7: one generated capture of many SSH flows (banners
of both directions in either order, split over segments or sent with the
first records, protocol versions 2.0, 1.99 and odd ones, software with
and without comments or software at all, CR, LF and lone-CR line ends,
long banners with and without their end of line in the first segment,
invalid and lower-case banners, non-SSH on port 22 and lines before the
banner, SSH on other ports, key exchange records split over segments,
NEWKEYS from one side only or both, with data after it) and one rule file
(ssh.rules, beside this file) using every SSH keyword Suricata 7.0.10
enables by default (ssh.proto, ssh_proto, ssh.software, ssh_software,
payload content on alert ssh), through suricata -r and nfipsctl replay:
the same alerts per (sid, flow).

Used by replay_test.py (cases()) and alone, to write the capture:
    ssh_cases.py OUT.pcap
"""
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.path.join(HERE, "ssh.rules")

MSG_KEXINIT, MSG_NEWKEYS = 20, 21


def record(msg, payload=b"", pad=4):
    """A binary packet: length, padding length, message code, payload, padding."""
    return struct.pack(">IBB", 2 + len(payload) + pad, pad, msg) + payload + bytes(pad)


def namelist(s):
    return struct.pack(">I", len(s)) + s


def kexinit(kex=b"curve25519-sha256,diffie-hellman-group14-sha256"):
    lists = [kex, b"ssh-ed25519,rsa-sha2-512", b"aes128-ctr", b"aes128-ctr",
             b"hmac-sha2-256", b"hmac-sha2-256", b"none", b"none", b"", b""]
    return record(MSG_KEXINIT, bytes(range(16)) + b"".join(namelist(x) for x in lists) +
                  b"\0" + bytes(4))


NEWKEYS = record(MSG_NEWKEYS)
SECRET = b"\x00\x00\x00\x1cSECRETPAYLOAD-encrypted-bytes"


class Flows:
    def __init__(self, m):
        self.m = m
        self.pkts = []
        self.port = 30000

    def conv(self, steps, sport=22):
        """
        One TCP connection to @sport: @steps are (from_client, bytes), each
        its own segment, acknowledged by the peer; then both FINs.
        """
        self.port += 1
        cp = self.port
        c = self.m.Tcp(cli=("10.7.0.1", cp), srv=("10.8.0.1", sport), cisn=cp * 13,
                       sisn=cp * 17)
        out = c.handshake()
        off = [0, 0]
        for from_client, data in steps:
            if not data:
                continue
            if from_client:
                out.append(c.c(off[0], data))
                off[0] += len(data)
                out.append(c.pkt(False, "A", c.sisn + 1 + off[1], c.cisn + 1 + off[0]))
            else:
                out.append(c.s(off[1], data))
                off[1] += len(data)
                out.append(c.pkt(True, "A", c.cisn + 1 + off[0], c.sisn + 1 + off[1]))
        out.append(c.pkt(True, "FA", c.cisn + 1 + off[0], c.sisn + 1 + off[1]))
        out.append(c.pkt(False, "FA", c.sisn + 1 + off[1], c.cisn + 2 + off[0]))
        out.append(c.pkt(True, "A", c.cisn + 2 + off[0], c.sisn + 2 + off[1]))
        self.pkts += out


def split(data, seg):
    return [data[i:i + seg] for i in range(0, len(data), seg)] if seg else [data]


def session(f, cli, srv, seg=None, server_first=True, sport=22, cli_kex=None, srv_kex=None,
            newkeys=(True, True), after=True):
    """A whole SSH session: banners, KEXINITs, NEWKEYS, then encrypted data."""
    c = [(True, x) for x in split(cli, seg)]
    s = [(False, x) for x in split(srv, seg)]
    steps = s + c if server_first else c + s
    steps += [(False, srv_kex or kexinit()), (True, cli_kex or kexinit())]
    if newkeys[0]:
        steps.append((True, NEWKEYS))
    if newkeys[1]:
        steps.append((False, NEWKEYS))
    if after:
        steps += [(True, SECRET), (False, SECRET)]
    f.conv(steps, sport)


CLIENTS = [b"SSH-2.0-OpenSSH_9.0\r\n", b"SSH-2.0-libssh_0.9.6\r\n",
           b"SSH-2.0-PuTTY_Release_0.78\r\n", b"SSH-2.0-Go\r\n", b"SSH-2.0-paramiko_3.1.0\n",
           b"SSH-1.99-Cisco-1.25\r\n", b"SSH-2.0-libssh2_1.10.0\r\n",
           b"SSH-2.0-dropbear_2016.74\r\n", b"SSH-3.0-Future_1 comment\r\n",
           b"SSH-2.0-Go-x_crypto\r\n"]
SERVERS = [b"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.1\r\n", b"SSH-1.99-OpenSSH_3.5p1 FreeBSD-200\r\n",
           b"SSH-2.0-dropbear_2016.74\r\n", b"SSH-2.0-OpenSSH_7.4\n",
           b"SSH-2.0-AWSCodeCommit\r\n"]


def flows(m):
    f = Flows(m)
    # every client with a server, segmented in five ways, in both orders
    for i, cli in enumerate(CLIENTS):
        for j, seg in enumerate([None, 1, 3, 7, 16]):
            srv = SERVERS[(i + j) % len(SERVERS)]
            session(f, cli, srv, seg=seg, server_first=(i + j) % 2 == 0)
    # banner and first record in one segment
    f.conv([(False, SERVERS[0] + kexinit()), (True, CLIENTS[0] + kexinit() + NEWKEYS),
            (False, NEWKEYS), (True, SECRET)])
    # roaming offered by the server (CVE-2016-0777), and a server kexinit split
    kx = kexinit(b"curve25519-sha256,resume@appgate.com")
    session(f, CLIENTS[0], SERVERS[0], srv_kex=kx)
    f.conv([(False, SERVERS[0]), (True, CLIENTS[0]), (False, kx[:9]), (False, kx[9:40]),
            (False, kx[40:])])
    f.conv([(False, SERVERS[0]), (True, CLIENTS[0]), (False, kx[:3]), (False, kx[3:])])
    # no software, software after a blank, comments, lone CR, LF only
    for cli in [b"SSH-2.0-\r\n", b"SSH-2.0- comment here\r\n", b"SSH-2.0-X\rHELLO",
                b"SSH-2.0-Y\n", b"SSH-2.0-a b c d\r\n", b"SSH-2.0-\r", b"SSH-2.0-Z\r\r\n"]:
        session(f, cli, SERVERS[0])
    # invalid banners: no second dash, empty version, lower case (detected, not parsed)
    for cli in [b"SSH-2.0\r\nHELLO", b"SSH--OpenSSH\r\nHELLO", b"ssh-2.0-OpenSSH_9.0\r\nHELLO",
                b"SsH-2.0-OpenSSH_9.0\r\n"]:
        session(f, cli, SERVERS[0])
        session(f, CLIENTS[1], cli.replace(b"HELLO", b""), server_first=False)
    # long banners: with the end of line in the segment, without, split
    long_sw = b"SSH-2.0-" + b"A" * 300
    session(f, CLIENTS[0], long_sw + b"\r\n")
    f.conv([(False, long_sw), (False, b" more comment\r\n" + kexinit()), (True, CLIENTS[0]),
            (True, NEWKEYS), (False, NEWKEYS), (True, SECRET)])
    f.conv([(False, long_sw[:200]), (False, long_sw[200:] + b"\r\n"), (True, CLIENTS[0])])
    f.conv([(False, b"SSH-2.0-" + b"A" * 250 + b" " + b"B" * 50), (True, CLIENTS[0])])
    # not SSH on port 22; a client that is not SSH before or after the
    # server's banner (before: the server's banner is still parsed, the
    # client's bytes then end the parsing); lines before the banner; SSH on
    # other ports
    f.conv([(True, b"NOTSSH\r\n"), (False, b"SSH-2.0-OpenSSH_8.9\r\n")])
    f.conv([(False, b"SSH-2.0-OpenSSH_8.9\r\n"), (True, b"HELLO\r\n")])
    f.conv([(True, b"HELLO\r\n"), (False, b"220 smtp ready\r\n")])
    f.conv([(False, b"Welcome\r\n" + SERVERS[0]), (True, b"HELLO" + CLIENTS[0][3:])])
    f.conv([(True, b"GET / HTTP/1.0\r\n\r\n"), (False, b"HTTP/1.0 200 OK\r\n\r\n")])
    for port in (2222, 443, 80, 53):
        session(f, CLIENTS[1], SERVERS[0], sport=port)
    # NEWKEYS from the client only, from the server only, none
    session(f, CLIENTS[0], SERVERS[0], newkeys=(True, False))
    session(f, CLIENTS[0], SERVERS[0], newkeys=(False, True))
    session(f, CLIENTS[0], SERVERS[0], newkeys=(False, False))
    # NEWKEYS whose body is not complete yet; records of invalid length
    f.conv([(False, SERVERS[0]), (True, CLIENTS[0] + record(MSG_NEWKEYS, pad=40)[:12]),
            (True, bytes(34)), (False, NEWKEYS), (True, SECRET)])
    f.conv([(False, SERVERS[0]), (True, CLIENTS[0] + b"\x00\x00\x00\x01\x00\x14"),
            (True, b"HELLO")])
    f.conv([(False, SERVERS[0]), (True, CLIENTS[0] + b"\x00\x00"), (True, b"\x00\x30\x04\x14"),
            (True, bytes(46) + b"HELLO")])
    return f.pkts


def case_ssh(m, t, tmp):
    """The capture and rules through Suricata 7 and nfipsctl replay."""
    with open(RULES) as f:
        rules = f.read()
    r = subprocess.run([m.NFIPSCTL, "rules", "check", RULES], capture_output=True,
                       text=True, timeout=60)
    t.ok(r.returncode == 0 and "skipped=0 errors=0" in r.stdout,
         "ssh.rules: every rule loads", r.stdout + r.stderr)
    pkts = flows(m)
    m.differential(t, tmp, "ssh", pkts, rules, sets=["packet-alert-max=255"])
    # Payload rules alone: the parser still runs and ends payload
    # inspection at NEWKEYS, as Suricata's always does.
    m.differential(t, tmp, "ssh-raw", pkts, RAW_ONLY, sets=["packet-alert-max=255"])


RAW_ONLY = ('alert tcp any any -> any any (msg:"banner"; flow:established; '
            'content:"SSH-"; sid:1; rev:1;)\n'
            'alert tcp any any -> any any (msg:"after the keys"; flow:established; '
            'content:"HELLO"; sid:2; rev:1;)\n')


def cases(m):
    def case_ssh_banners(t, tmp):
        case_ssh(m, t, tmp)
    return [case_ssh_banners]


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    import replay_test as rt
    rt.write_pcap(sys.argv[1], 1, rt.stamp(flows(rt)))
