/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check findings as metrics in the Prometheus text exposition format (version
 * 0.0.4), for node_exporter's textfile collector. Pure: writes to a stream.
 */
#ifndef VFD_RENDER_PROMETHEUS_H
#define VFD_RENDER_PROMETHEUS_H

#include <stdio.h>

#include "vfd.h"

/* what vfio_doctor_check_info carries; a NULL member is written as "" */
struct prom_meta {
	const char *version;
	const char *kernel;
	const char *distribution;
	const char *bootloader;
};

/*
 * The value of a status: 0 for ok, info and skip, 1 for warn, 2 for fail (the
 * scale of check's exit status, so "> 0" means something to look at).
 */
int prom_status_value(enum vfd_status status);

/*
 * Write @s as the inside of a label value: backslash, double quote and
 * newline escaped as \\, \" and \n; NULL writes nothing (an empty value).
 */
void prom_label_value(FILE *out, const char *s);

/*
 * Write @rep as the families vfio_doctor_check_info, vfio_doctor_status,
 * vfio_doctor_findings (per status) and vfio_doctor_finding (one series per
 * id and device; a repeated pair, such as iommu.cmdline-option once per
 * unknown option, is folded into one series carrying the worst status).
 * Returns 0, or -EIO when writing to @out failed.
 */
int prom_render(FILE *out, const struct vfd_report *rep, const struct prom_meta *meta);

#endif
