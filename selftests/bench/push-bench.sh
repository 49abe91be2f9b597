#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsctl push to many gateways on loopback (issue 15's target: 50
# gateways with --parallel 10 in under 30 s). Each gateway is what
# selftests/unit/push.sh uses: its own sshd, host key, nfipsd and policy
# (selftests/unit/push_gw.lib). Timed: the whole push, stage, check,
# install, nfipsd's reload and the health check on every gateway, and
# the table. Needs root. Usage: push-bench.sh [GATEWAYS] [PARALLEL]
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ctl=$top/ctl/nfipsctl/nfipsctl
nfipsd=$top/ctl/nfipsd/nfipsd
N=${1:-50}
PAR=${2:-10}

[ "$(id -u)" -eq 0 ] || { echo "push-bench: needs root (sshd, nfipsd)" >&2; exit 1; }
[ -d /sys/module/nfips ] && { echo "push-bench: nfips.ko is loaded here: not on this host" >&2; exit 1; }
. "$top/selftests/unit/push_gw.lib"
push_gw_init || exit 1
for i in $(seq "$N"); do
	mkgw "gw$i" || { echo "push-bench: cannot make gw$i" >&2; exit 1; }
done
for i in $(seq "$N"); do
	wait_up "gw$i"
	echo "gw$i host=127.0.0.1 port=$(cat "$w/gw/gw$i/port") HOME_NET=[10.$((i % 256)).0.0/16]"
done >"$w/inv"
policy 2 >"$w/src/p.conf"
load=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s.%N)
"$ctl" push -F "$w/ssh_config" --inventory "$w/inv" --parallel "$PAR" "$w/src/p.conf" >"$w/out" 2>&1
rc=$?
end=$(date +%s.%N)
installed=$(grep -cE '^gw[0-9]+ +1 +2 +installed' "$w/out")
[ "$rc" -eq 0 ] && [ "$installed" -eq "$N" ] || { cat "$w/out"; echo "push-bench: push failed" >&2; exit 1; }
printf 'push: %d gateways, --parallel %d: %.1f s (all installed; load average before: %s; %d cores)\n' \
	"$N" "$PAR" "$(echo "$end - $start" | bc)" "$load" "$(nproc)"
