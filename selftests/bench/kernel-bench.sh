#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel forwarding benchmark, run in the QEMU test guest by
# `make bench-kernel` (selftests/kernel/run.sh --script). Traffic from the
# client through the gateway to the server of the selftests' topology, all
# in one boot, for each configuration of the gateway, on up to two mixes:
#
#   iperf3   one long iperf3 TCP stream: the receiver's Mbit/s
#   http     many short HTTP exchanges: wrk (http-mix.lua) in the client
#            against nginx in the server, files of 1-64 KiB from a seeded
#            mix (gateway-tools.py www), one TCP session per request;
#            requests per second and the bytes per second the client read
#
# Configurations (the mixes each runs):
#
#   plain        forwarding only (nfips.ko loaded, no policy)   iperf3 http
#   nfips-1.6k   nfips with one alert rule per raw-payload ET fast pattern,
#                default stream depth (the first 1 MiB of each direction)
#   nfips-15k    nfips with one alert rule per ET fast pattern, same depth
#   nfips-1.6k-all, nfips-15k-all
#                the same with stream depth 0: every byte of the stream
#                                                               iperf3 http
#   xt-200       200 iptables string rules (xt_string, Boyer-Moore)
#   xt-1600      1,600 of them                                  (iperf3 only)
#   nfips-default  nfips kernel alone, policies/default.rules   iperf3 http
#   nfips-et     nfips kernel alone, every loadable ET Open rule iperf3 http
#                (the slow-path rules' packets go to a queue nobody
#                listens on: fail-open passes them)
#   suricata-et  Suricata 7 inline over NFQUEUE (nft "queue num N bypass"
#                in the gateway's forward chain), the same ET rules
#                                                               iperf3 http
#   nfipsd-default, nfipsd-et
#                nfips kernel + nfipsd, when ctl/nfipsd/nfipsd is built;
#                "skipped: nfipsd not built" otherwise          iperf3 http
#   nfipsd-q-et  nfipsd alone on the queue rule Suricata has, the same ET
#                rules: every packet of every flow through the daemon,
#                nothing decided by the kernel       (only when listed)
#                                                               iperf3 http
#
# KBENCH_NATIVE=1 (make bench-native) runs on the machine itself instead of
# the guest, with its own kernel and no nfips.ko: plain, nfipsd-q-et and
# suricata-et only, the queue rule in iptables (xt_NFQUEUE: a kernel
# without nft's queue expression has it), no slow-path or small-packet
# mix. The settings come from the environment (KBENCH_SECONDS, ...), not
# from kbench.env. This is how the daemon's and Suricata's figures look at
# the CPU's own speed, where the guest's are TCG's.
#
# Then the slow path alone ("queue" mix): every forwarded packet queued with
# nft, nfips inspecting nothing; packets per second through the queue (a
# flood of 64-byte UDP datagrams, iperf3 -u -b 0, counted at the server
# over a window at saturation) and the verdict latency
# (a probe flow of UDP datagrams timed entering and leaving the gateway by
# tcpdump -i any in the gateway namespace): plain forwarding as the
# reference, suricata-et, nfipsd-et.
#
# Then the small-packet mix (small-mix.sh, KBENCH_SMALL=0 leaves it out):
# pktgen floods of 64- and 128-byte UDP datagrams, the packets per second
# the gateway forwards with plain, plain-ct (conntrack on), nfips-default
# and nfipsd-default: the per-packet fixed cost.
#
# Both rule sets use the same variables: HOME_NET is the server's side
# (the customer's network behind the gateway), as in make demo.
#
# The inputs are written on the host into selftests/bench/out/ (the guest
# sees the host's files): kbench.env (KBENCH_SECONDS, KBENCH_ROUNDS,
# KBENCH_ET: the ET Open directory, read in place; KBENCH_CONFIGS: a subset
# to run, default all; KBENCH_SLOWPATH=0 to leave the slow path out;
# KBENCH_START_WAIT: seconds Suricata and nfipsd may take to load the rules
# and bind their queue, default 2400; KBENCH_PREFILTER: the kernel's
# prefilter, nfips.ko's prefilter parameter, default the one it measured
# fastest when it loaded) and
# kbench-{raw,all}.rules, kbench-xt{200,1600}.iptables. Every round runs
# every configuration in that order; each configuration's figure is its
# best round. Prints "# ..." diagnostics and, last, one line per
# configuration and mix:
#   config=NAME mbps=X ratio=X                          (iperf3, as before)
#   config=NAME mix=http rps=X mbps=X ratio=X [vs_suricata=X]
#   config=NAME mix=queue pps=X p50_us=X p99_us=X ratio=X [vs_suricata=X]
#   config=NAME mix=MIX skipped: WHY
#   config=NAME mix=MIX failed: WHY        (and the script exits non-zero)
# config=plain first; ratio is against plain on the same mix (requests per
# second, packets per second), vs_suricata against suricata-et.
set -u
source "$(dirname "$0")/../kernel/lib.sh"

readonly native=${KBENCH_NATIVE:-0}
case $native in
0) require_guest ;;
1) ;;
*) fail "KBENCH_NATIVE=$native: 0 or 1" ;;
esac
require_nfipsctl
for c in iperf3 iptables-restore nft ip ss wrk nginx curl tcpdump python3 modprobe; do
	command -v "$c" >/dev/null || fail "$c not installed: run selftests/deps.sh"
