# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Host-side helpers for a scenario's host_check (sourced by run.sh, bash).
# run.sh calls host_check with the scenario's out dir as working directory; the guest
# left the kernel's truth in truth/PHASE/ (see lib/guest-lib.sh) and the tool's output
# in tool/PHASE/.

VM_FAILS=0
# The host's own build of the tool, for replaying the guests' snapshots.
VFD_HOST_TOOL=${VFD_HOST_TOOL:-$vm_repo/${VFD_BUILD:-build/normal}/vfio-doctor}

# expect DESCRIPTION COMMAND...: one assertion; a failure is counted and named.
expect() {
    local what=$1; shift
    if "$@"; then
        echo "pass: $what"
    else
        echo "FAIL: $what"
        VM_FAILS=$((VM_FAILS + 1))
    fi
}

# Kernel log of PHASE contains an extended regex.
log_has() { grep -Eq -- "$2" "truth/$1/dmesg.txt"; }
# The ACPI table NAME (DMAR, IVRS, VIOT) is present.
has_acpi() { grep -qx "$2" "truth/$1/acpi-tables.txt"; }
# Number of IOMMU groups the kernel made.
group_count() { awk '{ print $1 }' "truth/$1/groups.txt" | sort -u | wc -l; }
has_groups() { [ "$(group_count "$1")" -gt 0 ]; }
no_groups() { [ "$(group_count "$1")" -eq 0 ]; }
# /sys/class/iommu has an entry matching the regex.
has_class_iommu() { grep -Eq "^$2\$" "truth/$1/class-iommu.txt"; }
no_class_iommu() { ! grep -q . "truth/$1/class-iommu.txt"; }
# Slot of the first function with VENDOR:DEVICE; all such slots with slots_by_id.
slot_by_id() { slots_by_id "$@" | head -n1; }
slots_by_id() { awk -v v="${2%:*}" -v d="${2#*:}" '$2 == v && $3 == d { print $1 }' "truth/$1/pci.txt"; }
driver_of() { awk -v s="$2" '$1 == s { print $5 }' "truth/$1/pci.txt"; }
group_of() { awk -v s="$2" '$1 == s { print $6 }' "truth/$1/pci.txt"; }
is_driver() { [ "$(driver_of "$1" "$2")" = "$3" ]; }
in_a_group() { local g; g=$(group_of "$1" "$2"); [ -n "$g" ] && [ "$g" != - ]; }
same_group() { in_a_group "$1" "$2" && [ "$(group_of "$1" "$2")" = "$(group_of "$1" "$3")" ]; }
module_loaded() { grep -q "^$2 " "truth/$1/modules.txt"; }
vfio_node() { grep -Eq " $2\$" "truth/$1/dev-vfio.txt"; }
no_dev_vfio() { grep -qx absent "truth/$1/dev-vfio.txt"; }

# The kernel's truth of PHASE as JSON: one object per PCI function, sorted by slot,
# {slot, vendor, device, class, driver, group} with null for no driver / no group.
truth_json() {
    jq -R -s '
        split("\n") | map(select(length > 0) | split(" ") | {
            slot: .[0], vendor: .[1], device: .[2], class: .[3],
            driver: (if .[4] == "-" then null else .[4] end),
            group: (if .[5] == "-" then null else (.[5] | tonumber) end) })
        | sort_by(.slot)' "truth/$1/pci.txt"
}

