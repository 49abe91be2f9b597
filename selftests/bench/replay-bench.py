#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""nfipsctl replay against Suricata 7 on the same capture, rules and
variables, in the same run (issue 14's target: nfips at least 1.5x
Suricata's speed per core).

Usage: replay-bench.py --capture PCAP --out DIR [--rounds N] [--cpu N]
                       [--nfipsctl PATH] RULES...

RULES are rule files (ET Open's, read in place). ``nfipsctl rules check
--list`` names the rules nfips loads; exactly those lines, as written, go
into DIR/loadable.rules, which both tools load. Suricata runs as
``suricata -r PCAP -S RULES -k none --runmode single`` with the
distribution's suricata.yaml, rewritten into DIR/suricata.yaml with the
alert records of the EVE log as its only output (nfipsctl replay writes
nothing else) and stream chunk sizes not randomised; nfipsctl replay gets
that file's address and port groups with --var, so both use the same
variables.

Every round runs, one after the other and pinned to CPU --cpu: nfips on
the capture, Suricata on it, then both on DIR/one.pcap (the capture's
first packet). CPU time, not elapsed time:

- inspection: nfips' ``--timing`` replay_cpu_s (the process from the end
  of rule loading to the end of the capture, flows flushed, alerts
  written); Suricata's threads other than its main one (the worker that
  reads, decodes and inspects, the flow manager and recycler), their
  CPU time read from /proc every 5 ms until they exit. The main thread
  loads the rules, waits and tears down.
- rule loading: nfips' load_cpu_s; Suricata's main thread.
- a cross-check of the split: each tool's whole process on the capture
  minus on the one-packet capture.

Writes DIR/result.txt ("key=value" lines, read by replay_report.py) and a
summary on stdout; compares the alerts of the last round's capture runs
per (sid, flow) with selftests/replay/suricata_oracle.py and prints the
differences. Exit status 1 when a run fails (not when alerts differ).
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "selftests", "replay"))
import suricata_oracle  # noqa: E402

CLASSES = os.path.join(ROOT, "policies", "classification.config")
SURICATA_YAML = "/etc/suricata/suricata.yaml"
TICK = os.sysconf("SC_CLK_TCK")


class RunError(Exception):
    pass


def pcap_frames(path):
    """(packets, frame bytes) of a pcap; RunError naming it when malformed."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise RunError("%s: %s" % (path, e.strerror))
    if len(data) < 24 or struct.unpack_from("<I", data)[0] != 0xa1b2c3d4:
        raise RunError("%s: not a little-endian microsecond pcap" % path)
    n = frames = 0
    pos = 24
    while pos + 16 <= len(data):
        incl = struct.unpack_from("<I", data, pos + 8)[0]
        if pos + 16 + incl > len(data):
            raise RunError("%s: record %d at offset %d: truncated" % (path, n + 1, pos))
        pos += 16 + incl
        n += 1
        frames += incl
    if not n:
        raise RunError("%s: no packets" % path)
    return n, frames


def first_packet(src, dst):
    with open(src, "rb") as f:
        data = f.read()
    incl = struct.unpack_from("<I", data, 24 + 8)[0]
    with open(dst, "wb") as f:
        f.write(data[:24 + 16 + incl])


def loadable(nfipsctl, files, out):
    """Writes the rules nfipsctl loads into @out; returns rules check's summary."""
    r = subprocess.run([nfipsctl, "rules", "check", "--list", "--classification", CLASSES] +
                       files, capture_output=True, text=True, errors="replace")
    lines = r.stdout.splitlines() + r.stderr.splitlines()
    summary = next((l for l in reversed(lines) if l.startswith("rules=")), None)
    if summary is None:
        raise RunError("nfipsctl rules check failed: %s" % " ".join(lines[-3:]))
    want = set()
    for l in lines:
        f = l.split()
        if len(f) >= 3 and f[0] in ("kernel", "slow"):
            loc, _, num = f[2].rstrip(":").rpartition(":")
            want.add((loc, int(num)))
    n = 0
    with open(out, "w") as o:
        for path in files:
            with open(path, errors="surrogateescape") as f:
                for i, line in enumerate(f, 1):
                    if (path, i) in want:
                        o.write(line if line.endswith("\n") else line + "\n")
                        n += 1
    if not n:
        raise RunError("no loadable rule in %s" % " ".join(files))
    return summary, n


