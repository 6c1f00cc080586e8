/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-doctor trial: prove a passthrough end to end in a throwaway VM. The
 * library part: the guest's initramfs (lib/trial/trial.c), QEMU's command line
 * (lib/trial/trial-vm.c), and reading the VM's transcripts back into a judgement
 * layer by layer (lib/trial/trial-judge.c). Binding, the process and the signals
 * are the command's (src/cmd-trial.c).
 */
#ifndef VFD_TRIAL_H
#define VFD_TRIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfd.h"
#include "vfd-vm.h"

/* One device given to the trial VM. */
struct vfd_trial_dev {
	char slot[16];
	uint16_t vendor, device;
	uint32_t class_code;
};

/* ------------------------------------------------------- initramfs */

/*
 * vfd_trial_kernel_release - the release ("6.1.0-57-amd64") an x86 kernel
 * image (bzImage) names in its setup header, read from its first @len bytes
 * (the string sits within the first 64 KiB), into @out.
 * Returns: 0, -ENOEXEC when @image is no bzImage, -ENODATA when it names no
 *          valid release (or @size is too small).
 */
int vfd_trial_kernel_release(const void *image, size_t len, char *out, size_t size);
/* the same, of the image in the file @path: also -errno when it cannot be read */
int vfd_trial_kernel_file_release(const char *path, char *out, size_t size);

/*
 * vfd_trial_find_modules - the modules the devices' modaliases resolve to in
 * the module tree of @release in @root (libkmod), each after its
 * dependencies and soft dependencies. A device whose modules cannot be
 * looked up becomes a warning of layer "trial" in @notes; one that no module
 * and no built-in driver of a tree that lists its built-in drivers matches
 * becomes a failure ("trial.module"): the guest cannot drive it.
 * Returns: 0, -ENOMEM.
 */
int vfd_trial_find_modules(struct vfd_root *root, const char *release,
			   const struct vfd_trial_dev *devs, size_t n,
			   struct vfd_module_file **mods, size_t *n_mods, struct vfd_report *notes);

/*
 * vfd_trial_kernel_payload - where the compressed kernel lies in a bzImage
 * (setup header, boot protocol 2.08 on): @off from the image's start, @plen
 * bytes of compressed data, and @size, the decompressed size the build
 * appended to them.
 * Returns: 0, -ENOEXEC when @image is no bzImage, -ENODATA when the header
 *          names no payload inside @len.
 */
int vfd_trial_kernel_payload(const void *image, size_t len, size_t *off, size_t *plen,
			     size_t *size);

/*
 * vfd_trial_elf_pvh_entry - the PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY) an
 * x86-64 ELF names in its PT_NOTE segments.
 * Returns: 0, -ENOEXEC when @elf is no x86-64 little-endian ELF, -ENOENT
 *          when it has no such note.
 */
int vfd_trial_elf_pvh_entry(const void *elf, size_t len, uint32_t *entry);

/*
 * vfd_trial_kernel_write_pvh - the kernel inside the bzImage @image_path,
 * decompressed, written to the new file @out_path (0600) when it is an ELF
 * with a PVH entry point, which QEMU starts directly: an emulated guest then
 * skips its own decompressor (see lib/trial/kernel-image.c).
 * Returns: 0, -ENOEXEC/-ENODATA (no bzImage, no payload), -EIO (cannot be
 *          read or decompressed), -ENOENT (no PVH entry), -ENOMEM, -errno.
 *          Nothing is left at @out_path on error.
 */
int vfd_trial_kernel_write_pvh(const char *image_path, const char *out_path);

struct vfd_trial_initrd {
	const char *init;			/* the static guest build, a path here */
	const struct vfd_module_file *mods;	/* in load order */
	size_t n_mods;
	struct vfd_root *root;			/* where lib/firmware is looked up */
};

/*
 * vfd_trial_write_initramfs - a newc cpio (lib/trial/cpio.h) on @fd: /init, the
 * directories and console nodes it needs, the modules (decompressed with
 * libarchive when they are .ko.xz/.ko.zst/.ko.gz) under lib/modules/ with
 * their load order in etc/vfio-doctor-modules, and the firmware files the
 * modules name that the root has under lib/firmware.
 * @notes: what was left out (firmware not found, a built-in module) as
 *         findings of layer "trial"; may be NULL.
 * Returns: 0, -ENOENT when @in->init is missing, -EIO for a module that
 *          cannot be read or decompressed, -ENOMEM, or a write error.
 */
int vfd_trial_write_initramfs(int fd, const struct vfd_trial_initrd *in,
			      struct vfd_report *notes);

/* -------------------------------------------------------------- VM */

struct vfd_trial_vm {
	const char *qemu;		/* qemu-system-x86_64 path */
	bool kvm;			/* -accel kvm, else tcg */
	enum vfd_vm_firmware firmware;	/* BIOS: SeaBIOS; EFI: the pflash files below */
	const char *ovmf_code, *ovmf_vars;	/* EFI: code (read-only) and a private vars copy */
	unsigned int memory_mb;
	const char *kernel, *initrd;
	const char *console_log;	/* ttyS0 goes here */
	const char *report_log;		/* ttyS1: the guest's report */
	const char *debugcon_log;	/* SeaBIOS debug console (0x402), or NULL */
	const char *append_extra;	/* vfd.expect=..., or NULL */
	const struct vfd_vm_devset *devices;
};

