#!/bin/bash
# fixture: intel-vtd-vfio lint-args: --user root
# Shell quoting as people write it: a variable set first, quotes of both kinds,
# continuations, a comment between options, commas doubled inside a value.
set -e
OVMF=/usr/share/OVMF
cp -n "$OVMF/OVMF_VARS_4M.fd" vars.fd && echo copied # not the QEMU command
/usr/bin/qemu-system-x86_64 -name "guest=odd,,name",debug-threads=on \
  -machine 'pc-q35-7.2',accel=kvm \
  -m "3072" \
  -bios "$OVMF/OVMF.fd" \
  -device vfio-pci,host=0000:01:00.0,id=hostdev0,romfile=/rom/efi-e1000e.rom,rombar=1 \
  -set device.hostdev0.x-vga=on \
  -object memory-backend-file,id=mem,size=3G,mem-path=/tmp/not-huge \
  2>&1 | tee qemu.log
