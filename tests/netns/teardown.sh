#!/bin/bash
# Ports leave on every path while traffic flows through them: port del, the
# port netdev's deletion, ip link del psw0, netns deletion, rmmod. Before
# each, the traffic is seen flowing; after, what went is gone and what
# stayed works. The VM runner fails the run on any splat or leak.
. "$(dirname "$0")/lib.sh"

# setup: switch, two pods, traffic from pod1 and the host to pod2: a ping
# flood each and a TCP stream echoing for up to 5 minutes.
setup() {
	mkswitch psw0
	mkpod pod1 10.1.1.6
	mkpod pod2 10.1.1.7
	ip route replace 10.1.0.0/16 dev psw0 || bail "setup: route to the pods"
	ip netns exec pod2 $NSTOOL echo-server 10.1.1.7 8080 &
	wait_listen pod2 8080
	ip netns exec pod1 ping -c 1 -W 2 10.1.1.7 >/dev/null || bail "setup: pod1 cannot reach pod2"
	rm -f /tmp/td-stop
	ip netns exec pod1 ping -f -W 1 -w 300 10.1.1.7 >/dev/null 2>&1 &
	ip netns exec pod1 $NSTOOL tcp-streams 10.1.1.7 8080 1 300 /tmp/td-stop \
		>/tmp/td-stream.log 2>&1 &
	stream=$!
	ping -f -w 300 10.1.1.7 >/dev/null 2>&1 &
}

# under_traffic WHAT: the TCP stream is alive and pod2's port carries
# packets. (With the floods still running, a check that a path works
# needs one reply of five: a flood fills the backlog queues.)
under_traffic() {
	local t0 t1
	t0=$(port_stat veth-pod2 tx_packets)
	sleep 1
	t1=$(port_stat veth-pod2 tx_packets)
	kill -0 "$stream" 2>/dev/null || fail "$1: the TCP stream ended: $(cat /tmp/td-stream.log)"
	[ -n "$t0" ] && [ -n "$t1" ] && [ $((t1 - t0)) -ge 100 ] ||
		fail "$1: pod2's port sent $t0 -> $t1 packets in a second"
	pass "$1: traffic flows ($((t1 - t0)) packets/s to pod2)"
}

stop_traffic() {
	touch /tmp/td-stop
	pkill -f 'ping -f' 2>/dev/null
	pkill -f 'nstool.py' 2>/dev/null
	wait 2>/dev/null
	psw_clear_topology
	mkhost
}

psw_load
mkhost

setup
under_traffic "before port del"
expect "port del under traffic" "$PSWCTL" port del psw0 dev veth-pod2
expect_none "its port is gone" " veth-pod2( |$)" "$PSWCTL" show psw0 ports
expect "port add again under traffic" "$PSWCTL" port add psw0 dev veth-pod2 ip 10.1.1.7
expect "traffic flows again" ip netns exec pod1 ping -c 5 -i 0.2 -W 2 10.1.1.7
stop_traffic

setup
under_traffic "before the port netdev's deletion"
expect "the port netdev deleted under traffic" ip link del veth-pod1
expect_none "its port is gone" " veth-pod1( |$)" "$PSWCTL" show psw0 ports
expect_none "its routes are gone" "^10\.1\.1\.6/" "$PSWCTL" show psw0 routes
expect "the host still reaches pod2" ping -c 5 -i 0.2 -W 2 10.1.1.7
stop_traffic

setup
under_traffic "before ip link del psw0"
expect "ip link del psw0 under traffic" ip link del psw0
expect_fail "psw0 is gone" "does not exist" ip link show psw0
# Both guards of port add (rx_handler, upper device) must have been undone.
expect "its ports are free again: veth-pod1 joins a new switch" sh -c \
	"ip link add psw9 type podswitch && '$PSWCTL' port add psw9 dev veth-pod1 ip 10.1.1.6"
stop_traffic

setup
under_traffic "before the pod's netns deletion"
# The pod's server would keep its netns alive.
pkill -f "echo-server 10.1.1.7"
expect "pod netns deleted under traffic" ip netns del pod2
wait_for 10 sh -c "! ip link show veth-pod2" || fail "veth-pod2 did not go with its netns"
pass "veth-pod2 went with its netns"
expect_none "its port went with it" " veth-pod2( |$)" "$PSWCTL" show psw0 ports
expect "pod1's port still works" ping -c 5 -i 0.2 -W 2 10.1.1.6
stop_traffic

setup
under_traffic "before rmmod"
expect "rmmod under traffic" rmmod podswitch
expect_fail "psw0 went with the module" "does not exist" ip link show psw0
expect_none "veth-pod1 has no master left" "master" ip -d link show veth-pod1
stop_traffic

# A switch and its ports inside a netns that is deleted: a witness veth
# whose peer lives there goes when the netns is destroyed, in the same
# device teardown that takes the switch (not when rmmod does it later).
psw_load
ip netns add node || bail "netns node"
require "a switch in node" ip -n node link add psw0 type podswitch
require "a veth in node" ip -n node link add veth-a type veth peer name veth-b
require "a port in node" ip netns exec node "$PSWCTL" port add psw0 dev veth-a ip 10.1.1.10
require "psw0 up in node" ip -n node link set psw0 up
require "a witness veth into node" ip link add wit-node type veth peer name wit netns node
expect "netns with a switch and ports deleted" ip netns del node
wait_for 30 sh -c '! ip link show wit-node' || fail "netns node was not destroyed (the witness is still here)"
pass "netns node destroyed with its switch, before any rmmod"
