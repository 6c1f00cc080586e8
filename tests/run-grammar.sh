#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# One command-line grammar (vfio-doctor(8), CONVENTIONS) and output that fits
# the terminal: global options after the command, "vfio-doctor CMD:" errors,
# --color, unknown --user, the /dev/kvm fix, groups --tree and its JSON, groups
# without an IOMMU, the groups table at 80 and 60 columns, check wrapped on a
# terminal only. Terminals are made with script(1) where it is installed.
# usage: run-grammar.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tap_scratch
tap_out=$tmp
unset COLUMNS

# unpack FIXTURE: its sysroot under $tmp (fails when the fixture is absent)
unpack() {
	[ -d "$tmp/$1" ] && return 0
	mkdir -p "$tmp/$1" && tar -xJf "$here/fixtures/$1.tar.xz" -C "$tmp/$1" 2>/dev/null
}
# on_tty COLS CMD...: CMD's output on a terminal COLS wide, to $tmp/tty (no CRs)
on_tty() {
	cols=$1
	shift
	# script(1) runs a shell command line: quote each word for it
	line=
	for w in "$@"; do
		line="$line '$(printf '%s' "$w" | sed "s/'/'\\\\''/g")'"
	done
	COLUMNS=$cols script -qec "$line" /dev/null 2>/dev/null | tr -d '\r' >"$tmp/tty"
}
# longest FILE: the widest line of FILE, in characters
longest() {
	awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$1"
}
have_script=false
command -v script >/dev/null 2>&1 && have_script=true

mkdir -p "$tmp/nopci/sys"

# global options after the command, and errors naming the command
status 2 "groups --sysroot DIR (after the command)" "$vd" groups --sysroot "$tmp/nopci"
one_line "its error names the command" "^vfio-doctor groups: cannot read .*no PCI bus"
status 2 "check -s DIR (short, after the command)" "$vd" check -s "$tmp/nopci"
one_line "check -s: the sysroot is read" "^vfio-doctor check: cannot read .*no PCI bus"
status 2 "an unknown option" "$vd" check --frob
if head -1 "$tmp/err" | grep -q "^vfio-doctor check: unrecognized option '--frob'"; then
	ok "getopt's error names the command"
else
	not_ok "getopt's error names the command"
	sed 's/^/# /' "$tmp/err"
fi
if unpack intel-iommu-off; then
	"$vd" --sysroot "$tmp/intel-iommu-off" check -J >"$tmp/before" 2>&1
	"$vd" check -J --sysroot "$tmp/intel-iommu-off" >"$tmp/after" 2>&1
	cmp -s "$tmp/before" "$tmp/after" && ok "--sysroot before or after: the same report" ||
		not_ok "--sysroot before or after: the same report"
else
	skip "--sysroot after the command: no fixture intel-iommu-off"
fi

