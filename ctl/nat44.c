// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl nat44 show SWITCH
 * pswctl nat44 service show SWITCH
 * pswctl nat44 service add SWITCH {tcp|udp} VIP:PORT backend ADDR:PORT
 *                              [weight W] [backend ...] [affinity SECONDS]
 * pswctl nat44 service del SWITCH {tcp|udp} VIP:PORT
 * pswctl nat44 snat show SWITCH
 * pswctl nat44 snat {add|del} SWITCH dev PORT ADDR[-ADDR]
 * and pswctl 0.1's "nat44 loopback SWITCH ADDR" (switch set SWITCH nat44
 * loopback ADDR).
 */
#include "nl.h"
#include "print.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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
	if (!is(proto, "tcp") && !is(proto, "udp")) {
		usage_error("nat44 service: protocol is tcp or udp, not \"%s\"", proto);
		return NULL;
	}
	if (!parse_addr_port(vip, &addr, &port)) {
		usage_error("nat44 service: \"%s\" is not VIP:PORT", vip);
		return NULL;
	}
	nest = mnl_attr_nest_start(nlh, PSW_A_SERVICE);
	mnl_attr_put_u8(nlh, PSW_SVC_A_PROTO, is(proto, "tcp") ? 6 : 17);
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

static int service_change(const char *name, int argc, char **argv, int add)
{
	struct nlattr *nest;
	struct req r;

	if (req_start(&r, name, add ? PSW_CMD_SERVICE_NEW : PSW_CMD_SERVICE_DEL, 0))
		goto err;
	nest = put_service_key(r.nlh, &argc, &argv);
	if (!nest)
		goto err;
	if (add ? put_backends(r.nlh, argc, argv) : no_more_args(argc, argv, "nat44 service del"))
		goto err;
	mnl_attr_nest_end(r.nlh, nest);
	return req_do(&r);
err:
	return req_fail(&r);
}

static int snat_change(const char *name, int argc, char **argv, int add)
{
	const char *verb = add ? "nat44 snat add" : "nat44 snat del", *dev, *range = NULL;
	uint32_t first, last;
	unsigned int ifindex;
	struct nlattr *nest;
	struct req r;

	if (!argc || !matches(argv[0], "dev"))
		return usage_error("%s: dev PORT expected", verb);
	argc--;
	argv++;
	dev = next_arg(&argc, &argv, "port");
	if (!dev)
		return -1;
	if (add) {
		range = next_arg(&argc, &argv, "pool ADDR[-ADDR]");
		if (!range)
			return -1;
		if (!parse_ip4_range(range, &first, &last))
			return usage_error("%s: \"%s\" is not ADDR[-ADDR]", verb, range);
	}
	if (no_more_args(argc, argv, verb))
		return -1;
	if (req_start(&r, name, add ? PSW_CMD_SNAT_NEW : PSW_CMD_SNAT_DEL, 0))
		goto err;
	ifindex = sw_port_ifindex(&r.sw, dev);
	if (!ifindex)
		goto err;
	nest = mnl_attr_nest_start(r.nlh, PSW_A_SNAT);
	mnl_attr_put_u32(r.nlh, PSW_SNAT_A_PORT, ifindex);
	if (add) {
		mnl_attr_put_u32(r.nlh, PSW_SNAT_A_FIRST, first);
		mnl_attr_put_u32(r.nlh, PSW_SNAT_A_LAST, last);
	}
	mnl_attr_nest_end(r.nlh, nest);
	return req_do(&r);
err:
	return req_fail(&r);
}

static int loopback(const char *name, int argc, char **argv, int variant)
{
	char *args[3] = { "nat44", "loopback", NULL };

	args[2] = (char *)next_arg(&argc, &argv, "loopback address");
	if (!args[2] || no_more_args(argc, argv, "nat44 loopback"))
		return -1;
	return switch_set(name, 3, args, 0);
}

/* ---- show ---- */

