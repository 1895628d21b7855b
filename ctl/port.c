// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl port show SWITCH
 * pswctl port add SWITCH dev IFNAME [ip ADDR[,ADDR...]] [mac MAC] [uplink]
 * pswctl port del SWITCH dev IFNAME
 */
#include "nl.h"
#include "print.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <inttypes.h>
#include <string.h>

static const char *const port_types[] = {
	[PSW_PORT_HOST] = "host",
	[PSW_PORT_POD] = "pod",
	[PSW_PORT_UPLINK] = "uplink",
};

/* A port's counters (PSW_PORT_A_STATS), on the line begun. */
static void print_port_stats(const struct nlattr *nest)
{
	const struct nlattr *st[PSW_STATS_A_MAX + 1];

	psw_attrs_nested(nest, st, PSW_STATS_A_MAX);
	print_uint(PRINT_ANY, "rx_packets", " rx %" PRIu64 " packets",
		   attr_u64(st[PSW_STATS_A_RX_PACKETS], 0));
	print_uint(PRINT_ANY, "rx_bytes", " %" PRIu64 " bytes", attr_u64(st[PSW_STATS_A_RX_BYTES], 0));
	print_uint(PRINT_ANY, "tx_packets", " tx %" PRIu64 " packets",
		   attr_u64(st[PSW_STATS_A_TX_PACKETS], 0));
	print_uint(PRINT_ANY, "tx_bytes", " %" PRIu64 " bytes", attr_u64(st[PSW_STATS_A_TX_BYTES], 0));
	print_uint(PRINT_ANY, "drops", " drops %" PRIu64 "\n", attr_u64(st[PSW_STATS_A_DROPS], 0));
}

/* One port: "sw_if N NAME", then (unless *@arg, stats only) what it is. */
void print_port(const struct sw *sw, const struct nlmsghdr *nlh, unsigned int i, void *arg)
{
	const struct nlattr *tb[PSW_A_MAX + 1], *pt[PSW_PORT_A_MAX + 1], *a;
	bool stats_only = arg && *(bool *)arg;
	bool first = true;

	(void)sw;
	(void)i;
	psw_attrs(nlh, tb, PSW_A_MAX);
	psw_attrs_nested(tb[PSW_A_PORT], pt, PSW_PORT_A_MAX);
	open_json_object(NULL);
	print_string(PRINT_ANY, "name", NULL, pt[PSW_PORT_A_IFNAME] ?
		     mnl_attr_get_str(pt[PSW_PORT_A_IFNAME]) : "?");
	print_uint(PRINT_ANY, "sw_if", "sw_if %" PRIu64, attr_u32(pt[PSW_PORT_A_INDEX], 0));
	print_string(PRINT_TEXT, NULL, " %s", pt[PSW_PORT_A_IFNAME] ?
		     mnl_attr_get_str(pt[PSW_PORT_A_IFNAME]) : "?");
	if (!stats_only) {
		print_uint(PRINT_JSON, "ifindex", NULL, attr_u32(pt[PSW_PORT_A_IFINDEX], 0));
		print_string(PRINT_ANY, "type", " %s",
			     name_of(port_types, 3, attr_u8(pt[PSW_PORT_A_TYPE], 0xff)));
		if (pt[PSW_PORT_A_MAC])
			print_string(PRINT_ANY, "mac", " mac %s",
				     fmt_mac(mnl_attr_get_payload(pt[PSW_PORT_A_MAC])));
		open_json_array("addresses");
		if (pt[PSW_PORT_A_ADDRS]) {
			mnl_attr_for_each_nested(a, pt[PSW_PORT_A_ADDRS]) {
				print_string(PRINT_ANY, NULL, first ? " ip %s" : ",%s",
					     fmt_ip4(mnl_attr_get_u32(a)));
				first = false;
			}
		}
		close_json_array();
		print_text("\n   ");
	}
	print_port_stats(pt[PSW_PORT_A_STATS]);
	close_json_object();
}

static int port_show(const char *name, int argc, char **argv, int variant)
{
	if (no_more_args(argc, argv, "port show"))
		return -1;
	return sw_dump(name, PSW_CMD_PORT_GET, NULL, NULL, print_port, NULL) < 0 ? -1 : 0;
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

static int port_change(const char *name, int argc, char **argv, int add)
{
	const char *verb = add ? "port add" : "port del", *arg, *val;
	unsigned int ifindex = 0;
	bool uplink = false;
	struct nlattr *nest;
	uint8_t mac[6];
	struct req r;

	if (req_start(&r, name, add ? PSW_CMD_PORT_NEW : PSW_CMD_PORT_DEL, 0))
		goto err;
	nest = mnl_attr_nest_start(r.nlh, PSW_A_PORT);
	while (argc > 0) {
		arg = next_arg(&argc, &argv, "argument");
		if (add && matches(arg, "uplink")) {
			uplink = true;
			continue;
		}
		val = next_arg(&argc, &argv, arg);
		if (!val)
			goto err;
		if (matches(arg, "dev")) {
			ifindex = sw_port_ifindex(&r.sw, val);
			if (!ifindex)
				goto err;
			mnl_attr_put_u32(r.nlh, PSW_PORT_A_IFINDEX, ifindex);
		} else if (add && matches(arg, "ip")) {
			if (put_addrs(r.nlh, val))
				goto err;
		} else if (add && matches(arg, "mac")) {
			if (!parse_mac(val, mac)) {
				usage_error("bad MAC \"%s\"", val);
				goto err;
			}
			mnl_attr_put(r.nlh, PSW_PORT_A_MAC, 6, mac);
		} else {
			usage_error("%s: unknown argument \"%s\"", verb, arg);
			goto err;
		}
	}
	if (!ifindex) {
		usage_error("%s: dev IFNAME missing", verb);
		goto err;
	}
	if (add)
		mnl_attr_put_u8(r.nlh, PSW_PORT_A_TYPE, uplink ? PSW_PORT_UPLINK : PSW_PORT_POD);
	mnl_attr_nest_end(r.nlh, nest);
	return req_do(&r);
err:
	return req_fail(&r);
}

static const struct verb port_verbs[] = {
	{ "show", port_show, "" },
	{ "add", port_change, " dev IFNAME [ip ADDR[,ADDR...]] [mac MAC] [uplink]", 1 },
	{ "del", port_change, " dev IFNAME", 0 },
};

const struct object port_object = OBJECT("port", port_verbs);
