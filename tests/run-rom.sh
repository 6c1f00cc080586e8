#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-doctor rom: info on real ROMs from Debian packages (ipxe-qemu, seabios;
# skipped when absent) and on the committed seed ROMs, broken copies of them,
# and dump from a sysroot whose rom attribute is a plain file.
# usage: run-rom.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
export LC_ALL=C NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ipxe=${VFD_TEST_IPXE_DIR:-/usr/lib/ipxe/qemu}/efi-e1000e.rom
vga=${VFD_TEST_SEABIOS_DIR:-/usr/share/seabios}/vgabios-stdvga.bin
seed=$here/fuzz/corpus/rom/legacy-efi

# status CODE NAME CMD...: the command exits with CODE; output in $tmp/out, $tmp/err
status() {
	code=$1 name=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$code" ]; then ok "$name"; else
		not_ok "$name (exit $rc, expected $code)"
		sed 's/^/# /' "$tmp/err" "$tmp/out" | head -20
	fi
}
# has NAME PATTERN: the last output holds PATTERN
has() {
	if grep -q -- "$2" "$tmp/out"; then ok "$1"; else
		not_ok "$1"
		sed 's/^/# /' "$tmp/out" | head -20
	fi
}
# jqt NAME FILTER: the last output is JSON and FILTER is true on it
jqt() {
	if ! command -v jq >/dev/null 2>&1; then skip "$1 (no jq)"; return; fi
	if [ "$(jq -r "$2" <"$tmp/out" 2>&1)" = true ]; then ok "$1"; else
		not_ok "$1"
		sed 's/^/# /' "$tmp/out" | head -20
	fi
}
# poke FILE OFFSET BYTE...: overwrite bytes (decimal values) in place
poke() {
	f=$1 off=$2
	shift 2
	for v in "$@"; do
		# shellcheck disable=SC2059
		printf "\\$(printf '%03o' "$v")" | dd of="$f" bs=1 seek="$off" conv=notrunc 2>/dev/null
		off=$((off + 1))
	done
}
peek() {
	od -An -tu1 -j"$2" -N1 "$1" | tr -d ' '
}

status 0 "rom --help" "$vd" rom --help
has "rom --help has usage" "Usage:"
has "rom --help has the man pointer" "vfio-doctor(8)"

# the committed seed: an x86 image and an x64 EFI driver, 10de:1f06
status 0 "seed ROM is clean" "$vd" rom info "$seed"
has "seed: SeaBIOS can use it" "SeaBIOS (legacy BIOS): yes"
has "seed: OVMF can use it" "OVMF (UEFI, x64): *yes (image 2: EFI boot-service-driver for x64)"
status 0 "seed ROM -J" "$vd" rom info -J "$seed"
jqt "seed -J: two images, both firmwares" \
	'.rom.images | length == 2 and (.[0].code_type_name == "x86") and (.[1].efi.machine == "8664")'
jqt "seed -J: status ok, nothing found" '.rom.status == "ok" and (.rom.findings | length == 0)'
status 2 "ROM for another device" "$vd" rom info --device 10de:1f07 "$seed"
has "wrong device named" "wrong-device"
has "wrong device shows both IDs" "the ROM names 10de:1f06; the device is 10de:1f07"
status 0 "ROM for its device" "$vd" rom info -d 10de:1f06 "$seed"

# real ROMs from Debian packages
if [ -r "$ipxe" ]; then
	status 0 "ipxe efi-e1000e.rom is clean" "$vd" rom info "$ipxe"
	has "ipxe: legacy image first" "image 1 at 0x0: x86 (legacy BIOS), 75264 bytes, 8086:10d3"
	has "ipxe: EFI x64 driver second" "EFI boot-service-driver for x64, not compressed"
	has "ipxe: OVMF yes" "OVMF (UEFI, x64): *yes"
	status 0 "ipxe -J" "$vd" rom info -J "$ipxe"
	jqt "ipxe -J: facts" '.rom.seabios and .rom.ovmf and .rom.complete and
		.rom.images[0].checksum_ok and .rom.images[0].device_list == ["10d3"] and
		.rom.images[1].last and .rom.images[1].efi.subsystem_name == "boot-service-driver"'
	src=$ipxe
else
	for t in "ipxe is clean" "ipxe legacy" "ipxe EFI" "ipxe OVMF" "ipxe -J" "ipxe -J facts"; do
		skip "$t: $ipxe absent (install ipxe-qemu)"
	done
	src=$seed
