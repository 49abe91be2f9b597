#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the kernel selftests (selftests/kernel/*.sh) in a QEMU guest that
# boots the distribution kernel the module was built for, with the host's
# root mounted read-only over 9p, so the guest has every host tool and the
# freshly built kmod/nfips.ko at the same path as on the host.
#
# Prints the guest's TAP results, then two checks of its own: the guest
# reported completion (no crash, panic or timeout) and the kernel log is
# free of warnings, oopses, lockdep/RCU splats and hung tasks. Any of those
# fails the run even when every test script passed.
#
# Usage: run.sh [TEST.sh...]   (default: every test script)
#        run.sh --script FILE  boot and load the module as for the tests, then
#                              run FILE (a bash script in the work tree)
#                              instead of them, showing its output as it
#                              comes (make demo, make bench-kernel); the
#                              harness's checks follow
#
# Environment:
#   NFIPS_QEMU_ACCEL=kvm     use KVM (default tcg: nested KVM hangs on some
#                            CI hosts, and TCG is slow but always works)
#   NFIPS_QEMU_TCG_THREAD=single  one host thread for both vCPUs: about
#                            twice as fast (exec needs no cross-vCPU TLB
#                            flushes) but the vCPUs never truly run at the
#                            same time, so races hide; default multi
#   NFIPS_QEMU_TIMEOUT=SEC   kill the guest after SEC seconds (default 3000)
#   NFIPS_QEMU_MEM=MIB       guest memory (default 1536)
#   NFIPS_QEMU_SMP=N         guest vCPUs (default 2; make bench-kernel's
#                            KBENCH_SMP measures 1 against 2)
#   NFIPS_TEST_TIMEOUT=SEC   per test script, inside the guest (default 240)
#   NFIPS_QEMU_DISK=FILE     a raw disk image as the guest's /dev/vda
#                            (virtio; selftests/store_powercut.sh)
#   NFIPS_VMLINUZ=PATH       kernel image (default /boot/vmlinuz-<version the
#                            module was built for>)
# For another kernel than the distribution's (the debug kernel of
# `make check-debug`, selftests/kernel/debug/check.sh):
#   NFIPS_KO=PATH            the nfips.ko to test instead of kmod/nfips.ko
#                            (built beforehand for that kernel: run.sh then
#                            builds only the tools); the guest loads it
#   NFIPS_MODULES=DIR        that kernel's modules_install root (has
#                            lib/modules/<version>): the initramfs modules
#                            come from there (none when built in), and the
#                            guest mounts it over /lib/modules
#   NFIPS_CMDLINE=ARGS       appended to the kernel command line; NAME=value
#                            (no dot in NAME) reaches the tests' environment
#   NFIPS_OUT=DIR            logs and initramfs (default selftests/kernel/out)
# Artefacts: selftests/kernel/out/{initramfs.cpio,console.log,tap.log,host.log}
# (the serial ports' files are written to /dev/shm while the guest runs).
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${NFIPS_OUT:-$here/out}
ko=$repo/kmod/nfips.ko
[ -n "${NFIPS_KO:-}" ] && ko=$(realpath -- "$NFIPS_KO")
modroot=
[ -n "${NFIPS_MODULES:-}" ] && modroot=$(realpath -- "$NFIPS_MODULES")
readonly ko modroot
readonly accel=${NFIPS_QEMU_ACCEL:-tcg}
readonly tcg_thread=${NFIPS_QEMU_TCG_THREAD:-multi}
readonly qemu_timeout=${NFIPS_QEMU_TIMEOUT:-3000}
readonly mem=${NFIPS_QEMU_MEM:-1536}
readonly smp=${NFIPS_QEMU_SMP:-2}
readonly console_log=$out/console.log tap_log=$out/tap.log
# What QEMU writes the serial ports to while the guest runs (keep_serial()).
serial_dir='' guest_console=$console_log guest_tap=$tap_log
readonly initramfs=$out/initramfs.cpio
readonly done_marker='# nfips-guest: done'

