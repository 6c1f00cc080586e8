/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFD_HEAP_HINT_H
#define VFD_HEAP_HINT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * heap_hint_begin - the next allocations will total about @bytes and live
 * until the end: take them from one heap grown once and backed by 2 MB pages
 * where the kernel allows (transparent huge pages in "madvise" or "always"
 * mode). Below 8 MB it does nothing. heap_hint_end() puts malloc's defaults
 * back, so that later large callocs are fresh mappings again.
 */
void heap_hint_begin(size_t bytes);
void heap_hint_end(void);
/* whether the kernel gives 2 MB pages to memory advised for them (THP mode not "never") */
bool heap_huge_pages(void);

#endif
