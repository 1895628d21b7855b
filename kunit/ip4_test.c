// SPDX-License-Identifier: GPL-2.0
/*
 * ip4-input's header validation, the trace's IPv4 decoding, and the echo
 * reply's checksums against RFC 1071 computed here. (ip4-rewrite's TTL
 * step is the kernel's ip_decrease_ttl(); pod-to-pod checks what it gives
 * at the receiver: TTL 63 on a reply the pod's stack accepted.)
 */
#include "kmod/pipeline.h"

#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>

/* The reference flow's SYN (Documentation/podswitch.rst): 172.30.1.2:32966 -> 10.1.1.6:8080. */
static struct sk_buff *reference_syn(struct kunit *test, unsigned int pad)
{
	struct sk_buff *skb = alloc_skb(128, GFP_KERNEL);
	struct tcphdr *th;
	struct iphdr *iph;
	u8 *opts;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	th = skb_put_zero(skb, sizeof(*th));
	opts = skb_put_zero(skb, 20 + pad);
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(60);
	iph->id = htons(0x9e51);
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = htonl(0xac1e0102);
	iph->daddr = htonl(0x0a010106);
	ip_send_check(iph);
	th->source = htons(32966);
	th->dest = htons(8080);
	th->seq = htonl(0xe2697e8e);
	th->doff = 10;
	th->syn = 1;
	th->window = htons(29200);
	th->check = htons(0x3b85);
	opts[0] = 2;
	return skb;
}

static void psw_test_ip4_format_reference(struct kunit *test)
{
	struct sk_buff *skb = reference_syn(test, 0);
	char buf[512];

	psw_ip4_format(buf, sizeof(buf), skb);
	/* The header checksum is the one VPP printed for the same header. */
	KUNIT_EXPECT_STREQ(test, buf,
		"  TCP: 172.30.1.2 -> 10.1.1.6\n"
		"    tos 0x00, ttl 64, length 60, checksum 0xe443\n"
		"    fragment id 0x9e51, flags DONT_FRAGMENT\n"
		"  TCP: 32966 -> 8080\n"
		"    seq. 0xe2697e8e ack 0x00000000\n"
		"    flags 0x02 SYN, tcp header: 40 bytes\n"
		"    window 29200, checksum 0x3b85\n");
	kfree_skb(skb);
}

static void psw_test_ip4_format_bounded(struct kunit *test)
{
	struct sk_buff *skb = reference_syn(test, 0);
	char buf[40];
	int n;

	n = psw_ip4_format(buf, sizeof(buf), skb);
	KUNIT_EXPECT_LT(test, n, (int)sizeof(buf));
	KUNIT_EXPECT_EQ(test, strlen(buf), (size_t)n);
	kfree_skb(skb);
}

static void psw_test_ip4_validate_good(struct kunit *test)
{
	struct sk_buff *skb = reference_syn(test, 6);	/* Ethernet padding */

	KUNIT_EXPECT_EQ(test, psw_ip4_validate(skb), PSW_C_MAX);
	KUNIT_EXPECT_EQ(test, skb->len, 60u);	/* padding trimmed */
	kfree_skb(skb);
}

struct validate_case {
	const char *what;
	void (*mangle)(struct sk_buff *skb);
	enum psw_counter want;
};

static void bad_version(struct sk_buff *skb) { ip_hdr(skb)->version = 6; ip_send_check(ip_hdr(skb)); }
static void bad_ihl(struct sk_buff *skb) { ip_hdr(skb)->ihl = 4; }
static void bad_csum(struct sk_buff *skb) { ip_hdr(skb)->check ^= htons(1); }
static void too_long(struct sk_buff *skb)
{
	ip_hdr(skb)->tot_len = htons(61);
	ip_send_check(ip_hdr(skb));
}
static void too_short(struct sk_buff *skb)
{
	ip_hdr(skb)->tot_len = htons(19);
	ip_send_check(ip_hdr(skb));
}
static void truncated(struct sk_buff *skb) { skb_trim(skb, 19); }
static void options_cut(struct sk_buff *skb)
{
	ip_hdr(skb)->ihl = 15;
	ip_send_check(ip_hdr(skb));
	skb_trim(skb, 40);
}
static void mcast_src(struct sk_buff *skb)
{
	ip_hdr(skb)->saddr = htonl(0xe0000001);
	ip_send_check(ip_hdr(skb));
}
static void zero_src(struct sk_buff *skb)
{
	ip_hdr(skb)->saddr = 0;
	ip_send_check(ip_hdr(skb));
}

