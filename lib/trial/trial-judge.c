// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a trial back: what QEMU said, what the guest's console showed and
 * the report its /init sent, judged layer by layer from the outside in, so
 * that the first broken layer is the one to look at.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "json.h"
#include "trial.h"

#define LAYER "trial"
#define MAX_EVIDENCE_LINES 12
#define MAX_INIT_LINES 64
#define PVH_EVIDENCE "kernel: given to QEMU decompressed (its ELF), started at its PVH entry"

char *vfd_trial_extract_report(const char *transcript)
{
	const char *b, *e;
	char *out, *o;

	if (!transcript)
		return NULL;
	b = strstr(transcript, VFD_TRIAL_MARK_BEGIN);
	if (!b)
		return NULL;
	b += strlen(VFD_TRIAL_MARK_BEGIN);
	e = strstr(b, VFD_TRIAL_MARK_END);
	if (!e)
		return NULL;
	out = malloc((size_t)(e - b) + 1);
	if (!out)
		return NULL;
	o = out;
	for (const char *p = b; p < e; p++)
		if (*p != '\r')
			*o++ = *p;
	*o = '\0';
	return out;
}

/* a finding's verdict changed once the evidence is in: new status and summary */
static void restate(struct vfd_finding *f, enum vfd_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void restate(struct vfd_finding *f, enum vfd_status status, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	f->status = status;
	if (s) {
		free(f->summary);
		f->summary = s;
	}
}

/*
 * each line of @text that the knowledge base knows, as evidence with its title;
 * a line holding @ignore (when not NULL) is left out
 */
static size_t decode_lines(struct vfd_kb *kb, struct vfd_finding *f, const char *what,
			   const char *text, bool all, const char *ignore)
{
	const char *p = text;
	size_t shown = 0;

	while (p && *p && shown < MAX_EVIDENCE_LINES) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct vfd_kb_match m;

		while (len && p[len - 1] == '\r')
			len--;
		if (ignore && memmem(p, len, ignore, strlen(ignore))) {
			/* left out */
		} else if (kb && len && vfd_kb_match(kb, p, len, &m) == 1 && !m.entry->harmless) {
			finding_evidence(f, "%s: %.*s", what, (int)len, p);
			finding_evidence(f, "  explain %s: %s", m.entry->id, m.entry->title);
			for (size_t i = 0; i < m.entry->n_fixes; i++) {
				char *fix = vfd_kb_expand(m.entry->fixes[i], &m);

				if (fix)
					finding_fix(f, "%s", fix);
				free(fix);
			}
			shown++;
		} else if (all && len) {
			finding_evidence(f, "%s: %.*s", what, (int)len, p);
			shown++;
		}
		p = nl ? nl + 1 : NULL;
	}
	return shown;
}

/*
 * the guest's CPU ran the firmware: QEMU had realised every device (a vfio-pci
 * device that cannot be opened ends QEMU before the first instruction).
 * SeaBIOS writes its debug console from its first steps; OVMF, built without
 * debug output, clears the serial terminal it connects as its console (ESC
 * [2J, MdeModulePkg/Universal/Console/TerminalDxe/TerminalConOut.c), which
 * no kernel sends there.
 */
static bool ran_firmware(const struct vfd_trial_run *run)
{
	return (run->firmware_log && *run->firmware_log) ||
	       (run->console && strstr(run->console, "\033[2J"));
}

/*
 * QEMU's line on the SIGTERM the trial itself sent at the timeout or on
 * SIGINT/SIGTERM ("terminating on signal 15 from pid N", softmmu/runstate.c):
 * not a problem of the VM
 */
static const char *own_stop(const struct vfd_trial_run *run)
{
	return run->timed_out || run->interrupted ? "terminating on signal" : NULL;
}

