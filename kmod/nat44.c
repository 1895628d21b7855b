// SPDX-License-Identifier: GPL-2.0
/*
 * NAT44 (Documentation/podswitch.rst, "NAT44"): the nodes "nat44-in" and
 * "nat44-out"; nat44_config.c keeps the services and SNAT pools they use.
 *
 * A NAT session is hashed by two directional keys: the packets of the
 * connection's initiator as they arrive (client -> VIP) and its replies
 * as they arrive (backend -> client, or -> the NAT loopback address on a
 * hairpin). Each direction is translated into the reverse of the other
 * key, so a session holds nothing else to translate by.
 *
 * Dynamic SNAT: a port may have a pool; a new connection leaving by it
 * (and no other NAT session's) gets a session in nat44-out whose reply
 * key is (destination -> pool address:port): the pool address by a hash
 * of the source, so that a pod keeps one, and the source port while no
 * other session has that reply key, else a random one. The hash insert
 * of the reply key is what keeps two connections from sharing it. Later
 * packets of the initiator are translated in nat44-out too (so acl-out
 * always sees them as the pod sent them), replies in nat44-in.
 */

#include "acl.h"
#include "nat44.h"
#include "pipeline.h"
#include "port.h"

#include <kunit/visibility.h>
#include <linux/icmp.h>
#include <linux/jhash.h>
#include <linux/bsearch.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/sort.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>
#include <net/udp.h>

/* ---- the packet path ---- */

static const char *psw_nat_proto_name(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	default:
		return "icmp";
	}
}

/*
 * The directional key of a packet from its IPv4 header and 8 bytes of its
 * L4 header: ports, or the echo id for ICMP echo. False for what NAT does
 * not translate: other protocols, ICMP but echo.
 */
static bool psw_nat_key_fill(struct psw_sess_key *k, const struct iphdr *iph, const u8 *l4)
{
	memset(k, 0, sizeof(*k));
	switch (iph->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		memcpy(k->port, l4, 4);
		break;
	case IPPROTO_ICMP:
		if (l4[0] != ICMP_ECHO && l4[0] != ICMP_ECHOREPLY)
			return false;
		memcpy(&k->port[0], l4 + 4, 2);
		k->port[1] = k->port[0];
		break;
	default:
		return false;
	}
	k->addr[0] = iph->saddr;
	k->addr[1] = iph->daddr;
	k->proto = iph->protocol;
	return true;
}

/*
 * The key of the packet, and its TCP flags. False for a fragment, a
 * header shorter than psw_nat_rewrite() rewrites, and what
 * psw_nat_key_fill() refuses.
 */
static bool psw_nat_key(const struct sk_buff *skb, struct psw_sess_key *k, u8 *tcp_flags)
{
	const struct iphdr *iph = ip_hdr(skb);
	bool tcp = iph->protocol == IPPROTO_TCP;
	u8 _l4[sizeof(struct tcphdr)];
	const u8 *l4;

	if (ip_is_fragment(iph))
		return false;
	l4 = skb_header_pointer(skb, ip_hdrlen(skb), tcp ? sizeof(struct tcphdr) : 8, _l4);
	if (!l4)
		return false;
	*tcp_flags = tcp ? l4[13] : 0;
	return psw_nat_key_fill(k, iph, l4);
}

/*
 * The TCP flags a packet of @s from @tuple's side may apply to its state:
 * a RST or FIN out of the window applies none (psw_sess_tcp_track()).
 */
static u8 psw_nat_tcp_track(const struct sk_buff *skb, struct psw_session *s, u8 tuple,
			    u8 tcp_flags)
{
	struct psw_tcp_seg seg;

	if (s->tuple.key.proto != IPPROTO_TCP || !psw_tcp_seg_parse(skb, &seg))
		return tcp_flags;
	return psw_sess_tcp_track(s, tuple, &seg);
}

static void psw_nat_key_reverse(struct psw_sess_key *r, const struct psw_sess_key *k)
{
	*r = *k;
	r->addr[0] = k->addr[1];
	r->addr[1] = k->addr[0];
	r->port[0] = k->port[1];
	r->port[1] = k->port[0];
}

