#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Sanity test of the benchmark tooling, not a speed test: builds mpm-bench,
# runs it on a small pattern set and corpus written here, whose occurrence
# totals python3 computes independently (overlapping occurrences counted by
# brute force), checks that both engines print exactly those totals, and that
# malformed input is rejected with an error naming the file and line/record;
# then the replay benchmark's capture generator, nfipsctl replay --timing on
# its output and report.py's Replay section. Prints TAP lines.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bench=$here/mpm-bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { # check NAME COMMAND...: ok when COMMAND succeeds
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

if make -s -C "$here" mpm-bench >"$tmp/build.log" 2>&1; then
	ok "build mpm-bench"
else
	sed 's/^/# /' "$tmp/build.log"
	not_ok "build mpm-bench"
	echo "1..$n"
	exit 1
fi

# Patterns and corpus by construction: prefixes, suffixes and overlaps of
# each other, single bytes, NUL (also leading, which Vectorscan's literal API
# cannot take), 0xff, a 255-byte pattern, a duplicate, case variants; records
# include an empty one, long repeats and seeded random bytes.
python3 - "$tmp" <<'EOF' || { not_ok "write test input"; echo "1..$n"; exit 1; }
import random, struct, sys
d = sys.argv[1]
r = random.Random(3)
pats = [b"a", b"aa", b"aaa", b"ab", b"b", b"abc", b"bc", b"c", b"ABC", b"Abc",
        b"\x00", b"\x00\x00", b"\x00a", b"a\x00", b"\xff", b"\xff\xfe\x00",
        b"GET /", b"get /", b"HTTP/1.1", b"\r\n\r\n", b"\r\n", b"xyz" * 85,
        b"abc",  # duplicate of an earlier line: counted once per line
        b"needle-not-present"]
recs = [b"", b"a", b"aaaaaaaaaa", b"abcabcABCAbCaBc",
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\nget /index HTTP/1.1\r\n\r\n",
        b"\x00\x00\x00a\x00\xff\xfe\x00\xff", b"xyz" * 200, b"XYZ" * 90,
        bytes(range(256)) * 2]
recs += [bytes(r.choice(b"abcABC\x00\xff\r\n") for _ in range(r.randint(0, 300)))
         for _ in range(40)]
recs += [r.randbytes(r.randint(0, 1500)) for _ in range(20)]

def count(p, s):
    return sum(1 for i in range(len(s) - len(p) + 1) if s[i:i + len(p)] == p)

with open(d + "/corpus.bin", "wb") as f:
    f.write(b"".join(struct.pack("<I", len(x)) + x for x in recs))
# "all" goes through Vectorscan's regex API (leading NUL), "lit" through its literal API.
with open(d + "/expected", "w") as f:
    for name, ps in (("all", pats), ("lit", [p for p in pats if p[0] != 0])):
        with open("%s/%s.hex" % (d, name), "w") as pf:
            pf.write("".join(p.hex() + "\n" for p in ps))
        f.write("%s %d %d %d\n" % (name, len(ps), sum(count(p, x) for p in ps for x in recs),
                                   sum(count(p.lower(), x.lower()) for p in ps for x in recs)))
EOF

line_re() { # line_re ENGINE NPATTERNS
	echo "^engine=$1 patterns=$2 build_ms=[0-9]+\.[0-9] mem_bytes=[0-9]+ matches=[0-9]+ mbps=[0-9]+\.[0-9]\$"
}
format_ok() {
	[ "$(wc -l <"$tmp/out")" -eq 2 ] &&
		sed -n 1p "$tmp/out" | grep -Eq "$(line_re nfips "$npats")" &&
		sed -n 2p "$tmp/out" | grep -Eq "$(line_re vectorscan "$npats")"
}
while read -r set npats want want_nocase; do
	echo "# set $set: $npats patterns, $want occurrences case-sensitive, $want_nocase nocase"
	for mode in "" --nocase; do
		label="$set ${mode:+nocase}"
		[ -n "$mode" ] || label="$set case-sensitive"
		exp=$want
		[ -n "$mode" ] && exp=$want_nocase
		"$bench" $mode --passes 1 "$tmp/$set.hex" "$tmp/corpus.bin" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		sed 's/^/# /' "$tmp/out" "$tmp/err"
		check "$label: exit status 0" test $rc -eq 0
		check "$label: two lines in key=value format" format_ok
		for engine in nfips vectorscan; do
			got=$(sed -n "s/^engine=$engine .* matches=\([0-9]*\) .*/\1/p" "$tmp/out")
			check "$label: $engine matches=$exp (got ${got:-nothing})" test "$got" = "$exp"
		done
	done
