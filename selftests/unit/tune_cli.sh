#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsctl tune, end to end, on the policy and store tune_test leaves: the
# suggestions in text and JSON (values checked), the HTML well-formed and
# self-contained; --apply changes the policy as disable and approve do and
# keeps its history (FILE.1, history lines, policy check clean); bad input
# (an unknown suggestion id, an unreadable store, a policy changed since
# the review, a Block approval without an approver) is said and changes
# nothing. Prints TAP lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ctl=$top/ctl/nfipsctl/nfipsctl
source "$here/tap.lib"

dir=$(mktemp -d /tmp/nfips_tune_cli.XXXXXX)
trap 'rm -rf "$dir"' EXIT
export NFIPSD_CONF=$dir/none.conf	# no installed nfipsd.conf
"$here/tune_test" "$dir/t" >/dev/null || { echo "not ok 1 - tune_test fills the store"; exit 1; }
p=$dir/t/tune.conf
db=$dir/t/alerts.db
cp "$p" "$dir/orig.conf"
t=("$ctl" tune --policy "$p" --store "$db")

expect 0 "tune: text" -- "${t[@]}" --by suzuki
has "Alerts:    172 from 6 signatures" && has "[block-2004] WEB struts RCE" &&
	has "[unaffected-2002] WIN SMB exploit" && has "[noisy-2001] NOISY ping sweep" &&
	has "nfipsctl suppress 2007 --dst 10.0.0.30 --policy $p --by suzuki -m 'tune unaffected-2007'" &&
	has "[silent-2003] SILENT never seen" &&
	has "nfipsctl disable 2001 --policy $p --by suzuki -m 'tune noisy-2001'" &&
	has "nfipsctl tune --apply --serial 7 --policy $p --store $db --since "
ok $? "text: the five suggestions with their commands and the apply line"

expect 0 "tune: json" -- "${t[@]}" --format json
python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["alerts"] == 172 and r["serial"] == 7 and r["signatures"] == 6, r
ids = [s["id"] for s in r["suggestions"]]
assert ids == ["block-2004", "unaffected-2002", "unaffected-2007", "noisy-2001",
               "silent-2003"], ids
top = r["noisiest"][0]
assert (top["sid"], top["alerts"], top["share_permille"], top["sources"], top["targets"],
        top["hours"], top["highest_grade"]) == (2001, 150, 872, 30, 1, 3, "low"), top
fp = [s for s in r["noisiest"] if s["sid"] == 2005][0]
assert fp["false_positives"] == 1 and fp["highest_grade"] == "high", fp
s = {s["id"]: s for s in r["suggestions"]}
assert s["block-2004"]["action"] == "approve" and s["noisy-2001"]["action"] == "disable"
assert not s["silent-2003"]["applied_by_default"] and s["noisy-2001"]["applied_by_default"]
assert s["unaffected-2007"]["action"] == "suppress" and s["unaffected-2007"]["dst"] == "10.0.0.30"
' <<<"$out"
ok $? "json: ids in order, the noisiest figures, the false positive, actions"

expect 0 "tune: --since after the alerts: only silent ones" -- "${t[@]}" --since 1h --format json
python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["alerts"] == 0 and len(r["suggestions"]) == 7 and \
	all(s["kind"] == "silent" for s in r["suggestions"]), r
' <<<"$out"
ok $? "a period without alerts: every loaded rule is silent, nothing else"

expect 0 "tune: html to a file" -- "${t[@]}" --format html -o "$dir/tune.html"
python3 -c '
import sys, xml.etree.ElementTree as ET
s = open(sys.argv[1]).read()
assert "<script" not in s and "http://" not in s and "https://" not in s
root = ET.fromstring(s.split("\n", 1)[1])
ids = [e.text for e in root.iter("td") if e.text and e.text.split("-")[0] in
       ("block", "unaffected", "noisy", "silent")]
assert ids == ["block-2004", "unaffected-2002", "unaffected-2007", "noisy-2001",
               "silent-2003"], ids
' "$dir/tune.html"
ok $? "html: well-formed, self-contained, the five suggestions"

# In Japanese, for the review with a Japanese customer: the words and the
# reasons; ids, commands and the figures as in English.
expect 0 "tune --lang ja: text" -- "${t[@]}" --lang ja --by suzuki
has "チューニングレポート" && has "検知:      6 シグネチャから 172 件" &&
	has "遮断の候補 (承認): 1" && has "[noisy-2001] NOISY ping sweep" &&
	has "150 件 (87.2%)、送信元 30、宛先 1、3 時間。評価は最高で低" &&
	has "承認待ちの drop ルール。8 件すべて高以上の評価、誤検知なし" &&
	has "nfipsctl disable 2001 --policy $p --by suzuki -m 'tune noisy-2001'" &&
	! has "Noisiest signatures"
ok $? "text in Japanese: headings, sections, reasons; the commands unchanged"
expect 0 "tune --lang ja: html" -- "${t[@]}" --lang ja --format html -o "$dir/tune-ja.html"
python3 -c '
import sys, xml.etree.ElementTree as ET
s = open(sys.argv[1], encoding="utf-8").read()
root = ET.fromstring(s.split("\n", 1)[1])
assert root.get("lang") == "ja", root.get("lang")
h = [e.text for e in root.iter() if e.tag in ("h1", "h2") and e.text]
assert h[0] == "チューニングレポート" and "検知数の多いシグネチャ" in h, h
ids = [e.text for e in root.iter("td") if e.text and e.text.split("-")[0] in
       ("block", "unaffected", "noisy", "silent")]
