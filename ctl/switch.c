// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl show [SWITCH [OBJECT]]
 * pswctl switch set SWITCH [mac MAC] [address ADDR] [host-routes on|off]
 *                          [anti-spoof on|off]
 */
#include "json.h"
#include "nl.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <net/if.h>
#include <stdio.h>
#include <string.h>

/* The session settings of one table: max-sessions and timeouts. */
static void print_session_settings(const char *table, const struct nlattr *max,
				   const struct nlattr *timeouts)
{
	const struct nlattr *to[PSW_TIMEOUT_A_MAX + 1];
	uint32_t t[PSW_TIMEOUT_A_MAX + 1], maxs;
	int i;

	psw_attrs_nested(timeouts, to, PSW_TIMEOUT_A_MAX);
	for (i = 1; i <= PSW_TIMEOUT_A_MAX; i++)
		t[i] = to[i] ? mnl_attr_get_u32(to[i]) : 0;
	maxs = max ? mnl_attr_get_u32(max) : 0;
	if (json) {
		json_open_object(table);
		json_uint("max_sessions", maxs);
		json_open_object("timeouts");
		json_uint("tcp_established", t[PSW_TIMEOUT_A_TCP_ESTABLISHED]);
		json_uint("tcp_transient", t[PSW_TIMEOUT_A_TCP_TRANSIENT]);
		json_uint("udp", t[PSW_TIMEOUT_A_UDP]);
		json_uint("icmp", t[PSW_TIMEOUT_A_ICMP]);
		json_close_object();
		json_close_object();
		return;
	}
	printf("    %s max-sessions %u timeout tcp-established %u tcp-transient %u udp %u icmp %u\n",
	       table, maxs, t[PSW_TIMEOUT_A_TCP_ESTABLISHED], t[PSW_TIMEOUT_A_TCP_TRANSIENT],
	       t[PSW_TIMEOUT_A_UDP], t[PSW_TIMEOUT_A_ICMP]);
}

/* One line a switch; the session settings too when @detail. */
static void print_switch(const struct nlmsghdr *nlh, bool detail)
{
	const struct nlattr *tb[PSW_A_MAX + 1];
	const char *mac = "?", *addr = "?", *name = "?";
	bool hr, as;

	psw_attrs(nlh, tb, PSW_A_MAX);
	if (tb[PSW_A_IFNAME])
		name = mnl_attr_get_str(tb[PSW_A_IFNAME]);
	if (tb[PSW_A_MAC] && mnl_attr_get_payload_len(tb[PSW_A_MAC]) == 6)
		mac = fmt_mac(mnl_attr_get_payload(tb[PSW_A_MAC]));
	if (tb[PSW_A_ADDRESS])
		addr = fmt_ip4(mnl_attr_get_u32(tb[PSW_A_ADDRESS]));
	hr = tb[PSW_A_HOST_ROUTES] && mnl_attr_get_u8(tb[PSW_A_HOST_ROUTES]);
	as = tb[PSW_A_ANTI_SPOOF] && mnl_attr_get_u8(tb[PSW_A_ANTI_SPOOF]);
	if (json) {
		json_open_object(NULL);
		json_string("ifname", name);
		json_uint("ifindex", tb[PSW_A_IFINDEX] ? mnl_attr_get_u32(tb[PSW_A_IFINDEX]) : 0);
		json_string("mac", mac);
		json_string("address", addr);
		json_bool("host_routes", hr);
		json_bool("anti_spoof", as);
	} else {
		printf("%s: ifindex %u mac %s address %s host-routes %s anti-spoof %s\n",
		       name, tb[PSW_A_IFINDEX] ? mnl_attr_get_u32(tb[PSW_A_IFINDEX]) : 0,
		       mac, addr, hr ? "on" : "off", as ? "on" : "off");
	}
	if (json || detail) {
		print_session_settings("acl", tb[PSW_A_MAX_SESSIONS], tb[PSW_A_TIMEOUTS]);
		print_session_settings("nat44", tb[PSW_A_NAT44_MAX_SESSIONS],
				       tb[PSW_A_NAT44_TIMEOUTS]);
	}
	if (json)
		json_close_object();
}

