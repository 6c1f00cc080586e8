#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # VM_BOOT_S, VM_TOTAL_S are results for the caller
# Library: boot one VM scenario guest under QEMU TCG. Sourced by run.sh.
#
#   vm_kernel_dir SERIES             -> unpacked kernel dir for 6.1 / 6.12
#   vm_initramfs KERNEL_DIR MOD...   -> cached initramfs path (built when missing)
#   vm_boot NAME KERNEL_DIR INITRD MACHINE APPEND MODULES [QEMU_ARG...]
#       boots with the host root, an out share and the module tree shared over 9p,
#       runs tests/vm/guest.sh for scenario NAME, and leaves results in
#       build/vm/out/NAME (console.log, exit-status, what the guest wrote).
#       Sets VM_BOOT_S (QEMU start -> guest script start) and VM_TOTAL_S.
#       Returns 0 when the guest script ran and exited 0; otherwise prints why
#       and the tail of the console log to stderr.
# Knobs: VFD_VM_TIMEOUT (seconds per boot, default 240), VFD_VM_MEM (MiB, default 1024),
#        VFD_VM_QEMU (binary, default qemu-system-x86_64).

vm_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
vm_repo=$(cd "$vm_here/../.." && pwd)
vm_build="$vm_repo/build/vm"

vm_kernel_dir() {
    local d="$vm_build/kernels/$1"
    [ -f "$d/.fetched" ] || return 1
    (cd "$d" && pwd -P)
}

vm_release() { (cd "$1/boot" && ls vmlinuz-* | head -n1 | sed 's/^vmlinuz-//'); }

vm_moddir() {
    local rel d
    rel=$(vm_release "$1")
    for d in "$1/usr/lib/modules/$rel" "$1/lib/modules/$rel"; do
        [ -f "$d/modules.dep" ] && { (cd "$d" && pwd -P); return 0; }
    done
    return 1
}

# One initramfs per kernel, module list and builder version: rebuilt only when one of
# them changes.
vm_initramfs() {
    local kdir=$1; shift
    local rel key out mods
    rel=$(vm_release "$kdir")
    mods=$(printf '%s\n' "$@" | tr - _ | LC_ALL=C sort -u | tr '\n' ' ')
    key=$( { printf '%s\n%s\n' "$rel" "$mods"
             cat "$vm_here/mkinitramfs.sh" "$vm_here/initramfs-init.sh"; } |
           sha256sum | cut -c1-12)
    out="$vm_build/initramfs/$rel-$key.cpio.gz"
    if [ ! -s "$out" ]; then
        # shellcheck disable=SC2086 # mods is a word list on purpose
        "$vm_here/mkinitramfs.sh" "$kdir" "$out" $mods >&2 || return 1
    fi
    printf '%s\n' "$out"
}

# Seconds between two "date +%s.%N"-style stamps, one decimal.
vm_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

vm_boot() {
    local name=$1 kdir=$2 initrd=$3 machine=$4 append=$5 modules=$6
    shift 6
    local out="$vm_build/out/$name" rel moddir t0 t1 rc
    local qemu=${VFD_VM_QEMU:-qemu-system-x86_64}
    VM_BOOT_S=-; VM_TOTAL_S=-
    rel=$(vm_release "$kdir")
    moddir=$(vm_moddir "$kdir") || { echo "no module tree in $kdir" >&2; return 1; }
    case "$vm_repo" in *[[:space:]\']*)
        echo "the repository path must not contain spaces or quotes" >&2
        return 1 ;;
    esac
    rm -rf "$out"
    mkdir -p "$out"

    # no_timer_check: under TCG on a loaded host the IO-APIC timer check can miss its
    # ticks and panic ("timer doesn't work through Interrupt-remapped IO-APIC");
    # arch/x86/kernel/apic/io_apic.c skips the check with it, as on any hypervisor.
    local cmdline="console=ttyS0 panic=-1 loglevel=${VFD_VM_LOGLEVEL:-7} no_timer_check"
    cmdline+=" vfd.scenario=$name"
    printf 'repo=%s\nscript=tests/vm/guest.sh\n' "$vm_repo" > "$out/vm-args"
    [ -n "$modules" ] && cmdline+=" vfd.modules=${modules// /,}"
    [ -n "$append" ] && cmdline+=" $append"
    printf '%s\n' "$cmdline" > "$out/host-cmdline"

    # -nodefaults: no default NIC/VGA, so each scenario's PCI topology is only what it
    # asks for. The three 9p devices sit at fixed slots 0x10-0x12, out of the way of
    # the slots QEMU hands out to the scenario's devices.
    # shellcheck disable=SC2054 # commas belong to QEMU's option syntax
    local args=(
        -machine "$machine" -accel tcg -cpu max -m "${VFD_VM_MEM:-1024}" -smp 1
        -nodefaults -display none -no-reboot
        -serial "file:$out/console.log" -monitor none
        -kernel "$kdir/boot/vmlinuz-$rel" -initrd "$initrd" -append "$cmdline"
        "$@"
        -fsdev "local,id=vfdroot,path=/,security_model=none,readonly=on,multidevs=remap"
        -device virtio-9p-pci,fsdev=vfdroot,mount_tag=hostroot,addr=0x10
        -fsdev "local,id=vfdout,path=$out,security_model=none"
        -device virtio-9p-pci,fsdev=vfdout,mount_tag=out,addr=0x11
        -fsdev "local,id=vfdmods,path=$moddir,security_model=none,readonly=on"
        -device virtio-9p-pci,fsdev=vfdmods,mount_tag=modules,addr=0x12
    )
    printf '%q ' "$qemu" "${args[@]}" > "$out/qemu-cmdline"
    echo >> "$out/qemu-cmdline"

    t0=$(date +%s.%N)
    rc=0
    timeout --kill-after=10 "${VFD_VM_TIMEOUT:-240}" "$qemu" "${args[@]}" \
        > "$out/qemu.log" 2>&1 < /dev/null || rc=$?
    t1=$(date +%s.%N)
    VM_TOTAL_S=$(vm_secs "$t0" "$t1")
    [ -f "$out/started" ] && VM_BOOT_S=$(vm_secs "$t0" "$(stat -c %.9Y "$out/started")")

    local why=
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        why="timed out after ${VFD_VM_TIMEOUT:-240}s"
    elif [ $rc -ne 0 ]; then
        why="qemu exited with $rc: $(tail -n 3 "$out/qemu.log" | tr '\n' ' ')"
    elif [ ! -f "$out/exit-status" ]; then
        why="guest powered off without running its script"
    elif [ "$(cat "$out/exit-status")" != 0 ]; then
        why="guest script exited with $(cat "$out/exit-status")"
        [ -f "$out/init-error" ] && why+=" ($(cat "$out/init-error"))"
    fi
    if [ -n "$why" ]; then
        {
            echo "boot of $name failed: $why"
            echo "--- last lines of build/vm/out/$name/console.log"
            tail -n 40 "$out/console.log" 2>/dev/null || true
            echo "---"
        } >&2
        return 1
    fi
    return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "boot.sh is a library for run.sh; run tests/vm/run.sh [SCENARIO...]" >&2
    exit 2
fi
