# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# preflight on Intel VT-d (kernel 6.1): an e1000e alone behind a root port, and an e1000
# and an rtl8139 behind a conventional PCI bridge (one group). `vfio-doctor preflight`
# must pass for the e1000e once it is on vfio-pci, and fail at the right step, with the
# kernel's errno explained, for: the e1000e before the bind (driver, then ENOENT on the
# group node), an account without access to the node (EACCES as nobody), a memlock limit
# too small for the DMA map (ENOMEM in the child running as nobody under prlimit), a group
# held open by another process (EBUSY, naming it), and the e1000 bound alone with
# --allow-nonviable (the group is not viable, the rtl8139 on 8139cp named).
VM_KERNEL=6.1
VM_MACHINE=q35,kernel-irqchip=split
VM_APPEND="intel_iommu=on"
VM_MODULES="kvm_amd e1000e e1000 8139cp vfio vfio_iommu_type1 vfio_pci"
VM_QEMU_ARGS=(
    -device intel-iommu,intremap=on,caching-mode=on
    -device pcie-root-port,id=rp1,chassis=1
    -device e1000e,bus=rp1
    -device pcie-root-port,id=rp2,chassis=2
    -device pcie-pci-bridge,id=br1,bus=rp2
    -device e1000,bus=br1,addr=1
    -device rtl8139,bus=br1,addr=2
)
# shellcheck source=tests/vm/lib/preflight-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/preflight-lib.sh"

