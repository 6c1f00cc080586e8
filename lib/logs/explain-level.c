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
#include <stdint.h>

#include "explain-level.h"
#include "explain-unknown-int.h"
#include "internal.h"

static inline char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
}

/*
 * @s at @i starts with @word (ASCII case ignored; @word in lower case),
 * within @len: a loop that stops at the first byte that differs, as most do
 */
static inline bool at(const char *s, size_t len, size_t i, const char *word)
{
	for (size_t k = 0; word[k]; k++)
		if (i + k >= len || lower(s[i + k]) != word[k])
			return false;
	return true;
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

enum mark { NO_MARK, MARK_INFO = 1, MARK_LOGGER = 2, MARK_PYTHON = 4, MARK_PRIORITY = 8, MARK_STREAM = 16 };

/*
 * One pass over the line for the level markers, each found from a byte it
 * starts with (a search per marker cost explain half again its time on a log
 * of one program's lines): tags in brackets ("[INFO]" of many scripts and of
 * TrueNAS's middleware, Looking Glass's "[I]"), Python logging's " - INFO - "
 * (and its "INFO:name:" head, checked at the message's start afterwards),
 * libvirt's log outputs (virLogFormatString: "PID: info : ..."), dmesg -x's
 * "kern  :info  : " (facility and level padded to six), the journal's
 * priority field of its export, JSON and verbose outputs (6 info, 7 debug);
 * and the keys unknown_logger_level() reads (logrus's level=, log15's lvl=,
 * a JSON "level", klog's "I1024 " head), which decide when present.
 * The journal's priority counts only when the program chose it: journald
 * gives every line a service writes to stdout or stderr its SyslogLevel=,
 * info by default (_TRANSPORT=stdout), an error message included.
 */
static unsigned int marks(const char *s, size_t len)
{
	unsigned int m = NO_MARK;

	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '[':
			if (at(s, len, i, "[info]") || at(s, len, i, "[debug]") ||
			    (i && s[i - 1] == ' ' && i + 3 < len && memchr("ID", s[i + 1], 2) &&
			     s[i + 2] == ']' && s[i + 3] == ' '))
				m |= MARK_INFO;
			break;
		case ':':
			if (at(s, len, i, ": info : ") || at(s, len, i, ": debug : ") ||
			    at(s, len, i, ":info  :") || at(s, len, i, ":debug :"))
				m |= MARK_INFO;
			else if ((i >= 4 && s[i - 1] == 'O' && memcmp(s + i - 4, "INFO", 4) == 0) ||
				 (i >= 5 && s[i - 1] == 'G' && memcmp(s + i - 5, "DEBUG", 5) == 0))
				m |= MARK_PYTHON;
			break;
		case '-':
			if (i && s[i - 1] == ' ' && (at(s, len, i, "- info - ") || at(s, len, i, "- debug - ")))
				m |= MARK_INFO;
			break;
		case 'P': {
			size_t v = at(s, len, i, "priority=") ? i + 9 :
				   at(s, len, i, "priority\":\"") ? i + 11 : 0;

			if (v && v < len && (s[v] == '6' || s[v] == '7'))
				m |= MARK_PRIORITY;
			break;
		}
		case '_':
			if (at(s, len, i, "_transport=stdout") || at(s, len, i, "_transport\":\"stdout\""))
				m |= MARK_STREAM;
			break;
		case 'l':
			if (at(s, len, i, "level=") || at(s, len, i, "lvl=") || at(s, len, i, "level\":"))
				m |= MARK_LOGGER;
			break;
		case 'I': case 'E': case 'W': case 'F':
			/* klog's head: the level's letter, then four digits and a blank */
			if (i + 5 < len && s[i + 5] == ' ' && (!i || s[i - 1] == ' ') &&
			    s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 4] >= '0' && s[i + 4] <= '9')
				m |= MARK_LOGGER;
			break;
		default:
			break;
		}
	}
	if ((m & MARK_PRIORITY) && !(m & MARK_STREAM))
		m |= MARK_INFO;
	return m;
}

/*
 * a kernel line as dmesg or the journal prints it ("[   1.234] ...", "[] ...",
 * "... kernel: ..."): the kernel's messages carry no level word of a logger
 * (dmesg -x's head comes before the time stamp); most lines of a log are
 * these, so they are let go before the markers are looked for
 */
static bool kernel_line(const char *line, size_t len)
{
	if (len > 1 && line[0] == '[' && (line[1] == ' ' || line[1] == ']' ||
					  (line[1] >= '0' && line[1] <= '9')))
		return true;
	if (len > 64)
		len = 64;
	for (const char *k = line; (k = memchr(k, 'k', (size_t)(line + len - k))); k++)
		if (k > line && k[-1] == ' ' && (size_t)(line + len - k) >= 8 &&
		    memcmp(k, "kernel: ", 8) == 0)
			return true;
	return false;
}

bool vfd_explain_level_harmless_hints(const char *line, size_t len, uint64_t hints)
{
	enum logger_level level = NO_LOGGER;
	unsigned int m;

	if (!line || !len || kernel_line(line, len))
		return false;
	if (len > SECOND_STAGE_MAX)
		len = SECOND_STAGE_MAX;
	m = marks(line, len);
	/* the logger's own level key wins: "level=error" is never an info line */
	if (m & MARK_LOGGER)
		level = unknown_logger_level(line, len);
	if (level == NO_LOGGER && !(m & MARK_INFO) && (m & MARK_PYTHON)) {
		const char *ident, *msg;
		size_t ident_len, mlen = len;
		bool kernel;

		msg = unknown_strip_prefixes(line, &mlen, &kernel, &ident, &ident_len);
		/* the kernel's own "INFO: task ... blocked" is a report's head, no level */
		if (!kernel && (python_head(msg, mlen, "INFO:") || python_head(msg, mlen, "DEBUG:")))
			m |= MARK_INFO;
	}
	if (level != LOGGER_INFO && (level != NO_LOGGER || !(m & MARK_INFO)))
		return false;
	unknown_masks_init();
	/* a word of trouble anywhere (a quoted error inside a debug line) wants a reader */
	if (hints & unknown_masks.kind[W_TROUBLE])
		return false;
	return !(unknown_other_words(line, len) & unknown_masks.other_kind[W_TROUBLE]);
}

bool vfd_explain_level_harmless(const char *line, size_t len)
{
	return line && vfd_explain_level_harmless_hints(line, len, unknown_hints_by_search(line, len));
}

bool vfd_explain_level_match(const struct vfd_kb_entry *entry, const char *line, size_t len,
			     struct vfd_kb_match *m)
{
	if (!entry || !vfd_explain_level_harmless_hints(line, len, m->hints))
		return false;
	memset(m, 0, sizeof(*m));
	m->entry = entry;
	m->end = len;
	return true;
}
