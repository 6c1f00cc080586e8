// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The signs that make a line the knowledge base does not know relevant to a
 * passthrough where it holds no passthrough word and no PCI address (the
 * classifier's rules are in explain-unknown.c): a failure next to a noun of
 * the things passed through, a Go logger's error head, the kernel's crash
 * heads, systemd's failed start of a VM's unit.
 */
#define _GNU_SOURCE
#include <string.h>
#include <strings.h>

#include "explain-unknown-int.h"
#include "internal.h"

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncmp(s, prefix, n) == 0;
}

static bool starts_ci(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncasecmp(s, prefix, n) == 0;
}

static bool isalnum_ascii(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* a byte that continues a name: "pci_bus", "rockchip-pcie", "f8000000.pcie" */
static bool in_name(char c)
{
	return isalnum_ascii(c) || c == '_' || c == '-' || c == '.';
}

/*
 * systemd's word on a unit whose start job failed, "Failed to start UNIT."
 * (src/core/job.c, job_done_message), with a VM program named: libvirtd's or
 * virtqemud's service, the machine scope systemd-machined registers for a
 * QEMU guest ("Virtual Machine qemu-1-win10"), Proxmox's qemu-server units.
 * The unit's failure is the VM's, whatever the journal says next.
 */
bool unknown_vm_unit_failed(const char *line, size_t len)
{
	const char *ident, *msg;
	size_t ident_len, mlen = len;
	bool kernel;

	msg = unknown_strip_prefixes(line, &mlen, &kernel, &ident, &ident_len);
	if (starts(msg, mlen, "systemd[1]: "))
		msg += 12, mlen -= 12;
	return starts(msg, mlen, "Failed to start ");
}

/*
 * The kernel's crash heads that a failure gate reaches: x86's page-fault oops
 * "BUG: unable to handle page fault" (arch/x86/mm/fault.c, show_fault_oops),
 * arm64's "Unable to handle kernel NULL pointer dereference" (arch/arm64/mm/
 * fault.c, die_kernel_fault), x86's "kernel stack overflow (double-fault)"
 * (arch/x86/kernel/traps.c, handle_stack_overflow). A crash in a log of a
 * passthrough is never an all-clear, whatever it names. So are the hangs of
 * the host that a VM's pinned memory or a stuck device cause: the soft and
 * hard lockup detector's "watchdog: BUG: soft lockup - CPU#3 stuck for 23s!"
 * and "watchdog: Watchdog detected hard LOCKUP on cpu 3" (kernel/watchdog.c,
 * watchdog_timer_fn, watchdog_hardlockup_check) and RCU's stall heads "rcu:
 * INFO: ... self-detected stall on CPU", "... detected stalls on CPUs/tasks"
 * and "rcu: ... kthread starved for N jiffies!" (kernel/rcu/tree_stall.h),
 * which the gates "lockup", "detected stall" and "starved" reach. And the
 * failures of the hugepages that back a VM's guest memory, pinned for a
 * device's DMA: mm/hugetlb.c's pr_fmt "HugeTLB: " (its boot notes carry no
 * failure; "hugetlb:" is in 9 error and warning formats of the catalogue's
 * development part and no info one) and mm/hugetlb_cma.c's "hugetlb_cma: ".
 */
const char *unknown_kernel_crash(const char *line, size_t len)
{
	static const char *const heads[] = { "BUG: unable to handle", "Unable to handle kernel",
					     "kernel stack overflow" };
	static const char *const hangs[] = { "watchdog: BUG: soft lockup",
					     "watchdog: Watchdog detected hard LOCKUP", "rcu: " };
	static const char *const hugepages[] = { "HugeTLB: ", "hugetlb: ", "hugetlb_cma: " };
	const char *ident, *msg;
	size_t ident_len, mlen = len;
	bool kernel;

	msg = unknown_strip_prefixes(line, &mlen, &kernel, &ident, &ident_len);
	/* a pasted dmesg line without its time: "[] BUG: ..." */
	if (starts(msg, mlen, "[] "))
		msg += 3, mlen -= 3;
	for (size_t i = 0; i < ARRAY_SIZE(heads); i++)
		if (starts(msg, mlen, heads[i]))
			return KERNEL_CRASH_SUBSYSTEM;
	for (size_t i = 0; i < ARRAY_SIZE(hangs); i++)
		if (starts(msg, mlen, hangs[i]))
			return KERNEL_HANG_SUBSYSTEM;
	for (size_t i = 0; i < ARRAY_SIZE(hugepages); i++)
		if (starts(msg, mlen, hugepages[i]))
			return HUGEPAGES_SUBSYSTEM;
	return NULL;
}

/*
 * The level that a Go or Rust program's logger writes in its own head, which
 * the orchestrators and device plugins around a passthrough log through:
 * logrus's text formatter "level=error" (sirupsen/logrus text_formatter.go;
 * Incus, LXD, Harvester, Kata, containerd), log15's "lvl=eror" (LXD's older
 * logs), a JSON logger's "level":"error" (go-kit, KubeVirt's client-go/log;
 * the Kata agent's slog "ERRO"), and klog's or glog's head "E1205
 * 10:00:00.123456" (the level's first letter, then month and day; the SR-IOV
 * and Intel device plugins, kubelet). Read from the raw line, after a journal
 * or syslog head.
 */
static enum logger_level level_word(const char *v, size_t n)
{
	static const char *const errors[] = { "error", "eror", "erro", "fatal", "crit", "panic" };
	static const char *const infos[] = { "info", "debug", "dbug", "trace" };

	for (size_t i = 0; i < ARRAY_SIZE(errors); i++)
		if (starts_ci(v, n, errors[i]))
			return LOGGER_ERROR;
	for (size_t i = 0; i < ARRAY_SIZE(infos); i++)
		if (starts_ci(v, n, infos[i]))
			return LOGGER_INFO;
	return starts_ci(v, n, "warn") ? LOGGER_WARNING : NO_LOGGER;
}

enum logger_level unknown_logger_level(const char *line, size_t len)
{
	/* each key after its logger's head: logrus's time, log15's t, a JSON object */
	static const struct {
		const char *head, *key;
	} keys[] = { { "time=\"", " level=" }, { "t=", " lvl=" }, { "{", "\"level\":\"" } };
	const char *ident, *msg;
	size_t ident_len, mlen = len;
	bool kernel;

	if (len > SECOND_STAGE_MAX)
		len = SECOND_STAGE_MAX;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		size_t n = strlen(keys[i].key);
		const char *h = memmem(line, len, keys[i].head, strlen(keys[i].head));
		const char *k = h ? memmem(h, (size_t)(line + len - h), keys[i].key, n) : NULL;

		if (k)
			return level_word(k + n, (size_t)(line + len - k - n));
	}
	/* klog: "E1205 10:00:00.123456    1 file.go:12] " after the journal's head */
	msg = unknown_strip_prefixes(line, &mlen, &kernel, &ident, &ident_len);
	if (!kernel && mlen > 16 && msg[5] == ' ' && msg[8] == ':' && msg[11] == ':' && msg[14] == '.') {
		bool digits = true;

		for (size_t i = 1; i < 5; i++)
			digits = digits && msg[i] >= '0' && msg[i] <= '9';
		if (digits && memchr("EF", msg[0], 2))
			return LOGGER_ERROR;
		if (digits && msg[0] == 'I')
			return LOGGER_INFO;
		if (digits && msg[0] == 'W')
			return LOGGER_WARNING;
	}
	return NO_LOGGER;
}

