#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-doctor trial against fixture sysroots: the plan and --dry-run, the
# refusals (a bridge, a group that would stay non-viable), what is missing (QEMU,
# the kernel), bad input. The VM itself runs in tests/vm/scenarios/trial.sh.
# usage: run-trial.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tmp=$(mktemp -d)
tap_out=$tmp
trap 'rm -rf "$tmp"' EXIT

for f in intel-vtd pci-bridge-shared; do
	mkdir "$tmp/$f"
	tar -xJf "$here/fixtures/$f.tar.xz" -C "$tmp/$f"
done
vtd=$tmp/intel-vtd
shared=$tmp/pci-bridge-shared
: >"$tmp/vmlinuz"
# a QEMU that a dry run finds but never runs: the test needs no QEMU installed
mkdir "$tmp/fakebin"
printf '#!/bin/sh\nexit 1\n' >"$tmp/fakebin/qemu-system-x86_64"
chmod +x "$tmp/fakebin/qemu-system-x86_64"
PATH=$tmp/fakebin:$PATH
export PATH
# the QEMU of a machine without one: a name that is nowhere
noqemu=$tmp/bin/qemu-system-x86_64

status 0 "trial --help" "$vd" trial --help
grep -q "vfio-doctor(8)" "$tmp/out" && ok "trial --help names the man page" ||
	not_ok "trial --help names the man page"

# the e1000e on e1000e: bind's plan, printed, nothing changed
status 0 "dry run of the e1000e" "$vd" --sysroot "$vtd" trial --dry-run --kernel "$tmp/vmlinuz" 01:00.0
grep -q "^0000:01:00.0: e1000e -> vfio-pci" "$tmp/out" && ok "dry run prints bind's plan" ||
	not_ok "dry run prints bind's plan"
grep -q "echo 0000:01:00.0 > /sys/bus/pci/drivers/e1000e/unbind" "$tmp/out" &&
	ok "dry run prints the unbind step" || not_ok "dry run prints the unbind step"
grep -q "^dry run: nothing was changed" "$tmp/out" && ok "dry run says nothing changed" ||
	not_ok "dry run says nothing changed"
# not a bzImage: the modules of the host's release, said
grep -q "^kernel: $tmp/vmlinuz (release not read from the image; the modules of this host's 6.1.0-56-amd64)" \
	"$tmp/out" && ok "dry run names the kernel and whose modules it takes" ||
	not_ok "dry run names the kernel and whose modules it takes"
grep -q "^init: .*vfio-doctor-guest" "$tmp/out" && ok "dry run names the static guest build" ||
	not_ok "dry run names the static guest build"
# the fixture's module tree has no e1000e: said, not hidden
grep -q "no module of this kernel matches 0000:01:00.0 8086:10d3" "$tmp/out" &&
	ok "a kernel without the device's module is said" ||
	not_ok "a kernel without the device's module is said"
# the sysroot is unchanged: no record, no override written
[ ! -e "$vtd/run/vfio-doctor" ] && ok "dry run wrote no record" || not_ok "dry run wrote no record"

# by IDs: the same device
status 0 "dry run by vendor:device" "$vd" --sysroot "$vtd" trial --dry-run --kernel "$tmp/vmlinuz" 8086:10d3
grep -q "0000:01:00.0 8086:10d3" "$tmp/out" && ok "IDs resolve to the device" ||
	not_ok "IDs resolve to the device"

# a slot's other functions come along: the LPC, SATA and SMBus functions of 00:1f
status 0 "dry run of one function of a multi-function slot" "$vd" --sysroot "$vtd" trial --dry-run \
	--kernel "$tmp/vmlinuz" 00:1f.2
[ "$(grep -c "(function of the same slot)" "$tmp/out")" = 2 ] &&
	ok "the slot's two other functions come along" || not_ok "the slot's two other functions come along"

# refusals: a bridge, a group that would stay non-viable; exit 2, nothing changed
status 2 "a bridge is refused" "$vd" --sysroot "$shared" trial --dry-run --kernel "$tmp/vmlinuz" 01:00.0
grep -q "refusing 0000:01:00.0: a PCI bridge" "$tmp/out" && ok "... as a bridge" ||
	not_ok "... as a bridge"
one_line "... with one error line" "trial refused: see the problems above"
status 2 "a non-viable group is refused" "$vd" --sysroot "$shared" trial --dry-run --kernel "$tmp/vmlinuz" \
	02:01.0
grep -q "IOMMU group 6 would stay non-viable" "$tmp/out" && ok "... naming the group" ||
	not_ok "... naming the group"
grep -q "0000:02:02.0 is bound to 8139cp (blocks the group)" "$tmp/out" &&
	ok "... and the device that blocks it" || not_ok "... and the device that blocks it"

# what is missing: QEMU, the kernel
status 2 "QEMU missing" "$vd" --sysroot "$vtd" trial --dry-run --qemu "$noqemu" --kernel "$tmp/vmlinuz" 01:00.0
one_line "... is one clear line" "trial: $noqemu not found: install QEMU"
status 2 "QEMU missing from PATH" env PATH="$tmp/bin" "$vd" --sysroot "$vtd" trial --dry-run \
	--kernel "$tmp/vmlinuz" 01:00.0
one_line "... names PATH" "qemu-system-x86_64 not found in PATH"
status 2 "kernel missing" "$vd" --sysroot "$vtd" trial --dry-run --kernel "$tmp/nope" 01:00.0
one_line "... is one clear line" "cannot read the guest kernel $tmp/nope"

