#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Blocks (nfipsctl block, unblock; Documentation/netlink.rst, "Blocks"),
# in learn mode: a block stops a connection mid-stream while another
# host's traffic flows, and the same connection resumes on unblock; a
# block with --for expires with no daemon running; blocks outlive a
# policy swap and a flush; IPv6 addresses and prefixes; who and why in
# the store; malformed block commands refused with a message.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat timeout
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
mem_used() { cat /sys/module/nfips/parameters/mem_used; }
mem0=$(mem_used)
setup_topology
# A second host on the client's side, v4 and v6.
readonly other4=10.0.1.3 other6=fd6e:6669:7073:1::3
ip -n "$client" addr add "$other4/24" dev veth0 || fail "addr $other4"
ip -n "$client" -6 addr add "$other6/64" dev veth0 nodad || fail "addr $other6"

cat >"$tmp/rules1" <<RULES
alert tcp any any -> any 7001 (msg:"block test one"; content:"NEVER-ONE"; sid:7201;)
RULES
cat >"$tmp/rules2" <<RULES
alert tcp any any -> any 7001 (msg:"block test two"; content:"NEVER-TWO"; sid:7202;)
RULES
gw_apply "$tmp/rules1"
gwctl status | grep -qx 'mode: learn' || fail "not in learn mode: $(gwctl status | grep mode)"
start_collectors "$tmp"

st=$tmp/blocks.db
blk() { gwctl block "$@" --store "$st"; }
unblk() { gwctl unblock "$@" --store "$st"; }

# from SRC FAMILY DATA: one connection from SRC to the TCP collector,
# given a second to connect (a blocked one would wait for its SYNs).
from() {
	local dst=$server4

	[ "$2" = 6 ] && dst=$server6
	printf '%s\n' "$3" | ip netns exec "$client" timeout 3 \
		socat -u - "TCP$2:$(sock_addr "$2" "$dst"):7001,bind=$(sock_addr "$2" "$1"),connect-timeout=1" \
		2>/dev/null
}

# One connection from the client, a line every 100 ms until $tmp/stop.
ip netns exec "$client" bash -c "i=0; while [ ! -e '$tmp/stop' ]; do
	echo tick-\$i; i=\$((i + 1)); sleep 0.1; done" |
	ip netns exec "$client" timeout 120 socat -u - "TCP4:$server4:7001" 2>/dev/null &
on_exit "touch '$tmp/stop'"
ticks() { grep -c '^tick-' "$tmp/tcp4"; }
more_than() { [ "$(ticks)" -gt "$1" ]; }
# growing MS: more lines arrive within MS milliseconds.
growing() {
	busywait "$1" more_than "$(($(ticks) + 3))"
}
# still: no line arrives for 1.5 s, within 15 s (those in flight when the
# block came may take a while on a slow guest; an unblocked connection
# delivers a line every 100 ms).
still() {
	local n end=$(($(date +%s) + 15))

	n=$(ticks)
	while sleep 1.5; do
		[ "$(ticks)" = "$n" ] && return 0
		n=$(ticks)
		(($(date +%s) > end)) && return 1
	done
}
# reaches SRC FAMILY DATA: a connection from SRC delivers DATA, retried
# for 30 s (a debug kernel under TCG can take seconds to connect).
reaches() {
	busywait 30000 reach_once "$@"
}
reach_once() { from "$@" && received "$tmp/tcp$2" "$3"; }
growing 60000 || fail "the long connection carries nothing"
log "set up (${SECONDS}s)"

# Mid-connection: the client's traffic stops, the other host's flows.
# Blocked briefly: TCP's retransmission backoff grows with the outage.
out=$(blk "$client4" --reason "scanning our web servers" --by alice) ||
	fail "block $client4: $out"
echo "$out" | grep -qx "blocked $client4 until unblocked" || fail "block said: $out"
still || fail "the blocked client's connection still delivers"
reaches "$other4" 4 "OTHER-HOST-4" ||
	fail "another host's connection blocked too"
log "blocked mid-connection: it stopped, another host's traffic flowed, learn mode (${SECONDS}s)"

# Unblock: the same connection resumes when TCP retransmits what was
# dropped.
out=$(unblk "$client4" --by bob) || fail "unblock: $out"
growing 60000 || fail "the connection did not resume after unblock"
unblk "$client4" 2>"$tmp/err" && fail "a second unblock succeeded"
grep -q "no such block" "$tmp/err" || fail "second unblock said: $(cat "$tmp/err")"
log "unblocked: the same connection resumed (${SECONDS}s)"

