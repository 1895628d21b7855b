// SPDX-License-Identifier: GPL-2.0
/*
 * podswitch-cni: the CNI plugin that attaches containers to a podswitch
 * (CNI spec 1.0.0, also 0.4.0 and 0.3.1; GC and STATUS of 1.1.0).
 *
 * ADD: the switch (created and brought up when missing, the IPAM subnet
 * routed into it), an address from the delegated IPAM plugin, a veth pair
 * whose host end is named from the container ID and the interface name,
 * the container end as CNI_IFNAME with the address as /32 and the switch
 * address as its gateway (as Calico sets up a pod), and the host end a
 * pod port with the address and the container's MAC. A failed ADD undoes
 * what it did, in reverse order.
 * DEL: the port, every session of the pod's addresses, the veth, the IPAM
 * reservation; whatever is already gone is fine.
 *
 * The host end's alias, "podswitch-cni NETWORK CONTAINERID IFNAME", is
 * what GC finds attachments by. Output is the CNI result or a CNI error
 * object on stdout; the exit status is 0 or 1.
 */
#define _GNU_SOURCE
#include "cni.h"
#include "nft.h"
#include "nl.h"
#include "rtnl.h"

#include "kmod/version.h"
#include "uapi/linux/podswitch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* nl.c's: the plugin reports errors itself, as CNI error objects. */
bool json;
int quiet_errors = 1;

static const char *const cni_versions[] = { "0.3.1", "0.4.0", "1.0.0", "1.1.0" };

static const char *out_version = "1.0.0";	/* of the result or error */
static const char ns_self[] = "/proc/self/ns/net";

/* Printable ASCII only: a message may quote a path, an env value or IPAM's output. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
}

static void __attribute__((noreturn)) print_error(int code, const char *msg, const char *details)
{
	char m[512], d[512];
	json_t *err;

	snprintf(m, sizeof(m), "%s", msg);
	snprintf(d, sizeof(d), "%s", details ? details : "");
	sanitize(m);
	sanitize(d);
	err = json_pack("{s:s, s:i, s:s}", "cniVersion", out_version, "code", code, "msg", m);
	if (err && *d)
		json_object_set_new(err, "details", json_string(d));
	if (err)
		json_dumpf(err, stdout, JSON_COMPACT);
	else
		printf("{\"cniVersion\":\"%s\",\"code\":%d,\"msg\":\"out of memory\"}", out_version,
		       code);
	fputc('\n', stdout);
	fprintf(stderr, "podswitch-cni: %s%s%s\n", m, *d ? ": " : "", d);
	exit(1);
}

void cni_fail(int code, const char *details, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	print_error(code, msg, details);
}

int cni_error(struct cni *c, int code, const char *details, const char *fmt, ...)
{
	va_list ap;

	if (c->err_code)
		return -1;
	c->err_code = code;
	va_start(ap, fmt);
	vsnprintf(c->err_msg, sizeof(c->err_msg), fmt, ap);
	va_end(ap);
	snprintf(c->err_details, sizeof(c->err_details), "%s", details ? details : "");
	return -1;
}

void cni_exit(struct cni *c)
{
	print_error(c->err_code ? c->err_code : CNI_ERR_PLUGIN,
		    c->err_code ? c->err_msg : "failed", c->err_details);
}

static int version_index(const char *v)
{
	size_t i;

	for (i = 0; i < sizeof(cni_versions) / sizeof(cni_versions[0]); i++)
		if (!strcmp(v, cni_versions[i]))
			return i;
	return -1;
}

bool cni_version_at_least(const char *v, const char *min)
{
	return version_index(v) >= version_index(min);
}

/* ---- environment and configuration ---- */

static const char *env(const char *name, bool required)
{
	const char *v = getenv(name);

	if (required && (!v || !*v))
		cni_fail(CNI_ERR_ENV, NULL, "%s is not set", name);
	return v && *v ? v : NULL;
}

/* A CNI_ARGS value ("K=V;K=V"), copied into @buf. */
static const char *cni_arg(const char *args, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *p = args, *end;

	while (p && *p) {
		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			snprintf(buf, size, "%.*s", (int)(end - p - klen - 1), p + klen + 1);
			return buf;
		}
		p = *end ? end + 1 : end;
	}
	return NULL;
}

const char *cni_mac(struct cni *c, char *buf, size_t size)
{
	json_t *rc = json_object_get(c->conf, "runtimeConfig");
	const char *mac = json_string_value(json_object_get(rc, "mac"));

	if (mac) {
		snprintf(buf, size, "%s", mac);
		return buf;
	}
	return cni_arg(c->args, "MAC", buf, size);
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	int n = 0;

	return sscanf(s, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &mac[0], &mac[1], &mac[2],
		      &mac[3], &mac[4], &mac[5], &n) == 6 && n == 17 && !s[n];
}

/* The CNI spec's pattern for container IDs and network names. */
static bool cni_name_ok(const char *s)
{
	if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
	       strlen(s);
}

