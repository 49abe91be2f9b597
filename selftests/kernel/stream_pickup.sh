#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Conntrack losing a connection and picking it up mid-stream (its entry
# timed out; nf_conntrack_tcp_loose) makes a new conntrack entry for the
# same connection: the flow's entry, its verdict and its stream state go
# on. It used to start afresh, so a pattern split around the pickup
# passed (and a daemon's drop verdict was forgotten).
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat python3 timeout
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

cat >"$tmp/rules" <<'RULES'
drop tcp any any -> any 7001 (msg:"split attack"; content:"SPLIT-ATTACK-42"; sid:2001; rev:1;)
RULES
gw_apply --approve-all "$tmp/rules"
gwctl mode enforce >/dev/null || fail "mode enforce"
start_collectors "$tmp"
# Established entries expire after 2 s; the flow's next segment after 3 s
# is picked up by a new conntrack entry.
ip netns exec "$gateway" sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=2 ||
	fail "conntrack timeout"
ip netns exec "$gateway" sysctl -qw net.netfilter.nf_conntrack_tcp_loose=1

hits=$(gw_hits 2001)
segsend 4 41501 "head:SPLIT-" "?$tmp/go" "ATTACK-42:tail" &
pid=$!
# The sender starts in the background: its python3 and handshake count
# too, which take seconds in the debug kernel under load (3 s was not
# enough there); the timing that matters is the 3 s pause below.
received "$tmp/tcp4" "head:SPLIT-" 30000 || fail "first half lost"
sleep 3
touch "$tmp/go"
wait "$pid"
sleep 0.5
grep -q "ATTACK-42" "$tmp/tcp4" &&
	fail "a conntrack pickup mid-stream restarted the flow: the split pattern passed"
[ "$(gw_hits 2001)" -gt "$hits" ] || fail "no hit on the split pattern"
log "a conntrack pickup mid-stream keeps the flow's stream"
exit "$ksft_pass"
