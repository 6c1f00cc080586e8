// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The classifier's answers kept by the line's text after its time stamp
 * (explain-unknown-memo.c): a boot log repeats its lines after their stamps,
 * and vfd_unknown_classify() cost a tenth of a 50 MB one, most of it for
 * lines already classified.
 */
#ifndef VFD_EXPLAIN_UNKNOWN_MEMO_H
#define VFD_EXPLAIN_UNKNOWN_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfd-kb.h"

struct unknown_memo;

/*
 * vfd_unknown_classify(@line, @len, @hints, @out), answered from *@memo where
 * it holds the same text after the stamp with the same hints; *@memo is made
 * on first use (without memory, the classifier answers alone)
 */
bool unknown_memo_classify(struct unknown_memo **memo, const char *line, size_t len,
			   uint64_t hints, struct vfd_unknown_class *out);
void unknown_memo_free(struct unknown_memo *memo);

#endif
