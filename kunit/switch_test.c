// SPDX-License-Identifier: GPL-2.0
#include "kmod/switch.h"

#include <uapi/linux/podswitch.h>

#include <kunit/test.h>
#include <linux/netlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

static void psw_test_defaults(struct kunit *test)
{
	struct psw_params *a = psw_params_default(GFP_KERNEL);
	struct psw_params *b = psw_params_default(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_TRUE(test, is_valid_ether_addr(a->mac));
	KUNIT_EXPECT_TRUE(test, a->mac[0] & 0x02); /* locally administered */
	KUNIT_EXPECT_FALSE(test, ether_addr_equal(a->mac, b->mac));
	KUNIT_EXPECT_EQ(test, ntohl(a->address), 0xa9fe0101u);
	KUNIT_EXPECT_TRUE(test, a->host_routes);
	KUNIT_EXPECT_TRUE(test, a->anti_spoof);
	kfree(a);
	kfree(b);
}

/* Attributes as a genetlink request would carry them, parsed back out. */
struct psw_test_req {
	struct sk_buff *skb;
	struct nlattr *attrs[PSW_A_MAX + 1];
};

static void psw_test_req_parse(struct kunit *test, struct psw_test_req *req)
{
	int ret;

	ret = nla_parse_deprecated(req->attrs, PSW_A_MAX,
				   (struct nlattr *)req->skb->data,
				   req->skb->len, NULL, NULL);
	KUNIT_ASSERT_EQ(test, ret, 0);
}

static struct psw_test_req *psw_test_req_new(struct kunit *test)
{
	struct psw_test_req *req = kunit_kzalloc(test, sizeof(*req), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, req);
	req->skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req->skb);
	return req;
}

static struct psw_switch *psw_test_find(struct kunit *test,
					struct psw_test_req *req,
					const char **msg)
{
	struct netlink_ext_ack extack = {};
	struct psw_switch *sw;

	psw_test_req_parse(test, req);
	rcu_read_lock();
	sw = psw_switch_find(&init_net, req->attrs, &extack);
	rcu_read_unlock();
	*msg = extack._msg;
	kfree_skb(req->skb);
	return sw;
}

static void psw_test_find_requires_a_name(struct kunit *test)
{
	struct psw_test_req *req = psw_test_req_new(test);
	struct psw_switch *sw;
	const char *msg;

	sw = psw_test_find(test, req, &msg);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(sw), -EINVAL);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, msg);
}

static void psw_test_find_unknown_ifindex(struct kunit *test)
{
	struct psw_test_req *req = psw_test_req_new(test);
	struct psw_switch *sw;
	const char *msg;

	KUNIT_ASSERT_EQ(test, nla_put_u32(req->skb, PSW_A_IFINDEX, INT_MAX), 0);
	sw = psw_test_find(test, req, &msg);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(sw), -ENODEV);
	KUNIT_EXPECT_STREQ(test, msg, "no such switch");
}

static void psw_test_find_rejects_other_kinds(struct kunit *test)
{
	struct psw_test_req *req = psw_test_req_new(test);
	struct psw_switch *sw;
	const char *msg;

	KUNIT_ASSERT_EQ(test, nla_put_string(req->skb, PSW_A_IFNAME, "lo"), 0);
	sw = psw_test_find(test, req, &msg);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(sw), -EOPNOTSUPP);
	KUNIT_EXPECT_STREQ(test, msg, "device is not a podswitch");
}

static void psw_test_find_index_name_mismatch(struct kunit *test)
{
	struct psw_test_req *req = psw_test_req_new(test);
	struct psw_switch *sw;
	const char *msg;

	KUNIT_ASSERT_EQ(test, nla_put_u32(req->skb, PSW_A_IFINDEX, LOOPBACK_IFINDEX), 0);
	KUNIT_ASSERT_EQ(test, nla_put_string(req->skb, PSW_A_IFNAME, "psw-none"), 0);
	sw = psw_test_find(test, req, &msg);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(sw), -EINVAL);
	KUNIT_EXPECT_STREQ(test, msg, "PSW_A_IFINDEX and PSW_A_IFNAME name different devices");
}

/* An unknown index is not made good by a name given beside it. */
static void psw_test_find_unknown_index_known_name(struct kunit *test)
{
	struct psw_test_req *req = psw_test_req_new(test);
	struct psw_switch *sw;
	const char *msg;

	KUNIT_ASSERT_EQ(test, nla_put_u32(req->skb, PSW_A_IFINDEX, 0x7ffffff0), 0);
	KUNIT_ASSERT_EQ(test, nla_put_string(req->skb, PSW_A_IFNAME, "lo"), 0);
	sw = psw_test_find(test, req, &msg);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(sw), -ENODEV);
	KUNIT_EXPECT_STREQ(test, msg, "no such switch");
}

/* `pswctl show SWITCH errors` names every counter. */
static void psw_test_counters_named(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < PSW_C_MAX; i++) {
		KUNIT_EXPECT_NOT_NULL_MSG(test, psw_counter_info[i].node, "counter %u", i);
		KUNIT_EXPECT_NOT_NULL_MSG(test, psw_counter_info[i].reason, "counter %u", i);
	}
}

static struct kunit_case psw_switch_cases[] = {
	KUNIT_CASE(psw_test_counters_named),
	KUNIT_CASE(psw_test_defaults),
	KUNIT_CASE(psw_test_find_requires_a_name),
	KUNIT_CASE(psw_test_find_unknown_ifindex),
	KUNIT_CASE(psw_test_find_rejects_other_kinds),
	KUNIT_CASE(psw_test_find_index_name_mismatch),
	KUNIT_CASE(psw_test_find_unknown_index_known_name),
	{}
};

static struct kunit_suite psw_switch_suite = {
	.name = "podswitch-switch",
	.test_cases = psw_switch_cases,
};

kunit_test_suite(psw_switch_suite);