static void judge_qemu(const struct vfd_trial_run *run, struct vfd_report *out, bool up)
{
	struct vfd_finding *f;

	if (!run->started) {
		f = report_add(out, "trial.qemu", LAYER, VFD_FAIL, NULL, "QEMU could not be started");
		decode_lines(run->kb, f, "qemu", run->qemu_stderr, true, own_stop(run));
		return;
	}
	if (up || ran_firmware(run)) {
		f = report_add(out, "trial.qemu", LAYER, VFD_OK, NULL,
			       "QEMU started the VM and opened the devices (%.0f s)", run->seconds);
		if (!up)
			finding_evidence(f, "the firmware ran: QEMU had set the devices up");
		if (run->qemu_stderr && *run->qemu_stderr &&
		    decode_lines(run->kb, f, "qemu", run->qemu_stderr, true, own_stop(run)))
			f->status = VFD_WARN;
		return;
	}
	if (run->interrupted) {
		report_add(out, "trial.qemu", LAYER, VFD_SKIP, NULL, "%s",
			   "QEMU was stopped (SIGINT or SIGTERM) before the guest booted");
		return;
	}
	f = report_add(out, "trial.qemu", LAYER, VFD_FAIL, NULL,
		       run->exit_status > 0 ? "QEMU failed before the guest booted (exit status %d)"
		       : "QEMU ended before the guest booted", run->exit_status);
	if (run->timed_out)
		finding_evidence(f, "stopped after the timeout (%.0f s) with nothing on the guest's "
				 "console", run->seconds);
	decode_lines(run->kb, f, "qemu", run->qemu_stderr, true, own_stop(run));
}

/*
 * SeaBIOS's enumeration on its debug console: "PCI: init bdf=01:00.0
 * id=8086:10d3" per function (src/fw/pciinit.c), and the option ROMs it ran
 * ("Running option rom at c000:0003", src/optionroms.c).
 */
static void judge_firmware(const struct vfd_trial_run *run, struct vfd_report *out)
{
	const char *log = run->firmware_log;
	struct vfd_finding *f;
	size_t missing = 0;

	if (!log || !*log) {
		f = report_add(out, "trial.firmware", LAYER, VFD_SKIP, NULL, "%s",
			       "the firmware's enumeration was not read (OVMF, or no debug console)");
		return;
	}
	f = report_add(out, "trial.firmware", LAYER, VFD_OK, NULL, "%s",
		       "SeaBIOS enumerated every device given");
	for (size_t d = 0; d < run->n_devs; d++) {
		char id[24];
		const char *hit;

		snprintf(id, sizeof(id), " id=%04x:%04x", run->devs[d].vendor, run->devs[d].device);
		hit = strstr(log, id);
		if (hit) {
			const char *bol = hit;

			while (bol > log && bol[-1] != '\n')
				bol--;
			finding_evidence(f, "seabios: %.*s", (int)(hit - bol) + (int)strlen(id), bol);
		} else {
			finding_evidence(f, "seabios: no \"PCI: init\" line for%s", id);
			missing++;
		}
	}
	for (const char *p = strstr(log, "Running option rom"); p;
	     p = strstr(p + 1, "Running option rom")) {
		const char *nl = strchr(p, '\n');

		finding_evidence(f, "seabios: %.*s", nl ? (int)(nl - p) : 40, p);
	}
	if (missing) {
		restate(f, VFD_FAIL, "SeaBIOS did not enumerate %zu of the %zu devices given",
			missing, run->n_devs);
		finding_fix(f, "a device the firmware cannot see is not assigned to the VM: see "
			       "QEMU's output and the host's log");
	}
}

/* booted: the kernel's banner (when not quiet) or /init's first line */
static bool booted(const char *console)
{
	return console && (strstr(console, "Linux version ") ||
			   strstr(console, "vfio-doctor-init: started"));
}

