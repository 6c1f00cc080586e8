#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# libvirt accepts what libvirt-xml and vm --format libvirt write: each such view of
# tests/vmconfig/views (that does not end in an error) is validated against libvirt's
# own RNG schemas (virt-xml-validate, from libvirt-clients) and defined in a real
# libvirt through its test driver (virsh -c test:///default define, in-process: no
# daemon). A <devices> fragment is put into the smallest domain that holds it first.
# usage: run-libvirt.sh VFIO_DOCTOR
set -u
vd=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
vmc_fixtures="$here/fixtures"
. "$here/vmconfig/sysroot.sh"
export LC_ALL=C TZ=UTC NO_COLOR=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

have_validate=$(command -v virt-xml-validate || true)
have_virsh=$(command -v virsh || true)
if [ -n "$have_virsh" ] && ! virsh -c test:///default list >/dev/null 2>&1; then
	have_virsh=
fi

# the domain around a libvirt-xml fragment (machine from its --machine)
wrap() {
	machine=q35
	case $2 in *i440fx*) machine=pc ;; esac
	printf "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
	printf "  <name>vfd-fragment</name>\n  <memory unit='MiB'>1024</memory>\n"
	printf "  <os>\n    <type arch='x86_64' machine='%s'>hvm</type>\n  </os>\n" "$machine"
	cat "$1"
	printf "</domain>\n"
}

grep -v '^#' "$here/vmconfig/views" | while read -r sysroot view args; do
	[ -n "$sysroot" ] || continue
	case $args in
	libvirt-xml*) fragment=1 ;;
	vm\ *--format\ libvirt*) fragment= ;;
	*) continue ;;
	esac
	name="$sysroot-$view"
	# shellcheck disable=SC2086
	if vmc_needs_missing_rom $args; then
		skip "$name (ROM images not installed)"
		continue
	fi
	root=$(vmc_sysroot "$work" "$sysroot") || { skip "$name (no fixture)"; continue; }
	# shellcheck disable=SC2086
	"$vd" --sysroot "$root" $args >"$work/gen.xml" 2>/dev/null
	[ $? -le 1 ] || continue
	if [ -n "$fragment" ]; then
		wrap "$work/gen.xml" "$args" >"$work/domain.xml"
	else
		cp "$work/gen.xml" "$work/domain.xml"
	fi
	if [ -z "$have_validate" ]; then
		skip "$name: validates (virt-xml-validate not installed: libvirt-clients)"
	elif virt-xml-validate "$work/domain.xml" domain >"$work/v" 2>&1; then
		ok "$name: validates against libvirt's schemas"
	else
		not_ok "$name: validates against libvirt's schemas"
		sed 's/^/# /' "$work/v"
	fi
	if [ -z "$have_virsh" ]; then
		skip "$name: defines (virsh with the test driver not available: libvirt-clients)"
	elif virsh -q -c test:///default define "$work/domain.xml" >"$work/v" 2>&1; then
		ok "$name: defines in libvirt (test driver)"
	else
		not_ok "$name: defines in libvirt (test driver)"
		sed 's/^/# /' "$work/v"
	fi
done >"$work/tap"
cat "$work/tap"
n=$(grep -c '^\(not \)\?ok' "$work/tap")
[ "$n" -gt 0 ] || { echo "ok 1 - no libvirt views # SKIP"; n=1; }
echo "1..$n"
! grep -q '^not ok' "$work/tap"
