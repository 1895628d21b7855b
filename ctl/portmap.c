// SPDX-License-Identifier: GPL-2.0
/*
 * The CNI plugin's share of the host's nftables (nft.h): for each
 * attachment, owned by CONTAINERID/IFNAME,
 *   - "masquerade": true  what the pod sends out of the host through any
 *     interface but the switch, to anywhere but its own subnet, leaves
 *     with the host's address;
 *   - runtimeConfig.portMappings  each hostPort DNATed to the pod, for
 *     traffic that arrives and for the host's own, with hairpin.
 * ADD replaces the attachment's rules in one batch, DEL removes them,
 * CHECK compares them, GC removes those of attachments that are gone.
 */
#include "cni.h"
#include "nft.h"
#include "rtnl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* At most this many portMappings an attachment: each is four rules. */
#define MAX_MAPPINGS 256

static bool owner(const struct cni *c, char *buf, size_t size)
{
	return snprintf(buf, size, "%s/%s", c->cid, c->ifname) < (int)size;
}

/* runtimeConfig.portMappings: IPv4 hostIPs only ("" or absent: every address). */
void portmap_parse(struct cni *c)
{
	json_t *maps = json_object_get(json_object_get(c->conf, "runtimeConfig"), "portMappings");
	json_t *masq = json_object_get(c->conf, "masquerade"), *m, *v;
	struct nft_hostport *hp;
	const char *s;
	size_t i;
	unsigned int k;

	if (masq && !json_is_boolean(masq))
		cni_fail(CNI_ERR_CONFIG, NULL, "masquerade must be true or false");
	c->masquerade = json_is_true(masq);
	if (!maps || json_is_null(maps))
		return;
	if (!json_is_array(maps) || json_array_size(maps) > MAX_MAPPINGS)
		cni_fail(CNI_ERR_CONFIG, NULL, "runtimeConfig.portMappings must be an array of at "
			 "most %d mappings", MAX_MAPPINGS);
	c->ports = calloc(json_array_size(maps) + 1, sizeof(*c->ports));
	if (!c->ports)
		cni_fail(CNI_ERR_IO, NULL, "out of memory");
	json_array_foreach(maps, i, m) {
		hp = &c->ports[c->nports];
		memset(hp, 0, sizeof(*hp));
		v = json_object_get(m, "hostPort");
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 65535)
			cni_fail(CNI_ERR_CONFIG, NULL, "portMappings[%zu]: hostPort must be a port "
				 "(1-65535)", i);
		hp->host_port = htons(json_integer_value(v));
		v = json_object_get(m, "containerPort");
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 65535)
			cni_fail(CNI_ERR_CONFIG, NULL, "portMappings[%zu]: containerPort must be a "
				 "port (1-65535)", i);
		hp->port = htons(json_integer_value(v));
		v = json_object_get(m, "protocol");
		s = v ? json_string_value(v) : "tcp";
		if (s && !strcasecmp(s, "tcp"))
			hp->proto = IPPROTO_TCP;
		else if (s && !strcasecmp(s, "udp"))
			hp->proto = IPPROTO_UDP;
		else
			cni_fail(CNI_ERR_CONFIG, NULL, "portMappings[%zu]: protocol must be tcp or udp",
				 i);
		v = json_object_get(m, "hostIP");
		s = v ? json_string_value(v) : "";
		if (!s)
			cni_fail(CNI_ERR_CONFIG, NULL, "portMappings[%zu]: hostIP must be a string", i);
		/* An IPv6 mapping is for an IPv6 plugin: podswitch is IPv4. */
		if (strchr(s, ':'))
			continue;
		if (*s && inet_pton(AF_INET, s, &hp->host_ip) != 1)
			cni_fail(CNI_ERR_CONFIG, NULL, "portMappings[%zu]: hostIP \"%s\" is not an "
				 "address", i, s);
		/* 0.0.0.0 is how runtimes say every address. */
		for (k = 0; k < c->nports; k++)
			if (c->ports[k].proto == hp->proto && c->ports[k].host_port == hp->host_port &&
			    (!c->ports[k].host_ip || !hp->host_ip ||
			     c->ports[k].host_ip == hp->host_ip))
				cni_fail(CNI_ERR_CONFIG, NULL, "portMappings[%zu]: hostPort %s %u is "
					 "mapped twice", i, hp->proto == IPPROTO_TCP ? "tcp" : "udp",
					 ntohs(hp->host_port));
		c->nports++;
	}
}

