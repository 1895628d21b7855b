// SPDX-License-Identifier: GPL-2.0
/*
 * Route netlink requests of the CNI plugin (rtnl.h): one request at a
 * time, acknowledged, the kernel's extack message kept for the caller's
 * CNI error.
 */
#include "rtnl.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

struct rtnl {
	struct mnl_socket *sock;
	uint32_t seq;
	char error[256];
	char buf[16384];
};

struct rtnl *rtnl_open(void)
{
	struct rtnl *r = calloc(1, sizeof(*r));
	int one = 1;

	if (!r)
		return NULL;
	/* Not for the IPAM plugin the process runs. */
	r->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!r->sock || mnl_socket_bind(r->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		if (r->sock)
			mnl_socket_close(r->sock);
		free(r);
		return NULL;
	}
	mnl_socket_setsockopt(r->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(r->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	r->seq = time(NULL);
	return r;
}

void rtnl_close(struct rtnl *r)
{
	if (!r)
		return;
	mnl_socket_close(r->sock);
	free(r);
}

const char *rtnl_error(const struct rtnl *r)
{
	return r->error;
}

struct run_ctx {
	struct rtnl *r;
	mnl_cb_t cb;
	void *data;
};

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct run_ctx *ctx = data;
	const struct nlattr *a;
	const char *msg = NULL;
	size_t off = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!err->error)
		return MNL_CB_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_for_each(a, nlh, off)
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				msg = mnl_attr_get_str(a);
	snprintf(ctx->r->error, sizeof(ctx->r->error), "%s", msg ? msg : strerror(-err->error));
	errno = -err->error;
	return MNL_CB_ERROR;
}

/* The end of a dump; an error in it is the dump's. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;
	int error = 0;

	if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(error)))
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (error < 0) {
		snprintf(ctx->r->error, sizeof(ctx->r->error), "%s", strerror(-error));
		errno = -error;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;

	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

/* Send the request in r->buf; @cb sees each reply. 0 or -errno. */
static int run(struct rtnl *r, mnl_cb_t cb, void *data)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	struct nlmsghdr *req = (struct nlmsghdr *)r->buf;
	struct run_ctx ctx = { r, cb, data };
	char rbuf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t portid = mnl_socket_get_portid(r->sock);
	ssize_t n;
	int ret;

	r->error[0] = 0;
	req->nlmsg_seq = ++r->seq;
	if (mnl_socket_sendto(r->sock, req, req->nlmsg_len) < 0)
		goto sys_err;
	do {
		n = mnl_socket_recvfrom(r->sock, rbuf, sizeof(rbuf));
		if (n < 0)
			goto sys_err;
		ret = mnl_cb_run2(rbuf, n, req->nlmsg_seq, portid, data_cb, &ctx,
				  ctl, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	if (ret < 0) {
		if (!r->error[0])
			snprintf(r->error, sizeof(r->error), "%s", strerror(errno));
		return -errno;
	}
	return 0;
sys_err:
	snprintf(r->error, sizeof(r->error), "netlink: %s", strerror(errno));
	return -errno;
}

static struct nlmsghdr *req(struct rtnl *r, uint16_t type, uint16_t flags, size_t hdr)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	mnl_nlmsg_put_extra_header(nlh, hdr);
	return nlh;
}

static struct nlmsghdr *link_req(struct rtnl *r, uint16_t type, uint16_t flags, int ifindex,
				 struct ifinfomsg **ifi)
{
	struct nlmsghdr *nlh = req(r, type, flags, sizeof(struct ifinfomsg));

	*ifi = mnl_nlmsg_get_payload(nlh);
	(*ifi)->ifi_family = AF_UNSPEC;
	(*ifi)->ifi_index = ifindex;
	return nlh;
}

static int linkinfo_cb(const struct nlattr *a, void *data)
{
	struct rtnl_link *l = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(l->kind, sizeof(l->kind), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *a, void *data)
{
	struct rtnl_link *l = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(a));
		break;
	case IFLA_IFALIAS:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(l->alias, sizeof(l->alias), "%s", mnl_attr_get_str(a));
		break;
	case IFLA_MTU:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			l->mtu = mnl_attr_get_u32(a);
		break;
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(a) == 6)
			memcpy(l->mac, mnl_attr_get_payload(a), 6);
		break;
	case IFLA_LINKINFO:
		mnl_attr_parse_nested(a, linkinfo_cb, l);
		break;
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct rtnl_link *l = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	l->up = ifi->ifi_flags & IFF_UP;
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, l);
	return MNL_CB_OK;
}

int rtnl_link_get(struct rtnl *r, const char *name, int ifindex, struct rtnl_link *l)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_req(r, RTM_GETLINK, 0, name ? 0 : ifindex, &ifi);

	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return run(r, link_cb, l);
}

int rtnl_link_add(struct rtnl *r, const char *name, const char *kind)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_req(r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, &ifi);
	struct nlattr *info;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, info);
	return run(r, NULL, NULL);
}

