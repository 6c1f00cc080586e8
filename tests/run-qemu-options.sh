#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# QEMU's option table (data/qemu-options.tsv) and the tool that writes it:
# - tools/qemu-options-table reads DEF lines, -help text and downstream patches
#   (inputs made here, with the shapes QEMU's files have);
# - lint reads every option of the table as QEMU does: an option without a value
#   does not eat the next word, one with a value does (a -device vfio-pci after
#   it must be counted exactly once);
# - with QEMU installed, its -help agrees with the table for every option it has;
# - with QEMU's sources under build/qemu-src (tools/qemu-options-table fetch), the
#   committed table is what the tool writes from them.
# usage: run-qemu-options.sh VFIO_DOCTOR
set -u
vd=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/tap.sh"
vmc_fixtures="$here/fixtures"
. "$here/vmconfig/sysroot.sh"
export LC_ALL=C TZ=UTC NO_COLOR=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tool="$top/tools/qemu-options-table"
table="$top/data/qemu-options.tsv"
tab=$(printf '\t')

# --- the tool on small inputs of each kind
{
	echo 'HXCOMM DEF(option, HAS_ARG/0, opt_enum, opt_help, arch_mask) is used to'
	i=0
	while [ $i -lt 60 ]; do
		echo "DEF(\"opt$i\", HAS_ARG, QEMU_OPTION_opt$i,"
		echo "    \"-opt$i value   help\\n\", QEMU_ARCH_ALL)"
		i=$((i + 1))
	done
	echo 'DEF("mem-prealloc", 0, QEMU_OPTION_mem_prealloc,'
	echo 'DEF("S", 0, QEMU_OPTION_S, \'
	echo 'DEF("machine", HAS_ARG, QEMU_OPTION_machine, \'
} >"$work/qemu-options-1.0.hx"
{
	i=0
	while [ $i -lt 60 ]; do
		echo "-opt$i value   help"
		i=$((i + 1))
	done
	echo '-h or -help     display this help and exit'
	echo '-machine [type=]name[,prop[=value][,...]]'
	echo '-S              freeze CPU at startup'
	echo '-async-teardown enable asynchronous teardown'
	echo '-dtb    file    use file as device tree image'
	echo '-hda/-hdb file  use file as hard disk 0/1 image'
	echo '-only-migratable     allow only migratable devices'
	echo '-no-user-config'
	echo '                do not load default user-provided config files'
} >"$work/help.txt"
mkdir "$work/patches"
printf '%s\n' '--- a/qemu-options.hx' '+++ b/qemu-options.hx' \
	'+DEF("id", HAS_ARG, QEMU_OPTION_id,' '-DEF("gone", 0, QEMU_OPTION_gone,' \
	>"$work/patches/0001-add-id.patch"
if "$tool" table -o "$work/t.tsv" "$work/qemu-options-1.0.hx" 2.0=$work/help.txt \
	down=$work/patches 2>"$work/err"; then
	ok "tool: a .hx, -help text and a patch directory make a table"
else
	not_ok "tool: a .hx, -help text and a patch directory make a table"
	sed 's/^/# /' "$work/err"
fi
want() {
	got=$(awk -F '\t' -v n="$1" '$1 == n { print $2 "\t" $3 }' "$work/t.tsv")
	if [ "$got" = "$2$tab$3" ]; then ok "tool: $1 $2 ($3)"
	else not_ok "tool: $1: '$got', expected '$2$tab$3'"; fi
}
want mem-prealloc none 1.0
want S none 1.0,2.0
want machine arg 1.0,2.0
want h none 2.0
want help none 2.0
want async-teardown none 2.0
want dtb arg 2.0
want hda arg 2.0
want hdb arg 2.0
want only-migratable none 2.0
want no-user-config none 2.0
want id arg down
if ! grep -q "^gone$tab" "$work/t.tsv"; then ok "tool: a line a patch removes is not an option"
else not_ok "tool: a line a patch removes is not an option"; fi
if grep -q '^# QEMU versions: 1.0 2.0 down$' "$work/t.tsv"; then ok "tool: the versions head the table"
else not_ok "tool: the versions head the table"; fi
printf 'DEF("a", 0, QEMU_OPTION_a,\n' >"$work/short.hx"
if "$tool" table -o "$work/bad.tsv" 1=$work/short.hx 2>/dev/null || [ -e "$work/bad.tsv" ]; then
	not_ok "tool: refuses a file that is not an option table"
