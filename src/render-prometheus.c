// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Render check findings for Prometheus (text exposition format 0.0.4).
 *
 * Encoding, chosen for alerting rules: every finding is one series of the
 * gauge vfio_doctor_finding whose value is 0 (ok, info, skip), 1 (warn) or
 * 2 (fail), the same scale as the exit status, so "max by (instance) (...)"
 * and "> 0" need no label matching. The exact status is a label too, to tell
 * a skipped check from a passed one; when it changes the series changes, which
 * is rare and harmless since rules should aggregate "without (status)".
 */
#include <errno.h>
#include <string.h>

#include "render-prometheus.h"

#define N_STATUS (VFD_SKIP + 1)

int prom_status_value(enum vfd_status status)
{
	switch (status) {
	case VFD_FAIL:
		return 2;
	case VFD_WARN:
		return 1;
	default:
		return 0;
	}
}

/* which status a folded series shows: the most telling one */
static int status_rank(enum vfd_status status)
{
	switch (status) {
	case VFD_FAIL:
		return 4;
	case VFD_WARN:
		return 3;
	case VFD_SKIP:
		return 2;
	case VFD_INFO:
		return 1;
	default:
		return 0;
	}
}

void prom_label_value(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '\\':
			fputs("\\\\", out);
			break;
		case '"':
			fputs("\\\"", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

static void label(FILE *out, bool first, const char *name, const char *value)
{
	fprintf(out, "%s%s=\"", first ? "" : ",", name);
	prom_label_value(out, value);
	fputc('"', out);
}

static void family(FILE *out, const char *name, const char *help)
{
	/* HELP text needs \\ and \n escaped only: the texts below have neither */
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static bool same_str(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool same_series(const struct vfd_finding *a, const struct vfd_finding *b)
{
	return same_str(a->id, b->id) && same_str(a->device, b->device);
}

int prom_render(FILE *out, const struct vfd_report *rep, const struct prom_meta *meta)
{
	size_t counts[N_STATUS] = { 0 };

	for (size_t i = 0; i < rep->n; i++)
		if ((size_t)rep->findings[i].status < N_STATUS)
			counts[rep->findings[i].status]++;

	family(out, "vfio_doctor_check_info",
	       "Version of vfio-doctor and kernel release of the last check (always 1).");
	fputs("vfio_doctor_check_info{", out);
	label(out, true, "version", meta->version);
	label(out, false, "kernel", meta->kernel);
	label(out, false, "distribution", meta->distribution);
	label(out, false, "bootloader", meta->bootloader);
	fputs("} 1\n", out);

	family(out, "vfio_doctor_status",
	       "Worst status of the last check: 0 ok, 1 warn, 2 fail (its exit status).");
	fprintf(out, "vfio_doctor_status %d\n", prom_status_value(vfd_report_worst(rep)));

	family(out, "vfio_doctor_findings",
	       "Number of findings of the last check by status.");
	for (int s = 0; s < N_STATUS; s++)
		fprintf(out, "vfio_doctor_findings{status=\"%s\"} %zu\n",
			vfd_status_name((enum vfd_status)s), counts[s]);

	family(out, "vfio_doctor_finding",
	       "One finding of the last check: 0 ok, info or skip; 1 warn; 2 fail.");
	for (size_t i = 0; i < rep->n; i++) {
		const struct vfd_finding *f = &rep->findings[i];
		const struct vfd_finding *worst = f;
		bool seen = false;

		/* the textfile collector rejects a file with a duplicate series */
		for (size_t j = 0; j < i && !seen; j++)
			seen = same_series(&rep->findings[j], f);
		if (seen)
			continue;
		for (size_t j = i + 1; j < rep->n; j++) {
			const struct vfd_finding *g = &rep->findings[j];

			if (!same_series(g, f))
				continue;
			if (status_rank(g->status) > status_rank(worst->status))
				worst = g;
		}
		fputs("vfio_doctor_finding{", out);
		label(out, true, "id", f->id);
		label(out, false, "layer", f->layer);
		label(out, false, "device", f->device);
		label(out, false, "status", vfd_status_name(worst->status));
		fprintf(out, "} %d\n", prom_status_value(worst->status));
	}
	return ferror(out) ? -EIO : 0;
}
