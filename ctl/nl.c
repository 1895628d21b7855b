// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink plumbing for pswctl: resolve the "podswitch" family,
 * send one request, walk the replies, and turn a kernel rejection into
 * the extack message the kernel gave.
 */
#include "nl.h"
#include "pswctl.h"

#include "uapi/linux/podswitch.h"

#include <errno.h>
#include <linux/genetlink.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

struct psw_nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t seq;
	char buf[PSW_NL_REQ_MAX];
	size_t req_len;
};

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	uint16_t *family = data;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
		*family = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, data);
	return MNL_CB_OK;
}

static int run(struct psw_nl *nl, struct nlmsghdr *req, psw_nl_cb cb,
	       void *data, bool *intr);

struct psw_nl *psw_nl_open(void)
{
	struct psw_nl *nl = calloc(1, sizeof(*nl));
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;
	int one = 1;
	bool intr;

	if (!nl) {
		perror("pswctl");
		return NULL;
	}
	/* Not for a program the process runs (the CNI plugin's IPAM). */
	nl->sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("pswctl: netlink socket");
		goto err;
	}
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	/* An error must not echo a long request back: it would not fit. */
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->seq = time(NULL);

	nlh = mnl_nlmsg_put_header(nl->buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, PSW_GENL_NAME);

	quiet_errors++;
	if (run(nl, nlh, family_cb, &nl->family, &intr) < 0 || !nl->family) {
		if (!--quiet_errors)
			fprintf(stderr, "pswctl: the podswitch module is not loaded (modprobe podswitch)\n");
		goto err;
	}
	quiet_errors--;
	return nl;
err:
	psw_nl_close(nl);
	return NULL;
}

void psw_nl_close(struct psw_nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl);
}

struct nlmsghdr *psw_nl_req(struct psw_nl *nl, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = PSW_GENL_VERSION;
	return nlh;
}

/* What the kernel said of the latest request it refused. */
static char last_error[320];

struct run_ctx {
	psw_nl_cb cb;
	void *data;
	const struct nlmsghdr *req;
	bool failed;	/* the kernel said no (its errno may be anything) */
};

#define N(a) [a] = #a
static const char *const top_names[PSW_A_MAX + 1] = {
	N(PSW_A_IFINDEX), N(PSW_A_IFNAME), N(PSW_A_MAC), N(PSW_A_ADDRESS),
	N(PSW_A_HOST_ROUTES), N(PSW_A_ANTI_SPOOF), N(PSW_A_MAX_SESSIONS),
	N(PSW_A_TIMEOUTS), N(PSW_A_NAT44_MAX_SESSIONS), N(PSW_A_NAT44_TIMEOUTS),
	N(PSW_A_NAT44_LOOPBACK), N(PSW_A_PORT), N(PSW_A_ROUTE), N(PSW_A_NEIGH),
	N(PSW_A_ACL), N(PSW_A_RULE), N(PSW_A_SESSION), N(PSW_A_SERVICE),
	N(PSW_A_SNAT), N(PSW_A_TRACE), N(PSW_A_COUNTER), N(PSW_A_ICMP_RATE),
	N(PSW_A_ICMP_BURST), N(PSW_A_PORT_MAX_SESSIONS), N(PSW_A_NAT44_PORT_MAX_SESSIONS),
};
static const char *const port_names[PSW_PORT_A_MAX + 1] = {
	N(PSW_PORT_A_IFINDEX), N(PSW_PORT_A_TYPE), N(PSW_PORT_A_MAC),
	N(PSW_PORT_A_ADDRS), N(PSW_PORT_A_ACL_IN), N(PSW_PORT_A_ACL_OUT),
};
static const char *const route_names[PSW_ROUTE_A_MAX + 1] = {
	N(PSW_ROUTE_A_DST), N(PSW_ROUTE_A_PREFIXLEN), N(PSW_ROUTE_A_TYPE),
	N(PSW_ROUTE_A_PORT), N(PSW_ROUTE_A_GATEWAY),
};
static const char *const neigh_names[PSW_NEIGH_A_MAX + 1] = {
	N(PSW_NEIGH_A_ADDR), N(PSW_NEIGH_A_MAC), N(PSW_NEIGH_A_PORT),
};
static const char *const acl_names[PSW_ACL_A_MAX + 1] = { N(PSW_ACL_A_NUM) };
static const char *const rule_names[PSW_RULE_A_MAX + 1] = { N(PSW_RULE_A_ACTION) };
static const char *const service_names[PSW_SVC_A_MAX + 1] = {
	N(PSW_SVC_A_PROTO), N(PSW_SVC_A_VIP), N(PSW_SVC_A_PORT),
};
static const char *const backend_names[PSW_BACKEND_A_MAX + 1] = {
	N(PSW_BACKEND_A_ADDR), N(PSW_BACKEND_A_PORT),
};
static const char *const snat_names[PSW_SNAT_A_MAX + 1] = {
	N(PSW_SNAT_A_PORT), N(PSW_SNAT_A_FIRST),
};
static const char *const trace_names[PSW_TRACE_A_MAX + 1] = { N(PSW_TRACE_A_COUNT) };
#undef N

