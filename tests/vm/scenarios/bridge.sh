# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# A conventional PCI bus behind a PCIe-to-PCI bridge (pcie-pci-bridge in a root port):
# devices there can't be told apart by the IOMMU, so the kernel puts the bridge and both
# NICs (e1000, rtl8139) in one group — the group that has to go to vfio-pci as a whole.
VM_KERNEL=6.1
VM_MACHINE=q35,kernel-irqchip=split
VM_APPEND="intel_iommu=on"
# kvm_amd: -cpu max under TCG is an AMD CPU with SVM, so the guest gets a /dev/kvm as a host would.
VM_MODULES="kvm_amd e1000 8139cp vfio vfio_iommu_type1 vfio_pci"
VM_QEMU_ARGS=(
    -device intel-iommu,intremap=on,caching-mode=on
    -device pcie-root-port,id=rp1,chassis=1
    -device pcie-pci-bridge,id=br1,bus=rp1
    -device e1000,bus=br1,addr=1
    -device rtl8139,bus=br1,addr=2
)
guest_main() {
    local e1000
    truth boot
    tool boot
    e1000=$(slot_of 8086:100e) || { echo "guest: no e1000"; return 1; }
    tool_run "$VFD_OUT/tool/boot" check-e1000 check "$e1000" -J
    tool_run "$VFD_OUT/tool/boot" bind-one bind "$e1000"
    truth refused
    # QEMU's own word on a group that is not viable, for explain to decode
    tool_run "$VFD_OUT/tool/boot" bind-nonviable bind --allow-nonviable "$e1000"
    qemu-system-x86_64 -S -nodefaults -display none -machine q35 -accel tcg -m 64 \
        -device "vfio-pci,host=$e1000" -qmp stdio < /dev/null \
        > "$VFD_OUT/tool/boot/nested-nonviable.out" 2> "$VFD_OUT/tool/boot/nested-nonviable.err" ||
        true
    tool_run "$VFD_OUT/tool/boot" bind-group bind --group "$e1000"
    truth grouped
}

host_check() {
    local e1000 rtl
    e1000=$(slot_by_id boot 8086:100e)
    rtl=$(slot_by_id boot 10ec:8139)
    expect "e1000 ($e1000) is in an IOMMU group" in_a_group boot "$e1000"
    expect "e1000 and rtl8139 ($rtl) share a group" same_group boot "$e1000" "$rtl"
    expect "the pcie-pci-bridge is in that group too" same_group boot "$e1000" "$(slot_by_id boot 1b36:000e)"
    expect "e1000 driver bound" is_driver boot "$e1000" e1000
    expect "8139cp driver bound (QEMU's rtl8139 is a C+ chip)" is_driver boot "$rtl" 8139cp
    if tool_ran boot; then
        expect "groups -J matches the kernel" groups_match_truth boot
        expect "check: the e1000's group is not viable" finding_is boot device.group fail "$e1000" check-e1000
        expect "check names the rtl8139 on 8139cp as a blocker" finding_says boot device.group \
            evidence "devices/$rtl: bound to 8139cp \\(blocks\\)" check-e1000
        expect "check blames the conventional PCI bridge" finding_says boot device.group evidence \
            'conventional PCI bridge' check-e1000
        expect "snapshot replays the same" replay_matches boot
        expect "bind of the e1000 alone is refused (exit 2)" exit_is boot bind-one 2
        expect "the refusal names the rtl8139 as the blocker" grep -q \
            "$rtl is bound to 8139cp (blocks the group)" tool/boot/bind-one.out
        expect "after the refusal both NICs keep their drivers" eval \
            'is_driver refused "$e1000" e1000 && is_driver refused "$rtl" 8139cp'
        expect "bind --allow-nonviable exited 0" exit_is boot bind-nonviable 0
        expect "nested QEMU refuses the non-viable group" grep -q "is not viable" \
            tool/boot/nested-nonviable.err
        expect "vfio-doctor explain decodes QEMU's real 'not viable' error" eval \
            '"$VFD_HOST_TOOL" explain -J --no-checks tool/boot/nested-nonviable.err \
                > tool/boot/nested-nonviable.explain.json;
             jq -e "[.problems[].id] | index(\"qemu.group-not-viable\")" \
                tool/boot/nested-nonviable.explain.json >/dev/null'
        expect "bind --group exited 0" exit_is boot bind-group 0
        expect "after bind --group: e1000 on vfio-pci" is_driver grouped "$e1000" vfio-pci
        expect "after bind --group: rtl8139 on vfio-pci" is_driver grouped "$rtl" vfio-pci
        expect "after bind --group: /dev/vfio/$(group_of boot "$e1000")" vfio_node grouped \
            "$(group_of boot "$e1000")"
    fi
}