# Kernel log lines that fail the run. Only lines with a printk timestamp
# are searched, so test output that merely mentions a word cannot match.
readonly bad_patterns=(
	'WARNING:'
	'BUG:'
	'kernel BUG at'
	'Oops'
	'general protection fault'
	'Call Trace:'
	'Kernel panic'
	'possible circular locking'
	'possible recursive locking'
	'suspicious RCU usage'
	'sleeping function called from invalid context'
	'blocked for more than'
	'rcu_.* detected stalls'
	'soft lockup'
	'hard LOCKUP'
	'UBSAN:'
	'KASAN:'
	'refcount_t:'
	'list_(add|del) corruption'
)

die() {
	echo "not ok 1 - kernel selftests: $*"
	exit 1
}

# build_module: the module, nfipsctl and the test helpers the guest runs;
# make is incremental, so this costs little when up to date. A module given
# with NFIPS_KO was built by whoever set it.
build_module() {
	local what=(module tools)

	[ -n "${NFIPS_KO:-}" ] && what=(tools)
	{ make -s -C "$repo" "${what[@]}" && make -s -C "$here"; } >"$out/build.log" 2>&1 || {
		sed 's/^/# /' "$out/build.log" | tail -n 40
		die "make module failed"
	}
}

# kernel_version: the version kmod/nfips.ko was built for; only that
# kernel will load it (vermagic).
kernel_version() {
	modinfo -F vermagic "$ko" | awk '{ print $1 }'
}

check_host() {
	local c

	for c in qemu-system-x86_64 cpio modprobe timeout flock; do
		command -v "$c" >/dev/null ||
			die "$c not installed: run selftests/deps.sh"
	done
	[ -r "$vmlinuz" ] ||
		die "no kernel image $vmlinuz: apt-get install linux-image-$kver (selftests/deps.sh)"
	if [ -n "$modroot" ]; then
		[ -d "$modroot/lib/modules/$kver" ] ||
			die "no $modroot/lib/modules/$kver (NFIPS_MODULES)"
	else
		[ -d "/lib/modules/$kver/kernel" ] ||
			die "no /lib/modules/$kver/kernel: apt-get install linux-image-$kver"
	fi
	# A dynamic busybox would not find its libraries in the initramfs.
	ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' ||
		die "/bin/busybox is not static: apt-get install busybox-static"
	case $repo$ko$modroot in
	*[[:space:]]*) die "work tree path '$repo' contains spaces (kernel command line)" ;;
	esac
}

# build_initramfs: busybox, the 9p/virtio modules in load order, and
# initramfs-init as /init. Rebuilt every run: it takes well under a second.
build_initramfs() {
	local root=$out/initramfs deps='' m

	rm -rf "$root"
	mkdir -p "$root/bin" "$root/lib/modules"
	cp /bin/busybox "$root/bin/busybox"
	cp "$here/initramfs-init" "$root/init"
	chmod 755 "$root/init"

	# virtio_pci finds the 9p device, 9pnet_virtio carries 9p over it, 9p is
	# the filesystem. --show-depends lists dependencies first (and again for
	# each module that needs them: keep the first), "builtin" for built-ins.
	for m in virtio_pci 9pnet_virtio 9p; do
		deps+=$(modprobe ${modroot:+-d "$modroot"} -S "$kver" --show-depends "$m")$'\n' ||
			die "modprobe cannot resolve $m for $kver"
	done
	for m in $(echo "$deps" | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'); do
		cp "$m" "$root/lib/modules/" || die "cannot copy $m"
		echo "/lib/modules/${m##*/}" >>"$root/modules.list"
	done
	# A kernel with all three built in (the debug kernel) needs none.
	if [ ! -s "$root/modules.list" ]; then
		[ "$(echo "$deps" | awk '$1 == "builtin"' | wc -l)" -ge 3 ] ||
			die "no modules for the initramfs"
		: >"$root/modules.list"
	fi

	(cd "$root" && find . | cpio -o -H newc --quiet) >"$initramfs" ||
		die "cannot write $initramfs"
}

# host_watch: every 5 s while the guest runs, a line of what the host gave
# it: seconds since the boot, how long the last interval really took (a
# paused or frozen host shows as a long one), load, and the host's CPU time
# split into busy, iowait and steal (a hypervisor starving the host) in
# percent. A stall or lockup in the guest is then told apart from a host
# that stopped running it (report() prints the lines around a splat).
host_watch() {
	local t0 prev now a b

	t0=$(date +%s)
	prev=$t0
	read -r _ a <<<"$(head -n 1 /proc/stat)"
	echo "# guest_s interval_s load1 busy% iowait% steal%"
	# Until run.sh is gone, however it ends ($$ is run.sh's pid here too).
	while sleep 5 && kill -0 "$$" 2>/dev/null; do
		now=$(date +%s)
		read -r _ b <<<"$(head -n 1 /proc/stat)"
		# user nice system idle iowait irq softirq steal
		awk -v a="$a" -v b="$b" -v t=$((now - t0)) -v dt=$((now - prev)) \
			-v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
			split(a, x); split(b, y)
			for (i = 1; i <= 8; i++) d[i] = y[i] - x[i]
			total = d[1] + d[2] + d[3] + d[4] + d[5] + d[6] + d[7] + d[8]
			if (total <= 0) total = 1
			printf "%d %d %s %d %d %d\n", t, dt, load,
				100 * (d[1] + d[2] + d[3] + d[6] + d[7]) / total,
				100 * d[5] / total, 100 * d[8] / total
		}'
		prev=$now
		a=$b
	done
}

