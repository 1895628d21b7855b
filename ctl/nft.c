// SPDX-License-Identifier: GPL-2.0
/*
 * The host's nftables table of podswitch, through libnftnl over libmnl
 * (nft.h says what it holds and how it changes).
 */
#include "nft.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter_ipv4.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static char err_buf[512];

const char *nft_error(void)
{
	return err_buf;
}

static int fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_buf, sizeof(err_buf), fmt, ap);
	va_end(ap);
	return err;
}

/* ---- the socket ---- */

struct nft_sock {
	struct mnl_socket *nl;
	unsigned int portid;
	uint32_t seq;
	char buf[32768];	/* a dump's skb, at most */
};

/* Why the kernel said no: its extack message, or errno's name. */
static int kernel_error(int err, const char *what, const char *msg)
{
	if (err == -EPERM)
		return fail(err, "%s: nftables needs CAP_NET_ADMIN (%s)", what, strerror(-err));
	if (err == -EPROTONOSUPPORT || err == -EOPNOTSUPP || err == -EAFNOSUPPORT)
		return fail(err, "%s: the kernel has no nf_tables (CONFIG_NF_TABLES, "
			    "CONFIG_NF_TABLES_IPV4; modprobe nf_tables)", what);
	if (msg && *msg)
		return fail(err, "%s: %s (%s)", what, msg, strerror(-err));
	return fail(err, "%s: %s", what, strerror(-err));
}

static int sock_open(struct nft_sock **out)
{
	struct nft_sock *s = calloc(1, sizeof(*s));
	struct timeval tv = { .tv_sec = 10 };
	int one = 1, err;

	if (!s)
		return fail(-ENOMEM, "out of memory");
	s->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!s->nl) {
		err = -errno;
		free(s);
		return kernel_error(err, "netfilter netlink socket", NULL);
	}
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(s->nl);
		free(s);
		return kernel_error(err, "netfilter netlink socket", NULL);
	}
	/* Errors carry the kernel's message, not a copy of the request. */
	mnl_socket_setsockopt(s->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	/* The kernel answers in our own send: a silent socket is a bug, not a wait. */
	setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = time(NULL);
	*out = s;
	return 0;
}

static void sock_close(struct nft_sock *s)
{
	if (s) {
		mnl_socket_close(s->nl);
		free(s);
	}
}

/* The extack message of an error reply, if any. */
static const char *ack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	/* Without NLM_F_CAPPED the request itself comes first. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (off > nlh->nlmsg_len - sizeof(*nlh))
		return NULL;
	mnl_attr_for_each(a, nlh, off)
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(a);
	return NULL;
}

struct talk {
	mnl_cb_t cb;
	void *data;
	char msg[256];
	bool intr;
};

static int talk_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

static int talk_err(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct talk *t = data;
	const char *m;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return MNL_CB_ERROR;
	if (e->error) {
		m = ack_msg(nlh);
		snprintf(t->msg, sizeof(t->msg), "%s", m ? m : "");
		errno = -e->error;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

/* The end of a dump, which carries the dump's error if it failed. */
static int talk_done(const struct nlmsghdr *nlh, void *data)
{
	int error = 0;

	if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(error)))
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (error < 0) {
		errno = -error;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static bool dump_ended(const void *buf, int n)
{
	const struct nlmsghdr *nlh;

	for (nlh = buf; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n))
		if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
			return true;
	return false;
}

/* Send the request in s->buf and run @cb on each reply; 0, -EINTR (dump interrupted) or -errno. */
static int talk(struct nft_sock *s, const char *what, mnl_cb_t cb, void *data)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)s->buf;
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = talk_err, [NLMSG_DONE] = talk_done };
	struct talk t = { cb, data, "", false };
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
		return kernel_error(-errno, what, NULL);
	do {
		n = mnl_socket_recvfrom(s->nl, s->buf, sizeof(s->buf));
		if (n < 0)
			return kernel_error(-errno, what, NULL);
		ret = mnl_cb_run2(s->buf, n, seq, s->portid, talk_cb, &t, ctl, NLMSG_MIN_TYPE);
		/*
		 * libmnl stops at a message marked interrupted: the rest of
		 * the dump is read and dropped, so the next request's answer
		 * is not behind it.
		 */
		if (ret < 0 && errno == EINTR) {
			t.intr = true;
			ret = dump_ended(s->buf, n) ? MNL_CB_STOP : MNL_CB_OK;
		}
	} while (ret > 0);
	if (ret < 0)
		return kernel_error(-errno, what, t.msg);
	return t.intr ? -EINTR : 0;
}

/* ---- reading: the generation and the rules ---- */

struct gen {
	uint32_t id;
	bool found;
};

static int gen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_gen *g = nftnl_gen_alloc();
	struct gen *gen = data;

	if (g && nftnl_gen_nlmsg_parse(nlh, g) == 0 && nftnl_gen_is_set(g, NFTNL_GEN_ID)) {
		gen->id = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
		gen->found = true;
	}
	if (g)
		nftnl_gen_free(g);
	return MNL_CB_OK;
}

/*
 * The ruleset's generation, which a batch is bound to: without it the
 * batch would not be checked at all (generation 0 means no check).
 */
static int get_gen(struct nft_sock *s, uint32_t *id)
{
	struct gen gen = { 0, false };
	int err;

	nftnl_nlmsg_build_hdr(s->buf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK, ++s->seq);
	err = talk(s, "nftables", gen_cb, &gen);
	/* nfnetlink's answer when no nf_tables subsystem is registered. */
	if (err == -EINVAL)
		return kernel_error(-EOPNOTSUPP, "nftables", NULL);
	if (!err && !gen.found)
		return fail(-EPROTO, "nftables: the kernel gave no ruleset generation");
	*id = gen.id;
	return err;
}

