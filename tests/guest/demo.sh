#!/bin/bash
# The demo's guest half (see tests/demo): the VM's root netns plays the
# host, a netns plays the server pod of HOST_TO_POD.md.
set -u
build=$1
pswctl=$PSW_REPO/ctl/pswctl

step() {
	echo
	echo "### $*"
}

run() {
	echo "\$ $*"
	"$@" 2>&1 | sed 's/^/  /'
}

step "Load the module"
run insmod "$build/kmod/podswitch.ko"
run sh -c 'dmesg | grep podswitch'

step "Create the switch: psw0 is the host's side of it (Contiv's vpp1)"
run ip link add psw0 type podswitch
run ip link set psw0 up
run ip -br link show psw0

step "What the switch reports"
run "$pswctl" show
run "$pswctl" show psw0
run "$pswctl" -j show

step "The server pod: netns pod1, 10.1.1.6, TCP server on 8080"
ip netns add pod1
ip link add veth-pod1 type veth peer name eth0 netns pod1
ip -n pod1 addr add 10.1.1.6/32 dev eth0
ip -n pod1 link set eth0 up
ip -n pod1 link set lo up
ip -n pod1 route add 169.254.1.1 dev eth0
ip -n pod1 route add default via 169.254.1.1 dev eth0
ip link set veth-pod1 up
run ip -n pod1 -br addr
run ip -n pod1 route
ip netns exec pod1 python3 -m http.server --bind 10.1.1.6 8080 >/dev/null 2>&1 &
server=$!

step "Route the pod subnet from the host into the switch"
run ip route add 10.1.0.0/16 dev psw0
run ip route get 10.1.1.6

step "Connect from the host to 10.1.1.6:8080"
echo "  (podswitch does not forward yet: pod ports, ARP, routing and the"
echo "   packet trace arrive with the dataplane core; today the host's"
echo "   packets enter psw0 and are counted as dropped)"
run timeout 3 python3 -c '
import socket
s = socket.create_connection(("10.1.1.6", 8080), timeout=2)
print("connected")' || true
run ip -s link show psw0

step "Delete the switch, unload the module"
kill $server 2>/dev/null
run ip link del psw0
run rmmod podswitch
run "$pswctl" show
exit 0
