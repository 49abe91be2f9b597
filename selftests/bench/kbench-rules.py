#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Rule files for the kernel forwarding benchmark (make bench-kernel).

Usage: kbench-rules.py --nfips PATTERNS.hex > FILE.rules
       kbench-rules.py --iptables N PATTERNS.hex > FILE.iptables

PATTERNS.hex is et-patterns.py's output (one pattern per line, in hex).
--nfips writes one plain content rule per pattern, in the rule language:
    alert tcp any any -> any any (msg:"ET fast pattern N"; content:"|..|"; sid:N;)
--iptables writes an iptables-restore file of N xt_string rules (Boyer-Moore,
no target: every packet is tested against every rule, as alert rules are),
one per pattern, the N taken evenly spread over the sorted set among the
patterns xt_string takes (at most 128 bytes). Prints a summary to stderr.
"""
import sys

XT_STRING_MAX = 128  # XT_STRING_MAX_PATTERN_SIZE


def hexstr(p):
    return "|" + " ".join("%02x" % b for b in p) + "|"


def main(argv):
    args = argv[1:]
    if len(args) == 2 and args[0] == "--nfips":
        mode, n, path = "nfips", 0, args[1]
    elif len(args) == 3 and args[0] == "--iptables" and args[1].isdigit():
        mode, n, path = "iptables", int(args[1]), args[2]
    else:
        sys.exit(__doc__.split("\n\n")[1])
    with open(path) as f:
        pats = [bytes.fromhex(line.strip()) for line in f if line.strip()]
    out = sys.stdout
    if mode == "nfips":
        for i, p in enumerate(pats, 1):
            out.write('alert tcp any any -> any any (msg:"ET fast pattern %d"; '
                      'content:"%s"; sid:%d; rev:1;)\n' % (i, hexstr(p), i))
        print("kbench-rules: %d nfips rules from %s" % (len(pats), path), file=sys.stderr)
        return
    fit = [p for p in pats if len(p) <= XT_STRING_MAX]
    if n > len(fit):
        sys.exit("kbench-rules: %d rules wanted, %s has %d patterns of at most %d bytes" %
                 (n, path, len(fit), XT_STRING_MAX))
    pick = [fit[i * len(fit) // n] for i in range(n)]
    out.write("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n")
    for p in pick:
        out.write('-A FORWARD -m string --algo bm --hex-string "%s"\n' % hexstr(p))
    out.write("COMMIT\n")
    print("kbench-rules: %d xt_string rules from %s" % (n, path), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
