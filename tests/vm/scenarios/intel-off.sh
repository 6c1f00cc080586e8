# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# An Intel IOMMU the firmware describes (DMAR present) but the kernel told to leave
# off: the fix is the command line, not the firmware — unlike the noiommu scenario.
VM_KERNEL=6.1
VM_MACHINE=q35,kernel-irqchip=split
VM_APPEND="intel_iommu=off"
# kvm_amd: -cpu max under TCG is an AMD CPU with SVM, so the guest gets a /dev/kvm as a host would.
VM_MODULES="kvm_amd e1000e vfio vfio_iommu_type1 vfio_pci"
VM_QEMU_ARGS=(
    -device intel-iommu,intremap=on,caching-mode=on
    -device pcie-root-port,id=rp1,chassis=1
    -device e1000e,bus=rp1
)

host_check() {
    expect "ACPI DMAR table present" has_acpi boot DMAR
    expect "intel_iommu=off on the command line" grep -qw intel_iommu=off truth/boot/cmdline.txt
    expect "no /sys/class/iommu entries" no_class_iommu boot
    expect "no IOMMU groups" no_groups boot
    expect "e1000e driver bound" is_driver boot "$(slot_by_id boot 8086:10d3)" e1000e
    if tool_ran boot; then
        expect "check: the DMAR table is there" finding_is boot firmware.iommu-table ok
        expect "check fails: intel_iommu=off" finding_says boot iommu.enabled summary 'intel_iommu=off'
        expect "check's fix removes intel_iommu=off (not a firmware fix)" finding_says boot \
            iommu.enabled fix "remove 'intel_iommu=off'"
        expect "check quotes 'DMAR: IOMMU disabled'" finding_says boot iommu.enabled evidence \
            'kernel log: DMAR: IOMMU disabled'
        expect "check exits 2" exit_is boot check 2
        expect "snapshot replays the same" replay_matches boot
    fi
}