# serial_in_memory: the serial ports' files in tmpfs while the guest runs.
# QEMU writes each character in the thread of the vCPU that prints it,
# under its global lock, and the guest's console driver prints with
# interrupts off: a write that waits for the host's disk (writeback
# throttling on a busy CI disk) stops that vCPU and, with the lock, every
# vCPU's timers; the guest then reports stalls and soft lockups that are
# the host's. keep_serial copies them to $out when the guest is done (and
# on any exit). Without a writable /dev/shm they go to $out directly.
serial_in_memory() {
	# A run killed before it could copy them left links.
	rm -f "$console_log" "$tap_log"
	serial_dir=$(mktemp -d /dev/shm/nfips-guest.XXXXXX 2>/dev/null) || {
		serial_dir=''
		return 0
	}
	guest_console=$serial_dir/console.log guest_tap=$serial_dir/tap.log
	trap keep_serial EXIT
	# Followed as before while the guest runs.
	ln -sfn "$guest_console" "$console_log"
	ln -sfn "$guest_tap" "$tap_log"
}

keep_serial() {
	[ -n "$serial_dir" ] || return 0
	cp --remove-destination "$guest_console" "$console_log"
	cp --remove-destination "$guest_tap" "$tap_log"
	rm -rf "$serial_dir"
	serial_dir=''
}

