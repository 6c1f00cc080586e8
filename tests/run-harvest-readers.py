#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Go and Python readers of tools/harvest-messages on the fixtures in
tests/fixtures/harvest/ (rows: level, function, call, format), the Rust reader on
sample.rs, the OCaml reader on sample.ml, the JavaScript/TypeScript reader on
sample.tsx, the C++ and Ruby readers on sample.cc and sample.rb, the QEMU trace-events
reader (harvest_trace) on files it writes, harvest_spdk on a cut of
SPDK's setup.sh (tests/fixtures/harvest/spdk/), and the tool's refusal
of bad usage (a --snapshot that is no git directory, --keep-others without --only); the
old layouts of QEMU and Linux and the snapshots of releases (label, subdir=, makefiles=):
one line on stderr, exit status 2.  No network, no build/harvest.  TAP output."""

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tools'))
import harvest_go  # noqa: E402
import harvest_python  # noqa: E402
import harvest_ocaml  # noqa: E402
import harvest_js  # noqa: E402
import harvest_cpp  # noqa: E402
import harvest_ruby  # noqa: E402

GO = [  # (level, function, call, format)
    ('error', 'validateConfig', 'fmt.Errorf', 'Failed to bind %q to vfio-pci: %w'),
    ('error', 'validateConfig', 'log....Errorf', 'failed to allocate %+v for %s'),
    ('warning', 'validateConfig', 'logrus....Warnf', 'IOMMU group %d is not viable'),
    ('warning', 'validateConfig', 'd.logger.Warn', 'Failed to reset GPU'),
    ('error', 'validateConfig', 'klog.ErrorS', 'device plugin failed'),
    ('error', 'validateConfig', 'api.StatusErrorf', 'Invalid PCI address %s'),
    ('error', 'wrapping', 'errors.Wrapf', 'cannot open VFIO group %d: %v'),
    ('error', 'wrapping', 'errors.New', 'vfio: device %s at 100%% busy'),
    ('error', 'admit', 'StatusCause', 'HostDevice %s is not permitted'),
    ('error', 'admit', 'StatusCause', 'raw \\n text'),
    # the standard log package: the level from the message's first words
    ('error', 'stdlog', 'log.Printf', '[%s] Error registering with device plugin manager: %v'),
    ('error', 'stdlog', 'log.Println', 'Could not get IOMMU Group for device  %s'),
    ('warning', 'stdlog', 'log.Printf', 'warning: skipping EGM device %s'),
    ('info', 'stdlog', 'log.Println', '%s Device plugin server ready'),
    ('error', 'stdlog', 'log.Panicln', 'Fatal: %s'),
    # a message built in a local first: the last assignment before the use, each arm's
    # of an if/else chain or switch that can reach it
    ('error', 'locals', 'errors.New', 'cannot open IOMMU group of %s'),
    ('error', 'locals', 'log....Error', 'device is still bound to its host driver'),
    ('warning', 'locals', 'klog.Warning', 'GPU passthrough is off'),
    ('warning', 'locals', 'klog.Warning', 'VF has no driver'),
    ('warning', 'locals', 'klog.Warning', 'mdev %s is gone'),
    ('error', 'locals', 'status.Error', 'reset of the VF timed out'),
    ('error', 'locals', 'fmt.Errorf', 'VFIO container of %s is busy'),
    ('error', 'locals', 'fmt.Errorf', 'VFIO container of %s is busy: %w'),
    ('error', 'locals', 'fmt.Errorf', 'failed to hot-plug VFIO device: %w'),
    ('error', 'locals', 'fmt.Errorf', 'cannot reset %s'),
    ('error', 'locals', 'fmt.Errorf', 'reset of the GPU timed out'),
    ('info', 'locals', 'log.Printf', 'vfio: %s owns %d groups'),
]
# locals that are never printed, overwritten first, or left in an arm that returns
GO_NOT = ['built but never printed %s', 'overwritten before any use', 'arm that returns']
PY = [
    ('error', 'PciDeviceNotFound', 'msg_fmt', 'PCI device %(id)s not found'),
    ('error', 'InvalidGpuPciIdsAlert', 'AlertClassConfig', 'GPU %(pci_ids)s is gone'),
    ('error', 'validate', 'verrors.add', '%s already has PCI device %s at 100%%'),
    ('error', 'validate', 'raise.CallError', 'Unable to isolate GPU %s'),
    ('error', 'validate', 'raise.ValidationError', 'IOMMU is not enabled'),
    ('warning', 'start', 'LOG.warning', 'Failed to reset %(dev)s'),
    ('error', 'start', 'logger.error', 'VFIO bind of %r failed'),
    ('error', 'start', 'raise.RuntimeError', 'mdev %s has %s instances'),
]
PY.extend([
    ('error', 'locals_', 'raise.VfioError', 'cannot open IOMMU group of %s'),
    ('error', 'locals_', 'LOG.error', 'device %s is still bound to its host driver'),
    ('warning', 'locals_', 'LOG.warning', 'GPU passthrough is off'),
    ('warning', 'locals_', 'LOG.warning', 'VF has no driver'),
    ('warning', 'locals_', 'LOG.warning', 'mdev %s is gone'),
    ('info', 'locals_', 'LOG.info', 'vfio: %s owns %d groups'),
    ('error', 'locals_', 'raise.VfioError', 'vfio: %s owns %d groups'),
])
PY_NOT = GO_NOT
# the same dialect file read with each dialect, and with none
DIALECTS = [
    (harvest_python.VIRT_MANAGER, [
        ('error', '_validate_hostdev', 'val_err', 'Physical Device Required'),
        ('error', '_validate_hostdev', 'show_err', 'Error adding device: %s'),
        ('error', 'main', 'fail', "Could not find a matching USB device for '%s'"),
        ('error', 'spawn_mdev', 'log.error', 'vgpu: No device with type %s is available'),
        ('error', 'spawn_mdev', 'raise.ResourceUnavailable',
         'vgpu: No device with type %s is available'),
        ('error', 'devname2pciaddr', 'raise.DeviceHasNoPciAddress', 'device: %s')]),
    (harvest_python.VDSM, [
        ('error', 'HostdevDetachFailed', 'message', 'Failed to detach PCI host device'),
        ('error', 'spawn_mdev', 'log.error', 'vgpu: No device with type %s is available'),
        ('error', 'spawn_mdev', 'raise.ResourceUnavailable',
         'vgpu: No device with type %s is available'),
        ('error', 'devname2pciaddr', 'raise.DeviceHasNoPciAddress',
         'DeviceHasNoPciAddress: device: %s')]),
    (None, [('error', 'spawn_mdev', 'log.error', 'vgpu: No device with type %s is available'),
            ('error', 'spawn_mdev', 'raise.ResourceUnavailable',
             'vgpu: No device with type %s is available'),
            ('error', 'devname2pciaddr', 'raise.DeviceHasNoPciAddress', 'device: %s')]),
]

# the OCaml reader (xapi): the Debug loggers but debug, failwith with a literal, a
# sprintf or a ^ chain, internal_error, an API error as its datamodel_errors.ml text
OCAML = [
    ('error', 'bind_pci', 'error', 'PCI %s: cannot bind to pciback'),
    ('warning', 'bind_pci', 'D.warn', 'vGPU %s has no PGPU'),
    ('info', 'bind_pci', 'info', 'Passing through %s'),
    ('warning', 'bind_pci', 'warn', 'VF count of %s is too high'),
    ('error', 'reset_gpu', 'failwith', 'GPU 100%% busy'),
    ('error', 'reset_gpu', 'failwith', 'No VF left on %s'),
    ('error', 'reset_gpu', 'failwith', 'cannot open %s for PCI reset'),
    ('error', 'check_type', 'Helpers.internal_error', 'vGPU type %s unknown'),
    ('error', 'check_type', 'failwith', 'quoted "PCI" text'),
    ('error', 'assert_capacity', 'Server_error(PGPU_FULL)', 'The PGPU is full.'),
    ('error', 'assert_capacity', 'Server_error(INTERNAL_ERROR)', 'IOMMU is off'),
]
# debug, a comment, a word of a list of strings, a variable, a format of one word, an
# API error with no text
OCAML_NOT = ['binding %s: not read, below the default level', 'in a comment, not read',
             'warn', '%s in %s']
OCAML_DOCS = {'pgpu_full': 'The PGPU is full.'}
# the JavaScript/TypeScript reader (cockpit-machines): translated texts given to an
# error or warning reporter, console.error/warn, new Error; not labels, comments,
# strings, console.log
JS = [
    ('error', 'attach', 'setDialogError(_)', 'PCI device could not be attached'),
    ('error', 'attach', 'setDialogError(_)', '50%% of the BAR is mapped'),
    ('error', 'vmStart', 'showVmError(cockpit.format)(_)', 'VM %s failed to start on %s'),
    ('warning', 'snapshotExcuse', 'excuse(_)', 'Cannot snapshot a VM with VFIO devices'),
    ('error', 'snapshotExcuse', 'dialogError(_)', 'Attaching the USB device failed'),
    ('warning', 'nodeDeviceGet', 'console.warn', 'GET_NODE_DEVICE failed for %s %s'),
    ('error', 'nodeDeviceGet', 'console.error', 'unknown hostdev type %s'),
    ('error', 'nodeDeviceGet', 'new-Error', 'no PCI address for %s'),
]
JS_NOT = ['commented out, not read', 'inside a string, not read', 'not a message',
          'Add host device', 'Product', 'Vendor']
# the C++ reader (OpenNebula's core): texts assigned to an error's name, streams by
# what follows them, log calls; not another name's string, a comment, DEBUG levels
CPP = [
    ('error', 'test_pci', 'error=', 'Unavailable PCI device.'),
    ('error', 'test_pci', 'resp_msg=', 'PCI includes a restricted attribute %s'),
    ('error', 'test_pci', 'error_str=', 'GPU 100%% busy'),
    ('error', 'attach_pci', 'oss<<', 'Cannot attach PCI device %s to VM'),
    ('info', 'attach_pci', 'ess<<', 'vGPU profile %s selected'),
    ('warning', 'attach_pci', 'log.WARNING', 'PCI device left in the host'),
]
CPP_NOT = ['PCI', 'in a comment, not read', 'PCI debug %s', 'PCI not shown at the default level']
# the Ruby reader (OpenNebula's drivers): DriverLogger, STDERR.puts, raise, a local
RUBY = [
    ('error', 'vf_info', 'log_error', 'PCI %s does not exist'),
    ('error', 'vf_info', 'log_error', 'Could not find a PF for VF %s'),
    ('warning', 'vf_info', 'log_warning', 'SR-IOV 100%% off'),
    ('error', 'vf_info', 'puts', 'Invalid PCI configuration %s'),
    ('error', 'vf_info', 'raise', 'No VF left on %s'),
]
RUBY_NOT = ['in a comment, not read', 'debug: not read']

n = 0
failed = False


def check(ok, what):
    global n, failed
    n += 1
    print('%s %d - %s' % ('ok' if ok else 'not ok', n, what))
    failed |= not ok


for reader, name, want, never in ((harvest_go, 'sample.go', GO, GO_NOT),
                                  (harvest_python, 'sample.py', PY, PY_NOT),
                                  (harvest_ocaml, 'sample.ml', OCAML, OCAML_NOT),
                                  (harvest_js, 'sample.tsx', JS, JS_NOT),
                                  (harvest_cpp, 'sample.cc', CPP, CPP_NOT),
                                  (harvest_ruby, 'sample.rb', RUBY, RUBY_NOT)):
    path = os.path.join(HERE, 'fixtures', 'harvest', name)
    extra_args = (OCAML_DOCS,) if reader is harvest_ocaml else ()
    got = [(r[0], r[2], r[3], r[4]) for r in
           reader.harvest(open(path, encoding='utf-8').read(), name, *extra_args)]
    for row in want:
        check(row in got, '%s: %s' % (name, ' | '.join(row)))
    for fmt in never:
        check(all(r[3] != fmt for r in got), '%s: not read: %s' % (name, fmt))
    extra = [r for r in got if r not in want]
    check(not extra, '%s: no other rows%s' % (name, ''.join('\n# extra: %r' % (r,) for r in extra)))

# datamodel_errors.ml's texts: `\` continues a literal over lines, blanks dropped
docs = harvest_ocaml.api_error_docs('  (* error Api_errors.gone [] ~doc:"no" () ; *)\n'
                                    '  error Api_errors.vm_requires_iommu ["host"]\n'
                                    '    ~doc:"You need \\\n      the IOMMU." () ;\n')
check(docs == {'vm_requires_iommu': 'You need the IOMMU.'}, 'api_error_docs: %r' % docs)

text = open(os.path.join(HERE, 'fixtures', 'harvest', 'dialects.py'), encoding='utf-8').read()
for dialect, want in DIALECTS:
    got = [(r[0], r[2], r[3], r[4]) for r in harvest_python.harvest(text, 'dialects.py', dialect)]
    check(sorted(got) == sorted(want), 'dialects.py with %s: %r' %
          ('no dialect' if dialect is None else sorted(dialect), got))

tool = os.path.join(ROOT, 'tools', 'harvest-messages')

# SPDK's setup.sh (harvest_spdk: the shell reader's pci_dev_echo and echo >&2, then
# spdk_setup_stdout's stdout echoes and here-document); usage()'s help is not a message
loader = importlib.machinery.SourceFileLoader('harvest_messages', tool)
hm = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
loader.exec_module(hm)
SPDK = [
    ('info', 'probe_driver', 'pci_dev_echo', '%s (%s %s): Already using the %s driver'),
    ('error', 'probe_driver', 'pci_dev_echo', '%s (%s %s): failed to bind to %s, aborting'),
    ('warning', 'probe_driver', 'pci_dev_echo',
     '%s (%s %s): WARNING: detected multiple devices (%s) under the same IOMMU group!'),
    ('warning', 'configure_linux_pci', 'echo', 'WARNING: uio_pci_generic not detected - using %s'),
    ('error', 'configure_linux_pci', 'echo', 'No valid drivers found [vfio-pci, uio_pci_generic, '
     'igb_uio]. Please enable one of the kernel modules.'),
    ('error', 'check_hugepages_alloc', 'cat',
     '## ERROR: requested %s hugepages but %s could be allocated.'),
    ('error', 'check_hugepages_alloc', 'echo', "Node %s doesn't exist, ignoring"),
]
# the Rust reader: anyhow!, thiserror's #[error], log macros, ensure!, and .with_context
# with a closure that returns format! directly or from a block (mdevctl)
RUST = [
    ('error', '-', '#[error]', 'failed to open VFIO group %s'),
    ('error', 'make_mdev', 'anyhow!', 'Parent %s has no mdev types'),
    ('error', 'make_mdev', '.with_context', 'Failed to create mediated device %s on %s'),
    ('error', 'make_mdev', '.with_context', 'Cannot read %s'),
    ('warning', 'make_mdev', 'warn!', 'IOMMU group %s is not viable, 100%% busy'),
    ('info', 'make_mdev', 'info!', 'vGPU {ready}'),
    ('error', 'make_mdev', 'bail!', 'DMA map of %s failed'),
    # ensure!(condition, "..."): the message is the second argument ("none" is not one)
    ('error', 'make_mdev', 'ensure!', 'More than one parent found for %s'),
    ('error', 'make_mdev', 'ensure!', 'mdev %s has no type'),
    # eprintln!, a multi-line error!, .expect and panic! (vgpu_unlock-rs, usbvfiod)
    ('error', 'serve', 'eprintln!', 'Failed to read config: %s'),
    ('error', 'serve', 'error!', 'Parameters size for %s was %s bytes, expected %s bytes'),
    ('error', 'serve', '.expect', 'should always be able to write event fd'),
    ('error', 'serve', 'panic!', 'Device attachment failed for %s: %s'),
]
got = [(r[0], r[2], r[3], r[4]) for r in hm.harvest_rust(os.path.join(HERE, 'fixtures', 'harvest'),
                                                         'sample.rs', None)]
check(sorted(got) == sorted(RUST), 'sample.rs: %r' % sorted(got))

got = [(r[0], r[2], r[3], r[4]) for r in hm.harvest_spdk(os.path.join(HERE, 'fixtures', 'harvest',
                                                                       'spdk'))]
check(sorted(got) == sorted(SPDK), 'spdk setup.sh: %r' % sorted(got))


def write_tree(root, files):
    for rel, text in files:
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        with open(os.path.join(root, rel), 'w', encoding='utf-8') as f:
            f.write(text)


def linux_rows(files):
    """(level, function, call, format) of harvest_linux() on a tree of (path, text) files"""
    with tempfile.TemporaryDirectory() as tmp:
        write_tree(tmp, files)
        return [(r[0], r[2], r[3], r[4]) for r in hm.harvest_linux(tmp)]


# arm64 KVM's kvm_err()/kvm_info()/kvm_pr_unimpl() print "kvm [PID]: ": read in
# arch/arm64/kvm/ only (x86's kvm_err() stays unread), through KVM_ARM_KEYWORDS
KVM_ARM = [
    ('info', 'kvm_arm_init', 'kvm_info', 'kvm [%d]: HYP mode not available'),
    ('error', 'kvm_arch_init', 'kvm_pr_unimpl',
     'kvm [%d]: CPU unsupported in non-VHE mode, not initializing'),
    ('warning', 'early_kvm_mode_cfg', 'pr_warn_once', 'Protected KVM not available with VHE'),
    ('error', 'vgic_v4_init', 'kvm_err', 'kvm [%d]: VPE IRQ allocation failure'),
]
got = linux_rows((('arch/arm64/kvm/arm.c',
                   'int kvm_arm_init(void)\n{\n\tkvm_info("HYP mode not available\\n");\n'
                   '\tkvm_err("sys_reg table out of order\\n");\n}\n'
                   'int kvm_arch_init(void)\n{\n\tkvm_pr_unimpl("CPU unsupported in non-VHE '
                   'mode, not initializing\\n");\n}\n'
                   'static int early_kvm_mode_cfg(char *arg)\n{\n\tpr_warn_once("Protected '
                   'KVM not available with VHE\\n");\n}\n'),
                  ('arch/arm64/kvm/vgic/vgic-v4.c',
                   'int vgic_v4_init(void)\n{\n\tkvm_err("VPE IRQ allocation failure\\n");'
                   '\n\tWARN_RATELIMIT(1, "IRQ %d\\n", 3);\n}\n'),
                  ('arch/x86/kvm/x86.c',
                   'int f(void)\n{\n\tkvm_err("%s: unexpected cr %u\\n", 1, 2);\n}\n')))
check(sorted(got) == sorted(KVM_ARM), 'arm64 KVM calls: %r' % sorted(got))

# warn_alloc() prints its format inside "%s: ... , mode:..., nodemask=..." (MM_CALLS, mm/
# only); ACPI's acpi_handle_err() & co. print "ACPI: <path>: " and
# acpi_evaluation_failure_warn() "<method> evaluation failed" (ACPI_CALLS, drivers/acpi/
# only: the PCI core's acpi_handle_*() stay unread)
MM_ACPI = [
    ('warning', '__alloc_pages_slowpath', 'warn_alloc',
     '%s: page allocation failure: order:%u, mode:%#x(%pGg), nodemask=%*pbl'),
    ('error', 'acpi_pci_link_get_current', 'acpi_handle_err', 'ACPI: %s: _CRS returned 0'),
    ('warning', 'acpi_pci_link_get_current', 'acpi_evaluation_failure_warn',
     'ACPI: %s: _CRS evaluation failed: %s'),
    ('info', 'acpi_pci_link_add', 'pr_info', 'ACPI: PCI: Interrupt link %s disabled'),
]
got = linux_rows((('mm/page_alloc.c',
                   'static void *__alloc_pages_slowpath(unsigned int order)\n{\n'
                   '\twarn_alloc(gfp_mask, NULL, "page allocation failure: order:%u", '
                   'order);\n\tpr_info("Built %u zonelists\\n", 1);\n}\n'),
                  ('drivers/acpi/pci_link.c',
                   '#define pr_fmt(fmt) "ACPI: PCI: " fmt\n'
                   'static int acpi_pci_link_get_current(acpi_handle handle)\n{\n'
                   '\tacpi_evaluation_failure_warn(handle, "_CRS", status);\n'
                   '\tacpi_handle_err(handle, "_CRS returned 0\\n");\n}\n'
                   'static int acpi_pci_link_add(struct acpi_device *device)\n{\n'
                   '\tpr_info("Interrupt link %s disabled\\n", "LNKA");\n}\n'),
                  ('drivers/pci/pci-acpi.c',
                   'static void f(acpi_handle handle)\n{\n'
                   '\tacpi_handle_err(handle, "reset failed\\n");\n}\n')))
check(sorted(got) == sorted(MM_ACPI), 'mm and ACPI calls: %r' % sorted(got))

# QEMU's trace-events files (tools/harvest_trace.py through harvest-messages' scope):
# the log backend's "NAME " + format, the sections of excluded files and TCG events
# left out, PRI macros joined as the C reader joins them, the event filter on the line
TRACE = [
    ('trace', 'hw/vfio/trace-events', 'vfio_intx_interrupt', 'trace',
     'vfio_intx_interrupt  (%s) Pin %c'),
    ('trace', 'hw/vfio/trace-events', 'vfio_region_write', 'trace',
     'vfio_region_write  (%s:region%d+0x%lx, 0x%lx, %d)'),
    ('trace', 'hw/vfio/trace-events', 'vfio_display_edid_write_error', 'trace',
     'vfio_display_edid_write_error '),
    ('trace', 'accel/kvm/trace-events', 'kvm_set_user_memory', 'trace',
     'kvm_set_user_memory Slot#%d size=0x%lx'),
]
with tempfile.TemporaryDirectory() as tmp:
    os.makedirs(os.path.join(tmp, 'hw', 'vfio'))
    os.makedirs(os.path.join(tmp, 'accel', 'kvm'))
    with open(os.path.join(tmp, 'hw', 'vfio', 'trace-events'), 'w') as f:
        f.write('# See docs/devel/tracing.rst for syntax documentation.\n\n# pci.c\n'
                'vfio_intx_interrupt(const char *name, char line) " (%s) Pin %c"\n'
                'vfio_region_write(const char *name, int index, uint64_t addr, uint64_t data,'
                ' unsigned size) " (%s:region%d+0x%"PRIx64", 0x%"PRIx64 ", %d)"\n'
                '# display.c\nvfio_display_edid_write_error(void) ""\n'
                '# spapr.c\nvfio_prereg_listener_region_add_skip(uint64_t s) "0x%"PRIx64\n'
                'tcg vfio_guest_thing(int x) "x %d", "y %d"\n')
    with open(os.path.join(tmp, 'accel', 'kvm', 'trace-events'), 'w') as f:
        f.write('# kvm-all.c\nkvm_ioctl(unsigned long type, void *arg) "type 0x%lx, arg %p"\n'
                'disable kvm_set_user_memory(uint16_t slot, uint64_t size) "Slot#%d size=0x%"'
                ' PRIx64\n')
    scope = [('hw/vfio/trace-events', None, None),
             ('accel/kvm/trace-events', None, r'slot|memory')]
    got = [('trace',) + r[1:] for r in hm.harvest_trace.harvest(
        tmp, scope, hm.qemu_trace_format, hm.normalise, {'spapr.c'})]
    check(sorted(got) == sorted(TRACE), 'trace-events: %r' % sorted(got))

def qemu_rows(files):
    """(file, level, call, format) of harvest_qemu() on a tree of (path, text) files"""
    with tempfile.TemporaryDirectory() as tmp:
        write_tree(tmp, files)
        return sorted((r[1], r[0], r[3], r[4]) for r in hm.harvest_qemu(tmp))


# the old layouts: QEMU's top-level kvm-all.c under accel/kvm/kvm-all.c's rule (its
# fprintf(stderr) read), vl.c under softmmu/vl.c's (every message), memory.c under
# softmmu/*.c's filter; a top-level file that never moved there (block.c) stays unread
got = qemu_rows((('kvm-all.c', 'int kvm_set_phys_mem(void)\n{\n\tfprintf(stderr, "%s: error '
                  'registering slot: %s\\n", __func__, "x");\n\tfprintf(stderr, "no '
                  'keyword here\\n");\n}\n'),
                 ('vl.c', 'int main(void)\n{\n\terror_report("-machine is wrong");\n}\n'),
                 ('memory.c', 'void f(void)\n{\n\terror_report("vfio region mapping failed");'
                  '\n\terror_report("unrelated");\n}\n'),
                 ('block.c', 'void g(void)\n{\n\terror_report("vfio block");\n}\n')))
check(got == [('kvm-all.c', 'error', 'fprintf', '%s: error registering slot: %s'),
              ('memory.c', 'error', 'error_report', 'vfio region mapping failed'),
              ('vl.c', 'error', 'error_report', '-machine is wrong')],
      'QEMU before 5.0: kvm-all.c, vl.c, memory.c at the top: %r' % got)

# Linux before 5.8/5.7: drivers/iommu/intel-*.c whole, virt/kvm/arm/ under arm64 KVM's
# calls and filter; a build's *.mod.c is not read
got = linux_rows((('drivers/iommu/intel-svm.c',
                   'int intel_svm_bind(void)\n{\n\tpr_err("SVM bind failed %d\\n", 1);\n}\n'),
                  ('virt/kvm/arm/arm.c',
                   'int kvm_arch_init(void)\n{\n\tkvm_err("VPE IRQ allocation failure\\n");\n}\n'),
                  ('drivers/vfio/pci/vfio-pci.mod.c',
                   'void m(void)\n{\n\tpr_err("generated\\n");\n}\n')))
check(sorted(got) == [('error', 'intel_svm_bind', 'pr_err', 'SVM bind failed %d'),
                      ('error', 'kvm_arch_init', 'kvm_err',
                       'kvm [%d]: VPE IRQ allocation failure')],
      'Linux before 5.8: intel-svm.c, virt/kvm/arm/, no *.mod.c: %r' % sorted(got))


def git_repo(tmp, files):
    """A git directory of one commit holding (path, text) files"""
    work = os.path.join(tmp, 'work')
    write_tree(work, files)
    env = dict(os.environ, GIT_AUTHOR_NAME='t', GIT_AUTHOR_EMAIL='t@t', GIT_COMMITTER_NAME='t',
               GIT_COMMITTER_EMAIL='t@t', GIT_CONFIG_GLOBAL=os.devnull)
    for cmd in (['init', '-q'], ['add', '.'], ['commit', '-q', '-m', 'import']):
        subprocess.run(['git', '-C', work] + cmd, check=True, env=env, capture_output=True)
    return os.path.join(work, '.git')


# the snapshots of releases: the label from the release's version file (QEMU's VERSION,
# libvirt's configure.ac, Linux's Makefile), the tree under a subdirectory with the label
# given (subdir=, label=), Makefiles lent by another tree (makefiles=) for KBUILD_MODNAME
with tempfile.TemporaryDirectory() as tmp:
    hm.SRC = os.path.join(tmp, 'src')
    pci = 'void f(void)\n{\n\terror_report("vfio: failed");\n}\n'
    labels = []
    for name, vfile, text in (('qemu', 'VERSION', '2.11.0\n'),
                              ('libvirt', 'configure.ac',
                               'AC_INIT([libvirt], [5.6.0], [x@y], [], [z])\n'),
                              ('linux', 'Makefile', 'VERSION = 4\nPATCHLEVEL = 19\nSUBLEVEL = 0\n')):
        gitdir = git_repo(os.path.join(tmp, name), [(vfile, text), ('hw/vfio/pci.c', pci),
                                                    ('src/util/virpci.c', pci),
                                                    ('drivers/vfio/vfio.c', pci)])
        labels.append(hm.fetch_snapshot(name, gitdir, 'HEAD')[1])
    check(labels == ['2.11', '5.6', '4.19'], 'release labels from VERSION, configure.ac, '
          'Makefile: %r' % labels)
    donor = os.path.join(tmp, 'donor', 'drivers', 'xen', 'xen-pciback')
    os.makedirs(donor)
    with open(os.path.join(donor, 'Makefile'), 'w') as f:
        f.write('obj-$(CONFIG_XEN_PCIDEV_BACKEND) += xen-pciback.o\n'
                'xen-pciback-y := pci_stub.o pciback_ops.o\n')
    gitdir = git_repo(os.path.join(tmp, 'sub'),
                      [('linux-5.4.214/drivers/xen/xen-pciback/pci_stub.c', pci),
                       ('README', 'not the tree\n')])
    root, label, _, program = hm.fetch_snapshot('linux', gitdir, 'HEAD', 'linux-5.4.214', '5.4',
                                                os.path.join(tmp, 'donor'))
    check((label, program) == ('5.4', 'linux') and
          os.path.exists(os.path.join(root, 'drivers/xen/xen-pciback/pci_stub.c')) and
          not os.path.exists(os.path.join(root, 'README')) and
          hm.kbuild_modname(root, 'drivers/xen/xen-pciback/pci_stub.c') == 'xen_pciback',
          'subdir=, label= and makefiles=: %r' % ((label, program, sorted(os.listdir(root))),))

with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, 'catalogue.tsv')
    for args, what in ((['--snapshot', 'kubevirt=' + os.path.join(tmp, 'none')], 'a --snapshot '
                        'that is no git directory'),
                       (['--snapshot', 'nosuch=' + tmp], 'a --snapshot of an unknown name'),
                       (['--snapshot', 'qemu=' + tmp + ',label=a b'],
                        'a --snapshot label that is no version'),
                       (['--keep-others'], '--keep-others without --only')):
        r = subprocess.run([sys.executable, tool, '-o', out] + args, capture_output=True,
                           text=True)
        lines = r.stderr.splitlines()
        check(r.returncode == 2 and len(lines) == 1 and lines[0].startswith('harvest-messages: '),
              'refuses %s: exit 2, one line (%d, %r)' % (what, r.returncode, r.stderr))
        check(not os.path.exists(out), 'and writes nothing')
print('1..%d' % n)
sys.exit(1 if failed else 0)
