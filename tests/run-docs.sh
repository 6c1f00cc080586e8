#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The man page and the bash, zsh and fish completions are kept in step with
# --help: every command, every long option and every column of every
# subcommand must appear in each, in the form that file writes it.
# usage: run-docs.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
man="$here/../man/vfio-doctor.8.scd"
comp="$here/../completion/vfio-doctor"
zsh="$here/../completion/_vfio-doctor"
fish="$here/../completion/vfio-doctor.fish"
# has FILE PATTERN LABEL: one test line, ok when grep -E finds PATTERN in FILE
has() {
	if grep -qE -- "$2" "$1"; then ok "$3"; else not_ok "$3"; fi
}
for opt in $("$vd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	[ "$opt" = --help ] && continue
	has "$comp" "$opt( |\"|$)" "bash completion: global $opt"
	has "$zsh" "$opt([]=[,}+]|$)" "zsh completion: global $opt"
	has "$fish" "-l ${opt#--}( |$)" "fish completion: global $opt"
done
cmds=$("$vd" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/Commands:/ {print $1}')
for cmd in $cmds; do
	if grep -q "^## $cmd" "$man"; then ok "man page has a section for $cmd"; else
		not_ok "man page has a section for $cmd"; fi
	if grep -qw "$cmd" "$comp"; then ok "completion knows $cmd"; else not_ok "completion knows $cmd"; fi
	has "$zsh" "'$cmd:|[ (]$cmd[ )]" "zsh completion knows $cmd"
	has "$fish" "^set -l vfd_commands (.* )?$cmd( |$)" "fish completion lists $cmd"
	has "$fish" "-a $cmd -d" "fish completion offers $cmd"
	for opt in $("$vd" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		[ "$opt" = --help ] && continue
		if grep -q -- "\*$opt\*" "$man"; then ok "man: $cmd $opt"; else not_ok "man: $cmd $opt"; fi
		if grep -q -- "$opt\b" "$comp"; then ok "completion: $cmd $opt"; else
			not_ok "completion: $cmd $opt"; fi
		has "$zsh" "$opt([]=[,}+]|$)" "zsh completion: $cmd $opt"
		has "$fish" "-l ${opt#--}( |$)" "fish completion: $cmd $opt"
	done
	"$vd" "$cmd" --help | grep -q -- --list-columns || continue
	for col in $("$vd" "$cmd" -H | awk '{print $1}'); do
		if grep -qw "$col" "$man"; then ok "man: $cmd column $col"; else
			not_ok "man: $cmd column $col"; fi
		if grep -qw "$col" "$comp"; then ok "completion: $cmd column $col"; else
			not_ok "completion: $cmd column $col"; fi
		has "$zsh" "\b$col\b" "zsh completion: $cmd column $col"
		has "$fish" "\b$col\b" "fish completion: $cmd column $col"
	done
done

# groff's fonts have no glyph for the ellipsis character (U+2026): man warns
# "can't find special character 'u2026'" when it renders the page
if grep -q "$(printf '\342\200\246')" "$man"; then
	not_ok "man page has no ellipsis character (write ... or the word)"
else
	ok "man page has no ellipsis character (write ... or the word)"
fi

# SPDX headers in the first three lines (after a shebang, a shellcheck
# directive or scdoc's title): the man page, the completions, the packaging
# files, every script and unit; not the test inputs (corpus, cases, expected)
top=$here/..
for f in "$man" "$comp" "$zsh" "$fish" "$top"/debian/rules "$top"/debian/dlopen-substvars \
	$(find "$top/tests" "$top/tools" "$top/contrib" -name '*.sh' -o -name '*.yml' -o -name 'run-*' \
		-o -name '*.service' -o -name '*.timer' | grep -vE '/(expected|corpus|cases)/' | sort); do
	[ -f "$f" ] || continue
	if head -3 "$f" | grep -q 'SPDX-License-Identifier: '; then ok "SPDX header: ${f#"$top"/}"
	else not_ok "SPDX header: ${f#"$top"/}"; fi
done
tap_done
