// SPDX-License-Identifier: GPL-2.0
/*
 * NAT44 configuration: services (VIP:port to weighted backends) and SNAT
 * pools, which nat44.c's nodes read.
 *
 * Locking: services live in an rhashtable the packet path reads under
 * RCU. A service is immutable; PSW_CMD_SERVICE_NEW on an existing VIP:port
 * replaces the object in the hash, waits for the readers of the old one,
 * and then kills the sessions (and affinity records) of backends that are
 * gone, so that no new connection can still pick one. A pool is replaced
 * the same way. Configuration runs under RTNL and the switch lock.
 */

#include "nat44.h"
#include "port.h"
#include "switch.h"

#include <kunit/visibility.h>
#include <linux/bsearch.h>
#include <linux/rhashtable.h>
#include <linux/sort.h>

static const struct rhashtable_params psw_nat_svc_params = {
	.key_len = sizeof(struct psw_nat_svc_key),
	.key_offset = offsetof(struct psw_nat_service, key),
	.head_offset = offsetof(struct psw_nat_service, node),
	.automatic_shrinking = true,
};

int psw_nat44_switch_init(struct psw_switch *sw)
{
	sw->nat.nservices = 0;
	INIT_LIST_HEAD(&sw->nat.list);
	xa_init(&sw->nat.vips);
	return rhashtable_init(&sw->nat.services, &psw_nat_svc_params);
}

static void psw_nat_service_free(void *ptr, void *arg)
{
	kfree(ptr);
}

/* After the last packet: nothing reads the services any more. */
void psw_nat44_switch_free(struct psw_switch *sw)
{
	rhashtable_free_and_destroy(&sw->nat.services, psw_nat_service_free, NULL);
	xa_destroy(&sw->nat.vips);
}

/* Whether @addr is the VIP of a service: the switch answers ARP for it. */
bool psw_nat44_is_vip(struct psw_switch *sw, __be32 addr)
{
	return READ_ONCE(sw->nat.nservices) && xa_load(&sw->nat.vips, ntohl(addr));
}

/* Count one more (@delta 1) or one fewer (-1) service of VIP @vip. */
static int psw_nat_vip_ref(struct psw_switch *sw, __be32 vip, int delta)
{
	unsigned long n = xa_to_value(xa_load(&sw->nat.vips, ntohl(vip))) + delta;

	return xa_err(xa_store(&sw->nat.vips, ntohl(vip), n ? xa_mk_value(n) : NULL,
			       GFP_KERNEL_ACCOUNT));
}

/* The service of the connection @k opens, under RCU. */
const struct psw_nat_service *psw_nat_service_lookup(struct psw_switch *sw,
						     const struct psw_sess_key *k)
{
	struct psw_nat_svc_key sk = {
		.vip = k->addr[1],
		.port = k->port[1],
		.proto = k->proto,
	};

	if (k->proto == IPPROTO_ICMP || !READ_ONCE(sw->nat.nservices))
		return NULL;
	return rhashtable_lookup(&sw->nat.services, &sk, psw_nat_svc_params);
}

/* ---- services ---- */

struct psw_nat_service *psw_nat_service_alloc(u32 nbackends)
{
	struct psw_nat_service *svc;

	svc = kzalloc(struct_size(svc, backends, nbackends), GFP_KERNEL_ACCOUNT);
	if (svc)
		svc->nbackends = nbackends;
	return svc;
}
EXPORT_SYMBOL_IF_KUNIT(psw_nat_service_alloc);

static int psw_nat_backend_cmp(const void *a, const void *b)
{
	const struct psw_nat_backend *x = a, *y = b;

	if (x->addr != y->addr)
		return ntohl(x->addr) < ntohl(y->addr) ? -1 : 1;
	return (int)ntohs(x->port) - (int)ntohs(y->port);
}

/*
 * Sort the backends (for psw_nat_backend_find()) and sum their weights.
 * Returns the index of a backend given twice, or nbackends.
 */
u32 psw_nat_service_finish(struct psw_nat_service *svc)
{
	u32 i, sum = 0;

	sort(svc->backends, svc->nbackends, sizeof(svc->backends[0]),
	     psw_nat_backend_cmp, NULL);
	for (i = 0; i < svc->nbackends; i++) {
		if (i && !psw_nat_backend_cmp(&svc->backends[i - 1], &svc->backends[i]))
			return i;
		sum += svc->backends[i].weight;
		svc->backends[i].upto = sum;
	}
	svc->total = sum;
	return svc->nbackends;
}
EXPORT_SYMBOL_IF_KUNIT(psw_nat_service_finish);

