# fixture: intel-vtd-vfio lint-args: -u root
# a file of one option a line, without backslashes, after the command
qemu-system-x86_64
-enable-kvm
-machine q35
-m 2G
-mem-prealloc
-device vfio-pci,host=01:00.0
-no-hpet
-nographic
