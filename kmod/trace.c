// SPDX-License-Identifier: GPL-2.0
/*
 * Packet trace: `pswctl trace SWITCH add N` arms the capture of the next N
 * packets entering the switch; each node appends its decision to the
 * packet's record, in the style of VPP's trace.
 *
 * Locking: @armed is claimed with atomic_dec_if_positive(), so no more
 * than N packets are captured whatever the CPUs race; the finished record
 * goes into the ring under @lock (bh-safe: packets trace from softirq).
 * Memory is bounded by the ring: at most PSW_TRACE_MAX records kept and
 * PSW_TRACE_MAX in flight.
 */

#include "trace.h"

#include <uapi/linux/podswitch.h>

#include <kunit/visibility.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

static_assert(ARRAY_SIZE(((struct psw_trace *)0)->ring) == PSW_TRACE_MAX);

void psw_trace_init(struct psw_trace *t)
{
	atomic_set(&t->armed, 0);
	spin_lock_init(&t->lock);
	t->next_seq = 0;
	t->head = 0;
	t->count = 0;
}
EXPORT_SYMBOL_IF_KUNIT(psw_trace_init);

void psw_trace_clear(struct psw_trace *t)
{
	unsigned int i;

	atomic_set(&t->armed, 0);
	spin_lock_bh(&t->lock);
	for (i = 0; i < PSW_TRACE_MAX; i++) {
		kfree(t->ring[i]);
		t->ring[i] = NULL;
	}
	t->head = 0;
	t->count = 0;
	spin_unlock_bh(&t->lock);
}
EXPORT_SYMBOL_IF_KUNIT(psw_trace_clear);

int psw_trace_arm(struct psw_trace *t, u32 n)
{
	int old, new;

	do {
		old = atomic_read(&t->armed);
		new = min_t(u32, old + n, PSW_TRACE_MAX);
	} while (atomic_cmpxchg(&t->armed, old, new) != old);
	return new;
}
EXPORT_SYMBOL_IF_KUNIT(psw_trace_arm);

struct psw_trace_rec *__psw_trace_start(struct psw_trace *t)
{
	struct psw_trace_rec *rec;

	if (atomic_dec_if_positive(&t->armed) < 0)
		return NULL;
	rec = kmalloc(sizeof(*rec), GFP_ATOMIC);
	if (!rec)
		return NULL;
	rec->time_ns = ktime_get_real_ns();
	rec->len = 0;
	rec->truncated = false;
	rec->text[0] = '\0';
	return rec;
}
EXPORT_SYMBOL_IF_KUNIT(__psw_trace_start);

void psw_trace_printf(struct psw_trace_rec *rec, const char *fmt, ...)
{
	va_list ap;
	int room = PSW_TRACE_TEXT - rec->len;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rec->text + rec->len, room, fmt, ap);
	va_end(ap);
	if (n >= room) {
		rec->len = PSW_TRACE_TEXT - 1;
		rec->truncated = true;
	} else {
		rec->len += n;
	}
}
EXPORT_SYMBOL_IF_KUNIT(psw_trace_printf);

void psw_trace_commit(struct psw_trace *t, struct psw_trace_rec *rec)
{
	struct psw_trace_rec *old;

	if (!rec)
		return;
	spin_lock_bh(&t->lock);
	rec->seq = t->next_seq++;
	old = t->ring[t->head];
	t->ring[t->head] = rec;
	t->head = (t->head + 1) % PSW_TRACE_MAX;
	if (t->count < PSW_TRACE_MAX)
		t->count++;
	spin_unlock_bh(&t->lock);
	kfree(old);
}
EXPORT_SYMBOL_IF_KUNIT(psw_trace_commit);

/*
 * The oldest record kept whose number is @seq or more, NULL if none: a
 * dump resumes by number, whatever the ring did in between.
 */
const struct psw_trace_rec *psw_trace_from(const struct psw_trace *t, u32 seq)
	__must_hold(&t->lock)
{
	const struct psw_trace_rec *rec;
	unsigned int i;

	lockdep_assert_held(&t->lock);
	for (i = 0; i < t->count; i++) {
		rec = t->ring[(t->head + PSW_TRACE_MAX - t->count + i) % PSW_TRACE_MAX];
		if (rec && rec->seq >= seq)
			return rec;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(psw_trace_from);
