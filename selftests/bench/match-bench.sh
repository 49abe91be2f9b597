#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The cost of a packet full of a rule's fast pattern, in the QEMU test
# guest:  selftests/kernel/run.sh --script selftests/bench/match-bench.sh
# (NFIPS_KO=... to measure another build of the module).
#
# 64 KiB UDP datagrams (65,000 bytes: defragmented by the gateway into one
# packet for nfips) go from the client through the gateway to an echo in
# the server, one at a time; the client times each round trip. The
# gateway's policy has one rule with four lists of 1,024 entries, <>,
# whose header matches the packet in everything but the last port list
# (the costliest header there is), and the fast pattern "ab":
#
#   miss      the datagram is "ab" repeated: 32,500 occurrences
#   nopat     the same size without the pattern: the cost of the rest
#
# Prints one line per case: case=NAME ms=MEDIAN (of KBENCH_ROUNDS, default
# 5) and, last, excess_ms=X: miss minus nopat, the cost of the occurrences.
set -u
source "$(dirname "$0")/../kernel/lib.sh"

require_guest
require_cmd ip python3
require_nfipsctl

rounds=${KBENCH_ROUNDS:-5}
tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

list() {
	python3 -c 'import sys
n, last, fmt = int(sys.argv[1]), sys.argv[2], sys.argv[3]
print(",".join([fmt % (i // 256, i % 256, 2 * i + 1) for i in range(n - 1)] + [last]))' "$@"
}
src=$(list 1024 "$client4" '9.%d.%d.1%.0s')
dst=$(list 1024 "$server4" '9.%d.%d.3%.0s')
sports=$(list 1024 40000 '%.0s%.0s%d')
noports=$(list 1024 2049 '%.0s%.0s%d')
echo "alert udp [$src] [$sports] <> [$dst] [$noports] (msg:\"costly header\"; content:\"ab\"; sid:1;)" \
	>"$tmp/rules"
gw_apply "$tmp/rules"

ip netns exec "$server" python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7005))
while True:
    d, a = s.recvfrom(65536)
    s.sendto(b"k", a)' &
wait_local_port_listen "$server" 7005 udp || fail "echo server"

# rtt PATTERN: the median round trip of $rounds datagrams, in ms.
rtt() {
	ip netns exec "$client" python3 -c 'import socket, statistics, sys, time
p, n = sys.argv[1].encode(), int(sys.argv[2])
d = (p * 32500)[:65000]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 40000))
s.settimeout(600)
t = []
for i in range(n + 1):
    t0 = time.monotonic()
    s.sendto(d, (sys.argv[3], 7005))
    s.recvfrom(16)
    if i:
        t.append((time.monotonic() - t0) * 1000)
print("%.2f" % statistics.median(t))' "$1" "$rounds" "$server4"
}

miss=$(rtt ab) || fail "miss: no echo"
nopat=$(rtt zz) || fail "nopat: no echo"
hits=$(gw_hits 1)
[ "$hits" = 0 ] || fail "the rule hit $hits times: its header must not match"
echo "case=miss ms=$miss"
echo "case=nopat ms=$nopat"
echo "excess_ms=$(python3 -c "print('%.2f' % ($miss - $nopat))")"