# --kernel FILE: the modules of FILE's release, read from its bzImage header
# (Documentation/arch/x86/boot.rst: "HdrS" at 0x202, protocol 2.15 at 0x206,
# at 0x20e the version string's offset less 0x200)
bzimage() {
	{ head -c 514 /dev/zero; printf 'HdrS\017\002'; head -c 6 /dev/zero; printf '\000\002'
	  head -c 496 /dev/zero; printf '%s (builder@example) #1 SMP\000' "$1"; } >"$2"
}
bzimage 9.9.9-other "$tmp/bzimage"
status 0 "dry run with a kernel of another release" "$vd" --sysroot "$vtd" trial --dry-run \
	--kernel "$tmp/bzimage" 01:00.0
grep -q "^kernel: $tmp/bzimage (release 9.9.9-other)" "$tmp/out" &&
	ok "... its release read from the image" || not_ok "... its release read from the image"
grep -q "no module could be looked up for .*: no module tree for this kernel" "$tmp/out" &&
	ok "... and that release's module tree looked for" ||
	not_ok "... and that release's module tree looked for"

# a kernel whose module tree lists its built-in drivers (modules.builtin.alias.bin,
# which depmod makes from modules.builtin.modinfo) and has no e1000e: broken at
# trial.module before anything is bound or started
if command -v depmod >/dev/null 2>&1 || [ -x /usr/sbin/depmod ] || [ -x /sbin/depmod ]; then
	nomod=$tmp/nomod
	mkdir "$nomod"
	tar -xJf "$here/fixtures/intel-vtd.tar.xz" -C "$nomod"
	PATH=$PATH:/usr/sbin:/sbin depmod -b "$nomod" 6.1.0-56-amd64 2>/dev/null
	status 2 "no module for the device: dry run" "$vd" --sysroot "$nomod" trial --dry-run \
		--kernel "$tmp/vmlinuz" 01:00.0
	grep -q "fail  no module of kernel 6.1.0-56-amd64 matches 0000:01:00.0 8086:10d3" "$tmp/out" &&
		ok "... the missing driver is a failure" || not_ok "... the missing driver is a failure"
	grep -q "^trial: broken at trial.module: no VM would be started" "$tmp/out" &&
		ok "... named as the broken layer" || not_ok "... named as the broken layer"
	# the real run stops there too, before binding (a sysroot is refused only later)
	status 2 "no module for the device: the trial" "$vd" --sysroot "$nomod" trial -J \
		--kernel "$tmp/vmlinuz" 01:00.0
	jq -e '.runs[0].first_broken == "trial.module" and .given_back == true and
	       .kernel_release == "6.1.0-56-amd64"' "$tmp/out" >/dev/null &&
		ok "... -J names trial.module" || not_ok "... -J names trial.module"
	[ ! -e "$nomod/run/vfio-doctor" ] && ok "... nothing was bound" || not_ok "... nothing was bound"
else
	skip "no module for the device (depmod not installed)"
fi

# soft dependencies: a module tree of release 9.9.9 made by depmod from three
# relocatable objects with only a .modinfo section ("softdep=pre: ... post: ...",
# the form MODULE_SOFTDEP writes): the initramfs takes them in modprobe's order
cc=${CC:-cc}
if command -v "$cc" >/dev/null 2>&1 && PATH=$PATH:/usr/sbin:/sbin command -v depmod >/dev/null; then
	soft=$tmp/soft
	mods=$soft/lib/modules/9.9.9/kernel
	mkdir -p "$mods"
	tar -xJf "$here/fixtures/intel-vtd.tar.xz" -C "$soft"
	for m in helper after drv; do
		info='license=GPL\0'
		[ "$m" = drv ] &&
			info='alias=pci:v00008086d000010D3sv*sd*bc*sc*i*\0softdep=pre: helper post: after\0license=GPL\0'
		printf 'const char mi[] __attribute__((section(".modinfo"), used)) = "%s";\n' "$info" \
			>"$tmp/$m.c"
		"$cc" -c -o "$mods/$m.ko" "$tmp/$m.c"
	done
	PATH=$PATH:/usr/sbin:/sbin depmod -b "$soft" 9.9.9 2>/dev/null
	bzimage 9.9.9 "$tmp/bzimage-999"
	status 0 "soft dependencies: dry run" "$vd" --sysroot "$soft" trial --dry-run \
		--kernel "$tmp/bzimage-999" 01:00.0
	grep -qx "modules: helper drv after" "$tmp/out" &&
		ok "... pre: before the driver, post: after it" ||
		not_ok "... pre: before the driver, post: after it"
else
	skip "soft dependencies (no C compiler or no depmod)"
fi

# a sysroot cannot run a VM
status 2 "a sysroot without --dry-run" "$vd" --sysroot "$vtd" trial --kernel "$tmp/vmlinuz" 01:00.0
one_line "... says to use --dry-run" "cannot run a VM: use --dry-run"

# bad input: one line each
status 2 "no device" "$vd" --sysroot "$vtd" trial
grep -q "no device given" "$tmp/err" && ok "... says so" || not_ok "... says so"
status 2 "malformed device" "$vd" --sysroot "$vtd" trial --dry-run 01:00
one_line "... names it" "invalid device '01:00': expected"
status 2 "absent device" "$vd" --sysroot "$vtd" trial --dry-run --kernel "$tmp/vmlinuz" 01:00.0 09:00.0
one_line "... names the argument that matched nothing" "no PCI device matches '09:00.0'"
status 2 "bad --firmware" "$vd" --sysroot "$vtd" trial --dry-run --firmware coreboot 01:00.0
one_line "... names the choices" "invalid --firmware 'coreboot': expected seabios or ovmf"
status 2 "bad --timeout" "$vd" --sysroot "$vtd" trial --dry-run --timeout 3s 01:00.0
one_line "... names the range" "invalid --timeout '3s': expected seconds from 10 to 86400"
tap_done