done <"$tmp/expected"

# Malformed input: non-zero exit, and the message names where the problem is.
printf '41\n' >"$tmp/good.hex"
printf '\001\000\000\000A' >"$tmp/good.bin"
rejects() { # rejects NAME EXPECTED-MESSAGE-REGEX ARGS...
	local name=$1 re=$2
	shift 2
	"$bench" --passes 1 "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	sed 's/^/# /' "$tmp/err"
	if [ $rc -ne 0 ] && [ $rc -ne 1 ] && grep -Eq "$re" "$tmp/err"; then
		ok "rejects $name"
	else
		not_ok "rejects $name (exit $rc)"
	fi
}
printf '41\n4g42\n' >"$tmp/badhex.hex"
rejects "bad hex digit" 'badhex\.hex:2:2: bad hex digit' "$tmp/badhex.hex" "$tmp/good.bin"
printf '4142\n414\n' >"$tmp/odd.hex"
rejects "odd number of hex digits" 'odd\.hex:2: odd number' "$tmp/odd.hex" "$tmp/good.bin"
printf '41\n\n42\n' >"$tmp/blank.hex"
rejects "empty pattern line" 'blank\.hex:2: empty pattern' "$tmp/blank.hex" "$tmp/good.bin"
: >"$tmp/empty.hex"
rejects "empty pattern file" 'empty\.hex: no patterns' "$tmp/empty.hex" "$tmp/good.bin"
python3 -c 'print("41" * 256)' >"$tmp/long.hex"
rejects "pattern longer than 255 bytes" 'long\.hex:1: pattern of 256 bytes' "$tmp/long.hex" "$tmp/good.bin"
printf '\001\000\000\000A\005\000\000\000ABC' >"$tmp/trunc.bin"
rejects "truncated record payload" 'trunc\.bin: record 2 at offset 5: truncated payload' \
	"$tmp/good.hex" "$tmp/trunc.bin"
printf '\001\000\000\000A\002\000' >"$tmp/trunchdr.bin"
rejects "truncated record length" 'trunchdr\.bin: record 2 at offset 5: truncated length' \
	"$tmp/good.hex" "$tmp/trunchdr.bin"
: >"$tmp/empty.bin"
rejects "empty corpus" 'empty\.bin: no records' "$tmp/good.hex" "$tmp/empty.bin"
rejects "missing file" 'nonexistent\.hex: No such file' "$tmp/nonexistent.hex" "$tmp/good.bin"
rejects "missing argument" 'usage:' "$tmp/good.hex"