/*
 * The things a passthrough hands over, named as nouns where no PCI address
 * stands: the orchestrators' and device plugins' errors (KubeVirt, Incus,
 * LXD, Harvester, Kata, Nova, the SR-IOV and Intel device plugins) speak of
 * "PCI devices", "VF", "SR-IOV", "GPU", "MIG", "mdev" and carry no head the
 * line keeps when pasted. In the catalogue's development part these words
 * stand in error and warning formats far more than in info ones
 * (tests/explain/dev/README.md, twentieth round: "PCI" 378 to 110, "VF(s)"
 * 97 to 22, "GPU" 66 to 16, "mdev(s)" 38 to 10, "SR-IOV" 33 to 4, "MIG" 26 to
 * 0, "pcidevice(s)" 15 to 2, "virtual function" 14 to 0, "sriov" 11 to 0);
 * POWER's PCI host bridge reports its errors as "PHB#0003[0:3]: ..."
 * (skiboot's PHBERR, hw/phb4.c). A failure word next to one is a problem of
 * a device of the kind passed through, as next to an address.
 */
bool unknown_names_pci_thing(const char *s, size_t len)
{
	static const char *const nouns[] = { "pci", "pcie", "sr-iov", "sriov", "vf", "vfs",
					     "virtual function", "gpu", "gpus", "mig", "mdev", "mdevs",
					     "pcidevice", "pcidevices", "phb" };
	/* "PCI INT A" is a legacy interrupt pin that ACPI routes for every device at boot,
	 * "PCI Express" the bus in a capability's name ("Advanced Error Reporting (PCI
	 * Express)"): neither is a device */
	static const char *const pci_tails[] = { " int ", " express" };

	if (len > SECOND_STAGE_MAX)
		len = SECOND_STAGE_MAX;
	/* one pass: only at the start of a word whose first letter starts a noun */
	for (size_t i = 0; i < len; i++) {
		char c = (char)(s[i] | 0x20);

		if ((i && in_name(s[i - 1])) || !isalnum_ascii(s[i]) || !memchr("psvgm", c, 5))
			continue;
		for (size_t w = 0; w < ARRAY_SIZE(nouns); w++) {
			size_t n = strlen(nouns[w]);
			char b;
			bool tail = false;

			if (nouns[w][0] != c || n > len - i || strncasecmp(s + i, nouns[w], n) != 0)
				continue;
			/* not inside a name ("pci_bus", "rockchip-pcie"), nor a UEFI device
			 * path's node ("PciRoot(0x0)/Pci(0xA,0x0)") */
			b = i + n < len ? s[i + n] : ' ';
			if (in_name(b) || b == '(')
				continue;
			for (size_t t = 0; w == 0 && t < ARRAY_SIZE(pci_tails) && !tail; t++)
				tail = starts_ci(s + i + n, len - i - n, pci_tails[t]);
			if (!tail)
				return true;
		}
	}
	return false;
}
