#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmark input generator: fast patterns of Emerging Threats rules.

Usage: et-patterns.py [--raw] RULES_DIR > patterns.hex

Prints, in lowercase hex, one per line, sorted and distinct, the fast
pattern of every enabled rule in RULES_DIR/*.rules: the content marked
fast_pattern, else the longest content, the strongest of equally long ones
by Suricata's PatternStrength() (negated contents never count).
With --raw, only rules that inspect the raw packet payload: no app-layer
protocol in the header and no app-layer buffer (sticky buffer or content
modifier such as http.uri, http_header, dns.query, tls.sni, file_data).

This is not the nfips rule parser (ctl/lib/ has that); it only understands
enough of the rule language to pick a fast pattern.
"""
import glob
import os
import re
import sys

MAX_LEN = 255  # NFIPS_AC_MAX_LEN
RAW_PROTOS = {"tcp", "udp", "ip", "icmp", "tcp-pkt", "tcp-stream", "pkthdr"}
# Keywords naming (or depending on) an app-layer buffer rather than the payload.
APP_KEYWORD = re.compile(
    r"^(http|dns|tls|ssh|ja3s?|smb|krb5|sip|snmp|quic|smtp|email|ftp|ike|mqtt|"
    r"rfb|dcerpc|dce|modbus|dnp3|enip|cip|nfs|tftp|rdp|ntp|dhcp|http2)[._]|"
    r"^(file[._]data|base64_data|base64_decode|app-layer-\w+|urilen)$")
RULE = re.compile(r"^(alert|drop|reject|pass)\s+(\S+)\s[^(]*\((.*)\)\s*$")


def options(body):
    """Splits a rule body into (keyword, value) pairs, honouring quotes and escapes."""
    out, cur, quoted, i = [], [], False, 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            cur.append(body[i:i + 2])
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        if c == ";" and not quoted:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    if "".join(cur).strip():
        out.append("".join(cur).strip())
    pairs = []
    for opt in out:
        key, _, val = opt.partition(":")
        pairs.append((key.strip(), val.strip()))
    return pairs


def decode(val):
    """Decodes a content string: "..." with |hex| runs and \\; \\" \\\\ escapes."""
    if not (len(val) >= 2 and val[0] == '"' and val[-1] == '"'):
        raise ValueError("unquoted content %r" % val)
    s, out, i, in_hex = val[1:-1], bytearray(), 0, False
    while i < len(s):
        c = s[i]
        if c == "|":
            in_hex = not in_hex
            i += 1
        elif in_hex:
            j = s.find("|", i)
            if j < 0:
                raise ValueError("unterminated |hex| in %r" % val)
            out += bytes.fromhex(s[i:j])
            i = j
        elif c == "\\" and i + 1 < len(s):
            out += s[i + 1].encode("latin-1")
            i += 2
        else:
            out += c.encode("utf-8")
            i += 1
    return bytes(out)


def strength(pat):
    """Suricata's PatternStrength(): rarer and more varied bytes score higher."""
    seen, s = set(), 0
    for b in pat:
        if b in seen:
            s += 1
        elif chr(b).isascii() and chr(b).isalpha():
            s += 3
        elif 0x20 <= b < 0x7f or b in (0x00, 0x01, 0xff):
            s += 4
        else:
            s += 6
        seen.add(b)
    return s


def fast_pattern(proto, opts, raw_only):
    """Returns the rule's fast pattern, or None (no content, or not raw when raw_only)."""
    if raw_only and proto not in RAW_PROTOS:
        return None
    contents, fast = [], None  # fast: index into contents
    for key, val in opts:
        if raw_only and APP_KEYWORD.match(key):
            return None
        if key == "content":
            negated = val.startswith("!")
            contents.append(None if negated else decode(val.lstrip("!").strip()))
        elif key == "fast_pattern" and contents and contents[-1] is not None:
            fast = len(contents) - 1
            m = re.match(r"^(\d+)\s*,\s*(\d+)$", val)  # fast_pattern:offset,length
            if m:
                off, n = int(m.group(1)), int(m.group(2))
                contents[fast] = contents[fast][off:off + n]
    if fast is not None:
        return contents[fast]
    positive = [c for c in contents if c]
    if not positive:
        return None
    # Suricata 7 (and nfips_rule_classify()): the longest, then the strongest
    # by PatternStrength(); max() keeps the first of equal ones.
    return max(positive, key=lambda c: (len(c), strength(c)))


def main(argv):
    raw_only = "--raw" in argv
    args = [a for a in argv[1:] if a != "--raw"]
    if len(args) != 1 or not os.path.isdir(args[0]):
        sys.exit("usage: et-patterns.py [--raw] RULES_DIR")
    pats, rules, too_long = set(), 0, 0
    for path in sorted(glob.glob(os.path.join(args[0], "*.rules"))):
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for lineno, line in enumerate(f, 1):
                m = RULE.match(line.strip())
                if not m:
                    continue
                try:
                    fp = fast_pattern(m.group(2), options(m.group(3)), raw_only)
                except ValueError as e:
                    sys.exit("%s:%d: %s" % (path, lineno, e))
                if fp is None:
                    continue
                rules += 1
                if len(fp) > MAX_LEN:
                    too_long += 1
                    continue
                pats.add(fp)
    for p in sorted(pats):
        sys.stdout.write(p.hex() + "\n")
    print("et-patterns: %d rules, %d distinct patterns%s%s" %
          (rules, len(pats), " (raw payload only)" if raw_only else "",
           ", %d longer than %d bytes skipped" % (too_long, MAX_LEN) if too_long else ""),
          file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
