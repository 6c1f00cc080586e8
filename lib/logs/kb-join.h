/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a line that a terminal or a mailer wrapped inside a word and that
 * was joined back with a blank (kb-join.c): "vfio-pci 0000:01:00.0: can't
 * change power st ate from D3cold to D0".
 */
#ifndef VFD_KB_JOIN_H
#define VFD_KB_JOIN_H

#include <stddef.h>

#include "vfd.h"
#include "vfd-kb.h"

/* longer lines, and blanks past this many, are not tried */
#define KB_JOIN_LINE_MAX	1024
#define KB_JOIN_TRIES_MAX	64
/*
 * nor blanks before this column: no terminal or mail is narrower, so no wrap
 * falls there (a wrap in the first 40 bytes of a line was never seen in
 * the development set's threads either)
 */
#define KB_JOIN_COLUMN_MIN	40

/*
 * kb_match_joined - a line that vfd_kb_match() read as @whole (1 with @m, 0
 * none, or its error), with each single blank between two other bytes
 * from KB_JOIN_COLUMN_MIN on taken out in turn, the line so joined matched: the reading that ranks
 * highest, a dedicated entry or a family, higher than @whole's, whose
 * literal text holds the bytes on both sides of the join (a value there
 * could be any text: the blank may be its own), replaces @m; the joined
 * line is then in @out (room for @len bytes), m->joined set. Slow (a match
 * a blank): for the few lines the caller names. Returns the joined line's
 * length where it read it, else 0 (@m as it was; -ENOMEM in *@r where
 * matching failed).
 */
size_t kb_match_joined(struct vfd_kb *kb, const char *text, size_t len, int *r,
		       struct vfd_kb_match *m, char *out);

#endif
