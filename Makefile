# SPDX-License-Identifier: GPL-2.0-or-later
# Thin wrapper: install what is missing (Debian), build with meson, run.
#   make run    full `vfio-doctor check` of this host
#   make test   unit, fixture, fuzz and real-kernel tests, normal and ASan+UBSan builds
#   make fuzz   every fuzz target with a random seed, VFD_FUZZ_SECONDS (300) each
#   make bench  time vfio-doctor against lspci and the handbook loop (bench/run; long)

BUILD_DEPS := meson ninja-build pkg-config gcc libpci-dev libkmod-dev libsmartcols-dev \
	libarchive-dev pci.ids libxml2-dev scdoc
# (pciutils: lspci reads the benchmark's generated hosts beside vfio-doctor in a test)
# (bash-completion, zsh, fish: tests/run-completion.sh; debhelper, dpkg-dev, fakeroot,
# man-db, systemd's .pc, lintian: make deb and tests/run-package.sh)
# (gettext: msgfmt builds the test catalogues of tests/unit/test-translated.c;
# libvirt-l10n: libvirt's own, for the explain-translations rates; libc-l10n:
# glibc's, for its strerror() rates)
TEST_DEPS := e2fsprogs clang libclang-rt-dev libcmocka-dev xz-utils jq gettext libvirt-l10n libc-l10n \
	qemu-system-x86 busybox-static cpio kmod zstd ipxe-qemu seabios libvirt-clients ovmf \
	prometheus ansible-core python3-apt pciutils bash-completion zsh fish debhelper dpkg-dev fakeroot \
	man-db systemd lintian
# make deb: debhelper and the .pc files meson reads for the completion and unit
# directories (debian/control's Build-Depends)
DEB_DEPS := debhelper dpkg-dev bash-completion systemd jq
# make static: musl-gcc for the one-file `vfio-doctor guest` pushed into Android guests
STATIC_DEPS := musl-tools
# make bench: the chart, the syscall counts, peak RSS, and lspci to compare with
BENCH_DEPS := gnuplot-nox strace time pciutils
NORMAL := build/normal
ASAN := build/asan
STATIC := build/static
DEB := build/deb

.PHONY: all run test deps test-deps build build-asan vm-test clean static static-deps bench fuzz deb

all: build

deps:
	@tools/ensure-deps $(BUILD_DEPS)

test-deps:
	@tools/ensure-deps $(BUILD_DEPS) $(TEST_DEPS)

$(NORMAL)/build.ninja:
	meson setup $(NORMAL) --buildtype=debugoptimized

$(ASAN)/build.ninja:
	CC=clang meson setup $(ASAN) --buildtype=debug -Db_sanitize=address,undefined \
		-Db_lundef=false -Dfuzz=true -Dunit_tests=enabled

build: deps $(NORMAL)/build.ninja
	ninja -C $(NORMAL)

build-asan: test-deps $(ASAN)/build.ninja
	ninja -C $(ASAN)

static-deps:
	@tools/ensure-deps $(BUILD_DEPS) $(STATIC_DEPS)

# musl's headers lack the kernel's (linux/openat2.h): these three, found after musl's
$(STATIC)/build.ninja:
	mkdir -p $(STATIC)-headers
	ln -sfn /usr/include/linux /usr/include/asm-generic \
		/usr/include/$$(gcc -print-multiarch)/asm $(STATIC)-headers/
	CC=musl-gcc meson setup $(STATIC) -Dguest_only=true --buildtype=minsize -Db_pie=false \
		-Ddebug=false "-Dc_args=['-idirafter','$(CURDIR)/$(STATIC)-headers']"

static: static-deps $(STATIC)/build.ninja
	ninja -C $(STATIC)
	@file $(STATIC)/vfio-doctor | grep -q 'statically linked' || \
		{ echo "$(STATIC)/vfio-doctor is not statically linked" >&2; exit 1; }

# The Debian package, built from a copy of the tree (in a git checkout its
# tracked and untracked files, less what .gitignore names; else all but build/) in $(DEB)/src so the checkout stays clean:
# $(DEB)/vfio-doctor_VERSION_ARCH.deb. Tests are not run again inside it.
deb:
	@tools/ensure-deps $(BUILD_DEPS) $(DEB_DEPS)
	rm -rf $(DEB) && mkdir -p $(DEB)/src
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | \
			tar --null -T - --ignore-failed-read -cf - 2>/dev/null; \
	else tar --exclude=./build -cf - .; fi | tar -xf - -C $(DEB)/src
	cd $(DEB)/src && DEB_BUILD_OPTIONS="nocheck parallel=2 $(DEB_BUILD_OPTIONS)" \
		DEB_BUILD_PROFILES="nocheck $(DEB_BUILD_PROFILES)" \
		dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
		{ tail -40 ../build.log >&2; echo "dpkg-buildpackage failed: $(DEB)/build.log" >&2; exit 1; }
	@ls $(DEB)/*.deb

run: build
	@$(NORMAL)/vfio-doctor check; rc=$$?; \
	echo "vfio-doctor check exited with $$rc (0 all ok, 1 warnings, 2 failures)"; \
	[ $$rc -le 2 ]

# the unit tests are required here: a build directory configured without them
# (make run before libcmocka-dev was installed) is configured again
test: test-deps
	tools/ensure-test-build $(NORMAL)
	ninja -C $(NORMAL)
	$(MAKE) --no-print-directory build-asan
	$(MAKE) --no-print-directory static
	tests/run-all.sh $(NORMAL) $(ASAN)

fuzz: build-asan
	tests/fuzz/explore.sh $(ASAN)

bench: build
	@tools/ensure-deps $(BENCH_DEPS)
	bench/run

vm-test: build
	tests/vm/run.sh

clean:
	rm -rf $(NORMAL) $(ASAN) $(STATIC) $(STATIC)-headers $(DEB)
