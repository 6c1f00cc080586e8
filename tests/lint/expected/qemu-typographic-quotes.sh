vfio-doctor lint: qemu-typographic-quotes.sh (QEMU command line)

vm
  info  QEMU command line 'Bob\xe2\x80\x99s-vm': machine q35, firmware efi, memory 4 GiB, 1 passed-through device
        id: vm.definition
        firmware: /usr/share/OVMF/OVMF_CODE_4M.fd
  fail  3 words carry typographic quotes, which no shell removes: QEMU reads them as part of the value ('\xe2\x80\x9c4G\xe2\x80\x9d') and refuses it; read here as if they were plain quotes
        id: vm.typography
        line 8, word 6: '\xe2\x80\x9c4G\xe2\x80\x9d' (U+201C LEFT DOUBLE QUOTATION MARK)
        line 9, word 8: 'if=pflash,format=raw,unit=0,readonly=on,file=\xe2\x80\x98/usr/share/OVMF/OVMF_CODE_4M.fd\xe2\x80\x99' (U+2018 LEFT SINGLE QUOTATION MARK)
        line 12, word 15: '\xe2\x80\x9cvfio-pci,host=0000:01:00.0,bus=rp1,addr=0x0.0\xe2\x80\x9d' (U+201C LEFT DOUBLE QUOTATION MARK)
        fix: type plain quotes, ' or " (word processors and web pages make them curly)
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
