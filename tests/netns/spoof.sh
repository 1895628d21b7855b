#!/bin/bash
# Anti-spoofing: a pod's packets must come from one of its addresses.
. "$(dirname "$0")/lib.sh"
topology psw0 pod1=10.1.1.6 pod2=10.1.1.7

ip -n pod1 addr add 10.1.1.99/32 dev eth0
# No IPv6 from the pods: its router solicitations would be port drops too.
for ns in pod1 pod2; do
	ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 ||
		bail "IPv6 off in $ns"
done
expect "pod1 reaches pod2 from its own address" ip netns exec pod1 ping -c 1 -W 2 10.1.1.7
# Echo requests pod2's stack received (Icmp InEchos).
in_echos() {
	ip netns exec pod2 awk '/^Icmp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 }
		else print $c["InEchos"] }' /proc/net/snmp
}
s0=$(counter ip4-input "spoofed source address") d0=$(port_stat veth-pod1 drops) e0=$(in_echos)
[ -n "$s0" ] && [ -n "$d0" ] && [ -n "$e0" ] || bail "counters before: '$s0' '$d0' '$e0'"
expect_fail "a spoofed source is dropped" "100% packet loss" \
	ip netns exec pod1 ping -c 3 -i 0.2 -W 1 -I 10.1.1.99 10.1.1.7
expect_eq "pod2 received none of the 3 spoofed requests" "$e0" "$(in_echos)"
expect_eq "the 3 spoofed packets counted as spoofed" 3 \
	"$(($(counter ip4-input "spoofed source address") - s0))"
expect_eq "pod1's port counts the 3 drops" 3 "$(($(port_stat veth-pod1 drops) - d0))"

expect "anti-spoof off" "$PSWCTL" switch set psw0 anti-spoof off
expect "a route back to the other source" "$PSWCTL" route add psw0 10.1.1.99/32 dev veth-pod1
e0=$(in_echos)
expect "then the other source passes" ip netns exec pod1 ping -c 1 -W 2 -I 10.1.1.99 10.1.1.7
expect_eq "and reaches pod2" $((e0 + 1)) "$(in_echos)"
