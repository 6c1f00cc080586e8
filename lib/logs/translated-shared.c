// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The catalogues of translated messages, loaded once per process
 * (vfd_translated_shared()): explain objects are made one per line in the
 * tests and one per file in the CLI, and loading every language costs a
 * tenth of a second and tens of megabytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain-translated.h"

#define SHARED_MAX 8	/* sets kept; more are loaded each time and not kept */

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char *key;		/* "dir\ndomain\nlanguages" */
	struct vfd_translated *t;
} shared[SHARED_MAX];

int vfd_translated_shared(const char *dir, const char *domain, const char *languages,
			  const struct vfd_translated **out)
{
	struct vfd_translated *t = NULL;
	char *key = NULL;
	int r = 0, i;

	*out = NULL;
	/* NULL domain: every domain of the table; NULL languages: all of them ("*") */
	if (asprintf(&key, "%s\n%s\n%s", dir, domain ? domain : "", languages ? languages : "*") < 0)
		return -ENOMEM;
	pthread_mutex_lock(&shared_lock);
	for (i = 0; i < SHARED_MAX && shared[i].key; i++)
		if (strcmp(shared[i].key, key) == 0) {
			*out = shared[i].t;
			goto out;
		}
	if (i == SHARED_MAX) {
		r = -ENOMEM;	/* not kept: nothing would free it */
		goto out;
	}
	r = vfd_translated_load_languages(dir, domain, languages, &t);
	if (r < 0)
		goto out;
	shared[i].key = key;
	key = NULL;
	shared[i].t = t;
	*out = t;
out:
	pthread_mutex_unlock(&shared_lock);
	free(key);
	return r;
}
