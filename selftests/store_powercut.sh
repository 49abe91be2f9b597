#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A power cut under the alert store: the guest (run.sh --script
# kernel/store_powercut.guest) ingests numbered alerts into a store on a
# real disk image (virtio, ext4) and reports each commit, then reboots by
# sysrq b without syncing. The host then mounts the image: the store
# opens cleanly and holds exactly the alerts 1..K, K at least the last
# commit the guest reported (synchronous=FULL: a commit is on disk).
# Needs root (loop mount) and the guest's tools (qemu, a kernel image).
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
out=${NFIPS_OUT:-$here/kernel/out-powercut}

if [ "$(id -u)" != 0 ] || ! command -v qemu-system-x86_64 >/dev/null ||
   ! command -v mkfs.ext4 >/dev/null; then
	echo "ok 1 - store power cut # SKIP needs root, qemu-system-x86 and e2fsprogs"
	exit 0
fi
make -s -C "$repo/selftests/unit" store_writer_test >/dev/null ||
	{ echo "not ok 1 - store power cut: cannot build store_writer_test"; exit 1; }
mkdir -p "$out"
img=$out/disk.img
mnt=$(mktemp -d)
trap 'umount "$mnt" 2>/dev/null; rmdir "$mnt"; rm -f "$img"' EXIT
rm -f "$img"
truncate -s 256M "$img"

NFIPS_OUT=$out NFIPS_QEMU_DISK=$img NFIPS_QEMU_TIMEOUT=${NFIPS_QEMU_TIMEOUT:-600} \
	"$here/kernel/run.sh" --script selftests/kernel/store_powercut.guest >"$out/run.log" 2>&1
log=$(tr -d '\000\r' <"$out/tap.log")
# The guest's last lines may not leave it before the reset: the kernel's
# own word for the cut is on the console.
if ! tr -d '\000\r' <"$out/console.log" | grep -q 'sysrq: Resetting'; then
	sed 's/^/# /' "$out/run.log" | tail -n 30
	echo "not ok 1 - store power cut: the guest did not reach the cut"
	exit 1
fi
last=$(grep -E '^committed [0-9]+$' <<<"$log" | tail -n 1 | cut -d' ' -f2)
n=$(grep -cE '^committed [0-9]+$' <<<"$log")
echo "# the guest reported $n commits, the last of alert ${last:-none}, then lost power"
[ -n "$last" ] || { echo "not ok 1 - store power cut: no commit reported"; exit 1; }
mount -o loop "$img" "$mnt" ||
	{ echo "not ok 1 - store power cut: cannot mount the image"; exit 1; }
"$repo/selftests/unit/store_writer_test" --check "$mnt/alerts.db" "$last"
