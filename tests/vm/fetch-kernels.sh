#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fetch the Debian kernels the VM scenarios boot, and unpack them for QEMU.
#
#   tests/vm/fetch-kernels.sh [6.1|6.12]...     (default: both)
#
# Everything lands under build/vm/ of the repo:
#   build/vm/cache/*.deb            downloaded packages
#   build/vm/apt/                   private apt state for trixie (the machine's apt is untouched)
#   build/vm/kernels/<release>/     dpkg-deb -x of the package, depmod'ed
#   build/vm/kernels/<series>       symlink (6.1, 6.12) to the release directory
# A series that is already unpacked is reused without touching the network;
# VFD_VM_REFRESH=1 looks for a newer package again.
# Exit status: 0 all fetched, 2 a kernel could not be fetched (offline, no mirror).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
vm="$repo/build/vm"
cache="$vm/cache"
kernels="$vm/kernels"
aptdir="$vm/apt"
mkdir -p "$cache" "$kernels"

log() { printf 'fetch-kernels: %s\n' "$*" >&2; }

# The machine's own Debian mirror, e.g. http://host/debian, as tools/private_apt.py
# reads it (the deb822 file first, then the one-line format); never hard-coded.
mirror_uri() {
    python3 "$repo/tools/private_apt.py" mirror
}

# Unpack one .deb into kernels/<release>, check that it really holds a bootable image
# and its modules, and run depmod on it. Prints the release.
extract() {
    local deb=$1 tmp rel moddir
    tmp="$kernels/.unpack.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    dpkg-deb -x "$deb" "$tmp"
    rel=$(cd "$tmp/boot" 2>/dev/null && ls vmlinuz-* 2>/dev/null | head -n1 | sed 's/^vmlinuz-//') || true
    # bookworm ships lib/modules, trixie (merged /usr) usr/lib/modules.
    for moddir in "$tmp/lib/modules/$rel" "$tmp/usr/lib/modules/$rel"; do
        [ -d "$moddir" ] && break
    done
    if [ -z "$rel" ] || [ ! -d "$moddir" ]; then
        log "$(basename "$deb") holds no /boot/vmlinuz-* with its modules"
        rm -rf "$tmp"
        return 1
    fi
    # depmod -b (kmod 30) looks under BASE/lib/modules; give merged-/usr trees that path.
    [ -e "$tmp/lib" ] || ln -s usr/lib "$tmp/lib"
    depmod -b "$tmp" "$rel"
    rm -rf "${kernels:?}/$rel"
    mv "$tmp" "$kernels/$rel"
    printf '%s\n' "$rel"
}

# apt-get download PACKAGE into the cache, with optional extra apt options; prints the path.
download() {
    local pkg=$1; shift
    local after
    (cd "$cache" && apt-get -q -o APT::Sandbox::User=root "$@" download "$pkg" >&2) || return 1
    # apt names the file pkg_version_arch.deb with ':' escaped; pick the one for pkg.
    after=$(ls -t "$cache/${pkg}"_*.deb 2>/dev/null | head -n1)
    [ -n "$after" ] || return 1
    printf '%s\n' "$after"
}

# Newest "linux-image-<series>.*-amd64" (optionally -unsigned) the given apt knows.
candidates() {
    local series=$1; shift
    # bookworm: linux-image-6.1.0-56-amd64; trixie: linux-image-6.12.117+deb13-amd64.
    # Newest first, and the signed package before its -unsigned twin.
    apt-cache "$@" pkgnames "linux-image-$series." 2>/dev/null |
        grep -E "^linux-image-${series//./\\.}\.[0-9]+(\+deb[0-9]+)?(-[0-9]+)?-amd64(-unsigned)?$" |
        awk '{ b = $0; u = sub(/-unsigned$/, "", b); print b, u, $0 }' |
        sort -k1,1Vr -k2,2n | awk '{ print $3 }'
}

# Private apt configuration for trixie: its own sources.list, lists, cache and status, so
# `update` neither reads nor changes the machine's apt state.
trixie_opts() {
    local uri keyring k
    uri=$(mirror_uri) || { log "no Debian mirror in /etc/apt"; return 1; }
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    for k in /usr/share/keyrings/debian-archive-trixie-stable.gpg \
             /usr/share/keyrings/debian-archive-trixie-automatic.gpg; do
        # The combined keyring of bookworm may predate the trixie keys; prefer those.
        [ -r "$k" ] && { keyring=$k; break; }
    done
    mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial" "$aptdir/etc/preferences.d"
    : > "$aptdir/status"
    printf 'deb [signed-by=%s] %s trixie main\n' "$keyring" "$uri" > "$aptdir/sources.list"
    TRIXIE_OPTS=(
        -o "Dir::Etc::SourceList=$aptdir/sources.list"
        -o "Dir::Etc::SourceParts=/dev/null"
        -o "Dir::Etc::Preferences=/dev/null"
        -o "Dir::Etc::PreferencesParts=$aptdir/etc/preferences.d"
        -o "Dir::State::Lists=$aptdir/lists"
        -o "Dir::State::status=$aptdir/status"
        -o "Dir::Cache=$aptdir/cache"
        -o "APT::Architecture=amd64"
        -o "Acquire::Languages=none"
    )
}

# Fetch one series with the given apt options; sets up kernels/<series> symlink.
fetch_series() {
    local series=$1; shift
    local link="$kernels/$series" pkg deb rel
    if [ -z "${VFD_VM_REFRESH:-}" ] && [ -L "$link" ] && [ -f "$link/.fetched" ]; then
        log "$series: cached $(cat "$link/.fetched")"
        return 0
    fi
    for pkg in $(candidates "$series" "$@"); do
        # The -unsigned twin is only a fallback for when the signed one lacks the modules.
        # A failed download means no mirror (offline): older packages would fail alike.
        deb=$(download "$pkg" "$@") || { log "$pkg: download failed"; return 1; }
        if rel=$(extract "$deb"); then
            printf '%s %s\n' "$pkg" "$(dpkg-deb -f "$deb" Version)" > "$kernels/$rel/.fetched"
            ln -sfn "$rel" "$link"
            log "$series: fetched $(cat "$kernels/$rel/.fetched") -> build/vm/kernels/$rel"
            return 0
        fi
    done
    log "$series: no usable linux-image package found"
    return 1
}

want=("$@")
[ ${#want[@]} -gt 0 ] || want=(6.1 6.12)
rc=0
for series in "${want[@]}"; do
    case $series in
    6.1)
        fetch_series 6.1 || rc=2
        ;;
    6.12)
        if [ -z "${VFD_VM_REFRESH:-}" ] && [ -L "$kernels/6.12" ] && [ -f "$kernels/6.12/.fetched" ]; then
            fetch_series 6.12
            continue
        fi
        TRIXIE_OPTS=()
        if ! trixie_opts; then
            rc=2
            continue
        fi
        if ! apt-get -q "${TRIXIE_OPTS[@]}" update >&2; then
            # Lists from an earlier update still name a package the cache may hold.
            if ! ls "$aptdir"/lists/*_Packages* >/dev/null 2>&1; then
                log "6.12: apt-get update for trixie failed"
                rc=2
                continue
            fi
            log "6.12: apt-get update failed, using the lists of an earlier update"
        fi
        fetch_series 6.12 "${TRIXIE_OPTS[@]}" || rc=2
        ;;
    *)
        log "unknown kernel series '$series' (known: 6.1 6.12)"
        rc=2
        ;;
    esac
done
exit $rc
