// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl neigh add SWITCH ADDR mac MAC dev PORT
 * pswctl neigh del SWITCH ADDR dev PORT
 * pswctl neigh show SWITCH         (= pswctl show SWITCH neigh)
 */
#include "json.h"
#include "nl.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

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
	const char *state = "?", *port = "?", *mac = NULL;
	uint32_t age = 0;
	uint8_t s;

	(void)i;
	(void)arg;
	psw_attrs(nlh, tb, PSW_A_MAX);
	psw_attrs_nested(tb[PSW_A_NEIGH], nt, PSW_NEIGH_A_MAX);
	if (!nt[PSW_NEIGH_A_ADDR])
		return;
	if (nt[PSW_NEIGH_A_STATE]) {
		s = mnl_attr_get_u8(nt[PSW_NEIGH_A_STATE]);
		if (s <= PSW_NEIGH_INCOMPLETE)
			state = states[s];
	}
	if (nt[PSW_NEIGH_A_PORT])
		port = sw_port_name(sw, mnl_attr_get_u32(nt[PSW_NEIGH_A_PORT]));
	if (nt[PSW_NEIGH_A_MAC])
		mac = fmt_mac(mnl_attr_get_payload(nt[PSW_NEIGH_A_MAC]));
	if (nt[PSW_NEIGH_A_AGE_MS])
		age = mnl_attr_get_u32(nt[PSW_NEIGH_A_AGE_MS]);
	if (json) {
		json_open_object(NULL);
		json_string("dst", fmt_ip4(mnl_attr_get_u32(nt[PSW_NEIGH_A_ADDR])));
		json_string("dev", port);
		if (mac)
			json_string("lladdr", mac);
		json_string("state", state);
		json_uint("age_ms", age);
		json_close_object();
		return;
	}
	printf("%s dev %s", fmt_ip4(mnl_attr_get_u32(nt[PSW_NEIGH_A_ADDR])), port);
	if (mac)
		printf(" lladdr %s", mac);
	printf(" %s age %u.%03us\n", state, age / 1000, age % 1000);
}

int show_neigh(const char *name)
{
	return sw_dump(name, PSW_CMD_NEIGH_GET, NULL, print_neigh, NULL) < 0 ? -1 : 0;
}

int cmd_neigh(int argc, char **argv)
{
	const char *verb, *name, *addr_s, *arg, *val;
	unsigned int ifindex = 0;
	bool add, have_mac = false;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct psw_nl *nl;
	uint8_t mac[6];
	uint32_t addr;
	struct sw sw;
	int ret = -1;

	verb = object_verb("neigh", "add del", show_neigh, &argc, &argv, &name, &ret);
	if (!verb)
		return ret;
	add = matches(verb, "add");
	addr_s = next_arg(&argc, &argv, "address");
	if (!addr_s)
		return -1;
	if (!parse_ip4(addr_s, &addr))
		return usage_error("bad IPv4 address \"%s\"", addr_s);
	if (sw_open(&sw, name))
		return -1;
	while (argc > 0) {
		arg = next_arg(&argc, &argv, "argument");
		val = next_arg(&argc, &argv, arg);
		if (!val)
			return -1;
		if (matches(arg, "dev")) {
			ifindex = sw_port_ifindex(&sw, val);
			if (!ifindex)
				return -1;
		} else if (add && matches(arg, "mac")) {
			if (!parse_mac(val, mac))
				return usage_error("bad MAC \"%s\"", val);
			have_mac = true;
		} else {
			return usage_error("neigh %s: unknown argument \"%s\"", verb, arg);
		}
	}
	if (!ifindex)
		return usage_error("neigh %s: dev PORT missing", verb);
	if (add && !have_mac)
		return usage_error("neigh add: mac MAC missing");
	nl = psw_nl_open();
	if (!nl)
		return -1;
	nlh = sw_req(nl, &sw, add ? PSW_CMD_NEIGH_NEW : PSW_CMD_NEIGH_DEL, 0);
	nest = mnl_attr_nest_start(nlh, PSW_A_NEIGH);
	mnl_attr_put_u32(nlh, PSW_NEIGH_A_ADDR, addr);
	mnl_attr_put_u32(nlh, PSW_NEIGH_A_PORT, ifindex);
	if (add)
		mnl_attr_put(nlh, PSW_NEIGH_A_MAC, 6, mac);
	mnl_attr_nest_end(nlh, nest);
	ret = psw_nl_ack(nl);
	psw_nl_close(nl);
	return ret;
}
