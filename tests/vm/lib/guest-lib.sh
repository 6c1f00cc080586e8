# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the guest side of VM scenarios (sourced by tests/vm/guest.sh, bash).
# Everything lands under $VFD_OUT, which is build/vm/out/<scenario> on the host.

VFD_TOOL=${VFD_TOOL:-build/normal/vfio-doctor}

# The kernel's own view, written to $VFD_OUT/truth/PHASE/:
#   groups.txt     "GROUP SLOT" for every /sys/kernel/iommu_groups/*/devices/* link
#   group-types.txt "GROUP TYPE" (the default domain type of each group)
#   pci.txt        "SLOT VENDOR DEVICE CLASS DRIVER GROUP" per PCI function ('-' = none)
#   class-iommu.txt "IOMMU" per /sys/class/iommu entry, then "IOMMU SLOT" per device it has
#   acpi-tables.txt, cmdline.txt, kernel.txt, modules.txt (/proc/modules),
#   dev-vfio.txt / dev-kvm.txt (ls -ln, or "absent"), dmesg.txt (the kernel log)
truth() {
    local d="$VFD_OUT/truth/$1" dev slot g v id cls drv i
    local -A group_of=() driver_of=()
    mkdir -p "$d"
    # Bash globs and read only: each fork+exec costs under TCG, and this runs per phase.
    for dev in /sys/kernel/iommu_groups/*/devices/*; do
        [ -e "$dev" ] || continue
        g=${dev#/sys/kernel/iommu_groups/}
        printf '%s %s\n' "${g%%/*}" "${dev##*/}"
    done | sort -k1,1n -k2,2 > "$d/groups.txt"
    for dev in /sys/kernel/iommu_groups/*/devices/*; do
        [ -e "$dev" ] || continue
        g=${dev#/sys/kernel/iommu_groups/}
        group_of[${dev##*/}]=${g%%/*}
    done
    for g in /sys/kernel/iommu_groups/*; do
        [ -e "$g/type" ] || continue
        read -r v < "$g/type"
        printf '%s %s\n' "${g##*/}" "$v"
    done | sort -n > "$d/group-types.txt"
    for dev in /sys/bus/pci/drivers/*/????:??:??.?; do
        [ -e "$dev" ] || continue
        drv=${dev%/*}
        driver_of[${dev##*/}]=${drv##*/}
    done
    for dev in /sys/bus/pci/devices/*; do
        slot=${dev##*/}
        read -r v < "$dev/vendor"; read -r id < "$dev/device"; read -r cls < "$dev/class"
        printf '%s %s %s %s %s %s\n' "$slot" "${v#0x}" "${id#0x}" "${cls#0x}" \
            "${driver_of[$slot]:--}" "${group_of[$slot]:--}"
    done > "$d/pci.txt"
    for i in /sys/class/iommu/*; do
        [ -e "$i" ] || continue
        echo "${i##*/}"
        for dev in "$i"/devices/*; do
            [ -e "$dev" ] && echo "${i##*/} ${dev##*/}"
        done
    done > "$d/class-iommu.txt"
    for i in /sys/firmware/acpi/tables/*; do
        [ -f "$i" ] && echo "${i##*/}"
    done > "$d/acpi-tables.txt"
    cat /proc/cmdline > "$d/cmdline.txt"
    uname -r > "$d/kernel.txt"
    cat /proc/modules > "$d/modules.txt"
    if [ -d /dev/vfio ]; then ls -ln /dev/vfio > "$d/dev-vfio.txt"; else echo absent > "$d/dev-vfio.txt"; fi
    if [ -e /dev/kvm ]; then ls -ln /dev/kvm > "$d/dev-kvm.txt"; else echo absent > "$d/dev-kvm.txt"; fi
    dmesg > "$d/dmesg.txt" 2>/dev/null || busybox dmesg > "$d/dmesg.txt" 2>/dev/null || true
}

# Run the freshly built tool, when there is one, into $VFD_OUT/tool/PHASE/:
# NAME.out, NAME.err and NAME.rc for groups -J, check -J and snapshot.
tool() {
    local d="$VFD_OUT/tool/$1"
    if [ ! -x "$VFD_TOOL" ]; then
        echo "guest: $VFD_TOOL not built, tool not run ($1)"
        return 0
    fi
    mkdir -p "$d"
    tool_run "$d" groups groups -J
    tool_run "$d" check check -J
    tool_run "$d" snapshot snapshot --output-file "$d/snapshot.tar"
}

# tool_run DIR NAME ARG...: one tool invocation with its outputs and exit status kept.
tool_run() {
    local d=$1 name=$2 rc=0
    shift 2
    "$VFD_TOOL" "$@" > "$d/$name.out" 2> "$d/$name.err" || rc=$?
    echo "$rc" > "$d/$name.rc"
    echo "guest: vfio-doctor $* -> exit $rc"
}

# First PCI function with this vendor:device (hex, no 0x), e.g. 8086:10d3.
slot_of() {
    local dev
    for dev in /sys/bus/pci/devices/*; do
        if [ "$(cat "$dev/vendor"):$(cat "$dev/device")" = "0x${1%:*}:0x${1#*:}" ]; then
            echo "${dev##*/}"
            return 0
        fi
    done
    return 1
}

# Hand one function to vfio-pci the way the handbook does it, logging each step to
# $VFD_OUT/bind.log. Returns non-zero at the first step the kernel refuses.
bind_vfio() {
    local bdf=$1 dev=/sys/bus/pci/devices/$1 log="$VFD_OUT/bind.log"
    bind_step() {
        # bind_step VALUE FILE: one sysfs write, logged with its outcome.
        if echo "$1" > "$2" 2>> "$log"; then
            echo "echo $1 > $2: ok" >> "$log"
        else
            echo "echo $1 > $2: refused" >> "$log"
            return 1
        fi
    }
    echo "bind $bdf: driver before: ${dev}/driver -> $(readlink "$dev/driver" || echo none)" >> "$log"
    bind_step vfio-pci "$dev/driver_override" || return 1
    if [ -L "$dev/driver" ]; then bind_step "$bdf" "$dev/driver/unbind" || return 1; fi
    bind_step "$bdf" /sys/bus/pci/drivers_probe || return 1
    echo "bind $bdf: driver after: $(readlink "$dev/driver" || echo none)" >> "$log"
}
