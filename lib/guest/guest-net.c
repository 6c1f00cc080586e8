// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A passed-through NIC: the interfaces its driver made, their MAC and link
 * (net/core/net-sysfs.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guest-internal.h"

/* one network interface of @d: its MAC and its link (net/core/net-sysfs.c) */
static void finding_netif(struct gctx *g, struct gdev *d, const char *ifname)
{
	char *mac = NULL, *carrier = NULL, *oper = NULL, *speed = NULL;
	struct vfd_finding *f;
	bool up, fast, admin_down;
	enum vfd_status st;

	vfd_root_readf_str(g->root, &mac, "sys/class/net/%s/address", ifname);
	/* carrier reads EINVAL while the interface is down */
	vfd_root_readf_str(g->root, &carrier, "sys/class/net/%s/carrier", ifname);
	vfd_root_readf_str(g->root, &oper, "sys/class/net/%s/operstate", ifname);
	vfd_root_readf_str(g->root, &speed, "sys/class/net/%s/speed", ifname);
	up = carrier && strcmp(carrier, "1") == 0;
	/*
	 * an interface nobody brought up has no link to read: that says nothing of
	 * the device (info); brought up without carrier, the link is down (warn)
	 */
	admin_down = !carrier;
	st = up ? VFD_OK : admin_down ? VFD_INFO : VFD_WARN;
	fast = up && speed && atoi(speed) > 0;
	f = report_add(g->rep, "guest.net", LAYER, st, d->slot,
		       "%s (%s): MAC %s, link %s%s%s%s", ifname, d->driver, mac ? mac : "unknown",
		       up ? "up" : admin_down ? "unknown (interface not up)" : "down",
		       fast ? ", " : "", fast ? speed : "", fast ? " Mb/s" : "");
	finding_evidence(f, "/sys/class/net/%s/address: %s", ifname, mac ? mac : "unreadable");
	finding_evidence(f, "/sys/class/net/%s/carrier: %s", ifname,
			 carrier ? carrier : "unreadable (interface down)");
	finding_evidence(f, "/sys/class/net/%s/operstate: %s", ifname, oper ? oper : "unreadable");
	if (!up)
		finding_fix(f, "ip link set %s up; then check the cable or the virtual network "
			       "behind the device", ifname);
	free(mac);
	free(carrier);
	free(oper);
	free(speed);
}

void guest_finding_net(struct gctx *g, struct gdev *d)
{
	struct dirent *de;
	size_t n = 0;
	DIR *dir;

	if (!d->driver)
		return;
	dir = vfd_root_opendirf(g->root, "sys/class/net");
	while (dir && (de = readdir(dir))) {
		char slot[16];

		if (de->d_name[0] == '.')
			continue;
		guest_class_slot(g, "net", de->d_name, slot);
		if (strcmp(slot, d->slot) != 0)
			continue;
		finding_netif(g, d, de->d_name);
		n++;
	}
	if (dir)
		closedir(dir);
	if (!n) {
		struct vfd_finding *f = report_add(g->rep, "guest.net", LAYER, VFD_FAIL, d->slot,
						   "%s drives the NIC but made no network "
						   "interface (/sys/class/net)", d->driver);

		finding_fix(f, "the driver stopped before registering: see guest.driver-errors "
			       "and the kernel log");
	}
}
