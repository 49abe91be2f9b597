#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's prefilter (Documentation/matcher.rst, "In the kernel"):
# nfips.ko times each one the CPU has when it loads and keeps the fastest
# of those whose matches equal the scalar code's (the scalar one under
# QEMU TCG); the prefilter parameter overrides it.
# Every prefilter must drop the same datagrams: with each in turn,
# datagrams of 600 B to 64 KiB (the largest reassembled from IP fragments,
# so scanned fragment by fragment) carry a pattern at the start of the
# payload, across the 64-byte blocks the vector code decides at once, in
# the middle and in the last bytes (where the filter cannot see a whole
# window), case-sensitive and nocase; the same datagrams with the pattern
# broken pass.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip socat python3
require_nfipsctl

param=/sys/module/nfips/parameters/prefilter
[ -w "$param" ] || fail "no writable $param"
load=$(dmesg | grep -o 'nfips: prefilter .*')
echo "$load" | grep -Eq '^nfips: prefilter scalar: [1-9][0-9]* ns per 16 KiB$' ||
	fail "no scalar timing at load: '$load'"
echo "$load" | grep -q 'found other matches' && fail "a prefilter found other matches: $load"
chosen=$(echo "$load" | grep -Eo '^nfips: prefilter (scalar|sse2|avx2)$' | tail -n 1)
[ -n "$chosen" ] || fail "no prefilter chosen at load: '$load'"
[ "$(cat "$param")" = -1 ] || fail "prefilter parameter $(cat "$param"), want -1 (measured)"
log "at load: $(echo "$load" | sed 's/^nfips: //' | tr '\n' ';')"

tmp=$(mktemp -d)
on_exit "echo -1 >$param; rm -rf '$tmp'"
setup_topology
cat >"$tmp/rules" <<'RULES'
drop udp any any -> any 7002 (msg:"needle"; content:"#needle!"; sid:4001;)
drop udp any any -> any 7002 (msg:"nocase"; content:"zebra#crossing"; nocase; sid:4002;)
RULES
gw_apply --approve-all "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"
start_collectors "$tmp"

# round TAG: every size, position and kind from one process (a python
# start costs seconds under TCG), then a last datagram TAG-end.
round() {
	ip netns exec "$client" python3 -c 'import random, socket, sys, time
dst, tag = sys.argv[1], sys.argv[2]
rnd = random.Random(7)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
needles = {"hit": b"#needle!", "nocase": b"zEBRA#cROSSING",
           "miss": b"#needle?", "nomiss": b"zEBRA#cROSSIN_"}
abc = b"abcdefghijklmnopqrstuvwxyz0123456789"
to_abc = bytes(abc[i % len(abc)] for i in range(256))
for n in (600, 1400, 8000, 65000):
    fill = rnd.randbytes(n).translate(to_abc)
    for pos in (24, 60, n // 2 - 3, n - 16):
        for kind, nd in needles.items():
            pos = min(pos, n - 1 - len(nd))
            t = ("%s-%d-%d-%s" % (tag, n, pos, kind)).encode().ljust(24, b".")
            d = (t + fill)[:pos] + nd + fill[pos + len(nd):]
            s.sendto(d[:n - 1] + b"\n", (dst, 7002))
            time.sleep(0.02 if n > 8000 else 0.002)   # the collector keeps up
s.sendto((tag + "-end\n").encode(), (dst, 7002))' "$server4" "$1"
}

dropped=0
for p in 0 1 2; do
	echo "$p" >"$param" || fail "cannot set prefilter $p"
	round "p$p"
	received "$tmp/udp4" "p$p-end" 20000 || {
		grep -ao "p$p-[0-9a-z-]*\." "$tmp/udp4" | head -n 40 >&2
		gwctl stats >&2
		fail "prefilter $p: last datagram not delivered"
	}
	for kind in hit nocase; do
		n=$(grep -ao "p$p-[0-9]*-[0-9]*-$kind\." "$tmp/udp4" | wc -l)
		[ "$n" = 0 ] || fail "prefilter $p: $n '$kind' datagrams delivered, want 0"
	done
	for kind in miss nomiss; do
		n=$(grep -ao "p$p-[0-9]*-[0-9]*-$kind\." "$tmp/udp4" | wc -l)
		[ "$n" = 16 ] || fail "prefilter $p: $n of 16 '$kind' datagrams delivered"
	done
	dropped=$((dropped + 32))
	hits=$(($(gw_hits 4001) + $(gw_hits 4002)))
	[ "$hits" = "$dropped" ] || fail "prefilter $p: $hits hits in all, want $dropped"
	log "prefilter $p: 32 datagrams dropped, 32 passed"
done