/* A hostIP must be one of the host's: a rule for another would redirect what the host forwards. */
static int hostips_local(struct cni *c)
{
	unsigned int i;
	int local;

	for (i = 0; i < c->nports; i++) {
		if (!c->ports[i].host_ip)
			continue;
		local = rtnl_addr_local(c->rtnl, c->ports[i].host_ip);
		if (local != 1)
			return cni_error(c, CNI_ERR_CONFIG, NULL, "hostIP %s is not an address of the "
					 "host", inet_ntoa((struct in_addr){ c->ports[i].host_ip }));
	}
	return 0;
}

struct attach {
	struct cni *c;
	char owner[NFT_OWNER_MAX];
	uint32_t addr, net;
	uint8_t plen;
	bool replace;		/* ADD: take the attachment's old rules, refuse taken ports */
};

static bool overlaps(const struct nft_rule *r, const struct nft_hostport *hp)
{
	return r->kind == NFT_HOSTPORT && r->m.proto == hp->proto && r->m.dport == hp->host_port &&
	       (r->m.local || !hp->host_ip || r->m.daddr == hp->host_ip);
}

/* The attachment's rules; for ADD, in place of those it had. */
static int attach_edit(struct nft_tx *tx, void *arg)
{
	struct attach *a = arg;
	struct cni *c = a->c;
	unsigned int i;
	size_t j;
	int err;

	if (a->replace) {
		nft_del_owner(tx, c->sw, a->owner);
		for (i = 0; i < c->nports; i++)
			for (j = 0; j < tx->n; j++)
				if (!tx->rules[j].del && overlaps(&tx->rules[j], &c->ports[i]))
					return cni_error(c, CNI_ERR_PLUGIN, NULL, "hostPort %s %u is "
							 "published already, by %s on %s",
							 c->ports[i].proto == IPPROTO_TCP ? "tcp" : "udp",
							 ntohs(c->ports[i].host_port),
							 tx->rules[j].owner, tx->rules[j].sw);
	}
	if (c->masquerade) {
		err = nft_add_masq(tx, c->sw, a->owner, a->addr, 32, a->net, a->plen);
		if (err)
			return err;
	}
	for (i = 0; i < c->nports; i++) {
		c->ports[i].addr = a->addr;
		c->ports[i].net = a->net;
		c->ports[i].plen = a->plen;
		err = nft_add_hostport(tx, c->sw, a->owner, &c->ports[i]);
		if (err)
			return err;
	}
	return 0;
}

static int write_sysctl(struct cni *c, const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	ok = fd >= 0 && write(fd, "1", 1) == 1;
	if (fd >= 0)
		close(fd);
	return ok ? 0 : cni_error(c, CNI_ERR_IO, strerror(errno), "cannot set %s", path);
}

/* The pod subnet: the host's route into the switch that carries @addr. */
static int pod_subnet(struct cni *c, int sw_ifindex, struct attach *a)
{
	int oif;

	if (rtnl_route_match(c->rtnl, a->addr, &oif, &a->plen) || oif != sw_ifindex || !a->plen)
		return cni_error(c, CNI_ERR_PLUGIN, NULL, "the host does not route %s into %s",
				 inet_ntoa((struct in_addr){ a->addr }), c->sw);
	a->net = a->addr & htonl(~0U << (32 - a->plen));
	return 0;
}

static int prepare(struct cni *c, int sw_ifindex, uint32_t addr, struct attach *a)
{
	memset(a, 0, sizeof(*a));
	a->c = c;
	a->addr = addr;
	if (!owner(c, a->owner, sizeof(a->owner)))
		return cni_error(c, CNI_ERR_ENV, NULL, "CNI_CONTAINERID is too long for the host's "
				 "nftables rules (%zu characters)", strlen(c->cid));
	return pod_subnet(c, sw_ifindex, a);
}