static void psw_nat_csum4(__sum16 *l4check, bool pseudo, struct sk_buff *skb,
			  __sum16 *ipcheck, __be32 *field, __be32 to)
{
	if (l4check && pseudo)
		inet_proto_csum_replace4(l4check, skb, *field, to, true);
	csum_replace4(ipcheck, *field, to);
	*field = to;
}

static void psw_nat_csum2(__sum16 *l4check, struct sk_buff *skb, __be16 *field,
			  __be16 to)
{
	if (l4check)
		inet_proto_csum_replace2(l4check, skb, *field, to, false);
	*field = to;
}

/*
 * Rewrite the IPv4 header at @off of @skb and the L4 header after it to
 * the addresses and ports of @to, keeping every checksum right: the L4
 * checksum is updated incrementally, which also suits CHECKSUM_PARTIAL
 * (GSO) packets, whose field holds only the pseudo-header sum; a UDP
 * datagram without a checksum keeps none.
 */
VISIBLE_IF_KUNIT int psw_nat_rewrite(struct sk_buff *skb, unsigned int off,
				     const struct psw_sess_key *to)
{
	unsigned int ihl, need;
	__sum16 *check = NULL;
	struct iphdr *iph;
	__be16 *ports;
	u8 *l4;

	iph = (struct iphdr *)(skb->data + off);
	ihl = iph->ihl * 4;
	need = iph->protocol == IPPROTO_TCP ? sizeof(struct tcphdr) : 8;
	if (skb_ensure_writable(skb, off + ihl + need))
		return -ENOMEM;
	iph = (struct iphdr *)(skb->data + off);
	l4 = (u8 *)iph + ihl;
	ports = (__be16 *)l4;
	switch (iph->protocol) {
	case IPPROTO_TCP:
		check = &((struct tcphdr *)l4)->check;
		break;
	case IPPROTO_UDP:
		check = &((struct udphdr *)l4)->check;
		if (!*check && skb->ip_summed != CHECKSUM_PARTIAL)
			check = NULL;
		break;
	case IPPROTO_ICMP:
		check = &((struct icmphdr *)l4)->checksum;
		ports = (__be16 *)(l4 + 4);
		break;
	}
	if (iph->saddr != to->addr[0])
		psw_nat_csum4(check, iph->protocol != IPPROTO_ICMP, skb, &iph->check,
			      &iph->saddr, to->addr[0]);
	if (iph->daddr != to->addr[1])
		psw_nat_csum4(check, iph->protocol != IPPROTO_ICMP, skb, &iph->check,
			      &iph->daddr, to->addr[1]);
	if (iph->protocol == IPPROTO_ICMP) {
		/* The echo id: both "ports" of the key are it. */
		if (ports[0] != to->port[0])
			psw_nat_csum2(check, skb, &ports[0], to->port[0]);
		return 0;
	}
	if (ports[0] != to->port[0])
		psw_nat_csum2(check, skb, &ports[0], to->port[0]);
	if (ports[1] != to->port[1])
		psw_nat_csum2(check, skb, &ports[1], to->port[1]);
	if (iph->protocol == IPPROTO_UDP && check && !*check &&
	    skb->ip_summed != CHECKSUM_PARTIAL)
		*check = CSUM_MANGLED_0;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(psw_nat_rewrite);

/*
 * The backend for a new connection from @client: the one its affinity
 * record names while that backend remains, else one by weight (and a new
 * record when the service has affinity).
 */
static const struct psw_nat_backend *
psw_nat_backend_for(struct psw_pkt *pkt, struct psw_sess_table *t,
		    const struct psw_nat_service *svc, __be32 client)
{
	const struct psw_nat_backend *be;
	struct psw_nat_session *ns;
	struct psw_sess_key ak;
	struct psw_session *a;

	if (!svc->affinity)
		return psw_nat_pick(svc, get_random_u32_below(svc->total));
	memset(&ak, 0, sizeof(ak));
	ak.addr[0] = client;
	ak.addr[1] = svc->key.vip;
	ak.port[0] = htons(svc->key.proto);
	ak.port[1] = svc->key.port;
	a = psw_sess_lookup(t, &ak, NULL, pkt->params);
	if (a) {
		ns = psw_nat_sess(a);
		be = psw_nat_backend_find(svc, ns->reply.key.addr[0], ns->reply.key.port[0]);
		if (be) {
			psw_sess_update(t, a, 0, 0);
			return be;
		}
		psw_sess_kill(t, a);
	}
	be = psw_nat_pick(svc, get_random_u32_below(svc->total));
	a = psw_sess_alloc(t, pkt->params, pkt->in->index);
	if (IS_ERR(a))
		return be;	/* no record: the connection itself goes on */
	ns = psw_nat_sess(a);
	a->tuple.key = ak;
	a->state = PSW_SESS_HOLD;
	ns->reply.key.addr[0] = be->addr;
	ns->reply.key.port[0] = be->port;
	ns->hold = svc->affinity;
	ns->nat_flags = PSW_NAT_F_DNAT;
	psw_sess_add(t, a, pkt->params);
	return be;
}

#define PSW_NAT_PORT_TRIES 8

/*
 * Make and hash the NAT session of new connection @k, whose replies have
 * key @rk, from port @in. Returns it, or the session another CPU just
 * made for a copy of the packet; NULL when another session has @rk (the
 * caller tries another); an ERR_PTR on failure.
 */
static struct psw_session *psw_nat_sess_new(struct psw_sess_table *t,
					    const struct psw_params *p,
					    const struct psw_sess_key *k,
					    const struct psw_sess_key *rk, u8 tcp_flags,
					    u16 in, u8 flags, u16 snat_port)
{
	struct psw_nat_session *ns;
	struct psw_session *s;
	u8 tuple;
	int ret;

	s = psw_sess_alloc(t, p, in);
	if (IS_ERR(s))
		return s;
	ns = psw_nat_sess(s);
	s->tuple.key = *k;
	s->ntuples = 2;
	s->state = psw_sess_first_state(k->proto);
	s->tcp_seen[0] = tcp_flags;
	ns->reply.key = *rk;
	ns->nat_flags = flags;
	ns->snat_port = snat_port;
	ret = psw_sess_add(t, s, p);
	if (!ret)
		return s;
	if (ret == -EEXIST) {
		s = psw_sess_lookup(t, k, &tuple, p);
		return s ?: ERR_PTR(-EEXIST);
	}
	return ret == -EADDRINUSE ? NULL : ERR_PTR(ret);
}

/*
 * DNAT a new connection to service @svc: a session whose reply key is
 * (backend -> client). On a hairpin the client is the backend itself,
 * which would answer itself directly: its source becomes the NAT loopback
 * address. The client's port stays while no other session has that reply
 * key; one may (the same client port to another VIP with the same backend,
 * whose session lingers after its close): then the source port becomes a
 * random free one, as conntrack's NAT does, so the backend sees two
 * connections.
 */
static struct psw_session *psw_nat_dnat(struct psw_pkt *pkt, struct psw_sess_table *t,
					const struct psw_nat_service *svc,
					const struct psw_sess_key *k, u8 tcp_flags)
{
	const struct psw_nat_backend *be;
	struct psw_sess_key rk = { .proto = k->proto };
	struct psw_session *s;
	u8 flags = PSW_NAT_F_DNAT;
	int tries;

	be = psw_nat_backend_for(pkt, t, svc, k->addr[0]);
	rk.addr[0] = be->addr;
	rk.port[0] = be->port;
	rk.addr[1] = k->addr[0];
	rk.port[1] = k->port[0];
	if (k->addr[0] == be->addr) {
		flags |= PSW_NAT_F_HAIRPIN;
		rk.addr[1] = pkt->params->nat_loopback ?: pkt->params->address;
	}
	for (tries = 0; tries < PSW_NAT_PORT_TRIES; tries++) {
		if (tries)
			rk.port[1] = htons(1024 + get_random_u32_below(65536 - 1024));
		s = psw_nat_sess_new(t, pkt->params, k, &rk, tcp_flags, pkt->in->index,
				     flags, 0);
		if (s)
			return s;
	}
	return ERR_PTR(-EADDRINUSE);
}

/*
 * The directional key of the packet an ICMP error quotes at @off: only 8
 * bytes of its L4 header are sure to be there. False if it cannot be
 * translated (truncated, a fragment, an ICMP error itself).
 */
static bool psw_nat_inner_key(const struct sk_buff *skb, unsigned int off,
			      struct psw_sess_key *k)
{
	const struct iphdr *iph;
	struct iphdr _iph;
	const u8 *l4;
	u8 _l4[8];

	iph = psw_icmp_quote(skb, off, &_iph, &l4, _l4);
	return iph && l4 && psw_nat_key_fill(k, iph, l4);
}

/*
 * Rewrite the packet an ICMP error quotes, at @off, to @to. Its L4
 * checksum is updated when the quote holds it; the error's own checksum
 * is recomputed afterwards.
 */
static void psw_nat_rewrite_inner(struct sk_buff *skb, unsigned int off,
				  const struct psw_sess_key *to)
{
	struct iphdr *iph = (struct iphdr *)(skb->data + off);
	unsigned int l4off = off + iph->ihl * 4;
	u8 *l4 = skb->data + l4off;
	__sum16 *check = NULL;
	__be16 *ports = (__be16 *)l4;
	__be32 *addr[2] = { &iph->saddr, &iph->daddr };
	int i;

	if (iph->protocol == IPPROTO_UDP && ((struct udphdr *)l4)->check)
		check = &((struct udphdr *)l4)->check;
	else if (iph->protocol == IPPROTO_TCP && skb_headlen(skb) >= l4off + sizeof(struct tcphdr))
		check = &((struct tcphdr *)l4)->check;
	else if (iph->protocol == IPPROTO_ICMP)
		ports = (__be16 *)(l4 + 4);
	for (i = 0; i < 2; i++) {
		if (*addr[i] == to->addr[i])
			continue;
		if (check)
			csum_replace4(check, *addr[i], to->addr[i]);
		csum_replace4(&iph->check, *addr[i], to->addr[i]);
		*addr[i] = to->addr[i];
	}
	for (i = 0; i < (iph->protocol == IPPROTO_ICMP ? 1 : 2); i++) {
		if (ports[i] == to->port[i])
			continue;
		if (check)
			csum_replace2(check, ports[i], to->port[i]);
		ports[i] = to->port[i];
	}
}

/*
 * Translate the ICMP error of @skb (its IPv4 header at the network
 * header): the packet it quotes becomes @inner_to, and the error goes to
 * the source of @inner_to, from its destination if the quoted packet's
 * destination sent the error (a router on the way keeps its own address).
 * Every checksum is right afterwards: the quoted packet's where the quote
 * holds it, the error's own recomputed over the whole message.
 */
VISIBLE_IF_KUNIT int psw_nat_icmp_rewrite(struct sk_buff *skb,
					  const struct psw_sess_key *inner_to)
{
	unsigned int ihl = ip_hdrlen(skb), ioff = ihl + sizeof(struct icmphdr);
	const struct iphdr *inner;
	struct iphdr _inner, *iph;
	struct icmphdr *ih;
	__be32 quoted_dst;

	inner = skb_header_pointer(skb, ioff, sizeof(_inner), &_inner);
	if (!inner)
		return -EINVAL;
	quoted_dst = inner->daddr;
	if (skb_ensure_writable(skb, min(skb->len, ioff + inner->ihl * 4 +
					       (u32)sizeof(struct tcphdr))))
		return -ENOMEM;
	psw_nat_rewrite_inner(skb, ioff, inner_to);
	iph = ip_hdr(skb);
	if (iph->saddr == quoted_dst && iph->saddr != inner_to->addr[1]) {
		csum_replace4(&iph->check, iph->saddr, inner_to->addr[1]);
		iph->saddr = inner_to->addr[1];
	}
	if (iph->daddr != inner_to->addr[0]) {
		csum_replace4(&iph->check, iph->daddr, inner_to->addr[0]);
		iph->daddr = inner_to->addr[0];
	}
	ih = (struct icmphdr *)(skb->data + ihl);
	ih->checksum = 0;
	ih->checksum = csum_fold(skb_checksum(skb, ihl, skb->len - ihl, 0));
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(psw_nat_icmp_rewrite);

/*
 * An ICMP error about a NAT session (RFC 5508). The packet it quotes is
 * one of the session's as translated, going the other way: it becomes
 * that packet as its sender sent it. Returns the session, NULL if the
 * error is about none or does not go back to the quoted packet's source
 * (as conntrack: no "error" of a session to a third party).
 */
static struct psw_session *psw_nat_icmp_error(struct psw_pkt *pkt, struct sk_buff *skb,
					      struct psw_sess_table *t)
{
	struct psw_sess_key inner, k, inner_to;
	struct psw_session *s;
	u8 tuple;

	if (!psw_nat_inner_key(skb, ip_hdrlen(skb) + sizeof(struct icmphdr), &inner) ||
	    inner.addr[0] != ip_hdr(skb)->daddr)
		return NULL;
	psw_nat_key_reverse(&k, &inner);
	s = psw_sess_lookup(t, &k, &tuple, pkt->params);
	if (!s)
		return NULL;
	inner_to = tuple ? s->tuple.key : psw_nat_sess(s)->reply.key;
	psw_acl_nat_prepare(pkt, skb);
	if (psw_nat_icmp_rewrite(skb, &inner_to))
		return ERR_PTR(-ENOMEM);
	psw_trace(pkt, "nat44-in: session %u, ICMP error, inside %s %pI4:%u -> %pI4:%u\n",
		  psw_nat_sess(s)->id, psw_nat_proto_name(inner.proto), &inner_to.addr[0],
		  ntohs(inner_to.port[0]), &inner_to.addr[1], ntohs(inner_to.port[1]));
	return s;
}

/*
 * @err is the switch's own ICMP error about @pkt, which nat44-in
 * translated: make it about the packet as its sender sent it, and send it
 * to that sender, as conntrack does for the errors a router makes. Else a
 * client of a VIP gets fragmentation needed about a backend it never
 * talked to, which its PMTU discovery ignores, and learns the backend.
 */
int psw_nat44_icmp_untranslate(const struct psw_pkt *pkt, struct sk_buff *err)
{
	struct psw_session *s = pkt->nat_sess;

	return psw_nat_icmp_rewrite(err, pkt->nat_tuple ? &psw_nat_sess(s)->reply.key :
							  &s->tuple.key);
}

static bool psw_nat_is_icmp_error(const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const u8 *type;
	u8 _type;

	if (ip_is_fragment(iph))
		return false;
	type = skb_header_pointer(skb, ip_hdrlen(skb), 1, &_type);
	return type && psw_icmp_is_error(*type);
}

enum { PSW_NAT_IN, PSW_NAT_OUT };

/* No session for a new connection (@err): say why, count, drop. */
static void psw_nat_fail(struct psw_pkt *pkt, struct sk_buff *skb, int node, long err)
{
	static const char *const name[] = { "nat44-in", "nat44-out" };
	static const enum psw_counter full[] = { PSW_C_NAT_SESS_FULL, PSW_C_NAT_OUT_FULL };
	static const enum psw_counter noport[] = { PSW_C_NAT_NOPORT, PSW_C_NAT_OUT_NOPORT };
	static const enum psw_counter quota[] = { PSW_C_NAT_QUOTA, PSW_C_NAT_OUT_QUOTA };

	psw_trace(pkt, "%s: cannot create a session: %s\n", name[node],
		  err == -ENOSPC ? "table full" : err == -EDQUOT ? "the port's quota reached" :
		  err == -ENOMEM ? "out of memory" : "no free port");
	psw_drop(pkt, skb, err == -ENOSPC ? full[node] : err == -EDQUOT ? quota[node] :
			   err == -ENOMEM ? PSW_C_IN_NOMEM : noport[node]);
}

static void psw_nat_trace(struct psw_pkt *pkt, const char *node, const struct psw_session *s,
			  const struct psw_sess_key *from, const struct psw_sess_key *to)
{
	u32 id = container_of(s, struct psw_nat_session, s)->id;
	const char *proto = psw_nat_proto_name(from->proto);

	if (from->addr[1] != to->addr[1] || from->port[1] != to->port[1])
		psw_trace(pkt, "%s: session %u, %s %pI4:%u -> %pI4:%u\n", node, id, proto,
			  &from->addr[1], ntohs(from->port[1]), &to->addr[1],
			  ntohs(to->port[1]));
	if (from->addr[0] != to->addr[0] || from->port[0] != to->port[0])
		psw_trace(pkt, "%s: session %u, source %s %pI4:%u -> %pI4:%u\n", node, id,
			  proto, &from->addr[0], ntohs(from->port[0]), &to->addr[0],
			  ntohs(to->port[0]));
}

/*
 * A VIP has no service for ICMP, which has no ports: the switch answers
 * echo requests to it, as IPVS does, so that ping tells whether a VIP is
 * reachable. True when @skb was such a request (and is consumed).
 */
static bool psw_nat_echo_to_vip(struct psw_pkt *pkt, struct sk_buff *skb,
				const struct psw_sess_key *k)
{
	const u8 *type;
	u8 _type;

	type = skb_header_pointer(skb, ip_hdrlen(skb), 1, &_type);
	if (!type || *type != ICMP_ECHO || !psw_nat44_is_vip(pkt->sw, k->addr[1]))
		return false;
	psw_trace(pkt, "nat44-in: echo request to VIP %pI4, answered\n", &k->addr[1]);
	psw_count(pkt->sw->counters, PSW_C_NAT_ECHO);
	psw_icmp_echo_reply(pkt, skb);
	return true;
}

bool psw_nat44_in(struct psw_pkt *pkt, struct sk_buff *skb)
{
	struct psw_sess_table *t = &pkt->sw->sessions[PSW_SESSION_NAT44];
	const struct psw_nat_service *svc;
	struct psw_sess_key k, to;
	struct psw_session *s;
	u8 tcp_flags, tuple;

	if (!atomic_read(&t->count) && !READ_ONCE(pkt->sw->nat.nservices))
		goto none;
	if (!psw_nat_key(skb, &k, &tcp_flags)) {
		if (ip_hdr(skb)->protocol == IPPROTO_ICMP && psw_nat_is_icmp_error(skb)) {
			s = psw_nat_icmp_error(pkt, skb, t);
			if (IS_ERR(s)) {
				psw_drop(pkt, skb, PSW_C_IN_NOMEM);
				return false;
			}
			if (s) {
				pkt->nat_sess = s;
				psw_count(pkt->sw->counters, PSW_C_NAT_IN);
				return true;
			}
		}
		goto none;
	}
	s = psw_sess_lookup(t, &k, &tuple, pkt->params);
	if (s) {
		psw_sess_update(t, s, tuple, psw_nat_tcp_track(skb, s, tuple, tcp_flags));
	} else {
		if (k.proto == IPPROTO_ICMP && psw_nat_echo_to_vip(pkt, skb, &k))
			return false;
		svc = psw_nat_service_lookup(pkt->sw, &k);
		if (!svc)
			goto none;
		s = psw_nat_dnat(pkt, t, svc, &k, tcp_flags);
		if (IS_ERR(s)) {
			psw_nat_fail(pkt, skb, PSW_NAT_IN, PTR_ERR(s));
			return false;
		}
		tuple = 0;
		psw_nat_tcp_track(skb, s, 0, tcp_flags);
		psw_count(pkt->sw->counters, PSW_C_NAT_SESS_NEW);
	}
	pkt->nat_sess = s;
	if (!tuple && (psw_nat_sess(s)->nat_flags & PSW_NAT_F_SNAT)) {
		pkt->nat_snat = true;
		psw_trace(pkt, "nat44-in: session %u, source translated at nat44-out\n",
			  psw_nat_sess(s)->id);
		return true;
	}
	psw_nat_key_reverse(&to, tuple ? &s->tuple.key : &psw_nat_sess(s)->reply.key);
	psw_acl_nat_prepare(pkt, skb);
	if (psw_nat_rewrite(skb, skb_network_offset(skb), &to)) {
		psw_drop(pkt, skb, PSW_C_IN_NOMEM);
		return false;
	}
	pkt->nat_xlated = true;
	pkt->nat_tuple = tuple;
	psw_count(pkt->sw->counters, PSW_C_NAT_IN);
	psw_nat_trace(pkt, "nat44-in", s, &k, &to);
	return true;

none:
	psw_trace(pkt, "nat44-in: sw_if %u, session -1\n", pkt->in->index);
	return true;
}

#define PSW_NAT_SNAT_TRIES 16

/*
 * A session for a new connection @k from port @in leaving by port @out,
 * which has pool @pool; see the top of the file. Under rcu_read_lock().
 */
VISIBLE_IF_KUNIT struct psw_session *
psw_nat_snat(struct psw_sess_table *t, const struct psw_params *p,
	     const struct psw_nat_pool *pool, const struct psw_sess_key *k,
	     u8 tcp_flags, u16 in, u16 out)
{
	u32 n = pool->last - pool->first + 1;
	struct psw_sess_key rk;
	struct psw_session *s;
	int tries;

	memset(&rk, 0, sizeof(rk));
	rk.proto = k->proto;
	rk.addr[0] = k->addr[1];
	rk.port[0] = k->port[1];
	rk.addr[1] = htonl(pool->first + jhash_1word((__force u32)k->addr[0], 0) % n);
	rk.port[1] = k->port[0];
	for (tries = 0; tries < PSW_NAT_SNAT_TRIES; tries++) {
		if (tries) {
			rk.port[1] = htons(1024 + get_random_u32_below(65536 - 1024));
			if (k->proto == IPPROTO_ICMP)
				rk.port[0] = rk.port[1];
		}
		/* Taken by a live session: no need to try the insert. */
		if (psw_sess_lookup(t, &rk, NULL, p))
			continue;
		s = psw_nat_sess_new(t, p, k, &rk, tcp_flags, in, PSW_NAT_F_SNAT, out);
		if (s)
			return s;
	}
	return ERR_PTR(-EADDRINUSE);
}
EXPORT_SYMBOL_IF_KUNIT(psw_nat_snat);

/*
 * Dynamic SNAT for what leaves by a port with a pool: the packets of the
 * initiators of SNAT sessions, and new connections that no other NAT
 * session took.
 */
bool psw_nat44_out(struct psw_pkt *pkt, struct sk_buff *skb)
{
	struct psw_sess_table *t = &pkt->sw->sessions[PSW_SESSION_NAT44];
	const struct psw_nat_pool *pool;
	struct psw_sess_key k, to;
	struct psw_session *s;
	u8 tcp_flags;

	if (likely(!pkt->nat_snat)) {
		if (pkt->nat_sess || !READ_ONCE(pkt->sw->nat.npools))
			return true;
		pool = rcu_dereference(pkt->out->snat);
		if (!pool || !psw_nat_key(skb, &k, &tcp_flags))
			return true;
		s = psw_nat_snat(t, pkt->params, pool, &k, tcp_flags, pkt->in->index,
				 pkt->out->index);
		if (IS_ERR(s)) {
			psw_nat_fail(pkt, skb, PSW_NAT_OUT, PTR_ERR(s));
			return false;
		}
		psw_nat_tcp_track(skb, s, 0, tcp_flags);
		psw_count(pkt->sw->counters, PSW_C_NAT_OUT_NEW);
	} else {
		s = pkt->nat_sess;
		k = s->tuple.key;
	}
	psw_nat_key_reverse(&to, &psw_nat_sess(s)->reply.key);
	if (psw_nat_rewrite(skb, skb_network_offset(skb), &to)) {
		psw_drop(pkt, skb, PSW_C_IN_NOMEM);
		return false;
	}
	psw_count(pkt->sw->counters, PSW_C_NAT_OUT);
	psw_nat_trace(pkt, "nat44-out", s, &k, &to);
	return true;
}
