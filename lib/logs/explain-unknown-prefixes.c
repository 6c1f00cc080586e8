// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The prefixes that logs put before a message (timestamps, journal and
 * libvirt heads, a Go logger's fields), which the classifier of unknown lines
 * reads past to find who wrote the message (explain-unknown.c and
 * explain-unknown-signs.c).
 */
#define _GNU_SOURCE
#include <string.h>

#include "explain-unknown-int.h"

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncmp(s, prefix, n) == 0;
}

/*
 * The message after the log's own prefixes: a /dev/kmsg record head
 * "6,123,456789,-;", dmesg's "[  12.345678] " (with -T "[Mon Dec  5
 * 10:00:00 2024] "), a reply's quote marker "> ", the journal's "Mmm dd
 * hh:mm:ss host ident[pid]: ", an ISO timestamp "2024-05-01T12:00:00.1Z ",
 * libvirt's "2024-05-01 12:00:00.123+0000: 1234: error : ", a Go logger's
 * JSON or logfmt head up to its message's quote. *kernel tells
 * whether a prefix said the kernel wrote it; *ident is the journal's ident.
 */
const char *unknown_strip_prefixes(const char *s, size_t *len, bool *kernel, const char **ident,
				   size_t *ident_len)
{
	const char *end = s + *len;
	bool again = true;

	*kernel = false;
	*ident = NULL;
	*ident_len = 0;
	while (again && s < end) {
		const char *p = s;

		again = false;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		/* /dev/kmsg: "level,seq,usec,flags;" */
		if (p < end && *p >= '0' && *p <= '9') {
			const char *q = p;
			int commas = 0;

			while (q < end && ((*q >= '0' && *q <= '9') || *q == ',' || *q == '-' ||
					   *q == 'c'))
				commas += *q++ == ',';
			if (q < end && *q == ';' && commas >= 2) {
				s = q + 1;
				*kernel = true;
				again = true;
				continue;
			}
		}
		/* dmesg: "[ 1.234567]" */
		if (p < end && *p == '[') {
			const char *q = p + 1;

			while (q < end && (*q == ' ' || (*q >= '0' && *q <= '9') || *q == '.'))
				q++;
			if (q < end && *q == ']' && q > p + 1) {
				s = q + 1;
				*kernel = true;
				again = true;
				continue;
			}
		}
		/* dmesg -T: "[Mon Dec  5 10:00:00 2024]" */
		if (end - p >= 10 && p[0] == '[' && p[4] == ' ' && p[8] == ' ') {
			const char *q = p + 9;

			while (q < end && (*q == ' ' || *q == ':' || (*q >= '0' && *q <= '9')))
				q++;
			if (q < end && *q == ']' && q - p >= 20) {
				s = q + 1;
				*kernel = true;
				again = true;
				continue;
			}
		}
		/*
		 * a Go logger's line (log-escape.h): go-kit's or logrus's JSON, logrus's or
		 * log15's logfmt; the message starts inside the quotes of its msg field
		 */
		if (p < end && (*p == '{' || starts(p, (size_t)(end - p), "time=\"") ||
				starts(p, (size_t)(end - p), "t="))) {
			const char *m = memmem(p, (size_t)(end - p), *p == '{' ? "\"msg\":\"" : " msg=\"",
					       *p == '{' ? 7 : 6);

			if (m) {
				s = m + (*p == '{' ? 7 : 6);
				again = true;
				continue;
			}
		}
		/*
		 * such a line re-logged as the message of another (a KubeVirt JSON
		 * line inside a second JSON or logfmt line): its quotes escaped once,
		 * the inner message starts after its msg field's \"
		 */
		if (p < end && (starts(p, (size_t)(end - p), "{\\\"") ||
				starts(p, (size_t)(end - p), "time=\\\""))) {
			const char *m = memmem(p, (size_t)(end - p),
					       *p == '{' ? "\\\"msg\\\":\\\"" : " msg=\\\"",
					       *p == '{' ? 10 : 7);

			if (m) {
				s = m + (*p == '{' ? 10 : 7);
				again = true;
				continue;
			}
		}
		/* a reply's quote marker "> " around a pasted line */
		if (end - p >= 2 && p[0] == '>' && p[1] == ' ') {
			s = p + 2;
			again = true;
			continue;
		}
		/* an ISO date, with a time: "2024-05-01T12:00:00.123Z" or "2024-05-01 12:..." */
		if (end - p >= 19 && p[4] == '-' && p[7] == '-' && (p[10] == 'T' || p[10] == ' ') &&
		    p[13] == ':' && p[16] == ':') {
			const char *q = p + 19;

			while (q < end && *q != ' ')
				q++;
			s = q;
			again = true;
			continue;
		}
		/* libvirt's log: "1234: error : " after its timestamp */
		if (p < end && *p >= '0' && *p <= '9') {
			const char *q = p;

			while (q < end && *q >= '0' && *q <= '9')
				q++;
			if (end - q >= 2 && q[0] == ':' && q[1] == ' ') {
				s = q + 2;
				again = true;
				continue;
			}
		}
		/* syslog/journal: "Mmm dd hh:mm:ss host ident[pid]: " */
		if (end - p >= 16 && p[3] == ' ' && p[9] == ':' && p[12] == ':' &&
		    p[0] >= 'A' && p[0] <= 'Z') {
			const char *host = end - p > 16 ? memchr(p + 16, ' ', (size_t)(end - p - 16))
							 : NULL;
			const char *id, *colon;

			if (!host)
				break;
			id = host + 1;
			colon = memchr(id, ':', (size_t)(end - id));
			if (!colon || memchr(id, ' ', (size_t)(colon - id)))
				break;
			*ident = id;
			*ident_len = (size_t)(colon - id);
			if (memchr(id, '[', *ident_len))
				*ident_len = (size_t)((const char *)memchr(id, '[', *ident_len) - id);
			if (*ident_len == 6 && strncmp(id, "kernel", 6) == 0)
				*kernel = true;
			s = colon + 1;
			again = true;
			continue;
		}
		s = p;
	}
	while (s < end && *s == ' ')
		s++;
	*len = (size_t)(end - s);
	return s;
}
