#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package of `make deb`: its declared dependencies (linked
# libraries from dpkg-shlibdeps, dlopen()ed ones from the .note.dlopen), its
# files, its maintainer scripts for the timer; then, unpacked into a scratch
# root, the installed binary runs on a fixture (--version, groups against the
# golden output, and a command per dlopen()ed library: check for libkmod, lint
# for libxml2, snapshot for libarchive), and `man -l` renders its page.
# usage: run-package.sh PACKAGE.deb
set -u
deb=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
. "$here/tap.sh"
tap_scratch
tap_out=$tmp
unset VFD_COLUMNS

if [ ! -f "$deb" ]; then
	echo "Bail out! no package '$deb' (make deb)"
	exit 1
fi
# field NAME: a control field of the package
field() { dpkg-deb -f "$deb" "$1"; }
# lists FIELD PACKAGE: FIELD names PACKAGE (any version)
lists() {
	if field "$1" | tr ',' '\n' | grep -qE "^ *$2( |$)"; then ok "$1 has $2"; else
		not_ok "$1 has $2 (it is: $(field "$1"))"; fi
}
[ "$(field Package)" = vfio-doctor ] && ok "package name" || not_ok "package name"
version=$(sed -n "s/^ *version : '\(.*\)',$/\1/p" "$top/meson.build")
[ "$(field Version)" = "$version" ] && ok "version $version, as meson.build" ||
	not_ok "version $(field Version), meson.build says $version"
# linked: dpkg-shlibdeps; libkmod (required by the note), pci.ids (read directly)
for p in libc6 libpci3 libsmartcols1 libkmod2 pci.ids; do lists Depends "$p"; done
# recommended by the note: the libraries of lint/libvirt-xml/vm and snapshot
for p in libxml2 libarchive13; do lists Recommends "$p"; done
if field Depends | grep -qE 'libxml2|libarchive'; then
	not_ok "Depends leaves libxml2 and libarchive to Recommends"
else
	ok "Depends leaves libxml2 and libarchive to Recommends"
fi

# Debian's own checks: no error or warning (informational tags pass)
if command -v lintian >/dev/null; then
	lintian "$deb" >"$tmp/lintian" 2>&1
	if grep -qE '^[EW]: ' "$tmp/lintian"; then
		not_ok "lintian: no errors or warnings"
		grep -E '^[EW]: ' "$tmp/lintian" | sed 's/^/# /'
	else
		ok "lintian: no errors or warnings"
	fi
else
	skip "lintian: not installed"
fi

# the files: exactly these (directories and /usr/share/doc aside)
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./|/|' |
	grep -v '^/usr/share/doc/' | sort >"$tmp/files"
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null) ||
	unitdir=/usr/lib/systemd/system
# the trial's guest /init, in the libexec directory that debhelper gives meson
guest=$(grep -E '^/usr/lib(exec)?(/[^/]+)?/vfio-doctor/vfio-doctor-guest$' "$tmp/files")
sort >"$tmp/want" <<WANT
/usr/sbin/vfio-doctor
${guest:-/usr/libexec/vfio-doctor/vfio-doctor-guest}
/usr/share/lintian/overrides/vfio-doctor
/usr/share/man/man8/vfio-doctor.8.gz
/usr/share/bash-completion/completions/vfio-doctor
/usr/share/zsh/site-functions/_vfio-doctor
/usr/share/fish/vendor_completions.d/vfio-doctor.fish
$unitdir/vfio-doctor-metrics.service
$unitdir/vfio-doctor-metrics.timer
WANT
if diff -u "$tmp/want" "$tmp/files" >"$tmp/diff"; then ok "the package's files"; else
	not_ok "the package's files"
	sed 's/^/# /' "$tmp/diff"
fi
# the timer: known to deb-systemd-helper (cleaned up on purge), not enabled
dpkg-deb -e "$deb" "$tmp/control"
if grep -q "deb-systemd-helper update-state 'vfio-doctor-metrics.timer'" "$tmp/control/postinst" &&
	grep -q "deb-systemd-helper purge 'vfio-doctor-metrics.timer'" "$tmp/control/postrm"; then
	ok "maintainer scripts register the timer with deb-systemd-helper"
