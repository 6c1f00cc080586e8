// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lint, the guest's memory: whether the QEMU user's memlock limit lets VFIO
 * pin all of it, and whether the huge pages it asks for are there.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint-internal.h"

char *lint_fmt_size(uint64_t bytes)
{
	char buf[32];

	vfd_format_size(bytes, buf, sizeof(buf));
	return strdup(buf);
}

void lint_memlock(struct lint *l)
{
	const struct vfd_vm_conf *c = l->c;
	struct vfd_memlock_conf mc;
	struct vfd_account acct;
	struct vfd_finding *f;
	char *mem, *lim;
	uint64_t limit;
	const char *from;
	int r;

	if (!c->n_hostdevs || !c->memory)
		return;
	mem = lint_fmt_size(c->memory);
	if (c->source == VFD_VM_SOURCE_LIBVIRT) {
		if (c->hard_limit && c->hard_limit < c->memory) {
			lim = lint_fmt_size(c->hard_limit);
			f = report_add(l->rep, "vm.memlock", "vm", VFD_FAIL, NULL,
				       "<hard_limit> %s is below the guest's memory %s: libvirt "
				       "makes it the memlock limit and VFIO cannot pin the memory",
				       lim ? lim : "?", mem ? mem : "?");
			finding_fix(f, "raise <memtune><hard_limit> to the memory plus 1 GiB, or "
				       "remove it");
			free(lim);
		} else {
			f = report_add(l->rep, "vm.memlock", "vm", VFD_OK, NULL,
				       "libvirt raises the memlock limit of QEMU itself for a domain "
				       "with hostdevs: to %s", c->hard_limit ? "<hard_limit>"
				       : c->locked ? "unlimited (<locked/>, no <hard_limit>)"
				       : "the guest's memory plus 1 GiB");
			finding_evidence(f, "limits.conf does not apply: libvirtd starts QEMU "
					    "without a PAM session");
		}
		free(mem);
		return;
	}
	if (c->source == VFD_VM_SOURCE_PVE) {
		/* qemu-server starts every guest's QEMU as root */
		report_add(l->rep, "vm.memlock", "vm", VFD_OK, NULL,
			   "Proxmox runs QEMU as root: CAP_IPC_LOCK lifts the memlock limit");
		free(mem);
		return;
	}
	/*
	 * A script that raises its own limit (vm writes one) runs as whoever
	 * starts it, not as the QEMU user of libvirt: without --user there is
	 * no account to check it against.
	 */
	if (c->ulimit_memlock && !l->user_given && c->ulimit_memlock < c->memory) {
		lim = lint_fmt_size(c->ulimit_memlock);
		f = report_add(l->rep, "vm.memlock", "vm", VFD_FAIL, NULL,
			       "the script sets its memlock limit to %s (ulimit -l), below the "
			       "guest's %s: VFIO pins every guest page and the mapping fails",
			       lim ? lim : "?", mem ? mem : "?");
		finding_fix(f, "ulimit -l unlimited (as root), or at least the memory plus 1 GiB");
		free(lim);
		free(mem);
		return;
	}
	if (c->ulimit_memlock && !l->user_given) {
		lim = lint_fmt_size(c->ulimit_memlock);
		f = report_add(l->rep, "vm.memlock", "vm", VFD_OK, NULL,
			       "the script raises its memlock limit (ulimit -l %s) before QEMU "
			       "pins the guest's %s", c->ulimit_memlock == VFD_UNLIMITED
			       ? "unlimited" : lim ? lim : "?", mem ? mem : "?");
		finding_evidence(f, "it works as root, or for an account whose hard memlock "
				    "limit covers %s: name it with --user to check", mem ? mem : "?");
		free(lim);
		free(mem);
		return;
	}
	r = vfd_account_lookup(l->root, l->user, &acct);
	if (r < 0) {
		f = report_add(l->rep, "vm.memlock", "vm", VFD_SKIP, NULL,
			       "memlock limit not checked: user %s is not in etc/passwd", l->user);
		finding_fix(f, "name the account that runs QEMU: vfio-doctor lint --user NAME");
		free(mem);
		return;
	}
	if (acct.uid == 0) {
		report_add(l->rep, "vm.memlock", "vm", VFD_OK, NULL,
			   "QEMU runs as root: CAP_IPC_LOCK lifts the memlock limit");
		free(mem);
		return;
	}
	r = vfd_limits_read(l->root, &acct, &mc);
	/* the kernel's default RLIMIT_MEMLOCK: 8 MiB since 5.16, 64 KiB before */
	limit = vfd_host_kernel_version(l->host) >= (5u << 16 | 16u << 8) ? 8ull << 20 : 64ull << 10;
	from = "the kernel's default";
	if (r >= 0 && !mc.no_limits && mc.soft_set) {
		limit = mc.soft;
		from = mc.soft_file;
	} else if (r >= 0 && !mc.no_limits && mc.hard_set && mc.hard < limit) {
		limit = mc.hard;
		from = mc.hard_file;
	}
	/* a script's "ulimit -l" raises the soft limit as far as the hard one lets it */
	if (c->ulimit_memlock && limit != VFD_UNLIMITED) {
		uint64_t hard = r >= 0 && !mc.no_limits && mc.hard_set ? mc.hard : limit;
		uint64_t raised = c->ulimit_memlock < hard ? c->ulimit_memlock : hard;

		if (raised > limit) {
			limit = raised;
			from = "the script's ulimit -l, within the hard limit";
		}
	}
	lim = lint_fmt_size(limit);
	if (limit != VFD_UNLIMITED && limit < c->memory) {
		f = report_add(l->rep, "vm.memlock", "vm", VFD_FAIL, NULL,
			       "the guest's memory %s is over the memlock limit %s of %s: VFIO "
			       "pins every guest page and the mapping fails", mem ? mem : "?",
			       lim ? lim : "?", l->user);
		if (mc.soft_set)
			finding_evidence(f, "%s:%u: soft memlock for %s", mc.soft_file, mc.soft_line,
					 l->user);
		else
			finding_evidence(f, "no memlock entry for %s in etc/security/limits.conf or "
					    "limits.d: %s applies", l->user, from);
		finding_evidence(f, "limits.conf applies to PAM sessions (a login shell); a "
				    "systemd service has its own LimitMEMLOCK=");
		finding_fix(f, "echo '%s - memlock unlimited' > /etc/security/limits.d/"
			       "90-vfio.conf, then log in again", l->user);
	} else {
		f = report_add(l->rep, "vm.memlock", "vm", VFD_OK, NULL,
			       "memlock limit of %s is %s, enough for %s", l->user, lim ? lim : "?",
			       mem ? mem : "?");
		finding_evidence(f, "set by %s", from);
	}
	free(lim);
	free(mem);
}

