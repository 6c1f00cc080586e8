# SPDX-License-Identifier: GPL-2.0-or-later
# Thin wrapper: install what is missing (Debian), build with meson, run.
#   make run    full `vfio-doctor check` of this host
#   make test   unit, fixture, fuzz and real-kernel tests, normal and ASan+UBSan builds

BUILD_DEPS := meson ninja-build pkg-config gcc libpci-dev libkmod-dev libsmartcols-dev \
	libarchive-dev pci.ids
TEST_DEPS := scdoc clang libclang-rt-dev libcmocka-dev xz-utils jq \
	qemu-system-x86 busybox-static cpio kmod zstd ipxe-qemu seabios
NORMAL := build/normal
ASAN := build/asan

.PHONY: all run test deps test-deps build build-asan vm-test clean

all: build

deps:
	@tools/ensure-deps $(BUILD_DEPS)

test-deps:
	@tools/ensure-deps $(BUILD_DEPS) $(TEST_DEPS)

$(NORMAL)/build.ninja:
	meson setup $(NORMAL) --buildtype=debugoptimized

$(ASAN)/build.ninja:
	CC=clang meson setup $(ASAN) --buildtype=debug -Db_sanitize=address,undefined \
		-Db_lundef=false -Dfuzz=true

build: deps $(NORMAL)/build.ninja
	ninja -C $(NORMAL)

build-asan: test-deps $(ASAN)/build.ninja
	ninja -C $(ASAN)

run: build
	@$(NORMAL)/vfio-doctor check; rc=$$?; \
	echo "vfio-doctor check exited with $$rc (0 all ok, 1 warnings, 2 failures)"; \
	[ $$rc -le 2 ]

test: test-deps $(NORMAL)/build.ninja
	ninja -C $(NORMAL)
	$(MAKE) --no-print-directory build-asan
	tests/run-all.sh $(NORMAL) $(ASAN)

vm-test: build
	tests/vm/run.sh

clean:
	rm -rf $(NORMAL) $(ASAN)