# --color
status 2 "--color=bad" "$vd" --color=bad groups
one_line "--color=bad names the values" "invalid --color 'bad': expected auto, always or never"
if [ -d "$tmp/intel-iommu-off/sys" ]; then
	fx=$tmp/intel-iommu-off
	esc=$(printf '\033')
	env -u NO_COLOR "$vd" --sysroot "$fx" check --color=always >"$tmp/c" 2>/dev/null
	grep -q "$esc\[" "$tmp/c" && ok "--color=always colours a pipe" ||
		not_ok "--color=always colours a pipe"
	NO_COLOR=1 "$vd" --sysroot "$fx" --color=always check >"$tmp/c" 2>/dev/null
	grep -q "$esc\[" "$tmp/c" && ok "--color=always wins over NO_COLOR" ||
		not_ok "--color=always wins over NO_COLOR"
	env -u NO_COLOR "$vd" --sysroot "$fx" check >"$tmp/c" 2>/dev/null
	grep -q "$esc\[" "$tmp/c" && not_ok "auto: no colour into a pipe" ||
		ok "auto: no colour into a pipe"
	if $have_script; then
		on_tty 80 env -u NO_COLOR TERM=xterm "$vd" --sysroot "$fx" check
		grep -q "$esc\[" "$tmp/tty" && ok "auto: colour on a terminal" ||
			not_ok "auto: colour on a terminal"
		on_tty 80 env -u NO_COLOR TERM=dumb "$vd" --sysroot "$fx" check
		grep -q "$esc\[" "$tmp/tty" && not_ok "auto: TERM=dumb, no colour" ||
			ok "auto: TERM=dumb, no colour"
		on_tty 80 env NO_COLOR=1 TERM=xterm "$vd" --sysroot "$fx" check
		grep -q "$esc\[" "$tmp/tty" && not_ok "auto: NO_COLOR, no colour" ||
			ok "auto: NO_COLOR, no colour"
		on_tty 80 env -u NO_COLOR TERM=xterm "$vd" --sysroot "$fx" check --color=never
		grep -q "$esc\[" "$tmp/tty" && not_ok "--color=never on a terminal" ||
			ok "--color=never on a terminal"
	else
		for i in 1 2 3 4; do skip "colour on a terminal: no script(1)"; done
	fi

	# an unknown --user: one line, exit 2, in every command that takes one
	for c in "check" "preflight 00:1f.3" "qemu-args 01:00.0" "vm --preset android --gpu 01:00.0"; do
		# shellcheck disable=SC2086
		status 2 "$c --user nosuchuser" "$vd" --sysroot "$fx" $c --user nosuchuser
		one_line "$c: unknown user is one line" "unknown user 'nosuchuser': no such account"
	done

	# /dev/kvm root:root in this snapshot: the fix is the udev rule and group kvm
	"$vd" --sysroot "$fx" check -J --user nobody >"$tmp/j" 2>/dev/null
	if jq -e '.findings[] | select(.id == "platform.kvm") | .status == "warn" and
		(.fix | any(test("GROUP=\"kvm\""))) and (.fix | any(test("usermod -aG kvm nobody"))) and
		(.fix | all(test("-aG root") | not))' "$tmp/j" >/dev/null; then
		ok "/dev/kvm root:root: udev rule and kvm group, never group root"
	else
		not_ok "/dev/kvm root:root: udev rule and kvm group, never group root"
		jq '.findings[] | select(.id == "platform.kvm")' "$tmp/j" | sed 's/^/# /'
	fi

	# groups without an IOMMU: why on stderr, exit 2 as check
	status 2 "groups without IOMMU groups: exit 2" "$vd" --sysroot "$fx" groups
	one_line "groups without IOMMU groups: why" "no IOMMU groups, so VFIO can use no device: IOMMU turned off on the kernel command line (intel_iommu=off)"
else
	for i in $(seq 1 20); do skip "no fixture intel-iommu-off"; done
fi

# groups --tree: filters, device arguments, one JSON schema
if unpack gpu-audio-vfio; then
	fx=$tmp/gpu-audio-vfio
	"$vd" --sysroot "$fx" groups -t --gpu >"$tmp/t"
	if grep -q "0000:02:00.0" "$tmp/t" && grep -q "0000:02:00.1" "$tmp/t" &&
		grep -q "0000:00:02.0" "$tmp/t" && ! grep -q "0000:01:00.0" "$tmp/t"; then
		ok "groups -t --gpu: the GPU's group and the bridge above it only"
	else
		not_ok "groups -t --gpu: the GPU's group and the bridge above it only"
		sed 's/^/# /' "$tmp/t"
	fi
	"$vd" --sysroot "$fx" groups -t 01:00.0 >"$tmp/t"
	if grep -q "0000:01:00.0" "$tmp/t" && ! grep -q "0000:02:00" "$tmp/t"; then
		ok "groups -t DEVICE: that device's group only"
	else
		not_ok "groups -t DEVICE: that device's group only"
		sed 's/^/# /' "$tmp/t"
	fi
	"$vd" --sysroot "$fx" groups -J >"$tmp/flat"
	"$vd" --sysroot "$fx" groups -t -J >"$tmp/tree"
	keys='[.. | objects | select(has("slot")) | keys - ["children"]] | unique'
	if [ "$(jq -c "$keys" "$tmp/flat")" = "$(jq -c "$keys" "$tmp/tree")" ] &&
		jq -e '.iommugroups | length > 0' "$tmp/tree" >/dev/null &&
		jq -e '[.. | objects | select(.slot == "0000:00:02.0") | .children[].slot] ==
			["0000:02:00.0", "0000:02:00.1"]' "$tmp/tree" >/dev/null; then
		ok "groups -t -J: the keys of -J, the topology as children"
	else
		not_ok "groups -t -J: the keys of -J, the topology as children"
		jq -c "$keys" "$tmp/flat" "$tmp/tree" | sed 's/^/# /'
	fi
	jq -e '[.. | objects | select(has("slot"))] | length == 12' "$tmp/tree" >/dev/null &&
		ok "groups -t -J: every function once" || not_ok "groups -t -J: every function once"
else
	for i in 1 2 3 4; do skip "groups --tree: no fixture gpu-audio-vfio"; done
