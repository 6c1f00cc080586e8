#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The man page and bash completion are kept in step with --help: every long
# option and every column of every subcommand must appear in both.
# usage: run-docs.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
man="$here/../man/vfio-doctor.8.scd"
comp="$here/../completion/vfio-doctor"
cmds=$("$vd" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/Commands:/ {print $1}')
for cmd in $cmds; do
	if grep -q "^## $cmd" "$man"; then ok "man page has a section for $cmd"; else
		not_ok "man page has a section for $cmd"; fi
	if grep -qw "$cmd" "$comp"; then ok "completion knows $cmd"; else not_ok "completion knows $cmd"; fi
	for opt in $("$vd" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		[ "$opt" = --help ] && continue
		if grep -q -- "\*$opt\*" "$man"; then ok "man: $cmd $opt"; else not_ok "man: $cmd $opt"; fi
		if grep -q -- "$opt\b" "$comp"; then ok "completion: $cmd $opt"; else
			not_ok "completion: $cmd $opt"; fi
	done
	"$vd" "$cmd" --help | grep -q -- --list-columns || continue
	for col in $("$vd" "$cmd" -H | awk '{print $1}'); do
		if grep -qw "$col" "$man"; then ok "man: $cmd column $col"; else
			not_ok "man: $cmd column $col"; fi
		if grep -qw "$col" "$comp"; then ok "completion: $cmd column $col"; else
			not_ok "completion: $cmd column $col"; fi
	done
done
tap_done
