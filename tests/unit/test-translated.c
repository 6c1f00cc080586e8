// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Translated libvirt messages (lib/logs/explain-translated.c) and the .mo
 * reader under them (lib/logs/mo-catalogue.c), on catalogues built here by
 * msgfmt from tests/explain/l10n/{de,fr,pt_BR}.po (libvirt), libc-de.po
 * (strerror()'s texts, lib/logs/translated-errno.c) and virt-manager-de.po:
 * test translations of a few messages the knowledge base knows, one with
 * positional conversions in another order, written for this test. Then .mo
 * files broken on purpose (truncated, offsets outside, wrong magic, no NUL)
 * must be refused.
 *
 * usage: test-translated MSGFMT PO_DIR (MSGFMT "" when gettext is missing:
 * the catalogue tests are skipped, the malformed ones run on a built-in file)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "vfd.h"
#include "explain-translated.h"
#include "mo-catalogue.h"

extern char **environ;

static const char *msgfmt, *po_dir;
static char locale_dir[] = "/tmp/vfd-l10n-XXXXXX";
static bool built;

/* PO_DIR/@po.po as LOCALE_DIR/@lang/LC_MESSAGES/@domain.mo */
static void run_msgfmt(const char *po_name, const char *lang, const char *domain)
{
	char po[4096], mo[4200], dir[4096];
	char *args[] = { (char *)msgfmt, "-o", mo, po, NULL };
	int status;
	pid_t pid;

	snprintf(po, sizeof(po), "%s/%s.po", po_dir, po_name);
	snprintf(dir, sizeof(dir), "%s/%s", locale_dir, lang);
	assert_true(mkdir(dir, 0700) == 0 || errno == EEXIST);
	snprintf(dir, sizeof(dir), "%s/%s/LC_MESSAGES", locale_dir, lang);
	assert_true(mkdir(dir, 0700) == 0 || errno == EEXIST);
	snprintf(mo, sizeof(mo), "%s/%s.mo", dir, domain);
	assert_int_equal(posix_spawn(&pid, msgfmt, NULL, NULL, args, environ), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int build_catalogues(void **state)
{
	(void)state;
	if (!*msgfmt)
		return 0;
	if (!mkdtemp(locale_dir))
		return -1;
	run_msgfmt("de", "de", "libvirt");
	run_msgfmt("fr", "fr", "libvirt");
	run_msgfmt("pt_BR", "pt_BR", "libvirt");
	run_msgfmt("libc-de", "de", "libc");
	run_msgfmt("virt-manager-de", "de", "virt-manager");
	built = true;
	return 0;
}

static int remove_catalogues(void **state)
{
	char cmd[256];

	(void)state;
	if (!built)
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", locale_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* the bytes of @path (caller frees) */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = malloc(1 << 20);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static const struct {
	const char *line, *id, *english, *language, *slot;
} lines[] = {
	/* positional conversions in another order, inside a translated wrapper */
	{ "Fehler: Die verlangte Aktion ist nicht zulässig: Das PCI-Gerät 0000:01:00.0 gehört "
	  "schon der Domäne win10 (Treiber QEMU)", "libvirt.pci-in-use-by",
	  "Requested operation is not valid: PCI device 0000:01:00.0 is in use by driver QEMU, "
	  "domain win10", "de", "0000:01:00.0" },
	{ "Fehler: Die verlangte Aktion ist nicht zulässig: PCI-Gerät 0000:02:00.0 lässt sich "
	  "keinem Gast zuteilen", "libvirt.not-assignable",
	  "Requested operation is not valid: PCI device 0000:02:00.0 is not assignable", "de",
	  "0000:02:00.0" },
	/* typographic quotes of the translation's own, and strerror()'s text after it */
	{ "Fehler: PCI-Gerät „0000:03:00.0“ ließ sich nicht von nvidia lösen: Das Gerät oder "
	  "die Ressource ist belegt", "libvirt.unbind-failed",
	  "Failed to unbind PCI device '0000:03:00.0' from nvidia", "de", NULL },
	{ "Fehler: Fehler im Inneren: PCI-Geräte, die keine Endpunkte sind, können Gästen nicht "
	  "übergeben werden", "libvirt.non-endpoint",
	  "internal error: Non-endpoint PCI devices cannot be assigned to guests", "de", NULL },
	{ "erreur : configuration refusée : l'hôte ne sait pas confier un périphérique PCI par "
	  "VFIO", "libvirt.no-vfio",
	  "unsupported configuration: host doesn't support VFIO PCI passthrough", "fr", NULL },
	/*
	 * virsh's prefix translated without its blank ("erro:"), and libvirt's
	 * wrapper left in English between it and the translated message
	 */
	{ "erro:Requested operation is not valid: o dispositivo PCI 0000:07:00.0 não pode ser "
	  "atribuído", "libvirt.not-assignable", "PCI device 0000:07:00.0 is not assignable",
	  "pt_BR", "0000:07:00.0" },
	{ "erreur :Requested operation is not valid: le périphérique PCI 0000:08:00.0 ne peut "
	  "être attribué", "libvirt.not-assignable", "PCI device 0000:08:00.0 is not assignable",
	  "fr", "0000:08:00.0" },
	/* libvirtd's log, where a family entry reads the line by its function's name */
	{ "2026-12-06 10:00:00.000+0000: 1234: error : virHostdevPreparePCIDevicesImpl:1234 : "
	  "le périphérique PCI 0000:04:00.0 ne peut être attribué", "libvirt.not-assignable",
	  "PCI device 0000:04:00.0 is not assignable", "fr", "0000:04:00.0" },
	/* all ASCII, in virsh's shape ("Fehler: ") and in libvirtd's log */
	{ "Fehler: Konfiguration nicht unterstuetzt: Der Host kann PCI nicht per VFIO "
	  "weiterreichen", "libvirt.no-vfio",
	  "unsupported configuration: host doesn't support VFIO PCI passthrough", "de", NULL },
	{ "2026-12-06 10:00:01.000+0000: 1234: error : qemuDomainPrepareHostdevPCI:12 : "
	  "Konfiguration nicht unterstuetzt: Der Host kann keine PCI-Geraete an Gaeste "
	  "weiterreichen", "libvirt.no-passthrough",
	  "unsupported configuration: host doesn't support passthrough of host PCI devices", "de",
	  NULL },
	/* English messages, strerror()'s text translated: ASCII (kmod), and not (QEMU) */
	{ "modprobe: ERROR: could not insert 'vfio_pci': Vorgang nicht gestattet",
	  "fixes.module-lockdown-eperm", "Operation not permitted", "de", NULL },
	{ "qemu-system-x86_64: -device vfio-pci,host=0000:06:00.0: vfio 0000:06:00.0: failed to "
	  "open /dev/vfio/7: Gerät ist gerade beschäftigt", "qemu.group-ebusy",
	  "Device or resource busy", "de", NULL },
	/* virt-manager's catalogue, around libvirt's message, read in turn */
	{ "Die Installation ließ sich nicht abschließen: 'Fehler im Inneren: PCI-Geräte, die "
	  "keine Endpunkte sind, können Gästen nicht übergeben werden'", "libvirt.non-endpoint",
	  "Unable to complete install: 'internal error: Non-endpoint PCI devices cannot be "
	  "assigned to guests'", "de", NULL },
};

static void recognised(void **state)
{
	static const char english[] = "error: Requested operation is not valid: PCI device "
				      "0000:05:00.0 is not assignable";
	struct vfd_parse_error err;
	struct vfd_explain *ex;
	struct vfd_kb *kb;

	(void)state;
	if (!built)
		skip();
	assert_int_equal(vfd_kb_new_builtin(&kb, &err), 0);
	/* each line alone: some are the same problem in two languages */
	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++) {
		const struct vfd_problem *p;
		const char *language, *english_of;

		ex = vfd_explain_new(kb);
		assert_non_null(ex);
		assert_int_equal(vfd_explain_set_locale_dir(ex, locale_dir), 0);
		assert_int_equal(vfd_explain_feed(ex, lines[i].line, strlen(lines[i].line)), 1);
		assert_int_equal(vfd_explain_count(ex), 1);
		p = vfd_explain_problem(ex, 0);
		assert_string_equal(p->entry->id, lines[i].id);
		assert_string_equal(p->line, lines[i].line);
		english_of = vfd_explain_translated(ex, 0, &language);
		assert_non_null(english_of);
		assert_string_equal(english_of, lines[i].english);
		assert_string_equal(language, lines[i].language);
		if (lines[i].slot)
			assert_string_equal(vfd_kb_match_value(&p->match, VFD_KB_SLOT),
					    lines[i].slot);
		vfd_explain_free(ex);
	}
	ex = vfd_explain_new(kb);
	assert_non_null(ex);
	assert_int_equal(vfd_explain_set_locale_dir(ex, locale_dir), 0);
	/* an English line is read as it always was: no translation noted */
	assert_int_equal(vfd_explain_feed(ex, english, strlen(english)), 1);
	{
		const char *language = "?";

		assert_null(vfd_explain_translated(ex, vfd_explain_count(ex) - 1, &language));
		assert_null(language);
	}
	vfd_explain_free(ex);
	vfd_kb_free(kb);
}

/* libc.mo gives strerror()'s texts alone; the shapes an ASCII line is looked up in */
static void errno_and_shapes(void **state)
{
	static const char busy[] = "x: failed: Gerät ist gerade beschäftigt  ";
	struct vfd_translation out = { 0 };
	struct vfd_translated *t;

	(void)state;
	if (!built)
		skip();
	assert_int_equal(vfd_translated_load(locale_dir, NULL, &t), 0);
	assert_int_equal(vfd_translated_read(t, busy, strlen(busy), &out), 1);
	assert_string_equal(out.line, "x: failed: Device or resource busy  ");
	assert_int_equal(out.start, strlen("x: failed: "));
	assert_int_equal(out.end, strlen("x: failed: Device or resource busy"));
	assert_string_equal(out.language, "de");
	assert_true(vfd_translated_errno_tail(t, busy, strlen(busy)));
	/*
	 * virsh's translated prefix read back though libvirt's wrapper stands in
	 * English between it and the message: glued ("erro:") or with French's
	 * space before the colon, no-break in the catalogue, plain in a paste
	 */
	{
		static const char *const glued[] = {
			"erro:internal error: o dispositivo PCI 0000:09:00.0 não pode ser atribuído",
			"erreur :internal error: le périphérique PCI 0000:09:00.0 ne peut être attribué",
		};

		for (size_t i = 0; i < sizeof(glued) / sizeof(*glued); i++) {
			assert_int_equal(vfd_translated_read(t, glued[i], strlen(glued[i]), &out), 1);
			assert_string_equal(out.line, "error: internal error: PCI device 0000:09:00.0 "
						      "is not assignable");
		}
	}
	/* strerror(0)'s "Success" and libc's other messages are left out */
	assert_int_equal(vfd_translated_read(t, "x: Erfolg", 9, &out), 0);
	assert_int_equal(vfd_translated_read(t, "x: Signal 5 nicht bekannt", 25, &out), 0);
	/* strerror()'s text only after ": " */
	assert_int_equal(vfd_translated_read(t, "Vorgang nicht gestattet", 23, &out), 0);
	vfd_translated_free(t);
	free(out.line);

	assert_true(vfd_translated_ascii_shape("Fehler: x", 9));
	assert_true(vfd_translated_ascii_shape("qemu-system-x86_64: x", 21));
	assert_true(vfd_translated_ascii_shape("2026-12-06 10:00:01.000+0000: 1234: error : f:1 : x",
					       51));
	assert_false(vfd_translated_ascii_shape("[    0.001419] rcu: x", 21));
	assert_false(vfd_translated_ascii_shape("ACPI: x", 7));
	assert_false(vfd_translated_ascii_shape("Dec 06 10:00:00 host kernel: x", 30));
	assert_false(vfd_translated_ascii_shape("x:", 2));
	/* virsh's "error: " as French and Brazilian Portuguese print it, the message right after */
	assert_true(vfd_translated_ascii_shape("erro:erro interno: x", 20));
	assert_true(vfd_translated_ascii_shape("erreur :configuration refusee", 29));
	assert_false(vfd_translated_ascii_shape("https://example.org", 19));
	assert_false(vfd_translated_ascii_shape("x:1", 3));
	/* English lines are not looked up; an English message's foreign strerror() text is */
	{
		static const char *const worth[] = {
			"Fehler: Konfiguration nicht unterstuetzt: x",
			"modprobe: ERROR: could not insert 'vfio_pci': Vorgang nicht gestattet",
		}, *const english[] = {
			"error: Failed to start domain 'win10'",
			"modprobe: ERROR: could not insert 'vfio_pci': Operation not permitted",
			"modprobe: ERROR: could not insert 'vfio_pci': No such device",
		};

		for (size_t i = 0; i < sizeof(worth) / sizeof(*worth); i++)
			assert_true(vfd_translated_ascii_worth(worth[i], strlen(worth[i])));
		for (size_t i = 0; i < sizeof(english) / sizeof(*english); i++)
			assert_false(vfd_translated_ascii_worth(english[i], strlen(english[i])));
	}
}

/* no catalogue where explain looks: the line is read as before, no error */
static void no_catalogue(void **state)
{
	struct vfd_parse_error err;
	struct vfd_explain *ex;
	struct vfd_kb *kb;
	int r;

	(void)state;
	assert_int_equal(vfd_kb_new_builtin(&kb, &err), 0);
	ex = vfd_explain_new(kb);
	assert_non_null(ex);
	assert_int_equal(vfd_explain_set_locale_dir(ex, "/nonexistent/vfd-locale"), 0);
	r = vfd_explain_feed(ex, lines[1].line, strlen(lines[1].line));
	assert_true(r >= 0 && r != 1);
	assert_int_equal(vfd_explain_count(ex), 0);
	vfd_explain_free(ex);
	vfd_kb_free(kb);
}

/* a small .mo in the writer's byte order: one message besides the header */
static size_t tiny_mo(unsigned char *buf)
{
	static const char id[] = "PCI device %s is not assignable";
	static const char str[] = "PCI-Gerät %s lässt sich keinem Gast zuteilen";
	uint32_t h[7] = { 0x950412de, 0, 2, 28, 44, 0, 60 };
	uint32_t orig[4] = { 0, 60, sizeof(id) - 1, 61 };
	uint32_t trans[4] = { 0, 61 + sizeof(id), sizeof(str) - 1, 62 + sizeof(id) };

	memset(buf, 0, 200);
	memcpy(buf, h, sizeof(h));
	memcpy(buf + 28, orig, sizeof(orig));
	memcpy(buf + 44, trans, sizeof(trans));
	/* "" at 60, the msgid at 61, "" at 61 + sizeof(id), the msgstr after it */
	memcpy(buf + 61, id, sizeof(id));
	memcpy(buf + 62 + sizeof(id), str, sizeof(str));
	return 62 + sizeof(id) + sizeof(str);
}

static void put32(unsigned char *b, uint32_t v)
{
	memcpy(b, &v, 4);
}

static void refused(const unsigned char *buf, size_t len)
{
	struct mo_catalogue *c = (struct mo_catalogue *)1;

	assert_int_equal(mo_catalogue_parse(buf, len, &c), -EBADMSG);
	assert_null(c);
}

static void malformed(void **state)
{
	unsigned char good[200], bad[200], swapped[200];
	struct mo_catalogue *c;
	const char *id, *str;
	size_t len = tiny_mo(good), il, sl;

	(void)state;
	assert_int_equal(mo_catalogue_parse(good, len, &c), 0);
	assert_int_equal(mo_catalogue_count(c), 2);
	assert_int_equal(mo_catalogue_get(c, 1, &id, &il, &str, &sl), 0);
	assert_string_equal(id, "PCI device %s is not assignable");
	assert_int_equal(il, strlen(id));
	assert_int_equal(mo_catalogue_get(c, 2, &id, &il, &str, &sl), -ERANGE);
	mo_catalogue_free(c);
	/* every truncation cuts a string or a table */
	for (size_t n = 0; n < len; n++)
		refused(good, n);
	/* wrong magic, a later major revision */
	memcpy(bad, good, len);
	put32(bad, 0x12345678);
	refused(bad, len);
	memcpy(bad, good, len);
	put32(bad + 4, 2u << 16);
	refused(bad, len);
	/* counts and offsets outside the file, and near 4 GiB (no wrap) */
	memcpy(bad, good, len);
	put32(bad + 8, 0x20000000);
	refused(bad, len);
	memcpy(bad, good, len);
	put32(bad + 16, (uint32_t)len);
	refused(bad, len);
	memcpy(bad, good, len);
	put32(bad + 28 + 12, (uint32_t)len);
	refused(bad, len);
	memcpy(bad, good, len);
	put32(bad + 28 + 12, 0xfffffff0u);
	refused(bad, len);
	memcpy(bad, good, len);
	put32(bad + 44 + 8, 0xfffffff0u);
	refused(bad, len);
	/* a string with no NUL where its length ends */
	memcpy(bad, good, len);
	bad[61 + strlen("PCI device %s is not assignable")] = 'x';
	refused(bad, len);
	/* the other byte order reads the same */
	memcpy(swapped, good, len);
	for (size_t off = 0; off < 60; off += 4) {
		uint32_t v;

		memcpy(&v, good + off, 4);
		put32(swapped + off, __builtin_bswap32(v));
	}
	assert_int_equal(mo_catalogue_parse(swapped, len, &c), 0);
	assert_int_equal(mo_catalogue_get(c, 1, &id, &il, &str, &sl), 0);
	assert_string_equal(str, "PCI-Gerät %s lässt sich keinem Gast zuteilen");
	mo_catalogue_free(c);
}

/* msgfmt's own output, truncated and opened from a file: refused, never read past */
static void malformed_files(void **state)
{
	char path[4096], bad_dir[4096], bad_path[4200];
	struct vfd_translated *t;
	struct mo_catalogue *c;
	unsigned char *buf;
	size_t len, cats, refused_n, matchers;
	FILE *f;

	(void)state;
	if (!built)
		skip();
	snprintf(path, sizeof(path), "%s/de/LC_MESSAGES/libvirt.mo", locale_dir);
	assert_int_equal(mo_catalogue_open(path, &c), 0);
	assert_int_equal(mo_catalogue_count(c), 11);
	mo_catalogue_free(c);
	buf = slurp(path, &len);
	for (size_t n = 0; n < len; n++)
		refused(buf, n);
	/* a broken catalogue beside good ones: counted as refused, the others read */
	snprintf(bad_dir, sizeof(bad_dir), "%s/xx", locale_dir);
	assert_int_equal(mkdir(bad_dir, 0700), 0);
	snprintf(bad_dir, sizeof(bad_dir), "%s/xx/LC_MESSAGES", locale_dir);
	assert_int_equal(mkdir(bad_dir, 0700), 0);
	snprintf(bad_path, sizeof(bad_path), "%s/libvirt.mo", bad_dir);
	f = fopen(bad_path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len / 2, f), len / 2);
	fclose(f);
	assert_int_equal(mo_catalogue_open(bad_path, &c), -EBADMSG);
	assert_int_equal(mo_catalogue_open(bad_dir, &c), -EBADMSG);
	assert_int_equal(mo_catalogue_open("/nonexistent/libvirt.mo", &c), -ENOENT);
	assert_int_equal(vfd_translated_load(locale_dir, "libvirt", &t), 0);
	vfd_translated_stats(t, &cats, &refused_n, &matchers);
	assert_int_equal(cats, 3);	/* de, fr, pt_BR */
	assert_int_equal(refused_n, 1);
	assert_true(matchers >= 10);
	vfd_translated_free(t);
	unlink(bad_path);
	rmdir(bad_dir);
	snprintf(bad_dir, sizeof(bad_dir), "%s/xx", locale_dir);
	rmdir(bad_dir);
	free(buf);
}

/* the user's languages: read from the locale as gettext does, their catalogues alone first */
static void user_languages(void **state)
{
	static const struct {
		const char *language, *locale, *want;
	} cases[] = {
		{ NULL, "de_DE.UTF-8", "de_DE:de" },
		{ "", "pt_BR.UTF-8", "pt_BR:pt" },
		{ "fr:de", "de_AT.UTF-8@euro", "fr:de:de_AT@euro:de@euro:de_AT" },
		{ NULL, "sr_RS.UTF-8@latin", "sr_RS@latin:sr@latin:sr_RS:sr" },
		{ "de:de_DE", "de_DE.UTF-8", "de:de_DE" },
		/* a C locale names none, LANGUAGE included, as gettext reads it */
		{ "de", "C", "" },
		{ "de", "C.UTF-8", "" },
		{ "de", "POSIX", "" },
		{ "de", NULL, "" },
		{ NULL, "../../tmp/x", "" },
	};
	const char line[] = "erreur : le périphérique PCI 0000:0a:00.0 ne peut être attribué";
	struct vfd_translation out = { 0 };
	struct vfd_translated *t;
	size_t cats, refused_n, matchers;
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t n = vfd_translated_languages_of(cases[i].language, cases[i].locale, buf,
						       sizeof(buf));

		assert_string_equal(buf, cases[i].want);
		assert_int_equal(n, strlen(cases[i].want));
	}
	/* names that do not fit are left out, never cut */
	assert_int_equal(vfd_translated_languages_of("fr", "de_DE.UTF-8", buf, 6), 5);
	assert_string_equal(buf, "fr:de");
	assert_int_equal(vfd_translated_languages_of("fr", "de_DE", buf, 0), 0);
	if (!built)
		skip();
	/* one language's catalogues only: a line in another is not read */
	assert_int_equal(vfd_translated_load_languages(locale_dir, "libvirt", "fr_FR:fr", &t), 0);
	vfd_translated_stats(t, &cats, &refused_n, &matchers);
	assert_int_equal(cats, 1);
	assert_int_equal(vfd_translated_read(t, line, strlen(line), &out), 1);
	assert_string_equal(out.language, "fr");
	assert_int_equal(vfd_translated_read(t, "Fehler: PCI-Gerät 0000:0a:00.0 lässt sich keinem "
					     "Gast zuteilen", 60, &out), 0);
	vfd_translated_free(t);
	free(out.line);
	/* through explain: a line in none of the user's languages is read all the same */
	{
		static const char german[] = "Fehler: Die verlangte Aktion ist nicht zulässig: "
					     "PCI-Gerät 0000:02:00.0 lässt sich keinem Gast zuteilen";
		struct vfd_parse_error err;
		struct vfd_explain *ex;
		struct vfd_kb *kb;
		const char *language;

		assert_int_equal(vfd_kb_new_builtin(&kb, &err), 0);
		for (int own = 0; own < 2; own++) {
			ex = vfd_explain_new(kb);
			assert_non_null(ex);
			assert_int_equal(vfd_explain_set_locale_dir(ex, locale_dir), 0);
			assert_int_equal(vfd_explain_set_user_locale(ex, NULL, own ? "de_DE.UTF-8" :
								    "fr_FR.UTF-8"), 0);
			assert_int_equal(vfd_explain_feed(ex, german, strlen(german)), 1);
			assert_string_equal(vfd_explain_problem(ex, 0)->entry->id,
					    "libvirt.not-assignable");
			assert_non_null(vfd_explain_translated(ex, 0, &language));
			assert_string_equal(language, "de");
			vfd_explain_free(ex);
		}
		vfd_kb_free(kb);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recognised),
		cmocka_unit_test(errno_and_shapes),
		cmocka_unit_test(no_catalogue),
		cmocka_unit_test(malformed),
		cmocka_unit_test(malformed_files),
		cmocka_unit_test(user_languages),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: test-translated MSGFMT PO_DIR\n");
		return 2;
	}
	msgfmt = argv[1];
	po_dir = argv[2];
	return cmocka_run_group_tests(tests, build_catalogues, remove_catalogues);
}