fi

# the groups table at 80 and 60 columns: a GPU's model kept, no header wrapped.
# 02:00.0 becomes an NVIDIA TU117 (GeForce GTX 1650), named by the build host's pci.ids.
if [ -d "$tmp/gpu-audio-vfio/sys" ] && $have_script &&
	"$vd" --sysroot "$tmp/gpu-audio-vfio" groups -o DEVICENAME 02:00.0 >/dev/null 2>&1; then
	fx=$tmp/gpu-audio-vfio
	d=$fx/sys/bus/pci/devices/0000:02:00.0
	echo 0x10de >"$d/vendor"
	echo 0x1f82 >"$d/device"
	sed -i 's/v00001234d00001111/v000010DEd00001F82/' "$d/modalias"
	printf '\336\020\202\037' | dd of="$d/config" bs=1 conv=notrunc status=none
	if "$vd" --sysroot "$fx" groups -o NAME 02:00.0 | grep -q "GeForce GTX 1650"; then
		"$vd" --sysroot "$fx" groups >"$tmp/pipe"
		grep -q "NVIDIA Corporation TU117 \[GeForce GTX 1650\]" "$tmp/pipe" &&
			ok "groups into a pipe: names whole" || not_ok "groups into a pipe: names whole"
		on_tty 80 "$vd" --sysroot "$fx" groups
		if grep -q "^ *8 02:00.0 .*GeForce GTX 1650" "$tmp/tty" &&
			[ "$(longest "$tmp/tty")" -le 80 ]; then
			ok "groups at 80 columns: the GPU's model kept"
		else
			not_ok "groups at 80 columns: the GPU's model kept"
			sed 's/^/# /' "$tmp/tty"
		fi
		for width in 60 40; do
			on_tty "$width" "$vd" --sysroot "$fx" groups
			if head -1 "$tmp/tty" | grep -q "^GROUP .*VIABLE$" &&
				[ "$(longest "$tmp/tty")" -le "$width" ]; then
				ok "groups at $width columns: one header line, nothing wider"
			else
				not_ok "groups at $width columns: one header line, nothing wider"
				sed 's/^/# /' "$tmp/tty"
			fi
		done
		on_tty 60 "$vd" --sysroot "$fx" groups -t
		[ "$(longest "$tmp/tty")" -le 60 ] && ok "groups -t at 60 columns: nothing wider" ||
			not_ok "groups -t at 60 columns: nothing wider"
	else
		for i in 1 2 3 4 5; do skip "groups width: pci.ids lacks 10de:1f82"; done
	fi
else
	for i in 1 2 3 4 5; do skip "groups width: no fixture, script(1) or pci.ids"; done
fi

# check: wrapped on a terminal, with a hanging indent; never into a pipe
if [ -d "$tmp/intel-iommu-off/sys" ] && $have_script; then
	fx=$tmp/intel-iommu-off
	on_tty 60 "$vd" --sysroot "$fx" check
	# a line wider than 60 is one word (a command or path that is not broken)
	wide=$(awk 'length($0) > 60 && $0 ~ /[^ ] +[^ ]/' "$tmp/tty" | wc -l)
	if [ "$wide" -eq 0 ] && grep -q '^             [^ ]' "$tmp/tty" &&
		grep -q '^        fix: ' "$tmp/tty"; then
		ok "check at 60 columns: wrapped, fix lines with a hanging indent"
	else
		not_ok "check at 60 columns: wrapped, fix lines with a hanging indent"
		sed 's/^/# /' "$tmp/tty"
	fi
	COLUMNS=60 "$vd" --sysroot "$fx" check >"$tmp/pipe" 2>/dev/null
	[ "$(longest "$tmp/pipe")" -gt 60 ] && ok "check into a pipe: COLUMNS ignored, not wrapped" ||
		not_ok "check into a pipe: COLUMNS ignored, not wrapped"
else
	for i in 1 2; do skip "check wrapping: no fixture or script(1)"; done
fi

# the old letters stop with what to type now
status 2 "bind -n" "$vd" bind -n 0000:01:00.0
one_line "bind -n: says --dry-run" "a dry run is --dry-run"
status 2 "snapshot -o" "$vd" snapshot -o "$tmp/x.tar"
one_line "snapshot -o: says --output-file" "name the tarball with --output-file FILE"
status 2 "qemu-args -m" "$vd" qemu-args -m q35 01:00.0
one_line "qemu-args -m: says -M" "the machine type is -M/--machine"
tap_done
