/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The classifier of unknown lines, as the knowledge base's prefilter sees it. */
#ifndef VFD_EXPLAIN_UNKNOWN_H
#define VFD_EXPLAIN_UNKNOWN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * the words the classifier looks for (lower case, at most 64): the knowledge
 * base puts them in its automaton and reports word i as bit i of the hints
 */
const char *const *vfd_unknown_words(size_t *n);
/* whether word @i alone can make a line relevant (so the prefilter may wait
   for one of these before it looks for the others) */
bool vfd_unknown_word_gates(size_t i);

#endif
