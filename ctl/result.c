// SPDX-License-Identifier: GPL-2.0
/*
 * CNI results: the one ADD prints (CNI spec, "Success"), and what CHECK
 * and DEL read back from prevResult. Versions 0.3.1 and 0.4.0 tag each
 * IP with "version": "4"; 1.0.0 and 1.1.0 do not.
 */
#include "cni.h"
#include "rtnl.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static json_t *mac_string(const uint8_t *m)
{
	char buf[18];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return json_string(buf);
}

static json_t *ip_string(uint32_t addr, int plen)
{
	char a[INET_ADDRSTRLEN], buf[INET_ADDRSTRLEN + 12];

	inet_ntop(AF_INET, &addr, a, sizeof(a));
	if (plen >= 0)
		snprintf(buf, sizeof(buf), "%s/%d", a, plen);
	else
		snprintf(buf, sizeof(buf), "%s", a);
	return json_string(buf);
}

json_t *cni_result(struct cni *c, const struct rtnl_link *host, const struct rtnl_link *ctr,
		   uint32_t addr, uint32_t gw)
{
	json_t *res = json_object(), *ifs = json_array(), *ips = json_array(), *ip;
	json_t *routes = json_array(), *dns, *r;
	size_t i;

	json_array_append_new(ifs, json_pack("{s:s, s:o}", "name", host->name,
					     "mac", mac_string(host->mac)));
	json_array_append_new(ifs, json_pack("{s:s, s:o, s:s}", "name", c->ifname,
					     "mac", mac_string(ctr->mac), "sandbox", c->netns));
	/* The address as the container has it: a /32 behind its gateway. */
	ip = json_pack("{s:o, s:o, s:i}", "address", ip_string(addr, 32),
		       "gateway", ip_string(gw, -1), "interface", 1);
	if (!cni_version_at_least(c->version, "1.0.0"))
		json_object_set_new(ip, "version", json_string("4"));
	json_array_append_new(ips, ip);
	json_array_append_new(routes, json_pack("{s:s, s:o}", "dst", "0.0.0.0/0",
						"gw", ip_string(gw, -1)));
	/* IPAM's routes, as setup_container() made them: via the switch. */
	json_array_foreach(json_object_get(c->ipam_result, "routes"), i, r) {
		uint32_t dst;
		int plen;

		if (!parse_cidr(json_string_value(json_object_get(r, "dst")), &dst, &plen) && plen)
			json_array_append_new(routes, json_pack("{s:o, s:o}", "dst",
								ip_string(dst & htonl(~0U << (32 - plen)), plen),
								"gw", ip_string(gw, -1)));
	}
	json_object_set_new(res, "cniVersion", json_string(c->version));
	json_object_set_new(res, "interfaces", ifs);
	json_object_set_new(res, "ips", ips);
	json_object_set_new(res, "routes", routes);
	dns = json_object_get(c->ipam_result, "dns");
	json_object_set_new(res, "dns", json_is_object(dns) ? json_incref(dns) : json_object());
	return res;
}

unsigned int prev_addresses(struct cni *c, uint32_t *addrs, unsigned int max)
{
	json_t *ips = json_object_get(c->prev, "ips"), *ip;
	char buf[64], *slash;
	struct in_addr a;
	unsigned int n = 0;
	size_t i;

	json_array_foreach(ips, i, ip) {
		const char *s = json_string_value(json_object_get(ip, "address"));

		if (!s || strlen(s) >= sizeof(buf) || n == max)
			continue;
		strcpy(buf, s);
		slash = strchr(buf, '/');
		if (slash)
			*slash = 0;
		if (inet_pton(AF_INET, buf, &a) == 1)
			addrs[n++] = a.s_addr;
	}
	return n;
}

int prev_container_mac(struct cni *c, uint8_t mac[6])
{
	json_t *ifs = json_object_get(c->prev, "interfaces"), *itf;
	size_t i;

	json_array_foreach(ifs, i, itf) {
		const char *name = json_string_value(json_object_get(itf, "name"));
		const char *sandbox = json_string_value(json_object_get(itf, "sandbox"));
		const char *m = json_string_value(json_object_get(itf, "mac"));

		if (name && sandbox && m && !strcmp(name, c->ifname) && !strcmp(sandbox, c->netns) &&
		    sscanf(m, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3],
			   &mac[4], &mac[5]) == 6)
			return 0;
	}
	return -1;
}