done

bench=$repo/selftests/bench
in=$bench/out
if [ "$native" != 1 ]; then
	[ -r "$in/kbench.env" ] || fail "no $in/kbench.env: run make -C selftests/bench bench-kernel"
	# shellcheck source=/dev/null
	source "$in/kbench.env"
fi
readonly secs=${KBENCH_SECONDS:-10} rounds=${KBENCH_ROUNDS:-2}
# Suricata took 70 s under TCG with 3,573 ET rules and over 10 minutes with
# the 24,699 loadable since issue 14 (on a loaded host).
readonly start_wait=${KBENCH_START_WAIT:-2400}
readonly et_dir=${KBENCH_ET:-$repo/../shared/data/et-open}
all_configs=(plain nfips-1.6k nfips-15k nfips-1.6k-all nfips-15k-all xt-200 xt-1600
	nfips-default nfips-et nfipsd-default nfipsd-et suricata-et)
[ "$native" = 1 ] && all_configs=(plain nfipsd-q-et suricata-et)
read -r -a configs <<<"${KBENCH_CONFIGS:-${all_configs[*]}}"
[ "${configs[0]}" = plain ] || configs=(plain "${configs[@]}")
for c in "${configs[@]}"; do
	[ "$native" != 1 ] || [[ " ${all_configs[*]} " = *" $c "* ]] ||
		fail "$c needs nfips.ko: not a configuration of KBENCH_NATIVE=1"
done
slowpath=${KBENCH_SLOWPATH:-1}
# KBENCH_SMALL=0 leaves the small-packet mix out (small-mix.sh).
small=${KBENCH_SMALL:-1}
[ "$native" = 1 ] && slowpath=0 small=0
readonly configs slowpath small
# shellcheck source=small-mix.sh
source "$(dirname "$0")/small-mix.sh"
declare -A input=(
	[nfips-1.6k]=$in/kbench-raw.rules [nfips-15k]=$in/kbench-all.rules
	[nfips-1.6k-all]=$in/kbench-raw.rules [nfips-15k-all]=$in/kbench-all.rules
	[xt-200]=$in/kbench-xt200.iptables [xt-1600]=$in/kbench-xt1600.iptables
)
# The mixes each configuration runs (iperf3 when not listed).
declare -A mixes=(
	[plain]="iperf3 http" [nfips-default]="iperf3 http" [nfips-et]="iperf3 http"
	[suricata-et]="iperf3 http" [nfipsd-default]="iperf3 http" [nfipsd-et]="iperf3 http"
	[nfips-1.6k-all]="iperf3 http" [nfips-15k-all]="iperf3 http" [nfipsd-q-et]="iperf3 http"
)
readonly classes=$repo/policies/classification.config
readonly default_rules=$repo/policies/default.rules
# The customer's network is the server's side, as in make demo.
readonly home_net="[10.0.2.0/24,fd6e:6669:7073:2::/64]"
# KBENCH_NFIPSD: another build of nfipsd to measure (a path the guest sees).
readonly nfipsd=${KBENCH_NFIPSD:-$repo/ctl/nfipsd/nfipsd}
# NFQUEUE numbers: nfips' punt queue (nfipsd's, registered with the module
# when nfipsd starts: without it the module fails open), and the queue of
# the nft rule Suricata (and the slow-path benchmark) reads; nfipsd's in
# nfipsd-q-et (Suricata, paused meanwhile, keeps its queue bound). The punt
# queues start at 16: KBENCH_WORKERS of them, one nfipsd worker thread each
# (the module spreads the daemon's flows over them by hash), default 1.
readonly workers=${KBENCH_WORKERS:-1}
[[ $workers =~ ^[1-9][0-9]?$ ]] || fail "KBENCH_WORKERS=$workers: 1 to 99 queues"
readonly punt_queue=16 nft_queue=1 nfipsd_queue=2
# The HTTP mix: wrk's connections; the latency probes: how many, how fast.
readonly http_conns=${KBENCH_HTTP_CONNS:-8}
readonly probe_port=7010 probe_rate=${KBENCH_PROBE_RATE:-100}
readonly probes=${KBENCH_PROBES:-$((secs * probe_rate))}
# sids that the canary response (gateway-tools.py www: canary.txt) raises:
# "ATTACK_RESPONSE id check returned root" in default.rules and in ET Open.
declare -A canary_sid=([nfips-default]=9000701 [nfips-et]=2100498 [suricata-et]=2100498
	[nfipsd-default]=9000701 [nfipsd-et]=2100498 [nfipsd-q-et]=2100498)

declare -A best=() extra=() skipped=() failed=()
nfailed=0

tmp=$(mktemp -d)
chmod 755 "$tmp"
on_exit "rm -rf '$tmp'"

want() {
	local c

	for c in "${configs[@]}"; do
		[ "$c" = "$1" ] && return 0
	done
	return 1
}

# config_failed CONFIG MIX WHY: record it, print it loudly, go on.
config_failed() {
	failed[$1,$2]=$3
	nfailed=$((nfailed + 1))
	echo "# FAILED: $1 ($2): $3"
}

# ---- inputs made in the guest ---------------------------------------------

