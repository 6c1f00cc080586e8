#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile sysroots: what a stranger's snapshot can hold must not leave the
# tree, hang a command, loop, blow up the output or reach the terminal raw.
# usage: run-hostile.sh VFIO_DOCTOR NO_OPENAT2 MK_TREE
set -u
vd=$1 no_openat2=$2 mk_tree=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tmp=$(mktemp -d)
tap_out=$tmp
trap 'rm -rf "$tmp"' EXIT
# every command runs under a timeout: a hang is a failure, not a stuck suite
limit=${VFD_TEST_TIMEOUT:-20}

# run NAME CMD...: the command ends by itself (no timeout, no signal)
ends() {
	name=$1
	shift
	timeout $limit "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [ "$rc" -lt 124 ]; then ok "$name (exit $rc)"; else
		not_ok "$name (exit $rc: hung or crashed)"
		sed 's/^/# /' "$tmp/err"
	fi
}
# err_has NAME PATTERN: the last command's stderr matches
err_has() {
	if grep -q -- "$2" "$tmp/err"; then ok "$1"; else
		not_ok "$1"
		sed 's/^/# /' "$tmp/err"
	fi
}

# ------------------------------------------------------------ confinement
# A sysroot whose links point out of it, absolutely and with "../" past its
# top. What they name must resolve inside the tree, with openat2 and without
# (a seccomp filter answering ENOSYS, as on kernels before 5.6, or EPERM).
secret=HOSTSECRET$$
mkdir -p "$tmp/outside/etc" "$tmp/outside/proc"
echo "$secret" >"$tmp/outside/secret"
printf 'NAME="%s"\nID=%s\n' "$secret" "$secret" >"$tmp/outside/etc/os-release"
echo "BOOT_IMAGE=/vmlinuz $secret" >"$tmp/outside/proc/cmdline"
conf=$tmp/conf
"$mk_tree" group "$conf"
mkdir -p "$conf/etc" "$conf/proc" "$conf/dev"
depth=$(echo "$conf" | tr -cd / | wc -c)
ups=$(i=0; while [ $i -le "$depth" ]; do printf '../'; i=$((i + 1)); done)
# absolute: read as the sysroot's own /outside/..., which is not there
ln -s "$tmp/outside/etc/os-release" "$conf/etc/os-release"
# relative, climbing past the top of the tree into the host's directory
ln -s "../${ups}${tmp#/}/outside/proc/cmdline" "$conf/proc/cmdline"
ln -s "/../../../../${tmp#/}/outside/secret" "$conf/dev/kmsg"
# a directory link out, with the ACPI tables below it
mkdir -p "$conf/sys/firmware"
ln -s "$ups${tmp#/}/outside" "$conf/sys/firmware/acpi"
for how in openat2 ENOSYS EPERM; do
	case $how in
	openat2) run= ;;
	ENOSYS) run=$no_openat2 ;;
	EPERM) run="$no_openat2 -EPERM" ;;
	esac
	if [ -n "$run" ] && ! $run true 2>/dev/null; then
		skip "confinement without openat2 ($how): no seccomp filter here"
		continue
	fi
	for c in "check -v 0000:01:00.0" "check -J" "explain --dmesg" "persist --dry-run 0000:01:00.0" \
		"groups -O -J"; do
		# shellcheck disable=SC2086
		ends "$how: $c ends" $run "$vd" --sysroot "$conf" $c
		if cat "$tmp/out" "$tmp/err" | grep -q "$secret"; then
			not_ok "$how: $c reads nothing outside the sysroot"
			grep "$secret" "$tmp/out" "$tmp/err" | sed 's/^/# /'
		else
			ok "$how: $c reads nothing outside the sysroot"
		fi
	done
	# the snapshot of such a tree carries nothing of the host either
	rm -f "$tmp/conf.tar"
	timeout $limit $run "$vd" --sysroot "$conf" snapshot --output-file "$tmp/conf.tar" >/dev/null 2>&1
	if [ -s "$tmp/conf.tar" ] && ! tar -xOf "$tmp/conf.tar" 2>/dev/null | grep -q "$secret"; then
		ok "$how: a snapshot of the tree holds nothing from outside it"
	else
		not_ok "$how: a snapshot of the tree holds nothing from outside it"
	fi
