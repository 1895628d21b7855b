#!/bin/bash
# The frame fuzzer (tests/netns/fuzz.py frames): random and mutated
# frames, fragments, ICMP errors quoting ICMP errors, VLAN tags, ARP and
# GSO packets with virtio-net headers, from a pod and from an uplink host,
# through ACLs, NAT and SNAT, while a TCP stream between two other pods
# runs. make check sends 3000 with a fixed seed; make fuzz N=... as many
# as asked. Afterwards the stream is whole, the switch forwards, and the
# port counted every frame.
. "$(dirname "$0")/lib.sh"
FUZZ="python3 -S $(dirname "$0")/fuzz.py"
topology host psw0 pod1=10.1.1.6 pod2=10.1.1.7 pod3=10.1.1.8 10.1.0.0/16
for ns in pod1 pod2 pod3; do
	ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 ||
		bail "IPv6 off in $ns"
done
ip netns add outside
ip link add veth-up type veth peer name eth0 netns outside
ip link set veth-up up
printf '%s\n' "addr add 192.168.50.2/24 dev eth0" "link set eth0 up" "route add 10.1.0.0/16 via 192.168.50.1" |
	ip -n outside -batch - || bail "outside"
cat >/tmp/fuzz-frames.psw <<'B'
port add psw0 dev veth-up uplink
route add psw0 192.168.50.0/24 dev veth-up
switch set psw0 address 192.168.50.1
acl set psw0 1 reflect proto tcp, reflect proto udp, permit proto icmp, deny
acl bind psw0 dev veth-pod1 in 1
acl bind psw0 dev veth-up in 1
nat44 service add psw0 tcp 10.96.0.10:80 backend 10.1.1.7:8080 backend 10.1.1.8:8080 affinity 60
nat44 service add psw0 udp 10.96.0.10:53 backend 10.1.1.7:8080
nat44 snat add psw0 dev veth-up 192.168.50.100
B
require "an uplink, ACLs, services and a pool" "$PSWCTL" -b /tmp/fuzz-frames.psw
podgw=$(cat /sys/class/net/veth-pod1/address)
swmac=$("$PSWCTL" -j switch show psw0 | python3 -S -c 'import json,sys; print(json.load(sys.stdin)["mac"])')
read -r n seed <<<"$(fuzz_count 3000)"

ip netns exec pod2 $NSTOOL echo-server 10.1.1.7 8080 &
wait_listen pod2 8080
rm -f /tmp/fuzz-stop
ip netns exec pod3 $NSTOOL tcp-streams 10.1.1.7 8080 2 3600 /tmp/fuzz-stop >/tmp/fuzz-streams.log 2>&1 &
streams=$!
# What pod1's eth0 sent (the fuzzer's frames and its own stack's answers).
pod1_tx() {
	ip netns exec pod1 cat /sys/class/net/eth0/statistics/tx_packets
}
rx0=$(port_stat veth-pod1 rx_packets) tx0=$(pod1_tx)
out=$($FUZZ frames "$n" "$seed" pod1 eth0 "$podgw" 10.1.1.6 outside eth0 "$swmac" 192.168.50.2 2>&1)
rc=$?
check "$n frames (seed $seed): $out" test $rc = 0
sent=$(echo "$out" | awk '{ for (i = 1; i + 3 <= NF; i++) if ($i == "sent" && $(i + 3) == "pod1/eth0") print $(i + 1) }')
# pod1's stack may still be answering: compare once both stand still.
for _ in 1 2 3 4 5; do
	tx=$(($(pod1_tx) - tx0)) rx=$(($(port_stat veth-pod1 rx_packets) - rx0))
	[ "$rx" = "$tx" ] && break
	sleep 0.5
done
[ -n "$sent" ] && [ "$tx" -ge "$sent" ] && [ "$rx" = "$tx" ] ||
	fail "pod1's port counted $rx frames; pod1 sent $tx, $sent of them the fuzzer's"
pass "pod1's port counted every frame pod1 sent: $rx ($sent of them the fuzzer's)"
touch /tmp/fuzz-stop
wait $streams || fail "the TCP stream between pod3 and pod2: $(cat /tmp/fuzz-streams.log)"
pass "the TCP stream between pod3 and pod2 went on: $(cat /tmp/fuzz-streams.log)"
expect "pod1 reaches pod2" ip netns exec pod1 ping -c 1 -W 3 10.1.1.7
# The fuzzer sends as the outside host, and a mutated ARP of its own
# address may leave the switch a wrong MAC for it: the entry is asked
# again by ARP once it is 30 s old and in use, as a kernel's would be.
reach_outside() {
	local end=$((SECONDS + 45))
	while [ $SECONDS -lt $end ]; do
		ip netns exec outside ping -c 1 -W 1 10.1.1.7 >/dev/null && return 0
	done
	return 1
}
t0=$SECONDS
expect "the outside reaches pod2 through the ACL (within 45 s: the switch's entry for it asked again)" \
	reach_outside
echo "# the outside reached pod2 after $((SECONDS - t0)) s"
