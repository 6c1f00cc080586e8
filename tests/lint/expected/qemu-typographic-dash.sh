vfio-doctor lint: qemu-typographic-dash.sh (QEMU command line)

vm
  info  QEMU command line: machine q35, firmware efi, memory 4 GiB, 1 passed-through device
        id: vm.definition
        firmware: /usr/share/OVMF/OVMF_CODE_4M.fd
  fail  4 options begin with a typographic dash, not '-': QEMU takes '\xe2\x80\x93machine' for a disk image and stops ("Could not open"); read here as the option meant
        id: vm.typography
        line 5, word 1: '\xe2\x80\x93machine' (U+2013 EN DASH)
        line 6, word 3: '\xe2\x88\x92m' (U+2212 MINUS SIGN)
        line 8, word 7: '\xe2\x80\x94nodefaults' (U+2014 EM DASH)
        line 10, word 12: '\xe2\x80\x93device' (U+2013 EN DASH)
        fix: type a plain '-' (word processors and web pages turn '-' and '--' into dashes)
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

5 ok, 1 info, 0 warn, 1 fail, 0 skipped
exit 2