static int table_exists(struct nft_sock *s, bool *exists)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	int err;

	if (!t)
		return fail(-ENOMEM, "out of memory");
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_HOST_TABLE);
	nlh = nftnl_nlmsg_build_hdr(s->buf, NFT_MSG_GETTABLE, NFPROTO_IPV4, NLM_F_ACK, ++s->seq);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	err = talk(s, "table ip " NFT_HOST_TABLE, NULL, NULL);
	*exists = err == 0;
	return err == -ENOENT ? 0 : err;
}

/* ---- decoding a rule ---- */

/* What the register holds, for the cmp that follows. */
enum load {
	L_NONE, L_PROTO, L_OIF, L_DADDR, L_SADDR, L_DPORT, L_FIB_TYPE, L_CT_STATUS,
};

/* A field a rule matches at most once: a second match of it is not ours. */
enum {
	F_PROTO = 1 << 0, F_OIF = 1 << 1, F_DADDR = 1 << 2, F_SADDR = 1 << 3, F_DPORT = 1 << 4,
	F_LOCAL = 1 << 5, F_CT = 1 << 6, F_NOLOOP = 1 << 7,
};

/* The decoder's state between expressions. */
struct dec {
	enum load load;
	uint32_t len;		/* of the load: an address prefix may load 1..4 bytes */
	uint32_t mask;		/* bitwise on the load, all ones if none */
	uint32_t regs[NFT_REG_MAX + 1];
	bool set[NFT_REG_MAX + 1];
	unsigned int seen;
	int verb;
};

/*
 * "SWITCH OWNER" from the rule's comment, nothing after it. The userdata
 * is whatever root wrote into the table: every TLV is bounds-checked here.
 */
static void parse_comment(const struct nftnl_rule *r, struct nft_rule *out)
{
	char sw[IF_NAMESIZE + 1], owner[NFT_OWNER_MAX + 1], fmt[32];
	const uint8_t *ud, *text = NULL;
	uint32_t len, off, tlen = 0;
	int end = 0;

	if (!nftnl_rule_is_set(r, NFTNL_RULE_USERDATA))
		return;
	ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
	/* Each TLV: a type byte, a length byte, the value. */
	for (off = 0; ud && off + 2 <= len && off + 2 + ud[off + 1] <= len; off += 2 + ud[off + 1])
		if (ud[off] == NFTNL_UDATA_RULE_COMMENT) {
			text = ud + off + 2;
			tlen = ud[off + 1];
		}
	if (!text || !tlen || text[tlen - 1] != '\0')
		return;
	snprintf(fmt, sizeof(fmt), "%%%ds %%%ds%%n", IF_NAMESIZE, NFT_OWNER_MAX);
	if (sscanf((const char *)text, fmt, sw, owner, &end) != 2 || text[end] ||
	    strlen(sw) >= IF_NAMESIZE || strlen(owner) >= NFT_OWNER_MAX)
		return;
	strcpy(out->sw, sw);
	strcpy(out->owner, owner);
}

/* Loads go to register 1, as every rule of ours writes them. */
static bool reg1(const struct nftnl_expr *e, uint16_t attr)
{
	return nftnl_expr_get_u32(e, attr) == NFT_REG_1;
}

static int once(struct dec *d, unsigned int field)
{
	if (d->seen & field)
		return -1;
	d->seen |= field;
	return 0;
}

/* An address compared: a prefix (@len bytes loaded, maybe masked), == or !=. */
static int cmp_addr(struct dec *d, const void *data, uint32_t len, bool neg, uint32_t *addr,
		    uint32_t *mask)
{
	uint32_t v = 0, m = 0;

	if (len != d->len)
		return -1;
	memcpy(&v, data, len);
	memset(&m, 0xff, len);
	m &= d->mask;
	*addr = v & m;
	*mask = m;
	return neg ? 1 : 0;
}

static int decode_cmp(const struct nftnl_expr *e, struct nft_match *m, struct dec *d)
{
	uint32_t len, v = 0, addr, mask, op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP);
	const void *data = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
	bool neg = op == NFT_CMP_NEQ;
	int r;

	if ((!neg && op != NFT_CMP_EQ) || !reg1(e, NFTNL_EXPR_CMP_SREG) || !data ||
	    !len || len > IF_NAMESIZE)
		return -1;
	if (len <= 4)
		memcpy(&v, data, len);
	switch (d->load) {
	case L_PROTO:
		if (len != 1 || neg || once(d, F_PROTO))
			return -1;
		m->proto = v;
		break;
	case L_OIF:
		/* Up to and with the name's NUL: the name, exactly. */
		if (((const char *)data)[len - 1] || once(d, F_OIF))
			return -1;
		memcpy(m->oif, data, len);
		m->oif_neg = neg;
		break;
	case L_DADDR:
		r = cmp_addr(d, data, len, neg, &addr, &mask);
		/* ip daddr != 127.0.0.0/8: nothing sent to loopback from outside. */
		if (r == 1 && addr == htonl(0x7f000000) && mask == htonl(0xff000000)) {
			if (once(d, F_NOLOOP))
				return -1;
			m->no_loopback = true;
			break;
		}
		if (r < 0 || once(d, F_DADDR))
			return -1;
		m->daddr = addr;
		m->dmask = mask;
		m->daddr_neg = r;
		break;
	case L_SADDR:
		if (cmp_addr(d, data, len, neg, &addr, &mask) != 0 || once(d, F_SADDR))
			return -1;
		m->saddr = addr;
		m->smask = mask;
		break;
	case L_DPORT:
		if (len != 2 || neg || once(d, F_DPORT))
			return -1;
		m->dport = v;
		break;
	case L_FIB_TYPE:
		if (len != 4 || neg || v != RTN_LOCAL || once(d, F_LOCAL))
			return -1;
		m->local = true;
		break;
	case L_CT_STATUS:
		if (len != 4 || !neg || v || d->mask != IPS_DST_NAT || once(d, F_CT))
			return -1;
		m->ct_dnat = true;
		break;
	default:
		return -1;
	}
	d->load = L_NONE;
	return 0;
}

