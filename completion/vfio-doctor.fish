# fish completion for vfio-doctor
# SPDX-License-Identifier: GPL-2.0-or-later
# Kept in step with --help by tests/run-docs.sh, as the bash and zsh ones.

set -l vfd_commands check groups snapshot bind unbind restore persist explain watch rom preflight qemu-args libvirt-xml vm lint guest trial

# the directory given to --sysroot on the command line so far, if any
function __vfio_doctor_sysroot
    set -l words (commandline -opc)
    set -l root
    for i in (seq (count $words))
        switch $words[$i]
            case -s --sysroot
                set -l next (math $i + 1)
                if test $next -le (count $words)
                    set root $words[$next]
                end
            case '--sysroot=*'
                set root (string replace -- --sysroot= '' $words[$i])
        end
    end
    # a ~ typed on the line is not expanded by commandline -o
    string replace -r '^~(?=/|$)' -- $HOME $root
end

# the PCI devices of the host, or of the --sysroot tree
function __vfio_doctor_devices
    set -l root (__vfio_doctor_sysroot)
    for d in $root/sys/bus/pci/devices/*
        basename $d
    end
end

# vendor:device IDs of those devices (guest --expect)
function __vfio_doctor_ids
    set -l root (__vfio_doctor_sysroot)
    for d in $root/sys/bus/pci/devices/*
        test -r $d/vendor -a -r $d/device; or continue
        echo (string replace 0x '' (cat $d/vendor)):(string replace 0x '' (cat $d/device))
    end
end

# -o LIST: complete the column after the last comma
function __vfio_doctor_columns
    set -l token (commandline -ct)
    set -l prefix (string match -r '^.*,' -- $token)
    for col in $argv
        echo $prefix$col
    end
end

function __vfio_doctor_using
    __fish_seen_subcommand_from $argv
end

complete -c vfio-doctor -f
# global options and the commands
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -s s -l sysroot -r -a '(__fish_complete_directories)' -d 'Read sys/, proc/, dev/ and etc/ below a directory'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -s V -l version -d 'Display version'
complete -c vfio-doctor -l color -x -a 'auto always never' -d 'Colour the output'
complete -c vfio-doctor -s h -l help -d 'Display help'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a check -d 'Diagnose the host layer by layer'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a groups -d 'List IOMMU groups and viability'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a snapshot -d 'Capture this host as a sysroot tarball'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a bind -d 'Give devices to vfio-pci'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a unbind -d 'Give devices back to their drivers'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a restore -d 'Give back every device bind changed'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a persist -d 'Bind devices to vfio-pci at every boot'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a explain -d 'Explain the passthrough errors in a log'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a watch -d 'Follow the kernel log'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a rom -d 'Parse or dump a PCI option ROM'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a preflight -d 'Open a device through VFIO as QEMU would'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a qemu-args -d 'QEMU -device arguments'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a libvirt-xml -d 'libvirt hostdev elements'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a vm -d 'A complete guest definition'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a lint -d 'Check a domain or QEMU command line'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a guest -d 'Run inside a VM'
complete -c vfio-doctor -n "not __fish_seen_subcommand_from $vfd_commands" -a trial -d 'Prove a passthrough in a throwaway VM'

# device arguments
complete -c vfio-doctor -n '__vfio_doctor_using check groups bind unbind restore persist preflight qemu-args libvirt-xml trial' -a '(__vfio_doctor_devices)'

# check
complete -c vfio-doctor -n '__vfio_doctor_using check' -s u -l user -x -a '(__fish_complete_users)' -d 'Also check that this user can open the nodes'
complete -c vfio-doctor -n '__vfio_doctor_using check' -l preflight -d 'Also open each device through VFIO'
complete -c vfio-doctor -n '__vfio_doctor_using check' -l format -x -a 'text json prometheus' -d 'Output format'
complete -c vfio-doctor -n '__vfio_doctor_using check' -l output-file -r -F -d 'Write json or prometheus output to a file'
complete -c vfio-doctor -n '__vfio_doctor_using check' -s o -l output -x -a '(__vfio_doctor_columns SEVERITY CHECK LAYER DEVICE MESSAGE HINT EVIDENCE)' -d 'Columns'
# groups
complete -c vfio-doctor -n '__vfio_doctor_using groups' -s o -l output -x -a '(__vfio_doctor_columns GROUP SLOT ID VENDOR DEVICE SVENDOR SDEVICE CLASS CLASSNAME VENDORNAME DEVICENAME NAME REV DRIVER OVERRIDE VIABLE BLOCKS PARENT BRIDGE RESET BOOTVGA NUMA PHYSFN)' -d 'Columns'
complete -c vfio-doctor -n '__vfio_doctor_using groups' -s P -l pairs -d 'key="value" output'
complete -c vfio-doctor -n '__vfio_doctor_using groups' -s t -l tree -d 'PCI topology with groups'
complete -c vfio-doctor -n '__vfio_doctor_using groups' -l gpu -d 'Only groups with a display controller'
complete -c vfio-doctor -n '__vfio_doctor_using groups' -l usb -d 'Only groups with a USB controller'
complete -c vfio-doctor -n '__vfio_doctor_using groups' -l net -d 'Only groups with a network controller'
complete -c vfio-doctor -n '__vfio_doctor_using groups' -l storage -d 'Only groups with a storage controller'
complete -c vfio-doctor -n '__vfio_doctor_using groups' -l audio -d 'Only groups with an audio device'
# preflight
complete -c vfio-doctor -n '__vfio_doctor_using preflight' -s u -l as-user -x -a '(__fish_complete_users)' -d 'Run the VFIO steps as this account'
complete -c vfio-doctor -n '__vfio_doctor_using preflight' -s m -l memory -x -d 'Guest RAM for the memlock check'
complete -c vfio-doctor -n '__vfio_doctor_using preflight' -l reset -d 'Also reset the device'
complete -c vfio-doctor -n '__vfio_doctor_using preflight' -s o -l output -x -a '(__vfio_doctor_columns STATUS STEP PATH CALL RETURN ERRNO RESULT MEANING FIX EVIDENCE)' -d 'Columns'
# tables: check, groups, preflight
complete -c vfio-doctor -n '__vfio_doctor_using check groups preflight' -s O -l output-all -d 'All columns'
complete -c vfio-doctor -n '__vfio_doctor_using check groups preflight' -s H -l list-columns -d 'List the available columns'
complete -c vfio-doctor -n '__vfio_doctor_using check groups preflight' -s n -l noheadings -d 'No headings'
complete -c vfio-doctor -n '__vfio_doctor_using check groups preflight' -s r -l raw -d 'Raw output'
complete -c vfio-doctor -n '__vfio_doctor_using check groups preflight explain watch rom lint guest' -s J -l json -d 'JSON output'
complete -c vfio-doctor -n '__vfio_doctor_using check preflight explain lint guest' -s v -l verbose -d 'Show all evidence'
# snapshot
complete -c vfio-doctor -n '__vfio_doctor_using snapshot' -s o -l output -r -F -d 'Write to this tarball'
complete -c vfio-doctor -n '__vfio_doctor_using snapshot' -l no-redact -d 'Copy every file as it is'
complete -c vfio-doctor -n '__vfio_doctor_using snapshot rom bind persist' -s f -l force -d 'Replace the file, or act on devices in use'
# bind, unbind, restore, persist
complete -c vfio-doctor -n '__vfio_doctor_using bind' -s g -l group -d 'Bind every device of the groups'
complete -c vfio-doctor -n '__vfio_doctor_using bind' -l allow-nonviable -d 'Bind even if the group stays non-viable'
complete -c vfio-doctor -n '__vfio_doctor_using bind unbind restore persist' -s n -l dry-run -d 'Show the plan; change nothing'
complete -c vfio-doctor -n '__vfio_doctor_using persist' -l by-id -d 'Bind by vendor:device'
complete -c vfio-doctor -n '__vfio_doctor_using persist' -s u -l undo -d 'Take the devices out again'
complete -c vfio-doctor -n '__vfio_doctor_using persist' -l iommu-pt -d 'Add iommu=pt to the kernel command line'
# explain, watch
complete -c vfio-doctor -n '__vfio_doctor_using explain' -F
complete -c vfio-doctor -n '__vfio_doctor_using explain' -l journal -d 'Kernel messages of this boot'
complete -c vfio-doctor -n '__vfio_doctor_using explain' -l dmesg -d 'The kernel log'
complete -c vfio-doctor -n '__vfio_doctor_using explain' -l no-checks -d 'Explain only'
complete -c vfio-doctor -n '__vfio_doctor_using explain' -l chopped -d 'Lines may have lost their end (less -S)'
complete -c vfio-doctor -n '__vfio_doctor_using explain' -l locale-dir -r -a '(__fish_complete_directories)' -d 'Catalogues of translated messages'
complete -c vfio-doctor -n '__vfio_doctor_using explain watch' -l kb -r -F -d 'Knowledge base file'
complete -c vfio-doctor -n '__vfio_doctor_using watch' -l since-boot -d 'First replay the log'
# rom
complete -c vfio-doctor -n '__vfio_doctor_using rom; and not __fish_seen_subcommand_from info dump' -a 'info dump'
complete -c vfio-doctor -n '__vfio_doctor_using rom; and __fish_seen_subcommand_from info dump' -F -a '(__vfio_doctor_devices)'
complete -c vfio-doctor -n '__vfio_doctor_using rom' -s d -l device -x -a '(__vfio_doctor_devices)' -d 'The device the ROM is for'
complete -c vfio-doctor -n '__vfio_doctor_using rom' -s o -l output -r -F -d 'Dump: write the ROM here'
complete -c vfio-doctor -n '__vfio_doctor_using rom' -l dry-run -d 'Dump: print the sysfs reads and writes'
# qemu-args, libvirt-xml, vm
complete -c vfio-doctor -n '__vfio_doctor_using qemu-args libvirt-xml' -s m -l machine -x -a 'q35 i440fx' -d 'Machine type'
complete -c vfio-doctor -n '__vfio_doctor_using qemu-args libvirt-xml' -s f -l firmware -x -a 'efi bios' -d 'Guest firmware'
complete -c vfio-doctor -n '__vfio_doctor_using qemu-args libvirt-xml' -l bus -x -d 'Bus of the first port or device'
complete -c vfio-doctor -n '__vfio_doctor_using qemu-args libvirt-xml' -l slot -x -d 'Guest slot of the first root port'
complete -c vfio-doctor -n '__vfio_doctor_using qemu-args libvirt-xml vm' -l romfile -r -F -d 'ROM image'
complete -c vfio-doctor -n '__vfio_doctor_using qemu-args libvirt-xml vm' -l x-vga -d 'Legacy VGA ranges'
complete -c vfio-doctor -n '__vfio_doctor_using qemu-args libvirt-xml vm lint' -s u -l user -x -a '(__fish_complete_users)' -d 'The account QEMU runs as'
complete -c vfio-doctor -n '__vfio_doctor_using vm' -l preset -x -a android -d 'Guest preset'
complete -c vfio-doctor -n '__vfio_doctor_using vm' -l gpu -x -a '(__vfio_doctor_devices)' -d 'The GPU that becomes the display'
complete -c vfio-doctor -n '__vfio_doctor_using vm' -l usb -x -a '(__vfio_doctor_devices)' -d 'A USB controller for input'
complete -c vfio-doctor -n '__vfio_doctor_using vm' -l disk -r -F -d 'Disk image'
complete -c vfio-doctor -n '__vfio_doctor_using vm' -l memory -x -d 'Guest memory'
complete -c vfio-doctor -n '__vfio_doctor_using vm' -l cpus -x -d 'Virtual CPUs'
complete -c vfio-doctor -n '__vfio_doctor_using vm' -l name -x -d 'Guest name'
complete -c vfio-doctor -n '__vfio_doctor_using vm' -l format -x -a 'qemu libvirt' -d 'Output format'
complete -c vfio-doctor -n '__vfio_doctor_using vm' -l ovmf -r -F -d 'OVMF firmware and vars template'
complete -c vfio-doctor -n '__vfio_doctor_using vm' -l vars -r -F -d 'The guest UEFI variable store'
# lint, guest
complete -c vfio-doctor -n '__vfio_doctor_using lint' -F
complete -c vfio-doctor -n '__vfio_doctor_using guest' -s e -l expect -x -a '(__vfio_doctor_ids)' -d 'The device passed, as vendor:device'
# trial
complete -c vfio-doctor -n '__vfio_doctor_using trial' -l kernel -r -F -d 'The guest kernel'
complete -c vfio-doctor -n '__vfio_doctor_using trial' -l firmware -x -a 'seabios ovmf' -d 'The guest firmware'
complete -c vfio-doctor -n '__vfio_doctor_using trial' -l timeout -x -d 'Stop the VM after this many seconds'
complete -c vfio-doctor -n '__vfio_doctor_using trial' -l twice -d 'Run the VM a second time'
complete -c vfio-doctor -n '__vfio_doctor_using trial' -l qemu -r -F -d 'The QEMU to run'
complete -c vfio-doctor -n '__vfio_doctor_using trial' -l dry-run -d 'Show the plan; change nothing'
complete -c vfio-doctor -n '__vfio_doctor_using trial' -s v -l verbose -d 'Show all evidence'
complete -c vfio-doctor -n '__vfio_doctor_using trial' -s J -l json -d 'JSON output'
