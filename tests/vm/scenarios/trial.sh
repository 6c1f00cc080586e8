# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-doctor trial` end to end: the e1000e (on a user network with restrict=on, so its
# link comes up and nothing leaves the machine) is bound for the trial, given to a nested
# QEMU (TCG inside TCG) that boots the same 6.1 kernel with the trial's own initramfs; the
# guest's /init must see the NIC with its MAC and link up, and the e1000e must be back on
# e1000e afterwards. Also: the root port is refused, so is the e1000 whose group (behind a
# PCIe-to-PCI bridge, with an rtl8139 on 8139cp) would stay non-viable; a QEMU that is not
# there (named, or not in PATH) is a clear error; a kernel whose module tree has no e1000e
# is broken at trial.module before anything is bound; --dry-run changes nothing; a trial
# stopped with SIGTERM while its VM runs gives the device back, one killed with SIGKILL
# leaves bind's record and `restore` uses it.
VM_KERNEL=6.1
VM_MACHINE=q35,kernel-irqchip=split
VM_APPEND="intel_iommu=on"
VM_MODULES="e1000e e1000 8139cp vfio vfio_iommu_type1 vfio_pci"
# the nested guest's 512 MiB inside this one; its boot under TCG inside TCG takes minutes
VFD_VM_MEM=${VFD_VM_MEM:-1536}
VFD_VM_TIMEOUT=${VFD_VM_TIMEOUT:-600}
VM_QEMU_ARGS=(
    -device intel-iommu,intremap=on,caching-mode=on
    -device pcie-root-port,id=rp1,chassis=1
    -device e1000e,bus=rp1,netdev=n0,mac=52:54:00:aa:bb:cc
    -netdev user,id=n0,restrict=on
    -device pcie-root-port,id=rp2,chassis=2
    -device pcie-pci-bridge,id=br1,bus=rp2
    -device e1000,bus=br1,addr=1
    -device rtl8139,bus=br1,addr=2
)

driver_now() { local l; l=$(readlink "/sys/bus/pci/devices/$1/driver") && echo "${l##*/}" || echo none; }

# wait_bound SLOT: until the trial has put it on vfio-pci (at most 60 s)
wait_bound() {
    local i
    for ((i = 0; i < 300; i++)); do
        [ "$(driver_now "$1")" = vfio-pci ] && return 0
        sleep 0.2
    done
    return 1
}

# the module tree of this kernel with no module in it, only what is built in (depmod
# makes modules.builtin.alias.bin from modules.builtin.modinfo): a kernel without e1000e
no_module_tree() {
    local rel src dst
    rel=$(uname -r)
    src=/usr/lib/modules/$rel
    dst=/tmp/nomod/lib/modules/$rel
    mkdir -p "$dst"
    cp "$src"/modules.builtin "$src"/modules.builtin.modinfo "$src"/modules.order "$dst"/
    depmod -b /tmp/nomod "$rel" 2> /dev/null
    echo "$dst"
}

guest_main() {
    local nic port e1000 kernel tree d="$VFD_OUT/tool/trial"
    truth boot
    mkdir -p "$d"
    nic=$(slot_of 8086:10d3) || { echo "guest: no e1000e"; return 1; }
    port=$(slot_of 1b36:000c) || { echo "guest: no root port"; return 1; }
    e1000=$(slot_of 8086:100e) || { echo "guest: no e1000"; return 1; }
    # the guest's own kernel: /boot of the shared root is the host's, not this one
    kernel=$(echo build/vm/kernels/6.1/boot/vmlinuz-*)
    echo "$nic $port $e1000" > "$d/slots"
    tool_run "$d" dry trial --dry-run --kernel "$kernel" "$nic"
    tool_run "$d" bridge trial --dry-run --kernel "$kernel" "$port"
    tool_run "$d" nonviable trial --kernel "$kernel" "$e1000"
    tool_run "$d" noqemu trial --qemu /nonexistent/qemu-system-x86_64 --kernel "$kernel" "$nic"
    PATH=/nonexistent tool_run "$d" nopath trial --kernel "$kernel" "$nic"
    # the module tree seen through a private mount namespace: the real one is untouched
    tree=$(no_module_tree)
    unshare -m sh -c 'mount --bind "$1" "/usr/lib/modules/$(uname -r)" && shift && exec "$@"' \
        sh "$tree" "$VFD_TOOL" trial -J --kernel "$kernel" "$nic" \
        > "$d/nomodule.out" 2> "$d/nomodule.err" && echo 0 > "$d/nomodule.rc" ||
        echo $? > "$d/nomodule.rc"
    truth before
    tool_run "$d" trial trial -J --kernel "$kernel" --timeout 420 "$nic"
    truth after
    ls /run/vfio-doctor/bindings > "$d/records-after" 2>/dev/null || true
    # SIGTERM while the VM runs: the VM is stopped and the device given back
    local pid rc
    "$VFD_TOOL" trial -J --kernel "$kernel" --timeout 420 "$nic" > "$d/term.out" 2> "$d/term.err" &
    pid=$!
    wait_bound "$nic" && sleep 5
    kill -TERM "$pid" || true
    rc=0; wait "$pid" || rc=$?
    echo "$rc" > "$d/term.rc"
    driver_now "$nic" > "$d/term-driver"
    # SIGKILL: nothing can give the device back, bind's record stays for restore
    "$VFD_TOOL" trial --kernel "$kernel" --timeout 420 "$nic" > /dev/null 2>&1 &
    pid=$!
    wait_bound "$nic" && sleep 5
    kill -KILL "$pid" || true
    wait "$pid" || true
    ls /run/vfio-doctor/bindings > "$d/kill-records" 2>/dev/null || true
    ls /run/vfio-doctor/trials > "$d/kill-trial-records" 2>/dev/null || true
    ls -d /tmp/vfio-doctor-trial.* > "$d/kill-tmpdirs" 2>/dev/null || true
    driver_now "$nic" > "$d/kill-driver"
    # its QEMU dies with it (PR_SET_PDEATHSIG): restore must not wait on the device
    tool_run "$d" restore restore
    driver_now "$nic" > "$d/restore-driver"
    ls -d /tmp/vfio-doctor-trial.* > "$d/restore-tmpdirs" 2>/dev/null || true
}

