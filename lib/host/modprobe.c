// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modprobe.d(5) files, read the way libkmod reads them: a line ending in a
 * backslash continues on the next, '#' starts a comment line, words are
 * separated by blanks. persist needs to know which modules already have a
 * softdep (two softdep lines for one module do not add up) and which IDs an
 * "options vfio-pci ids=" already names (a later ids= replaces an earlier).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "persist.h"

bool module_name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

static bool strv_has_module(char **v, const char *name)
{
	for (; v && *v; v++)
		if (module_name_eq(*v, name))
			return true;
	return false;
}

static int strv_push_dup(char ***v, const char *s, size_t n)
{
	size_t len = vfd_strv_len(*v);
	char **nv = realloc(*v, (len + 2) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[len] = strndup(s, n);
	nv[len + 1] = NULL;
	return nv[len] ? 0 : -ENOMEM;
}

void modprobe_info_clear(struct modprobe_info *info)
{
	vfd_strv_free(info->softdeps);
	vfd_strv_free(info->softdeps_vfio);
	vfd_strv_free(info->vfio_ids);
	memset(info, 0, sizeof(*info));
}

/* the words of one logical line (continuations joined), '_' for '-' in none */
static int split_line(const char *s, size_t n, char ***words)
{
	*words = NULL;
	for (size_t i = 0; i < n;) {
		size_t j;

		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\0') {
			i++;
			continue;
		}
		for (j = i; j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '\r' && s[j]; j++)
			;
		if (strv_push_dup(words, s + i, j - i) < 0)
			return -ENOMEM;
		i = j;
	}
	if (!*words)
		*words = calloc(1, sizeof(char *));
	return *words ? 0 : -ENOMEM;
}

static int take_line(char **w, struct modprobe_info *info)
{
	int r = 0;

	if (!w[0] || !w[1])
		return 0;
	if (strcmp(w[0], "softdep") == 0) {
		bool pre = false, vfio = false;

		for (char **p = w + 2; *p; p++) {
			if (strcmp(*p, "pre:") == 0)
				pre = true;
			else if (strcmp(*p, "post:") == 0)
				pre = false;
			else if (pre && module_name_eq(*p, "vfio_pci"))
				vfio = true;
		}
		if (!strv_has_module(info->softdeps, w[1]))
			r = strv_push_dup(&info->softdeps, w[1], strlen(w[1]));
		if (r == 0 && vfio && !strv_has_module(info->softdeps_vfio, w[1]))
			r = strv_push_dup(&info->softdeps_vfio, w[1], strlen(w[1]));
		return r;
	}
	if (strcmp(w[0], "options") != 0 || !module_name_eq(w[1], "vfio_pci"))
		return 0;
	for (char **p = w + 2; *p && r == 0; p++) {
		if (strncmp(*p, "ids=", 4) != 0)
			continue;
		for (const char *id = *p + 4; *id && r == 0;) {
			const char *c = strchr(id, ',');
			size_t n = c ? (size_t)(c - id) : strlen(id);
			bool seen = false;

			for (char **q = info->vfio_ids; q && *q; q++)
				seen |= strlen(*q) == n && strncmp(*q, id, n) == 0;
			if (n && !seen)
				r = strv_push_dup(&info->vfio_ids, id, n);
			id = c ? c + 1 : id + n;
		}
	}
	return r;
}

int modprobe_parse(const char *text, size_t len, struct modprobe_info *info,
		   struct vfd_parse_error *err)
{
	struct tbuf line = { 0 };
	size_t bstart = len, bend = len, pos = 0;
	int r = block_find(text, len, &bstart, &bend, err);

	if (r < 0)
		return r;
	if (r == 0)
		bstart = bend = len;
	r = 0;
	while (pos < len && r == 0) {
		const char *nl;
		size_t next, n;

		if (pos == bstart) {
			pos = bend;
			continue;
		}
		nl = memchr(text + pos, '\n', len - pos);
		next = nl ? (size_t)(nl - text) + 1 : len;
		n = (nl ? (size_t)(nl - text) : len) - pos;
		if (n && text[pos + n - 1] == '\r')
			n--;
		/* a comment line ends there, continuation or not */
		if (!line.len) {
			size_t i = 0;

			while (i < n && (text[pos + i] == ' ' || text[pos + i] == '\t'))
				i++;
			if (i < n && text[pos + i] == '#') {
				pos = next;
				continue;
			}
		}
		if (n && text[pos + n - 1] == '\\' && next < len && next != bstart) {
			tbuf_add(&line, text + pos, n - 1);
			tbuf_add(&line, " ", 1);
			pos = next;
			continue;
		}
		tbuf_add(&line, text + pos, n);
		if (line.oom) {
			r = -ENOMEM;
			break;
		}
		{
			char **w = NULL;

			r = split_line(line.p, line.len, &w);
			if (r == 0)
				r = take_line(w, info);
			vfd_strv_free(w);
		}
		line.len = 0;
		pos = next;
	}
	tbuf_clear(&line);
	return r;
}
