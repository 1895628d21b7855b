// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl show [SWITCH]
 */
#include "json.h"
#include "nl.h"
#include "pswctl.h"

#include "uapi/linux/podswitch.h"

#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct switch_info {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	uint8_t mac[6];
	uint32_t address;	/* network order */
	bool host_routes;
	bool anti_spoof;
};

struct switch_list {
	struct switch_info *v;
	size_t n;
};

static int switch_attr_cb(const struct nlattr *attr, void *data)
{
	struct switch_info *sw = data;

	switch (mnl_attr_get_type(attr)) {
	case PSW_A_IFINDEX:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			sw->ifindex = mnl_attr_get_u32(attr);
		break;
	case PSW_A_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(sw->ifname, sizeof(sw->ifname), "%s",
				 mnl_attr_get_str(attr));
		break;
	case PSW_A_MAC:
		if (mnl_attr_get_payload_len(attr) == sizeof(sw->mac))
			memcpy(sw->mac, mnl_attr_get_payload(attr), sizeof(sw->mac));
		break;
	case PSW_A_ADDRESS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			sw->address = mnl_attr_get_u32(attr);
		break;
	case PSW_A_HOST_ROUTES:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) == 0)
			sw->host_routes = mnl_attr_get_u8(attr);
		break;
	case PSW_A_ANTI_SPOOF:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) == 0)
			sw->anti_spoof = mnl_attr_get_u8(attr);
		break;
	}
	return MNL_CB_OK;
}

static int switch_cb(const struct nlmsghdr *nlh, void *data)
{
	struct switch_list *list = data;
	struct switch_info *v;

	v = realloc(list->v, (list->n + 1) * sizeof(*v));
	if (!v) {
		perror("pswctl");
		return MNL_CB_ERROR;
	}
	list->v = v;
	memset(&v[list->n], 0, sizeof(*v));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), switch_attr_cb, &v[list->n]);
	list->n++;
	return MNL_CB_OK;
}

static void switch_list_reset(void *data)
{
	struct switch_list *list = data;

	list->n = 0;
}

static const char *fmt_mac(const uint8_t *m)
{
	static char buf[18];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

static void print_switch(const struct switch_info *sw)
{
	char addr[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sw->address, addr, sizeof(addr));
	if (json) {
		json_open_object(NULL);
		json_string("ifname", sw->ifname);
		json_uint("ifindex", sw->ifindex);
		json_string("mac", fmt_mac(sw->mac));
		json_string("address", addr);
		json_bool("host_routes", sw->host_routes);
		json_bool("anti_spoof", sw->anti_spoof);
		json_close_object();
		return;
	}
	printf("%s: ifindex %u mac %s address %s host-routes %s anti-spoof %s\n",
	       sw->ifname, sw->ifindex, fmt_mac(sw->mac), addr,
	       sw->host_routes ? "on" : "off", sw->anti_spoof ? "on" : "off");
}

/* Put the switch selector into a request: PSW_A_IFNAME. */
static int put_switch(struct nlmsghdr *nlh, const char *name)
{
	if (strlen(name) >= IF_NAMESIZE)
		return usage_error("switch name \"%s\" is too long", name);
	mnl_attr_put_strz(nlh, PSW_A_IFNAME, name);
	return 0;
}

int cmd_show(int argc, char **argv)
{
	struct switch_list list = {};
	struct nlmsghdr *nlh;
	struct psw_nl *nl;
	int ret = -1;
	size_t i;

	if (argc > 1)
		return usage_error("unknown object \"%s\" for show", argv[1]);

	nl = psw_nl_open();
	if (!nl)
		return -1;
	if (argc == 1) {
		nlh = psw_nl_req(nl, PSW_CMD_GET_SWITCH, 0);
		if (put_switch(nlh, argv[0]))
			goto out;
	} else {
		psw_nl_req(nl, PSW_CMD_GET_SWITCH, NLM_F_DUMP);
	}
	if (psw_nl_run(nl, switch_cb, switch_list_reset, &list))
		goto out;

	if (json && argc == 0)
		json_open_array(NULL);
	for (i = 0; i < list.n; i++)
		print_switch(&list.v[i]);
	if (json && argc == 0)
		json_close_array();
	if (json)
		json_end();
	ret = 0;
out:
	free(list.v);
	psw_nl_close(nl);
	return ret;
}
