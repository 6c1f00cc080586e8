// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The knowledge base: its parser (good files, every kind of malformed file),
 * the pattern matcher (placeholders, log prefixes, case, blanks, word
 * boundaries, which entry wins), value extraction and expansion, and the
 * built-in one, data/kb/NN-NAME.kb (its finding ids must be ones check produces).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/mman.h>

#include "vfd.h"

#define ENTRY(id, extra) "id: " id "\nlayer: kernel\nkind: binding\ntitle: t\nsource: linux:a.c:f\n" \
	extra "meaning: m\ncause: c\nfix: f\n\n"

static struct vfd_kb *parse_ok(const char *text)
{
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;
	int r = vfd_kb_parse(text, strlen(text), &kb, &err);

	if (r < 0)
		print_error("unexpected parse error: line %u: %s\n", err.line, err.message);
	assert_int_equal(r, 0);
	assert_non_null(kb);
	return kb;
}

/* parse must fail on @line with a message containing @what */
static void parse_bad(const char *text, unsigned int line, const char *what)
{
	struct vfd_parse_error err;
	struct vfd_kb *kb = (struct vfd_kb *)1;
	int r = vfd_kb_parse(text, strlen(text), &kb, &err);

	assert_true(r < 0);
	assert_null(kb);
	if (!strstr(err.message, what))
		print_error("message '%s' lacks '%s'\n", err.message, what);
	assert_non_null(strstr(err.message, what));
	assert_int_equal(err.line, line);
}

static void parser_good(void **state)
{
	struct vfd_kb *kb = parse_ok(
		"# a comment\n"
		"format: 1\n"
		"\n"
		"id: kernel.one\n"
		"layer: kernel\n"
		"kind: iommu-off\n"
		"title: the first\n"
		"source: linux:a.c:f\n"
		"source: linux:b.c:g\n"
		"match: first message %num%\n"
		"versions: Linux 6.1\n"
		"match: other wording of it\n"
		"meaning: two lines\n"
		"  joined by one space\n"
		"cause: the cause\n"
		"check: iommu.enabled=fail device.group=fail,warn\n"
		"check: platform.kvm=skip\n"
		"verify: cat /x/%slot%\n"
		"cause: another\n"
		"fix: do it\n"
		"\r\n"
		"id: kernel.two\n"
		"layer: kernel\n"
		"kind: harmless\n"
		"title: harmless\n"
		"source: linux:c.c:h\n"
		"match: nothing wrong here\n"
		"harmless: yes\n"
		"meaning: fine\n");
	const struct vfd_kb_entry *e = vfd_kb_find(kb, "kernel.one");

	assert_int_equal(vfd_kb_count(kb), 2);
	assert_non_null(e);
	assert_string_equal(e->title, "the first");
	assert_int_equal(e->n_sources, 2);
	assert_int_equal(e->n_patterns, 2);
	assert_string_equal(e->patterns[0].versions, "Linux 6.1");
	assert_null(e->patterns[1].versions);
	assert_string_equal(e->meaning, "two lines joined by one space");
	assert_int_equal(e->n_causes, 2);
	assert_int_equal(e->causes[0].n_checks, 2);
	assert_int_equal(e->causes[0].checks[0].n, 2);
	assert_string_equal(e->causes[0].checks[0].conds[1].finding, "device.group");
	assert_int_equal(e->causes[0].checks[0].conds[1].statuses,
			 (1u << VFD_FAIL) | (1u << VFD_WARN));
	assert_string_equal(e->causes[0].verify, "cat /x/%slot%");
	assert_int_equal(e->causes[1].n_checks, 0);
	assert_false(e->harmless);
	assert_false(e->family);
	assert_string_equal(e->kind, "iommu-off");
	assert_true(vfd_kb_find(kb, "kernel.two")->harmless);
	assert_string_equal(vfd_kb_find(kb, "kernel.two")->kind, "harmless");
	assert_ptr_equal(vfd_kb_entry(kb, 1), vfd_kb_find(kb, "kernel.two"));
	assert_null(vfd_kb_entry(kb, 2));
	assert_null(vfd_kb_find(kb, "kernel.three"));
	vfd_kb_free(kb);
}

