# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# virtio-iommu (ACPI VIOT) on trixie's 6.12, whose virtio_iommu is a module: loaded from
# the initramfs before the NIC driver so the NIC is probed behind it. Also the kernel
# whose modules are .ko.xz under /usr/lib/modules.
VM_KERNEL=6.12
VM_MACHINE=q35
VM_APPEND=""
# kvm_amd: -cpu max under TCG is an AMD CPU with SVM, so the guest gets a /dev/kvm as a host would.
VM_MODULES="virtio_iommu kvm_amd e1000e vfio vfio_iommu_type1 vfio_pci"
VM_QEMU_ARGS=(
    -device virtio-iommu-pci
    -device pcie-root-port,id=rp1,chassis=1
    -device e1000e,bus=rp1
)

host_check() {
    local nic
    nic=$(slot_by_id boot 8086:10d3)
    expect "kernel is 6.12" grep -q '^6\.12\.' truth/boot/kernel.txt
    expect "ACPI VIOT table present" has_acpi boot VIOT
    expect "virtio_iommu loaded" module_loaded boot virtio_iommu
    expect "/sys/class/iommu has an entry" has_class_iommu boot '.+'
    expect "IOMMU groups exist" has_groups boot
    expect "e1000e ($nic) is in an IOMMU group" in_a_group boot "$nic"
    expect "e1000e driver bound" is_driver boot "$nic" e1000e
    expect "vfio_pci loaded" module_loaded boot vfio_pci
    if tool_ran boot; then
        expect "check: VIOT table found" finding_says boot firmware.iommu-table summary VIOT
        expect "check: the virtio IOMMU is active" finding_is boot iommu.enabled ok
        expect "groups -J matches the kernel (devices in no group included)" groups_match_truth boot
        expect "check: modules from the .ko.xz tree" finding_is boot modules.vfio_pci ok
        expect "snapshot replays the same" replay_matches boot
    fi
}
