// SPDX-License-Identifier: GPL-2.0
/*
 * NAT44: weighted backend selection, and header rewrites (of packets and
 * of the packets ICMP errors quote) whose incremental checksum updates
 * must equal a full recomputation.
 */
#include "kmod/nat44.h"
#include "kmod/session.h"
#include "kmod/switch.h"

#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/random.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>

static struct psw_nat_service *service(struct kunit *test, const u32 *weights, u32 n)
{
	struct psw_nat_service *svc = psw_nat_service_alloc(n);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, svc);
	for (i = 0; i < n; i++) {
		/* Given out of order: finishing sorts them. */
		svc->backends[i].addr = htonl(0x0a010100 + n - i);
		svc->backends[i].port = htons(8080);
		svc->backends[i].weight = weights[i];
	}
	KUNIT_ASSERT_EQ(test, psw_nat_service_finish(svc), n);
	return svc;
}

/*
 * What was configured, looked up by the picked backend's address: the
 * weights are never read back from the service, which the code sorted.
 */
static u32 configured(const struct psw_nat_backend *be, const u32 *weights, u32 n)
{
	u32 i = n - (ntohl(be->addr) - 0x0a010100);

	return i < n ? i : n;
}

/* Over every r in [0, total), each backend is picked exactly weight times. */
static void psw_test_nat_pick_exact(struct kunit *test)
{
	static const u32 weights[] = { 1, 3, 7, 1, 65535, 2 };
	const u32 n = ARRAY_SIZE(weights);
	struct psw_nat_service *svc = service(test, weights, n);
	u32 counts[ARRAY_SIZE(weights) + 1] = {}, r, i, total = 0;

	for (i = 0; i < n; i++)
		total += weights[i];
	KUNIT_EXPECT_EQ(test, svc->total, total);
	for (r = 0; r < total; r++)
		counts[configured(psw_nat_pick(svc, r), weights, n)]++;
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, counts[i], weights[i], "backend %u", i);
	/* Sorted by address: the pick of a client does not depend on input order. */
	for (i = 1; i < n; i++)
		KUNIT_EXPECT_LT(test, ntohl(svc->backends[i - 1].addr),
				ntohl(svc->backends[i].addr));
	kfree(svc);
}

/*
 * 1:3 over 40000 random draws: the light backend within 9200..10800 of
 * them. Its count has mean 10000 and deviation 87, so a correct pick fails
 * with probability below 1e-18; a 1:4 pick (mean 8000) or 2:3 (16000)
 * passes with less.
 */
static void psw_test_nat_pick_random(struct kunit *test)
{
	static const u32 weights[] = { 1, 3 };
	struct psw_nat_service *svc = service(test, weights, 2);
	u32 counts[3] = {}, i;

	for (i = 0; i < 40000; i++)
		counts[configured(psw_nat_pick(svc, get_random_u32_below(svc->total)),
				  weights, 2)]++;
	KUNIT_EXPECT_GT(test, counts[0], 9200u);
	KUNIT_EXPECT_LT(test, counts[0], 10800u);
	KUNIT_EXPECT_EQ(test, counts[0] + counts[1], 40000u);
	kfree(svc);
}

static void psw_test_nat_backend_twice(struct kunit *test)
{
	struct psw_nat_service *svc = psw_nat_service_alloc(3);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, svc);
	for (i = 0; i < 3; i++) {
		svc->backends[i].addr = htonl(0x0a010106);
		svc->backends[i].port = htons(i == 1 ? 80 : 8080);
		svc->backends[i].weight = 1;
	}
	KUNIT_EXPECT_LT(test, psw_nat_service_finish(svc), 3u);
	kfree(svc);
}