static void parser_bad(void **state)
{
	parse_bad("", 0, "no entries");
	parse_bad("# only a comment\n", 1, "no entries");
	parse_bad("layer: kernel\n", 1, "must start with 'id:'");
	parse_bad("id: Kernel.one\n", 1, "lower-case words");
	parse_bad("id: nodot\n", 1, "lower-case words");
	parse_bad("no colon here\n", 1, "key: value");
	parse_bad("Id: x.y\n", 1, "lower-case key");
	parse_bad("id:\n", 1, "has no value");
	parse_bad("  continued\n", 1, "continuation line");
	parse_bad("format: 2\n\n" ENTRY("kernel.a", "match: some text\n"), 1, "format '2'");
	parse_bad(ENTRY("kernel.a", "match: some text\n") "format: 1\n", 11, "first stanza");
	parse_bad(ENTRY("kernel.a", "match: some text\n") ENTRY("kernel.a", "match: more text\n"),
		  11, "used twice");
	parse_bad("id: kernel.a\nlayer: firmware\n", 2, "layer 'firmware'");
	parse_bad("id: kernel.a\nbogus: 1\n", 2, "unknown key 'bogus'");
	parse_bad("id: kernel.a\ntitle: a\ntitle: b\n", 3, "given twice");
	parse_bad("id: kernel.a\nharmless: maybe\n", 2, "yes or no");
	parse_bad("id: kernel.a\nversions: 6.1\n", 2, "must follow its 'match:'");
	parse_bad("id: kernel.a\ncheck: iommu.enabled=fail\n", 2, "must follow its 'cause:'");
	parse_bad("id: kernel.a\ncause: c\ncheck: iommu.enabled\n", 3, "FINDING=STATUS");
	parse_bad("id: kernel.a\ncause: c\ncheck: iommu.enabled=bad\n", 3, "unknown status");
	parse_bad("id: kernel.a\ncause: c\ncheck: IOMMU=fail\n", 3, "not a finding id");
	parse_bad("id: kernel.a\ncause: c\ncheck: a.b=\n", 3, "no status");
	parse_bad("id: kernel.a\ncause: c\nverify: x\nverify: y\n", 4, "one 'verify:'");
	parse_bad("id: kernel.a\nmatch: %bogus% text here\n", 2, "unknown placeholder");
	parse_bad("id: kernel.a\nmatch: open %slot and more\n", 2, "unknown placeholder");
	parse_bad("id: kernel.a\nmatch: %any% then text\n", 2, "cannot start with %any%");
	parse_bad("id: kernel.a\nmatch: a b c %num%\n", 2, "literal word of at least");
	parse_bad("id: kernel.a\nmatch: words %num% %num% %num% %num% %num% %num% %num% %num% "
		  "%num%\n", 2, "more than 8 placeholders");
	parse_bad("id: kernel.a\nmatch: some text\n  more\n", 3, "must fit on its 'match:'");
	parse_bad("id: kernel.a\nlayer: kernel\nkind: rom\ntitle: t\nsource: s\nmatch: some text\n"
		  "meaning: m\n", 1, "has no 'cause:'");
	parse_bad("id: kernel.a\nlayer: kernel\nkind: rom\ntitle: t\nsource: s\nmeaning: m\n", 1,
		  "has no 'match:'");
	/* kind: required, from the taxonomy, once, and harmless only with harmless: yes */
	parse_bad("id: kernel.a\nlayer: kernel\ntitle: t\nsource: s\nmatch: some text\n"
		  "meaning: m\ncause: c\nfix: f\n", 1, "has no 'kind:'");
	parse_bad("id: kernel.a\nlayer: kernel\nkind: iommu\n", 3, "kind 'iommu'");
	parse_bad("id: kernel.a\nkind: rom\nkind: reset\n", 3, "given twice");
	parse_bad("id: kernel.a\nfamily: perhaps\n", 2, "yes or no");
	parse_bad(ENTRY("kernel.a", "match: some text\nharmless: yes\n"), 1, "go together");
	parse_bad("id: kernel.a\nlayer: kernel\nkind: harmless\ntitle: t\nsource: s\n"
		  "match: some text\nmeaning: m\ncause: c\nfix: f\n", 1, "go together");
	parse_bad(ENTRY("kernel.a", "match: some text\nfamily: yes\nwrapper: yes\n"), 1,
		  "both a wrapper and a family");
	parse_bad("id: kernel.a\nlayer: kernel\nkind: harmless\nharmless: yes\nfamily: yes\n"
		  "title: t\nsource: s\nmatch: some text\nmeaning: m\n", 1,
		  "a family entry cannot be harmless");
	parse_bad(ENTRY("kernel.a", "match: some text\nbroad: yes\n"), 1, "needs 'family: yes'");
	{
		char big[5000];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		big[0] = 'i';
		big[1] = 'd';
		big[2] = ':';
		parse_bad(big, 1, "longer than");
	}
	{
		static const char nul[] = "id: kernel.a\nti\0tle: t\n";
		struct vfd_parse_error err;
		struct vfd_kb *kb;

		assert_true(vfd_kb_parse(nul, sizeof(nul) - 1, &kb, &err) < 0);
		assert_int_equal(err.line, 2);
	}
}

