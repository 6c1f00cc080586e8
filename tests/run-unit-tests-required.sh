#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The unit tests cannot silently vanish (issue 18): without cmocka a default
# configuration (`make run`'s) still works and says the unit tests are left
# out; -Dunit_tests=enabled (`make test`) stops with one error naming
# libcmocka-dev; and tools/ensure-test-build, which `make test` runs, configures
# a build directory made without them again, after which they are there.
# cmocka is hidden by a pkg-config directory holding every .pc file but its own,
# so no package has to be removed. usage: run-unit-tests-required.sh SOURCE_DIR
set -u
src=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tap_scratch
tap_out=$tmp

mkdir "$tmp/pc"
for d in $(pkg-config --variable pc_path pkg-config | tr : ' '); do
	for pc in "$d"/*.pc; do
		[ -e "$pc" ] || continue
		case ${pc##*/} in cmocka.pc) ;; *) ln -sf "$pc" "$tmp/pc/" ;; esac
	done
done
no_cmocka() { PKG_CONFIG_LIBDIR=$tmp/pc PKG_CONFIG_PATH= "$@"; }
# the unit tests a build directory defines (core is one of them)
has_unit_tests() { meson introspect "$1" --tests | grep -q '"name": "core"'; }

if no_cmocka pkg-config --exists cmocka; then
	not_ok "cmocka is hidden from pkg-config"
	tap_done
	exit 1
fi
ok "cmocka is hidden from pkg-config"

status 0 "without cmocka the default configuration works (make run)" \
	no_cmocka meson setup "$tmp/run" "$src"
if grep -q "cmocka not found (libcmocka-dev): the unit tests are not built" "$tmp/out"; then
	ok "it says the unit tests are left out"; else not_ok "it says the unit tests are left out"; fi
if has_unit_tests "$tmp/run"; then not_ok "no unit tests there"; else ok "no unit tests there"; fi

status 1 "without cmocka -Dunit_tests=enabled stops" \
	no_cmocka meson setup "$tmp/test" "$src" -Dunit_tests=enabled
if cat "$tmp/out" "$tmp/err" | grep -q "ERROR.*the unit tests need cmocka: install libcmocka-dev"; then
	ok "the error names libcmocka-dev"; else not_ok "the error names libcmocka-dev"; fi

# cmocka installed since: the Makefile's test path configures the directory again
if grep -q '^	tools/ensure-test-build \$(NORMAL)$' "$src/Makefile"; then
	ok "make test runs tools/ensure-test-build"; else not_ok "make test runs tools/ensure-test-build"; fi
status 0 "ensure-test-build configures the run build again" "$src/tools/ensure-test-build" "$tmp/run"
if grep -q "configuring it again with the unit tests" "$tmp/out"; then
	ok "it says so"; else not_ok "it says so"; fi
if has_unit_tests "$tmp/run"; then ok "the unit tests are there"; else
	not_ok "the unit tests are there"; fi
status 0 "a second run leaves it as it is" "$src/tools/ensure-test-build" "$tmp/run"
if [ -s "$tmp/out" ]; then not_ok "nothing configured again"; else ok "nothing configured again"; fi

# -Dunit_tests=disabled leaves them out even with cmocka there
status 0 "-Dunit_tests=disabled configures" meson setup "$tmp/off" "$src" -Dunit_tests=disabled
if has_unit_tests "$tmp/off"; then not_ok "no unit tests when disabled"; else
	ok "no unit tests when disabled"; fi
tap_done
