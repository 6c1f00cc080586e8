/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cause inside a wrapper (kb-cause.c) and the kind of a matched line (kb-kind.c). */
#ifndef VFD_KB_CAUSE_H
#define VFD_KB_CAUSE_H

#include <stdbool.h>
#include <stddef.h>

#include "vfd-kb.h"

/*
 * kb_stage_kind - does @kind name where a failure showed rather than what
 * caused it (binding: a probe, a device open; config: a VM start, a device
 * add; guest-driver: a GPU driver's probe or init)?
 */
bool kb_stage_kind(const char *kind);

/*
 * kb_inner_cause - the kind of cause that @inner[0..inner_len) carries (an
 * errno, "not viable", "no IOMMU"), read with the device node or sysfs path
 * that the message @msg[0..len) names; NULL when it carries none that
 * settles a kind. A static string of vfd_kb_kinds. @numbers: read "-16" as
 * EBUSY too: only for the errno a stage entry captured, where the number is
 * that step's result; in the middle of a subsystem's message a number is a
 * code internal to the kernel ("Failed to initialize IOMMU Hardware
 * (error=-16)" is a resource conflict, not a device in use), while the
 * strerror text is what a syscall told a program.
 */
const char *kb_inner_cause(const char *msg, size_t len, const char *inner, size_t inner_len,
			   bool numbers);

/*
 * kb_match_kind - the kind of cause of the line @line[0..len) that @m
 * matched: a family's or a wrapper's as vfd_kb_kind_of reads it; a dedicated
 * entry's own kind, unless its kind is a stage (kb_stage_kind) and the errno
 * or the text its pattern captures carries a cause that settles the kind (lib/logs/kb-cause.c: "Device or resource
 * busy" -> device-busy, "No such file or directory" on /dev/vfio/N ->
 * binding, ...). NULL when @m matched nothing.
 */
const char *kb_match_kind(const struct vfd_kb_match *m, const char *line, size_t len);

#endif
