#!/bin/bash
# Differential ACL test: random rule sets and 10000 random packets aimed
# at their edges (tests/netns/acldiff.py), each packet's verdict by
# podswitch (pod1 -> pod2 through an ACL bound in on pod1's port)
# compared with nftables' given the same rules (a router netns whose
# forward chain holds them, in order, policy drop). Every disagreement is
# printed with the rules.
. "$(dirname "$0")/lib.sh"
ACLDIFF="python3 -S $(dirname "$0")/acldiff.py"
topology psw0 pod1=10.1.1.6 pod2=10.1.1.7
# The reference: src -> ref (nftables) -> dst.
for ns in src ref dst; do ip netns add $ns; done
ip -n src link add eth0 type veth peer name in netns ref
ip -n dst link add eth0 type veth peer name out netns ref
cat <<'B' | ip -n ref -batch - || bail "ref"
addr add 192.168.7.1/24 dev in
addr add 192.168.8.1/24 dev out
link set in up
link set out up
route add 10.200.0.0/16 via 192.168.8.2
B
ip -n src link set eth0 up && ip -n dst link set eth0 up || bail "src, dst up"
ip -n dst addr add 192.168.8.2/24 dev eth0 || bail "dst address"
# The receivers answer nothing back into the test's address space.
ip -n dst route add blackhole 10.200.0.0/16 && ip -n pod2 route add blackhole 10.200.0.0/16 ||
	bail "blackholes"
ip netns exec ref sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.in.rp_filter=0 net.ipv4.conf.default.rp_filter=0 || bail "ref sysctl"
ip -n ref neigh replace 192.168.8.2 lladdr "$(ip netns exec dst cat /sys/class/net/eth0/address)" dev out ||
	bail "ref neighbor"
# podswitch: any source from pod1, 10.200.0.0/16 to pod2.
cat >/tmp/acldiff.psw <<'B'
switch set psw0 anti-spoof off
route add psw0 10.200.0.0/16 via 10.1.1.7 dev veth-pod2
B
require "pod1 may send from any address; 10.200.0.0/16 goes to pod2" "$PSWCTL" -b /tmp/acldiff.psw

# A packet lost in a backlog would read as denied: room for all of them
# (the debug kernel, loaded, leaves softirq work to ksoftirqd), and a
# check that none was lost.
backlog=$(sysctl -n net.core.netdev_max_backlog)
sysctl -qw net.core.netdev_max_backlog=100000 || bail "netdev_max_backlog"
softnet_drops() {
	python3 -S -c 'print(sum(int(l.split()[1], 16) for l in open("/proc/net/softnet_stat")))'
}
drops0=$(softnet_drops)
podgw=$(cat /sys/class/net/veth-pod1/address)
refmac=$(ip netns exec ref cat /sys/class/net/in/address)
for seed in 1 2; do
	d=/tmp/acldiff-$seed
	mkdir -p $d
	nrules=$((seed == 1 ? 12 : 40))
	$ACLDIFF gen $seed $nrules 5000 $d || bail "seed $seed: rules and packets"
	# shellcheck disable=SC2046
	check "seed $seed: $nrules random rules in ACL 1, bound in on pod1" sh -c \
		"'$PSWCTL' $(cat $d/acl.psw) && '$PSWCTL' acl bind psw0 dev veth-pod1 in 1 && '$PSWCTL' session flush psw0"
	check "seed $seed: the same rules in nftables" sh -c \
		"ip netns exec ref nft delete table ip acldiff 2>/dev/null; ip netns exec ref nft -f $d/acl.nft"
	$ACLDIFF run $d pod1 eth0 "$podgw" pod2 eth0 >$d/psw || fail "seed $seed: sent through podswitch"
	$ACLDIFF run $d src eth0 "$refmac" dst eth0 >$d/nft || fail "seed $seed: sent through nftables"
	out=$($ACLDIFF compare $d $d/psw $d/nft 2>&1)
	rc=$?
	check "seed $seed: $(echo "$out" | head -n 1)" test $rc = 0 || echo "$out"
	[ -s $d/psw ] && [ -s $d/nft ] || fail "seed $seed: packets passed at all: psw $(wc -w <$d/psw), nft $(wc -w <$d/nft)"
	pass "seed $seed: some packets passed each side ($(wc -w <$d/psw) and $(wc -w <$d/nft))"
done
expect_eq "no packet was lost in a backlog" "$drops0" "$(softnet_drops)"
sysctl -qw net.core.netdev_max_backlog="$backlog"
