#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# src/table-plain.c: a table of printable ASCII written without libsmartcols'
# per-character measuring is byte for byte what scols_print_table() writes
# (VFD_TABLE_NO_PLAIN=1 makes every table go to the library). Compared on a
# generated host and the fixtures, in column sets that reach each of its
# rules: right-aligned first and last columns, empty cells in the middle and
# at the end, width hints wider than the header and than every cell, no
# headings; and with cells it must leave to the library (a backslash, a byte
# outside ASCII, an escape), where the two must agree as well.
# usage: run-table-plain.sh GEN_HOST VFIO_DOCTOR FIXTURES_DIR
set -u
gen=$1
vd=$2
fixtures=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tap_scratch
tap_out=$tmp

same() {	# NAME SYSROOT ARGS...: the plain writer and the library agree
	name=$1 root=$2
	shift 2
	"$vd" --sysroot "$root" "$@" >"$tmp/plain" 2>"$tmp/plain.err"
	a=$?
	VFD_TABLE_NO_PLAIN=1 "$vd" --sysroot "$root" "$@" >"$tmp/scols" 2>"$tmp/scols.err"
	b=$?
	if [ "$a" -eq "$b" ] && cmp -s "$tmp/plain" "$tmp/scols" &&
	   cmp -s "$tmp/plain.err" "$tmp/scols.err" && [ -s "$tmp/plain" ]; then
		ok "$name"
	else
		not_ok "$name (exit $a and $b)"
		diff "$tmp/scols" "$tmp/plain" | head -5 | sed 's/^/# /'
	fi
}

sets() {	# LABEL SYSROOT: every column set against both writers
	for o in "" "-n" "-O" "-o GROUP" "-o SLOT,GROUP" "-o GROUP,SLOT,NUMA" \
		 "-o SLOT,DRIVER" "-o DRIVER,SLOT" "-o SLOT,OVERRIDE,REV" "-o +PHYSFN,PARENT" \
		 "-n -o VIABLE,BLOCKS,DRIVER" "--gpu" "--net -o +BRIDGE,RESET"; do
		# shellcheck disable=SC2086 # the options are words
		same "$1: groups $o" "$2" groups $o
	done
	same "$1: check -o" "$2" check -o SEVERITY,CHECK,LAYER,DEVICE
}

if "$gen" -n 256 "$tmp/host" >/dev/null; then
	sets "generated" "$tmp/host"
	# cells the plain writer must leave to the library
	devs=$tmp/host/sys/bus/pci/devices
	printf 'a\\xb\n' >"$devs/0000:00:01.0/driver_override"
	printf 'caf\303\251\n' >"$devs/0000:00:01.1/driver_override"
	printf 'x\033[1my\n' >"$devs/0000:00:01.2/driver_override"
	same "a backslash, UTF-8 and an escape" "$tmp/host" groups -o +OVERRIDE
	grep -q 'a\\x5cxb' "$tmp/plain" && ok "the backslash is written encoded, as the library does" ||
		not_ok "the backslash is written encoded, as the library does"
else
	not_ok "bench/gen-host -n 256"
fi

for f in "$fixtures"/*.tar.xz; do
	fx=$(basename "$f" .tar.xz)
	mkdir -p "$tmp/$fx"
	tar -xJf "$f" -C "$tmp/$fx" || { not_ok "$fx: unpacked"; continue; }
	root=$tmp/$fx
	[ -d "$root/sys" ] || root=$(dirname "$(find "$tmp/$fx" -maxdepth 3 -type d -name sys | head -1)")
	same "$fx: groups" "$root" groups
	same "$fx: groups -O" "$root" groups -O
	same "$fx: groups -o GROUP,SLOT,NUMA" "$root" groups -o GROUP,SLOT,NUMA
done
tap_done
