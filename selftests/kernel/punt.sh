#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A slow-path rule (one the kernel cannot decide: pcre) punts the packets
# its fast pattern hits to the configured NFQUEUE. With no daemon on the
# queue, fail-open (the default) passes them and fail-closed drops them;
# packets without the pattern are never queued.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat timeout modprobe
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology
# With nfnetlink_queue loaded the queue exists but has no listener.
modprobe nfnetlink_queue 2>/dev/null

cat >"$tmp/rules" <<'RULES'
alert udp any any -> any 7002 (msg:"slow"; content:"SLOWPATH"; pcre:"/SLOWPATH\d+/"; sid:6001;)
RULES
out=$(gwctl policy apply "$tmp/rules") || fail "apply: $out"
echo "$out" | grep -q 'punt=1' || fail "rule not sent as punt: $out"
gwctl config --queue 3 || fail "config --queue"
gwctl mode enforce >/dev/null
start_collectors "$tmp"

send_udp 4 "$server4" 7002 "SLOWPATH1-open"
send_udp 4 "$server4" 7002 "benign-open"
received "$tmp/udp4" "SLOWPATH1-open" || fail "fail-open dropped a punted packet"
received "$tmp/udp4" "benign-open" || fail "benign packet lost"
[ "$(gw_counter punts)" = 1 ] || fail "punts $(gw_counter punts), want 1"
log "fail-open: punted packet passed with no daemon"

gwctl config --fail-closed || fail "config --fail-closed"
gwctl status | grep -qx 'fail: closed' || fail "status does not show fail: closed"
send_udp 6 "$server6" 7002 "SLOWPATH2-closed"
send_udp 6 "$server6" 7002 "benign-closed"
received "$tmp/udp6" "benign-closed" || fail "benign packet lost when fail-closed"
grep -q SLOWPATH2 "$tmp/udp6" && fail "fail-closed passed a punted packet"
[ "$(gw_counter punts)" = 2 ] || fail "punts $(gw_counter punts), want 2"
log "fail-closed: punted packet dropped, the rest passes"
exit "$ksft_pass"
