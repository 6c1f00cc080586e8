// SPDX-License-Identifier: GPL-2.0-or-later
/* The Prometheus renderer of check (src/render-prometheus.c) and atomic output files. */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "outfile.h"
#include "render-prometheus.h"

/* the stream's text; caller frees */
static char *render(const struct vfd_report *rep, const struct prom_meta *meta)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(prom_render(f, rep, meta), 0);
	fclose(f);
	return buf;
}

static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	prom_label_value(f, s);
	fclose(f);
	return buf;
}

static void escape(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain 0000:01:00.0", "plain 0000:01:00.0" },
		{ "back\\slash", "back\\\\slash" },
		{ "a \"quote\"", "a \\\"quote\\\"" },
		{ "two\nlines", "two\\nlines" },
		{ "\\n is not a newline", "\\\\n is not a newline" },
		/* tabs and UTF-8 are allowed as they are */
		{ "tab\there é", "tab\there é" },
		{ "", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = escaped(cases[i].in);

		assert_string_equal(s, cases[i].out);
		free(s);
	}
	char *s = escaped(NULL);
	assert_string_equal(s, "");
	free(s);
}

static void values(void **state)
{
	assert_int_equal(prom_status_value(VFD_OK), 0);
	assert_int_equal(prom_status_value(VFD_INFO), 0);
	assert_int_equal(prom_status_value(VFD_SKIP), 0);
	assert_int_equal(prom_status_value(VFD_WARN), 1);
	assert_int_equal(prom_status_value(VFD_FAIL), 2);
}

#define F(i, l, s, d) \
	{ .id = (char *)(i), .layer = (char *)(l), .status = (s), .device = (char *)(d) }

static const char whole_want[] =
	"# HELP vfio_doctor_check_info Version of vfio-doctor and kernel release of the "
	"last check (always 1).\n"
	"# TYPE vfio_doctor_check_info gauge\n"
	"vfio_doctor_check_info{version=\"1.2.3\",kernel=\"6.1.0-\\\"odd\\\"\\\\\","
	"distribution=\"\",bootloader=\"\"} 1\n"
	"# HELP vfio_doctor_status Worst status of the last check: 0 ok, 1 warn, 2 fail "
	"(its exit status).\n"
	"# TYPE vfio_doctor_status gauge\n"
	"vfio_doctor_status 2\n"
	"# HELP vfio_doctor_findings Number of findings of the last check by status.\n"
	"# TYPE vfio_doctor_findings gauge\n"
	"vfio_doctor_findings{status=\"ok\"} 3\n"
	"vfio_doctor_findings{status=\"info\"} 1\n"
	"vfio_doctor_findings{status=\"warn\"} 1\n"
	"vfio_doctor_findings{status=\"fail\"} 1\n"
	"vfio_doctor_findings{status=\"skip\"} 1\n"
	"# HELP vfio_doctor_finding One finding of the last check: 0 ok, info or skip; "
	"1 warn; 2 fail.\n"
	"# TYPE vfio_doctor_finding gauge\n"
	"vfio_doctor_finding{id=\"platform.cpu\",layer=\"platform\",device=\"\","
	"status=\"ok\"} 0\n"
	/* three findings of one id and no device: one series, the worst */
	"vfio_doctor_finding{id=\"iommu.cmdline-option\",layer=\"iommu\",device=\"\","
	"status=\"warn\"} 1\n"
	/* one id on two devices: two series */
	"vfio_doctor_finding{id=\"device.group\",layer=\"device\","
	"device=\"0000:01:00.0\",status=\"fail\"} 2\n"
	"vfio_doctor_finding{id=\"device.group\",layer=\"device\","
	"device=\"0000:02:00.0\",status=\"ok\"} 0\n"
	"vfio_doctor_finding{id=\"device.reset\",layer=\"device\","
	"device=\"0000:02:00.0\",status=\"skip\"} 0\n";