static const struct validate_case validate_cases[] = {
	{ "version 6", bad_version, PSW_C_IP_HDR },
	{ "IHL 4", bad_ihl, PSW_C_IP_HDR },
	{ "bad checksum", bad_csum, PSW_C_IP_CSUM },
	{ "total length past the frame", too_long, PSW_C_IP_LEN },
	{ "total length under the header", too_short, PSW_C_IP_LEN },
	{ "frame shorter than a header", truncated, PSW_C_IP_LEN },
	{ "options past the frame", options_cut, PSW_C_IP_LEN },
	{ "multicast source", mcast_src, PSW_C_IP_BADSRC },
	{ "zero source", zero_src, PSW_C_IP_BADSRC },
};

/* RFC 1812 5.3.7, as source and as destination. */
static const struct {
	const char *what;
	u32 saddr, daddr;
	enum psw_counter want;
} martian_cases[] = {
	{ "to 127.0.0.1", 0x0a010106, 0x7f000001, PSW_C_IP_BADDST },
	{ "to 127.255.255.254", 0x0a010106, 0x7ffffffe, PSW_C_IP_BADDST },
	{ "to 0.0.0.0", 0x0a010106, 0x00000000, PSW_C_IP_BADDST },
	{ "to 0.1.2.3", 0x0a010106, 0x00010203, PSW_C_IP_BADDST },
	{ "to 224.0.0.251", 0x0a010106, 0xe00000fb, PSW_C_IP_BADDST },
	{ "to 239.255.255.255", 0x0a010106, 0xefffffff, PSW_C_IP_BADDST },
	{ "to 240.0.0.1", 0x0a010106, 0xf0000001, PSW_C_IP_BADDST },
	{ "to 255.255.255.255", 0x0a010106, 0xffffffff, PSW_C_IP_BADDST },
	{ "from 127.0.0.1", 0x7f000001, 0x0a010107, PSW_C_IP_BADSRC },
	{ "from 240.0.0.1", 0xf0000001, 0x0a010107, PSW_C_IP_BADSRC },
	{ "from 255.255.255.255", 0xffffffff, 0x0a010107, PSW_C_IP_BADSRC },
	{ "to 1.0.0.0", 0x0a010106, 0x01000000, PSW_C_MAX },
	{ "to 126.255.255.255", 0x0a010106, 0x7effffff, PSW_C_MAX },
	{ "to 128.0.0.0", 0x0a010106, 0x80000000, PSW_C_MAX },
	{ "to 223.255.255.255", 0x0a010106, 0xdfffffff, PSW_C_MAX },
	{ "to 169.254.169.254 (a cloud's metadata service)", 0x0a010106, 0xa9fea9fe, PSW_C_MAX },
	{ "from 100.64.0.1", 0x64400001, 0x0a010107, PSW_C_MAX },
};

static void psw_test_ip4_validate_martian(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(martian_cases); i++) {
		struct sk_buff *skb = reference_syn(test, 0);

		ip_hdr(skb)->saddr = htonl(martian_cases[i].saddr);
		ip_hdr(skb)->daddr = htonl(martian_cases[i].daddr);
		ip_send_check(ip_hdr(skb));
		KUNIT_EXPECT_EQ_MSG(test, psw_ip4_validate(skb), martian_cases[i].want,
				    "%s", martian_cases[i].what);
		kfree_skb(skb);
	}
}

static void psw_test_ip4_validate_bad(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(validate_cases); i++) {
		struct sk_buff *skb = reference_syn(test, 0);

		validate_cases[i].mangle(skb);
		KUNIT_EXPECT_EQ_MSG(test, psw_ip4_validate(skb), validate_cases[i].want,
				    "%s", validate_cases[i].what);
		kfree_skb(skb);
	}
}

/*
 * RFC 1071 written out, not the kernel's csum helpers: the one's
 * complement of the one's complement sum of the 16-bit words (an odd last
 * byte padded with zero). Over data carrying its own checksum it gives 0.
 */
