#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests: every fixture sysroot x every view, stdout and stderr and exit
# status compared with tests/expected/<cmd>/<fixture>-<view>.
# VFD_TEST_REGENERATE=1 rewrites the expected files (review the diff).
# usage: run-fixtures.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
export LC_ALL=C TZ=UTC NO_COLOR=1
unset VFD_COLUMNS VFD_DEBUG
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# view NAME ARGS...: the views every fixture is run through
views() {
	echo "groups-table groups"
	echo "groups-json groups -J -o GROUP,SLOT,VENDOR,DEVICE,CLASS,DRIVER,VIABLE,BLOCKS,PARENT,BRIDGE"
	echo "groups-tree groups --tree -o SLOT,GROUP,ID,DRIVER"
	echo "check-text check -v"
	echo "check-json check -J"
}

found=0
for tarball in "$here"/fixtures/*.tar.xz; do
	[ -e "$tarball" ] || continue
	found=1
	name=$(basename "$tarball" .tar.xz)
	root="$work/$name"
	mkdir -p "$root"
	if ! tar -xJf "$tarball" -C "$root"; then
		not_ok "$name: unpack"
		continue
	fi
	views | while read -r view args; do
		cmd=${view%%-*}
		exp="$here/expected/$cmd/$name-$view"
		# shellcheck disable=SC2086
		"$vd" --sysroot "$root" $args >"$work/out" 2>"$work/err"
		echo "exit $?" >>"$work/out"
		if [ "${VFD_TEST_REGENERATE:-}" = 1 ]; then
			mkdir -p "$(dirname "$exp")"
			cp "$work/out" "$exp"
			if [ -s "$work/err" ]; then cp "$work/err" "$exp.err"; else rm -f "$exp.err"; fi
		fi
		if ! diff -u "$exp" "$work/out" >"$work/diff" 2>&1; then
			echo "not ok - $name $view"
			sed 's/^/# /' "$work/diff" | head -40
		elif [ -e "$exp.err" ] && ! diff -u "$exp.err" "$work/err" >"$work/diff"; then
			echo "not ok - $name $view (stderr)"
			sed 's/^/# /' "$work/diff"
		elif [ ! -e "$exp.err" ] && [ -s "$work/err" ]; then
			echo "not ok - $name $view (unexpected stderr)"
			sed 's/^/# /' "$work/err"
		else
			echo "ok - $name $view"
		fi
	done
done
[ "$found" = 1 ] || echo "ok - no fixtures # SKIP"
echo "1..$(find "$here/fixtures" -name '*.tar.xz' | wc -l | awk '{print ($1 ? $1 * 5 : 1)}')"