static int decode_expr(const struct nftnl_expr *e, struct nft_match *m, struct dec *d)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	uint32_t len, xlen, key, areg, preg, flags;
	const void *data, *x;

	if (!strcmp(name, "cmp"))
		return decode_cmp(e, m, d);
	/* A load, or a verdict, with the last load never compared: not ours. */
	if (d->load != L_NONE && strcmp(name, "bitwise"))
		return -1;
	d->mask = ~0U;
	if (!strcmp(name, "meta")) {
		key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
		if (!reg1(e, NFTNL_EXPR_META_DREG) || nftnl_expr_is_set(e, NFTNL_EXPR_META_SREG))
			return -1;
		d->load = key == NFT_META_L4PROTO ? L_PROTO : key == NFT_META_OIFNAME ? L_OIF : L_NONE;
		return d->load == L_NONE ? -1 : 0;
	}
	if (!strcmp(name, "payload")) {
		uint32_t base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
		uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);

		d->len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
		if (!reg1(e, NFTNL_EXPR_PAYLOAD_DREG) || nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_SREG))
			return -1;
		/* nft writes a /8, /16 or /24 as a load of 1, 2 or 3 bytes. */
		if (base == NFT_PAYLOAD_NETWORK_HEADER && off == 16 && d->len >= 1 && d->len <= 4)
			d->load = L_DADDR;
		else if (base == NFT_PAYLOAD_NETWORK_HEADER && off == 12 && d->len >= 1 &&
			 d->len <= 4)
			d->load = L_SADDR;
		else if (base == NFT_PAYLOAD_TRANSPORT_HEADER && off == 2 && d->len == 2)
			d->load = L_DPORT;
		else
			return -1;
		return 0;
	}
	if (!strcmp(name, "fib")) {
		if (!reg1(e, NFTNL_EXPR_FIB_DREG) ||
		    nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_FLAGS) != NFTA_FIB_F_DADDR ||
		    nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_RESULT) != NFT_FIB_RESULT_ADDRTYPE)
			return -1;
		d->load = L_FIB_TYPE;
		return 0;
	}
	if (!strcmp(name, "ct")) {
		if (!reg1(e, NFTNL_EXPR_CT_DREG) || nftnl_expr_is_set(e, NFTNL_EXPR_CT_SREG) ||
		    nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR) ||
		    nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY) != NFT_CT_STATUS)
			return -1;
		d->load = L_CT_STATUS;
		d->len = 4;
		return 0;
	}
	if (!strcmp(name, "bitwise")) {
		x = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_XOR, &xlen);
		data = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &len);
		/* A mask over the load, in place: no shift, no xor. */
		if (!reg1(e, NFTNL_EXPR_BITWISE_SREG) || !reg1(e, NFTNL_EXPR_BITWISE_DREG) ||
		    (nftnl_expr_is_set(e, NFTNL_EXPR_BITWISE_OP) &&
		     nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_OP) != NFT_BITWISE_BOOL) ||
		    !x || xlen != d->len || memcmp(x, "\0\0\0\0", xlen) || !data || len != d->len ||
		    (d->load != L_SADDR && d->load != L_DADDR && d->load != L_CT_STATUS))
			return -1;
		d->mask = 0;
		memcpy(&d->mask, data, len);
		return 0;
	}
	if (!strcmp(name, "counter"))
		return 0;
	if (!strcmp(name, "immediate")) {
		key = nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG);
		data = nftnl_expr_get(e, NFTNL_EXPR_IMM_DATA, &len);
		/* Only the two registers a DNAT of ours reads, whole. */
		if (!data || (key != NFT_REG_1 && key != NFT_REG_2) ||
		    len != (key == NFT_REG_1 ? 4 : 2))
			return -1;
		d->regs[key] = 0;
		memcpy(&d->regs[key], data, len);
		d->set[key] = true;
		return 0;
	}
	if (!strcmp(name, "nat")) {
		areg = nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN);
		preg = nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN);
		flags = nftnl_expr_is_set(e, NFTNL_EXPR_NAT_FLAGS) ?
			nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_FLAGS) : 0;
		if (nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_TYPE) != NFT_NAT_DNAT ||
		    nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_FAMILY) != NFPROTO_IPV4 ||
		    areg != NFT_REG_1 || preg != NFT_REG_2 || !d->set[areg] || !d->set[preg] ||
		    (flags & ~(NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED)) ||
		    /* The kernel lists a range's end as its start when none was given. */
		    (nftnl_expr_is_set(e, NFTNL_EXPR_NAT_REG_ADDR_MAX) &&
		     nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MAX) != areg) ||
		    (nftnl_expr_is_set(e, NFTNL_EXPR_NAT_REG_PROTO_MAX) &&
		     nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MAX) != preg))
			return -1;
		m->to_addr = d->regs[areg];
		m->to_port = d->regs[preg];
		d->verb = NFT_HOSTPORT;
		return 0;
	}
	if (!strcmp(name, "masq")) {
		if ((nftnl_expr_is_set(e, NFTNL_EXPR_MASQ_FLAGS) &&
		     nftnl_expr_get_u32(e, NFTNL_EXPR_MASQ_FLAGS)) ||
		    nftnl_expr_is_set(e, NFTNL_EXPR_MASQ_REG_PROTO_MIN))
			return -1;
		d->verb = NFT_MASQ;
		return 0;
	}
	return -1;
}