int rtnl_veth_add(struct rtnl *r, const char *name, const char *peer, int peer_netns_fd,
		  unsigned int mtu, const uint8_t *peer_mac)
{
	struct ifinfomsg *ifi, *pifi;
	struct nlmsghdr *nlh = link_req(r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, &ifi);
	struct nlattr *info, *data, *p;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's own ifinfomsg, then its attributes. */
	pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
	memset(pifi, 0, sizeof(*pifi));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, peer_netns_fd);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (peer_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, peer_mac);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return run(r, NULL, NULL);
}

int rtnl_link_del(struct rtnl *r, int ifindex)
{
	struct ifinfomsg *ifi;

	link_req(r, RTM_DELLINK, 0, ifindex, &ifi);
	return run(r, NULL, NULL);
}

int rtnl_link_up(struct rtnl *r, int ifindex)
{
	struct ifinfomsg *ifi;

	link_req(r, RTM_NEWLINK, 0, ifindex, &ifi);
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return run(r, NULL, NULL);
}

int rtnl_link_set_alias(struct rtnl *r, int ifindex, const char *alias)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_req(r, RTM_NEWLINK, 0, ifindex, &ifi);

	mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	return run(r, NULL, NULL);
}

int rtnl_addr_add(struct rtnl *r, int ifindex, uint32_t addr, uint8_t plen)
{
	struct nlmsghdr *nlh = req(r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL,
				   sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, addr);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, addr);
	return run(r, NULL, NULL);
}

int rtnl_route_add(struct rtnl *r, uint32_t dst, uint8_t plen, int ifindex, uint32_t gw)
{
	struct nlmsghdr *nlh = req(r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL,
				   sizeof(struct rtmsg));
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (plen)
		mnl_attr_put_u32(nlh, RTA_DST, dst);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	if (gw)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, gw);
	return run(r, NULL, NULL);
}

struct route_found {
	int oif;
	uint32_t gw, src;
	uint8_t plen, type;
};

static int route_attr_cb(const struct nlattr *a, void *data)
{
	struct route_found *f = data;

	if (mnl_attr_get_type(a) == RTA_OIF && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		f->oif = mnl_attr_get_u32(a);
	else if (mnl_attr_get_type(a) == RTA_GATEWAY && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		f->gw = mnl_attr_get_u32(a);
	else if (mnl_attr_get_type(a) == RTA_PREFSRC && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		f->src = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_found *f = data;

	if (nlh->nlmsg_type == RTM_NEWROUTE) {
		f->plen = ((const struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_dst_len;
		f->type = ((const struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_type;
		mnl_attr_parse(nlh, sizeof(struct rtmsg), route_attr_cb, data);
	}
	return MNL_CB_OK;
}

static int route_lookup(struct rtnl *r, uint32_t dst, unsigned int flags, struct route_found *f)
{
	struct nlmsghdr *nlh = req(r, RTM_GETROUTE, 0, sizeof(struct rtmsg));
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	rtm->rtm_flags = flags;
	mnl_attr_put_u32(nlh, RTA_DST, dst);
	/* The route, then the acknowledgement that ends the answer. */
	return run(r, route_cb, f);
}

int rtnl_route_get(struct rtnl *r, uint32_t dst, int *oif, uint32_t *gw)
{
	struct route_found f = { 0 };
	int err = route_lookup(r, dst, 0, &f);

	*oif = f.oif;
	*gw = f.gw;
	return err;
}

int rtnl_route_src(struct rtnl *r, uint32_t dst, uint32_t *src)
{
	struct route_found f = { 0 };
	int err = route_lookup(r, dst, 0, &f);

	*src = f.src;
	return err;
}

int rtnl_addr_local(struct rtnl *r, uint32_t addr)
{
	struct route_found f = { 0 };
	int err = route_lookup(r, addr, 0, &f);

	return err ? err : f.type == RTN_LOCAL;
}

int rtnl_route_match(struct rtnl *r, uint32_t dst, int *oif, uint8_t *plen)
{
	struct route_found f = { 0 };
	int err = route_lookup(r, dst, RTM_F_FIB_MATCH, &f);

	*oif = f.oif;
	*plen = f.plen;
	return err;
}

struct addr_find {
	int ifindex;
	uint32_t addr;
	bool found;
};

static int addr_attr_cb(const struct nlattr *a, void *data)
{
	struct addr_find *f = data;

	if (mnl_attr_get_type(a) == IFA_LOCAL && mnl_attr_validate(a, MNL_TYPE_U32) == 0 &&
	    mnl_attr_get_u32(a) == f->addr)
		f->found = true;
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_find *f = data;

	if (nlh->nlmsg_type == RTM_NEWADDR && (int)ifa->ifa_index == f->ifindex)
		mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, f);
	return MNL_CB_OK;
}

int rtnl_addr_has(struct rtnl *r, int ifindex, uint32_t addr)
{
	struct nlmsghdr *nlh = req(r, RTM_GETADDR, NLM_F_DUMP, sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_find f = { ifindex, addr, false };
	int err;

	ifa->ifa_family = AF_INET;
	/* A dump ends in NLMSG_DONE. */
	nlh->nlmsg_flags &= ~NLM_F_ACK;
	err = run(r, addr_cb, &f);
	return err ? err : f.found;
}