# et_loadable OUT: every ET Open rule nfipsctl can load, as written in the
# snapshot (read in place from $et_dir), one file, for nfips and Suricata
# alike. nfipsctl rules check --list names each rule's file and line.
et_loadable() {
	local files=("$et_dir"/*.rules)

	[ -r "${files[0]}" ] || fail "no ET Open rules in $et_dir (KBENCH_ET)"
	"$nfipsctl" rules check --list --classification "$classes" --var "HOME_NET=$home_net" \
		"${files[@]}" >"$tmp/et-list" 2>&1 || fail "rules check: $(tail -n 3 "$tmp/et-list")"
	awk '$1 == "kernel" || $1 == "slow" {
			loc = $3; sub(/:$/, "", loc); n = split(loc, a, ":")
			f = substr(loc, 1, length(loc) - length(a[n]) - 1); print f "\t" a[n] }' \
		"$tmp/et-list" >"$tmp/et-loc"
	awk -F'\t' 'NR == FNR { want[$1 "\t" $2] = 1; next }
		(FILENAME "\t" FNR) in want' "$tmp/et-loc" "${files[@]}" >"$1"
	echo "# ET Open: $(tail -n 1 "$tmp/et-list"); $(wc -l <"$1") loadable rules in the run"
	[ -s "$1" ] || fail "no loadable ET Open rule"
}

# ---- the HTTP mix's server -------------------------------------------------

start_nginx() {
	local www=$tmp/www

	mkdir -p "$www" "$tmp/nginx"
	echo "# web root: $(python3 "$bench/gateway-tools.py" www "$www" --seed 1)"
	cat >"$tmp/nginx.conf" <<-EOF
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
				root $www;
			}
		}
	EOF
	ip netns exec "$server" nginx -c "$tmp/nginx.conf" || fail "nginx did not start"
	wait_local_port_listen "$server" 80 tcp || fail "nginx is not listening"
	on_exit "ip netns exec '$server' nginx -c '$tmp/nginx.conf' -s stop"
	# Short sessions one after the other: reuse the client's ports quickly.
	ip netns exec "$client" sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
	ip netns exec "$client" sysctl -qw net.ipv4.tcp_tw_reuse=1
	ip netns exec "$server" sysctl -qw net.core.somaxconn=4096
}

# canary CONFIG: one request whose response an alert rule of the
# configuration's policy matches, so that each configuration proves that it
# inspected (checked by the configuration's teardown).
canary() {
	ip netns exec "$client" curl -sf -m 10 -o /dev/null "http://$server4/canary.txt" ||
		config_failed "$1" http "the canary request failed"
}

# ---- Suricata 7 inline ------------------------------------------------------

# suricata_yaml FILE LOGDIR RULES: a minimal configuration: NFQUEUE only
# (no af-packet), the detect engine's defaults, the same variables as
# nfips, logs in LOGDIR, eve alerts and stats every second.
suricata_yaml() {
	cat >"$1" <<-EOF
		%YAML 1.1
		---
		vars:
		  address-groups:
		    HOME_NET: "$home_net"
		    EXTERNAL_NET: "!\$HOME_NET"
		    HTTP_SERVERS: "\$HOME_NET"
		    SMTP_SERVERS: "\$HOME_NET"
		    SQL_SERVERS: "\$HOME_NET"
		    DNS_SERVERS: "\$HOME_NET"
		    TELNET_SERVERS: "\$HOME_NET"
		    AIM_SERVERS: "\$EXTERNAL_NET"
		    DC_SERVERS: "\$HOME_NET"
		    DNP3_SERVER: "\$HOME_NET"
		    DNP3_CLIENT: "\$HOME_NET"
		    MODBUS_CLIENT: "\$HOME_NET"
		    MODBUS_SERVER: "\$HOME_NET"
		    ENIP_CLIENT: "\$HOME_NET"
		    ENIP_SERVER: "\$HOME_NET"
		  port-groups:
		    HTTP_PORTS: "80"
		    SHELLCODE_PORTS: "!80"
		    ORACLE_PORTS: 1521
		    SSH_PORTS: 22
		    DNP3_PORTS: 20000
		    MODBUS_PORTS: 502
		    FILE_DATA_PORTS: "[\$HTTP_PORTS,110,143]"
		    FTP_PORTS: 21
		    GENEVE_PORTS: 6081
		    VXLAN_PORTS: 4789
		    TEREDO_PORTS: 3544
		default-log-dir: $2
		classification-file: $classes
		reference-config-file: /etc/suricata/reference.config
		rule-files:
		  - $3
		host-mode: router
		unix-command:
		  enabled: no
		stats:
		  enabled: yes
		  interval: 1
		outputs:
		  - eve-log:
		      enabled: yes
		      filetype: regular
		      filename: eve.json
		      types:
		        - alert
		        - stats:
		            totals: yes
		            threads: no
		  - stats:
		      enabled: yes
		      filename: stats.log
		      totals: yes
		      threads: no
		logging:
		  default-log-level: notice
		  outputs:
		    - console:
		        enabled: no
		    - file:
		        enabled: yes
		        level: info
		        filename: suricata.log
		nfq:
		  mode: accept
		  fail-open: no
		af-packet: []
		threading:
		  set-cpu-affinity: no
	EOF
}

suricata_pid=
# suricata_start: suricata -q $nft_queue in the gateway namespace, one
# worker (runmode workers: one thread per queue), checksums not checked
# (veth packets carry partial checksums); waits until it is bound to the
# queue.
suricata_start() {
	local log=$tmp/suricata t0=$SECONDS

	rm -rf "$log"
	mkdir -p "$log"
	[ -s "$tmp/suricata.yaml" ] || suricata_yaml "$tmp/suricata.yaml" "$log" "$tmp/et.rules"
	ip netns exec "$gateway" suricata -c "$tmp/suricata.yaml" -l "$log" -q "$nft_queue" \
		--runmode workers -k none >"$log/stdout" 2>&1 &
	suricata_pid=$!
	busywait $((start_wait * 1000)) queue_bound "$nft_queue" || {
		sed 's/^/# suricata: /' "$log/suricata.log" "$log/stdout" | tail -n 20
		return 1
	}
	echo "# suricata-et: $(suricata -V 2>&1 | head -n 1), ready after $((SECONDS - t0)) s:" \
		"$(grep -o '[0-9]* rules successfully loaded, [0-9]* rules failed' "$log/suricata.log")"
}

# suricata_pause / suricata_resume: Suricata takes minutes to load the
# rules under TCG, so it is started once and kept, stopped (SIGSTOP: no
# thread of it runs) while other configurations are measured.
suricata_pause() {
	[ -n "$suricata_pid" ] && kill -STOP "$suricata_pid"
}

suricata_resume() {
	[ -n "$suricata_pid" ] || return 1
	kill -CONT "$suricata_pid" && sleep 1
}

suricata_stop() {
	[ -n "$suricata_pid" ] || return 0
	kill -CONT "$suricata_pid" 2>/dev/null
	kill "$suricata_pid" 2>/dev/null
	wait "$suricata_pid" 2>/dev/null
	suricata_pid=
}
on_exit suricata_stop

# queue_bound N: a process listens on NFQUEUE N in the gateway namespace.
queue_bound() {
	[ -n "$(queue_stats "$1")" ]
}

# queue_stats N: "queued=X queue_dropped=X user_dropped=X" of queue N
# (/proc/net/netfilter/nfnetlink_queue: id_sequence counts every packet
# queued since the queue was bound).
queue_stats() {
	ip netns exec "$gateway" awk -v q="$1" '$1 == q {
		printf "queued=%s queue_dropped=%s user_dropped=%s\n", $8, $6, $7 }' \
		/proc/net/netfilter/nfnetlink_queue 2>/dev/null
}

# suricata_counters: "pkts=X alerts=X" from Suricata's last stats record.
suricata_counters() {
	sleep 2 # one stats interval, and a margin
	python3 -c 'import json, sys
last = None
for line in open(sys.argv[1], errors="replace"):
    if "\"event_type\":\"stats\"" in line:
        last = line
s = json.loads(last)["stats"] if last else {}
print("pkts=%d alerts=%d" % (s.get("decoder", {}).get("pkts", 0),
                             s.get("detect", {}).get("alert", 0)))' "$tmp/suricata/eve.json"
}

# eve_alerts EVE SID: the alerts of that sid in an eve log so far (0 before
# the log exists).
eve_alerts() {
	if [ -f "$1" ]; then grep -c "\"signature_id\":$2[,}]" "$1"; else echo 0; fi
}

# suricata_alerts SID: the alerts of that sid in Suricata's eve log so far.
# (Its stats counters lag: a worker publishes them when it next sees a
# packet.)
suricata_alerts() {
	eve_alerts "$tmp/suricata/eve.json" "$1"
}

# nft_queue_on [QUEUE] / nft_queue_off: every forwarded packet to QUEUE
# ($nft_queue); with nobody bound to the queue, "bypass" accepts it.
# Natively in iptables.
nft_queue_on() {
	local q=${1:-$nft_queue}

	if [ "$native" = 1 ]; then
		ip netns exec "$gateway" iptables -A FORWARD -j NFQUEUE \
			--queue-num "$q" --queue-bypass
		return
	fi
	ip netns exec "$gateway" nft -f - <<-EOF
		table inet kbench {
			chain forward {
				type filter hook forward priority 0; policy accept;
				counter queue num $q bypass
			}
		}
	EOF
}

nft_queue_off() {
	if [ "$native" = 1 ]; then
		ip netns exec "$gateway" iptables -F FORWARD
		return
	fi
	ip netns exec "$gateway" nft delete table inet kbench 2>/dev/null
}

# ---- nfipsd ------------------------------------------------------------------

# nfipsd_conf FILE QUEUE N RULES...: the nfipsd.conf of a run (libconfig, as
# /etc/nfips/nfipsd.conf): N queues from QUEUE, one worker thread each (one
# by default, like Suricata's); the given rule files, the run's variables,
# learn mode (every rule alerts, as in the other configurations), logs,
# state and store in $tmp/nfipsd. The one place to adapt when nfipsd's
# configuration changes.
nfipsd_conf() {
	local conf=$1 q=$2 n=$3 r list=

	shift 3
	for r; do
		list+="${list:+, }\"$r\""
	done
	mkdir -p "$tmp/nfipsd"
	cat >"$conf" <<-EOF
		queues = { base = $q; count = $n; maxlen = 4096; };
		rules = [ $list ];
		vars = { HOME_NET = "$home_net"; };
		mode = "learn";
		classification = "$classes";
		log = { eve = "$tmp/nfipsd/eve.json"; };
		state = { path = "$tmp/nfipsd/nfipsd.state"; pidfile = "$tmp/nfipsd/nfipsd.pid"; };
		store = { path = "$tmp/nfipsd/alerts.db"; };
		memory = { budget = "512M"; };
		sensor = "kbench";
	EOF
}

nfipsd_pid=
# nfipsd_start QUEUE N RULES...: nfipsd in the gateway namespace on queues
# QUEUE..QUEUE+N-1; waits until it is bound to them (it loads its rules
# first).
nfipsd_start() {
	local q=$1 n=$2 t0=$SECONDS

	shift 2
	nfipsd_conf "$tmp/nfipsd.conf" "$q" "$n" "$@"
	ip netns exec "$gateway" "$nfipsd" --config "$tmp/nfipsd.conf" \
		>"$tmp/nfipsd/stdout" 2>&1 &
	nfipsd_pid=$!
	busywait $((start_wait * 1000)) queue_bound $((q + n - 1)) || {
		sed 's/^/# nfipsd: /' "$tmp/nfipsd/stdout" | tail -n 20
		return 1
	}
	echo "# nfipsd: $nfipsd on queues $q..$((q + n - 1)), ready after $((SECONDS - t0)) s"
}

# nfipsd_alerts SID: the alerts of that sid in nfipsd's eve log so far.
nfipsd_alerts() {
	eve_alerts "$tmp/nfipsd/eve.json" "$1"
}

nfipsd_stop() {
	[ -n "$nfipsd_pid" ] || return 0
	kill "$nfipsd_pid" 2>/dev/null
	wait "$nfipsd_pid" 2>/dev/null
	nfipsd_pid=
}
on_exit nfipsd_stop

# ---- configurations ---------------------------------------------------------

# setup CONFIG: load what the configuration inspects with; non-zero: the
# configuration is skipped or failed (recorded).
setup() {
	local out depth=1m

	case $1 in
	nfipsd-q-et)
		nfipsd_start "$nfipsd_queue" 1 "$tmp/et.rules" || {
			config_failed "$1" iperf3 "nfipsd did not bind queue $nfipsd_queue"
			return 1
		}
		nfipsd_alerts "${canary_sid[$1]}" >"$tmp/counters"
		nft_queue_on "$nfipsd_queue" || fail "$1: queue rule"
		;;
	nfips-default | nfips-et | nfipsd-*)
		# The punt queue is nfipsd's to register (nfipsd.rst); with no
		# daemon registered the module passes the slow path's packets.
		gwctl config --stream-depth 1m >/dev/null ||
			fail "$1: nfipsctl config"
		local rules=$tmp/et.rules
		[[ $1 = *-default ]] && rules=$default_rules
		out=$(gwctl policy apply --classification "$classes" --var "HOME_NET=$home_net" \
			"$rules" 2>&1) || fail "$1: policy apply: $out"
		gwctl stats | head -n 1 >"$tmp/counters"
		echo "# $1: $(echo "$out" | head -n 1); $(gwctl status |
			grep -E '^(rules|automaton states|memory|stream depth):' | tr '\n' ' ')"
		if [[ $1 = nfipsd-* ]]; then
			nfipsd_start "$punt_queue" "$workers" "$rules" || {
				config_failed "$1" iperf3 "nfipsd did not bind queue $punt_queue"
				return 1
			}
		fi
		;;
	nfips-*)
		[[ $1 = *-all ]] && depth=0
		gwctl config --stream-depth "$depth" || fail "$1: config --stream-depth $depth"
		out=$(gwctl policy apply "${input[$1]}" 2>&1) || fail "$1: policy apply: $out"
		gwctl stats | head -n 1 >"$tmp/counters"
		echo "# $1: $(echo "$out" | head -n 1); $(gwctl status |
			grep -E '^(rules|automaton states|memory|stream depth):' | tr '\n' ' ')"
		;;
	xt-*)
		ip netns exec "$gateway" iptables-restore <"${input[$1]}" ||
			fail "$1: iptables-restore"
		echo "# $1: $(ip netns exec "$gateway" iptables -S FORWARD | grep -c -- '-m string') string rules"
		;;
	suricata-*)
		suricata_resume || suricata_start || {
			config_failed "$1" iperf3 "suricata did not bind queue $nft_queue"
			return 1
		}
		suricata_counters >"$tmp/counters"
		queue_stats "$nft_queue" >>"$tmp/counters"
		suricata_alerts "${canary_sid[$1]}" >>"$tmp/counters"
		nft_queue_on || fail "$1: nft queue rule"
		;;
	esac
	return 0
}

# delta BEFORE AFTER: "k=after-before ..." of two "k=v ..." lines.
delta() {
	printf '%s\n%s\n' "$1" "$2" | tr ' ' '\n' | awk -F= '$1 != "" {
		if ($1 in v) printf "%s=%.0f ", $1, $2 - v[$1]; else v[$1] = $2 }'
}

teardown() {
	local d hits

	case $1 in
	nfipsd-q-et)
		d=$(queue_stats "$nfipsd_queue")
		nft_queue_off
		# Stopped first: every alert it had to write is in its log.
		nfipsd_stop
		hits=$(($(nfipsd_alerts "${canary_sid[$1]}") - $(cat "$tmp/counters")))
		echo "# $1: nfipsd: $d canary sid ${canary_sid[$1]} alerts=$hits"
		[ "$hits" -gt 0 ] || config_failed "$1" http "nfipsd raised no canary alert"
		;;
	nfips-default | nfips-et | nfipsd-*)
		hits=$(gw_hits "${canary_sid[$1]}")
		echo "# $1: $(delta "$(cat "$tmp/counters")" "$(gwctl stats | head -n 1)")" \
			"canary sid ${canary_sid[$1]} hits=${hits:-0}"
		[ "${hits:-0}" -gt 0 ] ||
			config_failed "$1" http "the canary did not raise sid ${canary_sid[$1]}"
		if [[ $1 = nfipsd-* ]]; then
			echo "# $1: nfipsd: $(queue_stats "$punt_queue")"
			nfipsd_stop
		fi
		gwctl flush >/dev/null || fail "$1: flush"
		;;
	nfips-*)
		# The namespace's counters during the run (they count from the
		# module's load). Every rule only alerts: no drops, no punts.
		echo "# $1: $(delta "$(cat "$tmp/counters")" "$(gwctl stats | head -n 1)")"
		gwctl flush >/dev/null || fail "$1: flush"
		;;
	xt-*) ip netns exec "$gateway" nft flush ruleset || fail "$1: nft flush ruleset" ;;
	suricata-*)
		d=$(delta "$(head -n 1 "$tmp/counters")" "$(suricata_counters)")
		d+=$(delta "$(sed -n 2p "$tmp/counters")" "$(queue_stats "$nft_queue")")
		hits=$(($(suricata_alerts "${canary_sid[$1]}") - $(sed -n 3p "$tmp/counters")))
		echo "# $1: $d canary sid ${canary_sid[$1]} alerts=$hits"
		# Inline means it saw every packet: none seen, or no alert for the
		# canary, means the figures are not Suricata's. (Its counters lag
		# a little: see suricata_alerts.)
		[[ $d = *pkts=0\ * || $d != *pkts=* ]] &&
			config_failed "$1" iperf3 "Suricata saw no packets: $d"
		[ "$hits" -gt 0 ] || config_failed "$1" http "Suricata raised no canary alert"
		nft_queue_off
		suricata_pause
		;;
	esac
}

# keep CONFIG MIX FIGURE EXTRA: the round's figure; the best one is kept,
# with EXTRA (the other figures of that round).
keep() {
	if [ -z "${best[$1,$2]:-}" ] || awk -v a="$3" -v b="${best[$1,$2]}" 'BEGIN { exit !(a > b) }'; then
		best[$1,$2]=$3
		extra[$1,$2]=$4
	fi
}

# measure_iperf3 CONFIG ROUND: one iperf3 run; the receiver's Mbit/s.
measure_iperf3() {
	local json=$tmp/$1-$2.json mbps

	ip netns exec "$client" iperf3 -c "$server4" -t "$secs" -O 2 -J >"$json" 2>&1 || {
		config_failed "$1" iperf3 "iperf3 failed: $(tail -n 5 "$json" | tr '\n' ' ')"
		return
	}
	mbps=$(python3 -c 'import json, sys
print("%.1f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' \
		"$json") || fail "$1: cannot read iperf3's result"
	echo "# round=$2 config=$1 mbps=$mbps"
	keep "$1" iperf3 "$mbps" ""
}

# measure_http CONFIG ROUND: wrk for $secs; requests/s and Mbit/s read.
measure_http() {
	local out=$tmp/$1-$2.wrk res

	# 1 s first, that the figures start with the connections warm.
	ip netns exec "$client" timeout 30 wrk -t1 -c"$http_conns" -d1s \
		-s "$bench/http-mix.lua" "http://$server4" -- "$tmp/www.list" >/dev/null 2>&1
	ip netns exec "$client" timeout $((secs + 60)) wrk -t1 -c"$http_conns" -d"${secs}s" \
		--timeout 10s -s "$bench/http-mix.lua" "http://$server4" -- "$tmp/www.list" \
		>"$out" 2>&1 || {
		config_failed "$1" http "wrk failed: $(tail -n 5 "$out" | tr '\n' ' ')"
		return
	}
	res=$(python3 -c 'import json, sys
for line in open(sys.argv[1]):
    if line.startswith("wrk-json "):
        r = json.loads(line[9:])
s = r["duration_us"] / 1e6
err = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
print("rps=%.1f mbps=%.1f requests=%d errors=%d p50_ms=%.1f p99_ms=%.1f" % (
    r["requests"] / s, r["bytes"] * 8 / s / 1e6, r["requests"], err,
    r["latency_p50_us"] / 1e3, r["latency_p99_us"] / 1e3))' "$out") ||
		fail "$1: cannot read wrk's result: $(tail -n 3 "$out")"
	echo "# round=$2 config=$1 mix=http $res"
	# Every exchange must succeed: an error is a connection the gateway broke.
	[[ $res = *" errors=0 "* ]] ||
		config_failed "$1" http "wrk saw errors: $res"
	keep "$1" http "$(sed 's/^rps=\([0-9.]*\) .*/\1/' <<<"$res")" \
		"$(sed 's/^rps=[0-9.]* \(mbps=[0-9.]*\) .*/\1/' <<<"$res")"
}

# ---- the slow path alone ---------------------------------------------------

# rate N NANOSECONDS: N per second.
rate() {
	awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / (t / 1e9) }'
}