host_check() {
    local nic port e1000
    read -r nic port e1000 < tool/trial/slots
    expect "--dry-run exited 0" exit_is trial dry 0
    expect "--dry-run shows the plan" grep -q "$nic: e1000e -> vfio-pci" tool/trial/dry.out
    expect "--dry-run changed nothing" grep -q "dry run: nothing was changed" tool/trial/dry.out
    expect "the root port is refused (exit 2)" exit_is trial bridge 2
    expect "... as a bridge" grep -q "refusing $port: a PCI bridge" tool/trial/bridge.out
    expect "the e1000 in a non-viable group is refused (exit 2)" exit_is trial nonviable 2
    expect "... naming the group" grep -q "would stay non-viable" tool/trial/nonviable.out
    expect "... and the rtl8139 that blocks it" grep -q "is bound to 8139cp (blocks the group)" \
        tool/trial/nonviable.out
    expect "... nothing changed: the e1000 still on e1000" is_driver before "$e1000" e1000
    expect "a missing QEMU is an error (exit 2)" exit_is trial noqemu 2
    expect "... that says so" grep -q "not found" tool/trial/noqemu.err
    expect "no QEMU in PATH is an error (exit 2)" exit_is trial nopath 2
    expect "... that says so" grep -q "qemu-system-x86_64 not found in PATH" tool/trial/nopath.err
    expect "a kernel without e1000e: broken (exit 2)" exit_is trial nomodule 2
    expect "... at trial.module" jq -e '.runs[0].first_broken == "trial.module"' \
        tool/trial/nomodule.out
    expect "... naming the kernel and the device" jq -e --arg s "$nic" \
        '[.findings[] | select(.id == "trial.module" and .status == "fail" and .device == $s)]
         | length == 1' tool/trial/nomodule.out
    expect "... before anything was bound" is_driver before "$nic" e1000e
    expect "before: the e1000e on e1000e" is_driver before "$nic" e1000e
    expect "the trial works (exit 0 or 1)" eval '[ "$(cat tool/trial/trial.rc)" -le 1 ]'
    expect "QEMU started the VM" finding_is trial trial.qemu ok "" trial
    expect "the nested kernel booted" finding_is trial trial.kernel ok "" trial
    expect "the guest reported" finding_is trial trial.report ok "" trial
    expect "the guest saw the device" finding_is trial trial.devices ok "" trial
    expect "e1000e bound inside" finding_says trial guest.driver summary "driven by e1000e" trial
    expect "the MAC seen inside" finding_says trial guest.net summary "MAC 52:54:00:aa:bb:cc" trial
    expect "the link up inside" finding_says trial guest.net summary "link up" trial
    expect "given back (JSON)" jq -e '.given_back == true' tool/trial/trial.out
    expect "after: the e1000e back on e1000e" is_driver after "$nic" e1000e
    expect "after: no binding record left" eval '! [ -s tool/trial/records-after ]'
    expect "SIGTERM: the trial exits 2" eval '[ "$(cat tool/trial/term.rc)" = 2 ]'
    expect "SIGTERM: said in the report" jq -e '[.findings[].id] | index("trial.interrupted")' \
        tool/trial/term.out
    expect "SIGTERM: given back (JSON)" jq -e '.given_back == true' tool/trial/term.out
    expect "SIGTERM: the e1000e back on e1000e" grep -qx e1000e tool/trial/term-driver
    expect "SIGKILL: the device stays on vfio-pci" grep -qx vfio-pci tool/trial/kill-driver
    expect "SIGKILL: bind's record is left" grep -qx "$nic" tool/trial/kill-records
    expect "SIGKILL: the private directory is left" grep -q "^/tmp/vfio-doctor-trial\." \
        tool/trial/kill-tmpdirs
    expect "... and named in the trial's record" grep -qx "[0-9]*" tool/trial/kill-trial-records
    expect "restore after SIGKILL exited 0" exit_is trial restore 0
    expect "restore removed the private directory" grep -q \
        "^$(cat tool/trial/kill-tmpdirs): removed (left by a trial that did not end)" \
        tool/trial/restore.out
    expect "... which is gone" eval '! [ -s tool/trial/restore-tmpdirs ]'
    expect "restore after SIGKILL: the e1000e back on e1000e" \
        grep -qx e1000e tool/trial/restore-driver
}