/* An IPv4 packet of @proto with @paylen bytes of payload after its L4 header. */
static struct sk_buff *packet(struct kunit *test, u8 proto, unsigned int paylen)
{
	unsigned int l4len = proto == IPPROTO_TCP ? sizeof(struct tcphdr) : 8;
	struct sk_buff *skb = alloc_skb(64 + l4len + paylen, GFP_KERNEL);
	struct iphdr *iph;
	u8 *l4, *pay;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	l4 = skb_put_zero(skb, l4len);
	pay = skb_put(skb, paylen);
	for (i = 0; i < paylen; i++)
		pay[i] = get_random_u8();
	skb_set_transport_header(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(skb->len);
	iph->ttl = 64;
	iph->protocol = proto;
	iph->saddr = htonl(0x0a010105);
	iph->daddr = htonl(0x0a60000a);
	ip_send_check(iph);
	switch (proto) {
	case IPPROTO_TCP:
		((struct tcphdr *)l4)->source = htons(40000);
		((struct tcphdr *)l4)->dest = htons(80);
		((struct tcphdr *)l4)->doff = 5;
		((struct tcphdr *)l4)->syn = 1;
		break;
	case IPPROTO_UDP:
		((struct udphdr *)l4)->source = htons(40000);
		((struct udphdr *)l4)->dest = htons(53);
		((struct udphdr *)l4)->len = htons(8 + paylen);
		break;
	case IPPROTO_ICMP:
		((struct icmphdr *)l4)->type = ICMP_ECHO;
		((struct icmphdr *)l4)->un.echo.id = htons(1234);
		break;
	}
	return skb;
}

/* The L4 checksum computed from scratch, as a receiver checks it. */
static __sum16 l4_csum(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int len = skb->len - iph->ihl * 4;
	__wsum sum = skb_checksum(skb, iph->ihl * 4, len, 0);

	if (iph->protocol == IPPROTO_ICMP)
		return csum_fold(sum);
	return csum_tcpudp_magic(iph->saddr, iph->daddr, len, iph->protocol, sum);
}

static __sum16 *l4_check_field(struct sk_buff *skb)
{
	u8 *l4 = skb->data + ip_hdr(skb)->ihl * 4;

	switch (ip_hdr(skb)->protocol) {
	case IPPROTO_TCP:
		return &((struct tcphdr *)l4)->check;
	case IPPROTO_UDP:
		return &((struct udphdr *)l4)->check;
	default:
		return &((struct icmphdr *)l4)->checksum;
	}
}

static void set_full_csum(struct sk_buff *skb)
{
	__sum16 *check = l4_check_field(skb);

	*check = 0;
	*check = l4_csum(skb);
	if (ip_hdr(skb)->protocol == IPPROTO_UDP && !*check)
		*check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_NONE;
}

/* DNAT and SNAT at once: every field of the key changes. */
static void target(struct psw_sess_key *to, u8 proto)
{
	memset(to, 0, sizeof(*to));
	to->addr[0] = htonl(0xa9fe01fe);
	to->addr[1] = htonl(0x0a010106);
	to->port[0] = htons(proto == IPPROTO_ICMP ? 4321 : 61000);
	to->port[1] = htons(proto == IPPROTO_ICMP ? 4321 : 8080);
	to->proto = proto;
}

static void check_rewritten(struct kunit *test, struct sk_buff *skb,
			    const struct psw_sess_key *to)
{
	const struct iphdr *iph = ip_hdr(skb);
	const __be16 *ports = (const __be16 *)(skb->data + iph->ihl * 4);

	KUNIT_EXPECT_EQ(test, iph->saddr, to->addr[0]);
	KUNIT_EXPECT_EQ(test, iph->daddr, to->addr[1]);
	KUNIT_EXPECT_EQ(test, ip_fast_csum(iph, iph->ihl), 0);
	if (iph->protocol == IPPROTO_ICMP) {
		KUNIT_EXPECT_EQ(test, ports[2], to->port[0]);
	} else {
		KUNIT_EXPECT_EQ(test, ports[0], to->port[0]);
		KUNIT_EXPECT_EQ(test, ports[1], to->port[1]);
	}
}

static void psw_test_nat_rewrite_full(struct kunit *test)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };
	struct psw_sess_key to;
	struct sk_buff *skb;
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		for (n = 0; n < 50; n++) {
			skb = packet(test, protos[i], get_random_u32_below(1400));
			set_full_csum(skb);
			target(&to, protos[i]);
			KUNIT_ASSERT_EQ(test, psw_nat_rewrite(skb, 0, &to), 0);
			check_rewritten(test, skb, &to);
			/* A receiver's check of the whole packet: sums to zero. */
			KUNIT_EXPECT_EQ_MSG(test, l4_csum(skb), 0, "proto %u", protos[i]);
			kfree_skb(skb);
		}
	}
}

