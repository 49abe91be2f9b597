#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The gateway side of nfipsctl push with nfips.ko loaded (Documentation/
# push.rst; the ssh side is selftests/unit/push.sh, where no module is):
# "nfipsctl gateway stage --install" applies the pushed policy to the
# kernel and to nfipsd (mode, rules: an approved drop rule drops), the
# health check reads the kernel (status --json: loaded, active, mode), a
# gateway whose kernel lost its policy is unhealthy, and the next push
# brings it back. push --block's gateway side: "nfipsctl gateway block"
# with its arguments on stdin blocks in the kernel (the client's traffic
# stops) and records who and why in the gateway's store; "unblock" ends
# it; a malformed request is refused and blocks nothing.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip socat timeout
require_nfipsctl

nfipsd=$repo/ctl/nfipsd/nfipsd
[ -x "$nfipsd" ] || fail "$nfipsd not built (make tools)"
tmp=$(mktemp -d)
dpid=
on_exit "[ -n \"\$dpid\" ] && kill \$dpid; rm -rf '$tmp'"
setup_topology
modprobe nfnetlink_queue 2>/dev/null

mkdir -p "$tmp/gw"
cat >"$tmp/gw/site.rules" <<'RULES'
drop tcp any any -> any 7001 (msg:"pushed drop"; content:"PUSHBLOCKQ"; sid:1501; rev:1;)
RULES
policy() { # policy SERIAL MODE
	cat <<-CONF
	# kernel push test
	serial = $1;
	customer = { id = "test"; name = "Kernel push test"; };
	sensor = { id = "gw"; };
	mode = "$2";
	rules = { files = [ "site.rules" ]; variables = { address_groups = { HOME_NET = "any"; }; }; };
	approvals = ( { sid = 1501; approved_by = "tester"; when = "2020-01-01"; } );
	CONF
}
policy 1 learn >"$tmp/gw/policy.conf"
cat >"$tmp/gw/nfipsd.conf" <<CONF
queues = { base = 10; count = 1; };
policy = "policy.conf";
log = { eve = "eve.json"; };
state = { path = "nfipsd.state"; interval = 1; pidfile = "nfipsd.pid"; };
store = { enabled = false; };
CONF
out=$(gwctl policy apply "$tmp/gw/policy.conf" 2>&1) || fail "policy apply: $out"
ip netns exec "$gateway" "$nfipsd" -c "$tmp/gw/nfipsd.conf" >"$tmp/daemon.log" 2>&1 &
dpid=$!
busywait 30000 grep -q ': running$' "$tmp/daemon.log" || fail "nfipsd: $(cat "$tmp/daemon.log")"
busywait 5000 test -s "$tmp/gw/nfipsd.pid" || fail "no pid file"

json() { gwctl status --json --config "$tmp/gw/nfipsd.conf"; }
out=$(json)
echo "$out" | grep -q '"healthy":true' &&
	echo "$out" | grep -q '"kernel":{"loaded":true,"module_version":"[^"]*","active":true,"mode":"learn"' ||
	fail "status --json before the push: $out"
log "status --json: the kernel read, learn mode, healthy"

# bundle SERIAL MODE: what push sends
bundle() {
	local p
	p=$(policy "$1" "$2")
	printf 'nfips-bundle 1\nfile p.conf %d\n%s\nfile site.rules %d\n' \
		"$(($(printf '%s' "$p" | wc -c) + 1))" "$p" "$(wc -c <"$tmp/gw/site.rules")"
	cat "$tmp/gw/site.rules"
	echo end
}
push() {
	bundle "$1" "$2" | ip netns exec "$gateway" "$nfipsctl" gateway \
		--config "$tmp/gw/nfipsd.conf" stage --install 2>&1
}

start_collectors "$tmp"
out=$(push 2 enforce)
echo "$out" | grep -q '^result=installed' || fail "push serial 2: $out"
gwctl status | grep -qx 'mode: enforce' || fail "the kernel is not in enforce mode"
grep -q '^policy_serial=2$' "$tmp/gw/nfipsd.state" || fail "nfipsd does not run serial 2"
send_tcp 4 "$server4" 7001 "xxPUSHBLOCKQxx"
send_tcp 4 "$server4" 7001 "marker-1"
received "$tmp/tcp4" "marker-1" || fail "traffic after the drop lost"
grep -q 'xxPUSHBLOCKQ' "$tmp/tcp4" && fail "the pushed approved drop rule did not drop"
log "pushed serial 2: the kernel enforces it (the approved rule drops), nfipsd runs it"

# A kernel without the policy: unhealthy, and install's confirmation says so.
gwctl flush >/dev/null || fail "flush"
out=$(json)
echo "$out" | grep -q '"healthy":false' && echo "$out" | grep -q 'kernel: no policy loaded' ||
	fail "status --json after a flush: $out"
log "a kernel that lost its policy is unhealthy"

out=$(push 3 enforce)
echo "$out" | grep -q '^result=installed' || fail "push serial 3: $out"
out=$(json)
echo "$out" | grep -q '"healthy":true' && echo "$out" | grep -q '"active":true,"mode":"enforce"' ||
	fail "status --json after serial 3: $out"
log "the next push applied it again: healthy"

# ---- push --block's gateway side ------------------------------------------
# The store the block is recorded in: the one the gateway's nfipsd.conf names.
sed 's/^store = .*/store = { path = "blocks.db"; };/' "$tmp/gw/nfipsd.conf" >"$tmp/gw/block.conf"
gwreq() { # REQUEST INPUT (printf %b): what push --block sends
	printf '%b' "$2" | ip netns exec "$gateway" "$nfipsctl" gateway \
		--config "$tmp/gw/block.conf" "$1" 2>&1
}
send_tcp 4 "$server4" 7001 "before-block"
received "$tmp/tcp4" "before-block" || fail "traffic before the pushed block lost"
out=$(gwreq block "addr=$client4\nfor=1h\nreason=incident 42: scanning our web servers\nby=suzuki\n") ||
	fail "gateway block: $out"
echo "$out" | grep -q '^result=blocked$' || fail "gateway block said: $out"
send_tcp 4 "$server4" 7001 "during-block"
sleep 1
grep -q 'during-block' "$tmp/tcp4" && fail "the pushed block let the client through"
out=$(gwctl block --list --store "$tmp/gw/blocks.db") || fail "block --list: $out"
echo "$out" | grep "$client4" | grep -q 'incident 42: scanning our web servers' &&
	echo "$out" | grep "$client4" | grep -q suzuki || fail "block --list: $out"
log "gateway block: in the kernel (the client's traffic stops), who and why in the store"

out=$(gwreq block "addr=$client6\nreason=x\nby=y\nevil=1\n")
[ $? -eq 2 ] && echo "$out" | grep -q 'bad input line' || fail "a bad block request: $out"
gwctl block --list --store "$tmp/gw/blocks.db" | grep -q "$client6" &&
	fail "a refused block request blocked"
out=$(gwreq block "addr=$client6\nreason=no by\n")
[ $? -eq 2 ] || fail "a block without by: $out"
log "gateway block: a malformed request is refused and blocks nothing"

out=$(gwreq unblock "addr=$client4\nreason=incident 42 closed\nby=suzuki\n") ||
	fail "gateway unblock: $out"
echo "$out" | grep -q '^result=unblocked$' || fail "gateway unblock said: $out"
send_tcp 4 "$server4" 7001 "after-unblock"
received "$tmp/tcp4" "after-unblock" || fail "traffic after the pushed unblock lost"
log "gateway unblock: the client's traffic flows again"
exit "$ksft_pass"
