// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A fast reader of the pci.ids list for the name columns.
 *
 * libpci parses the whole list into a hash of separately allocated entries on
 * its first name lookup: about 20 ms and 36,000 lines for a table that needs
 * a dozen names. This reader maps the same file and indexes it in place (no
 * copies of the names), in a few milliseconds.
 *
 * It must give exactly libpci's answers, so it accepts exactly what libpci's
 * parser accepts (lib/names-parse.c in pciutils: lines read in chunks of at
 * most 1023 bytes, one trailing blank dropped, tabs for nesting, C/S/RFU
 * blocks, no duplicate keys) and refuses the whole file otherwise; the caller
 * then lets libpci do the lookup, errors and all. A name the list lacks also
 * goes to libpci, which may find it in the udev hwdb.
 *
 * Only vendors and classes go into the hash (a few thousand entries, a table
 * that stays in cache). Devices and subsystems, nine lines in ten, are checked
 * block by block: as vendors are unique, a duplicate device can only sit in
 * its vendor's block, and a duplicate subsystem in its device's block. A
 * device's name is found by walking its vendor's block, once per device asked
 * for: a table asks for the same few devices again and again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* libpci reads lines with a 1024-byte buffer: 1023 bytes and the NUL */
#define LINE_MAX_BYTES	1023

/* 16 bytes a slot: on a virtual machine every page touched costs a fault */
struct slot {
	uint64_t ids;		/* id1, id2, id3, id4, 16 bits each */
	uint32_t meta;		/* category << 16 | name length; 0 marks an empty slot */
	uint32_t off;		/* the name's offset in the buffer */
};

/* device names already looked up: vendor << 16 | device */
#define CACHE_SIZE	64

struct cached {
	uint32_t key;
	uint32_t off;
	uint16_t len;
	bool used, found;
};

struct pciids {
	const char *buf;
	size_t size;
	struct slot *slots;
	size_t mask;		/* slots - 1, a power of two */
	struct cached cache[CACHE_SIZE];
};

/*
 * Zeroed memory with its pages mapped at once: one system call instead of a
 * page fault every 4 KiB, which is most of the cost on a virtual machine.
 */
