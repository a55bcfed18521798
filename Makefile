# SPDX-License-Identifier: GPL-2.0
# mhv: build the module out of tree, the tools and the selftests.
#   make                   mhv.ko against KDIR, plus tools/ and selftests/
#   make check             the whole test run (what CI runs)
#   make demo              boots the emulated VT-x machine and shows mhv working
#   make bench             mhv against Linux KVM in that machine: table, JSON, SVG
KDIR ?= /lib/modules/$(shell uname -r)/build
MHV_CACHE ?= $(HOME)/.cache/mhv

all: module tools selftests

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools

selftests:
	$(MAKE) -C selftests

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools clean
	$(MAKE) -C selftests clean

check:
	tools/testing/check.sh

demo:
	tools/testing/demo.sh

bench:
	tools/testing/bench.sh

install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

.PHONY: all module tools selftests clean check demo bench install
