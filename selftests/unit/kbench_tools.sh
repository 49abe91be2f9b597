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
python3 $bench/kernel_report.py --out "$tmp/out" --splice "$tmp/doc.rst" >/dev/null
check "report: splicing again changes nothing" cmp "$tmp/doc1.rst" "$tmp/doc.rst"
sed -i '/config=xt-1600/d' "$tmp/out/kernel.txt"
check "report: an incomplete run is refused, the file kept" bash -c '
	! python3 "$1" --out "$2" --splice "$3" 2>/dev/null && cmp "$3" "$4"' _ \
	$bench/kernel_report.py "$tmp/out" "$tmp/doc.rst" "$tmp/doc1.rst"
check "kernel-bench.sh: bash syntax" bash -n $bench/kernel-bench.sh

echo "1..$n"
[ $failed -eq 0 ]
