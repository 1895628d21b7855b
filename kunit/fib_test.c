// SPDX-License-Identifier: GPL-2.0
/*
 * The compiled FIB against a linear longest-prefix-match reference, on
 * random routes and addresses.
 */
#include "kmod/fib.h"

#include <uapi/linux/podswitch.h>

#include <kunit/test.h>
#include <linux/random.h>
#include <linux/slab.h>

static __be32 mask(u8 plen)
{
	return plen ? htonl(~0U << (32 - plen)) : 0;
}

/* Longest prefix, then the strongest origin; NULL when nothing matches. */
static const struct psw_route *linear_lookup(const struct psw_route *r, u32 n,
					     __be32 dst)
{
	const struct psw_route *best = NULL;
	u32 i;

	for (i = 0; i < n; i++) {
		if ((dst & mask(r[i].plen)) != (r[i].dst & mask(r[i].plen)))
			continue;
		if (!best || r[i].plen > best->plen ||
		    (r[i].plen == best->plen && r[i].origin < best->origin))
			best = &r[i];
	}
	return best;
}

static void psw_test_fib_basic(struct kunit *test)
{
	const struct psw_route routes[] = {
		{ .dst = htonl(0x0a010000), .plen = 16, .type = PSW_ROUTE_DROP },
		{ .dst = htonl(0x0a010106), .plen = 32, .type = PSW_ROUTE_DEV, .port = 1,
		  .origin = PSW_ROUTE_POD },
		{ .dst = 0, .plen = 0, .type = PSW_ROUTE_HOST },
		/* host bits are masked off */
		{ .dst = htonl(0x0a0201ff), .plen = 24, .type = PSW_ROUTE_DEV, .port = 2 },
	};
	const struct psw_route *r;
	struct psw_fib *fib;

	fib = psw_fib_build(routes, ARRAY_SIZE(routes), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fib);
	KUNIT_EXPECT_EQ(test, fib->nroutes, 4u);
	KUNIT_EXPECT_EQ(test, fib->nlens, 4);

	r = psw_fib_lookup(fib, htonl(0x0a010106));
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->plen, 32);
	KUNIT_EXPECT_EQ(test, r->port, 1);

	r = psw_fib_lookup(fib, htonl(0x0a010107));
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->type, PSW_ROUTE_DROP);

	r = psw_fib_lookup(fib, htonl(0x0a020105));
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->plen, 24);
	KUNIT_EXPECT_EQ(test, r->dst, htonl(0x0a020100));

	r = psw_fib_lookup(fib, htonl(0xc0a80001));
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->plen, 0);
	KUNIT_EXPECT_EQ(test, r->type, PSW_ROUTE_HOST);
	psw_fib_free(fib);
}

static void psw_test_fib_empty(struct kunit *test)
{
	struct psw_fib *fib = psw_fib_build(NULL, 0, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fib);
	KUNIT_EXPECT_NULL(test, psw_fib_lookup(fib, htonl(0x0a000001)));
	psw_fib_free(fib);
}

static void psw_test_fib_origin_precedence(struct kunit *test)
{
	const struct psw_route routes[] = {
		{ .dst = htonl(0x0a010106), .plen = 32, .type = PSW_ROUTE_HOST,
		  .origin = PSW_ROUTE_HOSTADDR },
		{ .dst = htonl(0x0a010106), .plen = 32, .type = PSW_ROUTE_DEV, .port = 3,
		  .origin = PSW_ROUTE_POD },
		{ .dst = htonl(0x0a010106), .plen = 32, .type = PSW_ROUTE_DROP,
		  .origin = PSW_ROUTE_STATIC },
	};
	struct psw_fib *fib;
	const struct psw_route *r;

	fib = psw_fib_build(routes, ARRAY_SIZE(routes), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fib);
	KUNIT_EXPECT_EQ(test, fib->nroutes, 1u);
	r = psw_fib_lookup(fib, htonl(0x0a010106));
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->origin, PSW_ROUTE_STATIC);
	psw_fib_free(fib);
}

/* Thousands of random routes and lookups, compiled vs. linear. */
static void psw_test_fib_random(struct kunit *test)
{
	const u32 nroutes = 3000, nlookups = 30000;
	struct psw_route *routes;
	const struct psw_route *got, *want;
	struct psw_fib *fib;
	u32 i, mismatches = 0, hits = 0;
	__be32 dst;

	routes = kunit_kcalloc(test, nroutes, sizeof(*routes), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, routes);
	for (i = 0; i < nroutes; i++) {
		/* Few distinct high bits, so that prefixes nest and collide. */
		routes[i].plen = get_random_u32_below(33);
		routes[i].dst = htonl(0x0a000000 | (get_random_u32() & 0x0003ffff)) &
				mask(routes[i].plen);
		routes[i].origin = get_random_u32_below(3);
		routes[i].type = PSW_ROUTE_DEV;
		routes[i].port = i;
	}
	fib = psw_fib_build(routes, nroutes, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fib);

	for (i = 0; i < nlookups; i++) {
		dst = htonl(0x0a000000 | (get_random_u32() & 0x0003ffff));
		if (i % 3 == 0)	/* sometimes far away: only short prefixes match */
			dst = htonl(get_random_u32());
		got = psw_fib_lookup(fib, dst);
		want = linear_lookup(routes, nroutes, dst);
		if (!want) {
			mismatches += got != NULL;
			continue;
		}
		hits++;
		if (!got || got->plen != want->plen || got->dst != want->dst ||
		    got->origin != want->origin)
			mismatches++;
	}
	KUNIT_EXPECT_EQ(test, mismatches, 0u);
	KUNIT_EXPECT_GT(test, hits, nlookups / 2);
	psw_fib_free(fib);
}

static struct kunit_case psw_fib_cases[] = {
	KUNIT_CASE(psw_test_fib_basic),
	KUNIT_CASE(psw_test_fib_empty),
	KUNIT_CASE(psw_test_fib_origin_precedence),
	KUNIT_CASE(psw_test_fib_random),
	{}
};

static struct kunit_suite psw_fib_suite = {
	.name = "podswitch-fib",
	.test_cases = psw_fib_cases,
};

kunit_test_suite(psw_fib_suite);
