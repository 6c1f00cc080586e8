# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Sysroots for the VM configuration tests (sourced by run-vmconfig.sh, run-lint.sh and
# run-libvirt.sh): a fixture unpacked, plus host facts the snapshots do not carry,
# named by suffixes: "intel-vtd-vfio+memlock-64m" is the intel-vtd-vfio fixture with a
# limits.d entry. What every copy gets: OVMF stand-ins at the Debian paths (empty files:
# only their presence is read) and real option ROMs under /rom when the build machine
# has them (ipxe-qemu, seabios): efi-e1000e.rom (x86 + EFI for 8086:10d3),
# pxe-e1000e.rom (x86 only), vgabios-stdvga.bin (x86 only, 1234:1111).

# roms_available: the ROM images the views and cases may name
vmc_rom_src() {
	case $1 in
	efi-e1000e.rom | pxe-e1000e.rom) echo "/usr/lib/ipxe/qemu/$1" ;;
	vgabios-stdvga.bin) echo "/usr/share/seabios/$1" ;;
	esac
}

# vmc_needs_missing_rom ARGS...: true when an argument names a /rom/ file we lack
vmc_needs_missing_rom() {
	for a in "$@"; do
		case $a in
		/rom/* | *=/rom/* | *\'/rom/*) ;;
		*) continue ;;
		esac
		f=${a##*/rom/}
		f=${f%%[\'\"]*}
		src=$(vmc_rom_src "$f")
		[ -n "$src" ] && [ ! -r "$src" ] && return 0
	done
	return 1
}

# vmc_sysroot WORK NAME: prints the path of sysroot NAME (FIXTURE[+VARIANT...]) under
# WORK, made on first use; fails when the fixture does not exist.
vmc_sysroot() {
	work=$1 name=$2
	dir="$work/roots/$name"
	if [ -d "$dir" ]; then
		echo "$dir"
		return 0
	fi
	base=${name%%+*}
	tarball="$vmc_fixtures/$base.tar.xz"
	[ -e "$tarball" ] || return 1
	mkdir -p "$dir"
	tar -xJf "$tarball" -C "$dir" || { rm -rf "$dir"; return 1; }
	mkdir -p "$dir/usr/share/OVMF" "$dir/rom"
	: >"$dir/usr/share/OVMF/OVMF_CODE_4M.fd"
	: >"$dir/usr/share/OVMF/OVMF_VARS_4M.fd"
	for f in efi-e1000e.rom pxe-e1000e.rom vgabios-stdvga.bin; do
		src=$(vmc_rom_src "$f")
		[ -r "$src" ] && cp "$src" "$dir/rom/$f" && chmod 0644 "$dir/rom/$f"
	done
	rest=${name#"$base"}
	while [ -n "$rest" ]; do
		rest=${rest#+}
		v=${rest%%+*}
		rest=${rest#"$v"}
		# a variant this machine cannot make leaves no half-made copy for the next case
		vmc_variant "$dir" "$v" || { rm -rf "$dir"; return 1; }
	done
	echo "$dir"
}

vmc_variant() {
	d=$1
	case $2 in
	no-ovmf)
		rm -rf "$d/usr/share/OVMF" ;;
	fedora-ovmf)
		rm -rf "$d/usr/share/OVMF"
		mkdir -p "$d/usr/share/edk2/ovmf"
		: >"$d/usr/share/edk2/ovmf/OVMF_CODE.fd"
		: >"$d/usr/share/edk2/ovmf/OVMF_VARS.fd" ;;
	arch-ovmf)
		rm -rf "$d/usr/share/OVMF"
		mkdir -p "$d/usr/share/edk2/x64"
		: >"$d/usr/share/edk2/x64/OVMF_CODE.4m.fd"
		: >"$d/usr/share/edk2/x64/OVMF_VARS.4m.fd" ;;
	memlock-64m)
		mkdir -p "$d/etc/security/limits.d"
		printf '# test: 64 MiB for nobody\nnobody soft memlock 65536\nnobody hard memlock 65536\n' \
			>"$d/etc/security/limits.d/90-vfio.conf" ;;
	qemu-user)
		# Debian's libvirt-daemon-system account: the default QEMU user lint checks
		echo 'libvirt-qemu:x:64055:994:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin' \
			>>"$d/etc/passwd" ;;
	memlock-unlimited)
		mkdir -p "$d/etc/security/limits.d"
		printf 'nobody - memlock unlimited\n' >"$d/etc/security/limits.d/90-vfio.conf" ;;
	hugepages-none | hugepages-4g)
		n=0
		[ "$2" = hugepages-4g ] && n=2048
		mkdir -p "$d/sys/kernel/mm/hugepages/hugepages-2048kB" \
			"$d/sys/kernel/mm/hugepages/hugepages-1048576kB"
		for s in 2048kB 1048576kB; do
			echo 0 >"$d/sys/kernel/mm/hugepages/hugepages-$s/nr_hugepages"
			echo 0 >"$d/sys/kernel/mm/hugepages/hugepages-$s/free_hugepages"
		done
		echo "$n" >"$d/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
		echo "$n" >"$d/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"
		printf 'MemTotal:       16318480 kB\nMemAvailable:   12000000 kB\nHugePages_Total:    %s\nHugePages_Free:     %s\nHugepagesize:       2048 kB\n' \
			"$n" "$n" >"$d/proc/meminfo" ;;
	rom-unreadable)
		[ -e "$d/rom/efi-e1000e.rom" ] && chmod 0600 "$d/rom/efi-e1000e.rom"
		: ;;
	rom-hidden)
		chmod 0700 "$d/rom" ;;
	vga-rom)
		# QEMU's VGA card carries SeaBIOS's vgabios-stdvga.bin as its ROM: the saved copy
		src=$(vmc_rom_src vgabios-stdvga.bin)
		[ -r "$src" ] || return 1
		cp "$src" "$d/sys/bus/pci/devices/0000:02:00.0/rom" ;;
	vga-disabled)
		mkdir -p "$d/sys/module/vfio_pci/parameters"
		echo Y >"$d/sys/module/vfio_pci/parameters/disable_vga" ;;
	mdev | mdev-full)
		# a parent of mediated devices as the kernel lays it out
		# (Documentation/driver-api/vfio-mediated-device.rst): its types under
		# mdev_supported_types, a link in class/mdev_bus, and one created device
		# under bus/mdev/devices. The layout does not depend on the parent's
		# driver (i915 GVT-g, NVIDIA vGPU); 0000:00:12.0 stands in for it here.
		p=sys/devices/pci0000:00/0000:00:12.0
		t=$p/mdev_supported_types/i915-GVTg_V5_4
		u=4b20d080-1b54-4048-85b3-a6a62d165c01
		mkdir -p "$d/$t" "$d/sys/class/mdev_bus" "$d/sys/bus/mdev/devices" "$d/$p/$u"
		echo GVTg_V5_4 >"$d/$t/name"
		echo vfio-pci >"$d/$t/device_api"
		if [ "$2" = mdev ]; then echo 2 >"$d/$t/available_instances"
		else echo 0 >"$d/$t/available_instances"; fi
		: >"$d/$t/create"
		ln -s ../../devices/pci0000:00/0000:00:12.0 "$d/sys/class/mdev_bus/0000:00:12.0"
		ln -s ../mdev_supported_types/i915-GVTg_V5_4 "$d/$p/$u/mdev_type"
		ln -s "../../../devices/pci0000:00/0000:00:12.0/$u" "$d/sys/bus/mdev/devices/$u" ;;
	pve-mapping)
		# Proxmox cluster mappings (pve-guest-common PVE/Mapping/PCI.pm, a
		# SectionConfig: the id, then one indented "map" line per node) on node pve1
		mkdir -p "$d/etc/pve/mapping"
		echo pve1 >"$d/etc/hostname"
		printf '%s\n' 'someNic' \
			'	map id=8086:10d3,iommugroup=6,node=pve1,path=0000:01:00.0' \
			'	map id=8086:10d3,node=pve2,path=0000:03:00.0' \
			'	description the e1000e' '' \
			'otherNode' '	map id=8086:10d3,node=pve2,path=0000:01:00.0' '' \
			'changed' '	map id=10de:2204,node=pve1,path=0000:01:00' \
			>"$d/etc/pve/mapping/pci.cfg" ;;
	pve-kvm-rom)
		# Proxmox reads hostpciN romfile= below /usr/share/kvm (qemu-server PCI.pm)
		src=$(vmc_rom_src vgabios-stdvga.bin)
		[ -r "$src" ] || return 1
		mkdir -p "$d/usr/share/kvm"
		cp "$src" "$d/usr/share/kvm/vbios.bin" && chmod 0644 "$d/usr/share/kvm/vbios.bin" ;;
	*)
		echo "unknown sysroot variant '$2'" >&2
		return 1 ;;
	esac
}
