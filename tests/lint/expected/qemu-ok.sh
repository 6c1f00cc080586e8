vfio-doctor lint: qemu-ok.sh (QEMU command line)

vm
  info  QEMU command line: machine q35, firmware efi, memory 4 GiB, 1 passed-through device
        id: vm.definition
        firmware: /usr/share/OVMF/OVMF_CODE_4M.fd
  ok    0000:01:00.0: present: 8086:10d3, class 020000
        id: vm.hostdev
  ok    machine q35: PCI Express, devices keep their PCIe capability
        id: vm.machine
  ok    0000:01:00.0: bound to vfio-pci
        id: vm.hostdev-driver
  ok    IOMMU group 6 is passed whole
        id: vm.group
  ok    memlock limit of nobody is unlimited, enough for 4 GiB
        id: vm.memlock
        set by etc/security/limits.d/90-vfio.conf

5 ok, 1 info, 0 warn, 0 fail, 0 skipped
exit 0