static void parse_conf(struct cni *c, bool need_ipam)
{
	json_error_t jerr;
	json_t *v;
	const char *type;

	c->conf = json_loadf(stdin, 0, &jerr);
	if (!c->conf)
		cni_fail(CNI_ERR_DECODE, jerr.text, "the network configuration is not JSON (line %d)",
			 jerr.line);
	if (!json_is_object(c->conf))
		cni_fail(CNI_ERR_DECODE, NULL, "the network configuration is not a JSON object");
	c->version = json_string_value(json_object_get(c->conf, "cniVersion"));
	if (!c->version)
		cni_fail(CNI_ERR_CONFIG, NULL, "cniVersion missing in the network configuration");
	if (version_index(c->version) < 0)
		cni_fail(CNI_ERR_VERSION, NULL,
			 "cniVersion %s is not supported (0.3.1, 0.4.0, 1.0.0, 1.1.0)", c->version);
	out_version = c->version;
	c->name = json_string_value(json_object_get(c->conf, "name"));
	if (!c->name || !*c->name)
		cni_fail(CNI_ERR_CONFIG, NULL, "name missing in the network configuration");
	if (!cni_name_ok(c->name) || strlen(c->name) > 64)
		cni_fail(CNI_ERR_CONFIG, NULL, "name \"%s\" is not a network name (letters, digits, "
			 "'_', '.', '-'; at most 64)", c->name);
	type = json_string_value(json_object_get(c->conf, "type"));
	if (type && strcmp(type, "podswitch"))
		cni_fail(CNI_ERR_CONFIG, NULL, "type is \"%s\", not \"podswitch\"", type);
	v = json_object_get(c->conf, "switch");
	c->sw = v ? json_string_value(v) : "psw0";
	if (!c->sw || !*c->sw || strlen(c->sw) >= IF_NAMESIZE)
		cni_fail(CNI_ERR_CONFIG, NULL, "switch must be an interface name");
	v = json_object_get(c->conf, "mtu");
	if (v) {
		if (!json_is_integer(v) || json_integer_value(v) < 68 ||
		    json_integer_value(v) > 65535)
			cni_fail(CNI_ERR_CONFIG, NULL, "mtu must be a number from 68 to 65535");
		c->mtu = json_integer_value(v);
	}
	v = json_object_get(c->conf, "switchAddress");
	if (v && (!json_is_string(v) || inet_pton(AF_INET, json_string_value(v), &c->sw_addr) != 1))
		cni_fail(CNI_ERR_CONFIG, NULL, "switchAddress must be an IPv4 address");
	v = json_object_get(c->conf, "switchMAC");
	if (v && (!json_is_string(v) || !parse_mac(json_string_value(v), c->sw_mac)))
		cni_fail(CNI_ERR_CONFIG, NULL, "switchMAC must be a MAC address (xx:xx:xx:xx:xx:xx)");
	c->has_sw_mac = v;
	c->ipam = json_object_get(c->conf, "ipam");
	c->ipam_type = json_string_value(json_object_get(c->ipam, "type"));
	if (need_ipam && (!c->ipam_type || !*c->ipam_type))
		cni_fail(CNI_ERR_CONFIG, NULL, "ipam.type missing in the network configuration");
	/* A plugin's name, never a path out of CNI_PATH. */
	if (c->ipam_type && (!*c->ipam_type || strchr(c->ipam_type, '/') ||
			     !strcmp(c->ipam_type, ".") || !strcmp(c->ipam_type, "..")))
		cni_fail(CNI_ERR_CONFIG, NULL, "ipam.type \"%s\" is not a plugin name", c->ipam_type);
	c->prev = json_object_get(c->conf, "prevResult");
	portmap_parse(c);
}

/* The host end's name: "psw" and 12 hex digits of FNV-1a(ID/IFNAME). */
static void host_ifname(const struct cni *c, char name[IF_NAMESIZE])
{
	nft_attachment_veth(c->cid, c->ifname, name);
}

/* ---- the switch over generic netlink ---- */

static struct psw_nl *nl_open(void)
{
	struct psw_nl *nl = psw_nl_open();

	if (!nl)
		cni_fail(CNI_ERR_TRY_AGAIN, NULL, "the podswitch module is not loaded");
	return nl;
}

static int switch_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PSW_A_MAX + 1];

	psw_attrs(nlh, tb, PSW_A_MAX);
	if (tb[PSW_A_ADDRESS])
		*(uint32_t *)data = mnl_attr_get_u32(tb[PSW_A_ADDRESS]);
	return MNL_CB_OK;
}

/* The switch's address, or 0 after a CNI error if it is no switch. */
static uint32_t switch_address(struct cni *c)
{
	struct nlmsghdr *nlh = psw_nl_req(c->nl, PSW_CMD_SWITCH_GET, 0);
	uint32_t addr = 0;

	mnl_attr_put_strz(nlh, PSW_A_IFNAME, c->sw);
	if (psw_nl_run(c->nl, switch_addr_cb, NULL, &addr) < 0 || !addr)
		return 0;
	return addr;
}

