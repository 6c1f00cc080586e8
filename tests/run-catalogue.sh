#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# data/catalogue.tsv is written only by tools/harvest-messages: check its shape, so a
# hand edit or a broken regeneration fails here.  The checker is first run on broken
# copies of a good sample, each of which it must refuse.
# usage: run-catalogue.sh [CATALOGUE]
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
catalogue=${1:-$here/../data/catalogue.tsv}
tap_out=$(mktemp -d)
trap 'rm -rf "$tap_out"' EXIT
tab=$(printf '\t')

# check_shape FILE: exit 0 when FILE has the catalogue's shape; the first problem on stderr
check_shape() {
	LC_ALL=C awk -F '\t' '
	BEGIN {
		split("linux qemu libvirt proxmox xen dpdk crosvm cloud-hypervisor dracut kmod " \
		      "mkinitcpio initramfs-tools nvidia vendor-reset looking-glass " \
		      "kubevirt incus lxd kata harvester-pcidevices truenas nova " \
		      "kubevirt-gpu-device-plugin sriov-network-device-plugin " \
		      "virt-manager driverctl vdsm intel-device-plugins spdk vpp mdevctl " \
		      "vgpu_unlock-rs usbvfiod kvmtool acrn libvfio-user xapi cockpit-machines " \
		      "opennebula", p, " ")
		for (i in p) program[p[i]] = 1
		level["error"] = level["warning"] = level["info"] = level["trace"] = 1
	}
	function bad(why) { printf "line %d: %s\n", NR, why > "/dev/stderr"; failed = 1; exit 1 }
	NR == 1 {
		if ($0 != "program\tlevel\tversions\tfile\tfunction\tcall\tformat")
			bad("header is not program level versions file function call format")
		next
	}
	{
		if (NF != 7) bad(NF " columns, expected 7")
		if (!($1 in program)) bad("unknown program \"" $1 "\"")
		if (!($2 in level)) bad("level \"" $2 "\" is not error, warning, info or trace")
		if ($3 !~ /^[0-9A-Za-z.+~-]+(,[0-9A-Za-z.+~-]+)*$/) bad("versions \"" $3 "\" is not a comma list")
		for (i = 4; i <= 6; i++) if ($i == "" || $i ~ /[ \r]/) bad("column " i " is empty or has a space")
		if ($7 == "" || $7 ~ /\r/) bad("format is empty or has a carriage return")
		key = $1 "\t" $7
		if (key in seen) bad("program and format repeat line " seen[key])
		seen[key] = NR
		# sorted by program, file, function, format (byte order)
		cur = $1 "\001" $4 "\001" $5 "\001" $7
		if (NR > 2 && cur < prev) bad("not sorted by program, file, function, format")
		prev = cur
		rows++
	}
	END { if (!failed && rows == 0) { print "no rows" > "/dev/stderr"; exit 1 } }
	' "$1"
}

# The checker itself: a good sample passes, and each kind of damage is refused.
good=$tap_out/good.tsv
{
	printf 'program\tlevel\tversions\tfile\tfunction\tcall\tformat\n'
	printf 'linux\terror\t5.10,6.1\tdrivers/vfio/vfio.c\tvfio_group_open\tpr_err\tvfio: %%s\n'
	printf 'linux\twarning\t6.1\tdrivers/vfio/vfio.c\tvfio_group_open\tpr_warn\tvfio: z\n'
	printf 'qemu\tinfo\t7.2\thw/vfio/pci.c\t-\terror_report\tvfio %%s: x\n'
} >"$good"
status 0 "checker accepts a well-formed sample" check_shape "$good"
damage() {
	name=$1 script=$2
	sed "$script" "$good" >"$tap_out/bad.tsv"
	status 1 "checker refuses $name" check_shape "$tap_out/bad.tsv"
}
damage "a changed header" '1s/format$/message/'
damage "a missing column" "2s/${tab}pr_err//"
damage "an extra column" "2s/\$/${tab}extra/"
damage "an unknown program" '4s/^qemu/qemu-kvm/'
damage "an unknown level" '2s/error/fatal/'
damage "empty versions" "2s/5.10,6.1//"
damage "a duplicate program and format" '3s/z$/%s/'
damage "rows out of order" '2{h;d};3G'

# The committed catalogue
if [ ! -r "$catalogue" ]; then
	not_ok "catalogue $catalogue is readable"
else
	status 0 "$(basename "$catalogue") has the catalogue's shape" check_shape "$catalogue"
	rows=$(($(wc -l <"$catalogue") - 1))
	echo "# $rows formats"
	awk -F '\t' 'NR > 1 { n[$1 " " $2]++; p[$1] = 1 } END {
		for (q in p) printf "# %s: error %d, warning %d, info %d, trace %d\n", q,
			n[q " error"], n[q " warning"], n[q " info"], n[q " trace"] }' "$catalogue" | sort
fi
tap_done
