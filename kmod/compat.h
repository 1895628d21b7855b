/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel generations podswitch builds
 * against (Debian 12's 6.1 and Debian 13's 6.12 are tested) lives here,
 * behind the release that introduced it, so the rest of the module is
 * written against one API.
 */
#ifndef _PSW_COMPAT_H
#define _PSW_COMPAT_H

#include <linux/netdevice.h>
#include <linux/version.h>
#include <net/dst.h>
#include <net/genetlink.h>

/* 6.12 moved the unaligned accessors out of asm/. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.5 moved the GSO helpers (skb_gso_validate_network_len) to net/gso.h. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#include <net/gso.h>
#endif

/* 6.2 hands pre_doit and post_doit the command as a split op. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define psw_genl_op genl_split_ops
#else
#define psw_genl_op genl_ops
#endif

/*
 * A dump's parsed request attributes: 6.6 embeds a struct genl_info in
 * the dump state and drops the separate attrs pointer.
 */
static inline struct nlattr **psw_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * A dst on the stack, never referenced past its scope: 6.8 dropped the
 * initial reference count argument (it is always one now).
 */
static inline void psw_dst_init(struct dst_entry *dst, struct dst_ops *ops)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	dst_init(dst, ops, NULL, DST_OBSOLETE_NONE, DST_NOCOUNT);
#else
	dst_init(dst, ops, NULL, 1, DST_OBSOLETE_NONE, DST_NOCOUNT);
#endif
}

/*
 * Lockless transmit and "cannot change netns": device features until
 * 6.12, bits of struct net_device since. 6.13 renamed netns_local to
 * netns_immutable and stable 6.12 releases took the rename, so the
 * release number cannot tell: kmod/Kbuild looks in the header.
 */
static inline void psw_dev_set_lltx_netns_local(struct net_device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	dev->lltx = true;
#ifdef PSW_HAVE_NETNS_IMMUTABLE
	dev->netns_immutable = true;
#else
	dev->netns_local = true;
#endif
#else
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL;
#endif
}

#endif /* _PSW_COMPAT_H */
