# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# preflight on AMD-Vi (QEMU's amd-iommu) with the newer kernel (6.12): once the e1000e is
# on vfio-pci, `vfio-doctor preflight` must get through QEMU's whole legacy sequence, as
# root and as an account given the group node, and `check --preflight` must agree.
VM_KERNEL=6.12
VM_MACHINE=q35
VM_APPEND=""
VM_MODULES="kvm_amd e1000e vfio vfio_iommu_type1 vfio_pci"
VM_QEMU_ARGS=(
    -device amd-iommu
    -device pcie-root-port,id=rp1,chassis=1
    -device e1000e,bus=rp1
)
# shellcheck source=tests/vm/lib/preflight-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/preflight-lib.sh"

guest_main() {
    local d="$VFD_OUT/tool/boot" nic g
    mkdir -p "$d"
    truth boot
    nic=$(slot_of 8086:10d3) || { echo "guest: no e1000e"; return 1; }
    tool_run "$d" pf-unbound preflight -J "$nic"
    tool_run "$d" bind bind "$nic"
    truth bound
    g=$(readlink "/sys/bus/pci/devices/$nic/iommu_group")
    g=${g##*/}
    tool_run "$d" pf-pass preflight -J --reset --memory 64M "$nic"
    tool_run "$d" check-pf check --preflight -J "$nic"
    chown nobody "/dev/vfio/$g"
    tool_run "$d" pf-nobody-ok preflight -J --as-user nobody "$nic"
    chown root "/dev/vfio/$g"
}

host_check() {
    local nic
    nic=$(slot_by_id boot 8086:10d3)
    expect "ACPI IVRS table present" has_acpi boot IVRS
    expect "/sys/class/iommu has ivhd0" has_class_iommu boot 'ivhd[0-9]+'
    expect "e1000e ($nic) is in an IOMMU group" in_a_group boot "$nic"
    tool_ran_pf || return 0
    expect "not bound: fails at the driver step" pf_fails_at boot pf-unbound driver
    expect "bind exited 0" exit_is boot bind 0
    expect "bound: preflight passes (exit 0, legacy path ok)" pf_passes boot pf-pass
    expect "bound: every legacy step ran ok" pf_ran boot pf-pass open-group group-status \
        open-container api-version check-extension set-container set-iommu iommu-info map-dma \
        get-device-fd device-info region-info irq-info reset unmap-dma
    expect "bound: memlock ok for a 64 MiB guest (root: CAP_IPC_LOCK)" pf_step_is boot pf-pass \
        memlock ok
    expect "bound: iommufd skipped (Debian's 6.12 has no iommufd)" pf_step_is boot pf-pass \
        open-iommufd skip
    expect "check --preflight: device.preflight ok" finding_is boot device.preflight ok "$nic" \
        check-pf
    expect "nobody, given the node: exit 0" exit_is boot pf-nobody-ok 0
    expect "nobody, given the node: dropped to nobody" pf_says boot pf-nobody-ok as-user result \
        '^now nobody'
    expect "nobody, given the node: the legacy path passes" pf_ran boot pf-nobody-ok open-group \
        set-container set-iommu map-dma get-device-fd device-info unmap-dma
}
