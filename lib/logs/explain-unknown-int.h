// SPDX-License-Identifier: GPL-2.0-or-later
/* The classifier of unknown lines: its word tables (explain-unknown-words.c), inside libvfd */
#ifndef VFD_EXPLAIN_UNKNOWN_INT_H
#define VFD_EXPLAIN_UNKNOWN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum word_kind {
	W_THING,	/* names passthrough: relevant on its own */
	W_PROGRAM,	/* a program about devices: relevant with trouble */
	W_CONTEXT,	/* a device word: makes a QEMU/libvirt/libxl error relevant */
	W_DEVICE,	/* a program that speaks only of devices: relevant with trouble */
	W_TROUBLE,	/* something went wrong */
	W_TOOL,		/* an initramfs or module tool: its own error heads (tool_level) */
	W_WEAK,		/* a state that is as common in info lines as in errors: no trouble */
};

struct word {
	const char *text;		/* lower case */
	enum word_kind kind;
	const char *subsystem;		/* W_THING: what it names */
};

#define SECOND_STAGE_MAX 4096	/* of a line: the rest is not read for words */

/* the hints' and the second stage's bits by kind, and the few words read alone */
struct unknown_masks {
	bool ready;
	uint64_t kind[W_WEAK + 1];	/* of the hints */
	uint64_t other_kind[W_WEAK + 1];	/* of the second stage */
	uint64_t failure;		/* the trouble gates: "a PCI address next to ..." */
	uint64_t device_programs;	/* EAL, NVRM: programs that speak only of devices */
	uint64_t invalid;		/* of the hints: "invalid" (or "invalidation") */
	uint64_t not;			/* of the hints: "not " */
	uint64_t no_iommu;		/* of the second stage */
	uint64_t pci;			/* of the second stage */
	uint64_t device;		/* of the second stage: "device" */
};

extern struct unknown_masks unknown_masks;
void unknown_masks_init(void);
/* the second stage's words in @line (ASCII case ignored), as a mask */
uint64_t unknown_other_words(const char *line, size_t len);
/* the hints of @line found by a plain search, as the prefilter finds them */
uint64_t unknown_hints_by_search(const char *line, size_t len);
/* the subsystem the first thing word of @hints names, or NULL */
const char *unknown_thing_subsystem(uint64_t hints);

/* explain-unknown-prefixes.c: the message after the log's own prefixes (timestamps, journal head) */
const char *unknown_strip_prefixes(const char *s, size_t *len, bool *kernel, const char **ident,
				   size_t *ident_len);

/* explain-unknown-signs.c: the signs of a relevant line without a passthrough word */
#define VM_UNIT_SUBSYSTEM "vm unit (systemd)"
#define KERNEL_CRASH_SUBSYSTEM "kernel crash (oops)"
#define KERNEL_HANG_SUBSYSTEM "kernel hang (lockup or rcu stall)"
#define HUGEPAGES_SUBSYSTEM "hugepages (guest memory)"
enum logger_level { NO_LOGGER, LOGGER_INFO, LOGGER_WARNING, LOGGER_ERROR };
enum logger_level unknown_logger_level(const char *line, size_t len);
bool unknown_names_pci_thing(const char *s, size_t len);
/* KERNEL_CRASH_SUBSYSTEM, KERNEL_HANG_SUBSYSTEM, HUGEPAGES_SUBSYSTEM or NULL */
const char *unknown_kernel_crash(const char *line, size_t len);
bool unknown_vm_unit_failed(const char *line, size_t len);

#endif
