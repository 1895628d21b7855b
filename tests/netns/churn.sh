#!/bin/bash
# Churn under load: 60 s of random valid changes (fuzz.py churn: pod3's
# and pod4's ports deleted and added again, routes, ACLs set and bound on
# them, services to them, SNAT pools on the uplink, NAT sessions flushed)
# while pod1 and pod2, never changed, keep two TCP streams going and pod3
# sends to pod4 and to the services. The streams must not break; then
# every pod is reachable again once its port is back.
. "$(dirname "$0")/lib.sh"
FUZZ="python3 -S $(dirname "$0")/fuzz.py"
topology host psw0 pod1=10.1.1.6 pod2=10.1.1.7 pod3=10.1.1.8 pod4=10.1.1.9 10.1.0.0/16
ip link add veth-up type veth peer name veth-up-peer || bail "uplink veth"
ip link set veth-up up && ip link set veth-up-peer up || bail "uplink up"
require "an uplink port" "$PSWCTL" port add psw0 dev veth-up uplink

ip netns exec pod2 $NSTOOL echo-server 10.1.1.7 8080 &
ip netns exec pod4 $NSTOOL echo-server 10.1.1.9 8080 &
wait_listen pod2 8080
wait_listen pod4 8080
rm -f /tmp/churn-stop
ip netns exec pod1 $NSTOOL tcp-streams 10.1.1.7 8080 2 600 /tmp/churn-stop >/tmp/churn-streams.log 2>&1 &
streams=$!
# pod3's traffic meets every change: to pod4, to the services' VIPs.
(while [ ! -e /tmp/churn-stop ]; do
	python3 -S "$(dirname "$0")/frames.py" pod3 eth0 200 dmac="$(cat /sys/class/net/veth-pod3/address)" \
		src=10.1.1.8 dst=10.96.1.1+ proto=tcp flags=S dport=80 sport=30000+ >/dev/null 2>&1
	python3 -S "$(dirname "$0")/frames.py" pod3 eth0 200 dmac="$(cat /sys/class/net/veth-pod3/address)" \
		src=10.1.1.8 dst=10.1.1.9 proto=udp dport=8080 sport=40000+ >/dev/null 2>&1
done) &
load=$!

out=$($FUZZ churn 60 1 veth-pod3=10.1.1.8 veth-pod4=10.1.1.9 -- veth-up 2>&1)
rc=$?
check "60 s of changes, each answered: $out" test $rc = 0
touch /tmp/churn-stop
wait $streams || fail "pod1's streams to pod2: $(cat /tmp/churn-streams.log)"
pass "pod1's two streams to pod2 went on through the churn: $(cat /tmp/churn-streams.log)"
wait $load

restore_pods psw0 pod3=10.1.1.8 pod4=10.1.1.9
expect "pod3 reaches pod4 once their ports are back" ip netns exec pod3 ping -c 1 -W 3 10.1.1.9
expect "pod1 reaches pod2" ip netns exec pod1 ping -c 1 -W 3 10.1.1.7
