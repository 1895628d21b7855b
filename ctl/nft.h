/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PSWCTL_NFT_H
#define PSWCTL_NFT_H

/*
 * The host's share of podswitch in netfilter: one nftables table, `ip
 * podswitch`, written through libnftnl only, in atomic batches. What it
 * holds is what a plain router would need of the host beside the switch:
 *
 *   chain prerouting  (nat, dstnat)   hostPorts, traffic that arrives
 *   chain output      (nat, dstnat)   hostPorts, the host's own traffic
 *   chain postrouting (nat, srcnat)   masquerade of pod traffic leaving
 *                                     through another interface; hairpin
 *
 * Every rule carries its owner in its comment (rule userdata), "SWITCH
 * OWNER": OWNER is "switch" for what pswctl host masquerade asks, or
 * CONTAINERID/IFNAME for a CNI attachment. Changes find rules by owner,
 * never by position, and never touch another table. The table is made
 * with the first rule and deleted with the last.
 *
 * A change reads the table's generation, lists the rules, decides, and
 * sends one batch bound to that generation: a concurrent change makes the
 * kernel refuse it (ERESTART) and the whole change runs again.
 *
 * Functions return 0 or a negative errno, with the reason in nft_error().
 */
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NFT_HOST_TABLE "podswitch"
#define NFT_OWNER_SWITCH "switch"
/* "SWITCH OWNER" stays a comment nft can read back (and restore): 127 bytes. */
#define NFT_OWNER_MAX (127 - IF_NAMESIZE)

/* What a rule does, decoded from its expressions. */
enum nft_kind {
	NFT_FOREIGN,		/* not a rule podswitch writes */
	NFT_MASQ,		/* pod traffic leaving the host elsewhere than the switch */
	NFT_HOSTPORT,		/* prerouting: DNAT of a hostPort */
	NFT_HOSTPORT_LOCAL,	/* output: the same for the host's own traffic */
	NFT_HAIRPIN,		/* postrouting: a hostPort's traffic sent back into the switch */
};

/* The matches and action of a rule; addresses and ports in network order. */
struct nft_match {
	uint8_t proto;
	uint16_t dport;
	uint32_t saddr, smask;	/* ip saddr (smask 0: no match) */
	uint32_t daddr, dmask;	/* ip daddr (dmask 0: no match) */
	bool daddr_neg;
	bool local;		/* fib daddr type local: an address of the host's */
	bool no_loopback;	/* ip daddr != 127.0.0.0/8 */
	bool ct_dnat;		/* ct status dnat */
	char oif[IF_NAMESIZE];	/* oifname ("": no match) */
	bool oif_neg;
	uint32_t to_addr;	/* dnat to */
	uint16_t to_port;
};

struct nft_rule {
	enum nft_kind kind;
	char chain[256];	/* NFT_CHAIN_MAXNAMELEN */
	uint64_t handle, packets, bytes;
	char sw[IF_NAMESIZE];		/* from the comment; "" if none */
	char owner[NFT_OWNER_MAX];
	struct nft_match m;
	bool del;			/* to be deleted, by an edit */
};

/* A hostPort: @proto @host_ip:@host_port (host_ip 0: any of the host's) to @addr:@port. */
struct nft_hostport {
	uint8_t proto;
	uint32_t host_ip;
	uint16_t host_port;
	uint32_t addr;
	uint16_t port;
	/* The pod subnet of the switch: its sources are masqueraded back (hairpin). */
	uint32_t net;
	uint8_t plen;
};

/*
 * One change: @rules are the table's rules as listed; an edit marks those
 * to delete (del) and adds new ones with nft_add_*().
 */
struct nft_tx {
	struct nft_rule *rules;
	size_t n;
	struct nftnl_rule **add;
	size_t nadd, addcap;
	bool table;			/* the table exists */
};

typedef int (*nft_edit_fn)(struct nft_tx *tx, void *arg);

/* Run @edit on the table as it is and apply what it decided, atomically. */
int nft_change(nft_edit_fn edit, void *arg);

/* Mark every rule of @sw (and of @owner, unless NULL) for deletion. */
size_t nft_del_owner(struct nft_tx *tx, const char *sw, const char *owner);

/* Masquerade what @net/@plen sends out of any interface but @sw, to anywhere but @excl/@eplen. */
int nft_add_masq(struct nft_tx *tx, const char *sw, const char *owner, uint32_t net,
		 uint8_t plen, uint32_t excl, uint8_t eplen);
/* The rules of a hostPort: DNAT in prerouting and output, hairpin in postrouting. */
int nft_add_hostport(struct nft_tx *tx, const char *sw, const char *owner,
		     const struct nft_hostport *hp);

/*
 * Compare the rules of @sw/@owner with those @build adds to an empty
 * change: 0 if they are the same (counters aside), -1 with what differs
 * in nft_error().
 */
int nft_check(const char *sw, const char *owner, nft_edit_fn build, void *arg);

/* The table's rules, decoded (none if it does not exist). */
int nft_list(struct nft_rule **rules, size_t *n);

/* Free what an edit added (nft_change and nft_check do it themselves). */
void nft_tx_release(struct nft_tx *tx);

const char *nft_error(void);

/* The host end of a CNI attachment: "psw" and 12 hex digits of FNV-1a(CID/IFNAME). */
void nft_attachment_veth(const char *cid, const char *ifname, char name[IF_NAMESIZE]);

#endif
