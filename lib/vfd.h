/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvfd: the host model behind vfio-doctor.
 *
 * libvfd is internal to this program, as util-linux's lib/ is: a static
 * library linked into vfio-doctor, with no soname, no .pc file and no headers
 * installed, so these declarations may change with any commit. The topic
 * headers vfd-*.h hold what the CLI (src/), the tests and the tools use; what
 * only the library calls is in the internal headers of its layers
 * (lib/core/internal.h, lib/host/host-internal.h, lib/change/change-internal.h,
 * lib/vm/vm-internal.h, ...).
 *
 * Conventions (see STYLE.md): functions return 0 or a negative errno;
 * constructors return NULL and set errno; _is_/_has_ return bool; getters
 * return pointers owned by the object; the library never prints or exits.
 */
#ifndef VFD_H
#define VFD_H

#include "vfd-root.h"
#include "vfd-core.h"
#include "vfd-pci.h"
#include "vfd-host.h"
#include "vfd-findings.h"
#include "vfd-bind.h"
#include "vfd-snapshot.h"
#include "vfd-rom.h"
#include "vfd-kb.h"
#include "vfd-limits.h"
#include "vfd-preflight.h"
#include "vfd-guest.h"
#include "vfd-persist.h"

#endif
