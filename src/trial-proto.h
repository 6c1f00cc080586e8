/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the trial's host side and its guest /init agree on beyond lib/trial/trial.h
 * (markers, module list): the kernel command line keys and the report's port.
 */
#ifndef VFD_TRIAL_PROTO_H
#define VFD_TRIAL_PROTO_H

#define TRIAL_ARG_EXPECT "vfd.expect"		/* vfd.expect=8086:10d3,1234:1111 */
#define TRIAL_ARG_WAIT "vfd.wait"		/* seconds to wait for drivers and links */
#define TRIAL_REPORT_TTY "/dev/ttyS1"
#define TRIAL_INIT_PREFIX "vfio-doctor-init: "

#endif
