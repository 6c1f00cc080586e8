#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot the real-kernel VM scenarios and report TAP.
#
#   tests/vm/run.sh [SCENARIO...]        (default: every tests/vm/scenarios/*.sh)
#
# Each scenario boots a Debian kernel under QEMU TCG with the host's root shared
# read-only, runs tests/vm/guest.sh inside, then checks on the host what the guest
# collected (build/vm/out/<scenario>/). Scenarios whose kernel can't be fetched, or all
# of them when QEMU or a static busybox is missing, are skipped, not failed.
# A scenario, tests/vm/scenarios/NAME.sh, is bash sourced on both sides and sets:
#   VM_KERNEL     6.1 or 6.12 (see fetch-kernels.sh)
#   VM_MACHINE    QEMU -machine value (default q35)
#   VM_APPEND     kernel command line additions
#   VM_MODULES    modules /init loads, in this order, dependencies first
#   VM_QEMU_ARGS  array of extra QEMU arguments (IOMMU first, then the topology)
#   guest_main    optional; runs in the guest (helpers: lib/guest-lib.sh), default
#                 "truth boot; tool boot"
#   host_check    runs on the host in build/vm/out/NAME (helpers: lib/assert.sh)
#   VM_SLOW       optional; why the scenario is too slow for every run: it runs only
#                 when named on the command line or with VFD_VM_SLOW=1, else SKIP
# Knobs: VFD_VM_TIMEOUT, VFD_VM_MEM (see boot.sh), VFD_VM_VERBOSE=1 prints every
# assertion, not only failures; VFD_VM_SLOW=1 runs the VM_SLOW scenarios too;
# VFD_VM_JOBS=N runs N scenarios at a time (default: the CPUs, at most 2).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/boot.sh source-path=SCRIPTDIR
. "$here/boot.sh"

named=
if [ $# -gt 0 ]; then
    names=("$@")
    named=1
else
    names=()
    for f in "$here"/scenarios/*.sh; do
        n=${f##*/}
        names+=("${n%.sh}")
    done
fi
for n in "${names[@]}"; do
    [ -f "$here/scenarios/$n.sh" ] || { echo "run.sh: no scenario '$n' in tests/vm/scenarios" >&2; exit 2; }
done

# Scenario settings without running anything: a subshell sources the file and prints.
# shellcheck disable=SC1090
scenario_var() { (. "$here/scenarios/$1.sh" && eval "printf '%s\n' \"\${$2}\""); }

mkdir -p "$vm_build/out"
log="$vm_build/run.log"
: > "$log"
echo "1..${#names[@]}"

skip_all=
command -v "${VFD_VM_QEMU:-qemu-system-x86_64}" >/dev/null || skip_all="qemu-system-x86_64 not installed"
if [ -z "$skip_all" ]; then
    bb=$(command -v busybox || true)
    if [ -z "$bb" ] || LC_ALL=C ldd "$bb" >/dev/null 2>&1; then skip_all="no static busybox (busybox-static)"; fi
fi
command -v jq >/dev/null || skip_all=${skip_all:-"jq not installed"}

# Fetch each kernel series once; an unfetchable one skips its scenarios.
declare -A kdir_of=() kskip=() initrd_of=()
if [ -z "$skip_all" ]; then
    for n in "${names[@]}"; do
        k=$(scenario_var "$n" VM_KERNEL)
        [ -n "${kdir_of[$k]:-}${kskip[$k]:-}" ] && continue
        if "$here/fetch-kernels.sh" "$k" >> "$log" 2>&1 && kdir_of[$k]=$(vm_kernel_dir "$k"); then
            echo "# kernel $k: $(cat "${kdir_of[$k]}/.fetched")"
            # Same module set for every scenario of a kernel, so one initramfs serves all.
            mods=()
            for f in "$here"/scenarios/*.sh; do
                n2=${f##*/}; n2=${n2%.sh}
                [ "$(scenario_var "$n2" VM_KERNEL)" = "$k" ] || continue
                # shellcheck disable=SC2207
                mods+=($(scenario_var "$n2" VM_MODULES))
            done
            if ! initrd_of[$k]=$(vm_initramfs "${kdir_of[$k]}" "${mods[@]}" 2>> "$log"); then
                kskip[$k]="initramfs for $k could not be built (see build/vm/run.log)"
                unset "kdir_of[$k]"
            fi
        else
            kskip[$k]="kernel $k could not be fetched (offline?)"
            unset "kdir_of[$k]"
        fi
    done
