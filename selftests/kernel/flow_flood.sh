#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Evasion (c): spoofed SYNs flooding the flow table must not evict a live
# connection's entry and with it the state that finds a pattern split over
# its segments. A new flow may only take an empty entry or one without an
# established connection (handshake not completed, closed, or idle 60 s).
# The table is made small (max_flows=256) so that a few thousand SYNs do
# what ~32k do to the default table.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat python3 timeout rmmod insmod
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
on_exit "lsmod | grep -q '^nfips ' && rmmod nfips; insmod '$nfips_ko'"
rmmod nfips || fail "rmmod"
insmod "$nfips_ko" max_flows=256 || fail "insmod max_flows=256"
setup_topology

cat >"$tmp/rules" <<'RULES'
drop tcp any any -> any 7001 (msg:"split attack"; content:"SPLIT-ATTACK-42"; sid:2001; rev:1;)
RULES
gw_apply --approve-all "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"
gwctl status | grep -qx 'flow table: 256 flows' || fail "$(gwctl status | grep 'flow table')"
start_collectors "$tmp"

segsend 4 41401 "head:SPLIT-" "?$tmp/flooded" "ATTACK-42:tail" &
sender=$!
# The sender starts in the background: python takes its time under TCG.
busywait 30000 grep -qF "head:SPLIT-" "$tmp/tcp4" || fail "first segment lost"
# 3000 SYNs from spoofed client-side addresses; the server answers, the
# gateway finds nobody to deliver the answers to.
flows=$(gw_counter flows)
ip netns exec "$client" python3 -c '
import random, socket, struct, sys
dst = socket.inet_aton(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
def csum(b):
    n = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    n = (n >> 16) + (n & 0xffff)
    return ~(n + (n >> 16)) & 0xffff
for i in range(3000):
    src = socket.inet_aton("10.0.1.%d" % random.randint(3, 254))
    tcp = struct.pack("!HHIIBBHHH", random.randint(1024, 65535), 7001,
                      random.getrandbits(32), 0, 5 << 4, 0x02, 64240, 0, 0)
    c = csum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, i & 0xffff, 0, 64, 6, 0, src, dst)
    s.sendto(ip + tcp, (sys.argv[1], 0))
' "$server4" || fail "SYN flood"
log "flood: $(($(gw_counter flows) - flows)) flow entries made, $(gw_counter flows_evicted) evicted"
touch "$tmp/flooded"
wait "$sender"
sleep 0.5
grep -q "ATTACK-42" "$tmp/tcp4" && fail "the SYN flood evicted the live flow: the split pattern passed"
[ "$(gw_counter flows)" -gt $((flows + 1000)) ] || fail "the flood made few entries: $(gw_counter flows)"
log "a live connection kept its entry through 3000 spoofed SYNs"
exit "$ksft_pass"
