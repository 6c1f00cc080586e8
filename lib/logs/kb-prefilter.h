/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The knowledge base's prefilter: which patterns can match a line, and which
 * words of the classifier of unknown lines it holds, in one pass (kb-prefilter.c).
 */
#ifndef VFD_KB_PREFILTER_H
#define VFD_KB_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kb_prefilter;

/* a run looks at this many bytes of a line at most */
#define KB_PREFILTER_LINE_MAX	65536u

struct kb_prefilter *kb_prefilter_new(void);
void kb_prefilter_free(struct kb_prefilter *pf);
/*
 * pattern number @pattern (0, 1, 2 ... in order) requires each of @n_words
 * words (@words: each NUL-terminated, one after another, lower case, two
 * bytes or more; one of them four bytes or more); 0, -EINVAL, -ENOMEM
 */
int kb_prefilter_add_pattern(struct kb_prefilter *pf, size_t pattern, const char *words,
			     size_t n_words);
/*
 * a word of the classifier, reported as bit @bit (< 64) of the hints; @gate:
 * the classifier needs one of its gate words before it looks at the others
 * (a gate word has four bytes or more)
 */
int kb_prefilter_add_hint(struct kb_prefilter *pf, const char *word, unsigned int bit,
			  bool gate);
/* after the last add; 0, -E2BIG (too large), -ENOMEM */
int kb_prefilter_build(struct kb_prefilter *pf);
/*
 * the patterns all of whose words occur in @line, into @cands (room for
 * every pattern)
 * Returns: the number of candidates.
 */
size_t kb_prefilter_run(struct kb_prefilter *pf, const char *line, size_t len, size_t *cands);
/*
 * the classifier's words in the line of the last run, as a mask of their
 * bits (0 when the line holds none of its gate words: without one the
 * classifier finds nothing); only asked for the lines no entry matched
 */
uint64_t kb_prefilter_hints(struct kb_prefilter *pf);

/*
 * the class of byte @c by which the prefilter compares words: ASCII case
 * ignored, all digits alike, all bytes but letters, digits and " -_:./()[]=,"
 * alike (explain-unknown-words.c searches the classifier's words the same way)
 */
unsigned char kb_prefilter_byte_class(unsigned char c);

#endif
