#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Command-line behaviour: help, bad input, exit statuses, colour.
# usage: run-cli.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tmp=$(mktemp -d)
tap_out=$tmp
trap 'rm -rf "$tmp"' EXIT

status 0 "--help" "$vd" --help
status 0 "--version" "$vd" --version
for cmd in check groups; do
	status 0 "$cmd --help" "$vd" "$cmd" --help
	if grep -q "Usage:" "$tmp/out" && grep -q "vfio-doctor(8)" "$tmp/out"; then
		ok "$cmd --help has usage and man pointer"
	else
		not_ok "$cmd --help has usage and man pointer"
	fi
	status 0 "$cmd --list-columns" "$vd" "$cmd" -H
done
status 2 "no command" "$vd"
status 2 "unknown command" "$vd" frobnicate
status 2 "unknown option" "$vd" groups --frob

# bad device arguments: one line naming the argument and the forms expected
for bad in 1:2:3 gpu 0000:01:00.8 10de:1f0; do
	status 2 "groups rejects '$bad'" "$vd" groups "$bad"
	one_line "groups '$bad' error names the forms" "invalid device '$bad': expected"
	status 2 "check rejects '$bad'" "$vd" check "$bad"
	one_line "check '$bad' error names the forms" "invalid device '$bad': expected"
done

# bad sysroots
status 2 "missing sysroot" "$vd" --sysroot "$tmp/nope" groups
one_line "missing sysroot error" "cannot open sysroot '$tmp/nope'"
mkdir "$tmp/empty"
status 2 "sysroot without sys/" "$vd" --sysroot "$tmp/empty" check
one_line "non-sysroot error" "is not a sysroot"
mkdir -p "$tmp/nopci/sys"
status 2 "sysroot without a PCI bus" "$vd" --sysroot "$tmp/nopci" groups
one_line "no PCI bus error" "no PCI bus in this sysroot"
: >"$tmp/file"
status 2 "sysroot that is a file" "$vd" --sysroot "$tmp/file" groups
one_line "file sysroot error" "is not a sysroot"

# bad columns
status 2 "unknown column" "$vd" --sysroot "$tmp/nopci" groups -o SLOT,BOGUS
one_line "unknown column error" "unknown column 'BOGUS'"

# a device that is not there
mkdir -p "$tmp/one/sys/bus/pci/devices"
status 2 "absent device" "$vd" --sysroot "$tmp/one" check 0000:09:00.0
one_line "absent device error" "no PCI device matches '0000:09:00.0'"

# snapshot: atomic file, no clobbering, names it understands
status 0 "snapshot of a sysroot" "$vd" --sysroot "$tmp/one" snapshot --output-file "$tmp/s.tar.xz"
if tar -tJf "$tmp/s.tar.xz" | grep -q '^sys/bus/pci/devices/$'; then ok "snapshot holds the PCI bus"; else
	not_ok "snapshot holds the PCI bus"; fi
status 2 "snapshot refuses to overwrite" "$vd" --sysroot "$tmp/one" snapshot --output-file "$tmp/s.tar.xz"
one_line "snapshot overwrite error" "exists: use --force"
status 0 "snapshot --force overwrites" "$vd" --sysroot "$tmp/one" snapshot -f --output-file "$tmp/s.tar.xz"
status 2 "snapshot rejects an unknown suffix" "$vd" --sysroot "$tmp/one" snapshot --output-file "$tmp/s.zip"
one_line "snapshot suffix error" "expected a name ending in .tar.xz"
status 2 "snapshot into a missing directory" "$vd" --sysroot "$tmp/one" snapshot --output-file "$tmp/no/s.tar"
one_line "snapshot directory error" "cannot create"
# a temporary file is ".NAME.PID.tmp" (vfd_atomic_open), hidden from a plain ls
if ls -A "$tmp" | grep -qE '^\.?s\.tar\.xz\.'; then not_ok "no temporary file left"; else
	ok "no temporary file left"; fi
# an interface named in UTF-8, snapshot under LC_ALL=C: written, not EIO
ifname=$(printf 'wl\303\251n0')
mkdir -p "$tmp/one/sys/class/net" "$tmp/one/sys/devices/virtual/net/$ifname"
echo up >"$tmp/one/sys/devices/virtual/net/$ifname/operstate"
ln -s "../../devices/virtual/net/$ifname" "$tmp/one/sys/class/net/$ifname"
status 0 "snapshot of a non-ASCII interface name under LC_ALL=C" \
	env LC_ALL=C "$vd" --sysroot "$tmp/one" snapshot --output-file "$tmp/u.tar"
if tar --quoting-style=literal -tf "$tmp/u.tar" 2>/dev/null | grep -q "^sys/class/net/$ifname\$"; then
	ok "the non-ASCII name is in the snapshot"
else
	not_ok "the non-ASCII name is in the snapshot"
fi
rm -r "$tmp/one/sys/class/net/$ifname" "$tmp/one/sys/devices/virtual/net/$ifname"

# no colour when not a terminal, and never with NO_COLOR
"$vd" --sysroot "$tmp/one" check >"$tmp/out" 2>&1
if grep -q "$(printf '\033')" "$tmp/out"; then not_ok "no colour into a pipe"; else
	ok "no colour into a pipe"; fi
if command -v script >/dev/null 2>&1; then
	NO_COLOR=1 script -qec "$vd --sysroot $tmp/one check" /dev/null >"$tmp/out" 2>&1
	if grep -q "$(printf '\033\\[3')" "$tmp/out"; then not_ok "NO_COLOR honoured on a tty"; else
		ok "NO_COLOR honoured on a tty"; fi
	script -qec "$vd --sysroot $tmp/one check" /dev/null >"$tmp/out" 2>&1
	if grep -q "$(printf '\033\\[')" "$tmp/out"; then ok "colour on a tty"; else
		not_ok "colour on a tty"; fi