def suricata_yaml(out):
    """The distribution's suricata.yaml with EVE alerts as the only output;
    returns its variables as NAME=VALUE for nfipsctl replay --var."""
    import yaml  # python3-yaml (selftests/deps.sh)

    with open(SURICATA_YAML) as f:
        y = yaml.safe_load(f)
    for o in y.get("outputs", []):
        (name, conf), = o.items()
        if name == "eve-log":
            conf["types"] = [t for t in conf.get("types", [])
                             if (next(iter(t)) if isinstance(t, dict) else t) == "alert"]
        elif isinstance(conf, dict):
            conf["enabled"] = False
    y.setdefault("stats", {})["enabled"] = False
    y["stream"]["reassembly"]["randomize-chunk-size"] = False
    with open(out, "w") as f:
        f.write("%YAML 1.1\n---\n")
        yaml.safe_dump(y, f, default_flow_style=False, sort_keys=False)
    v = y.get("vars", {})
    return ["%s=%s" % (k, val) for g in ("address-groups", "port-groups")
            for k, val in (v.get(g) or {}).items()]


def threads_cpu(pid, last):
    """Updates @last {tid: cpu seconds} from /proc/PID/task/*/stat."""
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                s = f.read()
        except OSError:
            continue
        f = s[s.rindex(")") + 2:].split()
        last[int(tid)] = ((int(f[11]) + int(f[12])) / TICK, s[s.index("(") + 1:s.rindex(")")])


def run(cmd, cpu, stdout, stderr):
    """Runs @cmd pinned to @cpu; returns (exit status, process CPU seconds,
    {tid: (last sampled CPU seconds, name)}, pid)."""
    with open(stdout, "w") as out, open(stderr, "w") as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err,
                             preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
        last = {}
        while True:
            threads_cpu(p.pid, last)
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.005)
    return os.waitstatus_to_exitcode(status), ru.ru_utime + ru.ru_stime, last, p.pid


def timing(err_path):
    kv = {}
    with open(err_path, errors="replace") as f:
        for line in f:
            for p in line.replace("replay: timing:", "").split():
                k, _, v = p.partition("=")
                if v:
                    kv[k] = v
    return kv


def nfips_run(a, pcap, tag, variables):
    out, err = (os.path.join(a.out, "nfips-%s.%s" % (tag, x)) for x in ("json", "err"))
    cmd = [a.nfipsctl, "replay", "--rules", os.path.join(a.out, "loadable.rules"), "--timing",
           "--sensor", "bench", "--classification", CLASSES, "--pcap", pcap]
    for v in variables:
        cmd += ["--var", v]
    rc, total, _, _ = run(cmd, a.cpu, out, err)
    kv = timing(err)
    if rc not in (0, 1) or "replay_cpu_s" not in kv:
        with open(err, errors="replace") as f:
            raise RunError("nfipsctl replay on %s exited %d: %s" % (pcap, rc, f.read()[-300:]))
    return {"total": total, "inspect": float(kv["replay_cpu_s"]),
            "load": float(kv["load_cpu_s"]), "alerts": int(kv.get("alerts", 0))}, out


