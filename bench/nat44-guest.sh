#!/bin/bash
# Inside the bench VM (bench/nat44).
#  1. Connections per second through a service VIP (connect, a byte each
#     way, close: netperf TCP_CRR's transaction), pod1 -> VIP -> pod2
#     through podswitch, vs. pod3 -> VIP -> pod4 through the kernel with
#     the service made the way kube-proxy's nftables mode makes it: a
#     verdict map of VIP . protocol . port in a dstnat prerouting chain,
#     a service chain picking an endpoint with numgen, DNAT, conntrack.
#  2. Established traffic through the VIP: iperf3 TCP and 64-byte UDP.
#  3. Service lookup: connections per second with 10 and 10000 services.
#  4. NAT memory: 50000 UDP sessions, slab object size and the growth of
#     Slab + VmallocUsed per session.
set -u
. "$PSW_REPO/bench/lib.sh"
bench_pods
ip netns exec pod2 $NSTOOL crr-server 10.1.1.7 8080 &
ip netns exec pod4 $NSTOOL crr-server 10.2.1.7 8080 &
wait_listen pod2 8080
wait_listen pod4 8080

cat >/tmp/svc.batch <<'B'
nat44 service add psw0 tcp 10.96.0.10:80 backend 10.1.1.7:8080
nat44 service add psw0 tcp 10.96.0.10:5201 backend 10.1.1.7:5201
nat44 service add psw0 udp 10.96.0.10:5201 backend 10.1.1.7:5201
B
"$PSWCTL" -b /tmp/svc.batch || bail "services"
for i in $(seq 1 7); do
	echo "nat44 service add psw0 tcp 10.97.0.$i:80 backend 10.1.1.7:8080"
done | "$PSWCTL" -b - || bail "10 services"
cat >/tmp/kp.nft <<'N'
table ip kube-proxy {
	map service-ips {
		type ipv4_addr . inet_proto . inet_service : verdict
		elements = { 10.112.0.10 . tcp . 80 : goto service-crr,
			     10.112.0.10 . tcp . 5201 : goto service-iperf-tcp,
			     10.112.0.10 . udp . 5201 : goto service-iperf-udp }
	}
	chain service-crr {
		numgen random mod 1 vmap { 0 : goto endpoint-crr }
	}
	chain endpoint-crr {
		meta l4proto tcp dnat to 10.2.1.7:8080
	}
	chain service-iperf-tcp {
		numgen random mod 1 vmap { 0 : goto endpoint-iperf-tcp }
	}
	chain endpoint-iperf-tcp {
		meta l4proto tcp dnat to 10.2.1.7:5201
	}
	chain service-iperf-udp {
		numgen random mod 1 vmap { 0 : goto endpoint-iperf-udp }
	}
	chain endpoint-iperf-udp {
		meta l4proto udp dnat to 10.2.1.7:5201
	}
	chain services {
		ip daddr . meta l4proto . th dport vmap @service-ips
	}
	chain nat-prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		jump services
	}
}
N
nft -f /tmp/kp.nft || bail "kube-proxy style nftables"
ip netns exec pod1 $NSTOOL tcp-try 10.96.0.10 80 5 >/dev/null 2>&1
ip netns exec pod1 $NSTOOL crr 10.96.0.10 80 1 >/dev/null || bail "podswitch VIP broken"
ip netns exec pod3 $NSTOOL crr 10.112.0.10 80 1 >/dev/null || bail "nftables VIP broken"

crr() { ip netns exec "$1" $NSTOOL crr "$2" 80 "$secs"; }

# 1 and 2: the two paths alternated, three rounds each.
c1=() c2=()
for round in 1 2 3; do
	c1+=("$(crr pod1 10.96.0.10)")
	c2+=("$(crr pod3 10.112.0.10)")
done
r=$(bench_compare pod1 10.96.0.10 pod3 10.112.0.10)
read -r pt nt pu nu <<<"$r"
pc=$(median "${c1[@]}") nc=$(median "${c2[@]}")

# 3. 10000 services.
python3 -c '
for i in range(9990):
    print(f"nat44 service add psw0 tcp 10.98.{i // 250}.{i % 250 + 1}:80 backend 10.1.1.7:8080")
' >/tmp/svc10k.batch
"$PSWCTL" -b /tmp/svc10k.batch || bail "10000 services"
nsvc=$("$PSWCTL" -j show psw0 nat44 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["services"]))')
[ "$nsvc" -ge 10000 ] || bail "services: $nsvc"
c10k=$(median "$(crr pod1 10.96.0.10)" "$(crr pod1 10.96.0.10)" "$(crr pod1 10.96.0.10)")

# 4. NAT memory: 50000 UDP sessions, one per source port.
"$PSWCTL" session flush psw0 || bail "session flush"
"$PSWCTL" set psw0 nat44 timeout udp 600 || bail "NAT44 UDP timeout"
mem() { awk '/^Slab:|^VmallocUsed:/ { s += $2 } END { print s }' /proc/meminfo; }
sync; echo 3 >/proc/sys/vm/drop_caches
before=$(mem)
ip netns exec pod1 python3 -c '
import socket
for p in range(10000, 60000):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.1.1.6", p))
    s.sendto(b"x", ("10.96.0.10", 5201))
    s.close()
'
sleep 1
after=$(mem)
nsess=$("$PSWCTL" -j session show psw0 nat44 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "${nsess:-0}" -ge 49000 ] || bail "NAT sessions: $nsess of 50000"
# SLUB may merge the cache with another of its size: sysfs still names it.
objsize=$(cat /sys/kernel/slab/psw_nat_session/slab_size 2>/dev/null || echo 0)
ctsize=$(cat /sys/kernel/slab/nf_conntrack/slab_size 2>/dev/null || echo 0)

python3 - "$pc" "$nc" "$pt" "$nt" "$pu" "$nu" "$c10k" "$nsvc" \
	"$before" "$after" "$nsess" "$objsize" "$ctsize" <<'PY'
import sys
pc, nc, pt, nt, pu, nu, c10k = map(float, sys.argv[1:8])
nsvc, before, after, nsess, objsize, ctsize = map(int, sys.argv[8:14])
print(f"connections/s through a VIP (TCP_CRR-like): podswitch {pc:.0f} vs "
      f"nftables DNAT map + conntrack (kube-proxy nftables mode) {nc:.0f}, ratio {pc / nc:.2f}")
print(f"established through a VIP: TCP {pt:.0f} vs {nt:.0f} Mbit/s, ratio {pt / nt:.2f}; "
      f"UDP 64-byte {pu:.0f} vs {nu:.0f} pps, ratio {pu / nu:.2f}")
print(f"service lookup: connections/s with 10 services {pc:.0f}, with {nsvc} services "
      f"{c10k:.0f}, ratio 10/{nsvc} {pc / c10k:.2f}")
grow = (after - before) * 1024 / max(nsess, 1)
print(f"NAT session memory: {nsess} sessions, slab object {objsize} bytes "
      f"(nf_conntrack object {ctsize} bytes, before its NAT extension), "
      f"Slab+Vmalloc growth {grow:.0f} bytes/session")
PY
psw_cleanup >/dev/null 2>&1