static u16 ref_csum(const void *data, unsigned int len)
{
	const u8 *p = data;
	u32 sum = 0;
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* An echo request of every payload size from 0 to 57 becomes a reply. */
static void psw_test_echo_reply_checksums(struct kunit *test)
{
	unsigned int paylen, len, i;
	struct sk_buff *skb;
	struct icmphdr *ih;
	struct iphdr *iph;
	u8 *data;

	for (paylen = 0; paylen <= 57; paylen++) {
		len = sizeof(struct icmphdr) + paylen;
		skb = alloc_skb(128, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		skb_reset_network_header(skb);
		iph = skb_put_zero(skb, sizeof(*iph));
		ih = skb_put_zero(skb, sizeof(*ih));
		data = skb_put(skb, paylen);
		for (i = 0; i < paylen; i++)
			data[i] = i * 7 + paylen;
		iph->version = 4;
		iph->ihl = 5;
		iph->tot_len = htons(sizeof(*iph) + len);
		iph->ttl = 3;
		iph->protocol = IPPROTO_ICMP;
		iph->saddr = htonl(0x0a010106);
		iph->daddr = htonl(0xa9fe0101);
		iph->check = htons(ref_csum(iph, sizeof(*iph)));
		ih->type = ICMP_ECHO;
		ih->un.echo.id = htons(0x1234 + paylen);
		ih->un.echo.sequence = htons(7);
		ih->checksum = htons(ref_csum(ih, len));

		KUNIT_ASSERT_EQ(test, psw_icmp_echo_to_reply(skb), 0);
		iph = ip_hdr(skb);
		ih = (struct icmphdr *)(iph + 1);
		KUNIT_EXPECT_EQ(test, ih->type, ICMP_ECHOREPLY);
		KUNIT_EXPECT_EQ(test, ih->code, 0);
		KUNIT_EXPECT_EQ(test, ntohs(ih->un.echo.id), 0x1234 + paylen);
		KUNIT_EXPECT_EQ(test, iph->saddr, htonl(0xa9fe0101));
		KUNIT_EXPECT_EQ(test, iph->daddr, htonl(0x0a010106));
		KUNIT_EXPECT_EQ(test, iph->ttl, 64);
		KUNIT_EXPECT_EQ_MSG(test, ref_csum(iph, sizeof(*iph)), 0,
				    "IP checksum, %u bytes of payload", paylen);
		KUNIT_EXPECT_EQ_MSG(test, ref_csum(ih, len), 0,
				    "ICMP checksum, %u bytes of payload", paylen);
		for (i = 0; i < paylen; i++)
			if (data[i] != (u8)(i * 7 + paylen))
				break;
		KUNIT_EXPECT_EQ_MSG(test, i, paylen, "payload kept, %u bytes", paylen);
		kfree_skb(skb);
	}
}

/* How many of @n errors in a row at @now the bucket lets through. */
static int allowed(struct psw_ratelimit *rl, u32 rate, u32 burst, u32 now, int n)
{
	int ok = 0;

	while (n--)
		ok += psw_ratelimit_allow(rl, rate, burst, now);
	return ok;
}

static void psw_test_icmp_ratelimit(struct kunit *test)
{
	struct psw_ratelimit rl = { .credit = ATOMIC_INIT(5), .stamp = 1000 };
	u32 t = 1000;

	/* A burst, then nothing at the same instant. */
	KUNIT_EXPECT_EQ(test, allowed(&rl, 10, 5, t, 100), 5);
	/* 10 a second: a tenth of a second gives one more. */
	t += HZ / 10;
	KUNIT_EXPECT_EQ(test, allowed(&rl, 10, 5, t, 100), 1);
	/* Time that gives less than a token is not lost: it adds up. */
	t += HZ / 20;
	KUNIT_EXPECT_EQ(test, allowed(&rl, 10, 5, t, 100), 0);
	t += HZ / 20;
	KUNIT_EXPECT_EQ(test, allowed(&rl, 10, 5, t, 100), 1);
	/* A long quiet time refills to the burst, no more. */
	t += 3600 * HZ;
	KUNIT_EXPECT_EQ(test, allowed(&rl, 10, 5, t, 100), 5);
	/* A second's 10 tokens are still capped by the burst. */
	KUNIT_EXPECT_EQ(test, allowed(&rl, 10, 5, t + HZ, 100), 5);
	/* Across the wrap of jiffies' low 32 bits: a tenth of a second. */
	rl.stamp = 0U - HZ / 10;
	KUNIT_EXPECT_EQ(test, allowed(&rl, 10, 5, 0, 100), 1);
	/* A stamp another CPU moved past our now gives nothing. */
	rl.stamp = t + 5;
	KUNIT_EXPECT_EQ(test, allowed(&rl, 10, 5, t, 100), 0);
	/* Fractions of a token are kept: 3 a second, asked twice a second. */
	rl.stamp = t;
	KUNIT_EXPECT_EQ(test, allowed(&rl, 3, 5, t + HZ / 2, 100) +
			      allowed(&rl, 3, 5, t + HZ, 100), 3);
	/* Rate 0: no limit. */
	KUNIT_EXPECT_EQ(test, allowed(&rl, 0, 5, t, 1000), 1000);
}

static struct kunit_case psw_ip4_cases[] = {
	KUNIT_CASE(psw_test_ip4_format_reference),
	KUNIT_CASE(psw_test_ip4_format_bounded),
	KUNIT_CASE(psw_test_ip4_validate_good),
	KUNIT_CASE(psw_test_ip4_validate_bad),
	KUNIT_CASE(psw_test_ip4_validate_martian),
	KUNIT_CASE(psw_test_icmp_ratelimit),
	KUNIT_CASE(psw_test_echo_reply_checksums),
	{}
};

static struct kunit_suite psw_ip4_suite = {
	.name = "podswitch-ip4",
	.test_cases = psw_ip4_cases,
};

kunit_test_suite(psw_ip4_suite);
