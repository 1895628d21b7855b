#!/bin/bash
# A packet bigger than the output port's MTU with DF set gets ICMP
# fragmentation needed from the switch, and path MTU discovery works end
# to end: TCP from pod1 to pod2 behind a 1400-byte port, directly and
# through a service VIP. Without DF the switch fragments.
. "$(dirname "$0")/lib.sh"
topology psw0 pod1=10.1.1.6 pod2=10.1.1.7
ip link set veth-pod2 mtu 1400
ip -n pod2 link set eth0 mtu 1400
ip netns exec pod2 $NSTOOL echo-server 10.1.1.7 8080 &
wait_listen pod2 8080

# tcp_pmtu WHAT ADDR PORT: 1 MB of TCP from pod1 to ADDR:PORT meets the
# switch's frag-needed, goes through, and pod1 learns ADDR's path MTU.
tcp_pmtu() {
	local what=$1 addr=$2 port=$3 t0
	t0=$(counter ip4-rewrite "too big, DF set")
	expect "TCP pod1 -> $what discovers the path MTU (1 MB echoed)" \
		ip netns exec pod1 $NSTOOL tcp-echo "$addr" "$port" 1000000
	[ "$(counter ip4-rewrite "too big, DF set")" -gt "$t0" ] ||
		fail "the TCP stream to $what met no frag-needed (${t0} before)"
	pass "the TCP stream to $what met the switch's frag-needed"
	expect "pod1 learned the path MTU of $what" sh -c \
		"ip -n pod1 route get $addr | grep -q 'mtu 1400'"
}

expect "1372-byte payload fits" ip netns exec pod1 ping -c 1 -W 2 -M do -s 1372 10.1.1.7
out=$(ip netns exec pod1 ping -c 1 -W 2 -M do -s 1400 10.1.1.7 2>&1)
echo "$out" | grep -q "From 169.254.1.1 icmp_seq=1 Frag needed and DF set (mtu = 1400)" ||
	fail "frag needed from the switch: $out"
pass "too big with DF: frag needed (mtu = 1400) from the switch"
expect "pod1 learned the path MTU from the ping" sh -c \
	"ip -n pod1 route get 10.1.1.7 | grep -q 'mtu 1400'"
# pod2 advertises an MSS for 1500-byte packets (its own MTU would make it
# 1360 and no segment would need the switch's frag-needed).
check "pod2 advertises MSS 1460 to pod1" \
	ip -n pod2 route add 10.1.1.6 via 169.254.1.1 dev eth0 advmss 1460
ip -n pod1 route flush cache
expect_none "pod1 forgot the path MTU" "mtu 1400" ip -n pod1 route get 10.1.1.7
tcp_pmtu pod2 10.1.1.7 8080
# Forgotten again, so that pod1 sends 1500-byte fragments the switch must
# cut to its 1400-byte port.
ip -n pod1 route flush cache
expect "20 UDP datagrams of 4000 bytes without DF are fragmented and arrive whole" \
	ip netns exec pod1 $NSTOOL udp-echo 10.1.1.7 8080 4000 20
errs=$("$PSWCTL" show psw0 errors)
echo "$errs" | grep -Eq '^ +[1-9][0-9]* +ip4-rewrite +too big, DF set$' || fail "counted: $errs"
echo "$errs" | grep -Eq '^ +[1-9][0-9]* +output +packets fragmented$' || fail "counted: $errs"
pass "too-big and fragmented packets counted"

# Through a service: the switch's frag-needed about a packet NAT translated
# quotes it as pod1 sent it, to the VIP; one about the backend would be
# ignored by pod1's TCP, which would stall.
check "a service 10.96.0.10:80 -> pod2:8080" \
	"$PSWCTL" nat44 service add psw0 tcp 10.96.0.10:80 backend 10.1.1.7:8080
ip -n pod1 route flush cache
tcp_pmtu "the VIP, through NAT" 10.96.0.10 80
expect_none "and nothing of the backend's" "mtu" ip -n pod1 route get 10.1.1.7