# run_guest: boot, and give up after $qemu_timeout seconds. The guest has
# no network device: nothing it sends can leave it.
run_guest() {
	local accel_opts cmdline qemu qemu_pid rc

	case $accel in
	kvm) accel_opts=(-accel kvm -cpu host) ;;
	tcg)
		case $tcg_thread in
		multi | single) ;;
		*) die "NFIPS_QEMU_TCG_THREAD=$tcg_thread: use multi or single" ;;
		esac
		accel_opts=(-accel "tcg,thread=$tcg_thread" -cpu max)
		;;
	*) die "NFIPS_QEMU_ACCEL=$accel: use tcg or kvm" ;;
	esac
	case $smp in
	[1-9] | [1-9][0-9]) ;;
	*) die "NFIPS_QEMU_SMP=$smp: a number of vCPUs from 1 to 99" ;;
	esac

	# panic=-1 with -no-reboot: any panic ends QEMU at once. oops, soft
	# lockup and hung task panic so that the guest stops where it broke
	# instead of running into the timeout. Under TCG a vCPU can be starved
	# by a busy host, so the stall detectors get more slack than on metal.
	cmdline="console=ttyS0,115200 printk.time=1 loglevel=7"
	cmdline+=" panic=-1 oops=panic softlockup_panic=1 hung_task_panic=1"
	cmdline+=" watchdog_thresh=30 rcupdate.rcu_cpu_stall_timeout=60"
	cmdline+=" nfips_repo=$repo"
	# TCG's TSC is the host's, one monotonic clock for every vCPU, but its
	# CPU model (AMD, several CPUs, no constant-TSC flag) has the guest mark
	# it unstable: time then comes from the emulated HPET, every read a
	# device access under QEMU's global lock, and the per-CPU scheduler
	# clocks (printk's times) drift apart, so that a stall report's lines
	# from two CPUs disagree by a minute. Trusted, the tests run ~10%
	# faster. Only on a host whose own TSC is constant: QEMU keeps the
	# guest's from going backwards by pushing it ahead.
	if [ "$accel" = tcg ] && grep -qw constant_tsc /proc/cpuinfo &&
		grep -qw nonstop_tsc /proc/cpuinfo; then
		cmdline+=" tsc=reliable"
	fi
	# name=value without a dot reaches the guest's init as an environment
	# variable, and guest-init passes it on.
	[ ${#only_tests[@]} -gt 0 ] &&
		cmdline+=" nfips_tests=$(IFS=,; echo "${only_tests[*]}")"
	[ -n "$script" ] && cmdline+=" nfips_script=$script"
	[ -n "${NFIPS_TEST_TIMEOUT:-}" ] &&
		cmdline+=" NFIPS_TEST_TIMEOUT=$NFIPS_TEST_TIMEOUT"
	[ -n "${NFIPS_KO:-}" ] && cmdline+=" NFIPS_KO=$ko"
	[ -n "$modroot" ] && cmdline+=" NFIPS_MODULES=$modroot"
	[ -n "${NFIPS_CMDLINE:-}" ] && cmdline+=" $NFIPS_CMDLINE"

	: >"$guest_console"
	: >"$guest_tap"
	# Not holding the harness lock (fd 9) past the run in its last sleep.
	host_watch >"$out/host.log" 2>&1 9>&- &
	watch_pid=$!
	qemu=(timeout -k 10 "$qemu_timeout" qemu-system-x86_64
		"${accel_opts[@]}" -smp "$smp" -m "$mem"
		-nodefaults -nographic -no-reboot -monitor none
		-kernel "$vmlinuz" -initrd "$initramfs" -append "$cmdline"
		-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap
		-serial "file:$guest_console" -serial "file:$guest_tap")
	[ -n "${NFIPS_QEMU_DISK:-}" ] &&
		qemu+=(-drive "file=$NFIPS_QEMU_DISK,format=raw,if=virtio")
	# The guest runs in the background, where it would not see a ^C:
	# the trap stops it (timeout passes the TERM on to QEMU) when run.sh
	# is interrupted or killed, which would otherwise leave QEMU running.
	# A script's output is shown as it comes: tail follows the TAP port
	# until QEMU exits.
	"${qemu[@]}" </dev/null >"$out/qemu.log" 2>&1 &
	qemu_pid=$!
	# The logs are kept (the EXIT trap) once QEMU has let go of them.
	trap 'kill "$qemu_pid" "$watch_pid" 2>/dev/null; wait "$qemu_pid"; exit 130' INT TERM HUP
	[ -z "$script" ] ||
		tail -n +1 -s 0.5 --pid="$qemu_pid" -F "$guest_tap" 2>/dev/null
	wait "$qemu_pid"
	rc=$?
	trap - INT TERM HUP
	return "$rc"
}

# kernel_splats: timestamped kernel log lines matching a bad pattern, each
# followed by the test that was running (from guest-init's "# running").
kernel_splats() {
	local re

	re=$(IFS='|'; echo "${bad_patterns[*]}")
	tr -d '\r' <"$console_log" | awk -v re="$re" '
		/^TAP version/ { test = "guest-init" }
		/^# running / { test = $3 }
		/^\[ *[0-9]+\.[0-9]+\]/ && $0 ~ re {
			print $0 "\t" (test == "" ? "boot" : test)
		}'
}

# splat_context LINE: the console from the first bad line on (a stall's
# report names the stuck CPU and holds its backtrace), and what the host
# gave the guest in the minutes before it: a long interval or high steal
# there means the host, not the guest, stopped.
splat_context() {
	local first=$1 ts

	echo "# the console from the first of those lines:"
	tr -d '\r' <"$console_log" | grep -anxF -- "$first" | head -n 1 | cut -d: -f1 |
		while read -r n; do
			tr -d '\r' <"$console_log" | sed -n "$((n > 3 ? n - 3 : 1)),$((n + 60))p"
		done | sed 's/^/#   /'
	ts=$(echo "$first" | sed -n 's/^\[ *\([0-9]*\)\..*/\1/p')
	[ -n "$ts" ] && [ -s "$out/host.log" ] || return 0
	echo "# the host around it ($out/host.log):"
	awk -v ts="$ts" 'NR == 1 || ($1 >= ts - 150 && $1 <= ts + 30)' "$out/host.log" |
		sed 's/^/#   /'
}

# report: re-emit the guest's TAP, then the harness's own two checks.
report() {
	local qemu_rc=$1 n splats failed=0

	# A script's output was shown while it ran.
	[ -n "$script" ] ||
		tr -d '\r' <"$tap_log" | grep -vE '^(TAP version|1\.\.)' | grep -E '^(ok|not ok|#)'
	n=$(tr -d '\r' <"$tap_log" | grep -cE '^(ok|not ok) [0-9]+')
	tr -d '\r' <"$tap_log" | grep -qE '^not ok [0-9]+' && failed=1

	n=$((n + 1))
	if tr -d '\r' <"$tap_log" | grep -qxF "$done_marker"; then
		echo "ok $n - guest completed"
	else
		failed=1
		case $qemu_rc in
		124 | 137) echo "not ok $n - guest completed # TIMEOUT after ${qemu_timeout}s" ;;
		0) echo "not ok $n - guest completed # guest stopped early: crash or panic" ;;
		*) echo "not ok $n - guest completed # qemu exited $qemu_rc" ;;
		esac
		sed 's/^/# qemu: /' "$out/qemu.log"
	fi

	n=$((n + 1))
	splats=$(kernel_splats)
	if [ -z "$splats" ]; then
		echo "ok $n - kernel log clean"
	else
		failed=1
		echo "$splats" | head -n 1 | {
			IFS=$'\t' read -r line during
			echo "not ok $n - kernel log clean # ${line#*] } (during $during)"
		}
		echo "$splats" | head -n 20 | cut -f1 | sed 's/^/# /'
		splat_context "$(echo "$splats" | head -n 1 | cut -f1)"
	fi
	echo "1..$n"

	if [ "$failed" = 1 ]; then
		echo "# last 60 lines of $console_log:"
		tr -d '\r' <"$console_log" | tail -n 60 | sed 's/^/# /'
	fi
	return "$failed"
}

