#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the tiny busybox initramfs that boots a VM scenario.
#
#   tests/vm/mkinitramfs.sh KERNEL_DIR OUT [MODULE...]
#
# KERNEL_DIR is an unpacked Debian kernel (build/vm/kernels/<release>, see
# fetch-kernels.sh). OUT is the gzip'ed newc cpio to write. The image holds a static
# busybox, tests/vm/initramfs-init.sh as /init, and, decompressed so that busybox insmod
# can load them, the modules needed to reach the host's root over 9p (always loaded) plus
# each MODULE with its dependencies (loaded when the kernel command line names them in
# vfd.modules=). Built-in modules are listed so /init can tell them from missing ones.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { printf 'mkinitramfs: %s\n' "$*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: $0 KERNEL_DIR OUT [MODULE...]"
kdir=$(cd "$1" && pwd -P)
out=$2
shift 2

rel=$(cd "$kdir/boot" && ls vmlinuz-* | head -n1 | sed 's/^vmlinuz-//')
moddir=
for d in "$kdir/lib/modules/$rel" "$kdir/usr/lib/modules/$rel"; do
    [ -f "$d/modules.dep" ] && { moddir=$d; break; }
done
[ -n "$moddir" ] || die "$kdir: no modules.dep for $rel (run depmod -b, see fetch-kernels.sh)"

# Any busybox will not do: /init runs before there is a libc to load.
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || die "busybox not found (apt-get install busybox-static)"
if LC_ALL=C ldd "$busybox" >/dev/null 2>&1; then
    die "$busybox is dynamically linked (apt-get install busybox-static)"
fi

# Module name as the kernel spells it, into $mod: basename without .ko[.xz|.zst|.gz],
# '-' -> '_'. (No command substitution: it runs once per line of modules.dep.)
modname() {
    mod=${1##*/}
    mod=${mod%.xz}; mod=${mod%.zst}; mod=${mod%.gz}; mod=${mod%.ko}
    mod=${mod//-/_}
}

declare -A path_of=() deps_of=() builtin=()
while IFS= read -r line; do
    file=${line%%:*}
    modname "$file"
    path_of[$mod]=$file
    deps_of[$file]=${line#*:}
done < "$moddir/modules.dep"
if [ -f "$moddir/modules.builtin" ]; then
    while IFS= read -r file; do modname "$file"; builtin[$mod]=1; done < "$moddir/modules.builtin"
fi

# Depth-first walk over modules.dep so every module comes after what it needs.
order=()
declare -A seen=()
visit() {
    local file=$1 dep
    [ -n "${seen[$file]:-}" ] && return 0
    seen[$file]=1
    for dep in ${deps_of[$file]}; do visit "$dep"; done
    order+=("$file")
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,mnt,etc/vfd}
mkdir -p "$tmp/lib/modules/$rel"
cp "$busybox" "$tmp/bin/busybox"
cp "$here/initramfs-init.sh" "$tmp/init"
chmod 755 "$tmp/init" "$tmp/bin/busybox"
printf '%s\n' "$rel" > "$tmp/etc/vfd/release"
: > "$tmp/etc/vfd/modules"
: > "$tmp/etc/vfd/builtin"
: > "$tmp/etc/vfd/boot-modules"

# One line per module: "name file..." — the files to insmod, dependencies first.
add_module() {
    local name=${1//-/_} file f
    if [ -n "${builtin[$name]:-}" ]; then
        printf '%s\n' "$name" >> "$tmp/etc/vfd/builtin"
        return 0
    fi
    file=${path_of[$name]:-}
    [ -n "$file" ] || die "module $name: neither in modules.dep nor built into $rel"
    order=()
    seen=()
    visit "$file"
    local line=$name
    for f in "${order[@]}"; do
        local plain=${f%.xz}; plain=${plain%.zst}; plain=${plain%.gz}
        if [ ! -f "$tmp/lib/modules/$rel/$plain" ]; then
            mkdir -p "$(dirname "$tmp/lib/modules/$rel/$plain")"
            # busybox insmod takes plain ELF only; unpack .ko.xz/.ko.zst here.
            case $f in
            *.xz)  xz -dc "$moddir/$f" > "$tmp/lib/modules/$rel/$plain" ;;
            *.zst) zstd -qdc "$moddir/$f" > "$tmp/lib/modules/$rel/$plain" ;;
            *.gz)  gzip -dc "$moddir/$f" > "$tmp/lib/modules/$rel/$plain" ;;
            *)     cp "$moddir/$f" "$tmp/lib/modules/$rel/$plain" ;;
            esac
        fi
        line+=" $plain"
    done
    printf '%s\n' "$line" >> "$tmp/etc/vfd/modules"
}

# What /init needs before the host's root is reachable: virtio transport, 9p, overlay.
for m in virtio_pci 9pnet_virtio 9p overlay; do
    add_module "$m"
    printf '%s\n' "$m" >> "$tmp/etc/vfd/boot-modules"
done
for m in "$@"; do
    m=${m//-/_}
    grep -q "^$m\( \|\$\)" "$tmp/etc/vfd/modules" "$tmp/etc/vfd/builtin" || add_module "$m"
done

mkdir -p "$(dirname "$out")"
(cd "$tmp" && find . -mindepth 1 | LC_ALL=C sort | "$busybox" cpio -o -H newc 2>/dev/null) |
    gzip -6 > "$out.tmp"
mv "$out.tmp" "$out"
printf 'mkinitramfs: %s (%s, %s modules) -> %s\n' "$rel" "$(du -h "$out" | cut -f1)" \
    "$(find "$tmp/lib/modules" -name '*.ko' | wc -l)" "$out" >&2
