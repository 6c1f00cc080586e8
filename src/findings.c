// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Findings as text (grouped by layer) and as the JSON array of check -J: the
 * one renderer of check and guest. Plain stdio, so the static guest build
 * has it too.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "findings.h"

static const char *status_color(enum vfd_status s)
{
	switch (s) {
	case VFD_OK:
		return C_GREEN;
	case VFD_WARN:
		return C_YELLOW;
	case VFD_FAIL:
		return C_RED;
	default:
		return C_DIM;
	}
}

/* columns the UTF-8 text of @n bytes takes (one a character: names, paths) */
static size_t text_width(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

/*
 * One line of the report, wrapped at @width with a hanging indent: @lead
 * starts it, @hang (spaces) each line it wraps onto. Breaks only at spaces,
 * so a command or a path stays whole (one longer than the line overflows
 * rather than breaking where a copy and paste would cut it). @width 0: the
 * line as it is, for pipes and files.
 */
void findings_print_wrapped(FILE *out, size_t width, const char *lead, size_t lead_w,
			  size_t hang, const char *on, const char *text, const char *off)
{
	size_t col = lead_w;
	bool first = true;

	fputs(lead, out);
	fputs(on, out);
	if (!width) {
		fprintf(out, "%s%s\n", text, off);
		return;
	}
	while (*text) {
		size_t len = strcspn(text, " ");
		size_t w = text_width(text, len);

		if (!first && col + 1 + w > width && col > hang) {
			fprintf(out, "%s\n%*s%s", off, (int)hang, "", on);
			col = hang;
		} else if (!first) {
			fputc(' ', out);
			col++;
		}
		fwrite(text, 1, len, out);
		col += w;
		first = false;
		text += len;
		while (*text == ' ')
			text++;
	}
	fprintf(out, "%s\n", off);
}

void findings_print_text(FILE *out, const struct vfd_report *rep, const char *const *layers,
			 size_t nlayers, const struct outopts *o)
{
	size_t counts[VFD_SKIP + 1] = { 0 };

	for (size_t l = 0; l < nlayers; l++) {
		bool header = false;

		for (size_t i = 0; i < rep->n; i++) {
			const struct vfd_finding *f = &rep->findings[i];
			bool detail = o->verbose || f->status == VFD_WARN || f->status == VFD_FAIL;

			if (strcmp(f->layer, layers[l]) != 0)
				continue;
			if (!header) {
				fprintf(out, "\n%s%s%s\n", o->color ? C_BOLD : "", layers[l],
					o->color ? C_RESET : "");
				header = true;
			}
			if ((size_t)f->status < ARRAY_LEN(counts))
				counts[f->status]++;
			{
				char lead[64], *line = NULL;

				snprintf(lead, sizeof(lead), "  %s%-4s%s  ",
					 o->color ? status_color(f->status) : "",
					 vfd_status_name(f->status), o->color ? C_RESET : "");
				if (f->device && asprintf(&line, "%s: %s", f->device, f->summary) < 0)
					line = NULL;
				findings_print_wrapped(out, o->width, lead, 8, 8, "",
					      line ? line : f->summary, "");
				free(line);
			}
			if (o->verbose)
				fprintf(out, "        %sid: %s%s\n", o->color ? C_DIM : "", f->id,
					o->color ? C_RESET : "");
			for (char **e = f->evidence; detail && e && *e; e++)
				findings_print_wrapped(out, o->width, "        ", 8, 10,
					      o->color ? C_DIM : "", *e, o->color ? C_RESET : "");
			for (char **x = f->fix; detail && x && *x; x++)
				findings_print_wrapped(out, o->width, "        fix: ", 13, 13, "", *x, "");
		}
	}
	fprintf(out, "\n%zu ok, %zu info, %zu warn, %zu fail, %zu skipped\n", counts[VFD_OK],
		counts[VFD_INFO], counts[VFD_WARN], counts[VFD_FAIL], counts[VFD_SKIP]);
}

void findings_print_json(FILE *out, const struct vfd_report *rep)
{
	fputc('[', out);
	for (size_t i = 0; i < rep->n; i++) {
		const struct vfd_finding *f = &rep->findings[i];

		fputs(i ? ",\n      {" : "\n      {", out);
		fputs("\"id\": ", out);
		json_str(out, f->id);
		fputs(", \"layer\": ", out);
		json_str(out, f->layer);
		fputs(", \"status\": ", out);
		json_str(out, vfd_status_name(f->status));
		fputs(", \"device\": ", out);
		json_str(out, f->device);
		fputs(",\n       \"summary\": ", out);
		json_str(out, f->summary);
		fputs(",\n       \"evidence\": ", out);
		json_strv(out, f->evidence);
		fputs(",\n       \"fix\": ", out);
		json_strv(out, f->fix);
		fputc('}', out);
	}
	fputs(rep->n ? "\n   ]" : "]", out);
}

int findings_exit_for(enum vfd_status worst)
{
	switch (worst) {
	case VFD_FAIL:
		return EXIT_TROUBLE;
	case VFD_WARN:
		return EXIT_WARN;
	default:
		return EXIT_CLEAN;
	}
}

int findings_exit_status(const struct vfd_report *rep)
{
	return findings_exit_for(vfd_report_worst(rep));
}

void findings_json_begin(FILE *out, int schema)
{
	fprintf(out, "{\n   \"schema\": %d", schema);
	findings_json_field(out, "version", VFD_VERSION);
}

void findings_json_field(FILE *out, const char *key, const char *value)
{
	fprintf(out, ",\n   \"%s\": ", key);
	json_str(out, value);
}

void findings_json_end(FILE *out, const struct vfd_report *rep)
{
	findings_json_field(out, "status", vfd_status_name(vfd_report_worst(rep)));
	fputs(",\n   \"findings\": ", out);
	findings_print_json(out, rep);
	fputs("\n}\n", out);
}

void findings_print_problems(FILE *out, const struct vfd_report *rep, bool color)
{
	for (size_t i = 0; i < rep->n; i++) {
		const struct vfd_finding *f = &rep->findings[i];
		const char *c = f->status == VFD_FAIL ? C_RED : f->status == VFD_WARN ? C_YELLOW : "";

		fprintf(out, "%s%-4s%s  %s\n", color ? c : "", vfd_status_name(f->status),
			color ? C_RESET : "", f->summary);
		for (char **e = f->evidence; e && *e; e++)
			fprintf(out, "        %s\n", *e);
		for (char **x = f->fix; x && *x; x++)
			fprintf(out, "        fix: %s\n", *x);
	}
}
