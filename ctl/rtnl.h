/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PSWCTL_RTNL_H
#define PSWCTL_RTNL_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Route netlink for the CNI plugin: links, addresses and routes of the
 * network namespace the calling thread is in when rtnl_open() runs (the
 * socket stays in that namespace whatever the thread does afterwards).
 * Every call returns 0 or a negative errno, with the kernel's extack
 * message (or strerror) in rtnl_error().
 */
struct rtnl;

struct rtnl *rtnl_open(void);
void rtnl_close(struct rtnl *r);
const char *rtnl_error(const struct rtnl *r);

struct rtnl_link {
	int ifindex;
	unsigned int mtu;
	uint8_t mac[6];
	bool up;
	char name[IF_NAMESIZE];
	char kind[32];		/* IFLA_INFO_KIND, "" if none */
	char alias[256];	/* IFLA_IFALIAS, "" if none */
};

/* The link named @name (or, with a NULL name, of index @ifindex). */
int rtnl_link_get(struct rtnl *r, const char *name, int ifindex, struct rtnl_link *l);
/* Create a link of kind @kind (no data); -EEXIST if the name is taken. */
int rtnl_link_add(struct rtnl *r, const char *name, const char *kind);
/*
 * A veth pair: @name here, @peer in the namespace of @peer_netns_fd, both
 * with @mtu (0: the default), the peer with @peer_mac unless NULL.
 */
int rtnl_veth_add(struct rtnl *r, const char *name, const char *peer, int peer_netns_fd,
		  unsigned int mtu, const uint8_t *peer_mac);
int rtnl_link_del(struct rtnl *r, int ifindex);
int rtnl_link_up(struct rtnl *r, int ifindex);
int rtnl_link_set_alias(struct rtnl *r, int ifindex, const char *alias);
/* @addr in network order. */
int rtnl_addr_add(struct rtnl *r, int ifindex, uint32_t addr, uint8_t plen);
/*
 * A route to @dst/@plen: on link @ifindex (scope link) without @gw, via
 * @gw otherwise; an existing one is -EEXIST.
 */
int rtnl_route_add(struct rtnl *r, uint32_t dst, uint8_t plen, int ifindex, uint32_t gw);
/*
 * The route the kernel picks for @dst: its output link and gateway (0 if
 * on link).
 */
int rtnl_route_get(struct rtnl *r, uint32_t dst, int *oif, uint32_t *gw);
/* Whether @addr is an address of this netns (its route is local): 1, 0 or -errno. */
int rtnl_addr_local(struct rtnl *r, uint32_t addr);
/* The source address the host picks to reach @dst (0 if none). */
int rtnl_route_src(struct rtnl *r, uint32_t dst, uint32_t *src);
/* The routing table's entry that @dst matches (ip route get fibmatch): its link and prefix length. */
int rtnl_route_match(struct rtnl *r, uint32_t dst, int *oif, uint8_t *plen);
/* Whether link @ifindex has address @addr (network order): 1, 0 or -errno. */
int rtnl_addr_has(struct rtnl *r, int ifindex, uint32_t addr);

#endif
