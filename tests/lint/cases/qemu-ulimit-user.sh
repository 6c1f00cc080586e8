# fixture: intel-vtd-vfio+qemu-user lint-args: -u libvirt-qemu
# the script raises its limit, but libvirt-qemu may only go to its hard limit (8 MiB)
ulimit -l unlimited 2>/dev/null || ulimit -l 3145728
exec qemu-system-x86_64 -machine q35 -m 2G -device vfio-pci,host=01:00.0
