#!/bin/bash
# GSO and CHECKSUM_PARTIAL packets are forwarded intact: iperf3 TCP
# through the switch, host -> pod and pod -> pod, with the veth offloads
# on (the default) and off.
. "$(dirname "$0")/lib.sh"
topology host psw0 pod1=10.1.1.6 pod2=10.1.1.7 10.1.0.0/16
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

# offloads on|off: TSO, GSO, GRO, checksumming and scatter-gather on the
# host side of the switch, both ports and both pods' eth0, each checked.
feature() {
	"${@:3}" ethtool -k "$1" | sed -n "s/^$2: \(on\|off\).*/\1/p"
}
offloads() {
	local state=$1 d f
	for d in psw0 veth-pod1 veth-pod2; do
		ethtool -K "$d" tso "$state" gso "$state" gro "$state" tx "$state" sg "$state" ||
			fail "ethtool -K $d: offloads $state"
	done
	for d in pod1 pod2; do
		ip netns exec "$d" ethtool -K eth0 tso "$state" gso "$state" gro "$state" tx "$state" sg "$state" ||
			fail "ethtool -K eth0 in $d: offloads $state"
	done
	for f in tcp-segmentation-offload generic-segmentation-offload tx-checksumming scatter-gather; do
		for d in psw0 veth-pod1 veth-pod2; do
			[ "$(feature "$d" "$f")" = "$state" ] || fail "$d $f is not $state"
		done
		for d in pod1 pod2; do
			[ "$(feature eth0 "$f" ip netns exec "$d")" = "$state" ] || fail "$d eth0 $f is not $state"
		done
	done
	pass "offloads $state on psw0, both ports and both pods' eth0"
}

# frames PORT: "N M": frames the trace saw enter the switch on PORT, and
# how many of them were longer than 1514 bytes (GSO super-frames).
frames() {
	"$PSWCTL" trace psw0 show | awk -v p="$1" '$1 == "input:" && $4 == "(" p ")" { n++; if ($6 > 1514) g++ }
		END { print n + 0, g + 0 }'
}
# traced WHAT PORT on|off: the trace holds frames from PORT, and GSO
# frames among them when offloads are on, none when off.
traced() {
	local n g
	read -r n g <<<"$(frames "$2")"
	[ "$n" -gt 0 ] || fail "$1: no frame from $2 in the trace"
	if [ "$3" = on ]; then
		[ "$g" -gt 0 ] || fail "$1: none of the $n frames from $2 was a GSO frame"
	else
		[ "$g" = 0 ] || fail "$1: $g of the $n frames from $2 were over 1514 bytes"
	fi
	pass "$1: $g of $n frames from $2 were GSO frames"
}
rearm() {
	check "trace cleared and armed" sh -c "'$PSWCTL' trace psw0 clear && '$PSWCTL' trace psw0 add 256"
}

offloads on
rearm
iperf "host -> pod1 iperf3 with offloads on" env
traced "GSO from the host crossed the switch" host on
rearm
iperf "pod2 -> pod1 iperf3 with offloads on" ip netns exec pod2
traced "GSO from pod2 crossed the switch" veth-pod2 on
offloads off
rearm
iperf "host -> pod1 iperf3 with offloads off" env
traced "no GSO from the host with offloads off" host off
rearm
iperf "pod2 -> pod1 iperf3 with offloads off" ip netns exec pod2
traced "no GSO from pod2 with offloads off" veth-pod2 off

# pktgen on psw0: a fixed count of frames from the host's transmit path
# crosses the switch, and psw0 refuses clone_skb. The switch queues,
# rewrites and frees what psw0 transmits, so it must never be handed the
# same skb again while it still holds it (IFF_TX_SKB_SHARING is off, as on
# a bridge or a veth).
modprobe pktgen 2>/dev/null # stock: a module; the debug kernel: built in
pg() { echo "$2" >"/proc/net/pktgen/$1"; }
ping -c 1 -W 3 10.1.1.6 >/dev/null
smac=$(ip neigh show 10.1.1.6 dev psw0 | awk '{ print $3 }')
rx0=$(ip netns exec pod1 cat /sys/class/net/eth0/statistics/rx_packets)
if pg kpktgend_0 rem_device_all && pg kpktgend_0 "add_device psw0" &&
	pg psw0 "count 2000" && pg psw0 "pkt_size 60" && pg psw0 "delay 0" &&
	pg psw0 "dst 10.1.1.6" && pg psw0 "src_min 172.30.1.2" && pg psw0 "src_max 172.30.1.2" &&
	pg psw0 "dst_mac $smac" && pg psw0 "udp_dst_min 9" && pg psw0 "udp_dst_max 9"; then
	out=$(pg psw0 "clone_skb 10" 2>&1)
	rc=$?
	check "psw0 refuses pktgen's clone_skb: $out" test $rc != 0
	expect "psw0 takes clone_skb 0" pg psw0 "clone_skb 0"
	expect "pktgen sends 2000 frames on psw0" pg pgctrl start
	sent=$(awk '/pkts-sofar:/ { print $2 }' /proc/net/pktgen/psw0)
	rx=$(($(ip netns exec pod1 cat /sys/class/net/eth0/statistics/rx_packets) - rx0))
	check "pod1 received them through the switch (pktgen sent $sent, pod1 got $rx)" \
		test "$sent" = 2000 -a "$rx" -ge 2000
	pg kpktgend_0 rem_device_all
else
	fail "pktgen on psw0 (/proc/net/pktgen: $(ls /proc/net/pktgen 2>&1 | xargs))"
	pass "pktgen on psw0"
fi
