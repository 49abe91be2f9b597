#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfipsctl push --block / --unblock end to end (Documentation/push.rst,
# "Blocks"): a real sshd (openssh-server) in the gateway namespace on a
# management address of its own, with root's forced command "nfipsctl
# gateway --config GW/nfipsd.conf" and a test key, and nfipsctl push run
# from a SOC namespace over ssh. The block reaches the gateway's kernel
# (the client's traffic through the gateway stops, the SOC's still flows),
# who and why are in the gateway's store, push --unblock lets the client
# through again, and a gateway whose host key changed is refused and
# blocks nothing. The gateway side alone is push_gateway.sh; the ssh side
# with no module is selftests/unit/push.sh.
# An ssh session costs 10-20 s in a TCG guest on a loaded host:
# nfips-test-timeout: 300
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip socat timeout ssh ssh-keygen
[ -x /usr/sbin/sshd ] || skip "no sshd (openssh-server: selftests/deps.sh)"
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology
# The SOC's side: its own link to the gateway, whose management address
# 10.0.3.1 is where sshd listens (not an address the client's traffic uses).
readonly soc4=10.0.3.2 mgmt4=10.0.3.1
setup_ns soc
ip link add veth0 netns "$soc" type veth peer name veth2 netns "$gateway" ||
	fail "veth soc-gateway"
addr "$soc" veth0 "$soc4/24" fd6e:6669:7073:3::2/64
addr "$gateway" veth2 "$mgmt4/24" fd6e:6669:7073:3::1/64
ip -n "$soc" route add default via "$mgmt4"

# The gateway: its policy (learn mode: a block is an operator's decision,
# not a signature's) in the kernel, its nfipsd.conf naming the store.
mkdir -p "$tmp/gw"
cat >"$tmp/gw/site.rules" <<'RULES'
alert tcp any any -> any 7001 (msg:"push block test"; content:"NEVER-SEEN"; sid:1601; rev:1;)
RULES
cat >"$tmp/gw/policy.conf" <<'CONF'
serial = 1;
customer = { id = "test"; name = "Push block test"; };
sensor = { id = "gw1"; };
mode = "learn";
rules = { files = [ "site.rules" ]; variables = { address_groups = { HOME_NET = "any"; }; }; };
CONF
cat >"$tmp/gw/nfipsd.conf" <<'CONF'
queues = { base = 10; count = 1; };
policy = "policy.conf";
log = { eve = "eve.json"; };
state = { path = "nfipsd.state"; interval = 1; pidfile = "nfipsd.pid"; };
store = { path = "alerts.db"; };
CONF
out=$(gwctl policy apply "$tmp/gw/policy.conf" 2>&1) || fail "policy apply: $out"

# sshd in the gateway namespace, root's key restricted to the forced
# command (push.rst, "The restricted account": PermitRootLogin
# forced-commands-only), the test's own host key.
ssh-keygen -q -t ed25519 -N '' -C soc-engineer -f "$tmp/id" || fail "client key"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/hostkey" || fail "host key"
echo "command=\"$nfipsctl gateway --config $tmp/gw/nfipsd.conf\",restrict $(cat "$tmp/id.pub")" \
	>"$tmp/authorized_keys"
cat >"$tmp/sshd_config" <<CONF
ListenAddress $mgmt4
Port 22
HostKey $tmp/hostkey
PidFile $tmp/sshd.pid
AuthorizedKeysFile $tmp/authorized_keys
PermitRootLogin forced-commands-only
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
LogLevel ERROR
CONF
mkdir -p /run/sshd	# privilege separation directory (/run is the guest's tmpfs)
ip netns exec "$gateway" /usr/sbin/sshd -D -f "$tmp/sshd_config" -E "$tmp/sshd.log" &
on_exit "kill $!"
wait_local_port_listen "$gateway" 22 || fail "sshd did not listen: $(cat "$tmp/sshd.log")"

