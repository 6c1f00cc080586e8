#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# lint against golden findings: each file of tests/lint/cases (libvirt domains, QEMU
# command lines, broken and hostile ones) names its sysroot ("fixture: NAME", see
# tests/vmconfig/sysroot.sh) and options ("lint-args: ...") in its first lines; its
# output (lint -v, then "exit N") must match tests/lint/expected/CASE, stderr CASE.err.
# Then inputs made here: a file over the size limit and one with a NUL byte must be
# refused with one line, as must a directory.
# VFD_TEST_REGENERATE=1 rewrites the expected files (review the diff).
# usage: run-lint.sh VFIO_DOCTOR
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
cases="$here/lint/cases"
exp_dir="$here/lint/expected"

for file in "$cases"/*; do
	case=${file##*/}
	head=$(head -n 3 "$file")
	sysroot=$(printf '%s\n' "$head" | sed -n 's/.*fixture: \([^ :]*\).*/\1/p' | head -n 1)
	args=$(printf '%s\n' "$head" | sed -n 's/.*lint-args: \(.*\)/\1/p' | sed 's/ *-->$//' |
		head -n 1)
	if [ -z "$sysroot" ]; then
		not_ok "$case: no 'fixture:' line"
		continue
	fi
	if vmc_needs_missing_rom $(grep -o "/rom/[a-z0-9.-]*" "$file"); then
		skip "$case (ROM images of ipxe-qemu/seabios not installed)"
		continue
	fi
	root=$(vmc_sysroot "$work" "$sysroot") || {
		skip "$case (no fixture ${sysroot%%+*})"
		continue
	}
	# shellcheck disable=SC2086
	(cd "$cases" && "$vd" --sysroot "$root" lint -v $args "$case") >"$work/out" 2>"$work/err"
	echo "exit $?" >>"$work/out"
	exp="$exp_dir/$case"
	if [ "${VFD_TEST_REGENERATE:-}" = 1 ]; then
		mkdir -p "$exp_dir"
		cp "$work/out" "$exp"
		if [ -s "$work/err" ]; then cp "$work/err" "$exp.err"; else rm -f "$exp.err"; fi
	fi
	if [ ! -e "$exp" ]; then
		not_ok "$case (no expected file; VFD_TEST_REGENERATE=1 writes it)"
	elif ! diff -u "$exp" "$work/out" >"$work/diff" 2>&1; then
		not_ok "$case"
		sed 's/^/# /' "$work/diff" | head -40
	elif [ -e "$exp.err" ] && ! diff -u "$exp.err" "$work/err" >"$work/diff"; then
		not_ok "$case (stderr)"
		sed 's/^/# /' "$work/diff"
	elif [ ! -e "$exp.err" ] && [ -s "$work/err" ]; then
		not_ok "$case (unexpected stderr)"
		sed 's/^/# /' "$work/err"
	else
		ok "$case"
	fi
	# a refused file gets exactly one line naming it
	if [ "$(wc -l <"$work/out")" -eq 1 ] && [ "$(cat "$work/out")" = "exit 2" ]; then
		if [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q "^vfio-doctor lint: $case" "$work/err"; then
			ok "$case: refused with one line naming the file"
		else
			not_ok "$case: refused with one line naming the file"
			sed 's/^/# /' "$work/err"
		fi
	fi
done >"$work/tap"

# one_line NAME CODE ARGS...: lint exits CODE with one line on stderr naming the input
one_line() {
	name=$1 code=$2
	shift 2
	root=$(vmc_sysroot "$work" intel-vtd-vfio) || { skip "$name (no fixture)"; return; }
	"$vd" --sysroot "$root" lint "$@" >"$work/o" 2>"$work/e"
	rc=$?
	if [ "$rc" -eq "$code" ] && [ "$(wc -l <"$work/e")" -eq 1 ] && [ ! -s "$work/o" ]; then
		ok "$name"
	else
		not_ok "$name (exit $rc)"
		sed 's/^/# /' "$work/e"
	fi
}
{
	# just over the limit: refused before parsing, whatever the content
	printf '<domain>' >"$work/huge.xml"
	head -c $((4 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >>"$work/huge.xml"
	printf '</domain>\n' >>"$work/huge.xml"
	one_line "over 4 MiB: refused" 2 "$work/huge.xml"
	printf "<domain type='kvm'><name>a\000b</name></domain>\n" >"$work/nul.xml"
	one_line "a NUL byte: refused" 2 "$work/nul.xml"
	printf -- '-machine q35 -m 1G\000 -device vfio-pci,host=01:00.0\n' >"$work/nul.args"
	one_line "a NUL byte in a command line: refused" 2 "$work/nul.args"
	one_line "a directory: refused" 2 "$work"
	one_line "a missing file: refused" 2 "$work/nope.xml"
	: >"$work/empty"
	one_line "an empty file: refused" 2 "$work/empty"
	"$vd" --sysroot "$(vmc_sysroot "$work" intel-vtd-vfio)" lint - <"$cases/domain-ok.xml" \
		>"$work/o" 2>"$work/e"
	if [ $? -eq 0 ] && grep -q '^vfio-doctor lint: - (libvirt domain)' "$work/o"; then
		ok "FILE - reads standard input"
	else
		not_ok "FILE - reads standard input"
	fi
	# what vm writes, lint accepts: both formats, and the memlock of the script's user
	if r=$(vmc_sysroot "$work" intel-vtd-vfio+qemu-user); then
		for fmt in qemu libvirt; do
			"$vd" --sysroot "$r" vm --preset android --gpu 01:00.0 --format "$fmt" \
				>"$work/vm.$fmt" 2>/dev/null
			"$vd" --sysroot "$r" lint -J "$work/vm.$fmt" >"$work/o" 2>"$work/e"
			if [ $? -le 1 ] && ! grep -q '"status": "fail"' "$work/o"; then
				ok "vm --format $fmt: lint finds nothing failing"
			else
				not_ok "vm --format $fmt: lint finds nothing failing"
				grep -B2 -A6 '"status": "fail"' "$work/o" | sed 's/^/# /'
			fi
		done
		# the script raises its own limit; a named account is checked against its hard limit
		"$vd" --sysroot "$r" lint -J --user nobody "$work/vm.qemu" >"$work/o" 2>&1
		if grep -q '"id": "vm.memlock", "layer": "vm", "status": "fail"' "$work/o"; then
			ok "vm script: lint --user nobody fails on the 8 MiB default"
		else not_ok "vm script: lint --user nobody fails on the 8 MiB default"; fi
	fi
	if r=$(vmc_sysroot "$work" intel-vtd-vfio+memlock-unlimited); then
		"$vd" --sysroot "$r" vm --preset android --gpu 01:00.0 >"$work/vm.q" 2>/dev/null
		"$vd" --sysroot "$r" lint -J --user nobody "$work/vm.q" >"$work/o" 2>&1
		if grep -q '"id": "vm.memlock", "layer": "vm", "status": "ok"' "$work/o"; then
			ok "vm script: lint --user nobody passes with an unlimited memlock"
		else not_ok "vm script: lint --user nobody passes with an unlimited memlock"; fi
	fi
} >>"$work/tap"
cat "$work/tap"
n=$(grep -c '^\(not \)\?ok' "$work/tap")
echo "1..$n"
! grep -q '^not ok' "$work/tap"
