// SPDX-License-Identifier: GPL-2.0
/* The trace: arming bounds, record text bounds, ring bounds. */
#include "kmod/trace.h"

#include <uapi/linux/podswitch.h>

#include <kunit/test.h>
#include <linux/slab.h>

static void psw_test_trace_arm_bounded(struct kunit *test)
{
	struct psw_trace *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct psw_trace_rec *rec;
	int i, got = 0;

	KUNIT_ASSERT_NOT_NULL(test, t);
	psw_trace_init(t);
	KUNIT_EXPECT_NULL(test, psw_trace_start(t));	/* nothing armed */
	KUNIT_EXPECT_EQ(test, psw_trace_arm(t, 3), 3);
	KUNIT_EXPECT_EQ(test, psw_trace_arm(t, 1000), PSW_TRACE_MAX);
	psw_trace_clear(t);
	psw_trace_arm(t, 3);
	for (i = 0; i < 10; i++) {
		rec = psw_trace_start(t);
		if (!rec)
			continue;
		got++;
		psw_trace_commit(t, rec);
	}
	KUNIT_EXPECT_EQ(test, got, 3);
	KUNIT_EXPECT_EQ(test, t->count, 3u);
	psw_trace_clear(t);
	KUNIT_EXPECT_EQ(test, t->count, 0u);
}

static void psw_test_trace_text_bounded(struct kunit *test)
{
	struct psw_trace *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct psw_trace_rec *rec;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	psw_trace_init(t);
	psw_trace_arm(t, 1);
	rec = psw_trace_start(t);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	psw_trace_printf(rec, "input: sw_if %u\n", 1);
	KUNIT_EXPECT_STREQ(test, rec->text, "input: sw_if 1\n");
	for (i = 0; i < 1000; i++)
		psw_trace_printf(rec, "line %d of a packet that says too much\n", i);
	KUNIT_EXPECT_TRUE(test, rec->truncated);
	KUNIT_EXPECT_LT(test, rec->len, (unsigned int)PSW_TRACE_TEXT);
	KUNIT_EXPECT_EQ(test, strlen(rec->text), (size_t)rec->len);
	psw_trace_commit(t, rec);
	psw_trace_clear(t);
}

static void psw_test_trace_ring_keeps_newest(struct kunit *test)
{
	struct psw_trace *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct psw_trace_rec *rec;
	unsigned int i, oldest = UINT_MAX;

	KUNIT_ASSERT_NOT_NULL(test, t);
	psw_trace_init(t);
	for (i = 0; i < PSW_TRACE_MAX + 44; i++) {
		psw_trace_arm(t, 1);
		rec = psw_trace_start(t);
		KUNIT_ASSERT_NOT_NULL(test, rec);
		psw_trace_commit(t, rec);
	}
	KUNIT_EXPECT_EQ(test, t->count, (unsigned int)PSW_TRACE_MAX);
	for (i = 0; i < PSW_TRACE_MAX; i++)
		oldest = min(oldest, t->ring[i]->seq);
	KUNIT_EXPECT_EQ(test, oldest, 44u);
	psw_trace_clear(t);
}

/* A dump resumes by number: each kept record once, in order, the evicted never. */
static void psw_test_trace_from_resumes(struct kunit *test)
{
	struct psw_trace *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	const struct psw_trace_rec *rec;
	struct psw_trace_rec *r;
	u32 next = 0, seen = 0, i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	psw_trace_init(t);
	spin_lock_bh(&t->lock);
	KUNIT_EXPECT_NULL(test, psw_trace_from(t, 0));
	spin_unlock_bh(&t->lock);
	for (i = 0; i < PSW_TRACE_MAX + 10; i++) {
		psw_trace_arm(t, 1);
		r = psw_trace_start(t);
		KUNIT_ASSERT_NOT_NULL(test, r);
		psw_trace_commit(t, r);
		/* A reader part way through, as a dump of several parts. */
		if (i == 20) {
			spin_lock_bh(&t->lock);
			for (rec = psw_trace_from(t, 0); rec && rec->seq < 5;
			     rec = psw_trace_from(t, rec->seq + 1))
				next = rec->seq + 1;
			spin_unlock_bh(&t->lock);
			KUNIT_EXPECT_EQ(test, next, 5u);
		}
	}
	/* Records 0..9 were evicted meanwhile: the dump goes on at 10. */
	spin_lock_bh(&t->lock);
	for (rec = psw_trace_from(t, next); rec; rec = psw_trace_from(t, rec->seq + 1)) {
		KUNIT_EXPECT_EQ(test, rec->seq, 10 + seen);
		seen++;
	}
	KUNIT_EXPECT_NULL(test, psw_trace_from(t, PSW_TRACE_MAX + 10));
	spin_unlock_bh(&t->lock);
	KUNIT_EXPECT_EQ(test, seen, (u32)PSW_TRACE_MAX);
	psw_trace_clear(t);
}

static struct kunit_case psw_trace_cases[] = {
	KUNIT_CASE(psw_test_trace_arm_bounded),
	KUNIT_CASE(psw_test_trace_text_bounded),
	KUNIT_CASE(psw_test_trace_ring_keeps_newest),
	KUNIT_CASE(psw_test_trace_from_resumes),
	{}
};

static struct kunit_suite psw_trace_suite = {
	.name = "podswitch-trace",
	.test_cases = psw_trace_cases,
};

kunit_test_suite(psw_trace_suite);
