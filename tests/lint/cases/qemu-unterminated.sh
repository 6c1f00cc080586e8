# fixture: intel-vtd-vfio
qemu-system-x86_64 -machine q35 \
  -device 'vfio-pci,host=0000:01:00.0
