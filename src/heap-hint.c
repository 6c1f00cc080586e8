// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A large knowledge base (--kb) is some 20 MB of small and large allocations
 * made once at start-up. In 4 kB pages that is about 6,500 page faults, and
 * on a virtual machine with shadow page tables each costs as much as parsing
 * a kilobyte: the five-fold base of bench/explain-speed spent half its
 * start-up in the kernel. One heap grown once and advised for huge pages
 * takes a few hundred faults instead; where transparent huge pages are off,
 * the heap is filled in one call (MADV_POPULATE_WRITE, Linux 5.14), which
 * saves the faults' round trips if not their pages (bench/RESULTS-explain.md,
 * thirtieth round). glibc only: elsewhere, or where the kernel says no,
 * nothing changes.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "heap-hint.h"

#define HUGE_PAGE ((uintptr_t)2 << 20)
/* glibc's defaults, put back by heap_hint_end() */
#define DEFAULT_THRESHOLD (128 * 1024)
/* glibc refuses a larger mmap threshold on 64-bit */
#define MAX_THRESHOLD (32 << 20)
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define THP_MODE "/sys/kernel/mm/transparent_hugepage/enabled"

static int hinted;

bool heap_huge_pages(void)
{
	char mode[64] = "";
	FILE *f = fopen(THP_MODE, "re");

	if (!f)
		return false;
	if (!fgets(mode, sizeof(mode), f))
		mode[0] = '\0';
	fclose(f);
	return mode[0] && !strstr(mode, "[never]");
}

void heap_hint_begin(size_t bytes)
{
#if defined(__GLIBC__) && defined(M_TOP_PAD) && defined(M_MMAP_THRESHOLD) && defined(MADV_HUGEPAGE)
	uintptr_t lo, hi;
	void *probe;

	if (bytes < 4 * HUGE_PAGE || bytes > (size_t)1 << 30 || hinted)
		return;
	/* large arrays from the heap too, which then grows by @bytes at once */
	mallopt(M_MMAP_THRESHOLD, bytes < MAX_THRESHOLD ? (int)bytes : MAX_THRESHOLD);
	mallopt(M_TOP_PAD, (int)bytes);
	hinted = 1;
	/* larger than what is left of the first heap: it grows by @bytes now */
	probe = malloc(HUGE_PAGE);
	if (!probe)
		return;
	lo = ((uintptr_t)probe + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	hi = (uintptr_t)sbrk(0) & ~(HUGE_PAGE - 1);
	/* a heap that is not brk's (brk refused, glibc fell back to mmap): no advice */
	if (hi > lo && hi - lo <= bytes + HUGE_PAGE) {
		if (heap_huge_pages())
			(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
		else	/* the first three quarters: what a base takes, not the slack */
			(void)madvise((void *)lo, (hi - lo) / 4 * 3 & ~(HUGE_PAGE - 1),
				      MADV_POPULATE_WRITE);
	}
	free(probe);
#else
	(void)bytes;
#endif
}

void heap_hint_end(void)
{
#if defined(__GLIBC__) && defined(M_TOP_PAD) && defined(M_MMAP_THRESHOLD)
	if (!hinted)
		return;
	/* a calloc from a padded heap is cleared by hand: mappings are zero already */
	mallopt(M_MMAP_THRESHOLD, DEFAULT_THRESHOLD);
	mallopt(M_TOP_PAD, DEFAULT_THRESHOLD);
	hinted = 0;
#endif
}
