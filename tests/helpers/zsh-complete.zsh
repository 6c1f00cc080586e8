# SPDX-License-Identifier: GPL-2.0-or-later
# Print, one per line, what zsh's completion system offers for LINE (as if
# TAB were pressed at its end), with the completion functions of COMPDIR.
# An interactive zsh runs in a pseudo-terminal (zsh/zpty); compadd is wrapped
# there to print each match it is given between markers, and a key bound
# after TAB prints an end marker. Markers are split in the commands typed so
# that the terminal's echo of those commands never matches them.
# usage: zsh -f zsh-complete.zsh COMPDIR LINE
zmodload zsh/zpty || exit 1
setopt extendedglob
compdir=$1 line=$2
zpty vfd zsh -f -i
zpty -w vfd "PS1='' RPROMPT=''; unset zle_bracketed_paste; unsetopt prompt_sp prompt_cr"
zpty -w vfd "fpath=(${(q)compdir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w vfd 'compadd() { local -a m; builtin compadd -O m "$@"; print -rn -- "${(@)^m/#/<V""FDHIT>}"; }'
# ^T: a single key no other binding starts, so zle runs it at once
zpty -w vfd 'vfd-end() { print -rn -- "<V""FDEND>"; }; zle -N vfd-end; bindkey "^T" vfd-end'
# read_until MARKER: read the terminal until MARKER has come (20 s at most)
read_until() {
	local n=0 chunk
	while (( n++ < 200 )); do
		zpty -r -t vfd chunk 2>/dev/null && out+=$chunk || sleep 0.1
		[[ $out == *"<$1>"* ]] && return 0
	done
	print -u2 "zsh-complete: no $1 for '$line'"
	[[ -n ${VFD_ZSH_DEBUG:-} ]] && print -r -- "$out" | cat -v >&2
	zpty -d vfd
	exit 1
}
# the line is typed only once the shell is set up: typeahead sent earlier
# can be lost while zle starts
out=
zpty -w vfd 'print -rn -- "<V""FDREADY>"'
read_until VFDREADY
out=
zpty -w vfd "$line"$'\t\x14'
read_until VFDEND
zpty -d vfd
out=${out%%<VFDEND>*}
[[ $out == *'<VFDHIT>'* ]] || exit 0
# the matches: the pieces after each marker, less the terminal's control bytes
for m in ${(s:<VFDHIT>:)${out#*<VFDHIT>}}; do
	m=${m%%[[:cntrl:]]*}
	print -r -- ${m%%[[:space:]]#}
done | sort -u
