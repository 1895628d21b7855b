# shellcheck shell=bash
# Shared by the bench guests (bench/*-guest.sh), inside the bench VM: the
# two paths every benchmark compares, and how a run is measured. Sourced
# with the guest's arguments, BUILD [SECONDS per run], by bench/run.
build=$1 secs=${2:-5}
export PSW_BUILD=$build PSWCTL=$PSW_REPO/ctl/pswctl
. "$PSW_REPO/tests/netns/lib.sh"
psw_load

# bench_pods: pod1 -> pod2 through podswitch (psw0), pod3 -> pod4 through
# the kernel's IP forwarding between the same kind of veths (Calico's way:
# /32 routes, proxy ARP), each with an iperf3 server on the second pod.
bench_pods() {
	mkswitch psw0
	mkpod pod1 10.1.1.6
	mkpod pod2 10.1.1.7
	sysctl -qw net.ipv4.ip_forward=1
	# Proxy ARP answers for the pods' gateway only if it is routed
	# elsewhere: a dummy device holds the route.
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
	ip netns exec pod1 ping -c 1 -W 2 10.1.1.7 >/dev/null || bail "podswitch path broken"
	ip netns exec pod3 ping -c 1 -W 2 10.2.1.7 >/dev/null || bail "kernel path broken"
}

# tcp NS DST: one iperf3 TCP run of $secs seconds, in Mbit/s.
tcp() {
	ip netns exec "$1" iperf3 -c "$2" -t "$secs" -J |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6)'
}

# udp_pps NS DST: 64-byte UDP datagrams received per second.
udp_pps() {
	ip netns exec "$1" iperf3 -c "$2" -u -b 0 -l 64 -t "$secs" -J |
		python3 -c '
import json, sys
s = json.load(sys.stdin)["end"]["sum"]
print((s["packets"] - s["lost_packets"]) / s["seconds"])'
}

# The middle of three numbers.
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

# bench_compare NS1 DST1 NS2 DST2: the two paths alternated, three rounds;
# prints the medians: TCP Mbit/s 1, 2, then UDP 64-byte pps 1, 2.
bench_compare() {
	local round t1=() t2=() u1=() u2=()
	for round in 1 2 3; do
		t1+=("$(tcp "$1" "$2")")
		t2+=("$(tcp "$3" "$4")")
		u1+=("$(udp_pps "$1" "$2")")
		u2+=("$(udp_pps "$3" "$4")")
	done
	echo "$(median "${t1[@]}") $(median "${t2[@]}") $(median "${u1[@]}") $(median "${u2[@]}")"
}
