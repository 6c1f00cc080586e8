// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a snapshot must not carry: credentials and host names on the kernel
 * command line, hardware addresses, IP addresses and serial numbers in the
 * kernel log. Pure functions over (buffer, length); lib/snapshot/snapshot.c decides
 * where they apply. The rules are listed in vfio-doctor(8), SNAPSHOT, and
 * must stay in step with it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "persist.h"

#define REDACTED "REDACTED"

/*
 * Keys kept verbatim: what passthrough diagnosis reads (IOMMU, VFIO, KVM, PCI
 * and GPU driver options, module blacklists) and ordinary boot words. A
 * trailing '*' matches any rest ("vfio*" is vfio-pci.ids= and vfio_iommu_type1.*).
 */
static const char *const kept_keys[] = {
	"BOOT_IMAGE", "initrd", "ro", "rw", "quiet", "splash", "nosplash", "init", "rootfstype",
	"rootflags", "rootwait", "resume", "resume_offset", "console", "earlycon",
	"earlyprintk", "loglevel", "ignore_loglevel", "debug", "nomodeset", "video", "video.*",
	"vga", "efi", "efifb", "efi.*", "iommu", "iommu.*", "intel_iommu", "amd_iommu",
	"amd_iommu_intr", "pci", "pcie_*", "pci_*", "vfio*", "kvm*", "modprobe.blacklist",
	"module_blacklist", "initcall_blacklist", "rd.driver.*", "nouveau.*", "amdgpu.*",
	"radeon.*", "i915.*", "xe.*", "nvidia*", "snd_hda_intel.*", "hugepages", "hugepagesz",
	"default_hugepagesz", "transparent_hugepage", "isolcpus", "nohz_full", "rcu_nocbs",
	"irqaffinity", "mitigations", "mem", "memmap", "nokaslr", "acpi", "noapic", "nolapic",
	"apparmor", "security", "selinux", "enforcing", "lsm", "systemd.unit",
	"vconsole.keymap", "rd.vconsole.keymap", "vconsole.font", "rd.vconsole.font",
	"nvme_core.*", "rd.lvm", "rd.md", "rd.dm", "rd.luks", "rd.shell", "rd.break",
	"rd.udev.*", "rd.plymouth", "plymouth.*", "sysrq_always_enabled", "panic",
};

/* any key holding one of these words carries a credential or an account name */
static const char *const secret_words[] = {
	"pass", "pwd", "key", "secret", "token", "user", "auth", "cred", "cookie", "login",
};

/*
 * Keys whose values name hosts, addresses, network paths or storage targets
 * (dracut.cmdline(7) network and iSCSI options, nfsroot.rst, netconsole.rst).
 */
static const char *const network_keys[] = {
	"ip", "netroot", "nfsroot", "nfsaddrs", "bootdev", "ifname", "BOOTIF", "nameserver",
	"rd.route", "rd.peerdns", "hostname", "vlan", "bond", "bridge", "team", "rd.znet",
	"netconsole", "kgdboe", "ks", "inst.ks", "inst.repo", "inst.stage2", "rd.iscsi.*",
	"iscsi_*", "rd.nfs.*", "rd.neednet", "rd.live.squashimg", "live.*",
};

/* root= values that reach over the network (dracut.cmdline(7), "root=") */
static const char *const network_roots[] = {
	"iscsi:", "nfs:", "nfs4:", "nbd:", "cifs:", "dhcp", "dhcp6", "/dev/nfs", "http:",
	"https:", "ftp:", "tftp:", "live:http", "live:ftp", "fcoe:", "nvme:",
};

static bool key_matches(const char *key, size_t klen, const char *pat)
{
	size_t pl = strlen(pat);

	if (pl && pat[pl - 1] == '*')
		return klen >= pl - 1 && strncmp(key, pat, pl - 1) == 0;
	return klen == pl && strncmp(key, pat, pl) == 0;
}

static bool key_in(const char *key, size_t klen, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (key_matches(key, klen, list[i]))
			return true;
	return false;
}

static bool has_secret_word(const char *key, size_t klen)
{
	char low[128];
	size_t n = klen < sizeof(low) ? klen : sizeof(low) - 1;

	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)key[i]);
	for (size_t i = 0; i < ARRAY_SIZE(secret_words); i++)
		if (memmem(low, n, secret_words[i], strlen(secret_words[i])))
			return true;
	return false;
}