/* switchAddress and switchMAC, on a switch the plugin has just made. */
static int switch_settings(struct cni *c)
{
	struct nlmsghdr *nlh;

	c->nl = c->nl ? c->nl : nl_open();
	nlh = psw_nl_req(c->nl, PSW_CMD_SWITCH_SET, 0);
	mnl_attr_put_strz(nlh, PSW_A_IFNAME, c->sw);
	if (c->sw_addr)
		mnl_attr_put_u32(nlh, PSW_A_ADDRESS, c->sw_addr);
	if (c->has_sw_mac)
		mnl_attr_put(nlh, PSW_A_MAC, 6, c->sw_mac);
	return psw_nl_ack(c->nl);
}

static int port_add(struct cni *c, int ifindex, uint32_t addr, const uint8_t *mac)
{
	struct nlmsghdr *nlh = psw_nl_req(c->nl, PSW_CMD_PORT_NEW, 0);
	struct nlattr *port, *addrs;

	mnl_attr_put_strz(nlh, PSW_A_IFNAME, c->sw);
	port = mnl_attr_nest_start(nlh, PSW_A_PORT);
	mnl_attr_put_u32(nlh, PSW_PORT_A_IFINDEX, ifindex);
	mnl_attr_put_u8(nlh, PSW_PORT_A_TYPE, PSW_PORT_POD);
	mnl_attr_put(nlh, PSW_PORT_A_MAC, 6, mac);
	addrs = mnl_attr_nest_start(nlh, PSW_PORT_A_ADDRS);
	mnl_attr_put_u32(nlh, PSW_ADDR_A_ADDR, addr);
	mnl_attr_nest_end(nlh, addrs);
	mnl_attr_nest_end(nlh, port);
	return psw_nl_ack(c->nl);
}

/* @cmd on the switch with one u32 attribute @type in a nest @nest_type. */
static int nested_u32_req(struct cni *c, uint8_t cmd, uint16_t nest_type, uint16_t type,
			  uint32_t val)
{
	struct nlmsghdr *nlh = psw_nl_req(c->nl, cmd, 0);
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, PSW_A_IFNAME, c->sw);
	nest = mnl_attr_nest_start(nlh, nest_type);
	mnl_attr_put_u32(nlh, type, val);
	mnl_attr_nest_end(nlh, nest);
	return psw_nl_ack(c->nl);
}

static int port_del(struct cni *c, int ifindex)
{
	return nested_u32_req(c, PSW_CMD_PORT_DEL, PSW_A_PORT, PSW_PORT_A_IFINDEX, ifindex);
}

/*
 * "masquerade" and hostPorts: the pods reach the outside, and answer
 * clients of their hostPorts, through the host. The switch's default
 * route goes to the host, via the address the host itself uses towards
 * the pod (@addr): the switch resolves its next hops by ARP, and the host
 * answers for its own addresses only (as Contiv-VPP routes to its host
 * interconnect address). A default route of the operator's (an uplink's)
 * stays.
 */
static int default_route_to_host(struct cni *c, int sw_ifindex, uint32_t addr)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint32_t gw;

	if (rtnl_route_src(c->rtnl, addr, &gw) || !gw)
		return cni_error(c, CNI_ERR_PLUGIN, rtnl_error(c->rtnl), "the host has no address "
				 "to be the pods' way out (ip route get %s)",
				 inet_ntoa((struct in_addr){ addr }));
	nlh = psw_nl_req(c->nl, PSW_CMD_ROUTE_NEW, 0);
	mnl_attr_put_strz(nlh, PSW_A_IFNAME, c->sw);
	nest = mnl_attr_nest_start(nlh, PSW_A_ROUTE);
	mnl_attr_put_u32(nlh, PSW_ROUTE_A_DST, 0);
	mnl_attr_put_u8(nlh, PSW_ROUTE_A_PREFIXLEN, 0);
	mnl_attr_put_u8(nlh, PSW_ROUTE_A_TYPE, PSW_ROUTE_VIA);
	mnl_attr_put_u32(nlh, PSW_ROUTE_A_PORT, sw_ifindex);
	mnl_attr_put_u32(nlh, PSW_ROUTE_A_GATEWAY, gw);
	mnl_attr_nest_end(nlh, nest);
	if (!psw_nl_ack(c->nl) || errno == EEXIST)
		return 0;
	return cni_error(c, CNI_ERR_PLUGIN, psw_nl_error(), "cannot route %s's default to the host",
			 c->sw);
}

/* Every session of @addr (network order), whichever port opened it. */
static int sessions_flush(struct cni *c, uint32_t addr)
{
	return nested_u32_req(c, PSW_CMD_SESSION_FLUSH, PSW_A_SESSION, PSW_SESS_A_ADDR, addr);
}

struct port_info {
	int ifindex;		/* the port looked for */
	bool found;
	uint8_t mac[6];
	uint32_t addrs[16];
	unsigned int naddrs;
};

