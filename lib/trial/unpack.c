// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading a file whole, and decompressing in memory (see unpack.h). */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dlib.h"
#include "unpack.h"

/* a whole file of this machine, at most @max bytes */
int vfd_slurp(const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		close(fd);
		return -EIO;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		free(buf);
		return -EIO;
	}
	*out = buf;
	*len = got;
	return 0;
}

int vfd_decompress(const char *data, size_t len, size_t max, char **out, size_t *out_len)
{
	struct archive_entry *entry;
	struct archive *a;
	size_t cap = len < max / 4 ? len * 4 + 4096 : max, n = 0;
	char *buf;
	int r = -EIO;

	if (vfd_dl_libarchive() < 0)
		return -ELIBACC;
	a = archive_read_new();
	if (!a)
		return -ENOMEM;
	buf = malloc(cap);
	if (!buf) {
		archive_read_free(a);
		return -ENOMEM;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_memory(a, data, len) == ARCHIVE_OK &&
	    archive_read_next_header(a, &entry) == ARCHIVE_OK) {
		for (;;) {
			la_ssize_t got;

			if (n == cap) {
				size_t next = cap * 2 < max ? cap * 2 : max;
				char *nb = cap < max ? realloc(buf, next) : NULL;

				if (!nb)
					break;
				buf = nb;
				cap = next;
			}
			got = archive_read_data(a, buf + n, cap - n);
			if (got < 0)
				break;
			if (got == 0) {
				r = 0;
				break;
			}
			n += (size_t)got;
		}
	}
	archive_read_free(a);
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*out_len = n;
	return 0;
}

