// SPDX-License-Identifier: GPL-2.0
/*
 * pswctl host show [SWITCH]                    what podswitch has in the host's nftables
 * pswctl host masquerade SWITCH on|off CIDR    pod traffic leaving through the host
 * pswctl host flush SWITCH                     every rule of SWITCH, whoever asked
 * pswctl host gc                               rules of switches and attachments gone
 *
 * The table, its chains and its rules: nft.h.
 */
#include "nft.h"
#include "nl.h"
#include "print.h"
#include "pswctl.h"
#include "util.h"

#include "uapi/linux/podswitch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nft_fail(const char *cmd)
{
	fprintf(stderr, "pswctl: %s: %s\n", cmd, nft_error());
	return -1;
}

static int ignore_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_OK;
}

/*
 * Whether @name is a podswitch of this netns, as the kernel says: 1, 0
 * (no such device, another kind, or no podswitch module: no switch at
 * all), or -1 when it could not say (gc then deletes nothing).
 */
static int is_switch(const char *name)
{
	struct psw_nl *nl;
	struct nlmsghdr *nlh;
	int err;

	if (strlen(name) >= IF_NAMESIZE || !if_nametoindex(name))
		return 0;
	quiet_errors++;
	nl = psw_nl_open();
	if (!nl) {
		quiet_errors--;
		return 0;
	}
	nlh = psw_nl_req(nl, PSW_CMD_SWITCH_GET, 0);
	mnl_attr_put_strz(nlh, PSW_A_IFNAME, name);
	err = psw_nl_run(nl, ignore_cb, NULL, NULL) ? errno : 0;
	quiet_errors--;
	psw_nl_close(nl);
	if (!err)
		return 1;
	return err == ENODEV || err == EOPNOTSUPP || err == EINVAL ? 0 : -1;
}

static const char *prefix(uint32_t addr, uint32_t mask)
{
	static char buf[2][INET_ADDRSTRLEN + 4];
	static int i;
	char a[INET_ADDRSTRLEN];

	i = !i;
	inet_ntop(AF_INET, &addr, a, sizeof(a));
	if (mask == ~0U)
		snprintf(buf[i], sizeof(buf[i]), "%s", a);
	else
		snprintf(buf[i], sizeof(buf[i]), "%s/%d", a, __builtin_popcount(mask));
	return buf[i];
}

/* One line of show: a masquerade, or a hostPort with its three kinds of rules. */
struct entry {
	const struct nft_rule *r;
	uint64_t from_host, hairpin;
	bool shown;
};

static bool same_port(const struct nft_rule *a, const struct nft_rule *b)
{
	return !strcmp(a->sw, b->sw) && !strcmp(a->owner, b->owner) &&
	       a->m.proto == b->m.proto && a->m.dport == b->m.dport &&
	       a->m.local == b->m.local && a->m.daddr == b->m.daddr &&
	       a->m.to_addr == b->m.to_addr && a->m.to_port == b->m.to_port;
}

static void print_entry(const struct entry *e)
{
	const struct nft_rule *r = e->r;
	char hostport[40];

	open_json_object(NULL);
	print_string(PRINT_ANY, "switch", "%s", r->sw);
	if (r->kind == NFT_MASQ) {
		print_string(PRINT_ANY, "type", " %s", "masquerade");
		print_string(PRINT_ANY, "source", " %s", prefix(r->m.saddr, r->m.smask));
		print_string(PRINT_ANY, "except", " except %s", prefix(r->m.daddr, r->m.dmask));
	} else {
		print_string(PRINT_ANY, "type", " %s", "hostport");
		print_string(PRINT_ANY, "proto", " %s", proto_name(r->m.proto));
		snprintf(hostport, sizeof(hostport), "%s:%u",
			 r->m.dmask ? prefix(r->m.daddr, ~0U) : "*", ntohs(r->m.dport));
		print_string(PRINT_TEXT, NULL, " %s", hostport);
		print_string(PRINT_JSON, "host_ip", NULL, r->m.dmask ? prefix(r->m.daddr, ~0U) : "");
		print_uint(PRINT_JSON, "host_port", NULL, ntohs(r->m.dport));
		print_string(PRINT_ANY, "addr", " -> %s", prefix(r->m.to_addr, ~0U));
		print_uint(PRINT_ANY, "port", ":%" PRIu64, ntohs(r->m.to_port));
	}
	print_string(PRINT_ANY, "owner", " owner %s", r->owner);
	print_uint(PRINT_ANY, "connections", " connections %" PRIu64, r->packets);
	if (r->kind != NFT_MASQ) {
		print_uint(PRINT_ANY, "from_host", " from-host %" PRIu64, e->from_host);
		print_uint(PRINT_ANY, "hairpin", " hairpin %" PRIu64, e->hairpin);
	}
	print_text("\n");
	close_json_object();
}

