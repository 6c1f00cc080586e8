#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate tests/fixtures/*.tar.xz from the real-kernel scenarios: each
# scenario's guest runs `vfio-doctor snapshot`, and the snapshot becomes a
# fixture. Then the golden outputs are rewritten; review them with git diff.
#
#   tests/mk-fixtures.sh            boot every scenario, then convert
#   tests/mk-fixtures.sh --reuse    convert what the last tests/vm/run.sh left
#   tests/mk-fixtures.sh --host NAME  also snapshot this machine as fixture NAME
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
reuse= host=
while [ $# -gt 0 ]; do
    case $1 in
    --reuse) reuse=1 ;;
    --host) host=$2; shift ;;
    *) echo "usage: $0 [--reuse] [--host NAME]" >&2; exit 2 ;;
    esac
    shift
done

# fixture name <- scenario/phase, and what each one proves (see tests/fixtures/README)
map=(
    "intel-vtd intel/boot"
    "intel-vtd-vfio intel/bound"
    "amd-vi-cmdline-on amd/boot"
    "no-iommu noiommu/boot"
    "intel-iommu-off intel-off/boot"
    "virtio-iommu virtio/boot"
    "pci-bridge-shared bridge/boot"
    "vfio-unloaded nomods/boot"
    "gpu-audio-vfio qemu-args/bound"
)

ninja -C build/normal >/dev/null
[ -n "$reuse" ] || tests/vm/run.sh
for m in "${map[@]}"; do
    read -r name src <<<"$m"
    snap="build/vm/out/${src%/*}/tool/${src#*/}/snapshot.tar"
    [ -s "$snap" ] || { echo "mk-fixtures: $snap missing: run tests/vm/run.sh" >&2; exit 1; }
    xz -9 -c "$snap" > "tests/fixtures/$name.tar.xz.tmp"
    mv "tests/fixtures/$name.tar.xz.tmp" "tests/fixtures/$name.tar.xz"
    echo "fixture $name <- $src"
done
if [ -n "$host" ]; then
    build/normal/vfio-doctor snapshot -f --output-file "tests/fixtures/$host.tar.xz"
    echo "fixture $host <- this machine"
fi
VFD_TEST_REGENERATE=1 tests/run-fixtures.sh build/normal/vfio-doctor | grep -c '^ok' |
    xargs echo "golden outputs rewritten:"
