// SPDX-License-Identifier: GPL-2.0
/*
 * Session tables: the connections reflective ACLs let through and those
 * NAT44 translates (Documentation/podswitch.rst), bounded, with
 * timeouts. An ACL session is hashed by one key for both directions; a
 * NAT session by two, one per direction, as conntrack does.
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

/* By enum psw_session_table. */
static struct kmem_cache *psw_sess_cache[PSW_SESSION_TABLE_MAX + 1] __read_mostly;

/* The hash holds tuples; psw_sess_of() finds their session. */
static const struct rhashtable_params psw_sess_ht_params = {
	.key_len = PSW_SESS_KEY_LEN,
	.key_offset = offsetof(struct psw_sess_tuple, key),
	.head_offset = offsetof(struct psw_sess_tuple, node),
	.automatic_shrinking = true,
};

static struct psw_sess_tuple *psw_sess_tuple(struct psw_session *s, u8 i)
{
	return i ? &psw_nat_sess(s)->reply : &s->tuple;
}

static struct psw_session *psw_sess_of(struct psw_sess_tuple *tp)
{
	if (tp->key.tuple)
		return &container_of(tp, struct psw_nat_session, reply)->s;
	return container_of(tp, struct psw_session, tuple);
}

int __init psw_session_init(void)
{
	psw_sess_cache[PSW_SESSION_ACL] = KMEM_CACHE(psw_session, 0);
	if (!psw_sess_cache[PSW_SESSION_ACL])
		return -ENOMEM;
	psw_sess_cache[PSW_SESSION_NAT44] = KMEM_CACHE(psw_nat_session, 0);
	if (!psw_sess_cache[PSW_SESSION_NAT44]) {
		kmem_cache_destroy(psw_sess_cache[PSW_SESSION_ACL]);
		return -ENOMEM;
	}
	return 0;
}

void psw_session_uninit(void)
{
	kmem_cache_destroy(psw_sess_cache[PSW_SESSION_NAT44]);
	kmem_cache_destroy(psw_sess_cache[PSW_SESSION_ACL]);
}

