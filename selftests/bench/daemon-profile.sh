#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where nfipsd's time goes on the gateway benchmark's HTTP mix (issue 16),
# run in the QEMU test guest:
#
#   selftests/kernel/run.sh --script selftests/bench/daemon-profile.sh
#
# The configuration is kernel-bench.sh's nfipsd-et: the selftests'
# topology, every loadable ET Open rule in nfips.ko and in nfipsd (queue
# 0), nginx in the server serving gateway-tools.py's web root, wrk with
# http-mix.lua in the client (one request per connection). While wrk runs
# (PROFILE_SECONDS, default 8), perf samples the CPU clock twice over:
# nfipsd alone (user and kernel time of its threads, call graphs) and the
# whole guest (-a: the forwarding, the queue, nginx and wrk too). Prints
# the requests per second, perf report's top symbols of both, the samples
# by command, and nfipsd's callers of its top symbols, as "# " lines.
#
# Inputs as kernel-bench.sh: PROFILE_ET (default the shared ET Open
# snapshot next to the work tree), PROFILE_NFIPSD (another build of
# nfipsd, a path the guest sees). PROFILE_BASE=PATH, another nfipsd build
# (the one before a change): both are measured first, alternating over
# PROFILE_ROUNDS rounds (default 2) between two measures of plain
# forwarding (no policy, no queue), each its requests per second and ratio
# to the better plain figure, "# round=R config=plain|base|nfipsd rps=X".
# The guest does not inherit the host's environment: these are read from
# selftests/bench/out/profile.env (NAME=VALUE lines) when it exists.
set -u
source "$(dirname "$0")/../kernel/lib.sh"

require_guest
require_nfipsctl
require_cmd perf wrk nginx curl python3

bench=$repo/selftests/bench
# shellcheck source=/dev/null
[ ! -r "$bench/out/profile.env" ] || source "$bench/out/profile.env"
readonly secs=${PROFILE_SECONDS:-8}
readonly et_dir=${PROFILE_ET:-$repo/../shared/data/et-open}
readonly nfipsd=${PROFILE_NFIPSD:-$repo/ctl/nfipsd/nfipsd}
readonly base=${PROFILE_BASE:-} rounds=${PROFILE_ROUNDS:-2}
readonly classes=$repo/policies/classification.config
readonly home_net="[10.0.2.0/24,fd6e:6669:7073:2::/64]"
[ -x "$nfipsd" ] || fail "$nfipsd not built"
[ -z "$base" ] || [ -x "$base" ] || fail "$base: no such nfipsd (PROFILE_BASE)"

tmp=$(mktemp -d)
chmod 755 "$tmp"
on_exit "rm -rf '$tmp'"

