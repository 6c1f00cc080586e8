// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Translated libvirt errors against the installed catalogues: every
 * error-level libvirt format of data/catalogue.tsv that a catalogue under
 * the locale directory translates is printed as that language's libvirt
 * would print it (the error code's wrapper, "internal error: %s" and the
 * like, translated around the message; virsh's "error: " translated; the
 * sample values of catalogue-lines.c in the translation's conversions,
 * positions respected), read back by explain-translated.c, and matched.
 * A line counts as recognised when it is read as the knowledge-base entry
 * that reads the English line. Prints the rates per language and in all;
 * fails under --floor PCT, or where an English line is read as a
 * translation; exits 77 (skipped) when no libvirt.mo is installed
 * (Debian's libvirt-l10n). Then English messages whose strerror() text is
 * translated (libc.mo, Debian's libc-l10n): their rates, reported.
 *
 * usage: test-translations [--locale-dir DIR] [--floor PCT] catalogue.tsv
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vfd.h"
#include "catalogue-lines.h"
#include "explain-translated.h"
#include "kb-cause.h"
#include "mo-catalogue.h"
#include "paste-text.h"

#define MAX_LANGS 128

struct msg {
	const char *id, *str;
};

struct lang {
	char name[32];
	struct mo_catalogue *c;
	struct msg *msgs;
	size_t n;
	unsigned long instances, read, exact, english_known, recognised;
	unsigned long ascii;	/* lines all ASCII */
	unsigned long ascii_shaped;	/* of them, in a shape explain looks up */
	unsigned long high_known, high_recognised;	/* the others: known, recognised */
	unsigned long english_read;	/* English lines read as a translation: false reads */
};

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct msg *)a)->id, ((const struct msg *)b)->id);
}

/* the translation of @id in @l, or NULL */
static const char *lookup(const struct lang *l, const char *id)
{
	struct msg key = { id, NULL };
	const struct msg *m = bsearch(&key, l->msgs, l->n, sizeof(*l->msgs), by_id);

	return m ? m->str : NULL;
}

static bool load_lang(struct lang *l, const char *dir, const char *name, const char *domain)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES/%s.mo", dir, name, domain);
	if (mo_catalogue_open(path, &l->c) < 0)
		return false;
	snprintf(l->name, sizeof(l->name), "%.31s", name);
	l->msgs = calloc(mo_catalogue_count(l->c) + 1, sizeof(*l->msgs));
	if (!l->msgs)
		return false;
	for (size_t i = 0; i < mo_catalogue_count(l->c); i++) {
		const char *id, *str;
		size_t il, sl;

		if (mo_catalogue_get(l->c, i, &id, &il, &str, &sl) == 0 && il && sl)
			l->msgs[l->n++] = (struct msg){ id, str };
	}
	qsort(l->msgs, l->n, sizeof(*l->msgs), by_id);
	return true;
}

/*
 * @fmt printed with @args (argument i: args->v[i]; "%1$s" positions
 * respected) into @out; false for a conversion this test does not print
 */
static bool render(const char *fmt, const struct instance_args *args, char *out, size_t size)
{
	size_t o = 0, next = 0;

	for (const char *s = fmt; *s && o + 1 < size;) {
		size_t arg;
		int n;

		if (*s != '%') {
			out[o++] = *s++;
			continue;
		}
		if (s[1] == '%') {
			out[o++] = '%';
			s += 2;
			continue;
		}
		s++;
		n = 0;
		while (*s >= '0' && *s <= '9')
			n = n * 10 + (*s++ - '0');
		if (*s == '$') {
			arg = (size_t)n - 1;
			s++;
		} else if (n == 0) {
			arg = next++;
		} else {
			return false;	/* a width without a position: not in these messages */
		}
		s += strspn(s, "-+ #0'.0123456789hlLqjzZt");
		if (!*s || !strchr("sdiuoxXcpfFeEgGaA", *s) || arg >= args->n)
			return false;
		s++;
		o += (size_t)snprintf(out + o, size - o, "%s", args->v[arg]);
	}
	out[o < size ? o : size - 1] = '\0';
	return true;
}

/* @wrapper ("<code text>: %s", "%1$s" in some languages) around @inner */
static void wrap(const char *wrapper, const char *inner, char *out, size_t size)
{
	const char *c = strchr(wrapper, '%');
	size_t cl = c ? 1 + strspn(c + 1, "1$") + 1 : 0;

	if (!c)
		snprintf(out, size, "%s", wrapper);
	else
		snprintf(out, size, "%.*s%s%s", (int)(c - wrapper), wrapper, inner, c + cl);
}