/* The names of the attributes in a top-level nest of type @type. */
static const char *const *nest_names(unsigned int type, unsigned int *max)
{
	static const struct { const char *const *names; unsigned int max; } sets[] = {
		[PSW_A_PORT] = { port_names, PSW_PORT_A_MAX },
		[PSW_A_ROUTE] = { route_names, PSW_ROUTE_A_MAX },
		[PSW_A_NEIGH] = { neigh_names, PSW_NEIGH_A_MAX },
		[PSW_A_ACL] = { acl_names, PSW_ACL_A_MAX },
		[PSW_A_RULE] = { rule_names, PSW_RULE_A_MAX },
		[PSW_A_SERVICE] = { service_names, PSW_SVC_A_MAX },
		[PSW_A_SNAT] = { snat_names, PSW_SNAT_A_MAX },
		[PSW_A_TRACE] = { trace_names, PSW_TRACE_A_MAX },
	};

	if (type >= sizeof(sets) / sizeof(sets[0]) || !sets[type].names)
		return NULL;
	*max = sets[type].max;
	return sets[type].names;
}

/*
 * The name of the attribute the kernel says is missing (type @type in the
 * nest at offset @nest of @req, 0 for the top level), or NULL.
 */
static const char *missing_name(const struct nlmsghdr *req, unsigned int type,
				uint32_t nest)
{
	const char *const *names = top_names;
	const struct nlattr *a, *b;
	unsigned int max = PSW_A_MAX;

	if (nest && req) {
		names = NULL;
		mnl_attr_for_each(a, req, sizeof(struct genlmsghdr)) {
			if ((const char *)a - (const char *)req == nest) {
				names = nest_names(mnl_attr_get_type(a), &max);
				break;
			}
			/* A backend is the one nest inside a nest that has a must. */
			if (mnl_attr_get_type(a) != PSW_A_SERVICE)
				continue;
			mnl_attr_for_each_nested(b, a)
				if ((const char *)b - (const char *)req == nest) {
					names = backend_names;
					max = PSW_BACKEND_A_MAX;
				}
		}
	}
	return names && type <= max ? names[type] : NULL;
}

/*
 * Print the extack message after an error code at @off in @nlh (an error
 * reply, or a dump's NLMSG_DONE), or the attribute it says is missing, or
 * strerror() without either. @req is the request, if it is known.
 */
static int report(const struct nlmsghdr *nlh, int error, size_t off,
		  const struct nlmsghdr *req)
{
	const struct nlattr *attr;
	const char *msg = NULL, *miss = NULL;
	char buf[128];
	uint32_t nest = 0;
	int type = -1;

	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		mnl_attr_for_each(attr, nlh, off) {
			if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
				msg = mnl_attr_get_str(attr);
			else if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MISS_TYPE &&
				 mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				type = mnl_attr_get_u32(attr);
			else if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MISS_NEST &&
				 mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				nest = mnl_attr_get_u32(attr);
		}
	}
	if (!msg && type >= 0) {
		miss = missing_name(req, type, nest);
		if (miss)
			snprintf(buf, sizeof(buf), "missing attribute %s", miss);
		else
			snprintf(buf, sizeof(buf), "missing attribute %d", type);
		msg = buf;
	}
	if (msg)
		snprintf(last_error, sizeof(last_error), "%s (%s)", msg, strerror(-error));
	else
		snprintf(last_error, sizeof(last_error), "%s", strerror(-error));
	if (!quiet_errors)
		fprintf(stderr, "pswctl: %s\n", last_error);
	errno = -error;
	return MNL_CB_ERROR;
}

const char *psw_nl_error(void)
{
	return last_error;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct run_ctx *ctx = data;
	size_t off = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!err->error)
		return MNL_CB_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	ctx->failed = true;
	return report(nlh, err->error, off, ctx->req);
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;

	return ctx->cb(nlh, ctx->data);
}

/* A dump that failed in the kernel says so in its NLMSG_DONE. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;
	int error = 0;

	if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(error)))
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (error < 0) {
		ctx->failed = true;
		return report(nlh, error, sizeof(error), ctx->req);
	}
	return MNL_CB_STOP;
}

/* The rest of dump @seq, whose first @n bytes are in @buf, unread. */
static int drain(struct psw_nl *nl, char *buf, ssize_t n, uint32_t seq)
{
	const struct nlmsghdr *nlh;
	int len;

	for (;;) {
		for (nlh = (const void *)buf, len = n; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len))
			if (nlh->nlmsg_seq == seq && (nlh->nlmsg_type == NLMSG_DONE ||
						      nlh->nlmsg_type == NLMSG_ERROR))
				return 0;
		n = mnl_socket_recvfrom(nl->sock, buf, PSW_NL_BUFSIZE);
		if (n < 0) {
			perror("pswctl: netlink receive");
			return -1;
		}
	}
}

