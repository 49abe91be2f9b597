#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debug kernel only (make check-debug): nl_fuzz.sh at a higher message
# count and concurrently. Four nltool fuzzers, two per namespace (so that
# transactions collide: EBUSY, another socket's transaction id), one on
# each CPU, send NFIPS_FUZZ_MESSAGES (default 15000) random and malformed
# messages each while KASAN, UBSAN and lockdep watch the attribute parsing,
# the transaction state and the error paths. Every message is answered,
# and both namespaces still answer afterwards.
set -u
source "$(dirname "$0")/lib.sh"

readonly nltool=$repo/selftests/kernel/nltool
readonly messages=${NFIPS_FUZZ_MESSAGES:-15000}

[ "${NFIPS_DEBUG_KERNEL:-}" = 1 ] || skip "debug kernel only (make check-debug)"
require_guest
require_cmd ip taskset
[ -x "$nltool" ] || fail "$nltool not built"

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_ns fuzz1 fuzz2
pids=()
seed=100
for ns in "$fuzz1" "$fuzz2"; do
	for cpu in 0 1; do
		seed=$((seed + 1))
		ip netns exec "$ns" taskset -c "$((cpu % $(nproc)))" \
			"$nltool" fuzz "$messages" "$seed" >"$tmp/$seed" 2>&1 &
		pids+=("$!:$seed")
	done
done
rc=0
for p in "${pids[@]}"; do
	wait "${p%%:*}" || { rc=1; log "seed ${p#*:} failed"; }
	log "seed ${p#*:}: $(cat "$tmp/${p#*:}")"
done
[ "$rc" = 0 ] || fail "a fuzzer failed"
for ns in "$fuzz1" "$fuzz2"; do
	ip netns exec "$ns" "$nfipsctl" status >/dev/null || fail "status in $ns after fuzzing"
done
log "$((4 * messages)) messages from 4 concurrent fuzzers answered"
exit "$ksft_pass"