def suricata_run(a, pcap, tag):
    logdir = os.path.join(a.out, "suricata-" + tag)
    shutil.rmtree(logdir, ignore_errors=True)
    os.makedirs(logdir)
    cmd = ["suricata", "-c", os.path.join(a.out, "suricata.yaml"), "-r", pcap,
           "-S", os.path.join(a.out, "loadable.rules"), "-k", "none", "--runmode", "single",
           "-l", logdir]
    rc, total, threads, pid = run(cmd, a.cpu, os.path.join(logdir, "stdout"),
                             os.path.join(logdir, "stderr"))
    eve = os.path.join(logdir, "eve.json")
    if rc or not os.path.exists(eve):
        with open(os.path.join(logdir, "stderr"), errors="replace") as f:
            raise RunError("suricata on %s exited %d: %s" % (pcap, rc, f.read()[-300:]))
    # The main thread's id is the process's.
    main_cpu = threads.get(pid, (0.0, ""))[0]
    inspect = sum(c for tid, (c, _) in threads.items() if tid != pid)
    return {"total": total, "inspect": inspect, "load": main_cpu,
            "threads": " ".join("%s:%.2f" % (n, c) for _, (c, n) in sorted(threads.items()))}, eve


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--capture", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cpu", type=int, default=(os.cpu_count() or 1) - 1)
    ap.add_argument("--nfipsctl", default=os.path.join(ROOT, "ctl", "nfipsctl", "nfipsctl"))
    ap.add_argument("rules", nargs="+")
    a = ap.parse_args(argv)
    if a.rounds < 1:
        ap.error("--rounds %d: at least 1" % a.rounds)
    if not suricata_oracle.available():
        print("replay-bench: suricata not installed (selftests/deps.sh)", file=sys.stderr)
        return 1
    try:
        for f in a.rules:
            if not os.path.isfile(f):
                raise RunError("%s: no such rule file" % f)
        npkt, frames = pcap_frames(a.capture)
        os.makedirs(a.out, exist_ok=True)
        one = os.path.join(a.out, "one.pcap")
        first_packet(a.capture, one)
        summary, nrules = loadable(a.nfipsctl, a.rules, os.path.join(a.out, "loadable.rules"))
        variables = suricata_yaml(os.path.join(a.out, "suricata.yaml"))
        version = subprocess.run(["suricata", "-V"], capture_output=True,
                                 text=True).stdout.strip().split("version ")[-1]
        lines = ["capture=%s packets=%d frame_bytes=%d" % (a.capture, npkt, frames),
                 "rules_check %s" % summary, "rules_in_run=%d" % nrules,
                 "suricata_version=%s" % version.replace(" ", "_"),
                 "rounds=%d cpu=%d" % (a.rounds, a.cpu),
                 "load_before=%s" % "/".join(open("/proc/loadavg").read().split()[:3])]
        res = {"nfips": [], "suricata": []}
        for r in range(1, a.rounds + 1):
            nf, nf_eve = nfips_run(a, a.capture, "capture", variables)
            su, su_eve = suricata_run(a, a.capture, "capture")
            nf1, _ = nfips_run(a, one, "one", variables)
            su1, _ = suricata_run(a, one, "one")
            for tool, full, single in (("nfips", nf, nf1), ("suricata", su, su1)):
                full["fixed"] = single["total"]
                res[tool].append(full)
                lines.append("round=%d tool=%s inspect_cpu_s=%.3f load_cpu_s=%.3f "
                             "total_cpu_s=%.3f one_packet_cpu_s=%.3f%s" % (
                                 r, tool, full["inspect"], full["load"], full["total"],
                                 single["total"],
                                 " threads=%s" % full["threads"] if "threads" in full else ""))
                print(lines[-1], flush=True)
    except RunError as e:
        print("replay-bench: %s" % e, file=sys.stderr)
        return 1
    mb = frames / 1e6
    fig = {}
    for tool, runs in res.items():
        cpu = median([x["inspect"] for x in runs])
        sub = median([x["total"] - x["fixed"] for x in runs])
        fig[tool] = mb / cpu if cpu > 0 else 0.0
        lines.append("tool=%s inspect_cpu_s=%.3f mbps_per_core=%.1f load_cpu_s=%.3f "
                     "one_packet_cpu_s=%.3f subtracted_cpu_s=%.3f subtracted_mbps=%.1f" % (
                         tool, cpu, fig[tool], median([x["load"] for x in runs]),
                         median([x["fixed"] for x in runs]), sub, mb / sub if sub > 0 else 0.0))
    lines.append("ratio=%.2f" % (fig["nfips"] / fig["suricata"] if fig["suricata"] else 0.0))
    with open(nf_eve, errors="replace") as f:
        n_alerts = suricata_oracle.alerts(f)
    with open(su_eve, errors="replace") as f:
        s_alerts = suricata_oracle.alerts(f)
    diff = suricata_oracle.differences(s_alerts, n_alerts)
    lines.append("alerts nfips=%d suricata=%d keys=%d differences=%d" % (
        sum(n_alerts.values()), sum(s_alerts.values()), len(set(n_alerts) | set(s_alerts)),
        len(diff)))
    lines += ["difference %s" % d for d in diff[:20]]
    lines.append("load_after=%s" % "/".join(open("/proc/loadavg").read().split()[:3]))
    with open(os.path.join(a.out, "result.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(l for l in lines if not l.startswith("round=")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
