/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_COUNTERS_H
#define _PSW_COUNTERS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <net/dropreason.h>

/* Per-node counters, VPP's `show errors`; psw_counter_info names each. */
enum psw_counter {
	PSW_C_IN_NOT_IP,
	PSW_C_IN_OTHERHOST,
	PSW_C_IN_NOMEM,
	PSW_C_ARP_BAD,
	PSW_C_ARP_REPLIED,
	PSW_C_ARP_LEARNED,
	PSW_C_ARP_IGNORED,
	PSW_C_IP_HDR,
	PSW_C_IP_LEN,
	PSW_C_IP_CSUM,
	PSW_C_IP_SPOOF,
	PSW_C_IP_BADSRC,
	PSW_C_IP_BADDST,
	PSW_C_IP_REASM,
	PSW_C_IP_REASM_FULL,
	PSW_C_ACLIN_NOMATCH,
	PSW_C_ACLIN_DENY,
	PSW_C_LK_NOROUTE,
	PSW_C_LK_DROP,
	PSW_C_LK_NOPORT,
	PSW_C_LOC_ECHO,
	PSW_C_LOC_OTHER,
	PSW_C_RW_TTL,
	PSW_C_RW_TOOBIG,
	PSW_C_RW_NOFRAG,
	PSW_C_ACLOUT_NOMATCH,
	PSW_C_ACLOUT_DENY,
	PSW_C_ACL_SESS_NEW,
	PSW_C_ACL_SESS_FULL,
	PSW_C_ACL_SESS_QUOTA,
	PSW_C_NAT_IN,
	PSW_C_NAT_SESS_NEW,
	PSW_C_NAT_SESS_FULL,
	PSW_C_NAT_QUOTA,
	PSW_C_NAT_NOPORT,
	PSW_C_NAT_ECHO,
	PSW_C_NAT_OUT,
	PSW_C_NAT_OUT_NEW,
	PSW_C_NAT_OUT_FULL,
	PSW_C_NAT_OUT_QUOTA,
	PSW_C_NAT_OUT_NOPORT,
	PSW_C_ICMP_SENT,
	PSW_C_ICMP_LIMITED,
	PSW_C_OUT_QFULL,
	PSW_C_OUT_UNRES,
	PSW_C_OUT_NONEIGH,
	PSW_C_NEIGH_EVICT,
	PSW_C_OUT_DOWN,
	PSW_C_OUT_GONE,
	PSW_C_OUT_FRAG,
	PSW_C_MAX
};

/* The node a counter belongs to, its reason, and the kfree_skb_reason()
 * of a drop (0 for a counter that is not a drop).
 */
struct psw_counter_info {
	const char *node;
	const char *reason;
	enum skb_drop_reason drop;
};

extern const struct psw_counter_info psw_counter_info[PSW_C_MAX];

struct psw_counters {
	u64 v[PSW_C_MAX];
	struct u64_stats_sync syncp;
};

struct psw_switch;

static inline void psw_count(struct psw_counters __percpu *c, enum psw_counter i)
{
	struct psw_counters *pc = this_cpu_ptr(c);

	u64_stats_update_begin(&pc->syncp);
	pc->v[i]++;
	u64_stats_update_end(&pc->syncp);
}

u64 psw_counter_sum(struct psw_counters __percpu *c, enum psw_counter i);

#endif /* _PSW_COUNTERS_H */