# tx_packets: packets the client's interface sent so far.
tx_packets() {
	ip netns exec "$client" cat /sys/class/net/veth0/statistics/tx_packets
}

# rx_packets: packets the server's interface received so far.
rx_packets() {
	ip netns exec "$server" cat /sys/class/net/veth0/statistics/rx_packets
}

# rx_grew N: the server's interface has received N packets or more.
rx_grew() {
	[ "$(rx_packets)" -ge "$1" ]
}

# queue_idle N: nothing waits in queue N (queue_total), or no queue N.
queue_idle() {
	[ "$(ip netns exec "$gateway" awk -v q="$1" '$1 == q { print $3 }' \
		/proc/net/netfilter/nfnetlink_queue 2>/dev/null)" -eq 0 ] 2>/dev/null ||
		! queue_bound "$1"
}

# measure_queue CONFIG: the queue path with nothing else deciding.
# Throughput: a flood of 64-byte UDP datagrams (iperf3 -u -b 0) for $secs
# s, from 2 s after it reached the server; the packets that entered the queue per second
# over that window (the queue's own counter): at saturation the rate at
# which the engine gives verdicts. Without a queue (plain), the packets the
# server received per second (its interface counter).
# Latency: after the queue drained, the probe flow alone, each probe timed
# entering and leaving the gateway.
measure_queue() {
	local res lat q q0 q1 p0 t0 p1 t1 s0 s1 iperf_pid tcpdump_pid

	p0=$(rx_packets)
	# Longer than the window can take in a busy guest; stopped after it.
	ip netns exec "$client" iperf3 -c "$server4" -u -b 0 -l 64 -t $((secs + 60)) \
		>"$tmp/$1-udp.out" 2>&1 &
	iperf_pid=$!
	# iperf3 can take seconds to start in a busy guest: the window opens
	# 2 s after the flood reached the server.
	busywait 30000 rx_grew "$((p0 + 500))" || fail "$1: the UDP flood never reached the server"
	sleep 2
	q0=$(queue_stats "$nft_queue") s0=$(tx_packets) p0=$(rx_packets) t0=$(date +%s%N)
	sleep "$secs"
	p1=$(rx_packets) t1=$(date +%s%N) s1=$(tx_packets) q1=$(queue_stats "$nft_queue")
	kill -0 "$iperf_pid" 2>/dev/null ||
		config_failed "$1" queue "the flood ended inside the measuring window"
	kill "$iperf_pid" 2>/dev/null
	wait "$iperf_pid" 2>/dev/null
	res="delivered_pps=$(rate "$((p1 - p0))" "$((t1 - t0))") sent_pps=$(rate "$((s1 - s0))" "$((t1 - t0))")"
	if [ -n "$q0" ]; then
		# Only what entered the queue got a verdict: an engine that
		# fails open when its queue is full lets the rest through
		# uninspected. At saturation the queue stays full, so what
		# entered it over the window is what left it.
		q=$(delta "$q0" "$q1")
		res="pps=$(rate "$(sed 's/.*queued=\([0-9]*\).*/\1/' <<<"$q")" "$((t1 - t0))") $res $q"
	else
		res="pps=$(rate "$((p1 - p0))" "$((t1 - t0))") $res"
	fi
	busywait 60000 queue_idle "$nft_queue" || config_failed "$1" queue "the queue never drained"

	ip netns exec "$gateway" tcpdump -i any -nn -s 128 -B 4096 --time-stamp-precision nano \
		-w "$tmp/probe.pcap" "udp dst port $probe_port" 2>"$tmp/tcpdump.err" &
	tcpdump_pid=$!
	busywait 30000 grep -q 'listening on' "$tmp/tcpdump.err" || fail "tcpdump did not start"
	ip netns exec "$client" python3 "$bench/gateway-tools.py" probe "$server4" "$probe_port" \
		"$probes" "$probe_rate"
	sleep 2
	kill -INT "$tcpdump_pid"
	wait "$tcpdump_pid"
	lat=$(python3 "$bench/gateway-tools.py" latency "$tmp/probe.pcap" "$probe_port") ||
		config_failed "$1" queue "no probe crossed the gateway: $lat"
	echo "# config=$1 mix=queue $res $lat"
	best[$1,queue]=$(sed 's/^pps=\([0-9]*\) .*/\1/' <<<"$res")
	extra[$1,queue]="$(grep -o 'p50_us=[0-9]* p99_us=[0-9]*' <<<"$lat")"
}

