# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# AMD-Vi: QEMU's amd-iommu, booted with the common mistake `amd_iommu=on` (not an option
# of the AMD driver). The kernel must still bring AMD-Vi up and make groups, and its log
# must carry its own complaint about the option, which `check` is to quote.
VM_KERNEL=6.1
# QEMU 7.2 under TCG: plain amd-iommu (intremap=auto) already gets "AMD-Vi: Interrupt
# remapping enabled"; intremap=on with or without kernel-irqchip=split boots the same.
VM_MACHINE=q35
VM_APPEND="amd_iommu=on"
# kvm_amd: -cpu max under TCG is an AMD CPU with SVM, so the guest gets a /dev/kvm as a host would.
VM_MODULES="kvm_amd e1000e vfio vfio_iommu_type1 vfio_pci"
VM_QEMU_ARGS=(
    -device amd-iommu
    -device pcie-root-port,id=rp1,chassis=1
    -device e1000e,bus=rp1
)

host_check() {
    local nic
    nic=$(slot_by_id boot 8086:10d3)
    expect "ACPI IVRS table present" has_acpi boot IVRS
    expect "/sys/class/iommu has ivhd0" has_class_iommu boot 'ivhd[0-9]+'
    expect "kernel log: AMD-Vi complains about 'on'" log_has boot "AMD-Vi: Unknown option - 'on'"
    expect "kernel log: AMD-Vi found the IOMMU" log_has boot 'AMD-Vi: Found IOMMU'
    expect "e1000e ($nic) is in an IOMMU group" in_a_group boot "$nic"
    expect "vfio_pci loaded" module_loaded boot vfio_pci
    if tool_ran boot; then
        expect "check warns about amd_iommu=on" finding_is boot iommu.cmdline-option warn
        expect "check quotes the kernel's own answer" finding_says boot iommu.cmdline-option \
            evidence "^kernel log: AMD-Vi: Unknown option - 'on'\$"
        expect "check's fix removes amd_iommu=on" finding_says boot iommu.cmdline-option fix 'amd_iommu=on'
        expect "check: IVRS table found" finding_says boot firmware.iommu-table summary IVRS
        expect "check: the AMD IOMMU is active" finding_is boot iommu.enabled ok
        expect "check: interrupt remapping from the kernel log" finding_says boot \
            iommu.interrupt-remapping evidence 'AMD-Vi: Interrupt remapping enabled'
        expect "groups -J matches the kernel" groups_match_truth boot
        expect "snapshot replays the same" replay_matches boot
    fi
}
