// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Preflight, the host's memory for the guest: the memlock limit of the
 * process that maps (and what limits.conf gives the account at login), and
 * the huge pages free for it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "internal.h"
#include "preflight-internal.h"

/* CAP_IPC_LOCK in the capability sets of proc/PID/status */
#define PF_CAP_IPC_LOCK 14

/* CAP_IPC_LOCK in this process's effective set */
static bool have_ipc_lock(struct vfd_root *root)
{
	char *status = NULL, *p;
	unsigned long long caps;
	bool yes = false;

	if (vfd_root_read_filef(root, 1 << 16, &status, NULL, "proc/self/status") < 0)
		return false;
	p = strstr(status, "\nCapEff:");
	if (p && sscanf(p + 8, "%llx", &caps) == 1)
		yes = (caps >> PF_CAP_IPC_LOCK) & 1;
	free(status);
	return yes;
}

void pf_memory_steps(struct pf_explain_ctx *x, const struct vfd_preflight_opts *opts)
{
	struct vfd_pf_memory *m = &x->pf->memory;
	struct vfd_pf_step *st;
	char guest[32], soft[32], hard[32];
	struct dirent *de;
	char *buf = NULL;
	size_t len = 0;
	DIR *d;

	m->guest = opts ? opts->memory : 0;
	vfd_format_size(m->guest, guest, sizeof(guest));
	if (x->pf->live) {
		struct rlimit rl;

		if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0) {
			m->rlimit_known = true;
			m->memlock_soft = rl.rlim_cur == RLIM_INFINITY ? VFD_UNLIMITED : rl.rlim_cur;
			m->memlock_hard = rl.rlim_max == RLIM_INFINITY ? VFD_UNLIMITED : rl.rlim_max;
		}
		/* a dropped root has no capabilities left */
		m->cap_ipc_lock = x->acct && x->acct->uid != 0 ? false : have_ipc_lock(x->root);
	}
	if (x->acct) {
		vfd_limits_read(x->root, x->acct, &m->conf);
		m->conf_read = true;
	}

	st = pf_step_new(x->pf, VFD_PF_MEMLOCK, VFD_PF_HOST, "getrlimit(RLIMIT_MEMLOCK)");
	st->status = VFD_INFO;
	if (m->rlimit_known) {
		vfd_format_size(m->memlock_soft, soft, sizeof(soft));
		vfd_format_size(m->memlock_hard, hard, sizeof(hard));
		pf_step_result(st, "%s (hard %s)%s", soft, hard,
			       m->cap_ipc_lock ? "; CAP_IPC_LOCK lifts it for this process" : "");
		strv_appendf(&st->evidence, "RLIMIT_MEMLOCK of the process that mapped (as "
			     "%s): %s (hard %s); with --as-user it is the limit this command "
			     "was started with", x->pf->user, soft, hard);
		strv_appendf(&st->evidence, "CAP_IPC_LOCK (exempt from the limit): %s",
			     m->cap_ipc_lock ? "yes" : "no");
	} else {
		pf_step_result(st, "the limit of a process is only known on the live host");
	}
	if (m->conf_read) {
		const struct vfd_memlock_conf *c = &m->conf;

		if (c->no_limits) {
			strv_appendf(&st->evidence, "%s:%u: no limits at all for %s at login",
				     c->no_limits_file, c->no_limits_line, x->acct->name);
		} else if (c->soft_set || c->hard_set) {
			vfd_format_size(c->soft, soft, sizeof(soft));
			vfd_format_size(c->hard, hard, sizeof(hard));
			if (c->soft_set)
				strv_appendf(&st->evidence, "/%s:%u: %s gets memlock %s (soft) "
					     "at login", c->soft_file, c->soft_line,
					     x->acct->name, soft);
			if (c->hard_set)
				strv_appendf(&st->evidence, "/%s:%u: %s gets memlock %s (hard) "
					     "at login", c->hard_file, c->hard_line,
					     x->acct->name, hard);
		} else {
			strv_appendf(&st->evidence, "limits.conf and limits.d set no memlock "
				     "for %s: a login keeps the system default", x->acct->name);
		}
	}
	strv_appendf(&st->evidence, "libvirt raises the limit itself for the domains it "
		     "starts: the guest's memory + 1 GiB (more with a vIOMMU), or "
		     "<memtune><hard_limit>; a systemd unit sets it with LimitMEMLOCK=, not "
		     "limits.conf");
	if (m->guest) {
		uint64_t have = m->cap_ipc_lock ? VFD_UNLIMITED : m->memlock_soft;
		bool conf_short = m->conf_read && m->conf.soft_set && !m->conf.no_limits &&
				  m->conf.soft < m->guest;

		strv_appendf(&st->evidence, "guest RAM to pin for DMA: %s (QEMU pins all of it "
			     "without a vIOMMU)", guest);
		if ((m->rlimit_known && have < m->guest) || conf_short) {
			st->status = VFD_WARN;
			pf_result_add(st, "below the guest's %s", guest);
		} else if (m->rlimit_known) {
			st->status = VFD_OK;
			pf_result_add(st, "enough for the guest's %s", guest);
		}
	}

	/* huge pages: the default size from meminfo, every size from sysfs */
	st = pf_step_new(x->pf, VFD_PF_HUGEPAGES, VFD_PF_HOST, "read /proc/meminfo, "
			 "/sys/kernel/mm/hugepages");
	st->status = VFD_INFO;
	if (vfd_root_read_filef(x->root, 1 << 16, &buf, &len, "proc/meminfo") == 0 &&
	    vfd_meminfo_parse(buf, len, &m->meminfo) == 0)
		m->meminfo_read = true;
	free(buf);
	d = vfd_root_opendirf(x->root, "sys/kernel/mm/hugepages");
	while (d && (de = readdir(d)) && m->n_hugepages < VFD_PF_MAX_HUGEPAGE_SIZES) {
		unsigned long long kib;
		uint64_t total = 0, nfree = 0;

		if (sscanf(de->d_name, "hugepages-%llukB", &kib) != 1)
			continue;
		vfd_root_readf_u64(x->root, &total, "sys/kernel/mm/hugepages/%s/nr_hugepages",
				   de->d_name);
		vfd_root_readf_u64(x->root, &nfree, "sys/kernel/mm/hugepages/%s/free_hugepages",
				   de->d_name);
		m->hugepages[m->n_hugepages].size = kib * 1024;
		m->hugepages[m->n_hugepages].total = total;
		m->hugepages[m->n_hugepages].free = nfree;
		m->n_hugepages++;
	}
	if (d)
		closedir(d);
	for (size_t i = 0; i < m->n_hugepages; i++) {
		char sz[32], fr[32];

		vfd_format_size(m->hugepages[i].size, sz, sizeof(sz));
		vfd_format_size(m->hugepages[i].size * m->hugepages[i].free, fr, sizeof(fr));
		pf_result_add(st, "%s pages: %llu of %llu free (%s)", sz,
			      (unsigned long long)m->hugepages[i].free,
			      (unsigned long long)m->hugepages[i].total, fr);
	}
	if (!m->n_hugepages)
		pf_step_result(st, "no huge page sizes in /sys/kernel/mm/hugepages");
	if (m->meminfo_read && (m->meminfo.found & 2)) {
		vfd_format_size(m->meminfo.available, soft, sizeof(soft));
		strv_appendf(&st->evidence, "/proc/meminfo: MemAvailable %s", soft);
	}
	if (m->guest && m->n_hugepages) {
		bool fits = false;

		for (size_t i = 0; i < m->n_hugepages; i++)
			if (m->hugepages[i].size &&
			    m->hugepages[i].free >= (m->guest + m->hugepages[i].size - 1) /
						    m->hugepages[i].size)
				fits = true;
		if (fits) {
			strv_appendf(&st->evidence, "the guest's %s fits in free huge pages: "
				     "libvirt <memoryBacking><hugepages/></memoryBacking>, or "
				     "QEMU -object memory-backend-file,mem-path=/dev/hugepages",
				     guest);
		} else {
			uint64_t sz = m->hugepages[0].size;

			for (size_t i = 1; i < m->n_hugepages; i++)
				if (m->hugepages[i].size == 2ull << 20)
					sz = m->hugepages[i].size;
			if (sz)
				strv_appendf(&st->fix, "to back the guest with huge pages "
					     "(optional), reserve them: echo %llu > "
					     "/sys/kernel/mm/hugepages/hugepages-%llukB/nr_hugepages",
					     (unsigned long long)((m->guest + sz - 1) / sz),
					     (unsigned long long)(sz / 1024));
		}
	}
}
