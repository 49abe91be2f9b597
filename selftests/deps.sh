#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installs the Debian packages that building and testing nfips need.
# Idempotent: does nothing when everything is already installed.
set -euo pipefail

# One group per concern, so a reader sees why each package is here.
build=(make gcc pkg-config linux-headers-amd64)
matcher_tests=(clang-14 libclang-rt-14-dev libvectorscan-dev python3)
ctl=(libpcre2-dev libpcap-dev libnl-genl-3-dev libmnl-dev libnetfilter-queue-dev libconfig-dev)
dkms=(dkms)
# nfipsctl replay tests build their captures with scapy
replay_tests=(python3-scapy)
# checkpatch.pl for the kernel coding style test
style=(linux-source-6.1 xz-utils perl)
# Kernel selftests boot the distribution kernel in a QEMU guest whose root is
# the host's, so the guest runs the host's busybox, iproute2, nft, socat.
kernel_tests=(linux-image-amd64 qemu-system-x86 busybox-static cpio kmod
	iproute2 iputils-ping nftables iptables socat)
# make demo: a web server behind the gateway, real clients and a scanner
demo=(nginx curl nmap)
# make bench-kernel: throughput through the gateway in the guest
bench_kernel=(iperf3 wrk tcpdump)

want=("${build[@]}" "${matcher_tests[@]}" "${ctl[@]}" "${dkms[@]}" "${replay_tests[@]}" "${style[@]}" "${kernel_tests[@]}"
	"${demo[@]}" "${bench_kernel[@]}")
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages: ${missing[*]}" >&2
	echo "deps: run as root, or: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