static struct vfd_kb *small_kb(void)
{
	return parse_ok(
		ENTRY("kernel.probe-any", "match: %word%: probe of %slot% failed with error %errno%\n")
		ENTRY("kernel.probe-einval", "match: vfio-pci: probe of %slot% failed with error -22\n")
		ENTRY("qemu.group", "match: group %group% is not viable\n"
				    "match: Please ensure all devices within the iommu_group\n")
		ENTRY("qemu.open", "match: Could not open '/dev/vfio/%group%': %errno%\n")
		ENTRY("qemu.fault", "match: Request device [%slot%] fault addr %word%\n")
		ENTRY("qemu.dma", "match: dma_map(%any%) = -12 (Cannot allocate memory)\n")
		ENTRY("kernel.spaces", "match: No interrupt remapping support. Use the module\n")
		ENTRY("kernel.task", "match: task \"%process%\" (%num%) blocked\n")
		ENTRY("kernel.path", "match: couldn't open directory %path%: %errno%\n")
		ENTRY("libvirt.wrap", "wrapper: yes\nmatch: unexpectedly closed the monitor\n")
		ENTRY("kernel.pct", "match: 100%% done for %bar%\n"));
}

static const struct vfd_kb_match *match(struct vfd_kb *kb, const char *line)
{
	static struct vfd_kb_match m;
	int r = vfd_kb_match(kb, line, strlen(line), &m);

	assert_true(r == 0 || r == 1);
	return r == 1 ? &m : NULL;
}

static void expect(struct vfd_kb *kb, const char *line, const char *id)
{
	const struct vfd_kb_match *m = match(kb, line);

	if (!id) {
		if (m)
			print_error("'%s' matched %s\n", line, m->entry->id);
		assert_null(m);
		return;
	}
	if (!m || strcmp(m->entry->id, id) != 0)
		print_error("'%s': expected %s, got %s\n", line, id, m ? m->entry->id : "none");
	assert_non_null(m);
	assert_string_equal(m->entry->id, id);
}

/*
 * a base of 600 entries of short patterns and patterns of twelve words, so
 * that the entries, the patterns and the prefilter's word lists all grow
 * many times over; the first line is an entry's, with no line end before it
 */
