// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kind of cause of a message known only by its family (or carried by a
 * wrapper entry, whose own kind is a guess too). A family entry
 * ("vfio-pci %slot%: %any%") covers many messages with one kind:, a guess for
 * the subsystem; the message itself usually says more ("... BAR 0 ...", "...
 * Device or resource busy"). The words of each kind are data
 * (data/kind-words.tsv, compiled in), read once into a fixed table: the
 * first row with a word in the message names the kind, except that the
 * family's own kind stands when the message has a word of it and no word
 * of the rows before the objects (firmware, remapping, no IOMMU, viability,
 * busy, denied), and against the words of a row whose third column names
 * the family's kind (a GPU driver's own probe is no vfio binding): "VCN not responding, trying to reset" in the GPU drivers'
 * family is the GPU's own trouble, not a PCI reset; "probe failed: Device or
 * resource busy" in the vfio family is still a busy device. Before the
 * words, the cause the message carries (kb-cause.c: an errno by the path it
 * is about, "not viable", "no IOMMU"); and kb_match_kind gives a dedicated
 * entry of a stage kind the cause its captured errno carries.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "kb-cause.h"
#include "kb-stamp.h"

extern const char vfd_kind_words_data[];
extern const size_t vfd_kind_words_size;

#define KIND_MAX_WORDS 448	/* 319 words in the twelfth round: room for the next */
#define KIND_TEXT_MAX 6144

struct kind_word {
	const char *text;	/* lower case, without the '*' */
	size_t len;
	bool prefix;		/* ended in '*': a word may go on after it */
	unsigned int row;	/* the row: lower wins */
	const char *kind;	/* one of vfd_kb_kinds */
	uint32_t bit;		/* its bit (kind_bit()) */
	uint32_t kept_by;	/* bit i: a family of vfd_kb_kinds[i] keeps its own kind
				   against this word (the row's third column) */
};

static struct {
	int state;		/* 0 not read, 1 ready, -errno broken */
	char text[KIND_TEXT_MAX];
	struct kind_word words[KIND_MAX_WORDS];
	size_t n;
	unsigned int object_row;	/* the first row of the objects (rom): see kind_of */
	/* the words by their first byte, each byte's in table order */
	uint16_t by_first[KIND_MAX_WORDS];
	uint16_t first_start[257];
} table;

static const char *known_kind(const char *s, size_t len)
{
	for (size_t i = 0; vfd_kb_kinds[i]; i++)
		if (strlen(vfd_kb_kinds[i]) == len && strncmp(vfd_kb_kinds[i], s, len) == 0)
			return vfd_kb_kinds[i];
	return NULL;
}

/* bit i for vfd_kb_kinds[i] == @kind, 0 for none */
static uint32_t kind_bit(const char *kind)
{
	for (size_t i = 0; vfd_kb_kinds[i] && i < 32; i++)
		if (strcmp(vfd_kb_kinds[i], kind) == 0)
			return UINT32_C(1) << i;
	return 0;
}

/* a row's third column, "kind,kind", into bits; -EINVAL for a kind not in the taxonomy */
static int kinds_read(const char *p, const char *end, uint32_t *bits)
{
	*bits = 0;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *kend = comma ? comma : end;
		const char *kind = known_kind(p, (size_t)(kend - p));

		if (!kind)
			return -EINVAL;
		*bits |= kind_bit(kind);
		p = kend + 1;
	}
	return 0;
}

/* data/kind-words.tsv into the table; -EINVAL for a kind not in the taxonomy */
static int table_read(const char *p, const char *end)
{
	size_t used = 0;
	unsigned int row = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end, *tab, *tab2, *words_end;
		const char *kind;
		uint32_t kept_by;

		if (p == eol || *p == '#') {
			p = eol + 1;
			continue;
		}
		tab = memchr(p, '\t', (size_t)(eol - p));
		kind = tab ? known_kind(p, (size_t)(tab - p)) : NULL;
		if (!kind)
			return -EINVAL;
		/* the words end at an optional third column: the kinds that keep theirs */
		tab2 = memchr(tab + 1, '\t', (size_t)(eol - tab - 1));
		words_end = tab2 ? tab2 : eol;
		if (tab2 && kinds_read(tab2 + 1, eol, &kept_by) < 0)
			return -EINVAL;
		if (!tab2)
			kept_by = 0;
		for (const char *w = tab + 1; w < words_end;) {
			const char *bar = memchr(w, '|', (size_t)(words_end - w));
			const char *wend = bar ? bar : words_end;
			size_t len = (size_t)(wend - w);
			struct kind_word *kw = &table.words[table.n];

			if (len == 0 || table.n == KIND_MAX_WORDS || used + len + 1 > KIND_TEXT_MAX)
				return -EINVAL;
			kw->prefix = w[len - 1] == '*';
			kw->len = len - kw->prefix;
			memcpy(table.text + used, w, kw->len);
			table.text[used + kw->len] = '\0';
			kw->text = table.text + used;
			kw->row = row;
			kw->kind = kind;
			kw->bit = kind_bit(kind);
			kw->kept_by = kept_by;
			if (strcmp(kind, "rom") == 0 && !table.object_row)
				table.object_row = row;
			used += kw->len + 1;
			table.n++;
			w = wend + 1;
		}
		row++;
		p = eol + 1;
	}
	/* a counting sort by first byte, stable: a message's byte asks only its words */
	for (size_t k = 0; k < table.n; k++)
		table.first_start[(unsigned char)table.words[k].text[0] + 1]++;
	for (size_t c = 0; c < 256; c++)
		table.first_start[c + 1] += table.first_start[c];
	{
		uint16_t at[256];

		memcpy(at, table.first_start, sizeof(at));
		for (size_t k = 0; k < table.n; k++)
			table.by_first[at[(unsigned char)table.words[k].text[0]]++] = (uint16_t)k;
	}
	return 0;
}

