/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_FIB_H
#define _PSW_FIB_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

struct netlink_ext_ack;
struct psw_switch;

#define PSW_MAX_STATIC_ROUTES 65536

struct psw_route {
	__be32 dst;
	u8 plen;
	u8 type;	/* enum psw_route_type */
	u8 origin;	/* enum psw_route_origin */
	u16 port;	/* output port index (PSW_ROUTE_HOST: 0) */
	__be32 gw;	/* PSW_ROUTE_VIA */
};

/* A static route as configured; the FIB is compiled from these and more. */
struct psw_route_cfg {
	struct list_head list;
	struct psw_route r;
};

/*
 * An immutable compiled FIB: one open-addressing hash table keyed by
 * (prefix, length) and the list of lengths present, longest first, so a
 * lookup costs one probe per distinct prefix length. Rebuilt whole on any
 * change and swapped under RCU.
 */
struct psw_fib {
	struct rcu_head rcu;
	u32 nroutes;
	u32 hmask;
	u8 nlens;
	u8 lens[33];
	struct psw_route *routes;	/* longest prefix first */
	u32 *slots;			/* route index + 1; 0 is empty */
};

struct psw_fib *psw_fib_build(const struct psw_route *routes, u32 n, gfp_t gfp);
void psw_fib_free(struct psw_fib *fib);
const struct psw_route *psw_fib_lookup(const struct psw_fib *fib, __be32 dst);

int psw_fib_rebuild(struct psw_switch *sw);
int psw_fib_static_add(struct psw_switch *sw, const struct psw_route *r,
		       struct netlink_ext_ack *extack);
int psw_fib_static_del(struct psw_switch *sw, const struct psw_route *key,
		       struct netlink_ext_ack *extack);
void psw_fib_flush(struct psw_switch *sw);

#endif /* _PSW_FIB_H */