static int port_info_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PSW_A_MAX + 1], *pt[PSW_PORT_A_MAX + 1], *a;
	struct port_info *pi = data;

	psw_attrs(nlh, tb, PSW_A_MAX);
	psw_attrs_nested(tb[PSW_A_PORT], pt, PSW_PORT_A_MAX);
	if (!pt[PSW_PORT_A_IFINDEX] || (int)mnl_attr_get_u32(pt[PSW_PORT_A_IFINDEX]) != pi->ifindex)
		return MNL_CB_OK;
	pi->found = true;
	if (pt[PSW_PORT_A_MAC] && mnl_attr_get_payload_len(pt[PSW_PORT_A_MAC]) == 6)
		memcpy(pi->mac, mnl_attr_get_payload(pt[PSW_PORT_A_MAC]), 6);
	if (pt[PSW_PORT_A_ADDRS])
		mnl_attr_for_each_nested(a, pt[PSW_PORT_A_ADDRS])
			if (pi->naddrs < 16)
				pi->addrs[pi->naddrs++] = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static void port_info_reset(void *data)
{
	struct port_info *pi = data;

	pi->found = false;
	pi->naddrs = 0;
}

/* What the switch has of port @ifindex; -1 if the switch is not there. */
static int port_info(struct cni *c, int ifindex, struct port_info *pi)
{
	struct nlmsghdr *nlh = psw_nl_req(c->nl, PSW_CMD_PORT_GET, NLM_F_DUMP);

	memset(pi, 0, sizeof(*pi));
	pi->ifindex = ifindex;
	mnl_attr_put_strz(nlh, PSW_A_IFNAME, c->sw);
	return psw_nl_run(c->nl, port_info_cb, port_info_reset, pi);
}

/* ---- namespaces ---- */

/* A netns by path: code 3 if it is not there, 5 if it cannot be opened. */
static int open_netns(struct cni *c, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		cni_error(c, errno == ENOENT ? CNI_ERR_UNKNOWN_CONTAINER : CNI_ERR_IO,
			  strerror(errno), "network namespace %s", path);
	return fd;
}

static int enter_netns(struct cni *c, int fd, const char *what)
{
	if (!setns(fd, CLONE_NEWNET))
		return 0;
	return cni_error(c, CNI_ERR_IO, strerror(errno), "cannot enter the %s network namespace",
			 what);
}

/* ---- ADD ---- */

/* What a failed ADD takes back. */
struct undo {
	const char *veth;	/* the host end, deleted with its peer and port */
	bool ipam;		/* the address, released */
};

static void __attribute__((noreturn)) add_fail(struct cni *c, struct undo *u)
{
	struct rtnl_link l;

	/* The undo's own errors do not replace the one that made it (cni_error). */
	if (u->veth && !rtnl_link_get(c->rtnl, u->veth, 0, &l))
		rtnl_link_del(c->rtnl, l.ifindex);
	if (u->ipam)
		ipam_exec(c, "DEL");
	cni_exit(c);
}

/* The switch, made and brought up when it is not there. */
static void ensure_switch(struct cni *c, struct rtnl_link *sw)
{
	int err = rtnl_link_get(c->rtnl, c->sw, 0, sw);

	if (err == -ENODEV) {
		err = rtnl_link_add(c->rtnl, c->sw, "podswitch");
		/* Another ADD made it first: fine. */
		if (err && err != -EEXIST)
			cni_fail(CNI_ERR_PLUGIN, rtnl_error(c->rtnl), "cannot create switch %s", c->sw);
		err = rtnl_link_get(c->rtnl, c->sw, 0, sw);
	}
	if (err)
		cni_fail(CNI_ERR_PLUGIN, rtnl_error(c->rtnl), "switch %s", c->sw);
	if (strcmp(sw->kind, "podswitch"))
		cni_fail(CNI_ERR_CONFIG, NULL, "%s is %s%s, not a podswitch", c->sw,
			 *sw->kind ? "a " : "a device without a kind", sw->kind);
	/*
	 * Set by every ADD that names them, before it reads the address: an
	 * ADD racing the one that made the switch sees them too.
	 */
	if ((c->sw_addr || c->has_sw_mac) && switch_settings(c))
		cni_fail(CNI_ERR_CONFIG, psw_nl_error(), "switch %s refused switchAddress or switchMAC",
			 c->sw);
	if (!sw->up && rtnl_link_up(c->rtnl, sw->ifindex))
		cni_fail(CNI_ERR_PLUGIN, rtnl_error(c->rtnl), "cannot bring %s up", c->sw);
}

/* The routes IPAM asks for, each via the switch address (the only next hop). */
static int ipam_routes(struct cni *c, uint32_t *dst, int *plen, int max)
{
	json_t *routes = json_object_get(c->ipam_result, "routes"), *r;
	int n = 0;
	size_t i;

	json_array_foreach(routes, i, r)
		if (n < max && !parse_cidr(json_string_value(json_object_get(r, "dst")), &dst[n],
					   &plen[n]) && plen[n])
			n++;
	return n;
}

/*
 * In the container: address /32, up, the switch address as gateway of
 * the default route and of IPAM's routes. Back in the host's netns after.
 */
static int setup_container(struct cni *c, int ctr_fd, int host_fd, uint32_t addr, uint32_t gw,
			   struct rtnl_link *l)
{
	uint32_t dst[16];
	int plen[16], n = ipam_routes(c, dst, plen, 16), i;
	const char *what = NULL;
	struct rtnl *r;

