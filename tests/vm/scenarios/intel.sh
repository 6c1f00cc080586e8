# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# Intel VT-d: an emulated DMAR with interrupt remapping, one e1000e behind a PCIe root
# port. The kernel must give the NIC its own group; `vfio-doctor bind` must move it to
# vfio-pci and create /dev/vfio/<group>, `unbind` and `restore` must give it back.
VM_KERNEL=6.1
VM_MACHINE=q35,kernel-irqchip=split   # intremap=on wants the split irqchip
VM_APPEND="intel_iommu=on"
# kvm_amd: -cpu max under TCG is an AMD CPU with SVM, so the guest gets a /dev/kvm as a host would.
VM_MODULES="kvm_amd e1000e vfio vfio_iommu_type1 vfio_pci"
# The IOMMU first: QEMU wants it created before the devices it translates for.
VM_QEMU_ARGS=(
    -device intel-iommu,intremap=on,caching-mode=on
    -device pcie-root-port,id=rp1,chassis=1
    -device e1000e,bus=rp1
)

guest_main() {
    local bdf
    truth boot
    tool boot
    bdf=$(slot_of 8086:10d3) || { echo "guest: no e1000e"; return 1; }
    # the NIC's option ROM through sysfs (QEMU gives the e1000e efi-e1000e.rom)
    # a dry run on the live device first: it checks what the run needs and writes nothing
    tool_run "$VFD_OUT/tool/boot" rom-dump-dry rom dump --dry-run "$bdf" \
        --output-file "$VFD_OUT/tool/boot/e1000e-dry.rom"
    tool_run "$VFD_OUT/tool/boot" rom-dump rom dump "$bdf" --output-file "$VFD_OUT/tool/boot/e1000e.rom"
    if dd if="/sys/bus/pci/devices/$bdf/rom" of=/dev/null bs=1 count=1 2>/dev/null; then
        echo on > "$VFD_OUT/tool/boot/rom-after"
    else
        echo off > "$VFD_OUT/tool/boot/rom-after"
    fi
    tool_run "$VFD_OUT/tool/boot" bind-dry bind --dry-run "$bdf"
    tool_run "$VFD_OUT/tool/boot" bind bind "$bdf"
    truth bound
    tool bound
    tool_run "$VFD_OUT/tool/bound" check-nic check "$bdf" -J
    tool_run "$VFD_OUT/tool/bound" unbind unbind "$bdf"
    truth unbound
    mkdir -p "$VFD_OUT/tool/unbound"
    tool_run "$VFD_OUT/tool/unbound" bind bind "$bdf"
    tool_run "$VFD_OUT/tool/unbound" restore restore
    truth restored
}

host_check() {
    local nic g
    nic=$(slot_by_id boot 8086:10d3)
    g=$(group_of boot "$nic")
    expect "ACPI DMAR table present" has_acpi boot DMAR
    expect "/sys/class/iommu has dmar0" has_class_iommu boot 'dmar[0-9]+'
    expect "kernel log: DMAR-IR remapping enabled" log_has boot 'DMAR-IR: Enabled IRQ remapping'
    expect "e1000e ($nic) is in an IOMMU group" in_a_group boot "$nic"
    expect "e1000e driver bound at boot" is_driver boot "$nic" e1000e
    expect "/dev/kvm present" eval '! grep -qx absent truth/boot/dev-kvm.txt'
    expect "rom dump --dry-run on the live device exited 0" exit_is boot rom-dump-dry 0
    expect "... and wrote no file" test ! -e tool/boot/e1000e-dry.rom
    expect "rom dump of the e1000e exited 0" exit_is boot rom-dump 0
    expect "the dumped ROM is QEMU's efi-e1000e.rom, byte for byte" \
        cmp -s tool/boot/e1000e.rom /usr/lib/ipxe/qemu/efi-e1000e.rom
    expect "the rom attribute is switched off again after the dump" \
        grep -qx off tool/boot/rom-after
    expect "rom info of the dump: legacy and EFI images" eval \
        '"$VFD_HOST_TOOL" rom info -J tool/boot/e1000e.rom |
         jq -e ".rom.ovmf and .rom.seabios" >/dev/null'
    expect "bind --dry-run changed nothing" is_driver boot "$nic" e1000e
    expect "bind --dry-run shows the driver_override write" grep -q \
        "echo vfio-pci > /sys/bus/pci/devices/$nic/driver_override" tool/boot/bind-dry.out
    expect "vfio-doctor bind exited 0" exit_is boot bind 0
    expect "after bind: $nic driven by vfio-pci" is_driver bound "$nic" vfio-pci
    expect "after bind: /dev/vfio/$g exists" vfio_node bound "$g"
    expect "vfio-doctor unbind exited 0" exit_is bound unbind 0
    expect "after unbind: e1000e is back" is_driver unbound "$nic" e1000e
    expect "bind again exited 0" exit_is unbound bind 0
    expect "vfio-doctor restore exited 0" exit_is unbound restore 0
    expect "after restore: e1000e is back" is_driver restored "$nic" e1000e
    if tool_ran boot; then
        expect "groups -J matches the kernel (boot)" groups_match_truth boot
        expect "groups -J matches the kernel (bound)" groups_match_truth bound
    fi
    if tool_ran boot; then
        expect "check: the IOMMU is on (DMAR, dmar0)" finding_is boot iommu.enabled ok
        expect "check: quotes the kernel's VT-d line" finding_says boot iommu.enabled evidence \
            'kernel log: DMAR: Intel\(R\) Virtualization Technology for Directed I/O'
        expect "check: interrupt remapping from the kernel log" finding_says boot \
            iommu.interrupt-remapping evidence 'DMAR-IR: Enabled IRQ remapping'
        expect "check: the ICH9 functions share group of $(group_of boot 0000:00:1f.2)" \
            same_group boot 0000:00:1f.0 0000:00:1f.2
        expect "check of the bound e1000e is green (exit 0, no warn or fail)" no_problems bound check-nic
        expect "check: device.group ok for $nic" finding_is bound device.group ok "$nic" check-nic
        expect "check: device.driver ok for $nic" finding_is bound device.driver ok "$nic" check-nic
        expect "check: /dev/vfio/$g found" finding_says bound device.node summary "/dev/vfio/$g present" check-nic
        expect "check without devices finds the vfio-pci device itself" finding_is bound device.driver ok "$nic"
        expect "snapshot replays the same (boot)" replay_matches boot
        expect "snapshot replays the same (bound)" replay_matches bound
    fi
}
