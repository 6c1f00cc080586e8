#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Device arguments (lib/checks/select.c), on a real kernel's sysroot: every
# command that takes devices parses them once and, when one matches nothing
# or is of the wrong form, says so in one line naming that argument (the
# first such, wherever it stands) and exits 2.
# usage: run-select.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tap_scratch
tap_out=$tmp
root=$tmp/root
mkdir "$root"
if ! tar -xJf "$here/fixtures/intel-vtd-vfio.tar.xz" -C "$root"; then
	not_ok "unpack the intel-vtd-vfio fixture"
	tap_done
	exit 1
fi
# the e1000e on vfio-pci, the root port above it, two addresses nothing has
nic=0000:01:00.0 port=00:01.0 absent=0000:99:00.0 absent2=0000:98:00.0

for cmd in check groups "bind --dry-run" "unbind --dry-run" qemu-args libvirt-xml; do
	# shellcheck disable=SC2086 # $cmd is a command and its option
	status 2 "$cmd: the second argument matches nothing" "$vd" --sysroot "$root" $cmd \
		"$nic" "$absent"
	one_line "$cmd: one line naming the second argument" \
		"^vfio-doctor ${cmd%% *}: no PCI device matches '$absent'\$"
	# shellcheck disable=SC2086
	status 2 "$cmd: two arguments match nothing" "$vd" --sysroot "$root" $cmd \
		"$absent2" "$nic" "$absent"
	one_line "$cmd: one line naming the first of them" "no PCI device matches '$absent2'\$"
	# shellcheck disable=SC2086
	status 2 "$cmd: the third argument is of the wrong form" "$vd" --sysroot "$root" $cmd \
		"$nic" "$absent" 01:00
	one_line "$cmd: one line naming the malformed one, before the host is read" \
		"invalid device '01:00': expected"
done

status 2 "preflight: its device matches nothing" "$vd" --sysroot "$root" preflight "$absent"
one_line "preflight: one line naming it" "no PCI device matches '$absent'\$"
# vm resolves --gpu and --usb once the firmware is found: an OVMF pair in the root
mkdir -p "$root/usr/share/OVMF"
head -c 4096 /dev/zero >"$root/usr/share/OVMF/OVMF_CODE.fd"
head -c 4096 /dev/zero >"$root/usr/share/OVMF/OVMF_VARS.fd"
ovmf=/usr/share/OVMF/OVMF_CODE.fd,/usr/share/OVMF/OVMF_VARS.fd
status 2 "vm: --usb matches nothing" "$vd" --sysroot "$root" vm --preset android \
	--gpu "$nic" --usb "$absent" --ovmf "$ovmf"
one_line "vm: one line naming --usb" "no PCI device matches '$absent'\$"
status 2 "vm: --usb is a bridge" "$vd" --sysroot "$root" vm --preset android \
	--gpu "$nic" --usb "$port" --ovmf "$ovmf"
one_line "vm: one line naming the bridge" "'$port' is a PCI bridge"
status 2 "vm: --gpu of the wrong form" "$vd" --sysroot "$root" vm --preset android --gpu 1:2:3
one_line "vm: one line naming --gpu" "invalid device '1:2:3': expected"

# a bridge among the devices of qemu-args: the argument that named it
status 2 "qemu-args: a bridge" "$vd" --sysroot "$root" qemu-args "$nic" "$port"
one_line "qemu-args: one line naming the bridge's argument" \
	"'$port' is a PCI bridge: vfio-pci does not take bridges"

# the same arguments that resolve still work: the device named once
status 0 "qemu-args: the device by address and by IDs is one device" \
	"$vd" --sysroot "$root" qemu-args "$nic" 8086:10d3
if [ "$(grep -c "host=$nic" "$tmp/out")" -eq 1 ]; then ok "qemu-args: one -device for it"; else
	not_ok "qemu-args: one -device for it"
	sed 's/^/# /' "$tmp/out"
fi

tap_done
