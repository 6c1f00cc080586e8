/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The classifier of unknown lines, as the knowledge base's prefilter sees it. */
#ifndef VFD_EXPLAIN_UNKNOWN_H
#define VFD_EXPLAIN_UNKNOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "vfd-kb.h"

/*
 * the words the classifier looks for (lower case): the knowledge base puts
 * them in its automaton and reports word i as bit vfd_unknown_word_bit(i) of
 * the hints (several words share a bit where only their kind matters)
 */
const char *const *vfd_unknown_words(size_t *n);
unsigned int vfd_unknown_word_bit(size_t i);
/* whether word @i alone can make a line relevant (so the prefilter may wait
   for one of these before it looks for the others) */
bool vfd_unknown_word_gates(size_t i);
/*
 * vfd_unknown_classify_alone - what the classifier says of @line by itself,
 * as if no entry of the knowledge base knew it: its words found by a plain
 * search instead of the knowledge base's prefilter. For the measures of the
 * safety net (tests/explain/test-safety-net.c): slower, never on a log.
 */
bool vfd_unknown_classify_alone(const char *line, size_t len, struct vfd_unknown_class *out);

#endif