main() {
	local start rc t

	mkdir -p "$out" "$here/out"
	# Two guests at once would overwrite each other's logs (and halve TCG).
	exec 9>"$here/out/.lock"
	flock 9

	start=$(date +%s)
	only_tests=()
	script=
	if [ "${1:-}" = --script ]; then
		[ $# = 2 ] || die "usage: run.sh --script FILE"
		# The guest has the work tree at the same path.
		t=$(realpath -e -- "$2" 2>/dev/null) || die "no script $2"
		case $t in
		"$repo"/*) script=${t#"$repo"/} ;;
		*) die "script $2 is not in the work tree $repo" ;;
		esac
		case $script in
		*[[:space:],]*) die "script path '$script' contains blanks or commas" ;;
		esac
		shift 2
	fi
	for t; do
		t=${t##*/}
		[ -f "$here/$t" ] || die "no test $here/$t"
		only_tests+=("$t")
	done
	build_module
	kver=$(kernel_version)
	[ -n "$kver" ] || die "cannot read the vermagic of kmod/nfips.ko"
	vmlinuz=${NFIPS_VMLINUZ:-/boot/vmlinuz-$kver}
	check_host
	build_initramfs

	echo "# booting $vmlinuz ($accel, timeout ${qemu_timeout}s)"
	serial_in_memory
	run_guest
	rc=$?
	kill "$watch_pid" 2>/dev/null
	keep_serial
	report "$rc"
	rc=$?
	echo "# ${script:-kernel selftests} took $(($(date +%s) - start))s; logs in $out"
	return "$rc"
}

main "$@"
