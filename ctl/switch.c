// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl switch show [SWITCH]
 * pswctl switch set SWITCH SETTING...
 *   SETTING := mac MAC | address ADDR | host-routes {on|off} | anti-spoof {on|off}
 *            | icmp-rate N | icmp-burst N
 *            | [acl|nat44] timeout {tcp-established|tcp-transient|udp|icmp} SECONDS
 *            | [acl|nat44] max-sessions N | [acl|nat44] port-max-sessions N
 *            | nat44 loopback ADDR
 * and pswctl 0.1's "show [SWITCH [OBJECT]]" and "set SWITCH [acl|nat44] ...".
 */
#include "nl.h"
#include "print.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <inttypes.h>
#include <net/if.h>
#include <string.h>

/* Timeout names by PSW_TIMEOUT_A_*. */
static const char *const timeouts[] = {
	[PSW_TIMEOUT_A_TCP_ESTABLISHED] = "tcp-established",
	[PSW_TIMEOUT_A_TCP_TRANSIENT] = "tcp-transient",
	[PSW_TIMEOUT_A_UDP] = "udp",
	[PSW_TIMEOUT_A_ICMP] = "icmp",
};

/* The same, as JSON keys. */
static const char *const timeout_keys[] = {
	[PSW_TIMEOUT_A_TCP_ESTABLISHED] = "tcp_established",
	[PSW_TIMEOUT_A_TCP_TRANSIENT] = "tcp_transient",
	[PSW_TIMEOUT_A_UDP] = "udp",
	[PSW_TIMEOUT_A_ICMP] = "icmp",
};

/* The session settings of one table: the limits and the timeouts. */
static void print_session_settings(const char *table, const struct nlattr *max,
				   const struct nlattr *port_max, const struct nlattr *nest)
{
	const struct nlattr *to[PSW_TIMEOUT_A_MAX + 1];
	int i;

	psw_attrs_nested(nest, to, PSW_TIMEOUT_A_MAX);
	open_json_object(table);
	print_string(PRINT_TEXT, NULL, "    %s", table);
	print_uint(PRINT_ANY, "max_sessions", " max-sessions %" PRIu64, attr_u32(max, 0));
	print_uint(PRINT_ANY, "port_max_sessions", " port-max-sessions %" PRIu64,
		   attr_u32(port_max, 0));
	print_text(" timeout");
	open_json_object("timeouts");
	for (i = PSW_TIMEOUT_A_TCP_ESTABLISHED; i <= PSW_TIMEOUT_A_MAX; i++) {
		print_string(PRINT_TEXT, NULL, " %s", timeouts[i]);
		print_uint(PRINT_ANY, timeout_keys[i], " %" PRIu64, attr_u32(to[i], 0));
	}
	close_json_object();
	close_json_object();
	print_text("\n");
}