/* Whether @m has exactly the matches a rule of @kind is written with. */
static bool shape_ok(enum nft_kind kind, const struct nft_match *m)
{
	bool port = m->proto && m->dport, host_ip = !m->dmask || (m->dmask == ~0U && !m->daddr_neg);

	switch (kind) {
	case NFT_MASQ:
		return m->smask && m->daddr_neg && *m->oif && m->oif_neg && !m->proto && !m->dport &&
		       !m->local && !m->ct_dnat && !m->no_loopback;
	case NFT_HAIRPIN:
		return port && m->smask && m->dmask == ~0U && !m->daddr_neg && *m->oif &&
		       !m->oif_neg && m->ct_dnat && !m->local && !m->no_loopback;
	case NFT_HOSTPORT:
	case NFT_HOSTPORT_LOCAL:
		return port && m->local && host_ip && !m->smask && !*m->oif && !m->ct_dnat &&
		       m->no_loopback == (kind == NFT_HOSTPORT);
	default:
		return false;
	}
}

/* @out from @r: what it matches and does, its owner, counters and handle. */
static void decode(const struct nftnl_rule *r, struct nft_rule *out)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct dec d = { .load = L_NONE, .verb = NFT_FOREIGN };
	struct nftnl_expr *e;
	int bad = !it;

	memset(out, 0, sizeof(*out));
	snprintf(out->chain, sizeof(out->chain), "%s", nftnl_rule_get_str(r, NFTNL_RULE_CHAIN) ?: "");
	out->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	parse_comment(r, out);
	while (it && (e = nftnl_expr_iter_next(it))) {
		/* The verdict is last: nothing may follow it. */
		if (d.verb != NFT_FOREIGN)
			bad = 1;
		if (!strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "counter")) {
			out->packets += nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
			out->bytes += nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
		}
		if (decode_expr(e, &out->m, &d))
			bad = 1;
	}
	nftnl_expr_iter_destroy(it);
	if (bad || d.load != L_NONE || !*out->sw)
		return;
	if (d.verb == NFT_MASQ && !strcmp(out->chain, "postrouting"))
		out->kind = out->m.ct_dnat ? NFT_HAIRPIN : NFT_MASQ;
	else if (d.verb == NFT_HOSTPORT && !strcmp(out->chain, "prerouting"))
		out->kind = NFT_HOSTPORT;
	else if (d.verb == NFT_HOSTPORT && !strcmp(out->chain, "output"))
		out->kind = NFT_HOSTPORT_LOCAL;
	if (!shape_ok(out->kind, &out->m))
		out->kind = NFT_FOREIGN;
}

struct list {
	struct nft_rule *v;
	size_t n, cap;
	int err;
};

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list *l = data;
	struct nftnl_rule *r;
	struct nft_rule *more;

	if (l->n == l->cap) {
		more = realloc(l->v, (l->cap ? l->cap * 2 : 64) * sizeof(*more));
		if (!more) {
			l->err = -ENOMEM;
			return MNL_CB_ERROR;
		}
		l->v = more;
		l->cap = l->cap ? l->cap * 2 : 64;
	}
	r = nftnl_rule_alloc();
	if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		if (r)
			nftnl_rule_free(r);
		l->err = r ? -EINVAL : -ENOMEM;
		return MNL_CB_ERROR;
	}
	decode(r, &l->v[l->n++]);
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int list_rules(struct nft_sock *s, struct list *l)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	int err, tries;

	if (!r)
		return fail(-ENOMEM, "out of memory");
	for (tries = 0; tries < 100; tries++) {
		l->n = 0;
		l->err = 0;
		nlh = nftnl_nlmsg_build_hdr(s->buf, NFT_MSG_GETRULE, NFPROTO_IPV4, NLM_F_DUMP,
					    ++s->seq);
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_HOST_TABLE);
		nftnl_rule_nlmsg_build_payload(nlh, r);
		err = talk(s, "listing table ip " NFT_HOST_TABLE, rule_cb, l);
		if (l->err)
			err = fail(l->err, "listing table ip " NFT_HOST_TABLE ": %s",
				   strerror(-l->err));
		/* No table: no rules. */
		if (err == -ENOENT)
			err = 0;
		if (err != -EINTR)
			break;
	}
	nftnl_rule_free(r);
	return err == -EINTR ? fail(-EBUSY, "table ip " NFT_HOST_TABLE " keeps changing") : err;
}

int nft_list(struct nft_rule **rules, size_t *n)
{
	struct list l = { 0 };
	struct nft_sock *s = NULL;
	uint32_t gen;
	int err = sock_open(&s);

	/* First what tells a kernel without nf_tables apart. */
	if (!err)
		err = get_gen(s, &gen);
	if (!err)
		err = list_rules(s, &l);
	sock_close(s);
	if (err) {
		free(l.v);
		return err;
	}
	*rules = l.v;
	*n = l.n;
	return 0;
}

/* ---- building rules ---- */

