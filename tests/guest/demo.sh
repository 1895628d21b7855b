#!/bin/bash
# The demo's guest half (see tests/demo): the VM's root netns plays the
# host, a netns plays the server pod of the reference flow
# (Documentation/podswitch.rst, "The reference flow").
set -u
build=$1
pswctl=$PSW_REPO/ctl/pswctl

. "$PSW_REPO/tests/guest/demo-lib.sh"

step "Load the module"
run insmod "$build/kmod/podswitch.ko"
run sh -c 'dmesg | grep podswitch'

step "Create the switch: psw0 is the host's side of it (Contiv's vpp1)"
run ip link add psw0 type podswitch
run ip link set psw0 up
run ip -br link show psw0

step "What the switch reports"
run "$pswctl" switch show
run "$pswctl" switch show psw0
run "$pswctl" -j switch show

step "The server pod: netns pod1, 10.1.1.6, a TCP server on 8080"
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

step "The host's address (the reference's 172.30.1.2), on a dummy interface"
ip link add hostif type dummy
ip link set hostif up
run ip addr add 172.30.1.2/24 dev hostif

step "Attach the pod's veth to the switch as a pod port"
run "$pswctl" port add psw0 dev veth-pod1 ip 10.1.1.6
run "$pswctl" port show psw0
run "$pswctl" route show psw0

step "Route the pod subnet from the host into the switch"
run ip route add 10.1.0.0/16 dev psw0
run ip route get 10.1.1.6

step "Trace the next packets, and connect from the host to 10.1.1.6:8080"
run "$pswctl" trace add psw0 20
for i in $(seq 1 100); do
	ip netns exec pod1 ss -ltnH | grep -q ':8080 ' && break
	sleep 0.2
done
run python3 -c '
import socket
s = socket.create_connection(("10.1.1.6", 8080), timeout=5)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
print(s.recv(17).decode().strip())'

step "The host learned the switch MAC for 10.1.1.6 by ARP; the switch learned the host's"
run ip neigh show dev psw0
run "$pswctl" neigh show psw0

step "The SYN and the SYN-ACK, node by node (Documentation/podswitch.rst, "The reference flow")"
"$pswctl" trace show psw0 >/tmp/trace.txt
awk 'BEGIN { RS = "Packet [0-9]+\n" } /flags 0x02 SYN,/ { print "SYN:"; print; exit }' /tmp/trace.txt
awk 'BEGIN { RS = "Packet [0-9]+\n" } /flags 0x12 SYN ACK,/ { print "SYN-ACK:"; print; exit }' /tmp/trace.txt

step "Counters"
run "$pswctl" stats errors psw0
run "$pswctl" stats ports psw0
run ip -s link show psw0

PSW_REPO=$PSW_REPO unshare --mount --propagation private bash "$PSW_REPO/tests/guest/demo-podman.sh"

step "Delete the switch, unload the module"
kill $server 2>/dev/null
wait 2>/dev/null
run ip link del psw0
run rmmod podswitch
run "$pswctl" switch show
exit 0
