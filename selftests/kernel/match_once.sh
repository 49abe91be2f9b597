#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A rule whose fast pattern fills the packet is decided once per packet:
# rules with address and port lists of 1024 entries each (the most a list
# may have), <> and ->, on UDP datagrams of up to 64 KiB holding their
# pattern thousands of times. A matching header hits exactly once per
# packet (one hit, one event; a drop rule drops it); a header that does
# not match never hits, however often the pattern occurs, in either
# direction; offset and depth still apply to each occurrence. Short
# patterns in a small window (depth) are anchored rules, looked for in
# their window instead of by the automaton (Documentation/matcher.rst):
# they decide as the automaton did (as on main, where they were in it),
# nocase, drop and the order of decisions included. The cost of
# such a packet is measured by selftests/bench/match-bench.sh.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat timeout python3
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

# list N LAST FMT: N-1 entries that match nothing here, then LAST.
list() {
	python3 -c 'import sys
n, last, fmt = int(sys.argv[1]), sys.argv[2], sys.argv[3]
print(",".join([fmt % (i // 256, i % 256, 2 * i + 1) for i in range(n - 1)] + [last]))' "$@"
}
src=$(list 1024 "$client4" '9.%d.%d.1%.0s')
dst=$(list 1024 "$server4" '9.%d.%d.3%.0s')
sports=$(list 1024 40000 '%.0s%.0s%d')
dports=$(list 1024 7002 '%.0s%.0s%d')
noports=$(list 1024 2049 '%.0s%.0s%d')
cat >"$tmp/rules" <<RULES
alert udp [$src] [$sports] -> [$dst] [$dports] (msg:"fwd"; content:"ab"; sid:3001;)
alert udp [$dst] [$dports] <> [$src] [$sports] (msg:"bidir"; content:"cd"; sid:3002;)
alert udp [$src] [$sports] <> [$dst] [$noports] (msg:"no port"; content:"ef"; sid:3003;)
drop udp [$src] [$sports] -> [$dst] [$dports] (msg:"drop"; content:"gh"; sid:3004;)
alert udp [$src] any -> [$dst] any (msg:"depth"; content:"ij"; offset:100; depth:2; sid:3005;)
drop udp [$src] any -> [$dst] any (msg:"anchored drop"; content:"|00 03|"; depth:3; sid:3006;)
alert udp [$src] any -> [$dst] any (msg:"anchored nocase"; content:"st"; nocase; depth:2; sid:3007;)
alert udp [$src] any -> [$dst] [$noports] (msg:"anchored, other port"; content:"|00 03|"; depth:2; sid:3008;)
RULES
gw_apply --approve-all "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"
gwctl config --event-rate 0 || fail "config --event-rate 0"
start_collectors "$tmp"

# dgram PATTERN BYTES TAG [PREFIX]: one datagram of BYTES from port 40000:
# TAG padded to 16 bytes (the collector keeps the first 8 KiB), PREFIX,
# then PATTERN repeated.
dgram() {
	ip netns exec "$client" python3 -c 'import socket, sys
p, n, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
pre = sys.argv[5] if len(sys.argv) > 5 else ""
d = (tag.ljust(16, ".") + pre + p * (n // len(p)))[:n - 1] + "\n"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 40000))
s.sendto(d.encode(), (sys.argv[4], 7002))' "$1" "$2" "$3" "$server4" "${4:-}"
}

ip netns exec "$gateway" "$nfipsctl" events --count 100 --timeout 600 \
	>"$tmp/events" 2>"$tmp/events.err" &
listener=$!
busywait 5000 grep -q '^# listening' "$tmp/events.err" || fail "events listener did not start"

dgram ab 65000 fwd-64k
dgram ab 1400 fwd-small
received "$tmp/udp4" fwd-small || fail "alerted datagrams not delivered"
grep -q fwd-64k "$tmp/udp4" || fail "64 KiB alerted datagram not delivered"
[ "$(gw_hits 3001)" = 2 ] || fail "sid 3001: $(gw_hits 3001) hits for 2 datagrams, want 2"
log "-> rule, 32,500 occurrences in a datagram: one hit per datagram"

dgram cd 65000 bidir-64k
received "$tmp/udp4" bidir-64k || fail "bidir datagram not delivered"
[ "$(gw_hits 3002)" = 1 ] || fail "sid 3002 (<>): $(gw_hits 3002) hits, want 1"
log "<> rule matching the other way round: one hit"

dgram ef 65000 noport-64k
received "$tmp/udp4" noport-64k || fail "datagram of a non-matching rule not delivered"
[ "$(gw_hits 3003)" = 0 ] || fail "sid 3003 (port not in its list): $(gw_hits 3003) hits, want 0"
log "a header that does not match: no hit"

dgram gh 65000 drop-64k
dgram zz 100 after-drop
received "$tmp/udp4" after-drop || fail "datagram after the drop not delivered"
grep -q drop-64k "$tmp/udp4" && fail "64 KiB datagram of the drop rule delivered"
[ "$(gw_hits 3004)" = 1 ] || fail "sid 3004: $(gw_hits 3004) hits, want 1"
log "drop rule: the datagram dropped, one hit"

# offset:100; depth:2 with "ij" at every even offset: the one at 100 fits;
# shifted to odd offsets, none does.
dgram ij 4000 depth-ok
received "$tmp/udp4" depth-ok || fail "depth datagram not delivered"
[ "$(gw_hits 3005)" = 1 ] || fail "sid 3005: $(gw_hits 3005) hits, want 1"
dgram ij 2000 depth-odd i
received "$tmp/udp4" depth-odd || fail "odd depth datagram not delivered"
[ "$(gw_hits 3005)" = 1 ] || fail "sid 3005: hit with no occurrence at offset 100"
log "offset and depth still apply to each occurrence"

# raw HEX:TAG...: one datagram per argument, of the bytes HEX then TAG,
# all from one process (a python start costs seconds under TCG).
raw() {
	ip netns exec "$client" python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 40000))
for a in sys.argv[2:]:
	h, t = a.split(":")
	s.sendto(bytes.fromhex(h) + t.encode() + b"\n", (sys.argv[1], 7002))' \
		"$server4" "$@"
}
# |00 03| within the first 3 bytes drops (at 0 and at 1); at 3 it is
# outside the window however often it occurs, and at 2 it crosses its end.
# "st" nocase within 2 bytes: "ST" and "sT" hit, " ST" does not.
raw 0003:anchored-0 410003:anchored-1 \
	414243$(printf '0003%.0s' $(seq 200)):anchored-out 41420003:anchored-edge \
	5354:-upper 7354:-mixed 2053:T-shifted
received "$tmp/udp4" T-shifted || fail "anchored datagrams not delivered"
for t in anchored-out anchored-edge ST-upper sT-mixed; do
	grep -q -- "$t" "$tmp/udp4" || fail "'$t' not delivered"
done
grep -q anchored-0 "$tmp/udp4" && fail "|00 03| at offset 0 (depth 3) delivered"
grep -q anchored-1 "$tmp/udp4" && fail "|00 03| at offset 1 (depth 3) delivered"
[ "$(gw_hits 3006)" = 2 ] || fail "sid 3006: $(gw_hits 3006) hits, want 2"
[ "$(gw_hits 3008)" = 0 ] || fail "sid 3008 (port not in its list): $(gw_hits 3008) hits"
[ "$(gw_hits 3007)" = 2 ] || fail "sid 3007 (st, nocase, depth 2): $(gw_hits 3007) hits, want 2"
log "anchored short patterns: window, nocase, drop and header as in the automaton"

kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
for sid in 3001:2 3002:1 3003:0 3004:1 3005:1 3006:2 3007:2 3008:0; do
	n=$(grep -c " sid=${sid%:*} " "$tmp/events")
	[ "$n" = "${sid#*:}" ] || fail "sid ${sid%:*}: $n events, want ${sid#*:}"
done
log "one event per hit"

# Anchored rules decide as the automaton would have (they were in it):
# - nocase folds ASCII letters only, as the automaton and Suricata do: |c9|
#   nocase does not match |e9| (Latin-1 'E' acute and 'e' acute);
# - decisions go by where each match ends, whichever finds it: an
#   automaton drop ending before an anchored reject decides; an alert
#   ending before an anchored drop is kept; at the same end, the
#   automaton's order (case-sensitive patterns first, then the longer).
cat >"$tmp/rules2" <<'RULES'
drop udp any any -> any any (msg:"latin1 nocase"; content:"|c9|"; nocase; depth:1; sid:3101;)
drop udp any any -> any any (msg:"ascii and latin1 nocase"; content:"Q|c9|"; nocase; depth:2; sid:3102;)
reject udp any any -> any any (msg:"anchored reject"; content:"|00 03|"; offset:20; depth:4; sid:3103;)
drop udp any any -> any any (msg:"automaton drop"; content:"evilpattern"; sid:3104;)
alert udp any any -> any any (msg:"automaton alert"; content:"alertpattern"; sid:3105;)
drop udp any any -> any any (msg:"anchored drop"; content:"|00 04|"; offset:20; depth:4; sid:3106;)
drop udp any any -> any any (msg:"automaton, same end, longer"; content:"zz|00 05|"; sid:3107;)
drop udp any any -> any any (msg:"anchored, same end, shorter"; content:"|00 05|"; depth:4; sid:3108;)
drop udp any any -> any any (msg:"anchored, same end, case"; content:"|00 06|"; depth:4; sid:3109;)
drop udp any any -> any any (msg:"automaton, same end, nocase"; content:"yy|00 06|"; nocase; sid:3110;)
RULES
gw_apply --approve-all "$tmp/rules2"
# One stats call per snapshot (an nfipsctl start costs under TCG): its
# counters (first line) and the rules' hits.
snap() { stats=$(gwctl stats) || fail "nfipsctl stats"; }
counter() { head -n 1 <<<"$stats" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
hits() { awk -v s="$1" 'NR > 1 { split($1, a, ":"); if (a[2] == s) print $3 }' <<<"$stats"; }
snap
drops=$(counter drops)
rejects=$(counter rejects)
hex() { printf %s "$1" | od -An -tx1 | tr -d ' \n'; }
raw c9:lat-exact e9:lat-folded 71c9:ascii-exact 71e9:ascii-folded \
	"$(hex evilpattern.........)0003:order-drop" \
	"$(hex alertpattern........)0004:order-alert" \
	"$(hex zz)0005:tie-longer" "$(hex yy)0006:tie-case" 414243:order-end
received "$tmp/udp4" order-end || fail "datagrams after the anchored ones not delivered"
for t in lat-folded ascii-folded; do
	grep -q -- "$t" "$tmp/udp4" || fail "'$t' not delivered: nocase folded a Latin-1 byte"
done
for t in lat-exact ascii-exact order-drop order-alert tie-longer tie-case; do
	grep -q -- "$t" "$tmp/udp4" && fail "'$t' delivered"
done
snap
for sid in 3101:1 3102:1 3103:0 3104:1 3105:1 3106:1 3107:1 3108:0 3109:1 3110:0; do
	n=$(hits "${sid%:*}")
	[ "$n" = "${sid#*:}" ] || fail "sid ${sid%:*}: $n hits, want ${sid#*:}"
done
[ $(($(counter rejects) - rejects)) = 0 ] || fail "an anchored reject ending after a drop rejected"
[ $(($(counter drops) - drops)) = 6 ] || fail "$(($(counter drops) - drops)) drops, want 6"
log "anchored rules: ASCII nocase, decided in the order the matches end"
exit "$ksft_pass"
