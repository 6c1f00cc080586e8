/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Atomic output files: write to a temporary file beside the target, then
 * rename it into place, so a reader (node_exporter's textfile collector, a
 * fleet job) sees the old file or the new one, never half of one.
 */
#ifndef VFD_OUTFILE_H
#define VFD_OUTFILE_H

#include <stdio.h>

#include "vfd.h"

struct outfile {
	FILE *fp;			/* write here between open and commit */
	const char *path;		/* the target, borrowed */
	struct vfd_atomic_file file;	/* ".<name>.<pid>.tmp": not matched by a "*.prom" glob */
	struct vfd_sighold held;	/* signals held from open to commit or abort */
};

/*
 * Create the temporary file for @path (mode 0666 less the umask, so the
 * collector's user can read it). SIGINT, SIGTERM and SIGHUP are held until
 * commit or abort, so ^C leaves no temporary file behind.
 * Returns 0, or a negative errno (vfd_atomic_open()'s).
 */
int outfile_open(struct outfile *o, const char *path);

/*
 * Flush and fsync the temporary file and rename it to the target. On failure
 * the temporary file is removed and the target is untouched.
 * Returns 0 or a negative errno.
 */
int outfile_commit(struct outfile *o);

/* remove the temporary file; the target is untouched */
void outfile_abort(struct outfile *o);

#endif
