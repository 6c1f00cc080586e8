#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/gen-host: bad input is refused with one line; a generated host is the
# same every time and consistent with itself (group links against the groups'
# device lists, driver links against the drivers' lists, the counts it states)
# and, where lspci is installed, lspci reading the same tree through libpci
# finds the IDs, classes and drivers vfio-doctor finds.
# usage: run-gen-host.sh GEN_HOST VFIO_DOCTOR
set -u
gen=$1
vd=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
export LC_ALL=C NO_COLOR=1
tmp=$(mktemp -d)
tap_out=$tmp
trap 'rm -rf "$tmp"' EXIT

for bad in 255 16385 abc 4096x ""; do
	status 2 "size '$bad' refused" "$gen" -n "$bad" "$tmp/bad"
	one_line "size '$bad': one line naming it" "'$bad': expected a number of functions"
	[ ! -e "$tmp/bad" ] && ok "size '$bad': nothing written" || not_ok "size '$bad': nothing written"
done
mkdir "$tmp/exists"
status 2 "an existing directory is refused" "$gen" -n 256 "$tmp/exists"
one_line "an existing directory: one line" "exists"

# what a tree holds, links by target and files by content, in one stable listing
listing() {
	(cd "$1" && { find . -type l -printf '%p -> %l\n'; find . -type f -exec md5sum {} +; } |
		sort)
}

for n in 256 1024; do
	t=$tmp/host-$n
	status 0 "$n: generated" "$gen" -n "$n" "$t"
	summary=$(cat "$tmp/out")
	sys=$t/sys
	count=$(ls "$sys/bus/pci/devices" | wc -l)
	[ "$count" -eq "$n" ] && ok "$n: $n functions" || not_ok "$n: $count functions"

	# each function's group and driver links, against the groups' and drivers' lists
	find "$sys/devices" -name iommu_group -type l -printf '%h %l\n' |
		awk '{ n = split($1, a, "/"); m = split($2, b, "/"); print a[n], b[m] }' |
		sort >"$tmp/by-link"
	find "$sys/kernel/iommu_groups" -path '*/devices/*' -printf '%f %h\n' |
		awk '{ n = split($2, a, "/"); print $1, a[n - 1] }' | sort >"$tmp/by-list"
	if [ "$(wc -l <"$tmp/by-link")" -eq "$n" ] && cmp -s "$tmp/by-link" "$tmp/by-list"; then
		ok "$n: each function's group link and the groups' lists agree"
	else
		not_ok "$n: group links and lists differ"
		diff "$tmp/by-link" "$tmp/by-list" | head -10 | sed 's/^/# /'
	fi
	find "$sys/devices" -name driver -type l -printf '%h %l\n' |
		awk '{ n = split($1, a, "/"); m = split($2, b, "/"); print a[n], b[m] }' |
		sort >"$tmp/by-link"
	find "$sys/bus/pci/drivers" -mindepth 2 -maxdepth 2 -type l -name '[0-9a-f]*:*' \
		-printf '%f %h\n' | awk '{ n = split($2, a, "/"); print $1, a[n] }' |
		sort >"$tmp/by-list"
	if [ -s "$tmp/by-link" ] && cmp -s "$tmp/by-link" "$tmp/by-list"; then
		ok "$n: each function's driver link and the drivers' lists agree"
	else
		not_ok "$n: driver links and lists differ"
		diff "$tmp/by-link" "$tmp/by-list" | head -10 | sed 's/^/# /'
	fi
	groups=$(ls "$sys/kernel/iommu_groups" | wc -l)
	case $summary in
	*"$n functions, $groups IOMMU groups"*) ok "$n: summary states the groups made" ;;
	*) not_ok "$n: summary '$summary', $groups groups" ;;
	esac

	# what vfio-doctor reads
	"$vd" --sysroot "$t" groups -r -n -o SLOT,ID,CLASS,DRIVER >"$tmp/vd" 2>"$tmp/vd.err"
	[ "$(wc -l <"$tmp/vd")" -eq "$n" ] && [ ! -s "$tmp/vd.err" ] &&
		ok "$n: vfio-doctor groups lists every function" ||
		not_ok "$n: vfio-doctor groups lists $(wc -l <"$tmp/vd") functions"
	gpus=$(awk '$3 ~ /^0300/' "$tmp/vd" | wc -l)
	audio=$(awk '$3 ~ /^0403/' "$tmp/vd" | wc -l)
	nvme=$(awk '$3 ~ /^0108/' "$tmp/vd" | wc -l)
	case $summary in
	*" $gpus GPUs, $nvme NVMe"*)
		[ "$gpus" -eq "$audio" ] && ok "$n: $gpus GPUs, each with its audio function" ||
			not_ok "$n: $gpus GPUs, $audio audio functions" ;;
	*) not_ok "$n: summary '$summary', read $gpus GPUs, $nvme NVMe" ;;
	esac
	# the VFs: IDs in config space read all ones, so their IDs come from the PF's SR-IOV capability
	if awk '$2 == "ffff:ffff"' "$tmp/vd" | grep -q .; then
		not_ok "$n: a function without IDs"
	else
		ok "$n: every function has IDs"
	fi

	if command -v lspci >/dev/null; then
		lspci -D -n -k -A linux-sysfs -O sysfs.path="$sys/bus/pci" 2>/dev/null | awk '
			/^[0-9a-f]+:/ { if (s) print s, id, cls, drv; s = $1; cls = substr($2, 1, 4);
				id = $3; drv = "-" }
			/Kernel driver in use:/ { drv = $NF }
			END { if (s) print s, id, cls, drv }' | sort >"$tmp/lspci"
		# groups lists by group; lspci by address
		awk '{ print $1, $2, substr($3, 1, 4), ($4 == "" ? "-" : $4) }' "$tmp/vd" |
			sort >"$tmp/vd4"
		if diff "$tmp/lspci" "$tmp/vd4" >"$tmp/diff"; then
			ok "$n: lspci finds the same IDs, classes and drivers"
		else
			not_ok "$n: lspci and vfio-doctor differ"
			head -20 "$tmp/diff" | sed 's/^/# /'
		fi
	else
		skip "$n: lspci not installed"
	fi