static void print_pool(const struct sw *sw, const struct nlmsghdr *nlh,
		       unsigned int i, void *arg)
{
	const struct nlattr *tb[PSW_A_MAX + 1], *st[PSW_SNAT_A_MAX + 1];

	(void)i;
	(void)arg;
	psw_attrs(nlh, tb, PSW_A_MAX);
	psw_attrs_nested(tb[PSW_A_SNAT], st, PSW_SNAT_A_MAX);
	if (!st[PSW_SNAT_A_PORT] || !st[PSW_SNAT_A_FIRST] || !st[PSW_SNAT_A_LAST])
		return;
	open_json_object(NULL);
	print_string(PRINT_ANY, "dev", "snat dev %s",
		     sw_port_name(sw, mnl_attr_get_u32(st[PSW_SNAT_A_PORT])));
	print_string(PRINT_ANY, "first", " %s", fmt_ip4(mnl_attr_get_u32(st[PSW_SNAT_A_FIRST])));
	print_string(PRINT_ANY, "last", "-%s\n", fmt_ip4(mnl_attr_get_u32(st[PSW_SNAT_A_LAST])));
	close_json_object();
}

/*
 * A service whose backends did not fit in one message comes in several
 * in a row, each with its key: @prev holds the key printed last.
 */
static void print_service(const struct sw *sw, const struct nlmsghdr *nlh,
			  unsigned int i, void *arg)
{
	const struct nlattr *tb[PSW_A_MAX + 1], *st[PSW_SVC_A_MAX + 1];
	const struct nlattr *bt[PSW_BACKEND_A_MAX + 1], *a;
	char *prev = arg, key[40], vip[24];

	(void)sw;
	psw_attrs(nlh, tb, PSW_A_MAX);
	psw_attrs_nested(tb[PSW_A_SERVICE], st, PSW_SVC_A_MAX);
	if (!st[PSW_SVC_A_PROTO] || !st[PSW_SVC_A_VIP] || !st[PSW_SVC_A_PORT])
		return;
	snprintf(vip, sizeof(vip), "%s:%u", fmt_ip4(mnl_attr_get_u32(st[PSW_SVC_A_VIP])),
		 mnl_attr_get_u16(st[PSW_SVC_A_PORT]));
	snprintf(key, sizeof(key), "%s %s", proto_name(mnl_attr_get_u8(st[PSW_SVC_A_PROTO])), vip);
	if (i == 0 || strcmp(key, prev)) {
		if (i) {
			close_json_array();
			close_json_object();
		}
		open_json_object(NULL);
		print_string(PRINT_ANY, "proto", "service %s",
			     proto_name(mnl_attr_get_u8(st[PSW_SVC_A_PROTO])));
		print_string(PRINT_ANY, "vip", " %s", vip);
		print_uint(PRINT_ANY, "affinity", " affinity %" PRIu64 "\n",
			   attr_u32(st[PSW_SVC_A_AFFINITY], 0));
		open_json_array("backends");
		strcpy(prev, key);
	}
	mnl_attr_for_each_nested(a, tb[PSW_A_SERVICE]) {
		if (mnl_attr_get_type(a) != PSW_SVC_A_BACKEND)
			continue;
		psw_attrs_nested(a, bt, PSW_BACKEND_A_MAX);
		if (!bt[PSW_BACKEND_A_ADDR] || !bt[PSW_BACKEND_A_PORT])
			continue;
		snprintf(vip, sizeof(vip), "%s:%u", fmt_ip4(mnl_attr_get_u32(bt[PSW_BACKEND_A_ADDR])),
			 mnl_attr_get_u16(bt[PSW_BACKEND_A_PORT]));
		open_json_object(NULL);
		print_string(PRINT_ANY, "backend", "    backend %s", vip);
		print_uint(PRINT_ANY, "weight", " weight %" PRIu64 "\n",
			   attr_u32(bt[PSW_BACKEND_A_WEIGHT], 1));
		close_json_object();
	}
}

/*
 * Every reply of @cmd, each by @print; under -j an array, named @key in
 * the object around it (or the output itself when @key is NULL).
 */
