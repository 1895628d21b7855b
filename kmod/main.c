// SPDX-License-Identifier: GPL-2.0
/*
 * podswitch: a VPP-style virtual switch for Kubernetes pods.
 */

#include "netlink.h"
#include "port.h"
#include "session.h"
#include "switch.h"
#include "version.h"

#include <uapi/linux/podswitch.h>

#include <net/genetlink.h>
#include <linux/module.h>
#include <linux/net.h>
#include <net/rtnetlink.h>

static int __init psw_mod_init(void)
{
	int ret;

	ret = psw_session_init();
	if (ret < 0)
		goto err_session;

	ret = psw_port_init();
	if (ret < 0)
		goto err_port;

	ret = psw_switch_init();
	if (ret < 0)
		goto err_switch;

	ret = psw_genl_init();
	if (ret < 0)
		goto err_netlink;

	pr_info("podswitch " PSW_VERSION " loaded\n");
	return 0;

err_netlink:
	psw_switch_uninit();
err_switch:
	psw_port_uninit();
err_port:
	psw_session_uninit();
err_session:
	return ret;
}

static void __exit psw_mod_exit(void)
{
	psw_genl_uninit();
	psw_switch_uninit();
	psw_port_uninit();
	/*
	 * Ports, FIBs, ACLs, sessions are freed by call_rcu() callbacks here;
	 * a port's or a classifier's callback queues its ACLs' own, which the
	 * first barrier does not wait for.
	 */
	rcu_barrier();
	rcu_barrier();
	psw_session_uninit();
}

module_init(psw_mod_init);
module_exit(psw_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VPP-style virtual switch for Kubernetes pods");
MODULE_VERSION(PSW_VERSION);
MODULE_ALIAS_RTNL_LINK(KBUILD_MODNAME);
MODULE_ALIAS_GENL_FAMILY(PSW_GENL_NAME);
