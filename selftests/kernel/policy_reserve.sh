#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Namespaces of unprivileged users share at most userns_max_total_mem of
# the module's budget (max_total_mem): a local user who makes namespace
# after namespace, each with a policy, is refused once the share is used
# (with a message naming it), and the host's own namespaces can still
# commit a policy and get their flow table. Without the share the user's
# namespaces took the whole budget and the host's next commit failed.
set -u
source "$(dirname "$0")/lib.sh"

readonly nltool=$repo/selftests/kernel/nltool
readonly params=/sys/module/nfips/parameters

require_guest
require_cmd unshare setpriv
[ -x "$nltool" ] || fail "$nltool not built"
[ -w "$params/userns_max_total_mem" ] || fail "no userns_max_total_mem module parameter"
[ -r "$params/userns_mem_used" ] || fail "the module reports no userns_mem_used"

[ -w /proc/sys/kernel/unprivileged_userns_clone ] &&
	echo 1 >/proc/sys/kernel/unprivileged_userns_clone
sysctl -qw user.max_user_namespaces=1000

used() { cat "$params/mem_used"; }
uused() { cat "$params/userns_mem_used"; }
settled() {
	local a

	a=$(used)
	sleep 1
	[ "$a" = "$(used)" ]
}
busywait 60000 settled || fail "mem_used keeps changing"
base=$(used)
[ "$(uused)" = 0 ] || fail "userns_mem_used $(uused) with no unprivileged namespace"

budget=$(cat "$params/max_total_mem")
share=$(cat "$params/userns_max_total_mem")
on_exit "echo $budget >$params/max_total_mem; echo $share >$params/userns_max_total_mem"
echo $((base + (24 << 20))) >"$params/max_total_mem"
echo $((8 << 20)) >"$params/userns_max_total_mem"

work=$(mktemp -d)
chmod 1777 "$work"
pids=()
stop_users() {
	local p

	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
}
on_exit "stop_users; rm -rf '$work'"

# One namespace of the unprivileged user nobody: it commits a policy and
# stays (the policy lives as long as the namespace). Prints the commit's
# output and exit code once done.
user_ns() {
	local out=$work/$1

	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		unshare -Urn bash -c "'$nltool' big 100 64 $1 >'$out.log' 2>&1
			echo \$? >'$out.rc'; exec sleep 600" &
	pids+=($!)
	busywait 60000 test -s "$out.rc" || fail "namespace $1 never finished its commit"
}

refused=0
for i in $(seq 1 40); do
	user_ns "$i"
	rc=$(cat "$work/$i.rc")
	if [ "$rc" != 0 ]; then
		refused=$i
		break
	fi
done
log "unprivileged namespaces: $((refused - 1)) policies, userns_mem_used $(uused)," \
	"mem_used $(used) (base $base)"
((refused > 1)) || fail "no unprivileged policy fitted the share: $(cat "$work/$refused.log")"
[ "$(cat "$work/$refused.rc")" = 3 ] ||
	fail "namespace $refused failed otherwise: $(cat "$work/$refused.log")"
grep -q userns_max_total_mem "$work/$refused.log" ||
	fail "the refusal does not name the share: $(cat "$work/$refused.log")"
(($(uused) <= 8 << 20)) || fail "userns_mem_used $(uused) past its share of 8 MiB"

# The host's namespaces keep the rest: a policy and its flow table.
setup_ns a
out=$(ip netns exec "$a" "$nltool" big 1500 64 1) ||
	fail "the host's namespace was refused beside the user's: $out"
echo "$out" | grep -q 'flows=0 ' && fail "the host's namespace got no flow table: $out"
log "host namespace: $(echo "$out" | tail -n 1)"
ip netns exec "$a" "$nltool" flush || fail "flush a"

stop_users
pids=()
released() { [ "$(uused)" = 0 ] && (($(used) <= base)); }
busywait 120000 released ||
	fail "userns_mem_used $(uused), mem_used $(used) (base $base) after the users left"
log "share enforced and released"
exit "$ksft_pass"
