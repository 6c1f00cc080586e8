/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Harmless by level: a line its own program logged at info or debug level. */
#ifndef VFD_EXPLAIN_LEVEL_H
#define VFD_EXPLAIN_LEVEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfd-kb.h"

/* the knowledge base's entry explain reports for such a line */
#define VFD_EXPLAIN_LEVEL_ENTRY "tools.harmless-by-level"

/*
 * vfd_explain_level_harmless_hints - does @line carry its program's info or
 * debug level (logrus, log15, a JSON logger, klog/glog, Python logging,
 * [INFO], libvirt, dmesg -x, the journal's PRIORITY) and no word of trouble?
 * @hints: the classifier's words the knowledge base's prefilter found in it
 * (vfd_kb_match()), whose trouble bit is read. For a line no entry matched
 * and the unknown-line classifier did not keep.
 */
bool vfd_explain_level_harmless_hints(const char *line, size_t len, uint64_t hints);
/* the same, its words found by a plain search: slower, for the tests */
bool vfd_explain_level_harmless(const char *line, size_t len);

/*
 * vfd_explain_level_match - @m (a vfd_kb_match() that found no entry, its
 * hints set) made a match of @entry (tools.harmless-by-level, NULL when the
 * knowledge base lacks it) when @line is harmless by its level
 */
bool vfd_explain_level_match(const struct vfd_kb_entry *entry, const char *line, size_t len,
			     struct vfd_kb_match *m);

#endif