done

# ------------------------------------------------------------ not files
# FIFOs where files are expected: nobody writes them, so a read would wait
# for ever. Every command must finish and name what it refused.
ff=$tmp/fifo
"$mk_tree" group "$ff"
mkdir -p "$ff/proc" "$ff/dev" "$ff/etc"
mkfifo "$ff/proc/cmdline" "$ff/dev/kmsg" "$ff/etc/os-release" "$tmp/rom.fifo"
cfg=$ff/sys/devices/pci0000:00/0000:00:01.0/0000:00:02.0/0000:01:00.0/config
rm "$cfg" && mkfifo "$cfg"
for c in "groups" "groups -t -J" "check" "check -v 0000:01:00.0" "check -J 0000:01:00.0" \
	"check --format prometheus" "explain --dmesg" "watch --since-boot" \
	"qemu-args 0000:01:00.0" "libvirt-xml 0000:01:00.0" "preflight 0000:01:00.0" \
	"persist --dry-run 0000:01:00.0" "bind --dry-run 0000:01:00.0" "vm --preset android --gpu 0000:01:00.0" \
	"snapshot --output-file $tmp/fifo.tar" "rom info $tmp/rom.fifo"; do
	# shellcheck disable=SC2086
	ends "FIFOs: $c ends" "$vd" --sysroot "$ff" $c
	case $c in
	rom*) err_has "FIFOs: $c says what it expected" "expected a ROM image file" ;;
	explain*|watch*) err_has "FIFOs: $c names the FIFO" "dev/kmsg' is a FIFO, not a regular file" ;;
	*) err_has "FIFOs: $c names the FIFO" "config' is a FIFO, not a regular file" ;;
	esac