/* the argument vector (NULL-terminated, vfd_strv_free), or NULL (ENOMEM) */
char **vfd_trial_qemu_argv(const struct vfd_trial_vm *vm);

/*
 * vfd_trial_kvm_usable - whether KVM can run the trial's VM: the node at @path
 * (/dev/kvm) opens read-write, answers KVM_GET_API_VERSION with the stable API
 * (12) and creates a VM. It does not where the module is not loaded, in a
 * container without the node, or while another hypervisor holds VT-x/AMD-V
 * (KVM_CREATE_VM fails with EBUSY).
 * @step: set to the step that failed ("open", "KVM_GET_API_VERSION",
 * "KVM_CREATE_VM"), or NULL.
 * Returns: 0 when usable, -errno of the failed step (-EPROTO for another API).
 */
int vfd_trial_kvm_usable(const char *path, const char **step);

/* ----------------------------------------------------------- judge */

/* What one run left behind. */
struct vfd_trial_run {
	bool started;			/* QEMU was executed */
	bool timed_out;
	bool interrupted;		/* SIGINT/SIGTERM ended it */
	int exit_status;		/* QEMU's, -1 when killed by a signal */
	double seconds;
	const char *qemu_stderr;	/* may be NULL */
	const char *console;		/* ttyS0 transcript, may be NULL */
	const char *report;		/* ttyS1 transcript, may be NULL */
	const char *firmware_log;	/* SeaBIOS's debug console, NULL when not read (OVMF) */
	const char *const *host_log;	/* host kernel lines during the run, NULL-terminated */
	const struct vfd_trial_dev *devs;
	size_t n_devs;
	struct vfd_kb *kb;		/* decodes QEMU's errors and the host's log; may be NULL */
	bool emulated;			/* TCG: no KVM */
	bool pvh;			/* the kernel given decompressed, started at its PVH entry */
	unsigned int timeout;		/* seconds, for the evidence of a run stopped at it */
};

/*
 * vfd_trial_judge - the findings of one run, layer by layer (ids
 * trial.qemu, trial.firmware, trial.kernel, trial.report, trial.devices, trial.driver,
 * trial.function, trial.host-log), followed by the guest's own findings.
 * @first_broken: set to the id of the first failing layer, or NULL.
 * Returns: 0, -ENOMEM.
 */
int vfd_trial_judge(const struct vfd_trial_run *run, struct vfd_report *out,
		    const char **first_broken);

/* How one run ended, for --twice. */
struct vfd_trial_end {
	double seconds;
	bool timed_out;
	bool emulated;		/* TCG */
};

/*
 * vfd_trial_judge_twice - --twice: the second run (@second, its first broken
 * layer @second_broken) against the first, as the finding "trial.twice"
 * appended to @second. Broken only when the first run worked and the second
 * did not: the devices did not come back after their first guest (no reset
 * that works between guests, as with some AMD GPUs). How long each VM ran and
 * whether the second was stopped at its timeout are its evidence: under TCG a
 * slow second boot is not a stuck device.
 * Returns: 0, -ENOMEM.
 */
int vfd_trial_judge_twice(const struct vfd_report *first, const struct vfd_trial_end *first_end,
			  struct vfd_report *second, const char *second_broken,
			  const struct vfd_trial_end *second_end);

/*
 * vfd_trial_extract_report - the text between the guest's markers in a
 * serial transcript (carriage returns dropped), or NULL when the markers are
 * missing (caller frees).
 */
char *vfd_trial_extract_report(const char *transcript);

/* ---------------------------------------------- private directory */

/* the files a trial writes in its private directory, NULL-terminated */
extern const char *const vfd_trial_files[];

/*
 * vfd_trial_dir_remove - remove the trial's private directory @dir (as
 * mkdtemp made it from "/tmp/vfio-doctor-trial.XXXXXX") with the files a
 * trial writes there, inside @root.
 * Returns: 0 (also when it is gone already), -EINVAL for any other path, -errno.
 */
int vfd_trial_dir_remove(struct vfd_root *root, const char *dir);

/*
 * vfd_trial_record_save - name @dir in run/vfio-doctor/trials/@pid while the
 * trial runs, so that `restore` can remove it after a SIGKILL;
 * vfd_trial_record_remove drops the record when the trial removed it itself.
 * Returns: 0, -EINVAL for a path that is no trial directory, -errno.
 */
int vfd_trial_record_save(struct vfd_root *root, int pid, const char *dir);
int vfd_trial_record_remove(struct vfd_root *root, int pid);

/*
 * vfd_trial_cleanup - remove the private directories of trials that ended
 * without removing them (their process is gone, or no longer vfio-doctor),
 * and their records; with @dry (and always in a read-only sysroot) only list
 * them. @removed: the directories, NULL-terminated (vfd_strv_free).
 * Returns: 0, or the first error met removing one (the others still go).
 */
int vfd_trial_cleanup(struct vfd_root *root, bool dry, char ***removed);

#define VFD_TRIAL_MARK_BEGIN "----- vfio-doctor trial report begin -----"
#define VFD_TRIAL_MARK_END "----- vfio-doctor trial report end -----"
#define VFD_TRIAL_MODULE_LIST "etc/vfio-doctor-modules"

#endif