fi
if [ -r "$vga" ]; then
	# a VGA BIOS without an EFI driver: fine for SeaBIOS, a warning for OVMF
	status 1 "seabios vgabios-stdvga.bin warns" "$vd" rom info "$vga"
	has "vgabios: SeaBIOS yes" "SeaBIOS (legacy BIOS): yes"
	has "vgabios: OVMF no" "OVMF (UEFI, x64): *no: no EFI image"
	status 1 "vgabios -J" "$vd" rom info -J "$vga"
	jqt "vgabios -J: facts" '.rom.seabios and (.rom.ovmf | not) and
		.rom.images[0].vendor == "1234" and .rom.images[0].class == "030000" and
		.rom.findings[0].id == "no-efi-x64"'
else
	for t in "vgabios warns" "vgabios SeaBIOS" "vgabios OVMF" "vgabios -J" "vgabios facts"; do
		skip "$t: $vga absent (install seabios)"
	done
fi

# broken copies of $src (ipxe when installed, the seed otherwise)
size=$(wc -c <"$src")
second=$("$vd" rom info -J "$src" | sed -n 's/.*"offset": \([0-9]*\), "length".*/\1/p' | sed -n 2p)
head -c $((second + (size - second) / 2)) "$src" >"$tmp/trunc.rom"
status 2 "truncated ROM fails" "$vd" rom info "$tmp/trunc.rom"
has "truncated named" "fail truncated"
has "truncated: OVMF no, SeaBIOS yes" "SeaBIOS (legacy BIOS): yes"

cp "$src" "$tmp/sum.rom"
poke "$tmp/sum.rom" 256 $((($(peek "$src" 256) + 1) % 256))
status 2 "bad checksum fails" "$vd" rom info "$tmp/sum.rom"
has "bad checksum named" "fail bad-checksum"
has "bad checksum: SeaBIOS no" "SeaBIOS (legacy BIOS): no: image 1 is damaged"

cp "$src" "$tmp/pcir.rom"
poke "$tmp/pcir.rom" 24 240 255
status 2 "bad PCIR offset fails" "$vd" rom info "$tmp/pcir.rom"
has "bad PCIR named" "fail bad-pcir"
has "bad PCIR pointer shown" "pointer 0xfff0"

cp "$src" "$tmp/zero.rom"
pcir=$(( $(peek "$src" 24) + 256 * $(peek "$src" 25) ))
poke "$tmp/zero.rom" $((pcir + 16)) 0 0
status 2 "zero-length image (a loop) fails" "$vd" rom info "$tmp/zero.rom"
has "zero length named" "fail zero-length"

{ printf 'NVGI'; head -c 1020 /dev/zero; cat "$src"; } >"$tmp/nv.rom"
status 2 "NVIDIA-style header fails" "$vd" rom info "$tmp/nv.rom"
has "header named" "fail vendor-header"
has "header: NVGI recognised" 'NVIDIA "NVGI" header'
has "header: dd command" "dd if=in.rom of=out.rom bs=1 skip=1024"
has "header: tail command" "tail -c +1025 in.rom"
status 2 "header -J" "$vd" rom info -J "$tmp/nv.rom"
jqt "header -J: start and flag" '.rom.start == 1024 and .rom.nvidia_header'
# the printed fix works
tail -c +1025 "$tmp/nv.rom" >"$tmp/stripped.rom"
if cmp -s "$tmp/stripped.rom" "$src"; then ok "stripping gives the ROM back"; else
	not_ok "stripping gives the ROM back"; fi

{ cat "$src"; printf 'some vendor data after the ROM'; } >"$tmp/trail.rom"
status 1 "trailing data warns" "$vd" rom info "$tmp/trail.rom"
has "trailing named" "warn trailing-data"
has "trailing: head command" "head -c $size in.rom"
{ cat "$src"; head -c 4096 /dev/zero; } >"$tmp/pad.rom"
status 0 "padding after the ROM is fine" "$vd" rom info "$tmp/pad.rom"

head -c 4096 /dev/zero | tr '\0' '\377' >"$tmp/ff.rom"
status 2 "all 0xff fails" "$vd" rom info "$tmp/ff.rom"
has "empty named" "fail empty"
printf 'not a rom at all, just text' >"$tmp/text.rom"
status 2 "no signature fails" "$vd" rom info "$tmp/text.rom"
has "no signature: what was found" "expected 55 AA at offset 0, found 6e 6f"

