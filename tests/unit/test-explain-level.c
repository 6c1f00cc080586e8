// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Harmless by level (lib/logs/explain-level.c): the level markers of the
 * loggers users paste, read as info or debug only without a word of
 * trouble; the kernel's own "INFO:" and an error level never; and explain
 * reporting tools.harmless-by-level only for a line no entry matched, so that
 * a problem entry's line keeps its reading whatever level it carries.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vfd.h"
#include "explain-level.h"

static bool harmless(const char *line)
{
	return vfd_explain_level_harmless(line, strlen(line));
}

static void markers(void **state)
{
	static const char *const info[] = {
		"time=\"2024-05-01T10:00:00Z\" level=debug msg=\"refreshing device list\"",
		"{\"component\":\"virt-handler\",\"level\":\"info\",\"msg\":\"Starting domain stats collector\"}",
		"I1024 10:00:00.123456       1 manager.go:42] Registered device plugin",
		"TrueNAS [INFO] : Authenticated",
		"[sGPUpt][INFO] Running package check.",
		"77024390 [I]            wayland.c:334  | waylandEarlyInit  | SDL_VIDEODRIVER has been set to wayland",
		"INFO:root:Binding the card",
		"2024-01-02 10:00:00,001 - hook - DEBUG - starting the hook",
		"2024-01-02 10:00:00.001+0000: 1234: info : virObjectNew:251 : OBJECT_NEW: obj=0x1",
		"2024-01-02 10:00:00.001+0000: 1234: debug : virThreadJobSet:93 : Thread 1 is now running job",
		"kern  :info  : [    1.000000] usb 1-2: new high-speed USB device number 3",
		"PRIORITY=6",
		"{\"PRIORITY\":\"7\",\"MESSAGE\":\"started the collector\"}",
		"{\"PRIORITY\":\"6\",\"_TRANSPORT\":\"syslog\",\"MESSAGE\":\"started the collector\"}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(info) / sizeof(info[0]); i++) {
		if (!harmless(info[i]))
			print_error("not harmless by level: %s\n", info[i]);
		assert_true(harmless(info[i]));
	}
}

static void not_harmless(void **state)
{
	static const char *const lines[] = {
		/* no level of the program's own */
		"usb 1-2: new high-speed USB device number 3 using xhci_hcd",
		/* a kernel line is the kernel's, whatever tag its text holds */
		"[   12.345678] TrueNAS [INFO] : Authenticated",
		"Dec 05 10:00:00 host kernel: [INFO] Authenticated",
		/* the kernel's "INFO:" is a report head, not a level */
		"May 23 23:01:07 host kernel: INFO: NMI handler (perf_event_nmi_handler) took too long to run",
		"INFO: task qemu-system-x86:123 blocked for more than 120 seconds.",
		/* an error or warning level, whatever a tag says elsewhere */
		"time=\"2024-05-01T10:00:00Z\" level=error msg=\"[INFO] bind done\"",
		"W1024 10:00:00.123456       1 manager.go:42] Registered device plugin",
		/* journald's default for a service's stdout and stderr, not the program's level */
		"{\"PRIORITY\":\"6\",\"_TRANSPORT\":\"stdout\",\"MESSAGE\":\"0000:01:00.0 stayed on nvidia; giving up\"}",
		/* info level with a word of trouble */
		"[sGPUpt][INFO] Package check could not finish.",
		"{\"level\":\"info\",\"msg\":\"device 0000:01:00.0 failed to bind\"}",
		"kern  :info  : vfio-pci 0000:01:00.0: timed out waiting for pending transaction",
		"",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (harmless(lines[i]))
			print_error("harmless by level: %s\n", lines[i]);
		assert_false(harmless(lines[i]));
	}
}

static const char *first_id(struct vfd_kb *kb, const char *line)
{
	struct vfd_explain *ex = vfd_explain_new(kb);
	static char id[128];

	assert_non_null(ex);
	assert_true(vfd_explain_feed(ex, line, strlen(line)) >= 0);
	id[0] = '\0';
	if (vfd_explain_count(ex))
		snprintf(id, sizeof(id), "%s", vfd_explain_problem(ex, 0)->entry->id);
	vfd_explain_free(ex);
	return id;
}

static void explain_reports_it(void **state)
{
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;

	(void)state;
	assert_int_equal(vfd_kb_new_builtin(&kb, &err), 0);
	assert_string_equal(first_id(kb, "[sGPUpt][INFO] Running package check."),
			    VFD_EXPLAIN_LEVEL_ENTRY);
	assert_true(vfd_kb_find(kb, VFD_EXPLAIN_LEVEL_ENTRY)->harmless);
	/* a problem entry's line keeps its entry at info level */
	assert_string_equal(first_id(kb, "[INFO] vfio-pci 0000:01:00.0: not ready 1023ms after FLR; waiting"),
			    "kernel.reset-waiting");
	/* and a line with trouble is no all-clear */
	assert_string_equal(first_id(kb, "[sGPUpt][INFO] Package check could not finish."), "");
	vfd_kb_free(kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(markers),
		cmocka_unit_test(not_harmless),
		cmocka_unit_test(explain_reports_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
