vfio-doctor lint: qemu-one-per-line.sh (QEMU command line)

vm
  info  QEMU command line: machine q35, firmware bios, memory 2 GiB, 1 passed-through device
        id: vm.definition
  ok    0000:01:00.0: present: 8086:10d3, class 020000
        id: vm.hostdev
  ok    machine q35: PCI Express, devices keep their PCIe capability
        id: vm.machine
  ok    0000:01:00.0: bound to vfio-pci
        id: vm.hostdev-driver
  ok    IOMMU group 6 is passed whole
        id: vm.group
  ok    QEMU runs as root: CAP_IPC_LOCK lifts the memlock limit
        id: vm.memlock

5 ok, 1 info, 0 warn, 0 fail, 0 skipped
exit 0
