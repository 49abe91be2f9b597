#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Forwarding to a local rsyslog over RELP (issue 13's target: at least
# 50,000 alerts/s, and catching up after an outage at least as fast), with
# nfipsd's own parts (selftests/unit/deliver_tool: its EVE log writer and
# its delivery threads) and a private rsyslogd on 127.0.0.1.
#
#   steady:   the sender running and caught up; RATE alerts a second
#             appended by nfipsd's EVE log writer for SECONDS, paced every
#             10 ms. Kept up when the last one reached the collector
#             within a second of being written.
#   catch-up: the collector stopped, BACKLOG alerts written while it is
#             down (the sender retrying every 100-500 ms), the collector
#             started: the time from its first record to its last.
#
# Each phase prints its wall-clock rate, the CPU seconds the sender and
# rsyslogd used per 100,000 alerts (what the pair needs of a core of its
# own, whatever the load of the moment took from the wall time) and the
# load average at its start. Last, every sequence number must have
# arrived. Usage: deliver-bench.sh [RATE] [SECONDS] [BACKLOG] [WINDOW]
#
# rsyslogd runs the shipped Documentation/collector/nfips-collector.conf
# (imrelp into its own disk-assisted queue, a file per sensor; ports,
# paths and a throw-away certificate for its TLS listeners rewritten);
# DELIVER_COLLECTOR=minimal runs imrelp -> omfile on the main queue instead.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tool=${DELIVER_TOOL:-$here/../unit/deliver_tool}
RATE=${1:-50000}
SECONDS_=${2:-10}
BACKLOG=${3:-500000}
WINDOW=${4:-1024}
w=$(mktemp -d /tmp/deliver_bench.XXXXXX)
rs=
sender=
cleanup() {
	[ -z "$sender" ] || { kill "$sender" && wait "$sender"; } 2>/dev/null || true
	[ -z "$rs" ] || { kill "$rs" && wait "$rs"; } 2>/dev/null || true
	rm -rf "$w"
}
trap cleanup EXIT
port=$((20000 + RANDOM % 20000))
collector=${DELIVER_COLLECTOR:-shipped}
if [ "$collector" = shipped ]; then
	mkdir -p "$w/certs"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=collector.bench" \
		-keyout "$w/certs/collector.key" -out "$w/certs/collector.pem" >/dev/null 2>&1
	cp "$w/certs/collector.pem" "$w/certs/ca.pem"
	{
		echo "global(workDirectory=\"$w\" maxMessageSize=\"256k\")"
		sed -e "s|/etc/rsyslog.d/nfips/|$w/certs/|g" -e "s|/var/log/nfips-soc|$w/soc|g" \
			-e "s|port=\"2514\"|port=\"$port\"|" -e "s|port=\"2515\"|port=\"$((port + 1))\"|" \
			-e "s|port=\"6514\"|port=\"$((port + 2))\"|" \
			"$here/../../Documentation/collector/nfips-collector.conf"
	} >"$w/rs.conf"
	out=$w/soc/bench/eve.json
else
	out=$w/out.json
	cat >"$w/rs.conf" <<EOF2
global(workDirectory="$w" maxMessageSize="256k")
module(load="imrelp")
input(type="imrelp" port="$port" ruleset="r")
template(name="nfips_eve" type="string" string="%msg%\n")
ruleset(name="r") { action(type="omfile" file="$out" template="nfips_eve") }
EOF2
fi
cat >"$w/nfipsd.conf" <<EOF2
rules = [ "unused.rules" ];
log = { eve = "$w/eve.json"; };
state = { path = "$w/nfipsd.state"; };
collectors = ( { name = "bench"; transport = "relp"; host = "127.0.0.1"; port = $port;
		 window = $WINDOW; retry_min = 100; retry_max = 500; } );
