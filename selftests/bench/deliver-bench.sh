#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Forwarding rate to a local rsyslog over RELP (issue 13's target: at least
# 50,000 alerts/s, and catching up after an outage at least as fast).
#
#   catch-up: N alerts already in the EVE log (an outage's backlog), the
#             sender started: time until the collector wrote the last one;
#   live:     the sender running, N alerts appended by nfipsd's EVE log
#             writer as fast as it goes: time until the last one arrived.
#
# The collector is rsyslogd with imrelp writing the records to a file (the
# shipped template). Both run on this host: the figure is the pair's, on
# the load of the moment (printed). Usage: deliver-bench.sh [N] [WINDOW]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tool=$here/../unit/deliver_tool
N=${1:-200000}
WINDOW=${2:-128}
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
cat >"$w/rs.conf" <<EOF2
global(workDirectory="$w" maxMessageSize="256k")
module(load="imrelp")
input(type="imrelp" port="$port" ruleset="r")
template(name="nfips_eve" type="string" string="%msg%\n")
ruleset(name="r") { action(type="omfile" file="$w/out.json" template="nfips_eve") }
EOF2
cat >"$w/nfipsd.conf" <<EOF2
rules = [ "unused.rules" ];
log = { eve = "$w/eve.json"; };
state = { path = "$w/nfipsd.state"; };
collectors = ( { name = "bench"; transport = "relp"; host = "127.0.0.1"; port = $port;
		 window = $WINDOW; } );
EOF2
rsyslogd -n -f "$w/rs.conf" -i "$w/rs.pid" 2>"$w/rs.log" &
rs=$!
sleep 1

now() { date +%s.%N; }
lines() { [ -e "$w/out.json" ] && wc -l <"$w/out.json" || echo 0; }
wait_n() { while [ "$(lines)" -lt "$1" ]; do sleep 0.05; done; }
rate() { python3 -c "import sys; n, t = int(sys.argv[1]), float(sys.argv[2]) - float(sys.argv[3]); print(f'{n / t:.0f}')" "$@"; }

echo "# host load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs, RELP window $WINDOW"
"$tool" append "$w/eve.json" "$N" bench
t0=$(now)
"$tool" run "$w/nfipsd.conf" 2>"$w/sender.log" &
sender=$!
wait_n "$N"
t1=$(now)
echo "deliver catch-up: $N alerts in $(python3 -c "print(f'{$t1 - $t0:.2f}')") s: $(rate "$N" "$t1" "$t0") alerts/s"

t0=$(now)
"$tool" append "$w/eve.json" "$N" bench
t2=$(now)
wait_n $((2 * N))
t1=$(now)
echo "deliver live: $N alerts appended in $(python3 -c "print(f'{$t2 - $t0:.2f}')") s, all at the collector after $(python3 -c "print(f'{$t1 - $t0:.2f}')") s: $(rate "$N" "$t1" "$t0") alerts/s"
# CPU seconds each side used for the 2N records: what the pair would do
# on idle cores, whatever the load of the moment took from the wall time.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
cs=$(cpu "$sender") cr=$(cpu "$rs")
echo "deliver CPU for $((2 * N)) alerts: sender $cs s ($(rate $((2 * N)) "$cs" 0) alerts/s per core)," \
	"rsyslogd $cr s ($(rate $((2 * N)) "$cr" 0) alerts/s per core)"
sort -u "$w/out.json" | wc -l | { read -r u; [ "$u" = $((2 * N)) ] || { echo "deliver: $u distinct records, not $((2 * N))" >&2; exit 1; }; }
