/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_SWITCH_H
#define _PSW_SWITCH_H

#include "counters.h"
#include "nat44.h"
#include "neigh.h"
#include "session.h"
#include "trace.h"

#include <linux/etherdevice.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/xarray.h>
#include <net/gro_cells.h>

struct netlink_ext_ack;

/*
 * A token bucket shared by the CPUs: the rate of what it limits (ICMP
 * errors) is bounded, so its cache line is not the fast path's.
 */
struct psw_ratelimit {
	atomic_t credit;
	u32 stamp;		/* jiffies of the last refill */
};

struct nlattr;
struct psw_fib;
struct psw_port;

/*
 * What the packet path reads of the switch settings, published as one
 * immutable block so that a change (PSW_CMD_SWITCH_SET) is seen whole.
 */
struct psw_params {
	u8 mac[ETH_ALEN];	/* switch MAC: the host port's address */
	__be32 address;		/* switch address */
	bool host_routes;
	bool anti_spoof;
	/* By enum psw_session_table: seconds by enum psw_session_state. */
	u32 timeout[PSW_SESSION_TABLE_MAX + 1][PSW_SESS_NSTATES];
	u32 max_sessions[PSW_SESSION_TABLE_MAX + 1];
	u32 port_max_sessions[PSW_SESSION_TABLE_MAX + 1];	/* of one port's packets */
	__be32 nat_loopback;	/* hairpin source; 0: the switch address */
	u32 icmp_rate;		/* ICMP errors a second; 0: no limit */
	u32 icmp_burst;
	struct rcu_head rcu;
};

/*
 * One switch: the netdev `ip link add NAME type podswitch` creates is its
 * host side; the switch's own end of that link is the host port.
 *
 * Locking: every configuration change runs under RTNL and then @lock, the
 * switch's writer lock; it builds new immutable state (params, FIB) and
 * publishes it with rcu_assign_pointer(), freeing the old after a grace
 * period. The packet path runs in softirq under RCU and never takes
 * @lock; what it writes (neighbors learned by ARP, counters) has its own
 * per-CPU or bh-safe protection. Use psw_cfg() for writer-side access.
 */
struct psw_switch {
	struct net_device *dev;
	struct mutex lock;
	struct psw_params __rcu *params;
	struct psw_fib __rcu *fib;
	struct psw_port __rcu *ports[PSW_MAX_PORTS];
	struct list_head static_routes;	/* struct psw_route_cfg, under @lock */
	u32 nstatic_routes;
	u32 gen;			/* bumped by every change, for dumps */
	struct xarray acls;		/* struct psw_acl by number */
	u32 nacls;			/* in @acls, under @lock */
	u32 acl_nbound;			/* bindings, under @lock */
	struct psw_nat44 nat;
	struct psw_sess_table sessions[PSW_SESSION_TABLE_MAX + 1];
	struct psw_neigh_table neigh;
	struct psw_trace trace;
	struct psw_ratelimit icmp_limit;
	struct psw_counters __percpu *counters;
	struct gro_cells gro_cells;
};

#define psw_cfg(sw, p) \
	rcu_dereference_protected(p, lockdep_is_held(&(sw)->lock))

int psw_switch_init(void);
void psw_switch_uninit(void);

bool psw_is_switch(const struct net_device *dev);
struct psw_params *psw_params_default(gfp_t gfp);
struct psw_switch *psw_switch_find(struct net *net, struct nlattr **attrs,
				   struct netlink_ext_ack *extack);
int psw_switch_set_params(struct psw_switch *sw, const struct psw_params *p);

/* ACLs and NAT need ports: fragments are reassembled for them. */
static inline bool psw_switch_needs_ports(const struct psw_switch *sw)
{
	return READ_ONCE(sw->acl_nbound) || READ_ONCE(sw->nat.nservices) ||
	       READ_ONCE(sw->nat.npools);
}

static inline struct psw_port *psw_port_get(struct psw_switch *sw, u32 index)
{
	return index < PSW_MAX_PORTS ? rcu_dereference(sw->ports[index]) : NULL;
}

#endif /* _PSW_SWITCH_H */
