#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A long policy build (40000 64-byte patterns, 2.5 million automaton
# states) holds the namespace's control lock. While it runs:
#  - a generic netlink socket closed in the same namespace (any genl
#    user: iw, ethtool, another nfipsctl) does not wait for it;
#  - SIGKILL ends the committing process within a second (the build stops
#    at the next check of a fatal signal and answers -EINTR), after which
#    the namespace takes a new policy at once.
set -u
source "$(dirname "$0")/lib.sh"

readonly nltool=$repo/selftests/kernel/nltool

require_guest
[ -x "$nltool" ] || fail "$nltool not built"

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_ns kns

ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

# A socket in the namespace, to be closed during the build.
coproc closer { ip netns exec "$kns" "$nltool" close; }
read -r -t 30 line <&"${closer[0]}" && [ "$line" = ready ] || fail "nltool close: $line"

ip netns exec "$kns" "$nltool" big 40000 64 7 >"$tmp/out" 2>&1 &
pid=$!
on_exit "kill -9 $pid"
busywait 120000 grep -q committing "$tmp/out" || fail "the rules never got to the commit: $(cat "$tmp/out")"
sleep 1
kill -0 "$pid" 2>/dev/null || fail "the build ended within a second: too small to test: $(cat "$tmp/out")"

echo close >&"${closer[1]}"
read -r -t 120 close_ms <&"${closer[0]}" || fail "nltool close did not answer"
log "a generic netlink socket closed in ${close_ms} ms during the build"

kill -0 "$pid" 2>/dev/null || fail "the build ended before SIGKILL: $(cat "$tmp/out")"
t0=$(ms)
kill -9 "$pid"
wait "$pid"
kill_ms=$(($(ms) - t0))
log "SIGKILL ended the committing process in ${kill_ms} ms"

# Under the debug kernel (make check-debug) the build stops as promptly,
# but freeing the 40,000 rules already received (two checked kfree()s
# each: KASAN, kmemleak, object debugging, all under TCG) took 13 s of the
# 14.6 s measured; on the distribution's kernel the whole kill takes about
# 250 ms, and `make check` holds it to a second there.
kill_bound=1000
[ "${NFIPS_DEBUG_KERNEL:-}" = 1 ] && kill_bound=60000
((close_ms < 1000)) || fail "closing a genl socket waited ${close_ms} ms for the build"
((kill_ms < kill_bound)) || fail "SIGKILL took ${kill_ms} ms to end the build (bound ${kill_bound} ms)"
out=$(ip netns exec "$kns" "$nltool" big 10 16 8) || fail "no policy after the killed build: $out"
log "namespace usable afterwards: $out"
exit "$ksft_pass"
