/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_PIPELINE_H
#define _PSW_PIPELINE_H

#include "acl.h"
#include "counters.h"
#include "session.h"
#include "switch.h"
#include "trace.h"

#include <linux/icmp.h>
#include <linux/in.h>

struct psw_port;
struct psw_params;

/*
 * One packet's state on its way through the nodes (Documentation/podswitch.rst, "Pipeline"):
 * input -> ip4-input -> acl-in -> nat44-in -> ip4-lookup -> ip4-rewrite
 * -> acl-out -> nat44-out -> output. Lives on the stack of the softirq
 * that runs the packet, under rcu_read_lock().
 */
struct psw_pkt {
	struct psw_switch *sw;
	const struct psw_params *params;
	struct psw_port *in;
	struct psw_port *out;
	__be32 nexthop;
	struct psw_trace_rec *tr;
	/* What the ACL nodes learnt of the packet, so that acl-out reuses it. */
	struct psw_flow flow;
	struct psw_sess_key sess_key;
	struct psw_session *sess;
	u8 sess_dir;
	u8 sess_flags;			/* TCP flags, for a new session */
	bool flow_parsed;
	bool sess_looked;
	bool sess_key_ok;
	bool sess_icmp_err;
	bool reflect;			/* a rule asked for a session */
	/* NAT: the session nat44-in found, or made; SNAT left to nat44-out. */
	struct psw_session *nat_sess;
	bool nat_snat;
	bool nat_xlated;		/* nat44-in rewrote it, as nat_tuple */
	u8 nat_tuple;
};

#define psw_trace(pkt, fmt, ...)					\
	do {								\
		if (unlikely((pkt)->tr))				\
			psw_trace_printf((pkt)->tr, fmt, ##__VA_ARGS__); \
	} while (0)

/* Count @why against the packet's node and free it with the kernel's reason. */
void psw_drop(struct psw_pkt *pkt, struct sk_buff *skb, enum psw_counter why);
/* Finish the packet's trace record, if it has one. */
void psw_pkt_done(struct psw_pkt *pkt);

/* input.c */
void psw_input(struct psw_port *in, struct sk_buff *skb);
/* arp.c */
void psw_arp_input(struct psw_pkt *pkt, struct sk_buff *skb);
void psw_arp_request(struct psw_switch *sw, struct psw_port *port, __be32 target);
/* ip4.c */
void psw_ip4_input(struct psw_pkt *pkt, struct sk_buff *skb);
int psw_ip4_format(char *buf, size_t size, const struct sk_buff *skb);
enum psw_counter psw_ip4_validate(struct sk_buff *skb);
/*
 * RFC 1812 5.3.7: addresses a router must not forward from or to, as
 * source or as destination: 0/8, 127/8 (else a pod reaches the host's
 * loopback services once route_localnet is set, CVE-2020-8558),
 * multicast (the switch routes none) and 240/4, class E with the
 * limited broadcast. (The kernel's ipv4_is_zeronet() is 0.0.0.0 alone,
 * since Linux lets 0/8 be assigned.)
 */
static inline bool psw_ip4_martian(__be32 addr)
{
	return !(addr & htonl(0xff000000)) || ipv4_is_loopback(addr) ||
	       (addr & htonl(0xe0000000)) == htonl(0xe0000000);
}

/* icmp.c */
void psw_icmp_error(struct psw_pkt *pkt, struct sk_buff *skb, u8 type,
		    u8 code, __be32 info);
void psw_icmp_echo_reply(struct psw_pkt *pkt, struct sk_buff *skb);
const struct iphdr *psw_icmp_quote(const struct sk_buff *skb, unsigned int off,
				   struct iphdr *iph_buf, const u8 **l4, u8 *l4_buf);

/* Whether ICMP type @type is an error, which quotes the packet it is about. */
static inline bool psw_icmp_is_error(u8 type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
	       type == ICMP_REDIRECT || type == ICMP_TIME_EXCEEDED ||
	       type == ICMP_PARAMETERPROB;
}
int psw_icmp_echo_to_reply(struct sk_buff *skb);
bool psw_ratelimit_allow(struct psw_ratelimit *rl, u32 rate, u32 burst, u32 now);
/* output.c */
void psw_output(struct psw_pkt *pkt, struct sk_buff *skb);
void psw_output_frame(struct psw_switch *sw, struct psw_port *port,
		      struct sk_buff *skb, const u8 *dst, __be16 proto,
		      struct psw_trace_rec *tr);

#endif /* _PSW_PIPELINE_H */
