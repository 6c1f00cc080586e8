# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-doctor trial` end to end: the e1000e (on a user network with restrict=on, so its
# link comes up and nothing leaves the machine) is bound for the trial, given to a nested
# QEMU (TCG inside TCG) that boots the same 6.1 kernel with the trial's own initramfs; the
# guest's /init must see the NIC with its MAC and link up, twice (--twice: a second VM
# right after the first), and the e1000e must be back on e1000e afterwards. Also: the root port is refused, so is the e1000 whose group (behind a
# PCIe-to-PCI bridge, with an rtl8139 on 8139cp) would stay non-viable; a QEMU that is not
# there (named, or not in PATH) is a clear error; a kernel whose module tree has no e1000e
# is broken at trial.module before anything is bound; --dry-run changes nothing; OVMF is
# found; a 30 s timeout is broken at trial.kernel after SeaBIOS handed over; a trial
# stopped with SIGTERM while its VM runs gives the device back, one killed with SIGKILL
# leaves bind's record and `restore` uses it.
VM_KERNEL=6.1
VM_MACHINE=q35,kernel-irqchip=split
VM_APPEND="intel_iommu=on"
VM_MODULES="e1000e e1000 8139cp vfio vfio_iommu_type1 vfio_pci"
# the nested guest's memory inside this one; its boot under TCG inside TCG takes minutes,
# and --twice boots it twice: on 2 cores shared with other builds (load 5 to 10) one
# nested run took from 150 s to 360 s, the whole scenario from 470 s to 700 s
VFD_VM_MEM=${VFD_VM_MEM:-1536}
VFD_VM_TIMEOUT=${VFD_VM_TIMEOUT:-1500}
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

# run_has NAME RUN JQ: the JQ test on .runs[RUN] of tool/trial/NAME.out
run_has() {
    jq -e ".runs[$2] | $3" "tool/trial/$1.out" > /dev/null && return 0
    echo "  .runs[$2] of $1.out fails: $3"
    jq -r ".runs[$2].findings[]? | \"    \(.id) \(.status) \(.summary)\"" "tool/trial/$1.out" 2>/dev/null
    return 1
}
# run_finding NAME RUN ID STATUS
run_finding() {
    run_has "$1" "$2" "[.findings[] | select(.id == \"$3\") | .status] == [\"$4\"]"
}

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

# wait_vm PID: until the trial PID has started its QEMU, its only child (at most 120 s;
# before it, the trial decompresses the kernel for the PVH boot)
wait_vm() {
    local i
    for ((i = 0; i < 600; i++)); do
        pgrep -P "$1" > /dev/null && return 0
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
    # OVMF: found where Debian's ovmf package puts it (a whole OVMF trial takes
    # too long for every run of the test bed: trial-ovmf.sh, run when named)
    tool_run "$d" ovmfdry trial --dry-run --firmware ovmf --kernel "$kernel" "$nic"
    truth before
    # --twice: the second VM right after the first, on the device the first gave back
    tool_run "$d" trial trial -J --kernel "$kernel" --timeout 600 --twice "$nic"
    truth after
    ls /run/vfio-doctor/bindings > "$d/records-after" 2>/dev/null || true
    # a VM stopped at its timeout once SeaBIOS has handed over: broken at the kernel
    tool_run "$d" short trial -J --kernel "$kernel" --timeout 30 "$nic"
    # SIGTERM while the VM runs: the VM is stopped and the device given back
    local pid rc
    "$VFD_TOOL" trial -J --kernel "$kernel" --timeout 420 "$nic" > "$d/term.out" 2> "$d/term.err" &
    pid=$!
    wait_bound "$nic" && wait_vm "$pid" && sleep 5
    kill -TERM "$pid" || true
    rc=0; wait "$pid" || rc=$?
    echo "$rc" > "$d/term.rc"
    driver_now "$nic" > "$d/term-driver"
    # SIGKILL: nothing can give the device back, bind's record stays for restore
    "$VFD_TOOL" trial --kernel "$kernel" --timeout 420 "$nic" > /dev/null 2>&1 &
    pid=$!
    wait_bound "$nic" && wait_vm "$pid" && sleep 5
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
    expect "--dry-run says TCG, and why not KVM" grep -Eq \
        "^qemu: .* \(TCG: /dev/kvm: .+, the VM will be slow\)$" tool/trial/dry.out
    expect "... and so does the JSON" jq -e '.kvm == false and
        (.kvm_unusable | test("^(open|KVM_GET_API_VERSION|KVM_CREATE_VM): "))' \
        tool/trial/trial.out
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
    expect "OVMF dry run exited 0" exit_is trial ovmfdry 0
    expect "... with Debian's OVMF code and variables found" grep -q \
        "^firmware: /usr/share/OVMF/OVMF_CODE[_4M]*\.fd" tool/trial/ovmfdry.out
    expect "the trial works (exit 0 or 1)" eval '[ "$(cat tool/trial/trial.rc)" -le 1 ]'
    expect "--twice: two runs" jq -e '.runs | length == 2' tool/trial/trial.out
    local run
    for run in 0 1; do
        expect "run $run: nothing broken" run_has trial "$run" '.first_broken == null'
        expect "run $run: QEMU started the VM" run_finding trial "$run" trial.qemu ok
        expect "run $run: the nested kernel booted" run_finding trial "$run" trial.kernel ok
        expect "run $run: ... decompressed, at its PVH entry (TCG)" run_has trial "$run" \
            '[.findings[] | select(.id == "trial.kernel") | .evidence[]
              | select(test("started at its PVH entry"))] | length == 1'
        expect "run $run: the guest reported" run_finding trial "$run" trial.report ok
        expect "run $run: the guest saw the device" run_finding trial "$run" trial.devices ok
        expect "run $run: e1000e bound inside" run_has trial "$run" \
            '[.findings[] | select(.id == "guest.driver") | .summary
              | select(test("driven by e1000e"))] | length == 1'
        expect "run $run: the MAC and the link seen inside" run_has trial "$run" \
            '[.findings[] | select(.id == "guest.net") | .summary
              | select(test("MAC 52:54:00:aa:bb:cc, link up"))] | length == 1'
    done
    expect "--twice: the device came back for the second VM" run_finding trial 1 trial.twice ok
    expect "... only the second run judges it" run_has trial 0 \
        '[.findings[] | select(.id == "trial.twice")] | length == 0'
    expect "... with both VMs' times" run_has trial 1 \
        '[.findings[] | select(.id == "trial.twice") | .evidence[]
          | select(test("^first VM: [0-9]+ s; second VM: [0-9]+ s$"))] | length == 1'
    expect "given back (JSON)" jq -e '.given_back == true' tool/trial/trial.out
    expect "after: the e1000e back on e1000e" is_driver after "$nic" e1000e
    expect "after: no binding record left" eval '! [ -s tool/trial/records-after ]'
    expect "a 30 s timeout: broken (exit 2)" exit_is trial short 2
    expect "... at the kernel, not QEMU" run_has short 0 '.first_broken == "trial.kernel"'
    expect "... QEMU ok: SeaBIOS had run" run_finding short 0 trial.qemu ok
    expect "... the timeout said" finding_says trial trial.kernel evidence \
        "^stopped at the timeout \\(30 s\\) after [0-9]+ s$" short
    expect "... with SeaBIOS's last line" finding_says trial trial.kernel evidence \
        "^seabios, last line: " short
    expect "... and, under TCG, a longer --timeout advised" finding_says trial trial.kernel fix \
        "a longer --timeout" short
    expect "... given back" jq -e '.given_back == true' tool/trial/short.out
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