# The tool's `groups -J` of PHASE flattened to the truth_json shape. Ids are taken from
# "vendor"/"device" or from "id": "vvvv:dddd"; "class" is null when the tool gives none.
# Children must carry their entry's group number; a child that disagrees shows both.
tool_groups_json() {
    jq '[ .iommugroups[] | .group as $g | .children[] | {
            slot,
            vendor: (.vendor // ((.id // "") | split(":")[0])),
            device: (.device // ((.id // "") | split(":")[1])),
            class: (.class // null),
            driver: (if (.driver // "") == "" then null else .driver end),
            group: (if .group == $g then $g else "child says \(.group), entry says \($g)" end) } ]
        | sort_by(.slot)' "tool/$1/groups.out"
}

# Is the tool there for PHASE? Prints why not, for the TAP log.
tool_ran() {
    [ -f "tool/$1/groups.rc" ] && return 0
    echo "note: tool not built, tool comparisons for $1 skipped"
    return 1
}

# `vfio-doctor groups -J` lists exactly the kernel's groups, slots, ids and drivers.
groups_match_truth() {
    local phase=$1 rc
    rc=$(cat "tool/$phase/groups.rc")
    # without IOMMU groups groups says why on stderr and exits 2, as check would
    if [ "$rc" != 0 ] && ! { [ "$rc" = 2 ] && no_groups "$phase" >/dev/null; }; then
        echo "  groups -J exited $rc: $(head -c 300 "tool/$phase/groups.err")"
        return 1
    fi
    truth_json "$phase" > "truth/$phase/pci.json"
    if ! tool_groups_json "$phase" > "tool/$phase/groups.flat.json" 2> "tool/$phase/groups.jq.err"; then
        echo "  groups -J is not the expected JSON shape: $(head -c 300 "tool/$phase/groups.jq.err")"
        return 1
    fi
    local want="truth/$phase/pci.json"
    if jq -e 'all(.[]; .class == null)' "tool/$phase/groups.flat.json" >/dev/null; then
        echo "  note: groups -J gives no class; classes not compared"
        jq 'map(.class = null)' "truth/$phase/pci.json" > "tool/$phase/truth.cmp.json"
        want="tool/$phase/truth.cmp.json"
    fi
    if ! diff -u "$want" "tool/$phase/groups.flat.json" > "tool/$phase/groups.diff"; then
        echo "  groups -J differs from the kernel (- kernel, + tool):"
        sed -n '3,40s/^/    /p' "tool/$phase/groups.diff"
        return 1
    fi
}

# --- the tool's findings (tool/PHASE/NAME.out holds `check -J`; NAME defaults to check)

# finding_status PHASE ID [DEVICE] [NAME]: the status of the first such finding, or "absent".
finding_status() {
    jq -r --arg id "$2" --arg dev "${3:-}" '
        [.findings[] | select(.id == $id and ($dev == "" or .device == $dev)) | .status]
        | if length == 0 then "absent" else .[0] end' "tool/$1/${4:-check}.out" 2>/dev/null ||
        echo "unreadable"
}
# finding_is PHASE ID STATUS [DEVICE] [NAME]
finding_is() {
    local got
    got=$(finding_status "$1" "$2" "${4:-}" "${5:-check}")
    [ "$got" = "$3" ] && return 0
    echo "  finding $2${4:+ ($4)} is '$got', expected '$3'"
    return 1
}
# finding_says PHASE ID FIELD REGEX [NAME]: a string of .FIELD (summary, evidence, fix)
# of finding ID matches the extended regex.
finding_says() {
    jq -e --arg id "$2" --arg f "$3" --arg re "$4" '
        [.findings[] | select(.id == $id) | .[$f] | if type == "array" then .[] else . end
         | select(test($re))] | length > 0' "tool/$1/${5:-check}.out" >/dev/null && return 0
    echo "  no $3 of $2 matches /$4/; it has:"
    jq -r --arg id "$2" --arg f "$3" '.findings[] | select(.id == $id) | .[$f]
        | if type == "array" then .[] else . end | "    " + .' "tool/$1/${5:-check}.out" 2>/dev/null
    return 1
}
# no_problems PHASE [NAME]: no warn or fail at all, and the tool exited 0.
no_problems() {
    local bad rc
    rc=$(cat "tool/$1/${2:-check}.rc")
    bad=$(jq -r '.findings[] | select(.status == "warn" or .status == "fail")
        | "    \(.status) \(.id) \(.device // ""): \(.summary)"' "tool/$1/${2:-check}.out")
    [ "$rc" = 0 ] && [ -z "$bad" ] && return 0
    echo "  exit $rc; problems:"
    echo "$bad"
    return 1
}
# exit_is PHASE NAME CODE
exit_is() { [ "$(cat "tool/$1/$2.rc")" = "$3" ] || { echo "  $2 exited $(cat "tool/$1/$2.rc")"; return 1; }; }

# replay_matches PHASE: the snapshot taken in the guest, unpacked on the host and read
# with --sysroot, gives the same `groups -J` and `check -J` as the live guest did.
replay_matches() {
    local tree rc=0 v
    tree=$(mktemp -d)
    if ! tar -xf "tool/$1/snapshot.tar" -C "$tree"; then
        echo "  snapshot.tar does not unpack"
        rm -rf "$tree"
        return 1
    fi
    for v in groups check; do
        "$VFD_HOST_TOOL" --sysroot "$tree" "$v" -J > "tool/$1/replay-$v.out" \
            2> "tool/$1/replay-$v.err" || true
        if ! diff -u "tool/$1/$v.out" "tool/$1/replay-$v.out" > "tool/$1/replay-$v.diff"; then
            echo "  replayed $v -J differs (- live guest, + replay):"
            sed -n '3,30s/^/    /p' "tool/$1/replay-$v.diff"
            rc=1
        fi
    done
    rm -rf "$tree"
    return $rc
}