/*
 * the translation of catalogue format @fmt in @l: the message itself, or a
 * wrapper ("<code text>: %s", libvirt's virErrorMsg) around a message,
 * the wrapper translated where @l has it. Returns the inner message's
 * translation (NULL: not translated) and the wrapper's text, if any.
 */
static const char *translation_of(const struct lang *l, const char *fmt, const char **wrapper)
{
	const char *t = lookup(l, fmt);
	char id[LINE_MAX_LEN];

	*wrapper = NULL;
	if (t)
		return t;
	for (const char *c = strstr(fmt, ": "); c; c = strstr(c + 1, ": ")) {
		const char *inner = lookup(l, c + 2);
		const char *w;

		if (!inner)
			continue;
		snprintf(id, sizeof(id), "%.*s: %%s", (int)(c - fmt), fmt);
		w = lookup(l, id);
		/* a wrapper the catalogue has not translated is printed in English */
		if (!w) {
			static char english[LINE_MAX_LEN];

			snprintf(english, sizeof(english), "%s", id);
			w = english;
		}
		*wrapper = w;
		return inner;
	}
	return NULL;
}

static void try_line(struct lang *l, struct vfd_kb *kb, const struct vfd_translated *t,
		     const char *prefix, const char *english, const char *translated,
		     struct vfd_translation *out)
{
	char eline[2 * LINE_MAX_LEN], tline[2 * LINE_MAX_LEN];
	const char *tprefix = prefix;
	struct vfd_kb_match em, tm;
	bool known, high = false, shape;
	int r;

	/* virsh prints its "error: " through gettext too */
	if (strcmp(prefix, "error: ") == 0 && lookup(l, "error: "))
		tprefix = lookup(l, "error: ");
	snprintf(eline, sizeof(eline), "%s%s", prefix, english);
	snprintf(tline, sizeof(tline), "%s%s", tprefix, translated);
	known = vfd_kb_match(kb, eline, strlen(eline), &em) > 0;
	/* the English line itself, as explain looks it up (in its shape), is no translation */
	if (vfd_translated_ascii_shape(eline, strlen(eline)) &&
	    vfd_translated_ascii_worth(eline, strlen(eline)) &&
	    vfd_translated_read(t, eline, strlen(eline), out) > 0) {
		l->english_read++;
		if (getenv("VFD_TEST_VERBOSE"))
			printf("English read (%s): %s\n    as: %s\n", l->name, eline, out->line);
	}
	l->instances++;
	l->english_known += known;
	/* as explain.c's read_translated(): where no entry or only a family reads it,
	   the English line's reading where there is one */
	r = vfd_kb_match(kb, tline, strlen(tline), &tm);
	/*
	 * explain.c's test: a byte over 0x7f once typographic punctuation is read
	 * back, or an ASCII line of a translating program's shape
	 */
	{
		char restored[sizeof(tline)];
		size_t rl = paste_restore(tline, strlen(tline), restored);

		for (size_t i = 0; i < rl && !high; i++)
			high = (unsigned char)restored[i] >= 0x80;
		shape = !high && vfd_translated_ascii_shape(restored, rl) &&
			vfd_translated_ascii_worth(restored, rl);
	}
	l->ascii += !high;
	l->ascii_shaped += shape;
	if ((high || shape) &&
	    (r == 0 || tm.entry->family || vfd_translated_errno_tail(t, tline, strlen(tline))) &&
	    vfd_translated_read(t, tline, strlen(tline), out) > 0) {
		struct vfd_kb_match xm;
		int x = vfd_kb_match(kb, out->line, out->len, &xm);

		l->read++;
		l->exact += out->end - out->start == strlen(english) &&
			    memcmp(out->line + out->start, english, strlen(english)) == 0;
		if (r == 0 || x > 0) {
			r = x;
			tm = xm;
		}
	}
	l->high_known += known && high;
	if (known && r > 0 && tm.entry == em.entry) {
		l->recognised++;
		l->high_recognised += high;
	}
	else if (known && getenv("VFD_TEST_VERBOSE"))
		printf("missed (%s): %s\n    english: %s\n", l->name, tline, eline);
}

static double pct(unsigned long a, unsigned long b);

/*
 * English messages that end in strerror()'s text (kmod's could-not-insert,
 * QEMU's failed open of a VFIO group, libvirt's unbind), that text in each
 * language of libc.mo: read as the English line is? Prints the rates.
 */
