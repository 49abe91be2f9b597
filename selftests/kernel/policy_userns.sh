#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An unprivileged user who makes a user and network namespace of its own
# (unshare -Urn: root there, nobody here) gets the lower limits of such
# namespaces (Documentation/netlink.rst, "Namespaces of unprivileged
# users"), and what the module allocates for that namespace is charged to
# the user's memory cgroup:
#  - a small policy is accepted, with a flow table of at most
#    userns_max_flows entries, and freeing it (flush) lowers the cgroup's
#    memory.current by at least three quarters of the memory the module
#    reports for it: the automaton, the rules and the flow table are
#    charged to the cgroup, not to the kernel at large;
#  - a policy of 30000 64-byte patterns (about 100 MB to build) is refused
#    with a clear message, and the cgroup's peak shows it was refused
#    before being built, not after.
set -u
source "$(dirname "$0")/lib.sh"

readonly nltool=$repo/selftests/kernel/nltool
readonly cgroot=/sys/fs/cgroup

require_guest
require_cmd unshare setpriv
[ -x "$nltool" ] || fail "$nltool not built"

# Debian's switch for unprivileged user namespaces, and the generic limit.
[ -w /proc/sys/kernel/unprivileged_userns_clone ] &&
	echo 1 >/proc/sys/kernel/unprivileged_userns_clone
sysctl -qw user.max_user_namespaces=1000
if [ "$(stat -f -c %T "$cgroot")" != cgroup2fs ]; then
	mount -t cgroup2 none "$cgroot" || skip "cannot mount cgroup2"
fi
grep -qw memory "$cgroot/cgroup.controllers" || skip "no memory controller"
echo +memory >"$cgroot/cgroup.subtree_control" || fail "enable the memory controller"
cg=$cgroot/nfips-userns-$$
mkdir "$cg" || fail "mkdir $cg"
on_exit "rmdir '$cg'"

# as_user SCRIPT: bash -c SCRIPT as nobody, in the cgroup, in a user and
# network namespace of its own; its output on stdout.
as_user() {
	(
		echo "$BASHPID" >"$cg/cgroup.procs" || exit 1
		exec setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=-all unshare -Urn bash -c "$1"
	)
}

# Accepted when small, and charged to the cgroup.
out=$(as_user "'$nltool' big 1500 64 2 && cat '$cg/memory.current' &&
	'$nltool' flush && cat '$cg/memory.current'")
rc=$?
log "1500 patterns: exit $rc: $(echo "$out" | tr '\n' ' ')"
[ "$rc" = 0 ] || fail "unprivileged namespace refused a small policy: $out"
mem=$(echo "$out" | sed -n 's/.*memory=\([0-9]*\).*/\1/p')
before=$(echo "$out" | sed -n 3p)
after=$(echo "$out" | sed -n 4p)
[ -n "$mem" ] && [ -n "$before" ] && [ -n "$after" ] || fail "unexpected output: $out"
flows=$(echo "$out" | sed -n 's/.*flows=\([0-9]*\).*/\1/p')
((flows > 0 && flows <= $(cat /sys/module/nfips/parameters/userns_max_flows))) ||
	fail "flow table of $flows entries in an unprivileged namespace"
charged=$((before - after))
log "policy memory $mem bytes, $flows flows, flush uncharged $charged bytes from the cgroup"
((charged * 4 >= mem * 3)) ||
	fail "only $charged of the policy's $mem bytes were charged to the cgroup"

# Refused, and not after a full build: the peak stays far below it.
out=$(as_user "'$nltool' big 30000 64 1")
rc=$?
peak=$(cat "$cg/memory.peak")
log "30000 patterns: exit $rc: $out; cgroup peak $((peak >> 20)) MiB"
[ "$rc" = 3 ] || fail "unprivileged namespace committed a 30000-pattern policy: $out"
echo "$out" | grep -q 'limit' || fail "no clear message: $out"
((peak < 48 << 20)) || fail "refused after a peak of $((peak >> 20)) MiB in the cgroup"
exit "$ksft_pass"
