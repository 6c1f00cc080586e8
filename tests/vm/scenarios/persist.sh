# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-doctor persist` for real, in the guest, whose /etc is an overlay on a tmpfs: an
# e1000e behind a root port with an emulated VT-d. Two /etc layouts in turn: Debian
# (GRUB, initramfs-tools, a vfio.conf of the user's) by address, then Arch (kernel-install
# command line, mkinitcpio) by ID. Each: the dry run changes nothing, the run writes what
# real parsers accept (bash sources the GRUB file, modprobe -c reads the softdep, sh -n
# takes the hook), a second run changes nothing, --undo gives back identical files. The
# udev rule's own commands are run against the real kernel: the NIC must end on vfio-pci.
VM_KERNEL=6.1
VM_MACHINE=q35,kernel-irqchip=split
VM_APPEND="intel_iommu=on"
VM_MODULES="kvm_amd e1000e vfio vfio_iommu_type1 vfio_pci"
VM_QEMU_ARGS=(
    -device intel-iommu,intremap=on,caching-mode=on
    -device pcie-root-port,id=rp1,chassis=1
    -device e1000e,bus=rp1
)

# every file persist may write, with its backup
persist_files="/etc/default/grub /etc/kernel/cmdline /etc/initramfs-tools/modules
/etc/initramfs-tools/hooks/vfio-doctor /etc/mkinitcpio.conf /etc/modprobe.d/vfio.conf
/etc/udev/rules.d/60-vfio-doctor.rules /etc/dracut.conf.d/vfio-doctor.conf
/etc/vfio-doctor/persist.state"

# "PATH SHA256 MODE" or "PATH absent" for each file persist may write and its backup
etc_state() {
    local f g
    for f in $persist_files; do
        for g in "$f" "$f.vfio-doctor.bak"; do
            if [ -e "$g" ]; then
                echo "$g $(sha256sum < "$g" | cut -d' ' -f1) $(stat -c %a "$g")"
            else
                echo "$g absent"
            fi
        done
    done
}

