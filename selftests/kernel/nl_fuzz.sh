#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Random and malformed generic netlink messages to the nfips family
# (unknown commands, random attribute trees, bad lengths, reserved header
# bits, dumps of doit commands, transactions left half-built) are
# answered, never crash the kernel (run.sh checks the log for splats),
# and leave the family working. Runs in a namespace of its own.
set -u
source "$(dirname "$0")/lib.sh"

readonly nltool=$repo/selftests/kernel/nltool

require_guest
[ -x "$nltool" ] || fail "$nltool not built"
setup_ns fuzz
for seed in 1 2 3; do
	out=$(ip netns exec "$fuzz" "$nltool" fuzz 1500 "$seed" 2>&1) ||
		fail "seed $seed: $out"
	log "seed $seed: $out"
done
ip netns exec "$fuzz" "$nfipsctl" status >/dev/null || fail "status after fuzzing"
exit "$ksft_pass"
