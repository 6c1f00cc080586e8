vfio-doctor lint: qemu-ulimit-user.sh (QEMU command line)

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
  fail  the guest's memory 2 GiB is over the memlock limit 8 MiB of libvirt-qemu: VFIO pins every guest page and the mapping fails
        id: vm.memlock
        no memlock entry for libvirt-qemu in etc/security/limits.conf or limits.d: the kernel's default applies
        limits.conf applies to PAM sessions (a login shell); a systemd service has its own LimitMEMLOCK=
        fix: echo 'libvirt-qemu - memlock unlimited' > /etc/security/limits.d/90-vfio.conf, then log in again

4 ok, 1 info, 0 warn, 1 fail, 0 skipped
exit 2