	if (enter_netns(c, ctr_fd, "container's"))
		return -1;
	r = rtnl_open();
	if (!r)
		cni_error(c, CNI_ERR_IO, strerror(errno), "netlink socket in the container");
	else if (rtnl_link_get(r, c->ifname, 0, l))
		what = "its interface";
	else if (rtnl_addr_add(r, l->ifindex, addr, 32))
		what = "its address";
	else if (rtnl_link_up(r, l->ifindex))
		what = "bringing it up";
	else if (rtnl_route_add(r, gw, 32, l->ifindex, 0))
		what = "the route to the switch address";
	else if (rtnl_route_add(r, 0, 0, l->ifindex, gw))
		what = "the default route";
	for (i = 0; r && !what && i < n; i++)
		if (rtnl_route_add(r, dst[i] & htonl(~0U << (32 - plen[i])), plen[i], l->ifindex, gw))
			what = "a route IPAM gave";
	if (what)
		cni_error(c, CNI_ERR_PLUGIN, rtnl_error(r), "container %s: %s", c->ifname, what);
	rtnl_close(r);
	if (enter_netns(c, host_fd, "host's"))
		return -1;
	return what || !r ? -1 : 0;
}

/* The pod subnet into the switch, once: the host's way to its pods. */
static int route_subnet(struct cni *c, const struct rtnl_link *sw, uint32_t addr, int plen)
{
	uint32_t subnet = addr & htonl(~0U << (32 - plen)), gw;
	char buf[INET_ADDRSTRLEN];
	int err, oif;

	err = rtnl_route_add(c->rtnl, subnet, plen, sw->ifindex, 0);
	if (err && err != -EEXIST)
		return cni_error(c, CNI_ERR_PLUGIN, rtnl_error(c->rtnl),
				 "cannot route the pod subnet into %s", c->sw);
	/* One that was there must be the switch's too. */
	if (rtnl_route_get(c->rtnl, addr, &oif, &gw) || oif != sw->ifindex)
		return cni_error(c, CNI_ERR_PLUGIN, NULL,
				 "the host routes %s/%d elsewhere than into %s",
				 inet_ntop(AF_INET, &subnet, buf, sizeof(buf)), plen, c->sw);
	return 0;
}