done
timeout $limit "$vd" --sysroot "$ff" check -v 0000:01:00.0 >/dev/null 2>"$tmp/err"
if [ "$(grep -c "proc/cmdline' is a FIFO" "$tmp/err")" -eq 1 ]; then
	ok "FIFOs: each refused file is named once"
else
	not_ok "FIFOs: each refused file is named once"
	sed 's/^/# /' "$tmp/err"
fi
# a socket and a device node in a sysroot are refused the same way
sk=$tmp/sock
"$mk_tree" group "$sk"
mkdir -p "$sk/dev" "$sk/proc"
if python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
	"$sk/proc/cmdline" 2>/dev/null; then
	ends "socket: check ends" "$vd" --sysroot "$sk" check -v
	err_has "socket: check names the socket" "proc/cmdline' is a socket"
else
	skip "socket: no python3 to make one"
fi
if mknod "$sk/dev/kmsg" c 1 3 2>/dev/null; then
	ends "device node: explain --dmesg ends" "$vd" --sysroot "$sk" explain --dmesg
	err_has "device node: a sysroot's dev/kmsg must be a file" \
		"dev/kmsg' is a character device, not a regular file"
else
	skip "device node: mknod needs root"
fi

# ------------------------------------------------------------ cycles
# Two bridges each other's parent: the group code walks up from the endpoints
# to find the port without ACS, and must stop.
cy=$tmp/cycle
"$mk_tree" group "$cy"
mkdir -p "$cy/sys/devices/pci0000:00/0000:00:02.0"
cp -r "$cy/sys/devices/pci0000:00/0000:00:01.0" "$cy/sys/devices/pci0000:00/0000:00:02.0/"
ln -sfn ../../../devices/pci0000:00/0000:00:02.0/0000:00:01.0 \
	"$cy/sys/bus/pci/devices/0000:00:01.0"
for c in "groups -t" "groups -t -J" "check 0000:01:00.0" "check -J 0000:01:00.0" \
	"check --format prometheus 0000:01:00.0"; do
	# shellcheck disable=SC2086
	ends "cycle: $c ends" "$vd" --sysroot "$cy" $c
	if [ "$(grep -c 'broken PCI topology' "$tmp/err")" -eq 1 ] &&
		grep -q "0000:00:01.0 and its parents lead back to it through 0000:00:02.0" "$tmp/err"; then
		ok "cycle: $c names the broken link in one line"
	else
		not_ok "cycle: $c names the broken link in one line"
		sed 's/^/# /' "$tmp/err"
	fi
done
timeout $limit "$vd" --sysroot "$cy" groups -t -o SLOT >"$tmp/out" 2>/dev/null
if [ "$(grep -c '0000:0' "$tmp/out")" -eq 4 ]; then ok "cycle: groups -t lists every device"; else
	not_ok "cycle: groups -t lists every device"
	sed 's/^/# /' "$tmp/out"
fi

# ------------------------------------------------------------ long chains
# A chain of thousands of bridges: the output grows with the tree, not with
# its square (each level of indentation would cost every line below it).
for n in 1500 3000; do
	"$mk_tree" chain "$tmp/chain$n" $n
	timeout 120 "$vd" --sysroot "$tmp/chain$n" groups -t -J 2>"$tmp/err" | wc -c >"$tmp/size$n"
done
s1=$(cat "$tmp/size1500") s2=$(cat "$tmp/size3000")
echo "# groups -t -J: $s1 bytes for 1,500 functions, $s2 for 3,000"
# linear: twice the functions, at most a little over twice the bytes, and
# under 4 KiB a function (it was 243 MB for 3,000)
if [ "$s2" -gt 0 ] && [ $((s2 * 10)) -le $((s1 * 22)) ] && [ "$s2" -le $((3000 * 4096)) ]; then
	ok "chain: groups -t -J grows linearly"
else
	not_ok "chain: groups -t -J grows linearly ($s1 -> $s2 bytes)"
fi
if [ "$(grep -c "more than 256 functions deep" "$tmp/err")" -eq 1 ]; then
	ok "chain: a chain deeper than the bus numbers allow is named once"
else
	not_ok "chain: a chain deeper than the bus numbers allow is named once"
	sed 's/^/# /' "$tmp/err"
fi
timeout 120 "$vd" --sysroot "$tmp/chain3000" groups -t -o SLOT,PARENT -r >"$tmp/out" 2>/dev/null
if [ "$(wc -l <"$tmp/out")" -eq 3001 ]; then ok "chain: every function listed"; else
	not_ok "chain: every function listed ($(wc -l <"$tmp/out") lines)"
fi

# ------------------------------------------------------------ osrelease, libkmod
# libkmod opens its index by path with plain open(): the path it is given must
# be the tree's own. The fixture has vfio_pci available in its module tree;
# moved out of the sysroot, it must no longer be found.
fixtures=$here/fixtures
if [ -f "$fixtures/vfio-unloaded.tar.xz" ]; then
	km=$tmp/km
	mkdir -p "$km" "$tmp/mods"
	tar -xJf "$fixtures/vfio-unloaded.tar.xz" -C "$km"
	rel=$(cat "$km/proc/sys/kernel/osrelease")
	mv "$km/lib/modules/$rel" "$tmp/mods/$rel"
	# inside: an empty stand-in where the confined lookup lands
	mkdir -p "$km/mods/$rel"
	: >"$km/mods/$rel/modules.dep.bin"
	# "../../../mods/REL": below the root it is mods/REL, from the prefix it is outside
	echo "../../../mods/$rel" >"$km/proc/sys/kernel/osrelease"
	ends "osrelease ../../..: check ends" "$vd" --sysroot "$km" check -v
	err_has "osrelease ../../..: named as not a kernel release" \
		"osrelease is not a kernel release"
	if grep -q "vfio_pci is available" "$tmp/out"; then
		not_ok "osrelease ../../..: libkmod reads no module tree outside the sysroot"
	else
		ok "osrelease ../../..: libkmod reads no module tree outside the sysroot"
	fi
	# the tree in its place, its index links one ".." past the top: below the
	# root they reach the stand-in, followed from the prefix the tree outside
	echo "$rel" >"$km/proc/sys/kernel/osrelease"
	mkdir -p "$km/lib/modules/$rel"
	for f in "$tmp/mods/$rel"/modules.*; do
		ln -s "../../../../mods/$rel/$(basename "$f")" "$km/lib/modules/$rel/$(basename "$f")"
	done
	ends "index links: check ends" "$vd" --sysroot "$km" check -v
	err_has "index links: named" "modules.dep' is a symbolic link, not a regular file"
	if grep -q "vfio_pci is available" "$tmp/out"; then
		not_ok "index links: libkmod does not follow them out of the sysroot"
	else
		ok "index links: libkmod does not follow them out of the sysroot"
	fi
	# the same tree as plain files: found (the test above can fail)
	rm -r "$km/lib/modules/$rel"
	cp -r "$tmp/mods/$rel" "$km/lib/modules/$rel"
	timeout $limit "$vd" --sysroot "$km" check -v >"$tmp/out" 2>&1
	if grep -q "vfio_pci is available" "$tmp/out"; then
		ok "module tree inside the sysroot: vfio_pci found"
	else
		not_ok "module tree inside the sysroot: vfio_pci found"
	fi
else
	for i in 1 2 3 4 5 6 7; do skip "libkmod: no fixture vfio-unloaded"; done
fi

# ------------------------------------------------------------ escapes
# ESC, BEL and 0xff in a driver name, the command line, os-release and the
# kernel log: on the terminal as \x1b, \x07, \xff, never raw; JSON valid UTF-8.
es=$tmp/esc
"$mk_tree" group "$es"
mkdir -p "$es/proc" "$es/etc" "$es/dev"
E=$(printf '\033') B=$(printf '\007') X=$(printf '\377') U=$(printf 'caf\303\251')
printf 'BOOT_IMAGE=/vmlinuz intel_iommu=on %s]0;title%s %s %s[2J\n' "$E" "$B" "$X" "$E" \
	>"$es/proc/cmdline"
printf 'NAME="Evil%s[31mOS%s"\nPRETTY_NAME="Evil %s]0;t%s %s %s"\nID=evil\n' \
	"$E" "$X" "$E" "$B" "$X" "$U" >"$es/etc/os-release"
line="vfio-pci 0000:01:00.0: $E]0;x$B BAR 0: can't reserve [mem 0xf0000000-0xf0ffffff 64bit pref] $U $X"
printf '[    1.000000] %s\n' "$line" >"$es/dev/kmsg"
printf '%s\n' "$line" >"$tmp/esc.log"
drv="nv$E[31mdia$X"
mkdir -p "$es/sys/bus/pci/drivers/$drv"
ln -sfn "../../../../../../bus/pci/drivers/$drv" \
	"$es/sys/devices/pci0000:00/0000:00:01.0/0000:00:02.0/0000:01:00.0/driver"
utf8=$(locale -a 2>/dev/null | grep -i -m1 -E '^(C|en_US)\.utf-?8$')
for loc in C $utf8; do
	for c in "check -v 0000:01:00.0" "explain $tmp/esc.log" "explain --dmesg" \
		"watch --since-boot" "bind --dry-run 0000:01:00.0" "persist --dry-run 0000:01:00.0" \
		"qemu-args 0000:01:00.0" "libvirt-xml 0000:01:00.0" "preflight 0000:01:00.0" \
		"groups"; do
		# shellcheck disable=SC2086
		LC_ALL=$loc timeout $limit "$vd" --sysroot "$es" $c >"$tmp/out" 2>&1 </dev/null
		# the outside text got through (escaped), and nothing raw did
		if ! grep -q -F '\x1b' "$tmp/out"; then
			not_ok "$loc: $c prints the escaped text"
			sed 's/^/# /' "$tmp/out" | cat -v | head -20
		elif LC_ALL=C grep -q -a "[$E$B$X]" "$tmp/out"; then
			not_ok "$loc: $c writes no raw control or invalid byte"
			LC_ALL=C grep -a -n "[$E$B$X]" "$tmp/out" | cat -v | sed 's/^/# /' | head
		elif [ "$loc" = C ] && LC_ALL=C grep -q -a -P '[\x80-\xff]' "$tmp/out"; then
			not_ok "$loc: $c writes only ASCII under the C locale"
		else
			ok "$loc: $c escapes what came from outside"
		fi
	done
	# under UTF-8 valid characters stay as they are
	if [ "$loc" != C ]; then
		LC_ALL=$loc timeout $limit "$vd" --sysroot "$es" explain "$tmp/esc.log" >"$tmp/out" 2>&1
		if grep -q "$U" "$tmp/out"; then ok "$loc: valid UTF-8 kept"; else
			not_ok "$loc: valid UTF-8 kept"; fi
	fi
	for c in "check -J 0000:01:00.0" "groups -J" "groups -t -J" "explain -J $tmp/esc.log" \
		"watch -J --since-boot" "check --format prometheus 0000:01:00.0"; do
		# shellcheck disable=SC2086
		LC_ALL=$loc timeout $limit "$vd" --sysroot "$es" $c >"$tmp/out" 2>/dev/null </dev/null
		case $c in
		*prometheus*) valid=true ;;
		*) valid="jq -e . $tmp/out" ;;
		esac
		if iconv -f UTF-8 -t UTF-8 "$tmp/out" >/dev/null 2>&1 && $valid >/dev/null 2>&1 &&
			! LC_ALL=C grep -q -a "[$E$B]" "$tmp/out" && [ -s "$tmp/out" ]; then
			ok "$loc: $c is valid UTF-8 (and JSON)"
		else
			not_ok "$loc: $c is valid UTF-8 (and JSON)"
		fi
	done
