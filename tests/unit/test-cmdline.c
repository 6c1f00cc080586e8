// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel command line tokenizer and the IOMMU option words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vfd.h"

static void split_plain(void **state)
{
	struct vfd_cmdline_token *t;
	int n = vfd_cmdline_split("BOOT_IMAGE=/vmlinuz root=UUID=ab-cd ro  quiet\n", &t);

	assert_int_equal(n, 4);
	assert_string_equal(t[0].key, "BOOT_IMAGE");
	assert_string_equal(t[0].value, "/vmlinuz");
	/* only the first '=' separates */
	assert_string_equal(t[1].key, "root");
	assert_string_equal(t[1].value, "UUID=ab-cd");
	assert_string_equal(t[3].key, "quiet");
	assert_null(t[3].value);
	vfd_cmdline_free(t, n);
}

static void split_quotes(void **state)
{
	struct vfd_cmdline_token *t;
	int n = vfd_cmdline_split("a=\"b c\" \"d=e f\" g", &t);

	assert_int_equal(n, 3);
	assert_string_equal(t[0].value, "b c");
	assert_string_equal(t[1].key, "d");
	assert_string_equal(t[1].value, "e f");
	assert_string_equal(t[2].key, "g");
	vfd_cmdline_free(t, n);
	/* an unterminated quote runs to the end, as in the kernel */
	n = vfd_cmdline_split("x=\"y z", &t);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].value, "y z");
	vfd_cmdline_free(t, n);
}

static void split_empty(void **state)
{
	struct vfd_cmdline_token *t;

	assert_int_equal(vfd_cmdline_split("", &t), 0);
	vfd_cmdline_free(t, 0);
	assert_int_equal(vfd_cmdline_split("   \t\n", &t), 0);
	vfd_cmdline_free(t, 0);
	assert_int_equal(vfd_cmdline_split(NULL, &t), 0);
	vfd_cmdline_free(t, 0);
}

/* what modprobe would pass to finit_module for one module */
static void module_params(void **state)
{
	struct vfd_cmdline_token *t;
	int n = vfd_cmdline_split("quiet drm_kms_helper.fbdev_emulation=0 drm.debug=0x1e "
				  "drm-kms-helper.edid_firmware=\"a b\" drm_kms_helperx.no=1 "
				  "drm_kms_helper. drm_kms_helper.flag", &t);
	char *p;

	(void)state;
	p = vfd_cmdline_module_params(t, n, "drm_kms_helper");
	assert_string_equal(p, "fbdev_emulation=0 edid_firmware=\"a b\" flag");
	free(p);
	p = vfd_cmdline_module_params(t, n, "drm");
	assert_string_equal(p, "debug=0x1e");
	free(p);
	/* '-' in the module's name as the kernel writes it for the file */
	p = vfd_cmdline_module_params(t, n, "drm-kms-helper");
	assert_string_equal(p, "fbdev_emulation=0 edid_firmware=\"a b\" flag");
	free(p);
	p = vfd_cmdline_module_params(t, n, "e1000e");
	assert_string_equal(p, "");
	free(p);
	vfd_cmdline_free(t, n);
}

static void lookup(void **state)
{
	struct vfd_cmdline_token *t;
	int n = vfd_cmdline_split("intel_iommu=on iommu=pt vfio_pci.ids=10de:1f06 "
				  "intel_iommu=off pcie_acs_override", &t);

	/* the last occurrence wins */
	assert_string_equal(vfd_cmdline_get(t, n, "intel_iommu"), "off");
	/* module parameters: '-' and '_' are the same */
	assert_string_equal(vfd_cmdline_get(t, n, "vfio-pci.ids"), "10de:1f06");
	assert_true(vfd_cmdline_has(t, n, "pcie_acs_override"));
	assert_null(vfd_cmdline_get(t, n, "pcie_acs_override"));
	assert_null(vfd_cmdline_get(t, n, "amd_iommu"));
	vfd_cmdline_free(t, n);
}

static void option_words(void **state)
{
	assert_true(vfd_iommu_option_known(VFD_OPT_INTEL, "on"));
	assert_true(vfd_iommu_option_known(VFD_OPT_INTEL, "igfx_off"));
	assert_true(vfd_iommu_option_known(VFD_OPT_INTEL, "sm_on"));
	assert_false(vfd_iommu_option_known(VFD_OPT_INTEL, "pt"));
	/* the handbook's advice: the AMD parser has no "on" */
	assert_false(vfd_iommu_option_known(VFD_OPT_AMD, "on"));
	assert_true(vfd_iommu_option_known(VFD_OPT_AMD, "off"));
	assert_true(vfd_iommu_option_known(VFD_OPT_AMD, "force_isolation"));
	assert_false(vfd_iommu_option_known(VFD_OPT_AMD, ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_plain),
		cmocka_unit_test(split_quotes),
		cmocka_unit_test(split_empty),
		cmocka_unit_test(module_params),
		cmocka_unit_test(lookup),
		cmocka_unit_test(option_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