static int cmd_add(struct cni *c)
{
	struct rtnl_link sw, host, ctr;
	struct undo u = { 0 };
	uint32_t addr, gw;
	char hname[IF_NAMESIZE], alias[256], macbuf[32];
	uint8_t mac[6], *macp = NULL;
	int host_fd, ctr_fd, plen, err;
	json_t *result;

	/* podswitch makes the interface: it is first in a chain, or alone. */
	if (c->prev)
		cni_fail(CNI_ERR_CONFIG, NULL, "podswitch creates the interface: it comes first in "
			 "a plugin chain (ADD got a prevResult)");
	host_fd = open(ns_self, O_RDONLY | O_CLOEXEC);
	if (host_fd < 0)
		cni_fail(CNI_ERR_IO, strerror(errno), "cannot open the host network namespace");
	ctr_fd = open_netns(c, c->netns);
	if (ctr_fd < 0)
		cni_exit(c);
	if (cni_mac(c, macbuf, sizeof(macbuf))) {
		if (!parse_mac(macbuf, mac))
			cni_fail(CNI_ERR_FIELD, NULL, "bad MAC \"%s\"", macbuf);
		macp = mac;
	}
	host_ifname(c, hname);
	/* GC finds the attachment by it: it must be whole (IFALIASZ). */
	if (snprintf(alias, sizeof(alias), "podswitch-cni %s %s %s", c->name, c->cid,
		     c->ifname) >= (int)sizeof(alias))
		cni_fail(CNI_ERR_ENV, NULL, "CNI_CONTAINERID is too long (%zu characters)",
			 strlen(c->cid));
	ensure_switch(c, &sw);
	c->nl = c->nl ? c->nl : nl_open();
	gw = switch_address(c);
	if (!gw)
		cni_fail(CNI_ERR_PLUGIN, psw_nl_error(), "%s is not a switch this plugin can use",
			 c->sw);

	/* IPAM may have reserved an address even when it failed. */
	u.ipam = true;
	if (ipam_exec(c, "ADD"))
		add_fail(c, &u);
	if (ipam_address(c, &addr, &plen)) {
		cni_error(c, CNI_ERR_PLUGIN, NULL, "IPAM plugin %s gave no IPv4 address",
			  c->ipam_type);
		add_fail(c, &u);
	}
	if (route_subnet(c, &sw, addr, plen))
		add_fail(c, &u);

	err = rtnl_veth_add(c->rtnl, hname, c->ifname, ctr_fd, c->mtu, macp);
	if (err) {
		cni_error(c, CNI_ERR_PLUGIN, rtnl_error(c->rtnl), err == -EEXIST ?
			  "%s or the container's %s exists already" : "cannot create veth %s%.0s",
			  hname, c->ifname);
		add_fail(c, &u);
	}
	u.veth = hname;
	if (rtnl_link_get(c->rtnl, hname, 0, &host) ||
	    rtnl_link_set_alias(c->rtnl, host.ifindex, alias)) {
		cni_error(c, CNI_ERR_PLUGIN, rtnl_error(c->rtnl), "veth %s", hname);
		add_fail(c, &u);
	}
	if (setup_container(c, ctr_fd, host_fd, addr, gw, &ctr))
		add_fail(c, &u);
	if (rtnl_link_up(c->rtnl, host.ifindex)) {
		cni_error(c, CNI_ERR_PLUGIN, rtnl_error(c->rtnl), "cannot bring %s up", hname);
		add_fail(c, &u);
	}
	if (port_add(c, host.ifindex, addr, ctr.mac)) {
		cni_error(c, CNI_ERR_PLUGIN, psw_nl_error(), "cannot add %s to %s", hname, c->sw);
		add_fail(c, &u);
	}
	if ((c->masquerade || c->nports) && default_route_to_host(c, sw.ifindex, addr))
		add_fail(c, &u);
	/* Last: one atomic batch, nothing to undo when it fails. */
	if (portmap_add(c, sw.ifindex, addr))
		add_fail(c, &u);

	result = cni_result(c, &host, &ctr, addr, gw);
	json_dumpf(result, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(result);
	return 0;
}

/* ---- DEL ---- */

/*
 * Take the attachment whose host end is @hname off the switch: its port,
 * its addresses' sessions (and @extra's), its veth. Whatever is gone
 * already is no error; 0, or -1 with the error in @c.
 */
static int detach(struct cni *c, const char *hname, const uint32_t *extra, unsigned int nextra)
{
	struct rtnl_link host;
	struct port_info pi = { 0 };
	unsigned int i;
	int err;

	if (rtnl_link_get(c->rtnl, hname, 0, &host))
		host.ifindex = 0;
	c->nl = c->nl ? c->nl : psw_nl_open();
	if (c->nl && host.ifindex && port_info(c, host.ifindex, &pi) == 0 && pi.found)
		port_del(c, host.ifindex);
	/* Sessions are flushed once the port is gone: none is made after. */
	if (c->nl) {
		for (i = 0; i < pi.naddrs; i++)
			sessions_flush(c, pi.addrs[i]);
		for (i = 0; i < nextra; i++)
			sessions_flush(c, extra[i]);
	}
	err = host.ifindex ? rtnl_link_del(c->rtnl, host.ifindex) : 0;
	/* A veth that its peer's netns took with it is gone: fine. */
	if (err && err != -ENODEV)
		return cni_error(c, CNI_ERR_PLUGIN, rtnl_error(c->rtnl), "cannot delete %s", hname);
	return 0;
}

static int cmd_del(struct cni *c)
{
	char hname[IF_NAMESIZE];
	uint32_t prev[16];
	unsigned int n;

	host_ifname(c, hname);
	n = prev_addresses(c, prev, 16);
	/* IPAM's DEL runs whatever became of the rest: the address is released. */
	detach(c, hname, prev, n);
	/*
	 * Rules that could not be removed keep the address: released, it
	 * would be the next pod's, and the rules its. The runtime asks again.
	 */
	if (portmap_del(c))
		cni_exit(c);
	ipam_exec(c, "DEL");
	if (c->err_code)
		cni_exit(c);
	return 0;
}

/* ---- CHECK ---- */

/* In the container: @ifname with @mac and @addr, its routes via @gw. */
static int check_container(struct cni *c, int ctr_fd, int host_fd, uint32_t addr,
			   const uint8_t *mac, uint32_t gw)
{
	struct rtnl_link ctr;
	uint32_t rgw, any = htonl(0x01010101);	/* a destination the default route takes */
	int has = -1, tries, oif, oif_gw;
	struct rtnl *r = NULL;

	if (enter_netns(c, ctr_fd, "container's"))
		return -1;
	/* A dump the kernel marks interrupted is asked again, on a fresh socket. */
	for (tries = 0; tries < 5 && has < 0; tries++) {
		rtnl_close(r);
		r = rtnl_open();
		if (!r)
			break;
		if (rtnl_link_get(r, c->ifname, 0, &ctr)) {
			cni_error(c, CNI_ERR_PLUGIN, rtnl_error(r), "no %s in the container", c->ifname);
			break;
		}
		has = rtnl_addr_has(r, ctr.ifindex, addr);
	}
	if (r && !c->err_code) {
		if (memcmp(ctr.mac, mac, 6))
			cni_error(c, CNI_ERR_PLUGIN, NULL, "%s in the container has another MAC "
				  "than the result's", c->ifname);
		else if (has != 1)
			cni_error(c, CNI_ERR_PLUGIN, NULL, "%s in the container does not have %s",
				  c->ifname, inet_ntoa((struct in_addr){ addr }));
		else if (rtnl_route_get(r, gw, &oif, &rgw) || oif != ctr.ifindex || rgw)
			cni_error(c, CNI_ERR_PLUGIN, NULL, "the container has no route to %s on %s",
				  inet_ntoa((struct in_addr){ gw }), c->ifname);
		else if (rtnl_route_get(r, any, &oif_gw, &rgw) || oif_gw != ctr.ifindex || rgw != gw)
			cni_error(c, CNI_ERR_PLUGIN, NULL, "the container's default route is not via %s",
				  inet_ntoa((struct in_addr){ gw }));
	} else if (!r) {
		cni_error(c, CNI_ERR_IO, strerror(errno), "netlink socket in the container");
	}
	rtnl_close(r);
	enter_netns(c, host_fd, "host's");
	return c->err_code ? -1 : 0;
}

static int cmd_check(struct cni *c)
{
	struct rtnl_link host, sw;
	struct port_info pi;
	char hname[IF_NAMESIZE];
	uint32_t addr, gw;
	uint8_t mac[6];
	int ctr_fd, host_fd;
	unsigned int i;

	if (!c->prev)
		cni_fail(CNI_ERR_CONFIG, NULL, "CHECK needs prevResult");
	if (prev_addresses(c, &addr, 1) != 1)
		cni_fail(CNI_ERR_CONFIG, NULL, "prevResult has no IPv4 address");
	if (prev_container_mac(c, mac))
		cni_fail(CNI_ERR_CONFIG, NULL, "prevResult has no interface %s in %s", c->ifname,
			 c->netns);
	if (ipam_exec(c, "CHECK"))
		cni_exit(c);

	host_ifname(c, hname);
	if (rtnl_link_get(c->rtnl, hname, 0, &host))
		cni_fail(CNI_ERR_PLUGIN, rtnl_error(c->rtnl), "host end %s of %s is missing", hname,
			 c->ifname);
	c->nl = nl_open();
	gw = switch_address(c);
	if (!gw || port_info(c, host.ifindex, &pi))
		cni_fail(CNI_ERR_PLUGIN, psw_nl_error(), "switch %s", c->sw);
	if (!pi.found)
		cni_fail(CNI_ERR_PLUGIN, NULL, "%s is not a port of %s", hname, c->sw);
	for (i = 0; i < pi.naddrs && pi.addrs[i] != addr; i++)
		;
	if (i == pi.naddrs)
		cni_fail(CNI_ERR_PLUGIN, NULL, "port %s does not have %s", hname,
			 inet_ntoa((struct in_addr){ addr }));
	if (memcmp(pi.mac, mac, 6))
		cni_fail(CNI_ERR_PLUGIN, NULL, "port %s has another MAC than %s", hname, c->ifname);

	host_fd = open(ns_self, O_RDONLY | O_CLOEXEC);
	if (host_fd < 0)
		cni_fail(CNI_ERR_IO, strerror(errno), "cannot open the host network namespace");
	ctr_fd = open_netns(c, c->netns);
	if (ctr_fd < 0 || check_container(c, ctr_fd, host_fd, addr, mac, gw))
		cni_exit(c);
	if (rtnl_link_get(c->rtnl, c->sw, 0, &sw))
		cni_fail(CNI_ERR_PLUGIN, rtnl_error(c->rtnl), "switch %s", c->sw);
	if (portmap_check(c, sw.ifindex, addr))
		cni_exit(c);
	return 0;
}

/* ---- GC and STATUS (CNI 1.1) ---- */

struct gc_walk {
	int *ifindex;
	unsigned int n, cap;
};

static int gc_port_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PSW_A_MAX + 1], *pt[PSW_PORT_A_MAX + 1];
	struct gc_walk *w = data;
	int *more;

	psw_attrs(nlh, tb, PSW_A_MAX);
	psw_attrs_nested(tb[PSW_A_PORT], pt, PSW_PORT_A_MAX);
	if (!pt[PSW_PORT_A_IFINDEX])
		return MNL_CB_OK;
	if (w->n == w->cap) {
		more = realloc(w->ifindex, (w->cap ? w->cap * 2 : 256) * sizeof(*more));
		if (!more)
			return MNL_CB_ERROR;
		w->ifindex = more;
		w->cap = w->cap ? w->cap * 2 : 256;
	}
	w->ifindex[w->n++] = mnl_attr_get_u32(pt[PSW_PORT_A_IFINDEX]);
	return MNL_CB_OK;
}

