# SPDX-License-Identifier: GPL-2.0
#
#   make                 kmod/podswitch.ko (against KDIR) and ctl/pswctl
#   make check           the whole test suite, in VMs (see README.md)
#   make check T=NAME [KERNEL=stock|debug]   one test or KUnit suite
#   make demo            the reference flow in a throwaway VM
#   make bench           benchmarks against kernel peers, as ratios (bench/)
#   make fuzz N=COUNT [SEED=S] [KERNEL=stock|debug]   the netlink and frame
#                        fuzzers, COUNT requests and COUNT frames each
#   make install         module into /lib/modules/KVER/extra, pswctl into PREFIX
#   make dkms-install    register, build and install the module with dkms
#   make dkms.conf       dkms's configuration, for dkms run by hand

VERSION := $(shell sed -n 's/^\#define PSW_VERSION "\(.*\)"/\1/p' kmod/version.h)
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all module pswctl check fuzz demo bench install uninstall dkms-install dkms-uninstall clean

# The version lives in kmod/version.h alone: module, pswctl and dkms read it.
dkms.conf: dkms.conf.in kmod/version.h
	sed 's/@VERSION@/$(VERSION)/' $< >$@

all: module pswctl

module:
	@if [ ! -e "$(KDIR)/Makefile" ]; then \
		echo "podswitch: no kernel build tree at $(KDIR); pass KDIR=$$(ls -d /lib/modules/*/build 2>/dev/null | head -n1 || echo /path/to/linux/build) (Debian: apt-get install linux-headers-amd64)"; \
		exit 1; \
	fi
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules

pswctl:
	$(MAKE) -C ctl

check:
	T="$(T)" KERNEL="$(KERNEL)" tests/check

fuzz:
	@[ -n "$(N)" ] || { echo "make fuzz: N=COUNT, e.g. make fuzz N=100000 KERNEL=debug"; exit 2; }
	PSW_FUZZ_N="$(N)" PSW_FUZZ_SEED="$(SEED)" T="fuzz-genl fuzz-frames" KERNEL="$(KERNEL)" tests/check

demo:
	tests/demo

bench:
	bench/forward
	bench/acl
	bench/nat44

install: all
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" INSTALL_MOD_DIR=extra modules_install
	depmod -a "$(KVER)" || true
	$(MAKE) -C ctl install PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)"

uninstall:
	rm -f /lib/modules/$(KVER)/extra/podswitch.ko
	depmod -a "$(KVER)" || true
	$(MAKE) -C ctl uninstall PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)"

dkms-install: dkms.conf
	rm -rf /usr/src/podswitch-$(VERSION)
	mkdir -p /usr/src/podswitch-$(VERSION)
	cp -r Kbuild Makefile dkms.conf kmod kunit uapi ctl /usr/src/podswitch-$(VERSION)/
	dkms add -m podswitch -v $(VERSION)
	dkms build -m podswitch -v $(VERSION)
	dkms install -m podswitch -v $(VERSION)

dkms-uninstall:
	dkms remove -m podswitch -v $(VERSION) --all || true
	rm -rf /usr/src/podswitch-$(VERSION)

clean:
	@if [ -e "$(KDIR)/Makefile" ]; then $(MAKE) -C "$(KDIR)" M="$(CURDIR)" clean; fi
	$(MAKE) -C ctl clean
	rm -rf build dkms.conf
