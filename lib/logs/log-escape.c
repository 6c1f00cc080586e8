// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a message back out of its logger's quotes. The escapes are those
 * of Go's strconv.Quote (logrus's text formatter quotes a value with %q:
 * sirupsen/logrus text_formatter.go appendValue), of encoding/json (go-kit
 * log's JSON logger, logrus's JSONFormatter: \u003c \u003e \u0026 where it
 * escapes HTML) and of serde_json (the Kata agent's slog JSON). Only one
 * level: a %q value inside a message inside a JSON line keeps its own \".
 */
#include <string.h>

#include "kb-internal.h"
#include "log-escape.h"

static int hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* the character of "\u00XX" at @s (6 bytes there), or -1: printable ASCII only */
static int unicode_ascii(const unsigned char *s, size_t left)
{
	int hi, lo;

	if (left < 6 || s[2] != '0' || s[3] != '0')
		return -1;
	hi = hex_digit(s[4]);
	lo = hex_digit(s[5]);
	if (hi < 0 || lo < 0 || hi * 16 + lo < 0x20 || hi * 16 + lo > 0x7e)
		return -1;
	return hi * 16 + lo;
}

size_t log_unescape(const char *s, size_t len, char *out, bool *changed)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0, i = 0;
	bool any = false;

	while (i < len) {
		const char *bs = memchr(s + i, '\\', len - i);
		size_t run = bs ? (size_t)(bs - (s + i)) : len - i;
		int c = -1, n = 2;

		memmove(out + o, s + i, run);
		o += run;
		i += run;
		if (i + 1 >= len) {
			if (i < len)
				out[o++] = s[i++];
			break;
		}
		switch (u[i + 1]) {
		case '"': case '\\': case '/':
			c = u[i + 1];
			break;
		/* a newline ends a message: the matcher's %any% stops there (kb-internal.h C_ANY) */
		case 'n': case 'r':
			c = '\n';
			break;
		case 't':
			c = '\t';
			break;
		case 'u':
			c = unicode_ascii(u + i, len - i);
			n = 6;
			break;
		default:
			break;
		}
		if (c < 0) {
			/* any other: the backslash kept, as systemd's "\\x2d" needs */
			out[o++] = s[i++];
			continue;
		}
		out[o++] = (char)c;
		i += (size_t)n;
		any = true;
	}
	if (changed)
		*changed = any;
	return o;
}

size_t kb_match_unescaped(struct vfd_kb *kb, const char *line, size_t len, char *out,
			  struct vfd_kb_match *m, int *r)
{
	struct vfd_kb_match um;
	bool changed;
	size_t n = log_unescape(line, len, out, &changed);
	int ur;

	if (!changed)
		return 0;
	ur = vfd_kb_match(kb, out, n, &um);
	/* the line as given where it reads as well: a Windows path's "\nv" is no newline */
	if (ur != 1 || (*r == 1 && kb_match_rank(um.entry) <= kb_match_rank(m->entry)))
		return 0;
	*m = um;
	*r = ur;
	/* read: the line is shown on one line */
	for (char *nl = memchr(out, '\n', n); nl; nl = memchr(nl, '\n', n - (size_t)(nl - out)))
		*nl = ' ';
	return n;
}
