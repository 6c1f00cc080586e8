#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest-shaped sysroots for `vfio-doctor guest`, laid out as a guest kernel and an
# Android image lay them out: sys/devices/pci0000:00/SLOT with the bus, driver and
# DRM class links, dev/kmsg as dmesg text, the module tree, build.prop files.
# Built here rather than captured: each one is a broken guest on purpose.
# usage: mk-trees.sh DIR    (makes DIR/NAME for every tree)
set -eu
out=$1
mkdir -p "$out"

# pcidev ROOT SLOT VENDOR DEVICE SVENDOR SDEVICE CLASS DRIVER BOOT_VGA ('-' = none)
pcidev() {
	r=$1 slot=$2 v=$3 d=$4 sv=$5 sd=$6 cls=$7 drv=$8 vga=$9
	dir="$r/sys/devices/pci0000:00/$slot"
	mkdir -p "$dir" "$r/sys/bus/pci/devices"
	echo "0x$v" >"$dir/vendor"
	echo "0x$d" >"$dir/device"
	echo "0x$sv" >"$dir/subsystem_vendor"
	echo "0x$sd" >"$dir/subsystem_device"
	echo "0x$cls" >"$dir/class"
	# drivers/pci/pci-sysfs.c modalias_show
	printf 'pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n' "0x$v" "0x$d" "0x$sv" "0x$sd" \
		"0x$(echo "$cls" | cut -c1-2)" "0x$(echo "$cls" | cut -c3-4)" \
		"0x$(echo "$cls" | cut -c5-6)" >"$dir/modalias"
	echo "(null)" >"$dir/driver_override"
	[ "$vga" = - ] || echo "$vga" >"$dir/boot_vga"
	ln -s "../../../devices/pci0000:00/$slot" "$r/sys/bus/pci/devices/$slot"
	if [ "$drv" != - ]; then
		mkdir -p "$r/sys/bus/pci/drivers/$drv"
		ln -s "../../../bus/pci/drivers/$drv" "$dir/driver"
	fi
}

# drmnode ROOT SLOT NAME DRIVER [VIA]: a DRM minor of the device (VIA: virtio0)
drmnode() {
	r=$1 slot=$2 name=$3 drv=$4 via=${5:-}
	parent="$r/sys/devices/pci0000:00/$slot"
	up=../../../$slot
	if [ -n "$via" ]; then
		parent="$parent/$via"
		mkdir -p "$parent"
		mkdir -p "$r/sys/bus/virtio/drivers/$drv"
		[ -e "$parent/driver" ] || ln -s "../../../../bus/virtio/drivers/$drv" "$parent/driver"
		up=../../../$via
	fi
	mkdir -p "$parent/drm/$name" "$r/sys/class/drm" "$r/dev/dri"
	ln -s "$up" "$parent/drm/$name/device"
	ln -s "../../devices/pci0000:00/$slot${via:+/$via}/drm/$name" "$r/sys/class/drm/$name"
	: >"$r/dev/dri/$name"
}

# fb0 ROOT SLOT [VIA]
fb0() {
	r=$1 slot=$2 via=${3:-}
	mkdir -p "$r/sys/devices/pci0000:00/$slot${via:+/$via}/graphics/fb0" "$r/sys/class/graphics"
	ln -s "../../devices/pci0000:00/$slot${via:+/$via}/graphics/fb0" "$r/sys/class/graphics/fb0"
}

# base ROOT RELEASE CMDLINE: a q35 guest's emulated chipset
base() {
	r=$1
	mkdir -p "$r/proc/sys/kernel" "$r/dev"
	echo "$2" >"$r/proc/sys/kernel/osrelease"
	echo "$3" >"$r/proc/cmdline"
	pcidev "$r" 0000:00:00.0 8086 29c0 1af4 1100 060000 - -
	pcidev "$r" 0000:00:1f.0 8086 2918 1af4 1100 060100 lpc_ich -
	pcidev "$r" 0000:00:1f.2 8086 2922 1af4 1100 010601 ahci -
	pcidev "$r" 0000:00:02.0 1af4 1041 1af4 1100 020000 virtio-pci -
}

# modtree ROOT DIR ALIAS...: modules.alias lines "PATTERN MODULE"
modtree() {
	r=$1 dir=$2
	shift 2
	mkdir -p "$r/$dir"
	: >"$r/$dir/modules.dep"
	for a in "$@"; do echo "alias $a"; done >"$r/$dir/modules.alias"
}

amd_gpu() {
	pcidev "$1" 0000:00:05.0 1002 67df 1458 22fc 030000 "$2" "$3"
	pcidev "$1" 0000:00:05.1 1002 aaf0 1458 aaf0 040300 snd_hda_intel -
}

android_props() {
	r=$1 egl=$2
	mkdir -p "$r/system" "$r/vendor"
	cat >"$r/system/build.prop" <<-EOF
	# begin build properties
	ro.build.version.release=9
	ro.build.version.sdk=28
	ro.product.model=Android-x86 QEMU
	ro.product.manufacturer=Android-x86
	ro.product.cpu.abi=x86_64
	ro.hardware=android_x86_64
	ro.hardware.egl=mesa
	import /system/vendor/default.prop
	not a property line
	EOF
	cat >"$r/vendor/build.prop" <<-EOF
	# vendor overrides (Android 10+ init lets the later partition win)
	ro.hardware.egl = $egl
	ro.hardware.gralloc=gbm
	ro.hardware.hwcomposer=drm
	ro.hardware.vulkan=radv
	EOF
	for lib in libGLES_mesa.so libEGL_swiftshader.so; do
		mkdir -p "$r/system/lib64/egl"
		: >"$r/system/lib64/egl/$lib"
	done
	mkdir -p "$r/vendor/lib64/hw"
	: >"$r/vendor/lib64/hw/vulkan.radv.so"
}