static void errno_tails(const char *dir, struct vfd_kb *kb, const struct vfd_translated *t,
			struct vfd_translation *out)
{
	/* the messages, strerror()'s text after them */
	static const char *const templates[] = {
		"modprobe: ERROR: could not insert 'vfio_pci': ",
		("qemu-system-x86_64: -device vfio-pci,host=0000:01:00.0: vfio 0000:01:00.0: "
		 "failed to open /dev/vfio/1: "),
		"error: Failed to unbind PCI device '0000:01:00.0' from nvidia: ",
	};
	unsigned long lines = 0, known = 0, recognised = 0, before = 0, kind = 0, kind_before = 0;
	char ascii[96];

	/* the printable ASCII bytes: a translation with none other is looked up by its shape */
	for (int i = 0; i < 95; i++)
		ascii[i] = (char)(' ' + i);
	ascii[95] = '\0';
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	DIR *d = opendir(dir);
	struct dirent *de;

	printf("strerror() texts translated, after English messages:\n");
	while (c && d && (de = readdir(d))) {
		struct lang l = { .n = 0 };
		unsigned long ll = 0, lk = 0, lr = 0, lb = 0, lkind = 0, lkind_b = 0;

		if (de->d_name[0] == '.' || !load_lang(&l, dir, de->d_name, "libc"))
			continue;
		for (int e = 1; e <= 133; e++) {
			const char *english = strerror_l(e, c), *tr = lookup(&l, english);

			if (!tr || strcasecmp(tr, english) == 0)
				continue;
			for (size_t k = 0; k < sizeof(templates) / sizeof(*templates); k++) {
				char eline[LINE_MAX_LEN], tline[LINE_MAX_LEN];
				struct vfd_kb_match em, tm, xm;
				int r;

				snprintf(eline, sizeof(eline), "%s%s", templates[k], english);
				snprintf(tline, sizeof(tline), "%s%s", templates[k], tr);
				if (vfd_kb_match(kb, eline, strlen(eline), &em) <= 0)
					continue;
				ll++;
				lk++;
				r = vfd_kb_match(kb, tline, strlen(tline), &tm);
				const char *ek = kb_match_kind(&em, eline, strlen(eline));

				/* the same entry without reading the text back (a family, a kind lost) */
				lb += r > 0 && tm.entry == em.entry;
				lkind_b += r > 0 && tm.entry == em.entry &&
					   strcmp(kb_match_kind(&tm, tline, strlen(tline)), ek) == 0;
				/* as explain.c: the templates are in a looked-up shape */
				if ((strlen(tr) != strspn(tr, ascii) ||
				     vfd_translated_ascii_worth(tline, strlen(tline))) &&
				    (r == 0 || tm.entry->family ||
				     vfd_translated_errno_tail(t, tline, strlen(tline))) &&
				    vfd_translated_read(t, tline, strlen(tline), out) > 0 &&
				    vfd_kb_match(kb, out->line, out->len, &xm) > 0) {
					r = 1;
					tm = xm;
					lkind += tm.entry == em.entry &&
						 strcmp(kb_match_kind(&xm, out->line, out->len), ek) == 0;
				} else {
					lkind += r > 0 && tm.entry == em.entry &&
						 strcmp(kb_match_kind(&tm, tline, strlen(tline)), ek) == 0;
				}
				lr += r > 0 && tm.entry == em.entry;
			}
		}
		printf("  %-8s %5lu lines, %5lu recognised, %5lu of the English kind (%.1f%%); "
		       "without reading it back %lu, %lu\n", l.name, ll, lr, lkind, pct(lkind, lk), lb,
		       lkind_b);
		before += lb;
		kind += lkind;
		kind_before += lkind_b;
		lines += ll;
		known += lk;
		recognised += lr;
		free(l.msgs);
		mo_catalogue_free(l.c);
	}
	if (d)
		closedir(d);
	if (c)
		freelocale(c);
	printf("strerror() tails: %lu lines, recognised %lu (%.1f%%), with the English line's kind "
	       "%lu (%.1f%%); without reading them back %lu (%.1f%%), %lu (%.1f%%)\n", lines,
	       recognised, pct(recognised, known), kind, pct(kind, known), before,
	       pct(before, known), kind_before, pct(kind_before, known));
}

