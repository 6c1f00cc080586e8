/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A multi-word literal search (Aho-Corasick): every word of a fixed set is
 * found in one pass over a text, ASCII case ignored. It is a prefilter:
 * bytes that vfd_ac_class_of() puts in one class are not told apart (all
 * digits are alike, and all rare punctuation), so a word may also be
 * reported where a text holds it with other digits; a word that is there is
 * never missed. Internal to libvfd; the knowledge base's prefilter
 * (kb-prefilter.c) compares words by its byte classes and keeps each gate
 * word's rarest window by its letter table, and finds the words of a line
 * without the automaton.
 */
#ifndef VFD_AC_H
#define VFD_AC_H

#include <stddef.h>
#include <stdint.h>

struct vfd_ac;

/* A new, empty word set, or NULL (ENOMEM). */
struct vfd_ac *vfd_ac_new(void);
void vfd_ac_free(struct vfd_ac *ac);
/*
 * vfd_ac_add - add a word (before vfd_ac_build)
 * @word, @len: bytes, at least one; letters are folded to lower case.
 * Returns: the word's index (0, 1, 2 ... in the order of the calls; a word
 *          added twice has two indexes, both reported), -EINVAL for an empty
 *          word or one added after the build, -E2BIG past the size limit,
 *          -ENOMEM.
 */
int vfd_ac_add(struct vfd_ac *ac, const char *word, size_t len);
/*
 * vfd_ac_build - make the automaton: a dense transition table over the
 * distinct bytes of the words, with the failure links folded in.
 * Returns: 0, -E2BIG when the table would pass its size limit, -ENOMEM.
 */
int vfd_ac_build(struct vfd_ac *ac);
/*
 * vfd_ac_gate - make word @id (four bytes or more) a gate: once an automaton
 * has gates, a scan reports words only in a text that holds four bytes of
 * some gate word (its rarest window) as they are, ASCII case aside: a hashed
 * test of every 4-byte window, cheaper than the automaton's pass, rejects
 * the other texts first. For callers that need some word of a set before
 * they care about the others.
 * Returns: 0, -EINVAL for an unknown or short word or after the build.
 */
int vfd_ac_gate(struct vfd_ac *ac, uint32_t id);
/*
 * vfd_ac_rarest_window - the 4-byte window of @word least likely in a log
 * line, by a table of how common each byte is in English and log text
 * @offset: set to where the window starts.
 * Returns: its score, lower is rarer (~0 for a word shorter than four bytes).
 */
unsigned int vfd_ac_rarest_window(const char *word, size_t len, size_t *offset);
/*
 * the byte @c stands for in the automaton: letters in lower case, '0' for
 * every digit, 1 for every byte other than a letter, a digit or one of
 * " -_:./()[]=,"; a text holds a word as far as the automaton can tell when
 * it holds the word with every byte mapped so
 */
unsigned char vfd_ac_class_of(unsigned char c);
/* number of words added */
size_t vfd_ac_count(const struct vfd_ac *ac);
/*
 * vfd_ac_scan - the words that occur in @s (ASCII case ignored)
 * @ids: set to an array of the indexes found, each once, in no particular
 *       order; owned by @ac and valid until the next scan. One scan at a
 *       time per automaton (it keeps its scratch space inside).
 * Returns: how many indexes *ids holds; 0 before the build.
 */
size_t vfd_ac_scan(struct vfd_ac *ac, const char *s, size_t len, const uint32_t **ids);

#endif