static int show_switches(const char *name)
{
	struct psw_msgs msgs = {};
	struct nlmsghdr *nlh;
	struct psw_nl *nl;
	int ret = -1;
	size_t i;

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
	if (json && !name)
		json_open_array(NULL);
	for (i = 0; i < msgs.n; i++)
		print_switch(msgs.v[i], name != NULL);
	if (json && !name)
		json_close_array();
	if (json)
		json_end();
	ret = 0;
out:
	psw_msgs_free(&msgs);
	psw_nl_close(nl);
	return ret;
}

static const struct {
	const char *word;
	int (*show)(const char *sw);
} show_objects[] = {
	{ "ports", show_ports },
	{ "routes", show_routes },
	{ "neigh", show_neigh },
	{ "acl", show_acl },
	{ "nat44", show_nat44 },
	{ "sessions", show_sessions },
	{ "errors", show_errors },
	{ "stats", show_stats },
};

int cmd_show(int argc, char **argv)
{
	size_t i;

	if (argc == 0)
		return show_switches(NULL);
	if (argc == 1)
		return show_switches(argv[0]);
	if (argc > 2)
		return usage_error("unexpected \"%s\"", argv[2]);
	for (i = 0; i < sizeof(show_objects) / sizeof(show_objects[0]); i++)
		if (matches(argv[1], show_objects[i].word))
			return show_objects[i].show(argv[0]);
	return usage_error("unknown object \"%s\" for show", argv[1]);
}

static int parse_on_off(const char *s, bool *v)
{
	if (matches(s, "on"))
		*v = true;
	else if (matches(s, "off"))
		*v = false;
	else
		return usage_error("expected on or off, not \"%s\"", s);
	return 0;
}

int cmd_switch(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct psw_nl *nl;
	struct sw sw;
	const char *arg, *val;
	uint8_t mac[6];
	uint32_t addr;
	bool on = false;
	int ret;

	if (argc < 1 || !matches(argv[0], "set"))
		return usage_error("switch: expected \"set\"");
	argc--, argv++;
	arg = next_arg(&argc, &argv, "switch name");
	if (!arg || sw_open(&sw, arg))
		return -1;
	if (argc == 0)
		return usage_error("switch set: nothing to set");
	nl = psw_nl_open();
	if (!nl)
		return -1;
	nlh = sw_req(nl, &sw, PSW_CMD_SWITCH_SET, 0);
	ret = -1;
	while (argc > 0) {
		arg = next_arg(&argc, &argv, "setting");
		val = next_arg(&argc, &argv, "value");
		if (!val)
			goto out;
		if (matches(arg, "mac")) {
			if (!parse_mac(val, mac)) {
				usage_error("bad MAC \"%s\"", val);
				goto out;
			}
			mnl_attr_put(nlh, PSW_A_MAC, 6, mac);
		} else if (matches(arg, "address")) {
			if (!parse_ip4(val, &addr)) {
				usage_error("bad IPv4 address \"%s\"", val);
				goto out;
			}
			mnl_attr_put_u32(nlh, PSW_A_ADDRESS, addr);
		} else if (matches(arg, "host-routes") || matches(arg, "anti-spoof")) {
			if (parse_on_off(val, &on))
				goto out;
			mnl_attr_put_u8(nlh, matches(arg, "host-routes") ?
					PSW_A_HOST_ROUTES : PSW_A_ANTI_SPOOF, on);
		} else {
			usage_error("switch set: unknown setting \"%s\"", arg);
			goto out;
		}
	}
	ret = psw_nl_ack(nl);
out:
	psw_nl_close(nl);
	return ret;
}
