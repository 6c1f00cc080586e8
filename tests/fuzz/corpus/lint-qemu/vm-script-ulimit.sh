#!/bin/sh
# android: Android-x86 / BlissOS guest with the GPU 02:00.0 as its display,
# written by vfio-doctor 0.1.0. Why each option is there: vfio-doctor(8), command vm.
set -e
vars=android_VARS.fd
[ -e "$vars" ] || cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
ulimit -l unlimited 2>/dev/null || ulimit -l 9437184 2>/dev/null || {
	echo "android: the memlock limit ($(ulimit -l) KiB) is below the guest's 8G: run as root, or see vfio-doctor lint --user $(id -un)" >&2
	exit 1
}
exec qemu-system-x86_64 \
    -name android \
    -machine q35 \
    -accel kvm \
    -cpu host \
    -smp 4 \
    -m 8G \
    -overcommit mem-lock=on \
    -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
    -drive if=pflash,format=raw,unit=1,file="$vars" \
    -nodefaults \
    -vga none \
    -display none \
    -serial mon:stdio \
    -device pcie-root-port,id=vfd-rp1,bus=pcie.0,addr=0x2.0,chassis=1,port=0x1 \
    -device vfio-pci,host=0000:02:00.0,id=vfd-hostdev0,bus=vfd-rp1,addr=0x0.0,multifunction=on \
    -device vfio-pci,host=0000:02:00.1,id=vfd-hostdev1,bus=vfd-rp1,addr=0x0.1 \
    -device pcie-root-port,id=vfd-rp2,bus=pcie.0,addr=0x3.0,chassis=2,port=0x2 \
    -netdev user,id=vfd-net0 \
    -device virtio-net-pci,netdev=vfd-net0,bus=vfd-rp2
