/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_SWITCH_H
#define _PSW_SWITCH_H

#include <linux/etherdevice.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>

struct netlink_ext_ack;
struct nlattr;

/*
 * One switch: the netdev `ip link add NAME type podswitch` creates is its
 * host side; the switch's own end of that link is the host port.
 *
 * Locking: netdev registration and teardown run under RTNL. Configuration
 * changes take @lock (the per-switch writer lock); the packet path never
 * takes it and reads only RCU-published state.
 */
struct psw_switch {
	struct net_device *dev;
	struct mutex lock;
	u8 mac[ETH_ALEN];	/* switch MAC: the host port's address */
	__be32 address;		/* switch address */
	bool host_routes;
	bool anti_spoof;
};

int psw_switch_init(void);
void psw_switch_uninit(void);

bool psw_is_switch(const struct net_device *dev);
void psw_switch_set_defaults(struct psw_switch *sw);
struct psw_switch *psw_switch_find(struct net *net, struct nlattr **attrs,
				   struct netlink_ext_ack *extack);

#endif /* _PSW_SWITCH_H */
