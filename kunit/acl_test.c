// SPDX-License-Identifier: GPL-2.0
/*
 * ACL rule matching field by field, and the tuple-space classifier
 * against a first-match walk of the rules as they were configured (not as
 * the classifier stored them), written here from the rule semantics, on
 * thousands of random rules and packets.
 */
#include "kmod/acl.h"

#include <kunit/test.h>
#include <linux/inetdevice.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <net/tcp.h>

static struct psw_acl_rule any(u8 action)
{
	return (struct psw_acl_rule){ .action = action, .sport_max = U16_MAX,
				      .dport_max = U16_MAX };
}

static struct psw_flow flow(u32 src, u32 dst, u8 proto, u16 sport, u16 dport, u8 flags)
{
	return (struct psw_flow){ .src = htonl(src), .dst = htonl(dst), .proto = proto,
				  .sport = sport, .dport = dport, .tcp_flags = flags,
				  .l4 = true };
}

static void psw_test_acl_rule_fields(struct kunit *test)
{
	struct psw_flow f = flow(0x0a010106, 0xac1e0102, IPPROTO_TCP, 32966, 8080,
				 TCPHDR_SYN);
	struct psw_acl_rule r = any(PSW_ACL_PERMIT);

	KUNIT_EXPECT_TRUE(test, psw_acl_rule_match(&r, &f));

	/* prefixes: /0 matches all, /32 one address, /8 its network */
	r.src = htonl(0x0a000000);
	r.src_plen = 8;
	KUNIT_EXPECT_TRUE(test, psw_acl_rule_match(&r, &f));
	r.src = htonl(0x0b000000);
	KUNIT_EXPECT_FALSE(test, psw_acl_rule_match(&r, &f));
	r = any(PSW_ACL_PERMIT);
	r.dst = htonl(0xac1e0102);
	r.dst_plen = 32;
	KUNIT_EXPECT_TRUE(test, psw_acl_rule_match(&r, &f));
	r.dst = htonl(0xac1e0103);
	KUNIT_EXPECT_FALSE(test, psw_acl_rule_match(&r, &f));

	/* protocol */
	r = any(PSW_ACL_PERMIT);
	r.proto = IPPROTO_UDP;
	KUNIT_EXPECT_FALSE(test, psw_acl_rule_match(&r, &f));
	r.proto = IPPROTO_TCP;
	KUNIT_EXPECT_TRUE(test, psw_acl_rule_match(&r, &f));

	/* port ranges are inclusive at both ends */
	r.dport_min = 8080;
	r.dport_max = 8080;
	KUNIT_EXPECT_TRUE(test, psw_acl_rule_match(&r, &f));
	r.dport_min = 8081;
	r.dport_max = 9000;
	KUNIT_EXPECT_FALSE(test, psw_acl_rule_match(&r, &f));
	r.dport_min = 1;
	r.dport_max = 8080;
	KUNIT_EXPECT_TRUE(test, psw_acl_rule_match(&r, &f));
	r.sport_min = 32967;
	r.sport_max = 65535;
	KUNIT_EXPECT_FALSE(test, psw_acl_rule_match(&r, &f));
	r.sport_min = 32966;
	KUNIT_EXPECT_TRUE(test, psw_acl_rule_match(&r, &f));

	/* a fragment (no L4 header) never matches a rule about ports */
	f.l4 = false;
	KUNIT_EXPECT_FALSE(test, psw_acl_rule_match(&r, &f));
	r = any(PSW_ACL_PERMIT);
	r.proto = IPPROTO_TCP;
	KUNIT_EXPECT_TRUE(test, psw_acl_rule_match(&r, &f));
	f.l4 = true;

	/* tcp flags: (flags & mask) == value */
	r.tcp_flags = TCPHDR_SYN;
	r.tcp_mask = TCPHDR_SYN | TCPHDR_ACK;
	KUNIT_EXPECT_TRUE(test, psw_acl_rule_match(&r, &f));
	f.tcp_flags = TCPHDR_SYN | TCPHDR_ACK;
	KUNIT_EXPECT_FALSE(test, psw_acl_rule_match(&r, &f));
	r.tcp_mask = TCPHDR_SYN;
	KUNIT_EXPECT_TRUE(test, psw_acl_rule_match(&r, &f));

	/* ICMP: type and code in the port fields */
	f = flow(0x0a010106, 0x0a010107, IPPROTO_ICMP, 8, 0, 0);
	r = any(PSW_ACL_PERMIT);
	r.proto = IPPROTO_ICMP;
	r.sport_min = r.sport_max = 8;
	KUNIT_EXPECT_TRUE(test, psw_acl_rule_match(&r, &f));
	r.sport_min = r.sport_max = 0;
	KUNIT_EXPECT_FALSE(test, psw_acl_rule_match(&r, &f));
}