else
	not_ok "maintainer scripts register the timer with deb-systemd-helper"
fi
if grep -q "deb-systemd-helper enable 'vfio-doctor-metrics.timer'" "$tmp/control/postinst" &&
	! grep -q "was-enabled" "$tmp/control/postinst"; then
	not_ok "the timer is not enabled on a first install"
else
	ok "the timer is not enabled on a first install"
fi

# installed into a scratch root
root=$tmp/root
if dpkg-deb -x "$deb" "$root"; then ok "unpacks"; else not_ok "unpacks"; fi
vd=$root/usr/sbin/vfio-doctor
status 0 "installed binary: --version" "$vd" --version
grep -q "$version" "$tmp/out" && ok "--version says $version" || not_ok "--version says $version"
fx=$tmp/fixture
mkdir "$fx" && tar -xJf "$here/fixtures/gpu-audio-vfio.tar.xz" -C "$fx"
# the golden file (tests/run-fixtures.sh) ends with the exit status
status 0 "installed binary: groups --sysroot on a fixture" \
	"$vd" --sysroot "$fx" groups -J -o GROUP,SLOT,VENDOR,DEVICE,CLASS,DRIVER,VIABLE,BLOCKS,PARENT,BRIDGE
echo "exit 0" >>"$tmp/out"
if diff -u "$here/expected/groups/gpu-audio-vfio-groups-json" "$tmp/out" >"$tmp/diff"; then
	ok "groups output is the golden one"
else
	not_ok "groups output is the golden one"
	sed 's/^/# /' "$tmp/diff" | head -20
fi
# no_load LABEL: the last command loaded every library it needed
no_load() {
	if grep -q "cannot load" "$tmp/err"; then
		not_ok "$1"
		sed 's/^/# /' "$tmp/err"
	else
		ok "$1"
	fi
}
"$vd" --sysroot "$fx" check >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -le 2 ] && [ -s "$tmp/out" ] && ok "check runs (exit $rc)" || not_ok "check runs (exit $rc)"
no_load "check loads libkmod"
"$vd" --sysroot "$fx" lint "$here/lint/cases/domain-group-whole.xml" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -le 2 ] && [ -s "$tmp/out" ] && ok "lint runs (exit $rc)" || not_ok "lint runs (exit $rc)"
no_load "lint loads libxml2"
status 0 "snapshot of the fixture" "$vd" --sysroot "$fx" snapshot --output-file "$tmp/snap.tar.xz"
no_load "snapshot loads libarchive"
tar -tJf "$tmp/snap.tar.xz" 2>/dev/null | grep -q 'sys/bus/pci/devices' &&
	ok "the snapshot holds sys/bus/pci/devices" || not_ok "the snapshot holds sys/bus/pci/devices"

man=$root/usr/share/man/man8/vfio-doctor.8.gz
if command -v man >/dev/null; then
	MANWIDTH=80 man -l "$man" >"$tmp/man" 2>"$tmp/err"
	if grep -q '^NAME' "$tmp/man" && grep -q 'vfio-doctor' "$tmp/man"; then
		ok "man -l renders the installed page"
	else
		not_ok "man -l renders the installed page"
	fi
	# troff says so when a line or a table is wider than the terminal
	if [ -s "$tmp/err" ]; then
		not_ok "the page fits 80 columns, without a troff warning"
		sed 's/^/# /' "$tmp/err"
	else
		ok "the page fits 80 columns, without a troff warning"
	fi
else
	skip "man -l: man-db not installed"
fi
for u in vfio-doctor-metrics.service vfio-doctor-metrics.timer; do
	cmp -s "$top/contrib/systemd/$u" "$root$unitdir/$u" && ok "$u is contrib's" ||
		not_ok "$u is contrib's"
done
tap_done
