#!/bin/bash
# What a hostile host on an uplink sends, by hand-made frames
# (tests/netns/frames.py): ARP from 17,000 random senders, each asking for
# the switch address, may fill only the uplink's share of the neighbor
# table; the switch still adds pods, reaches them, and reaches the real
# gateway; and a pod sending to a stream of next hops nobody answers
# holds no more than its share of the resolutions in progress.
. "$(dirname "$0")/lib.sh"
FRAMES="python3 -S $(dirname "$0")/frames.py"
topology host psw0 pod1=10.1.1.6 10.1.0.0/16

ip netns add outside
ip link add veth-up type veth peer name eth0 netns outside
ip link set veth-up up
printf '%s\n' "addr add 192.168.50.2/24 dev eth0" "link set eth0 up" "link set lo up" \
	"route add 10.1.0.0/16 via 192.168.50.1" | ip -n outside -batch - || bail "outside"
cat >/tmp/uplink.psw <<'B'
port add psw0 dev veth-up uplink
route add psw0 192.168.50.0/24 dev veth-up
switch set psw0 address 192.168.50.1
B
require "an uplink on 192.168.50.0/24, the switch at .1" "$PSWCTL" -b /tmp/uplink.psw
ip -n pod1 route replace 192.168.50.1 dev eth0
ip -n pod1 route replace default via 192.168.50.1 dev eth0
require "pod1 reaches the gateway" ip netns exec pod1 ping -c 1 -W 2 192.168.50.2

learned() {
	"$PSWCTL" show psw0 neigh | grep -c " dev veth-up "
}
e0=$(counter output "neighbors forgotten for room")
expect_eq "17000 ARP requests from 17000 senders all sent" "sent 17000 received 0" \
	"$($FRAMES outside eth0 17000 arp=request dmac=ff:ff:ff:ff:ff:ff spa=10.200.0.1+ tpa=192.168.50.1)"
n=$(learned)
[ "$n" -gt 1000 ] && [ "$n" -le 2048 ] || fail "the uplink learned $n neighbors"
pass "the uplink's neighbors stay within its share: $n of at most 2048"
[ "$(($(counter output "neighbors forgotten for room") - e0))" -ge $((17000 - 2048)) ] ||
	fail "forgetting counted: $("$PSWCTL" show psw0 errors)"
pass "the neighbors forgotten for room are counted"

# Pods come and go as before, and the real gateway is found again.
podns pod2 10.1.1.7
expect "a pod added after the flood" "$PSWCTL" port add psw0 dev veth-pod2 ip 10.1.1.7
expect "pod1 reaches it" ip netns exec pod1 ping -c 1 -W 2 10.1.1.7
expect "the host reaches it" ping -c 1 -W 2 10.1.1.7
expect "pod1 reaches the gateway again" ip netns exec pod1 ping -c 1 -W 2 192.168.50.2
expect "the gateway reaches pod2" ip netns exec outside ping -c 1 -W 2 10.1.1.7

# A pod sending to a stream of next hops nobody answers holds at most its
# share of the resolutions in progress: another pod's new neighbor is
# still resolved meanwhile.
require "a connected /20 on the uplink where nobody answers" \
	"$PSWCTL" route add psw0 192.168.64.0/20 dev veth-up
ip -n outside addr add 192.168.50.3/24 dev eth0 || bail "a second outside address"
gw=$(cat /sys/class/net/veth-pod1/address)
$FRAMES pod1 eth0 4000 dmac="$gw" src=10.1.1.6 dst=192.168.64.1+ >/tmp/spray.out 2>&1 &
spray=$!
wait_for 30 sh -c "'$PSWCTL' show psw0 neigh | grep -q INCOMPLETE" || fail "the spray began"
expect "pod2 resolves a new neighbor during pod1's spray" \
	ip netns exec pod2 ping -c 1 -W 3 192.168.50.3
n=$("$PSWCTL" show psw0 neigh | grep -c INCOMPLETE)
[ "$n" -le 128 ] || fail "pod1's resolutions in progress: $n"
pass "pod1's resolutions in progress stay within its share: $n of at most 128"
wait $spray || fail "the spray: $(cat /tmp/spray.out)"
pass "pod1 sent its 4000 packets: $(cat /tmp/spray.out)"
