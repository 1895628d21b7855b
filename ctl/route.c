// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl route show SWITCH
 * pswctl route add SWITCH PREFIX {host | dev PORT | via ADDR dev PORT | drop}
 * pswctl route del SWITCH PREFIX
 */
#include "nl.h"
#include "print.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <stdio.h>

static const char *const origins[] = {
	[PSW_ROUTE_STATIC] = "static",
	[PSW_ROUTE_POD] = "pod",
	[PSW_ROUTE_HOSTADDR] = "host-address",
};

static const char *const types[] = {
	[PSW_ROUTE_HOST] = "host",
	[PSW_ROUTE_DEV] = "dev",
	[PSW_ROUTE_VIA] = "via",
	[PSW_ROUTE_DROP] = "drop",
};

static void print_route(const struct sw *sw, const struct nlmsghdr *nlh,
			unsigned int i, void *arg)
{
	const struct nlattr *tb[PSW_A_MAX + 1], *rt[PSW_ROUTE_A_MAX + 1];
	char prefix[24];
	uint8_t type;

	(void)i;
	(void)arg;
	psw_attrs(nlh, tb, PSW_A_MAX);
	psw_attrs_nested(tb[PSW_A_ROUTE], rt, PSW_ROUTE_A_MAX);
	if (!rt[PSW_ROUTE_A_DST] || !rt[PSW_ROUTE_A_PREFIXLEN] || !rt[PSW_ROUTE_A_TYPE])
		return;
	snprintf(prefix, sizeof(prefix), "%s/%u",
		 fmt_ip4(mnl_attr_get_u32(rt[PSW_ROUTE_A_DST])),
		 mnl_attr_get_u8(rt[PSW_ROUTE_A_PREFIXLEN]));
	type = mnl_attr_get_u8(rt[PSW_ROUTE_A_TYPE]);
	open_json_object(NULL);
	print_string(PRINT_ANY, "prefix", "%s", prefix);
	print_string(PRINT_ANY, "type", type == PSW_ROUTE_HOST || type == PSW_ROUTE_DROP ?
		     " %s" : NULL, name_of(types, 4, type));
	if (rt[PSW_ROUTE_A_GATEWAY])
		print_string(PRINT_ANY, "gateway", " via %s",
			     fmt_ip4(mnl_attr_get_u32(rt[PSW_ROUTE_A_GATEWAY])));
	if (rt[PSW_ROUTE_A_PORT] && (type == PSW_ROUTE_DEV || type == PSW_ROUTE_VIA))
		print_string(PRINT_ANY, "dev", " dev %s",
			     sw_port_name(sw, mnl_attr_get_u32(rt[PSW_ROUTE_A_PORT])));
	print_string(PRINT_ANY, "origin", " proto %s\n",
		     name_of(origins, 3, attr_u8(rt[PSW_ROUTE_A_ORIGIN], 0xff)));
	close_json_object();
}

static int route_show(const char *name, int argc, char **argv, int variant)
{
	if (no_more_args(argc, argv, "route show"))
		return -1;
	return sw_dump(name, PSW_CMD_ROUTE_GET, NULL, NULL, print_route, NULL) < 0 ? -1 : 0;
}

/* {host | dev PORT | via ADDR dev PORT | drop} */
static int put_target(struct req *r, int argc, char **argv)
{
	const char *arg, *val;
	unsigned int ifindex;
	uint32_t gw;
	bool via;

	arg = next_arg(&argc, &argv, "route target (host, dev, via or drop)");
	if (!arg)
		return -1;
	if (matches(arg, "host") || matches(arg, "drop")) {
		mnl_attr_put_u8(r->nlh, PSW_ROUTE_A_TYPE,
				matches(arg, "host") ? PSW_ROUTE_HOST : PSW_ROUTE_DROP);
		return no_more_args(argc, argv, "route add");
	}
	if (!matches(arg, "via") && !matches(arg, "dev"))
		return usage_error("route add: unknown target \"%s\"", arg);
	via = matches(arg, "via");
	if (via) {
		val = next_arg(&argc, &argv, "gateway");
		if (!val)
			return -1;
		if (!parse_ip4(val, &gw))
			return usage_error("bad gateway \"%s\"", val);
		mnl_attr_put_u32(r->nlh, PSW_ROUTE_A_GATEWAY, gw);
		arg = next_arg(&argc, &argv, "dev PORT");
		if (!arg)
			return -1;
		if (!matches(arg, "dev"))
			return usage_error("route add: expected dev after via ADDR");
	}
	val = next_arg(&argc, &argv, "port");
	if (!val)
		return -1;
	ifindex = sw_port_ifindex(&r->sw, val);
	if (!ifindex)
		return -1;
	mnl_attr_put_u8(r->nlh, PSW_ROUTE_A_TYPE, via ? PSW_ROUTE_VIA : PSW_ROUTE_DEV);
	mnl_attr_put_u32(r->nlh, PSW_ROUTE_A_PORT, ifindex);
	return no_more_args(argc, argv, "route add");
}

static int route_change(const char *name, int argc, char **argv, int add)
{
	const char *prefix;
	struct nlattr *nest;
	uint32_t addr;
	uint8_t plen;
	struct req r;

	prefix = next_arg(&argc, &argv, "prefix");
	if (!prefix)
		return -1;
	if (!parse_prefix(prefix, &addr, &plen))
		return usage_error("bad prefix \"%s\"", prefix);
	if (req_start(&r, name, add ? PSW_CMD_ROUTE_NEW : PSW_CMD_ROUTE_DEL, 0))
		goto err;
	nest = mnl_attr_nest_start(r.nlh, PSW_A_ROUTE);
	mnl_attr_put_u32(r.nlh, PSW_ROUTE_A_DST, addr);
	mnl_attr_put_u8(r.nlh, PSW_ROUTE_A_PREFIXLEN, plen);
	if (add ? put_target(&r, argc, argv) : no_more_args(argc, argv, "route del"))
		goto err;
	mnl_attr_nest_end(r.nlh, nest);
	return req_do(&r);
err:
	return req_fail(&r);
}

static const struct verb route_verbs[] = {
	{ "show", route_show, "" },
	{ "add", route_change, " PREFIX {host | dev PORT | via ADDR dev PORT | drop}", 1 },
	{ "del", route_change, " PREFIX", 0 },
};

const struct object route_object = OBJECT("route", route_verbs);