static void parser_sizes(void **state)
{
	size_t cap = 600 * 1000, len = 0;
	char *text = malloc(cap);
	struct vfd_kb *kb;

	(void)state;
	assert_non_null(text);
	for (int i = 0; i < 600; i++) {
		len += (size_t)snprintf(text + len, cap - len, "id: kernel.entry-%d\nlayer: kernel\n"
			"kind: reset\ntitle: t\nsource: linux:a.c:f\nmeaning: m\ncause: c\nfix: f\n"
			"match: alpha%d bravo charlie delta echo foxtrot golf hotel india juliet kilo lima\n",
			i, i);
		for (int k = 0; k < 8; k++)
			len += (size_t)snprintf(text + len, cap - len, "match: short%d-%d %%num%%\n", i, k);
		text[len++] = '\n';
	}
	text[len] = '\0';
	kb = parse_ok(text);
	assert_int_equal(vfd_kb_count(kb), 600);
	expect(kb, "alpha0 bravo charlie delta echo foxtrot golf hotel india juliet kilo lima",
	       "kernel.entry-0");
	expect(kb, "x: alpha599 bravo charlie delta echo foxtrot golf hotel india juliet kilo lima",
	       "kernel.entry-599");
	expect(kb, "short312-7 17", "kernel.entry-312");
	expect(kb, "alpha7 bravo charlie delta echo foxtrot golf hotel india juliet kilo", NULL);
	vfd_kb_free(kb);
	free(text);
}

