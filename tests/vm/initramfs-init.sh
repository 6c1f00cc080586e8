#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=dash
# /init of the VM test initramfs (built by mkinitramfs.sh; runs under busybox only).
#
# Reaches the host's root over 9p, puts a tmpfs overlay on it so the guest may write
# without touching the host, and runs one scenario script in a chroot of it. Kernel
# command line:
#   (repo= and script= come from the file vm-args in the out share: the repository,
#   same absolute path as on the host, and the script to run relative to it)
#   vfd.scenario=NAME   passed to the script as $VFD_SCENARIO
#   vfd.modules=a,b,c   modules to insmod (with their dependencies) before the script
# 9p tags: hostroot (host /, read-only), out (results, writable), modules (the kernel's
# module tree, bound at /usr/lib/modules/$(uname -r) in the chroot).
# The script's exit status lands in <out>/exit-status; then the guest powers off.

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

OUT=/mnt/root/run/vm-out
out_ok=

say() { echo "vfd-init: $*"; }
finish() {
    sync
    [ -n "$out_ok" ] && umount "$OUT" 2>/dev/null
    poweroff -f
}
fail() {
    say "FATAL: $*"
    if [ -n "$out_ok" ]; then
        echo "init: $*" > "$OUT/init-error"
        echo 125 > "$OUT/exit-status"
    fi
    finish
}

arg() {
    # Value of vfd.NAME= on the command line (no spaces in values).
    for w in $(cat /proc/cmdline); do
        case $w in "vfd.$1="*) echo "${w#*=}"; return 0 ;; esac
    done
    return 1
}

# insmod a module and what it needs, in the order mkinitramfs.sh wrote down.
load() {
    name=$(echo "$1" | tr - _)
    if grep -qx "$name" /etc/vfd/builtin; then
        echo "$name builtin" >> /run/modules.log
        return 0
    fi
    line=$(grep "^$name " /etc/vfd/modules) ||
        fail "module $name is not in the initramfs (add it to VM_MODULES)"
    for f in ${line#* }; do
        m=$(basename "$f" .ko | tr - _)
        grep -q "^$m " /proc/modules && continue
        insmod "/lib/modules/$(uname -r)/$f" || fail "insmod $f failed"
    done
    echo "$name loaded" >> /run/modules.log
}

: > /run/modules.log
for m in $(cat /etc/vfd/boot-modules); do load "$m"; done

scenario=$(arg scenario) || scenario=
mods=$(arg modules) || mods=

# The scenario's modules before any 9p mount: an IOMMU driver that is a module
# (virtio_iommu on 6.12) must be there before the virtio-9p devices behind it can probe.
for m in $(echo "$mods" | tr , ' '); do load "$m"; done

# mount9p TAG DIR OPTIONS: a device whose probe was deferred until the IOMMU driver
# came may still be on its way, so give it a few tries.
mount9p() {
    n=0
    until mount -t 9p -o "$3" "$1" "$2" 2>/dev/null; do
        n=$((n + 1))
        [ $n -lt 50 ] || { mount -t 9p -o "$3" "$1" "$2"; return; }
        sleep 0.1
    done
}

p9=trans=virtio,version=9p2000.L,msize=512000
mkdir -p /mnt/lower /mnt/rw /mnt/root /mnt/modules
# cache=loose: the host side is read-only for the guest's lifetime, so caching is safe
# and saves many round trips under TCG.
mount9p hostroot /mnt/lower ro,$p9,cache=loose || fail "mount 9p hostroot"
mount -t tmpfs -o mode=755 tmpfs /mnt/rw
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work \
    overlay /mnt/root || fail "mount overlay"
# The host's root may be a container's (/.dockerenv, /run/.containerenv): this guest
# is a virtual machine with a kernel of its own, not a container. Hide the marker in
# the overlay (a whiteout in the tmpfs; the host is untouched).
rm -f /mnt/root/.dockerenv /mnt/root/run/.containerenv

mount -t tmpfs -o mode=755 tmpfs /mnt/root/run
mkdir -p "$OUT"
mount9p out "$OUT" $p9 || fail "mount 9p out"
out_ok=1
# The repository path comes through the out share, not the command line, so that no
# path of the host lands in the guest's kernel log (snapshots of it become fixtures).
repo=$(sed -n 's/^repo=//p' "$OUT/vm-args") || repo=
script=$(sed -n 's/^script=//p' "$OUT/vm-args") || script=
[ -n "$repo" ] || fail "no repo= in vm-args of the out share"
[ -n "$script" ] || fail "no script= in vm-args of the out share"

mount -t proc proc /mnt/root/proc
mount -t sysfs sysfs /mnt/root/sys
mount -t devtmpfs devtmpfs /mnt/root/dev
mkdir -p /mnt/root/dev/pts /mnt/root/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /mnt/root/dev/pts
mount -t tmpfs tmpfs /mnt/root/dev/shm
# /tmp stays the overlay (already writable): a repository cloned under /tmp must show

# The guest kernel's modules where kmod, modinfo and the tool look for them.
mount9p modules /mnt/modules ro,$p9,cache=loose || fail "mount 9p modules"
kmods=/mnt/root/usr/lib/modules/$(uname -r)
mkdir -p "$kmods"
mount --bind /mnt/modules "$kmods"

cp /run/modules.log "$OUT/init-modules.log"

# Written over 9p, so the host sees its own clock in the file's mtime: that is the
# "script starts" moment boot.sh reports.
cat /proc/uptime > "$OUT/started"
say "running $script in $repo (scenario ${scenario:-none})"
export VFD_OUT=/run/vm-out VFD_SCENARIO="$scenario" HOME=/root TERM=dumb
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
( chroot /mnt/root /bin/sh -c "cd '$repo' && exec $script"; echo $? > /tmp/rc ) 2>&1 |
    tee "$OUT/guest.log"
rc=$(cat /tmp/rc 2>/dev/null || echo 126)
echo "$rc" > "$OUT/exit-status"
say "script exited with $rc"
finish