static void whole(void **state)
{
	struct vfd_finding f[] = {
		F("platform.cpu", "platform", VFD_OK, NULL),
		F("iommu.cmdline-option", "iommu", VFD_INFO, NULL),
		F("iommu.cmdline-option", "iommu", VFD_WARN, NULL),
		F("iommu.cmdline-option", "iommu", VFD_OK, NULL),
		F("device.group", "device", VFD_FAIL, "0000:01:00.0"),
		F("device.group", "device", VFD_OK, "0000:02:00.0"),
		F("device.reset", "device", VFD_SKIP, "0000:02:00.0"),
	};
	struct vfd_report rep = { .findings = f, .n = sizeof(f) / sizeof(f[0]) };
	struct prom_meta meta = { .version = "1.2.3", .kernel = "6.1.0-\"odd\"\\" };
	char *out = render(&rep, &meta);

	assert_string_equal(out, whole_want);
	free(out);
}

static void empty(void **state)
{
	struct vfd_report rep = { 0 };
	struct prom_meta meta = { .version = "1", .kernel = NULL, .distribution = "Arch",
				  .bootloader = "GRUB" };
	char *out = render(&rep, &meta);

	assert_non_null(strstr(out, "distribution=\"Arch\",bootloader=\"GRUB\"} 1\n"));
	assert_non_null(strstr(out, "kernel=\"\""));
	assert_non_null(strstr(out, "\nvfio_doctor_status 0\n"));
	assert_non_null(strstr(out, "vfio_doctor_findings{status=\"fail\"} 0\n"));
	/* the family is declared even without a sample */
	assert_non_null(strstr(out, "# TYPE vfio_doctor_finding gauge\n"));
	assert_null(strstr(out, "vfio_doctor_finding{"));
	free(out);
}

/* a skip folded with info shows skip; skip and warn show warn */
static void fold_order(void **state)
{
	struct vfd_finding f[] = {
		F("x.y", "iommu", VFD_INFO, "d"),
		F("x.y", "iommu", VFD_SKIP, "d"),
		F("x.z", "iommu", VFD_SKIP, NULL),
		F("x.z", "iommu", VFD_WARN, NULL),
	};
	struct vfd_report rep = { .findings = f, .n = 4 };
	struct prom_meta meta = { 0 };
	char *out = render(&rep, &meta);

	assert_non_null(strstr(out, "{id=\"x.y\",layer=\"iommu\",device=\"d\","
				    "status=\"skip\"} 0\n"));
	assert_non_null(strstr(out, "{id=\"x.z\",layer=\"iommu\",device=\"\","
				    "status=\"warn\"} 1\n"));
	assert_non_null(strstr(out, "\nvfio_doctor_status 1\n"));
	free(out);
}

static char dir[] = "/tmp/vfd-test-outfile.XXXXXX";

static size_t entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void outfile(void **state)
{
	struct outfile o;
	char path[PATH_MAX], buf[64] = { 0 };
	struct stat st;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vfio_doctor.prom", dir);
	umask(022);

	/* commit: the target appears whole, readable by others, no temporary left */
	assert_int_equal(outfile_open(&o, path), 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(entries(), 1);
	fputs("first\n", o.fp);
	assert_int_equal(outfile_commit(&o), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(entries(), 1);

	/* abort: the old content stays, the temporary goes */
	assert_int_equal(outfile_open(&o, path), 0);
	fputs("second\n", o.fp);
	outfile_abort(&o);
	assert_int_equal(entries(), 1);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "first\n");

	/* a missing directory is an error, not a crash */
	snprintf(path, sizeof(path), "%s/missing/vfio_doctor.prom", dir);
	assert_int_equal(outfile_open(&o, path), -ENOENT);

	snprintf(path, sizeof(path), "%s/vfio_doctor.prom", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape),
		cmocka_unit_test(values),
		cmocka_unit_test(whole),
		cmocka_unit_test(empty),
		cmocka_unit_test(fold_order),
		cmocka_unit_test(outfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
