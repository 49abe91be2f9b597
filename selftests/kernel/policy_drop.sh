#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel-decided drop rules in the gateway: exactly the packets carrying
# the pattern are dropped, for TCP and UDP over IPv4 and IPv6; what is
# sent before and after on the same ports arrives; a 4 MiB benign
# transfer crosses byte-exact; a pattern inside a large write (GSO
# super-packets with page fragments) is still found; learn mode never
# drops; flush turns inspection off.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat sha256sum timeout
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

cat >"$tmp/rules" <<'RULES'
drop tcp any any -> any 7001 (msg:"evil tcp"; content:"EVILTCP"; sid:1001; rev:1;)
drop udp any any -> any any (msg:"evil udp"; content:"EVILUDP"; sid:1002; rev:1;)
drop tcp any any -> any 7003 (msg:"evil in bulk"; content:"BULKEVIL"; sid:1003; rev:1;)
RULES
gw_apply --approve-all "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"
gwctl status | grep -qx 'inspection: on' || fail "inspection not on after apply"

start_collectors "$tmp"
for f in 4 6; do
	[ "$f" = 4 ] && dst=$server4 || dst=$server6
	send_tcp "$f" "$dst" 7001 "hello-tcp$f"
	received "$tmp/tcp$f" "hello-tcp$f" || fail "IPv$f benign TCP lost"
	send_tcp "$f" "$dst" 7001 "xxEVILTCPxx-tcp$f"
	send_tcp "$f" "$dst" 7001 "after-tcp$f"
	received "$tmp/tcp$f" "after-tcp$f" || fail "IPv$f TCP after the drop lost"
	grep -q EVILTCP "$tmp/tcp$f" && fail "IPv$f TCP pattern not dropped"

	send_udp "$f" "$dst" 7002 "hello-udp$f"
	send_udp "$f" "$dst" 7002 "xxEVILUDPxx-udp$f"
	send_udp "$f" "$dst" 7002 "after-udp$f"
	received "$tmp/udp$f" "after-udp$f" || fail "IPv$f UDP after the drop lost: got [$(cat "$tmp/udp$f")] $(gwctl stats | tr "\n" " ")"
	grep -q "hello-udp$f" "$tmp/udp$f" || fail "IPv$f benign UDP lost"
	grep -q EVILUDP "$tmp/udp$f" && fail "IPv$f UDP pattern not dropped"
	log "IPv$f: TCP and UDP patterns dropped, the rest delivered"
done
[ "$(gw_hits 1001)" -ge 2 ] || fail "sid 1001 hits $(gw_hits 1001), want >= 2"
[ "$(gw_hits 1002)" -eq 2 ] || fail "sid 1002 hits $(gw_hits 1002), want 2"
drops=$(gw_counter drops)
[ "$drops" -ge 4 ] || fail "drops counter $drops, want >= 4"

# Benign bulk data through the inspected gateway arrives byte for byte.
head -c $((4 * 1024 * 1024)) /dev/urandom >"$tmp/in"
ip netns exec "$server" timeout 60 socat -u TCP4-LISTEN:7003,reuseaddr \
	"CREATE:$tmp/out" &
srv=$!
wait_local_port_listen "$server" 7003 tcp || fail "bulk server"
ip netns exec "$client" timeout 60 socat -u "OPEN:$tmp/in" "TCP4:$server4:7003" ||
	fail "bulk transfer failed"
wait "$srv"
[ "$(sha256sum <"$tmp/in")" = "$(sha256sum <"$tmp/out")" ] ||
	fail "bulk transfer: $(stat -c %s "$tmp/out") bytes, checksum differs"
log "4 MiB benign transfer intact"

# The pattern in the middle of one large write: the gateway sees GSO
# super-packets whose payload lies in page fragments.
{
	head -c $((1448 * 300 + 4090)) /dev/zero
	printf BULKEVIL
	head -c $((1024 * 1024)) /dev/zero
} >"$tmp/bulk"
before=$(gw_hits 1003)
ip netns exec "$server" timeout 20 socat -u TCP4-LISTEN:7003,reuseaddr \
	"CREATE:$tmp/out" &
srv=$!
wait_local_port_listen "$server" 7003 tcp || fail "bulk server"
ip netns exec "$client" timeout 8 socat -u "OPEN:$tmp/bulk" "TCP4:$server4:7003"
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
grep -q BULKEVIL "$tmp/out" && fail "pattern inside a large write passed"
[ "$(gw_hits 1003)" -gt "$before" ] || fail "sid 1003 did not hit"
log "pattern inside a large write dropped ($(stat -c %s "$tmp/out") of $(stat -c %s "$tmp/bulk") bytes passed)"

# Learn mode: the same packets pass, counted as hits, never dropped.
gwctl mode learn >/dev/null || fail "mode learn"
drops=$(gw_counter drops)
send_tcp 4 "$server4" 7001 "xxEVILTCPxx-learn"
send_udp 6 "$server6" 7002 "xxEVILUDPxx-learn"
received "$tmp/tcp4" "EVILTCPxx-learn" || fail "learn mode dropped TCP"
received "$tmp/udp6" "EVILUDPxx-learn" || fail "learn mode dropped UDP"
[ "$(gw_counter drops)" = "$drops" ] || fail "learn mode counted drops"
log "learn mode: patterns pass"

# Flush: no policy, no hooks.
gwctl mode enforce >/dev/null
gwctl flush || fail "flush"
gwctl status | grep -qx 'inspection: off' || fail "inspection still on after flush"
send_tcp 4 "$server4" 7001 "xxEVILTCPxx-flushed"
received "$tmp/tcp4" "EVILTCPxx-flushed" || fail "flushed policy still drops"
log "flush: inspection off"
exit "$ksft_pass"
