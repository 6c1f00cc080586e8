#!/bin/sh
# fixture: intel-vtd-vfio+memlock-unlimited lint-args: --user nobody
# Pasted from a web page: en dashes, an em dash for "--" and a minus sign.
exec qemu-system-x86_64 \
    –machine q35,accel=kvm \
    −m 4G \
    -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
    —nodefaults -vga none \
    -device pcie-root-port,id=rp1,bus=pcie.0,addr=0x10.0,chassis=1 \
    –device vfio-pci,host=0000:01:00.0,bus=rp1,addr=0x0.0 \
    –not-an-option.img