static int table_ready(void)
{
	if (table.state == 0) {
		int r = table_read(vfd_kind_words_data,
				   vfd_kind_words_data + vfd_kind_words_size - 1);

		table.state = r < 0 ? r : 1;
	}
	return table.state < 0 ? table.state : 0;
}

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* the length of the text @w matches at @s (a blank of @w: a run of blanks), or 0 */
static size_t word_at(const struct kind_word *w, const char *s, size_t len)
{
	size_t i = 0, k = 0;

	while (k < w->len) {
		if (w->text[k] == ' ') {
			if (i == len || (s[i] != ' ' && s[i] != '\t'))
				return 0;
			while (i < len && (s[i] == ' ' || s[i] == '\t'))
				i++;
			k++;
			continue;
		}
		if (i == len || lower(s[i]) != w->text[k])
			return 0;
		i++;
		k++;
	}
	/* the message's word ends here, or goes on in digits ("BAR0"), or may go on */
	if (!w->prefix && i < len && word_char(s[i]) && !(s[i] >= '0' && s[i] <= '9'))
		return 0;
	return i;
}

/*
 * Where the message proper starts: QEMU repeats the option that failed
 * before its message ("qemu-system-x86_64: -device vfio-pci,host=...,
 * romfile=x.rom: vfio ...: message", qemu-options.c error_loc), and the
 * user's option words (romfile, rombar, x-vga) say nothing about the cause.
 * The echo runs from ": -NAME " to the next ": "; the JSON form of -device
 * has no ": " inside.
 */
static size_t message_start(const char *msg, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++) {
		if (msg[i] != ':' || msg[i + 1] != ' ' || msg[i + 2] != '-' ||
		    !(msg[i + 3] >= 'a' && msg[i + 3] <= 'z'))
			continue;
		for (size_t k = i + 3; k + 1 < len; k++)
			if (msg[k] == ':' && msg[k + 1] == ' ')
				return k + 2;
		break;
	}
	return 0;
}

/*
 * The option QEMU echoes before the message is a -drive: the error is the
 * block layer's about the disk the VM is given (blockdev.c drive_new,
 * block.c bdrv_open: "Could not open", "Could not refresh total sector
 * count" when the file is a character device lseek cannot size). The
 * words of the echo (a file=/dev/vfio/... path) are the VM's definition,
 * not an assigned device.
 */
static bool drive_option_echo(const char *msg, size_t len, size_t from)
{
	for (size_t i = 0; from > 0 && i + 9 <= from; i++)
		if (msg[i] == ':' && msg[i + 1] == ' ' && msg[i + 2] == '-')
			return strncmp(msg + i + 2, "-drive ", 7) == 0;
	return false;
}

/*
 * strerror texts whose words are no cause: ECONNRESET's "reset" is a socket
 * the other side closed (QEMU died: libvirt's "Unable to read from monitor:
 * Connection reset by peer"), not a device reset; EAGAIN's "resource" and
 * ENOSPC's "no space" are no BAR (ENOSPC is a full disk, no interrupt vector
 * left, or type1's limit of DMA mappings). The length of the one at @s, or 0.
 */
static size_t mute_errno_at(const char *s, size_t len)
{
	static const char *const mute[] = { "connection reset by peer",
					    "resource temporarily unavailable",
					    "no space left on device" };

	for (size_t k = 0; k < ARRAY_SIZE(mute); k++) {
		size_t n = strlen(mute[k]);

		if (len >= n && strncasecmp(s, mute[k], n) == 0)
			return n;
	}
	return 0;
}

