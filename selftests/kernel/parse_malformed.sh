#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed headers: the kernel scans what the daemon's decoder (Suricata
# 7.0.10's view, ctl/lib/net/decode.c) inspects, unless a Linux receiver
# takes more (Documentation/design.rst, "Malformed headers"). Crafted in
# the client, each carrying a pattern an approved drop rule matches:
#
#   ok4        a well-formed UDP datagram, after the others: dropped (the
#              rule works, and the ones before it were seen)
#   udplen0-4  IPv4, UDP length 0: a broken UDP header for the daemon,
#              dropped by the receiver: not scanned, counted unparsed
#   udplen0-6  IPv6, UDP length 0: Linux receivers take it as a jumbogram
#              (Suricata and the daemon do not inspect it): scanned, dropped
#   plen0-hbh  IPv6 payload length 0 with a hop-by-hop header (no jumbo
#              option) and a UDP datagram after it: ip6_rcv_core() leaves
#              it whole and the receiver takes it (the daemon cuts the
#              payload): scanned, dropped
#   ipopt-bad  IPv4 with an option of length 1 (Suricata's decoder refuses
#              the header), across a bridge in the gateway namespace with
#              br_netfilter (a router's own input drops it before the
#              hooks, ip_rcv_options(); the bridge does not check options):
#              not scanned, counted unparsed
#
# udplen0-4 and ipopt-bad were dropped by the rule before the parse change;
# udplen0-6 and plen0-hbh passed unscanned with its first version (review).

set -u
source "$(dirname "$0")/lib.sh"
require_guest
require_cmd ip python3 nft
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
cases=(ok4 udplen0-4 udplen0-6 plen0-hbh ipopt-bad)
for i in "${!cases[@]}"; do
	echo "drop udp any any -> any 7002 (msg:\"${cases[i]}\"; content:\"EVIL-${cases[i]} \"; sid:$((4100 + i));)"
done >"$tmp/rules"

# The standard topology, and in the gateway namespace a bridge between
# bclient (10.0.9.1) and bserver (10.0.9.2), its IPv4 through the
# netfilter hooks (br_netfilter).
setup_topology
modprobe br_netfilter 2>/dev/null || skip "no br_netfilter module"
setup_ns bclient bserver
ip link add veth0 netns "$bclient" type veth peer name p0 netns "$gateway" || fail "veth p0"
ip link add veth0 netns "$bserver" type veth peer name p1 netns "$gateway" || fail "veth p1"
ip -n "$gateway" link add br0 type bridge || fail "bridge"
for p in p0 p1; do
	ip -n "$gateway" link set "$p" master br0 up || fail "$p in br0"
done
ip -n "$gateway" link set br0 up
ip -n "$bclient" addr add 10.0.9.1/24 dev veth0 && ip -n "$bclient" link set veth0 up
ip -n "$bserver" addr add 10.0.9.2/24 dev veth0 && ip -n "$bserver" link set veth0 up
ip netns exec "$gateway" sysctl -qw net.bridge.bridge-nf-call-iptables=1 ||
	fail "bridge-nf-call-iptables"
gw_apply --approve-all "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"

# craft.py IFACE DSTMAC SRC4 DST4 SRC6 DST6 CASE...: the crafted frames out
# of IFACE, in order (a packet socket: nothing of the sender's stack in the way; plain
# python, as scapy takes a minute to import under TCG).
cat >"$tmp/craft.py" <<'PY'
import ipaddress, socket, struct, sys

iface, mac, src4, dst4, src6, dst6 = sys.argv[1:7]

def csum(b):
    b += b"\0" * (len(b) & 1)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff

def udp(sport, case, ulen=None):
    data = b"xx EVIL-%s xx" % case.encode()
    return struct.pack("!HHHH", sport, 7002, 8 + len(data) if ulen is None else ulen, 0) + data

def ip4(l4, opts=b""):
    hl = 20 + len(opts)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, 0, hl + len(l4), 1, 0, 64, 17, 0,
                    socket.inet_aton(src4), socket.inet_aton(dst4)) + opts
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4

