// SPDX-License-Identifier: GPL-2.0
/*
 * Neighbors: static on pod ports, learned by ARP on the host port and on
 * uplinks, with refresh, aging and a short queue of packets waiting for
 * resolution.
 *
 * Locking: readers use RCU. Writers (softirq ARP learning, the output
 * path creating an unresolved entry, netlink, the gc work) take
 * table->lock with bottom halves off. Packets are never transmitted
 * under the lock: what resolution releases is spliced out first.
 */

#include "neigh.h"
#include "pipeline.h"
#include "port.h"
#include "switch.h"

#include <uapi/linux/podswitch.h>

#include <kunit/visibility.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>

#define PSW_GC_INTERVAL msecs_to_jiffies(1000)
#define PSW_GC_ARP_BATCH 64

static struct hlist_head *psw_neigh_bucket(struct psw_neigh_table *t,
					   u16 port, __be32 addr)
{
	/* Seeded: else an uplink host picks senders that share one bucket. */
	return &t->buckets[jhash_2words((__force u32)addr, port, t->seed) %
			   PSW_NEIGH_BUCKETS];
}

struct psw_neigh *psw_neigh_lookup(struct psw_switch *sw, u16 port, __be32 addr)
{
	struct psw_neigh *n;

	hlist_for_each_entry_rcu(n, psw_neigh_bucket(&sw->neigh, port, addr), node,
				 lockdep_is_held(&sw->neigh.lock))
		if (n->addr == addr && n->port == port)
			return n;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(psw_neigh_lookup);

/*
 * A packet waiting for resolution keeps its trace record in skb->cb, so
 * that its walk ends where the packet does.
 */
struct psw_neigh_cb {
	struct psw_trace_rec *tr;
	u16 src;		/* the port it came in by */
};

static struct psw_neigh_cb *psw_neigh_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct psw_neigh_cb) > sizeof(skb->cb));
	return (struct psw_neigh_cb *)skb->cb;
}

static struct psw_trace_rec **psw_neigh_cb_tr(struct sk_buff *skb)
{
	return &psw_neigh_cb(skb)->tr;
}

static void psw_neigh_drop_queued(struct psw_switch *sw, struct sk_buff *skb,
				  enum psw_counter why)
{
	struct psw_trace_rec *tr = *psw_neigh_cb_tr(skb);

	psw_count(sw->counters, why);
	if (tr) {
		psw_trace_printf(tr, "  drop: %s (%s)\n", psw_counter_info[why].reason,
				 psw_counter_info[why].node);
		psw_trace_commit(&sw->trace, tr);
	}
	kfree_skb_reason(skb, psw_counter_info[why].drop);
}

/* Take what waits for @n into @q. */
static void psw_neigh_unqueue(struct psw_neigh_table *t, struct psw_neigh *n,
			      struct sk_buff_head *q)
{
	struct sk_buff *skb;

	skb_queue_walk(&n->queue, skb)
		t->qbytes_src[psw_neigh_cb(skb)->src] -= skb->truesize;
	skb_queue_splice_tail_init(&n->queue, q);
	t->qbytes -= n->qbytes;
	n->qbytes = 0;
}

static void psw_neigh_free(struct psw_switch *sw, struct psw_neigh *n,
			   enum psw_counter why)
{
	struct psw_neigh_table *t = &sw->neigh;
	struct sk_buff_head q;
	struct sk_buff *skb;

	__skb_queue_head_init(&q);
	psw_neigh_unqueue(t, n, &q);
	while ((skb = __skb_dequeue(&q)))
		psw_neigh_drop_queued(sw, skb, why);
	hlist_del_rcu(&n->node);
	t->count--;
	if (n->state == PSW_NEIGH_STATIC) {
		t->nstatic--;
	} else {
		list_del(&n->lru);
		list_del(&n->port_lru);
		t->ndynamic--;
		t->nport[n->port]--;
		if (n->state == PSW_NEIGH_INCOMPLETE) {
			t->nincomplete--;
			if (n->src != PSW_NEIGH_NO_SRC)
				t->nincomplete_src[n->src]--;
		}
	}
	kfree_rcu(n, rcu);
}

/*
 * Forget the least recently confirmed learned entry of @port's (of the
 * whole table's if negative), among its oldest few: resolutions in
 * progress are kept.
 */
