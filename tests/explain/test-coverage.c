// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TAP test: the knowledge base covers the message catalogue (data/catalogue.tsv,
 * harvested from the programs' sources by tools/harvest-messages).
 *
 * Every format is instantiated with sample values chosen by its conversions
 * and their context (a device address where the kernel's dev_* prefix or a
 * "%04x:%02x:%02x.%x" names one, a negative errno after "error"/"failed",
 * strerror text after "failed: ", a resource range for %pR, ...) and put
 * behind the real prefixes its program's lines carry in logs (dmesg and
 * journal for the kernel, QEMU's "-device ...:" bare and wrapped by libvirt,
 * virsh and libvirtd, ...). Then:
 *   - an error or warning format must be matched under every prefix by an
 *     entry that is not a wrapper (a dedicated entry, or a family entry);
 *   - an info format must not be taken for a problem by a family entry, and
 *     must be matched: as harmless, or by a dedicated entry (which then
 *     judged it a problem on purpose, and is counted); one that no pattern
 *     can match is named, with the reason, in the allowlist (--allow), and an
 *     allowlisted format that is matched now fails the test.
 * A "%s" right before a "%pR" is the resource's name (pci_resource_name():
 * "BAR 0", "VF BAR 0", "ROM", "bridge window"): such a format is tried with
 * each. Where a "%s" takes a few fixed words the samples file (--samples)
 * gives the real lines instead.
 * The coverage figures are printed per program.
 *
 * usage: test-coverage [--samples FILE] [--allow FILE] CATALOGUE
 *                                          TAP, one test point per program and check
 *        test-coverage --missing CATALOGUE the formats not covered, each with the
 *                                          line it was tried as and a suggested
 *                                          pattern (a help for writing entries)
 *        test-coverage --list CATALOGUE    every format: program, level, the entry
 *                                          and kind (as explain reports it) that match it, the line tried, a
 *                                          suggested pattern, file:function
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfd.h"
#include "tap-result.h"
#include "coverage-side.h"

#define LINE_MAX_LEN	4096
#define MAX_PROGRAMS	32

static const char *const header =
	"program\tlevel\tversions\tfile\tfunction\tcall\tformat";

/*
 * The prefixes a program's lines carry in real logs; every one is tried. A
 * row applies when its program matches and its file part (a path prefix) and
 * level, where given, do; the first row that applies wins.
 *  - QEMU: an error set while a -device option is realized (error_setg) is
 *    printed after that option, bare and as libvirt wraps it; error_report
 *    and warn_report at run time carry only the program name.
 *  - libvirt: virsh prints "error: " before the message (which starts with
 *    the error code's text), libvirtd's log "error : function:line : ".
 *  - Proxmox: die() ends a task with "TASK ERROR: ", warn() writes "WARN: ".
 *  - crosvm and cloud-hypervisor: their loggers' own prefixes per level.
 */
struct program_prefixes {
	const char *program, *file, *level;
	const char *prefixes[4];
};

#define QEMU_DEVICE(dev)							\
	"qemu-system-x86_64: -device " dev ": ",				\
	"error: internal error: qemu unexpectedly closed the monitor: "	\
	"2026-12-05T10:00:00.123456Z qemu-system-x86_64: -device "		\
	"{\"driver\":\"" dev "\",\"id\":\"dev0\"}: "

static const struct program_prefixes all_prefixes[] = {
	{ "linux", NULL, NULL, { "[   12.345678] ", "Dec 05 10:00:00 host kernel: " } },
	{ "nvidia", NULL, NULL, { "[   12.345678] ", "Dec 05 10:00:00 host kernel: " } },
	{ "libvirt", NULL, "error", { "error: ", "2026-12-05 10:00:00.000+0000: 1234: error : "
				      "virHostdevPreparePCIDevices:1234 : " } },
	{ "libvirt", NULL, "warning", { "2026-12-05 10:00:00.000+0000: 1234: warning : "
					"virHostdevPreparePCIDevices:1234 : " } },
	{ "libvirt", NULL, NULL, { "2026-12-05 10:00:00.000+0000: 1234: info : "
				   "virHostdevPreparePCIDevices:1234 : " } },
	{ "proxmox", NULL, "error", { "TASK ERROR: " } },
	{ "proxmox", NULL, NULL, { "WARN: " } },
	{ "xen", NULL, NULL, { "", "Dec 05 10:00:00 host xl[1234]: " } },
	{ "dpdk", NULL, NULL, { "", "Dec 05 10:00:00 host dpdk-testpmd[1234]: " } },
	{ "crosvm", NULL, "error",
	  { "[2026-12-05T10:00:00.000000000+00:00 ERROR devices::vfio] " } },
	{ "crosvm", NULL, "warning",
	  { "[2026-12-05T10:00:00.000000000+00:00 WARN devices::vfio] " } },
	{ "crosvm", NULL, NULL, { "[2026-12-05T10:00:00.000000000+00:00 INFO devices::vfio] " } },
	{ "cloud-hypervisor", NULL, "error",
	  { "cloud-hypervisor: 1.234567ms: <vmm> ERROR:vmm/src/lib.rs:1234 -- " } },
	{ "cloud-hypervisor", NULL, "warning",
	  { "cloud-hypervisor: 1.234567ms: <vmm> WARN:vmm/src/lib.rs:1234 -- " } },
	{ "cloud-hypervisor", NULL, NULL,
	  { "cloud-hypervisor: 1.234567ms: <vmm> INFO:vmm/src/lib.rs:1234 -- " } },
	{ "dracut", NULL, NULL, { "", "Dec 05 10:00:00 host dracut[1234]: " } },
	{ "mkinitcpio", NULL, NULL, { "" } },
	{ "initramfs-tools", NULL, NULL, { "", "update-initramfs: " } },
};