/* What one session of @kind costs in its slab cache. */
size_t psw_session_size(u8 kind)
{
	return kmem_cache_size(psw_sess_cache[kind]);
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

unsigned long psw_sess_timeout(const struct psw_sess_table *t,
			       const struct psw_session *s,
			       const struct psw_params *p)
{
	u8 state = READ_ONCE(s->state);

	if (unlikely(state == PSW_SESS_HOLD))
		return (unsigned long)container_of(s, struct psw_nat_session, s)->hold * HZ;
	return (unsigned long)p->timeout[t->kind][state] * HZ;
}

bool psw_sess_expired(const struct psw_sess_table *t,
		      const struct psw_session *s, const struct psw_params *p,
		      unsigned long now)
{
	return time_after(now, READ_ONCE(s->last) + psw_sess_timeout(t, s, p));
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_expired);

static void psw_sess_free_acl(struct rcu_head *head)
{
	kmem_cache_free(psw_sess_cache[PSW_SESSION_ACL],
			container_of(head, struct psw_session, rcu));
}

static void psw_sess_free_nat(struct rcu_head *head)
{
	kmem_cache_free(psw_sess_cache[PSW_SESSION_NAT44],
			psw_nat_sess(container_of(head, struct psw_session, rcu)));
}

/* Unlink @s and free it after a grace period, unless someone else did. */
static void __psw_sess_kill(struct psw_sess_table *t, struct psw_session *s,
			    bool list_locked)
{
	struct psw_sess_cpu *c = per_cpu_ptr(t->cpus, s->cpu);
	u8 i;

	if (test_and_set_bit(PSW_SESS_DEAD, &s->flags))
		return;
	/* A tuple that never made it into the hash is not found: no harm. */
	for (i = 0; i < s->ntuples; i++)
		rhashtable_remove_fast(&t->ht, &psw_sess_tuple(s, i)->node,
				       psw_sess_ht_params);
	if (!list_locked)
		spin_lock_bh(&c->lock);
	list_del(&s->list);
	if (!list_locked)
		spin_unlock_bh(&c->lock);
	atomic_dec(&t->count);
	atomic_dec(&t->port_count[s->port]);
	call_rcu(&s->rcu, t->kind == PSW_SESSION_NAT44 ? psw_sess_free_nat :
							  psw_sess_free_acl);
}

void psw_sess_kill(struct psw_sess_table *t, struct psw_session *s)
{
	__psw_sess_kill(t, s, false);
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_kill);

/*
 * The live session hashed by @k, and in @tuple which of its tuples @k
 * is (NAT: 0 the initiator's direction, 1 the reply's).
 */
struct psw_session *psw_sess_lookup(struct psw_sess_table *t,
				    const struct psw_sess_key *k, u8 *tuple,
				    const struct psw_params *p)
{
	struct psw_sess_tuple *tp;
	struct psw_session *s;

	if (!atomic_read(&t->count))
		return NULL;
	tp = rhashtable_lookup(&t->ht, k, psw_sess_ht_params);
	if (!tp)
		return NULL;
	s = psw_sess_of(tp);
	if (test_bit(PSW_SESS_DEAD, &s->flags) || psw_sess_expired(t, s, p, jiffies))
		return NULL;
	if (tuple)
		*tuple = tp->key.tuple;
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

/*
 * The TCP segment of @skb (network header set, not a later fragment).
 * False when its header is not there whole.
 */
bool psw_tcp_seg_parse(const struct sk_buff *skb, struct psw_tcp_seg *seg)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int off = ip_hdrlen(skb), optlen, i;
	const struct tcphdr *th;
	struct tcphdr _th;
	u8 _opt[MAX_TCP_OPTION_SPACE];
	const u8 *opt;

	th = skb_header_pointer(skb, off, sizeof(_th), &_th);
	if (!th || th->doff < 5 || ntohs(iph->tot_len) < off + th->doff * 4)
		return false;
	seg->seq = ntohl(th->seq);
	seg->ack = ntohl(th->ack_seq);
	seg->win = ntohs(th->window);
	seg->flags = tcp_flag_byte(th);
	seg->end = seg->seq + ntohs(iph->tot_len) - off - th->doff * 4 + th->syn + th->fin;
	seg->wscale = PSW_TCP_NO_SCALE;
	optlen = th->doff * 4 - sizeof(*th);
	if (!th->syn || !optlen)
		return true;
	opt = skb_header_pointer(skb, off + sizeof(*th), optlen, _opt);
	for (i = 0; opt && i < optlen && opt[i] != TCPOPT_EOL; ) {
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= optlen || opt[i + 1] < 2 || i + opt[i + 1] > optlen)
			break;
		if (opt[i] == TCPOPT_WINDOW && opt[i + 1] == TCPOLEN_WINDOW)
			seg->wscale = min_t(u8, opt[i + 2], TCP_MAX_WSCALE);
		i += opt[i + 1];
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(psw_tcp_seg_parse);

/*
 * The window @dir's peer gave it: how far from @dir's end a segment of
 * @dir's may be. 0: nothing to judge by, because the peer sent nothing
 * yet or the handshake was not seen (a session met mid-stream, whose
 * window scale is unknown, is not protected rather than falsely so).
 */
static u32 psw_sess_tcp_window(const struct psw_session *s, u8 dir)
{
	if (!READ_ONCE(s->tcp_known[!dir]) ||
	    !(READ_ONCE(s->tcp_seen[dir]) & TCPHDR_SYN) ||
	    !(READ_ONCE(s->tcp_seen[!dir]) & TCPHDR_SYN))
		return 0;
	return max(READ_ONCE(s->tcp_win[!dir]), 1U);
}

/* How @dir's window field is scaled in a segment with @flags (RFC 7323). */
static u8 psw_sess_tcp_scale(const struct psw_session *s, u8 dir, u8 flags)
{
	u8 mine = READ_ONCE(s->tcp_scale[dir]), peer = READ_ONCE(s->tcp_scale[!dir]);

	if (flags & TCPHDR_SYN)
		return 0;
	return mine && peer ? mine - 1 : 0;
}

/*
 * Track @seg of @s from endpoint @dir, and return the TCP flags it may
 * apply to the session's state. A segment whose sequence number is not in
 * the window the peer gave (RFC 5961 3.2, as conntrack's tcp_in_window())
 * neither moves what is tracked nor ends the session with its RST or FIN,
 * so that whoever knows the addresses and ports can neither end a
 * connection's session early nor walk its window away. A RST answering a
 * SYN must acknowledge it; a side's SYN counts once.
 */
u8 psw_sess_tcp_track(struct psw_session *s, u8 dir, const struct psw_tcp_seg *seg)
{
	u8 flags = seg->flags, peer_seen = READ_ONCE(s->tcp_seen[!dir]);
	u32 end = READ_ONCE(s->tcp_end[dir]), win;
	bool known = READ_ONCE(s->tcp_known[dir]);

	if (!known) {
		/* Its first segment: a RST only as the answer to a SYN. */
		if ((flags & TCPHDR_RST) && (peer_seen & TCPHDR_SYN) &&
		    !(peer_seen & TCPHDR_ACK) &&
		    (!(flags & TCPHDR_ACK) || seg->ack != READ_ONCE(s->tcp_end[!dir])))
			return flags & ~(TCPHDR_RST | TCPHDR_FIN);
	} else {
		win = psw_sess_tcp_window(s, dir);
		if (win && (before(seg->seq, end - win) || after(seg->seq, end + win)))
			return flags & ~(TCPHDR_RST | TCPHDR_FIN | TCPHDR_SYN);
	}
	/* The session's first packet, a SYN, is in tcp_seen before it is tracked. */
	if ((flags & TCPHDR_SYN) && (!known || !(READ_ONCE(s->tcp_seen[dir]) & TCPHDR_SYN)))
		WRITE_ONCE(s->tcp_scale[dir],
			   seg->wscale == PSW_TCP_NO_SCALE ? 0 : seg->wscale + 1);
	if (!known || after(seg->end, end))
		WRITE_ONCE(s->tcp_end[dir], seg->end);
	win = seg->win << psw_sess_tcp_scale(s, dir, flags);
	if (win > READ_ONCE(s->tcp_win[dir]))
		WRITE_ONCE(s->tcp_win[dir], win);
	if (!known)
		WRITE_ONCE(s->tcp_known[dir], 1);
	return flags;
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_tcp_track);

/* A packet of @s from endpoint @dir: it is alive, and TCP may move on. */
void psw_sess_update(struct psw_sess_table *t, struct psw_session *s, u8 dir,
		     u8 tcp_flags)
{
	unsigned long now = jiffies;
	u8 seen, state;

	/* Store only on change, so that a busy session's line stays shared. */
	if (READ_ONCE(s->last) != now)
		WRITE_ONCE(s->last, now);
	if (s->tuple.key.proto != IPPROTO_TCP)
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
 * Which sessions a full table recycles first (lower first): any expired
 * one, then by list, as conntrack's early drop spares assured connections:
 * transient TCP, ICMP, UDP, affinity records; never established TCP.
 */
static const u8 psw_sess_recycle_rank[PSW_SESS_NLISTS] = {
	[PSW_SESS_TCP_ESTABLISHED] = U8_MAX,
	[PSW_SESS_TCP_TRANSIENT] = 1,
	[PSW_SESS_ICMP] = 2,
	[PSW_SESS_UDP] = 3,
	[PSW_SESS_HOLD] = 4,
};

/*
 * The table is full: kill the best session to recycle, the oldest of its
 * rank. Looks at the head of each CPU's lists, which hold their oldest.
 * False when there is none; then, until the next tick, other new
 * connections do not look again (and take no CPU's list lock).
 */
static bool psw_sess_recycle(struct psw_sess_table *t, const struct psw_params *p)
{
	unsigned long now = jiffies;
	struct psw_session *best = NULL, *s;
	u8 best_rank = U8_MAX, rank;
	struct psw_sess_cpu *c;
	int cpu, i;

	if (READ_ONCE(t->recycle_failed) == now)
		return false;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(t->cpus, cpu);
		spin_lock_bh(&c->lock);
		for (i = 0; i < PSW_SESS_NLISTS; i++) {
			s = list_first_entry_or_null(&c->lists[i], struct psw_session, list);
			if (!s)
				continue;
			rank = psw_sess_expired(t, s, p, now) ? 0 : psw_sess_recycle_rank[i];
			if (rank == U8_MAX || rank > best_rank ||
			    (rank == best_rank && best &&
			     !time_before(READ_ONCE(s->last), READ_ONCE(best->last))))
				continue;
			best = s;
			best_rank = rank;
		}
		spin_unlock_bh(&c->lock);
	}
	if (!best) {
		WRITE_ONCE(t->recycle_failed, now);
		return false;
	}
	/* Still valid: freeing waits for the grace period we are in. */
	__psw_sess_kill(t, best, false);
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
 * A new session for the caller to fill in (keys, ntuples, state) and then
 * hash with psw_sess_add(), opened by the packets of port @port. Counts
 * against the table's limit and the port's at once. Returns an ERR_PTR:
 * -EDQUOT when the port has its share, -ENOSPC when the table is full
 * with nothing to recycle, -ENOMEM. Called under rcu_read_lock() from
 * softirq.
 */
struct psw_session *psw_sess_alloc(struct psw_sess_table *t,
				   const struct psw_params *p, u16 port)
{
	u32 max = p->max_sessions[t->kind];
	struct psw_session *s;

	if (WARN_ON_ONCE(port >= PSW_MAX_PORTS))
		return ERR_PTR(-EINVAL);
	/*
	 * The port's share binds once the table is three quarters full: a
	 * port (an uplink, the host) may use an idle table whole, and one pod
	 * still cannot take the room the others need.
	 */
	if (atomic_inc_return(&t->port_count[port]) > p->port_max_sessions[t->kind] &&
	    atomic_read(&t->count) >= max - max / 4) {
		atomic_dec(&t->port_count[port]);
		return ERR_PTR(-EDQUOT);
	}
	if (atomic_inc_return(&t->count) > max) {
		atomic_dec(&t->count);
		if (!psw_sess_recycle(t, p))
			goto full;
		if (atomic_inc_return(&t->count) > max) {
			atomic_dec(&t->count);
			goto full;
		}
	}
	s = kmem_cache_zalloc(t->cache, GFP_ATOMIC);
	if (!s) {
		atomic_dec(&t->count);
		atomic_dec(&t->port_count[port]);
		return ERR_PTR(-ENOMEM);
	}
	s->last = jiffies;
	s->ntuples = 1;
	s->port = port;
	return s;

full:
	atomic_dec(&t->port_count[port]);
	return ERR_PTR(-ENOSPC);
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_alloc);

/*
 * Hash @s by its tuples, replacing sessions of the same keys that timed
 * out. On failure @s is freed: -EEXIST when its first tuple is taken (by
 * a session another CPU just created), -EADDRINUSE when its reply tuple
 * is.
 */
int psw_sess_add(struct psw_sess_table *t, struct psw_session *s,
		 const struct psw_params *p)
{
	struct psw_sess_tuple *tp, *old;
	struct psw_sess_cpu *c;
	int tries, ret = 0;
	u8 i;

	/* On its list first, so that whoever finds it in the hash can kill it. */
	s->cpu = raw_smp_processor_id();
	c = per_cpu_ptr(t->cpus, s->cpu);
	spin_lock_bh(&c->lock);
	list_add_tail(&s->list, &c->lists[s->state]);
	if (t->kind == PSW_SESSION_NAT44)
		psw_nat_sess(s)->id = c->seq++ * nr_cpu_ids + s->cpu;
	spin_unlock_bh(&c->lock);

	for (i = 0; i < s->ntuples && !ret; i++) {
		tp = psw_sess_tuple(s, i);
		tp->key.tuple = i;
		for (tries = 2; ; tries--) {
			struct psw_session *o;

			old = rhashtable_lookup_get_insert_fast(&t->ht, &tp->node,
								psw_sess_ht_params);
			if (!old)
				break;
			if (IS_ERR(old)) {
				ret = PTR_ERR(old);
				break;
			}
			o = psw_sess_of(old);
			/*
			 * Taken, by a live session or, after our tries, by a
			 * dead one another CPU has yet to unhash: never
			 * report success for a tuple that is not in the hash.
			 */
			if (!tries || (!test_bit(PSW_SESS_DEAD, &o->flags) &&
				       !psw_sess_expired(t, o, p, jiffies))) {
				ret = i ? -EADDRINUSE : -EEXIST;
				break;
			}
			/* The key's previous connection is over: replace it. */
			__psw_sess_kill(t, o, false);
		}
	}
	if (ret) {
		__psw_sess_kill(t, s, false);
		return ret;
	}
	psw_sess_gc_arm(t);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_add);

u8 psw_sess_first_state(u8 proto)
{
	return proto == IPPROTO_TCP ? PSW_SESS_TCP_TRANSIENT :
	       proto == IPPROTO_ICMP ? PSW_SESS_ICMP : PSW_SESS_UDP;
}

/*
 * Create the ACL session of key @k, opened from endpoint @dir on port
 * @port by a packet with @tcp_flags. Returns the session or an ERR_PTR:
 * those of psw_sess_alloc() and psw_sess_add().
 */
struct psw_session *psw_sess_create(struct psw_sess_table *t,
				    const struct psw_sess_key *k, u8 dir,
				    u8 tcp_flags, u16 port,
				    const struct psw_params *p)
{
	struct psw_session *s;
	int ret;

	s = psw_sess_alloc(t, p, port);
	if (IS_ERR(s))
		return s;
	s->tuple.key = *k;
	s->orig = dir;
	s->tcp_seen[dir] = tcp_flags;
	s->state = psw_sess_first_state(k->proto);
	ret = psw_sess_add(t, s, p);
	return ret ? ERR_PTR(ret) : s;
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_create);

/*
 * Visit the sessions of @t's first @nlists lists, CPU by CPU, each CPU's
 * lists under its lock: @visit says what becomes of each (enum
 * psw_sess_verdict) and is told its place in its list. The garbage
 * collector, flushes and dumps all walk this way.
 */
void psw_sess_walk(struct psw_sess_table *t, unsigned int nlists,
		   psw_sess_visit_fn visit, void *arg)
{
	struct psw_session *s, *tmp;
	struct psw_sess_cpu *c;
	bool stop = false;
	unsigned int n;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(t->cpus, cpu);
		spin_lock_bh(&c->lock);
		for (i = 0; i < nlists && !stop; i++) {
			LIST_HEAD(seen);

			n = 0;
			list_for_each_entry_safe(s, tmp, &c->lists[i], list) {
				switch (visit(t, s, n++, arg)) {
				case PSW_SESS_NEXT:
					continue;
				case PSW_SESS_KILL:
					__psw_sess_kill(t, s, true);
					continue;
				case PSW_SESS_SEEN:
					list_move_tail(&s->list, &seen);
					continue;
				case PSW_SESS_STOP:
					stop = true;
					break;
				case PSW_SESS_NEXT_LIST:
					break;
				}
				break;
			}
			list_splice_tail(&seen, &c->lists[i]);
		}
		spin_unlock_bh(&c->lock);
		if (stop)
			break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_walk);

/* Where @cur resumes in its bucket's chain: after its last tuple if still there. */
static u32 psw_sess_cursor_resume(const struct bucket_table *tbl,
				  const struct psw_sess_cursor *cur)
{
	struct psw_sess_tuple *tp;
	struct rhash_head *pos;
	u32 i = 0;

	if (!cur->last)
		return cur->skip;
	rht_for_each_entry_rcu(tp, pos, tbl, cur->bucket, node) {
		i++;
		if (tp == cur->last)
			return i;
	}
	return cur->skip;
}

/*
 * Visit the live connections of @t from @cur on, under RCU, without a
 * lock or a copy: a dump streams from the hash however large it is, and
 * a reader that stops reading holds nothing. Returns true when the table
 * was walked to its end, false when @fill stopped it (@cur says where).
 * Sessions come and go meanwhile, as in conntrack's dump; a resize, which
 * moves them between bucket tables, sets @cur->moved for the caller to
 * mark its dump interrupted (and restarts a cursor it made meaningless).
 */
bool psw_sess_dump_walk(struct psw_sess_table *t, struct psw_sess_cursor *cur,
			const struct psw_params *p, psw_sess_dump_fn fill, void *arg)
{
	const struct bucket_table *tbl = rht_dereference_rcu(t->ht.tbl, &t->ht);
	unsigned long now = jiffies;
	struct psw_sess_tuple *tp;
	struct rhash_head *pos;
	struct psw_session *s;
	bool done = false;
	u32 i, from;

	if (cur->tbl != tbl || cur->rnd != tbl->hash_rnd) {
		if (cur->tbl)
			cur->moved = true;
		cur->tbl = tbl;
		cur->rnd = tbl->hash_rnd;
		cur->bucket = 0;
		cur->skip = 0;
		cur->last = NULL;
	}
	for (; cur->bucket < tbl->size; cur->bucket++, cur->skip = 0, cur->last = NULL) {
		from = psw_sess_cursor_resume(tbl, cur);
		i = 0;
		rht_for_each_entry_rcu(tp, pos, tbl, cur->bucket, node) {
			if (i++ < from)
				continue;
			s = psw_sess_of(tp);
			/* A NAT session once, by its first tuple; no affinity records. */
			if (!tp->key.tuple && READ_ONCE(s->state) != PSW_SESS_HOLD &&
			    !test_bit(PSW_SESS_DEAD, &s->flags) &&
			    !psw_sess_expired(t, s, p, now) && fill(t, s, now, arg))
				goto out;
			cur->skip = i;
			cur->last = tp;
		}
	}
	done = true;
out:
	/* Entries moving to a new table meanwhile may have been missed. */
	if (rht_dereference_rcu(t->ht.tbl, &t->ht) != tbl ||
	    rcu_access_pointer(tbl->future_tbl))
		cur->moved = true;
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_dump_walk);

void psw_sess_info_fill(struct psw_sess_info *d, const struct psw_sess_table *t,
			struct psw_session *s, const struct psw_params *p,
			unsigned long now)
{
	const struct psw_sess_key *k = &s->tuple.key;
	unsigned long last = READ_ONCE(s->last);
	u8 o = t->kind == PSW_SESSION_ACL ? s->orig : 0;

	d->table = t->kind;
	d->src = k->addr[o];
	d->dst = k->addr[!o];
	d->sport = ntohs(k->port[o]);
	d->dport = ntohs(k->port[!o]);
	d->proto = k->proto;
	d->state = READ_ONCE(s->state);
	d->port = s->port;
	d->idle_ms = jiffies_to_msecs(now - last);
	d->expires_ms = jiffies_to_msecs(last + psw_sess_timeout(t, s, p) - now);
	if (t->kind == PSW_SESSION_NAT44) {
		const struct psw_sess_key *r = &psw_nat_sess(s)->reply.key;

		/* The initiator's packets become the reverse of the reply key. */
		d->id = psw_nat_sess(s)->id;
		d->xsrc = r->addr[1];
		d->xdst = r->addr[0];
		d->xsport = ntohs(r->port[1]);
		d->xdport = ntohs(r->port[0]);
	}
}

struct psw_sess_gc_arg {
	const struct psw_params *p;
	unsigned long now;
	unsigned int budget;
	unsigned int freed;
};

static enum psw_sess_verdict psw_sess_gc_visit(struct psw_sess_table *t,
					       struct psw_session *s,
					       unsigned int n, void *arg)
{
	struct psw_sess_gc_arg *gc = arg;

	if (n == gc->budget)
		return PSW_SESS_NEXT_LIST;
	if (!psw_sess_expired(t, s, gc->p, gc->now))
		return PSW_SESS_SEEN;
	gc->freed++;
	return PSW_SESS_KILL;
}

/*
 * Reclaim expired sessions, looking at no more than @budget per list.
 * Returns how many were freed.
 */
unsigned int psw_sess_gc(struct psw_sess_table *t, unsigned int budget)
{
	struct psw_sess_gc_arg gc = { .now = jiffies, .budget = budget };

	rcu_read_lock();
	gc.p = rcu_dereference(*t->params);
	psw_sess_walk(t, PSW_SESS_NLISTS, psw_sess_gc_visit, &gc);
	rcu_read_unlock();
	return gc.freed;
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

struct psw_sess_flush_arg {
	bool (*match)(const struct psw_session *s, const void *arg);
	const void *arg;
};

static enum psw_sess_verdict psw_sess_flush_visit(struct psw_sess_table *t,
						  struct psw_session *s,
						  unsigned int n, void *arg)
{
	struct psw_sess_flush_arg *f = arg;

	return !f->match || f->match(s, f->arg) ? PSW_SESS_KILL : PSW_SESS_NEXT;
}

/* Kill every session @match says yes to; all of them if it is NULL. */
static bool psw_sess_match_port(const struct psw_session *s, const void *arg)
{
	return s->port == *(const u16 *)arg;
}

/* Port @port leaves: the sessions it opened go, and its count with them. */
void psw_sess_flush_port(struct psw_sess_table *t, u16 port)
{
	psw_sess_flush_if(t, psw_sess_match_port, &port);
}

/* Either address of either tuple: before and after NAT. */
static bool psw_sess_match_addr(const struct psw_session *s, const void *arg)
{
	__be32 addr = *(const __be32 *)arg;
	const struct psw_sess_key *k;
	u8 i;

	for (i = 0; i < s->ntuples; i++) {
		k = i ? &container_of(s, struct psw_nat_session, s)->reply.key : &s->tuple.key;
		if (k->addr[0] == addr || k->addr[1] == addr)
			return true;
	}
	return false;
}

/*
 * A pod's address goes (CNI DEL): no connection of it may live on for the
 * next pod to get that address, whichever port opened it.
 */
void psw_sess_flush_addr(struct psw_sess_table *t, __be32 addr)
{
	psw_sess_flush_if(t, psw_sess_match_addr, &addr);
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_flush_addr);

void psw_sess_flush_if(struct psw_sess_table *t,
		       bool (*match)(const struct psw_session *s, const void *arg),
		       const void *arg)
{
	struct psw_sess_flush_arg f = { .match = match, .arg = arg };

	psw_sess_walk(t, PSW_SESS_NLISTS, psw_sess_flush_visit, &f);
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_flush_if);

void psw_sess_flush(struct psw_sess_table *t)
{
	psw_sess_flush_if(t, NULL, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_flush);

int psw_sess_table_init(struct psw_sess_table *t, u8 kind,
			struct psw_params __rcu **params)
{
	struct psw_sess_cpu *c;
	int cpu, i, ret;

	t->port_count = kcalloc(PSW_MAX_PORTS, sizeof(*t->port_count), GFP_KERNEL_ACCOUNT);
	if (!t->port_count)
		return -ENOMEM;
	t->cpus = alloc_percpu(struct psw_sess_cpu);
	if (!t->cpus) {
		kfree(t->port_count);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(t->cpus, cpu);
		spin_lock_init(&c->lock);
		for (i = 0; i < PSW_SESS_NLISTS; i++)
			INIT_LIST_HEAD(&c->lists[i]);
	}
	ret = rhashtable_init(&t->ht, &psw_sess_ht_params);
	if (ret) {
		free_percpu(t->cpus);
		kfree(t->port_count);
		return ret;
	}
	atomic_set(&t->count, 0);
	t->kind = kind;
	t->cache = psw_sess_cache[kind];
	t->gc_flags = 0;
	t->recycle_failed = jiffies - 1;
	t->params = params;
	INIT_DELAYED_WORK(&t->gc, psw_sess_gc_work);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_table_init);

/* No packet can reach @t any more, and no reader is left. */
void psw_sess_table_destroy(struct psw_sess_table *t)
{
	struct psw_session *s, *tmp;
	struct psw_sess_cpu *c;
	int cpu, i;

	/* The work re-arms itself: stop it for good first. */
	set_bit(PSW_SESS_GC_ARMED, &t->gc_flags);
	cancel_delayed_work_sync(&t->gc);
	/* The hash goes whole: no need to unlink sessions from it one by one. */
	rhashtable_destroy(&t->ht);
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(t->cpus, cpu);
		for (i = 0; i < PSW_SESS_NLISTS; i++)
			list_for_each_entry_safe(s, tmp, &c->lists[i], list)
				kmem_cache_free(t->cache, s);
	}
	free_percpu(t->cpus);
	kfree(t->port_count);
}
EXPORT_SYMBOL_IF_KUNIT(psw_sess_table_destroy);
