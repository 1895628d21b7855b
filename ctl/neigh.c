// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl neigh show SWITCH
 * pswctl neigh add SWITCH ADDR mac MAC dev PORT
 * pswctl neigh del SWITCH ADDR dev PORT
 */
#include "nl.h"
#include "print.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <inttypes.h>
#include <stdio.h>

static const char *const states[] = {
	[PSW_NEIGH_STATIC] = "PERMANENT",
	[PSW_NEIGH_REACHABLE] = "REACHABLE",
	[PSW_NEIGH_STALE] = "STALE",
	[PSW_NEIGH_INCOMPLETE] = "INCOMPLETE",
};

static void print_neigh(const struct sw *sw, const struct nlmsghdr *nlh,
			unsigned int i, void *arg)
{
	const struct nlattr *tb[PSW_A_MAX + 1], *nt[PSW_NEIGH_A_MAX + 1];
	uint32_t age;
	char buf[32];

	(void)i;
	(void)arg;
	psw_attrs(nlh, tb, PSW_A_MAX);
	psw_attrs_nested(tb[PSW_A_NEIGH], nt, PSW_NEIGH_A_MAX);
	if (!nt[PSW_NEIGH_A_ADDR])
		return;
	age = attr_u32(nt[PSW_NEIGH_A_AGE_MS], 0);
	open_json_object(NULL);
	print_string(PRINT_ANY, "dst", "%s", fmt_ip4(mnl_attr_get_u32(nt[PSW_NEIGH_A_ADDR])));
	print_string(PRINT_ANY, "dev", " dev %s", nt[PSW_NEIGH_A_PORT] ?
		     sw_port_name(sw, mnl_attr_get_u32(nt[PSW_NEIGH_A_PORT])) : "?");
	if (nt[PSW_NEIGH_A_MAC])
		print_string(PRINT_ANY, "lladdr", " lladdr %s",
			     fmt_mac(mnl_attr_get_payload(nt[PSW_NEIGH_A_MAC])));
	print_string(PRINT_ANY, "state", " %s",
		     name_of(states, 4, attr_u8(nt[PSW_NEIGH_A_STATE], 0xff)));
	print_uint(PRINT_JSON, "age_ms", NULL, age);
	snprintf(buf, sizeof(buf), "%u.%03u", age / 1000, age % 1000);
	print_string(PRINT_TEXT, NULL, " age %ss\n", buf);
	close_json_object();
}

static int neigh_show(const char *name, int argc, char **argv, int variant)
{
	if (no_more_args(argc, argv, "neigh show"))
		return -1;
	return sw_dump(name, PSW_CMD_NEIGH_GET, NULL, NULL, print_neigh, NULL) < 0 ? -1 : 0;
}

static int neigh_change(const char *name, int argc, char **argv, int add)
{
	const char *verb = add ? "neigh add" : "neigh del", *addr_s, *arg, *val;
	unsigned int ifindex = 0;
	bool have_mac = false;
	struct nlattr *nest;
	uint8_t mac[6];
	uint32_t addr;
	struct req r;

	addr_s = next_arg(&argc, &argv, "address");
	if (!addr_s)
		return -1;
	if (!parse_ip4(addr_s, &addr))
		return usage_error("bad IPv4 address \"%s\"", addr_s);
	if (req_start(&r, name, add ? PSW_CMD_NEIGH_NEW : PSW_CMD_NEIGH_DEL, 0))
		goto err;
	while (argc > 0) {
		arg = next_arg(&argc, &argv, "argument");
		val = next_arg(&argc, &argv, arg);
		if (!val)
			goto err;
		if (matches(arg, "dev")) {
			ifindex = sw_port_ifindex(&r.sw, val);
			if (!ifindex)
				goto err;
		} else if (add && matches(arg, "mac")) {
			if (!parse_mac(val, mac)) {
				usage_error("bad MAC \"%s\"", val);
				goto err;
			}
			have_mac = true;
		} else {
			usage_error("%s: unknown argument \"%s\"", verb, arg);
			goto err;
		}
	}
	if (!ifindex || (add && !have_mac)) {
		usage_error("%s: %s missing", verb, ifindex ? "mac MAC" : "dev PORT");
		goto err;
	}
	nest = mnl_attr_nest_start(r.nlh, PSW_A_NEIGH);
	mnl_attr_put_u32(r.nlh, PSW_NEIGH_A_ADDR, addr);
	mnl_attr_put_u32(r.nlh, PSW_NEIGH_A_PORT, ifindex);
	if (add)
		mnl_attr_put(r.nlh, PSW_NEIGH_A_MAC, 6, mac);
	mnl_attr_nest_end(r.nlh, nest);
	return req_do(&r);
err:
	return req_fail(&r);
}

static const struct verb neigh_verbs[] = {
	{ "show", neigh_show, "" },
	{ "add", neigh_change, " ADDR mac MAC dev PORT", 1 },
	{ "del", neigh_change, " ADDR dev PORT", 0 },
};

const struct object neigh_object = OBJECT("neigh", neigh_verbs);
