// SPDX-License-Identifier: GPL-2.0
/* The neighbor table: static vs learned entries, aging, retransmission. */
#include "kmod/neigh.h"
#include "kmod/switch.h"

#include <uapi/linux/podswitch.h>

#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

static const u8 mac_a[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0xa };
static const u8 mac_b[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0xb };

static struct psw_switch *test_switch(struct kunit *test)
{
	struct psw_switch *sw = kunit_kzalloc(test, sizeof(*sw), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sw);
	sw->counters = alloc_percpu(struct psw_counters);
	KUNIT_ASSERT_NOT_NULL(test, sw->counters);
	psw_neigh_init(sw);
	/* The test ages the table itself. */
	cancel_delayed_work_sync(&sw->neigh.gc);
	return sw;
}

static void test_switch_free(struct psw_switch *sw)
{
	psw_neigh_uninit(sw);
	rcu_barrier();
	free_percpu(sw->counters);
}

static u8 state_of(struct psw_switch *sw, u16 port, __be32 addr)
{
	struct psw_neigh *n;
	u8 state = 0xff;

	rcu_read_lock();
	n = psw_neigh_lookup(sw, port, addr);
	if (n)
		state = n->state;
	rcu_read_unlock();
	return state;
}

static void backdate(struct psw_switch *sw, u16 port, __be32 addr, unsigned int ms)
{
	struct psw_neigh *n;

	spin_lock_bh(&sw->neigh.lock);
	n = psw_neigh_lookup(sw, port, addr);
	if (n) {
		n->confirmed -= msecs_to_jiffies(ms);
		n->probed -= msecs_to_jiffies(ms);
	}
	spin_unlock_bh(&sw->neigh.lock);
}

static void psw_test_neigh_learning_spares_static(struct kunit *test)
{
	struct psw_switch *sw = test_switch(test);
	__be32 a = htonl(0x0a010106), b = htonl(0xac1e0102);
	struct psw_neigh *n;

	KUNIT_ASSERT_EQ(test, psw_neigh_set(sw, 1, a, mac_a, PSW_NEIGH_STATIC), 0);
	/* ARP may not overwrite a static neighbor... */
	psw_neigh_learn(sw, 1, a, mac_b, true);
	rcu_read_lock();
	n = psw_neigh_lookup(sw, 1, a);
	KUNIT_EXPECT_TRUE(test, n && ether_addr_equal(n->mac, mac_a));
	rcu_read_unlock();
	/* ...learns nothing it was not asked about unless told to create... */
	KUNIT_EXPECT_FALSE(test, psw_neigh_learn(sw, 0, b, mac_b, false));
	KUNIT_EXPECT_EQ(test, state_of(sw, 0, b), 0xff);
	/* ...and creates dynamic entries when it answered. */
	KUNIT_EXPECT_TRUE(test, psw_neigh_learn(sw, 0, b, mac_b, true));
	KUNIT_EXPECT_EQ(test, state_of(sw, 0, b), PSW_NEIGH_REACHABLE);
	/* Entries are per port. */
	KUNIT_EXPECT_EQ(test, state_of(sw, 2, a), 0xff);
	KUNIT_EXPECT_EQ(test, psw_neigh_del(sw, 1, a), 0);
	KUNIT_EXPECT_EQ(test, psw_neigh_del(sw, 1, a), -ENOENT);
	test_switch_free(sw);
}

static void psw_test_neigh_aging(struct kunit *test)
{
	struct psw_switch *sw = test_switch(test);
	__be32 st = htonl(0x0a010106), dyn = htonl(0xac1e0102), old = htonl(0xac1e0103);
	struct psw_arp_target ask[4];

	psw_neigh_set(sw, 1, st, mac_a, PSW_NEIGH_STATIC);
	psw_neigh_learn(sw, 0, dyn, mac_b, true);
	psw_neigh_learn(sw, 0, old, mac_b, true);
	backdate(sw, 1, st, 10 * PSW_NEIGH_STALE_MS);
	backdate(sw, 0, dyn, PSW_NEIGH_REACHABLE_MS + 1000);
	backdate(sw, 0, old, PSW_NEIGH_STALE_MS + 1000);

	KUNIT_EXPECT_EQ(test, psw_neigh_age(sw, jiffies, ask, ARRAY_SIZE(ask)), 0u);
	KUNIT_EXPECT_EQ(test, state_of(sw, 1, st), PSW_NEIGH_STATIC);
	KUNIT_EXPECT_EQ(test, state_of(sw, 0, dyn), PSW_NEIGH_STALE);
	KUNIT_EXPECT_EQ(test, state_of(sw, 0, old), 0xff);
	KUNIT_EXPECT_EQ(test, sw->neigh.count, 2u);

	/* A confirmation makes a stale entry reachable again. */
	psw_neigh_learn(sw, 0, dyn, mac_b, false);
	KUNIT_EXPECT_EQ(test, state_of(sw, 0, dyn), PSW_NEIGH_REACHABLE);
	test_switch_free(sw);
}

