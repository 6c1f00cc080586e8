# fixture: intel-vtd-vfio+qemu-user
# a script that lowers its memlock limit below the memory: -S and -l apart
set -e
ulimit -S -l 1024
exec qemu-system-x86_64 -machine q35 -m 2G -device vfio-pci,host=01:00.0