/* One line a switch; the session settings too when @detail. */
static void print_switch(const struct nlmsghdr *nlh, bool detail)
{
	const struct nlattr *tb[PSW_A_MAX + 1];

	psw_attrs(nlh, tb, PSW_A_MAX);
	open_json_object(NULL);
	print_string(PRINT_ANY, "ifname", "%s:",
		     tb[PSW_A_IFNAME] ? mnl_attr_get_str(tb[PSW_A_IFNAME]) : "?");
	print_uint(PRINT_ANY, "ifindex", " ifindex %" PRIu64, attr_u32(tb[PSW_A_IFINDEX], 0));
	print_string(PRINT_ANY, "mac", " mac %s",
		     tb[PSW_A_MAC] && mnl_attr_get_payload_len(tb[PSW_A_MAC]) == 6 ?
		     fmt_mac(mnl_attr_get_payload(tb[PSW_A_MAC])) : "?");
	print_string(PRINT_ANY, "address", " address %s",
		     tb[PSW_A_ADDRESS] ? fmt_ip4(mnl_attr_get_u32(tb[PSW_A_ADDRESS])) : "?");
	print_on_off(PRINT_ANY, "host_routes", " host-routes %s",
		     attr_u8(tb[PSW_A_HOST_ROUTES], 0));
	print_on_off(PRINT_ANY, "anti_spoof", " anti-spoof %s", attr_u8(tb[PSW_A_ANTI_SPOOF], 0));
	print_uint(PRINT_ANY, "icmp_rate", " icmp-rate %" PRIu64, attr_u32(tb[PSW_A_ICMP_RATE], 0));
	print_uint(PRINT_ANY, "icmp_burst", " icmp-burst %" PRIu64,
		   attr_u32(tb[PSW_A_ICMP_BURST], 0));
	print_text("\n");
	if (json || detail) {
		print_session_settings("acl", tb[PSW_A_MAX_SESSIONS], tb[PSW_A_PORT_MAX_SESSIONS],
				       tb[PSW_A_TIMEOUTS]);
		print_session_settings("nat44", tb[PSW_A_NAT44_MAX_SESSIONS],
				       tb[PSW_A_NAT44_PORT_MAX_SESSIONS],
				       tb[PSW_A_NAT44_TIMEOUTS]);
	}
	close_json_object();
}

/* Every switch, or @name's with its session settings. */
static int switch_show(const char *name, int argc, char **argv, int variant)
{
	struct psw_msgs msgs = {};
	struct nlmsghdr *nlh;
	struct psw_nl *nl;
	int ret = -1;
	size_t i;

	if (no_more_args(argc, argv, "switch show"))
		return -1;
	if (name && strlen(name) >= IF_NAMESIZE)
		return usage_error("switch name \"%s\" is too long", name);
	nl = psw_nl_open();
	if (!nl)
		return -1;
	nlh = psw_nl_req(nl, PSW_CMD_SWITCH_GET, name ? 0 : NLM_F_DUMP);
	if (name)
		mnl_attr_put_strz(nlh, PSW_A_IFNAME, name);
	if (psw_nl_collect(nl, &msgs))
		goto out;
	if (!name)
		open_json_array(NULL);
	for (i = 0; i < msgs.n; i++)
		print_switch(msgs.v[i], name != NULL);
	if (!name)
		close_json_array();
	print_end();
	ret = 0;
out:
	psw_msgs_free(&msgs);
	psw_nl_close(nl);
	return ret;
}

/* Settings of one session table: -1 when not set. */
struct table_settings {
	int64_t max_sessions;
	int64_t port_max_sessions;
	int64_t timeout[PSW_TIMEOUT_A_MAX + 1];
};

static void put_table_settings(struct nlmsghdr *nlh, const struct table_settings *s,
			       int a_max, int a_port_max, int a_timeouts)
{
	struct nlattr *nest = NULL;
	int t;

	if (s->max_sessions >= 0)
		mnl_attr_put_u32(nlh, a_max, s->max_sessions);
	if (s->port_max_sessions >= 0)
		mnl_attr_put_u32(nlh, a_port_max, s->port_max_sessions);
	for (t = PSW_TIMEOUT_A_TCP_ESTABLISHED; t <= PSW_TIMEOUT_A_MAX; t++) {
		if (s->timeout[t] < 0)
			continue;
		if (!nest)
			nest = mnl_attr_nest_start(nlh, a_timeouts);
		mnl_attr_put_u32(nlh, t, s->timeout[t]);
	}
	if (nest)
		mnl_attr_nest_end(nlh, nest);
}