const struct psw_nat_backend *
psw_nat_backend_find(const struct psw_nat_service *svc, __be32 addr, __be16 port)
{
	const struct psw_nat_backend key = { .addr = addr, .port = port };

	return bsearch(&key, svc->backends, svc->nbackends, sizeof(key),
		       psw_nat_backend_cmp);
}

/* The backend a uniform @r in [0, total) falls on: each gets its weight's share. */
const struct psw_nat_backend *psw_nat_pick(const struct psw_nat_service *svc, u32 r)
{
	u32 lo = 0, hi = svc->nbackends - 1;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (svc->backends[mid].upto > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return &svc->backends[lo];
}
EXPORT_SYMBOL_IF_KUNIT(psw_nat_pick);

/*
 * Sessions and affinity records of a service keep their backend as the
 * source of the reply key; an affinity record has the protocol in port 0.
 */
struct psw_nat_svc_match {
	const struct psw_nat_svc_key *key;
	const struct psw_nat_service *keep;	/* NULL: the service is gone */
};

static bool psw_nat_svc_sess_match(const struct psw_session *s, const void *arg)
{
	const struct psw_nat_svc_match *m = arg;
	const struct psw_nat_session *ns = container_of(s, struct psw_nat_session, s);
	const struct psw_sess_key *k = &s->tuple.key;
	u8 proto = k->proto ?: ntohs(k->port[0]);

	if (!(ns->nat_flags & PSW_NAT_F_DNAT) || k->addr[1] != m->key->vip ||
	    k->port[1] != m->key->port || proto != m->key->proto)
		return false;
	return !m->keep || !psw_nat_backend_find(m->keep, ns->reply.key.addr[0],
						 ns->reply.key.port[0]);
}

static void psw_nat_svc_flush(struct psw_switch *sw, const struct psw_nat_svc_key *key,
			      const struct psw_nat_service *keep)
{
	struct psw_sess_table *t = &sw->sessions[PSW_SESSION_NAT44];
	struct psw_nat_svc_match m = { .key = key, .keep = keep };

	if (!atomic_read(&t->count))
		return;
	/* A packet that read the old service may be creating a session. */
	synchronize_rcu();
	psw_sess_flush_if(t, psw_nat_svc_sess_match, &m);
}

/* Add @svc, or replace the service of its key. Takes @svc either way. */
int psw_nat_service_set(struct psw_switch *sw, struct psw_nat_service *svc,
			struct netlink_ext_ack *extack)
{
	struct psw_nat_service *old;
	int ret;

	lockdep_assert_held(&sw->lock);
	old = rhashtable_lookup_fast(&sw->nat.services, &svc->key, psw_nat_svc_params);
	if (old) {
		ret = rhashtable_replace_fast(&sw->nat.services, &old->node,
					      &svc->node, psw_nat_svc_params);
		if (ret)
			goto err;
		list_replace_rcu(&old->list, &svc->list);
		psw_nat_svc_flush(sw, &svc->key, svc);
		kfree_rcu(old, rcu);
		return 0;
	}
	if (sw->nat.nservices >= PSW_NAT_MAX_SERVICES) {
		NL_SET_ERR_MSG_MOD(extack, "too many services: at most PSW_NAT_MAX_SERVICES");
		ret = -ENOSPC;
		goto err_free;
	}
	ret = psw_nat_vip_ref(sw, svc->key.vip, 1);
	if (ret)
		goto err;
	ret = rhashtable_insert_fast(&sw->nat.services, &svc->node, psw_nat_svc_params);
	if (ret) {
		psw_nat_vip_ref(sw, svc->key.vip, -1);
		goto err;
	}
	list_add_tail_rcu(&svc->list, &sw->nat.list);
	WRITE_ONCE(sw->nat.nservices, sw->nat.nservices + 1);
	return 0;

err:
	NL_SET_ERR_MSG_MOD(extack, "cannot store the service");
err_free:
	kfree(svc);
	return ret;
}

int psw_nat_service_del(struct psw_switch *sw, const struct psw_nat_svc_key *key,
			struct netlink_ext_ack *extack)
{
	struct psw_nat_service *svc;

	lockdep_assert_held(&sw->lock);
	svc = rhashtable_lookup_fast(&sw->nat.services, key, psw_nat_svc_params);
	if (!svc) {
		NL_SET_ERR_MSG_MOD(extack, "no such service");
		return -ENOENT;
	}
	rhashtable_remove_fast(&sw->nat.services, &svc->node, psw_nat_svc_params);
	list_del_rcu(&svc->list);
	psw_nat_vip_ref(sw, key->vip, -1);
	WRITE_ONCE(sw->nat.nservices, sw->nat.nservices - 1);
	psw_nat_svc_flush(sw, key, NULL);
	kfree_rcu(svc, rcu);
	return 0;
}

/* ---- SNAT pools ---- */

bool psw_nat44_in_pool(struct psw_port *port, __be32 addr)
{
	const struct psw_nat_pool *pool = rcu_dereference(port->snat);
	u32 a = ntohl(addr);

	return pool && a >= pool->first && a <= pool->last;
}

/* SNAT sessions of port @index with a pool address outside @keep, if any. */
struct psw_nat_pool_match {
	u16 index;
	const struct psw_nat_pool *keep;
};

static bool psw_nat_pool_sess_match(const struct psw_session *s, const void *arg)
{
	const struct psw_nat_session *ns = container_of(s, struct psw_nat_session, s);
	const struct psw_nat_pool_match *m = arg;
	u32 a = ntohl(ns->reply.key.addr[1]);

	if (!(ns->nat_flags & PSW_NAT_F_SNAT) || ns->snat_port != m->index)
		return false;
	return !m->keep || a < m->keep->first || a > m->keep->last;
}

static void psw_nat_pool_flush(struct psw_switch *sw, struct psw_port *port,
			       const struct psw_nat_pool *keep)
{
	struct psw_sess_table *t = &sw->sessions[PSW_SESSION_NAT44];
	struct psw_nat_pool_match m = { .index = port->index, .keep = keep };

	if (!atomic_read(&t->count))
		return;
	/* A packet that read the old pool may be creating a session. */
	synchronize_rcu();
	psw_sess_flush_if(t, psw_nat_pool_sess_match, &m);
}

/* Give @port the pool @first..@last (host order), replacing its own. */
int psw_nat_snat_set(struct psw_switch *sw, struct psw_port *port, u32 first, u32 last,
		     struct netlink_ext_ack *extack)
{
	struct psw_nat_pool *pool, *old = psw_cfg(sw, port->snat);

	lockdep_assert_held(&sw->lock);

	pool = kmalloc(sizeof(*pool), GFP_KERNEL_ACCOUNT);
	if (!pool)
		return -ENOMEM;
	pool->first = first;
	pool->last = last;
	rcu_assign_pointer(port->snat, pool);
	if (!old) {
		WRITE_ONCE(sw->nat.npools, sw->nat.npools + 1);
		return 0;
	}
	psw_nat_pool_flush(sw, port, pool);
	kfree_rcu(old, rcu);
	return 0;
}

static void psw_nat_snat_drop(struct psw_switch *sw, struct psw_port *port,
			      struct psw_nat_pool *old)
{
	RCU_INIT_POINTER(port->snat, NULL);
	WRITE_ONCE(sw->nat.npools, sw->nat.npools - 1);
	psw_nat_pool_flush(sw, port, NULL);
	kfree_rcu(old, rcu);
}

int psw_nat_snat_del(struct psw_switch *sw, struct psw_port *port,
		     struct netlink_ext_ack *extack)
{
	struct psw_nat_pool *old = psw_cfg(sw, port->snat);

	lockdep_assert_held(&sw->lock);

	if (!old) {
		NL_SET_ERR_MSG_MOD(extack, "no SNAT pool on this port");
		return -ENOENT;
	}
	psw_nat_snat_drop(sw, port, old);
	return 0;
}

/* @port leaves the switch (its lock held): its pool and sessions go. */
void psw_nat44_port_unbind(struct psw_switch *sw, struct psw_port *port)
{
	struct psw_nat_pool *old = psw_cfg(sw, port->snat);

	if (old)
		psw_nat_snat_drop(sw, port, old);
}

