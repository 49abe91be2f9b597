#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: every kernel selftest, plus the debug-only stress tests
# (selftests/kernel/debug_*.sh) and a kmemleak check after unloading the
# module (debug/kmemleak.sh), in the usual QEMU guest (selftests/kernel/
# run.sh) but booting a kernel built with KASAN, UBSAN, kmemleak, lockdep,
# RCU lockdep, atomic-sleep, list and object debugging (debug.config; built
# once by build.sh and cached in ~/.cache/nfips/debug-kernel) and loading
# nfips.ko built against that kernel. Any report of those detectors fails
# the run (run.sh's "kernel log clean"), whatever the tests said.
#
# make check-debug-detector (--detector): the proof that the detectors and
# the harness catch what they are meant to. Three runs, each loading one
# test-only module of debug/detector/ (debug_detector.sh): a use-after-free,
# a sleep under a spinlock and a leak. Each run must fail, with KASAN's
# report, the atomic-sleep report and the kmemleak check respectively.
#
# Usage: check.sh [TEST.sh...]     (default: every test)
#        check.sh --detector
# Environment: as run.sh (NFIPS_QEMU_ACCEL, NFIPS_QEMU_TCG_THREAD, ...);
# the defaults here are longer timeouts (NFIPS_QEMU_TIMEOUT 10800 s, as
# the whole suite takes well over an hour under TCG; NFIPS_TEST_TIMEOUT
# 1200 s) and 2 GiB of guest memory. NFIPS_STORM_OPS,
# NFIPS_UNLOAD_CYCLES and NFIPS_FUZZ_MESSAGES are passed on to the stress
# tests. Logs are in selftests/kernel/out/debug/ (out/detector-NAME/ for
# the detector runs).
set -u

here=$(cd "$(dirname "$0")" && pwd)
kernel=$(cd "$here/.." && pwd)

# debug_env: build (or find cached) the kernel and the modules, and set
# the DEBUG_* variables build.sh prints on its last line.
debug_env() {
	local line

	line=$("$here/build.sh" modules | tail -n 1)
	case $line in
	DEBUG_DIR=*) ;;
	*)
		echo "not ok 1 - debug kernel and modules build (selftests/kernel/debug/build.sh)"
		exit 1
		;;
	esac
	eval "$line"
	echo "# debug kernel $DEBUG_RELEASE ($DEBUG_DIR, built in ${DEBUG_BUILD_SECONDS}s)"
}

# run_debug OUTDIR CMDLINE [TEST.sh...]: run.sh with the debug kernel.
# acpi=noirq: routing the virtio device's interrupt through ACPI takes this
# kernel 20 s of the boot under TCG; the PCI routing table needs none.
# no5lvl: QEMU's -cpu max offers LA57, and with 5-level paging an interrupt
# taken while identify_cpu() has cleared the boot CPU's feature bits (so
# that pgtable_l5_enabled() briefly says no) makes KASAN report a
# wild-memory-access in handle_edge_irq() during boot, which taints the
# kernel and turns lockdep off for the whole run.
run_debug() {
	local outdir=$1 cmdline=$2 v

	shift 2
	# The stress tests' knobs reach the guest on the command line.
	for v in NFIPS_STORM_OPS NFIPS_UNLOAD_CYCLES NFIPS_FUZZ_MESSAGES; do
		[ -n "${!v:-}" ] && cmdline+=" $v=${!v}"
	done
	NFIPS_VMLINUZ=$DEBUG_VMLINUZ NFIPS_KO=$DEBUG_KO NFIPS_MODULES=$DEBUG_MODULES \
		NFIPS_CMDLINE="acpi=noirq no5lvl NFIPS_DEBUG_KERNEL=1${cmdline:+ $cmdline}" \
		NFIPS_OUT=$outdir \
		NFIPS_QEMU_TIMEOUT=${NFIPS_QEMU_TIMEOUT:-10800} \
		NFIPS_TEST_TIMEOUT=${NFIPS_TEST_TIMEOUT:-1200} \
		NFIPS_QEMU_MEM=${NFIPS_QEMU_MEM:-2048} \
		"$kernel/run.sh" "$@"
}

# Each detector module, and what must fail the run it is loaded in: a
# TAP line of run.sh's output (extended regular expression).
readonly detectors=(
	'uaf|^not ok [0-9]+ - kernel log clean # BUG: KASAN: use-after-free in nfips_detect_uaf_init'
	'sleep|^not ok [0-9]+ - kernel log clean # BUG: sleeping function called from invalid context'
	'leak|kmemleak\.sh: FAIL: kmemleak: 1 objects leaked by module code'
)

detector() {
	local d name want n=0 failed=0 out log

	for d in "${detectors[@]}"; do
		name=${d%%|*}
		want=${d#*|}
		n=$((n + 1))
		out=$kernel/out/detector-$name
		log=$(mktemp)
		echo "# detector $name: a run that loads nfips_detect_$name.ko must fail"
		run_debug "$out" "NFIPS_DETECTOR=$DEBUG_DETECTOR/nfips_detect_$name.ko" \
			debug_detector.sh >"$log" 2>&1
		rc=$?
		sed 's/^/#   /' "$log"
		if [ "$rc" = 0 ]; then
			echo "not ok $n - detector $name # the run passed: the detector is blind"
			failed=1
		elif ! grep -qE "$want" "$log"; then
			echo "not ok $n - detector $name # the run failed, but not with /$want/"
			failed=1
		elif [ "$name" = leak ] && ! grep -q 'unreferenced object .*(size 128)' "$log"; then
			echo "not ok $n - detector $name # no kmemleak report of the 128-byte object"
			failed=1
		else
			echo "ok $n - detector $name: $(grep -m1 -oE "$want.*" "$log" | cut -c1-140)"
		fi
		rm -f "$log"
	done
	echo "1..$n"
	return "$failed"
}

main() {
	local start=$SECONDS rc

	debug_env
	if [ "${1:-}" = --detector ]; then
		detector
		rc=$?
	else
		run_debug "$kernel/out/debug" "" "$@"
		rc=$?
	fi
	echo "# check-debug took $((SECONDS - start))s"
	return "$rc"
}

main "$@"
