#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests of qemu-args, libvirt-xml and vm: every view of tests/vmconfig/views
# against tests/expected/vmconfig/SYSROOT-VIEW (stdout, then "exit N"; stderr in .err).
# Then every QEMU command line generated is read back by lint: it must parse and give
# no failure that the generation did not already report.
# VFD_TEST_REGENERATE=1 rewrites the expected files (review the diff).
# usage: run-vmconfig.sh VFIO_DOCTOR
set -u
vd=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
vmc_fixtures="$here/fixtures"
. "$here/vmconfig/sysroot.sh"
export LC_ALL=C TZ=UTC NO_COLOR=1
unset VFD_COLUMNS VFD_DEBUG
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exp_dir="$here/expected/vmconfig"

grep -v '^#' "$here/vmconfig/views" | while read -r sysroot view args; do
	[ -n "$sysroot" ] || continue
	name="$sysroot-$view"
	exp="$exp_dir/$name"
	# shellcheck disable=SC2086
	if vmc_needs_missing_rom $args; then
		skip "$name (ROM images of ipxe-qemu/seabios not installed)"
		continue
	fi
	root=$(vmc_sysroot "$work" "$sysroot") || {
		skip "$name (no fixture ${sysroot%%+*})"
		continue
	}
	# shellcheck disable=SC2086
	(cd "$work" && "$vd" --sysroot "$root" $args) >"$work/out" 2>"$work/err"
	rc=$?
	cp "$work/out" "$work/gen"
	echo "exit $rc" >>"$work/out"
	if [ "${VFD_TEST_REGENERATE:-}" = 1 ]; then
		mkdir -p "$exp_dir"
		cp "$work/out" "$exp"
		if [ -s "$work/err" ]; then cp "$work/err" "$exp.err"; else rm -f "$exp.err"; fi
	fi
	if [ ! -e "$exp" ]; then
		not_ok "$name (no expected file; VFD_TEST_REGENERATE=1 writes it)"
	elif ! diff -u "$exp" "$work/out" >"$work/diff" 2>&1; then
		not_ok "$name"
		sed 's/^/# /' "$work/diff" | head -40
	elif [ -e "$exp.err" ] && ! diff -u "$exp.err" "$work/err" >"$work/diff"; then
		not_ok "$name (stderr)"
		sed 's/^/# /' "$work/diff"
	elif [ ! -e "$exp.err" ] && [ -s "$work/err" ]; then
		not_ok "$name (unexpected stderr)"
		sed 's/^/# /' "$work/err"
	else
		ok "$name"
	fi
	# what was generated reads back: lint parses it and finds nothing generation hid
	[ "$rc" -le 1 ] && [ -s "$work/gen" ] || continue
	case $args in
	libvirt-xml*) continue ;;	# a fragment, not a domain: run-libvirt.sh wraps it
	esac
	"$vd" --sysroot "$root" lint -J "$work/gen" >"$work/lint" 2>"$work/lint.err"
	lrc=$?
	if [ ! -s "$work/lint" ]; then
		not_ok "$name: lint cannot read it back"
		sed 's/^/# /' "$work/lint.err"
	elif [ "$rc" -eq 0 ] && grep -q '"status": "fail"' "$work/lint"; then
		not_ok "$name: lint fails what generation passed (exit $lrc)"
		grep -A3 '"status": "fail"' "$work/lint" | sed 's/^/# /' | head -30
	else
		ok "$name: lint reads it back (exit $lrc)"
	fi
done >"$work/tap"
cat "$work/tap"
n=$(grep -c '^\(not \)\?ok' "$work/tap")
echo "1..$n"
! grep -q '^not ok' "$work/tap"
