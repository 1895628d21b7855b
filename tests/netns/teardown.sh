#!/bin/bash
# Ports leave on every path while a TCP stream and a ping flood run:
# port del, the port netdev's deletion, ip link del psw0, netns deletion,
# rmmod. The VM runner fails the run on any splat or leak.
. "$(dirname "$0")/lib.sh"
trap psw_cleanup EXIT

# setup: switch, two pods, traffic from pod1 and the host to pod2.
setup() {
	mkswitch psw0
	mkpod pod1 10.1.1.6
	mkpod pod2 10.1.1.7
	ip route replace 10.1.0.0/16 dev psw0
	ip netns exec pod2 $NSTOOL echo-server 10.1.1.7 8080 &
	wait_listen pod2 8080
	ip netns exec pod1 ping -c 1 -W 2 10.1.1.7 >/dev/null || bail "setup: pod1 cannot reach pod2"
	ip netns exec pod1 ping -f -W 1 -w 60 10.1.1.7 >/dev/null 2>&1 &
	ip netns exec pod1 $NSTOOL tcp-echo 10.1.1.7 8080 200000000 >/dev/null 2>&1 &
	ping -f -w 60 10.1.1.7 >/dev/null 2>&1 &
	sleep 2
}

stop_traffic() {
	pkill -f 'ping -f' 2>/dev/null
	pkill -f 'nstool.py' 2>/dev/null
	wait 2>/dev/null
	psw_clear_topology
	mkhost
}

psw_load
mkhost

setup
expect "port del under traffic" "$PSWCTL" port del psw0 dev veth-pod2
expect "port add again under traffic" "$PSWCTL" port add psw0 dev veth-pod2 ip 10.1.1.7
expect "traffic flows again" ip netns exec pod1 ping -c 1 -W 2 10.1.1.7
expect "the port netdev deleted under traffic" ip link del veth-pod1
expect_eq "its port is gone" "" "$("$PSWCTL" show psw0 ports | grep veth-pod1)"
expect_eq "its routes are gone" "" "$("$PSWCTL" show psw0 routes | grep 10.1.1.6)"
stop_traffic

setup
expect "ip link del psw0 under traffic" ip link del psw0
expect_eq "ports are free again" "" "$(ip -d link show veth-pod1 | grep -o 'master psw0')"
stop_traffic

setup
# The pod's server would keep its netns alive.
pkill -f "echo-server 10.1.1.7"
expect "pod netns deleted under traffic" ip netns del pod2
wait_for 10 sh -c "! ip link show veth-pod2" || fail "veth-pod2 did not go with its netns"
pass "veth-pod2 went with its netns"
expect_eq "its port went with it" "" "$("$PSWCTL" show psw0 ports | grep veth-pod2)"
stop_traffic

setup
expect "rmmod under traffic" rmmod podswitch
expect_eq "the switch went with the module" "" "$(ip -o link show type podswitch)"
stop_traffic

# A switch and its ports inside a netns that is deleted.
psw_load
ip netns add node
ip -n node link add psw0 type podswitch
ip -n node link add veth-a type veth peer name veth-b
ip netns exec node "$PSWCTL" port add psw0 dev veth-a ip 10.1.1.10
ip -n node link set psw0 up
expect "netns with a switch and ports deleted" ip netns del node
