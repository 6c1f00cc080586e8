#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `meson install` of a build directory into a scratch DESTDIR puts every file
# where it belongs: the binary in sbindir, the rendered man page, the bash
# completion in bash-completion's completionsdir (its .pc), the zsh and fish
# completions, the systemd units in systemd's unit directory (its .pc); and,
# when `make static` built it, the static guest binary.
# usage: run-install.sh BUILD_DIR [STATIC_BUILD_DIR]
set -u
build=$1 static=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tap_scratch
dest=$tmp/dest

# option NAME: a meson option of the build as configured
option() {
	meson introspect --buildoptions "$build" |
		jq -r --arg n "$1" '.[] | select(.name == $n) | .value'
}
if ! meson install -C "$build" --no-rebuild --destdir "$dest" >"$tmp/log" 2>&1; then
	not_ok "meson install"
	sed 's/^/# /' "$tmp/log"
	tap_done
	exit 1
fi
ok "meson install"
prefix=$(option prefix)
# installed REL LABEL: DESTDIR/prefix-relative or absolute REL is a file
installed() {
	case $1 in /*) f=$dest$1 ;; *) f=$dest$prefix/$1 ;; esac
	if [ -f "$f" ]; then ok "$2: $1"; else not_ok "$2: $1 missing"; fi
}
installed "$(option sbindir)/vfio-doctor" "binary"
[ -x "$dest$prefix/$(option sbindir)/vfio-doctor" ] && ok "binary is executable" ||
	not_ok "binary is executable"
installed "$(option libexecdir)/vfio-doctor/vfio-doctor-guest" "the trial's guest /init"
man=$dest$prefix/$(option mandir)/man8/vfio-doctor.8
installed "$(option mandir)/man8/vfio-doctor.8" "man page"
if command -v man >/dev/null; then
	if MANWIDTH=80 man -l "$man" 2>"$tmp/err" | grep -q "vfio-doctor"; then
		ok "man -l renders the installed page"
	else
		not_ok "man -l renders the installed page"
		sed 's/^/# /' "$tmp/err"
	fi
else
	skip "man -l: man-db not installed"
fi

bashdir=$(option bashcompletiondir)
if [ -z "$bashdir" ]; then
	if pkg-config --exists bash-completion; then
		bashdir=$(pkg-config --define-variable=datadir="$prefix/$(option datadir)" \
			--variable=completionsdir bash-completion)
	else
		bashdir=$(option datadir)/bash-completion/completions
	fi
fi
installed "$bashdir/vfio-doctor" "bash completion"
installed "$(option datadir)/zsh/site-functions/_vfio-doctor" "zsh completion"
installed "$(option datadir)/fish/vendor_completions.d/vfio-doctor.fish" "fish completion"

unitdir=$(option systemdsystemunitdir)
if [ -z "$unitdir" ]; then
	unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null) ||
		unitdir=$prefix/lib/systemd/system
fi
if [ "$unitdir" = no ]; then
	skip "systemd units: -Dsystemdsystemunitdir=no"
else
	for u in vfio-doctor-metrics.service vfio-doctor-metrics.timer; do
		installed "$unitdir/$u" "systemd unit"
		cmp -s "$here/../contrib/systemd/$u" "$dest$unitdir/$u" && ok "$u is contrib's" ||
			not_ok "$u is contrib's"
	done
fi
# nothing else, nothing twice: the list of installed files
count=$(find "$dest" -type f | wc -l)
[ "$count" -eq 8 ] && ok "8 files installed" || {
	not_ok "8 files installed (got $count)"
	find "$dest" -type f | sed "s|^$dest|# |"
}

if [ -n "$static" ] && [ -x "$static/vfio-doctor" ]; then
	sdest=$tmp/static
	if meson install -C "$static" --no-rebuild --destdir "$sdest" >"$tmp/log" 2>&1; then
		ok "meson install of the static build"
	else
		not_ok "meson install of the static build"
		sed 's/^/# /' "$tmp/log"
	fi
	sprefix=$(meson introspect --buildoptions "$static" | jq -r '.[] | select(.name == "prefix") | .value')
	slibdir=$(meson introspect --buildoptions "$static" | jq -r '.[] | select(.name == "libdir") | .value')
	g=$sdest$sprefix/$slibdir/vfio-doctor/guest/vfio-doctor
	if [ -x "$g" ] && file "$g" | grep -q 'statically linked'; then
		ok "static guest binary installed in LIBDIR/vfio-doctor/guest"
	else
		not_ok "static guest binary installed in LIBDIR/vfio-doctor/guest"
	fi
	[ "$(find "$sdest" -type f | wc -l)" -eq 1 ] && ok "the static build installs only that" ||
		not_ok "the static build installs only that"
else
	skip "static guest binary: not built (make static)"
fi
tap_done