/* UDP without a checksum stays without one. */
static void psw_test_nat_rewrite_udp_zero(struct kunit *test)
{
	struct sk_buff *skb = packet(test, IPPROTO_UDP, 100);
	struct psw_sess_key to;

	skb->ip_summed = CHECKSUM_NONE;
	target(&to, IPPROTO_UDP);
	KUNIT_ASSERT_EQ(test, psw_nat_rewrite(skb, 0, &to), 0);
	check_rewritten(test, skb, &to);
	KUNIT_EXPECT_EQ(test, *l4_check_field(skb), 0);
	kfree_skb(skb);
}

/*
 * CHECKSUM_PARTIAL (GSO and veth offloads): the field holds the
 * pseudo-header sum only; after the rewrite it must be that of the new
 * addresses, whatever the ports.
 */
static void psw_test_nat_rewrite_partial(struct kunit *test)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	struct psw_sess_key to;
	struct sk_buff *skb;
	unsigned int i, len;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		skb = packet(test, protos[i], 1000);
		len = skb->len - sizeof(struct iphdr);
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_headroom(skb) + sizeof(struct iphdr);
		skb->csum_offset = protos[i] == IPPROTO_TCP ?
				   offsetof(struct tcphdr, check) : offsetof(struct udphdr, check);
		*l4_check_field(skb) = ~csum_tcpudp_magic(ip_hdr(skb)->saddr,
							  ip_hdr(skb)->daddr, len, protos[i], 0);
		target(&to, protos[i]);
		KUNIT_ASSERT_EQ(test, psw_nat_rewrite(skb, 0, &to), 0);
		check_rewritten(test, skb, &to);
		KUNIT_EXPECT_EQ(test, *l4_check_field(skb),
				(__sum16)~csum_tcpudp_magic(to.addr[0], to.addr[1], len,
							    protos[i], 0));
		/* Finishing the checksum as the device would gives a valid packet. */
		KUNIT_EXPECT_EQ(test, skb_checksum_help(skb), 0);
		KUNIT_EXPECT_EQ(test, l4_csum(skb), 0);
		kfree_skb(skb);
	}
}

/*
 * The port unreachable a backend (10.1.1.6) sends a client (10.1.1.5)
 * about the datagram the client sent the VIP (10.96.0.10:53) as DNAT made
 * it (to 10.1.1.6:8080), quoting it whole; @from: the error's source.
 */
static struct sk_buff *port_unreachable(struct kunit *test, __be32 from)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);
	struct iphdr *iph, *in;
	struct icmphdr *ih;
	struct udphdr *uh;
	u8 *pay;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	ih = skb_put_zero(skb, sizeof(*ih));
	in = skb_put_zero(skb, sizeof(*in));
	uh = skb_put_zero(skb, sizeof(*uh));
	pay = skb_put(skb, 12);
	memcpy(pay, "what is it?\n", 12);
	in->version = 4;
	in->ihl = 5;
	in->tot_len = htons(sizeof(*in) + sizeof(*uh) + 12);
	in->ttl = 63;
	in->protocol = IPPROTO_UDP;
	in->saddr = htonl(0x0a010105);
	in->daddr = htonl(0x0a010106);
	ip_send_check(in);
	uh->source = htons(40000);
	uh->dest = htons(8080);
	uh->len = htons(sizeof(*uh) + 12);
	uh->check = csum_tcpudp_magic(in->saddr, in->daddr, sizeof(*uh) + 12, IPPROTO_UDP,
				      csum_partial(uh, sizeof(*uh) + 12, 0));
	ih->type = ICMP_DEST_UNREACH;
	ih->code = ICMP_PORT_UNREACH;
	ih->checksum = csum_fold(csum_partial(ih, skb->len - sizeof(*iph), 0));
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(skb->len);
	iph->ttl = 64;
	iph->protocol = IPPROTO_ICMP;
	iph->saddr = from;
	iph->daddr = in->saddr;
	ip_send_check(iph);
	skb->ip_summed = CHECKSUM_NONE;
	return skb;
}