static void psw_test_neigh_unresolved(struct kunit *test)
{
	struct psw_switch *sw = test_switch(test);
	__be32 a = htonl(0xac1e0109);
	struct psw_arp_target ask[4];

	KUNIT_ASSERT_EQ(test, psw_neigh_set(sw, 0, a, NULL, PSW_NEIGH_INCOMPLETE), 0);
	/* Just asked: nothing to retransmit yet. */
	KUNIT_EXPECT_EQ(test, psw_neigh_age(sw, jiffies, ask, ARRAY_SIZE(ask)), 0u);
	/* A retransmission interval later: ask again. */
	backdate(sw, 0, a, PSW_NEIGH_RETRANS_MS);
	KUNIT_ASSERT_EQ(test, psw_neigh_age(sw, jiffies, ask, ARRAY_SIZE(ask)), 1u);
	KUNIT_EXPECT_EQ(test, ask[0].addr, a);
	KUNIT_EXPECT_EQ(test, ask[0].port, 0);
	/* Past the resolution time: forgotten. */
	backdate(sw, 0, a, PSW_NEIGH_RESOLVE_MS);
	psw_neigh_age(sw, jiffies, ask, ARRAY_SIZE(ask));
	KUNIT_EXPECT_EQ(test, state_of(sw, 0, a), 0xff);
	KUNIT_EXPECT_EQ(test, sw->neigh.count, 0u);
	test_switch_free(sw);
}

static u64 evicted(struct psw_switch *sw)
{
	return psw_counter_sum(sw->counters, PSW_C_NEIGH_EVICT);
}

/*
 * Static entries have their own room: a full one refuses the next static
 * entry and still lets ARP learn. (Filling it through netlink would cost
 * minutes of the VM's time; bad-input reaches the rest of the netlink path.)
 */
static void psw_test_neigh_full_static(struct kunit *test)
{
	struct psw_switch *sw = test_switch(test);
	__be32 extra = htonl(0xac1e0109);
	u32 i;

	for (i = 0; i < PSW_NEIGH_MAX_STATIC; i++)
		KUNIT_ASSERT_EQ(test, psw_neigh_set(sw, 1, htonl(0x0a000000 + i), mac_a,
						    PSW_NEIGH_STATIC), 0);
	KUNIT_EXPECT_EQ(test, psw_neigh_set(sw, 1, extra, mac_a, PSW_NEIGH_STATIC), -ENOSPC);
	KUNIT_EXPECT_EQ(test, state_of(sw, 1, extra), 0xff);
	KUNIT_EXPECT_TRUE(test, psw_neigh_learn(sw, 0, extra, mac_b, true));
	KUNIT_EXPECT_EQ(test, sw->neigh.count, (u32)PSW_NEIGH_MAX_STATIC + 1);
	/* Replacing an entry needs no room. */
	KUNIT_EXPECT_EQ(test, psw_neigh_set(sw, 1, htonl(0x0a000000), mac_b, PSW_NEIGH_STATIC), 0);
	KUNIT_EXPECT_EQ(test, psw_neigh_del(sw, 1, htonl(0x0a000001)), 0);
	KUNIT_EXPECT_EQ(test, psw_neigh_set(sw, 1, extra, mac_a, PSW_NEIGH_STATIC), 0);
	KUNIT_EXPECT_EQ(test, evicted(sw), 0u);
	test_switch_free(sw);
}

/*
 * What an uplink host sends fills no more than its port's share: past it,
 * the port's least recently confirmed learned entry makes room, and a
 * full table forgets its oldest; other ports and static entries keep
 * theirs.
 */
