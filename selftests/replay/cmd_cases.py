# SPDX-License-Identifier: GPL-2.0
"""
FTP and SMTP command channels against Suricata 7: which flows are FTP or
SMTP (Suricata's detection patterns: the client's USER, PASS, PORT, FEAT,
EHLO, HELO, QUIT in any case, the server's "220 (", on any port; not the
other servers' greetings, not commands without their blank, not a
pattern after other bytes), patterns split over segments, either side
first, and "alert ftp" / "alert smtp" payload rules of both directions
beside "alert tcp" ones, through suricata -r and nfipsctl replay: the
same alerts per (sid, flow).

Used by replay_test.py (cases()) and alone:
    cmd_cases.py OUT.pcap
or, for suricata_oracle.py with ET Open's ftp and smtp rules, a capture of
one flow per rule of @RULES whose client (or server) sends the rule's
contents one after the other:
    cmd_cases.py --contents-from RULES OUT.pcap
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

RULES = "".join(
    'alert %s any any -> any any (msg:"%s %s"; flow:%s; content:"MARK"; sid:%d; rev:1;)\n' %
    (proto, proto, d, d, sid) for sid, (proto, d) in enumerate(
        [(p, d) for p in ("ftp", "smtp", "tcp") for d in ("to_server", "to_client")], 1)) + \
    'alert ftp any any -> any 21 (msg:"ftp overflow"; flow:to_server,established; ' \
    'content:"MKD"; nocase; isdataat:100,relative; pcre:"/^MKD\\s[^\\n]{100}/smi"; sid:10;)\n' \
    'alert smtp any any -> any any (msg:"smtp no_stream"; flow:to_server,established,' \
    'no_stream; content:"RCPT TO"; sid:11;)\n'

FTP_GREET = b"220 ProFTPD Server ready\r\n"
VSFTPD = b"220 (vsFTPd 3.0.3)\r\n"
SMTP_GREET = b"220 mail.example.com ESMTP Postfix\r\n"


def flows(m, f=None):
    import ssh_cases
    f = f or ssh_cases.Flows(m)
    mark = (True, b"MARK\r\n")
    back = (False, b"250 MARK\r\n")
    for port in (21, 2121, 25, 80):
        for cmd in (b"USER anonymous\r\n", b"user anonymous\r\n", b"PASS secret\r\n",
                    b"PORT 10,0,0,1,4,1\r\n", b"FEAT\r\n", b"FEATURES\r\n", b"USERX\r\n",
                    b"EHLO client.example\r\n", b"ehlo x\r\n", b"HELO x\r\n", b"QUIT\r\n",
                    b"HELP\r\n", b"MAIL FROM:<a@b>\r\n", b"NOOP USER x\r\n"):
            f.conv([(False, FTP_GREET if port != 25 else SMTP_GREET), (True, cmd), back, mark],
                   port)
        # the server's greeting only
        for greet in (VSFTPD, FTP_GREET, SMTP_GREET, b"220 (", b"220-multi\r\n220 (x\r\n"):
            f.conv([(False, greet), mark, back], port)
    # patterns split over segments, the client first, nothing after the pattern
    f.conv([(False, FTP_GREET), (True, b"US"), (True, b"ER x\r\n"), mark, back], 21)
    f.conv([(False, b"22"), (False, b"0 (vsFTPd)\r\n"), mark, back], 21)
    f.conv([(True, b"EH"), (True, b"LO x\r\n"), (False, SMTP_GREET), mark, back], 25)
    f.conv([(True, b"QUIT"), (False, b"221 bye\r\n"), mark, back], 25)
    f.conv([(True, b"HELO x\r\n"), (False, VSFTPD), mark, back], 25)
    f.conv([(False, VSFTPD), (True, b"EHLO x\r\n"), mark, back], 21)
    # a real session of each with the rules of ET's kind
    f.conv([(False, FTP_GREET), (True, b"USER anonymous\r\n"), (False, b"331 ok\r\n"),
            (True, b"MKD " + b"A" * 120 + b"\r\n"), back], 21)
    f.conv([(False, SMTP_GREET), (True, b"EHLO x\r\n"), (False, b"250 ok\r\n"),
            (True, b"MAIL FROM:<a@b>\r\n"), (True, b"RCPT TO:<c@d>\r\n"), back], 25)
    return f.pkts


def unescape(c):
    return re.sub(rb"\|([0-9a-fA-F ]+)\|",
                  lambda h: bytes(int(x, 16) for x in h.group(1).split()), c)


def rule_flows(m, rules_path):
    """
    One flow per active ftp or smtp rule of @rules_path: the protocol's
    greeting and first command, then the rule's contents in order (the
    non-negated ones), from the side its flow keyword says.
    """
    import ssh_cases
    f = ssh_cases.Flows(m)
    with open(rules_path, "rb") as fh:
        for line in fh:
            mm = re.match(rb"alert (ftp|smtp) ", line)
            if not mm:
                continue
            contents = [unescape(c) for c in re.findall(rb'content:"([^"]*)"', line)]
            to_client = re.search(rb"flow:[^;]*(to_client|from_server)", line) is not None
            body = b" ".join(contents) + b"\r\n"
            if mm.group(1) == b"ftp":
                steps = [(False, FTP_GREET), (True, b"USER x\r\n"), (not to_client, body)]
                port = 21
            else:
                steps = [(False, SMTP_GREET), (True, b"EHLO x\r\n"), (not to_client, body)]
                port = 25
            f.conv(steps, port)
    return f.pkts


def case_cmd(m, t, tmp):
    m.differential(t, tmp, "ftp-smtp", flows(m), RULES, sets=["packet-alert-max=255"])


def cases(m):
    def case_ftp_smtp(t, tmp):
        case_cmd(m, t, tmp)
    return [case_ftp_smtp]


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    import replay_test as rt
    if sys.argv[1] == "--contents-from":
        rt.write_pcap(sys.argv[3], 1, rt.stamp(rule_flows(rt, sys.argv[2])))
    else:
        rt.write_pcap(sys.argv[1], 1, rt.stamp(flows(rt)))