/* how far the firmware got: its last line ("Booting from ROM..." hands over to the kernel) */
static void last_firmware_line(const struct vfd_trial_run *run, struct vfd_finding *f)
{
	const char *log = run->firmware_log, *end, *bol;

	if (!log || !*log)
		return;
	end = log + strlen(log);
	while (end > log && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	for (bol = end; bol > log && bol[-1] != '\n'; bol--)
		;
	if (end > bol)
		finding_evidence(f, "seabios, last line: %.*s", (int)(end - bol), bol);
}

static bool judge_kernel(const struct vfd_trial_run *run, struct vfd_report *out)
{
	const char *c = run->console ? run->console : "";
	const char *ver = strstr(c, "Linux version ");
	const char *init = strstr(c, "vfio-doctor-init: started");
	struct vfd_finding *f;
	size_t shown = 0;

	if (init) {
		f = report_add(out, "trial.kernel", LAYER, VFD_OK, NULL, "%s",
			       "the guest kernel booted and ran the trial's /init");
		if (run->pvh)
			finding_evidence(f, "%s", PVH_EVIDENCE);
		if (ver) {
			const char *nl = strchr(ver, '\n');

			finding_evidence(f, "console: %.*s", nl ? (int)(nl - ver) : 80, ver);
		}
		/* /init's own lines, each with the guest's uptime: where the time went */
		for (const char *p = init; p && shown++ < MAX_INIT_LINES;
		     p = strstr(p + 1, "vfio-doctor-init: ")) {
			const char *nl = strchr(p, '\n');
			int len = nl ? (int)(nl - p) : (int)strlen(p);

			while (len && p[len - 1] == '\r')
				len--;
			finding_evidence(f, "console: %.*s", len, p);
		}
		return true;
	}
	f = report_add(out, "trial.kernel", LAYER, VFD_FAIL, NULL, "%s",
		       ver ? "the guest kernel booted but did not run the trial's /init"
			   : "the guest kernel did not reach the trial's /init");
	if (run->pvh)
		finding_evidence(f, "%s", PVH_EVIDENCE);
	if (strstr(c, "Kernel panic")) {
		const char *p = strstr(c, "Kernel panic");
		const char *nl = strchr(p, '\n');

		finding_evidence(f, "console: %.*s", nl ? (int)(nl - p) : 120, p);
	}
	if (run->timed_out) {
		finding_evidence(f, "stopped at the timeout (%u s) after %.0f s", run->timeout,
				 run->seconds);
		last_firmware_line(run, f);
		if (run->emulated)
			finding_fix(f, "the VM is emulated (TCG, no KVM): a kernel boots in minutes "
				       "there; a longer --timeout tells a slow boot from a stuck one");
	}
	finding_fix(f, "pass a kernel with --kernel (the default is the host's own)");
	return false;
}

/* the guest's findings with @id, in its JSON report */
static void guest_findings(const struct vfd_json *findings, const char *id,
			   const struct vfd_json **hits, size_t max, size_t *n)
{
	*n = 0;
	for (size_t i = 0; findings && i < findings->n && *n < max; i++) {
		const char *fid = vfd_json_get_str(&findings->items[i], "id");

		if (fid && strcmp(fid, id) == 0)
			hits[(*n)++] = &findings->items[i];
	}
}

static enum vfd_status status_of(const struct vfd_json *f)
{
	const char *s = vfd_json_get_str(f, "status");

	if (!s)
		return VFD_FAIL;
	if (strcmp(s, "ok") == 0)
		return VFD_OK;
	if (strcmp(s, "warn") == 0)
		return VFD_WARN;
	if (strcmp(s, "fail") == 0)
		return VFD_FAIL;
	return VFD_INFO;
}

/* copy the guest's finding (summary and evidence) into evidence of @f */
static void cite(struct vfd_finding *f, const struct vfd_json *g)
{
	const struct vfd_json *ev = vfd_json_get(g, "evidence");
	const char *dev = vfd_json_get_str(g, "device");

	finding_evidence(f, "guest %s%s%s: %s", vfd_json_get_str(g, "id"), dev ? " " : "",
			 dev ? dev : "", vfd_json_get_str(g, "summary") ? vfd_json_get_str(g, "summary")
			 : "");
	for (size_t i = 0; ev && ev->type == VFD_JSON_ARRAY && i < ev->n; i++)
		if (ev->items[i].type == VFD_JSON_STRING)
			finding_evidence(f, "  %s", ev->items[i].string);
}

/* the worst of the guest findings @id, cited in one trial finding */
/*
 * @info_unproven: an info of the guest here means the function could not be
 * tried (guest.net: the interface never came up), which the trial must not
 * call working
 */
static enum vfd_status judge_layer(struct vfd_report *out, const struct vfd_json *findings,
				   const char *const *ids, size_t n_ids, const char *trial_id,
				   const char *ok_text, const char *bad_text, bool info_unproven)
{
	const struct vfd_json *hits[32];
	enum vfd_status worst = VFD_OK;
	struct vfd_finding *f;
	size_t total = 0;

	f = report_add(out, trial_id, LAYER, VFD_OK, NULL, "%s", ok_text);
	for (size_t k = 0; k < n_ids; k++) {
		size_t n;

		guest_findings(findings, ids[k], hits, 32, &n);
		for (size_t i = 0; i < n; i++) {
			enum vfd_status s = status_of(hits[i]);

			if (s == VFD_INFO && info_unproven)
				s = VFD_WARN;
			if (s == VFD_FAIL || (s == VFD_WARN && worst != VFD_FAIL))
				worst = s;
			cite(f, hits[i]);
		}
		total += n;
	}
	if (worst != VFD_OK)
		restate(f, worst, "%s", bad_text);
	if (!total)
		f->status = VFD_SKIP;
	return f->status;
}

/* every finding of the guest, in the trial's report as it came */
/* how many of @passed (the guest's "passed" list) have the ID "vvvv:dddd" @id */
static size_t passed_with(const struct vfd_json *passed, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; passed && passed->type == VFD_JSON_ARRAY && i < passed->n; i++) {
		const char *p = vfd_json_get_str(&passed->items[i], "id");

		n += p && strcmp(p, id) == 0;
	}
	return n;
}