static int add_expr(struct nftnl_rule *r, const char *name, struct nftnl_expr **out)
{
	*out = nftnl_expr_alloc(name);
	if (!*out)
		return -1;
	nftnl_rule_add_expr(r, *out);
	return 0;
}

/* Each helper leaves errors in *bad: one check at the end of a rule. */
static void e_meta(struct nftnl_rule *r, uint32_t key, int *bad)
{
	struct nftnl_expr *e;

	if (add_expr(r, "meta", &e)) {
		*bad = 1;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

static void e_payload(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len, int *bad)
{
	struct nftnl_expr *e;

	if (add_expr(r, "payload", &e)) {
		*bad = 1;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
}

static void e_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len, int *bad)
{
	struct nftnl_expr *e;

	if (add_expr(r, "cmp", &e)) {
		*bad = 1;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

static void e_mask(struct nftnl_rule *r, uint32_t mask, int *bad)
{
	uint32_t zero = 0;
	struct nftnl_expr *e;

	if (add_expr(r, "bitwise", &e)) {
		*bad = 1;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 4);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, 4);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, 4);
}

/* ip saddr/daddr @addr/@plen, == or != (a /32 compares without a mask, as nft writes it). */
static void m_addr(struct nftnl_rule *r, uint32_t off, uint32_t addr, uint8_t plen, bool neg,
		   int *bad)
{
	uint32_t mask = plen ? htonl(~0U << (32 - plen)) : 0;

	addr &= mask;
	e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, off, 4, bad);
	if (plen < 32)
		e_mask(r, mask, bad);
	e_cmp(r, neg ? NFT_CMP_NEQ : NFT_CMP_EQ, &addr, 4, bad);
}

static void m_oif(struct nftnl_rule *r, const char *ifname, bool neg, int *bad)
{
	char name[IF_NAMESIZE] = { 0 };

	strncpy(name, ifname, IF_NAMESIZE - 1);
	e_meta(r, NFT_META_OIFNAME, bad);
	e_cmp(r, neg ? NFT_CMP_NEQ : NFT_CMP_EQ, name, IF_NAMESIZE, bad);
}

/* meta l4proto @proto, th dport @port */
static void m_port(struct nftnl_rule *r, uint8_t proto, uint16_t port, int *bad)
{
	e_meta(r, NFT_META_L4PROTO, bad);
	e_cmp(r, NFT_CMP_EQ, &proto, 1, bad);
	e_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, bad);
	e_cmp(r, NFT_CMP_EQ, &port, 2, bad);
}

static void e_counter(struct nftnl_rule *r, int *bad)
{
	struct nftnl_expr *e;

	if (add_expr(r, "counter", &e))
		*bad = 1;
}

static struct nftnl_rule *rule_new(const char *chain, const char *sw, const char *owner)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_udata_buf *ud;
	char comment[128];

	if (!r)
		return NULL;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_HOST_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	snprintf(comment, sizeof(comment), "%s %s", sw, owner);
	ud = nftnl_udata_buf_alloc(sizeof(comment) + 8);
	if (!ud || !nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, comment)) {
		nftnl_udata_buf_free(ud);
		nftnl_rule_free(r);
		return NULL;
	}
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
			    nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	return r;
}

static int tx_push(struct nft_tx *tx, struct nftnl_rule *r, int bad)
{
	struct nftnl_rule **more;

	if (!r || bad) {
		if (r)
			nftnl_rule_free(r);
		return fail(-ENOMEM, "out of memory");
	}
	if (tx->nadd == tx->addcap) {
		more = realloc(tx->add, (tx->addcap ? tx->addcap * 2 : 16) * sizeof(*more));
		if (!more) {
			nftnl_rule_free(r);
			return fail(-ENOMEM, "out of memory");
		}
		tx->add = more;
		tx->addcap = tx->addcap ? tx->addcap * 2 : 16;
	}
	tx->add[tx->nadd++] = r;
	return 0;
}

static int owner_ok(const char *sw, const char *owner)
{
	if (!*sw || strlen(sw) >= IF_NAMESIZE || strpbrk(sw, " \t\n"))
		return fail(-EINVAL, "\"%s\" is not an interface name", sw);
	if (!*owner || strlen(owner) >= NFT_OWNER_MAX || strpbrk(owner, " \t\n"))
		return fail(-EINVAL, "owner \"%s\" is empty, has blanks or is longer than %d",
			    owner, NFT_OWNER_MAX - 1);
	return 0;
}

int nft_add_masq(struct nft_tx *tx, const char *sw, const char *owner, uint32_t net,
		 uint8_t plen, uint32_t excl, uint8_t eplen)
{
	struct nftnl_rule *r;
	struct nftnl_expr *e;
	int bad = 0, err = owner_ok(sw, owner);

	if (err)
		return err;
	r = rule_new("postrouting", sw, owner);
	if (r) {
		m_addr(r, 12, net, plen, false, &bad);
		m_addr(r, 16, excl, eplen, true, &bad);
		m_oif(r, sw, true, &bad);
		e_counter(r, &bad);
		bad |= add_expr(r, "masq", &e);
	}
	return tx_push(tx, r, bad);
}

static void e_imm(struct nftnl_rule *r, uint32_t reg, const void *data, uint32_t len, int *bad)
{
	struct nftnl_expr *e;

	if (add_expr(r, "immediate", &e)) {
		*bad = 1;
		return;
	}
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
}

