#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsctl report, end to end, on the store report_test fills (known alerts
# over Tokyo days, June 2026 only as daily aggregates): the numbers in text
# and JSON, -o writes the file whole, bad options name themselves, PDF
# without Chromium says so; with Debian's chromium the PDF is made and the
# HTML is rendered to PNG and its DOM read back (the alert table's rows,
# the chart's values), the artifacts kept in selftests/unit/report-out/ for
# people to look at. Prints TAP lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ctl=$top/ctl/nfipsctl/nfipsctl
art=$here/report-out
source "$here/tap.lib"

dir=$(mktemp -d /tmp/nfips_report_cli.XXXXXX)
trap 'rm -rf "$dir"' EXIT
export NFIPSD_CONF=$dir/none.conf	# no installed nfipsd.conf or policy
"$here/report_test" "$dir/s" >/dev/null || { echo "not ok 1 - report_test fills the store"; exit 1; }
db=$dir/s/alerts.db
r=("$ctl" report)
common=(--store "$db" --tz Asia/Tokyo)

expect 0 "daily text" -- "${r[@]}" daily --date 2026-12-05 "${common[@]}"
has "Daily intrusion prevention report" && has "Asia/Tokyo" && has "2026-12-04" &&
	grep -qE '^Total +49 +12 +37 +8 +\+41 \(\+512%\)$' <<<"$out"
ok $? "daily text: the total row: 49, 12 blocked, 37 alerted, 8 the day before"

expect 0 "daily json" -- "${r[@]}" daily --date 2026-12-05 "${common[@]}" --format json
python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["totals"]["total"] == 49 and r["previous_totals"]["total"] == 8
assert r["incidents"]["acknowledged"] == 1 and len(r["alerts"]["list"]) == 49
' <<<"$out"
ok $? "daily json: totals, incidents, 49 alerts listed"

expect 0 "monthly json of June (aggregates only)" -- "${r[@]}" monthly --month 2026-06 \
	"${common[@]}" --format json
python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["totals"]["total"] == 101 and r["aggregate_days"] == 30, r["totals"]
' <<<"$out"
ok $? "monthly json: 101 alerts from 30 aggregated days"

expect 0 "monthly ja text" -- "${r[@]}" monthly --month 2026-06 "${common[@]}" --lang ja
has "侵入防御 月次レポート" && has "30 日分は日次集計"
ok $? "monthly ja: Japanese, says its days come from the aggregates"

# Without --tz the day is UTC's: 12-05 UTC is Tokyo's 12-05 09:00 to 12-06 09:00.
expect 0 "daily in UTC" -- "${r[@]}" daily --date 2026-12-05 --store "$db" --format json
python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["timezone"] == "UTC" and r["totals"]["total"] == 42, r["totals"]["total"]
' <<<"$out"
ok $? "without a zone the day is UTC's: 42 alerts (not Tokyo's 00:30, Tokyo's 12-06 00:00)"

expect 0 "-o writes the file" -- "${r[@]}" daily --date 2026-12-05 "${common[@]}" \
	--format html -o "$dir/d.html"
[ -s "$dir/d.html" ] && ! ls "$dir"/d.html.* >/dev/null 2>&1 && grep -q '</html>' "$dir/d.html"
ok $? "-o: the whole page, no temporary file left"

expect 2 "a bad date is refused" -- "${r[@]}" daily --date 2026-02-30 "${common[@]}"
has "--date: not a date (YYYY-MM-DD): '2026-02-30'"
ok $? "a bad date: the message names --date and the value"
expect 2 "a bad zone is refused" -- "${r[@]}" daily --store "$db" --tz Mars/Olympus
has "--tz: 'Mars/Olympus' is not a zone"
ok $? "a bad zone: the message names --tz"
expect 2 "--month on a daily report is refused" -- "${r[@]}" daily --month 2026-06 "${common[@]}"
has "--month is for a monthly report"
ok $? "--month on daily: said so"
expect 2 "an unknown format is refused" -- "${r[@]}" daily --format doc "${common[@]}"
has "--format: text, json, html or pdf, not 'doc'"
ok $? "an unknown format: said so"
expect 1 "a missing store" -- "${r[@]}" daily --store "$dir/nothere.db"
has "nothere.db"
ok $? "a missing store: the path is named"

NFIPS_CHROMIUM=$dir/no-chromium expect 1 "pdf without Chromium fails" -- "${r[@]}" daily \
	--date 2026-12-05 "${common[@]}" --format pdf -o "$dir/d.pdf"
has "--format pdf needs headless Chromium" && [ ! -e "$dir/d.pdf" ]
ok $? "pdf without Chromium: a clear error, no file"

if ! command -v chromium >/dev/null; then
	echo "ok $((n + 1)) # SKIP chromium not installed (selftests/deps.sh installs it)"
	n=$((n + 1))
	echo "1..$n"
	exit $failed
fi
rm -rf "$art"
mkdir -p "$art"
expect 0 "pdf through headless Chromium" -- "${r[@]}" daily --date 2026-12-05 \
	"${common[@]}" --format pdf -o "$art/daily-ja.pdf" --lang ja
[ "$(head -c 5 "$art/daily-ja.pdf")" = "%PDF-" ]
ok $? "pdf: a PDF file (kept as $art/daily-ja.pdf)"

# The page as Chromium renders it: a PNG for people, the DOM for the test.
chrome=(chromium --headless --disable-gpu --hide-scrollbars --user-data-dir="$dir/prof")
[ "$(id -u)" = 0 ] && chrome+=(--no-sandbox)
for lang in en ja; do
	"${r[@]}" daily --date 2026-12-05 "${common[@]}" --format html --lang $lang \
		-o "$art/daily-$lang.html"
done
"${r[@]}" monthly --month 2026-06 "${common[@]}" --format html -o "$art/monthly-en.html"
timeout 60 "${chrome[@]}" --window-size=1100,2400 --screenshot="$art/daily-ja.png" \
	"file://$art/daily-ja.html" >/dev/null 2>&1
timeout 60 "${chrome[@]}" --window-size=400,2400 --screenshot="$art/daily-en-phone.png" \
	"file://$art/daily-en.html" >/dev/null 2>&1
[ -s "$art/daily-ja.png" ] && [ -s "$art/daily-en-phone.png" ]
ok $? "the HTML rendered to PNG (desktop, phone)"
timeout 60 "${chrome[@]}" --dump-dom "file://$art/daily-en.html" >"$dir/dom.html" 2>/dev/null
python3 - "$dir/dom.html" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
table = dom[dom.index('id="alert-table"'):]
table = table[:table.index("</table>")]
rows = table.count("<tr>") - 1
counts = [int(c) for c in re.findall(r'data-count="(\d+)"', dom)]
assert rows == 49, rows
assert len(counts) == 24 and sum(counts) == 49 and counts[23] == 20, counts
src = dom[dom.index('id="top-sources"'):]
src = src[:src.index("</table>")]
assert re.search(r'203\.0\.113\.5</td><td class="rdns" data-status="confirmed">'
                 r'scanner\.example\.net \(2026-12-01\)</td>', src), src
PY
ok $? "the rendered DOM: 49 alert rows, the chart's 24 hours adding up to 49, the top" \
	"source's host name beside it"
if command -v fc-list >/dev/null; then
	[ -n "$(fc-list :lang=ja)" ]
	ok $? "a Japanese font is installed for the Japanese report (fonts-noto-cjk)"
fi
echo "1..$n"
exit $failed