/* A rule that is not one podswitch writes, or a part of a hostPort without the rest. */
static void print_foreign(const struct nft_rule *r)
{
	bool part = r->kind != NFT_FOREIGN;

	open_json_object(NULL);
	print_string(PRINT_ANY, "switch", "%s", *r->sw ? r->sw : "?");
	print_string(PRINT_ANY, "type", " %s", part ? "partial" : "unknown");
	print_string(PRINT_ANY, "chain", " rule in chain %s", r->chain);
	print_uint(PRINT_ANY, "handle", " handle %" PRIu64, r->handle);
	if (*r->owner)
		print_string(PRINT_ANY, "owner", " owner %s", r->owner);
	print_text(part ? " (a hostPort's, whose prerouting rule is missing)\n" :
		   " (not one podswitch writes)\n");
	close_json_object();
}

/*
 * A hostPort is one entry: its prerouting rule's connections, and those
 * from the host (output) and back into the switch (hairpin) beside.
 */
static int host_show(const char *sw, int argc, char **argv, int arg)
{
	struct nft_rule *rules;
	struct entry *e;
	size_t n, i, j;

	if (no_more_args(argc, argv, "host show"))
		return -1;
	if (nft_list(&rules, &n))
		return nft_fail("host show");
	e = calloc(n + 1, sizeof(*e));
	if (!e) {
		free(rules);
		return usage_error("out of memory");
	}
	for (i = 0; i < n; i++) {
		e[i].r = &rules[i];
		e[i].shown = (!sw || !strcmp(rules[i].sw, sw)) &&
			     rules[i].kind != NFT_HOSTPORT_LOCAL && rules[i].kind != NFT_HAIRPIN;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; rules[i].kind == NFT_HOSTPORT_LOCAL && j < n; j++)
			if (rules[j].kind == NFT_HOSTPORT && same_port(&rules[i], &rules[j]))
				break;
		if (rules[i].kind == NFT_HOSTPORT_LOCAL && j < n)
			e[j].from_host += rules[i].packets;
		/* A part without its prerouting rule is shown on its own. */
		if (rules[i].kind == NFT_HOSTPORT_LOCAL && j == n)
			e[i].shown = !sw || !strcmp(rules[i].sw, sw);
		/* A hairpin rule matches the translated packet: the container's side. */
		for (j = 0; rules[i].kind == NFT_HAIRPIN && j < n; j++)
			if (rules[j].kind == NFT_HOSTPORT && !strcmp(rules[i].sw, rules[j].sw) &&
			    !strcmp(rules[i].owner, rules[j].owner) &&
			    rules[i].m.proto == rules[j].m.proto &&
			    rules[i].m.daddr == rules[j].m.to_addr &&
			    rules[i].m.dport == rules[j].m.to_port)
				break;
		if (rules[i].kind == NFT_HAIRPIN && j < n)
			e[j].hairpin += rules[i].packets;
		if (rules[i].kind == NFT_HAIRPIN && j == n)
			e[i].shown = !sw || !strcmp(rules[i].sw, sw);
	}
	open_json_array(NULL);
	for (i = 0; i < n; i++) {
		if (!e[i].shown)
			continue;
		if (rules[i].kind == NFT_FOREIGN || rules[i].kind == NFT_HOSTPORT_LOCAL ||
		    rules[i].kind == NFT_HAIRPIN)
			print_foreign(&rules[i]);
		else
			print_entry(&e[i]);
	}
	close_json_array();
	print_end();
	free(e);
	free(rules);
	return 0;
}

struct masq_arg {
	const char *sw;
	uint32_t net;
	uint8_t plen;
	bool on;
};

static bool is_masq(const struct nft_rule *r, const struct masq_arg *a)
{
	uint32_t mask = a->plen ? htonl(~0U << (32 - a->plen)) : 0;

	return r->kind == NFT_MASQ && !strcmp(r->sw, a->sw) &&
	       !strcmp(r->owner, NFT_OWNER_SWITCH) && r->m.saddr == a->net && r->m.smask == mask;
}

static int masq_edit(struct nft_tx *tx, void *arg)
{
	struct masq_arg *a = arg;
	bool found = false;
	size_t i;

	for (i = 0; i < tx->n; i++)
		if (is_masq(&tx->rules[i], a)) {
			found = true;
			tx->rules[i].del = !a->on;
		}
	if (a->on && !found)
		return nft_add_masq(tx, a->sw, NFT_OWNER_SWITCH, a->net, a->plen, a->net, a->plen);
	if (!a->on && !found) {
		fprintf(stderr, "pswctl: host masquerade: %s does not masquerade %s\n", a->sw,
			prefix(a->net, a->plen ? htonl(~0U << (32 - a->plen)) : 0));
		return -ECANCELED;	/* said why */
	}
	return 0;
}

