// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the knowledge base's prefilter (lib/logs/kb-prefilter.c)
 * against the patterns themselves. Every line of the input is given to the
 * prefilter of the built-in knowledge base, then every pattern's VM runs on
 * it; a pattern that matches must be among the prefilter's candidates (the
 * prefilter may let through more, never fewer). The knowledge base is made
 * once and first given 8,192 ordinary lines, so that what is checked is the
 * layout a log is read with after its first lines (kb-prefilter.c sample();
 * tests/unit/test-kb.c checks the one before).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb-internal.h"
#include "kb-prefilter.h"

#define LINE_MAX_FUZZ	512	/* every pattern runs on each line: keep them short */
#define LINES_MAX_FUZZ	16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vfd_kb *kb;
static unsigned char *is_cand;

static void check_line(const char *line, size_t len)
{
	uint16_t cap[CAP_N];
	size_t n;

	n = kb_prefilter_run(kb->prefilter, line, len, kb->cands);
	memset(is_cand, 0, kb->n_patterns);
	for (size_t c = 0; c < n; c++)
		is_cand[kb->cands[c]] = 1;
	for (size_t p = 0; p < kb->n_patterns; p++) {
		kb->steps = UINT32_MAX;
		if (kb_pattern_run(kb, &kb->patterns[p], (const unsigned char *)line, len,
				   cap) == 1 && !is_cand[p]) {
			fprintf(stderr, "pattern %zu of entry '%s' matches '%.*s' but is no "
				"candidate of the prefilter\n", (size_t)kb->patterns[p].index,
				kb->entries[kb->patterns[p].entry].id, (int)len, line);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	if (!kb) {
		struct vfd_parse_error err;

		if (vfd_kb_new_builtin(&kb, &err) < 0)
			abort();
		is_cand = malloc(kb->n_patterns);
		if (!is_cand)
			abort();
		for (unsigned int i = 0; i < 8192; i++) {
			char warm[96];
			int n = snprintf(warm, sizeof(warm), "[%5u.%06u] pci 0000:%02x:00.0: "
					 "reg 0x10: [mem 0x%08x-0x%08x 64bit pref]", i / 100,
					 i * 37 % 1000000, i % 256, i << 12, (i << 12) + 0xfff);

			kb_prefilter_run(kb->prefilter, warm, (size_t)n, kb->cands);
		}
	}
	for (int n = 0; p < end && n < LINES_MAX_FUZZ; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);

		check_line(p, len < LINE_MAX_FUZZ ? len : LINE_MAX_FUZZ);
		p = nl ? nl + 1 : end;
	}
	return 0;
}