static void psw_test_neigh_full_learned(struct kunit *test)
{
	struct psw_switch *sw = test_switch(test);
	__be32 pod = htonl(0x0a010106), gw = htonl(0xc0a80001);
	u32 i, p;

	KUNIT_ASSERT_EQ(test, psw_neigh_set(sw, 1, pod, mac_a, PSW_NEIGH_STATIC), 0);
	KUNIT_ASSERT_TRUE(test, psw_neigh_learn(sw, 3, gw, mac_a, true));
	for (i = 0; i < PSW_NEIGH_MAX_PORT; i++)
		KUNIT_ASSERT_TRUE(test, psw_neigh_learn(sw, 2, htonl(0x0b000000 + i), mac_b, true));
	KUNIT_EXPECT_EQ(test, evicted(sw), 0u);
	/* Confirmed again: the youngest. */
	KUNIT_ASSERT_TRUE(test, psw_neigh_learn(sw, 2, htonl(0x0b000000), mac_b, false));
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_TRUE(test, psw_neigh_learn(sw, 2, htonl(0x0c000000 + i), mac_b, true));
	KUNIT_EXPECT_EQ(test, evicted(sw), 100u);
	KUNIT_EXPECT_EQ(test, sw->neigh.nport[2], PSW_NEIGH_MAX_PORT);
	KUNIT_EXPECT_EQ(test, state_of(sw, 2, htonl(0x0b000000)), PSW_NEIGH_REACHABLE);
	/* The 100 oldest, 1 to 100, made room. */
	KUNIT_EXPECT_EQ(test, state_of(sw, 2, htonl(0x0b000001)), 0xff);
	KUNIT_EXPECT_EQ(test, state_of(sw, 2, htonl(0x0b000064)), 0xff);
	KUNIT_EXPECT_EQ(test, state_of(sw, 2, htonl(0x0b000065)), PSW_NEIGH_REACHABLE);
	KUNIT_EXPECT_EQ(test, state_of(sw, 3, gw), PSW_NEIGH_REACHABLE);

	/* The whole table full: its oldest goes, the uplink's gateway first. */
	for (p = 4; p < 4 + PSW_NEIGH_MAX_DYNAMIC / PSW_NEIGH_MAX_PORT; p++)
		for (i = 0; i < PSW_NEIGH_MAX_PORT; i++)
			KUNIT_ASSERT_TRUE(test, psw_neigh_learn(sw, p, htonl(0x0d000000 + i),
								mac_b, true));
	KUNIT_EXPECT_EQ(test, sw->neigh.ndynamic, (u32)PSW_NEIGH_MAX_DYNAMIC);
	KUNIT_EXPECT_EQ(test, state_of(sw, 3, gw), 0xff);
	KUNIT_EXPECT_EQ(test, state_of(sw, 1, pod), PSW_NEIGH_STATIC);
	test_switch_free(sw);
}

/* Resolutions in progress are bounded, and never forgotten for room. */
static void psw_test_neigh_full_incomplete(struct kunit *test)
{
	struct psw_switch *sw = test_switch(test);
	u32 i;

	for (i = 0; i < PSW_NEIGH_MAX_INCOMPLETE; i++)
		KUNIT_ASSERT_EQ(test, psw_neigh_set(sw, 2 + i % 4, htonl(0x0b000000 + i), NULL,
						    PSW_NEIGH_INCOMPLETE), 0);
	KUNIT_EXPECT_EQ(test, psw_neigh_set(sw, 9, htonl(0x0c000000), NULL,
					    PSW_NEIGH_INCOMPLETE), -ENOSPC);
	KUNIT_EXPECT_EQ(test, evicted(sw), 0u);
	/* Learned entries still have room. */
	KUNIT_EXPECT_TRUE(test, psw_neigh_learn(sw, 9, htonl(0x0c000000), mac_b, true));
	test_switch_free(sw);
}

/* A dump's cursor: every entry once, whatever the buckets, resumed mid-way. */
static void psw_test_neigh_cursor(struct kunit *test)
{
	struct psw_switch *sw = test_switch(test);
	unsigned long *seen = kunit_kzalloc(test, BITS_TO_LONGS(3000) * sizeof(long), GFP_KERNEL);
	long bucket = 0, idx = 0, last_bucket = -1;
	struct psw_neigh *n;
	u32 i, count = 0, a;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, psw_neigh_at(sw, &bucket, &idx));
	rcu_read_unlock();
	/* More than buckets, so that some hold several. */
	for (i = 0; i < 3000; i++)
		KUNIT_ASSERT_EQ(test, psw_neigh_set(sw, 1, htonl(0x0a000000 + i), mac_a,
						    PSW_NEIGH_STATIC), 0);
	bucket = 0;
	idx = 0;
	/* In parts of 7 entries, the cursor kept in between as a dump keeps it. */
	for (;;) {
		rcu_read_lock();
		for (i = 0; i < 7 && (n = psw_neigh_at(sw, &bucket, &idx)); i++, idx++) {
			a = ntohl(n->addr) - 0x0a000000;
			KUNIT_ASSERT_LT(test, a, 3000u);
			KUNIT_EXPECT_FALSE(test, test_and_set_bit(a, seen));
			KUNIT_EXPECT_GE(test, bucket, last_bucket);
			last_bucket = bucket;
			count++;
		}
		rcu_read_unlock();
		if (i < 7)
			break;
	}
	KUNIT_EXPECT_EQ(test, count, 3000u);
	KUNIT_EXPECT_EQ(test, bucket, (long)PSW_NEIGH_BUCKETS);
	test_switch_free(sw);
}

static struct kunit_case psw_neigh_cases[] = {
	KUNIT_CASE(psw_test_neigh_learning_spares_static),
	KUNIT_CASE(psw_test_neigh_aging),
	KUNIT_CASE(psw_test_neigh_unresolved),
	KUNIT_CASE(psw_test_neigh_full_static),
	KUNIT_CASE(psw_test_neigh_full_learned),
	KUNIT_CASE(psw_test_neigh_full_incomplete),
	KUNIT_CASE(psw_test_neigh_cursor),
	{}
};

static struct kunit_suite psw_neigh_suite = {
	.name = "podswitch-neigh",
	.test_cases = psw_neigh_cases,
};

kunit_test_suite(psw_neigh_suite);