static void check_icmp_translated(struct kunit *test, struct sk_buff *skb,
				  const struct psw_sess_key *to, __be32 from)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct iphdr *in = (const void *)(skb->data + sizeof(*iph) + sizeof(struct icmphdr));
	const struct udphdr *uh = (const void *)(in + 1);
	unsigned int ulen = ntohs(uh->len);

	KUNIT_EXPECT_EQ(test, iph->saddr, from);
	KUNIT_EXPECT_EQ(test, iph->daddr, htonl(0x0a010105));
	KUNIT_EXPECT_EQ(test, ip_fast_csum(iph, iph->ihl), 0);
	KUNIT_EXPECT_EQ(test, csum_fold(skb_checksum(skb, sizeof(*iph), skb->len - sizeof(*iph), 0)), 0);
	KUNIT_EXPECT_EQ(test, in->saddr, to->addr[0]);
	KUNIT_EXPECT_EQ(test, in->daddr, to->addr[1]);
	KUNIT_EXPECT_EQ(test, uh->source, to->port[0]);
	KUNIT_EXPECT_EQ(test, uh->dest, to->port[1]);
	KUNIT_EXPECT_EQ(test, ip_fast_csum(in, in->ihl), 0);
	/* The quoted datagram's own checksum, recomputed from scratch. */
	KUNIT_EXPECT_EQ(test, csum_tcpudp_magic(in->saddr, in->daddr, ulen, IPPROTO_UDP,
						csum_partial(uh, ulen, 0)), 0);
}

/* RFC 5508: the client must see its own datagram, to the VIP, inside. */
static void psw_test_nat_icmp_inner(struct kunit *test)
{
	struct psw_sess_key to = {
		.addr = { htonl(0x0a010105), htonl(0x0a60000a) },
		.port = { htons(40000), htons(53) },
		.proto = IPPROTO_UDP,
	};
	struct sk_buff *skb;

	/* From the backend itself: the error comes from the VIP. */
	skb = port_unreachable(test, htonl(0x0a010106));
	KUNIT_ASSERT_EQ(test, psw_nat_icmp_rewrite(skb, &to), 0);
	check_icmp_translated(test, skb, &to, to.addr[1]);
	kfree_skb(skb);
	/* From a router on the way: its address stays. */
	skb = port_unreachable(test, htonl(0x0a0000fe));
	KUNIT_ASSERT_EQ(test, psw_nat_icmp_rewrite(skb, &to), 0);
	check_icmp_translated(test, skb, &to, htonl(0x0a0000fe));
	kfree_skb(skb);
}

struct snat_ctx {
	struct psw_params __rcu *params;
	struct psw_sess_table t;
};

static void snat_key(struct psw_sess_key *k, u32 src, u16 sport, u8 proto)
{
	memset(k, 0, sizeof(*k));
	k->addr[0] = htonl(src);
	k->addr[1] = htonl(0xc0a86402);		/* 192.168.100.2 */
	k->port[0] = htons(sport);
	k->port[1] = htons(proto == IPPROTO_ICMP ? sport : 8080);
	k->proto = proto;
}

/*
 * Port allocation: 300 connections from 30 pods, all from source port
 * 20000, through a pool of 4 addresses. Each pod keeps one pool address;
 * for each pool address in use and each destination, exactly the first
 * connection keeps port 20000; no two reply keys are the same; the same
 * connection again gets its own session.
 */