/* [acl|nat44] {timeout NAME SECONDS | [port-]max-sessions N}: words used, or -1. */
static int parse_table_setting(struct table_settings *s, int argc, char **argv)
{
	uint32_t v;
	int t;

	if (argc >= 2 && (matches(argv[0], "max-sessions") || matches(argv[0], "port-max-sessions"))) {
		bool port = matches(argv[0], "port-max-sessions");

		if (!parse_u32(argv[1], PSW_MAX_SESSIONS_LIMIT, &v) || !v)
			return usage_error("set: %s is 1..%u, not \"%s\"",
					   port ? "port-max-sessions" : "max-sessions",
					   PSW_MAX_SESSIONS_LIMIT, argv[1]);
		*(port ? &s->port_max_sessions : &s->max_sessions) = v;
		return 2;
	}
	if (argc >= 3 && matches(argv[0], "timeout")) {
		for (t = PSW_TIMEOUT_A_TCP_ESTABLISHED; t <= PSW_TIMEOUT_A_MAX; t++)
			if (is(argv[1], timeouts[t]))
				break;
		if (t > PSW_TIMEOUT_A_MAX)
			return usage_error("set: unknown timeout \"%s\" (tcp-established, tcp-transient, udp, icmp)",
					   argv[1]);
		if (!parse_u32(argv[2], PSW_TIMEOUT_MAX, &v) || !v)
			return usage_error("set: timeout is 1..%u seconds, not \"%s\"",
					   PSW_TIMEOUT_MAX, argv[2]);
		s->timeout[t] = v;
		return 3;
	}
	return usage_error("set: expected timeout NAME SECONDS, max-sessions N or port-max-sessions N, not \"%s\"",
			   argc ? argv[0] : "nothing");
}

/* One setting of the switch at argv[0] into the request: words used, or -1. */
static int parse_setting(struct nlmsghdr *nlh, struct table_settings *tables,
			 int argc, char **argv)
{
	const char *w = argv[0], *v = argc > 1 ? argv[1] : NULL;
	uint8_t mac[6];
	uint32_t addr;
	bool on;

	if (matches(w, "acl") || matches(w, "nat44")) {
		bool nat = matches(w, "nat44");
		int n;

		if (nat && argc >= 3 && matches(argv[1], "loopback")) {
			if (!parse_ip4(argv[2], &addr))
				return usage_error("nat44 loopback: \"%s\" is not an IPv4 address",
						   argv[2]);
			mnl_attr_put_u32(nlh, PSW_A_NAT44_LOOPBACK, addr);
			return 3;
		}
		n = parse_table_setting(&tables[nat], argc - 1, argv + 1);
		return n < 0 ? -1 : n + 1;
	}
	if (matches(w, "timeout") || matches(w, "max-sessions") || matches(w, "port-max-sessions"))
		return parse_table_setting(&tables[0], argc, argv);
	if (!v)
		return usage_error("switch set: \"%s\" needs a value", w);
	if (matches(w, "mac")) {
		if (!parse_mac(v, mac))
			return usage_error("bad MAC \"%s\"", v);
		mnl_attr_put(nlh, PSW_A_MAC, 6, mac);
	} else if (matches(w, "address")) {
		if (!parse_ip4(v, &addr))
			return usage_error("bad IPv4 address \"%s\"", v);
		mnl_attr_put_u32(nlh, PSW_A_ADDRESS, addr);
	} else if (is(w, "icmp-rate") || is(w, "icmp-burst")) {
		/* Not abbreviated: "icmp" would be either. */
		bool rate = is(w, "icmp-rate");
		uint32_t n;

		if (!parse_u32(v, rate ? UINT32_MAX : PSW_ICMP_BURST_MAX, &n) || (!rate && !n))
			return usage_error("%s: expected %u..%u, not \"%s\"", w, !rate,
					   rate ? UINT32_MAX : PSW_ICMP_BURST_MAX, v);
		mnl_attr_put_u32(nlh, rate ? PSW_A_ICMP_RATE : PSW_A_ICMP_BURST, n);
	} else if (matches(w, "host-routes") || matches(w, "anti-spoof")) {
		if (!parse_on_off(v, &on))
			return usage_error("expected on or off, not \"%s\"", v);
		mnl_attr_put_u8(nlh, matches(w, "host-routes") ? PSW_A_HOST_ROUTES :
				PSW_A_ANTI_SPOOF, on);
	} else {
		return usage_error("switch set: unknown setting \"%s\"", w);
	}
	return 2;
}

