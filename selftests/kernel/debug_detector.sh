#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Detector check only (make check-debug-detector): loads and unloads the
# test-only module NFIPS_DETECTOR names (built from
# selftests/kernel/debug/detector/ against the debug kernel), which does a
# use-after-free, sleeps under a spinlock or leaks memory. This script
# passes; the run around it must fail (the kernel log check or the kmemleak
# check), and selftests/kernel/debug/check.sh --detector asserts that it
# does, with the right report. Skipped everywhere else.
set -u
source "$(dirname "$0")/lib.sh"

[ "${NFIPS_DEBUG_KERNEL:-}" = 1 ] && [ -n "${NFIPS_DETECTOR:-}" ] ||
	skip "detector check only (make check-debug-detector)"
require_guest
[ -f "$NFIPS_DETECTOR" ] || fail "no $NFIPS_DETECTOR"
name=$(basename "$NFIPS_DETECTOR" .ko)
kmsg "detector $name"
insmod "$NFIPS_DETECTOR" || fail "insmod $NFIPS_DETECTOR"
rmmod "$name" || fail "rmmod $name"
dmesg_since "detector $name" | sed 's/^/  /'
exit "$ksft_pass"
