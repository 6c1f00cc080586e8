// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel command line, split the way the kernel's lib/cmdline.c next_arg() does:
 * whitespace separates words, double quotes group (around the whole word or
 * just the value), and the quotes are dropped.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void vfd_cmdline_free(struct vfd_cmdline_token *tokens, int n)
{
	for (int i = 0; tokens && i < n; i++) {
		free(tokens[i].key);
		free(tokens[i].value);
	}
	free(tokens);
}

int vfd_cmdline_split(const char *line, struct vfd_cmdline_token **out)
{
	struct vfd_cmdline_token *tokens = NULL;
	size_t len = line ? strlen(line) : 0;
	int n = 0, cap = 0;
	const char *p = line;
	char *word;

	*out = NULL;
	word = malloc(len + 1);
	if (!word)
		return -ENOMEM;
	while (p && *p) {
		size_t w = 0;
		bool quoted = false;
		char *eq;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		for (; *p && (quoted || !is_space(*p)); p++) {
			if (*p == '"') {
				quoted = !quoted;
				continue;
			}
			word[w++] = *p;
		}
		word[w] = '\0';
		if (n == cap) {
			int ncap = cap ? cap * 2 : 16;
			struct vfd_cmdline_token *nt = realloc(tokens, (size_t)ncap * sizeof(*nt));

			if (!nt)
				goto oom;
			tokens = nt;
			cap = ncap;
		}
		eq = strchr(word, '=');
		if (eq) {
			tokens[n].key = strndup(word, (size_t)(eq - word));
			tokens[n].value = strdup(eq + 1);
			if (!tokens[n].key || !tokens[n].value) {
				free(tokens[n].key);
				free(tokens[n].value);
				goto oom;
			}
		} else {
			tokens[n].key = strdup(word);
			tokens[n].value = NULL;
			if (!tokens[n].key)
				goto oom;
		}
		n++;
	}
	free(word);
	*out = tokens;
	return n;
oom:
	free(word);
	vfd_cmdline_free(tokens, n);
	return -ENOMEM;
}

/* Module parameters ("vfio-pci.ids") treat '-' and '_' alike (kernel/params.c). */
static bool key_equal(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

const char *vfd_cmdline_get(const struct vfd_cmdline_token *tokens, int n, const char *key)
{
	const char *value = NULL;

	/* the last one wins, as the kernel applies parameters in order */
	for (int i = 0; i < n; i++)
		if (key_equal(tokens[i].key, key) && tokens[i].value)
			value = tokens[i].value;
	return value;
}

bool vfd_cmdline_has(const struct vfd_cmdline_token *tokens, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (key_equal(tokens[i].key, key))
			return true;
	return false;
}

/* whether @key is "MODULE.param", '-' and '_' alike in MODULE */
static bool for_module(const char *key, const char *module)
{
	size_t len = strlen(module);

	for (size_t i = 0; i < len; i++) {
		char x = key[i] == '-' ? '_' : key[i], y = module[i] == '-' ? '_' : module[i];

		if (!key[i] || x != y)
			return false;
	}
	return key[len] == '.' && key[len + 1];
}

char *vfd_cmdline_module_params(const struct vfd_cmdline_token *tokens, int n,
				const char *module)
{
	struct strv_builder b = { 0 };
	char *out;
	size_t size = 1, used = 0;

	for (int i = 0; i < n; i++) {
		const char *v = tokens[i].value;

		if (!for_module(tokens[i].key, module))
			continue;
		/* a value with spaces was quoted; parse_args() wants it quoted again */
		if (!v)
			strv_addf(&b, "%s", tokens[i].key + strlen(module) + 1);
		else
			strv_addf(&b, strpbrk(v, " \t") ? "%s=\"%s\"" : "%s=%s",
				  tokens[i].key + strlen(module) + 1, v);
	}
	for (size_t i = 0; i < b.n; i++)
		size += strlen(b.v[i]) + 1;
	out = b.oom ? NULL : malloc(size);
	for (size_t i = 0; out && i < b.n; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? " " : "", b.v[i]);
	if (out && !b.n)
		out[0] = '\0';
	strv_builder_clear(&b);
	return out;
}

/*
 * Words the parsers accept: drivers/iommu/intel/iommu.c intel_iommu_setup()
 * and drivers/iommu/amd/init.c parse_amd_iommu_options(). intgpu_off is a
 * Debian kernel patch. Neither parser knows "on" for AMD.
 */
static const char *const intel_words[] = {
	"on", "off", "igfx_off", "forcedac", "strict", "sp_off", "sm_on", "sm_off",
	"tboot_noforce", "intgpu_off",
};

static const char *const amd_words[] = {
	"fullflush", "force_enable", "off", "force_isolation", "pgtbl_v1", "pgtbl_v2",
	"irtcachedis", "nohugepages", "v2_pgsizes_only",
};

bool vfd_iommu_option_known(enum vfd_iommu_opt_vendor vendor, const char *word)
{
	const char *const *list = vendor == VFD_OPT_INTEL ? intel_words : amd_words;
	size_t n = vendor == VFD_OPT_INTEL ? ARRAY_SIZE(intel_words) : ARRAY_SIZE(amd_words);

	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], word) == 0)
			return true;
	return false;
}
