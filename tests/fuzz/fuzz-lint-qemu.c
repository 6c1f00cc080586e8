// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the QEMU command-line reader of lint (shell words, QemuOpts
 * key=value lists, JSON -device objects).
 */
#include <stdlib.h>
#include <string.h>

#include "vfd-vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfd_vm_conf conf;
	struct vfd_parse_error err;

	if (vfd_vm_parse_qemu((const char *)data, size, &conf, &err) == 0) {
		for (size_t i = 0; i < conf.n_hostdevs; i++)
			if (conf.hostdevs[i].has_host && conf.hostdevs[i].host.fn > 7)
				abort();
		/* a repaired word is kept as written, with its place and character */
		for (size_t i = 0; i < conf.n_typos; i++)
			if (!conf.typos[i].word || !conf.typos[i].index || !conf.typos[i].line ||
			    conf.typos[i].codepoint < 0x80)
				abort();
		vfd_vm_conf_clear(&conf);
	} else if (memchr(err.message, '\0', sizeof(err.message)) == NULL) {
		abort();
	}
	return 0;
}
