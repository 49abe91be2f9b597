#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the debug guest after every test (guest-init appends it when
# NFIPS_DEBUG_KERNEL=1): unloads nfips.ko, then asks kmemleak for the
# objects nothing points to any more. It fails on every unreferenced
# object whose allocation backtrace runs through module code: a frame
# "[nfips]" (a module still loaded), or a bare address, which is what
# kmemleak prints for the code of a module that is gone. Everything the
# debug kernel needs is built in, so the only modules this guest ever
# loads are nfips.ko and the detector modules: a module frame is theirs.
# Leaks of the kernel itself are listed, never failed on. Last, lockdep
# must still be on: it switches itself off after a report or a full table.
set -u
source "$(dirname "$0")/../lib.sh"

readonly kml=/sys/kernel/debug/kmemleak

[ "${NFIPS_DEBUG_KERNEL:-}" = 1 ] || skip "debug kernel only (make check-debug)"
require_guest
[ -e "$kml" ] || fail "no $kml: kernel without DEBUG_KMEMLEAK, or kmemleak disabled itself (dmesg)"

for m in $(lsmod | awk 'NR > 1 { print $1 }'); do
	rmmod "$m" || fail "rmmod $m"
done
# kmemleak reports an object only once it is 5 s old, and only from the
# second scan that finds it unchanged.
sleep 6
echo scan >"$kml" || fail "kmemleak scan"
sleep 1
echo scan >"$kml" || fail "kmemleak scan"
tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
cat "$kml" >"$tmp/report" || fail "read $kml"

# One block per object: "unreferenced object ...", comm, hex dump,
# "backtrace:", frames "[<ptr>] symbol+off/size [module]" or "[<ptr>] 0x...",
# where ptr may be hashed or "(____ptrval____)".
# Module leaks go to $tmp/module, the kernel's own to $tmp/kernel.
read -r nmod nkern < <(awk -v modf="$tmp/module" -v kernf="$tmp/kernel" '
	function flush() {
		if (block == "")
			return
		if (mod) {
			nmod++
			printf "%s", block > modf
		} else {
			nkern++
			printf "%s", block > kernf
		}
		block = ""
		mod = 0
	}
	/^unreferenced object/ { flush() }
	{ block = block $0 "\n" }
	/^ +\[<[^>]*>\] / {
		if ($2 ~ /^0x[0-9a-f]+$/ || $0 ~ /\[nfips[a-z_]*\]$/)
			mod = 1
	}
	END {
		flush()
		print nmod + 0, nkern + 0
	}' "$tmp/report")
if [ "$nkern" -gt 0 ]; then
	log "$nkern unreferenced objects of the kernel itself, not a module's (first 40 lines):"
	head -n 40 "$tmp/kernel" | sed 's/^/  /'
fi
if [ "$nmod" -gt 0 ]; then
	sed 's/^/  /' "$tmp/module"
	fail "kmemleak: $nmod objects leaked by module code (backtraces above)"
fi
log "kmemleak: no object leaked by nfips.ko"

# Lockdep stops validating after its first report, a KASAN report or a
# full table; the report itself fails the kernel log check, but a
# validator that went quiet must not pass for a clean run either.
grep -qE '^ *debug_locks: +1$' /proc/lockdep_stats ||
	fail "lockdep turned itself off during the run: locking went unchecked after that (kernel log)"
log "lockdep validated locking until the end"
exit "$ksft_pass"