done
# 0xff in JSON is U+FFFD, the replacement character (as the man page says)
timeout $limit "$vd" --sysroot "$es" explain -J "$tmp/esc.log" >"$tmp/out" 2>/dev/null
if jq -r '.. | strings' "$tmp/out" 2>/dev/null | grep -q "$(printf '\357\277\275')"; then
	ok "JSON: an invalid byte becomes U+FFFD"
else
	not_ok "JSON: an invalid byte becomes U+FFFD"
fi

# ------------------------------------------------------------ lint limits
# 200,000 attributes on one element took libxml2 over a minute (its duplicate
# check is pairwise); 200,000 elements cost memory. Both are refused at once.
awk 'BEGIN { printf "<domain type=\"kvm\""; for (i = 0; i < 200000; i++) printf " a%d=\"x\"", i;
	print "><name>x</name></domain>" }' >"$tmp/attrs.xml"
awk 'BEGIN { printf "<domain type=\"kvm\"><name>x</name>"; for (i = 0; i < 200000; i++)
	printf "<e a=\"1\"/>"; print "</domain>" }' >"$tmp/elems.xml"
for f in attrs elems; do
	start=$(date +%s)
	status 2 "lint: $f.xml refused" timeout 10 "$vd" --sysroot "$es" lint "$tmp/$f.xml"
	case $f in
	attrs) one_line "lint: $f.xml error" "$f.xml:1: more than 64 attributes on one element" ;;
	elems) one_line "lint: $f.xml error" "$f.xml:1: more than 20000 elements" ;;
	esac
	if [ $(($(date +%s) - start)) -le 2 ]; then ok "lint: $f.xml refused within 2 s"; else
		not_ok "lint: $f.xml refused within 2 s"; fi
done
# a quoted '>' or '=' is not markup: a domain with them still reads
printf '<domain type="kvm"><name>a=b&gt;c</name><description>x="1" y="2"</description>%s</domain>\n' \
	"<memory unit='KiB'>1048576</memory>" >"$tmp/ok.xml"
status 0 "lint: an ordinary domain still reads" "$vd" --sysroot "$es" lint "$tmp/ok.xml"

tap_done
