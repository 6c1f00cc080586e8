# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-doctor trial --firmware ovmf` end to end: the e1000e (user network, restrict=on)
# and QEMU's standard VGA (not this guest's boot VGA: a Cirrus VGA is first on the bus)
# given together to a nested QEMU that boots Debian's OVMF (the host's /usr/share/OVMF,
# seen through the shared root) and, from it, the same 6.1 kernel through its EFI stub:
# no PVH shortcut, the image boots as it is. Inside, the NIC must show its MAC and link
# up; OVMF's GOP (its driver for QEMU's VGA) must have drawn on the passed-through VGA:
# the framebuffer the EFI stub handed to the kernel lies in the VGA's BAR 0; bochs-drm
# must make its card node. Both devices are back as they were afterwards.
# Measured on 2 busy cores (load 5 to 8): the nested QEMU ran 340 s to 384 s; the
# kernel's clock started 200 s to 250 s after QEMU (OVMF, then the EFI stub
# decompressing the image under TCG inside TCG), /init ran at 114 s to 129 s of uptime;
# the whole scenario 377 s (with the VGA as well, load 3 to 4: 360 s in the guest). Too slow for every run: the other trial scenarios keep an
# OVMF dry run (trial.sh).
VM_SLOW="one OVMF trial under TCG inside TCG takes about 400 s"
VM_KERNEL=6.1
VM_MACHINE=q35,kernel-irqchip=split
VM_APPEND="intel_iommu=on"
VM_MODULES="e1000e vfio vfio_iommu_type1 vfio_pci"
VFD_VM_MEM=${VFD_VM_MEM:-1536}
VFD_VM_TIMEOUT=${VFD_VM_TIMEOUT:-1500}
VM_QEMU_ARGS=(
    -device intel-iommu,intremap=on,caching-mode=on
    -device cirrus-vga,addr=0x1
    -device VGA,addr=0x2
    -device pcie-root-port,id=rp1,chassis=1
    -device e1000e,bus=rp1,netdev=n0,mac=52:54:00:aa:bb:cc
    -netdev user,id=n0,restrict=on
)

guest_main() {
    local nic vga kernel start d="$VFD_OUT/tool/trial"
    truth boot
    mkdir -p "$d"
    nic=$(slot_of 8086:10d3) || { echo "guest: no e1000e"; return 1; }
    vga=$(slot_of 1234:1111) || { echo "guest: no standard VGA"; return 1; }
    kernel=$(echo build/vm/kernels/6.1/boot/vmlinuz-*)
    echo "$nic $vga" > "$d/slots"
    start=$(date +%s)
    tool_run "$d" ovmf trial -J -v --firmware ovmf --kernel "$kernel" --timeout 1200 \
        "$nic" "$vga"
    echo $(($(date +%s) - start)) > "$d/ovmf.seconds"
    truth after
}

host_check() {
    local nic vga
    read -r nic vga < tool/trial/slots
    expect "before: the VGA has no driver" is_driver boot "$vga" -
    expect "the OVMF trial works (exit 0 or 1)" eval '[ "$(cat tool/trial/ovmf.rc)" -le 1 ]'
    # the standard VGA has no FLR and no PM reset: QEMU says so, the trial warns
    expect "QEMU started the VM (with a warning)" finding_is trial trial.qemu warn "" ovmf
    expect "... that the VGA has no reset" finding_says trial trial.qemu evidence \
        "explain qemu.reset-no-mechanism" ovmf
    expect "the firmware's enumeration not read (OVMF)" finding_is trial trial.firmware skip "" ovmf
    expect "the nested kernel booted, through its EFI stub" finding_is trial trial.kernel ok "" ovmf
    expect "... not decompressed for PVH (OVMF)" eval '! grep -q "PVH entry" tool/trial/ovmf.out'
    expect "the guest saw the device" finding_is trial trial.devices ok "" ovmf
    expect "e1000e bound inside" finding_says trial guest.driver summary "driven by e1000e" ovmf
    expect "the MAC and the link seen inside" finding_says trial guest.net summary \
        "MAC 52:54:00:aa:bb:cc, link up" ovmf
    expect "bochs-drm bound the VGA inside" finding_says trial guest.driver summary \
        "driven by bochs-drm" ovmf
    expect "... with its card node" finding_says trial guest.drm evidence \
        "/dev/dri/card0 present" ovmf
    expect "OVMF's GOP drew on the passed-through VGA" finding_is trial guest.boot-display \
        ok "" ovmf
    expect "... its framebuffer in the VGA's BAR 0" finding_says trial guest.boot-display \
        summary "the UEFI GOP's [0-9]+x[0-9]+ framebuffer is in its BAR 0" ovmf
    expect "... named in the trial's function layer" finding_says trial trial.function evidence \
        "guest.boot-display .*the firmware drew on the passed-through GPU" ovmf
    expect "given back (JSON)" jq -e '.given_back == true' tool/trial/ovmf.out
    expect "after: the e1000e back on e1000e" is_driver after "$nic" e1000e
    expect "after: the VGA without a driver again" is_driver after "$vga" -
    echo "note: the OVMF trial took $(cat tool/trial/ovmf.seconds) s in the guest"
}
