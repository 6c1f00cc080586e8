vfio-doctor lint: qemu-ulimit-low.sh (QEMU command line)

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
  fail  the script sets its memlock limit to 1 MiB (ulimit -l), below the guest's 2 GiB: VFIO pins every guest page and the mapping fails
        id: vm.memlock
        fix: ulimit -l unlimited (as root), or at least the memory plus 1 GiB

4 ok, 1 info, 0 warn, 1 fail, 0 skipped
exit 2
