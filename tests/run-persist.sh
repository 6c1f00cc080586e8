#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# persist from the command line, on a fixture sysroot given a Debian /etc:
# the --dry-run diff against tests/expected/persist/cli-*.out, the refusal to
# write into a snapshot, bad usage. VFD_TEST_REGENERATE=1 rewrites the goldens.
# usage: run-persist.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tap_scratch
root=$tmp/root
mkdir -p "$root"
if ! tar -xJf "$here/fixtures/intel-vtd.tar.xz" -C "$root"; then
	not_ok "unpack the intel-vtd fixture"
	tap_done
	exit 1
fi
mkdir -p "$root/etc/default" "$root/etc/initramfs-tools"
cat >"$root/etc/default/grub" <<'GRUB'
# If you change this file, run 'update-grub' afterwards to update
# /boot/grub/grub.cfg.

GRUB_DEFAULT=0
GRUB_TIMEOUT=5
GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`
GRUB_CMDLINE_LINUX_DEFAULT="quiet"
GRUB_CMDLINE_LINUX=""
GRUB
printf '# List of modules that you want to include in your initramfs.\n# raid1\n' \
	>"$root/etc/initramfs-tools/modules"
nic=0000:01:00.0

# golden NAME ARGS...: stdout and the exit status against expected/persist/cli-NAME.out
golden() {
	name=$1
	shift
	exp="$here/expected/persist/cli-$name.out"
	"$vd" --sysroot "$root" persist "$@" >"$tmp/out" 2>"$tmp/err"
	echo "exit $?" >>"$tmp/out"
	if [ "${VFD_TEST_REGENERATE:-}" = 1 ]; then cp "$tmp/out" "$exp"; fi
	if diff -u "$exp" "$tmp/out" >"$tmp/diff" 2>&1 && [ ! -s "$tmp/err" ]; then
		ok "persist $name"
	else
		not_ok "persist $name"
		sed 's/^/# /' "$tmp/diff" "$tmp/err" | head -40
	fi
}

# status CODE NAME ARGS...: exit status CODE and one stderr line matching PATTERN
status() {
	code=$1 name=$2 pattern=$3
	shift 3
	"$vd" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$code" ] && [ "$(wc -l <"$tmp/err")" -le 1 ] &&
		grep -q -- "$pattern" "$tmp/err" "$tmp/out"; then
		ok "$name"
	else
		not_ok "$name (exit $rc, expected $code)"
		sed 's/^/# /' "$tmp/out" "$tmp/err" | head -20
	fi
}

before=$(cd "$root" && find etc -type f | sort | xargs cat | cksum)
golden dry-run --dry-run "$nic"
golden dry-run-by-id --dry-run --by-id 8086:10d3
golden dry-run-iommu-pt --dry-run --iommu-pt "$nic"
# a dry run says what it would do, never that it did
"$vd" --sysroot "$root" persist --dry-run "$nic" >"$tmp/out" 2>&1
if grep -q '^would change:' "$tmp/out" && grep -q '^would persist: ' "$tmp/out" &&
	! grep -q '^persisted:' "$tmp/out"; then ok "dry run: 'would change:', not 'persisted:'"
else not_ok "dry run: 'would change:', not 'persisted:'"; fi
# the old letters stop with what to type now, and change nothing
status 2 "-n is refused" "a dry run is --dry-run" --sysroot "$root" persist -n "$nic"
status 2 "-u is refused" "undo is --undo" --sysroot "$root" persist -u
status 2 "persist refuses to write into a sysroot" "cannot be changed: use --dry-run" \
	--sysroot "$root" persist "$nic"
after=$(cd "$root" && find etc -type f | sort | xargs cat | cksum)
if [ "$before" = "$after" ]; then ok "the sysroot's /etc is untouched"; else
	not_ok "the sysroot's /etc is untouched"; fi
status 0 "--undo with nothing persisted" "nothing to undo" --sysroot "$root" persist --undo
status 2 "no device" "no device given" --sysroot "$root" persist
status 2 "--by-id with --undo" "do not go together" --sysroot "$root" persist --by-id --undo
status 2 "--iommu-pt with --undo" "do not go together" --sysroot "$root" persist --iommu-pt \
	--undo
status 2 "bad device argument" "invalid device 'gpu'" --sysroot "$root" persist gpu
status 2 "absent device" "no PCI device matches '0000:09:00.0'" --sysroot "$root" persist \
	0000:09:00.0
status 2 "a bridge is refused" "persist: refused" --sysroot "$root" persist --dry-run 0000:00:01.0
# a planted record naming a file persist never writes: refused, nothing changed
mkdir -p "$root/etc/vfio-doctor"
printf 'device %s address 8086:10d3 -\nfile /etc/shadow created 0000000000000001\n' "$nic" \
	>"$root/etc/vfio-doctor/persist.state"
status 2 "a planted persist.state line is refused" "names '/etc/shadow', which is not a file" \
	--sysroot "$root" persist --undo --dry-run
rm -r "$root/etc/vfio-doctor"
# restore: a binding record whose driver climbs out of sysfs is refused
mkdir -p "$root/run/vfio-doctor/bindings"
printf 'slot=%s\ndriver=../../../../etc\noverride=\n' "$nic" >"$root/run/vfio-doctor/bindings/$nic"
"$vd" --sysroot "$root" restore --dry-run >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "is not a driver name" "$tmp/out"; then
	ok "restore refuses a record naming a path"
else
	not_ok "restore refuses a record naming a path (exit $rc)"
	sed 's/^/# /' "$tmp/out" "$tmp/err" | head -10
fi
rm -r "$root/run"
status 0 "--help" "For more details see vfio-doctor(8)" persist --help
tap_done