static bool ip_forward(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_forward", "r");
	int c = f ? fgetc(f) : '1';

	if (f)
		fclose(f);
	return c != '0';
}

/* host masquerade SWITCH on|off CIDR */
static int host_masquerade(const char *sw, int argc, char **argv, int arg)
{
	struct masq_arg a = { .sw = sw };
	const char *word;
	int err;

	word = next_arg(&argc, &argv, "on or off");
	if (!word)
		return -1;
	if (!parse_on_off(word, &a.on))
		return usage_error("host masquerade: \"%s\" is not on or off", word);
	word = next_arg(&argc, &argv, "CIDR");
	if (!word)
		return -1;
	if (!parse_prefix(word, &a.net, &a.plen))
		return usage_error("host masquerade: \"%s\" is not an IPv4 prefix", word);
	if (no_more_args(argc, argv, "host masquerade"))
		return -1;
	if (a.plen == 0)
		return usage_error("host masquerade: %s is every address: name the pod subnet", word);
	a.net &= htonl(~0U << (32 - a.plen));
	/* Turning it off needs no switch: it may be gone already. */
	if (a.on && is_switch(sw) != 1) {
		fprintf(stderr, "pswctl: host masquerade: no such switch \"%s\"\n", sw);
		return -1;
	}
	err = nft_change(masq_edit, &a);
	if (err == -ECANCELED)
		return -1;
	if (err)
		return nft_fail("host masquerade");
	if (a.on && !ip_forward())
		fprintf(stderr, "pswctl: warning: net.ipv4.ip_forward is 0: the host does not "
			"forward what the pods send\n");
	return 0;
}

static int flush_edit(struct nft_tx *tx, void *arg)
{
	nft_del_owner(tx, arg, NULL);
	return 0;
}

static int host_flush(const char *sw, int argc, char **argv, int arg)
{
	if (no_more_args(argc, argv, "host flush"))
		return -1;
	if (strlen(sw) >= IF_NAMESIZE)
		return usage_error("switch name \"%s\" is too long", sw);
	return nft_change(flush_edit, (void *)sw) ? nft_fail("host flush") : 0;
}

/*
 * Rules whose switch is gone, or whose CNI attachment is (its host end,
 * named from CONTAINERID/IFNAME, no longer exists).
 */
static int gc_edit(struct nft_tx *tx, void *arg)
{
	char cid[NFT_OWNER_MAX], veth[IF_NAMESIZE], *ifname;
	struct nft_rule *r;
	size_t i, j;
	int sw;

	for (i = 0; i < tx->n; i++) {
		r = &tx->rules[i];
		if (!*r->sw || r->del)
			continue;
		/* Each switch once: its rules are all marked the first time. */
		for (j = 0; j < i && strcmp(tx->rules[j].sw, r->sw); j++)
			;
		sw = j < i ? 1 : is_switch(r->sw);
		if (sw < 0) {
			fprintf(stderr, "pswctl: host gc: cannot tell whether %s is a switch: %s\n",
				r->sw, psw_nl_error());
			return -ECANCELED;
		}
		if (!sw) {
			nft_del_owner(tx, r->sw, NULL);
			continue;
		}
		snprintf(cid, sizeof(cid), "%s", r->owner);
		ifname = strchr(cid, '/');
		if (!ifname)
			continue;
		*ifname++ = '\0';
		nft_attachment_veth(cid, ifname, veth);
		if (if_nametoindex(veth))
			continue;
		for (j = i; j < tx->n; j++)
			if (!strcmp(tx->rules[j].sw, r->sw) && !strcmp(tx->rules[j].owner, r->owner))
				tx->rules[j].del = true;
	}
	return 0;
}

static int host_gc(const char *sw, int argc, char **argv, int arg)
{
	if (no_more_args(argc, argv, "host gc"))
		return -1;
	int err = nft_change(gc_edit, NULL);

	return err == -ECANCELED ? -1 : err ? nft_fail("host gc") : 0;
}

static const struct verb host_verbs[] = {
	{ "show", host_show, "", .sw_optional = true },
	{ "masquerade", host_masquerade, " on|off CIDR" },
	{ "flush", host_flush, "" },
	{ "gc", host_gc, "", .no_switch = true },
};

const struct object host_object = OBJECT("host", host_verbs);
