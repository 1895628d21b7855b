/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_NAT44_H
#define _PSW_NAT44_H

#include <uapi/linux/podswitch.h>

#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct netlink_ext_ack;
struct psw_pkt;
struct psw_port;
struct psw_sess_key;
struct psw_session;
struct psw_switch;
struct sk_buff;

/* struct psw_nat_session.nat_flags */
#define PSW_NAT_F_DNAT		BIT(0)	/* to a service backend */
#define PSW_NAT_F_HAIRPIN	BIT(1)	/* source translated to the loopback */
#define PSW_NAT_F_SNAT		BIT(2)	/* dynamic SNAT, by nat44-out */

/* A port's SNAT pool: addresses @first to @last, host order. */
struct psw_nat_pool {
	u32 first;
	u32 last;
	struct rcu_head rcu;
};

/* A service is found by what its clients send to. */
struct psw_nat_svc_key {
	__be32 vip;
	__be16 port;
	u8 proto;
	u8 pad;
};

struct psw_nat_backend {
	__be32 addr;
	__be16 port;
	u16 pad;
	u32 weight;
	u32 upto;		/* sum of the weights so far, this one's included */
};

/*
 * A service mapping (Documentation/podswitch.rst, "NAT44"). Immutable once published: an update
 * replaces the whole object in the hash and frees the old one after a
 * grace period.
 */
struct psw_nat_service {
	struct rhash_head node;
	struct list_head list;		/* in the order of creation, for dumps */
	struct psw_nat_svc_key key;
	u32 affinity;		/* seconds; 0: none */
	u32 total;		/* sum of the weights */
	u32 nbackends;
	struct rcu_head rcu;
	struct psw_nat_backend backends[];
};

/* The NAT44 configuration of a switch, changed under its lock. */
struct psw_nat44 {
	struct rhashtable services;	/* struct psw_nat_service */
	struct list_head list;		/* the same, an RCU list */
	struct xarray vips;		/* services per VIP (host order), for ARP */
	u32 nservices;
	u32 npools;			/* ports with an SNAT pool */
};

int psw_nat44_switch_init(struct psw_switch *sw);
void psw_nat44_switch_free(struct psw_switch *sw);

struct psw_nat_service *psw_nat_service_alloc(u32 nbackends);
u32 psw_nat_service_finish(struct psw_nat_service *svc);
int psw_nat_service_set(struct psw_switch *sw, struct psw_nat_service *svc,
			struct netlink_ext_ack *extack);
int psw_nat_service_del(struct psw_switch *sw, const struct psw_nat_svc_key *key,
			struct netlink_ext_ack *extack);
bool psw_nat44_is_vip(struct psw_switch *sw, __be32 addr);
bool psw_nat44_in_pool(struct psw_port *port, __be32 addr);
int psw_nat_snat_set(struct psw_switch *sw, struct psw_port *port, u32 first, u32 last,
		     struct netlink_ext_ack *extack);
int psw_nat_snat_del(struct psw_switch *sw, struct psw_port *port,
		     struct netlink_ext_ack *extack);
void psw_nat44_port_unbind(struct psw_switch *sw, struct psw_port *port);
const struct psw_nat_backend *psw_nat_pick(const struct psw_nat_service *svc,
					   u32 r);
const struct psw_nat_backend *psw_nat_backend_find(const struct psw_nat_service *svc,
						   __be32 addr, __be16 port);
struct psw_sess_key;
const struct psw_nat_service *psw_nat_service_lookup(struct psw_switch *sw,
						     const struct psw_sess_key *k);

#if IS_ENABLED(CONFIG_KUNIT)
int psw_nat_rewrite(struct sk_buff *skb, unsigned int off, const struct psw_sess_key *to);
int psw_nat_icmp_rewrite(struct sk_buff *skb, const struct psw_sess_key *inner_to);
struct psw_params;
struct psw_sess_table;
struct psw_session *psw_nat_snat(struct psw_sess_table *t, const struct psw_params *p,
				 const struct psw_nat_pool *pool, const struct psw_sess_key *k,
				 u8 tcp_flags, u16 in, u16 out);
#endif

/* Nodes "nat44-in" and "nat44-out": false when the packet was consumed. */
bool psw_nat44_in(struct psw_pkt *pkt, struct sk_buff *skb);
bool psw_nat44_out(struct psw_pkt *pkt, struct sk_buff *skb);
int psw_nat44_icmp_untranslate(const struct psw_pkt *pkt, struct sk_buff *err);

#endif /* _PSW_NAT44_H */
