// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl session show SWITCH [acl|nat44]
 * pswctl session flush SWITCH [acl|nat44]
 * (Their settings: pswctl switch set SWITCH [acl|nat44] timeout|max-sessions.)
 */
#include "nl.h"
#include "print.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <inttypes.h>
#include <stdio.h>

static const char *const states[] = {
	[PSW_SESS_TCP_ESTABLISHED] = "established",
	[PSW_SESS_TCP_TRANSIENT] = "transient",
	[PSW_SESS_UDP] = "udp",
	[PSW_SESS_ICMP] = "icmp",
};

static const char *const tables[] = {
	[PSW_SESSION_ACL] = "acl",
	[PSW_SESSION_NAT44] = "nat44",
};

/* [acl|nat44] to enum psw_session_table, -1 for all, -2 after saying why not. */
static int parse_table(const char *cmd, int argc, char **argv)
{
	int t;

	if (argc == 0)
		return -1;
	if (argc > 1) {
		usage_error("%s: unexpected \"%s\"", cmd, argv[1]);
		return -2;
	}
	for (t = 0; t <= PSW_SESSION_TABLE_MAX; t++)
		if (is(argv[0], tables[t]))
			return t;
	usage_error("%s: unexpected \"%s\" (acl or nat44)", cmd, argv[0]);
	return -2;
}

static const char *endpoint(const struct nlattr *addr, const struct nlattr *port)
{
	static char buf[4][24];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s:%u", fmt_ip4(attr_u32(addr, 0)), attr_u16(port, 0));
	return buf[i];
}

static void print_session(const struct sw *sw, const struct nlmsghdr *nlh,
			  unsigned int i, void *arg)
{
	const struct nlattr *tb[PSW_A_MAX + 1], *st[PSW_SESS_A_MAX + 1];
	bool nat;

	(void)i;
	(void)arg;
	psw_attrs(nlh, tb, PSW_A_MAX);
	psw_attrs_nested(tb[PSW_A_SESSION], st, PSW_SESS_A_MAX);
	if (!st[PSW_SESS_A_PROTO] || !st[PSW_SESS_A_SRC] || !st[PSW_SESS_A_DST])
		return;
	nat = attr_u8(st[PSW_SESS_A_TABLE], 0) == PSW_SESSION_NAT44;
	open_json_object(NULL);
	print_string(PRINT_ANY, "table", "%s",
		     name_of(tables, 2, attr_u8(st[PSW_SESS_A_TABLE], 0xff)));
	if (nat)
		print_uint(PRINT_ANY, "id", " %" PRIu64, attr_u32(st[PSW_SESS_A_ID], 0));
	print_string(PRINT_ANY, "proto", " %s", proto_name(mnl_attr_get_u8(st[PSW_SESS_A_PROTO])));
	print_string(PRINT_ANY, "src", " %s", endpoint(st[PSW_SESS_A_SRC], st[PSW_SESS_A_SPORT]));
	print_string(PRINT_ANY, "dst", " -> %s", endpoint(st[PSW_SESS_A_DST], st[PSW_SESS_A_DPORT]));
	if (nat) {
		print_string(PRINT_ANY, "xsrc", " as %s",
			     endpoint(st[PSW_SESS_A_XSRC], st[PSW_SESS_A_XSPORT]));
		print_string(PRINT_ANY, "xdst", " -> %s",
			     endpoint(st[PSW_SESS_A_XDST], st[PSW_SESS_A_XDPORT]));
	}
	print_string(PRINT_ANY, "state", " %s",
		     name_of(states, 4, attr_u8(st[PSW_SESS_A_STATE], 0xff)));
	print_string(PRINT_ANY, "dev", " dev %s", st[PSW_SESS_A_PORT] ?
		     sw_port_name(sw, mnl_attr_get_u32(st[PSW_SESS_A_PORT])) : "?");
	print_uint(PRINT_JSON, "idle_ms", NULL, attr_u32(st[PSW_SESS_A_IDLE_MS], 0));
	print_uint(PRINT_JSON, "expires_ms", NULL, attr_u32(st[PSW_SESS_A_EXPIRES_MS], 0));
	print_uint(PRINT_TEXT, NULL, " idle %" PRIu64 "s", attr_u32(st[PSW_SESS_A_IDLE_MS], 0) / 1000);
	print_uint(PRINT_TEXT, NULL, " expires %" PRIu64 "s\n",
		   attr_u32(st[PSW_SESS_A_EXPIRES_MS], 0) / 1000);
	close_json_object();
}

/* A PSW_A_SESSION nest naming the table *(int *)arg, if it is one. */
static void put_table(struct nlmsghdr *nlh, void *arg)
{
	int table = *(int *)arg;
	struct nlattr *nest;

	if (table < 0)
		return;
	nest = mnl_attr_nest_start(nlh, PSW_A_SESSION);
	mnl_attr_put_u8(nlh, PSW_SESS_A_TABLE, table);
	mnl_attr_nest_end(nlh, nest);
}

static int session_show(const char *name, int argc, char **argv, int variant)
{
	int table = parse_table("session show", argc, argv);

	if (table < -1)
		return -1;
	return sw_dump(name, PSW_CMD_SESSION_GET, put_table, NULL, print_session, &table) < 0 ?
	       -1 : 0;
}

/* session flush SWITCH [acl|nat44] [addr ADDR] */
static int session_flush(const char *name, int argc, char **argv, int variant)
{
	struct nlattr *nest;
	bool has_addr = false;
	uint32_t addr = 0;
	int table = -1;
	struct req r;

	if (argc >= 2 && matches(argv[argc - 2], "addr")) {
		if (!parse_ip4(argv[argc - 1], &addr))
			return usage_error("session flush: bad address \"%s\"", argv[argc - 1]);
		has_addr = true;
		argc -= 2;
	}
	table = parse_table("session flush", argc, argv);
	if (table < -1)
		return -1;
	if (req_start(&r, name, PSW_CMD_SESSION_FLUSH, 0))
		return req_fail(&r);
	if (table >= 0 || has_addr) {
		nest = mnl_attr_nest_start(r.nlh, PSW_A_SESSION);
		if (table >= 0)
			mnl_attr_put_u8(r.nlh, PSW_SESS_A_TABLE, table);
		if (has_addr)
			mnl_attr_put_u32(r.nlh, PSW_SESS_A_ADDR, addr);
		mnl_attr_nest_end(r.nlh, nest);
	}
	return req_do(&r);
}

static const struct verb session_verbs[] = {
	{ "show", session_show, " [acl|nat44]" },
	{ "flush", session_flush, " [acl|nat44] [addr ADDR]" },
};

const struct object session_object = OBJECT("session", session_verbs);
