#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Reverse DNS through the real resolver path, no network: in a mount
# namespace of its own, resolv.conf, nsswitch.conf and hosts are this
# test's, naming a dnsmasq (Debian dnsmasq-base) it starts on 127.0.0.77
# with PTR records for 10.x. rdns_test.c's "dns" and "timeout" parts run
# against it and against a server that never answers (127.0.0.78); then
# nfipsctl report makes the daily report of the store they filled while
# the only name server counts every query it gets: the names are in the
# text, JSON and HTML, and the server got none (never looked up at
# report time). TAP.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.lib"

if [ "$(id -u)" != 0 ] || ! command -v dnsmasq >/dev/null || ! command -v unshare >/dev/null
then
	echo "ok 1 # SKIP needs root, unshare and dnsmasq (dnsmasq-base)"
	echo "1..1"
	exit 0
fi
if [ -z "${NFIPS_RDNS_NS:-}" ]; then
	if ! unshare -m --propagation private true 2>/dev/null; then
		echo "ok 1 # SKIP no mount namespace here (unshare -m)"
		echo "1..1"
		exit 0
	fi
	NFIPS_RDNS_NS=1 exec unshare -m --propagation private "$0" "$@"
fi

dir=$(mktemp -d /tmp/nfips_rdns.XXXXXX)
# dnsmasq reads its hosts file as the unprivileged user it becomes
chmod 755 "$dir"
pids=()
cleanup() {
	local p

	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$dir"
}
trap cleanup EXIT

# rdns_test's own TAP lines, numbered on with this script's
sub() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*) ok 0 "${line#ok * - }" ;;
		"not ok "*) ok 1 "${line#not ok * - }" ;;
		"1.."*) ;;
		*) echo "$line" ;;
		esac
	done < <("$@"; echo "# exit $?")
}

# /etc as this test's: what every lookup in this namespace reads
printf '127.0.0.1 localhost\n::1 localhost\n' >"$dir/hosts"
echo "hosts: files dns" >"$dir/nsswitch.conf"
echo "nameserver 127.0.0.77" >"$dir/resolv.conf"
for f in hosts nsswitch.conf resolv.conf; do
	mount --bind "$dir/$f" "/etc/$f" || { echo "not ok 1 - bind /etc/$f"; exit 1; }
done

# dnsmasq: names (PTR and A) from a hosts file; a PTR whose name has no A
# record; every other 10.x reverse name NXDOMAIN (--bogus-priv), as is any
# other name under .test (--local)
cat >"$dir/dns-hosts" <<'EOF'
10.1.2.3 scanner.attack.test
10.0.0.10 web1.customer.test
fd6e::66 attacker6.attack.test
EOF
dnsmasq --keep-in-foreground --conf-file=/dev/null --port=53 --listen-address=127.0.0.77 \
	--bind-interfaces --no-resolv --no-hosts --addn-hosts="$dir/dns-hosts" --bogus-priv \
	--local=/test/ --local=/ip6.arpa/ --ptr-record=4.2.1.10.in-addr.arpa,liar.attack.test \
	--pid-file="$dir/dnsmasq.pid" --log-queries --log-facility="$dir/dnsmasq.log" &
pids+=($!)
for _ in $(seq 50); do
	getent hosts scanner.attack.test >/dev/null && break
	sleep 0.1
done
[ "$(getent hosts 10.1.2.3 | awk '{print $2}')" = scanner.attack.test ]
ok $? "dnsmasq answers PTR queries for 10.x in this namespace"

mkdir "$dir/dns" "$dir/timeout"
sub "$here/rdns_test" dns "$dir/dns"

# A name server that never answers, counting what it receives.
blackhole() { # ADDRESS COUNT-FILE
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
n = 0
open(sys.argv[2], "w").write("0\n")
while True:
    s.recvfrom(4096)
    n += 1
    open(sys.argv[2], "w").write(f"{n}\n")
' "$1" "$2" &
	pids+=($!)
	for _ in $(seq 50); do
		[ -s "$2" ] && break
		sleep 0.1
	done
}
blackhole 127.0.0.78 "$dir/timeout.count"
echo "nameserver 127.0.0.78" >"$dir/resolv.conf"
sub "$here/rdns_test" timeout "$dir/timeout"
[ "$(cat "$dir/timeout.count")" -gt 0 ]
ok $? "the lookups did reach the silent server ($(cat "$dir/timeout.count") queries)"

# The report: the only name server is a silent one that counts.
kill "${pids[0]}"
blackhole 127.0.0.79 "$dir/report.count"
echo "nameserver 127.0.0.79" >"$dir/resolv.conf"
ctl=$here/../../ctl/nfipsctl/nfipsctl
day=$(date +%F)
for f in text json html; do
	expect 0 "nfipsctl report daily --format $f of the store the resolver filled" -- \
		"$ctl" report daily --date "$day" --store "$dir/dns/alerts.db" --tz UTC \
		--format $f -o "$dir/report.$f"
done
grep -q "10.1.2.3  scanner.attack.test (" "$dir/report.text" &&
	grep -q "10.1.2.4  liar.attack.test (unconfirmed, " "$dir/report.text" &&
	grep -q "10.0.0.10  web1.customer.test (" "$dir/report.text"
ok $? "the text report shows the stored names beside the sources and the target"
python3 - "$dir/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
src = {s["ip"]: s for s in r["top_sources"]}
dst = {s["ip"]: s for s in r["top_targets"]}
assert r["rdns_recorded"] is True
assert (src["10.1.2.3"]["rdns"], src["10.1.2.3"]["rdns_status"]) == \
    ("scanner.attack.test", "confirmed"), src
assert (src["10.1.2.4"]["rdns"], src["10.1.2.4"]["rdns_status"]) == \
    ("liar.attack.test", "unconfirmed"), src
assert (src["10.9.9.9"]["rdns"], src["10.9.9.9"]["rdns_status"]) == (None, "none"), src
assert src["127.0.0.1"]["rdns_status"] is None, src
assert dst["10.0.0.10"]["rdns"] == "web1.customer.test", dst
PY
ok $? "the JSON report: confirmed, unconfirmed, no PTR, never looked up"
grep -q '<td class="rdns" data-status="confirmed">scanner.attack.test (' "$dir/report.html"
ok $? "the HTML report: the name in its column"
sleep 0.3
[ "$(cat "$dir/report.count")" = 0 ]
ok $? "no query reached the name server while the reports were made" \
	"($(cat "$dir/report.count"))"

echo "1..$n"
exit $failed
