// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl route add SWITCH PREFIX {host | dev PORT | via ADDR dev PORT | drop}
 * pswctl route del SWITCH PREFIX
 * pswctl route show SWITCH         (= pswctl show SWITCH routes)
 */
#include "json.h"
#include "nl.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <stdio.h>

static const char *const origins[] = {
	[PSW_ROUTE_STATIC] = "static",
	[PSW_ROUTE_POD] = "pod",
	[PSW_ROUTE_HOSTADDR] = "host-address",
};

static void print_route(const struct sw *sw, const struct nlmsghdr *nlh,
			unsigned int i, void *arg)
{
	const struct nlattr *tb[PSW_A_MAX + 1], *rt[PSW_ROUTE_A_MAX + 1];
	const char *origin = "?", *port = NULL, *gw = NULL;
	char prefix[24];
	uint8_t type, o;

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
	if (rt[PSW_ROUTE_A_ORIGIN]) {
		o = mnl_attr_get_u8(rt[PSW_ROUTE_A_ORIGIN]);
		if (o <= PSW_ROUTE_HOSTADDR)
			origin = origins[o];
	}
	if (rt[PSW_ROUTE_A_PORT])
		port = sw_port_name(sw, mnl_attr_get_u32(rt[PSW_ROUTE_A_PORT]));
	if (rt[PSW_ROUTE_A_GATEWAY])
		gw = fmt_ip4(mnl_attr_get_u32(rt[PSW_ROUTE_A_GATEWAY]));

	if (json) {
		json_open_object(NULL);
		json_string("prefix", prefix);
		json_string("type", type == PSW_ROUTE_HOST ? "host" :
				    type == PSW_ROUTE_DEV ? "dev" :
				    type == PSW_ROUTE_VIA ? "via" : "drop");
		if (gw)
			json_string("gateway", gw);
		if (port)
			json_string("dev", port);
		json_string("origin", origin);
		json_close_object();
		return;
	}
	printf("%s", prefix);
	switch (type) {
	case PSW_ROUTE_HOST:
		printf(" host");
		break;
	case PSW_ROUTE_DEV:
		printf(" dev %s", port ? port : "?");
		break;
	case PSW_ROUTE_VIA:
		printf(" via %s dev %s", gw ? gw : "?", port ? port : "?");
		break;
	default:
		printf(" drop");
	}
	printf(" proto %s\n", origin);
}

int show_routes(const char *name)
{
	return sw_dump(name, PSW_CMD_ROUTE_GET, NULL, print_route, NULL) < 0 ? -1 : 0;
}

int cmd_route(int argc, char **argv)
{
	const char *verb, *name, *prefix, *arg, *val;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct psw_nl *nl;
	unsigned int ifindex;
	uint32_t addr, gw;
	bool via = false;
	uint8_t plen;
	struct sw sw;
	int ret = -1;

	verb = object_verb("route", "add del", show_routes, &argc, &argv, &name, &ret);
	if (!verb)
		return ret;
	prefix = next_arg(&argc, &argv, "prefix");
	if (!prefix)
		return -1;
	if (!parse_prefix(prefix, &addr, &plen))
		return usage_error("bad prefix \"%s\"", prefix);
	if (sw_open(&sw, name))
		return -1;
	nl = psw_nl_open();
	if (!nl)
		return -1;
	nlh = sw_req(nl, &sw, matches(verb, "add") ? PSW_CMD_ROUTE_NEW : PSW_CMD_ROUTE_DEL, 0);
	nest = mnl_attr_nest_start(nlh, PSW_A_ROUTE);
	mnl_attr_put_u32(nlh, PSW_ROUTE_A_DST, addr);
	mnl_attr_put_u8(nlh, PSW_ROUTE_A_PREFIXLEN, plen);
	if (matches(verb, "del")) {
		if (argc) {
			usage_error("route del: unexpected \"%s\"", argv[0]);
			goto out;
		}
	} else {
		arg = next_arg(&argc, &argv, "route target (host, dev, via or drop)");
		if (!arg)
			goto out;
		if (matches(arg, "host") || matches(arg, "drop")) {
			mnl_attr_put_u8(nlh, PSW_ROUTE_A_TYPE,
					matches(arg, "host") ? PSW_ROUTE_HOST : PSW_ROUTE_DROP);
		} else if (matches(arg, "via") || matches(arg, "dev")) {
			if (matches(arg, "via")) {
				via = true;
				val = next_arg(&argc, &argv, "gateway");
				if (!val)
					goto out;
				if (!parse_ip4(val, &gw)) {
					usage_error("bad gateway \"%s\"", val);
					goto out;
				}
				mnl_attr_put_u32(nlh, PSW_ROUTE_A_GATEWAY, gw);
				arg = next_arg(&argc, &argv, "dev PORT");
				if (!arg)
					goto out;
				if (!matches(arg, "dev")) {
					usage_error("route add: expected dev after via ADDR");
					goto out;
				}
			}
			val = next_arg(&argc, &argv, "port");
			if (!val)
				goto out;
			ifindex = sw_port_ifindex(&sw, val);
			if (!ifindex)
				goto out;
			mnl_attr_put_u8(nlh, PSW_ROUTE_A_TYPE,
					via ? PSW_ROUTE_VIA : PSW_ROUTE_DEV);
			mnl_attr_put_u32(nlh, PSW_ROUTE_A_PORT, ifindex);
		} else {
			usage_error("route add: unknown target \"%s\"", arg);
			goto out;
		}
		if (argc) {
			usage_error("route add: unexpected \"%s\"", argv[0]);
			goto out;
		}
	}
	mnl_attr_nest_end(nlh, nest);
	ret = psw_nl_ack(nl);
out:
	psw_nl_close(nl);
	return ret;
}
