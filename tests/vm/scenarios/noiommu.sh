# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# No IOMMU at all: no DMAR/IVRS, no /sys/class/iommu, no groups, even with intel_iommu=on
# on the command line. vfio-pci still loads; there is just nothing it may take.
VM_KERNEL=6.1
VM_MACHINE=q35
VM_APPEND="intel_iommu=on"
# kvm_amd: -cpu max under TCG is an AMD CPU with SVM, so the guest gets a /dev/kvm as a host would.
VM_MODULES="kvm_amd e1000e vfio vfio_iommu_type1 vfio_pci"
VM_QEMU_ARGS=(
    -device pcie-root-port,id=rp1,chassis=1
    -device e1000e,bus=rp1
)

host_check() {
    expect "no DMAR table" eval '! has_acpi boot DMAR'
    expect "no IVRS table" eval '! has_acpi boot IVRS'
    expect "no /sys/class/iommu entries" no_class_iommu boot
    expect "no IOMMU groups" no_groups boot
    expect "e1000e driver bound" is_driver boot "$(slot_by_id boot 8086:10d3)" e1000e
    expect "vfio_pci loaded" module_loaded boot vfio_pci
    if tool_ran boot; then
        expect "check fails: no IOMMU table" finding_is boot firmware.iommu-table fail
        expect "check fails: IOMMU off" finding_is boot iommu.enabled fail
        # a guest (hypervisor flag): the switch is the hypervisor's, not a firmware setup's
        expect "check's fix: a virtual IOMMU from the hypervisor" finding_says boot \
            iommu.enabled fix 'give it a virtual IOMMU'
        expect "check is not fooled by 'DMAR: IOMMU enabled'" log_has boot 'DMAR: IOMMU enabled'
        expect "check exits 2" exit_is boot check 2
        expect "groups -J: devices without a group" groups_match_truth boot
        expect "snapshot replays the same" replay_matches boot
    fi
}