static struct psw_acl *mkacl(struct kunit *test, u32 num, const struct psw_acl_rule *r, u32 n)
{
	struct psw_acl *acl = psw_acl_alloc(num, n);

	KUNIT_ASSERT_NOT_NULL(test, acl);
	memcpy(acl->rules, r, n * sizeof(*r));
	return acl;
}

/* First match across bound ACLs, in binding order. */
static void psw_test_acl_cls_order(struct kunit *test)
{
	struct psw_acl_rule a[2] = { any(PSW_ACL_DENY), any(PSW_ACL_PERMIT) };
	struct psw_acl_rule b[1] = { any(PSW_ACL_REFLECT) };
	struct psw_flow f = flow(0x0a000001, 0x0a000002, IPPROTO_UDP, 1000, 53, 0);
	const struct psw_acl_rule *r;
	const struct psw_acl *which;
	struct psw_acl *acls[2];
	struct psw_acl_cls *cls;
	u32 index;
	int pos;

	a[0].proto = IPPROTO_TCP;
	a[1].dst = htonl(0x0a000003);
	a[1].dst_plen = 32;
	acls[0] = mkacl(test, 7, a, 2);
	acls[1] = mkacl(test, 3, b, 1);
	cls = psw_acl_cls_build(acls, 2);
	KUNIT_ASSERT_NOT_NULL(test, cls);
	pos = psw_acl_cls_lookup(cls, &f);
	KUNIT_ASSERT_EQ(test, pos, 2);
	r = psw_acl_cls_rule(cls, pos, &which, &index);
	KUNIT_EXPECT_EQ(test, which->num, 3u);
	KUNIT_EXPECT_EQ(test, index, 0u);
	KUNIT_EXPECT_EQ(test, r->action, PSW_ACL_REFLECT);

	f.proto = IPPROTO_TCP;
	pos = psw_acl_cls_lookup(cls, &f);
	KUNIT_EXPECT_EQ(test, pos, 0);
	f.proto = IPPROTO_UDP;
	f.dst = htonl(0x0a000003);
	KUNIT_EXPECT_EQ(test, psw_acl_cls_lookup(cls, &f), 1);
	psw_acl_cls_free(cls);
	psw_acl_put(acls[0]);
	psw_acl_put(acls[1]);
}

/* Values drawn from small pools, so that random rules and packets meet. */
static u32 pick_addr(void)
{
	static const u32 base[] = { 0x0a010100, 0x0a010200, 0x0a020000, 0xac1e0100 };

	return base[get_random_u32_below(ARRAY_SIZE(base))] | get_random_u32_below(8);
}

/* Mostly the lengths policies use; now and then any, /0 included. */
static u8 pick_plen(void)
{
	static const u8 common[] = { 8, 16, 24, 32, 32, 32 };

	return get_random_u32_below(64) ? common[get_random_u32_below(ARRAY_SIZE(common))] :
					  get_random_u32_below(33);
}

static u16 pick_port(void)
{
	static const u16 ports[] = { 53, 80, 443, 8080, 9090, 32966 };

	return get_random_u32_below(4) ? ports[get_random_u32_below(ARRAY_SIZE(ports))] :
					 get_random_u32_below(65536);
}

static u8 pick_icmp(void)
{
	static const u8 types[] = { 0, 3, 8, 11 };

	return types[get_random_u32_below(ARRAY_SIZE(types))];
}

static void pick_range(u16 *lo, u16 *hi)
{
	switch (get_random_u32_below(4)) {
	case 0:
		*lo = 0;
		*hi = U16_MAX;
		break;
	case 1:
		*lo = *hi = pick_port();
		break;
	default:
		*lo = pick_port();
		*hi = *lo + get_random_u32_below(U16_MAX - *lo + 1);
	}
}