static struct nftnl_rule *dnat_rule(const char *chain, const char *sw, const char *owner,
				    const struct nft_hostport *hp)
{
	struct nftnl_rule *r = rule_new(chain, sw, owner);
	uint32_t local = RTN_LOCAL;
	struct nftnl_expr *e;
	int bad = 0;

	if (!r)
		return NULL;
	/* Cheapest first: the FIB lookup only for the port's packets. */
	m_port(r, hp->proto, hp->host_port, &bad);
	if (hp->host_ip)
		m_addr(r, 16, hp->host_ip, 32, false, &bad);
	/*
	 * Only for the host's own addresses, whatever hostIP says: never a
	 * redirect of traffic the host forwards. And in prerouting never
	 * 127.0.0.0/8, which only a neighbour routing it to the host sends
	 * there (the host's own goes through output).
	 */
	if (!strcmp(chain, "prerouting"))
		m_addr(r, 16, htonl(0x7f000000), 8, true, &bad);
	if (add_expr(r, "fib", &e) == 0) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
		e_cmp(r, NFT_CMP_EQ, &local, 4, &bad);
	} else {
		bad = 1;
	}
	e_counter(r, &bad);
	e_imm(r, NFT_REG_1, &hp->addr, 4, &bad);
	e_imm(r, NFT_REG_2, &hp->port, 2, &bad);
	if (add_expr(r, "nat", &e) == 0) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
	} else {
		bad = 1;
	}
	if (bad) {
		nftnl_rule_free(r);
		return NULL;
	}
	return r;
}

/*
 * A hostPort's connection that the host sends back into the switch, from
 * a source the switch would answer itself (the pod subnet, or the host's
 * loopback through route_localnet): masqueraded, so the reply comes back
 * through the host to be translated.
 */
static struct nftnl_rule *hairpin_rule(const char *sw, const char *owner,
				       const struct nft_hostport *hp, uint32_t src, uint8_t plen)
{
	struct nftnl_rule *r = rule_new("postrouting", sw, owner);
	uint32_t status = IPS_DST_NAT, zero = 0;
	struct nftnl_expr *e;
	int bad = 0;

	if (!r)
		return NULL;
	m_oif(r, sw, false, &bad);
	m_addr(r, 16, hp->addr, 32, false, &bad);
	m_port(r, hp->proto, hp->port, &bad);
	if (add_expr(r, "ct", &e) == 0) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATUS);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	} else {
		bad = 1;
	}
	e_mask(r, status, &bad);
	e_cmp(r, NFT_CMP_NEQ, &zero, 4, &bad);
	m_addr(r, 12, src, plen, false, &bad);
	e_counter(r, &bad);
	bad |= add_expr(r, "masq", &e);
	if (bad) {
		nftnl_rule_free(r);
		return NULL;
	}
	return r;
}

int nft_add_hostport(struct nft_tx *tx, const char *sw, const char *owner,
		     const struct nft_hostport *hp)
{
	int err = owner_ok(sw, owner);

	if (err)
		return err;
	if (!hp->host_port || !hp->port || !hp->addr)
		return fail(-EINVAL, "a hostPort needs a port, a container address and port");
	err = tx_push(tx, dnat_rule("prerouting", sw, owner, hp), 0);
	if (!err)
		err = tx_push(tx, dnat_rule("output", sw, owner, hp), 0);
	if (!err)
		err = tx_push(tx, hairpin_rule(sw, owner, hp, htonl(INADDR_LOOPBACK & 0xff000000), 8),
			      0);
	if (!err && hp->plen)
		err = tx_push(tx, hairpin_rule(sw, owner, hp, hp->net, hp->plen), 0);
	return err;
}

size_t nft_del_owner(struct nft_tx *tx, const char *sw, const char *owner)
{
	size_t i, n = 0;

	for (i = 0; i < tx->n; i++)
		if (*tx->rules[i].sw && !strcmp(tx->rules[i].sw, sw) &&
		    (!owner || !strcmp(tx->rules[i].owner, owner)) && !tx->rules[i].del) {
			tx->rules[i].del = true;
			n++;
		}
	return n;
}

void nft_tx_release(struct nft_tx *tx)
{
	size_t i;

	for (i = 0; i < tx->nadd; i++)
		nftnl_rule_free(tx->add[i]);
	free(tx->add);
	tx->add = NULL;
	tx->nadd = tx->addcap = 0;
}

/* ---- the batch ---- */

struct batch {
	char *p;
	size_t len, cap;
	uint32_t first_seq, last_seq;
};

/* Room for one more message at the end; its header, zeroed, or NULL. */
static char *batch_room(struct batch *b, size_t need)
{
	char *more;

	if (b->len + need > b->cap) {
		more = realloc(b->p, (b->len + need) * 2);
		if (!more)
			return NULL;
		b->p = more;
		b->cap = (b->len + need) * 2;
	}
	memset(b->p + b->len, 0, need);
	return b->p + b->len;
}

