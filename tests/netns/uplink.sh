#!/bin/bash
# An uplink port: neighbors resolved by ARP, a default route via a gateway
# on it, and ARP answered there for the switch address and pod addresses.
# The "outside" is a netns of this test (198.51.100.0/24 lives only there).
. "$(dirname "$0")/lib.sh"
topology psw0 pod1=10.1.1.6

ip netns add outside
ip link add veth-up type veth peer name eth0 netns outside
ip link set veth-up up
ip -n outside addr add 192.168.50.2/24 dev eth0
ip -n outside addr add 198.51.100.9/32 dev lo
ip -n outside link set eth0 up
ip -n outside link set lo up
ip -n outside route add 10.1.0.0/16 via 192.168.50.1

require "uplink port" "$PSWCTL" port add psw0 dev veth-up uplink
expect_fail "an uplink has no pod addresses" "only pod ports have addresses" \
	"$PSWCTL" port add psw0 dev veth-pod1 ip 10.1.1.9 uplink
expect "connected route for the uplink subnet" "$PSWCTL" route add psw0 192.168.50.0/24 dev veth-up
expect "default route via the gateway" "$PSWCTL" route add psw0 0.0.0.0/0 via 192.168.50.2 dev veth-up
# The outside reaches the pods through the switch's address on its subnet.
expect "switch answers ARP for a routed address" "$PSWCTL" switch set psw0 address 192.168.50.1
ip -n pod1 route replace 192.168.50.1 dev eth0
ip -n pod1 route replace default via 192.168.50.1 dev eth0

expect "pod1 reaches an outside address via the gateway" \
	ip netns exec pod1 ping -c 2 -i 0.3 -W 2 -w 5 198.51.100.9
neigh=$("$PSWCTL" show psw0 neigh)
gwmac=$(ip netns exec outside cat /sys/class/net/eth0/address)
echo "$neigh" | grep -q "^192.168.50.2 dev veth-up lladdr $gwmac REACHABLE" ||
	fail "gateway resolved by ARP on the uplink: $neigh"
pass "the gateway's MAC was resolved by ARP on the uplink"
swmac=$("$PSWCTL" -j show psw0 | python3 -S -c 'import json,sys; print(json.load(sys.stdin)["mac"])')
echo "$swmac" | grep -Eq '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' || bail "switch MAC: '$swmac'"
expect_eq "the outside resolved the switch address to the switch MAC" "$swmac" \
	"$(ip -n outside -j neigh show 192.168.50.1 | python3 -S -c 'import json,sys; print(json.load(sys.stdin)[0]["lladdr"])')"
expect "the outside reaches pod1 by its address" ip netns exec outside ping -c 1 -W 2 10.1.1.6
routes=$("$PSWCTL" show psw0 routes)
echo "$routes" | grep -qx "0.0.0.0/0 via 192.168.50.2 dev veth-up proto static" || fail "routes: $routes"
pass "route show: the default route via the gateway"

# An unresolvable next hop: packets wait, then are dropped and counted.
expect "route to a gateway that does not answer" \
	"$PSWCTL" route add psw0 203.0.113.0/24 via 192.168.50.77 dev veth-up
# 8 wait; the rest find the queue full; the 8 are dropped when the switch
# gives up resolving (3 s). Each of the 12 is counted once.
u0=$(counter output "neighbor unresolved") q0=$(counter output "neighbor queue full")
[ -n "$u0" ] && [ -n "$q0" ] || bail "counters: '$u0' '$q0'"
expect_fail "12 pings towards an unresolvable next hop get no answer" "100% packet loss" \
	ip netns exec pod1 ping -c 12 -i 0.2 -W 1 203.0.113.1
dropped() {
	local u q
	u=$(counter output "neighbor unresolved") q=$(counter output "neighbor queue full")
	[ $((u - u0 + q - q0)) = 12 ] && [ $((u - u0)) -ge 8 ]
}
wait_for 10 dropped ||
	fail "12 dropped: 8 or more unresolved, the rest queue full: $("$PSWCTL" show psw0 errors | grep neighbor)"
pass "packets for an unresolved next hop wait, then are dropped and counted once each"

# A static neighbor: a next hop nobody answers ARP for works once the
# switch is told its MAC, without asking.
expect "a route via an address nobody answers ARP for" \
	"$PSWCTL" route add psw0 198.51.100.0/24 via 192.168.50.77 dev veth-up
expect_fail "without a neighbor for it: no answer" "100% packet loss" \
	ip netns exec pod1 ping -c 1 -W 1 198.51.100.9
expect "neigh add: .77 is the outside's MAC" "$PSWCTL" neigh add psw0 192.168.50.77 mac "$gwmac" dev veth-up
expect "the static neighbor is listed PERMANENT" sh -c \
	"'$PSWCTL' show psw0 neigh | grep -q '^192.168.50.77 dev veth-up lladdr $gwmac PERMANENT'"
expect "trace armed" "$PSWCTL" trace psw0 add 5
expect "packets via .77 now reach the outside" ip netns exec pod1 ping -c 1 -W 2 198.51.100.9
expect "trace: the static neighbor is used, no ARP" sh -c \
	"'$PSWCTL' trace psw0 show | grep -q '^  neighbor 192.168.50.77 is $gwmac\$'"
expect "trace cleared" "$PSWCTL" trace psw0 clear
expect "neigh del" "$PSWCTL" neigh del psw0 192.168.50.77 dev veth-up
expect_none "the neighbor is gone" "^192\.168\.50\.77 .* PERMANENT" "$PSWCTL" show psw0 neigh
expect "route del" "$PSWCTL" route del psw0 198.51.100.0/24

# The switch learns the host's MAC by its own broadcast ARP request.
ip link add hostif type dummy
ip addr add 172.30.1.2/24 dev hostif
ip link set hostif up
ip route add 10.1.0.0/16 dev psw0
wait_for 5 sh -c "'$PSWCTL' show psw0 routes | grep -q '^172.30.1.2/32 host'" || bail "host route"
expect "trace armed" "$PSWCTL" trace psw0 add 10
expect "pod1 pings the host before the host ever spoke" ip netns exec pod1 ping -c 1 -W 2 172.30.1.2
"$PSWCTL" trace psw0 show | grep -q "neighbor 172.30.1.2 unresolved: queued, ARP request sent" ||
	fail "the switch asked for the host by ARP: $("$PSWCTL" trace psw0 show)"
hostmac=$(cat /sys/class/net/psw0/address)
"$PSWCTL" show psw0 neigh | grep -q "^172.30.1.2 dev host lladdr $hostmac REACHABLE" ||
	fail "host MAC learned: $("$PSWCTL" show psw0 neigh)"
pass "the switch learned the host's MAC from its broadcast ARP request"