def ip6(nh, rest, plen=None):
    return struct.pack("!IHBB16s16s", 6 << 28, len(rest) if plen is None else plen, nh, 64,
                       ipaddress.IPv6Address(src6).packed,
                       ipaddress.IPv6Address(dst6).packed) + rest

packets = {
    "ok4": (0x0800, ip4(udp(4000, "ok4"))),
    "udplen0-4": (0x0800, ip4(udp(4001, "udplen0-4", 0))),
    "udplen0-6": (0x86dd, ip6(17, udp(4002, "udplen0-6", 0))),
    # hop-by-hop: next header UDP, length 0, PadN of 4 bytes
    "plen0-hbh": (0x86dd, ip6(0, bytes([17, 0, 1, 4, 0, 0, 0, 0]) + udp(4003, "plen0-hbh"), 0)),
    # an option of type 0x44 (timestamp) whose length byte says 1
    "ipopt-bad": (0x0800, ip4(udp(4004, "ipopt-bad"), b"\x44\x01\x00\x00")),
}
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
for case in sys.argv[7:]:
    etype, pkt = packets[case]
    s.send(bytes.fromhex(mac.replace(":", "")) + s.getsockname()[4] +
           struct.pack("!H", etype) + pkt)
PY

# stats: "unparsed HITS-OF-EACH-CASE..." now.
stats() {
	gwctl stats | awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^unparsed=/) u = substr($i, 10) }
		NR > 1 { split($1, a, ":"); h[a[2]] = $3 }
		END { printf "%s", u; for (s = 4100; s <= 4104; s++) printf " %d", h[s]; print "" }'
}

# batch NS DSTMAC SRC4 DST4 WANT_OK4 CASE...: the cases then ok4 from NS;
# once ok4 (last) hit, each case must have hit nothing and counted as
# unparsed.
batch() {
	local ns=$1 mac=$2 src=$3 dst=$4 want=$5 b a i c

	shift 5
	read -r -a b <<<"$(stats)"
	ip netns exec "$ns" timeout 60 python3 "$tmp/craft.py" veth0 "$mac" "$src" "$dst" \
		"$client6" "$server6" "$@" ok4 || fail "send $*"
	busywait 10000 test "$(gw_hits 4100)" = "$want" || fail "the well-formed datagram after $* did not hit"
	read -r -a a <<<"$(stats)"
	for c; do
		for i in "${!cases[@]}"; do
			[ "${cases[i]}" = "$c" ] || continue
			[ "${a[i + 1]}" = "${b[i + 1]}" ] ||
				fail "$c: the drop rule hit: scanned, where the daemon does not inspect it"
		done
	done
	[ $((a[0] - b[0])) -eq $# ] || fail "$*: unparsed +$((a[0] - b[0])), want +$#"
	log "$*: not scanned, counted unparsed"
}

# Over IPv6 a Linux receiver takes both (a UDP length of 0 as a jumbogram's,
# a payload length of 0 with a hop-by-hop header left whole): scanned as it
# reads them, the drop rule hits, though the daemon does not inspect them.
scanned() {
	local ns=$1 mac=$2 b a i c

	shift 2
	read -r -a b <<<"$(stats)"
	ip netns exec "$ns" timeout 60 python3 "$tmp/craft.py" veth0 "$mac" "$client4" \
		"$server4" "$client6" "$server6" "$@" || fail "send $*"
	for c; do
		for i in "${!cases[@]}"; do
			[ "${cases[i]}" = "$c" ] || continue
			busywait 10000 test "$(gw_hits $((4100 + i)))" -gt "${b[i + 1]}" ||
				fail "$c: not scanned, where a Linux receiver takes it"
		done
	done
	read -r -a a <<<"$(stats)"
	[ "${a[0]}" = "${b[0]}" ] || fail "$*: counted unparsed"
	log "$*: scanned as a Linux receiver reads them"
}

gw_mac=$(ip netns exec "$gateway" cat /sys/class/net/veth0/address)
batch "$client" "$gw_mac" "$client4" "$server4" 1 udplen0-4
scanned "$client" "$gw_mac" udplen0-6 plen0-hbh
batch "$bclient" "$(ip netns exec "$bserver" cat /sys/class/net/veth0/address)" \
	10.0.9.1 10.0.9.2 2 ipopt-bad
exit "$ksft_pass"
