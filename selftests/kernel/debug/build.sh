#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the debug guest kernel of `make check-debug` and the modules the
# debug guest loads, outside the work tree:
#
#   ~/.cache/nfips/debug-kernel/
#     src-VERSION/linux-source-6.1/   Debian's linux-source-6.1, unpacked once
#     VERSION-HASH/                   one kernel per source version and
#                                     fragment (debug.config + build recipe)
#       build/       make O= tree: .config, vmlinux, arch/x86/boot/bzImage
#       mods/        modules_install: lib/modules/RELEASE/modules.builtin...
#       checkout-HASH/  one per work tree (hash of its path), so that two
#                       checkouts testing at once never load each other's
#                       module:
#         nfips/       copy of Kbuild + kmod/ sources; nfips.ko is built here
#         detector/    the detector modules (selftests/kernel/debug/detector)
#       build-seconds, release, done
#
# The kernel is `make allnoconfig` + debug.config merged with
# scripts/kconfig/merge_config.sh -m + `make olddefconfig`, and then every
# line of debug.config is checked against the final .config: an option
# that olddefconfig dropped (a dependency missing from the fragment) fails
# the build with its name, since a silently missing KASAN or lockdep would
# make every later run meaningless.
#
# Usage: build.sh [kernel|modules|all]   (default all)
#   kernel   the kernel only (cached: a no-op once built)
#   modules  the kernel, then nfips.ko and the detector modules against it
#            (incremental: only changed sources are copied and rebuilt)
# On success the last line is shell assignments for check.sh:
#   DEBUG_DIR=... DEBUG_RELEASE=... DEBUG_VMLINUZ=... DEBUG_KO=...
#
# Environment: NFIPS_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/nfips),
# NFIPS_DEBUG_JOBS (make -j, default 2: the build machines have 2 shared
# cores), and the build runs under nice -n 19.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
readonly fragment=$here/debug.config
readonly jobs=${NFIPS_DEBUG_JOBS:-2}
readonly cache=${NFIPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nfips}/debug-kernel
readonly tarball=/usr/src/linux-source-6.1.tar.xz
# Part of the cache key: bump it when the way the kernel is built changes.
readonly recipe=1

die() {
	echo "debug-kernel: $*" >&2
	exit 1
}

log() {
	echo "# debug-kernel: $*" >&2
}

