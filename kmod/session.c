// SPDX-License-Identifier: GPL-2.0
/*
 * Session tables: the connections reflective ACLs let through (SPEC
 * section 4), bounded, with timeouts.
 *
 * Locking: the packet path finds sessions in an rhashtable under RCU
 * without locks. A new session is created from softirq on any CPU and
 * put on that CPU's list for its state (struct psw_sess_cpu), under that
 * CPU's lock; the lock is taken again only when the session changes
 * state (a handful of times per connection), by the garbage collector
 * and by flushes, never per packet. Whoever sets PSW_SESS_DEAD first
 * unlinks the session from the hash and its list and frees it after a
 * grace period, so a session dies once whatever races to kill it.
 *
 * Expiry is exact for the packet path, which treats an expired session
 * as absent; the collector reclaims memory a bounded number of sessions
 * per run, moving the live ones it meets to the tail of their list, so
 * the lists stay close to least-recently-used order.
 */

#include "session.h"
#include "switch.h"

#include <kunit/visibility.h>
#include <linux/jhash.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/tcp.h>

#define PSW_SESS_GC_INTERVAL HZ
#define PSW_SESS_GC_BUDGET 256

static struct kmem_cache *psw_sess_cache __read_mostly;

static const struct rhashtable_params psw_sess_ht_params = {
	.key_len = sizeof(struct psw_sess_key),
	.key_offset = offsetof(struct psw_session, key),
	.head_offset = offsetof(struct psw_session, node),
	.automatic_shrinking = true,
};

int __init psw_session_init(void)
{
	psw_sess_cache = KMEM_CACHE(psw_session, 0);
	return psw_sess_cache ? 0 : -ENOMEM;
}

void psw_session_uninit(void)
{
	kmem_cache_destroy(psw_sess_cache);
}

/* What one session costs in its slab cache. */
size_t psw_session_size(void)
{
	return kmem_cache_size(psw_sess_cache);
}
EXPORT_SYMBOL_IF_KUNIT(psw_session_size);

void psw_sess_key_make(struct psw_sess_key *k, u8 *dir, __be32 saddr,
		       __be32 daddr, __be16 sport, __be16 dport, u8 proto)
{
	bool swap = ntohl(saddr) > ntohl(daddr) ||
		    (saddr == daddr && ntohs(sport) > ntohs(dport));

	memset(k, 0, sizeof(*k));
	k->addr[swap] = saddr;
	k->addr[!swap] = daddr;
	k->port[swap] = sport;
	k->port[!swap] = dport;
	k->proto = proto;
	*dir = swap;
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_key_make);

/* TCP is established once SYN and ACK went each way, until FIN or RST. */
u8 psw_sess_tcp_state(const u8 seen[2])
{
	const u8 both = TCPHDR_SYN | TCPHDR_ACK;

	if ((seen[0] | seen[1]) & (TCPHDR_FIN | TCPHDR_RST))
		return PSW_SESS_TCP_TRANSIENT;
	if ((seen[0] & both) == both && (seen[1] & both) == both)
		return PSW_SESS_TCP_ESTABLISHED;
	return PSW_SESS_TCP_TRANSIENT;
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_tcp_state);

unsigned long psw_sess_timeout(const struct psw_session *s,
			       const struct psw_params *p)
{
	return (unsigned long)p->timeout[READ_ONCE(s->state)] * HZ;
}

bool psw_sess_expired(const struct psw_session *s, const struct psw_params *p,
		      unsigned long now)
{
	return time_after(now, READ_ONCE(s->last) + psw_sess_timeout(s, p));
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_expired);

static void psw_sess_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(psw_sess_cache, container_of(head, struct psw_session, rcu));
}

/* Unlink @s and free it after a grace period, unless someone else did. */
static void psw_sess_kill(struct psw_sess_table *t, struct psw_session *s,
			  bool list_locked)
{
	struct psw_sess_cpu *c = per_cpu_ptr(t->cpus, s->cpu);

	if (test_and_set_bit(PSW_SESS_DEAD, &s->flags))
		return;
	rhashtable_remove_fast(&t->ht, &s->node, psw_sess_ht_params);
	if (!list_locked)
		spin_lock_bh(&c->lock);
	list_del(&s->list);
	if (!list_locked)
		spin_unlock_bh(&c->lock);
	atomic_dec(&t->count);
	call_rcu(&s->rcu, psw_sess_free_rcu);
}

struct psw_session *psw_sess_lookup(struct psw_sess_table *t,
				    const struct psw_sess_key *k,
				    const struct psw_params *p)
{
	struct psw_session *s;

	if (!atomic_read(&t->count))
		return NULL;
	s = rhashtable_lookup(&t->ht, k, psw_sess_ht_params);
	if (!s || test_bit(PSW_SESS_DEAD, &s->flags) ||
	    psw_sess_expired(s, p, jiffies))
		return NULL;
	return s;
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_lookup);

