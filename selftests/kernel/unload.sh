#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rmmod under traffic: with policies in several namespaces, an events
# listener open and a bulk transfer plus a ping flood carrying a pattern
# crossing the gateway, and blocks in another namespace, the module unloads
# cleanly (hooks gone, RCU callbacks done, nothing leaked or splatted), the
# transfer completes, and the module loads again.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat timeout ping rmmod insmod
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
on_exit "lsmod | grep -q '^nfips ' || insmod '$nfips_ko'"
setup_topology

cat >"$tmp/rules" <<'RULES'
alert icmp any any -> any any (msg:"ping pattern"; content:"|de ad be ef|"; sid:5001;)
alert tcp any any -> any any (msg:"zeros"; content:"|00 00 00 00 00 00 00 00|"; sid:5002;)
RULES
gw_apply "$tmp/rules"
setup_ns other
ip netns exec "$other" "$nfipsctl" policy apply "$tmp/rules" >/dev/null || fail "apply in a second namespace"

ip netns exec "$gateway" "$nfipsctl" events >/dev/null 2>&1 &
head -c $((8 * 1024 * 1024)) /dev/zero >"$tmp/in"
ip netns exec "$server" timeout 60 socat -u TCP4-LISTEN:7003,reuseaddr "CREATE:$tmp/out" &
srv=$!
wait_local_port_listen "$server" 7003 tcp || fail "bulk server"
ip netns exec "$client" timeout 60 socat -u "OPEN:$tmp/in" "TCP4:$server4:7003" &
cli=$!
ip netns exec "$client" ping -q -i 0.01 -p deadbeef -w 6 "$server4" >/dev/null &
# Blocks in the second namespace, each add replacing a table that waits
# for a grace period (call_rcu): rmmod waits for those (rcu_barrier).
for a in 192.0.2.1 192.0.2.2 2001:db8::/48; do
	ip netns exec "$other" "$nfipsctl" block "$a" --for 1h --reason unload --by test \
		--store "$tmp/blocks.db" >/dev/null || fail "block $a"
done
sleep 1
kmsg "unload under traffic"
rmmod nfips || fail "rmmod under traffic"
wait "$cli" || fail "transfer broken by the unload"
wait "$srv"
cmp -s "$tmp/in" "$tmp/out" || fail "transfer corrupted by the unload"
dmesg_since "unload under traffic" | grep -q 'nfips: unloaded' || fail "no unload message"
dmesg_since "unload under traffic" | grep 'still counted' && fail "memory left counted at unload"
insmod "$nfips_ko" || fail "insmod after the unload"
"$nfipsctl" status | grep -qx 'inspection: off' || fail "fresh module has a policy"
log "unloaded under traffic, transfer intact, reloaded"
exit "$ksft_pass"
