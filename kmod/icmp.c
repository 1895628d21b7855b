// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP the switch originates: errors (time exceeded, fragmentation
 * needed, unreachable) from the switch address, and echo replies for the
 * switch address. Both go back out of the port the packet came in on, to
 * the MAC it came from: that is the way to its sender.
 */

#include "pipeline.h"
#include "port.h"
#include "switch.h"

#include <kunit/visibility.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <net/checksum.h>
#include <net/ip.h>

/* RFC 1812 4.3.2.3: as much of the original as fits in 576 bytes. */
#define PSW_ICMP_ERR_MAX 576

static bool psw_icmp_error_allowed(const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct icmphdr *ih;
	struct icmphdr _ih;

	/* RFC 1122 3.2.2: never about a non-first fragment, a broadcast or
	 * multicast, or another ICMP error.
	 */
	if (iph->frag_off & htons(IP_OFFSET))
		return false;
	if (ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr) ||
	    is_multicast_ether_addr(eth_hdr(skb)->h_dest))
		return false;
	if (iph->protocol == IPPROTO_ICMP) {
		ih = skb_header_pointer(skb, iph->ihl * 4, sizeof(_ih), &_ih);
		if (!ih || (ih->type != ICMP_ECHO && ih->type != ICMP_ECHOREPLY &&
			    ih->type != ICMP_TIMESTAMP && ih->type != ICMP_TIMESTAMPREPLY))
			return false;
	}
	return true;
}

/*
 * Take a token from @rl, refilled at @rate a second up to @burst; @rate 0
 * is no limit. Lockless, as the kernel's icmp_global_allow(): the CPU that
 * moves the stamp adds what the time since gave, so no refill counts twice.
 */
bool psw_ratelimit_allow(struct psw_ratelimit *rl, u32 rate, u32 burst, u32 now)
{
	u32 stamp = READ_ONCE(rl->stamp), incr, next;
	s32 elapsed = now - stamp;
	int credit, fresh;

	if (!rate)
		return true;
	/* Another CPU may have moved the stamp past our @now. */
	elapsed = max(elapsed, 0);
	incr = div_u64((u64)rate * min_t(u32, elapsed, HZ), HZ);
	/*
	 * The stamp moves by the time the tokens took, so that the fraction
	 * of a token left is not lost; after a long quiet time, to now.
	 */
	next = elapsed > HZ ? now : stamp + (u32)div_u64((u64)incr * HZ, rate);
	if (incr && cmpxchg(&rl->stamp, stamp, next) == stamp) {
		credit = atomic_read(&rl->credit);
		do {
			fresh = min_t(u64, (u64)max(credit, 0) + incr, burst);
		} while (!atomic_try_cmpxchg(&rl->credit, &credit, fresh));
	}
	return atomic_dec_if_positive(&rl->credit) >= 0;
}
EXPORT_SYMBOL_IF_KUNIT(psw_ratelimit_allow);

