/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_TRACE_H
#define _PSW_TRACE_H

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#define PSW_TRACE_TEXT 3072

/* One packet's walk through the pipeline, one node per line. */
struct psw_trace_rec {
	u32 seq;
	u64 time_ns;
	unsigned int len;
	bool truncated;
	char text[PSW_TRACE_TEXT];
};

/*
 * Capture of the next @armed packets. With nothing armed, the packet path
 * pays one atomic_read(). Records are kept in a ring of PSW_TRACE_MAX;
 * @lock guards the ring and is only taken by packets being traced.
 */
struct psw_trace {
	atomic_t armed;
	spinlock_t lock;
	u32 next_seq;
	unsigned int head, count;
	struct psw_trace_rec *ring[256];
};

void psw_trace_init(struct psw_trace *t);
void psw_trace_clear(struct psw_trace *t);
int psw_trace_arm(struct psw_trace *t, u32 n);
struct psw_trace_rec *__psw_trace_start(struct psw_trace *t);
void psw_trace_commit(struct psw_trace *t, struct psw_trace_rec *rec);
const struct psw_trace_rec *psw_trace_from(const struct psw_trace *t, u32 seq);
void psw_trace_printf(struct psw_trace_rec *rec, const char *fmt, ...)
	__printf(2, 3);

static inline struct psw_trace_rec *psw_trace_start(struct psw_trace *t)
{
	if (likely(!atomic_read(&t->armed)))
		return NULL;
	return __psw_trace_start(t);
}

#endif /* _PSW_TRACE_H */
