// SPDX-License-Identifier: GPL-2.0-or-later
/* Atomic output files: a temporary file beside the target, renamed into place. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

int outfile_open(struct outfile *o, const char *path)
{
	sigset_t block;
	mode_t mask;
	int fd, r = 0;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (snprintf(o->tmp, sizeof(o->tmp), "%s.XXXXXX", path) >= (int)sizeof(o->tmp))
		return -ENAMETOOLONG;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &o->saved);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	/* mkstemp makes 0600; metrics are read by another user */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0)
		r = -errno;
	if (r == 0) {
		o->fp = fdopen(fd, "w");
		if (!o->fp)
			r = -errno;
	}
	if (r < 0) {
		close(fd);
		unlink(o->tmp);
	}
out:
	if (r < 0)
		sigprocmask(SIG_SETMASK, &o->saved, NULL);
	return r;
}

int outfile_commit(struct outfile *o)
{
	int r = 0;

	if (fflush(o->fp) != 0)
		r = -errno;
	else if (ferror(o->fp))
		r = -EIO;
	if (r == 0 && fsync(fileno(o->fp)) < 0)
		r = -errno;
	if (fclose(o->fp) != 0 && r == 0)
		r = -errno;
	o->fp = NULL;
	if (r == 0 && rename(o->tmp, o->path) < 0)
		r = -errno;
	if (r < 0)
		unlink(o->tmp);
	sigprocmask(SIG_SETMASK, &o->saved, NULL);
	return r;
}

void outfile_abort(struct outfile *o)
{
	if (o->fp)
		fclose(o->fp);
	o->fp = NULL;
	unlink(o->tmp);
	sigprocmask(SIG_SETMASK, &o->saved, NULL);
}
