# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# A working Intel IOMMU but no vfio modules loaded (6.1 builds them as modules): groups
# exist, yet there is no /dev/vfio and no vfio-pci driver to bind to.
VM_KERNEL=6.1
VM_MACHINE=q35,kernel-irqchip=split
VM_APPEND="intel_iommu=on"
# kvm_amd: -cpu max under TCG is an AMD CPU with SVM, so the guest gets a /dev/kvm as a host would.
VM_MODULES="kvm_amd e1000e"
VM_QEMU_ARGS=(
    -device intel-iommu,intremap=on,caching-mode=on
    -device pcie-root-port,id=rp1,chassis=1
    -device e1000e,bus=rp1
)

host_check() {
    expect "IOMMU groups exist" has_groups boot
    expect "vfio not loaded" eval '! module_loaded boot vfio'
    expect "vfio_pci not loaded" eval '! module_loaded boot vfio_pci'
    expect "no /dev/vfio" no_dev_vfio boot
    expect "vfio modules are on disk for the tool to suggest" \
        eval '[ -n "$(find "$VM_MODDIR" -name "vfio-pci.ko*" | head -n1)" ]'
    if tool_ran boot; then
        expect "check fails: vfio available but not loaded" finding_is boot modules.vfio fail
        expect "check: vfio_pci available but not loaded" finding_says boot modules.vfio_pci summary \
            'available but not loaded'
        expect "check's fix loads it" finding_says boot modules.vfio_pci fix '^modprobe vfio_pci$'
        expect "check fails: no /dev/vfio/vfio" finding_is boot modules.vfio-node fail
        expect "snapshot replays the same" replay_matches boot
    fi
}