static void batch_done(struct batch *b, struct nlmsghdr *nlh)
{
	b->last_seq = nlh->nlmsg_seq;
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static struct nlmsghdr *batch_marker(struct batch *b, uint16_t type, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	char *p = batch_room(b, 64);

	if (!p)
		return NULL;
	nlh = mnl_nlmsg_put_header(p);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(NFNL_SUBSYS_NFTABLES);
	return nlh;
}

static struct nlmsghdr *chain_msg(struct batch *b, uint32_t seq, const char *name,
				  uint32_t hook, int prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;
	char *p = batch_room(b, 512);

	if (!c || !p) {
		if (c)
			nftnl_chain_free(c);
		return NULL;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_HOST_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "nat");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	nlh = nftnl_nlmsg_build_hdr(p, NFT_MSG_NEWCHAIN, NFPROTO_IPV4, NLM_F_CREATE, seq);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return nlh;
}

static struct nlmsghdr *table_msg(struct batch *b, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	char *p = batch_room(b, 256);

	if (!t || !p) {
		if (t)
			nftnl_table_free(t);
		return NULL;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_HOST_TABLE);
	nlh = nftnl_nlmsg_build_hdr(p, type, NFPROTO_IPV4, flags, seq);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	return nlh;
}

static struct nlmsghdr *delrule_msg(struct batch *b, uint32_t seq, const struct nft_rule *rule)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	char *p = batch_room(b, 256);

	if (!r || !p) {
		if (r)
			nftnl_rule_free(r);
		return NULL;
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_HOST_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, rule->chain);
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, rule->handle);
	nlh = nftnl_nlmsg_build_hdr(p, NFT_MSG_DELRULE, NFPROTO_IPV4, 0, seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return nlh;
}

static struct nlmsghdr *newrule_msg(struct batch *b, uint32_t seq, struct nftnl_rule *r)
{
	char *p = batch_room(b, 4096);
	struct nlmsghdr *nlh;

	if (!p)
		return NULL;
	nlh = nftnl_nlmsg_build_hdr(p, NFT_MSG_NEWRULE, NFPROTO_IPV4,
				    NLM_F_CREATE | NLM_F_APPEND, seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	return nlh;
}

/* The batch of @tx, bound to generation @gen; 0 if it changes nothing. */
static int build_batch(struct nft_sock *s, struct nft_tx *tx, uint32_t gen, struct batch *b,
		       size_t *nmsgs)
{
	static const struct { const char *name; uint32_t hook; int prio; } chains[] = {
		{ "prerouting", NF_INET_PRE_ROUTING, NF_IP_PRI_NAT_DST },
		{ "output", NF_INET_LOCAL_OUT, NF_IP_PRI_NAT_DST },
		{ "postrouting", NF_INET_POST_ROUTING, NF_IP_PRI_NAT_SRC },
	};
	size_t i, left = 0, dels = 0;
	struct nlmsghdr *nlh;
	int bad = 0;

	for (i = 0; i < tx->n; i++) {
		if (tx->rules[i].del)
			dels++;
		else
			left++;
	}
	*nmsgs = 0;
	if (!dels && !tx->nadd && (left || !tx->table))
		return 0;

	nlh = batch_marker(b, NFNL_MSG_BATCH_BEGIN, ++s->seq);
	if (nlh) {
		mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, htonl(gen));
		batch_done(b, nlh);
		b->first_seq = nlh->nlmsg_seq;
	}
	bad |= !nlh;
	/* Made (or found) before its rules; gone with the last of them. */
	if (tx->nadd) {
		nlh = table_msg(b, NFT_MSG_NEWTABLE, NLM_F_CREATE, ++s->seq);
		bad |= !nlh;
		if (nlh)
			batch_done(b, nlh);
		for (i = 0; !bad && i < sizeof(chains) / sizeof(chains[0]); i++) {
			nlh = chain_msg(b, ++s->seq, chains[i].name, chains[i].hook, chains[i].prio);
			bad |= !nlh;
			if (nlh)
				batch_done(b, nlh);
		}
	}
	for (i = 0; !bad && i < tx->n; i++) {
		if (!tx->rules[i].del)
			continue;
		nlh = delrule_msg(b, ++s->seq, &tx->rules[i]);
		bad |= !nlh;
		if (nlh)
			batch_done(b, nlh);
	}
	for (i = 0; !bad && i < tx->nadd; i++) {
		nlh = newrule_msg(b, ++s->seq, tx->add[i]);
		bad |= !nlh;
		if (nlh)
			batch_done(b, nlh);
	}
	if (!bad && !left && !tx->nadd && tx->table) {
		nlh = table_msg(b, NFT_MSG_DELTABLE, 0, ++s->seq);
		bad |= !nlh;
		if (nlh)
			batch_done(b, nlh);
	}
	/* One acknowledgement, of the last change, says the batch went through. */
	if (!bad)
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh = bad ? NULL : batch_marker(b, NFNL_MSG_BATCH_END, ++s->seq);
	if (!nlh)
		return fail(-ENOMEM, "out of memory");
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	*nmsgs = 1;
	return 0;
}

/*
 * Send the batch and read what it answered: nfnetlink processes a batch
 * within the sender's sendmsg, so every reply is queued when it returns
 * (the last message's acknowledgement, an error per failed message, or
 * one error for the whole batch: its generation, ENOMEM).
 */
static int send_batch(struct nft_sock *s, struct batch *b)
{
	int size = b->len + 4096, err = 0, flags = 0;
	const struct nlmsghdr *nlh;
	const struct nlmsgerr *e;
	char msg[256] = "";
	bool acked = false;
	int n;

	/* The batch is one message: the send buffer must hold all of it. */
	if (setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (mnl_socket_sendto(s->nl, b->p, b->len) < 0)
		return kernel_error(-errno, "changing table ip " NFT_HOST_TABLE, NULL);
	for (;;) {
		n = recv(mnl_socket_get_fd(s->nl), s->buf, sizeof(s->buf), flags);
		if (n < 0 && flags && errno == EAGAIN)
			break;
		if (n < 0)
			return kernel_error(-errno, "changing table ip " NFT_HOST_TABLE, NULL);
		flags = MSG_DONTWAIT;
		for (nlh = (const struct nlmsghdr *)s->buf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)) ||
			    nlh->nlmsg_seq < b->first_seq || nlh->nlmsg_seq > b->last_seq)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error && !err) {
				err = e->error;
				snprintf(msg, sizeof(msg), "%s", ack_msg(nlh) ?: "");
			}
			if (!e->error && nlh->nlmsg_seq == b->last_seq)
				acked = true;
		}
	}
	if (err == -ERESTART)
		return -ERESTART;
	if (err)
		return kernel_error(err, "changing table ip " NFT_HOST_TABLE, msg);
	return acked ? 0 : fail(-EPROTO, "changing table ip " NFT_HOST_TABLE
				": the kernel did not acknowledge the change");
}