const char *vfd_kb_kind_of(const struct vfd_kb_entry *entry, const char *msg, size_t len)
{
	const struct kind_word *best = NULL;
	bool own = false;
	uint32_t own_bit;

	/*
	 * a wrapper ("echo: write error: %errno%", "qemu unexpectedly closed
	 * the monitor: %any%") matched because nothing knew the message it
	 * carries: what that message says is read as a family's is. A harmless
	 * wrapper (a listing such as "BAR 0 [mem ...]") has no cause to read.
	 */
	const char *inner;
	size_t from;

	if (!(entry->family || entry->wrapper) || entry->harmless || !msg || table_ready() < 0)
		return entry->kind;
	/*
	 * the cause the message carries (an errno where its meaning is settled,
	 * "not viable", "no IOMMU": kb-cause.c) before the words: "failed to
	 * open /dev/vfio/3: No such file or directory" is a device not bound to
	 * vfio-pci, whatever "failed to open" suggests
	 */
	from = message_start(msg, len);
	inner = kb_inner_cause(msg + from, len - from, msg + from, len - from, false);
	if (inner)
		return inner;
	if (drive_option_echo(msg, len, from))
		return "config";
	own_bit = kind_bit(entry->kind);
	for (size_t i = from; i < len; i++) {
		if (i > 0 && word_char(msg[i - 1]))
			continue;
		unsigned char c = (unsigned char)lower(msg[i]);
		size_t skip;

		if ((c == 'c' || c == 'r' || c == 'n') && (skip = mute_errno_at(msg + i, len - i)) != 0) {
			i += skip - 1;
			continue;
		}
		/* only the words that start with the byte there, in table order */
		for (size_t j = table.first_start[c]; j < table.first_start[c + 1]; j++) {
			const struct kind_word *w = &table.words[table.by_first[j]];

			/* its kind the entry's: by their bits (a strcmp() a word was a
			   fiftieth of a boot log), by name only for a kind with none */
			if (!own && w->bit == own_bit &&
			    (own_bit || strcmp(w->kind, entry->kind) == 0) && word_at(w, msg + i, len - i))
				own = true;
			/* a word this family's kind keeps its own against is no word here */
			if ((best && w->row >= best->row) || (w->kept_by & own_bit))
				continue;
			if (word_at(w, msg + i, len - i))
				best = w;
		}
	}
	if (own && (!best || best->row >= table.object_row))
		return entry->kind;
	return best ? best->kind : entry->kind;
}

/*
 * The kind of a matched line. A family or a wrapper reads the message
 * (vfd_kb_kind_of). A dedicated entry's kind is its message's, but an entry
 * whose kind is a stage and that captures the errno, or the text after its
 * words, as a value says only which step failed (binding: a probe, a
 * device open; config: a VM start, a device add; guest-driver: a GPU
 * driver's probe or init): the cause carried in those values (kb-cause.c)
 * decides when it settles a kind. An entry of a cause kind was written
 * knowing what its step's errnos mean there ("Failed to add to iommu group
 * N: -16" is the group's default domain, not a device in use).
 * An entry that spells its errno ("... probe ... failed with error -16",
 * "failed to set iommu for container: Operation not permitted") was written
 * for that errno and keeps its kind. Why here and not in the ranking: the
 * entry that matched still explains the step (its meaning, its fixes); only
 * the kind the user has to fix moves, and the ranking stays one comparison
 * per candidate (kb-match.c asks this only for families, whose kind it reads
 * the same way).
 */
const char *kb_match_kind(const struct vfd_kb_match *m, const char *line, size_t len)
{
	const struct vfd_kb_entry *e = m->entry;

	if (!e)
		return NULL;
	/* kept with the cache's reading of this line (kb-match.c) */
	if (m->kind && m->kind_line == line && m->kind_len == len)
		return m->kind;
	if (e->broad)
		return vfd_kb_kind_of(e, line, len);
	if (e->family || e->wrapper || e->harmless || !line || m->start > len)
		return vfd_kb_kind_of(e, line + m->start, len - m->start);
	if (!kb_stage_kind(e->kind))
		return e->kind;
	for (size_t v = 0; v < m->n_values; v++) {
		const struct vfd_kb_value *val = &m->values[v];
		const char *inner;

		if ((val->type != VFD_KB_ERRNO && val->type != VFD_KB_ANY) ||
		    m->value_end[v] <= m->value_start[v] || m->value_end[v] > len)
			continue;
		inner = kb_inner_cause(line + m->start, len - m->start, line + m->value_start[v],
				       m->value_end[v] - m->value_start[v], true);
		if (inner)
			return inner;
	}
	return e->kind;
}

int vfd_kb_kind_table_check(void)
{
	return table_ready();
}

/* a kind word's bytes up to its first blank, as word_at() compares them */
static bool kind_fits(const void *ctx, size_t k, unsigned char b)
{
	const struct kind_word *w = ctx;

	return lower((char)b) == w->text[k];
}

bool kb_kind_words_may_start_in_stamp(void)
{
	if (table_ready() < 0)
		return true;
	/*
	 * a blank of a word takes a run of blanks, which the stamp's grammar
	 * does not walk: a word that could reach its blank inside a stamp
	 * counts as one that may start there
	 */
	for (size_t k = 0; k < table.n; k++) {
		const struct kind_word *w = &table.words[k];
		const char *blank = memchr(w->text, ' ', w->len);

		if (kb_stamp_may_start(kind_fits, w, blank ? (size_t)(blank - w->text) : w->len))
			return true;
	}
	return false;
}
