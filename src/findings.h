/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rendering a report of findings, shared by check and guest (no libsmartcols here). */
#ifndef VFD_FINDINGS_H
#define VFD_FINDINGS_H

#include <stdio.h>

#include "output.h"
#include "vfd.h"

/*
 * The text report: a section per layer in the order of @layers (findings of
 * other layers are not shown), then the line counting each status. Evidence
 * and fixes of warnings and failures always, of the rest with o->verbose.
 */
void findings_print_text(FILE *out, const struct vfd_report *rep, const char *const *layers,
			 size_t nlayers, const struct outopts *o);
/*
 * One line wrapped at @width (0: not at all) with a hanging indent: @lead
 * (taking @lead_w columns) starts it, @hang spaces each line it wraps onto;
 * only at spaces. @on and @off (colour) go around the text of each line.
 */
void findings_print_wrapped(FILE *out, size_t width, const char *lead, size_t lead_w,
			    size_t hang, const char *on, const char *text, const char *off);
/* a plan's problems, as bind and persist list them before acting: each with its
 * evidence and fixes, status in colour when @color */
void findings_print_problems(FILE *out, const struct vfd_report *rep, bool color);
/* the findings as the JSON array check -J writes, from '[' to ']' */
void findings_print_json(FILE *out, const struct vfd_report *rep);
/*
 * A report as one JSON document: findings_json_begin() writes the opening
 * brace, the schema and the tool's version, findings_json_field() a string
 * member (null for NULL) of the command's own, findings_json_end() the status,
 * the findings and the closing brace.
 */
void findings_json_begin(FILE *out, int schema);
void findings_json_field(FILE *out, const char *key, const char *value);
void findings_json_end(FILE *out, const struct vfd_report *rep);
/*
 * The one mapping from findings to the exit status (vfio-doctor(8), EXIT STATUS):
 * EXIT_TROUBLE for a failure, EXIT_WARN for a warning, else EXIT_CLEAN.
 * findings_exit_for - of the worst status (vfd_report_worst(), vfd_preflight_worst())
 * findings_exit_status - of a report's worst finding
 */
int findings_exit_for(enum vfd_status worst);
int findings_exit_status(const struct vfd_report *rep);

#endif