static const char *const fallback_prefixes[] = { "", NULL };

/* QEMU: the device a file implements, for errors set while it is realized */
static const struct program_prefixes qemu_devices[] = {
	{ "qemu", "hw/i386/intel_iommu", NULL, { QEMU_DEVICE("intel-iommu") } },
	{ "qemu", "hw/i386/amd_iommu", NULL, { QEMU_DEVICE("amd-iommu") } },
	{ "qemu", "hw/virtio/virtio-iommu", NULL, { QEMU_DEVICE("virtio-iommu-pci") } },
	{ "qemu", "hw/", NULL, { QEMU_DEVICE("vfio-pci,host=0000:01:00.0") } },
};

static const char *const qemu_runtime[] = { "qemu-system-x86_64: ", NULL };
static const char *const qemu_hw_error[] = { "qemu: hardware error: ", NULL };
static const char *const *prefixes_of(const char *program, const char *level, const char *file,
				      const char *call)
{
	if (strcmp(program, "qemu") == 0) {
		/* hints go on lines of their own; hw_error() names itself */
		if (strcmp(call, "error_append_hint") == 0 || strcmp(call, "fprintf") == 0)
			return fallback_prefixes;
		if (strcmp(call, "hw_error") == 0)
			return qemu_hw_error;
		if (strncmp(call, "error_setg", 10) != 0 && strcmp(call, "error_prepend") != 0)
			return qemu_runtime;
		for (size_t i = 0; i < sizeof(qemu_devices) / sizeof(*qemu_devices); i++)
			if (strncmp(file, qemu_devices[i].file, strlen(qemu_devices[i].file)) == 0)
				return qemu_devices[i].prefixes;
		return qemu_runtime;
	}
	for (size_t i = 0; i < sizeof(all_prefixes) / sizeof(*all_prefixes); i++)
		if (strcmp(all_prefixes[i].program, program) == 0 &&
		    (!all_prefixes[i].level || strcmp(all_prefixes[i].level, level) == 0))
			return all_prefixes[i].prefixes;
	return fallback_prefixes;
}

/* ------------------------------------------------------------ formats */

/* one conversion of a printf format: "%-08llx" or the kernel's "%pR" */
struct conv {
	size_t start, len;	/* in the format */
	char spec;		/* d i u x X o c s p f e g m % */
	char ext[4];		/* after %p: "R", "a", "ad", "S", ... */
	int width;		/* -1 when none */
	bool alt;		/* '#' */
};

/* parse the conversion at fmt[i] == '%' */
static struct conv parse_conv(const char *fmt, size_t i)
{
	struct conv c = { .start = i, .width = -1 };
	size_t k = i + 1;

	while (fmt[k] && strchr("-+ #0'", fmt[k])) {
		if (fmt[k] == '#')
			c.alt = true;
		k++;
	}
	if (fmt[k] == '*') {
		k++;
	} else if (isdigit((unsigned char)fmt[k])) {
		c.width = 0;
		while (isdigit((unsigned char)fmt[k]))
			c.width = c.width * 10 + (fmt[k++] - '0');
	}
	if (fmt[k] == '.') {
		k++;
		if (fmt[k] == '*')
			k++;
		while (isdigit((unsigned char)fmt[k]))
			k++;
	}
	while (fmt[k] && strchr("hlLqjzt", fmt[k]))
		k++;
	c.spec = fmt[k] ? fmt[k] : '%';
	if (fmt[k])
		k++;
	if (c.spec == 'p') {
		/* the kernel's pointer extensions: letters (and digits) glued on */
		size_t n = 0;

		while (isalnum((unsigned char)fmt[k]) && n < sizeof(c.ext) - 1 &&
		       (n > 0 || strchr("RrSsFfBaVeOKMmIiUtdDghbnpx", fmt[k])))
			c.ext[n++] = fmt[k++];
		c.ext[n] = '\0';
	}
	c.len = k - i;
	return c;
}

