# SPDX-License-Identifier: GPL-2.0
#
# make              build kmod/nfips.ko and the userspace tools in ctl/
# make check        install test dependencies, build, run every test
# make check-kernel only the kernel selftests (QEMU guest)
# make demo         the gateway in a QEMU guest with the default policy,
#                   benign traffic and attacks through it, what nfips did
# make check-debug  the kernel selftests under a KASAN/UBSAN/lockdep/kmemleak
#                   guest kernel (built once, cached in ~/.cache/nfips)
# make check-debug-detector  proves that check-debug catches what it should
# make bench        matcher, replay and kernel forwarding benchmarks, write
#                   Documentation/performance.rst
# make install      [PREFIX=/usr] [DESTDIR=]: nfipsctl, nfipsd and its unit
#                   file and configuration, man pages, the default policies
#                   (PREFIX/share/nfips/policies), the SOC collector's rsyslog
#                   configuration (PREFIX/share/nfips/collector), the classification table
#                   (/etc/nfips), the module source for DKMS
#                   (/usr/src/nfips-VERSION: then dkms install nfips/VERSION)

# The running kernel often has no headers (containers, CI): use the newest installed ones.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1))
PREFIX ?= /usr
DESTDIR ?=

ifneq ($(V),1)
MAKEFLAGS += --no-print-directory
endif

all: module tools

module:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || { echo "no kernel headers: install linux-headers-$$(uname -r) or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C ctl

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
# What dkms builds from: the build files and the module's sources, nothing built.
DKMS_SRC := Kbuild Makefile dkms.conf kmod/Kbuild $(wildcard kmod/*.c kmod/*.h kmod/uapi/*.h)

install:
	$(MAKE) -C ctl install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	install -d $(DESTDIR)$(PREFIX)/share/nfips/policies
	install -m 644 policies/* $(DESTDIR)$(PREFIX)/share/nfips/policies/
	# The contacts' mail templates (Documentation/notify.rst).
	install -d $(DESTDIR)$(PREFIX)/share/nfips/notify
	install -m 644 ctl/notify/*.txt $(DESTDIR)$(PREFIX)/share/nfips/notify/
	# The collector side (rsyslog on the SOC's host, not on the sensor).
	install -d $(DESTDIR)$(PREFIX)/share/nfips/collector
	install -m 644 Documentation/collector/* $(DESTDIR)$(PREFIX)/share/nfips/collector/
	# The push account's sudoers line and forced command (Documentation/push.rst).
	install -d $(DESTDIR)$(PREFIX)/share/nfips/push
	install -m 644 Documentation/push/* $(DESTDIR)$(PREFIX)/share/nfips/push/
	test -e $(DESTDIR)/etc/nfips/classification.config || \
		install -D -m 644 policies/classification.config \
			$(DESTDIR)/etc/nfips/classification.config
	# The customer policy nfipsd.conf names: the default one, to edit.
	test -e $(DESTDIR)/etc/nfips/policy.conf || \
		sed -e 's|"default.rules"|"$(PREFIX)/share/nfips/policies/default.rules"|' \
		    -e 's|"classification.config"|"/etc/nfips/classification.config"|' \
			policies/default.conf | \
		install -D -m 640 /dev/stdin $(DESTDIR)/etc/nfips/policy.conf
	for f in $(filter-out %.mod.c,$(DKMS_SRC)); do \
		install -D -m 644 $$f $(DESTDIR)/usr/src/nfips-$(VERSION)/$$f || exit 1; \
	done

deps:
	@selftests/deps.sh

check: deps
	@selftests/run-all.sh

check-kernel: deps
	@selftests/run-all.sh kernel

# The guest harness runs the demo script instead of the tests; it builds
# the module and the tools itself. Under TCG the demo takes a few minutes.
demo: deps
	@NFIPS_QEMU_TIMEOUT=$${NFIPS_QEMU_TIMEOUT:-900} NFIPS_TEST_TIMEOUT=$${NFIPS_TEST_TIMEOUT:-840} \
		selftests/kernel/run.sh --script selftests/kernel/demo/demo.sh

check-debug: deps
	@selftests/run-all.sh debug

check-debug-detector: deps
	@selftests/run-all.sh debug-detector

bench: deps tools
	$(MAKE) -C selftests/bench bench

clean:
	-test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C ctl clean
	$(MAKE) -C selftests/unit clean
	$(MAKE) -C selftests/fuzz clean
	$(MAKE) -C selftests/bench clean
	$(MAKE) -C selftests/kernel clean

.PHONY: all module tools install deps check check-kernel demo check-debug check-debug-detector bench clean
