// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl port add SWITCH dev IFNAME [ip ADDR[,ADDR...]] [mac MAC] [uplink]
 * pswctl port del SWITCH dev IFNAME
 * pswctl port show SWITCH          (= pswctl show SWITCH ports)
 * pswctl show SWITCH stats
 */
#include "json.h"
#include "nl.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const port_types[] = {
	[PSW_PORT_HOST] = "host",
	[PSW_PORT_POD] = "pod",
	[PSW_PORT_UPLINK] = "uplink",
};

static uint64_t stat(const struct nlattr **st, int a)
{
	return st[a] ? mnl_attr_get_u64(st[a]) : 0;
}

static void print_port(const struct sw *sw, const struct nlmsghdr *nlh,
		       unsigned int i, void *arg)
{
	bool stats_only = *(bool *)arg;
	const struct nlattr *tb[PSW_A_MAX + 1], *pt[PSW_PORT_A_MAX + 1];
	const struct nlattr *st[PSW_STATS_A_MAX + 1], *a;
	const char *name = "?", *type = "?";
	char addrs[16 * 8 + 1] = "";
	uint8_t t;

	(void)sw;
	(void)i;
	psw_attrs(nlh, tb, PSW_A_MAX);
	psw_attrs_nested(tb[PSW_A_PORT], pt, PSW_PORT_A_MAX);
	psw_attrs_nested(pt[PSW_PORT_A_STATS], st, PSW_STATS_A_MAX);
	if (pt[PSW_PORT_A_IFNAME])
		name = mnl_attr_get_str(pt[PSW_PORT_A_IFNAME]);
	if (pt[PSW_PORT_A_TYPE]) {
		t = mnl_attr_get_u8(pt[PSW_PORT_A_TYPE]);
		if (t <= PSW_PORT_TYPE_MAX)
			type = port_types[t];
	}

	if (json) {
		json_open_object(NULL);
		json_string("name", name);
		json_uint("sw_if", pt[PSW_PORT_A_INDEX] ? mnl_attr_get_u32(pt[PSW_PORT_A_INDEX]) : 0);
		if (!stats_only) {
			json_uint("ifindex", pt[PSW_PORT_A_IFINDEX] ?
				  mnl_attr_get_u32(pt[PSW_PORT_A_IFINDEX]) : 0);
			json_string("type", type);
			if (pt[PSW_PORT_A_MAC])
				json_string("mac", fmt_mac(mnl_attr_get_payload(pt[PSW_PORT_A_MAC])));
			json_open_array("addresses");
			if (pt[PSW_PORT_A_ADDRS])
				mnl_attr_for_each_nested(a, pt[PSW_PORT_A_ADDRS])
					json_string(NULL, fmt_ip4(mnl_attr_get_u32(a)));
			json_close_array();
		}
		json_uint("rx_packets", stat(st, PSW_STATS_A_RX_PACKETS));
		json_uint("rx_bytes", stat(st, PSW_STATS_A_RX_BYTES));
		json_uint("tx_packets", stat(st, PSW_STATS_A_TX_PACKETS));
		json_uint("tx_bytes", stat(st, PSW_STATS_A_TX_BYTES));
		json_uint("drops", stat(st, PSW_STATS_A_DROPS));
		json_close_object();
		return;
	}
	if (pt[PSW_PORT_A_ADDRS])
		mnl_attr_for_each_nested(a, pt[PSW_PORT_A_ADDRS]) {
			if (*addrs)
				strcat(addrs, ",");
			strcat(addrs, fmt_ip4(mnl_attr_get_u32(a)));
		}
	printf("sw_if %u %s", pt[PSW_PORT_A_INDEX] ? mnl_attr_get_u32(pt[PSW_PORT_A_INDEX]) : 0,
	       name);
	if (!stats_only) {
		printf(" %s", type);
		if (pt[PSW_PORT_A_MAC])
			printf(" mac %s", fmt_mac(mnl_attr_get_payload(pt[PSW_PORT_A_MAC])));
		if (*addrs)
			printf(" ip %s", addrs);
		printf("\n   ");
	}
	printf(" rx %" PRIu64 " packets %" PRIu64 " bytes tx %" PRIu64 " packets %"
	       PRIu64 " bytes drops %" PRIu64 "\n",
	       stat(st, PSW_STATS_A_RX_PACKETS), stat(st, PSW_STATS_A_RX_BYTES),
	       stat(st, PSW_STATS_A_TX_PACKETS), stat(st, PSW_STATS_A_TX_BYTES),
	       stat(st, PSW_STATS_A_DROPS));
}