/* a private writable mapping holding @text and a zero byte; *@map_len its size */
static char *map_text(const char *text, size_t *map_len)
{
	char *map;

	*map_len = (strlen(text) / 4096 + 1) * 4096;
	map = mmap(NULL, *map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(map != MAP_FAILED);
	memcpy(map, text, strlen(text));
	return map;
}

/* a text in a mapping: taken, matched, unmapped with the base or on failure */
static void parser_mapped(void **state)
{
	const char *good = ENTRY("kernel.mapped", "match: a mapped message %num%\n");
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;
	size_t map_len;
	char *map;
	unsigned char in_core;

	(void)state;
	map = map_text(good, &map_len);
	assert_int_equal(vfd_kb_parse_take_mapped(map, strlen(good), map_len, &kb, &err), 0);
	expect(kb, "x: a mapped message 42", "kernel.mapped");
	vfd_kb_free(kb);
	/* unmapped: mincore() refuses a range that is not mapped */
	assert_int_equal(mincore(map, 4096, &in_core), -1);

	map = map_text("id: kernel.bad\nlayer: firmware\n", &map_len);
	kb = (struct vfd_kb *)1;
	assert_true(vfd_kb_parse_take_mapped(map, 30, map_len, &kb, &err) < 0);
	assert_null(kb);
	assert_int_equal(err.line, 2);
	assert_int_equal(mincore(map, 4096, &in_core), -1);

	/* no room for the zero byte after the text: refused, and unmapped too */
	map = map_text(good, &map_len);
	assert_int_equal(vfd_kb_parse_take_mapped(map, map_len, map_len, &kb, &err), -EINVAL);
	assert_int_equal(mincore(map, 4096, &in_core), -1);
}

static void matcher_prefixes(void **state)
{
	struct vfd_kb *kb = small_kb();
	static const char *const lines[] = {
		"vfio-pci: probe of 0000:01:00.0 failed with error -22",
		"[    3.141592] vfio-pci: probe of 0000:01:00.0 failed with error -22",
		"Feb 07 10:02:08 pve kernel: vfio-pci: probe of 0000:01:00.0 failed with error -22",
		"3,812,3141592,-;vfio-pci: probe of 0000:01:00.0 failed with error -22",
		("2024-02-07T09:02:08+01:00 host kernel: [ 3.1] vfio-pci: probe of 0000:01:00.0 failed "
		 "with error -22"),
		"<3>vfio-pci: probe of 0000:01:00.0 failed with error -22",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const struct vfd_kb_match *m = match(kb, lines[i]);

		assert_non_null(m);
		assert_string_equal(m->entry->id, "kernel.probe-einval");
		assert_string_equal(vfd_kb_match_value(m, VFD_KB_SLOT), "0000:01:00.0");
		assert_int_equal(m->end, strlen(lines[i]));
		assert_memory_equal(lines[i] + m->start, "vfio-pci", 8);
	}
	vfd_kb_free(kb);
}

static void matcher_values(void **state)
{
	struct vfd_kb *kb = small_kb();
	const struct vfd_kb_match *m;

	/* the specific -22 entry beats the generic one; other errnos go to the generic */
	m = match(kb, "e1000e: probe of 0000:00:19.0 failed with error -5");
	assert_non_null(m);
	assert_string_equal(m->entry->id, "kernel.probe-any");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_WORD), "e1000e");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_ERRNO), "-5");
	/* "-2" must not stop inside "-22" */
	m = match(kb, "vfio-pci: probe of 0000:01:00.0 failed with error -222");
	assert_string_equal(m->entry->id, "kernel.probe-any");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_ERRNO), "-222");
	/* strerror text, trailing blanks trimmed */
	m = match(kb, "vfio 0000:01:00.0: Could not open '/dev/vfio/17': No such file or directory  ");
	assert_string_equal(m->entry->id, "qemu.open");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_GROUP), "17");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_ERRNO), "No such file or directory");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_SLOT), "0000:01:00.0");
	assert_true(m->slot_from_prefix);
	/* the group node, not the container node */
	expect(kb, "Could not open '/dev/vfio/vfio': No such file or directory", NULL);
	/* short addresses are stored in full, hex in lower case */
	m = match(kb, "DMAR: [DMA Read NO_PASID] Request device [0A:00.1] fault addr 0xfe0a0000 "
		  "[fault reason 0x06]");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_SLOT), "0000:0a:00.1");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_WORD), "0xfe0a0000");
	/* a slot with a five-digit (VMD) domain */
	m = match(kb, "vfio-pci: probe of 10000:e1:00.0 failed with error -22");
	assert_non_null(m);
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_SLOT), "10000:e1:00.0");
	/* a placeholder address, as a poster or a guide wrote it, kept as written */
	static const char *const placeholders[] = { "0000:0X:00.0", "0000:xx:00.0", "XX:XX.X",
						    "<BDF>", "0000:NN:NN.N", "<pci address>" };
	for (size_t i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++) {
		char line[128];

		snprintf(line, sizeof(line), "vfio-pci: probe of %s failed with error -22",
			 placeholders[i]);
		m = match(kb, line);
		assert_non_null(m);
		assert_string_equal(m->entry->id, "kernel.probe-einval");
		assert_string_equal(vfd_kb_match_value(m, VFD_KB_SLOT), placeholders[i]);
	}
	/* and in the prefix; but not a word, a placeholder in the wrong place, or "<a=b>" */
	m = match(kb, "vfio 0000:0X:00.0: Could not open '/dev/vfio/17': No such file or directory");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_SLOT), "0000:0X:00.0");
	expect(kb, "vfio-pci: probe of device failed with error -22", NULL);
	expect(kb, "vfio-pci: probe of 0000:0X:00.8 failed with error -22", NULL);
	expect(kb, "vfio-pci: probe of <dev=1> failed with error -22", NULL);
	expect(kb, "vfio-pci: probe of <> failed with error -22", NULL);
	/* %any% inside parentheses, greedy but the match still ends right */
	m = match(kb, "Region pc.ram: vfio_dma_map(0x55, 0x0, 0x8000) = -12 (Cannot allocate memory)");
	assert_string_equal(m->entry->id, "qemu.dma");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_ANY), "0x55, 0x0, 0x8000");
	/* process names between quotes; paths holding colons */
	m = match(kb, "vfio-pci 0000:01:00.0: Device is currently in use, task \"qemu-system-x86\" "
		  "(4242) blocked until device is released");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_PROCESS), "qemu-system-x86");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_NUM), "4242");
	m = match(kb, "couldn't open directory /sys/bus/pci/devices/0000:01:00.0/vfio-dev: "
		  "No such file or directory");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_PATH),
			    "/sys/bus/pci/devices/0000:01:00.0/vfio-dev");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_ERRNO), "No such file or directory");
	/* %% is a literal percent sign */
	m = match(kb, "100% done for 3");
	assert_string_equal(m->entry->id, "kernel.pct");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_BAR), "3");
	vfd_kb_free(kb);
}