static int show_part(struct req *r, const char *key, uint8_t cmd, sw_print_fn print, void *arg)
{
	struct psw_msgs msgs = {};
	size_t i;
	int ret = -1;

	r->nlh = psw_nl_req(r->nl, cmd, NLM_F_DUMP);
	mnl_attr_put_strz(r->nlh, PSW_A_IFNAME, r->sw.name);
	if (psw_nl_collect(r->nl, &msgs))
		goto out;
	open_json_array(key);
	for (i = 0; i < msgs.n; i++)
		print(&r->sw, msgs.v[i], i, arg);
	if (cmd == PSW_CMD_SERVICE_GET && msgs.n) {
		/* The last service's backends. */
		close_json_array();
		close_json_object();
	}
	close_json_array();
	ret = 0;
out:
	psw_msgs_free(&msgs);
	return ret;
}

static void print_loopback(const struct sw *sw, const struct nlmsghdr *nlh,
			   unsigned int i, void *arg)
{
	const struct nlattr *tb[PSW_A_MAX + 1];
	uint32_t lo;

	(void)sw;
	(void)i;
	(void)arg;
	psw_attrs(nlh, tb, PSW_A_MAX);
	lo = attr_u32(tb[PSW_A_NAT44_LOOPBACK], 0);
	print_string(PRINT_JSON, "loopback", NULL, lo ? fmt_ip4(lo) : "switch-address");
	print_string(PRINT_TEXT, NULL, "loopback %s\n", lo ? fmt_ip4(lo) : "switch address");
}

/* The NAT loopback address, from the switch get req_start() prepared. */
static int show_loopback(struct req *r)
{
	struct psw_msgs msgs = {};
	int ret = -1;

	if (!psw_nl_collect(r->nl, &msgs) && msgs.n == 1) {
		print_loopback(&r->sw, msgs.v[0], 0, NULL);
		ret = 0;
	}
	psw_msgs_free(&msgs);
	return ret;
}

enum { SHOW_ALL, SHOW_SERVICES, SHOW_SNAT };

static int show(const char *name, int argc, char **argv, int what)
{
	char prev[40] = "";
	struct req r;
	int ret = -1;

	if (no_more_args(argc, argv, "nat44 show") || req_start(&r, name, PSW_CMD_SWITCH_GET, 0))
		goto out;
	if (what == SHOW_ALL) {
		open_json_object(NULL);
		if (show_loopback(&r) || show_part(&r, "snat", PSW_CMD_SNAT_GET, print_pool, NULL) ||
		    show_part(&r, "services", PSW_CMD_SERVICE_GET, print_service, prev))
			goto out;
		close_json_object();
	} else if (what == SHOW_SNAT ?
		   show_part(&r, NULL, PSW_CMD_SNAT_GET, print_pool, NULL) :
		   show_part(&r, NULL, PSW_CMD_SERVICE_GET, print_service, prev)) {
		goto out;
	}
	print_end();
	ret = 0;
out:
	req_end(&r);
	return ret;
}

static int nat44_show(const char *name, int argc, char **argv, int variant)
{
	return show(name, argc, argv, SHOW_ALL);
}

static int service_show(const char *name, int argc, char **argv, int variant)
{
	return show(name, argc, argv, SHOW_SERVICES);
}

static int snat_show(const char *name, int argc, char **argv, int variant)
{
	return show(name, argc, argv, SHOW_SNAT);
}

static const struct verb service_verbs[] = {
	{ "show", service_show, "" },
	{ "add", service_change, " {tcp|udp} VIP:PORT backend ADDR:PORT [weight W] [backend ...]\n"
			      "          [affinity SECONDS]", 1 },
	{ "del", service_change, " {tcp|udp} VIP:PORT", 0 },
};

static const struct object service_object = OBJECT("nat44 service", service_verbs);

static const struct verb snat_verbs[] = {
	{ "show", snat_show, "" },
	{ "add", snat_change, " dev PORT ADDR[-ADDR]", 1 },
	{ "del", snat_change, " dev PORT", 0 },
};

static const struct object snat_object = OBJECT("nat44 snat", snat_verbs);

static const struct verb nat44_verbs[] = {
	{ "show", nat44_show, "" },
	{ "service", .sub = &service_object },
	{ "snat", .sub = &snat_object },
	{ "loopback", loopback, " ADDR   (= switch set SWITCH nat44 loopback ADDR)" },
};

const struct object nat44_object = OBJECT("nat44", nat44_verbs);
