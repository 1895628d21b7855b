#!/bin/bash
# Inside the bench VM (bench/forward): pod -> pod forwarding through
# podswitch and through the kernel's own IP forwarding between the same
# kind of veths (Calico's way: /32 routes, proxy ARP), in the same VM.
set -u
build=$1 secs=${2:-5}
export PSW_BUILD=$build PSWCTL=$PSW_REPO/ctl/pswctl
. "$PSW_REPO/tests/netns/lib.sh"
psw_load

# podswitch: pod1 -> pod2
mkswitch psw0
mkpod pod1 10.1.1.6
mkpod pod2 10.1.1.7

# kernel forwarding: pod3 -> pod4. Proxy ARP answers for the pods'
# gateway only if it is routed elsewhere: a dummy device holds the route.
sysctl -qw net.ipv4.ip_forward=1
ip link add gw0 type dummy
ip link set gw0 up
ip route add 169.254.1.1/32 dev gw0
for p in "pod3 10.2.1.6" "pod4 10.2.1.7"; do
	set -- $p
	podns "$1" "$2"
	sysctl -qw "net.ipv4.conf.veth-$1.proxy_arp=1"
	ip route add "$2/32" dev "veth-$1"
done

ip netns exec pod2 iperf3 -s -D -B 10.1.1.7
ip netns exec pod4 iperf3 -s -D -B 10.2.1.7
wait_listen pod2 5201
wait_listen pod4 5201
ip netns exec pod1 ping -c 1 -W 2 10.1.1.7 >/dev/null || fail "podswitch path broken"
ip netns exec pod3 ping -c 1 -W 2 10.2.1.7 >/dev/null || fail "kernel path broken"

# measure NAME NS DST ARGS: one iperf3 run, prints its number.
tcp() {
	ip netns exec "$1" iperf3 -c "$2" -t "$secs" -J |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6)'
}
udp_pps() {
	ip netns exec "$1" iperf3 -c "$2" -u -b 0 -l 64 -t "$secs" -J |
		python3 -c '
import json, sys
s = json.load(sys.stdin)["end"]["sum"]
print((s["packets"] - s["lost_packets"]) / s["seconds"])'
}

# Alternate the two paths, three rounds, and take each one's median.
declare -A r
for round in 1 2 3; do
	r[psw_tcp_$round]=$(tcp pod1 10.1.1.7)
	r[k_tcp_$round]=$(tcp pod3 10.2.1.7)
	r[psw_udp_$round]=$(udp_pps pod1 10.1.1.7)
	r[k_udp_$round]=$(udp_pps pod3 10.2.1.7)
done
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
pt=$(median "${r[psw_tcp_1]}" "${r[psw_tcp_2]}" "${r[psw_tcp_3]}")
kt=$(median "${r[k_tcp_1]}" "${r[k_tcp_2]}" "${r[k_tcp_3]}")
pu=$(median "${r[psw_udp_1]}" "${r[psw_udp_2]}" "${r[psw_udp_3]}")
ku=$(median "${r[k_udp_1]}" "${r[k_udp_2]}" "${r[k_udp_3]}")
python3 - "$pt" "$kt" "$pu" "$ku" <<'PY'
import sys
pt, kt, pu, ku = map(float, sys.argv[1:])
print(f"pod -> pod TCP throughput: podswitch {pt:.0f} Mbit/s, kernel forwarding {kt:.0f} Mbit/s, ratio {pt / kt:.2f}")
print(f"pod -> pod UDP 64-byte packets: podswitch {pu:.0f} pps, kernel forwarding {ku:.0f} pps, ratio {pu / ku:.2f}")
PY
psw_cleanup >/dev/null 2>&1
