# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-doctor trial` of a GPU: QEMU's standard VGA (1234:1111), on the root bus in a
# group of its own and with no driver in this guest, is bound for the trial and given to
# a nested QEMU (TCG inside TCG) that boots the same 6.1 kernel; inside, bochs-drm must
# bind it and make /dev/dri/card0 with its connector connected (the EDID read through the
# passed-through BAR), and SeaBIOS must have run the VGA's option ROM. Afterwards the VGA
# is back without a driver. The trial's /init stamps its lines with the guest's uptime:
# the report says where the time went. Measured on 2 busy cores: SeaBIOS and the VGA
# BIOS are done 10 s after the nested QEMU starts; the bzImage's own decompressor took
# about 100 s more under TCG inside TCG before the kernel's clock started, which the
# trial now skips (the kernel decompressed, started at its PVH entry): the kernel's
# clock starts about 20 s after QEMU, /init runs at about 75 s of uptime, the DRM
# modules take 5 s; the whole scenario 130 s.
VM_KERNEL=6.1
VM_MACHINE=q35,kernel-irqchip=split
VM_APPEND="intel_iommu=on"
VM_MODULES="vfio vfio_iommu_type1 vfio_pci"
VFD_VM_MEM=${VFD_VM_MEM:-1536}
VFD_VM_TIMEOUT=${VFD_VM_TIMEOUT:-600}
# The boot VGA is the display the host's firmware and console use, which a trial
# refuses as bind does: a Cirrus VGA at 00:01.0, first on the bus, is this guest's
# boot VGA (boot_vga 1, drivers/pci/vgaarb.c), so the standard VGA after it is not.
VM_QEMU_ARGS=(
    -device intel-iommu,intremap=on,caching-mode=on
    -device cirrus-vga,addr=0x1
    -device VGA,addr=0x2
)

guest_main() {
    local vga kernel start d="$VFD_OUT/tool/trial"
    truth boot
    mkdir -p "$d"
    vga=$(slot_of 1234:1111) || { echo "guest: no standard VGA"; return 1; }
    kernel=$(echo build/vm/kernels/6.1/boot/vmlinuz-*)
    echo "$vga" > "$d/slots"
    cat "/sys/bus/pci/devices/$vga/boot_vga" > "$d/boot-vga"
    start=$(date +%s)
    tool_run "$d" gpu trial -J -v --kernel "$kernel" --timeout 480 "$vga"
    echo $(($(date +%s) - start)) > "$d/gpu.seconds"
    truth after
}

host_check() {
    local vga
    read -r vga < tool/trial/slots
    expect "before: the VGA has no driver" is_driver boot "$vga" -
    expect "... and is not the boot VGA" grep -qx 0 tool/trial/boot-vga
    expect "the trial works (exit 0 or 1)" eval '[ "$(cat tool/trial/gpu.rc)" -le 1 ]'
    # the standard VGA has no FLR and no PM reset: QEMU says so, the trial warns
    expect "QEMU started the VM (with a warning)" finding_is trial trial.qemu warn "" gpu
    expect "... that the VGA has no reset" finding_says trial trial.qemu evidence \
        "explain qemu.reset-no-mechanism" gpu
    expect "SeaBIOS enumerated the VGA" finding_is trial trial.firmware ok "" gpu
    expect "... and ran its option ROM" finding_says trial trial.firmware evidence \
        "Running option rom at c000:" gpu
    expect "the nested kernel booted" finding_is trial trial.kernel ok "" gpu
    expect "the guest saw the device" finding_is trial trial.devices ok "" gpu
    expect "bochs-drm bound inside" finding_says trial guest.driver summary "bochs-drm" gpu
    expect "a DRM card node" finding_says trial guest.drm evidence "/dev/dri/card0 present" gpu
    expect "a connector connected, its modes read" finding_says trial guest.drm evidence \
        "connector card0-[^:]*: connected, first mode [0-9]+x[0-9]+" gpu
    expect "... probed by /init" finding_says trial trial.kernel evidence \
        "vfio-doctor-init: connector card0-[^:]*: connected" gpu
    expect "no fbdev emulation asked of drm_kms_helper" finding_says trial trial.kernel evidence \
        "drm_kms_helper.ko loaded with fbdev_emulation=0" gpu
    expect "given back (JSON)" jq -e '.given_back == true' tool/trial/gpu.out
    expect "after: the VGA without a driver again" is_driver after "$vga" -
    echo "note: the GPU trial took $(cat tool/trial/gpu.seconds) s in the guest"
    jq -r '.findings[] | select(.id == "trial.kernel") | .evidence[]' tool/trial/gpu.out \
        2> /dev/null | sed 's/^/note: /'
}
