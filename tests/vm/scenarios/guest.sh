# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-doctor guest`, run inside the test VM, which plays the guest itself (a nested
# guest is too slow under TCG): its e1000e stands for the passed-through device. With
# --expect 8086:10d3 the tool must see it driven by e1000e; once the NIC is unbound
# (echo to unbind) it must say that no driver claimed it and that the e1000e module of
# the real module tree (libkmod over modules.alias.bin) matches and is loaded. The
# static build (make static) runs the same way when it was built.
VM_KERNEL=6.1
VM_MACHINE=q35
VM_MODULES="e1000e"
VM_QEMU_ARGS=(
    -device pcie-root-port,id=rp1,chassis=1
    -device e1000e,bus=rp1
)

guest_main() {
    local bdf d="$VFD_OUT/tool/guest" static=build/static/vfio-doctor
    mkdir -p "$d"
    truth boot
    bdf=$(slot_of 8086:10d3) || { echo "guest: no e1000e"; return 1; }
    echo "$bdf" > "$VFD_OUT/nic.txt"
    tool_run "$d" bound guest --expect 8086:10d3 -J
    tool_run "$d" bound-text guest --expect 8086:10d3 -v
    tool_run "$d" default guest -J
    [ -x "$static" ] && VFD_TOOL=$static tool_run "$d" static-bound guest --expect 8086:10d3 -J
    echo "$bdf" > "/sys/bus/pci/devices/$bdf/driver/unbind"
    truth unbound
    tool_run "$d" unbound guest --expect 8086:10d3 -J
    tool_run "$d" unbound-text guest --expect 8086:10d3 -v
    [ -x "$static" ] && VFD_TOOL=$static tool_run "$d" static-unbound guest --expect 8086:10d3 -J
    echo "$bdf" > /sys/bus/pci/drivers_probe || true
    truth reprobed
}

host_check() {
    local nic
    nic=$(cat nic.txt 2>/dev/null) || { echo "FAIL: the guest found no e1000e"; return 1; }
    expect "e1000e ($nic) driven by e1000e at boot" is_driver boot "$nic" e1000e
    if [ ! -f tool/guest/bound.rc ]; then
        echo "note: tool not built, guest checks skipped"
        return 0
    fi
    expect "guest --expect 8086:10d3 exits 0 with the NIC bound" exit_is guest bound 0
    expect "guest: the e1000e is seen, driven by e1000e" finding_is guest guest.driver ok "$nic" bound
    expect "guest: the summary names the driver" finding_says guest guest.driver summary \
        'driven by e1000e' bound
    expect "guest: the sysfs link is the evidence" finding_says guest guest.driver evidence \
        "/sys/bus/pci/devices/$nic/driver -> e1000e" bound
    expect "guest: no device is missing" finding_is guest guest.devices absent "" bound
    expect "guest without --expect: QEMU's e1000e counts as emulated, not passed through" \
        finding_is guest guest.devices warn "" default
    expect "after unbind the kernel shows no driver" is_driver unbound "$nic" -
    expect "guest after unbind exits 2" exit_is guest unbound 2
    expect "guest after unbind: guest.driver fails" finding_is guest guest.driver fail "$nic" unbound
    expect "guest after unbind: no driver claimed it" finding_says guest guest.driver summary \
        'no driver claimed the Intel network controller 8086:10d3' unbound
    expect "guest after unbind: the e1000e module matches and is loaded (libkmod)" \
        finding_says guest guest.driver evidence 'e1000e matches its modalias and is loaded' unbound
    expect "guest after unbind: the fix reprobes the device" finding_says guest guest.driver fix \
        "echo $nic > /sys/bus/pci/drivers_probe" unbound
    expect "drivers_probe gives it back to e1000e" is_driver reprobed "$nic" e1000e
    if [ -f tool/guest/static-bound.rc ]; then
        expect "static build: the e1000e is seen, driven by e1000e" finding_is guest guest.driver ok \
            "$nic" static-bound
        expect "static build after unbind: no driver claimed it" finding_says guest guest.driver \
            summary 'no driver claimed' static-unbound
        expect "static build: e1000e matched in modules.alias as text" finding_says guest \
            guest.driver evidence 'e1000e matches its modalias and is loaded' static-unbound
    else
        echo "note: no static build (make static), its checks skipped"
    fi
}