/*
 * The host's address of the guest's function @slot: the guest names its own
 * addresses, which the VM's topology decides. By the ID, when exactly one
 * device given and one function in the guest have it (two identical cards
 * cannot be told apart this way and keep the guest's address).
 */
static const char *host_slot(const struct vfd_trial_run *run, const struct vfd_json *passed,
			     const char *slot)
{
	const char *id = NULL;
	const char *host = NULL;
	size_t hosts = 0;

	for (size_t i = 0; slot && passed && passed->type == VFD_JSON_ARRAY && i < passed->n; i++) {
		const char *s = vfd_json_get_str(&passed->items[i], "slot");

		if (s && strcmp(s, slot) == 0)
			id = vfd_json_get_str(&passed->items[i], "id");
	}
	if (!id || passed_with(passed, id) != 1)
		return NULL;
	for (size_t d = 0; d < run->n_devs; d++) {
		char hid[16];

		snprintf(hid, sizeof(hid), "%04x:%04x", run->devs[d].vendor, run->devs[d].device);
		if (strcmp(hid, id) == 0) {
			host = run->devs[d].slot;
			hosts++;
		}
	}
	return hosts == 1 ? host : NULL;
}

static int copy_guest(struct vfd_report *out, const struct vfd_trial_run *run,
		      const struct vfd_json *findings, const struct vfd_json *passed)
{
	for (size_t i = 0; findings && i < findings->n; i++) {
		const struct vfd_json *g = &findings->items[i];
		const struct vfd_json *ev = vfd_json_get(g, "evidence");
		const struct vfd_json *fx = vfd_json_get(g, "fix");
		const char *id = vfd_json_get_str(g, "id"), *sum = vfd_json_get_str(g, "summary");
		const char *slot = vfd_json_get_str(g, "device");
		const char *host = host_slot(run, passed, slot);
		struct vfd_finding *f;

		if (!id || !sum)
			continue;
		f = report_add(out, id, "guest", status_of(g), host ? host : slot, "%s", sum);
		if (!f)
			return -ENOMEM;
		if (host)
			finding_evidence(f, "in the guest: %s", slot);
		for (size_t k = 0; ev && ev->type == VFD_JSON_ARRAY && k < ev->n; k++)
			if (ev->items[k].type == VFD_JSON_STRING)
				finding_evidence(f, "%s", ev->items[k].string);
		for (size_t k = 0; fx && fx->type == VFD_JSON_ARRAY && k < fx->n; k++)
			if (fx->items[k].type == VFD_JSON_STRING)
				finding_fix(f, "%s", fx->items[k].string);
	}
	return 0;
}

static void judge_devices(const struct vfd_trial_run *run, struct vfd_report *out,
			  const struct vfd_json *findings)
{
	const struct vfd_json *hits[32];
	struct vfd_finding *f;
	size_t n, missing = 0;

	guest_findings(findings, "guest.devices", hits, 32, &n);
	f = report_add(out, "trial.devices", LAYER, VFD_OK, NULL, "%s",
		       "the guest saw every device given, with the same IDs");
	for (size_t d = 0; d < run->n_devs; d++) {
		char id[16];
		bool lost = false;

		snprintf(id, sizeof(id), "%04x:%04x", run->devs[d].vendor, run->devs[d].device);
		for (size_t i = 0; i < n; i++) {
			const char *sum = vfd_json_get_str(hits[i], "summary");

			lost |= status_of(hits[i]) == VFD_FAIL && sum && strstr(sum, id);
		}
		finding_evidence(f, "host %s %s: %s", run->devs[d].slot, id,
				 lost ? "not on the guest's PCI bus" : "on the guest's PCI bus");
		missing += lost;
	}
	if (missing) {
		restate(f, VFD_FAIL, "%zu of the %zu devices given are not on the guest's PCI bus",
			missing, run->n_devs);
		finding_fix(f, "see QEMU's output and the host's log below: the device was not "
			       "assigned");
	}
}

static void judge_host_log(const struct vfd_trial_run *run, struct vfd_report *out)
{
	struct vfd_finding *f = report_add(out, "trial.host-log", LAYER, VFD_OK, NULL, "%s",
					   "the host's kernel log has nothing known to be wrong "
					   "during the trial");
	size_t known = 0;

	for (size_t i = 0; run->host_log && run->host_log[i]; i++)
		known += decode_lines(run->kb, f, "host", run->host_log[i], false, NULL);
	if (known) {
		restate(f, VFD_WARN, "the host's kernel log has %zu known problem line%s during the "
			"trial", known, known == 1 ? "" : "s");
	}
}

