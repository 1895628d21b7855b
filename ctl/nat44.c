// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl nat44 service add SWITCH {tcp|udp} VIP:PORT backend ADDR:PORT
 *                              [weight W] [backend ...] [affinity SECONDS]
 * pswctl nat44 service del SWITCH {tcp|udp} VIP:PORT
 * pswctl nat44 service show SWITCH   (= pswctl show SWITCH nat44)
 * pswctl nat44 snat {add|del} SWITCH dev PORT ADDR[-ADDR]
 * pswctl nat44 loopback SWITCH ADDR
 */
#include "json.h"
#include "nl.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ADDR:PORT, the port 1..65535. */
static bool parse_addr_port(const char *s, uint32_t *addr, uint16_t *port)
{
	char buf[32], *colon;
	uint32_t v;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	colon = strrchr(buf, ':');
	if (!colon)
		return false;
	*colon = '\0';
	if (!parse_ip4(buf, addr) || !parse_u32(colon + 1, 65535, &v) || !v)
		return false;
	*port = v;
	return true;
}

/* {tcp|udp} VIP:PORT into a PSW_A_SERVICE nest left open. */
static struct nlattr *put_service_key(struct nlmsghdr *nlh, int *argc, char ***argv)
{
	const char *proto, *vip;
	struct nlattr *nest;
	uint32_t addr;
	uint16_t port;

	proto = next_arg(argc, argv, "protocol (tcp or udp)");
	vip = proto ? next_arg(argc, argv, "VIP:PORT") : NULL;
	if (!vip)
		return NULL;
	if (!matches(proto, "tcp") && !matches(proto, "udp")) {
		usage_error("nat44 service: protocol is tcp or udp, not \"%s\"", proto);
		return NULL;
	}
	if (!parse_addr_port(vip, &addr, &port)) {
		usage_error("nat44 service: \"%s\" is not VIP:PORT", vip);
		return NULL;
	}
	nest = mnl_attr_nest_start(nlh, PSW_A_SERVICE);
	mnl_attr_put_u8(nlh, PSW_SVC_A_PROTO, matches(proto, "tcp") ? 6 : 17);
	mnl_attr_put_u32(nlh, PSW_SVC_A_VIP, addr);
	mnl_attr_put_u16(nlh, PSW_SVC_A_PORT, port);
	return nest;
}

/* backend ADDR:PORT [weight W] ... [affinity SECONDS] */
static int put_backends(struct nlmsghdr *nlh, int argc, char **argv)
{
	struct nlattr *be = NULL;
	const char *w, *v;
	uint32_t addr, n;
	uint16_t port;
	int count = 0;

	while (argc > 0) {
		w = next_arg(&argc, &argv, "keyword");
		v = next_arg(&argc, &argv, "value");
		if (!v)
			return -1;
		if (matches(w, "backend")) {
			if (!parse_addr_port(v, &addr, &port))
				return usage_error("nat44 service: backend \"%s\" is not ADDR:PORT", v);
			if (count == PSW_NAT_MAX_BACKENDS)
				return usage_error("nat44 service: at most %u backends",
						   PSW_NAT_MAX_BACKENDS);
			if (be)
				mnl_attr_nest_end(nlh, be);
			be = mnl_attr_nest_start(nlh, PSW_SVC_A_BACKEND);
			mnl_attr_put_u32(nlh, PSW_BACKEND_A_ADDR, addr);
			mnl_attr_put_u16(nlh, PSW_BACKEND_A_PORT, port);
			count++;
		} else if (matches(w, "weight")) {
			if (!be)
				return usage_error("nat44 service: weight before any backend");
			if (!parse_u32(v, PSW_NAT_MAX_WEIGHT, &n) || !n)
				return usage_error("nat44 service: weight is 1..%u, not \"%s\"",
						   PSW_NAT_MAX_WEIGHT, v);
			mnl_attr_put_u32(nlh, PSW_BACKEND_A_WEIGHT, n);
		} else if (matches(w, "affinity")) {
			if (!parse_u32(v, PSW_NAT_MAX_AFFINITY, &n))
				return usage_error("nat44 service: affinity is 0..%u seconds, not \"%s\"",
						   PSW_NAT_MAX_AFFINITY, v);
			if (be)
				mnl_attr_nest_end(nlh, be);
			be = NULL;
			mnl_attr_put_u32(nlh, PSW_SVC_A_AFFINITY, n);
		} else {
			return usage_error("nat44 service: unexpected \"%s\" (backend, weight, affinity)", w);
		}
	}
	if (be)
		mnl_attr_nest_end(nlh, be);
	if (!count)
		return usage_error("nat44 service: no backend given");
	return 0;
}