static void gc_reset(void *data)
{
	((struct gc_walk *)data)->n = 0;
}

static bool attachment_valid(json_t *valid, const char *cid, const char *ifname)
{
	size_t i;
	json_t *a;

	json_array_foreach(valid, i, a) {
		const char *vc = json_string_value(json_object_get(a, "containerID"));
		const char *vi = json_string_value(json_object_get(a, "ifname"));

		if (vc && vi && !strcmp(vc, cid) && !strcmp(vi, ifname))
			return true;
	}
	return false;
}

/*
 * Detach every attachment of this network on the switch (by its host
 * end's alias) that the runtime does not list, and release its address;
 * then IPAM's own GC. Errors do not stop it: the first is reported.
 */
static int cmd_gc(struct cni *c)
{
	json_t *valid = json_object_get(c->conf, "cni.dev/valid-attachments");
	char net[256], cid[256], ifname[IF_NAMESIZE + 1];
	struct gc_walk w = { 0 };
	struct rtnl_link l;
	struct nlmsghdr *nlh;
	unsigned int i;

	if (!json_is_array(valid))
		cni_fail(CNI_ERR_CONFIG, NULL, "GC needs cni.dev/valid-attachments");
	c->nl = psw_nl_open();
	if (c->nl) {
		nlh = psw_nl_req(c->nl, PSW_CMD_PORT_GET, NLM_F_DUMP);
		mnl_attr_put_strz(nlh, PSW_A_IFNAME, c->sw);
		/* No such switch: nothing of it is attached. */
		if (psw_nl_run(c->nl, gc_port_cb, gc_reset, &w))
			w.n = 0;
	}
	for (i = 0; i < w.n; i++) {
		if (rtnl_link_get(c->rtnl, NULL, w.ifindex[i], &l) ||
		    sscanf(l.alias, "podswitch-cni %255s %255s %16s", net, cid, ifname) != 3 ||
		    strcmp(net, c->name) || attachment_valid(valid, cid, ifname))
			continue;
		c->cid = cid;
		c->ifname = ifname;
		detach(c, l.name, NULL, 0);
		if (!portmap_del(c))
			ipam_exec(c, "DEL");
	}
	free(w.ifindex);
	c->cid = c->ifname = NULL;
	/* Rules of attachments whose veth went with their netns. */
	portmap_gc(c, valid);
	ipam_exec(c, "GC");
	if (c->err_code)
		cni_exit(c);
	return 0;
}