int portmap_add(struct cni *c, int sw_ifindex, uint32_t addr)
{
	char path[128];
	struct attach a;
	int err;

	if (!c->masquerade && !c->nports)
		return 0;
	if (hostips_local(c) || prepare(c, sw_ifindex, addr, &a))
		return -1;
	/* The host forwards between its interfaces and the switch, as a router. */
	if (write_sysctl(c, "/proc/sys/net/ipv4/ip_forward"))
		return -1;
	/*
	 * The host's own traffic to 127.0.0.1:hostPort leaves DNATed into the
	 * switch, from 127.0.0.1 until masquerade: routable only with
	 * route_localnet (the switch drops martians itself, whatever this says).
	 */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/route_localnet", c->sw);
	if (c->nports && write_sysctl(c, path))
		return -1;
	a.replace = true;
	err = nft_change(attach_edit, &a);
	if (err && !c->err_code)
		cni_error(c, CNI_ERR_PLUGIN, nft_error(), "cannot set up the host's nftables for "
			  "%s", a.owner);
	return err ? -1 : 0;
}

static int del_edit(struct nft_tx *tx, void *arg)
{
	struct attach *a = arg;

	nft_del_owner(tx, a->c->sw, a->owner);
	return 0;
}

int portmap_del(struct cni *c)
{
	struct attach a = { .c = c };
	struct nft_rule *rules;
	size_t n, i;
	int err;

	/* Too long to own rules: it has none. */
	if (!owner(c, a.owner, sizeof(a.owner)))
		return 0;
	/*
	 * Only if it has rules: DEL must work where nf_tables does not
	 * (nothing was published) and without a batch when there is nothing.
	 */
	err = nft_list(&rules, &n);
	if (err)
		return err == -EOPNOTSUPP || err == -EPROTONOSUPPORT ? 0 :
		       cni_error(c, CNI_ERR_PLUGIN, nft_error(), "host's nftables");
	for (i = 0; i < n && (strcmp(rules[i].sw, c->sw) || strcmp(rules[i].owner, a.owner)); i++)
		;
	free(rules);
	if (i == n)
		return 0;
	err = nft_change(del_edit, &a);
	return err ? cni_error(c, CNI_ERR_PLUGIN, nft_error(), "cannot remove the host's nftables "
			       "rules of %s", a.owner) : 0;
}

int portmap_check(struct cni *c, int sw_ifindex, uint32_t addr)
{
	struct attach a;

	int err;

	if (prepare(c, sw_ifindex, addr, &a))
		return -1;
	err = nft_check(c->sw, a.owner, attach_edit, &a);
	/* Nothing to publish, and no nf_tables to publish in: as it should be. */
	if ((err == -EOPNOTSUPP || err == -EPROTONOSUPPORT) && !c->masquerade && !c->nports)
		return 0;
	return err ? cni_error(c, CNI_ERR_PLUGIN, NULL, "%s", nft_error()) : 0;
}

struct gc_arg {
	struct cni *c;
	json_t *valid;
};

/* Rules of this switch whose attachment the runtime does not list and whose veth is gone. */
static int gc_edit(struct nft_tx *tx, void *arg)
{
	struct gc_arg *g = arg;
	char cid[NFT_OWNER_MAX], veth[IF_NAMESIZE], *ifname;
	json_t *a;
	size_t i, k;
	bool valid;

	for (i = 0; i < tx->n; i++) {
		if (strcmp(tx->rules[i].sw, g->c->sw) || tx->rules[i].del)
			continue;
		snprintf(cid, sizeof(cid), "%s", tx->rules[i].owner);
		ifname = strchr(cid, '/');
		if (!ifname)
			continue;
		*ifname++ = '\0';
		valid = false;
		json_array_foreach(g->valid, k, a)
			if (!strcmp(json_string_value(json_object_get(a, "containerID")) ?: "", cid) &&
			    !strcmp(json_string_value(json_object_get(a, "ifname")) ?: "", ifname))
				valid = true;
		nft_attachment_veth(cid, ifname, veth);
		if (!valid && !if_nametoindex(veth))
			nft_del_owner(tx, g->c->sw, tx->rules[i].owner);
	}
	return 0;
}

int portmap_gc(struct cni *c, json_t *valid)
{
	struct gc_arg g = { c, valid };
	int err = nft_change(gc_edit, &g);

	if (err == -EOPNOTSUPP || err == -EPROTONOSUPPORT)
		return 0;
	return err ? cni_error(c, CNI_ERR_PLUGIN, nft_error(), "host's nftables") : 0;
}