fi

# One scenario in a subshell (it keeps one scenario's definitions out of the
# next); its exit status and times land in build/vm/out/.NAME.result/.rc.
run_scenario() {
    local n=$1 k=$2 res="$vm_build/out/.$1.result" rc=0
    rm -f "$res" "$vm_build/out/.$n.rc"
    (
        # shellcheck disable=SC1090
        . "$here/scenarios/$n.sh"
        # shellcheck source=tests/vm/lib/assert.sh
        . "$here/lib/assert.sh"
        # For host_check: the guest kernel's unpacked package and its module tree.
        VM_KDIR=${kdir_of[$k]}
        # shellcheck disable=SC2034 # read by host_check
        VM_MODDIR=$(vm_moddir "$VM_KDIR")
        ok=1
        vm_boot "$n" "${kdir_of[$k]}" "${initrd_of[$k]}" "${VM_MACHINE:-q35}" \
            "${VM_APPEND:-}" "${VM_MODULES:-}" "${VM_QEMU_ARGS[@]}" || ok=
        printf '%s %s\n' "$VM_BOOT_S" "$VM_TOTAL_S" > "$res"
        [ -n "$ok" ] || exit 1
        cd "$vm_build/out/$n"
        host_check || VM_FAILS=$((VM_FAILS + 1))
        [ "$VM_FAILS" -eq 0 ]
    ) > "$vm_build/out/.$n.log" 2>&1 || rc=$?
    echo "$rc" > "$vm_build/out/.$n.rc"
}

# Scenarios run VFD_VM_JOBS at a time (default: the number of CPUs, at most 2):
# each VM is one TCG vCPU, so two of them keep two cores busy, and the long
# ones (package, trial) overlap the rest. The TAP lines come in order at the end.
jobs_max=${VFD_VM_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs_max" -ge 1 ] 2>/dev/null || jobs_max=1
[ -n "${VFD_VM_JOBS:-}" ] || [ "$jobs_max" -le 2 ] || jobs_max=2
declare -A skip_of=()
running=0
for n in "${names[@]}"; do
    k=$(scenario_var "$n" VM_KERNEL)
    reason=${skip_all:-${kskip[$k]:-}}
    slow=$(scenario_var "$n" 'VM_SLOW:-')
    if [ -z "$reason" ] && [ -n "$slow" ] && [ -z "$named" ] && [ "${VFD_VM_SLOW:-}" != 1 ]; then
        reason="slow: $slow (name it, or VFD_VM_SLOW=1)"
    fi
    if [ -n "$reason" ]; then
        skip_of[$n]=$reason
        continue
    fi
    if [ "$running" -ge "$jobs_max" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    run_scenario "$n" "$k" &
    running=$((running + 1))
done
wait || true

passed=0 failed=0 skipped=0 i=0
for n in "${names[@]}"; do
    i=$((i + 1))
    if [ -n "${skip_of[$n]:-}" ]; then
        echo "ok $i - $n # SKIP ${skip_of[$n]}"
        skipped=$((skipped + 1))
        continue
    fi
    res="$vm_build/out/.$n.result"
    rc=$(cat "$vm_build/out/.$n.rc" 2>/dev/null || echo 1)
    read -r boot total < "$res" 2>/dev/null || { boot=-; total=-; }
    times="boot ${boot}s, total ${total}s"
    if [ "$rc" -eq 0 ]; then
        echo "ok $i - $n # $times"
        passed=$((passed + 1))
        [ -n "${VFD_VM_VERBOSE:-}" ] && sed 's/^/# /' "$vm_build/out/.$n.log"
    else
        echo "not ok $i - $n # $times"
        failed=$((failed + 1))
        if [ -n "${VFD_VM_VERBOSE:-}" ]; then
            sed 's/^/# /' "$vm_build/out/.$n.log"
        else
            grep -v '^pass: ' "$vm_build/out/.$n.log" | sed 's/^/# /'
        fi
    fi
    cat "$vm_build/out/.$n.log" >> "$log"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
