ulimit -Hl 4194304 ; ulimit -S -l unlimited
ulimit -l 99999999999999999999
qemu-system-x86_64 -m 2G -device vfio-pci,host=01:00.0