static void matcher_rules(void **state)
{
	struct vfd_kb *kb = small_kb();
	const struct vfd_kb_match *m;

	/* letters in either case; a blank run matches any run of blanks */
	expect(kb, "GROUP 3 IS NOT VIABLE", "qemu.group");
	expect(kb, "no interrupt remapping support.  Use the   module", "kernel.spaces");
	expect(kb, "no interrupt remapping support.\tUse the module", "kernel.spaces");
	expect(kb, "no interrupt remapping support.Use the module", NULL);
	/* words are not matched inside longer words */
	expect(kb, "subgroup 3 is not viable", NULL);
	expect(kb, "group 3 is not viablex", NULL);
	expect(kb, "group 3x is not viable", NULL);
	expect(kb, "group is not viable", NULL);
	/* a wrapper loses to the message it carries, and wins alone */
	m = match(kb, "error: internal error: qemu unexpectedly closed the monitor: 2024-02-07T09:02"
		  ":08Z qemu-system-x86_64: -device {\"driver\":\"vfio-pci\",\"host\":\"0000:07:00.0\"}"
		  ": vfio 0000:07:00.0: group 49 is not viable");
	assert_string_equal(m->entry->id, "qemu.group");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_GROUP), "49");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_SLOT), "0000:07:00.0");
	expect(kb, "error: internal error: qemu unexpectedly closed the monitor: boom", "libvirt.wrap");
	/* the message that starts first wins over a longer one later in the line */
	m = match(kb, "vfio: error, group 12 is not viable, please ensure all devices within the "
		  "iommu_group are bound");
	assert_string_equal(m->entry->id, "qemu.group");
	assert_int_equal(m->pattern, 0);
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_GROUP), "12");
	/* QEMU's short host= form gives the slot */
	m = match(kb, "qemu-kvm: -device vfio-pci,host=0e:00.0,id=hostdev0: vfio: group 4 is not "
		  "viable");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_SLOT), "0000:0e:00.0");
	/* nothing, empty, NUL bytes, very long lines */
	expect(kb, "", NULL);
	expect(kb, "a line about something else entirely", NULL);
	{
		static const char withnul[] = "group 5 is\0not viable";
		struct vfd_kb_match mm;

		assert_int_equal(vfd_kb_match(kb, withnul, sizeof(withnul) - 1, &mm), 0);
	}
	{
		size_t n = 200000;
		char *big = malloc(n + 64);

		assert_non_null(big);
		memset(big, 'a', n);
		strcpy(big + n, " group 7 is not viable");
		/* beyond the first 64 KiB: not looked at */
		expect(kb, big, NULL);
		memcpy(big, "group 8 is not viable ", 22);
		m = match(kb, big);
		assert_string_equal(vfd_kb_match_value(m, VFD_KB_GROUP), "8");
		free(big);
	}
	{
		struct vfd_kb_match mm;

		assert_int_equal(vfd_kb_match(NULL, "x", 1, &mm), -22);
	}
	vfd_kb_free(kb);
}

/* wrapper < family < dedicated, whatever the position in the line */
static void matcher_family(void **state)
{
	struct vfd_kb *kb = parse_ok(
		ENTRY("libvirt.wrap", "wrapper: yes\nmatch: unexpectedly closed the monitor\n")
		ENTRY("kernel.vfio-pci-family", "family: yes\nmatch: vfio-pci %slot%: %any%\n")
		ENTRY("kernel.dedicated", "match: Refused to change power state\n"));
	const struct vfd_kb_match *m;

	m = match(kb, "[ 1.0] vfio-pci 0000:01:00.0: Refused to change power state from D0");
	assert_string_equal(m->entry->id, "kernel.dedicated");
	assert_true(vfd_kb_find(kb, "kernel.vfio-pci-family")->family);
	m = match(kb, "[ 1.0] vfio-pci 0000:01:00.0: something never seen before");
	assert_string_equal(m->entry->id, "kernel.vfio-pci-family");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_SLOT), "0000:01:00.0");
	assert_string_equal(vfd_kb_match_value(m, VFD_KB_ANY), "something never seen before");
	expect(kb, "qemu unexpectedly closed the monitor: vfio-pci 0000:01:00.0: boom",
	       "kernel.vfio-pci-family");
	expect(kb, "qemu unexpectedly closed the monitor: boom", "libvirt.wrap");
	vfd_kb_free(kb);
}

