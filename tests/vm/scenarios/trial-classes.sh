# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-doctor trial` of three device classes in one nested VM: a USB controller (QEMU's
# xHCI with a tablet on its bus), an HD Audio function (ICH9 with a duplex codec) and an
# NVMe controller (one 64 MiB namespace on a null block device: nothing is stored). None
# has a driver in this guest; each sits on the root bus in a group of its own. The trial
# binds the three, boots the same 6.1 kernel in a nested QEMU (TCG inside TCG) and its
# /init must find, per class, what the issue asks: the xHCI's root hubs with their ports
# and the tablet on them, the codec that answered the HD Audio controller, and the
# namespace with its size. Afterwards all three are back without a driver.
# The HD Audio card registers only once a driver took its codec: the trial packs the
# generic codec parsers ahead of snd_hda_intel (the initramfs has no modprobe for the
# kernel's own requests); without them the first run of this scenario found the card
# missing. Measured on 2 cores with one other scenario: the nested QEMU ran about 200 s.
VM_KERNEL=6.1
VM_MACHINE=q35,kernel-irqchip=split
VM_APPEND="intel_iommu=on"
VM_MODULES="vfio vfio_iommu_type1 vfio_pci"
VFD_VM_MEM=${VFD_VM_MEM:-1536}
VFD_VM_TIMEOUT=${VFD_VM_TIMEOUT:-900}
VM_QEMU_ARGS=(
    -device intel-iommu,intremap=on,caching-mode=on
    -device qemu-xhci,id=xhci
    -device usb-tablet,bus=xhci.0
    -audiodev none,id=snd0
    -device ich9-intel-hda,id=hda
    -device hda-duplex,bus=hda.0,audiodev=snd0
    -blockdev driver=null-co,node-name=nvnull,size=67108864,read-zeroes=on
    -device nvme,serial=vfdtrial,drive=nvnull
)

# first function of PCI class CLASS (6 hex digits, e.g. 0c0330)
slot_of_class() {
    local dev
    for dev in /sys/bus/pci/devices/*; do
        if [ "$(cat "$dev/class")" = "0x$1" ]; then
            echo "${dev##*/}"
            return 0
        fi
    done
    return 1
}

guest_main() {
    local usb audio nvme kernel start d="$VFD_OUT/tool/trial"
    truth boot
    mkdir -p "$d"
    usb=$(slot_of_class 0c0330) || { echo "guest: no xHCI"; return 1; }
    audio=$(slot_of_class 040300) || { echo "guest: no HD Audio"; return 1; }
    nvme=$(slot_of_class 010802) || { echo "guest: no NVMe"; return 1; }
    kernel=$(echo build/vm/kernels/6.1/boot/vmlinuz-*)
    echo "$usb $audio $nvme" > "$d/slots"
    start=$(date +%s)
    tool_run "$d" classes trial -J -v --kernel "$kernel" --timeout 600 "$usb" "$audio" "$nvme"
    echo $(($(date +%s) - start)) > "$d/classes.seconds"
    truth after
}

# class_finding ID SLOT REGEX: one ok finding ID of SLOT (this guest's address: the trial
# names the guest's functions by the host's device) whose summary matches REGEX
class_finding() {
    jq -e --arg id "$1" --arg s "$2" --arg re "$3" '
        [.findings[] | select(.id == $id and .device == $s and .status == "ok")
         | .summary | select(test($re))] | length == 1' tool/trial/classes.out > /dev/null &&
        return 0
    echo "  no ok $1 of $2 matching /$3/; the trial's findings:"
    jq -r '.findings[] | "    \(.id) \(.status) \(.device // "-") \(.summary)"' \
        tool/trial/classes.out 2> /dev/null
    return 1
}

host_check() {
    local usb audio nvme slot
    read -r usb audio nvme < tool/trial/slots
    for slot in "$usb" "$audio" "$nvme"; do
        expect "before: $slot has no driver" is_driver boot "$slot" -
    done
    expect "the trial works (exit 0 or 1)" eval '[ "$(cat tool/trial/classes.rc)" -le 1 ]'
    expect "nothing broken" jq -e '.runs[0].first_broken == null' tool/trial/classes.out
    # none of the three has FLR or PM reset: QEMU says so, the trial warns
    expect "QEMU started the VM (with a warning)" finding_is trial trial.qemu warn "" classes
    expect "... that they have no reset" finding_says trial trial.qemu evidence \
        "explain qemu.reset-no-mechanism" classes
    expect "SeaBIOS enumerated the three" finding_is trial trial.firmware ok "" classes
    expect "the nested kernel booted" finding_is trial trial.kernel ok "" classes
    expect "the guest saw the devices" finding_is trial trial.devices ok "" classes
    expect "xhci_hcd bound the USB controller" class_finding guest.driver "$usb" "driven by xhci_hcd"
    expect "... its root hubs have ports, the tablet on one" class_finding guest.usb "$usb" \
        "root hubs \\(xhci_hcd\\): usb[0-9]+ USB 2\\.00 with [1-9][0-9]* ports?, usb[0-9]+ USB 3\\.[0-9]+ with [1-9][0-9]* ports?; 1 device connected"
    expect "snd_hda_intel bound the HD Audio function" class_finding guest.driver "$audio" \
        "driven by snd_hda_intel"
    expect "... and a codec answered" class_finding guest.audio "$audio" \
        "sound card [0-9]+ \\(snd_hda_intel\\): 1 codec"
    expect "nvme bound the NVMe controller" class_finding guest.driver "$nvme" "driven by nvme$"
    expect "... with its 64 MiB namespace" class_finding guest.nvme "$nvme" \
        "nvme[0-9]+ \\(.*\\): 1 namespace: nvme[0-9]+n1 \\(67 MB\\)"
    expect "... each said where it is in the guest" jq -e \
        '[.findings[] | select(.id == "guest.driver") | .evidence[0]
          | select(test("^in the guest: [0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$"))]
         | length == 3' tool/trial/classes.out
    expect "given back (JSON)" jq -e '.given_back == true' tool/trial/classes.out
    for slot in "$usb" "$audio" "$nvme"; do
        expect "after: $slot without a driver again" is_driver after "$slot" -
    done
    echo "note: the trial of three classes took $(cat tool/trial/classes.seconds) s in the guest"
}