static bool psw_neigh_evict(struct psw_switch *sw, int port)
{
	struct psw_neigh_table *t = &sw->neigh;
	struct psw_neigh *n;
	unsigned int i = 0;

	if (port < 0) {
		list_for_each_entry(n, &t->lru, lru)
			if (i++ == PSW_NEIGH_EVICT_SCAN || n->state != PSW_NEIGH_INCOMPLETE)
				goto found;
	} else {
		list_for_each_entry(n, &t->port_lru[port], port_lru)
			if (i++ == PSW_NEIGH_EVICT_SCAN || n->state != PSW_NEIGH_INCOMPLETE)
				goto found;
	}
	return false;
found:
	if (n->state == PSW_NEIGH_INCOMPLETE)
		return false;
	psw_count(sw->counters, PSW_C_NEIGH_EVICT);
	psw_neigh_free(sw, n, PSW_C_OUT_UNRES);
	return true;
}

/* Whether an entry of @state on @port, caused by @src, fits once room is made. */
static bool psw_neigh_room(struct psw_switch *sw, u16 port, u8 state, u16 src)
{
	struct psw_neigh_table *t = &sw->neigh;

	if (state == PSW_NEIGH_STATIC)
		return t->nstatic < PSW_NEIGH_MAX_STATIC;
	if (state == PSW_NEIGH_INCOMPLETE &&
	    (t->nincomplete >= PSW_NEIGH_MAX_INCOMPLETE ||
	     (src != PSW_NEIGH_NO_SRC &&
	      t->nincomplete_src[src] >= PSW_NEIGH_MAX_INCOMPLETE_SRC)))
		return false;
	if (t->nport[port] >= PSW_NEIGH_MAX_PORT && !psw_neigh_evict(sw, port))
		return false;
	return t->ndynamic < PSW_NEIGH_MAX_DYNAMIC || psw_neigh_evict(sw, -1);
}

/* Send what waited for @n's MAC; @q was spliced out of it under the lock. */
static void psw_neigh_release(struct psw_switch *sw, u16 port_index,
			      const u8 *mac, struct sk_buff_head *q)
{
	struct psw_trace_rec *tr;
	struct psw_port *port;
	struct sk_buff *skb;

	if (skb_queue_empty(q))
		return;
	rcu_read_lock();
	local_bh_disable();
	port = psw_port_get(sw, port_index);
	while ((skb = __skb_dequeue(q))) {
		if (!port) {
			psw_neigh_drop_queued(sw, skb, PSW_C_OUT_GONE);
			continue;
		}
		tr = *psw_neigh_cb_tr(skb);
		if (tr)
			psw_trace_printf(tr, "  resolved: %pM\n", mac);
		psw_output_frame(sw, port, skb, mac, htons(ETH_P_IP), tr);
		psw_trace_commit(&sw->trace, tr);
	}
	local_bh_enable();
	rcu_read_unlock();
}

/* A new entry; @src: the port whose packet asked for an INCOMPLETE one. */
static struct psw_neigh *psw_neigh_new(struct psw_switch *sw, u16 port,
				       __be32 addr, const u8 *mac, u8 state, u16 src)
{
	struct psw_neigh_table *t = &sw->neigh;
	struct psw_neigh *n;

	if (port >= PSW_MAX_PORTS)
		return NULL;
	/* Allocated first: nothing is forgotten for an entry that fails. */
	n = kzalloc(sizeof(*n), GFP_ATOMIC);
	if (!n)
		return NULL;
	if (!psw_neigh_room(sw, port, state, src)) {
		kfree(n);
		return NULL;
	}
	n->addr = addr;
	n->src = src;
	n->port = port;
	n->state = state;
	if (mac)
		ether_addr_copy(n->mac, mac);
	n->confirmed = jiffies;
	n->probed = jiffies;
	__skb_queue_head_init(&n->queue);
	hlist_add_head_rcu(&n->node, psw_neigh_bucket(t, port, addr));
	t->count++;
	if (state == PSW_NEIGH_STATIC) {
		t->nstatic++;
	} else {
		list_add_tail(&n->lru, &t->lru);
		list_add_tail(&n->port_lru, &t->port_lru[port]);
		t->ndynamic++;
		t->nport[port]++;
		if (state == PSW_NEIGH_INCOMPLETE) {
			t->nincomplete++;
			if (src != PSW_NEIGH_NO_SRC)
				t->nincomplete_src[src]++;
		}
	}
	return n;
}

