#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
Suricata 7 as the oracle of what a rule means: runs it and nfipsctl replay
on the same capture and rules and counts the alerts of each side per
(signature id, protocol, flow ends), the ends sorted so that both
directions of a flow are one key. Shared by the differential cases of
replay_test.py and usable alone, as /work/shared/tools/suricata-diff:

    suricata_oracle.py [--nfipsctl PATH] [--var NAME=VALUE]... [--keep DIR]
                       RULES PCAP...

Suricata runs in IDS mode on one thread with the distribution's
suricata.yaml (stream chunk sizes not randomised) (Debian's 7.0.x from bookworm-backports, see
selftests/deps.sh); a difference is a bug in nfips unless
Documentation/replay.rst states it.
"""
import argparse
import collections
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
NFIPSCTL = os.path.join(os.path.dirname(os.path.dirname(HERE)), "ctl", "nfipsctl", "nfipsctl")


def available():
    """The suricata binary, or None."""
    return shutil.which("suricata")


def _addr(a):
    try:
        return str(ipaddress.ip_address(a))
    except ValueError:
        return a


def alerts(lines):
    """Counter of (sid, proto, addr1, port1, addr2, port2) over EVE lines."""
    c = collections.Counter()
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if ev.get("event_type") != "alert":
            continue
        ends = sorted([(_addr(ev.get("src_ip")), ev.get("src_port", 0)),
                       (_addr(ev.get("dest_ip")), ev.get("dest_port", 0))],
                      key=lambda e: (str(e[0]), e[1]))
        c[(ev["alert"]["signature_id"], ev.get("proto"), *ends[0], *ends[1])] += 1
    return c


def suricata(rules, pcap, outdir, var=(), sets=()):
    """Suricata's alerts on @pcap; raises RuntimeError when it fails."""
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(outdir)
    # Fixed chunk sizes: the same counts on every run.
    cmd = ["suricata", "-r", pcap, "-S", rules, "-k", "none", "-l", outdir,
           "--runmode", "single", "--set", "stream.reassembly.randomize-chunk-size=no"]
    for v in var:
        name, _, value = v.partition("=")
        cmd += ["--set", "vars.address-groups.%s=%s" % (name, value)]
    for s in sets:
        cmd += ["--set", s]
    r = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=120)
    eve = os.path.join(outdir, "eve.json")
    if r.returncode or not os.path.exists(eve):
        raise RuntimeError("suricata failed on %s: %s" % (pcap, r.stderr.strip()[-300:]))
    with open(eve, errors="replace") as f:
        return alerts(f)


def nfips(rules, pcap, nfipsctl=NFIPSCTL, var=(), extra=()):
    """nfipsctl replay's alerts on @pcap; raises RuntimeError when it fails."""
    cmd = [nfipsctl, "replay", "--rules", rules, "--pcap", pcap] + list(extra)
    for v in var:
        cmd += ["--var", v]
    r = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=120)
    if r.returncode not in (0, 1) or "packets=" not in r.stderr:
        raise RuntimeError("nfipsctl replay failed on %s: %s" % (pcap, r.stderr.strip()[-300:]))
    return alerts(r.stdout.splitlines())


def differences(s, n):
    """Lines naming each key whose counts differ."""
    out = []
    for k in sorted(set(s) | set(n), key=str):
        if s[k] != n[k]:
            sid, proto, a1, p1, a2, p2 = k
            out.append("sid %s %s %s:%s <> %s:%s: suricata %d, nfips %d" %
                       (sid, proto, a1, p1, a2, p2, s[k], n[k]))
    return out


def main():
    ap = argparse.ArgumentParser(description="compare nfipsctl replay with Suricata 7")
    ap.add_argument("--nfipsctl", default=shutil.which("nfipsctl") or NFIPSCTL)
    ap.add_argument("--var", action="append", default=[])
    ap.add_argument("--keep", help="keep Suricata's output here")
    ap.add_argument("rules")
    ap.add_argument("pcaps", nargs="+")
    a = ap.parse_args()
    if not available():
        print("suricata_oracle: suricata not installed (bookworm-backports)", file=sys.stderr)
        return 2
    work = a.keep or tempfile.mkdtemp(prefix="suricata-oracle.")
    same = differ = 0
    try:
        for pcap in a.pcaps:
            out = os.path.join(work, os.path.basename(pcap) + ".suricata")
            s = suricata(a.rules, pcap, out, a.var)
            n = nfips(a.rules, pcap, a.nfipsctl, a.var)
            d = differences(s, n)
            for line in d:
                print("%s: %s" % (os.path.basename(pcap), line))
            differ += len(d)
            same += len(set(s) | set(n)) - len(d)
    except RuntimeError as e:
        print("suricata_oracle: %s" % e, file=sys.stderr)
        return 2
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("captures=%d same=%d differ=%d" % (len(a.pcaps), same, differ))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
