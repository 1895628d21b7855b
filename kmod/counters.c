// SPDX-License-Identifier: GPL-2.0
/*
 * Per-node counters. Each CPU writes its own copy from softirq; readers
 * sum them (psw_counter_sum()) under the u64_stats retry loop.
 */

#include "counters.h"

#include <kunit/visibility.h>

const struct psw_counter_info psw_counter_info[PSW_C_MAX] = {
	[PSW_C_IN_NOT_IP] = { "input", "not IPv4 or ARP", SKB_DROP_REASON_UNHANDLED_PROTO },
	[PSW_C_IN_OTHERHOST] = { "input", "frame not for the switch", SKB_DROP_REASON_OTHERHOST },
	[PSW_C_IN_NOMEM] = { "input", "out of memory", SKB_DROP_REASON_NOMEM },
	[PSW_C_ARP_BAD] = { "input", "malformed ARP", SKB_DROP_REASON_HDR_TRUNC },
	[PSW_C_ARP_REPLIED] = { "input", "ARP requests answered", 0 },
	[PSW_C_ARP_LEARNED] = { "input", "ARP neighbors learned", 0 },
	[PSW_C_ARP_IGNORED] = { "input", "ARP not for the switch", 0 },
	[PSW_C_IP_HDR] = { "ip4-input", "bad IPv4 header", SKB_DROP_REASON_IP_INHDR },
	[PSW_C_IP_LEN] = { "ip4-input", "bad IPv4 length", SKB_DROP_REASON_PKT_TOO_SMALL },
	[PSW_C_IP_CSUM] = { "ip4-input", "bad IPv4 header checksum", SKB_DROP_REASON_IP_CSUM },
	[PSW_C_IP_SPOOF] = { "ip4-input", "spoofed source address", SKB_DROP_REASON_IP_RPFILTER },
	[PSW_C_IP_BADSRC] = { "ip4-input", "martian source address", SKB_DROP_REASON_IP_INADDRERRORS },
	[PSW_C_IP_BADDST] = { "ip4-input", "martian destination address", SKB_DROP_REASON_IP_INADDRERRORS },
	[PSW_C_IP_REASM] = { "ip4-input", "fragments reassembled", 0 },
	[PSW_C_IP_REASM_FULL] = { "ip4-input", "reassembly memory full", SKB_DROP_REASON_NOMEM },
	[PSW_C_ACLIN_NOMATCH] = { "acl-in", "no rule matched", SKB_DROP_REASON_NOT_SPECIFIED },
	[PSW_C_ACLIN_DENY] = { "acl-in", "denied by rule", SKB_DROP_REASON_NOT_SPECIFIED },
	[PSW_C_LK_NOROUTE] = { "ip4-lookup", "no route", SKB_DROP_REASON_IP_OUTNOROUTES },
	[PSW_C_LK_DROP] = { "ip4-lookup", "drop route", SKB_DROP_REASON_IP_OUTNOROUTES },
	[PSW_C_LK_NOPORT] = { "ip4-lookup", "output port gone", SKB_DROP_REASON_IP_OUTNOROUTES },
	[PSW_C_LOC_ECHO] = { "ip4-local", "echo requests answered", 0 },
	[PSW_C_LOC_OTHER] = { "ip4-local", "not an echo request", SKB_DROP_REASON_IP_NOPROTO },
	[PSW_C_RW_TTL] = { "ip4-rewrite", "ttl expired", SKB_DROP_REASON_NOT_SPECIFIED },
	[PSW_C_RW_TOOBIG] = { "ip4-rewrite", "too big, DF set", SKB_DROP_REASON_PKT_TOO_BIG },
	[PSW_C_RW_NOFRAG] = { "ip4-rewrite", "too big, cannot fragment", SKB_DROP_REASON_PKT_TOO_BIG },
	[PSW_C_ACLOUT_NOMATCH] = { "acl-out", "no rule matched", SKB_DROP_REASON_NOT_SPECIFIED },
	[PSW_C_ACLOUT_DENY] = { "acl-out", "denied by rule", SKB_DROP_REASON_NOT_SPECIFIED },
	[PSW_C_ACL_SESS_NEW] = { "acl-out", "sessions created", 0 },
	[PSW_C_ACL_SESS_FULL] = { "acl-out", "session table full", SKB_DROP_REASON_NOT_SPECIFIED },
	[PSW_C_ACL_SESS_QUOTA] = { "acl-out", "port's session quota reached", SKB_DROP_REASON_NOT_SPECIFIED },
	[PSW_C_NAT_IN] = { "nat44-in", "packets translated", 0 },
	[PSW_C_NAT_SESS_NEW] = { "nat44-in", "sessions created", 0 },
	[PSW_C_NAT_SESS_FULL] = { "nat44-in", "session table full", SKB_DROP_REASON_NOT_SPECIFIED },
	[PSW_C_NAT_QUOTA] = { "nat44-in", "port's session quota reached", SKB_DROP_REASON_NOT_SPECIFIED },
	[PSW_C_NAT_NOPORT] = { "nat44-in", "no free port", SKB_DROP_REASON_NOT_SPECIFIED },
	[PSW_C_NAT_ECHO] = { "nat44-in", "echo requests to VIPs answered", 0 },
	[PSW_C_NAT_OUT] = { "nat44-out", "packets translated", 0 },
	[PSW_C_NAT_OUT_NEW] = { "nat44-out", "sessions created", 0 },
	[PSW_C_NAT_OUT_FULL] = { "nat44-out", "session table full", SKB_DROP_REASON_NOT_SPECIFIED },
	[PSW_C_NAT_OUT_QUOTA] = { "nat44-out", "port's session quota reached", SKB_DROP_REASON_NOT_SPECIFIED },
	[PSW_C_NAT_OUT_NOPORT] = { "nat44-out", "no free port", SKB_DROP_REASON_NOT_SPECIFIED },
	[PSW_C_ICMP_SENT] = { "ip4-rewrite", "ICMP errors sent", 0 },
	[PSW_C_ICMP_LIMITED] = { "ip4-rewrite", "ICMP errors rate-limited", 0 },
	[PSW_C_OUT_QFULL] = { "output", "neighbor queue full", SKB_DROP_REASON_NEIGH_QUEUEFULL },
	[PSW_C_OUT_UNRES] = { "output", "neighbor unresolved", SKB_DROP_REASON_NEIGH_FAILED },
	[PSW_C_OUT_NONEIGH] = { "output", "neighbor table full", SKB_DROP_REASON_NEIGH_CREATEFAIL },
	[PSW_C_NEIGH_EVICT] = { "output", "neighbors forgotten for room", 0 },
	[PSW_C_OUT_DOWN] = { "output", "port down", SKB_DROP_REASON_DEV_READY },
	[PSW_C_OUT_GONE] = { "output", "port gone", SKB_DROP_REASON_NEIGH_DEAD },
	[PSW_C_OUT_FRAG] = { "output", "packets fragmented", 0 },
};
EXPORT_SYMBOL_IF_KUNIT(psw_counter_info);

u64 psw_counter_sum(struct psw_counters __percpu *c, enum psw_counter i)
{
	const struct psw_counters *pc;
	unsigned int start;
	u64 sum = 0, v;
	int cpu;

	for_each_possible_cpu(cpu) {
		pc = per_cpu_ptr(c, cpu);
		do {
			start = u64_stats_fetch_begin(&pc->syncp);
			v = pc->v[i];
		} while (u64_stats_fetch_retry(&pc->syncp, start));
		sum += v;
	}
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(psw_counter_sum);
