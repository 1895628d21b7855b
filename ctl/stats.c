// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl stats show SWITCH       the ports' counters, then the pipeline's
 * pswctl stats ports SWITCH      the ports' counters
 * pswctl stats errors SWITCH     the pipeline's counters that are not zero
 */
#include "nl.h"
#include "print.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <inttypes.h>

static void print_counter(const struct sw *sw, const struct nlmsghdr *nlh,
			  unsigned int i, void *arg)
{
	const struct nlattr *top[PSW_A_MAX + 1], *tb[PSW_COUNTER_A_MAX + 1];

	(void)sw;
	(void)i;
	(void)arg;
	psw_attrs(nlh, top, PSW_A_MAX);
	psw_attrs_nested(top[PSW_A_COUNTER], tb, PSW_COUNTER_A_MAX);
	if (!tb[PSW_COUNTER_A_NODE] || !tb[PSW_COUNTER_A_REASON] || !tb[PSW_COUNTER_A_VALUE])
		return;
	open_json_object(NULL);
	print_uint(PRINT_ANY, "count", "%12" PRIu64, mnl_attr_get_u64(tb[PSW_COUNTER_A_VALUE]));
	print_string(PRINT_ANY, "node", "  %-14s", mnl_attr_get_str(tb[PSW_COUNTER_A_NODE]));
	print_string(PRINT_ANY, "reason", " %s\n", mnl_attr_get_str(tb[PSW_COUNTER_A_REASON]));
	close_json_object();
}

static const char errors_header[] = "       Count  Node           Reason\n";

static int stats_errors(const char *name, int argc, char **argv, int variant)
{
	if (no_more_args(argc, argv, "stats errors"))
		return -1;
	return sw_dump(name, PSW_CMD_COUNTER_GET, NULL, errors_header, print_counter, NULL) < 0 ?
	       -1 : 0;
}

static int stats_ports(const char *name, int argc, char **argv, int variant)
{
	bool stats_only = true;

	if (no_more_args(argc, argv, "stats ports"))
		return -1;
	return sw_dump(name, PSW_CMD_PORT_GET, NULL, NULL, print_port, &stats_only) < 0 ? -1 : 0;
}

/* Both: under -j one object, {"ports": [...], "errors": [...]}. */
static int stats_show(const char *name, int argc, char **argv, int variant)
{
	bool stats_only = true;

	if (no_more_args(argc, argv, "stats show"))
		return -1;
	open_json_object(NULL);
	if (sw_list(name, "ports", PSW_CMD_PORT_GET, NULL, NULL, print_port, &stats_only) < 0 ||
	    sw_list(name, "errors", PSW_CMD_COUNTER_GET, NULL, errors_header, print_counter,
		    NULL) < 0)
		return -1;
	close_json_object();
	print_end();
	return 0;
}

static const struct verb stats_verbs[] = {
	{ "show", stats_show, "" },
	{ "ports", stats_ports, "" },
	{ "errors", stats_errors, "" },
};

const struct object stats_object = OBJECT("stats", stats_verbs);
