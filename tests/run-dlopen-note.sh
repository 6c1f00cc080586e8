#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The .note.dlopen ELF note (lib/core/dlib.c): well formed as the "ELF dlopen
# metadata" specification asks (owner FDO, type 0x407c0c0a, NUL-terminated
# JSON), naming the sonames of the libraries found at build time, which the
# dynamic loader of this machine knows (ldconfig -p); and the binary loads
# each of them (the sonames the note declares are the ones dlopen() is given).
# usage: run-dlopen-note.sh VFIO_DOCTOR
set -u
vd=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tap_scratch

if ! objcopy -O binary --only-section=.note.dlopen "$vd" "$tmp/note" 2>"$tmp/err" ||
	[ ! -s "$tmp/note" ]; then
	not_ok "the binary has a .note.dlopen section"
	sed 's/^/# /' "$tmp/err"
	tap_done
	exit 1
fi
ok "the binary has a .note.dlopen section"
# the section is allocated (loaded with the program), as the specification asks
if LC_ALL=C readelf -S -W "$vd" | grep -qE '\.note\.dlopen +NOTE .* A '; then
	ok ".note.dlopen is an allocated NOTE section"
else
	not_ok ".note.dlopen is an allocated NOTE section"
fi

# the header: namesz, descsz, type as 32-bit words of this machine's byte order
set -- $(od -An -tu4 -N12 "$tmp/note")
namesz=$1 descsz=$2 type=$3
[ "$namesz" = 4 ] && ok "namesz is 4" || not_ok "namesz is 4 (got $namesz)"
[ "$type" = $((0x407c0c0a)) ] && ok "type is 0x407c0c0a" || not_ok "type is 0x407c0c0a (got $type)"
owner=$(dd if="$tmp/note" bs=1 skip=12 count=4 2>/dev/null | od -An -c | tr -d ' ')
[ "$owner" = 'FDO\0' ] && ok "owner is FDO" || not_ok "owner is FDO (got $owner)"
# the descriptor: descsz bytes after the 16 of header and owner, ending in NUL
dd if="$tmp/note" bs=1 skip=16 count="$descsz" 2>/dev/null >"$tmp/desc"
last=$(tail -c1 "$tmp/desc" | od -An -tu1 | tr -d ' ')
[ "$last" = 0 ] && ok "descriptor ends in NUL" || not_ok "descriptor ends in NUL (last byte $last)"
size=$(wc -c <"$tmp/note")
[ $((size % 4)) = 0 ] && [ "$size" -ge $((16 + descsz)) ] && [ "$size" -lt $((16 + descsz + 4)) ] &&
	ok "section padded to 4 bytes" || not_ok "section padded to 4 bytes (size $size, descsz $descsz)"
tr -d '\000' <"$tmp/desc" >"$tmp/json"
if jq -e 'type == "array" and length == 3 and
	all(.[]; (.feature | type) == "string" and (.description | type) == "string"
		and (.priority | IN("required", "recommended", "suggested"))
		and (.soname | type) == "array" and (.soname | length) > 0)' "$tmp/json" >/dev/null; then
	ok "descriptor is the specification's JSON array"
else
	not_ok "descriptor is the specification's JSON array"
	sed 's/^/# /' "$tmp/json"
fi

# each soname: the one of the library found at build time (the dev symlink's
# DT_SONAME, read here independently of meson), known to ldconfig, and loaded
# by the command that needs it (dlopen of exactly that name)
ldconfig -p >"$tmp/ldconfig"
for f in kmod:kmod xml:xml2 archive:archive; do
	feature=${f%%:*} lib=${f#*:}
	soname=$(jq -r --arg f "$feature" '.[] | select(.feature == $f) | .soname[0]' "$tmp/json")
	dev=$(cc -print-file-name="lib$lib.so")
	built=$(LC_ALL=C readelf -d "$dev" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
	if [ -n "$soname" ] && [ "$soname" = "$built" ]; then
		ok "$feature: note names $soname, the soname of $dev"
	else
		not_ok "$feature: note names '$soname', the build found '$built' ($dev)"
	fi
	if grep -q "^[[:space:]]*$soname " "$tmp/ldconfig"; then ok "$feature: ldconfig -p knows $soname"; else
		not_ok "$feature: ldconfig -p knows $soname"; fi
	if strings "$vd" | grep -qx "$soname"; then ok "$feature: the binary dlopen()s $soname"; else
		not_ok "$feature: the binary dlopen()s $soname"; fi
done
prio() { jq -r --arg f "$1" '.[] | select(.feature == $f) | .priority' "$tmp/json"; }
[ "$(prio kmod)" = required ] && ok "kmod is required" || not_ok "kmod is required"
[ "$(prio xml)" = recommended ] && ok "xml is recommended" || not_ok "xml is recommended"
[ "$(prio archive)" = recommended ] && ok "archive is recommended" || not_ok "archive is recommended"
tap_done
