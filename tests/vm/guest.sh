#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside the VM, chrooted into the overlay of the host's root, with the repository
# as working directory (started by initramfs-init.sh). Loads the helpers and the
# scenario named by $VFD_SCENARIO and runs its guest_main, or, when it has none, takes
# the kernel's truth and runs the tool once. Results go to $VFD_OUT.
set -euo pipefail

: "${VFD_OUT:?not inside a VM scenario guest}"
: "${VFD_SCENARIO:?no scenario named on the kernel command line}"
# shellcheck source=tests/vm/lib/guest-lib.sh
. tests/vm/lib/guest-lib.sh
# shellcheck source=/dev/null
. "tests/vm/scenarios/$VFD_SCENARIO.sh"

if declare -F guest_main >/dev/null; then
    guest_main
else
    truth boot
    tool boot
fi
