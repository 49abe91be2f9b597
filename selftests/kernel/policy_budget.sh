#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module-wide memory budget (max_total_mem) holds across namespaces:
# what every namespace's policies, transactions, builds and flow tables
# use is counted in mem_used; a commit that would take the module past the
# budget is refused with a message naming it, before the build, and the
# running policies stay; a flow table past it is not allocated (and the
# kernel log says so); freeing memory in one namespace lets another
# commit.
set -u
source "$(dirname "$0")/lib.sh"

readonly nltool=$repo/selftests/kernel/nltool
readonly params=/sys/module/nfips/parameters

require_guest
[ -x "$nltool" ] || fail "$nltool not built"
[ -w "$params/max_total_mem" ] || fail "no max_total_mem module parameter"
[ -r "$params/mem_used" ] || fail "the module reports no mem_used"

budget=$(cat "$params/max_total_mem")
on_exit "echo $budget >$params/max_total_mem"
setup_ns a b
used() { cat "$params/mem_used"; }

# Namespaces of earlier tests may still be on their way out: wait until
# the count stops moving.
settled() {
	local a

	a=$(used)
	sleep 1
	[ "$a" = "$(used)" ]
}
busywait 60000 settled || fail "mem_used keeps changing"
base=$(used)
echo $((base + (2 << 20))) >"$params/max_total_mem"
out=$(ip netns exec "$a" "$nltool" big 1500 64 1)
rc=$?
log "budget 2 MiB over what is used: $(echo "$out" | tail -n 1)"
[ "$rc" = 3 ] || fail "a commit past the budget was accepted: $out"
echo "$out" | grep -q max_total_mem || fail "the refusal does not name the budget: $out"
[ "$(used)" = "$base" ] || fail "a refused commit left mem_used at $(used) (was $base)"

# A small policy fits, its flow table (4.5 MiB) does not: inspection
# goes on without one, and the kernel log says why.
kmsg "budget flows"
out=$(ip netns exec "$a" "$nltool" big 1 8 9) || fail "a one-pattern policy refused: $out"
echo "$out" | grep -q 'flows=0 ' || fail "a flow table past the budget: $out"
dmesg_since "budget flows" | grep -q 'no flow table: .* max_total_mem' ||
	fail "no kernel message for the missing flow table: $(dmesg_since 'budget flows')"
ip netns exec "$a" "$nltool" flush || fail "flush a"
[ "$(used)" = "$base" ] || fail "mem_used $(used) after the flush (was $base)"
log "flow table past the budget: none, and said so"

echo $((base + (256 << 20))) >"$params/max_total_mem"
# a's policy holds more than b's takes to build (about 14 MiB at its peak).
out=$(ip netns exec "$a" "$nltool" big 10000 64 1) || fail "refused under a large budget: $out"
mem=$(echo "$out" | sed -n 's/.*memory=\([0-9]*\).*/\1/p')
now=$(used)
log "committed in a: $(echo "$out" | tail -n 1); mem_used $base -> $now"
((now - base >= mem)) || fail "mem_used grew by $((now - base)), the policy holds $mem"

echo $((now + (2 << 20))) >"$params/max_total_mem"
out=$(ip netns exec "$b" "$nltool" big 1500 64 2)
[ $? = 3 ] || fail "namespace b went past the budget: $out"
log "namespace b refused: $(echo "$out" | tail -n 1)"
ip netns exec "$a" "$nltool" flush || fail "flush a"
out=$(ip netns exec "$b" "$nltool" big 1500 64 2) || fail "b refused after a freed its policy: $out"
log "namespace b committed once a freed its policy"
ip netns exec "$b" "$nltool" big 1 8 3 >/dev/null ||
	fail "namespace b cannot replace its policy with a smaller one at the budget"
ip netns exec "$b" "$nltool" flush || fail "flush b"
[ "$(used)" = "$base" ] || fail "mem_used $(used) after both flushed (was $base)"
log "budget enforced across namespaces"
exit "$ksft_pass"
