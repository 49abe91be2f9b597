#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of the guest's network plumbing that the nfips tests build on:
# the client -- gateway -- server topology of lib.sh forwards IPv4 and IPv6
# both ways (ping), and a TCP stream crosses the gateway byte for byte
# (sha256 of what the server received equals that of what the client sent).
# Nothing of nfips is exercised here: if this fails, every later test would
# fail for reasons that have nothing to do with nfips.
set -u
source "$(dirname "$0")/lib.sh"

# Large enough for many windows and segments, small enough for TCG.
readonly xfer_bytes=$((4 * 1024 * 1024))
readonly xfer_port=5201

require_guest
require_cmd ip ss ping socat sha256sum timeout

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"

setup_topology

# ping_ok NS DST: three echoes, none may be lost.
ping_ok() {
	ip netns exec "$1" ping -q -c 3 -i 0.2 -W 2 "$2" >/dev/null ||
		fail "ping $2 from ${1%%-*}"
}

# tcp_xfer FAMILY DST: send $tmp/in from client to server at DST over TCP.
tcp_xfer() {
	local family=$1 dst=$2 listen=TCP4-LISTEN connect=TCP4
	local sent got

	if [ "$family" = 6 ]; then
		listen=TCP6-LISTEN connect=TCP6
		dst="[$dst]"
	fi
	rm -f "$tmp/out"
	# -u: one direction only; the server exits once the client closes.
	ip netns exec "$server" timeout 60 socat -u \
		"$listen:$xfer_port,reuseaddr" "CREATE:$tmp/out" &
	local srv=$!
	wait_local_port_listen "$server" "$xfer_port" tcp ||
		fail "IPv$family: socat server did not listen"
	ip netns exec "$client" timeout 60 socat -u \
		"OPEN:$tmp/in" "$connect:$dst:$xfer_port" ||
		fail "IPv$family: client transfer to $dst failed"
	wait "$srv" || fail "IPv$family: server socat exited $?"

	sent=$(sha256sum <"$tmp/in")
	got=$(sha256sum <"$tmp/out")
	[ "$sent" = "$got" ] ||
		fail "IPv$family: received $(stat -c %s "$tmp/out") bytes, checksum differs"
	log "IPv$family TCP: $xfer_bytes bytes client -> $dst intact"
}

head -c "$xfer_bytes" /dev/urandom >"$tmp/in" || fail "cannot create test data"

# Gateway to its neighbours first: a failure here is not a routing problem.
ping_ok "$gateway" "$client4"
ping_ok "$gateway" "$server4"
ping_ok "$gateway" "$client6"
ping_ok "$gateway" "$server6"
# Across the gateway, both ways.
ping_ok "$client" "$server4"
ping_ok "$server" "$client4"
ping_ok "$client" "$server6"
ping_ok "$server" "$client6"
log "ping IPv4 and IPv6 across the gateway, both ways"

tcp_xfer 4 "$server4"
tcp_xfer 6 "$server6"
exit "$ksft_pass"