# The tools a kernel build needs beyond what `make check` installs.
check_host() {
	local c missing=()

	[ -r "$tarball" ] || missing+=(linux-source-6.1)
	for c in flex:flex bison:bison bc:bc depmod:kmod xz:xz-utils; do
		command -v "${c%%:*}" >/dev/null || missing+=("${c#*:}")
	done
	[ -e /usr/include/libelf.h ] || missing+=(libelf-dev)
	[ ${#missing[@]} -eq 0 ] && return
	if [ "$(id -u)" -ne 0 ]; then
		die "missing Debian packages: ${missing[*]} (apt-get install them)"
	fi
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >&2 || die "cannot install ${missing[*]}"
}

# Same source package version and same fragment: same kernel.
cache_key() {
	local ver hash

	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null)
	[ -n "$ver" ] || die "linux-source-6.1 is not installed (apt-get install linux-source-6.1)"
	hash=$( { cat "$fragment"; echo "recipe $recipe"; } | sha256sum | cut -c1-12)
	srcver=$ver
	key=$ver-$hash
}

unpack_source() {
	local dst=$cache/src-$srcver tmp

	src=$dst/linux-source-6.1
	[ -f "$dst/done" ] && return
	log "unpacking $tarball"
	rm -rf "$dst"
	tmp=$(mktemp -d "$cache/src-tmp.XXXXXX") || die "mktemp in $cache"
	nice -n 19 tar -C "$tmp" -xJf "$tarball" || die "cannot unpack $tarball"
	[ -f "$tmp/linux-source-6.1/Makefile" ] || die "no linux-source-6.1/ in $tarball"
	mv "$tmp" "$dst" && touch "$dst/done" || die "cannot move the source to $dst"
}

# check_config: every line of the fragment is in the final .config as
# requested ("# CONFIG_X is not set" also accepts an absent symbol).
check_config() {
	local dropped

	dropped=$(awk '
		FNR == NR {
			if ($0 ~ /^CONFIG_[A-Za-z0-9_]+=/) {
				i = index($0, "=")
				have[substr($0, 1, i - 1)] = substr($0, i + 1)
			} else if ($0 ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/) {
				have[$2] = "n"
			}
			next
		}
		/^CONFIG_[A-Za-z0-9_]+=/ {
			i = index($0, "=")
			k = substr($0, 1, i - 1)
			v = substr($0, i + 1)
			got = (k in have) ? have[k] : "n (absent)"
			if (got != v)
				print "  " k ": requested " v ", got " got
			next
		}
		/^# CONFIG_[A-Za-z0-9_]+ is not set$/ {
			if (($2 in have) && have[$2] != "n")
				print "  " $2 ": requested n, got " have[$2]
		}' "$1" "$fragment")
	[ -z "$dropped" ] && return 0
	echo "debug-kernel: options of $fragment not set as requested after olddefconfig" >&2
	echo "debug-kernel: (add their missing dependencies to the fragment):" >&2
	echo "$dropped" >&2
	return 1
}

build_kernel() {
	local start release

	dir=$cache/$key
	build=$dir/build
	[ -f "$dir/done" ] && return
	start=$(date +%s)
	unpack_source
	mkdir -p "$build" || die "cannot create $build"
	log "configuring $key (allnoconfig + $fragment)"
	{
		make -C "$src" O="$build" allnoconfig &&
		"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "$fragment" &&
		make -C "$src" O="$build" olddefconfig
	} >"$dir/config.log" 2>&1 || {
		tail -n 30 "$dir/config.log" >&2
		die "configuration failed (log: $dir/config.log)"
	}
	check_config "$build/.config" || die "refusing to build a kernel without the requested options"

	log "building $key with make -j$jobs under nice -n 19 (10-20 minutes; log: $dir/build.log)"
	nice -n 19 make -C "$src" O="$build" -j"$jobs" all >"$dir/build.log" 2>&1 || {
		tail -n 40 "$dir/build.log" >&2
		die "kernel build failed (log: $dir/build.log)"
	}
	rm -rf "$dir/mods"
	make -C "$src" O="$build" INSTALL_MOD_PATH="$dir/mods" modules_install \
		>>"$dir/build.log" 2>&1 || die "modules_install failed (log: $dir/build.log)"
	release=$(cat "$build/include/config/kernel.release") || die "no kernel.release"
	[ -f "$dir/mods/lib/modules/$release/modules.builtin" ] ||
		die "modules_install wrote no modules.builtin"
	echo "$release" >"$dir/release"
	echo $(($(date +%s) - start)) >"$dir/build-seconds"
	touch "$dir/done"
	log "kernel $release built in $(cat "$dir/build-seconds")s"
}

# mirror SRC DST FILE...: copy FILEs (relative to SRC) that differ into DST
# and delete the DST sources that SRC no longer has, so that make
# rebuilds only what changed and never sees the work tree's objects.
mirror() {
	local from=$1 to=$2 f

	shift 2
	for f; do
		mkdir -p "$to/$(dirname "$f")"
		cmp -s "$from/$f" "$to/$f" || cp "$from/$f" "$to/$f" || die "cp $f"
	done
	(cd "$to" && find . -type f \( -name '*.[ch]' -o -name Kbuild \) ! -name '*.mod.c' |
		sed 's|^\./||') | while read -r f; do
		[ -e "$from/$f" ] || rm -f "$to/$f"
	done
}

# module_sources DIR: the sources of an out-of-tree module below DIR.
module_sources() {
	(cd "$1" && find . -type f \( -name '*.[ch]' -o -name Kbuild \) ! -name '*.mod.c' |
		sed 's|^\./||' | sort)
}

build_modules() {
	local nfips_src

	mkdir -p "$co" || die "cannot create $co"

	# Kbuild at the top says obj-m += kmod/; the module is kmod/Kbuild.
	nfips_src=$( (cd "$repo" && echo Kbuild &&
		find kmod -type f \( -name '*.[ch]' -o -name Kbuild \) ! -name '*.mod.c' | sort))
	# shellcheck disable=SC2086 # file names without spaces, one per word
	mirror "$repo" "$co/nfips" $nfips_src
	make -C "$build" M="$co/nfips" modules >"$co/nfips.log" 2>&1 || {
		cat "$co/nfips.log" >&2
		die "nfips.ko does not build against the debug kernel (log: $co/nfips.log)"
	}
	# shellcheck disable=SC2046
	mirror "$here/detector" "$co/detector" $(module_sources "$here/detector")
	make -C "$build" M="$co/detector" modules >"$co/detector.log" 2>&1 || {
		cat "$co/detector.log" >&2
		die "the detector modules do not build (log: $co/detector.log)"
	}
}

main() {
	local what=${1:-all} src build dir key srcver co

	case $what in
	kernel | modules | all) ;;
	*) die "usage: build.sh [kernel|modules|all]" ;;
	esac
	[ -f "$fragment" ] || die "no $fragment"
	mkdir -p "$cache" || die "cannot create $cache"
	# One build at a time; a second caller waits and then finds it done.
	exec 8>"$cache/.lock"
	flock 8
	check_host
	cache_key
	build_kernel
	co=$dir/checkout-$(printf '%s' "$repo" | sha256sum | cut -c1-12)
	[ "$what" = kernel ] || build_modules
	echo "DEBUG_DIR=$dir DEBUG_RELEASE=$(cat "$dir/release")" \
	     "DEBUG_VMLINUZ=$build/arch/x86/boot/bzImage DEBUG_KO=$co/nfips/kmod/nfips.ko" \
	     "DEBUG_MODULES=$dir/mods DEBUG_DETECTOR=$co/detector" \
	     "DEBUG_BUILD_SECONDS=$(cat "$dir/build-seconds")"
}

main "$@"
