/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_COUNTERS_H
#define _PSW_COUNTERS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <net/dropreason.h>

/*
 * Per-node counters, VPP's `show errors`: (symbol, node, reason, the
 * kfree_skb_reason() of a drop, or 0 for a counter that is not a drop).
 */
#define PSW_COUNTERS(X)								\
	X(IN_NOT_IP,	"input", "not IPv4 or ARP", SKB_DROP_REASON_UNHANDLED_PROTO) \
	X(IN_RUNT,	"input", "runt frame", SKB_DROP_REASON_PKT_TOO_SMALL)	\
	X(IN_OTHERHOST,	"input", "frame not for the switch", SKB_DROP_REASON_OTHERHOST) \
	X(IN_NOMEM,	"input", "out of memory", SKB_DROP_REASON_NOMEM)	\
	X(ARP_BAD,	"input", "malformed ARP", SKB_DROP_REASON_HDR_TRUNC)	\
	X(ARP_REPLIED,	"input", "ARP requests answered", 0)			\
	X(ARP_LEARNED,	"input", "ARP neighbors learned", 0)			\
	X(ARP_IGNORED,	"input", "ARP not for the switch", 0)			\
	X(IP_HDR,	"ip4-input", "bad IPv4 header", SKB_DROP_REASON_IP_INHDR) \
	X(IP_LEN,	"ip4-input", "bad IPv4 length", SKB_DROP_REASON_PKT_TOO_SMALL) \
	X(IP_CSUM,	"ip4-input", "bad IPv4 header checksum", SKB_DROP_REASON_IP_CSUM) \
	X(IP_SPOOF,	"ip4-input", "spoofed source address", SKB_DROP_REASON_IP_RPFILTER) \
	X(IP_BADSRC,	"ip4-input", "martian source address", SKB_DROP_REASON_IP_INADDRERRORS) \
	X(LK_NOROUTE,	"ip4-lookup", "no route", SKB_DROP_REASON_IP_OUTNOROUTES) \
	X(LK_DROP,	"ip4-lookup", "drop route", SKB_DROP_REASON_IP_OUTNOROUTES) \
	X(LK_NOPORT,	"ip4-lookup", "output port gone", SKB_DROP_REASON_IP_OUTNOROUTES) \
	X(LOC_ECHO,	"ip4-local", "echo requests answered", 0)		\
	X(LOC_OTHER,	"ip4-local", "not an echo request", SKB_DROP_REASON_IP_NOPROTO) \
	X(RW_TTL,	"ip4-rewrite", "ttl expired", SKB_DROP_REASON_NOT_SPECIFIED) \
	X(RW_TOOBIG,	"ip4-rewrite", "too big, DF set", SKB_DROP_REASON_PKT_TOO_BIG) \
	X(RW_FRAG,	"ip4-rewrite", "too big, fragmented", 0)		\
	X(RW_FRAGFAIL,	"ip4-rewrite", "fragmentation failed", SKB_DROP_REASON_NOMEM) \
	X(ICMP_SENT,	"ip4-rewrite", "ICMP errors sent", 0)			\
	X(OUT_QFULL,	"output", "neighbor queue full", SKB_DROP_REASON_NEIGH_QUEUEFULL) \
	X(OUT_UNRES,	"output", "neighbor unresolved", SKB_DROP_REASON_NEIGH_FAILED) \
	X(OUT_NONEIGH,	"output", "neighbor table full", SKB_DROP_REASON_NEIGH_CREATEFAIL) \
	X(OUT_DOWN,	"output", "port down", SKB_DROP_REASON_DEV_READY)	\
	X(OUT_GONE,	"output", "port gone", SKB_DROP_REASON_NEIGH_DEAD)

enum psw_counter {
#define PSW_COUNTER_ENUM(sym, node, reason, drop) PSW_C_##sym,
	PSW_COUNTERS(PSW_COUNTER_ENUM)
#undef PSW_COUNTER_ENUM
	PSW_C_MAX
};

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

void psw_counters_sum(struct psw_counters __percpu *c, u64 *sum);

#endif /* _PSW_COUNTERS_H */