else
	ok "tool: refuses a file that is not an option table"
fi

# --- lint reads each option of the committed table as QEMU would
root=$(vmc_sysroot "$work" intel-vtd-vfio) || root=
if [ -z "$root" ]; then
	skip "lint: every option of the table (no fixture intel-vtd-vfio)"
else
	bad=0 n=0
	grep -v '^#' "$table" | while IFS="$tab" read -r name kind _; do
		if [ "$kind" = arg ]; then val=1; else val=""; fi
		# a value every option reads (-m takes a size); the device must come out once
		printf -- '-machine q35 -%s %s -device vfio-pci,host=01:00.0\n' "$name" "$val" \
			>"$work/opt.args"
		"$vd" --sysroot "$root" lint -J -u root "$work/opt.args" >"$work/o" 2>&1
		if ! grep -q '1 passed-through device"' "$work/o" ||
			grep -q '"vm.qemu-option"' "$work/o"; then
			echo "# -$name ($kind): $(head -c 300 "$work/o")"
			echo bad
		fi
	done >"$work/each"
	n=$(grep -vc '^#' "$table")
	if ! grep -q '^bad$' "$work/each"; then
		ok "lint: each of the $n options of the table takes a value or not, as QEMU reads it"
	else
		not_ok "lint: options read wrongly"
		grep '^#' "$work/each" | head -20
	fi
fi

# --- the installed QEMU's -help agrees with the table
if command -v qemu-system-x86_64 >/dev/null 2>&1; then
	v=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([0-9][0-9.]*\).*/\1/p')
	qemu-system-x86_64 -help >"$work/qhelp.txt" 2>/dev/null
	"$tool" table -o "$work/h.tsv" "$v=$work/qhelp.txt" 2>/dev/null
	grep -v '^#' "$work/h.tsv" | cut -f1,2 | sort >"$work/h"
	grep -v '^#' "$table" | cut -f1,2 | sort >"$work/t"
	diffs=$(join -t "$tab" -a 1 -e MISSING -o 0,1.2,2.2 "$work/h" "$work/t" |
		awk -F '\t' '$2 != $3')
	if [ -z "$diffs" ]; then
		ok "QEMU $v installed: its -help agrees with the table on all $(wc -l <"$work/h") options"
	else
		not_ok "QEMU $v installed: its -help and the table differ (regenerate the table)"
		echo "$diffs" | sed 's/^/# /'
	fi
else
	skip "QEMU's -help against the table (qemu-system-x86_64 not installed)"
fi

# --- the committed table is what the tool writes from the recorded sources
set -- "$top"/build/qemu-src/qemu-options-*.hx
vers=$(sed -n 's/^# QEMU versions: //p' "$table")
inputs=
for v in $vers; do
	case $v in
	pve-*) f="$top/build/qemu-src/pve-qemu-${v#pve-}" ;;
	*) f="$top/build/qemu-src/qemu-options-$v.hx" ;;
	esac
	[ -e "$f" ] || { inputs=; break; }
	inputs="$inputs $v=$f"
done
if [ -z "$inputs" ]; then
	skip "table regenerated from its sources (build/qemu-src lacks them: tools/qemu-options-table fetch)"
else
	# shellcheck disable=SC2086
	"$tool" table -o "$work/re.tsv" $inputs 2>/dev/null
	if cmp -s "$work/re.tsv" "$table"; then
		ok "table regenerated from its sources is the committed one"
	else
		not_ok "table regenerated from its sources differs from the committed one"
		diff "$table" "$work/re.tsv" | head -20 | sed 's/^/# /'
	fi
fi
echo "1..$tap_n"
[ "$tap_failed" -eq 0 ]
