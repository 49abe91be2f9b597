#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Aggregated packets are judged by their wire packets. The gateway sees
# several TCP segments or UDP datagrams as one packet when the sender
# hands its veth a GSO packet, or when the gateway's veth merges them
# (GRO, rx-udp-gro-forwarding); rules' offset, depth and dsize are still
# those of each segment or datagram, and a pattern never matches across
# two datagrams. Each case runs with the aggregate (checked with an nft
# counter in the gateway) and, for reference, without:
#
#   TCP  a request ("GET ", depth 4, dsize < 1000: a kernel rule on TCP
#        with a position needs dsize) that begins the second segment of
#        one write is seen, with the sender's GSO, with the gateway's GRO
#        and with neither
#   UDP  three datagrams: "EVIL" ending the first and "UDP" beginning
#        the second never match "EVILUDP"; "HEAD" (depth 4) beginning
#        the third and "DSZ" (dsize 100) in it are seen
#
# and a UDP datagram is what its header's length says: a pattern in the
# bytes after it (not the receiver's) is not one of the datagram's.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat timeout python3 ethtool tc nft
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

cat >"$tmp/rules" <<'RULES'
alert tcp any any -> any 7001 (msg:"request"; content:"GET "; depth:4; dsize:<1000; sid:4001;)
alert udp any any -> any 7002 (msg:"across datagrams"; content:"EVILUDP"; sid:4003;)
alert udp any any -> any 7002 (msg:"dsize"; content:"DSZ"; dsize:100; sid:4004;)
alert udp any any -> any 7002 (msg:"depth"; content:"HEAD"; depth:4; sid:4005;)
drop udp any any -> any 7002 (msg:"after the datagram"; content:"TRAILER"; sid:4006;)
RULES
gw_apply --approve-all "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"
start_collectors "$tmp"

# What the gateway forwards: TCP packets over the MTU, UDP packets.
ip netns exec "$gateway" nft -f - <<'NFT' || fail "nft counters"
table inet grotest {
	chain seen {
		type filter hook forward priority 0;
		tcp dport 7001 meta length > 1500 counter
		udp dport 7002 counter
	}
}
NFT
# counter tcp|udp: packets counted so far.
counter() {
	local m='tcp dport'

	[ "$1" = udp ] && m='udp dport'
	ip netns exec "$gateway" nft list chain inet grotest seen |
		awk -v m="$m" 'index($0, m) { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}

# The client's veth hands the gateway GSO packets (on) or wire packets.
client_gso() {
	ip netns exec "$client" ethtool -K veth0 tso "$1" gso "$1" >/dev/null ||
		fail "ethtool tso/gso $1 on the client"
}
# The gateway's veth facing the client merges what it receives (on) or not.
gateway_gro() {
	ip netns exec "$gateway" ethtool -K veth0 gro "$1" rx-udp-gro-forwarding "$1" \
		>/dev/null || fail "ethtool gro $1 in the gateway"
}
# plug / unplug: the client's veth holds its packets, then sends them in
# one burst, which the gateway's veth takes in one NAPI poll (GRO merges
# only what one poll sees).
plug() {
	ip netns exec "$client" tc qdisc add dev veth0 root plug limit 1000000 2>"$tmp/tc.err" ||
		skip "no plug qdisc (CONFIG_NET_SCH_PLUG): $(cat "$tmp/tc.err")"
}
unplug() {
	ip netns exec "$client" tc qdisc change dev veth0 root plug release_indefinite ||
		fail "plug release"
	ip netns exec "$client" tc qdisc del dev veth0 root
}

aggsend() {
	ip netns exec "$client" timeout 30 python3 "$repo/selftests/kernel/aggsend.py" "$@"
}

# tcp_case NAME AGG PLUG: the request in the second segment is seen; AGG:
# the gateway saw an aggregate (1) or only wire packets (0).
tcp_case() {
	local hits big

	hits=$(gw_hits 4001)
	big=$(counter tcp)
	if [ "$3" = 1 ]; then
		rm -f "$tmp/go" "$tmp/go.ready"
		aggsend tcp "$server4" 7001 "GET /$1 HTTP/1.0" "$tmp/go" &
		busywait 10000 test -e "$tmp/go.ready" || fail "$1: no connection"
		plug
		touch "$tmp/go"
		sleep 1
		unplug
		wait $!
	else
		aggsend tcp "$server4" 7001 "GET /$1 HTTP/1.0"
	fi
	received "$tmp/tcp4" "GET /$1" || fail "$1: request not delivered"
	big=$(($(counter tcp) - big))
	if [ "$2" = 1 ]; then
		[ "$big" -ge 1 ] || fail "$1: the gateway saw no TCP aggregate (test setup)"
	else
		[ "$big" = 0 ] || fail "$1: the gateway saw $big TCP aggregates, want none"
	fi
	[ "$(gw_hits 4001)" -gt "$hits" ] ||
		fail "$1: \"GET \" with depth 4 at the start of the second segment not seen"
	log "TCP, $1: the request in the second segment seen"
}

# udp_case NAME HOW PACKETS: three datagrams of 100 bytes, sent with HOW
# (udpgso: one GSO send; udp: one send each, plugged); PACKETS: what the
# gateway forwards (1: one aggregate, 3: the datagrams).
n=0
udp_case() {
	local h3 h4 h5 pkts d1

	n=$((n + 1))
	h3=$(gw_hits 4003) h4=$(gw_hits 4004) h5=$(gw_hits 4005)
	pkts=$(counter udp)
	d1="$(printf '%-96s' "$1-1" | tr ' ' .)EVIL"
	if [ "$2" = udp ]; then
		plug
		aggsend udp "$server4" 7002 100 "$d1" "UDP $1-2" "HEAD DSZ $1-3"
		unplug
	else
		aggsend udpgso "$server4" 7002 100 "$d1" "UDP $1-2" "HEAD DSZ $1-3"
	fi
	received "$tmp/udp4" "HEAD DSZ $1-3" || fail "$1: third datagram not delivered"
	pkts=$(($(counter udp) - pkts))
	[ "$pkts" = "$3" ] || fail "$1: the gateway forwarded $pkts packets, want $3 (test setup)"
	[ "$(gw_hits 4003)" = "$h3" ] || fail "$1: \"EVILUDP\" matched across two datagrams"
	[ "$(gw_hits 4004)" = $((h4 + 1)) ] || fail "$1: dsize:100 not seen on a 100-byte datagram"
	[ "$(gw_hits 4005)" = $((h5 + 1)) ] ||
		fail "$1: \"HEAD\" with depth 4 at the start of the third datagram not seen"
	log "UDP, $1: datagrams judged one by one ($3 packets)"
}

gateway_gro off
client_gso on
tcp_case sender-gso 1 0
udp_case sender-gso udpgso 1

client_gso off
gateway_gro on
tcp_case gateway-gro 1 1
udp_case gateway-gro udp 1

gateway_gro off
tcp_case no-aggregate 0 1
udp_case no-aggregate udp 3

# A datagram of 5 bytes ("hello") in an IP packet that carries "TRAILER"
# after it: the receiver gets "hello", and the drop rule does not apply.
aggsend udpshort "$server4" 7002 hello TRAILER || fail "raw UDP send"
received "$tmp/udp4" hello || fail "datagram dropped for bytes after its UDP length"
[ "$(gw_hits 4006)" = 0 ] || fail "sid 4006 hit bytes after the datagram"
log "UDP length from the header: bytes after the datagram not inspected"
exit "$ksft_pass"