static int service_cmd(int argc, char **argv)
{
	const char *verb, *name;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct psw_nl *nl;
	struct sw sw;
	int ret;

	verb = object_verb("nat44 service", "add del", show_nat44, &argc, &argv, &name, &ret);
	if (!verb)
		return ret;
	if (sw_open(&sw, name))
		return -1;
	nl = psw_nl_open();
	if (!nl)
		return -1;
	ret = -1;
	nlh = sw_req(nl, &sw, matches(verb, "add") ? PSW_CMD_SERVICE_NEW : PSW_CMD_SERVICE_DEL, 0);
	nest = put_service_key(nlh, &argc, &argv);
	if (!nest)
		goto out;
	if (matches(verb, "add")) {
		if (put_backends(nlh, argc, argv))
			goto out;
	} else if (argc) {
		usage_error("nat44 service del: unexpected \"%s\"", argv[0]);
		goto out;
	}
	mnl_attr_nest_end(nlh, nest);
	ret = psw_nl_ack(nl);
out:
	psw_nl_close(nl);
	return ret;
}

static int loopback_cmd(int argc, char **argv)
{
	const char *name, *addr;
	struct nlmsghdr *nlh;
	struct psw_nl *nl;
	struct sw sw;
	uint32_t a;
	int ret;

	name = next_arg(&argc, &argv, "switch name");
	addr = name ? next_arg(&argc, &argv, "loopback address") : NULL;
	if (!addr)
		return -1;
	if (argc)
		return usage_error("nat44 loopback: unexpected \"%s\"", argv[0]);
	if (!parse_ip4(addr, &a))
		return usage_error("nat44 loopback: \"%s\" is not an IPv4 address", addr);
	if (sw_open(&sw, name))
		return -1;
	nl = psw_nl_open();
	if (!nl)
		return -1;
	nlh = sw_req(nl, &sw, PSW_CMD_SWITCH_SET, 0);
	mnl_attr_put_u32(nlh, PSW_A_NAT44_LOOPBACK, a);
	ret = psw_nl_ack(nl);
	psw_nl_close(nl);
	return ret;
}

/* ADDR or ADDR-ADDR */
static bool parse_range(const char *s, uint32_t *first, uint32_t *last)
{
	char buf[40], *dash;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (!parse_ip4(buf, first))
		return false;
	*last = *first;
	return !dash || parse_ip4(dash + 1, last);
}

static int snat_cmd(int argc, char **argv)
{
	const char *verb, *name, *dev = NULL, *range = NULL;
	uint32_t first, last;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int ifindex;
	struct psw_nl *nl;
	struct sw sw;
	int ret;

	verb = next_arg(&argc, &argv, "nat44 snat verb (add, del)");
	name = verb ? next_arg(&argc, &argv, "switch name") : NULL;
	if (!name)
		return -1;
	if (!matches(verb, "add") && !matches(verb, "del"))
		return usage_error("nat44 snat: unknown verb \"%s\" (add, del)", verb);
	if (!next_arg(&argc, &argv, "dev") || !matches(argv[-1], "dev"))
		return usage_error("nat44 snat %s: dev PORT expected", verb);
	dev = next_arg(&argc, &argv, "port");
	if (!dev)
		return -1;
	if (matches(verb, "add")) {
		range = next_arg(&argc, &argv, "pool ADDR[-ADDR]");
		if (!range)
			return -1;
		if (!parse_range(range, &first, &last))
			return usage_error("nat44 snat add: \"%s\" is not ADDR[-ADDR]", range);
	}
	if (argc)
		return usage_error("nat44 snat %s: unexpected \"%s\"", verb, argv[0]);
	if (sw_open(&sw, name))
		return -1;
	ifindex = sw_port_ifindex(&sw, dev);
	if (!ifindex)
		return -1;
	nl = psw_nl_open();
	if (!nl)
		return -1;
	nlh = sw_req(nl, &sw, range ? PSW_CMD_SNAT_NEW : PSW_CMD_SNAT_DEL, 0);
	nest = mnl_attr_nest_start(nlh, PSW_A_SNAT);
	mnl_attr_put_u32(nlh, PSW_SNAT_A_PORT, ifindex);
	if (range) {
		mnl_attr_put_u32(nlh, PSW_SNAT_A_FIRST, first);
		mnl_attr_put_u32(nlh, PSW_SNAT_A_LAST, last);
	}
	mnl_attr_nest_end(nlh, nest);
	ret = psw_nl_ack(nl);
	psw_nl_close(nl);
	return ret;
}