# The replay benchmark's tooling: gen-capture.py writes the same capture for
# the same seed, nfipsctl replay reads every packet of it as a well-formed
# frame (one flow per session), and report.py turns --timing output into
# the Replay section with the figures computed from the capture.
nfipsctl=$here/../../ctl/nfipsctl/nfipsctl
if python3 "$here/gen-capture.py" --seed 7 --mb 0.3 "$tmp/a.pcap" 2>"$tmp/cap.log" &&
   python3 "$here/gen-capture.py" --seed 7 --mb 0.3 "$tmp/b.pcap" 2>/dev/null; then
	sed 's/^/# /' "$tmp/cap.log"
	check "gen-capture: same seed, same capture" cmp -s "$tmp/a.pcap" "$tmp/b.pcap"
	pkts=$(sed -n 's/^gen-capture: \([0-9]*\) packets.*/\1/p' "$tmp/cap.log")
	sess=$(sed -n 's/.* \([0-9]*\) sessions;.*/\1/p' "$tmp/cap.log")
	printf 'alert tcp any any -> any 80 (msg:"GET"; flow:established,to_server; content:"GET "; startswith; sid:1;)\n' \
		>"$tmp/bench.rules"
	if [ -x "$nfipsctl" ]; then
		"$nfipsctl" replay --rules "$tmp/bench.rules" --timing --sensor t --pcap "$tmp/a.pcap" \
			>"$tmp/alerts.json" 2>"$tmp/replay-1.err"
		rc=$?
		sed 's/^/# /' "$tmp/replay-1.err"
		sum=$(tail -n 1 "$tmp/replay-1.err")
		check "replay of the capture: exit 0" test $rc -eq 0
		check "replay: every packet decoded, none malformed ($pkts packets)" \
			grep -q "^packets=$pkts decoded=$pkts malformed=0 not_ip=0 fragments=0 flows=$sess " \
			<<<"$sum"
		check "replay: no retransmissions, overlaps or gaps in the generated sessions" \
			grep -q " retransmits=0 overlaps=0 gaps=0$" <<<"$sum"
		check "replay: --timing line" grep -Eq '^replay: timing: load_s=[0-9.]+ load_cpu_s=[0-9.]+ replay_s=[0-9.]+ replay_cpu_s=[0-9.]+$' \
			"$tmp/replay-1.err"
		check "replay: HTTP requests alert" test "$(wc -l <"$tmp/alerts.json")" -gt 0
	else
		not_ok "replay of the capture: $nfipsctl not built"
	fi
	# report.py on known timings: frames / CPU time, median of three runs.
	frames=$(python3 -c 'import struct,sys
d=open(sys.argv[1],"rb").read(); p=24; t=0
while p+16<=len(d): n=struct.unpack_from("<I",d,p+8)[0]; t+=n; p+=16+n
print(t)' "$tmp/a.pcap")
	for i in 1 2 3; do
		printf 'replay: timing: load_s=1.0 load_cpu_s=0.5 replay_s=%s replay_cpu_s=%s\n' \
			"0.0$i" "0.0$((i + 1))" >"$tmp/replay-$i.err"
		printf 'packets=%s decoded=%s malformed=0 not_ip=0 fragments=0 flows=%s alerts=0 rules=1 loaded=1 skipped=0 errors=0 tunneled=0 retransmits=0 overlaps=0 gaps=0\n' \
			"$pkts" "$pkts" "$sess" >>"$tmp/replay-$i.err"
	done
	cp "$tmp/cap.log" "$tmp/capture.log"
	want=$(python3 -c "print('%.1f' % ($frames / 1e6 / 0.03))")
	python3 "$here/report.py" --out "$tmp" --corpus "$tmp/corpus.bin" --capture "$tmp/a.pcap" \
		>"$tmp/perf.rst" 2>"$tmp/report.err"
	rc=$?
	sed 's/^/# /' "$tmp/report.err"
	check "report.py: Replay section, median of the runs ($want MB/s per core)" \
		grep -q "^median .* \*\*$want\*\* " "$tmp/perf.rst"
	check "report.py: exit 0" test $rc -eq 0
	# --keep: the hand-written block of the page being replaced comes
	# through whole, and so does the section of a benchmark that did not
	# run (no kernel.txt here); a lone marker is an error naming the page.
	printf 'Old\n===\n\n.. kernel-bench: begin (generated by selftests/bench/kernel_report.py)\n\nOLD-KERNEL\n\n.. kernel-bench: end\n\n.. measured: begin (written by hand; report.py keeps it)\n\nBy hand\n-------\n\nKEPT-TEXT\n\n.. measured: end\n\nGenerated, old\n' \
		>"$tmp/old.rst"
	python3 "$here/report.py" --out "$tmp" --corpus "$tmp/corpus.bin" --capture "$tmp/a.pcap" \
		--keep "$tmp/old.rst" >"$tmp/kept.rst" 2>/dev/null
	check "report.py --keep: the hand-written block carried over, the old page's generated text not" \
		sh -c "grep -qx KEPT-TEXT '$tmp/kept.rst' && grep -qx '.. measured: end' '$tmp/kept.rst' &&
			! grep -q 'Generated, old' '$tmp/kept.rst' && grep -q '^median ' '$tmp/kept.rst'"
	check "report.py --keep: the kernel section of the old page, no kernel run here" \
		grep -qx OLD-KERNEL "$tmp/kept.rst"
	printf 'Old\n.. measured: end\n' >"$tmp/lone.rst"
	python3 "$here/report.py" --out "$tmp" --corpus "$tmp/corpus.bin" --capture "$tmp/a.pcap" \
		--keep "$tmp/lone.rst" >/dev/null 2>"$tmp/lone.err"
	rc=$?
	check "report.py --keep: a lone marker fails, naming the page" \
		sh -c "[ $rc -ne 0 ] && grep -q '$tmp/lone.rst' '$tmp/lone.err'"

	# replay-bench.py (make bench-replay) on the capture, one round: both
	# tools measured, only the rules nfips loads given to both (the smb
	# rule is skipped), the alerts of both found equal and not none, and
	# its section spliced between its markers.
	if command -v suricata >/dev/null && [ -x "$nfipsctl" ]; then
		cat >"$tmp/rb.rules" <<-'EOF'
			alert http any any -> any any (msg:"ua"; flow:established,to_server; http.user_agent; content:"Go-http-client"; sid:2;)
			alert smb any any -> any any (msg:"skipped by nfips"; sid:3;)
		EOF
		python3 "$here/replay-bench.py" --rounds 1 --capture "$tmp/a.pcap" --out "$tmp/rs/replay-suricata" \
			"$tmp/rb.rules" >"$tmp/rb.out" 2>&1
		rc=$?
		sed 's/^/# /' "$tmp/rb.out"
		res=$tmp/rs/replay-suricata/result.txt
		check "replay-bench: exit 0" test $rc -eq 0
		check "replay-bench: the rule nfips loads, in one file for both" \
			grep -qx "rules_in_run=1" "$res"
		# Suricata's threads are read in 10 ms clock ticks: on this small
		# capture its inspection may take none.
		check "replay-bench: inspection CPU and MB/s per core of both tools" \
			test "$(grep -cE '^tool=(nfips|suricata) inspect_cpu_s=[0-9.]+ mbps_per_core=[0-9.]+ load_cpu_s=[0-9.]+ ' "$res")" -eq 2
		check "replay-bench: nfips' inspection measured" \
			grep -qE '^tool=nfips inspect_cpu_s=[0-9.]*[1-9][0-9]* mbps_per_core=[0-9]*[1-9][0-9]*\.[0-9] ' "$res"
		check "replay-bench: ratio" grep -qE '^ratio=[0-9]+\.[0-9]{2}$' "$res"
		check "replay-bench: same alerts per sid and flow, and some" \
			grep -qE '^alerts nfips=([1-9][0-9]*) suricata=\1 keys=[1-9][0-9]* differences=0$' "$res"
		printf 'Title\n=====\n\n.. replay-suricata: begin (generated by selftests/bench/replay_report.py)\nOLD-SECTION\n.. replay-suricata: end\n\nAfter\n' \
			>"$tmp/doc.rst"
		python3 "$here/replay_report.py" --out "$tmp/rs" --splice "$tmp/doc.rst" >/dev/null 2>&1
		check "replay_report.py: section spliced between its markers, the rest kept" \
			python3 -c 'import sys
t = open(sys.argv[1]).read()
sys.exit(not (t.startswith("Title\n") and t.endswith("\nAfter\n") and "OLD-SECTION" not in t and
              t.count("Replay against Suricata\n") == 1))' "$tmp/doc.rst"
		python3 "$here/replay-bench.py" --capture "$tmp/none.pcap" --out "$tmp/rs2" \
			"$tmp/bench.rules" >"$tmp/rb2.out" 2>&1
		check "replay-bench: a missing capture is named" grep -q 'none\.pcap: No such file' "$tmp/rb2.out"
	else
		ok "replay-bench # SKIP suricata or nfipsctl missing"
	fi
else
	sed 's/^/# /' "$tmp/cap.log"
	not_ok "gen-capture.py writes a capture"
fi

echo "1..$n"
[ $failed -eq 0 ]
