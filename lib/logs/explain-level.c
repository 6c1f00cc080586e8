// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Harmless by level: a line that no entry of the knowledge base matched and
 * that the unknown-line classifier keeps nothing of is reported as harmless
 * (the entry tools.harmless-by-level) when its own program logged it at info
 * or debug level and it holds none of the classifier's words of trouble.
 * The level is the program's own word on the line, so an all-clear rests on
 * it; a line that any entry matches never gets here (explain.c tries this
 * last), so no problem entry is hidden. Without a marker nothing changes: a
 * bare kernel line or a tool's message carries no level of its own.
 */
#define _GNU_SOURCE
#include <string.h>
#include <strings.h>

#include "explain-level.h"
#include "explain-unknown-int.h"
#include "internal.h"

static bool has(const char *s, size_t len, const char *word)
{
	return memmem(s, len, word, strlen(word)) != NULL;
}

/* Python logging's basicConfig head "INFO:root:": the level, the logger's name, a colon */
static bool python_head(const char *msg, size_t mlen, const char *level)
{
	size_t n = strlen(level), i = n;

	if (mlen <= n || strncmp(msg, level, n) != 0)
		return false;
	while (i < mlen && msg[i] != ':' && msg[i] != ' ')
		i++;
	return i > n && i < mlen && msg[i] == ':';
}

/*
 * the level markers that do not have a key of their own in
 * unknown_logger_level(): tags in brackets ("[INFO]" of many scripts and of
 * TrueNAS's middleware, Looking Glass's "[I]"), Python logging's default
 * formats ("INFO:root:..." and "... - INFO - ..."), libvirt's log outputs
 * (virLogFormatString: "PID: LEVEL : ..."), dmesg -x's "kern  :info  : "
 * (facility and level padded to six), and the journal's priority field of
 * its export, JSON and verbose outputs (6 info, 7 debug)
 */
static bool marked_info(const char *line, size_t len)
{
	static const char *const markers[] = {
		"[INFO]", "[info]", "[Info]", "[DEBUG]", "[debug]", "[Debug]", " [I] ", " [D] ",
		" - INFO - ", " - DEBUG - ", ": info : ", ": debug : ", ":info  :", ":debug :",
		"PRIORITY=6", "PRIORITY=7", "\"PRIORITY\":\"6\"", "\"PRIORITY\":\"7\"",
	};
	const char *ident, *msg;
	size_t ident_len, mlen = len;
	bool kernel;

	for (size_t i = 0; i < ARRAY_SIZE(markers); i++)
		if (has(line, len, markers[i]))
			return true;
	msg = unknown_strip_prefixes(line, &mlen, &kernel, &ident, &ident_len);
	/* the kernel's own "INFO: task ... blocked", "INFO: NMI handler ... took too long" are no level */
	if (kernel)
		return false;
	return python_head(msg, mlen, "INFO:") || python_head(msg, mlen, "DEBUG:");
}

bool vfd_explain_level_harmless(const char *line, size_t len)
{
	enum logger_level level;

	if (!line || !len)
		return false;
	if (len > SECOND_STAGE_MAX)
		len = SECOND_STAGE_MAX;
	level = unknown_logger_level(line, len);
	/* the logger's own level key wins: "level=error" is never an info line */
	if (level != LOGGER_INFO && (level != NO_LOGGER || !marked_info(line, len)))
		return false;
	unknown_masks_init();
	/* a word of trouble anywhere (a quoted error inside a debug line) wants a reader */
	if (unknown_hints_by_search(line, len) & unknown_masks.kind[W_TROUBLE])
		return false;
	return !(unknown_other_words(line, len) & unknown_masks.other_kind[W_TROUBLE]);
}

bool vfd_explain_level_match(const struct vfd_kb_entry *entry, const char *line, size_t len,
			     struct vfd_kb_match *m)
{
	if (!entry || !vfd_explain_level_harmless(line, len))
		return false;
	memset(m, 0, sizeof(*m));
	m->entry = entry;
	m->end = len;
	return true;
}