int cmd_nat44(int argc, char **argv)
{
	const char *what = next_arg(&argc, &argv, "nat44 object (service, snat, loopback)");

	if (!what)
		return -1;
	if (matches(what, "service"))
		return service_cmd(argc, argv);
	if (matches(what, "snat"))
		return snat_cmd(argc, argv);
	if (matches(what, "loopback"))
		return loopback_cmd(argc, argv);
	return usage_error("nat44: unknown object \"%s\" (service, snat, loopback)", what);
}

/* ---- show ---- */

static uint32_t loopback_of(const char *name, bool *ok)
{
	const struct nlattr *tb[PSW_A_MAX + 1];
	struct psw_msgs msgs = {};
	struct nlmsghdr *nlh;
	struct psw_nl *nl;
	uint32_t a = 0;

	*ok = false;
	nl = psw_nl_open();
	if (!nl)
		return 0;
	nlh = psw_nl_req(nl, PSW_CMD_SWITCH_GET, 0);
	mnl_attr_put_strz(nlh, PSW_A_IFNAME, name);
	if (!psw_nl_collect(nl, &msgs) && msgs.n == 1) {
		psw_attrs(msgs.v[0], tb, PSW_A_MAX);
		if (tb[PSW_A_NAT44_LOOPBACK])
			a = mnl_attr_get_u32(tb[PSW_A_NAT44_LOOPBACK]);
		*ok = true;
	}
	psw_msgs_free(&msgs);
	psw_nl_close(nl);
	return a;
}

static void print_backends(const struct nlattr *svc)
{
	const struct nlattr *bt[PSW_BACKEND_A_MAX + 1], *a;
	char buf[24];

	mnl_attr_for_each_nested(a, svc) {
		if (mnl_attr_get_type(a) != PSW_SVC_A_BACKEND)
			continue;
		psw_attrs_nested(a, bt, PSW_BACKEND_A_MAX);
		if (!bt[PSW_BACKEND_A_ADDR] || !bt[PSW_BACKEND_A_PORT])
			continue;
		snprintf(buf, sizeof(buf), "%s:%u", fmt_ip4(mnl_attr_get_u32(bt[PSW_BACKEND_A_ADDR])),
			 mnl_attr_get_u16(bt[PSW_BACKEND_A_PORT]));
		if (json) {
			json_open_object(NULL);
			json_string("backend", buf);
			json_uint("weight", bt[PSW_BACKEND_A_WEIGHT] ?
					    mnl_attr_get_u32(bt[PSW_BACKEND_A_WEIGHT]) : 1);
			json_close_object();
		} else {
			printf("    backend %s weight %u\n", buf, bt[PSW_BACKEND_A_WEIGHT] ?
			       mnl_attr_get_u32(bt[PSW_BACKEND_A_WEIGHT]) : 1);
		}
	}
}