static struct psw_acl_rule random_rule(void)
{
	static const u8 protos[] = { 0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, 47 };
	struct psw_acl_rule r = any(get_random_u32_below(3));

	r.src_plen = pick_plen();
	r.src = htonl(pick_addr()) & inet_make_mask(r.src_plen);
	r.dst_plen = pick_plen();
	r.dst = htonl(pick_addr()) & inet_make_mask(r.dst_plen);
	r.proto = protos[get_random_u32_below(ARRAY_SIZE(protos))];
	if (r.proto == IPPROTO_TCP || r.proto == IPPROTO_UDP) {
		pick_range(&r.sport_min, &r.sport_max);
		pick_range(&r.dport_min, &r.dport_max);
	} else if (r.proto == IPPROTO_ICMP && get_random_u32_below(2)) {
		/* type (in sport) and code (in dport), as `acl set` stores them */
		r.sport_min = r.sport_max = pick_icmp();
		r.dport_min = 0;
		r.dport_max = get_random_u32_below(2) ? 255 : 0;
	}
	if (r.proto == IPPROTO_TCP && !get_random_u32_below(4)) {
		r.tcp_mask = get_random_u8();
		r.tcp_flags = get_random_u8() & r.tcp_mask;
	}
	return r;
}

static struct psw_flow random_flow(void)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, 47 };
	/* A quarter of the packets come from addresses no rule names. */
	u32 src = get_random_u32_below(4) ? pick_addr() : 0xc0a80000 | get_random_u16();
	struct psw_flow f = flow(src, pick_addr(),
				 protos[get_random_u32_below(ARRAY_SIZE(protos))],
				 pick_port(), pick_port(), get_random_u8());

	if (f.proto == IPPROTO_ICMP) {
		f.sport = pick_icmp();
		f.dport = get_random_u32_below(4) ? 0 : get_random_u32_below(16);
	}
	f.l4 = get_random_u32_below(16) != 0;
	return f;
}

/*
 * The rule semantics, written again from the contract rather than taken
 * from kmod/acl.c: an address matches a prefix when its first plen bits
 * are the prefix's; ports (ICMP: type and code) are compared only when the
 * rule narrows them, and then a packet without an L4 header (a non-first
 * fragment) does not match; TCP flags match when (flags & mask) == value.
 */
static bool ref_prefix(__be32 addr, __be32 prefix, u8 plen)
{
	u32 a = ntohl(addr), p = ntohl(prefix);

	return plen == 0 || (a >> (32 - plen)) == (p >> (32 - plen));
}

static bool ref_match(const struct psw_acl_rule *r, const struct psw_flow *f)
{
	bool ports = r->sport_min != 0 || r->sport_max != 65535 ||
		     r->dport_min != 0 || r->dport_max != 65535;

	if (!ref_prefix(f->src, r->src, r->src_plen) ||
	    !ref_prefix(f->dst, r->dst, r->dst_plen))
		return false;
	if (r->proto != 0 && r->proto != f->proto)
		return false;
	if (ports && !(f->l4 && r->sport_min <= f->sport && f->sport <= r->sport_max &&
		       r->dport_min <= f->dport && f->dport <= r->dport_max))
		return false;
	if (r->tcp_mask != 0 && !(f->l4 && (f->tcp_flags & r->tcp_mask) == r->tcp_flags))
		return false;
	return true;
}

#define NACLS 3
#define NRULES 3000
#define NFLOWS 30000

/*
 * Three ACLs bound together, small to large: random rules are broad, and
 * with 1000 in the first ACL no packet would ever get past it.
 */
static const u32 acl_first[NACLS + 1] = { 0, 20, 220, NRULES };

static u32 acl_of(u32 j)
{
	u32 i = 0;

	while (j >= acl_first[i + 1])
		i++;
	return i;
}

