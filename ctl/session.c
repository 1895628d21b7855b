// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl session show SWITCH [acl|nat44]   (= pswctl show SWITCH sessions)
 * pswctl session flush SWITCH [acl|nat44]
 * pswctl set SWITCH [acl|nat44] {timeout {tcp-established|tcp-transient|udp|icmp}
 *                                SECONDS | max-sessions N} ...
 */
#include "json.h"
#include "nl.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <stdio.h>

static const char *const states[] = {
	[PSW_SESS_TCP_ESTABLISHED] = "established",
	[PSW_SESS_TCP_TRANSIENT] = "transient",
	[PSW_SESS_UDP] = "udp",
	[PSW_SESS_ICMP] = "icmp",
};

/* Timeout names by PSW_TIMEOUT_A_*, as `set` takes them. */
static const char *const timeouts[] = {
	[PSW_TIMEOUT_A_TCP_ESTABLISHED] = "tcp-established",
	[PSW_TIMEOUT_A_TCP_TRANSIENT] = "tcp-transient",
	[PSW_TIMEOUT_A_UDP] = "udp",
	[PSW_TIMEOUT_A_ICMP] = "icmp",
};

static const char *const tables[] = {
	[PSW_SESSION_ACL] = "acl",
	[PSW_SESSION_NAT44] = "nat44",
};

static uint32_t u32_or(const struct nlattr *a, uint32_t dflt)
{
	return a ? mnl_attr_get_u32(a) : dflt;
}

static uint16_t u16_or(const struct nlattr *a, uint16_t dflt)
{
	return a ? mnl_attr_get_u16(a) : dflt;
}

/* "acl" or "nat44" to enum psw_session_table; -1 after saying why not. */
static int parse_table(const char *cmd, const char *word)
{
	int t;

	for (t = 0; t <= PSW_SESSION_TABLE_MAX; t++)
		if (matches(word, tables[t]))
			return t;
	usage_error("%s: unexpected \"%s\" (acl or nat44)", cmd, word);
	return -1;
}

static void endpoint(char *buf, size_t size, const struct nlattr *addr,
		     const struct nlattr *port)
{
	snprintf(buf, size, "%s:%u", fmt_ip4(addr ? mnl_attr_get_u32(addr) : 0),
		 u16_or(port, 0));
}

static void print_session(const struct sw *sw, const struct nlmsghdr *nlh,
			  unsigned int i, void *arg)
{
	const struct nlattr *tb[PSW_A_MAX + 1], *st[PSW_SESS_A_MAX + 1];
	const char *state = "?", *port = "?", *proto, *table = "?";
	char src[24], dst[24], xsrc[24], xdst[24];
	uint8_t s, t = 0;

	(void)i;
	(void)arg;
	psw_attrs(nlh, tb, PSW_A_MAX);
	psw_attrs_nested(tb[PSW_A_SESSION], st, PSW_SESS_A_MAX);
	if (!st[PSW_SESS_A_PROTO] || !st[PSW_SESS_A_SRC] || !st[PSW_SESS_A_DST])
		return;
	proto = proto_name(mnl_attr_get_u8(st[PSW_SESS_A_PROTO]));
	if (st[PSW_SESS_A_STATE]) {
		s = mnl_attr_get_u8(st[PSW_SESS_A_STATE]);
		if (s <= PSW_SESS_STATE_MAX)
			state = states[s];
	}
	if (st[PSW_SESS_A_PORT])
		port = sw_port_name(sw, mnl_attr_get_u32(st[PSW_SESS_A_PORT]));
	if (st[PSW_SESS_A_TABLE]) {
		t = mnl_attr_get_u8(st[PSW_SESS_A_TABLE]);
		if (t <= PSW_SESSION_TABLE_MAX)
			table = tables[t];
	}
	endpoint(src, sizeof(src), st[PSW_SESS_A_SRC], st[PSW_SESS_A_SPORT]);
	endpoint(dst, sizeof(dst), st[PSW_SESS_A_DST], st[PSW_SESS_A_DPORT]);
	endpoint(xsrc, sizeof(xsrc), st[PSW_SESS_A_XSRC], st[PSW_SESS_A_XSPORT]);
	endpoint(xdst, sizeof(xdst), st[PSW_SESS_A_XDST], st[PSW_SESS_A_XDPORT]);
	if (json) {
		json_open_object(NULL);
		json_string("table", table);
		if (t == PSW_SESSION_NAT44)
			json_uint("id", u32_or(st[PSW_SESS_A_ID], 0));
		json_string("proto", proto);
		json_string("src", src);
		json_string("dst", dst);
		if (t == PSW_SESSION_NAT44) {
			json_string("xsrc", xsrc);
			json_string("xdst", xdst);
		}
		json_string("state", state);
		json_string("dev", port);
		json_uint("idle_ms", u32_or(st[PSW_SESS_A_IDLE_MS], 0));
		json_uint("expires_ms", u32_or(st[PSW_SESS_A_EXPIRES_MS], 0));
		json_close_object();
		return;
	}
	if (t == PSW_SESSION_NAT44)
		printf("nat44 %u %s %s -> %s as %s -> %s", u32_or(st[PSW_SESS_A_ID], 0),
		       proto, src, dst, xsrc, xdst);
	else
		printf("%s %s %s -> %s", table, proto, src, dst);
	printf(" %s dev %s idle %us expires %us\n", state, port,
	       u32_or(st[PSW_SESS_A_IDLE_MS], 0) / 1000,
	       u32_or(st[PSW_SESS_A_EXPIRES_MS], 0) / 1000);
}

