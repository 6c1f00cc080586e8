// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON reader: recursive descent over RFC 8259's grammar. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define MAX_DEPTH 64

struct jp {
	const char *p, *end;
	int depth;
};

static void skip_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool literal(struct jp *j, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return false;
	j->p += n;
	return true;
}

static int hex4(struct jp *j, uint32_t *out)
{
	uint32_t v = 0;

	if (j->end - j->p < 4)
		return -EBADMSG;
	for (int i = 0; i < 4; i++) {
		char c = *j->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -EBADMSG;
	}
	*out = v;
	return 0;
}

static size_t utf8(uint32_t cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* at the opening quote; the unescaped text is never longer than the escaped */
static int string(struct jp *j, char **out)
{
	const char *start = ++j->p;
	char *s, *o;

	while (j->p < j->end && *j->p != '"')
		j->p += *j->p == '\\' ? 2 : 1;
	if (j->p >= j->end)
		return -EBADMSG;
	s = malloc((size_t)(j->p - start) + 1);
	if (!s)
		return -ENOMEM;
	o = s;
	for (j->p = start; *j->p != '"';) {
		unsigned char c = (unsigned char)*j->p++;
		uint32_t cp, lo;

		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			*o++ = (char)c;
			continue;
		}
		switch (*j->p++) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (hex4(j, &cp) < 0)
				goto bad;
			/* a surrogate pair is 12 escaped bytes for 4 of UTF-8 */
			if (cp >= 0xd800 && cp < 0xdc00 && j->end - j->p >= 6 && j->p[0] == '\\' &&
			    j->p[1] == 'u') {
				j->p += 2;
				if (hex4(j, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
					goto bad;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xd800 && cp < 0xe000) {
				goto bad;
			}
			/* \u0000 would cut the C string: refused */
			if (cp == 0)
				goto bad;
			o += utf8(cp, o);
			break;
		default:
			goto bad;
		}
	}
	j->p++;
	*o = '\0';
	*out = s;
	return 0;
bad:
	free(s);
	return -EBADMSG;
}

static int value(struct jp *j, struct vfd_json *v);

static int push(struct vfd_json *v, char *key)
{
	struct vfd_json *ni = realloc(v->items, (v->n + 1) * sizeof(*ni));

	if (!ni)
		return -ENOMEM;
	v->items = ni;
	memset(&v->items[v->n], 0, sizeof(*ni));
	if (v->type == VFD_JSON_OBJECT) {
		char **nk = realloc(v->keys, (v->n + 1) * sizeof(*nk));

		if (!nk)
			return -ENOMEM;
		v->keys = nk;
		v->keys[v->n] = key;
	}
	v->n++;
	return 0;
}

static int container(struct jp *j, struct vfd_json *v, char close)
{
	int r;

	if (++j->depth > MAX_DEPTH)
		return -EBADMSG;
	j->p++;
	skip_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		char *key = NULL;

		skip_ws(j);
		if (v->type == VFD_JSON_OBJECT) {
			if (j->p >= j->end || *j->p != '"')
				return -EBADMSG;
			r = string(j, &key);
			if (r < 0)
				return r;
			skip_ws(j);
			if (j->p >= j->end || *j->p != ':') {
				free(key);
				return -EBADMSG;
			}
			j->p++;
		}
		r = push(v, key);
		if (r < 0) {
			free(key);
			return r;
		}
		r = value(j, &v->items[v->n - 1]);
		if (r < 0)
			return r;
		skip_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			j->depth--;
			return 0;
		}
		return -EBADMSG;
	}
}

static int number(struct jp *j, struct vfd_json *v)
{
	const char *s = j->p;
	char tmp[64];
	size_t n;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return -EBADMSG;
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return -EBADMSG;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return -EBADMSG;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	n = (size_t)(j->p - s);
	if (n >= sizeof(tmp))
		return -EBADMSG;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	v->type = VFD_JSON_NUMBER;
	v->number = strtod(tmp, NULL);
	return 0;
}

static int value(struct jp *j, struct vfd_json *v)
{
	skip_ws(j);
	if (j->p >= j->end)
		return -EBADMSG;
	switch (*j->p) {
	case '{':
		v->type = VFD_JSON_OBJECT;
		return container(j, v, '}');
	case '[':
		v->type = VFD_JSON_ARRAY;
		return container(j, v, ']');
	case '"':
		v->type = VFD_JSON_STRING;
		return string(j, &v->string);
	case 't':
		v->type = VFD_JSON_BOOL;
		v->boolean = true;
		return literal(j, "true") ? 0 : -EBADMSG;
	case 'f':
		v->type = VFD_JSON_BOOL;
		return literal(j, "false") ? 0 : -EBADMSG;
	case 'n':
		v->type = VFD_JSON_NULL;
		return literal(j, "null") ? 0 : -EBADMSG;
	default:
		return number(j, v);
	}
}

void vfd_json_clear(struct vfd_json *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		vfd_json_clear(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	memset(v, 0, sizeof(*v));
}

int vfd_json_parse(const char *buf, size_t len, struct vfd_json *out)
{
	struct jp j = { .p = buf, .end = buf + len };
	int r;

	memset(out, 0, sizeof(*out));
	if (!buf)
		return -EBADMSG;
	r = value(&j, out);
	if (r == 0) {
		skip_ws(&j);
		if (j.p != j.end)
			r = -EBADMSG;
	}
	if (r < 0)
		vfd_json_clear(out);
	return r;
}

const struct vfd_json *vfd_json_get(const struct vfd_json *obj, const char *key)
{
	if (!obj || obj->type != VFD_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (obj->keys[i] && strcmp(obj->keys[i], key) == 0)
			return &obj->items[i];
	return NULL;
}

const char *vfd_json_get_str(const struct vfd_json *obj, const char *key)
{
	const struct vfd_json *v = vfd_json_get(obj, key);

	return v && v->type == VFD_JSON_STRING ? v->string : NULL;
}