# The loadable ET rules, as kernel-bench.sh's et_loadable.
files=("$et_dir"/*.rules)
[ -r "${files[0]}" ] || fail "no ET Open rules in $et_dir (PROFILE_ET)"
"$nfipsctl" rules check --list --classification "$classes" --var "HOME_NET=$home_net" \
	"${files[@]}" >"$tmp/et-list" 2>&1 || fail "rules check: $(tail -n 3 "$tmp/et-list")"
awk '$1 == "kernel" || $1 == "slow" {
		loc = $3; sub(/:$/, "", loc); n = split(loc, a, ":")
		f = substr(loc, 1, length(loc) - length(a[n]) - 1); print f "\t" a[n] }' \
	"$tmp/et-list" >"$tmp/et-loc"
awk -F'\t' 'NR == FNR { want[$1 "\t" $2] = 1; next }
	(FILENAME "\t" FNR) in want' "$tmp/et-loc" "${files[@]}" >"$tmp/et.rules"
echo "# ET Open: $(wc -l <"$tmp/et.rules") loadable rules"

setup_topology

# nginx and the web root, as kernel-bench.sh's start_nginx.
mkdir -p "$tmp/www" "$tmp/nginx"
# (it writes $tmp/www.list too: the order of the requests)
python3 "$bench/gateway-tools.py" www "$tmp/www" --seed 1 >/dev/null
cat >"$tmp/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
	default_type application/octet-stream;
	access_log off;
	sendfile on;
	client_body_temp_path $tmp/nginx;
	proxy_temp_path $tmp/nginx;
	fastcgi_temp_path $tmp/nginx;
	uwsgi_temp_path $tmp/nginx;
	scgi_temp_path $tmp/nginx;
	server {
		listen $server4:80 backlog=4096;
		root $tmp/www;
	}
}
EOF
ip netns exec "$server" nginx -c "$tmp/nginx.conf" || fail "nginx did not start"
on_exit "ip netns exec '$server' nginx -c '$tmp/nginx.conf' -s stop"
wait_local_port_listen "$server" 80 tcp || fail "nginx is not listening"
ip netns exec "$client" sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
ip netns exec "$client" sysctl -qw net.ipv4.tcp_tw_reuse=1
ip netns exec "$server" sysctl -qw net.core.somaxconn=4096

cat >"$tmp/nfipsd.conf" <<EOF
queues = { base = 0; count = 1; maxlen = 4096; };
rules = [ "$tmp/et.rules" ];
vars = { HOME_NET = "$home_net"; };
mode = "learn";
classification = "$classes";
log = { eve = "$tmp/eve.json"; };
state = { path = "$tmp/nfipsd.state"; };
memory = { budget = "512M"; };
sensor = "kbench";
EOF
modprobe nfnetlink_queue 2>/dev/null

dpid=
_bound() {
	ip netns exec "$gateway" awk '$1 == 0 { f = 1 } END { exit !f }' \
		/proc/net/netfilter/nfnetlink_queue 2>/dev/null
}
# daemon_start BINARY: nfipsd on queue 0 in the gateway, once bound.
daemon_start() {
	ip netns exec "$gateway" "$1" --config "$tmp/nfipsd.conf" >"$tmp/nfipsd.out" 2>&1 &
	dpid=$!
	busywait 2400000 _bound || fail "nfipsd did not bind queue 0: $(tail -n 5 "$tmp/nfipsd.out")"
}
daemon_stop() {
	[ -n "$dpid" ] || return 0
	kill "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	dpid=
	busywait 60000 eval '! _bound' || fail "queue 0 still bound after nfipsd stopped"
}
on_exit daemon_stop

wrk_run() {
	ip netns exec "$client" timeout $(($1 + 60)) wrk -t1 -c8 -d"$1s" --timeout 10s \
		-s "$bench/http-mix.lua" "http://$server4" -- "$tmp/www.list" 2>&1 |
		sed -n 's/^wrk-json //p'
}
# measure ROUND CONFIG: the http mix for $secs after 1 s unmeasured.
declare -A best=()
measure() {
	local r rps

	wrk_run 1 >/dev/null
	r=$(wrk_run "$secs")
	rps=$(python3 -c 'import json, sys
r = json.loads(sys.argv[1])
err = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
print("%.1f" % (r["requests"] / (r["duration_us"] / 1e6)) if not err else "errors")' "$r") ||
		fail "$2: no wrk result: $r"
	[ "$rps" != errors ] || fail "$2: wrk saw errors: $r"
	echo "# round=$1 config=$2 rps=$rps"
	awk -v a="$rps" -v b="${best[$2]:-0}" 'BEGIN { exit !(a > b) }' && best[$2]=$rps
}

if [ -n "$base" ]; then
	measure 0 plain
fi
gwctl config --stream-depth 1m >/dev/null || fail "nfipsctl config"
out=$(gwctl policy apply --classification "$classes" --var "HOME_NET=$home_net" \
	"$tmp/et.rules" 2>&1) || fail "policy apply: $out"
if [ -n "$base" ]; then
	for ((r = 1; r <= rounds; r++)); do
		for c in base nfipsd; do
			b=$nfipsd
			[ $c = base ] && b=$base
			daemon_start "$b"
			measure "$r" "$c"
			daemon_stop
		done
	done
	gwctl flush >/dev/null || fail "nfipsctl flush"
	measure "$((rounds + 1))" plain
	for c in base nfipsd; do
		echo "config=$c mix=http rps=${best[$c]} ratio=$(awk -v a="${best[$c]}" \
			-v p="${best[plain]}" 'BEGIN { printf "%.3f", a / p }')"
	done
	out=$(gwctl policy apply --classification "$classes" --var "HOME_NET=$home_net" \
		"$tmp/et.rules" 2>&1) || fail "policy apply: $out"
fi
daemon_start "$nfipsd"
wrk_run 1 >/dev/null
# perf takes long to start under TCG (symbols, every process' maps): both
# start disabled and are enabled through their control FIFOs, whose ack
# says that perf is done starting; wrk runs then, and SIGINT ends them.
# pstart NAME PERF-RECORD-ARGS...: perf record started, pid in $ppid.
pstart() {
	local name=$1 fd

	shift
	mkfifo "$tmp/$name.ctl" "$tmp/$name.ack"
	perf record -q -D -1 --control "fifo:$tmp/$name.ctl,$tmp/$name.ack" -o "$tmp/$name.perf" \
		"$@" 2>"$tmp/$name.err" &
	ppid=$!
	exec {fd}<>"$tmp/$name.ctl"
	echo enable >&"$fd"
	exec {fd}<>"$tmp/$name.ack"
	read -r -t 1200 -u "$fd" _ || fail "perf record ($name) did not start: $(cat "$tmp/$name.err")"
}
pstart d -F 499 --call-graph dwarf,8192 -e cpu-clock -p "$dpid"
p1=$ppid
pstart a -F 499 -g -a -e cpu-clock
p2=$ppid
wrk_run 1 >/dev/null
res=$(wrk_run "$secs")
kill -INT $p1 $p2
wait $p1 $p2
echo "# wrk: $res"
python3 - "$res" <<'EOF'
import json, sys
r = json.loads(sys.argv[1])
print("# http mix under perf: %.1f requests/s" % (r["requests"] / (r["duration_us"] / 1e6)))
EOF
ip netns exec "$client" curl -sf -m 10 -o /dev/null "http://$server4/canary.txt" ||
	fail "the canary request failed"

report() {
	perf report -i "$1" --stdio --no-children "${@:2}" 2>/dev/null |
		grep -E '^ +[0-9]' | head -n 45 | sed 's/^/# /'
}
echo "# ---- whole guest (-a), by command"
report "$tmp/a.perf" --sort comm
echo "# ---- whole guest (-a), by symbol"
report "$tmp/a.perf" --sort dso,sym
echo "# ---- nfipsd, self time by symbol"
report "$tmp/d.perf" --sort dso,sym -g none
echo "# ---- nfipsd, inclusive time (children)"
perf report -i "$tmp/d.perf" --stdio --children --sort sym -g none 2>/dev/null |
	grep -E '^ +[0-9]' | head -n 70 | sed 's/^/# /'
echo "# ---- nfipsd, callers of the symbols over 2% (self)"
perf report -i "$tmp/d.perf" --stdio --no-children --sort sym -G --percent-limit 2 2>/dev/null |
	grep -v '^$' | grep -v '^#' | head -n 250 | sed 's/^/# /'
# and of the clock source's reads: the guest's HPET has no vDSO
echo "# ---- nfipsd, callers of read_hpet"
perf report -i "$tmp/d.perf" --stdio --no-children --sort sym -G -S read_hpet 2>/dev/null |
	grep -v '^$' | grep -v '^#' | head -n 120 | sed 's/^/# /'
sleep 1
grep -q '"signature_id":2100498' "$tmp/eve.json" ||
	fail "nfipsd logged no canary alert (sid 2100498)"
echo "# canary: sid 2100498 alerted"
exit 0