static void psw_test_nat_snat_ports(struct kunit *test)
{
	struct snat_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct psw_nat_pool pool = { .first = 0xc0a8640a, .last = 0xc0a8640d };
	struct psw_nat_session *ns;
	struct psw_session *s, **all;
	struct psw_sess_key k;
	const struct psw_params *p;
	u32 i, j, a, pod_addr[30] = {}, kept[4][10] = {};
	bool used[4] = {};
	struct psw_params *pw;

	KUNIT_ASSERT_NOT_NULL(test, c);
	all = kunit_kcalloc(test, 300, sizeof(*all), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, all);
	pw = psw_params_default(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pw);
	RCU_INIT_POINTER(c->params, pw);
	p = pw;
	KUNIT_ASSERT_EQ(test, psw_sess_table_init(&c->t, PSW_SESSION_NAT44, &c->params), 0);

	rcu_read_lock();
	for (i = 0; i < 300; i++) {
		/* Pod i % 30, its (i / 30)th connection: distinct destinations... */
		snat_key(&k, 0x0a010100 + i % 30, 20000, IPPROTO_TCP);
		k.port[1] = htons(8080 + i / 30);
		s = psw_nat_snat(&c->t, p, &pool, &k, TCPHDR_SYN, 1, 2);
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(s), "connection %u: %ld", i, PTR_ERR(s));
		all[i] = s;
		ns = psw_nat_sess(s);
		KUNIT_EXPECT_TRUE(test, ns->nat_flags & PSW_NAT_F_SNAT);
		KUNIT_EXPECT_GE(test, ntohl(ns->reply.key.addr[1]), pool.first);
		KUNIT_EXPECT_LE(test, ntohl(ns->reply.key.addr[1]), pool.last);
		if (!pod_addr[i % 30])
			pod_addr[i % 30] = ntohl(ns->reply.key.addr[1]);
		KUNIT_EXPECT_EQ(test, ntohl(ns->reply.key.addr[1]), pod_addr[i % 30]);
		a = ntohl(ns->reply.key.addr[1]) - pool.first;
		if (a < 4) {
			used[a] = true;
			/* The first of a destination here, or a later one. */
			if (ns->reply.key.port[1] == htons(20000))
				kept[a][i / 30]++;
		}
		/* ...and the same connection again finds its session. */
		KUNIT_EXPECT_PTR_EQ(test, psw_nat_snat(&c->t, p, &pool, &k, 0, 1, 2), s);
	}
	rcu_read_unlock();
	for (i = 0; i < 300; i++)
		for (j = i + 1; j < 300; j++)
			KUNIT_EXPECT_NE(test, memcmp(&psw_nat_sess(all[i])->reply.key,
						     &psw_nat_sess(all[j])->reply.key,
						     PSW_SESS_KEY_LEN), 0);
	/*
	 * One connection per (pool address in use, destination) keeps port
	 * 20000, none on an address no pod uses. 30 pods spread over 4
	 * addresses use at least 2 but with a probability of 4^-29.
	 */
	for (a = 0, j = 0; a < 4; a++) {
		j += used[a];
		for (i = 0; i < 10; i++)
			KUNIT_EXPECT_EQ_MSG(test, kept[a][i], used[a] ? 1u : 0u,
					    "pool address %u, destination %u", a, i);
	}
	KUNIT_EXPECT_GE(test, j, 2u);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->t.count), 300);

	/* ICMP echo: the id is the port, on both sides of the reply key. */
	rcu_read_lock();
	snat_key(&k, 0x0a010101, 77, IPPROTO_ICMP);
	s = psw_nat_snat(&c->t, p, &pool, &k, 0, 1, 2);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	ns = psw_nat_sess(s);
	KUNIT_EXPECT_EQ(test, ns->reply.key.port[0], ns->reply.key.port[1]);
	snat_key(&k, 0x0a010102, 77, IPPROTO_ICMP);
	s = psw_nat_snat(&c->t, p, &pool, &k, 0, 1, 2);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	KUNIT_EXPECT_EQ(test, psw_nat_sess(s)->reply.key.port[0], psw_nat_sess(s)->reply.key.port[1]);
	rcu_read_unlock();

	psw_sess_table_destroy(&c->t);
	kfree(pw);
}

static void psw_test_nat_session_size(struct kunit *test)
{
	KUNIT_EXPECT_LE(test, psw_session_size(PSW_SESSION_NAT44), 128u);
}

static struct kunit_case psw_nat44_cases[] = {
	KUNIT_CASE(psw_test_nat_pick_exact),
	KUNIT_CASE(psw_test_nat_pick_random),
	KUNIT_CASE(psw_test_nat_backend_twice),
	KUNIT_CASE(psw_test_nat_rewrite_full),
	KUNIT_CASE(psw_test_nat_rewrite_udp_zero),
	KUNIT_CASE(psw_test_nat_rewrite_partial),
	KUNIT_CASE(psw_test_nat_icmp_inner),
	KUNIT_CASE(psw_test_nat_snat_ports),
	KUNIT_CASE(psw_test_nat_session_size),
	{}
};

static struct kunit_suite psw_nat44_suite = {
	.name = "podswitch-nat44",
	.test_cases = psw_nat44_cases,
};

kunit_test_suite(psw_nat44_suite);