/*
 * Insert or replace (port, addr) -> mac in @state (only replace unless
 * @create); what waited for it is sent. Returns -ENOSPC when the table is
 * full, -ENOENT when there was nothing to replace.
 */
static int __psw_neigh_set(struct psw_switch *sw, u16 port, __be32 addr,
			   const u8 *mac, u8 state, bool keep_static, bool create)
{
	struct psw_neigh_table *t = &sw->neigh;
	struct sk_buff_head q;
	struct psw_neigh *old, *n;

	__skb_queue_head_init(&q);
	spin_lock_bh(&t->lock);
	old = psw_neigh_lookup(sw, port, addr);
	if (!old && !create) {
		spin_unlock_bh(&t->lock);
		return -ENOENT;
	}
	if (old && keep_static && old->state == PSW_NEIGH_STATIC) {
		spin_unlock_bh(&t->lock);
		return 0;
	}
	if (old && old->state != PSW_NEIGH_INCOMPLETE && old->state == state &&
	    ether_addr_equal(old->mac, mac)) {
		WRITE_ONCE(old->confirmed, jiffies);
		if (state != PSW_NEIGH_STATIC) {
			list_move_tail(&old->lru, &t->lru);
			list_move_tail(&old->port_lru, &t->port_lru[port]);
		}
		spin_unlock_bh(&t->lock);
		return 0;
	}
	if (old) {
		psw_neigh_unqueue(t, old, &q);
		psw_neigh_free(sw, old, PSW_C_OUT_UNRES);
	}
	n = psw_neigh_new(sw, port, addr, mac, state, PSW_NEIGH_NO_SRC);
	spin_unlock_bh(&t->lock);
	if (!n) {
		struct sk_buff *skb;

		while ((skb = __skb_dequeue(&q)))
			psw_neigh_drop_queued(sw, skb, PSW_C_OUT_NONEIGH);
		return -ENOSPC;
	}
	psw_neigh_release(sw, port, mac, &q);
	return 0;
}

int psw_neigh_set(struct psw_switch *sw, u16 port, __be32 addr,
		  const u8 *mac, u8 state)
{
	return __psw_neigh_set(sw, port, addr, mac, state, false, true);
}
EXPORT_SYMBOL_IF_KUNIT(psw_neigh_set);

/*
 * ARP taught us @addr is at @mac on @port: update an entry there is (but
 * never a static one), or create one when @create. Softirq.
 */
bool psw_neigh_learn(struct psw_switch *sw, u16 port, __be32 addr,
		     const u8 *mac, bool create)
{
	return __psw_neigh_set(sw, port, addr, mac, PSW_NEIGH_REACHABLE, true, create) == 0;
}
EXPORT_SYMBOL_IF_KUNIT(psw_neigh_learn);