void lint_hugepages(struct lint *l)
{
	const struct vfd_vm_conf *c = l->c;
	struct vfd_meminfo mi = { 0 };
	struct vfd_finding *f;
	uint64_t size = c->hugepage_size, total = 0, free_pages = 0;
	char *buf = NULL, *sz, *mem;
	size_t len = 0;
	bool have = false;

	if (!c->hugepages)
		return;
	if (vfd_root_read_filef(l->root, 1 << 20, &buf, &len, "proc/meminfo") == 0)
		vfd_meminfo_parse(buf, len, &mi);
	free(buf);
	if (!size)
		size = mi.hp_size;
	if (size) {
		have = vfd_root_readf_u64(l->root, &total,
					  "sys/kernel/mm/hugepages/hugepages-%llukB/nr_hugepages",
					  (unsigned long long)(size >> 10)) == 0;
		vfd_root_readf_u64(l->root, &free_pages,
				   "sys/kernel/mm/hugepages/hugepages-%llukB/free_hugepages",
				   (unsigned long long)(size >> 10));
	}
	if (!have && size && size == mi.hp_size && (mi.found & (1u << 2))) {
		total = mi.hp_total;
		free_pages = mi.hp_free;
		have = true;
	}
	sz = lint_fmt_size(size);
	mem = c->memory ? lint_fmt_size(c->memory) : NULL;
	if (!have) {
		f = report_add(l->rep, "vm.hugepages", "vm", VFD_FAIL, NULL,
			       "hugepages requested, but the host has no %s pages",
			       size ? sz : "huge");
		finding_evidence(f, "sys/kernel/mm/hugepages/hugepages-%llukB: absent",
				 (unsigned long long)(size >> 10));
	} else if (c->memory && total * size < c->memory) {
		f = report_add(l->rep, "vm.hugepages", "vm", VFD_FAIL, NULL,
			       "hugepages requested, but only %llu pages of %s are reserved, less "
			       "than the guest's %s", (unsigned long long)total, sz ? sz : "?",
			       mem ? mem : "?");
		finding_evidence(f, "sys/kernel/mm/hugepages/hugepages-%llukB/nr_hugepages: %llu",
				 (unsigned long long)(size >> 10), (unsigned long long)total);
		finding_fix(f, "echo %llu > /sys/kernel/mm/hugepages/hugepages-%llukB/nr_hugepages "
			       "(or hugepages=%llu on the kernel command line)",
			    (unsigned long long)((c->memory + size - 1) / size),
			    (unsigned long long)(size >> 10),
			    (unsigned long long)((c->memory + size - 1) / size));
	} else if (c->memory && free_pages * size < c->memory) {
		f = report_add(l->rep, "vm.hugepages", "vm", VFD_WARN, NULL,
			       "%llu pages of %s are reserved but only %llu are free now, less "
			       "than the guest's %s", (unsigned long long)total, sz ? sz : "?",
			       (unsigned long long)free_pages, mem ? mem : "?");
		finding_evidence(f, "sys/kernel/mm/hugepages/hugepages-%llukB/free_hugepages: %llu",
				 (unsigned long long)(size >> 10), (unsigned long long)free_pages);
	} else {
		report_add(l->rep, "vm.hugepages", "vm", VFD_OK, NULL,
			   "%llu pages of %s reserved, %llu free", (unsigned long long)total,
			   sz ? sz : "?", (unsigned long long)free_pages);
	}
	free(sz);
	free(mem);
}