static double pct(unsigned long a, unsigned long b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

int main(int argc, char **argv)
{
	const char *dir = "/usr/share/locale", *cat_path = NULL;
	static struct lang langs[MAX_LANGS];
	struct vfd_translation out = { 0 };
	struct vfd_translated *t = NULL;
	struct catalogue_rows rows;
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;
	size_t n_langs = 0;
	double floor = 0;
	struct lang all = { .name = "all" };
	char *col[7];
	DIR *d;
	struct dirent *de;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--locale-dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--floor") == 0 && i + 1 < argc)
			floor = strtod(argv[++i], NULL);
		else
			cat_path = argv[i];
	}
	if (!cat_path) {
		fprintf(stderr, "usage: test-translations [--locale-dir DIR] [--floor PCT] "
				"catalogue.tsv\n");
		return 2;
	}
	d = opendir(dir);
	while (d && (de = readdir(d)) && n_langs < MAX_LANGS)
		if (de->d_name[0] != '.' && load_lang(&langs[n_langs], dir, de->d_name, "libvirt"))
			n_langs++;
	if (d)
		closedir(d);
	if (!n_langs) {
		printf("no libvirt.mo under %s (Debian: libvirt-l10n): skipped\n", dir);
		return 77;
	}
	/* every domain, as explain loads them */
	if (vfd_translated_load(dir, NULL, &t) < 0 || vfd_kb_new_builtin(&kb, &err) < 0 ||
	    !catalogue_open(&rows, cat_path)) {
		fprintf(stderr, "cannot load the catalogues, the knowledge base or %s\n", cat_path);
		return 2;
	}
	while (catalogue_next(&rows, col)) {
		char english[LINE_MAX_LEN], pattern[LINE_MAX_LEN];
		struct instance_args args = { 0 };
		const char *const *prefixes;

		if (strcmp(col[0], "libvirt") != 0 || strcmp(col[1], "error") != 0)
			continue;
		instantiate_args(col[6], col[3], col[4], 0, english, sizeof(english), pattern,
				 sizeof(pattern), &args);
		prefixes = prefixes_of(col[0], col[1], col[3], col[5]);
		for (size_t i = 0; i < n_langs; i++) {
			char inner[LINE_MAX_LEN], translated[LINE_MAX_LEN];
			const char *wrapper, *str = translation_of(&langs[i], col[6], &wrapper);

			if (!str || !render(str, &args, inner, sizeof(inner)))
				continue;
			if (wrapper)
				wrap(wrapper, inner, translated, sizeof(translated));
			else
				snprintf(translated, sizeof(translated), "%s", inner);
			for (size_t p = 0; prefixes[p]; p++)
				try_line(&langs[i], kb, t, prefixes[p], english, translated, &out);
		}
	}
	catalogue_close(&rows);
	printf("%-8s %9s %9s %9s %9s %9s %9s\n", "language", "lines", "ascii", "read", "exact",
	       "known", "recognised");
	for (size_t i = 0; i < n_langs; i++) {
		struct lang *l = &langs[i];

		if (!l->instances)
			continue;
		printf("%-8s %9lu %9lu %9lu %9lu %9lu %9lu (%.1f%%)\n", l->name, l->instances,
		       l->ascii, l->read, l->exact, l->english_known, l->recognised,
		       pct(l->recognised, l->english_known));
		all.instances += l->instances;
		all.read += l->read;
		all.exact += l->exact;
		all.english_known += l->english_known;
		all.recognised += l->recognised;
		all.ascii += l->ascii;
		all.ascii_shaped += l->ascii_shaped;
		all.english_read += l->english_read;
		all.high_known += l->high_known;
		all.high_recognised += l->high_recognised;
	}
	printf("%-8s %9lu %9lu %9lu %9lu %9lu %9lu (%.1f%%)\n", "all", all.instances, all.ascii,
	       all.read, all.exact, all.english_known, all.recognised,
	       pct(all.recognised, all.english_known));
	printf("recognition: %.1f%% of %lu translated lines whose English the knowledge base "
	       "reads (floor %.1f%%); read back exactly: %.1f%% of %lu\n",
	       pct(all.recognised, all.english_known), all.english_known, floor,
	       pct(all.exact, all.instances), all.instances);
	printf("lines all ASCII: %lu, of which looked up (their shape): %lu; of the others, "
	       "%.1f%% recognised (%lu of %lu)\n", all.ascii, all.ascii_shaped,
	       pct(all.high_recognised, all.high_known), all.high_recognised, all.high_known);
	printf("English lines (as printed in English, in a looked-up shape) read as a "
	       "translation: %lu of %lu\n", all.english_read, all.instances);
	errno_tails(dir, kb, t, &out);
	free(out.line);
	vfd_translated_free(t);
	vfd_kb_free(kb);
	for (size_t i = 0; i < n_langs; i++) {
		free(langs[i].msgs);
		mo_catalogue_free(langs[i].c);
	}
	return pct(all.recognised, all.english_known) >= floor && !all.english_read ? 0 : 1;
}
