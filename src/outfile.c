// SPDX-License-Identifier: GPL-2.0-or-later
/* Atomic output files: a temporary file beside the target, renamed into place. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"

int outfile_open(struct outfile *o, const char *path)
{
	int fd, r;

	memset(o, 0, sizeof(*o));
	o->path = path;
	vfd_signals_hold(&o->held);
	/* metrics are read by another user: 0666 less the umask */
	r = vfd_atomic_open(&o->file, AT_FDCWD, path, 0666, VFD_ATOMIC_UMASK);
	if (r < 0)
		goto out;
	/* the stream gets its own descriptor: commit fsyncs and closes the file's */
	fd = dup(o->file.fd);
	o->fp = fd < 0 ? NULL : fdopen(fd, "w");
	if (!o->fp) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		vfd_atomic_abort(&o->file);
	}
out:
	if (r < 0)
		vfd_signals_release(&o->held);
	return r;
}

int outfile_commit(struct outfile *o)
{
	int r = 0;

	if (fflush(o->fp) != 0)
		r = -errno;
	else if (ferror(o->fp))
		r = -EIO;
	if (fclose(o->fp) != 0 && r == 0)
		r = -errno;
	o->fp = NULL;
	if (r == 0)
		r = vfd_atomic_commit(&o->file);
	else
		vfd_atomic_abort(&o->file);
	vfd_signals_release(&o->held);
	return r;
}

void outfile_abort(struct outfile *o)
{
	if (o->fp)
		fclose(o->fp);
	o->fp = NULL;
	vfd_atomic_abort(&o->file);
	vfd_signals_release(&o->held);
}