/* a broad family of one kind of cause: thing and kind word anywhere */
#define BROAD(id, kind, extra) "id: " id "\nlayer: kernel\nkind: " kind "\nfamily: yes\n" \
	"broad: yes\ntitle: t\nsource: linux:a.c:f\n" extra "meaning: m\ncause: c\nfix: f\n\n"

/*
 * wrapper < broad family < harmless wrapper < family < dedicated; between
 * broad families the one whose kind the line's words confirm, then the
 * earlier entry; a broad family's kind is read from the whole line
 */
static void matcher_broad(void **state)
{
	struct vfd_kb *kb = parse_ok(
		BROAD("kinds.reset", "reset", "match: vfio%any%reset\nmatch: reset%any%vfio\n")
		BROAD("kinds.busy", "device-busy", "match: vfio%any%busy\nmatch: busy%any%vfio\n")
		BROAD("kinds.vfio-any", "binding", "match: vfio%any%failed\nmatch: failed%any%vfio\n")
		ENTRY("kernel.vfio-pci-family", "family: yes\nmatch: vfio-pci %slot%: %any%\n")
		"id: kernel.listing\nlayer: kernel\nkind: harmless\nharmless: yes\nwrapper: yes\n"
		"title: t\nsource: linux:a.c:f\nmatch: debug : %any%\nmeaning: m\n\n"
		ENTRY("libvirt.wrap", "wrapper: yes\nmatch: unexpectedly closed the monitor\n"));
	struct vfd_explain *ex = vfd_explain_new(kb);
	const char *line;

	/* the program's own family, though it starts later in the line */
	expect(kb, "host: reset of vfio-pci 0000:01:00.0: failed", "kernel.vfio-pci-family");
	/* a broad family over a wrapper, under a harmless one */
	expect(kb, "qemu unexpectedly closed the monitor: vfio: cannot reset",
	       "kinds.reset");
	expect(kb, "1234: debug : vfio device reset", "kernel.listing");
	/* "busy" is read before "reset" (data/kind-words.tsv): the busy family */
	expect(kb, "failed to reset the vfio device: Device or resource busy", "kinds.busy");
	/* no kind word: the fallback; a kind word: its family, not the fallback */
	expect(kb, "vfio container setup failed", "kinds.vfio-any");
	expect(kb, "vfio container reset failed", "kinds.reset");
	/* the kind reported is read from the whole line, before the pattern's start */
	assert_non_null(ex);
	line = "access denied: vfio reset";
	assert_int_equal(vfd_explain_feed(ex, line, strlen(line)), 1);
	assert_int_equal(vfd_explain_count(ex), 1);
	assert_string_equal(vfd_explain_problem(ex, 0)->entry->id, "kinds.reset");
	assert_string_equal(vfd_explain_problem(ex, 0)->kind, "permission");
	vfd_explain_free(ex);
	vfd_kb_free(kb);
}

/*
 * The prefilter chooses the word it looks for first again after a sample of
 * the first lines (lib/logs/kb-prefilter.c): "quux" looks rarest by its letters,
 * but every line of this log holds it. Matches must be the same before the
 * sample, during it and after.
 */
