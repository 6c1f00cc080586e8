/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small JSON reader (RFC 8259) for the reports vfio-doctor itself writes
 * and reads back: the trial's guest report comes over a serial line. Values
 * become a tree; strings are unescaped to UTF-8.
 */
#ifndef VFD_JSON_H
#define VFD_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum vfd_json_type { VFD_JSON_NULL, VFD_JSON_BOOL, VFD_JSON_NUMBER, VFD_JSON_STRING,
		     VFD_JSON_ARRAY, VFD_JSON_OBJECT };

struct vfd_json {
	enum vfd_json_type type;
	bool boolean;
	double number;
	char *string;		/* STRING */
	char **keys;		/* OBJECT: n keys beside n values */
	struct vfd_json *items;	/* ARRAY, OBJECT */
	size_t n;
};

/*
 * vfd_json_parse - one JSON value held in @buf (@len bytes), nothing but
 * white space around it. Nesting is limited to 64 levels.
 * Returns: 0 with @out filled (free with vfd_json_clear), -EBADMSG for
 *          malformed text, -ENOMEM.
 */
int vfd_json_parse(const char *buf, size_t len, struct vfd_json *out);
void vfd_json_clear(struct vfd_json *v);
/* member @key of an object, or NULL */
const struct vfd_json *vfd_json_get(const struct vfd_json *obj, const char *key);
/* the string of member @key, or NULL when absent or not a string */
const char *vfd_json_get_str(const struct vfd_json *obj, const char *key);

#endif
