/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A message inside a logger's quotes (log-escape.c). The Go and Python
 * programs' loggers write a message as a quoted string: JSON (KubeVirt's
 * go-kit logger, logrus's JSON formatter, the Kata agent's slog) and logfmt
 * (logrus's text formatter in Kata, Incus, LXD and Harvester; LXD's older
 * log15) escape '"' as \", '\' as \\ and a newline as \n, as Go's %q does
 * to a value inside the message. The knowledge base holds the messages'
 * own bytes: such a line is read back one level before it is matched.
 */
#ifndef VFD_LOG_ESCAPE_H
#define VFD_LOG_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "vfd-kb.h"

/*
 * @s with one level of a quoted string's escapes read back into @out (room
 * for @len bytes: it never grows), its length: \" \\ \/ \t as the character,
 * \n and \r as a newline (it ends one message and starts the next: no
 * placeholder of a pattern runs across it), \u00XX of a printable ASCII
 * character (Go's JSON writes < > & so) as it. Any other backslash is kept as it is
 * (systemd's \x2d, a Windows path's \W). *@changed: did any escape go?
 */
size_t log_unescape(const char *s, size_t len, char *out, bool *changed);

/*
 * A line holding a backslash already read as @m (@r: 1 matched, 0 not):
 * read once more with its escapes gone (log_unescape() into @out, room for
 * @len bytes), that reading kept where it is better, an entry of a higher
 * rank or one where there was none. Returns the length of @out when its
 * reading was kept (@m and @r then hold it, @out's newlines blanks then,
 * to be shown as one line), 0 when @m stands.
 */
size_t kb_match_unescaped(struct vfd_kb *kb, const char *line, size_t len, char *out,
			  struct vfd_kb_match *m, int *r);

#endif