/* the lower-cased text of @fmt before @pos, at most @n characters */
static void before(const char *fmt, size_t pos, char *out, size_t n)
{
	size_t from = pos > n - 1 ? pos - (n - 1) : 0, k = 0;

	for (size_t i = from; i < pos; i++)
		out[k++] = (char)tolower((unsigned char)fmt[i]);
	out[k] = '\0';
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

/* the words right before a number that make it an error code */
static bool error_context(const char *prev)
{
	static const char *const tails[] = { "error ", "err ", "err=", "err: ", "err:", "ret ", "ret=",
					     "rc=", "rc ", "returned ", "failed: ", "failed with error ",
					     "failed with ", "errno ", "errno=", "error: ", "error=",
					     "error:", "failure ", "status ", "ret: ", "failed ",
					     "error code ", "err -", "(err " };

	for (size_t i = 0; i < sizeof(tails) / sizeof(*tails); i++)
		if (ends_with(prev, tails[i]))
			return true;
	return false;
}

/* a %s that strerror() fills: "failed: %s", "error: %s", "(%s)" after failure words */
static bool errno_text_context(const char *prev)
{
	static const char *const tails[] = { "failed: ", "failed with ", "error: ", "failure: ",
					     "failed (", "error (", "errno ", "err: ",
					     "because ", "cannot open", "can't open" };

	for (size_t i = 0; i < sizeof(tails) / sizeof(*tails); i++)
		if (ends_with(prev, tails[i]))
			return true;
	return false;
}

/* a %s that names a device */
static bool device_context(const char *prev)
{
	static const char *const tails[] = { "device ", "vfio ", "host ", "dev ", "pci ",
					     "slot ", "function ", "host=", "device=", "bdf ",
					     "address ", "vf ", "mmap ", "device at " };

	for (size_t i = 0; i < sizeof(tails) / sizeof(*tails); i++)
		if (ends_with(prev, tails[i]))
			return true;
	return false;
}

enum sample { S_SLOT, S_DRIVER, S_ERRNO_TEXT, S_ERRNO, S_NUM, S_HEX, S_WORD, S_TEXT, S_LITERAL };

struct piece {
	enum sample kind;
	char text[96];
};

/* a driver name for the dev_* prefix from the printing file */
static const char *driver_of(const char *file)
{
	static const struct {
		const char *part, *driver;
	} map[] = {
		{ "virtio-iommu", "virtio_iommu" },
		{ "drivers/vfio/pci", "vfio-pci" }, { "drivers/gpu/drm/amd", "amdgpu" },
		{ "drivers/gpu/drm/i915", "i915" }, { "drivers/gpu/drm/xe", "xe" },
		{ "drivers/gpu/drm/nouveau", "nouveau" }, { "pcie/portdrv", "pcieport" },
		{ "drivers/pci/pcie", "pcieport" }, { "nvidia", "nvidia" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (strstr(file, map[i].part))
			return map[i].driver;
	return "pci";
}

/* what the kernel's %p extensions print (lib/vsprintf.c), longest first */
static const struct {
	const char *ext, *text;
} pointer_samples[] = {
	{ "ad", "0x00000000fffff000" }, { "a", "0x00000000f0000000" },
	{ "R", "[mem 0xf0000000-0xf0ffffff 64bit pref]" },
	{ "r", "[mem 0xf0000000-0xf0ffffff flags 0x14220c]" },
	{ "S", "vfio_pci_core_ioctl+0x1a0/0x4d0 [vfio_pci_core]" },
	{ "s", "vfio_pci_core_ioctl" }, { "F", "vfio_pci_core_ioctl+0x1a0/0x4d0" },
	{ "f", "vfio_pci_core_ioctl" }, { "B", "vfio_pci_core_ioctl+0x1a0/0x4d0" },
	{ "V", "unexpected state" }, { "e", "-EINVAL" }, { "O", "/soc/pcie@10000000" },
	{ "M", "00:11:22:33:44:55" }, { "m", "001122334455" }, { "I", "192.0.2.1" },
	{ "i", "192.0.2.1" }, { "U", "6a1f2e3d-0000-4000-8000-00000000cafe" },
	{ "t", "2026-12-05T10:00:00" }, { "d", "vfio" }, { "D", "vfio" }, { "g", "nvme0n1" },
	{ "b", "0-3" }, { "h", "01 02 03 04" },
};

/* zero-padded hex of @v in at least @width digits */
static void hex(char *out, size_t size, unsigned long long v, int width, bool alt)
{
	snprintf(out, size, "%s%0*llx", alt ? "0x" : "", width > 0 && width < 17 ? width : 1, v);
}

/*
 * What the PCI core's pci_resource_name() (drivers/pci/pci.c, 6.1 and later)
 * gives for the "%s" before a "%pR": a BAR, an SR-IOV VF BAR, the ROM or a
 * bridge window. A format of that shape is tried with each of them.
 */
static const char *const resource_names[] = { "BAR 0", "VF BAR 0", "ROM", "bridge window" };
#define N_RESOURCE_NAMES (sizeof(resource_names) / sizeof(*resource_names))

/* is the conversion @c of @fmt a "%s" right before " %pR"? */
static bool names_resource(const char *fmt, const struct conv *c)
{
	return c->spec == 's' && strncmp(fmt + c->start + c->len, " %pR", 4) == 0;
}

/* how many variants of @fmt to try: one per resource name where it names one */
static size_t variants_of(const char *fmt)
{
	for (const char *s = strstr(fmt, "%s %pR"); s; s = strstr(s + 1, "%s %pR"))
		if (s == fmt || s[-1] != '%')
			return N_RESOURCE_NAMES;
	return 1;
}

/*
 * Values a "%s" takes that the text around it tells (the source passes a
 * fixed word there): "Nested Paging %sabled" (svm.c), "Reserving %4.4s table"
 * (drivers/acpi/tables.c: a table signature).
 */
static const struct {
	const char *prev_tail, *next_head, *text;
} word_samples[] = {
	{ NULL, "abled", "en" },
	{ "reserving ", " table", "DMAR" },
	{ "acpi: ", " acpi table", "DMAR" },
	{ "mode", "", "" },		/* iommu.c: " (set via kernel command line)" or "" */
};

/* the sample value for conversion @c of @fmt, given what came before */
static struct piece sample(const char *fmt, const struct conv *c, size_t index, const char *file,
			   const char *function, size_t variant)
{
	struct piece p = { S_TEXT, "" };
	char prev[40];

	before(fmt, c->start, prev, sizeof(prev));
	/* what follows a %pR is an optional note, most often empty */
	if (c->spec == 's' && c->start >= 3 && strncmp(fmt + c->start - 3, "%pR", 3) == 0) {
		p.kind = S_WORD;
		return p;
	}
	if (names_resource(fmt, c)) {
		p.kind = S_TEXT;
		strcpy(p.text, resource_names[variant % N_RESOURCE_NAMES]);
		return p;
	}
	for (size_t i = 0; c->spec == 's' && i < sizeof(word_samples) / sizeof(*word_samples); i++) {
		const char *next = fmt + c->start + c->len;

		if ((!word_samples[i].prev_tail || ends_with(prev, word_samples[i].prev_tail)) &&
		    strncasecmp(next, word_samples[i].next_head, strlen(word_samples[i].next_head)) == 0) {
			p.kind = S_WORD;
			strcpy(p.text, word_samples[i].text);
			return p;
		}
	}
	/* the kernel's dev_printk prefix "%s %s: " (driver, device) */
	if (c->start == 0 && index == 0 && c->spec == 's' && strncmp(fmt, "%s %s: ", 7) == 0) {
		p.kind = S_DRIVER;
		snprintf(p.text, sizeof(p.text), "%s", driver_of(file));
		return p;
	}
	if (index == 1 && c->start == 3 && c->spec == 's' && strncmp(fmt, "%s %s: ", 7) == 0) {
		/* the device's name: a PCI address, or a virtio device's "virtioN" */
		p.kind = strstr(file, "virtio") ? S_WORD : S_SLOT;
		strcpy(p.text, strstr(file, "virtio") ? "virtio0" : "0000:01:00.0");
		return p;
	}
	/*
	 * "%s: ...", "%s(...)" at the start or right after the dev_* prefix, or
	 * "[drm:%s]": the function's name (__func__)
	 */
	if (c->spec == 's' && strcmp(function, "-") != 0 &&
	    (((c->start == 0 || (c->start == 7 && strncmp(fmt, "%s %s: ", 7) == 0)) &&
	      (fmt[c->start + c->len] == ':' || fmt[c->start + c->len] == '(')) ||
	     ends_with(prev, "[drm:"))) {
		p.kind = S_WORD;
		snprintf(p.text, sizeof(p.text), "%s", function);
		return p;
	}
	/* QEMU's "%s(%s...": the function, then the device's name */
	if (c->spec == 's' && index == 1 && strncmp(fmt, "%s(%s", 5) == 0) {
		p.kind = S_SLOT;
		strcpy(p.text, "0000:01:00.0");
		return p;
	}
	switch (c->spec) {
	case '%':
		p.kind = S_LITERAL;
		strcpy(p.text, "%");
		return p;
	case 's':
		/* "...: %s" at the very end is strerror() nearly always (QEMU, libvirt) */
		if (errno_text_context(prev) ||
		    (ends_with(prev, ": ") && fmt[c->start + c->len] == '\0' && index > 0 &&
		     strncmp(fmt, "%s %s: ", 7) != 0)) {
			p.kind = S_ERRNO_TEXT;
			strcpy(p.text, "Invalid argument");
		} else if (device_context(prev)) {
			p.kind = S_SLOT;
			strcpy(p.text, "0000:01:00.0");
		} else if (ends_with(prev, "'") || ends_with(prev, "\"") || ends_with(prev, "/")) {
			p.kind = S_WORD;
			strcpy(p.text, "item0");
		} else {
			p.kind = S_TEXT;
			strcpy(p.text, "sample_name");
		}
		return p;
	case 'm':
		p.kind = S_ERRNO_TEXT;
		strcpy(p.text, "Invalid argument");
		return p;
	case 'c':
		p.kind = S_WORD;
		strcpy(p.text, "A");
		return p;
	case 'f': case 'e': case 'g': case 'E': case 'G':
		p.kind = S_NUM;
		strcpy(p.text, "1.5");
		return p;
	case 'p':
		for (size_t i = 0; i < sizeof(pointer_samples) / sizeof(*pointer_samples); i++) {
			if (c->ext[0] && strncmp(c->ext, pointer_samples[i].ext,
						 strlen(pointer_samples[i].ext)) == 0) {
				p.kind = S_TEXT;
				strcpy(p.text, pointer_samples[i].text);
				return p;
			}
		}
		p.kind = S_HEX;		/* a plain (hashed) pointer */
		strcpy(p.text, "00000000a1b2c3d4");
		return p;
	case 'x': case 'X': case 'o':
		p.kind = S_HEX;
		hex(p.text, sizeof(p.text), c->width > 8 ? 0xfee00000ull : 0x1f, c->width, c->alt);
		if (c->spec == 'X')
			for (char *s = p.text; *s; s++)
				*s = (char)toupper((unsigned char)*s);
		return p;
	default:	/* d i u */
		if (c->spec != 'u' && error_context(prev)) {
			p.kind = S_ERRNO;
			strcpy(p.text, "-22");
		} else if (ends_with(prev, "group ") || ends_with(prev, "/dev/vfio/")) {
			p.kind = S_NUM;
			strcpy(p.text, "14");
		} else {
			p.kind = S_NUM;
			snprintf(p.text, sizeof(p.text), "%0*d", c->width > 0 ? c->width : 1, 3);
		}
		return p;
	}
}

/*
 * A PCI address spelt out as conversions, "%04x:%02x:%02x.%x" or
 * "%02x:%02x.%d": its length in the format, 0 when there is none at @i.
 */
static size_t slot_conversions(const char *fmt, size_t i, bool *with_domain)
{
	static const char seps4[] = "::.", seps3[] = ":.";
	size_t k = i, n = 0;
	char seps[4] = "";

	while (n < 4 && fmt[k] == '%') {
		struct conv c = parse_conv(fmt, k);

		if (!strchr("xXdu", c.spec))
			break;
		k += c.len;
		n++;
		if (!fmt[k] || !strchr(":.", fmt[k]) || n == 4)
			break;
		seps[n - 1] = fmt[k];
		if (fmt[k] == '.') {
			/* the function comes last */
			k++;
			if (fmt[k] != '%')
				return 0;
			c = parse_conv(fmt, k);
			if (!strchr("xXdu", c.spec))
				return 0;
			k += c.len;
			n++;
			break;
		}
		k++;
	}
	seps[n ? n - 1 : 0] = '\0';
	if (n == 4 && strcmp(seps, seps4) == 0) {
		*with_domain = true;
		return k - i;
	}
	if (n == 3 && strcmp(seps, seps3) == 0) {
		*with_domain = false;
		return k - i;
	}
	return 0;
}


/* does @pattern hold a literal word of 4 characters (the prefilter's key)? */
static bool has_keyword(const char *pattern)
{
	size_t run = 0;

	for (const char *c = pattern; *c; c++) {
		if (*c == '%') {
			const char *close = strchr(c + 1, '%');

			run = 0;
			if (close)
				c = close;
			continue;
		}
		run = *c == ' ' || *c == '\t' ? 0 : run + 1;
		if (run >= 4)
			return true;
	}
	return false;
}


/*
 * The message as a log shows it (in @line) and, in @pattern, a knowledge base
 * pattern for it: the dev_* prefix dropped, values as placeholders.
 */
static void instantiate(const char *fmt, const char *file, const char *function, size_t variant,
			char *line, size_t lsize, char *pattern, size_t psize)
{
	size_t ln = 0, pn = 0, index = 0, values = 0;
	bool dev_prefix = strncmp(fmt, "%s %s: ", 7) == 0, cut = false;

	for (size_t i = 0; fmt[i] && ln + 100 < lsize && pn + 20 < psize;) {
		struct conv c;
		struct piece p;
		const char *ph = NULL;
		bool domain;
		size_t slot_len = fmt[i] == '%' ? slot_conversions(fmt, i, &domain) : 0;

		if (slot_len) {
			ln += (size_t)snprintf(line + ln, lsize - ln, "%s",
					       domain ? "0000:01:00.0" : "01:00.0");
			if (++values <= VFD_KB_MAX_VALUES && !cut)
				pn += (size_t)snprintf(pattern + pn, psize - pn, "%%slot%%");
			i += slot_len;
			index += domain ? 4 : 3;
			continue;
		}
		if (fmt[i] != '%') {
			line[ln++] = fmt[i];
			if (!(dev_prefix && i < 7) && !cut)
				pattern[pn++] = fmt[i];
			i++;
			continue;
		}
		c = parse_conv(fmt, i);
		p = sample(fmt, &c, index, file, function, variant);
		ln += (size_t)snprintf(line + ln, lsize - ln, "%s", p.text);
		if (!(dev_prefix && i < 7) && !cut) {
			switch (p.kind) {
			case S_SLOT: ph = "%slot%"; break;
			case S_ERRNO_TEXT: case S_ERRNO: ph = "%errno%"; break;
			case S_NUM: ph = strchr(p.text, '.') ? "%word%" : "%num%"; break;
			case S_HEX: case S_WORD: ph = "%word%"; break;
			case S_LITERAL: ph = "%%"; break;
			default: ph = pn == 0 ? "%word%" : "%any%";
			}
			if (p.kind != S_LITERAL && ++values > VFD_KB_MAX_VALUES)
				ph = "";	/* the suggestion is cut here */
			pn += (size_t)snprintf(pattern + pn, psize - pn, "%s", ph);
			/* the suggestion stops here; the line goes on */
			cut = !*ph;
		}
		index += c.spec != '%';
		i += c.len;
	}
	line[ln] = '\0';
	pattern[pn] = '\0';
}

/* ------------------------------------------------------------ judging */

struct tally {
	char program[32];
	unsigned int problems, problems_matched;	/* error + warning formats */
	unsigned int info, info_harmless, info_unmatched, info_dedicated, info_family;
	unsigned int info_allowed, allow_stale;		/* unmatched on purpose; no longer */
	unsigned int by_family;				/* error/warning covered by a family */
};

static struct tally tallies[MAX_PROGRAMS];
static size_t n_tallies;

static struct tally *tally_of(const char *program)
{
	for (size_t i = 0; i < n_tallies; i++)
		if (strcmp(tallies[i].program, program) == 0)
			return &tallies[i];
	if (n_tallies == MAX_PROGRAMS)
		return &tallies[MAX_PROGRAMS - 1];
	snprintf(tallies[n_tallies].program, sizeof(tallies[0].program), "%s", program);
	return &tallies[n_tallies++];
}

/* the entry matching @msg (one line of the message) behind @prefix, or NULL */
static const struct vfd_kb_entry *judge(struct vfd_kb *kb, const char *prefix, const char *msg,
					size_t msglen)
{
	char buf[LINE_MAX_LEN + 256];
	struct vfd_kb_match m;
	int n = snprintf(buf, sizeof(buf), "%s%.*s", prefix, (int)msglen, msg);

	if (n < 0 || (size_t)n >= sizeof(buf))
		n = (int)sizeof(buf) - 1;
	return vfd_kb_match(kb, buf, (size_t)n, &m) == 1 ? m.entry : NULL;
}

/*
 * The best entry for a whole message under one prefix: a message of several
 * lines is recognised when one of them is; a problem entry counts over a
 * harmless one, a dedicated one over a family, anything over a wrapper.
 */
static const struct vfd_kb_entry *judge_message(struct vfd_kb *kb, const char *prefix,
						const char *msg)
{
	const struct vfd_kb_entry *best = NULL;
	int best_rank = -1;

	for (const char *s = msg; *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		const struct vfd_kb_entry *e = len ? judge(kb, prefix, s, len) : NULL;

		if (e) {
			int rank = e->wrapper ? 0 : (e->family ? 1 : 3) + !e->harmless;

			if (rank > best_rank) {
				best = e;
				best_rank = rank;
			}
		}
		s += len + (nl ? 1 : 0);
	}
	return best;
}

/*
 * The lines to try for @program's @fmt: those of the samples file (then
 * @samples->n is their number), or else the number of instantiations
 * (variants_of()), @samples->n being 0.
 */
static size_t samples_of(struct side_file *samples, const char *program, const char *fmt,
			 const char **lines, size_t max)
{
	samples->n = 0;
	for (size_t i = 0; i < samples->n_rows && samples->n < max; i++)
		if (strcmp(samples->rows[i].program, program) == 0 &&
		    strcmp(samples->rows[i].format, fmt) == 0) {
			samples->rows[i].used = true;
			lines[samples->n++] = samples->rows[i].third;
		}
	return samples->n ? samples->n : variants_of(fmt);
}

static double percent(unsigned int a, unsigned int b)
{
	return b ? 100.0 * a / b : 100.0;
}

/* split a catalogue row in place into its 7 columns */
static bool split_row(char *row, char **col)
{
	size_t n = 0;

	col[n++] = row;
	for (char *s = row; *s; s++) {
		if (*s == '\t') {
			*s = '\0';
			if (n == 7)
				return false;
			col[n++] = s + 1;
		}
	}
	return n == 7;
}

int main(int argc, char **argv)
{
	bool missing_mode = false, list_mode = false;
	const char *path = NULL, *samples_path = NULL, *allow_path = NULL;
	struct side_file samples = { 0 }, allow = { 0 };
	struct vfd_parse_error err;
	struct vfd_kb *kb;
	char *row = NULL;
	size_t cap = 0;
	unsigned int lineno = 0, bad_rows = 0;
	ssize_t n;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--missing") == 0)
			missing_mode = true;
		else if (strcmp(argv[i], "--list") == 0)
			list_mode = true;
		else if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc)
			samples_path = argv[++i];
		else if (strcmp(argv[i], "--allow") == 0 && i + 1 < argc)
			allow_path = argv[++i];
		else if (!path && argv[i][0] != '-')
			path = argv[i];
		else
			path = NULL, i = argc;
	}
	if (!path) {
		fprintf(stderr, "usage: test-coverage [--missing|--list] [--samples FILE] "
			"[--allow FILE] CATALOGUE\n");
		return 2;
	}
	if ((samples_path && !load_side_file(&samples, samples_path)) ||
	    (allow_path && !load_side_file(&allow, allow_path))) {
		printf("not ok 1 - cannot read '%s' as rows of program, format and a third "
		       "column\n1..1\n", samples.n_rows || !samples_path ? allow_path : samples_path);
		return 1;
	}
	f = fopen(path, "r");
	if (!f) {
		printf("not ok 1 - cannot open catalogue '%s'\n1..1\n", path);
		return 1;
	}
	if (vfd_kb_new_builtin(&kb, &err) < 0) {
		printf("not ok 1 - built-in knowledge base: line %u: %s\n1..1\n", err.line,
		       err.message);
		fclose(f);
		return 1;
	}
	while ((n = getline(&row, &cap, f)) >= 0) {
		char *col[7], line[LINE_MAX_LEN], pattern[LINE_MAX_LEN];
		const char *lines[MAX_SAMPLES];
		const char *const *prefixes;
		const struct vfd_kb_entry *worst = NULL;
		struct side_row *allowed;
		struct tally *t;
		size_t n_lines;
		bool problem, all = true, family = false, dedicated_problem = false;
		bool harmless_all = true, family_problem = false;

		lineno++;
		if (n && row[n - 1] == '\n')
			row[--n] = '\0';
		if (lineno == 1) {
			if (strcmp(row, header) != 0 && !missing_mode)
				result(false, "catalogue header is '%s'", row);
			continue;
		}
		if (!n)
			continue;
		if (!split_row(row, col)) {
			bad_rows++;
			if (!missing_mode)
				printf("# line %u: not 7 tab-separated columns\n", lineno);
			continue;
		}
		unescape(col[6]);
		trim_newlines(col[6]);
		instantiate(col[6], col[3], col[4], 0, line, sizeof(line), pattern, sizeof(pattern));
		problem = strcmp(col[1], "error") == 0 || strcmp(col[1], "warning") == 0;
		t = tally_of(col[0]);
		prefixes = prefixes_of(col[0], col[1], col[3], col[5]);
		n_lines = samples_of(&samples, col[0], col[6], lines, MAX_SAMPLES);
		for (size_t v = 0; v < n_lines; v++) {
			char tried[LINE_MAX_LEN], unused[LINE_MAX_LEN];

			if (samples.n)
				snprintf(tried, sizeof(tried), "%s", lines[v]);
			else
				instantiate(col[6], col[3], col[4], v, tried, sizeof(tried), unused,
					    sizeof(unused));
			for (size_t p = 0; p < 4 && prefixes[p]; p++) {
				const struct vfd_kb_entry *e = judge_message(kb, prefixes[p], tried);

				/* a harmless wrapper is a match for an informational line */
				if (!e || (e->wrapper && (problem || !e->harmless))) {
					all = false;
					worst = e;
					if (v > 0 || samples.n)
						snprintf(line, sizeof(line), "%s", tried);
					continue;
				}
				family |= e->family;
				harmless_all &= e->harmless;
				family_problem |= e->family && !e->harmless;
				dedicated_problem |= !e->family && !e->harmless;
			}
		}
		allowed = problem ? NULL : side_row_of(&allow, col[0], col[6]);
		/* a message of several lines is reported on one (TAP comments) */
		for (char *nl = strchr(line, '\n'); nl; nl = strchr(nl, '\n'))
			*nl = '|';
		if (problem) {
			t->problems++;
			t->problems_matched += all;
			t->by_family += all && family;
		} else {
			t->info++;
			if (family_problem)
				t->info_family++;
			else if (all && harmless_all)
				t->info_harmless++;
			else if (all && dedicated_problem)
				t->info_dedicated++;
			else if (allowed)
				t->info_allowed++;
			else
				t->info_unmatched++;
			/* an allowlisted format that is matched now must leave the list */
			if (allowed && (all || family_problem))
				t->allow_stale++;
		}
		if (list_mode) {
			const struct vfd_kb_entry *e = judge_message(kb, prefixes[0], line);

			/* the kind explain reports: a family entry's refined by the message */
			const char *kind = e ? vfd_kb_kind_of(e, line, strlen(line)) : "-";

			printf("%s\t%s\t%s\t%s\t%s\t%s\t%s:%s\n", col[0], col[1], e ? e->id : "-",
			       kind, line, has_keyword(pattern) ? pattern : "-", col[3],
			       col[4]);
			continue;
		}
		if (missing_mode && (!all || (!problem && family_problem)) && !allowed)
			printf("%s\t%s\t%s:%s\t%s\n\tline:    %s\n\tpattern: %s%s\n", col[0],
			       col[1], col[3], col[4],
			       worst ? worst->id : family_problem ? "family" : "-", line, pattern,
			       has_keyword(pattern) ? "" : "   (no literal word of 4: a family)");
		else if (!missing_mode && !all && !allowed && (problem || !family_problem))
			printf("# not covered: %s %s %s:%s: %s\n", col[0], col[1], col[3], col[4],
			       line);
		else if (!missing_mode && !problem && family_problem)
			printf("# info taken for a problem by a family entry: %s %s:%s: %s\n",
			       col[0], col[3], col[4], line);
		else if (!missing_mode && allowed && (all || family_problem))
			printf("# allowlisted but matched now: %s %s:%s: %s\n", col[0], col[3],
			       col[4], line);
	}
	free(row);
	fclose(f);
	if (missing_mode || list_mode) {
		free_side_file(&samples);
		free_side_file(&allow);
		vfd_kb_free(kb);
		return 0;
	}
	{
		struct tally sum = { .program = "all" };
		unsigned int unused_samples = 0, unused_allow = 0;

		for (size_t i = 0; i < n_tallies; i++) {
			const struct tally *t = &tallies[i];

			sum.problems += t->problems;
			sum.problems_matched += t->problems_matched;
			sum.by_family += t->by_family;
			sum.info += t->info;
			sum.info_harmless += t->info_harmless;
			sum.info_unmatched += t->info_unmatched;
			sum.info_dedicated += t->info_dedicated;
			sum.info_family += t->info_family;
			sum.info_allowed += t->info_allowed;
			sum.allow_stale += t->allow_stale;
		}
		for (size_t i = 0; i < samples.n_rows; i++)
			unused_samples += !samples.rows[i].used;
		for (size_t i = 0; i < allow.n_rows; i++)
			unused_allow += !allow.rows[i].used;
		printf("# coverage: %u/%u error+warning formats matched (%.1f%%, %u by a family "
		       "entry); %u/%u info formats matched (%.1f%%: %u harmless, %u judged "
		       "problems by a dedicated entry), %u allowlisted, %u unmatched\n",
		       sum.problems_matched, sum.problems, percent(sum.problems_matched,
								   sum.problems),
		       sum.by_family, sum.info_harmless + sum.info_dedicated, sum.info,
		       percent(sum.info_harmless + sum.info_dedicated, sum.info),
		       sum.info_harmless, sum.info_dedicated, sum.info_allowed,
		       sum.info_unmatched);
		for (size_t i = 0; i < n_tallies; i++) {
			const struct tally *t = &tallies[i];

			printf("# coverage %-16s %5u/%-5u error+warning (%5.1f%%, %u by family), "
			       "info %u/%u (%u harmless, %u dedicated, %u allowlisted, %u unmatched)\n",
			       t->program, t->problems_matched, t->problems,
			       percent(t->problems_matched, t->problems), t->by_family,
			       t->info_harmless + t->info_dedicated, t->info, t->info_harmless,
			       t->info_dedicated, t->info_allowed, t->info_unmatched);
		}
		result(sum.problems + sum.info > 0, "the catalogue holds formats (%u)",
		       sum.problems + sum.info);
		result(bad_rows == 0, "every row has 7 columns (%u bad)", bad_rows);
		for (size_t i = 0; i < n_tallies; i++) {
			const struct tally *t = &tallies[i];

			result(t->problems_matched == t->problems,
			       "%s: every error and warning format is matched (%u/%u)", t->program,
			       t->problems_matched, t->problems);
			result(t->info_family == 0,
			       "%s: no info format is taken for a problem by a family entry "
			       "(%u are)", t->program, t->info_family);
			result(t->info_unmatched == 0,
			       "%s: every info format is matched as harmless or by a dedicated "
			       "entry, or allowlisted (%u/%u matched, %u allowlisted)", t->program,
			       t->info_harmless + t->info_dedicated, t->info, t->info_allowed);
		}
		result(sum.allow_stale == 0 && unused_allow == 0,
		       "every allowlisted format is in the catalogue and still unmatched (%u "
		       "matched now, %u not in the catalogue)", sum.allow_stale, unused_allow);
		result(unused_samples == 0, "every row of the samples file names a catalogue "
		       "format (%u do not)", unused_samples);
	}
	printf("1..%u\n", n_test);
	free_side_file(&samples);
	free_side_file(&allow);
	vfd_kb_free(kb);
	return n_failed ? 1 : 0;
}