static void matcher_after_sample(void **state)
{
	struct vfd_kb *kb = parse_ok(
		ENTRY("kernel.quux", "match: quux frobbed %num% apples\n")
		ENTRY("kernel.zebra", "match: zebra crossing %word% closed\n"));
	char line[80];

	for (int i = 0; i < 12000; i++) {
		snprintf(line, sizeof(line), "[ %d.5] quux line %d frobbed", i, i);
		expect(kb, line, NULL);
		if (i % 1000 == 999) {
			const struct vfd_kb_match *m = match(kb, "[ 9.0] quux frobbed 12 apples");

			assert_non_null(m);
			assert_string_equal(m->entry->id, "kernel.quux");
			assert_string_equal(vfd_kb_match_value(m, VFD_KB_NUM), "12");
			expect(kb, "Zebra crossing 7 closed", "kernel.zebra");
			expect(kb, "quux frobbed 12 pears", NULL);
			expect(kb, "frobbed 12 apples", NULL);
		}
	}
	vfd_kb_free(kb);
}

static void expand(void **state)
{
	struct vfd_kb *kb = small_kb();
	const struct vfd_kb_match *m = match(kb, "vfio 0000:01:00.0: Could not open '/dev/vfio/3': "
					     "Permission denied");
	char *s;

	s = vfd_kb_expand("ls -l /dev/vfio/%group% for %slot% (%bar%), 100%", m);
	assert_string_equal(s, "ls -l /dev/vfio/3 for 0000:01:00.0 (<bar>), 100%");
	free(s);
	s = vfd_kb_expand("%slot%%slot%", NULL);
	assert_string_equal(s, "<slot><slot>");
	free(s);
	s = vfd_kb_expand("", m);
	assert_string_equal(s, "");
	free(s);
	vfd_kb_free(kb);
}

/* the finding ids lib/checks/check-host.c and lib/checks/check-device.c produce */
static const char *const findings[] = {
	"platform.cpu", "platform.kvm", "firmware.iommu-table", "iommu.enabled",
	"iommu.cmdline-option", "iommu.cmdline-passthrough", "iommu.acs-override",
	"iommu.cmdline-vfio-ids", "iommu.cmdline-unsafe-interrupts", "iommu.cmdline",
	"iommu.interrupt-remapping", "modules.vfio", "modules.vfio_iommu_type1", "modules.vfio_pci",
	"modules.vfio-node", "device.group", "device.driver", "device.node", "device.reset",
	"device.boot-vga", "device.siblings", "device.none",
};

static void builtin(void **state)
{
	struct vfd_parse_error err;
	struct vfd_kb *kb;
	size_t len, harmless = 0, checked = 0;

	assert_non_null(vfd_kb_builtin_text(&len));
	assert_true(len > 1000);
	assert_int_equal(vfd_kb_new_builtin(&kb, &err), 0);
	assert_true(vfd_kb_count(kb) >= 80);
	for (size_t i = 0; i < vfd_kb_count(kb); i++) {
		const struct vfd_kb_entry *e = vfd_kb_entry(kb, i);

		harmless += e->harmless;
		assert_true(e->n_sources > 0 && strchr(e->sources[0], ':'));
		for (size_t c = 0; c < e->n_causes; c++) {
			for (size_t k = 0; k < e->causes[c].n_checks; k++) {
				for (size_t j = 0; j < e->causes[c].checks[k].n; j++) {
					const char *id = e->causes[c].checks[k].conds[j].finding;
					bool known = false;

					for (size_t f = 0; f < sizeof(findings) / sizeof(*findings); f++)
						known |= strcmp(id, findings[f]) == 0;
					if (!known)
						print_error("%s: unknown finding %s\n", e->id, id);
					assert_true(known);
					checked++;
				}
			}
		}
	}
	assert_true(harmless >= 10);
	assert_true(checked >= 50);
	vfd_kb_free(kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parser_good),
		cmocka_unit_test(parser_bad),
		cmocka_unit_test(parser_sizes),
		cmocka_unit_test(parser_mapped),
		cmocka_unit_test(matcher_prefixes),
		cmocka_unit_test(matcher_values),
		cmocka_unit_test(matcher_rules),
		cmocka_unit_test(matcher_family),
		cmocka_unit_test(matcher_broad),
		cmocka_unit_test(matcher_after_sample),
		cmocka_unit_test(expand),
		cmocka_unit_test(builtin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