done

# -u: vendors pci.ids does not list (bench/names). Every function still has its IDs
# and class; a name libpci is asked for is asked once per ID (lib/host/pci-names.c),
# so functions of one ID show one name and, where the udev hwdb index is absent,
# libudev's failed opens no longer grow with the functions (ten per lookup before)
n=1024
t=$tmp/unknown-$n
status 0 "-u: generated" "$gen" -u -n "$n" "$t"
"$vd" --sysroot "$t" groups -r -n -o ID,CLASS,VENDORNAME,DEVICENAME,CLASSNAME >"$tmp/vd" \
	2>"$tmp/vd.err"
if [ "$(wc -l <"$tmp/vd")" -eq "$n" ] && [ ! -s "$tmp/vd.err" ] &&
   ! awk '$1 !~ /^1ee0:/' "$tmp/vd" | grep -q .; then
	ok "-u: every function listed, every vendor 1ee0"
else
	not_ok "-u: $(wc -l <"$tmp/vd") functions listed, or a vendor not 1ee0"
fi
# one line per ID: the remembered answer is the one libpci gave first
ids=$(awk '{ print $1 }' "$tmp/vd" | sort -u | wc -l)
rows=$(sort -u "$tmp/vd" | awk '{ print $1 }' | sort -u | wc -l)
named=$(sort -u "$tmp/vd" | wc -l)
[ "$named" -eq "$rows" ] && [ "$rows" -eq "$ids" ] && ok "-u: one set of names per ID ($ids IDs)" ||
	not_ok "-u: $named name lines for $ids IDs"
if command -v strace >/dev/null &&
   strace -f -e trace=open,openat -o "$tmp/strace" "$vd" --sysroot "$t" groups >/dev/null 2>&1
then
	failed=$(grep -c ' = -1 ' "$tmp/strace")
	[ "$failed" -lt $((n / 4)) ] && ok "-u: $failed failed opens for $n functions" ||
		not_ok "-u: $failed failed opens for $n functions (libpci asked per function?)"
else
	skip "-u: strace not installed or not allowed"
fi

# the same size twice: the same tree
"$gen" -n 256 "$tmp/again" >/dev/null 2>&1
if [ "$(listing "$tmp/host-256" | md5sum)" = "$(listing "$tmp/again" | md5sum)" ]; then
	ok "the same size gives the same tree"
else
	not_ok "two trees of 256 functions differ"
fi
tap_done