static int run(struct psw_nl *nl, struct nlmsghdr *req, psw_nl_cb cb,
	       void *data, bool *intr)
{
	static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	struct run_ctx ctx = { cb, data, req, false };
	uint32_t portid = mnl_socket_get_portid(nl->sock);
	uint32_t seq = req->nlmsg_seq;
	static char rbuf[PSW_NL_BUFSIZE];
	ssize_t n;
	int ret;

	*intr = false;
	if (req->nlmsg_len > PSW_NL_BUFSIZE) {
		/* The kernel refuses messages longer than the send buffer. */
		int size = req->nlmsg_len + PSW_NL_BUFSIZE;
		int fd = mnl_socket_get_fd(nl->sock);

		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	}
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0) {
		/* Without CAP_NET_ADMIN, SO_SNDBUF stops at net.core.wmem_max. */
		if (errno == EMSGSIZE)
			fprintf(stderr, "pswctl: the request (%u bytes) does not fit the socket's send "
				"buffer: raise net.core.wmem_max\n", req->nlmsg_len);
		else
			perror("pswctl: netlink send");
		return -1;
	}
	do {
		n = mnl_socket_recvfrom(nl->sock, rbuf, sizeof(rbuf));
		if (n < 0) {
			perror("pswctl: netlink receive");
			return -1;
		}
		ret = mnl_cb_run2(rbuf, n, seq, portid, data_cb, &ctx,
				  ctl_cb, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	/*
	 * libmnl stops at the first part of a dump marked NLM_F_DUMP_INTR
	 * (EINTR) before our callbacks see it: read the rest, then retry.
	 */
	if (ret < 0 && errno == EINTR && !ctx.failed) {
		*intr = true;
		return drain(nl, rbuf, n, seq);
	}
	return ret < 0 ? -1 : 0;
}

int psw_nl_run(struct psw_nl *nl, psw_nl_cb cb, void (*reset)(void *), void *data)
{
	struct nlmsghdr *req = (struct nlmsghdr *)nl->buf;
	bool intr;
	int tries;

	for (tries = 0; tries < 10; tries++) {
		req->nlmsg_seq = ++nl->seq;
		if (run(nl, req, cb, data, &intr) < 0)
			return -1;
		if (!intr)
			return 0;
		if (reset)
			reset(data);
	}
	fprintf(stderr, "pswctl: the switch kept changing during the dump; try again\n");
	return -1;
}

size_t psw_nl_room(const struct nlmsghdr *nlh)
{
	return PSW_NL_REQ_MAX - nlh->nlmsg_len;
}

static int collect_cb(const struct nlmsghdr *nlh, void *data)
{
	struct psw_msgs *msgs = data;
	struct nlmsghdr **v, *copy;

	v = realloc(msgs->v, (msgs->n + 1) * sizeof(*v));
	copy = malloc(nlh->nlmsg_len);
	if (!v || !copy) {
		free(copy);
		if (v)
			msgs->v = v;
		perror("pswctl");
		return MNL_CB_ERROR;
	}
	memcpy(copy, nlh, nlh->nlmsg_len);
	msgs->v = v;
	msgs->v[msgs->n++] = copy;
	return MNL_CB_OK;
}

static void collect_reset(void *data)
{
	struct psw_msgs *msgs = data;

	while (msgs->n)
		free(msgs->v[--msgs->n]);
}

int psw_nl_collect(struct psw_nl *nl, struct psw_msgs *msgs)
{
	return psw_nl_run(nl, collect_cb, collect_reset, msgs);
}

void psw_msgs_free(struct psw_msgs *msgs)
{
	collect_reset(msgs);
	free(msgs->v);
	msgs->v = NULL;
}

struct attr_tb {
	const struct nlattr **tb;
	int max;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attr_tb *t = data;
	int type = mnl_attr_get_type(attr);

	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

void psw_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb, int max)
{
	struct attr_tb t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_cb, &t);
}

void psw_attrs_nested(const struct nlattr *nest, const struct nlattr **tb, int max)
{
	struct attr_tb t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (nest)
		mnl_attr_parse_nested(nest, attr_cb, &t);
}

static int ignore_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

int psw_nl_ack(struct psw_nl *nl)
{
	return psw_nl_run(nl, ignore_cb, NULL, NULL);
}