static int dump_ports(const char *name, bool stats_only)
{
	return sw_dump(name, PSW_CMD_PORT_GET, NULL, print_port, &stats_only) < 0 ? -1 : 0;
}

int show_ports(const char *name)
{
	return dump_ports(name, false);
}

int show_stats(const char *name)
{
	return dump_ports(name, true);
}

static int put_addrs(struct nlmsghdr *nlh, const char *list)
{
	char buf[512], *tok, *save;
	struct nlattr *nest;
	uint32_t addr;

	if (strlen(list) >= sizeof(buf))
		return usage_error("address list too long");
	strcpy(buf, list);
	nest = mnl_attr_nest_start(nlh, PSW_PORT_A_ADDRS);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!parse_ip4(tok, &addr))
			return usage_error("bad IPv4 address \"%s\"", tok);
		mnl_attr_put_u32(nlh, PSW_ADDR_A_ADDR, addr);
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

int cmd_port(int argc, char **argv)
{
	const char *verb, *name, *arg, *val;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct psw_nl *nl;
	unsigned int ifindex = 0;
	bool add, uplink = false;
	uint8_t mac[6];
	struct sw sw;
	int ret = -1;

	verb = next_arg(&argc, &argv, "port verb (add, del, show)");
	if (!verb)
		return -1;
	name = next_arg(&argc, &argv, "switch name");
	if (!name)
		return -1;
	if (matches(verb, "show")) {
		if (argc)
			return usage_error("unexpected \"%s\"", argv[0]);
		return show_ports(name);
	}
	if (!matches(verb, "add") && !matches(verb, "del"))
		return usage_error("port: unknown verb \"%s\"", verb);
	add = matches(verb, "add");
	if (sw_open(&sw, name))
		return -1;
	nl = psw_nl_open();
	if (!nl)
		return -1;
	nlh = sw_req(nl, &sw, add ? PSW_CMD_PORT_NEW : PSW_CMD_PORT_DEL, 0);
	nest = mnl_attr_nest_start(nlh, PSW_A_PORT);
	while (argc > 0) {
		arg = next_arg(&argc, &argv, "argument");
		if (add && matches(arg, "uplink")) {
			uplink = true;
			continue;
		}
		val = next_arg(&argc, &argv, arg);
		if (!val)
			goto out;
		if (matches(arg, "dev")) {
			ifindex = sw_port_ifindex(&sw, val);
			if (!ifindex)
				goto out;
			mnl_attr_put_u32(nlh, PSW_PORT_A_IFINDEX, ifindex);
		} else if (add && matches(arg, "ip")) {
			if (put_addrs(nlh, val))
				goto out;
		} else if (add && matches(arg, "mac")) {
			if (!parse_mac(val, mac)) {
				usage_error("bad MAC \"%s\"", val);
				goto out;
			}
			mnl_attr_put(nlh, PSW_PORT_A_MAC, 6, mac);
		} else {
			usage_error("port %s: unknown argument \"%s\"", verb, arg);
			goto out;
		}
	}
	if (!ifindex) {
		usage_error("port %s: dev IFNAME missing", verb);
		goto out;
	}
	if (add)
		mnl_attr_put_u8(nlh, PSW_PORT_A_TYPE, uplink ? PSW_PORT_UPLINK : PSW_PORT_POD);
	mnl_attr_nest_end(nlh, nest);
	ret = psw_nl_ack(nl);
out:
	psw_nl_close(nl);
	return ret;
}
