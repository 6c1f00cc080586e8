#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-doctor guest` on the script-built guest trees (mk-trees.sh): stdout and exit
# status compared with tests/guest/expected/<tree>-<view>; bad input; a run without
# root; and the same goldens through the static build (make static) when it is there
# and newer than the sources. VFD_TEST_REGENERATE=1 rewrites the expected files.
# usage: run-guest.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../tap.sh"
export LC_ALL=C TZ=UTC NO_COLOR=1
unset VFD_DEBUG
work=$(mktemp -d)
tap_out=$work
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

"$here/mk-trees.sh" "$work/trees" || { not_ok "mk-trees.sh"; tap_done; exit 1; }

# golden BINARY LABEL: every tree x view against the expected files
golden() {
	for tree in "$work"/trees/*; do
		name=${tree##*/}
		for view in text json; do
			exp="$here/expected/$name-$view"
			case $view in
			text) set -- guest -v ;;
			json) set -- guest -J ;;
			esac
			"$bin" --sysroot "$tree" "$@" >"$work/out" 2>"$work/err"
			echo "exit $?" >>"$work/out"
			if [ "${VFD_TEST_REGENERATE:-}" = 1 ] && [ "$label" = normal ]; then
				mkdir -p "$here/expected"
				cp "$work/out" "$exp"
			fi
			if ! diff -u "$exp" "$work/out" >"$work/diff" 2>&1; then
				not_ok "$label: $name $view"
				sed 's/^/# /' "$work/diff" | head -40
			elif [ -s "$work/err" ]; then
				not_ok "$label: $name $view (unexpected stderr)"
				sed 's/^/# /' "$work/err"
			else
				ok "$label: $name $view"
			fi
		done
	done
}

bin=$vd label=normal
golden

status 0 "guest --help" "$vd" guest --help
if grep -q "Usage:" "$work/out" && grep -q "vfio-doctor(8)" "$work/out"; then
	ok "guest --help has usage and man pointer"
else
	not_ok "guest --help has usage and man pointer"
fi
for bad in 10de 0000:01:00.0 10de:xyzw; do
	status 2 "guest rejects --expect '$bad'" "$vd" --sysroot "$work/trees/gpu-no-driver" guest \
		--expect "$bad"
	one_line "guest --expect '$bad' error names the form" "invalid --expect '$bad': expected"
done
status 2 "guest rejects a stray argument" "$vd" --sysroot "$work/trees/gpu-no-driver" guest 01:00.0
status 2 "guest with a missing sysroot" "$vd" --sysroot "$work/nope" guest
one_line "missing sysroot error" "cannot open sysroot '$work/nope'"
status 2 "--expect of a device the guest lacks fails" "$vd" --sysroot \
	"$work/trees/linux-virtio-primary" guest --expect 10de:2204 -J
if grep -q '"no device 10de:2204 on the guest' "$work/out"; then ok "absent --expect named"; else
	not_ok "absent --expect named"; fi

# without root: what could not be read is said, and the rest still runs
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && su_ok=$(setpriv --reuid=65534 \
	--regid=65534 --clear-groups test -x "$vd" && echo yes) && [ "$su_ok" = yes ]; then
	cp -a "$work/trees/android-swiftshader" "$work/noroot"
	chmod 600 "$work/noroot/dev/kmsg" "$work/noroot/vendor/build.prop"
	# and an attribute of the first function: the host model reads those (host_refused)
	first=$(ls "$work/noroot/sys/bus/pci/devices" | head -n 1)
	chmod 600 "$work/noroot/sys/bus/pci/devices/$first/vendor" \
		"$work/noroot/sys/bus/pci/devices/$first/driver_override"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$vd" --sysroot "$work/noroot" guest -J \
		>"$work/out" 2>"$work/err"
	if grep -q '"guest.access"' "$work/out" && grep -q '/dev/kmsg: permission denied' \
		"$work/out" && grep -q '/vendor/build.prop: permission denied' "$work/out" &&
		grep -q "/sys/bus/pci/devices/$first/vendor: permission denied" "$work/out" &&
		grep -q "/sys/bus/pci/devices/$first/driver_override: permission denied" \
		"$work/out"; then
		ok "not root: unreadable files are named"
	else
		not_ok "not root: unreadable files are named"
		sed 's/^/# /' "$work/out" "$work/err" | head -30
	fi
	if grep -q '"guest.drm"' "$work/out"; then ok "not root: the rest still runs"; else
		not_ok "not root: the rest still runs"; fi
else
	skip "not root: needs root and setpriv to drop it"
	skip "not root: the rest still runs"
fi

# the static build (make static), when present and not older than the sources
static=${VFD_STATIC:-$top/build/static/vfio-doctor}
if [ -x "$static" ] && [ -z "$(find "$top/lib" "$top/src" -newer "$static" -name '*.[ch]' \
	2>/dev/null | head -n1)" ]; then
	if file "$static" 2>/dev/null | grep -q 'statically linked'; then
		ok "static build is statically linked"
	else
		not_ok "static build is statically linked"
	fi
	bin=$static label=static
	golden
else
	skip "static build: not built or older than the sources (make static)"
fi
tap_done
