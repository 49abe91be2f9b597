#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsctl push and fleet status against real gateways on this host
# (Documentation/push.rst): each gateway is a state directory with its
# own policy file, its own nfipsd (in a network namespace of its own, fed
# by no queue: the module is not loaded here) and its own sshd on
# 127.0.0.1 with its own host key, whose authorized_keys runs only
# "nfipsctl gateway --config GW/nfipsd.conf" (the forced command of the
# restricted account). The test's ssh client has its own key and
# known_hosts. Checked: a push to all (each gateway's HOME_NET from the
# inventory), a policy failing validation on one gateway (it stays on its
# old serial, the table says so), a canary whose nfipsd refuses the policy
# (rolled back, the rollout stops), a canary that dies while watched, the
# serial check and --rollback, a changed host key (refused), --dry-run,
# the forced command refusing anything else, inventory errors and fleet
# status. Prints TAP lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ctl=$top/ctl/nfipsctl/nfipsctl
nfipsd=$top/ctl/nfipsd/nfipsd
source "$here/tap.lib"

has() { # has PATTERN [TEXT]: a line of $out (or TEXT) matches the extended regex
	grep -qE -- "$1" <<<"${2-$out}" && return 0
	echo "# no /$1/ in:"; sed 's/^/#   /' <<<"${2-$out}"; return 1
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

[ -x "$ctl" ] && [ -x "$nfipsd" ] || { echo "Bail out! nfipsctl or nfipsd not built"; exit 1; }
command -v /usr/sbin/sshd >/dev/null || skip_all "no sshd (openssh-server: selftests/deps.sh)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (sshd switching users, nfipsd's queues)"
# The gateways apply to the kernel when nfips.ko is loaded: not this host's.
[ -d /sys/module/nfips ] && skip_all "nfips.ko is loaded on this host"

. "$here/push_gw.lib"
push_gw_init || { echo "Bail out! cannot make the ssh client key"; exit 1; }

for g in gw1 gw2 gw3; do mkgw $g || { echo "Bail out! cannot make $g"; exit 1; }; done
wait_up gw1 gw2 gw3
inventory() { # the inventory; $1: gw2's HOME_NET
	cat <<EOF
# test fleet
defaults host=127.0.0.1
gw1 port=$(cat "$w/gw/gw1/port") HOME_NET=[10.1.0.0/16]
gw2 port=$(cat "$w/gw/gw2/port") HOME_NET=${1:-[10.2.0.0/16]}
gw3 port=$(cat "$w/gw/gw3/port") HOME_NET="[10.3.0.0/16, 192.168.3.0/24]"
EOF
}
inventory >"$w/inv"
push=("$ctl" push -F "$w/ssh_config" --inventory "$w/inv")

# ---- a push to all -------------------------------------------------------
policy 2 >"$w/src/p.conf"
expect 0 "push: serial 2 to three gateways" -- "${push[@]}" "$w/src/p.conf"
has '^gw1 +1 +2 +installed' && has '^gw2 +1 +2 +installed' && has '^gw3 +1 +2 +installed'
ok $? "push: the table has old and new serial and the result of each gateway"
r=0
for g in gw1 gw2 gw3; do
	[ "$(gw_serial $g)" = 2 ] && [ "$(daemon_serial $g)" = 2 ] || { echo "# $g: file $(gw_serial $g) daemon $(daemon_serial $g)"; r=1; }
done
ok $r "push: every gateway's file and nfipsd run serial 2"
grep -q 'HOME_NET = "\[10.1.0.0/16\]"' "$w/gw/gw1/policy.conf" &&
	grep -q 'HOME_NET = "\[10.3.0.0/16, 192.168.3.0/24\]"' "$w/gw/gw3/policy.conf" &&
	grep -q "this comment must reach every gateway" "$w/gw/gw2/policy.conf"
ok $? "push: each gateway got its own HOME_NET, comments kept"

# ---- the serial check and --rollback -------------------------------------
expect 1 "push: the same serial again is refused" -- "${push[@]}" "$w/src/p.conf" gw1
has '^gw1 +2 +2 +refused' && has 'not newer than the running 2'
ok $? "push: the table says refused, and why"

# ---- a policy that fails validation on one gateway -----------------------
policy 3 >"$w/src/p.conf"
inventory '[10.2.0.0/33]' >"$w/inv.bad"
expect 1 "push: one gateway's HOME_NET is invalid: exit 1" -- \
	"$ctl" push -F "$w/ssh_config" --inventory "$w/inv.bad" "$w/src/p.conf"
has '^gw2 +2 +3 +invalid' && has '^gw1 +2 +3 +installed' && has 'HOME_NET'
ok $? "push: the table says gw2 failed its policy check there, the others installed"
[ "$(gw_serial gw2)" = 2 ] && [ "$(daemon_serial gw2)" = 2 ] && [ "$(gw_serial gw1)" = 3 ]
ok $? "push: gw2 still runs serial 2, gw1 runs 3"

# ---- a canary whose nfipsd refuses the policy ----------------------------
policy 4 >"$w/src/p.conf"
# gw3's daemon will refuse any policy (engines over a 1 KiB budget, read at reload)
sed -i 's/^store = /memory = { budget = "1K"; };\nstore = /' "$w/gw/gw3/nfipsd.conf"
expect 1 "push --canary 1: the canary fails: exit 1" -- \
	"${push[@]}" --canary 1 --wait 1 "$w/src/p.conf" gw3 gw1 gw2
has '^gw3 +3 +4 +rolled-back' && has '^gw1 +- +- +skipped' && has '^gw2 +- +- +skipped' &&
	has 'gw3: nfipsd refused the policy'
ok $? "push --canary: gw3 rolled back, the rollout stopped before gw1 and gw2"
[ "$(gw_serial gw3)" = 3 ] && [ "$(daemon_serial gw3)" = 3 ] && [ "$(gw_serial gw1)" = 3 ] &&
	[ "$(gw_serial gw2)" = 2 ]
ok $? "push --canary: gw3 back on serial 3 (file and nfipsd), gw1 and gw2 untouched"
sed -i '/^memory = /d' "$w/gw/gw3/nfipsd.conf"

# ---- a canary that dies while it is watched ------------------------------
# killed once it runs serial 4, while push watches it
( for i in $(seq 300); do [ "$(daemon_serial gw1)" = 4 ] && break; sleep 0.1; done
  sleep 1; kill "$(cat "$w/gw/gw1/nfipsd.pid")" ) &
killer=$!
expect 1 "push --canary 1 --wait 6: the canary's nfipsd dies while watched" -- \
	"${push[@]}" --canary 1 --wait 6 "$w/src/p.conf" gw1 gw2
has '^gw1 +3 +4 +rollback-failed' && has 'canary unhealthy: nfipsd not running' &&
	has '^gw2 +- +- +skipped'
ok $? "push --canary: the watch saw it, the rollout stopped"
[ "$(gw_serial gw1)" = 3 ] && [ "$(gw_serial gw2)" = 2 ]
ok $? "push --canary: gw1's files are back on serial 3 (its daemon is down), gw2 untouched"
wait $killer
while [ -e "$w/gw/gw1/nfipsd.pid" ]; do sleep 0.1; done	# stopped
unshare -n "$nfipsd" -c "$w/gw/gw1/nfipsd.conf" >>"$w/gw/gw1/nfipsd.log" 2>&1 &
pids+=($!)
wait_up gw1

# ---- all on 4, then --rollback to 3 --------------------------------------
expect 0 "push: serial 4 to all" -- "${push[@]}" --parallel 3 "$w/src/p.conf"
policy 3 >"$w/src/old.conf"
expect 1 "push: serial 3 without --rollback is refused" -- "${push[@]}" "$w/src/old.conf" gw2
[ "$(gw_serial gw2)" = 4 ]
ok $? "push: a refused older serial leaves serial 4"
expect 0 "push --rollback: serial 3 again" -- "${push[@]}" --rollback "$w/src/old.conf" gw2
has '^gw2 +4 +3 +installed' && [ "$(gw_serial gw2)" = 3 ] && [ "$(daemon_serial gw2)" = 3 ]
ok $? "push --rollback: gw2 runs serial 3"

# ---- --dry-run ------------------------------------------------------------
policy 5 >"$w/src/p.conf"
expect 0 "push --dry-run" -- "${push[@]}" --dry-run "$w/src/p.conf"
has '^gw1 +4 +5 +valid \(dry run\)' && [ "$(gw_serial gw1)" = 4 ] &&
	[ -z "$(ls "$w/gw/gw1/push/staging")" ]
ok $? "push --dry-run: checked on the gateway, nothing installed or left staged"

# ---- a changed host key ----------------------------------------------------
cp "$w/known_hosts" "$w/known_hosts.good"
ssh-keygen -q -t ed25519 -N '' -f "$w/otherkey"
sed -i "s|^\(\[127.0.0.1\]:$(cat "$w/gw/gw1/port")\) .*|\1 $(cut -d' ' -f1-2 "$w/otherkey.pub")|" \
	"$w/known_hosts"
expect 1 "push: gw1's host key changed: exit 1" -- "${push[@]}" "$w/src/p.conf" gw1 gw3
has '^gw1 +- +5 +unreachable' && has 'gw1: Host key verification failed' &&
	has '^gw3 +4 +5 +installed' && [ "$(gw_serial gw1)" = 4 ]
ok $? "push: gw1 refused on its host key (nothing sent), gw3 installed"
cp "$w/known_hosts.good" "$w/known_hosts"

# ---- the forced command --------------------------------------------------
gssh() { ssh -F "$w/ssh_config" -o BatchMode=yes -p "$(cat "$w/gw/$1/port")" 127.0.0.1 "${@:2}"; }
expect 2 "gateway: the forced command refuses a shell command" -- gssh gw1 id
has 'request refused'
ok $? "gateway: and says which requests it takes"
expect 2 "gateway: no --config from the request" -- gssh gw1 nfipsctl gateway stage --config /tmp/x
expect 1 "gateway: a staging name that is a path is refused" -- gssh gw1 install ../../etc
has 'bad staging name'
ok $? "gateway: and says so"

# What a push account sends cannot write outside the policy's files: a
# policy naming nfipsd.conf as a rule file, or a file outside the staging
# directory, is refused on the gateway before anything is read or written.
evil_bundle() { # evil_bundle RULEFILE-NAME-IN-POLICY
	local p
	p=$(policy 9 | sed "s|\"site.rules\"|\"$1\"|")
	printf 'nfips-bundle 1\nfile p.conf %d\n%s\nfile nfipsd.conf 10\n# nothing\nend\n' \
		"$(($(printf '%s' "$p" | wc -c) + 1))" "$p"
}
cp "$w/gw/gw3/nfipsd.conf" "$w/nfipsd.conf.before"
out=$(evil_bundle nfipsd.conf | gssh gw3 stage --install 2>&1)
has '^result=invalid' && has 'a pushed rule file must be named \*\.rules' &&
	cmp -s "$w/gw/gw3/nfipsd.conf" "$w/nfipsd.conf.before" && [ "$(gw_serial gw3)" = 5 ]
ok $? "gateway: a policy naming nfipsd.conf as a rule file is refused, nothing written"
# (the gateway's own site.rules, from the staging directory)
out=$(evil_bundle ../../../site.rules | gssh gw3 stage --install 2>&1)
has '^result=invalid' && has 'is not part of the push' && [ "$(gw_serial gw3)" = 5 ]
ok $? "gateway: a policy naming a file outside the push is refused"

# The shipped restricted account: the sudoers line parses, and its forced
# command is the one it allows.
if command -v visudo >/dev/null; then
	expect 0 "the shipped sudoers line parses (visudo -c)" -- visudo -cf "$top/Documentation/push/sudoers"
else
	ok 0 "the shipped sudoers line parses # SKIP no visudo (sudo: selftests/deps.sh)"
fi
grep -q '^nfips-push ALL=(root) NOPASSWD: /usr/sbin/nfipsctl gateway ""$' "$top/Documentation/push/sudoers" &&
	grep -q '^command="sudo -n /usr/sbin/nfipsctl gateway",restrict ' "$top/Documentation/push/authorized_keys"
ok $? "the shipped forced command runs exactly what the sudoers line allows"

# a staging directory left two days ago, one left now
mkdir -p "$w/gw/gw1/push/staging/old" "$w/gw/gw1/push/staging/new"
touch -d '2 days ago' "$w/gw/gw1/push/staging/old"
out=$(policy 9 | gssh gw1 stage --check-only 2>&1)
[ ! -e "$w/gw/gw1/push/staging/old" ] && [ -d "$w/gw/gw1/push/staging/new" ]
ok $? "gateway: a staging directory left two days ago is removed by the next stage, not a new one"

# ---- push --block ----------------------------------------------------------
# No nfips.ko here: each gateway refuses the block in its kernel, so none
# is recorded (the kernel first); selftests/kernel/push_gateway.sh blocks
# for real through the same gateway request.
blocks_of() { python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select count(*) from blocks").fetchone()[0])' \
	"$w/gw/$1/alerts.db"; }
expect 2 "push --block without --reason: nothing sent" -- "${push[@]}" --block 192.0.2.7 --by suzuki
has "--block needs --reason and --by"
ok $? "push --block: says what it needs"
expect 2 "push --block of a bad address: nothing sent" -- "${push[@]}" --block 192.0.2.300 \
	--reason x --by y
has "push: --block:"
ok $? "push --block: a bad address named"
expect 1 "push --block: no module on the gateways: exit 1" -- "${push[@]}" --block 192.0.2.7 \
	--for 1h --reason "incident 42: brute force" --by suzuki gw1 gw3
has '^GATEWAY +RESULT +TIME' && has '^gw1 +failed ' && has '^gw3 +failed ' &&
	has 'gw1: nfipsctl: the nfips kernel module is not loaded' && ! grep -q '^gw2 ' <<<"$out"
ok $? "push --block: a line per gateway named, each failure and why"
[ "$(blocks_of gw1)" = 0 ] && [ "$(blocks_of gw3)" = 0 ]
ok $? "push --block: a block the kernel refused is not recorded"
cp "$w/known_hosts" "$w/known_hosts.good"
sed -i "s|^\(\[127.0.0.1\]:$(cat "$w/gw/gw1/port")\) .*|\1 $(cut -d' ' -f1-2 "$w/otherkey.pub")|" \
	"$w/known_hosts"
expect 1 "push --unblock: gw1's host key changed" -- "${push[@]}" --unblock 192.0.2.7 \
	--by suzuki gw1
has '^gw1 +unreachable' && has 'gw1: Host key verification failed'
ok $? "push --unblock: refused on the host key"
cp "$w/known_hosts.good" "$w/known_hosts"
# The forced command takes block with its arguments on stdin, nothing else.
out=$(printf 'addr=192.0.2.7\nreason=x\nby=y\nevil=1\n' | gssh gw1 block 2>&1)
[ $? -eq 2 ] && has "block: bad input line 'evil=1'"
ok $? "gateway block: an unknown input line is refused"
expect 2 "gateway block: arguments in the request are refused" -- gssh gw1 block 192.0.2.7
has 'request refused'
ok $? "gateway block: and says which requests it takes"

# ---- inventory errors ----------------------------------------------------
printf 'gw1 port=99999\ngw2 colour=blue\ngw1 port=22\nbad/name\n' >"$w/inv.err"
expect 1 "inventory: errors are refused" -- "$ctl" fleet status -F "$w/ssh_config" "$w/inv.err"
has "inv.err:1: port '99999'" && has "inv.err:2: unknown key 'colour'" &&
	has "inv.err:3: gateway 'gw1' already listed on line 1" && has "inv.err:4: 'bad/name'"
ok $? "inventory: every error named FILE:LINE"

# ---- fleet status ----------------------------------------------------------
# an alert record in gw2's EVE log (a time in +09:00)
echo '{"timestamp":"2026-12-06T09:12:44.123456+0900","event_type":"alert","src_ip":"192.0.2.1"}' \
	>>"$w/gw/gw2/eve.json"
expect 0 "fleet status: all reachable and healthy" -- "$ctl" fleet status -F "$w/ssh_config" "$w/inv"
has '^gw1 +yes +[0-9.]+ +absent +4 +learn +up +no collector +never' && has '^gw3 +yes .* 5 +learn +up' &&
	has '^gw2 +yes .* +2026-12-06T00:12:44Z'
ok $? "fleet status: versions, serial, mode, daemon, backlog, last alert"
kill "$(cat "$w/gw/gw2/sshd.pid")"
kill "$(cat "$w/gw/gw3/nfipsd.pid")"
sleep 0.5
expect 1 "fleet status: one unreachable, one unhealthy: exit 1" -- \
	"$ctl" fleet status -F "$w/ssh_config" "$w/inv"
has '^gw2 +no ' && has '^gw3 +yes .* down' && has '^gw3: nfipsd not running' &&
	has '^gw2: .*Connection refused'
ok $? "fleet status: says which and why"

echo "1..$n"
exit $failed
