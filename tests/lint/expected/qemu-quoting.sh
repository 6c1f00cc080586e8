vfio-doctor lint: qemu-quoting.sh (QEMU command line)

vm
  info  QEMU command line 'odd,name': machine pc-q35-7.2, firmware efi, memory 3 GiB, 1 passed-through device
        id: vm.definition
        firmware: $OVMF/OVMF.fd
  ok    0000:01:00.0: present: 8086:10d3, class 020000
        id: vm.hostdev
  ok    machine pc-q35-7.2: PCI Express, devices keep their PCIe capability
        id: vm.machine
  ok    0000:01:00.0: bound to vfio-pci
        id: vm.hostdev-driver
  ok    0000:01:00.0: romfile /rom/efi-e1000e.rom: x86, efi x64
        id: vm.romfile
        /rom/efi-e1000e.rom: readable by root
  fail  0000:01:00.0: x-vga on a device that is not VGA-compatible: QEMU stops with "device does not support requested feature x-vga"
        id: vm.x-vga
        0000:01:00.0: class 020000 (x-vga needs 0300xx)
        fix: remove x-vga from this device
  ok    IOMMU group 6 is passed whole
        id: vm.group
  ok    QEMU runs as root: CAP_IPC_LOCK lifts the memlock limit
        id: vm.memlock

6 ok, 1 info, 0 warn, 1 fail, 0 skipped
exit 2