static bool is_hex(char c)
{
	return isxdigit((unsigned char)c);
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * A hardware address at @p: six or more hex pairs joined by ':' or '-'
 * (Ethernet MACs, EUI-64, InfiniBand's 20 bytes). Returns its length or 0.
 */
static size_t hwaddr_len(const char *p, size_t n)
{
	size_t i = 0, pairs = 0;
	char sep = 0;

	while (i + 2 <= n && is_hex(p[i]) && is_hex(p[i + 1])) {
		pairs++;
		i += 2;
		if (i < n && (p[i] == ':' || p[i] == '-') && (!sep || p[i] == sep) &&
		    i + 2 < n && is_hex(p[i + 1]) && is_hex(p[i + 2])) {
			sep = p[i];
			i++;
			continue;
		}
		break;
	}
	if (pairs < 6 || !sep)
		return 0;
	/* "00:11:22:33:44:556" is not an address */
	if (i < n && (is_word_char(p[i]) || p[i] == ':'))
		return 0;
	return i;
}

/* an IPv4 address (dotted quad) at @p: its length or 0 */
static size_t ipv4_len(const char *p, size_t n)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr a;
	size_t i = 0;

	while (i < n && i < sizeof(buf) && (isdigit((unsigned char)p[i]) || p[i] == '.'))
		i++;
	/* a trailing dot ends a sentence */
	while (i && p[i - 1] == '.')
		i--;
	if (i == 0 || i >= sizeof(buf) || (i < n && is_word_char(p[i])))
		return 0;
	memcpy(buf, p, i);
	buf[i] = '\0';
	return inet_pton(AF_INET, buf, &a) == 1 ? i : 0;
}

/* an IPv6 address at @p (two colons at least): its length or 0 */
static size_t ipv6_len(const char *p, size_t n)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a;
	size_t i = 0, colons = 0, hex = 0;

	while (i < n && i < sizeof(buf) && (is_hex(p[i]) || p[i] == ':' || p[i] == '.')) {
		colons += p[i] == ':';
		hex += is_hex(p[i]);
		i++;
	}
	while (i && p[i - 1] == '.')
		i--;
	if (colons < 2 || !hex || i >= sizeof(buf) || (i < n && is_word_char(p[i])))
		return 0;
	memcpy(buf, p, i);
	buf[i] = '\0';
	/* "fe80::1:" at the end of a sentence: try without the last colon too */
	if (inet_pton(AF_INET6, buf, &a) == 1)
		return i;
	if (buf[i - 1] == ':' && buf[i - 2] != ':') {
		buf[i - 1] = '\0';
		if (inet_pton(AF_INET6, buf, &a) == 1)
			return i - 1;
	}
	return 0;
}

/* does @s (a value or a bare word) name a host, an address or a credential? */
static bool looks_sensitive(const char *s, size_t n)
{
	if (memchr(s, '@', n) || memmem(s, n, "://", 3))
		return true;
	for (size_t i = 0; i < n; i++) {
		if (i && (is_word_char(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == ':'))
			continue;
		if (hwaddr_len(s + i, n - i) || ipv4_len(s + i, n - i) || ipv6_len(s + i, n - i))
			return true;
	}
	return false;
}

static void redact_text(struct tbuf *b, const char *t, size_t n);

static bool is_quote(char c)
{
	return c == '"' || c == '\'';
}

/* a shell assignment of a command line: GRUB_CMDLINE_LINUX="..." (etc/default/grub) */
static bool is_shell_cmdline_var(const char *key, size_t klen)
{
	return klen > 13 && strncmp(key, "GRUB_CMDLINE_", 13) == 0;
}

static void redact_word(struct tbuf *b, const char *w, size_t n)
{
	const char *eq = memchr(w, '=', n);
	const char *key = w, *val;
	size_t klen, vlen;

	/* "..." as a whole (a quoted argument, a quoted list in a log line) */
	if (n >= 2 && is_quote(w[0]) && w[n - 1] == w[0]) {
		tbuf_add(b, w, 1);
		redact_text(b, w + 1, n - 2);
		tbuf_add(b, w, 1);
		return;
	}
	if (!eq) {
		if (looks_sensitive(w, n))
			tbuf_adds(b, REDACTED);
		else
			tbuf_add(b, w, n);
		return;
	}
	klen = (size_t)(eq - w);
	val = eq + 1;
	vlen = n - klen - 1;
	tbuf_add(b, w, klen + 1);
	if (is_shell_cmdline_var(key, klen)) {
		/* its quotes, then the command line inside them (a lone quote too) */
		bool closed = vlen >= 2 && is_quote(val[0]) && val[vlen - 1] == val[0];

		if (vlen && is_quote(val[0])) {
			tbuf_add(b, val, 1);
			redact_text(b, val + 1, vlen - 1 - closed);
			if (closed)
				tbuf_add(b, val, 1);
		} else {
			redact_text(b, val, vlen);
		}
		return;
	}
	if (key_in(key, klen, kept_keys, ARRAY_SIZE(kept_keys))) {
		tbuf_add(b, val, vlen);
		return;
	}
	if (key_matches(key, klen, "root")) {
		const char *v = val;
		size_t vl = vlen;
		bool net = false;

		if (vl && is_quote(*v)) {
			v++;
			vl--;
		}
		for (size_t i = 0; i < ARRAY_SIZE(network_roots) && !net; i++)
			net = vl >= strlen(network_roots[i]) &&
			      strncmp(v, network_roots[i], strlen(network_roots[i])) == 0;
		if (!net && !looks_sensitive(val, vlen)) {
			tbuf_add(b, val, vlen);
			return;
		}
	} else if (!has_secret_word(key, klen) &&
		   !key_in(key, klen, network_keys, ARRAY_SIZE(network_keys)) &&
		   !looks_sensitive(val, vlen)) {
		tbuf_add(b, val, vlen);
		return;
	}
	if (vlen)
		tbuf_adds(b, REDACTED);
}

/* words split at blanks outside quotes, as the kernel's next_arg() (lib/cmdline.c) splits them */
static void redact_text(struct tbuf *b, const char *t, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		char quote = 0;

		if (isspace((unsigned char)t[i])) {
			tbuf_add(b, t + i, 1);
			i++;
			continue;
		}
		/* a quote never carries a word over a line end: lines stay lines */
		while (j < n && t[j] != '\n' && (quote || !isspace((unsigned char)t[j]))) {
			if (quote && t[j] == quote)
				quote = 0;
			else if (!quote && is_quote(t[j]))
				quote = t[j];
			j++;
		}
		redact_word(b, t + i, j - i);
		i = j;
	}
}