dmesg_common() {
	cat <<-'EOF'
	[    0.000000] Linux version 6.1.0-guest (debian-kernel@lists.debian.org)
	[    0.512345] pci 0000:00:05.0: [1002:67df] type 00 class 0x030000
	EOF
}

# 1. Android-x86 with the AMD GPU on amdgpu, but /vendor/build.prop selects SwiftShader
r=$out/android-swiftshader
base "$r" 4.19.110-android-x86_64 "root=/dev/ram0 androidboot.hardware=android_x86_64 quiet"
amd_gpu "$r" amdgpu 1
drmnode "$r" 0000:00:05.0 card0 amdgpu
drmnode "$r" 0000:00:05.0 renderD128 amdgpu
fb0 "$r" 0000:00:05.0
echo "0 amdgpudrmfb" >"$r/proc/fb"
android_props "$r" swiftshader
{ dmesg_common; echo "[    2.100000] [drm] amdgpu kernel modesetting enabled."; } >"$r/dev/kmsg"

# 2. Android-x86 done right: Mesa, gbm, radv; the GPU is card0
r=$out/android-mesa
base "$r" 4.19.110-android-x86_64 "root=/dev/ram0 androidboot.hardware=android_x86_64"
amd_gpu "$r" amdgpu 1
drmnode "$r" 0000:00:05.0 card0 amdgpu
drmnode "$r" 0000:00:05.0 renderD128 amdgpu
android_props "$r" mesa
{ dmesg_common; echo "[    2.100000] amdgpu 0000:00:05.0: Direct firmware load for amdgpu/polaris10_k_smc.bin failed with error -2"; } >"$r/dev/kmsg"
mkdir -p "$r/system/lib/firmware/amdgpu"
: >"$r/system/lib/firmware/amdgpu/polaris10_k_smc.bin"

# 3. A Linux guest whose kernel has no driver for the NVIDIA GPU
r=$out/gpu-no-driver
base "$r" 6.1.0-guest "BOOT_IMAGE=/vmlinuz-6.1.0-guest root=/dev/vda1 ro quiet"
pcidev "$r" 0000:00:05.0 10de 1f06 1043 8673 030000 - 1
pcidev "$r" 0000:00:05.1 10de 10f9 1043 8673 040300 snd_hda_intel -
modtree "$r" lib/modules/6.1.0-guest \
	"pci:v00001AF4d00001041sv*sd*bc*sc*i* virtio_net" \
	"pci:v*d*sv*sd*bc04sc03i00* snd_hda_intel" \
	"pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e"
mkdir -p "$r/sys/module/snd_hda_intel"
: >"$r/sys/module/snd_hda_intel/initstate"
dmesg_common | sed 's/1002:67df/10de:1f06/' >"$r/dev/kmsg"

# 4. Android, the GPU unclaimed, and no module tree to tell why
r=$out/android-no-tree
base "$r" 5.15.41-android13-8 "androidboot.hardware=android_x86_64 nomodeset"
amd_gpu "$r" - 1
android_props "$r" mesa
dmesg_common >"$r/dev/kmsg"

# 5. amdgpu on Linux without its firmware file: the driver gives up
r=$out/firmware-missing
base "$r" 6.1.0-guest "BOOT_IMAGE=/vmlinuz-6.1.0-guest root=/dev/vda1 ro"
amd_gpu "$r" - 1
modtree "$r" lib/modules/6.1.0-guest \
	"pci:v00001002d000067DFsv*sd*bc*sc*i* amdgpu" \
	"pci:v*d*sv*sd*bc04sc03i00* snd_hda_intel"
mkdir -p "$r/sys/module/amdgpu" "$r/sys/module/snd_hda_intel" "$r/lib/firmware/amdgpu"
: >"$r/sys/module/amdgpu/initstate"
: >"$r/lib/firmware/amdgpu/polaris10_ce.bin"
{
	dmesg_common
	cat <<-'EOF'
	[    3.201000] [drm] amdgpu kernel modesetting enabled.
	[    3.214000] amdgpu 0000:00:05.0: Direct firmware load for amdgpu/polaris10_mc.bin failed with error -2
	[    3.214100] [drm:gmc_v8_0_sw_init [amdgpu]] *ERROR* Failed to load mc firmware!
	[    3.214200] [drm:amdgpu_device_init [amdgpu]] *ERROR* sw_init of IP block <gmc_v8_0> failed -2
	[    3.214300] amdgpu 0000:00:05.0: amdgpu: amdgpu_device_ip_init failed
	[    3.214400] amdgpu 0000:00:05.0: amdgpu: Fatal error during GPU init
	[    3.215000] amdgpu: probe of 0000:00:05.0 failed with error -2
	[    3.300000] e1000e 0000:00:03.0: Direct firmware load for e1000e/none.bin failed with error -2
	EOF
} >"$r/dev/kmsg"

# 6. A Linux guest with virtio-vga as card0 and boot VGA; the GPU is card1
r=$out/linux-virtio-primary
base "$r" 6.12.9-guest "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro"
pcidev "$r" 0000:00:01.0 1af4 1050 1af4 1100 030000 virtio-pci 1
drmnode "$r" 0000:00:01.0 card0 virtio_gpu virtio0
drmnode "$r" 0000:00:01.0 renderD128 virtio_gpu virtio0
fb0 "$r" 0000:00:01.0 virtio0
echo "0 virtio_gpudrmfb" >"$r/proc/fb"
amd_gpu "$r" amdgpu 0
drmnode "$r" 0000:00:05.0 card1 amdgpu
drmnode "$r" 0000:00:05.0 renderD129 amdgpu
dmesg_common >"$r/dev/kmsg"