guest_main() {
    local d="$VFD_OUT/tool/boot" nic e1000 g i n f
    mkdir -p "$d"
    truth boot
    nic=$(slot_of 8086:10d3) || { echo "guest: no e1000e"; return 1; }
    e1000=$(slot_of 8086:100e) || { echo "guest: no e1000"; return 1; }
    tool_run "$d" pf-unbound preflight -J "$nic"

    tool_run "$d" bind bind "$nic"
    truth bound
    g=$(readlink "/sys/bus/pci/devices/$nic/iommu_group")
    g=${g##*/}
    tool_run "$d" pf-pass preflight -J --reset "$nic"
    tool_run "$d" pf-text preflight -v "$nic"
    tool_run "$d" check-pf check --preflight -J "$nic"

    # the account QEMU might run as, without access to the group node
    tool_run "$d" pf-nobody preflight -J --as-user nobody "$nic"
    # with it: passes under the default limit (8 MiB), warns against a 2 GiB guest;
    # under 64 KiB the DMA map fails in the child (nobody has no CAP_IPC_LOCK)
    chown nobody "/dev/vfio/$g"
    tool_run "$d" pf-nobody-ok preflight -J --as-user nobody --memory 2G "$nic"
    pf_run "$d" pf-memlock prlimit --memlock=65536:65536 "$VFD_TOOL" preflight -J \
        --as-user nobody "$nic"
    pf_run "$d" pf-memlock-text prlimit --memlock=65536:65536 "$VFD_TOOL" preflight \
        --as-user nobody "$nic"
    chown root "/dev/vfio/$g"

    # a VM holding the group: here a sleep with the node open on fd 3
    sleep 120 3<> "/dev/vfio/$g" > /dev/null 2>&1 &
    PF_HOLDER=$!
    for i in $(seq 100); do [ -e "/proc/$PF_HOLDER/fd/3" ] && break; sleep 0.1; done
    tool_run "$d" pf-busy preflight -J "$nic"
    kill "$PF_HOLDER"
    wait "$PF_HOLDER" 2>/dev/null || true
    # every failure above released what it held: the same preflight passes again
    tool_run "$d" pf-again preflight -J "$nic"
    n=0
    for f in /proc/[0-9]*/fd/*; do
        case $(readlink "$f" 2>/dev/null) in /dev/vfio/*) n=$((n + 1)) ;; esac
    done
    echo "$n" > "$d/vfio-fds-left.txt"

    tool_run "$d" bind-nonviable bind --allow-nonviable "$e1000"
    truth nonviable
    tool_run "$d" pf-nonviable preflight -J "$e1000"
    tool_run "$d" check-nonviable check --preflight -J "$e1000"
}

host_check() {
    local nic e1000 rtl g
    nic=$(slot_by_id boot 8086:10d3)
    e1000=$(slot_by_id boot 8086:100e)
    rtl=$(slot_by_id boot 10ec:8139)
    g=$(group_of bound "$nic")
    expect "e1000e ($nic) is in an IOMMU group" in_a_group boot "$nic"
    expect "e1000 and rtl8139 share a group" same_group boot "$e1000" "$rtl"
    tool_ran_pf || return 0

    expect "not bound: exit 2" exit_is boot pf-unbound 2
    expect "not bound: fails at the driver step" pf_fails_at boot pf-unbound driver
    expect "not bound: names the driver" pf_says boot pf-unbound driver meaning \
        "not bound to vfio-pci \\(driver: e1000e\\)"
    expect "not bound: the fix is vfio-doctor bind" pf_says boot pf-unbound driver fix \
        "^vfio-doctor bind $nic\$"
    expect "not bound: the kernel agrees, no group node (ENOENT)" pf_says boot pf-unbound \
        open-group errname '^ENOENT$'
    expect "not bound: ENOENT explained" pf_says boot pf-unbound open-group meaning \
        "no device of group [0-9]+ is bound to vfio-pci"

    expect "bind exited 0" exit_is boot bind 0
    expect "bound: preflight passes (exit 0, legacy path ok)" pf_passes boot pf-pass
    expect "bound: every legacy step ran ok" pf_ran boot pf-pass open-group group-status \
        open-container api-version check-extension set-container set-iommu iommu-info map-dma \
        get-device-fd device-info region-info irq-info reset unmap-dma
    expect "bound: the group is viable" pf_says boot pf-pass group-status result '^viable$'
    expect "bound: type1 v2 offered" pf_says boot pf-pass check-extension result 'type1 v2'
    expect "bound: a PCI device, 9 regions" pf_says boot pf-pass device-info result \
        '^PCI.*; 9 regions'
    expect "bound: BAR0 of the e1000e, 128 KiB, mmap" pf_says boot pf-pass region-info result \
        'BAR0: 128 KiB rw mmap'
    expect "bound: the MSI-X vectors" pf_says boot pf-pass irq-info result 'MSI-X: 5'
    expect "bound: --reset reset it" pf_says boot pf-pass reset result 'reset'
    expect "bound: iommufd skipped on Debian's 6.1 (no /dev/iommu)" pf_step_is boot pf-pass \
        open-iommufd skip
    expect "bound: the text report says it opens" grep -q "the device opens as QEMU opens it" \
        tool/boot/pf-text.out
    expect "bound: the text report shows the strace-like calls" grep -Eq \
        "ok +set-container +ioctl\\(group, VFIO_GROUP_SET_CONTAINER, container\\) = 0" \
        tool/boot/pf-text.out
    expect "check --preflight: device.preflight ok" finding_is boot device.preflight ok "$nic" \
        check-pf

    expect "nobody: exit 2" exit_is boot pf-nobody 2
    expect "nobody: the child dropped to nobody" pf_says boot pf-nobody as-user result \
        '^now nobody \(uid 65534'
    expect "nobody: fails at open-group with EACCES" pf_fails_at boot pf-nobody open-group EACCES
    expect "nobody: the node's mode and owner" pf_says boot pf-nobody open-group evidence \
        "^/dev/vfio/$g: rw------- root:root\$"
    expect "nobody: who needs access" pf_says boot pf-nobody open-group evidence \
        '^nobody needs read and write'
    expect "nobody: the fix" pf_says boot pf-nobody open-group fix "chown nobody /dev/vfio/$g"

    expect "nobody with the node: exit 1 (memlock below the guest's 2 GiB)" exit_is boot \
        pf-nobody-ok 1
    expect "nobody with the node: the VFIO steps pass" pf_ran boot pf-nobody-ok open-group \
        set-container set-iommu map-dma get-device-fd device-info unmap-dma
    expect "nobody with the node: memlock warns" pf_step_is boot pf-nobody-ok memlock warn
    expect "nobody with the node: no CAP_IPC_LOCK" pf_says boot pf-nobody-ok memlock evidence \
        'CAP_IPC_LOCK \(exempt from the limit\): no'
    expect "nobody with the node: libvirt's own handling noted" pf_says boot pf-nobody-ok \
        memlock evidence 'libvirt raises the limit itself'

    expect "memlock 64 KiB: exit 2" exit_is boot pf-memlock 2
    expect "memlock 64 KiB: fails at map-dma with ENOMEM" pf_fails_at boot pf-memlock map-dma \
        ENOMEM
    expect "memlock 64 KiB: explained as RLIMIT_MEMLOCK" pf_says boot pf-memlock map-dma meaning \
        'past its RLIMIT_MEMLOCK'
    expect "memlock 64 KiB: the limit in force" pf_says boot pf-memlock map-dma evidence \
        '^RLIMIT_MEMLOCK of the process that mapped: 64 KiB'
    expect "memlock 64 KiB: the kernel's own line" pf_says boot pf-memlock map-dma evidence \
        '^kernel log: .*RLIMIT_MEMLOCK \(65536\) exceeded'
    expect "memlock 64 KiB: the fix for nobody" pf_says boot pf-memlock map-dma fix \
        "'nobody hard memlock unlimited'"
    expect "memlock 64 KiB: the device steps still ran" pf_step_is boot pf-memlock \
        get-device-fd ok
    expect "memlock 64 KiB: text names the failing step" grep -q \
        "^fails at map-dma (legacy path): Cannot allocate memory" tool/boot/pf-memlock-text.out

    expect "busy: fails at open-group with EBUSY" pf_fails_at boot pf-busy open-group EBUSY
    expect "busy: names the process holding the group" pf_says boot pf-busy open-group evidence \
        "^/dev/vfio/$g is held open by PID [0-9]+ \\(sleep\\), fd 3\$"
    expect "after all that, preflight passes again (all released)" pf_passes boot pf-again
    expect "no /dev/vfio fd left open in the guest" grep -qx 0 tool/boot/vfio-fds-left.txt

    expect "bind --allow-nonviable exited 0" exit_is boot bind-nonviable 0
    expect "then the e1000 is on vfio-pci" is_driver nonviable "$e1000" vfio-pci
    expect "and the rtl8139 still on 8139cp" is_driver nonviable "$rtl" 8139cp
    expect "not viable: fails at group-status" pf_fails_at boot pf-nonviable group-status
    expect "not viable: the kernel's answer" pf_says boot pf-nonviable group-status result \
        '^not viable$'
    expect "not viable: names the rtl8139 on 8139cp" pf_says boot pf-nonviable group-status \
        evidence "devices/$rtl: bound to 8139cp \\(blocks the group\\)"
    expect "not viable: the fix binds the group" pf_says boot pf-nonviable group-status fix \
        "vfio-doctor bind --group $e1000"
    expect "not viable: stops there, as QEMU does" pf_step_is boot pf-nonviable open-container \
        absent
    expect "check --preflight: device.preflight.group-status fails" finding_is boot \
        device.preflight.group-status fail "$e1000" check-nonviable
}
