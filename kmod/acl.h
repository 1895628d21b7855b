/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_ACL_H
#define _PSW_ACL_H

#include <uapi/linux/podswitch.h>

#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>

/* Which way an ACL binding filters; port->acl[] is indexed by it. */
enum psw_acl_dir {
	PSW_ACL_IN,		/* packets entering the switch by the port */
	PSW_ACL_OUT,		/* packets the switch sends out of the port */
	PSW_ACL_NDIRS
};

struct psw_pkt;
struct psw_port;
struct psw_switch;
struct sk_buff;
struct netlink_ext_ack;

/*
 * The fields of a packet ACLs and sessions look at. @sport and @dport are
 * in host order and for ICMP hold the type and code; @l4 says whether
 * they (and @tcp_flags, @echo_id) are known: not for a fragment or a
 * truncated header.
 */
struct psw_flow {
	__be32 src;
	__be32 dst;
	u16 sport;
	u16 dport;
	u8 proto;
	u8 tcp_flags;
	bool l4;
	bool icmp_err;		/* an ICMP error, about the packet it quotes */
	__be16 echo_id;		/* ICMP echo request or reply */
};

/* One rule, as compiled: the prefixes masked, port ranges inclusive. */
struct psw_acl_rule {
	__be32 src;
	__be32 dst;
	u8 src_plen;
	u8 dst_plen;
	u8 action;		/* enum psw_acl_action */
	u8 proto;		/* 0: any */
	u16 sport_min, sport_max;
	u16 dport_min, dport_max;
	u8 tcp_flags;
	u8 tcp_mask;
};

/* One CPU's hit counters of an ACL's rules. */
struct psw_acl_hits {
	struct u64_stats_sync syncp;
	u64_stats_t n[];
};

/*
 * A numbered ACL. Immutable: `acl set` on its number builds a new one.
 * Referenced by the switch's ACL table and by every compiled binding
 * that uses it; its per-rule hit counters live as long as it does.
 */
struct psw_acl {
	struct kref ref;
	u32 num;
	u32 nrules;
	/*
	 * By CPU: each CPU counts in its own array. Not alloc_percpu(): an
	 * ACL of 16384 rules needs more than a per-CPU chunk allows.
	 */
	struct psw_acl_hits **hits;
	struct rcu_head rcu;
	struct psw_acl_rule rules[];
};

/*
 * The ACLs bound to one port in one direction, compiled for lookup
 * (acl.c explains how). Immutable, published in port->acl[dir] with
 * rcu_assign_pointer() and freed after a grace period.
 */
struct psw_acl_cls;

bool psw_acl_rule_match(const struct psw_acl_rule *r, const struct psw_flow *f);
struct psw_acl *psw_acl_alloc(u32 num, u32 nrules);
void psw_acl_put(struct psw_acl *acl);
u64 psw_acl_hits(const struct psw_acl *acl, u32 rule);

struct psw_acl_cls *psw_acl_cls_build(struct psw_acl *const *acls, u32 nacls);
void psw_acl_cls_free(struct psw_acl_cls *cls);
void psw_acl_cls_free_rcu(struct psw_acl_cls *cls);
/* The first matching rule in binding order: its position, or -1. */
int psw_acl_cls_lookup(const struct psw_acl_cls *cls, const struct psw_flow *f);
u32 psw_acl_cls_nacls(const struct psw_acl_cls *cls);
u32 psw_acl_cls_acl(const struct psw_acl_cls *cls, u32 i);
const struct psw_acl_rule *psw_acl_cls_rule(const struct psw_acl_cls *cls, int pos,
					    const struct psw_acl **acl, u32 *index);

/* Configuration, under the switch's lock (acl.c). */
void psw_acl_switch_init(struct psw_switch *sw);
void psw_acl_switch_uninit(struct psw_switch *sw);
int psw_acl_set(struct psw_switch *sw, struct psw_acl *acl,
		struct netlink_ext_ack *extack);
int psw_acl_del(struct psw_switch *sw, u32 num, struct netlink_ext_ack *extack);
int psw_acl_bind(struct psw_switch *sw, struct psw_port *port, u8 dir,
		 const u32 *nums, u32 n, struct netlink_ext_ack *extack);
void psw_acl_port_unbind(struct psw_switch *sw, struct psw_port *port);
void psw_acl_port_release(struct psw_port *port);
void psw_flow_parse(struct psw_flow *f, const struct sk_buff *skb);

/* Nodes "acl-in" and "acl-out": false when the packet was consumed. */
bool psw_acl_in(struct psw_pkt *pkt, struct sk_buff *skb);
bool psw_acl_out(struct psw_pkt *pkt, struct sk_buff *skb);
void psw_acl_nat_prepare(struct psw_pkt *pkt, struct sk_buff *skb);

#endif /* _PSW_ACL_H */
