#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Reads back what report_test.c rendered into DIR: the JSON reports have
every member with the expected numbers (the same store as the C test),
the HTML pages are well-formed, self-contained (no script, no external
resource) and carry the table and the chart values, the text fits 100
columns and the Japanese one is in Japanese. Exit 1 on the first failure."""
import json
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET

d = sys.argv[1]
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)
        print("report_check: FAIL: " + what, file=sys.stderr)


def load(name):
    with open(f"{d}/{name}", encoding="utf-8") as f:
        return f.read()


MEMBERS = {
    "report": str, "period": str, "timezone": str, "start": str, "end": str,
    "generated": str, "lang": str, "aggregate_days": int, "rdns_recorded": bool,
    "totals": dict, "previous": dict, "previous_totals": dict, "incidents": dict,
    "top_signatures": list, "top_sources": list, "top_targets": list,
    "top_ports": list, "new_signatures": list, "histogram": dict, "alerts": dict,
    "blocks": list,
}
GRADES = ["emergency", "high", "medium", "low", "ignore", "unset"]


def schema(r, name):
    for k, t in MEMBERS.items():
        check(isinstance(r.get(k), t), f"{name}: member {k} is a {t.__name__}")
    for tk in ("totals", "previous_totals"):
        t = r[tk]
        check(t["total"] == t["blocked"] + t["alerted"], f"{name}: {tk} adds up")
        check(sorted(t["by_grade"]) == sorted(GRADES), f"{name}: {tk} has every grade")
        check(sum(g["blocked"] + g["alerted"] for g in t["by_grade"].values()) == t["total"],
              f"{name}: {tk} by grade adds up")
    for s in r["top_signatures"] + r["new_signatures"]:
        check(set(s) == {"gid", "sid", "signature", "count", "blocked"}, f"{name}: signature keys")
    for s in r["top_sources"] + r["top_targets"]:
        check(set(s) == {"ip", "rdns", "rdns_status", "rdns_looked_up", "count", "blocked"},
              f"{name}: address keys")
        check(s["rdns_status"] in (None, "confirmed", "unconfirmed", "none", "failed") and
              (s["rdns"] is None) == (s["rdns_status"] not in ("confirmed", "unconfirmed")) and
              (s["rdns_looked_up"] is None) == (s["rdns_status"] is None),
              f"{name}: a host name with its status and lookup time: {s}")
    check(r["rdns_recorded"] is True, f"{name}: the store records host names")
    for a in r["alerts"]["list"]:
        check({"date", "time", "sid", "signature", "src_ip", "src_port", "dest_ip",
               "dest_port", "proto", "in_iface", "action"} <= set(a), f"{name}: alert keys")
    b = r["histogram"]["buckets"]
    if r["histogram"]["complete"]:
        check(sum(x["count"] for x in b) == r["totals"]["total"], f"{name}: histogram adds up")


day = json.loads(load("daily-en.json"))
schema(day, "daily")
check(day["report"] == "daily" and day["period"] == "2026-12-05", "daily: period")
check(day["start"].startswith("2026-12-05T00:00:00") and day["start"].endswith("+0900"),
      "daily: starts at Tokyo midnight: " + day["start"])
check(day["totals"]["total"] == 49 and day["totals"]["blocked"] == 12, "daily: totals")
check(day["totals"]["by_grade"]["high"] == {"blocked": 12, "alerted": 0}, "daily: high")
check(day["totals"]["by_grade"]["unset"]["alerted"] == 2, "daily: not graded")
check(day["previous_totals"]["total"] == 8 and day["previous"]["period"] == "2026-12-04",
      "daily: previous day")
inc = day["incidents"]
check((inc["total"], inc["open"], inc["acknowledged"], inc["closed"]) == (4, 2, 1, 1),
      "daily: incidents by state")
blocks = [(b["address"], b["state"], b["by"]) for b in day["blocks"]]
check(blocks == [("10.9.0.0/16", "unblocked", "tanaka"), ("192.0.2.8", "replaced", "suzuki"),
                 ("192.0.2.8", "expired", "suzuki"), ("198.51.100.7", "in_force", "suzuki")],
      f"daily: the blocks of the day and how each ended: {blocks}")
check(day["blocks"][0]["unblocked_by"] == "tanaka" and day["blocks"][0]["until"] is None and
      day["blocks"][0]["ended"].startswith("2026-12-05T09:00:00") and
      day["blocks"][3]["ended"] is None, "daily: a block's times, who unblocked it")
acked = [i for i in inc["list"] if i["state"] == "acknowledged"]
check(len(acked) == 1 and acked[0]["note"] == "web server patched" and acked[0]["by"] == "alice",
      "daily: the acknowledged incident's note")
check([(s["sid"], s["count"]) for s in day["top_signatures"]] ==
      [(1001, 30), (2001, 12), (3001, 5), (4001, 2)], "daily: top signatures")
check(day["top_sources"][0] == {"ip": "203.0.113.5", "rdns": "scanner.example.net",
                                "rdns_status": "confirmed",
                                "rdns_looked_up": "2026-12-01T09:00:00+0900",
                                "count": 30, "blocked": 0}, "daily: top source, its host name")
src = {s["ip"]: s for s in day["top_sources"]}
check(src["198.51.100.7"]["rdns"] == "mail.customer.example" and
      src["198.51.100.7"]["rdns_status"] == "unconfirmed" and
      src["2001:db8::66"]["rdns_status"] == "none" and src["192.0.2.9"]["rdns_status"] is None,
      "daily: an unconfirmed name, no PTR, never looked up")
check(any(s["ip"] == "2001:db8::66" for s in day["top_sources"]), "daily: IPv6 source")
check([(p["port"], p["proto"]) for p in day["top_ports"]] ==
      [(22, "TCP"), (80, "TCP"), (53, "UDP")], "daily: top ports")
check([s["sid"] for s in day["new_signatures"]] == [4001], "daily: new signatures")
h = {x["hour"]: x["count"] for x in day["histogram"]["buckets"]}
check(h[0] == 10 and h[13] == 12 and h[23] == 20 and len(h) == 24, "daily: histogram")
al = day["alerts"]
check(al["total"] == 49 and al["shown"] == 49 and len(al["list"]) == 49, "daily: alert table")
first = al["list"][0]
check((first["date"], first["time"], first["sid"], first["src_ip"], first["src_port"],
       first["dest_ip"], first["dest_port"], first["proto"], first["in_iface"]) ==
      ("2026-12-05", "00:30:00", 1001, "203.0.113.5", 41000, "10.0.0.10", 22, "TCP", "eth0"),
      "daily: the first alert's classic columns: %r" % (first,))
check(any(a["in_iface"] is None and a["proto"] == "ICMP" for a in al["list"]),
      "daily: an alert without interface is null")

mon = json.loads(load("monthly-en.json"))
schema(mon, "monthly")
check(mon["aggregate_days"] == 30 and mon["alerts"]["total"] == 0, "monthly: from aggregates")
check(mon["totals"]["total"] == 101 and mon["totals"]["blocked"] == 40, "monthly: totals")
check(mon["previous_totals"]["total"] == 7, "monthly: May")
hd = {x["day"]: x["count"] for x in mon["histogram"]["buckets"]}
check(len(hd) == 30 and hd[1] == 6 and hd[15] == 40 and hd[30] == 1, "monthly: histogram")
check(sorted(s["sid"] for s in mon["new_signatures"]) == [2001, 3001], "monthly: new")
check(mon["top_sources"][0]["rdns"] == "scanner-old.example.net",
      "monthly: June (aggregates) with the name 203.0.113.5 had then")

for name in ("daily-en", "daily-ja", "monthly-en", "monthly-ja"):
    html = load(name + ".html")
    low = html.lower()
    check("<script" not in low, f"{name}.html: no script")
    check(not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", low),
          f"{name}.html: no external resource")
    check("@import" not in low and "url(" not in low, f"{name}.html: no CSS import or url()")
    check("@media print" in html and "@media (max-width" in html, f"{name}.html: print and phone CSS")
    try:
        root = ET.fromstring(html.split("\n", 1)[1])
    except ET.ParseError as e:
        check(False, f"{name}.html: well-formed: {e}")
        continue
    svg = root.find(".//{*}svg[@id='histogram']")
    if name.startswith("daily"):
        rows = root.findall(".//{*}table[@id='alert-table']/{*}tbody/{*}tr")
        check(len(rows) == 49, f"{name}.html: 49 rows in the alert table")
        check(svg is not None, f"{name}.html: the hourly chart")
        if svg is not None:
            counts = [int(g.get("data-count")) for g in svg.iter() if g.get("data-count")]
            check(len(counts) == 24 and sum(counts) == 49 and counts[13] == 12,
                  f"{name}.html: chart values {counts}")
        check("WEB exploit &lt;script&gt; &amp; &#39;quote&#39;" in html,
              f"{name}.html: a signature's markup is escaped")
        names = {td.get("data-status"): "".join(td.itertext())
                 for td in root.findall(".//{*}section[@id='top-sources']//{*}td[@class='rdns']")}
        unc = "未確認" if name.endswith("ja") else "unconfirmed"
        check(names.get("confirmed") == "scanner.example.net (2026-12-01)" and
              names.get("unconfirmed") == f"mail.customer.example ({unc}, 2026-12-05)" and
              names.get("none") == "" and names.get("unknown") == "",
              f"{name}.html: the sources' host names beside them: {names}")
    else:
        check(svg is not None and sum(int(g.get("data-count")) for g in svg.iter()
                                      if g.get("data-count")) == 101,
              f"{name}.html: the daily chart adds up to 101")


def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


for name in ("daily-en", "daily-ja", "monthly-en", "monthly-ja"):
    txt = load(name + ".txt")
    w = max(width(line) for line in txt.split("\n"))
    check(w <= 100, f"{name}.txt: {w} columns")
check("侵入防御 日次レポート" in load("daily-ja.txt"), "daily-ja.txt: in Japanese")
check("確認済" in load("daily-ja.txt") and "web server patched" in load("daily-ja.txt"),
      "daily-ja.txt: the incident's state in Japanese, its note")
check("Daily intrusion prevention report" in load("daily-en.txt"), "daily-en.txt: in English")
check("203.0.113.5  scanner.example.net (2026-12-01)" in load("daily-en.txt") and
      "198.51.100.7  mail.customer.example (unconfirmed, 2026-12-05)" in load("daily-en.txt"),
      "daily-en.txt: the host names beside the sources")
check("mail.customer.example (未確認, 2026-12-05)" in load("daily-ja.txt"),
      "daily-ja.txt: an unconfirmed name in Japanese")
sys.exit(1 if fails else 0)