static void psw_test_acl_cls_random(struct kunit *test)
{
	const struct psw_acl_rule *r;
	const struct psw_acl *which;
	struct psw_acl_rule *rules;
	struct psw_acl *acls[NACLS];
	struct psw_flow f;
	struct psw_acl_cls *cls;
	u32 i, j, hits = 0, misses = 0, deep = 0, index;
	int pos;

	rules = kunit_kmalloc_array(test, NRULES, sizeof(*rules), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rules);
	for (i = 0; i < NRULES; i++)
		rules[i] = random_rule();
	/* Bound together in this order; numbered out of order on purpose. */
	for (i = 0; i < NACLS; i++)
		acls[i] = mkacl(test, 100 - i, rules + acl_first[i],
				acl_first[i + 1] - acl_first[i]);
	cls = psw_acl_cls_build(acls, NACLS);
	KUNIT_ASSERT_NOT_NULL(test, cls);

	for (i = 0; i < NFLOWS; i++) {
		/* Seconds of linear walks under TCG: let RCU's kthread run. */
		if (!(i % 256))
			cond_resched();
		f = random_flow();
		for (j = 0; j < NRULES && !ref_match(&rules[j], &f); j++)
			;
		pos = psw_acl_cls_lookup(cls, &f);
		if (pos < 0 && j == NRULES) {
			misses++;
			continue;
		}
		if (pos < 0 || j == NRULES) {
			KUNIT_FAIL(test, "flow %pI4 -> %pI4 proto %u ports %u %u flags %#x l4 %d: classifier %d, reference rule %u",
				   &f.src, &f.dst, f.proto, f.sport, f.dport, f.tcp_flags,
				   f.l4, pos, j);
			break;
		}
		/* Which rule, named as a user names it, and what it says. */
		r = psw_acl_cls_rule(cls, pos, &which, &index);
		if (which->num != 100 - acl_of(j) || index != j - acl_first[acl_of(j)] ||
		    r->action != rules[j].action) {
			KUNIT_FAIL(test, "flow %pI4 -> %pI4 proto %u ports %u %u flags %#x l4 %d: classifier acl %u rule %u action %u, reference acl %u rule %u action %u",
				   &f.src, &f.dst, f.proto, f.sport, f.dport, f.tcp_flags,
				   f.l4, which->num, index, r->action,
				   100 - acl_of(j), j - acl_first[acl_of(j)], rules[j].action);
			break;
		}
		hits++;
		deep += j >= acl_first[1];
	}
	/* Both outcomes, and first matches in the later ACLs, must be seen. */
	KUNIT_EXPECT_GT(test, hits, NFLOWS / 10);
	KUNIT_EXPECT_GT(test, misses, 0u);
	KUNIT_EXPECT_GT(test, deep, NFLOWS / 100);
	kunit_info(test, "%u flows: %u matched (%u beyond the first ACL), %u matched nothing\n",
		   NFLOWS, hits, deep, misses);
	psw_acl_cls_free(cls);
	for (i = 0; i < NACLS; i++)
		psw_acl_put(acls[i]);
}

/* Ten thousand pod-style rules (dst /32, one TCP port) in a few masks. */
static void psw_test_acl_cls_many(struct kunit *test)
{
	struct psw_acl *acl = psw_acl_alloc(1, 10000);
	struct psw_acl_cls *cls;
	struct psw_flow f;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, acl);
	for (i = 0; i < 10000; i++) {
		acl->rules[i] = any(PSW_ACL_PERMIT);
		acl->rules[i].proto = IPPROTO_TCP;
		acl->rules[i].dst = htonl(0x0a000000 + i);
		acl->rules[i].dst_plen = 32;
		acl->rules[i].dport_min = acl->rules[i].dport_max = 8000 + i % 100;
	}
	cls = psw_acl_cls_build(&acl, 1);
	KUNIT_ASSERT_NOT_NULL(test, cls);
	for (i = 0; i < 10000; i += 7) {
		f = flow(0x0b000001, 0x0a000000 + i, IPPROTO_TCP, 40000, 8000 + i % 100, 0);
		KUNIT_EXPECT_EQ(test, psw_acl_cls_lookup(cls, &f), (int)i);
		f.dport++;
		KUNIT_EXPECT_EQ(test, psw_acl_cls_lookup(cls, &f), -1);
	}
	psw_acl_cls_free(cls);
	psw_acl_put(acl);
}

static struct kunit_case psw_acl_cases[] = {
	KUNIT_CASE(psw_test_acl_rule_fields),
	KUNIT_CASE(psw_test_acl_cls_order),
	KUNIT_CASE(psw_test_acl_cls_random),
	KUNIT_CASE(psw_test_acl_cls_many),
	{}
};

static struct kunit_suite psw_acl_suite = {
	.name = "podswitch-acl",
	.test_cases = psw_acl_cases,
};

kunit_test_suite(psw_acl_suite);