int switch_set(const char *name, int argc, char **argv, int variant)
{
	struct table_settings tables[2];
	struct req r;
	int n;

	memset(tables, 0xff, sizeof(tables));	/* all -1: not set */
	if (argc == 0)
		return usage_error("switch set: nothing to set");
	if (req_start(&r, name, PSW_CMD_SWITCH_SET, 0))
		goto err;
	while (argc > 0) {
		n = parse_setting(r.nlh, tables, argc, argv);
		if (n < 0)
			goto err;
		argc -= n;
		argv += n;
	}
	put_table_settings(r.nlh, &tables[0], PSW_A_MAX_SESSIONS, PSW_A_PORT_MAX_SESSIONS,
			   PSW_A_TIMEOUTS);
	put_table_settings(r.nlh, &tables[1], PSW_A_NAT44_MAX_SESSIONS,
			   PSW_A_NAT44_PORT_MAX_SESSIONS, PSW_A_NAT44_TIMEOUTS);
	return req_do(&r);
err:
	return req_fail(&r);
}

static const struct verb switch_verbs[] = {
	{ "show", switch_show, "", .sw_optional = true },
	{ "set", switch_set, " [mac MAC] [address ADDR] [host-routes on|off] [anti-spoof on|off]\n"
			     "          [icmp-rate N] [icmp-burst N]\n"
			     "          [[acl|nat44] timeout {tcp-established|tcp-transient|udp|icmp} SECONDS]...\n"
			     "          [[acl|nat44] max-sessions N] [[acl|nat44] port-max-sessions N]\n"
			     "          [nat44 loopback ADDR]" },
};

const struct object switch_object = OBJECT("switch", switch_verbs);

/* pswctl 0.1: "show [SWITCH [OBJECT]]", OBJECT's show. */
int legacy_show(int argc, char **argv)
{
	static const struct {
		const char *word;
		const struct object *obj;
		const char *verb;
	} objects[] = {
		{ "ports", &port_object, "show" },
		{ "routes", &route_object, "show" },
		{ "neigh", &neigh_object, "show" },
		{ "acl", &acl_object, "show" },
		{ "nat44", &nat44_object, "show" },
		{ "sessions", &session_object, "show" },
		{ "errors", &stats_object, "errors" },
		{ "stats", &stats_object, "ports" },
	};
	char *args[2];
	size_t i;

	if (argc < 2)
		return switch_show(argc ? argv[0] : NULL, 0, NULL, 0);
	if (argc > 2)
		return usage_error("unexpected \"%s\"", argv[2]);
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		if (!is(argv[1], objects[i].word))
			continue;
		args[0] = (char *)objects[i].verb;
		args[1] = argv[0];
		return run_object(objects[i].obj, 2, args);
	}
	return usage_error("unknown object \"%s\" for show", argv[1]);
}

/* pswctl 0.1: "set SWITCH [acl|nat44] SETTING...", now switch set's. */
int legacy_set(int argc, char **argv)
{
	const char *name = next_arg(&argc, &argv, "switch name");
	char *args[64];
	int i, n = 0;

	if (!name)
		return -1;
	if (argc > 0 && (is(argv[0], "acl") || is(argv[0], "nat44"))) {
		const char *table = argv[0];

		/* The table named once applies to every setting after it. */
		for (i = 1; i < argc; i++) {
			if (n + 2 > (int)(sizeof(args) / sizeof(args[0])))
				return usage_error("set: too many settings");
			if (matches(argv[i], "timeout") || matches(argv[i], "max-sessions"))
				args[n++] = (char *)table;
			args[n++] = argv[i];
		}
		return switch_set(name, n, args, 0);
	}
	return switch_set(name, argc, argv, 0);
}