/* Move @s to the list of @state; the state changes only under the lock. */
static void psw_sess_set_state(struct psw_sess_table *t, struct psw_session *s,
			       u8 state)
{
	struct psw_sess_cpu *c = per_cpu_ptr(t->cpus, s->cpu);

	spin_lock_bh(&c->lock);
	if (!test_bit(PSW_SESS_DEAD, &s->flags) && s->state != state) {
		WRITE_ONCE(s->state, state);
		list_move_tail(&s->list, &c->lists[state]);
	}
	spin_unlock_bh(&c->lock);
}

/* A packet of @s from endpoint @dir: it is alive, and TCP may move on. */
void psw_sess_update(struct psw_sess_table *t, struct psw_session *s, u8 dir,
		     u8 tcp_flags)
{
	unsigned long now = jiffies;
	u8 seen, state;

	/* Store only on change, so that a busy session's line stays shared. */
	if (READ_ONCE(s->last) != now)
		WRITE_ONCE(s->last, now);
	if (s->key.proto != IPPROTO_TCP)
		return;
	seen = READ_ONCE(s->tcp_seen[dir]);
	if ((seen | tcp_flags) == seen)
		return;
	WRITE_ONCE(s->tcp_seen[dir], seen | tcp_flags);
	state = psw_sess_tcp_state(s->tcp_seen);
	if (state != READ_ONCE(s->state))
		psw_sess_set_state(t, s, state);
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_update);

/*
 * The table is full: kill the oldest session that is expired or, failing
 * that, transient (SPEC section 4). Looks at the head of each CPU's lists,
 * which hold their oldest. False when there is none.
 */
static bool psw_sess_recycle(struct psw_sess_table *t, const struct psw_params *p)
{
	unsigned long now = jiffies;
	struct psw_session *best = NULL, *s;
	bool best_expired = false;
	struct psw_sess_cpu *c;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(t->cpus, cpu);
		spin_lock_bh(&c->lock);
		for (i = 0; i < PSW_SESS_NSTATES; i++) {
			bool expired;

			s = list_first_entry_or_null(&c->lists[i], struct psw_session, list);
			if (!s)
				continue;
			expired = psw_sess_expired(s, p, now);
			if (!expired && (best_expired || i != PSW_SESS_TCP_TRANSIENT))
				continue;
			if (best && expired == best_expired &&
			    !time_before(READ_ONCE(s->last), READ_ONCE(best->last)))
				continue;
			best = s;
			best_expired = expired;
		}
		spin_unlock_bh(&c->lock);
	}
	if (!best)
		return false;
	/* Still valid: freeing waits for the grace period we are in. */
	psw_sess_kill(t, best, false);
	return true;
}

static void psw_sess_gc_arm(struct psw_sess_table *t)
{
	if (!test_bit(PSW_SESS_GC_ARMED, &t->gc_flags) &&
	    !test_and_set_bit(PSW_SESS_GC_ARMED, &t->gc_flags))
		queue_delayed_work(system_power_efficient_wq, &t->gc,
				   PSW_SESS_GC_INTERVAL);
}

/*
 * Create the session of key @k, opened from endpoint @dir on port @port
 * by a packet with @tcp_flags.
 * Returns the session (which may be one another CPU just created for the
 * same key) or an ERR_PTR: -ENOSPC when the table is full with nothing to
 * recycle, -ENOMEM. Called under rcu_read_lock() from softirq.
 */
struct psw_session *psw_sess_create(struct psw_sess_table *t,
				    const struct psw_sess_key *k, u8 dir,
				    u8 tcp_flags, u16 port,
				    const struct psw_params *p)
{
	struct psw_session *s, *old;
	struct psw_sess_cpu *c;
	int tries = 2;

	if (atomic_inc_return(&t->count) > p->max_sessions) {
		atomic_dec(&t->count);
		if (!psw_sess_recycle(t, p))
			return ERR_PTR(-ENOSPC);
		if (atomic_inc_return(&t->count) > p->max_sessions) {
			atomic_dec(&t->count);
			return ERR_PTR(-ENOSPC);
		}
	}
	s = kmem_cache_zalloc(psw_sess_cache, GFP_ATOMIC);
	if (!s) {
		atomic_dec(&t->count);
		return ERR_PTR(-ENOMEM);
	}
	s->key = *k;
	s->orig = dir;
	s->tcp_seen[dir] = tcp_flags;
	s->last = jiffies;
	s->port = port;
	s->state = k->proto == IPPROTO_TCP ? PSW_SESS_TCP_TRANSIENT :
		   k->proto == IPPROTO_ICMP ? PSW_SESS_ICMP : PSW_SESS_UDP;

	/* On its list first, so that whoever finds it in the hash can kill it. */
	s->cpu = raw_smp_processor_id();
	c = per_cpu_ptr(t->cpus, s->cpu);
	spin_lock_bh(&c->lock);
	list_add_tail(&s->list, &c->lists[s->state]);
	spin_unlock_bh(&c->lock);

	while (tries--) {
		old = rhashtable_lookup_get_insert_fast(&t->ht, &s->node,
							psw_sess_ht_params);
		if (!old)
			break;
		if (IS_ERR(old) || test_bit(PSW_SESS_DEAD, &old->flags) ||
		    !psw_sess_expired(old, p, jiffies) || !tries) {
			psw_sess_kill(t, s, false);
			return IS_ERR(old) ? old : ERR_PTR(-EEXIST);
		}
		/* The key's previous connection timed out: replace it. */
		psw_sess_kill(t, old, false);
	}
	psw_sess_gc_arm(t);
	return s;
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_create);

