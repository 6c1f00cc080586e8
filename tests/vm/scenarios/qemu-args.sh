# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# Generated configuration, accepted by real QEMU: an e1000e, and a VGA card with an HDA
# audio function in the same slot (a GPU and its HDMI audio, as QEMU can make them), are
# bound with `vfio-doctor bind`; a QEMU started inside the guest with `vfio-doctor
# qemu-args` output must show them in QMP query-pci, multi-function where the host had
# them so (query-pci lists devices behind a root port once the firmware has numbered its
# bus: the nested QEMU is let run until then). The whole `vm --preset android` script
# runs too, stopped: its devices must be realised ("info qtree"). The real errors of QEMU for
# a device not on vfio-pci and for x-vga on a non-VGA device are kept for `explain`.
VM_KERNEL=6.1
VM_MACHINE=q35,kernel-irqchip=split
VM_APPEND="intel_iommu=on"
VM_MODULES="kvm_amd e1000e vfio vfio_iommu_type1 vfio_pci"
# Nested QEMU under TCG in a TCG guest: slow to start, even with -S; six of them.
VFD_VM_TIMEOUT=${VFD_VM_TIMEOUT:-900}
VM_QEMU_ARGS=(
    -device intel-iommu,intremap=on,caching-mode=on
    -device pcie-root-port,id=rp1,chassis=1
    -device e1000e,bus=rp1
    -device pcie-root-port,id=rp2,chassis=2
    -device VGA,bus=rp2,addr=0.0,multifunction=on
    -device ich9-intel-hda,bus=rp2,addr=0.1
)
# shellcheck source=tests/vm/lib/nested-qemu.sh
. "${BASH_SOURCE[0]%/*}/../lib/nested-qemu.sh"

guest_main() {
    local nic vga hda g="$VFD_OUT/gen"
    truth boot
    nic=$(slot_of 8086:10d3) || { echo "guest: no e1000e"; return 1; }
    vga=$(slot_of 1234:1111) || { echo "guest: no VGA"; return 1; }
    hda=$(slot_of 8086:293e) || { echo "guest: no HDA"; return 1; }
    mkdir -p "$g"
    echo "$nic $vga $hda" > "$g/slots"
    # before binding: QEMU's own error for a device still on its host driver
    tool_run "$g" args-unbound qemu-args "$nic"
    nested_args unbound "$g/args-unbound.out"
    # the VGA card is the boot VGA of this guest: bind refuses it without --force
    tool_run "$g" bind-nic bind "$nic"
    tool_run "$g" bind-vga bind --group --force "$vga"
    truth bound
    tool bound
    tool_run "$g" args-nic qemu-args "$nic"
    nested_args nic "$g/args-nic.out"
    tool_run "$g" args-vga qemu-args "$vga"
    nested_args vga "$g/args-vga.out"
    tool_run "$g" args-xvga qemu-args --x-vga --firmware bios --slot 0x8 "$vga"
    nested_args xvga "$g/args-xvga.out"
    # QEMU's error for x-vga on a device without the VGA region (the tool refuses to write it)
    nested_qemu xvga-nic -device pcie-root-port,id=p1,chassis=1 \
        -device "vfio-pci,host=$nic,bus=p1,x-vga=on"
    truncate -s 64M /tmp/android.img
    tool_run "$g" vm-qemu vm --preset android --gpu "$vga" --disk /tmp/android.img --memory 2G
    nested_script vm "$VFD_OUT/gen/vm-qemu.out"
    tool_run "$g" vm-libvirt vm --preset android --gpu "$vga" --disk /tmp/android.img \
        --format libvirt
    # lint what was generated, on this real kernel
    tool_run "$g" lint-qemu lint -J "$g/vm-qemu.out"
    tool_run "$g" lint-libvirt lint -J "$g/vm-libvirt.out"
}

