#!/bin/bash
# GSO and CHECKSUM_PARTIAL packets are forwarded intact: iperf3 TCP
# through the switch, host -> pod and pod -> pod, with the veth offloads
# on (the default) and off.
. "$(dirname "$0")/lib.sh"
trap psw_cleanup EXIT
psw_load
mkhost
mkswitch psw0
mkpod pod1 10.1.1.6
mkpod pod2 10.1.1.7
ip route add 10.1.0.0/16 dev psw0
ip netns exec pod1 iperf3 -s -D -B 10.1.1.6 -p 5201
ip netns exec pod1 $NSTOOL echo-server 10.1.1.6 8080 &
wait_listen pod1 5201
wait_listen pod1 8080

# iperf NAME CLIENT...: 2 MiB of iperf3 TCP to pod1, and 2 MB echoed back
# byte for byte (iperf3's receiver stops counting with bytes in flight, so
# its totals cannot show that every byte arrived intact; the echo does).
iperf() {
	local what=$1 json
	shift
	json=$("$@" iperf3 -c 10.1.1.6 -p 5201 -n 2M -J 2>&1) || fail "$what: $json"
	python3 -S - "$json" <<'PY' || fail "$what: $json"
import json, sys
r = json.loads(sys.argv[1])
sent = r["end"]["sum_sent"]["bytes"]
got = r["end"]["sum_received"]["bytes"]
assert sent >= 2 << 20 and got > 0, (sent, got)
print(f"{r['end']['sum_received']['bits_per_second'] / 1e6:.0f} Mbit/s")
PY
	"$@" $NSTOOL tcp-echo 10.1.1.6 8080 2000000 || fail "$what: echo"
	pass "$what"
}

offloads() {
	local state=$1
	for dev in psw0 veth-pod1 veth-pod2; do
		ethtool -K "$dev" tso "$state" gso "$state" gro "$state" tx "$state" sg "$state" 2>/dev/null
	done
	for ns in pod1 pod2; do
		ip netns exec "$ns" ethtool -K eth0 tso "$state" gso "$state" gro "$state" tx "$state" sg "$state" 2>/dev/null
	done
}

expect_eq "veth TSO is on by default" "on" \
	"$(ethtool -k veth-pod1 | sed -n 's/^tcp-segmentation-offload: \(on\|off\).*/\1/p')"
iperf "host -> pod1 iperf3 with offloads on" env
iperf "pod2 -> pod1 iperf3 with offloads on" ip netns exec pod2
offloads off
expect_eq "veth TSO is off" "off" \
	"$(ethtool -k veth-pod1 | sed -n 's/^tcp-segmentation-offload: \(on\|off\).*/\1/p')"
iperf "host -> pod1 iperf3 with offloads off" env
iperf "pod2 -> pod1 iperf3 with offloads off" ip netns exec pod2
