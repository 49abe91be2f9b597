#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Each network namespace has its own policy, configuration and counters:
# a forwarding policy in the gateway and a LOCAL_IN policy in the server
# each drop only their own pattern and count only their own traffic;
# flushing one leaves the other in force; a namespace without a policy
# reports inspection off.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat timeout
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology
srvctl() { ip netns exec "$server" "$nfipsctl" "$@"; }

cat >"$tmp/gw" <<'RULES'
drop tcp any any -> any 7001 (msg:"gateway"; content:"GWONLY"; sid:4001;)
RULES
cat >"$tmp/srv" <<'RULES'
drop tcp any any -> any 7001 (msg:"server"; content:"SRVONLY"; sid:4002;)
RULES
gw_apply --approve-all "$tmp/gw"
gwctl mode enforce >/dev/null
ip netns exec "$client" "$nfipsctl" status | grep -qx 'inspection: off' ||
	fail "client namespace sees a policy"
srvctl config --hooks local_in || fail "server config"
srvctl mode enforce >/dev/null
srvctl policy apply --approve-all "$tmp/srv" | grep -q '^serial=1$' || fail "server apply (serial 1)"
start_collectors "$tmp"

send_tcp 4 "$server4" 7001 "GWONLY-1"
send_tcp 4 "$server4" 7001 "SRVONLY-1"
send_tcp 4 "$server4" 7001 "benign-1"
received "$tmp/tcp4" "benign-1" || fail "benign traffic lost"
grep -q 'ONLY-1' "$tmp/tcp4" && fail "a pattern passed: $(cat "$tmp/tcp4")"
[ "$(gw_hits 4001)" -ge 1 ] || fail "gateway rule did not hit"
srvctl stats | grep -q '^1:4001:' && fail "server has the gateway's rule"
srvctl stats | grep -q '^1:4002:0 drop [1-9]' || fail "server rule did not hit"

gwctl flush || fail "gateway flush"
send_tcp 4 "$server4" 7001 "GWONLY-2"
send_tcp 4 "$server4" 7001 "SRVONLY-2"
received "$tmp/tcp4" "GWONLY-2" || fail "gateway flush did not take effect"
grep -q 'SRVONLY-2' "$tmp/tcp4" && fail "gateway flush removed the server's policy"
log "gateway and server policies independent"
exit "$ksft_pass"
