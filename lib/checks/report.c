// SPDX-License-Identifier: GPL-2.0-or-later
/* Findings: the one result type every check produces. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *const status_names[] = {
	[VFD_OK] = "ok", [VFD_INFO] = "info", [VFD_WARN] = "warn",
	[VFD_FAIL] = "fail", [VFD_SKIP] = "skip",
};

const char *vfd_status_name(enum vfd_status status)
{
	if ((size_t)status < ARRAY_SIZE(status_names))
		return status_names[status];
	return "unknown";
}

enum vfd_status vfd_report_worst(const struct vfd_report *report)
{
	enum vfd_status worst = VFD_OK;

	for (size_t i = 0; i < report->n; i++) {
		enum vfd_status s = report->findings[i].status;

		if (s == VFD_FAIL)
			return VFD_FAIL;
		if (s == VFD_WARN)
			worst = VFD_WARN;
	}
	return worst;
}

struct vfd_finding *report_add(struct vfd_report *report, const char *id, const char *layer,
			       enum vfd_status status, const char *device, const char *fmt, ...)
{
	struct vfd_finding *f;
	char *summary = NULL;
	va_list ap;
	int r;

	if (array_reserve((void **)&report->findings, &report->cap, report->n, sizeof(*report->findings), 16) < 0)
		return NULL;
	va_start(ap, fmt);
	r = vasprintf(&summary, fmt, ap);
	va_end(ap);
	if (r < 0)
		return NULL;
	f = &report->findings[report->n];
	memset(f, 0, sizeof(*f));
	f->id = strdup(id);
	f->layer = strdup(layer);
	f->status = status;
	f->device = device ? strdup(device) : NULL;
	f->summary = summary;
	f->evidence = calloc(1, sizeof(char *));
	f->fix = calloc(1, sizeof(char *));
	if (!f->id || !f->layer || !f->evidence || !f->fix) {
		free(f->id);
		free(f->layer);
		free(f->device);
		free(f->summary);
		free(f->evidence);
		free(f->fix);
		return NULL;
	}
	report->n++;
	return f;
}

void finding_evidence(struct vfd_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	strv_vappendf(&f->evidence, fmt, ap);
	va_end(ap);
}

void finding_fix(struct vfd_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	strv_vappendf(&f->fix, fmt, ap);
	va_end(ap);
}

void finding_fix_steps(struct vfd_finding *f, char **steps)
{
	if (!steps)
		return;
	for (char **p = steps; *p; p++) {
		if (f)
			strv_append(&f->fix, *p);
		else
			free(*p);
	}
	free(steps);
}

void finding_kmsg(struct vfd_finding *f, const struct vfd_kmsg_line *line)
{
	if (line)
		finding_evidence(f, "kernel log: %s", line->text);
}

void vfd_report_clear(struct vfd_report *report)
{
	for (size_t i = 0; i < report->n; i++) {
		struct vfd_finding *f = &report->findings[i];

		free(f->id);
		free(f->layer);
		free(f->device);
		free(f->summary);
		vfd_strv_free(f->evidence);
		vfd_strv_free(f->fix);
	}
	free(report->findings);
	memset(report, 0, sizeof(*report));
}

int vfd_report_append(struct vfd_report *dst, const struct vfd_report *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct vfd_finding *s = &src->findings[i];
		struct vfd_finding *f = report_add(dst, s->id, s->layer, s->status, s->device, "%s",
						   s->summary);

		if (!f)
			return -ENOMEM;
		for (char **e = s->evidence; e && *e; e++)
			finding_evidence(f, "%s", *e);
		for (char **x = s->fix; x && *x; x++)
			finding_fix(f, "%s", *x);
	}
	return 0;
}