int nft_change(nft_edit_fn edit, void *arg)
{
	struct nft_sock *s = NULL;
	struct list l = { 0 };
	struct nft_tx tx;
	struct batch b;
	size_t nmsgs;
	unsigned int seed = getpid();
	uint32_t gen = 0;
	int err, tries;
	bool table = false;

	err = sock_open(&s);
	for (tries = 0; !err && tries < 100; tries++) {
		memset(&tx, 0, sizeof(tx));
		memset(&b, 0, sizeof(b));
		err = get_gen(s, &gen);
		if (!err)
			err = table_exists(s, &table);
		if (!err)
			err = list_rules(s, &l);
		if (err)
			break;
		tx.rules = l.v;
		tx.n = l.n;
		tx.table = table;
		err = edit(&tx, arg);
		if (!err)
			err = build_batch(s, &tx, gen, &b, &nmsgs);
		if (!err && nmsgs)
			err = send_batch(s, &b);
		nft_tx_release(&tx);
		free(b.p);
		if (err != -ERESTART)
			break;
		/* Another change came first: start again from what it left. */
		err = 0;
		usleep(1000 + rand_r(&seed) % 4000);
	}
	if (tries == 100)
		err = fail(-EBUSY, "table ip " NFT_HOST_TABLE " keeps changing");
	free(l.v);
	sock_close(s);
	return err;
}

/* ---- CHECK ---- */

static bool same(const struct nft_rule *a, const struct nft_rule *b)
{
	return a->kind == b->kind && !strcmp(a->chain, b->chain) &&
	       !memcmp(&a->m, &b->m, sizeof(a->m));
}

static const char *describe(const struct nft_rule *r)
{
	static char buf[160];
	char src[INET_ADDRSTRLEN], to[INET_ADDRSTRLEN];
	const char *proto = r->m.proto == IPPROTO_TCP ? "tcp" : "udp";

	inet_ntop(AF_INET, &r->m.saddr, src, sizeof(src));
	inet_ntop(AF_INET, r->kind == NFT_HAIRPIN ? &r->m.daddr : &r->m.to_addr, to, sizeof(to));
	switch (r->kind) {
	case NFT_MASQ:
		snprintf(buf, sizeof(buf), "%s rule masquerading %s/%d", r->chain, src,
			 __builtin_popcount(r->m.smask));
		break;
	case NFT_HAIRPIN:
		snprintf(buf, sizeof(buf), "%s rule masquerading %s/%d to %s %s:%u (hairpin)",
			 r->chain, src, __builtin_popcount(r->m.smask), proto, to,
			 ntohs(r->m.dport));
		break;
	default:
		snprintf(buf, sizeof(buf), "%s rule of hostPort %s %u to %s:%u", r->chain, proto,
			 ntohs(r->m.dport), to, ntohs(r->m.to_port));
	}
	return buf;
}

int nft_check(const char *sw, const char *owner, nft_edit_fn build, void *arg)
{
	struct nft_rule *have = NULL, *want;
	struct nft_tx tx = { 0 };
	size_t nhave, i, j;
	bool *used = NULL;
	int err;

	err = build(&tx, arg);
	if (err)
		goto out;
	want = calloc(tx.nadd + 1, sizeof(*want));
	err = want ? nft_list(&have, &nhave) : fail(-ENOMEM, "out of memory");
	if (err)
		goto out_want;
	used = calloc(nhave + 1, sizeof(*used));
	if (!used) {
		err = fail(-ENOMEM, "out of memory");
		goto out_have;
	}
	for (i = 0; i < tx.nadd; i++)
		decode(tx.add[i], &want[i]);
	for (i = 0; i < tx.nadd && !err; i++) {
		for (j = 0; j < nhave; j++)
			if (!used[j] && !strcmp(have[j].sw, sw) && !strcmp(have[j].owner, owner) &&
			    same(&have[j], &want[i]))
				break;
		if (j == nhave)
			err = fail(-ENOENT, "table ip " NFT_HOST_TABLE " lacks the %s",
				   describe(&want[i]));
		else
			used[j] = true;
	}
	for (j = 0; j < nhave && !err; j++)
		if (!used[j] && !strcmp(have[j].sw, sw) && !strcmp(have[j].owner, owner))
			err = fail(-EEXIST, "table ip " NFT_HOST_TABLE " has a %s rule (handle %llu) "
				   "of %s that it should not", have[j].chain,
				   (unsigned long long)have[j].handle, owner);
	free(used);
out_have:
	free(have);
out_want:
	free(want);
out:
	nft_tx_release(&tx);
	return err;
}

void nft_attachment_veth(const char *cid, const char *ifname, char name[IF_NAMESIZE])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *p;

	for (p = cid; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
	h = (h ^ '/') * 0x100000001b3ULL;
	for (p = ifname; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
	snprintf(name, IF_NAMESIZE, "psw%012llx", (unsigned long long)(h >> 16));
}