int psw_neigh_del(struct psw_switch *sw, u16 port, __be32 addr)
{
	struct psw_neigh *n;
	int ret = -ENOENT;

	spin_lock_bh(&sw->neigh.lock);
	n = psw_neigh_lookup(sw, port, addr);
	if (n) {
		psw_neigh_free(sw, n, PSW_C_OUT_UNRES);
		ret = 0;
	}
	spin_unlock_bh(&sw->neigh.lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(psw_neigh_del);

/*
 * A dump's cursor: the entry at place @idx of bucket @bucket, or, past the
 * bucket's end, the first of the next non-empty one (the cursor moves
 * there); NULL past the last. The caller moves on by incrementing @idx.
 * Under RCU: entries added or removed meanwhile may be missed or shown
 * twice, as with any walk of a table that changes.
 */
struct psw_neigh *psw_neigh_at(struct psw_switch *sw, long *bucket, long *idx)
{
	struct psw_neigh *n;
	long i;

	for (; *bucket < PSW_NEIGH_BUCKETS; (*bucket)++, *idx = 0) {
		i = 0;
		hlist_for_each_entry_rcu(n, &sw->neigh.buckets[*bucket], node)
			if (i++ == *idx)
				return n;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(psw_neigh_at);

static void psw_neigh_flush(struct psw_switch *sw, int port)
{
	struct psw_neigh *n;
	struct hlist_node *tmp;
	unsigned int b;

	spin_lock_bh(&sw->neigh.lock);
	for (b = 0; b < PSW_NEIGH_BUCKETS; b++)
		hlist_for_each_entry_safe(n, tmp, &sw->neigh.buckets[b], node)
			if (port < 0 || n->port == port)
				psw_neigh_free(sw, n, PSW_C_OUT_GONE);
	spin_unlock_bh(&sw->neigh.lock);
}

void psw_neigh_flush_port(struct psw_switch *sw, u16 port)
{
	psw_neigh_flush(sw, port);
}

/*
 * The output path for a port whose neighbors are looked up: send to the
 * next hop's MAC, or queue the packet and ask by ARP.
 */
void psw_neigh_resolve_and_send(struct psw_pkt *pkt, struct sk_buff *skb)
{
	struct psw_switch *sw = pkt->sw;
	struct psw_neigh_table *t = &sw->neigh;
	u16 port = pkt->out->index;
	struct psw_neigh *n;
	bool ask = false;
	u8 mac[ETH_ALEN];

	n = psw_neigh_lookup(sw, port, pkt->nexthop);
	if (n && READ_ONCE(n->state) != PSW_NEIGH_INCOMPLETE) {
		if (n->state != PSW_NEIGH_STATIC &&
		    time_after(jiffies, READ_ONCE(n->confirmed) +
			       msecs_to_jiffies(PSW_NEIGH_REACHABLE_MS)) &&
		    time_after(jiffies, READ_ONCE(n->probed) +
			       msecs_to_jiffies(PSW_NEIGH_RETRANS_MS))) {
			WRITE_ONCE(n->probed, jiffies);
			WRITE_ONCE(n->state, PSW_NEIGH_STALE);
			psw_arp_request(sw, pkt->out, pkt->nexthop);
		}
		ether_addr_copy(mac, n->mac);
		psw_trace(pkt, "  neighbor %pI4 is %pM\n", &pkt->nexthop, mac);
		psw_output_frame(sw, pkt->out, skb, mac, htons(ETH_P_IP), pkt->tr);
		return;
	}

	spin_lock_bh(&t->lock);
	n = psw_neigh_lookup(sw, port, pkt->nexthop);
	if (!n) {
		n = psw_neigh_new(sw, port, pkt->nexthop, NULL,
				  PSW_NEIGH_INCOMPLETE, pkt->in->index);
		if (!n) {
			spin_unlock_bh(&t->lock);
			psw_drop(pkt, skb, PSW_C_OUT_NONEIGH);
			return;
		}
		ask = true;
	}
	if (n->state != PSW_NEIGH_INCOMPLETE) {
		/* Resolved while we looked: go round again. */
		spin_unlock_bh(&t->lock);
		psw_neigh_resolve_and_send(pkt, skb);
		return;
	}
	/*
	 * Bounded in packets and in bytes, a pod's GSO packets being 64 KB
	 * each; but one packet may always wait, however big.
	 */
	if (skb_queue_len(&n->queue) >= PSW_NEIGH_QUEUE ||
	    (n->qbytes && n->qbytes + skb->truesize > PSW_NEIGH_QUEUE_BYTES) ||
	    t->qbytes + skb->truesize > PSW_NEIGH_QUEUE_TOTAL ||
	    t->qbytes_src[pkt->in->index] + skb->truesize > PSW_NEIGH_QUEUE_SRC) {
		spin_unlock_bh(&t->lock);
		psw_drop(pkt, skb, PSW_C_OUT_QFULL);
		return;
	}
	psw_trace(pkt, "  neighbor %pI4 unresolved: queued, %s\n",
		  &pkt->nexthop, ask ? "ARP request sent" : "ARP pending");
	/* The trace record goes with the packet. */
	*psw_neigh_cb_tr(skb) = pkt->tr;
	pkt->tr = NULL;
	psw_neigh_cb(skb)->src = pkt->in->index;
	n->qbytes += skb->truesize;
	t->qbytes += skb->truesize;
	t->qbytes_src[pkt->in->index] += skb->truesize;
	__skb_queue_tail(&n->queue, skb);
	spin_unlock_bh(&t->lock);
	if (ask)
		psw_arp_request(sw, pkt->out, pkt->nexthop);
}

/*
 * Age the table as of @now: forget what could not be resolved or was not
 * confirmed for too long, mark unconfirmed entries stale, and collect up
 * to @max unresolved neighbors due for another ARP request in @ask.
 * Returns how many were collected.
 */
unsigned int psw_neigh_age(struct psw_switch *sw, unsigned long now,
			   struct psw_arp_target *ask, unsigned int max)
{
	struct psw_neigh_table *t = &sw->neigh;
	struct hlist_node *tmp;
	struct psw_neigh *n;
	unsigned int b, nask = 0;

	spin_lock_bh(&t->lock);
	for (b = 0; b < PSW_NEIGH_BUCKETS; b++) {
		hlist_for_each_entry_safe(n, tmp, &t->buckets[b], node) {
			switch (n->state) {
			case PSW_NEIGH_STATIC:
				break;
			case PSW_NEIGH_INCOMPLETE:
				if (time_after(now, n->confirmed +
					       msecs_to_jiffies(PSW_NEIGH_RESOLVE_MS))) {
					psw_neigh_free(sw, n, PSW_C_OUT_UNRES);
				} else if (nask < max &&
					   time_after_eq(now, n->probed +
							 msecs_to_jiffies(PSW_NEIGH_RETRANS_MS))) {
					n->probed = now;
					ask[nask++] = (struct psw_arp_target){ n->port, n->addr };
				}
				break;
			default:
				if (time_after(now, READ_ONCE(n->confirmed) +
					       msecs_to_jiffies(PSW_NEIGH_STALE_MS)))
					psw_neigh_free(sw, n, PSW_C_OUT_UNRES);
				else if (time_after(now, READ_ONCE(n->confirmed) +
						    msecs_to_jiffies(PSW_NEIGH_REACHABLE_MS)))
					WRITE_ONCE(n->state, PSW_NEIGH_STALE);
				break;
			}
		}
	}
	spin_unlock_bh(&t->lock);
	return nask;
}
EXPORT_SYMBOL_IF_KUNIT(psw_neigh_age);

static void psw_neigh_gc(struct work_struct *work)
{
	struct psw_neigh_table *t = container_of(to_delayed_work(work),
						 struct psw_neigh_table, gc);
	struct psw_switch *sw = container_of(t, struct psw_switch, neigh);
	struct psw_arp_target ask[PSW_GC_ARP_BATCH];
	unsigned int i, nask;

	nask = psw_neigh_age(sw, jiffies, ask, PSW_GC_ARP_BATCH);
	rcu_read_lock();
	local_bh_disable();
	for (i = 0; i < nask; i++) {
		struct psw_port *port = psw_port_get(sw, ask[i].port);

		if (port)
			psw_arp_request(sw, port, ask[i].addr);
	}
	local_bh_enable();
	rcu_read_unlock();

	schedule_delayed_work(&t->gc, PSW_GC_INTERVAL);
}

void psw_neigh_init(struct psw_switch *sw)
{
	struct psw_neigh_table *t = &sw->neigh;
	unsigned int b;

	spin_lock_init(&t->lock);
	t->count = 0;
	t->nstatic = 0;
	t->ndynamic = 0;
	t->nincomplete = 0;
	t->qbytes = 0;
	t->seed = get_random_u32();
	INIT_LIST_HEAD(&t->lru);
	memset(t->nport, 0, sizeof(t->nport));
	memset(t->nincomplete_src, 0, sizeof(t->nincomplete_src));
	memset(t->qbytes_src, 0, sizeof(t->qbytes_src));
	for (b = 0; b < PSW_MAX_PORTS; b++)
		INIT_LIST_HEAD(&t->port_lru[b]);
	for (b = 0; b < PSW_NEIGH_BUCKETS; b++)
		INIT_HLIST_HEAD(&t->buckets[b]);
	INIT_DELAYED_WORK(&t->gc, psw_neigh_gc);
	schedule_delayed_work(&t->gc, PSW_GC_INTERVAL);
}
EXPORT_SYMBOL_IF_KUNIT(psw_neigh_init);

void psw_neigh_uninit(struct psw_switch *sw)
{
	cancel_delayed_work_sync(&sw->neigh.gc);
	psw_neigh_flush(sw, -1);
}
EXPORT_SYMBOL_IF_KUNIT(psw_neigh_uninit);
