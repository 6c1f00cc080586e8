#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The completions offer the PCI devices of the tree named by --sysroot, before
# or after the command, not those of the live /sys: bash through
# bash-completion's own functions, fish through `complete -C`, zsh through its
# device helper (the whole zsh completion system needs a terminal). Each shell
# is skipped when it is not installed; each file must at least parse.
# usage: run-completion.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
comp="$here/../completion"
. "$here/tap.sh"
tap_scratch

# a tree whose devices no real machine has: domain 0042
root=$tmp/root
for d in 0042:7f:1e.3 0042:7f:1e.5; do
	mkdir -p "$root/sys/bus/pci/devices/$d"
	echo 0x1d0f > "$root/sys/bus/pci/devices/$d/vendor"
	echo 0xcafe > "$root/sys/bus/pci/devices/$d/device"
done
want="0042:7f:1e.3 0042:7f:1e.5"
# equal LABEL GOT WANT: one test line
equal() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: got '$2', expected '$3'"; fi
}
# same LABEL GOT: the words of GOT, sorted, are those of $want
same() {
	equal "$1" "$(printf '%s\n' $2 | sort | tr '\n' ' ')" "$want "
}

bc=$(pkg-config --variable=mainscript bash-completion 2>/dev/null)
[ -n "$bc" ] || bc=/usr/share/bash-completion/bash_completion
if command -v bash >/dev/null && [ -r "$bc" ]; then
	# complete LINE...: the words of the line, the last one being completed
	bash_complete() {
		bash -c '. "$1"; . "$2"; shift 2
			COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
			COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
			_vfio_doctor; printf "%s\n" "${COMPREPLY[@]}"' sh "$bc" "$comp/vfio-doctor" "$@"
	}
	same "bash: --sysroot before the command" \
		"$(bash_complete vfio-doctor --sysroot "$root" groups "")"
	same "bash: --sysroot after the command" \
		"$(bash_complete vfio-doctor check --sysroot "$root" 0042)"
	same "bash: --sysroot=DIR, rom --device" \
		"$(bash_complete vfio-doctor --sysroot="$root" rom info --device "")"
	equal "bash: guest --expect IDs from the sysroot" \
		"$(bash_complete vfio-doctor --sysroot "$root" guest --expect "" | sort -u)" 1d0f:cafe
else
	skip "bash completion: bash or bash-completion not installed"
fi

if command -v fish >/dev/null; then
	check "fish: the completion parses" fish -n "$comp/vfio-doctor.fish"
	fish_complete() {
		fish -c 'source $argv[1]; complete -C $argv[2]' "$comp/vfio-doctor.fish" "$1" |
			cut -f1
	}
	same "fish: --sysroot before the command" "$(fish_complete "vfio-doctor --sysroot $root groups ")"
	same "fish: --sysroot after the command" "$(fish_complete "vfio-doctor bind --sysroot $root ")"
	same "fish: vm --gpu" "$(fish_complete "vfio-doctor -s $root vm --gpu ")"
	equal "fish: -o completes after the comma" \
		"$(fish_complete "vfio-doctor --sysroot $root groups -o GROUP,SL")" GROUP,SLOT
else
	skip "fish completion: fish not installed"
fi

if command -v zsh >/dev/null && zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
	check "zsh: the completion parses" zsh -n "$comp/_vfio-doctor"
	# the whole completion system, in a pseudo-terminal (tests/helpers/zsh-complete.zsh)
	zsh_complete() {
		timeout 60 zsh -f "$here/helpers/zsh-complete.zsh" "$comp" "$1"
	}
	same "zsh: --sysroot before the command" "$(zsh_complete "vfio-doctor --sysroot $root groups ")"
	same "zsh: --sysroot after the command" "$(zsh_complete "vfio-doctor check --sysroot $root ")"
	same "zsh: --sysroot=DIR, rom --device" \
		"$(zsh_complete "vfio-doctor --sysroot=$root rom info --device ")"
	equal "zsh: guest --expect IDs from the sysroot" \
		"$(zsh_complete "vfio-doctor --sysroot $root guest --expect ")" 1d0f:cafe
	equal "zsh: -o completes after the comma" \
		"$(zsh_complete "vfio-doctor groups -o GROUP,SL")" SLOT
else
	skip "zsh completion: zsh (with zsh/zpty) not installed"
fi
tap_done
