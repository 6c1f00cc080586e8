#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# preflight from the command line: bad input, and a sysroot, where no ioctl
# may be made. The live sequence is tested on real kernels (tests/vm/scenarios/
# preflight*.sh).
# usage: run-preflight.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tmp=$(mktemp -d)
tap_out=$tmp
trap 'rm -rf "$tmp"' EXIT

# one_line, as tap.sh's but a "Try ... --help" hint aside
one_line() {
	if [ "$(grep -vc '^Try ' "$tmp/err")" -eq 1 ] && grep -q -- "$2" "$tmp/err"; then
		ok "$1"
	else
		not_ok "$1"
		sed 's/^/# /' "$tmp/err"
	fi
}
# out_has NAME PATTERN: stdout of the last call matches PATTERN
out_has() {
	if grep -q -- "$2" "$tmp/out"; then ok "$1"; else
		not_ok "$1"
		sed 's/^/# /' "$tmp/out" | head -40
	fi
}
jqt() {
	if ! command -v jq >/dev/null 2>&1; then skip "$1 (no jq)"; return; fi
	if [ "$(jq -r "$2" <"$tmp/out" 2>&1)" = true ]; then ok "$1"; else
		not_ok "$1"
		head -c 2000 "$tmp/out" | sed 's/^/# /'
	fi
}

status 0 "preflight --help" "$vd" preflight --help
out_has "--help has usage" "^Usage:"
out_has "--help ends with the man pointer" "For more details see vfio-doctor(8)."
status 0 "preflight -H" "$vd" preflight -H
out_has "-H lists STEP" "STEP"
status 2 "no device" "$vd" preflight
one_line "no device: one line" "no device given"
status 2 "bad device" "$vd" preflight 1:2:3
one_line "bad device: one line naming it" "invalid device '1:2:3'"
status 2 "two devices" "$vd" preflight 00:01.0 00:02.0
one_line "two devices: one line" "preflight takes one device"
status 2 "bad --memory" "$vd" preflight --memory 4X 00:01.0
one_line "bad --memory: one line naming it" "invalid memory size '4X'"
status 2 "unknown column" "$vd" preflight -o STEP,NOPE 00:01.0
one_line "unknown column: one line" "unknown column 'NOPE'"

root="$tmp/root"
mkdir -p "$root"
if ! tar -xJf "$here/fixtures/intel-vtd-vfio.tar.xz" -C "$root"; then
	not_ok "fixture intel-vtd-vfio unpacks"
	tap_done
	exit
fi
nic=0000:01:00.0
status 2 "sysroot: no such device" "$vd" --sysroot "$root" preflight 0000:09:00.0
one_line "sysroot: no such device, one line" "no PCI device matches '0000:09:00.0'"
status 2 "sysroot: ids matching several devices" "$vd" --sysroot "$root" preflight 1af4:1009
one_line "sysroot: ambiguous ids, one line" "matches several devices"

status 0 "sysroot: preflight of the vfio-pci NIC exits 0" \
	"$vd" --sysroot "$root" preflight --as-user nobody "$nic"
out_has "sysroot: the legacy path is skipped" "skip  open-group .*ioctls need the live host"
out_has "sysroot: the iommufd path is skipped" "skip  open-cdev .*ioctls need the live host"
out_has "sysroot: sysfs is still read" "ok    driver .*: vfio-pci"
out_has "sysroot: the run says so" "^skip: the VFIO ioctls need the live host"

status 0 "sysroot: by ids" "$vd" --sysroot "$root" preflight -J 8086:10d3
jqt "-J: device, group, driver, user" \
	'.device == "0000:01:00.0" and .group == 6 and .driver == "vfio-pci" and .user == "root"'
jqt "-J: not live, both paths skipped, no failure" \
	'.live == false and .legacy == "skip" and .iommufd == "skip" and .failed_step == null
	 and .status == "ok"'
jqt "-J: every step has the keys" \
	'all(.steps[]; has("step") and has("path") and has("status") and has("call")
	     and has("return") and has("errno") and has("errname") and has("result")
	     and has("meaning") and has("evidence") and has("fix"))'
jqt "-J: no system call was made" 'all(.steps[]; .return == null)'
jqt "-J: memory: limits unknown in a sysroot" \
	'.memory.memlock == null and .memory.memlock_unlimited == false and .memory.guest == null'

status 0 "-o STEP,PATH,STATUS" "$vd" --sysroot "$root" preflight -o STEP,PATH,STATUS -n "$nic"
out_has "-o: the open-group row" "^open-group *legacy *skip"

# a device on no driver: the driver step fails, with its meaning and fix
status 2 "sysroot: a device with no driver fails (exit 2)" \
	"$vd" --sysroot "$root" preflight 0000:00:1f.3
out_has "no driver: the driver step fails" "fail  driver"
out_has "no driver: its fix" "fix: vfio-doctor bind 0000:00:1f.3"

# an unknown user is a usage error: one line, exit 2, before any step runs
status 2 "sysroot: unknown --user" "$vd" --sysroot "$root" preflight --user mallory "$nic"
one_line "unknown --user: one line" "^vfio-doctor preflight: unknown user 'mallory': no such account"
status 2 "sysroot: unknown --as-user (the old spelling)" "$vd" --sysroot "$root" preflight --as-user mallory "$nic"
one_line "unknown --as-user: one line" "unknown user 'mallory'"
status 2 "check: unknown --user" "$vd" --sysroot "$root" check --user mallory "$nic"
one_line "check: unknown --user: one line" "^vfio-doctor check: unknown user 'mallory'"

status 0 "check --preflight in a sysroot" "$vd" --sysroot "$root" check --preflight -J "$nic"
jqt "check --preflight: device.preflight is skip" \
	'[.findings[] | select(.id == "device.preflight")] | length == 1 and .[0].status == "skip"'
tap_done
