#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel forwarding benchmark's host-side tooling (make bench-kernel),
# not its speed: kbench-rules.py writes rules nfipsctl takes whole and an
# iptables-restore file of the requested size; kernel_report.py turns a
# run's figures into its section of performance.rst and splices it in
# place, leaving the rest of the file alone. Prints TAP lines.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

bench=selftests/bench
nfipsctl=ctl/nfipsctl/nfipsctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

check() {
	local name=$1

	shift
	n=$((n + 1))
	if "$@" >"$tmp/check.out" 2>&1; then
		echo "ok $n - kbench: $name"
	else
		echo "not ok $n - kbench: $name"
		sed 's/^/# /' "$tmp/check.out" | head -n 20
		failed=$((failed + 1))
	fi
}

# Bytes that need escaping in a rule (" ; | \ :), a 1-byte and a 255-byte
# pattern, one over xt_string's 128-byte limit.
{
	echo 22
	echo 3b7c5c3a
	printf '41%.0s' $(seq 255)
	echo
	printf '42%.0s' $(seq 129)
	echo
	echo 00010203
	echo 474554202f
} >"$tmp/p.hex"
python3 $bench/kbench-rules.py --nfips "$tmp/p.hex" >"$tmp/k.rules" 2>/dev/null
check "nfips rules: one per pattern, all kernel-decided" \
	grep -qx 'rules=6 parsed=6 loadable=6 kernel=6 slow=0 skipped=0 errors=0' \
	<("$nfipsctl" rules check "$tmp/k.rules" 2>/dev/null | tail -n 1)
check "nfips rules: policy apply --test takes them" \
	"$nfipsctl" policy apply --test "$tmp/k.rules"

python3 $bench/kbench-rules.py --iptables 3 "$tmp/p.hex" >"$tmp/k.ipt" 2>/dev/null
check "iptables: 3 string rules, none over 128 bytes, a complete table" bash -c '
	[ "$(grep -c "^-A FORWARD -m string --algo bm --hex-string \"|[0-9a-f ]*|\"$" "$1")" = 3 ] &&
	! grep -q "42 42 42" "$1" && head -n 1 "$1" | grep -qx "\*filter" &&
	tail -n 1 "$1" | grep -qx COMMIT' _ "$tmp/k.ipt"
check "iptables: more rules than patterns is an error" \
	bash -c '! python3 "$1" --iptables 6 "$2" >/dev/null 2>&1' _ $bench/kbench-rules.py "$tmp/p.hex"

# A run's figures, as kernel-bench.sh and run.sh print them.
mkdir -p "$tmp/out"
printf 'KBENCH_SECONDS=10\nKBENCH_ROUNDS=2\n' >"$tmp/out/kbench.env"
cat >"$tmp/out/kernel.log" <<'EOF'
# booting /boot/vmlinuz-6.1.0-1-amd64 (tcg, timeout 1800s)
# kernel 6.1.0-1-amd64, 2 CPUs, work tree /w
# iperf3 3.12, 10 s per run (first 2 s omitted), 2 rounds, TCP over IPv4, one stream; iptables v1.8.9 (nf_tables)
# round=1 config=plain mbps=1000.0
# nfips-1.6k: rules=1683 kernel=1683 punt=0 skipped=0; rules: 1683 (kernel 1683, punt 0)
# round=1 config=nfips-1.6k mbps=850.0
# round=1 config=nfips-15k mbps=500.0
# round=1 config=nfips-1.6k-all mbps=300.0
# round=1 config=nfips-15k-all mbps=150.0
# xt-200: 200 string rules
# round=1 config=xt-200 mbps=60.0
# round=1 config=xt-1600 mbps=8.0
config=plain mbps=1000.0 ratio=1.00
config=nfips-1.6k mbps=850.0 ratio=0.85
config=nfips-15k mbps=500.0 ratio=0.50
config=nfips-1.6k-all mbps=300.0 ratio=0.30
config=nfips-15k-all mbps=150.0 ratio=0.15
config=xt-200 mbps=60.0 ratio=0.060
config=xt-1600 mbps=8.0 ratio=0.008
# http: wrk debian/4.1.0-3+b2, 8 connections, one request per connection, 10 s per run (after 1 s unmeasured); nginx/1.22.1, one worker
# round=1 config=plain mix=http rps=200.0 mbps=24.0 requests=2000 errors=0 p50_ms=30.0 p99_ms=90.0
# round=1 config=nfips-et mix=http rps=170.0 mbps=20.4 requests=1700 errors=0 p50_ms=35.0 p99_ms=99.0
# config=suricata-et mix=queue pps=2000 delivered_pps=1990 sent_pps=5000 queued=20000 queue_dropped=30000 user_dropped=0 probes=1000 seen=1000 p50_us=900 p99_us=5000 max_us=9000
config=nfips-default mbps=900.0 ratio=0.90
config=nfips-et mbps=800.0 ratio=0.80 vs_suricata=4.00
config=nfipsd-default skipped: nfipsd not built
config=nfipsd-et skipped: nfipsd not built
config=suricata-et mbps=200.0 ratio=0.20
config=plain mix=http rps=200.0 mbps=24.0 ratio=1.00
config=nfips-default mix=http rps=180.0 mbps=21.6 ratio=0.90
config=nfips-et mix=http rps=170.0 mbps=20.4 ratio=0.85 vs_suricata=2.43
config=nfipsd-default mix=http skipped: nfipsd not built
config=nfipsd-et mix=http skipped: nfipsd not built
config=suricata-et mix=http rps=70.0 mbps=8.4 ratio=0.35
config=plain mix=queue pps=20000 p50_us=80 p99_us=900 ratio=1.00
config=suricata-et mix=queue pps=2000 p50_us=900 p99_us=5000 ratio=0.10
config=nfipsd-et mix=queue skipped: nfipsd not built
EOF
grep '^config=' "$tmp/out/kernel.log" >"$tmp/out/kernel.txt"
printf 'Title\n=====\n\nText.\n' >"$tmp/doc.rst"
python3 $bench/kernel_report.py --out "$tmp/out" --splice "$tmp/doc.rst" >/dev/null
cp "$tmp/doc.rst" "$tmp/doc1.rst"
check "report: the figures, ratios and verdicts" bash -c '
	grep -Eq "^\`\`nfips-1.6k\`\` +1683 +850.0 +0.85 " "$1" &&
	grep -q "^\`\`nfips-15k\`\`.*>= 0.60 .*0.50 .*\*\*missed\*\*" "$1" &&
	grep -Eq "^\`\`nfips-15k-all\`\` +- +150.0 +0.15 " "$1" &&
	! grep -q "^\`\`nfips-15k-all\`\`.*>=" "$1" &&
	grep -q "^\`\`xt-200\`\`.*<= 0.075 .*0.060 .*met" "$1" &&
	grep -q "^\`\`xt-1600\`\`.*0.008 .*met" "$1" &&
	grep -q "^1 of 4 kernel forwarding targets missed\.$" "$1" &&
	head -n 4 "$1" | diff - <(printf "Title\n=====\n\nText.\n")' _ "$tmp/doc.rst"
