#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installs the Debian packages that building and testing nfips need.
# Idempotent: does nothing when everything is already installed.
set -euo pipefail

# One group per concern, so a reader sees why each package is here.
build=(make gcc pkg-config linux-headers-amd64)
# The matcher benchmark's oracle is Hyperscan (hs.h): Vectorscan, its portable
# fork with the same API, conflicts with the libhyperscan5 Suricata needs.
matcher_tests=(clang-14 libclang-rt-14-dev libhyperscan-dev python3)
ctl=(libpcre2-dev libssl-dev libpcap-dev libnl-genl-3-dev libmnl-dev libnetfilter-queue-dev libconfig-dev
	libsqlite3-dev tzdata)
# SOC delivery: json-c reads the EVE records, librelp and OpenSSL send them.
deliver=(libjson-c-dev librelp-dev libssl-dev)
# Its tests run stock rsyslog collectors (RELP, TLS, every shipped fan-out
# module for rsyslogd -N1), a private PostgreSQL, and make a test CA.
deliver_tests=(rsyslog rsyslog-relp rsyslog-gnutls rsyslog-pgsql rsyslog-kafka
	rsyslog-elasticsearch postgresql openssl)
# Mail to the contacts: libcurl's SMTP; its tests run a real SMTP server.
mail=(libcurl4-openssl-dev)
mail_tests=(python3-aiosmtpd openssl)
dkms=(dkms)
# nfipsctl replay tests build their captures with scapy and validate the
# EVE records against Suricata's schema (selftests/eve/)
replay_tests=(python3-scapy python3-jsonschema python3-cryptography)
# make bench-replay rewrites suricata.yaml (selftests/bench/replay-bench.py)
bench_replay=(python3-yaml)
# checkpatch.pl for the kernel coding style test
style=(linux-source-6.1 xz-utils perl)
# Kernel selftests boot the distribution kernel in a QEMU guest whose root is
# the host's, so the guest runs the host's busybox, iproute2, nft, socat.
# ethtool: GRO on and off on the guest's veths (gro_segments.sh).
kernel_tests=(linux-image-amd64 qemu-system-x86 busybox-static cpio kmod
	iproute2 iputils-ping nftables iptables socat ethtool)
# make demo: a web server behind the gateway, real clients and a scanner
demo=(nginx curl nmap)
# nfipsctl push tests: a private sshd the test starts on 127.0.0.1 (push.sh),
# visudo checks the shipped sudoers line
push_tests=(openssh-server openssh-client sudo)
# make bench-kernel: throughput through the gateway in the guest
bench_kernel=(iperf3 wrk tcpdump)

# Reports: PDF and the HTML's rendering checked in headless Chromium, with
# Japanese fonts for the Japanese report (selftests/unit/report_cli.sh)
report_tests=(chromium fonts-noto-cjk)
# Reverse DNS through the real resolver: a dnsmasq the test starts on
# 127.0.0.77 in a mount namespace of its own (selftests/unit/rdns_dns.sh)
rdns_tests=(dnsmasq-base)

# Suricata 7, the reference for what a rule means (the differential replay
# tests, suricata-diff): Debian's, from bookworm-backports only. libhtp-dev
# from there too: the replay's HTTP parser is the libhtp 0.5.50 Suricata 7
# links (bookworm's own is 0.5.42 and parses some requests differently).
backports=(suricata libhtp-dev)

want=("${build[@]}" "${matcher_tests[@]}" "${ctl[@]}" "${deliver[@]}" "${deliver_tests[@]}" "${mail[@]}" "${mail_tests[@]}" "${dkms[@]}" "${replay_tests[@]}" "${style[@]}" "${kernel_tests[@]}"
	"${demo[@]}" "${bench_kernel[@]}" "${bench_replay[@]}" "${report_tests[@]}" "${push_tests[@]}"
	"${rdns_tests[@]}")
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
# The mirror of the system's bookworm source (deb822 or one-line format).
debian_mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			uri = ""; ok = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); uri = a[2] }
				if ($i ~ /^Suites:/ && $i ~ /[ \t]bookworm([ \t]|$)/) ok = 1
			}
			if (uri != "" && ok) print uri
		}' "$f"
	done
	# cat fails when a file is missing (no sources.list, no *.list): what
	# the others hold is still the answer, so its status is not the script's.
	{ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || :; } |
		awk '$1 == "deb" {
			for (i = 2; i < NF; i++)
				if ($i !~ /^\[/ && $i !~ /\]$/) {
					if ($(i + 1) == "bookworm")
						print $i
					break
				}
		}'
}

bp_missing=()
for p in "${backports[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		bp_missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && [ ${#bp_missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages: ${missing[*]} ${bp_missing[*]}" >&2
	echo "deps: run as root (bookworm-backports gives ${backports[*]})" >&2
	exit 1
fi
echo "deps: installing ${missing[*]} ${bp_missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# bookworm-backports from the mirror the system already uses, at the default
# priority: nothing comes from it unless asked for with -t.
if [ ${#bp_missing[@]} -gt 0 ] &&
	! grep -rqs --include='*.list' --include='*.sources' --include=sources.list \
		'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d; then
	mirror=$(debian_mirror | head -n 1)
	printf '%s\n' 'Types: deb' "URIs: ${mirror:-http://deb.debian.org/debian}" \
		'Suites: bookworm-backports' 'Components: main' \
		'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' \
		>/etc/apt/sources.list.d/bookworm-backports.sources
fi
apt-get update -q
# libhyperscan5 and libvectorscan5 conflict: an older setup's go.
remove=()
for p in libvectorscan-dev libvectorscan5; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' &&
		remove+=("$p-")
done
[ ${#missing[@]} -eq 0 ] ||
	apt-get install -y -q --no-install-recommends "${missing[@]}" "${remove[@]}"
[ ${#bp_missing[@]} -eq 0 ] ||
	apt-get install -y -q --no-install-recommends -t bookworm-backports "${bp_missing[@]}" \
		"${remove[@]}"