char *redact_cmdline(const char *text, size_t len, size_t *out_len)
{
	struct tbuf b = { 0 };

	redact_text(&b, text, len);
	return tbuf_take(&b, out_len);
}

/* "SerialNumber:", "Serial Number:", "serial number" at @p: the key's length or 0 */
static size_t serial_key_len(const char *p, size_t n)
{
	size_t i;

	if (n < 6 || strncasecmp(p, "serial", 6) != 0)
		return 0;
	i = 6;
	while (i < n && (p[i] == ' ' || p[i] == '_'))
		i++;
	if (n - i < 6 || strncasecmp(p + i, "number", 6) != 0) {
		/* "serial=" and "serial:" name one too */
		if (i == 6 && i < n && (p[i] == '=' || p[i] == ':'))
			return i + 1;
		return 0;
	}
	i += 6;
	if (i < n && (p[i] == ':' || p[i] == '='))
		i++;
	return i;
}

char *redact_log(const char *text, size_t len, size_t *out_len)
{
	struct tbuf b = { 0 };

	for (size_t i = 0; i < len;) {
		bool boundary = !i || !(is_word_char(text[i - 1]) || text[i - 1] == '.' ||
					text[i - 1] == ':' || text[i - 1] == '-');
		size_t k;

		/* "Kernel command line: ...", "Unknown kernel command line parameters" */
		if (len - i >= 12 && strncasecmp(text + i, "command line", 12) == 0) {
			tbuf_add(&b, text + i, 12);
			redact_text(&b, text + i + 12, len - i - 12);
			break;
		}
		k = boundary ? serial_key_len(text + i, len - i) : 0;
		if (k) {
			tbuf_add(&b, text + i, k);
			i += k;
			while (i < len && text[i] == ' ')
				tbuf_add(&b, text + i++, 1);
			if (i < len && text[i] != '\n')
				tbuf_adds(&b, REDACTED);
			/* the value runs to the end of the record: records are redacted one by one */
			while (i < len && text[i] != '\n')
				i++;
			continue;
		}
		k = boundary ? hwaddr_len(text + i, len - i) : 0;
		if (k) {
			for (size_t j = 0; j < k; j++)
				tbuf_add(&b, is_hex(text[i + j]) ? "x" : text + i + j, 1);
			i += k;
			continue;
		}
		k = boundary ? ipv4_len(text + i, len - i) : 0;
		if (k) {
			tbuf_adds(&b, "x.x.x.x");
			i += k;
			continue;
		}
		k = boundary ? ipv6_len(text + i, len - i) : 0;
		if (k) {
			tbuf_adds(&b, "x:x::x");
			i += k;
			continue;
		}
		tbuf_add(&b, text + i, 1);
		i++;
	}
	return tbuf_take(&b, out_len);
}