EOF2

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' /; }
calc() { python3 -c "print(f'{$1:$2}')"; }
# CPU seconds (user + system) of a process so far, its exited threads included.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
# Blocks until FILE has N lines (read as it grows, not counted again each
# time), at most T seconds; prints when its first line came if FIRST is set.
wait_lines() {
	python3 - "$@" <<'PY'
import os, sys, time
path, n, limit = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
skip = int(sys.argv[4]) if len(sys.argv) > 4 else -1
end, seen, first, f = time.time() + limit, 0, None, None
while time.time() < end:
    if f is None and os.path.exists(path):
        f = open(path, "rb")
    data = f.read(1 << 22) if f else b""
    if data:
        seen += data.count(b"\n")
        if first is None and seen > skip >= 0:
            first = time.time()
        if seen >= n:
            break
    else:
        time.sleep(0.02)
if first is not None:
    print(f"{first:.6f}")
sys.exit(0 if seen >= n else 1)
PY
}
start_rs() {
	rsyslogd -n -f "$w/rs.conf" -i "$w/rs.pid" 2>>"$w/rs.log" &
	rs=$!
}

"$tool" append "$w/probe.json" 100 bench
echo "# host $(nproc) CPUs, RELP window $WINDOW, records of ~$(($(wc -c <"$w/probe.json") / 100)) bytes, collector $collector, nice $(nice)"
start_rs
sleep 1
"$tool" run "$w/nfipsd.conf" 2>"$w/sender.log" &
sender=$!
sleep 1

# ---- steady rate ---------------------------------------------------------
n=$((RATE * SECONDS_))
l=$(load) cs0=$(cpu "$sender") cr0=$(cpu "$rs") t0=$(now)
"$tool" append "$w/eve.json" "$n" bench "$RATE" >"$w/append.out"
t1=$(now)
wait_lines "$out" "$n" 600 || { echo "deliver: steady: not all $n arrived" >&2; exit 1; }
t2=$(now)
cs=$(calc "$(cpu "$sender") - $cs0" .2f) cr=$(calc "$(cpu "$rs") - $cr0" .2f)
drain=$(calc "$t2 - $t1" .2f)
kept=no
python3 -c "import sys; sys.exit(0 if $drain <= 1.0 and $t1 - $t0 <= $SECONDS_ * 1.05 else 1)" && kept=yes
echo "deliver phase=steady target=$RATE alerts=$n appended_s=$(calc "$t1 - $t0" .2f)" \
	"appended_rate=$(calc "$n / ($t1 - $t0)" .0f) drain_s=$drain" \
	"rate=$(calc "$n / ($t2 - $t0)" .0f) sender_cpu=$cs rsyslogd_cpu=$cr" \
	"sender_cpu_100k=$(calc "$cs * 100000 / $n" .3f) rsyslogd_cpu_100k=$(calc "$cr * 100000 / $n" .3f)" \
	"load=$l kept_up=$kept"

# ---- outage and catch-up --------------------------------------------------
kill "$rs"
wait "$rs" 2>/dev/null || true
rs=
"$tool" append "$w/eve.json" "$BACKLOG" bench
sleep 1		# the sender has tried and failed: it is in its backoff
total=$((n + BACKLOG))
have=$(wc -l <"$out")
l=$(load) cs0=$(cpu "$sender") t0=$(now)
start_rs
first=$(wait_lines "$out" "$total" 1200 "$have") ||
	{ echo "deliver: catch-up: not all $total arrived" >&2; exit 1; }
t2=$(now)
cs=$(calc "$(cpu "$sender") - $cs0" .2f) cr=$(cpu "$rs")
echo "deliver phase=catchup alerts=$BACKLOG start_s=$(calc "$first - $t0" .2f)" \
	"catchup_s=$(calc "$t2 - $first" .2f) rate=$(calc "$BACKLOG / ($t2 - $first)" .0f)" \
	"sender_cpu=$cs rsyslogd_cpu=$cr" \
	"sender_cpu_100k=$(calc "$cs * 100000 / $BACKLOG" .3f)" \
	"rsyslogd_cpu_100k=$(calc "$cr * 100000 / $BACKLOG" .3f) load=$l"

# ---- nothing lost ---------------------------------------------------------
python3 - "$out" "$total" <<'PY'
import re, sys
seqs = [int(m.group(1)) for m in re.finditer(rb'"sequence":(\d+)', open(sys.argv[1], "rb").read())]
want, got = int(sys.argv[2]), set(seqs)
missing = want - len(got & set(range(1, want + 1)))
print(f"deliver check: sequences 1..{want}: {missing} missing, {len(seqs) - len(got)} duplicates")
sys.exit(1 if missing else 0)
PY
