/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvfd: the host model behind vfio-doctor.
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
