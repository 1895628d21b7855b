// SPDX-License-Identifier: GPL-2.0
/*
 * NAT44 (SPEC section 5): service mappings and the nodes "nat44-in" and
 * "nat44-out".
 *
 * A NAT session is hashed by two directional keys: the packets of the
 * connection's initiator as they arrive (client -> VIP) and its replies
 * as they arrive (backend -> client, or -> the NAT loopback address on a
 * hairpin). Each direction is translated into the reverse of the other
 * key, so a session holds nothing else to translate by.
 *
 * Locking: services live in an rhashtable the packet path reads under
 * RCU. A service is immutable; PSW_CMD_NEW_SERVICE on an existing VIP:port
 * replaces the object in the hash, waits for the readers of the old one,
 * and then kills the sessions (and affinity records) of backends that are
 * gone, so that no new connection can still pick one. Configuration runs
 * under RTNL and the switch lock.
 */

#include "acl.h"
#include "nat44.h"
#include "pipeline.h"
#include "port.h"

#include <kunit/visibility.h>
#include <linux/icmp.h>
#include <linux/bsearch.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/sort.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>
#include <net/udp.h>

static const struct rhashtable_params psw_nat_svc_params = {
	.key_len = sizeof(struct psw_nat_svc_key),
	.key_offset = offsetof(struct psw_nat_service, key),
	.head_offset = offsetof(struct psw_nat_service, node),
	.automatic_shrinking = true,
};

int psw_nat44_switch_init(struct psw_switch *sw)
{
	sw->nat.nservices = 0;
	INIT_LIST_HEAD(&sw->nat.list);
	xa_init(&sw->nat.vips);
	return rhashtable_init(&sw->nat.services, &psw_nat_svc_params);
}

static void psw_nat_service_free(void *ptr, void *arg)
{
	kfree(ptr);
}

/* After the last packet: nothing reads the services any more. */
void psw_nat44_switch_free(struct psw_switch *sw)
{
	rhashtable_free_and_destroy(&sw->nat.services, psw_nat_service_free, NULL);
	xa_destroy(&sw->nat.vips);
}

/* Whether @addr is the VIP of a service: the switch answers ARP for it. */
bool psw_nat44_is_vip(struct psw_switch *sw, __be32 addr)
{
	return READ_ONCE(sw->nat.nservices) && xa_load(&sw->nat.vips, ntohl(addr));
}

/* Count one more (@delta 1) or one fewer (-1) service of VIP @vip. */
static int psw_nat_vip_ref(struct psw_switch *sw, __be32 vip, int delta)
{
	unsigned long n = xa_to_value(xa_load(&sw->nat.vips, ntohl(vip))) + delta;

	return xa_err(xa_store(&sw->nat.vips, ntohl(vip), n ? xa_mk_value(n) : NULL,
			       GFP_KERNEL));
}

/* ---- services ---- */

struct psw_nat_service *psw_nat_service_alloc(u32 nbackends)
{
	struct psw_nat_service *svc;

	svc = kzalloc(struct_size(svc, backends, nbackends), GFP_KERNEL);
	if (svc)
		svc->nbackends = nbackends;
	return svc;
}
EXPORT_SYMBOL_IF_KUNIT(psw_nat_service_alloc);

static int psw_nat_backend_cmp(const void *a, const void *b)
{
	const struct psw_nat_backend *x = a, *y = b;

	if (x->addr != y->addr)
		return ntohl(x->addr) < ntohl(y->addr) ? -1 : 1;
	return (int)ntohs(x->port) - (int)ntohs(y->port);
}

/*
 * Sort the backends (for psw_nat_backend_find()) and sum their weights.
 * Returns the index of a backend given twice, or nbackends.
 */
u32 psw_nat_service_finish(struct psw_nat_service *svc)
{
	u32 i, sum = 0;

	sort(svc->backends, svc->nbackends, sizeof(svc->backends[0]),
	     psw_nat_backend_cmp, NULL);
	for (i = 0; i < svc->nbackends; i++) {
		if (i && !psw_nat_backend_cmp(&svc->backends[i - 1], &svc->backends[i]))
			return i;
		sum += svc->backends[i].weight;
		svc->backends[i].upto = sum;
	}
	svc->total = sum;
	return svc->nbackends;
}
EXPORT_SYMBOL_IF_KUNIT(psw_nat_service_finish);