/* @table: enum psw_session_table, or -1 for all. */
static int show_table(const char *name, int table)
{
	int n = sw_dump_u8(name, PSW_CMD_SESSION_GET, PSW_A_SESSION,
			   table >= 0 ? PSW_SESS_A_TABLE : -1,
			   table, NULL, print_session, NULL);

	return n < 0 ? -1 : 0;
}

int show_sessions(const char *name)
{
	return show_table(name, -1);
}

int cmd_session(int argc, char **argv)
{
	const char *verb, *name;
	struct nlmsghdr *nlh;
	struct psw_nl *nl;
	struct sw sw;
	int ret, table = -1;

	/* show takes a table too, which object_verb() does not know of. */
	if (argc == 3 && matches(argv[0], "show")) {
		table = parse_table("session show", argv[2]);
		return table < 0 ? -1 : show_table(argv[1], table);
	}
	verb = object_verb("session", "flush", show_sessions, &argc, &argv, &name, &ret);
	if (!verb)
		return ret;
	if (argc > 1)
		return usage_error("session flush: unexpected \"%s\"", argv[1]);
	if (argc == 1) {
		table = parse_table("session flush", argv[0]);
		if (table < 0)
			return -1;
	}
	if (sw_open(&sw, name))
		return -1;
	nl = psw_nl_open();
	if (!nl)
		return -1;
	nlh = sw_req(nl, &sw, PSW_CMD_SESSION_FLUSH, 0);
	if (table >= 0) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, PSW_A_SESSION);

		mnl_attr_put_u8(nlh, PSW_SESS_A_TABLE, table);
		mnl_attr_nest_end(nlh, nest);
	}
	ret = psw_nl_ack(nl);
	psw_nl_close(nl);
	return ret;
}

int cmd_set(int argc, char **argv)
{
	const char *name, *arg, *val;
	struct nlattr *nest = NULL;
	struct nlmsghdr *nlh;
	struct psw_nl *nl;
	int a_timeouts = PSW_A_TIMEOUTS, a_max = PSW_A_MAX_SESSIONS;
	uint32_t v;
	struct sw sw;
	int ret = -1, t;

	name = next_arg(&argc, &argv, "switch name");
	if (!name || sw_open(&sw, name))
		return -1;
	if (argc > 0 && (matches(argv[0], "acl") || matches(argv[0], "nat44"))) {
		if (matches(argv[0], "nat44")) {
			a_timeouts = PSW_A_NAT44_TIMEOUTS;
			a_max = PSW_A_NAT44_MAX_SESSIONS;
		}
		argc--;
		argv++;
	}
	if (argc == 0)
		return usage_error("set: nothing to set");
	nl = psw_nl_open();
	if (!nl)
		return -1;
	nlh = sw_req(nl, &sw, PSW_CMD_SWITCH_SET, 0);
	/* max-sessions first: the timeouts go in one nest after it. */
	for (t = 0; t + 1 < argc; t++) {
		if (!matches(argv[t], "max-sessions"))
			continue;
		if (!parse_u32(argv[t + 1], PSW_MAX_SESSIONS_LIMIT, &v) || !v) {
			usage_error("set: max-sessions is 1..%u, not \"%s\"",
				    PSW_MAX_SESSIONS_LIMIT, argv[t + 1]);
			goto out;
		}
		mnl_attr_put_u32(nlh, a_max, v);
	}
	while (argc > 0) {
		arg = next_arg(&argc, &argv, "setting");
		if (matches(arg, "max-sessions")) {
			if (!next_arg(&argc, &argv, "max-sessions value"))
				goto out;
			continue;
		}
		if (!matches(arg, "timeout")) {
			usage_error("set: unknown setting \"%s\" (timeout or max-sessions)", arg);
			goto out;
		}
		arg = next_arg(&argc, &argv, "timeout name");
		val = arg ? next_arg(&argc, &argv, "seconds") : NULL;
		if (!val)
			goto out;
		for (t = PSW_TIMEOUT_A_TCP_ESTABLISHED; t <= PSW_TIMEOUT_A_MAX; t++)
			if (matches(arg, timeouts[t]))
				break;
		if (t > PSW_TIMEOUT_A_MAX) {
			usage_error("set: unknown timeout \"%s\" (tcp-established, tcp-transient, udp, icmp)",
				    arg);
			goto out;
		}
		if (!parse_u32(val, PSW_TIMEOUT_MAX, &v) || !v) {
			usage_error("set: timeout is 1..%u seconds, not \"%s\"", PSW_TIMEOUT_MAX, val);
			goto out;
		}
		if (!nest)
			nest = mnl_attr_nest_start(nlh, a_timeouts);
		mnl_attr_put_u32(nlh, t, v);
	}
	if (nest)
		mnl_attr_nest_end(nlh, nest);
	ret = psw_nl_ack(nl);
out:
	psw_nl_close(nl);
	return ret;
}
