# shellcheck shell=bash disable=SC2034,SC2054 # settings read by run.sh; QEMU commas
# SPDX-License-Identifier: GPL-2.0-or-later
# A disk on the ICH9 AHCI controller, mounted in the guest: `vfio-doctor bind` of the
# controller must be refused with the mount named, and the filesystem must stay
# mounted and intact. The disk is attached with snapshot=on: nothing reaches the image.
VM_KERNEL=6.1
VM_MACHINE=q35,kernel-irqchip=split
VM_APPEND="intel_iommu=on"
# crc32c_generic: ext4 asks for it at mount time and the initramfs has no modprobe
VM_MODULES="kvm_amd ahci sd_mod crc32c_generic ext4 vfio vfio_iommu_type1 vfio_pci"
vm_disk="${vm_build:-}/disk.img"
if [ -z "${VFD_OUT:-}" ] && [ ! -s "$vm_disk" ]; then
    # host side only: an ext2 image holding one known file
    src=$(mktemp -d)
    echo "vfio-doctor test data" > "$src/hello.txt"
    mke2fs -q -F -t ext2 -d "$src" "$vm_disk" 8M >/dev/null
    rm -rf "$src"
fi
VM_QEMU_ARGS=(
    -device intel-iommu,intremap=on,caching-mode=on
    -drive "file=$vm_disk,if=none,id=d0,format=raw,snapshot=on"
    -device ide-hd,drive=d0,bus=ide.0
)

guest_main() {
    local d="$VFD_OUT/tool/boot"
    local i
    mkdir -p /mnt/data "$d"
    # the disk's node may come a moment after the driver attached it
    for i in $(seq 50); do [ -b /dev/sda ] && break; sleep 0.1; done
    mount -o ro /dev/sda /mnt/data || { echo "guest: cannot mount /dev/sda"; ls -l /dev/sd* || true; }
    truth boot
    grep ' /mnt/data ' /proc/mounts > "$VFD_OUT/truth/boot/mounted.txt" || true
    tool_run "$d" bind-sata bind 0000:00:1f.2
    tool_run "$d" bind-sata-dry bind --dry-run --force 0000:00:1f.2
    truth after
    grep ' /mnt/data ' /proc/mounts > "$VFD_OUT/truth/after/mounted.txt" || true
    cat /mnt/data/hello.txt > "$VFD_OUT/truth/after/hello.txt" 2>&1 || true
}

host_check() {
    expect "the AHCI controller is on ahci" is_driver boot 0000:00:1f.2 ahci
    expect "the disk was mounted before the bind" grep -q ' /mnt/data ' truth/boot/mounted.txt
    expect "bind of the controller is refused (exit 2)" exit_is boot bind-sata 2
    expect "the refusal names the mounted filesystem" grep -q \
        "sda is mounted on /mnt/data" tool/boot/bind-sata.out
    expect "the controller still has ahci" is_driver after 0000:00:1f.2 ahci
    expect "the filesystem is still mounted" grep -q ' /mnt/data ' truth/after/mounted.txt
    expect "the file on it is intact" grep -qx "vfio-doctor test data" truth/after/hello.txt
    expect "--dry-run --force shows the plan and changes nothing" grep -q \
        "echo 0000:00:1f.2 > /sys/bus/pci/drivers/ahci/unbind" tool/boot/bind-sata-dry.out
}