slow_path() {
	local c

	# Something must listen where the probes and the flood go.
	ip netns exec "$server" socat -u "UDP4-RECV:$probe_port" OPEN:/dev/null 2>/dev/null &
	wait_local_port_listen "$server" "$probe_port" udp || fail "probe sink"
	echo "# slow path: 64-byte UDP datagrams, iperf3 -u -b 0, $secs s; latency:" \
		"$probes probes of 64 bytes at $probe_rate/s, tcpdump -i any in the gateway"
	for c in suricata-et plain nfipsd-et; do
		want "$c" || continue
		case $c in
		suricata-et)
			suricata_resume || suricata_start || {
				config_failed "$c" queue "suricata did not bind queue $nft_queue"
				continue
			}
			nft_queue_on
			;;
		nfipsd-et)
			if [ ! -x "$nfipsd" ]; then
				skipped[$c,queue]="nfipsd not built"
				continue
			fi
			nfipsd_start "$nft_queue" 1 "$tmp/et.rules" || {
				config_failed "$c" queue "nfipsd did not bind queue $nft_queue"
				continue
			}
			nft_queue_on
			;;
		esac
		measure_queue "$c"
		nft_queue_off
		suricata_stop
		nfipsd_stop
	done
}

# ---- the run -------------------------------------------------------------

