#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfips.ko loads and unloads cleanly, repeatedly: every load runs the
# matcher self-test in module init and logs "nfips: loaded", every unload
# logs "nfips: unloaded", and lsmod agrees each time. A second insmod of a
# loaded module must be refused, not crash, and so must a max_flows whose
# table could never be allocated. Leaves the module loaded if it
# was loaded before (guest-init loads it for the tests that follow).
set -u
source "$(dirname "$0")/lib.sh"

readonly cycles=5

require_guest
require_cmd insmod rmmod lsmod dmesg
[ -f "$nfips_ko" ] || fail "$nfips_ko not built (make module)"

loaded() {
	lsmod | awk '$1 == "nfips" { found = 1 } END { exit !found }'
}

was_loaded=0
loaded && was_loaded=1

# restore: put the module back as guest-init left it.
# shellcheck disable=SC2317 # called from the EXIT trap
restore() {
	if [ "$was_loaded" = 1 ] && ! loaded; then
		insmod "$nfips_ko"
	elif [ "$was_loaded" = 0 ] && loaded; then
		rmmod nfips
	fi
}
on_exit restore

if loaded; then
	rmmod nfips || fail "rmmod of the module guest-init loaded"
fi
loaded && fail "lsmod still lists nfips after rmmod"

for ((i = 1; i <= cycles; i++)); do
	kmsg "load $i"
	insmod "$nfips_ko" || fail "cycle $i: insmod failed"
	loaded || fail "cycle $i: lsmod does not list nfips after insmod"
	dmesg_since "load $i" | grep -q 'nfips: loaded' ||
		fail "cycle $i: no 'nfips: loaded' in dmesg"
	[ -d /sys/module/nfips ] || fail "cycle $i: no /sys/module/nfips"

	if [ "$i" = 1 ]; then
		# The kernel answers EEXIST; the module must stay usable.
		insmod "$nfips_ko" 2>/dev/null && fail "second insmod succeeded"
		loaded || fail "second insmod unloaded the module"
	fi

	kmsg "unload $i"
	rmmod nfips || fail "cycle $i: rmmod failed"
	loaded && fail "cycle $i: lsmod still lists nfips after rmmod"
	dmesg_since "unload $i" | grep -q 'nfips: unloaded' ||
		fail "cycle $i: no 'nfips: unloaded' in dmesg"
	dmesg_since "load $i" | grep -q 'self-test failed' &&
		fail "cycle $i: matcher self-test failed"
done

# A flow table that can never be allocated (kvzalloc refuses more than
# INT_MAX bytes) is refused at load, with a message naming the parameter,
# rather than silently leaving every namespace without one.
kmsg "max_flows"
insmod "$nfips_ko" max_flows=16777216 2>/dev/null && fail "loaded with max_flows=16777216"
loaded && fail "lsmod lists nfips after a refused max_flows"
dmesg_since "max_flows" | grep -q 'max_flows' ||
	fail "no message naming max_flows: $(dmesg_since max_flows)"
insmod "$nfips_ko" || fail "insmod after the refused max_flows"
echo 16777216 >/sys/module/nfips/parameters/max_flows 2>/dev/null &&
	fail "max_flows=16777216 accepted at run time"
rmmod nfips || fail "rmmod after the max_flows checks"

log "$cycles load/unload cycles ok"
exit "$ksft_pass"