# Expiry with no daemon: a 5 s block lets the traffic go on by itself,
# not before. Judged by the clock and the drop counter, not by a sleep:
# a loaded TCG guest can take seconds for one command.
pgrep -x nfipsd >/dev/null && fail "an nfipsd runs"
drops() { gwctl status | awk '$1 == "blocks:" { print $4 }'; }
d0=$(drops)
t0=$(date +%s%3N)
out=$(blk "$client4" --for 5s --reason "expiry test" --by alice) || fail "block --for: $out"
echo "$out" | grep -qx "blocked $client4 for 5s" || fail "block --for said: $out"
# New connections: the long one is in its retransmission backoff.
busywait 60000 from "$client4" 4 "AFTER-EXPIRY" ||
	fail "the client's traffic did not resume after the block expired"
t1=$(date +%s%3N)
((t1 - t0 >= 5000)) || fail "traffic resumed $((t1 - t0)) ms into a 5 s block"
(($(drops) > d0)) || fail "nothing dropped during the 5 s block"
busywait 3000 sh -c "ip netns exec '$gateway' '$nfipsctl' block --list --store '$st' | grep -qx 'no blocks'" ||
	fail "expired block still listed: $(gwctl block --list --store "$st")"
gwctl status | grep -q '^blocks: 0 ' || fail "status after expiry: $(gwctl status | grep blocks)"
log "a 5 s block expired by itself after $((t1 - t0)) ms, no daemon running (${SECONDS}s)"

# A policy swap and a flush leave the blocks in force.
blk "$client4" --reason "swap test" --by alice >/dev/null || fail "block for the swap"
still || fail "the connection delivers under a block"
gw_apply "$tmp/rules2"
still || fail "the block is gone after a policy swap"
from "$client4" 4 "BLOCKED-NEW-4" && fail "a new connection from the blocked client went through"
grep -q BLOCKED-NEW-4 "$tmp/tcp4" && fail "the blocked client's new connection delivered"
gwctl flush || fail "flush"
gwctl status >"$tmp/status"
grep -qx 'inspection: on' "$tmp/status" || fail "a flush with a block: hooks off"
grep -q '^blocks: 1 (dropped [1-9]' "$tmp/status" || fail "status: $(grep blocks "$tmp/status")"
still || fail "the block is gone after a flush"
# The list: the kernel's block, its hits, who and why from the store.
list=$(gwctl block --list --json --store "$st")
for want in "\"address\":\"$client4\"" '"expires":null' '"reason":"swap test"' \
	    '"by":"alice"' '"hits":[1-9]'; do
	echo "$list" | grep -q "$want" || fail "block --list --json: no $want in $list"
done
[ "$(echo "$list" | grep -o '"address"' | wc -l)" = 1 ] || fail "list: $list"
unblk "$client4" >/dev/null || fail "unblock after the flush"
reaches "$client4" 4 "AFTER-UNBLOCK" || fail "the client still blocked after the last unblock"
gwctl status | grep -qx 'inspection: off' || fail "hooks still on with neither policy nor blocks"
gw_apply "$tmp/rules1"
log "blocks outlived a policy swap and a flush (${SECONDS}s)"

# IPv6: an address, then its /64 (both hosts); IPv4 untouched.
blk "$client6" --for 1h --reason "v6 host" --by carol >/dev/null || fail "block $client6"
from "$client6" 6 "BLOCKED-6" && fail "the blocked IPv6 client got through"
reaches "$other6" 6 "OTHER-HOST-6" ||
	fail "another IPv6 host blocked too"
blk fd6e:6669:7073:1::/64 --reason "v6 net" --by carol >/dev/null || fail "block the /64"
from "$other6" 6 "OTHER-HOST-6B" && fail "the /64 did not block the other host"
reaches "$other4" 4 "OTHER-HOST-4B" ||
	fail "IPv4 blocked by an IPv6 prefix"
gwctl block --list --store "$st" >"$tmp/list"
grep -q "^fd6e:6669:7073:1::/64 .*never  *-  *v6 net  *carol " "$tmp/list" ||
	fail "list: $(cat "$tmp/list")"
grep -q "^$client6 .* [0-9:]*  *[0-5][0-9]m[0-9]*s  *v6 host  *carol " "$tmp/list" ||
	fail "list: $(cat "$tmp/list")"
unblk fd6e:6669:7073:1::/64 >/dev/null || fail "unblock the /64"
reaches "$other6" 6 "OTHER-HOST-6C" ||
	fail "the other IPv6 host still blocked after the /64 went"
grep -q BLOCKED-6 "$tmp/tcp6" && fail "the blocked IPv6 client's data arrived"
unblk "$client6" >/dev/null || fail "unblock $client6"
log "IPv6 address and /64 blocked, IPv4 untouched (${SECONDS}s)"