check "report: the gateway tables, ratios and the HTTP target" bash -c '
	grep -Eq "^\`\`nfips-et\`\` +170.0 +20.4 +0.85 +2.43 +170.0$" "$1" &&
	grep -Eq "^\`\`suricata-et\`\` +2000 +0.10 +- +900 +5000$" "$1" &&
	grep -Eq "^\`\`nfipsd-et\`\` +skipped: nfipsd not built" "$1" &&
	grep -Eq "^\`\`nfips-et\`\` +0.85 \(>= 0.80\) +2.43 \(>= 2.0\) +met$" "$1" &&
	grep -q "^All gateway targets met\.$" "$1" &&
	grep -q "dropped 30000 when full" "$1"' _ "$tmp/doc.rst"
python3 $bench/kernel_report.py --out "$tmp/out" --splice "$tmp/doc.rst" >/dev/null
check "report: splicing again changes nothing" cmp "$tmp/doc1.rst" "$tmp/doc.rst"
sed -i '/config=xt-1600/d' "$tmp/out/kernel.txt"
check "report: an incomplete run is refused, the file kept" bash -c '
	! python3 "$1" --out "$2" --splice "$3" 2>/dev/null && cmp "$3" "$4"' _ \
	$bench/kernel_report.py "$tmp/out" "$tmp/doc.rst" "$tmp/doc1.rst"
sed -i '/config=suricata-et mix=http/d' "$tmp/out/kernel.txt"
check "report: a run without a gateway configuration is refused" bash -c '
	! python3 "$1" --out "$2" --splice "$3" 2>/dev/null && cmp "$3" "$4"' _ \
	$bench/kernel_report.py "$tmp/out" "$tmp/doc.rst" "$tmp/doc1.rst"
check "kernel-bench.sh: bash syntax" bash -n $bench/kernel-bench.sh
mkdir -p "$tmp/www" "$tmp/www2"
python3 $bench/gateway-tools.py www "$tmp/www" >/dev/null
python3 $bench/gateway-tools.py www "$tmp/www2" >/dev/null
check "http mix: 64 files of 1-64 KiB, the same for the same seed" bash -c '
	[ "$(ls "$1" | grep -vc canary)" = 64 ] && [ "$(wc -l <"$1.list")" = 64 ] &&
	! find "$1" -name "*.*" ! -name canary.txt \( -size -1024c -o -size +65536c \) | grep -q . &&
	diff -r "$1" "$2" && cmp "$1.list" "$2.list" && grep -q "uid=0(root)" "$1/canary.txt"' \
	_ "$tmp/www" "$tmp/www2"

# A capture as tcpdump -i any writes it (nanosecond pcap, LINUX_SLL2):
# probe 0 in at t, out 100 us later; probe 1 in, out 300 us later; probe 2
# only in (lost); another port's datagram ignored.
python3 - "$tmp/probe.pcap" <<'PY'
import struct, sys
def pkt(pkttype, seq, port=7010):
    payload = (b"nfips-probe" + struct.pack("!I", seq)).ljust(64, b".")
    udp = struct.pack("!HHHH", 40000, port, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     bytes([10, 0, 1, 2]), bytes([10, 0, 2, 2])) + udp
    return struct.pack("!HHIHBB8s", 0x0800, 0, 2, 1, pkttype, 6, b"") + ip
recs = [(1000, pkt(0, 0)), (101000, pkt(4, 0)), (200000, pkt(0, 1)),
        (500000, pkt(4, 1)), (600000, pkt(0, 2)), (700000, pkt(0, 9, 53))]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 262144, 276))
    for ns, p in recs:
        f.write(struct.pack("<IIII", 5, ns, len(p), len(p)) + p)
PY
check "latency: probes matched in and out, percentiles in microseconds" bash -c '
	[ "$(python3 "$1" latency "$2" 7010)" = "probes=3 seen=2 p50_us=300 p99_us=300 max_us=300" ]' \
	_ $bench/gateway-tools.py "$tmp/probe.pcap"

echo "1..$n"
[ $failed -eq 0 ]
