/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PODSWITCH_CNI_H
#define PODSWITCH_CNI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* CNI error codes (CNI spec, "Error"). */
enum {
	CNI_ERR_VERSION = 1,		/* incompatible CNI version */
	CNI_ERR_FIELD = 2,		/* unsupported field in the configuration */
	CNI_ERR_UNKNOWN_CONTAINER = 3,	/* container unknown or does not exist */
	CNI_ERR_ENV = 4,		/* invalid necessary environment variables */
	CNI_ERR_IO = 5,			/* I/O failure */
	CNI_ERR_DECODE = 6,		/* failed to decode content */
	CNI_ERR_CONFIG = 7,		/* invalid network config */
	CNI_ERR_TRY_AGAIN = 11,		/* try again later */
	CNI_ERR_UNAVAILABLE = 50,	/* STATUS: the plugin is not available */
	CNI_ERR_PLUGIN = 100,		/* podswitch's own: the message says */
};

struct nft_hostport;
struct psw_nl;
struct rtnl;
struct rtnl_link;

/* One invocation: its environment, configuration and connections. */
struct cni {
	const char *cid, *netns, *ifname, *args, *path;
	json_t *conf;			/* stdin */
	const char *version, *name, *sw, *ipam_type;
	unsigned int mtu;		/* 0: the kernel's default */
	/* A switch the plugin creates gets these (switchAddress, switchMAC). */
	uint32_t sw_addr;
	uint8_t sw_mac[6];
	bool has_sw_mac;
	bool masquerade;		/* conf's "masquerade" */
	struct nft_hostport *ports;	/* runtimeConfig.portMappings (IPv4) */
	unsigned int nports;
	json_t *ipam;			/* conf's "ipam" */
	json_t *prev;			/* conf's "prevResult" */
	json_t *ipam_result;		/* what IPAM ADD printed */
	json_t *ipam_versions_json;	/* its VERSION's supportedVersions */
	int ipam_versions;		/* -1: its VERSION failed */
	struct rtnl *rtnl;		/* the host's network namespace */
	struct psw_nl *nl;
	/* The error to report (cni_error()), if any. */
	int err_code;
	char err_msg[512];
	char err_details[512];
};

/* Print a CNI error object and exit 1. */
void cni_fail(int code, const char *details, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
/* Keep an error in @c for cni_exit() (the first one wins); returns -1. */
int cni_error(struct cni *c, int code, const char *details, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Print @c's error and exit 1. */
void cni_exit(struct cni *c) __attribute__((noreturn));
bool cni_version_at_least(const char *v, const char *min);

/* ipam.c: run the IPAM plugin for @cmd; 0, or -1 with the error in @c. */
int ipam_exec(struct cni *c, const char *cmd);
/* The first IPv4 address IPAM ADD gave (network order) and its prefix length. */
int ipam_address(struct cni *c, uint32_t *addr, int *plen);
/* "A.B.C.D/N", N 0..32; 0 or -1. */
int parse_cidr(const char *s, uint32_t *addr, int *plen);

/* result.c: the ADD result, in the configuration's cniVersion. */
json_t *cni_result(struct cni *c, const struct rtnl_link *host, const struct rtnl_link *ctr,
		   uint32_t addr, uint32_t gw);
/* The IPv4 addresses of prevResult, at most @max; how many. */
unsigned int prev_addresses(struct cni *c, uint32_t *addrs, unsigned int max);
/* prevResult's MAC of CNI_IFNAME in CNI_NETNS; 0, or -1 if it has none. */
int prev_container_mac(struct cni *c, uint8_t mac[6]);
/* The MAC asked for (CNI_ARGS MAC=, runtimeConfig.mac), or NULL. */
const char *cni_mac(struct cni *c, char *buf, size_t size);

/*
 * portmap.c: the attachment's rules in the host's nftables (masquerade,
 * portMappings); 0, or -1 with the error in @c.
 */
void portmap_parse(struct cni *c);
int portmap_add(struct cni *c, int sw_ifindex, uint32_t addr);
int portmap_del(struct cni *c);
int portmap_check(struct cni *c, int sw_ifindex, uint32_t addr);
int portmap_gc(struct cni *c, json_t *valid);

#endif
