#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds nfips and runs the test suites. Every suite prints TAP lines
# ("ok N - name", "not ok N - name", "... # SKIP why"); this script counts
# them and ends with one line "N passed, N failed, N skipped".
# A suite that exits non-zero without reporting a failure counts as one.
# Usage: run-all.sh [SUITE...]   (default: all suites)
set -uo pipefail
cd "$(dirname "$0")/.."

declare -A suite_cmd=(
	[build]="make -s all"
	[unit]="make -s -C selftests/unit run"
	[replay]="selftests/replay/replay_test.py"
	[fuzz]="make -s -C selftests/fuzz run"
	[dkms]="selftests/dkms.sh"
	[checkpatch]="selftests/checkpatch.sh"
	[bench-sanity]="selftests/bench/mpm_bench_test.sh"
	[kernel]="selftests/kernel/run.sh"
	# the alert store under a power cut in the guest (Documentation/store.rst)
	[powercut]="selftests/store_powercut.sh"
	# Not in the default order: make check-debug, make check-debug-detector.
	[debug]="selftests/kernel/debug/check.sh"
	[debug-detector]="selftests/kernel/debug/check.sh --detector"
)
order=(build checkpatch unit replay fuzz dkms bench-sanity kernel powercut)
[ $# -gt 0 ] && order=("$@")

passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for s in "${order[@]}"; do
	cmd=${suite_cmd[$s]:-}
	if [ -z "$cmd" ]; then
		echo "run-all: unknown suite '$s' (have: ${!suite_cmd[*]})" >&2
		exit 2
	fi
	echo "# suite $s: $cmd"
	if [ "$s" = build ]; then
		# Building is a test case of its own: nothing else can run without it.
		if $cmd >"$log" 2>&1; then
			echo "ok 1 - build"; passed=$((passed + 1))
		else
			cat "$log"; echo "not ok 1 - build"; failed=$((failed + 1))
			break
		fi
		continue
	fi
	$cmd 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok [0-9]+' "$log" | tr -d ' ')
	sk=$(grep -cE '^ok [0-9]+.*# SKIP' "$log" | tr -d ' ')
	f=$(grep -cE '^not ok [0-9]+' "$log" | tr -d ' ')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - suite $s exited $rc"
		f=1
	fi
	passed=$((passed + p - sk)) skipped=$((skipped + sk)) failed=$((failed + f))
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