/* The SNAT pools, "snat dev PORT FIRST-LAST" each; -1 if the dump failed. */
static int show_pools(const struct sw *sw)
{
	const struct nlattr *tb[PSW_A_MAX + 1], *st[PSW_SNAT_A_MAX + 1];
	struct psw_msgs msgs = {};
	struct psw_nl *nl;
	char first[16];
	int ret = -1;
	size_t i;

	nl = psw_nl_open();
	if (!nl)
		return -1;
	sw_req(nl, sw, PSW_CMD_SNAT_GET, NLM_F_DUMP);
	if (psw_nl_collect(nl, &msgs))
		goto out;
	if (json)
		json_open_array("snat");
	for (i = 0; i < msgs.n; i++) {
		psw_attrs(msgs.v[i], tb, PSW_A_MAX);
		psw_attrs_nested(tb[PSW_A_SNAT], st, PSW_SNAT_A_MAX);
		if (!st[PSW_SNAT_A_PORT] || !st[PSW_SNAT_A_FIRST] || !st[PSW_SNAT_A_LAST])
			continue;
		snprintf(first, sizeof(first), "%s", fmt_ip4(mnl_attr_get_u32(st[PSW_SNAT_A_FIRST])));
		if (json) {
			json_open_object(NULL);
			json_string("dev", sw_port_name(sw, mnl_attr_get_u32(st[PSW_SNAT_A_PORT])));
			json_string("first", first);
			json_string("last", fmt_ip4(mnl_attr_get_u32(st[PSW_SNAT_A_LAST])));
			json_close_object();
		} else {
			printf("snat dev %s %s-%s\n", sw_port_name(sw, mnl_attr_get_u32(st[PSW_SNAT_A_PORT])),
			       first, fmt_ip4(mnl_attr_get_u32(st[PSW_SNAT_A_LAST])));
		}
	}
	if (json)
		json_close_array();
	ret = 0;
out:
	psw_msgs_free(&msgs);
	psw_nl_close(nl);
	return ret;
}

/*
 * A service whose backends did not fit in one message comes in several
 * in a row, each with its key: print the key once.
 */
int show_nat44(const char *name)
{
	const struct nlattr *tb[PSW_A_MAX + 1], *st[PSW_SVC_A_MAX + 1];
	char key[40], prev[40] = "";
	struct psw_msgs msgs = {};
	uint32_t lo, affinity;
	struct psw_nl *nl;
	bool ok, open = false;
	struct sw sw;
	int ret = -1;
	size_t i;

	if (sw_open(&sw, name))
		return -1;
	lo = loopback_of(name, &ok);
	if (!ok)
		return -1;
	nl = psw_nl_open();
	if (!nl)
		return -1;
	sw_req(nl, &sw, PSW_CMD_SERVICE_GET, NLM_F_DUMP);
	if (psw_nl_collect(nl, &msgs))
		goto out;
	if (json) {
		json_open_object(NULL);
		json_string("loopback", lo ? fmt_ip4(lo) : "switch-address");
	} else {
		printf("loopback %s\n", lo ? fmt_ip4(lo) : "switch address");
	}
	if (show_pools(&sw))
		goto out;
	if (json)
		json_open_array("services");
	for (i = 0; i < msgs.n; i++) {
		psw_attrs(msgs.v[i], tb, PSW_A_MAX);
		psw_attrs_nested(tb[PSW_A_SERVICE], st, PSW_SVC_A_MAX);
		if (!st[PSW_SVC_A_PROTO] || !st[PSW_SVC_A_VIP] || !st[PSW_SVC_A_PORT])
			continue;
		snprintf(key, sizeof(key), "%s %s:%u", proto_name(mnl_attr_get_u8(st[PSW_SVC_A_PROTO])),
			 fmt_ip4(mnl_attr_get_u32(st[PSW_SVC_A_VIP])),
			 mnl_attr_get_u16(st[PSW_SVC_A_PORT]));
		affinity = st[PSW_SVC_A_AFFINITY] ? mnl_attr_get_u32(st[PSW_SVC_A_AFFINITY]) : 0;
		if (strcmp(key, prev)) {
			if (json) {
				if (open) {
					json_close_array();
					json_close_object();
				}
				json_open_object(NULL);
				json_string("proto", proto_name(mnl_attr_get_u8(st[PSW_SVC_A_PROTO])));
				json_string("vip", strchr(key, ' ') + 1);
				json_uint("affinity", affinity);
				json_open_array("backends");
				open = true;
			} else {
				printf("service %s affinity %u\n", key, affinity);
			}
			strcpy(prev, key);
		}
		print_backends(tb[PSW_A_SERVICE]);
	}
	if (json) {
		if (open) {
			json_close_array();
			json_close_object();
		}
		json_close_array();
		json_close_object();
		json_end();
	}
	ret = 0;
out:
	psw_msgs_free(&msgs);
	psw_nl_close(nl);
	return ret;
}