void psw_icmp_error(struct psw_pkt *pkt, struct sk_buff *skb, u8 type,
		    u8 code, __be32 info)
{
	struct net_device *dev = pkt->in->dev;
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int quote, hlen = sizeof(struct iphdr) + sizeof(struct icmphdr);
	struct sk_buff *nskb;
	struct icmphdr *ih;
	struct iphdr *nih;

	if (!psw_icmp_error_allowed(skb))
		return;
	/*
	 * Else a pod reflects its line rate off the switch (TTL 1, no
	 * route). Fragmentation needed is not limited, as in the kernel's
	 * icmp_ratemask: PMTU discovery must not fail for one pod's flood.
	 */
	if (!(type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) &&
	    !psw_ratelimit_allow(&pkt->sw->icmp_limit, pkt->params->icmp_rate,
				 pkt->params->icmp_burst, jiffies)) {
		psw_count(pkt->sw->counters, PSW_C_ICMP_LIMITED);
		psw_trace(pkt, "  ICMP type %u code %u: rate-limited\n", type, code);
		return;
	}
	quote = min_t(unsigned int, skb->len, PSW_ICMP_ERR_MAX - hlen);
	nskb = alloc_skb(LL_RESERVED_SPACE(dev) + hlen + quote, GFP_ATOMIC);
	if (!nskb)
		return;
	skb_reserve(nskb, LL_RESERVED_SPACE(dev));
	skb_reset_network_header(nskb);
	nih = skb_put(nskb, sizeof(*nih));
	ih = skb_put(nskb, sizeof(*ih));
	if (skb_copy_bits(skb, 0, skb_put(nskb, quote), quote)) {
		kfree_skb(nskb);
		return;
	}

	ih->type = type;
	ih->code = code;
	ih->checksum = 0;
	ih->un.gateway = 0;
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		ih->un.frag.mtu = htons(ntohl(info));
	ih->checksum = csum_fold(csum_partial(ih, sizeof(*ih) + quote, 0));

	nih->version = 4;
	nih->ihl = 5;
	nih->tos = (iph->tos & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL;
	nih->tot_len = htons(hlen + quote);
	nih->id = 0;
	nih->frag_off = htons(IP_DF);
	nih->ttl = 64;
	nih->protocol = IPPROTO_ICMP;
	nih->saddr = pkt->params->address;
	nih->daddr = iph->saddr;
	ip_send_check(nih);
	if (pkt->nat_xlated && psw_nat44_icmp_untranslate(pkt, nskb)) {
		kfree_skb(nskb);
		return;
	}

	psw_count(pkt->sw->counters, PSW_C_ICMP_SENT);
	psw_trace(pkt, "  ICMP type %u code %u to %pI4\n", type, code, &ip_hdr(nskb)->daddr);
	psw_output_frame(pkt->sw, pkt->in, nskb, eth_hdr(skb)->h_source,
			 htons(ETH_P_IP), NULL);
}

/* Turn the echo request in @skb (data at the IP header) into its reply. */
int psw_icmp_echo_to_reply(struct sk_buff *skb)
{
	unsigned int ihl = ip_hdr(skb)->ihl * 4;
	struct icmphdr *ih;
	struct iphdr *iph;
	__be32 addr;

	if (skb_is_gso(skb) || skb_ensure_writable(skb, ihl + sizeof(*ih)))
		return -ENOMEM;
	iph = ip_hdr(skb);
	ih = (void *)iph + ihl;
	/* Only the type changes: adjust the checksum for it. */
	csum_replace2(&ih->checksum, htons(ICMP_ECHO << 8), htons(ICMP_ECHOREPLY << 8));
	ih->type = ICMP_ECHOREPLY;
	addr = iph->saddr;
	iph->saddr = iph->daddr;
	iph->daddr = addr;
	iph->ttl = 64;
	ip_send_check(iph);
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(psw_icmp_echo_to_reply);

void psw_icmp_echo_reply(struct psw_pkt *pkt, struct sk_buff *skb)
{
	u8 src_mac[ETH_ALEN];

	ether_addr_copy(src_mac, eth_hdr(skb)->h_source);
	if (psw_icmp_echo_to_reply(skb)) {
		psw_drop(pkt, skb, PSW_C_IN_NOMEM);
		return;
	}
	psw_trace(pkt, "  echo reply to %pI4\n", &ip_hdr(skb)->daddr);
	psw_output_frame(pkt->sw, pkt->in, skb, src_mac, htons(ETH_P_IP), pkt->tr);
}

/*
 * The packet an ICMP error quotes at @off: its IPv4 header (NULL if there
 * is none), and in *@l4 the first 8 bytes of its L4 header, all RFC 792
 * promises (NULL when they are not there or it is a later fragment).
 */
const struct iphdr *psw_icmp_quote(const struct sk_buff *skb, unsigned int off,
				   struct iphdr *iph_buf, const u8 **l4, u8 *l4_buf)
{
	const struct iphdr *iph;

	*l4 = NULL;
	iph = skb_header_pointer(skb, off, sizeof(*iph_buf), iph_buf);
	if (!iph || iph->ihl < 5)
		return NULL;
	if (!(iph->frag_off & htons(IP_OFFSET)))
		*l4 = skb_header_pointer(skb, off + iph->ihl * 4, 8, l4_buf);
	return iph;
}