assert ids == ["block-2004", "unaffected-2002", "unaffected-2007", "noisy-2001",
               "silent-2003"], ids
assert "期間中の検知なし" in s and "Noisiest" not in s
' "$dir/tune-ja.html"
ok $? "html in Japanese: lang ja, well-formed, the same five suggestions"
expect 2 "tune --lang fr is refused" -- "${t[@]}" --lang fr
has "--lang: en or ja, not 'fr'"
ok $? "an unknown language named"

# The customer marks the traffic of one of 2004's incidents legitimate.
cp -r "$dir/t" "$dir/fp"
expect 0 "incident close --false-positive" -- "$ctl" incident close 4 --false-positive \
	--note "their pentest" --by alice --store "$dir/fp/alerts.db"
expect 0 "tune after a false positive" -- "$ctl" tune --policy "$dir/fp/tune.conf" \
	--store "$dir/fp/alerts.db" --format json
python3 -c '
import json, sys
r = json.load(sys.stdin)
ids = [s["id"] for s in r["suggestions"]]
assert ids == ["unaffected-2002", "unaffected-2007", "noisy-2001", "silent-2003"], ids
assert [s for s in r["noisiest"] if s["sid"] == 2004][0]["false_positives"] == 1
' <<<"$out"
ok $? "a signature with an incident closed as a false positive is no Block candidate"
expect 2 "ack --false-positive is refused" -- "$ctl" incident ack 4 --false-positive \
	--store "$dir/fp/alerts.db"

# ---- bad input changes nothing
expect 1 "apply: an unknown suggestion id" -- "${t[@]}" --apply --only noisy-2001,noisy-9999 \
	--by suzuki --reason "review" --no-apply
has "no suggestion 'noisy-9999'" && cmp -s "$p" "$dir/orig.conf" && [ ! -e "$p.1" ]
ok $? "unknown id: said, the policy unchanged"

expect 1 "apply: an unreadable store" -- "$ctl" tune --policy "$p" --store "$dir/nope.db" \
	--apply --by suzuki --reason "review" --no-apply
has "nfipsctl: store:" && has "unchanged" && cmp -s "$p" "$dir/orig.conf"
ok $? "unreadable store: said, the policy unchanged"

expect 1 "apply: the policy changed since the review" -- "${t[@]}" --apply --serial 6 \
	--by suzuki --reason "review" --no-apply
has "changed since the review: serial 7, reviewed 6" && cmp -s "$p" "$dir/orig.conf"
ok $? "changed policy: said, unchanged"

expect 1 "apply: a Block candidate without an approver" -- "${t[@]}" --apply --serial 7 \
	--by suzuki --reason "review" --no-apply
has "block-2004: a Block approval needs --approved-by NAME" && cmp -s "$p" "$dir/orig.conf"
ok $? "no approver: said, unchanged"

expect 2 "apply: --reason is required" -- "${t[@]}" --apply --by suzuki
has "--apply needs --by NAME (who) and --reason TEXT"
ok $? "no reason: usage error"

if [ ! -d /sys/module/nfips ]; then
	# The kernel refuses (no module here): nothing written, as every edit.
	expect 1 "apply: the kernel apply fails" -- "${t[@]}" --apply --serial 7 --by suzuki \
		--approved-by tanaka --reason "review"
	has "not applied; $p and the running policy are unchanged" &&
		cmp -s "$p" "$dir/orig.conf" && [ ! -e "$p.1" ]
	ok $? "a failed kernel apply leaves the file as it was"
fi

# ---- apply
expect 0 "apply: the default suggestions" -- "${t[@]}" --apply --serial 7 --by suzuki \
	--approved-by "Tanaka (ACME)" --reason "first review with ACME" --no-apply
has "serial 11: block-2004 unaffected-2002 unaffected-2007 noisy-2001 (not applied: --no-apply)"
ok $? "applied: four edits, serial 7 -> 11"
cmp -s "$p.1" "$dir/orig.conf"; ok $? "the previous version kept as FILE.1"
grep -q "serial 8 by Tanaka (ACME): approve 2004: tune block-2004 applied by suzuki: first review with ACME" "$p" &&
	grep -q "serial 10 by suzuki: suppress 2007 by_dst 10.0.0.30: tune unaffected-2007: first review with ACME" "$p" &&
	grep -q "serial 11 by suzuki: disable 2001: tune noisy-2001: first review with ACME" "$p" &&
	grep -q "^# tune_test's customer" "$p"
ok $? "history: who, which suggestion, why; comments kept"
expect 0 "the tuned policy checks" -- "$ctl" policy check -v "$p"
has "sid 2001 disabled" && has "sid 2002 disabled" && ! grep -q "sid 2004 unapproved" <<<"$out"
ok $? "policy check: 2001 and 2002 disabled, 2004 approved"

expect 0 "tune again: only the silent one is left" -- "${t[@]}" --format json
python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["serial"] == 11 and [s["id"] for s in r["suggestions"]] == ["silent-2003"], r
' <<<"$out"
ok $? "after --apply: the applied suggestions are gone"
expect 0 "apply --only silent-2003" -- "${t[@]}" --apply --only silent-2003 --by suzuki \
	--reason "not used here" --no-apply --keep 2
has "serial 12: silent-2003" && grep -q "disable 2003: tune silent-2003: not used here" "$p" &&
	cmp -s "$p.2" "$dir/orig.conf"
ok $? "a silent suggestion applied when named; history and versions kept"

echo "1..$n"
exit $failed