# An IPv4-mapped address (ss shows IPv4 peers of dual-stack sockets so)
# is the IPv4 address: listed as such, and that IPv4 host is blocked.
blk "::ffff:$other4" --for 1h --reason mapped --by dave >/dev/null ||
	fail "block ::ffff:$other4"
gwctl block --list --store "$st" >"$tmp/list"
grep -q "^$other4 .*mapped  *dave " "$tmp/list" || fail "list: $(cat "$tmp/list")"
from "$other4" 4 "MAPPED-4" && fail "the IPv4 host of a mapped block got through"
unblk "::ffff:$other4" >/dev/null || fail "unblock ::ffff:$other4"
reaches "$other4" 4 "MAPPED-4B" || fail "still blocked after unblocking the mapped address"
log "an IPv4-mapped block is the IPv4 block (${SECONDS}s)"

# With the module's budget used up a new block is refused, but a block
# can always be lifted: removing one never needs more memory.
blk "$other4" --for 1h --reason budget --by alice >/dev/null || fail "block for the budget"
# a second one: removing the first then builds a table of one
blk 192.0.2.50 --reason budget --by alice >/dev/null || fail "second block for the budget"
budget=$(cat /sys/module/nfips/parameters/max_total_mem)
on_exit "echo $budget >/sys/module/nfips/parameters/max_total_mem"
mem_used >/sys/module/nfips/parameters/max_total_mem
blk 192.0.2.99 --reason x --by y 2>"$tmp/err" && fail "a block past the budget was accepted"
grep -q max_total_mem "$tmp/err" || fail "the refusal does not name the budget: $(cat "$tmp/err")"
unblk "$other4" >/dev/null 2>"$tmp/err" || fail "unblock refused at the budget: $(cat "$tmp/err")"
echo "$budget" >/sys/module/nfips/parameters/max_total_mem
reaches "$other4" 4 "AFTER-BUDGET" || fail "still blocked after the unblock at the budget"
unblk 192.0.2.50 >/dev/null || fail "unblock 192.0.2.50"
log "at the budget: a new block refused, an unblock done (${SECONDS}s)"

# max_blocks 0 turns blocks off, and the refusal says so (it named the
# unprivileged users' parameter before, in the initial namespace too).
maxb=$(cat /sys/module/nfips/parameters/max_blocks)
on_exit "echo $maxb >/sys/module/nfips/parameters/max_blocks"
echo 0 >/sys/module/nfips/parameters/max_blocks
blk 192.0.2.98 --reason x --by y 2>"$tmp/err" && fail "a block with max_blocks 0 was accepted"
grep -q "blocks are turned off (max_blocks is 0)" "$tmp/err" ||
	fail "max_blocks 0: $(cat "$tmp/err")"
echo "$maxb" >/sys/module/nfips/parameters/max_blocks

# Bad input: refused with a message, by nfipsctl and by the kernel.
blk 10.0.1.2/33 --reason x --by y 2>"$tmp/err" && fail "prefix 33 accepted"
grep -q "prefix length '33' is not 1 to 32" "$tmp/err" || fail "said: $(cat "$tmp/err")"
ip netns exec "$client" "$repo/selftests/kernel/nltool" badblock >"$tmp/bad" 2>&1 || {
	cat "$tmp/bad"
	fail "malformed block commands"
}
grep -q "IPv4 prefix 33: Invalid argument: prefix length longer than the address" "$tmp/bad" ||
	fail "nltool: $(cat "$tmp/bad")"
log "malformed block commands refused with a message (${SECONDS}s)"

# Without a policy, the last block's expiry turns the hooks off: the
# kernel's garbage collection ran (no command came after the expiry).
gwctl flush || fail "flush"
blk "$other4" --for 3s --reason "gc test" --by alice >/dev/null || fail "block for gc"
busywait 40000 sh -c "ip netns exec '$gateway' '$nfipsctl' status | grep -qx 'inspection: off'" ||
	fail "the expired block was not collected: $(gwctl status | grep -e inspection -e blocks)"
log "an expired block was collected, and the hooks went with it (${SECONDS}s)"

# The namespace goes with a policy, blocks and their collection pending:
# everything it had is freed (the module's budget back where it was).
gw_apply "$tmp/rules1"
blk "$server4" --for 1h --reason "teardown" --by alice >/dev/null || fail "block for teardown"
blk 2001:db8::/32 --reason "teardown" --by alice >/dev/null || fail "block for teardown"
ip netns del "$gateway" || fail "ip netns del"
mem_back() { [ "$(mem_used)" = "$mem0" ]; }
busywait 60000 mem_back || fail "mem_used $(mem_used) after the namespace went, $mem0 before"
log "a namespace with blocks went, its memory with it (${SECONDS}s)"
exit "$ksft_pass"