modprobe nfnetlink_queue 2>/dev/null
setup_topology
et_loadable "$tmp/et.rules"
ip netns exec "$server" iperf3 -s >"$tmp/iperf3-server.log" 2>&1 &
wait_local_port_listen "$server" 5201 tcp || fail "iperf3 server"
start_nginx
echo "# iperf3 $(iperf3 --version | head -n 1 | cut -d' ' -f2), $secs s per run" \
	"(first 2 s omitted), $rounds rounds, TCP over IPv4, one stream;" \
	"$(iptables -V)"
echo "# http: $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2), $http_conns connections," \
	"one request per connection, $secs s per run (after 1 s unmeasured);" \
	"$(nginx -v 2>&1 | cut -d' ' -f3), one worker"
echo "# home_net $home_net"
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) ($([ "$native" = 1 ] && echo host, native || echo guest))"
# The kernel's prefilter: measured at load (dmesg), or KBENCH_PREFILTER's.
if [ "$native" = 0 ] && [ -n "${KBENCH_PREFILTER:-}" ]; then
	echo "$KBENCH_PREFILTER" >/sys/module/nfips/parameters/prefilter ||
		fail "prefilter parameter $KBENCH_PREFILTER"
fi
[ "$native" = 1 ] || echo "# $(dmesg | grep -o 'nfips: prefilter .*' | tr '\n' ';')" \
	"parameter prefilter=$(cat /sys/module/nfips/parameters/prefilter)"