static int cmd_status(struct cni *c)
{
	c->nl = psw_nl_open();
	if (!c->nl)
		cni_fail(CNI_ERR_UNAVAILABLE, NULL, "the podswitch module is not loaded");
	/* ADD needs IPAM too: its status is ours. */
	if (ipam_exec(c, "STATUS"))
		cni_exit(c);
	return 0;
}

/* The supported versions, in the version the runtime asked in (if known). */
static int cmd_version(void)
{
	json_t *in = json_loadf(stdin, 0, NULL);
	const char *v = json_string_value(json_object_get(in, "cniVersion"));

	printf("{\"cniVersion\":\"%s\",\"supportedVersions\":"
	       "[\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n",
	       v && version_index(v) >= 0 ? v : "1.1.0");
	json_decref(in);
	return 0;
}

int main(int argc, char **argv)
{
	struct cni c = { 0 };
	const char *cmd;
	bool add, del, check;

	if (argc > 1 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version"))) {
		printf("podswitch-cni %s, CNI 0.3.1 0.4.0 1.0.0 1.1.0\n", PSW_VERSION);
		return 0;
	}
	/* An IPAM plugin that does not read its stdin is an error, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	cmd = env("CNI_COMMAND", true);
	if (!strcmp(cmd, "VERSION"))
		return cmd_version();
	add = !strcmp(cmd, "ADD");
	del = !strcmp(cmd, "DEL");
	check = !strcmp(cmd, "CHECK");
	if (!add && !del && !check && strcmp(cmd, "GC") && strcmp(cmd, "STATUS"))
		cni_fail(CNI_ERR_ENV, NULL, "CNI_COMMAND \"%s\" is not ADD, DEL, CHECK, GC, STATUS "
			 "or VERSION", cmd);
	/* The configuration first: errors are reported in its cniVersion. */
	parse_conf(&c, add || check);
	c.args = env("CNI_ARGS", false);
	c.path = env("CNI_PATH", false);
	if (add || del || check) {
		c.cid = env("CNI_CONTAINERID", true);
		if (!cni_name_ok(c.cid))
			cni_fail(CNI_ERR_ENV, NULL, "CNI_CONTAINERID \"%s\" is not a container ID "
				 "(letters, digits, '_', '.', '-')", c.cid);
		c.ifname = env("CNI_IFNAME", true);
		if (strlen(c.ifname) >= IF_NAMESIZE || strpbrk(c.ifname, "/: \t\n") ||
		    !strcmp(c.ifname, ".") || !strcmp(c.ifname, ".."))
			cni_fail(CNI_ERR_ENV, NULL, "CNI_IFNAME \"%s\" is not an interface name",
				 c.ifname);
		c.netns = env("CNI_NETNS", !del);
	}
	if (check && !cni_version_at_least(c.version, "0.4.0"))
		cni_fail(CNI_ERR_VERSION, NULL, "CHECK needs cniVersion 0.4.0 or later");
	if (!add && !del && !check && !cni_version_at_least(c.version, "1.1.0"))
		cni_fail(CNI_ERR_VERSION, NULL, "%s needs cniVersion 1.1.0", cmd);
	if (!strcmp(cmd, "STATUS"))
		return cmd_status(&c);
	c.rtnl = rtnl_open();
	if (!c.rtnl)
		cni_fail(CNI_ERR_IO, strerror(errno), "netlink socket");
	if (add)
		return cmd_add(&c);
	if (del)
		return cmd_del(&c);
	if (check)
		return cmd_check(&c);
	return cmd_gc(&c);
}
