// SPDX-License-Identifier: GPL-2.0
#include "kmod/netlink.h"
#include "kmod/switch.h"

#include <uapi/linux/podswitch.h>

#include <kunit/test.h>
#include <net/netlink.h>

static struct psw_switch *psw_test_switch(struct kunit *test,
					  struct psw_params **p)
{
	struct net_device *dev;
	struct psw_switch *sw;

	dev = alloc_netdev(sizeof(*sw), "pswtest%d", NET_NAME_UNKNOWN,
			   ether_setup);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->ifindex = 42;
	sw = netdev_priv(dev);
	sw->dev = dev;
	*p = psw_params_default(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, *p);
	return sw;
}

static void psw_test_fill_switch_round_trip(struct kunit *test)
{
	struct nlattr *tb[PSW_A_MAX + 1];
	struct psw_params *p;
	struct psw_switch *sw = psw_test_switch(test, &p);
	struct sk_buff *skb;

	p->address = htonl(0x0a000001);
	p->anti_spoof = false;
	skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);

	KUNIT_ASSERT_EQ(test, psw_nl_fill_switch(skb, sw, p), 0);
	KUNIT_ASSERT_EQ(test, nla_parse_deprecated(tb, PSW_A_MAX,
						   (struct nlattr *)skb->data,
						   skb->len, NULL, NULL), 0);

	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[PSW_A_IFINDEX]), 42u);
	KUNIT_EXPECT_STREQ(test, (char *)nla_data(tb[PSW_A_IFNAME]), sw->dev->name);
	KUNIT_ASSERT_EQ(test, nla_len(tb[PSW_A_MAC]), ETH_ALEN);
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(nla_data(tb[PSW_A_MAC]), p->mac));
	KUNIT_EXPECT_EQ(test, nla_get_in_addr(tb[PSW_A_ADDRESS]), htonl(0x0a000001));
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[PSW_A_HOST_ROUTES]), 1);
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[PSW_A_ANTI_SPOOF]), 0);

	kfree_skb(skb);
	kfree(p);
	free_netdev(sw->dev);
}

static void psw_test_fill_switch_no_room(struct kunit *test)
{
	struct psw_params *p;
	struct psw_switch *sw = psw_test_switch(test, &p);
	struct sk_buff *skb;

	skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	/* Leave room for the first attributes but not for all of them. */
	skb_put(skb, skb_tailroom(skb) - 24);
	KUNIT_EXPECT_EQ(test, psw_nl_fill_switch(skb, sw, p), -EMSGSIZE);

	kfree_skb(skb);
	kfree(p);
	free_netdev(sw->dev);
}

static struct kunit_case psw_netlink_cases[] = {
	KUNIT_CASE(psw_test_fill_switch_round_trip),
	KUNIT_CASE(psw_test_fill_switch_no_room),
	{}
};

static struct kunit_suite psw_netlink_suite = {
	.name = "podswitch-netlink",
	.test_cases = psw_netlink_cases,
};

kunit_test_suite(psw_netlink_suite);