int vfd_trial_judge(const struct vfd_trial_run *run, struct vfd_report *out,
		    const char **first_broken)
{
	static const char *const driver_ids[] = { "guest.driver", "guest.driver-errors",
						  "guest.firmware" };
	static const char *const function_ids[] = { "guest.net", "guest.drm", "guest.audio",
						    "guest.usb", "guest.nvme",
						    "guest.boot-display" };
	struct vfd_json doc = { 0 };
	const struct vfd_json *findings = NULL;
	char *text = vfd_trial_extract_report(run->report);
	struct vfd_finding *f;
	bool up = booted(run->console);
	size_t first = out->n;

	if (run->interrupted)
		report_add(out, "trial.interrupted", LAYER, VFD_FAIL, NULL, "%s",
			   "the trial was interrupted (SIGINT or SIGTERM): the VM was stopped");
	judge_qemu(run, out, up);
	if (run->started && (up || run->firmware_log))
		judge_firmware(run, out);
	if (run->started && (up || ran_firmware(run) || (run->report && *run->report)) &&
	    judge_kernel(run, out)) {
		if (text && vfd_json_parse(text, strlen(text), &doc) == 0)
			findings = vfd_json_get(&doc, "findings");
		if (!findings || findings->type != VFD_JSON_ARRAY) {
			f = report_add(out, "trial.report", LAYER, VFD_FAIL, NULL, "%s",
				       text ? "the guest's report could not be read (not the JSON "
					      "of vfio-doctor guest)"
					    : "the guest's /init sent no report");
			if (run->timed_out)
				finding_evidence(f, "stopped after the timeout");
			findings = NULL;
		} else {
			report_add(out, "trial.report", LAYER, VFD_OK, NULL,
				   "the guest's /init ran the guest checks and reported");
			judge_devices(run, out, findings);
			judge_layer(out, findings, driver_ids, ARRAY_SIZE(driver_ids), "trial.driver",
				    "the guest's drivers bound the devices",
				    "the guest's drivers did not all bind cleanly", false);
			judge_layer(out, findings, function_ids, ARRAY_SIZE(function_ids),
				    "trial.function", "the devices work in the guest",
				    "a device does not work fully in the guest", true);
		}
	}
	judge_host_log(run, out);
	if (first_broken) {
		*first_broken = NULL;
		for (size_t i = first; i < out->n && !*first_broken; i++)
			if (out->findings[i].status == VFD_FAIL)
				*first_broken = out->findings[i].id;
	}
	if (findings && copy_guest(out, run, findings, vfd_json_get(&doc, "passed")) < 0) {
		vfd_json_clear(&doc);
		free(text);
		return -ENOMEM;
	}
	vfd_json_clear(&doc);
	free(text);
	return 0;
}

int vfd_trial_judge_twice(const struct vfd_report *first, const struct vfd_trial_end *first_end,
			  struct vfd_report *second, const char *second_broken,
			  const struct vfd_trial_end *second_end)
{
	bool first_works = vfd_report_worst(first) != VFD_FAIL;
	struct vfd_finding *f;

	if (!first_works) {
		f = report_add(second, "trial.twice", LAYER, VFD_SKIP, NULL, "%s",
			       "the first VM did not work: the second proves nothing more");
	} else if (!second_broken) {
		f = report_add(second, "trial.twice", LAYER, VFD_OK, NULL, "%s",
			       "the devices worked in a second VM right after the first: they "
			       "come back after a guest");
	} else {
		f = report_add(second, "trial.twice", LAYER, VFD_FAIL, NULL,
			       "the devices worked in the first VM but not in the second (broken "
			       "at %s): they do not come back after their first guest",
			       second_broken);
		if (f)
			finding_fix(f, "a device without a reset that works between guests needs "
				       "one (a vendor-reset module for AMD GPUs) or a host reboot "
				       "between guests");
	}
	if (!f)
		return -ENOMEM;
	finding_evidence(f, "first VM: %.0f s; second VM: %.0f s%s", first_end->seconds,
			 second_end->seconds, second_end->timed_out ? ", stopped at the timeout" : "");
	if (second_broken && first_works && second_end->timed_out && second_end->emulated)
		finding_evidence(f, "under TCG a VM stopped at its timeout may only be slow: "
				    "run it again with a longer --timeout before blaming the device");
	return 0;
}