static const struct psw_nat_backend *
psw_nat_backend_find(const struct psw_nat_service *svc, __be32 addr, __be16 port)
{
	const struct psw_nat_backend key = { .addr = addr, .port = port };

	return bsearch(&key, svc->backends, svc->nbackends, sizeof(key),
		       psw_nat_backend_cmp);
}

/* The backend a uniform @r in [0, total) falls on: each gets its weight's share. */
const struct psw_nat_backend *psw_nat_pick(const struct psw_nat_service *svc, u32 r)
{
	u32 lo = 0, hi = svc->nbackends - 1;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (svc->backends[mid].upto > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return &svc->backends[lo];
}
EXPORT_SYMBOL_IF_KUNIT(psw_nat_pick);

/*
 * Sessions and affinity records of a service keep their backend as the
 * source of the reply key; an affinity record has the protocol in port 0.
 */
struct psw_nat_svc_match {
	const struct psw_nat_svc_key *key;
	const struct psw_nat_service *keep;	/* NULL: the service is gone */
};

static bool psw_nat_svc_sess_match(const struct psw_session *s, const void *arg)
{
	const struct psw_nat_svc_match *m = arg;
	const struct psw_nat_session *ns = container_of(s, struct psw_nat_session, s);
	const struct psw_sess_key *k = &s->tuple.key;
	u8 proto = k->proto ?: ntohs(k->port[0]);

	if (!(ns->nat_flags & PSW_NAT_F_DNAT) || k->addr[1] != m->key->vip ||
	    k->port[1] != m->key->port || proto != m->key->proto)
		return false;
	return !m->keep || !psw_nat_backend_find(m->keep, ns->reply.key.addr[0],
						 ns->reply.key.port[0]);
}

static void psw_nat_svc_flush(struct psw_switch *sw, const struct psw_nat_svc_key *key,
			      const struct psw_nat_service *keep)
{
	struct psw_sess_table *t = &sw->sessions[PSW_SESSION_NAT44];
	struct psw_nat_svc_match m = { .key = key, .keep = keep };

	if (!atomic_read(&t->count))
		return;
	/* A packet that read the old service may be creating a session. */
	synchronize_rcu();
	psw_sess_flush_if(t, psw_nat_svc_sess_match, &m);
}

/* Add @svc, or replace the service of its key. Takes @svc either way. */
int psw_nat_service_set(struct psw_switch *sw, struct psw_nat_service *svc,
			struct netlink_ext_ack *extack)
{
	struct psw_nat_service *old;
	int ret;

	lockdep_assert_held(&sw->lock);
	old = rhashtable_lookup_fast(&sw->nat.services, &svc->key, psw_nat_svc_params);
	if (old) {
		ret = rhashtable_replace_fast(&sw->nat.services, &old->node,
					      &svc->node, psw_nat_svc_params);
		if (ret)
			goto err;
		list_replace_rcu(&old->list, &svc->list);
		psw_nat_svc_flush(sw, &svc->key, svc);
		kfree_rcu(old, rcu);
		return 0;
	}
	if (sw->nat.nservices >= PSW_NAT_MAX_SERVICES) {
		NL_SET_ERR_MSG_MOD(extack, "too many services: at most PSW_NAT_MAX_SERVICES");
		ret = -ENOSPC;
		goto err_free;
	}
	ret = psw_nat_vip_ref(sw, svc->key.vip, 1);
	if (ret)
		goto err;
	ret = rhashtable_insert_fast(&sw->nat.services, &svc->node, psw_nat_svc_params);
	if (ret) {
		psw_nat_vip_ref(sw, svc->key.vip, -1);
		goto err;
	}
	list_add_tail_rcu(&svc->list, &sw->nat.list);
	WRITE_ONCE(sw->nat.nservices, sw->nat.nservices + 1);
	return 0;

err:
	NL_SET_ERR_MSG_MOD(extack, "cannot store the service");
err_free:
	kfree(svc);
	return ret;
}

int psw_nat_service_del(struct psw_switch *sw, const struct psw_nat_svc_key *key,
			struct netlink_ext_ack *extack)
{
	struct psw_nat_service *svc;

	lockdep_assert_held(&sw->lock);
	svc = rhashtable_lookup_fast(&sw->nat.services, key, psw_nat_svc_params);
	if (!svc) {
		NL_SET_ERR_MSG_MOD(extack, "no such service");
		return -ENOENT;
	}
	rhashtable_remove_fast(&sw->nat.services, &svc->node, psw_nat_svc_params);
	list_del_rcu(&svc->list);
	psw_nat_vip_ref(sw, key->vip, -1);
	WRITE_ONCE(sw->nat.nservices, sw->nat.nservices - 1);
	psw_nat_svc_flush(sw, key, NULL);
	kfree_rcu(svc, rcu);
	return 0;
}

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
 * The directional key of the packet: ports, or the echo id for ICMP echo.
 * False for what NAT does not translate (other protocols, ICMP but echo,
 * a fragment, a truncated header).
 */
static bool psw_nat_key(const struct sk_buff *skb, struct psw_sess_key *k,
			u8 *tcp_flags)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int off = ip_hdrlen(skb);
	const u8 *l4;
	u8 _l4[14];

	if (ip_is_fragment(iph))
		return false;
	memset(k, 0, sizeof(*k));
	*tcp_flags = 0;
	switch (iph->protocol) {
	case IPPROTO_TCP:
		l4 = skb_header_pointer(skb, off, 14, _l4);
		if (!l4)
			return false;
		*tcp_flags = l4[13];
		memcpy(k->port, l4, 4);
		break;
	case IPPROTO_UDP:
		l4 = skb_header_pointer(skb, off, 4, _l4);
		if (!l4)
			return false;
		memcpy(k->port, l4, 4);
		break;
	case IPPROTO_ICMP:
		l4 = skb_header_pointer(skb, off, 6, _l4);
		if (!l4 || (l4[0] != ICMP_ECHO && l4[0] != ICMP_ECHOREPLY))
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
	a = psw_sess_alloc(t, pkt->params);
	if (IS_ERR(a))
		return be;	/* no record: the connection itself goes on */
	ns = psw_nat_sess(a);
	a->tuple.key = ak;
	a->state = PSW_SESS_HOLD;
	a->port = pkt->in->index;
	ns->reply.key.addr[0] = be->addr;
	ns->reply.key.port[0] = be->port;
	ns->hold = svc->affinity;
	ns->nat_flags = PSW_NAT_F_DNAT;
	psw_sess_add(t, a, pkt->params);
	return be;
}

#define PSW_NAT_PORT_TRIES 8

/*
 * DNAT a new connection to service @svc: a session whose reply key is
 * (backend -> client). On a hairpin the client is the backend itself,
 * which would answer itself directly: its source becomes the NAT loopback
 * address, with the client's port while no other connection has that
 * reply key, else a random one.
 */
static struct psw_session *psw_nat_dnat(struct psw_pkt *pkt, struct psw_sess_table *t,
					const struct psw_nat_service *svc,
					const struct psw_sess_key *k, u8 tcp_flags)
{
	const struct psw_nat_backend *be;
	struct psw_nat_session *ns;
	struct psw_session *s;
	int tries, ret;
	u8 tuple;

	be = psw_nat_backend_for(pkt, t, svc, k->addr[0]);
	for (tries = 0; tries < PSW_NAT_PORT_TRIES; tries++) {
		s = psw_sess_alloc(t, pkt->params);
		if (IS_ERR(s))
			return s;
		ns = psw_nat_sess(s);
		s->tuple.key = *k;
		s->ntuples = 2;
		s->state = psw_sess_first_state(k->proto);
		s->tcp_seen[0] = tcp_flags;
		s->port = pkt->in->index;
		ns->nat_flags = PSW_NAT_F_DNAT;
		ns->reply.key.proto = k->proto;
		ns->reply.key.addr[0] = be->addr;
		ns->reply.key.port[0] = be->port;
		ns->reply.key.addr[1] = k->addr[0];
		ns->reply.key.port[1] = k->port[0];
		if (k->addr[0] == be->addr) {
			ns->nat_flags |= PSW_NAT_F_HAIRPIN;
			ns->reply.key.addr[1] = pkt->params->nat_loopback ?:
						pkt->params->address;
			if (tries)
				ns->reply.key.port[1] =
					htons(1024 + get_random_u32_below(65536 - 1024));
		}
		ret = psw_sess_add(t, s, pkt->params);
		if (!ret)
			return s;
		if (ret == -EEXIST) {
			/* Another CPU just made it for a copy of this packet. */
			s = psw_sess_lookup(t, k, &tuple, pkt->params);
			return s ?: ERR_PTR(-EEXIST);
		}
		if (ret != -EADDRINUSE || !(ns->nat_flags & PSW_NAT_F_HAIRPIN))
			return ERR_PTR(ret);
	}
	return ERR_PTR(-EADDRINUSE);
}

static void psw_nat_trace(struct psw_pkt *pkt, const struct psw_session *s,
			  const struct psw_sess_key *from, const struct psw_sess_key *to)
{
	u32 id = container_of(s, struct psw_nat_session, s)->id;
	const char *proto = psw_nat_proto_name(from->proto);

	if (from->addr[1] != to->addr[1] || from->port[1] != to->port[1])
		psw_trace(pkt, "nat44-in: session %u, %s %pI4:%u -> %pI4:%u\n", id, proto,
			  &from->addr[1], ntohs(from->port[1]), &to->addr[1],
			  ntohs(to->port[1]));
	if (from->addr[0] != to->addr[0] || from->port[0] != to->port[0])
		psw_trace(pkt, "nat44-in: session %u, source %s %pI4:%u -> %pI4:%u\n", id,
			  proto, &from->addr[0], ntohs(from->port[0]), &to->addr[0],
			  ntohs(to->port[0]));
}

static const struct psw_nat_service *psw_nat_service_lookup(struct psw_switch *sw,
							    const struct psw_sess_key *k)
{
	struct psw_nat_svc_key sk = {
		.vip = k->addr[1],
		.port = k->port[1],
		.proto = k->proto,
	};

	if (k->proto == IPPROTO_ICMP || !READ_ONCE(sw->nat.nservices))
		return NULL;
	return rhashtable_lookup(&sw->nat.services, &sk, psw_nat_svc_params);
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
	if (!psw_nat_key(skb, &k, &tcp_flags))
		goto none;
	s = psw_sess_lookup(t, &k, &tuple, pkt->params);
	if (s) {
		psw_sess_update(t, s, tuple, tcp_flags);
	} else {
		svc = psw_nat_service_lookup(pkt->sw, &k);
		if (!svc)
			goto none;
		s = psw_nat_dnat(pkt, t, svc, &k, tcp_flags);
		if (IS_ERR(s)) {
			psw_trace(pkt, "nat44-in: cannot create a session: %s\n",
				  PTR_ERR(s) == -ENOSPC ? "table full" :
				  PTR_ERR(s) == -ENOMEM ? "out of memory" : "no free port");
			psw_drop(pkt, skb, PTR_ERR(s) == -ENOSPC ? PSW_C_NAT_SESS_FULL :
					   PTR_ERR(s) == -ENOMEM ? PSW_C_IN_NOMEM :
								   PSW_C_NAT_NOPORT);
			return false;
		}
		tuple = 0;
		psw_count(pkt->sw->counters, PSW_C_NAT_SESS_NEW);
	}
	psw_nat_key_reverse(&to, tuple ? &s->tuple.key : &psw_nat_sess(s)->reply.key);
	psw_acl_nat_prepare(pkt, skb);
	if (psw_nat_rewrite(skb, skb_network_offset(skb), &to)) {
		psw_drop(pkt, skb, PSW_C_IN_NOMEM);
		return false;
	}
	psw_count(pkt->sw->counters, PSW_C_NAT_IN);
	psw_nat_trace(pkt, s, &k, &to);
	return true;

none:
	psw_trace(pkt, "nat44-in: sw_if %u, session -1\n", pkt->in->index);
	return true;
}

bool psw_nat44_out(struct psw_pkt *pkt, struct sk_buff *skb)
{
	return true;
}