else
	skip "NO_COLOR honoured on a tty (no script(1))"
	skip "colour on a tty (no script(1))"
fi
# the user's locale: tree lines in box characters under UTF-8, JSON the same either way
mkdir -p "$tmp/fx"
if tar -xJf "$here/fixtures/intel-vtd.tar.xz" -C "$tmp/fx" 2>/dev/null; then
	LC_ALL=C "$vd" --sysroot "$tmp/fx" groups --tree -o SLOT >"$tmp/c" 2>&1
	LC_ALL=C.UTF-8 "$vd" --sysroot "$tmp/fx" groups --tree -o SLOT >"$tmp/utf8" 2>&1
	if grep -q '`-' "$tmp/c" && ! grep -q '└─' "$tmp/c" && grep -q '└─' "$tmp/utf8"; then
		ok "groups --tree: ASCII lines in C, box lines under C.UTF-8"
	else
		not_ok "groups --tree and the locale"
		sed 's/^/# /' "$tmp/c" "$tmp/utf8" | head -20
	fi
	LC_ALL=C "$vd" --sysroot "$tmp/fx" groups -J >"$tmp/c" 2>&1
	LC_ALL=C.UTF-8 "$vd" --sysroot "$tmp/fx" groups -J >"$tmp/utf8" 2>&1
	if cmp -s "$tmp/c" "$tmp/utf8"; then ok "groups -J: the same in C and C.UTF-8"; else
		not_ok "groups -J differs between C and C.UTF-8"
	fi
	# a host bridge (class 0600, header type 0: vfio-pci would take it) is never
	# bound, with or without --group, and check offers no binding for it
	"$vd" --sysroot "$tmp/fx" bind --dry-run 0000:00:00.0 >"$tmp/o" 2>&1
	rc=$?
	"$vd" --sysroot "$tmp/fx" bind --dry-run --group 0000:00:00.0 >>"$tmp/o" 2>&1
	rc=$rc$?
	if [ "$rc" = 22 ] && [ "$(grep -c 'refusing 0000:00:00.0: a host bridge' "$tmp/o")" = 2 ] &&
		! grep -q driver_override "$tmp/o"
	then
		ok "bind refuses a host bridge, with --group too, and plans nothing"
	else
		not_ok "bind refuses a host bridge (exit $rc)"
		sed 's/^/# /' "$tmp/o" | head -20
	fi
	"$vd" --sysroot "$tmp/fx" check -v 0000:00:00.0 >"$tmp/o" 2>&1
	if grep -q 'device.assignable' "$tmp/o" && ! grep -q 'driver_override\|vfio-doctor bind' "$tmp/o"
	then
		ok "check of a host bridge: cannot be passed, no bind offered"
	else
		not_ok "check of a host bridge"
		sed 's/^/# /' "$tmp/o" | head -30
	fi
else
	for i in 1 2 3 4; do skip "locale, host bridge: no fixture intel-vtd"; done
fi
# libxml2, libarchive and libkmod are loaded when first needed: one that cannot be loaded
# is named by the commands that need it, and the others do not notice
mkdir -p "$tmp/badlib"
: >"$tmp/badlib/libxml2.so.2"
: >"$tmp/badlib/libarchive.so.13"
: >"$tmp/badlib/libkmod.so.2"
printf '<domain type="kvm"><name>x</name></domain>\n' >"$tmp/d.xml"
# (no leak check there: the sanitizers' symbolizer would load the broken libxml2 too)
nolib() {
	env LD_LIBRARY_PATH="$tmp/badlib" ASAN_OPTIONS=detect_leaks=0 "$@"
}
if [ -d "$tmp/fx/sys" ]; then
	status 2 "lint without a loadable libxml2" nolib "$vd" --sysroot "$tmp/fx" lint "$tmp/d.xml"
	one_line "lint names libxml2" "cannot load libxml2"
	status 2 "snapshot without a loadable libarchive" \
		nolib "$vd" --sysroot "$tmp/fx" snapshot --output-file "$tmp/nolib.tar.xz"
	one_line "snapshot says a library is missing" "shared library"
	[ ! -e "$tmp/nolib.tar.xz" ] && ok "snapshot: nothing written" ||
		not_ok "snapshot: a file was left"
	status 0 "groups needs none of them" nolib "$vd" --sysroot "$tmp/fx" groups
else
	for i in 1 2 3 4 5 6; do skip "lazy libraries: no fixture intel-vtd"; done
fi
# without libkmod an unloaded module is unknown, and said to be so for that reason,
# not for a missing module tree (this one has the tree)
mkdir -p "$tmp/unloaded"
if tar -xJf "$here/fixtures/vfio-unloaded.tar.xz" -C "$tmp/unloaded" 2>/dev/null; then
	status 2 "check without a loadable libkmod" nolib "$vd" --sysroot "$tmp/unloaded" \
		check -o CHECK,SEVERITY,MESSAGE
	if grep -q "modules.vfio_pci *warn .*module tree .*could not be read" "$tap_out/out" &&
		! grep -q "no module tree" "$tap_out/out"; then
		ok "check: the module tree could not be read"
	else
		not_ok "check: the module tree could not be read"
		sed 's/^/# /' "$tap_out/out"
	fi
	"$vd" --sysroot "$tmp/unloaded" check -o CHECK,SEVERITY >"$tmp/kmod"
	grep -q "modules.vfio_pci *fail" "$tmp/kmod" && ok "check with libkmod: vfio_pci available" ||
		not_ok "check with libkmod: vfio_pci available"
else
	for i in 1 2 3; do skip "libkmod: no fixture vfio-unloaded"; done
fi
tap_done
