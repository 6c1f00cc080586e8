// SPDX-License-Identifier: GPL-2.0-or-later
/* Output helpers: column selection (lsblk -o), colour, JSON strings. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "output.h"

void warnx_(const char *fmt, ...)
{
	va_list ap;

	fputs("vfio-doctor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int column_index(const struct colinfo *table, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(table[i].name) == len && strncasecmp(table[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

int columns_select(struct outopts *o, const struct colinfo *table, size_t n,
		   const int *defaults, size_t ndefaults)
{
	const char *list = o->output ? o->output : getenv("VFD_COLUMNS");

	o->ncolumns = 0;
	if (o->output_all) {
		for (size_t i = 0; i < n && i < MAX_COLUMNS; i++)
			o->columns[o->ncolumns++] = (int)i;
		return 0;
	}
	if (!list || !*list || *list == '+') {
		for (size_t i = 0; i < ndefaults; i++)
			o->columns[o->ncolumns++] = defaults[i];
		if (list && *list == '+')
			list++;
		else
			return 0;
	}
	while (*list) {
		const char *comma = strchr(list, ',');
		size_t len = comma ? (size_t)(comma - list) : strlen(list);
		int idx = column_index(table, n, list, len);

		if (idx < 0) {
			warnx_("unknown column '%.*s' in '%s' (see --list-columns)", (int)len, list,
			       o->output ? o->output : list);
			return -1;
		}
		if (o->ncolumns >= MAX_COLUMNS) {
			warnx_("too many columns in '%s'", o->output);
			return -1;
		}
		o->columns[o->ncolumns++] = idx;
		list += len;
		if (*list == ',')
			list++;
	}
	return 0;
}

void columns_list(const struct colinfo *table, size_t n)
{
	static const char *const types[] = { "<string>", "<integer>", "<boolean>", "<array>" };

	for (size_t i = 0; i < n; i++)
		printf("%12s  %-10s %s\n", table[i].name, types[table[i].type], table[i].help);
}

bool outopts_option(struct outopts *o, int opt, const char *arg, bool *table)
{
	bool asks_table = false;

	switch (opt) {
	case 'J':
		o->json = true;
		break;
	case 'o':
		o->output = arg;
		asks_table = true;
		break;
	case 'O':
		o->output_all = true;
		asks_table = true;
		break;
	case 'n':
		o->noheadings = true;
		break;
	case 'r':
		o->raw = true;
		asks_table = true;
		break;
	case 'P':
		o->pairs = true;
		break;
	case 't':
		o->tree = true;
		break;
	default:
		return false;
	}
	if (asks_table && table)
		*table = true;
	return true;
}

bool want_color(void)
{
	const char *nc = getenv("NO_COLOR");

	if (nc && *nc)
		return false;
	return isatty(STDOUT_FILENO);
}

void json_str(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

void json_strv(FILE *out, char *const *v)
{
	fputc('[', out);
	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			fputs(", ", out);
		json_str(out, v[i]);
	}
	fputc(']', out);
}