# The SOC engineer's side: key, ssh_config, known_hosts, inventory.
# KexAlgorithms: OpenSSH 9.2's default sntrup761x25519 key exchange costs
# some 10 s per session in the TCG guest (half of one push); the host key
# check under test is the same with either.
cat >"$tmp/ssh_config" <<CONF
Host *
	KexAlgorithms curve25519-sha256
	User root
	IdentityFile $tmp/id
	IdentitiesOnly yes
	UserKnownHostsFile $tmp/known_hosts
	GlobalKnownHostsFile /dev/null
	LogLevel ERROR
CONF
echo "$mgmt4 $(cut -d' ' -f1-2 "$tmp/hostkey.pub")" >"$tmp/known_hosts"
echo "gw1 host=$mgmt4" >"$tmp/inventory"
push() { # push ARGS...: nfipsctl push from the SOC namespace; $out, $rc
	out=$(ip netns exec "$soc" "$nfipsctl" push -F "$tmp/ssh_config" \
		--inventory "$tmp/inventory" --timeout 60 "$@" 2>&1)
	rc=$?
	log "$(echo "$out" | sed -n 2p | tr -s ' ')"	# the table's line: result, time
}

start_collectors "$tmp"
# from_soc DATA: a connection from the SOC namespace through the gateway.
from_soc() {
	printf '%s\n' "$1" | ip netns exec "$soc" timeout 3 \
		socat -u - "TCP4:$server4:7001" 2>/dev/null
}
send_tcp 4 "$server4" 7001 "before-block"
received "$tmp/tcp4" "before-block" || fail "the client's traffic lost before any block"

push --block "$client4" --for 1h --reason "incident 42: scanning our web servers" --by suzuki
[ "$rc" -eq 0 ] && echo "$out" | grep -qE '^gw1 +blocked ' || fail "push --block ($rc): $out"
# both at once: a blocked connection waits out its 3 s
send_tcp 4 "$server4" 7001 "during-block" &
from_soc "soc-during-block"
wait $!
received "$tmp/tcp4" "soc-during-block" || fail "the block stopped the SOC's traffic too"
grep -q 'during-block' <(grep -v soc- "$tmp/tcp4") && fail "the pushed block let the client through"
out=$(gwctl block --list --store "$tmp/gw/alerts.db" 2>&1) || fail "block --list: $out"
echo "$out" | grep "$client4" | grep 'incident 42: scanning our web servers' | grep -q suzuki ||
	fail "the kernel's block list with the store's who and why: $out"
log "push --block over ssh: the gateway's kernel drops the client, the SOC flows, who and why stored"

push --unblock "$client4" --reason "incident 42 closed" --by suzuki
[ "$rc" -eq 0 ] && echo "$out" | grep -qE '^gw1 +unblocked ' || fail "push --unblock ($rc): $out"
send_tcp 4 "$server4" 7001 "after-unblock"
received "$tmp/tcp4" "after-unblock" || fail "the client's traffic did not resume after push --unblock"
log "push --unblock over ssh: the client's traffic flows again"

# The gateway's host key changed (or someone answers in its place):
# refused before any request is sent, nothing blocked there.
ssh-keygen -q -t ed25519 -N '' -f "$tmp/otherkey" || fail "other key"
echo "$mgmt4 $(cut -d' ' -f1-2 "$tmp/otherkey.pub")" >"$tmp/known_hosts"
push --block "$client4" --for 1h --reason "incident 43" --by suzuki
[ "$rc" -eq 1 ] && echo "$out" | grep -qE '^gw1 +unreachable ' &&
	echo "$out" | grep -q 'Host key verification failed' ||
	fail "push --block to a changed host key ($rc): $out"
send_tcp 4 "$server4" 7001 "after-refused"
received "$tmp/tcp4" "after-refused" || fail "a gateway with a changed host key blocked the client"
log "a changed host key: refused, nothing blocked"
exit "$ksft_pass"