# a sysroot whose rom attribute is a saved image: dump copies it, writes nothing
sr=$tmp/sysroot
dev=$sr/sys/bus/pci/devices/0000:00:03.0
mkdir -p "$dev" "$sr/sys/bus/pci/devices/0000:00:04.0"
echo 0x10de >"$dev/vendor"
echo 0x1f06 >"$dev/device"
echo 0x030000 >"$dev/class"
cp "$seed" "$dev/rom"
echo 0x8086 >"$sr/sys/bus/pci/devices/0000:00:04.0/vendor"
echo 0x10d3 >"$sr/sys/bus/pci/devices/0000:00:04.0/device"
status 0 "rom info DEVICE in a sysroot" "$vd" --sysroot "$sr" rom info 00:03.0
has "info DEVICE compares IDs" "device 0000:00:03.0: *10de:1f06, named by the ROM"
status 0 "rom dump --dry-run" "$vd" --sysroot "$sr" rom dump 00:03.0 --output-file "$tmp/d.rom" --dry-run
has "dry run says it would copy" "would copy .*/rom (1024 bytes) to"
has "dry run checks the ROM it would write" "device 0000:00:03.0"
if [ -e "$tmp/d.rom" ]; then not_ok "dry run writes nothing"; else ok "dry run writes nothing"; fi
# a dry run fails where the run would: no ROM, a directory it cannot write
status 2 "dry run of a device without a ROM fails" \
	"$vd" --sysroot "$sr" rom dump 00:04.0 --output-file "$tmp/e.rom" --dry-run
if grep -q "does not exist" "$tmp/err"; then ok "dry run: missing ROM explained"; else
	not_ok "dry run: missing ROM explained"; sed 's/^/# /' "$tmp/err"; fi
status 2 "dry run into a missing directory fails" \
	"$vd" --sysroot "$sr" rom dump 00:03.0 --output-file "$tmp/no/d.rom" --dry-run
if grep -q "cannot create '$tmp/no/d.rom'" "$tmp/err"; then ok "dry run: directory named"; else
	not_ok "dry run: directory named"; sed 's/^/# /' "$tmp/err"; fi
status 2 "rom dump -o is refused with the new spelling" \
	"$vd" --sysroot "$sr" rom dump 00:03.0 -o "$tmp/d.rom"
if grep -q -- "--output-file FILE" "$tmp/err"; then ok "-o: says --output-file"; else
	not_ok "-o: says --output-file"; fi
status 0 "rom dump from a sysroot" "$vd" --sysroot "$sr" rom dump 00:03.0 --output-file "$tmp/d.rom"
has "dump says what it wrote" "wrote 1024 bytes from 0000:00:03.0"
if cmp -s "$tmp/d.rom" "$seed"; then ok "dump is the saved image"; else not_ok "dump is the saved image"; fi
if cmp -s "$dev/rom" "$seed"; then ok "sysroot rom left untouched"; else
	not_ok "sysroot rom left untouched"; fi
status 2 "dump refuses to overwrite" "$vd" --sysroot "$sr" rom dump 00:03.0 --output-file "$tmp/d.rom"
if grep -q "exists: use --force" "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
	ok "overwrite refusal is one line"; else not_ok "overwrite refusal is one line"; fi
status 0 "dump --force overwrites" "$vd" --sysroot "$sr" rom dump -f 10de:1f06 --output-file "$tmp/d.rom"
status 0 "dump -J" "$vd" --sysroot "$sr" rom dump --force -J 00:03.0 --output-file "$tmp/d.rom"
jqt "dump -J: source and device" '.rom.source == "'"$tmp/d.rom"'" and .rom.device.claimed'
# a temporary file is ".NAME.PID.tmp" (vfd_atomic_open), hidden from a plain ls
if ls -A "$tmp" | grep -qE '^\.?d\.rom\.'; then not_ok "no temporary file left"; else
	ok "no temporary file left"; fi
status 2 "dump of a device without a ROM" "$vd" --sysroot "$sr" rom dump 00:04.0 --output-file "$tmp/e.rom"
if grep -q "does not exist" "$tmp/err"; then ok "missing ROM explained"; else
	not_ok "missing ROM explained"; sed 's/^/# /' "$tmp/err"; fi
if [ -e "$tmp/e.rom" ]; then not_ok "failed dump writes no file"; else ok "failed dump writes no file"; fi

# bad usage: one line, exit 2
status 2 "rom without a verb" "$vd" rom
status 2 "rom with an unknown verb" "$vd" rom frob x
status 2 "dump without -o" "$vd" --sysroot "$sr" rom dump 00:03.0
status 2 "info of a missing file" "$vd" rom info "$tmp/none.rom"
if [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "cannot open '$tmp/none.rom'" "$tmp/err"; then
	ok "missing file error is one line"; else not_ok "missing file error is one line"; fi
status 2 "bad --device" "$vd" rom info --device gpu "$seed"
tap_done
