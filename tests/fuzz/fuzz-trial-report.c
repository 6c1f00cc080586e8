// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: what a trial VM sends back over its serial ports (the
 * report between markers, read as JSON) judged as the host judges it; the
 * same bytes also as a bare JSON document.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "trial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vfd_trial_dev dev = { .slot = "0000:01:00.0", .vendor = 0x8086,
						  .device = 0x10d3, .class_code = 0x020000 };
	struct vfd_trial_run run = { .started = true, .devs = &dev, .n_devs = 1 };
	struct vfd_report rep = { 0 };
	struct vfd_json v;
	const char *broken;
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (vfd_json_parse((const char *)data, size, &v) == 0)
		vfd_json_clear(&v);
	run.console = s;
	run.report = s;
	vfd_trial_judge(&run, &rep, &broken);
	vfd_report_clear(&rep);
	free(s);
	return 0;
}
