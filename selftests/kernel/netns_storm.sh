#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Namespace-exit storm: 300 network namespaces, each with a policy (hooks,
# conntrack, flow table, automaton), destroyed together. The module's
# memory (/sys/module/nfips/parameters/mem_used) returns to where it was,
# in a time that does not grow with one RCU grace period per namespace
# (nfips tears namespaces down in batches: Documentation/design.rst).
set -u
source "$(dirname "$0")/lib.sh"

readonly nltool=$repo/selftests/kernel/nltool
readonly params=/sys/module/nfips/parameters
readonly count=300

require_guest
[ -x "$nltool" ] || fail "$nltool not built"
[ -r "$params/mem_used" ] || fail "the module reports no mem_used"

# Small flow tables: 300 of the default size would not fit the guest.
flows=$(cat "$params/max_flows")
on_exit "echo $flows >$params/max_flows"
echo 64 >"$params/max_flows" || fail "set max_flows"

base=$(cat "$params/mem_used")
coproc storm { "$nltool" nsstorm "$count" 2>&1; }
read -r -t 300 line <&"${storm[0]}" || fail "no namespaces after 300 s"
[ "$line" = "ready $count" ] || fail "nsstorm: $line"
used=$(cat "$params/mem_used")
log "$count namespaces with a policy: mem_used $base -> $used"
((used > base)) || fail "the namespaces' policies are not counted in mem_used"

t0=$(date +%s%3N)
exec {storm[1]}>&-
wait "$storm_PID" || fail "nsstorm failed"
# Namespaces that earlier tests left to the net core may go meanwhile.
released() { (($(cat "$params/mem_used") <= base)); }
busywait 120000 released ||
	fail "mem_used still $(cat "$params/mem_used") (was $base) 120 s after the exit"
ms=$(($(date +%s%3N) - t0))
log "$count namespaces torn down in $ms ms"
((ms < 30000)) || fail "teardown of $count namespaces took $ms ms"
exit "$ksft_pass"