static void *map_zeroed(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static uint64_t key(int id[4])
{
	return (uint64_t)id[0] << 48 | (uint64_t)id[1] << 32 | (uint64_t)id[2] << 16 |
	       (uint64_t)id[3];
}

static size_t hash(int cat, uint64_t k)
{
	uint64_t h = (k ^ (uint64_t)cat << 59) * 0x9e3779b97f4a7c15ull;

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return (size_t)(h ^ h >> 32);
}

static struct slot *find(const struct pciids *ids, int cat, uint64_t k)
{
	for (size_t i = hash(cat, k) & ids->mask;; i = (i + 1) & ids->mask) {
		struct slot *s = &ids->slots[i];

		/* the category is never 0, so a used slot's meta is never 0 */
		if (!s->meta || (s->ids == k && (int)(s->meta >> 16) == cat))
			return s;
	}
}

static int hexn(const char *p, int n)
{
	int v = 0;

	while (n--) {
		char c = *p++;

		if (c >= '0' && c <= '9')
			v = v << 4 | (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v << 4 | (c - 'A' + 10);
		else
			return -1;
	}
	return v;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* the IDs seen in the current vendor's (or device's) block */
struct block {
	uint32_t *v;
	size_t n, cap;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* the block is over: an ID listed twice in it is libpci's "Duplicate entry" */
static int block_end(struct block *b)
{
	int r = 0;

	if (b->n > 1) {
		qsort(b->v, b->n, sizeof(*b->v), cmp_u32);
		for (size_t i = 1; i < b->n && !r; i++)
			if (b->v[i] == b->v[i - 1])
				r = -EINVAL;
	}
	b->n = 0;
	return r;
}

static int block_add(struct block *b, uint32_t v)
{
	if (array_reserve((void **)&b->v, &b->cap, b->n, sizeof(*b->v), 64) < 0)
		return -ENOMEM;
	b->v[b->n++] = v;
	return 0;
}

/*
 * One line of @len bytes, NUL-terminated in @line (at most LINE_MAX_BYTES),
 * starting at @off in the buffer. Returns 0, or -EINVAL where libpci stops
 * with an error.
 */
static int parse_line(struct pciids *ids, char *line, size_t len, size_t off, int *cat,
		      int id[4], size_t *used, struct block *devices, struct block *subsystems)
{
	char *p = line, *end = line + len;
	int nest, r;
	struct slot *s;
	uint64_t k;

	if (end > line && blank(end[-1]))
		*--end = '\0';
	while (blank(*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	for (p = line; *p == '\t'; p++)
		;
	nest = (int)(p - line);
	if (nest < 2) {
		r = block_end(subsystems);
		if (r < 0)
			return r;
	}
	if (nest == 0) {
		r = block_end(devices);
		if (r < 0)
			return r;
	}
	if (nest == 0) {
		if (p[0] == 'C' && p[1] == ' ') {
			id[0] = hexn(p + 2, 2);
			if (id[0] < 0 || !blank(p[4]))
				return -EINVAL;
			*cat = PCIIDS_CLASS;
			p += 5;
		} else if (p[0] == 'S' && p[1] == ' ') {
			/* generic subsystems of a vendor listed before */
			id[0] = hexn(p + 2, 4);
			if (id[0] < 0 || p[6])
				return -EINVAL;
			if (!find(ids, PCIIDS_VENDOR, (uint64_t)id[0] << 48)->meta)
				return -EINVAL;
			*cat = PCIIDS_GEN_SUBSYSTEM;
			return 0;
		} else if (p[0] >= 'A' && p[0] <= 'Z' && p[1] == ' ') {
			/* a block kind reserved for later: skipped with its lines */
			*cat = PCIIDS_UNKNOWN;
			return 0;
		} else {
			id[0] = hexn(p, 4);
			if (id[0] < 0 || !blank(p[4]))
				return -EINVAL;
			*cat = PCIIDS_VENDOR;
			p += 5;
		}
		id[1] = id[2] = id[3] = 0;
	} else if (*cat == PCIIDS_UNKNOWN) {
		return 0;
	} else if (nest == 1) {
		switch (*cat) {
		case PCIIDS_VENDOR:
		case PCIIDS_DEVICE:
		case PCIIDS_SUBSYSTEM:
		case PCIIDS_GEN_SUBSYSTEM:
			id[1] = hexn(p, 4);
			if (id[1] < 0 || !blank(p[4]))
				return -EINVAL;
			p += 5;
			if (*cat != PCIIDS_GEN_SUBSYSTEM)
				*cat = PCIIDS_DEVICE;
			break;
		case PCIIDS_CLASS:
		case PCIIDS_SUBCLASS:
		case PCIIDS_PROGIF:
			id[1] = hexn(p, 2);
			if (id[1] < 0 || !blank(p[2]))
				return -EINVAL;
			p += 3;
			*cat = PCIIDS_SUBCLASS;
			break;
		default:
			return -EINVAL;
		}
		id[2] = id[3] = 0;
	} else if (nest == 2) {
		switch (*cat) {
		case PCIIDS_DEVICE:
		case PCIIDS_SUBSYSTEM:
			id[2] = hexn(p, 4);
			if (id[2] < 0 || !blank(p[4]))
				return -EINVAL;
			id[3] = hexn(p + 5, 4);
			if (id[3] < 0 || !blank(p[9]))
				return -EINVAL;
			p += 10;
			*cat = PCIIDS_SUBSYSTEM;
			break;
		case PCIIDS_CLASS:
		case PCIIDS_SUBCLASS:
		case PCIIDS_PROGIF:
			id[2] = hexn(p, 2);
			if (id[2] < 0 || !blank(p[2]))
				return -EINVAL;
			p += 3;
			*cat = PCIIDS_PROGIF;
			id[3] = 0;
			break;
		default:
			return -EINVAL;
		}
	} else {
		return -EINVAL;
	}
	while (blank(*p))
		p++;
	if (!*p)
		return -EINVAL;
	if (*cat == PCIIDS_SUBSYSTEM)
		return block_add(subsystems, (uint32_t)id[2] << 16 | (uint32_t)id[3]);
	if (*cat == PCIIDS_DEVICE)
		return block_add(devices, (uint32_t)id[1]);
	k = key(id);
	s = find(ids, *cat, k);
	if (s->meta)
		return -EINVAL;		/* a duplicate entry */
	/* keep a free slot: at most one entry a line, and more slots than lines */
	if (++*used > ids->mask)
		return -E2BIG;
	s->ids = k;
	s->meta = (uint32_t)*cat << 16 | (uint32_t)(end - p);
	s->off = (uint32_t)(off + (size_t)(p - line));
	return 0;
}

struct pciids *pciids_parse(const char *buf, size_t size)
{
	struct pciids *ids;
	size_t lines = 1, nslots = 64, used = 0, pos = 0;
	int cat = -1, id[4] = { 0, 0, 0, 0 };
	struct block devices = { NULL, 0, 0 }, subsystems = { NULL, 0, 0 };
	bool hashed = false, odd_bytes;

	/* offsets are kept in 32 bits; a gzip file is libpci's to read */
	if (size > UINT32_MAX / 2 || (size >= 2 && (uint8_t)buf[0] == 0x1f &&
				      (uint8_t)buf[1] == 0x8b)) {
		errno = EINVAL;
		return NULL;
	}
	/*
	 * Entries to hash, at most: the top-level lines, and the nested lines of
	 * class and generic subsystem blocks. Too few slots only means the list
	 * goes to libpci (E2BIG below), so a rough count will do.
	 */
	for (const char *p = buf; p < buf + size;) {
		const char *nl = memchr(p, '\n', size - (size_t)(p - buf));

		if (*p != '\t' && *p != ' ' && *p != '#' && *p != '\n' && *p != '\r') {
			hashed = (*p == 'C' || *p == 'S') && p + 1 < buf + size && p[1] == ' ';
			lines++;
		} else if (*p == '\t' && hashed) {
			lines++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	/* a load of at most 3/4: short probes, and a small table */
	while (nslots / 4 * 3 < lines)
		nslots *= 2;
	ids = calloc(1, sizeof(*ids));
	if (!ids)
		return NULL;
	ids->buf = buf;
	ids->size = size;
	ids->mask = nslots - 1;
	ids->slots = map_zeroed(nslots * sizeof(*ids->slots));
	if (!ids->slots) {
		free(ids);
		return NULL;
	}
	/* a list without carriage returns and NULs (all there are) needs no search for them */
	odd_bytes = memchr(buf, '\r', size) || memchr(buf, '\0', size);
	while (pos < size) {
		char line[LINE_MAX_BYTES + 1];
		size_t avail = size - pos, n, lend;
		const char *nl;
		bool eof;
		int r;

		/* what one fgets() of libpci returns, and whether it hit the end */
		n = avail < LINE_MAX_BYTES ? avail : LINE_MAX_BYTES;
		nl = memchr(buf + pos, '\n', n);
		if (nl) {
			n = (size_t)(nl - (buf + pos)) + 1;
			eof = false;
		} else {
			eof = avail < LINE_MAX_BYTES;
		}
		/* the line ends at the first newline, carriage return or NUL */
		lend = nl ? (size_t)(nl - (buf + pos)) : n;
		for (const char *c = buf + pos; odd_bytes && c < buf + pos + lend; c++) {
			if (*c == '\r' || *c == '\0') {
				lend = (size_t)(c - (buf + pos));
				break;
			}
		}
		if ((lend == n || buf[pos + lend] == '\0') && !eof) {
			errno = EINVAL;	/* "Line too long" */
			goto fail;
		}
		memcpy(line, buf + pos, lend);
		line[lend] = '\0';
		r = parse_line(ids, line, lend, pos, &cat, id, &used, &devices, &subsystems);
		if (r < 0) {
			errno = -r;
			goto fail;
		}
		pos += n;
	}
	if (block_end(&subsystems) < 0 || block_end(&devices) < 0) {
		errno = EINVAL;
		goto fail;
	}
	free(devices.v);
	free(subsystems.v);
	return ids;
fail:
	free(devices.v);
	free(subsystems.v);
	pciids_free(ids);
	return NULL;
}

void pciids_free(struct pciids *ids)
{
	if (!ids)
		return;
	munmap(ids->slots, (ids->mask + 1) * sizeof(*ids->slots));
	free(ids);
}

/*
 * The line at @pos, as parse_line() saw it: its text up to the first newline,
 * carriage return or NUL, one trailing blank dropped. Returns the length and
 * sets @next to the following line. The list was accepted, so every line fits.
 */
static size_t line_at(const struct pciids *ids, size_t pos, size_t *next)
{
	const char *p = ids->buf + pos, *end = ids->buf + ids->size;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t len;

	*next = nl ? (size_t)(nl - ids->buf) + 1 : ids->size;
	for (len = 0; p + len < (nl ? nl : end); len++)
		if (p[len] == '\r' || p[len] == '\0')
			break;
	if (len && blank(p[len - 1]))
		len--;
	return len;
}

/*
 * A device's name: its line in the vendor's block. Most lines are skipped on
 * their first bytes (a subsystem, another device); only the match, and a line
 * that may end the block, are looked at whole.
 */
static const char *find_device(const struct pciids *ids, const struct slot *vendor,
			       unsigned int device, size_t *len)
{
	const char *end = ids->buf + ids->size;
	size_t pos;

	/* the block starts after the vendor's line */
	line_at(ids, vendor->off, &pos);
	while (pos < ids->size) {
		const char *p = ids->buf + pos, *nl = memchr(p, '\n', (size_t)(end - p)), *q;
		size_t n;

		if (p[0] == '\t') {
			pos = nl ? (size_t)(nl - ids->buf) + 1 : ids->size;
			if (end - p < 5 || p[1] == '\t' || hexn(p + 1, 4) != (int)device)
				continue;
			n = line_at(ids, (size_t)(p - ids->buf), &pos);
			for (q = p + 5; blank(*q); q++)
				;
			*len = n - (size_t)(q - p);
			return q;
		}
		/* a blank or comment line goes on; anything else is the next top-level entry */
		n = line_at(ids, pos, &pos);
		for (q = p; q < p + n && blank(*q); q++)
			;
		if (q != p + n && *q != '#')
			return NULL;
	}
	return NULL;
}

const char *pciids_lookup(struct pciids *ids, int cat, unsigned int id1, unsigned int id2,
			  unsigned int id3, size_t *len)
{
	const struct slot *s;
	int id[4] = { (int)id1, (int)id2, (int)id3, 0 };

	if (id1 > 0xffff || id2 > 0xffff || id3 > 0xffff)
		return NULL;
	if (cat == PCIIDS_DEVICE) {
		uint32_t k = id1 << 16 | id2;
		struct cached *c = &ids->cache[(k * 0x9e3779b9u) >> 26];
		const char *name;

		if (c->used && c->key == k) {
			*len = c->len;
			return c->found ? ids->buf + c->off : NULL;
		}
		id[1] = 0;
		s = find(ids, PCIIDS_VENDOR, key(id));
		name = s->meta ? find_device(ids, s, id2, len) : NULL;
		c->used = true;
		c->key = k;
		c->found = name != NULL;
		c->off = name ? (uint32_t)(name - ids->buf) : 0;
		c->len = name ? (uint16_t)*len : 0;
		return name;
	}
	s = find(ids, cat, key(id));
	if (!s->meta)
		return NULL;
	*len = s->meta & 0xffff;
	return ids->buf + s->off;
}

/*
 * The list is mapped, not read: its pages come from the page cache without a
 * copy, and once indexed they can be handed back (pciids_drop_pages), the few
 * a lookup needs coming back on their own. An anonymous page under the file
 * mapping's end gives the NUL after the last byte even when the size is a
 * multiple of the page size. pci.ids is replaced by rename (update-pciids,
 * dpkg), never truncated in place, which is what a mapping could not survive.
 */
int pciids_read_file(const char *path, char **out, size_t *size)
{
	struct stat st;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 26) ||
	    st.st_size == 0) {
		close(fd);
		return -EINVAL;
	}
	buf = mmap(NULL, (size_t)st.st_size + 1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		close(fd);
		return -ENOMEM;
	}
	if (mmap(buf, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd,
		 0) == MAP_FAILED) {
		int r = -errno;

		munmap(buf, (size_t)st.st_size + 1);
		close(fd);
		return r;
	}
	close(fd);
	*out = buf;
	*size = (size_t)st.st_size;
	return 0;
}

void pciids_drop_pages(char *buf, size_t size)
{
	/* a private file mapping never written to: the pages refault from the file */
	if (buf)
		madvise(buf, size, MADV_DONTNEED);
}

void pciids_free_file(char *buf, size_t size)
{
	if (buf)
		munmap(buf, size + 1);
}
