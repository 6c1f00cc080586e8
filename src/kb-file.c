// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The knowledge base of explain and watch: the built-in one, or a file given
 * with --kb, read whole and handed to the library, which keeps the text (its
 * values are ended in place, never copied).
 *
 * A large file's start-up is mostly memory touched for the first time: on a
 * virtual machine with shadow page tables each new 4 kB page costs several
 * microseconds, paid twice for a buffer that read() fills (once for the
 * kernel's copy, once for the parser's first look). With 2 MB pages
 * (heap-hint.h) that is cheap; without them, a private mapping of the file
 * filled in one call gives the parser its own copy without the kernel's
 * copy through user memory (bench/RESULTS-explain.md, thirty-first round).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "heap-hint.h"
#include "output.h"
#include "vfd.h"

/* kb-parse.c refuses more (its KB_MAX_SIZE); read no further than that */
#define KB_FILE_MAX (16u << 20)
/* a smaller file is read: a mapping saves nothing on a few hundred pages */
#define KB_MAP_MIN (4u << 20)
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/*
 * @fd (a regular file of @size bytes) in a private writable mapping with a
 * zero byte after its text, every page already the process's own copy; NULL
 * where that cannot be had (an old kernel, a file that shrank or grew
 * meanwhile): the caller then reads it
 */
static char *map_kb_file(int fd, size_t size, size_t *map_len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t total = (size + 1 + page - 1) / page * page;
	struct stat st;
	char *map;

	/* room for the zero byte first, even where the file ends on a page boundary */
	map = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	if (mmap(map, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED)
		goto fail;
	/*
	 * every page copied now: a file cut short later cannot take a page
	 * from under the parser (SIGBUS), and one already cut short fails here
	 */
	if (madvise(map, total, MADV_POPULATE_WRITE) < 0)
		goto fail;
	if (fstat(fd, &st) < 0 || (size_t)st.st_size != size)
		goto fail;
	*map_len = total;
	return map;
fail:
	munmap(map, total);
	return NULL;
}

/*
 * whether a regular file of @size bytes is mapped: over KB_MAP_MIN where the
 * kernel gives no 2 MB pages; VFD_KB_LOAD=map or =read says it for any
 * file, to compare the two (bench/explain-speed, tests/explain/run-explain.sh)
 */
static bool want_map(size_t size)
{
	const char *how = getenv("VFD_KB_LOAD");

	if (how && strcmp(how, "map") == 0)
		return true;
	if (how && strcmp(how, "read") == 0)
		return false;
	return size > KB_MAP_MIN && !heap_huge_pages();
}

/*
 * the whole of a knowledge base file, at most KB_FILE_MAX bytes, read into a
 * buffer of its size (plus one byte, so that a file that grew while read is
 * seen), or mapped (*@map_len set; 0 for a buffer): the library takes it. The
 * heap is told first what the knowledge base will take (heap-hint.h): about
 * three times its text besides the text, measured on the five-fold base of
 * bench/explain-speed.
 */
static char *load_kb_file(const char *path, size_t *len, size_t *map_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap, n = 0;
	struct stat st;
	char *buf = NULL;

	*map_len = 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		warnx_("cannot open knowledge base '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISREG(st.st_mode) && st.st_size > KB_FILE_MAX)
		goto too_big;
	/* a pipe, a device: grow as it comes */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 1 << 16;
	if (S_ISREG(st.st_mode) && want_map(cap - 1)) {
		heap_hint_begin(3 * cap);
		buf = map_kb_file(fd, cap - 1, map_len);
		if (buf) {
			close(fd);
			*len = cap - 1;
			return buf;
		}
	} else {
		heap_hint_begin(4 * cap);
	}
	buf = malloc(cap);
	if (!buf)
		goto too_big;
	for (;;) {
		ssize_t got;

		if (n == cap) {
			char *nb;

			cap *= 2;
			nb = n > KB_FILE_MAX ? NULL : realloc(buf, cap);
			if (!nb)
				goto too_big;
			buf = nb;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			warnx_("cannot read knowledge base '%s': %s", path, strerror(errno));
			goto fail;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	*len = n;
	return buf;
too_big:
	warnx_("knowledge base '%s': larger than %u bytes", path, KB_FILE_MAX);
fail:
	free(buf);
	if (fd >= 0)
		close(fd);
	heap_hint_end();
	return NULL;
}

struct vfd_kb *cmd_load_kb(const char *path)
{
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;
	size_t len = 0, map_len = 0;
	char *buf;
	int r;

	if (!path) {
		vfd_kb_builtin_text(&len);
		heap_hint_begin(4 * len);
		r = vfd_kb_new_builtin(&kb, &err);
		heap_hint_end();
		if (r < 0)
			warnx_("built-in knowledge base is broken: line %u: %s", err.line,
			       err.message);
		return kb;
	}
	buf = load_kb_file(path, &len, &map_len);
	if (!buf)
		return NULL;
	/* the knowledge base keeps the text it was read into: no copy of its values */
	r = map_len ? vfd_kb_parse_take_mapped(buf, len, map_len, &kb, &err)
		    : vfd_kb_parse_take(buf, len, &kb, &err);
	heap_hint_end();
	if (r < 0) {
		if (err.line)
			warnx_("knowledge base '%s', line %u: %s", path, err.line, err.message);
		else
			warnx_("knowledge base '%s': %s", path,
			       err.message[0] ? err.message : strerror(-r));
	}
	return kb;
}