# Unmeasured: the first transfers after boot are slow.
ip netns exec "$client" iperf3 -c "$server4" -t 2 >/dev/null 2>&1
ip netns exec "$client" wrk -t1 -c"$http_conns" -d2s -s "$bench/http-mix.lua" \
	"http://$server4" -- "$tmp/www.list" >/dev/null 2>&1

for ((r = 1; r <= rounds; r++)); do
	for c in "${configs[@]}"; do
		if [[ $c = nfipsd-* ]] && [ ! -x "$nfipsd" ]; then
			for m in ${mixes[$c]:-iperf3}; do skipped[$c,$m]="nfipsd not built"; done
			continue
		fi
		setup "$c" || continue
		for m in ${mixes[$c]:-iperf3}; do
			"measure_$m" "$c" "$r"
		done
		[ -n "${canary_sid[$c]:-}" ] && canary "$c"
		teardown "$c"
	done
done

[ "$slowpath" = 1 ] && slow_path
# The small-packet mix (small-mix.sh): the per-packet fixed cost.
[ "$small" = 1 ] && small_mix

# ratio A B: A/B with two decimals, three below 0.1.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { r = b > 0 ? a / b : 0
		printf (r >= 0.1 ? "%.2f" : "%.3f"), r }'
}

for m in iperf3 http queue; do
	for c in "${configs[@]}"; do
		[[ " ${mixes[$c]:-iperf3} " = *" $m "* ]] ||
			[[ $m = queue && $slowpath = 1 && " plain suricata-et nfipsd-et " = *" $c "* ]] ||
			continue
		line="config=$c"
		[ "$m" = iperf3 ] || line+=" mix=$m"
		if [ -n "${failed[$c,$m]:-}" ]; then
			echo "$line failed: ${failed[$c,$m]}"
			continue
		elif [ -n "${skipped[$c,$m]:-}" ]; then
			echo "$line skipped: ${skipped[$c,$m]}"
			continue
		elif [ -z "${best[$c,$m]:-}" ]; then
			echo "$line failed: no figure"
			nfailed=$((nfailed + 1))
			continue
		fi
		case $m in
		iperf3) line+=" mbps=${best[$c,$m]}" ;;
		http) line+=" rps=${best[$c,$m]} ${extra[$c,$m]}" ;;
		queue) line+=" pps=${best[$c,$m]} ${extra[$c,$m]}" ;;
		esac
		line+=" ratio=$(ratio "${best[$c,$m]}" "${best[plain,$m]:-0}")"
		if [[ $c = nfips*-et ]] && [ -n "${best[suricata-et,$m]:-}" ]; then
			line+=" vs_suricata=$(ratio "${best[$c,$m]}" "${best[suricata-et,$m]}")"
		fi
		echo "$line"
	done
done
[ "$small" = 1 ] && small_report
[ "$nfailed" -eq 0 ] || fail "$nfailed configuration(s) failed: the figures are not complete"
exit "$ksft_pass"
