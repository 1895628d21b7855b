// SPDX-License-Identifier: GPL-2.0
/*
 * For tests/vm/selftest only: faults of the kinds the VM runner must
 * catch, on demand, so that a "kernel log clean, no leaks" result is shown
 * to be able to fail.
 *   leak=1        allocate objects and drop every pointer to them
 *                 (kmemleak must report them)
 *   hold=IFNAME   take a reference on IFNAME until the module goes
 *                 (deleting IFNAME meanwhile makes the kernel print
 *                 "unregister_netdevice: waiting for IFNAME")
 */

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "leak eight objects");

static char *hold;
module_param(hold, charp, 0444);
MODULE_PARM_DESC(hold, "hold a reference on this device until unload");

static struct net_device *held;

static int __init psw_fault_init(void)
{
	int i;

	for (i = 0; leak && i < 8; i++) {
		void *p = kmalloc(256, GFP_KERNEL);

		/* Keep the compiler from dropping the allocation. */
		OPTIMIZER_HIDE_VAR(p);
		if (p)
			memset(p, 0x5a, 256);
	}
	if (hold) {
		held = dev_get_by_name(&init_net, hold);
		if (!held)
			return -ENODEV;
	}
	return 0;
}

static void __exit psw_fault_exit(void)
{
	if (held)
		dev_put(held);
}

module_init(psw_fault_init);
module_exit(psw_fault_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("podswitch test runner self-test: faults on demand");
