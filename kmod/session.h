/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_SESSION_H
#define _PSW_SESSION_H

#include <uapi/linux/podswitch.h>

#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct psw_params;

#define PSW_SESS_NSTATES (PSW_SESS_STATE_MAX + 1)

/*
 * A connection as both of its directions see it: endpoint 0 is the lower
 * (address, port) pair, so a packet and its reply give the same key.
 * ICMP echo uses the echo id as the port of both endpoints.
 */
struct psw_sess_key {
	__be32 addr[2];
	__be16 port[2];
	u8 proto;
	u8 pad[3];
};

/*
 * One session. The key and @orig never change; @last, @tcp_seen and
 * @state are written by the packets of the session on any CPU: @last and
 * @tcp_seen with plain racy stores (a lost update costs one more store
 * later), @state only under the lock of the CPU list it is on (@cpu).
 */
struct psw_session {
	struct rhash_head node;
	struct psw_sess_key key;
	unsigned long last;		/* jiffies of the latest packet */
	struct list_head list;		/* on its CPU's list for @state */
	u8 state;			/* enum psw_session_state */
	u8 orig;			/* the endpoint that opened it */
	u8 tcp_seen[2];			/* TCP flags seen from each endpoint */
	u16 cpu;
	u16 port;			/* where it was created (sw_if) */
	unsigned long flags;		/* PSW_SESS_DEAD */
	struct rcu_head rcu;
};

#define PSW_SESS_DEAD 0

struct psw_sess_cpu {
	spinlock_t lock;
	/* Per state, in the order sessions entered it or were last aged. */
	struct list_head lists[PSW_SESS_NSTATES];
};

/*
 * The sessions of a switch. Lookups run under RCU with no lock; a new
 * session goes on the list of the CPU that created it, whose lock only
 * its state changes, expiry and flushes take. @count bounds the table.
 */
struct psw_sess_table {
	struct rhashtable ht;
	struct psw_sess_cpu __percpu *cpus;
	atomic_t count;
	unsigned long gc_flags;		/* PSW_SESS_GC_ARMED */
	struct delayed_work gc;
	struct psw_params __rcu **params;
};

#define PSW_SESS_GC_ARMED 0

int psw_session_init(void);
void psw_session_uninit(void);
size_t psw_session_size(void);

int psw_sess_table_init(struct psw_sess_table *t,
			struct psw_params __rcu **params);
void psw_sess_table_destroy(struct psw_sess_table *t);

void psw_sess_key_make(struct psw_sess_key *k, u8 *dir, __be32 saddr,
		       __be32 daddr, __be16 sport, __be16 dport, u8 proto);
struct psw_session *psw_sess_lookup(struct psw_sess_table *t,
				    const struct psw_sess_key *k,
				    const struct psw_params *p);
struct psw_session *psw_sess_create(struct psw_sess_table *t,
				    const struct psw_sess_key *k, u8 dir,
				    u8 tcp_flags, u16 port,
				    const struct psw_params *p);
void psw_sess_update(struct psw_sess_table *t, struct psw_session *s, u8 dir,
		     u8 tcp_flags);
bool psw_sess_expired(const struct psw_session *s, const struct psw_params *p,
		      unsigned long now);
unsigned long psw_sess_timeout(const struct psw_session *s,
			       const struct psw_params *p);
void psw_sess_flush(struct psw_sess_table *t);
unsigned int psw_sess_gc(struct psw_sess_table *t, unsigned int budget);
u8 psw_sess_tcp_state(const u8 seen[2]);

#endif /* _PSW_SESSION_H */
