// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4 FIB: longest-prefix match over the switch's routes.
 *
 * Routes come from three places: static routes (pswctl route add), pod
 * ports (a /32 per pod address) and, with host-routes on, a /32 to the
 * host port for every IPv4 address of the netns. psw_fib_rebuild()
 * compiles all of them into one immutable struct psw_fib and publishes
 * it; the packet path looks up under RCU without locks.
 *
 * Locking: psw_fib_rebuild() needs RTNL (it walks the netns' addresses)
 * and the switch lock.
 */

#include "fib.h"
#include "port.h"
#include "switch.h"

#include <uapi/linux/podswitch.h>

#include <kunit/visibility.h>
#include <linux/inetdevice.h>
#include <linux/jhash.h>
#include <linux/netlink.h>
#include <linux/log2.h>
#include <linux/rtnetlink.h>
#include <linux/sort.h>

static u32 psw_fib_hash(__be32 key, u8 plen)
{
	return jhash_2words((__force u32)key, plen, 0);
}

static __be32 psw_plen_mask(u8 plen)
{
	return plen ? htonl(~0U << (32 - plen)) : 0;
}

/* Longest prefix first, then by address, so dumps read like `ip route`. */
static int psw_route_cmp(const void *a, const void *b)
{
	const struct psw_route *x = a, *y = b;

	if (x->plen != y->plen)
		return y->plen - x->plen;
	if (x->dst != y->dst)
		return ntohl(x->dst) < ntohl(y->dst) ? -1 : 1;
	/* Same prefix: the more specific origin first (static wins). */
	return x->origin - y->origin;
}

/*
 * Build a FIB of @routes (copied). Of several routes for one prefix the
 * first after sorting wins: static over pod over host routes.
 */
struct psw_fib *psw_fib_build(const struct psw_route *routes, u32 n, gfp_t gfp)
{
	u32 nslots = roundup_pow_of_two(max(2 * n, 4U));
	struct psw_fib *fib;
	u32 i, j, h;

	fib = kzalloc(sizeof(*fib), gfp);
	if (!fib)
		return NULL;
	fib->routes = kvmalloc_array(max(n, 1U), sizeof(*routes), gfp);
	fib->slots = kvcalloc(nslots, sizeof(u32), gfp);
	if (!fib->routes || !fib->slots) {
		psw_fib_free(fib);
		return NULL;
	}
	if (n)
		memcpy(fib->routes, routes, n * sizeof(*routes));
	sort(fib->routes, n, sizeof(*routes), psw_route_cmp, NULL);

	fib->hmask = nslots - 1;
	for (i = 0, j = 0; i < n; i++) {
		struct psw_route *r = &fib->routes[i];

		r->dst &= psw_plen_mask(r->plen);
		if (j && fib->routes[j - 1].plen == r->plen &&
		    fib->routes[j - 1].dst == r->dst)
			continue;	/* shadowed by a stronger origin */
		fib->routes[j] = *r;
		h = psw_fib_hash(r->dst, r->plen) & fib->hmask;
		while (fib->slots[h])
			h = (h + 1) & fib->hmask;
		fib->slots[h] = j + 1;
		if (!fib->nlens || fib->lens[fib->nlens - 1] != r->plen)
			fib->lens[fib->nlens++] = r->plen;
		j++;
	}
	fib->nroutes = j;
	return fib;
}
EXPORT_SYMBOL_IF_KUNIT(psw_fib_build);

void psw_fib_free(struct psw_fib *fib)
{
	if (!fib)
		return;
	kvfree(fib->routes);
	kvfree(fib->slots);
	kfree(fib);
}
EXPORT_SYMBOL_IF_KUNIT(psw_fib_free);

const struct psw_route *psw_fib_lookup(const struct psw_fib *fib, __be32 dst)
{
	const struct psw_route *r;
	__be32 key;
	u32 h, idx;
	u8 i;

	for (i = 0; i < fib->nlens; i++) {
		u8 plen = fib->lens[i];

		key = dst & psw_plen_mask(plen);
		h = psw_fib_hash(key, plen) & fib->hmask;
		while ((idx = fib->slots[h])) {
			r = &fib->routes[idx - 1];
			if (r->dst == key && r->plen == plen)
				return r;
			h = (h + 1) & fib->hmask;
		}
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(psw_fib_lookup);

static void psw_fib_free_rcu(struct rcu_head *head)
{
	psw_fib_free(container_of(head, struct psw_fib, rcu));
}

static void psw_fib_publish(struct psw_switch *sw, struct psw_fib *fib)
{
	struct psw_fib *old = psw_cfg(sw, sw->fib);

	rcu_assign_pointer(sw->fib, fib);
	WRITE_ONCE(sw->gen, sw->gen + 1);
	if (old)
		call_rcu(&old->rcu, psw_fib_free_rcu);
}

/* Count (routes == NULL) or collect the routes the switch should have. */
static u32 psw_fib_collect(struct psw_switch *sw, struct psw_route *routes)
{
	const struct psw_params *params = psw_cfg(sw, sw->params);
	struct net *net = dev_net(sw->dev);
	struct psw_route_cfg *rc;
	struct net_device *dev;
	struct psw_port *port;
	u32 n = 0, i, a;

	list_for_each_entry(rc, &sw->static_routes, list) {
		if (routes)
			routes[n] = rc->r;
		n++;
	}
	for (i = 1; i < PSW_MAX_PORTS; i++) {
		port = psw_cfg(sw, sw->ports[i]);
		if (!port || port->type != PSW_PORT_POD)
			continue;
		for (a = 0; a < port->naddrs; a++) {
			if (routes)
				routes[n] = (struct psw_route) {
					.dst = port->addrs[a], .plen = 32,
					.type = PSW_ROUTE_DEV,
					.origin = PSW_ROUTE_POD,
					.port = port->index,
				};
			n++;
		}
	}
	if (!params->host_routes)
		return n;
	for_each_netdev(net, dev) {
		struct in_device *in_dev = __in_dev_get_rtnl(dev);
		const struct in_ifaddr *ifa;

		if (!in_dev)
			continue;
		in_dev_for_each_ifa_rtnl(ifa, in_dev) {
			if (ipv4_is_loopback(ifa->ifa_local))
				continue;
			if (routes)
				routes[n] = (struct psw_route) {
					.dst = ifa->ifa_local, .plen = 32,
					.type = PSW_ROUTE_HOST,
					.origin = PSW_ROUTE_HOSTADDR,
				};
			n++;
		}
	}
	return n;
}

int psw_fib_rebuild(struct psw_switch *sw)
{
	struct psw_route *routes;
	struct psw_fib *fib;
	u32 n;

	ASSERT_RTNL();
	lockdep_assert_held(&sw->lock);

	n = psw_fib_collect(sw, NULL);
	routes = kvmalloc_array(max(n, 1U), sizeof(*routes), GFP_KERNEL_ACCOUNT);
	if (!routes)
		return -ENOMEM;
	n = psw_fib_collect(sw, routes);
	fib = psw_fib_build(routes, n, GFP_KERNEL_ACCOUNT);
	kvfree(routes);
	if (!fib)
		return -ENOMEM;
	psw_fib_publish(sw, fib);
	return 0;
}

static struct psw_route_cfg *psw_fib_static_find(struct psw_switch *sw,
						 const struct psw_route *key)
{
	struct psw_route_cfg *rc;

	list_for_each_entry(rc, &sw->static_routes, list)
		if (rc->r.dst == key->dst && rc->r.plen == key->plen)
			return rc;
	return NULL;
}

/* Add static route @r; its prefix must have none yet. */
int psw_fib_static_add(struct psw_switch *sw, const struct psw_route *r,
		       struct netlink_ext_ack *extack)
{
	struct psw_route_cfg *rc;
	int ret;

	ASSERT_RTNL();
	lockdep_assert_held(&sw->lock);
	if (psw_fib_static_find(sw, r)) {
		NL_SET_ERR_MSG_MOD(extack, "a static route for this prefix exists");
		return -EEXIST;
	}
	if (sw->nstatic_routes >= PSW_MAX_STATIC_ROUTES) {
		NL_SET_ERR_MSG_MOD(extack, "too many static routes");
		return -ENOSPC;
	}
	rc = kzalloc(sizeof(*rc), GFP_KERNEL_ACCOUNT);
	if (!rc)
		return -ENOMEM;
	rc->r = *r;
	list_add_tail(&rc->list, &sw->static_routes);
	sw->nstatic_routes++;
	ret = psw_fib_rebuild(sw);
	if (ret) {
		list_del(&rc->list);
		sw->nstatic_routes--;
		kfree(rc);
	}
	return ret;
}

/* Delete the static route of @key's prefix. */
int psw_fib_static_del(struct psw_switch *sw, const struct psw_route *key,
		       struct netlink_ext_ack *extack)
{
	struct psw_route_cfg *rc;
	int ret;

	ASSERT_RTNL();
	lockdep_assert_held(&sw->lock);
	rc = psw_fib_static_find(sw, key);
	if (!rc) {
		NL_SET_ERR_MSG_MOD(extack, "no static route for this prefix");
		return -ENOENT;
	}
	list_del(&rc->list);
	sw->nstatic_routes--;
	ret = psw_fib_rebuild(sw);
	if (ret) {
		list_add(&rc->list, &sw->static_routes);
		sw->nstatic_routes++;
	} else {
		kfree(rc);
	}
	return ret;
}

/* Switch teardown: no reader can reach the switch any more. */
void psw_fib_flush(struct psw_switch *sw)
{
	struct psw_route_cfg *rc, *tmp;

	list_for_each_entry_safe(rc, tmp, &sw->static_routes, list) {
		list_del(&rc->list);
		kfree(rc);
	}
	sw->nstatic_routes = 0;
	psw_fib_publish(sw, NULL);
}