host_check() {
    local nic vga hda where_vga where_hda
    read -r nic vga hda < gen/slots
    expect "qemu-args for the unbound e1000e exited 1 (warns: not on vfio-pci)" \
        eval '[ "$(cat gen/args-unbound.rc)" = 1 ]'
    expect "QEMU refuses the e1000e still on e1000e" nested_failed unbound
    expect "QEMU's error names the device" nested_err_has unbound "$nic"
    expect "vfio-doctor explain decodes QEMU's real error (no group node)" eval \
        '"$VFD_HOST_TOOL" explain -J --no-checks nested/unbound.err > nested/unbound.explain.json;
         jq -e "[.problems[].id] | index(\"qemu.group-enoent\")" nested/unbound.explain.json >/dev/null'
    expect "bind of the e1000e exited 0" eval '[ "$(cat gen/bind-nic.rc)" = 0 ]'
    expect "bind --group of the VGA card exited 0" eval '[ "$(cat gen/bind-vga.rc)" = 0 ]'
    expect "after bind: VGA on vfio-pci" is_driver bound "$vga" vfio-pci
    expect "after bind: HDA on vfio-pci" is_driver bound "$hda" vfio-pci
    expect "VGA and HDA share a group" same_group bound "$vga" "$hda"
    expect "qemu-args of the e1000e exited 0" eval '[ "$(cat gen/args-nic.rc)" = 0 ]'
    expect "nested QEMU took the e1000e args (exit 0)" nested_rc nic 0
    expect "query-pci shows 8086:10d3" qpci_has nic 8086:10d3
    expect "qemu-args of the VGA brings the HDA along" grep -q "host=$hda" gen/args-vga.out
    expect "function 0 of the VGA slot has multifunction=on" \
        grep -q "host=$vga,.*multifunction=on" gen/args-vga.out
    expect "nested QEMU took the VGA args (exit 0)" nested_rc vga 0
    expect "query-pci shows the VGA 1234:1111" qpci_has vga 1234:1111
    expect "query-pci shows the HDA 8086:293e" qpci_has vga 8086:293e
    where_vga=$(qpci_where vga 1234:1111)
    where_hda=$(qpci_where vga 8086:293e)
    expect "VGA and HDA are one guest slot, functions 0 and 1 ($where_vga / $where_hda)" \
        eval '[ "${where_vga% *}" = "${where_hda% *}" ] && [ "${where_vga##* }" = 0 ] &&
              [ "${where_hda##* }" = 1 ]'
    expect "x-vga is written for the VGA function" grep -q "host=$vga,.*x-vga=on" gen/args-xvga.out
    expect "x-vga is not written for the HDA" eval '! grep -q "host=$hda,.*x-vga" gen/args-xvga.out'
    expect "nested QEMU took x-vga on the VGA (exit 0)" nested_rc xvga 0
    expect "query-pci (x-vga) shows the VGA" qpci_has xvga 1234:1111
    expect "QEMU refuses x-vga on the e1000e" nested_failed xvga-nic
    expect "... saying the device lacks the feature" nested_err_has xvga-nic "x-vga"
    expect "vm --preset android wrote a script" grep -q '^exec qemu-system-x86_64' gen/vm-qemu.out
    expect "nested QEMU ran the android script (exit 0)" nested_rc vm 0
    expect "android: vfio-pci for the VGA realised" qtree_has vm vfio-pci "$vga"
    expect "android: vfio-pci for the HDA realised" qtree_has vm vfio-pci "$hda"
    expect "android: virtio-blk realised" qtree_dev vm virtio-blk-pci
    expect "android: virtio-net realised" qtree_dev vm virtio-net-pci
    expect "android: query-pci shows the three root ports (1b36:000c)" \
        eval '[ "$(qpci_devices vm | grep -c "^1b36 000c ")" = 3 ]'
    expect "the script made its vars copy" test -s nested/vm.d/android_VARS.fd
    expect "lint of the android script: no failure (exit <= 1)" \
        eval '[ "$(cat gen/lint-qemu.rc)" -le 1 ]'
    expect "lint of the android domain: no failure (exit <= 1)" \
        eval '[ "$(cat gen/lint-libvirt.rc)" -le 1 ]'
    if command -v virt-xml-validate >/dev/null; then
        expect "the android domain validates against libvirt's schemas" \
            virt-xml-validate gen/vm-libvirt.out domain
    fi
    if tool_ran bound; then
        expect "snapshot replays the same (bound)" replay_matches bound
    fi
}