debian_etc() {
    mkdir -p /etc/default /etc/initramfs-tools
    cat > /etc/default/grub <<'EOF'
# If you change this file, run 'update-grub' afterwards to update
# /boot/grub/grub.cfg.

GRUB_DEFAULT=0
GRUB_TIMEOUT=5
GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`
GRUB_CMDLINE_LINUX_DEFAULT="quiet amd_iommu=on"
GRUB_CMDLINE_LINUX="console=ttyS0 \
    panic=-1"
EOF
    printf '# List of modules that you want to include in your initramfs.\n# raid1\n' \
        > /etc/initramfs-tools/modules
    printf '# mine\noptions kvm ignore_msrs=1\n' > /etc/modprobe.d/vfio.conf
}

arch_etc() {
    rm -rf /etc/default/grub /etc/initramfs-tools /etc/modprobe.d/vfio.conf
    mkdir -p /etc/kernel
    printf 'root=UUID=0a3407de-014b-458b-b5c1-848e92a327a3 rw amd_iommu=on quiet\n' \
        > /etc/kernel/cmdline
    cat > /etc/mkinitcpio.conf <<'EOF'
# vim:set ft=sh
MODULES=(e1000e)
BINARIES=()
FILES=()
HOOKS=(base udev autodetect microcode modconf kms keyboard block filesystems fsck)
EOF
}

# The commands of the rule's line for $1, as udev would run them on "add": the
# ATTR{driver_override} write, the kmod load, then the RUN shell line (twice: a coldplug
# replay must change nothing).
rule_run() {
    local bdf=$1 dev=/sys/bus/pci/devices/$1 script
    script=$(sed -n "s/.*KERNEL==\"$bdf\".*RUN+=\"\\/bin\\/sh -c '\\(.*\\)'\"\$/\\1/p" \
        /etc/udev/rules.d/60-vfio-doctor.rules)
    script=${script//%k/$bdf}
    echo "script: $script"
    echo "driver before: $(basename "$(readlink "$dev/driver")")"
    echo vfio-pci > "$dev/driver_override"
    modprobe vfio_pci 2>/dev/null || true
    /bin/sh -c "$script"
    echo "script exit $?"
    echo "driver after: $(basename "$(readlink "$dev/driver")")"
    /bin/sh -c "$script"
    echo "again exit $?"
    echo "driver again: $(basename "$(readlink "$dev/driver")")"
}

# one layout: dry run, run, checks by real parsers, second run, undo
persist_round() {
    local name=$1 d="$VFD_OUT/tool/$1"
    shift
    mkdir -p "$d/files"
    etc_state > "$d/before.txt"
    tool_run "$d" dry persist --dry-run "$@"
    etc_state > "$d/after-dry.txt"
    tool_run "$d" persist persist "$@"
    etc_state > "$d/after-persist.txt"
    for f in $persist_files; do
        [ -e "$f" ] && cp "$f" "$d/files/${f//\//_}"
    done
    if [ -e /etc/default/grub ]; then
        bash -c '. /etc/default/grub; printf "%s|%s\n" "$GRUB_CMDLINE_LINUX_DEFAULT" \
            "$GRUB_CMDLINE_LINUX"' > "$d/grub-value.txt" 2>/dev/null
    fi
    modprobe -c 2>/dev/null | grep -E '^(softdep|options) (e1000e|vfio.pci) ' \
        > "$d/modprobe-c.txt" || true
    if [ -e /etc/initramfs-tools/hooks/vfio-doctor ]; then
        sh -n /etc/initramfs-tools/hooks/vfio-doctor && echo ok > "$d/hook-syntax.txt"
    fi
    if [ -e /etc/mkinitcpio.conf ]; then
        bash -c '. /etc/mkinitcpio.conf; echo "${MODULES[*]}|${FILES[*]}"' \
            > "$d/mkinitcpio-value.txt" 2>/dev/null
    fi
    tool_run "$d" again persist "$@"
    etc_state > "$d/after-again.txt"
    if [ "$name" = debian ]; then
        rule_run "$1" > "$d/rule-run.txt" 2>&1
        truth rule
        tool_run "$d" restore restore "$1"
    fi
    tool_run "$d" undo persist --undo
    etc_state > "$d/after-undo.txt"
    tool_run "$d" undo-again persist --undo
}

guest_main() {
    local bdf
    truth boot
    bdf=$(slot_of 8086:10d3) || { echo "guest: no e1000e"; return 1; }
    echo "$bdf" > "$VFD_OUT/nic.txt"
    if [ ! -x "$VFD_TOOL" ]; then
        echo "guest: $VFD_TOOL not built"
        return 0
    fi
    debian_etc
    persist_round debian "$bdf"
    truth after
    arch_etc
    persist_round arch --by-id 8086:10d3
}

# same_state PHASE A B: two etc_state listings agree
same_state() {
    diff -u "tool/$1/$2.txt" "tool/$1/$3.txt" > "tool/$1/$2-$3.diff" && return 0
    echo "  /etc differs between $2 and $3:"
    sed -n '3,30s/^/    /p' "tool/$1/$2-$3.diff"
    return 1
}
# bak_is_before PHASE PATH: after persist, PATH.vfio-doctor.bak holds what PATH held before
bak_is_before() {
    local was bak
    was=$(awk -v p="$2" '$1 == p { print $2 }' "tool/$1/before.txt")
    bak=$(awk -v p="$2.vfio-doctor.bak" '$1 == p { print $2 }' "tool/$1/after-persist.txt")
    [ -n "$was" ] && [ "$was" != absent ] && [ "$was" = "$bak" ]
}
# file_has PHASE PATH REGEX: the copy of PATH taken after persist matches
file_has() { grep -Eq -- "$3" "tool/$1/files/${2//\//_}"; }

host_check() {
    local nic
    nic=$(cat nic.txt 2>/dev/null)
    expect "the e1000e is found" test -n "$nic"
    expect "e1000e driver bound at boot" is_driver boot "$nic" e1000e
    if [ ! -e tool/debian/persist.rc ]; then
        echo "note: tool not built, persist not run"
        return 0
    fi
    # Debian: by address
    expect "debian: --dry-run exits 0" exit_is debian dry 0
    expect "debian: --dry-run shows the softdep" grep -q '^+softdep e1000e pre: vfio-pci$' \
        tool/debian/dry.out
    expect "debian: --dry-run changes nothing" same_state debian before after-dry
    expect "debian: persist exits 0" exit_is debian persist 0
    expect "debian: udev rule names the NIC" file_has debian \
        /etc/udev/rules.d/60-vfio-doctor.rules "KERNEL==\"$nic\", ATTR\\{driver_override\\}=\"vfio-pci\""
    expect "debian: the user's vfio.conf line is kept" file_has debian /etc/modprobe.d/vfio.conf \
        '^options kvm ignore_msrs=1$'
    expect "debian: vfio-pci in the initramfs-tools modules" file_has debian \
        /etc/initramfs-tools/modules '^vfio_pci$'
    expect "debian: bash reads intel_iommu=on, amd_iommu=on gone, the continuation kept" \
        grep -qx 'quiet intel_iommu=on|console=ttyS0     panic=-1' tool/debian/grub-value.txt
    expect "debian: modprobe -c reads the softdep" grep -q '^softdep e1000e pre: vfio[-_]pci' \
        tool/debian/modprobe-c.txt
    expect "debian: sh -n accepts the initramfs hook" grep -qx ok tool/debian/hook-syntax.txt
    expect "debian: the backup of grub is the file before" bak_is_before debian /etc/default/grub
    expect "debian: a second run exits 0" exit_is debian again 0
    expect "debian: a second run says nothing to change" grep -q '^nothing to change' \
        tool/debian/again.out
    expect "debian: a second run changes nothing" same_state debian after-persist after-again
    expect "debian: the rule's commands ran" grep -qx 'script exit 0' tool/debian/rule-run.txt
    expect "debian: the rule moves the NIC to vfio-pci on the real kernel" \
        grep -qx 'driver after: vfio-pci' tool/debian/rule-run.txt
    expect "debian: the rule run again leaves it there" grep -qx 'driver again: vfio-pci' \
        tool/debian/rule-run.txt
    expect "debian: the kernel agrees: $nic on vfio-pci" is_driver rule "$nic" vfio-pci
    expect "debian: --undo exits 0" exit_is debian undo 0
    expect "debian: --undo gives back identical files" same_state debian before after-undo
    expect "debian: --undo again has nothing to do" grep -q 'nothing to undo' \
        tool/debian/undo-again.out
    expect "debian: restore gave the NIC back to e1000e" is_driver after "$nic" e1000e
    # Arch: by ID, kernel-install command line, mkinitcpio
    expect "arch: --dry-run changes nothing" same_state arch before after-dry
    expect "arch: persist --by-id exits 0" exit_is arch persist 0
    expect "arch: options vfio-pci ids=8086:10d3" file_has arch /etc/modprobe.d/vfio.conf \
        '^options vfio-pci ids=8086:10d3$'
    expect "arch: no udev rule by ID" grep -qx '/etc/udev/rules.d/60-vfio-doctor.rules absent' \
        tool/arch/after-persist.txt
    expect "arch: amd_iommu=on out of /etc/kernel/cmdline, intel_iommu=on in" file_has arch \
        /etc/kernel/cmdline '^root=UUID=0a3407de-014b-458b-b5c1-848e92a327a3 rw quiet intel_iommu=on$'
    expect "arch: bash reads MODULES with vfio-pci first" grep -qx \
        'vfio_pci vfio vfio_iommu_type1 e1000e|' tool/arch/mkinitcpio-value.txt
    expect "arch: modprobe -c reads the ids" grep -q '^options vfio.pci ids=8086:10d3' \
        tool/arch/modprobe-c.txt
    expect "arch: a second run changes nothing" same_state arch after-persist after-again
    expect "arch: --undo gives back identical files" same_state arch before after-undo
}