/*
 * Reclaim expired sessions, looking at no more than @budget per list.
 * Returns how many were freed.
 */
unsigned int psw_sess_gc(struct psw_sess_table *t, unsigned int budget)
{
	const struct psw_params *p;
	struct psw_session *s, *tmp;
	unsigned long now = jiffies;
	unsigned int freed = 0, n;
	struct psw_sess_cpu *c;
	int cpu, i;

	rcu_read_lock();
	p = rcu_dereference(*t->params);
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(t->cpus, cpu);
		spin_lock_bh(&c->lock);
		for (i = 0; i < PSW_SESS_NSTATES; i++) {
			LIST_HEAD(seen);

			n = 0;
			list_for_each_entry_safe(s, tmp, &c->lists[i], list) {
				if (n++ == budget)
					break;
				if (psw_sess_expired(s, p, now)) {
					psw_sess_kill(t, s, true);
					freed++;
				} else {
					list_move_tail(&s->list, &seen);
				}
			}
			list_splice_tail(&seen, &c->lists[i]);
		}
		spin_unlock_bh(&c->lock);
	}
	rcu_read_unlock();
	return freed;
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_gc);

static void psw_sess_gc_work(struct work_struct *work)
{
	struct psw_sess_table *t = container_of(to_delayed_work(work),
						struct psw_sess_table, gc);
	unsigned int n = atomic_read(&t->count);

	psw_sess_gc(t, PSW_SESS_GC_BUDGET + n / 32);
	if (!atomic_read(&t->count)) {
		clear_bit(PSW_SESS_GC_ARMED, &t->gc_flags);
		/* A session created meanwhile may have seen the bit still set. */
		smp_mb__after_atomic();
		if (!atomic_read(&t->count) ||
		    test_and_set_bit(PSW_SESS_GC_ARMED, &t->gc_flags))
			return;
	}
	queue_delayed_work(system_power_efficient_wq, &t->gc, PSW_SESS_GC_INTERVAL);
}

void psw_sess_flush(struct psw_sess_table *t)
{
	struct psw_session *s, *tmp;
	struct psw_sess_cpu *c;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(t->cpus, cpu);
		spin_lock_bh(&c->lock);
		for (i = 0; i < PSW_SESS_NSTATES; i++)
			list_for_each_entry_safe(s, tmp, &c->lists[i], list)
				psw_sess_kill(t, s, true);
		spin_unlock_bh(&c->lock);
	}
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_flush);

int psw_sess_table_init(struct psw_sess_table *t,
			struct psw_params __rcu **params)
{
	struct psw_sess_cpu *c;
	int cpu, i, ret;

	t->cpus = alloc_percpu(struct psw_sess_cpu);
	if (!t->cpus)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(t->cpus, cpu);
		spin_lock_init(&c->lock);
		for (i = 0; i < PSW_SESS_NSTATES; i++)
			INIT_LIST_HEAD(&c->lists[i]);
	}
	ret = rhashtable_init(&t->ht, &psw_sess_ht_params);
	if (ret) {
		free_percpu(t->cpus);
		return ret;
	}
	atomic_set(&t->count, 0);
	t->gc_flags = 0;
	t->params = params;
	INIT_DELAYED_WORK(&t->gc, psw_sess_gc_work);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_table_init);

/* No packet can reach @t any more. */
void psw_sess_table_destroy(struct psw_sess_table *t)
{
	/* The work re-arms itself: stop it for good first. */
	set_bit(PSW_SESS_GC_ARMED, &t->gc_flags);
	cancel_delayed_work_sync(&t->gc);
	psw_sess_flush(t);
	rhashtable_destroy(&t->ht);
	free_percpu(t->cpus);
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_table_destroy);
