#!/bin/bash
# What a hostile pod sends, by hand-made frames (tests/netns/frames.py),
# and what it must not get: the host's loopback, martians forwarded, ICMP
# errors reflected at line rate, "ICMP errors" past ACLs to third pods, a
# NAT backend's address in the switch's own errors.
. "$(dirname "$0")/lib.sh"
FRAMES="python3 -S $(dirname "$0")/frames.py"
topology psw0 pod1=10.1.1.6 pod2=10.1.1.7 pod3=10.1.1.8 10.1.0.0/16
gw=$(cat /sys/class/net/veth-pod1/address)
# frames N SPEC... [-- ...]: N frames from pod1 to the switch.
frames() {
	local n=$1
	shift
	$FRAMES pod1 eth0 "$n" dmac="$gw" src=10.1.1.6 "$@"
}

# 1. Martian destinations (RFC 1812 5.3.7). kube-proxy sets route_localnet,
# which lets the host accept 127/8 from outside (CVE-2020-8558): with a
# default route to the host, a pod must still not reach its loopback.
sysctl -qw net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.psw0.route_localnet=1 ||
	bail "route_localnet"
require "a default route to the host" "$PSWCTL" route add psw0 0.0.0.0/0 host
m0=$(counter ip4-input "martian destination address")
expect_eq "5 UDP datagrams to the host's 127.0.0.1:9999 do not arrive" "sent 5 received 0" \
	"$(frames 5 dst=127.0.0.1 dport=9999 -- - udp:127.0.0.1:9999 1 2>&1)"
"$PSWCTL" trace add psw0 6 || fail "trace armed"
for dst in 127.1.2.3 0.0.0.1 224.0.0.251 239.1.1.1 240.0.0.1 255.255.255.255; do
	frames 1 dst=$dst dport=9999 >/dev/null || fail "send to $dst"
done
expect_eq "they and 6 more to 127/8, 0/8, multicast, 240/4 and broadcast are counted as martians" \
	11 "$(($(counter ip4-input "martian destination address") - m0))" ||
	"$PSWCTL" trace show psw0
expect_eq "a datagram to pod2 passes (the frames are right)" "sent 1 received 1" \
	"$(frames 1 dst=10.1.1.7 dport=9999 -- pod2 eth0 2 proto=udp dport=9999 2>&1)"

# 2. ICMP errors are rate-limited: 200 TTL-1 packets at once get the burst
# and the rate, not 200 errors.
require "icmp-rate 10, burst 5" "$PSWCTL" switch set psw0 icmp-rate 10 icmp-burst 5
t0=$(counter ip4-rewrite "ttl expired") l0=$(counter ip4-rewrite "ICMP errors rate-limited")
start=$SECONDS
out=$(frames 200 dst=10.1.1.7 ttl=1 -- pod1 eth0 2 proto=icmp type=11 2>&1)
got=${out##* }
took=$((SECONDS - start + 1))
[ "$((  $(counter ip4-rewrite "ttl expired") - t0))" = 200 ] || fail "all 200 expired in the switch"
[ "$got" -ge 5 ] && [ "$got" -le $((5 + 10 * took)) ] ||
	fail "time exceeded errors within the burst and the rate: $out in ${took}s"
[ "$(($(counter ip4-rewrite "ICMP errors rate-limited") - l0))" -ge $((200 - 5 - 10 * took)) ] ||
	fail "the errors held back counted"
pass "200 TTL-1 packets: $got time exceeded errors back, the rest counted as rate-limited"
check "the default rate again" "$PSWCTL" switch set psw0 icmp-rate 1000 icmp-burst 50

# 3. An ICMP error passes an ACL by the session it quotes only when it goes
# back to the quoted packet's source. pod1 may only send UDP to port 7000
# (reflect); its one session must not carry "errors" to pod3.
ip netns exec pod2 $NSTOOL echo-server 10.1.1.7 7000 &
wait_listen pod2 7000
cat >/tmp/hostile.psw <<'B'
acl set psw0 1 reflect proto udp dport 7000
acl bind psw0 dev veth-pod1 in 1
B
require "pod1 may send UDP to port 7000 only" "$PSWCTL" -b /tmp/hostile.psw
require "pod1's session to pod2:7000 from port 40000" \
	ip netns exec pod1 $NSTOOL udp-from 40000 10.1.1.7 7000
quote="q.src=10.1.1.6 q.dst=10.1.1.7 q.proto=udp q.sport=40000 q.dport=7000"
d0=$(counter acl-in "no rule matched")
expect_eq "5 errors quoting pod1's session, sent to pod3, do not arrive" "sent 5 received 0" \
	"$(frames 5 dst=10.1.1.8 proto=icmp type=3 code=3 $quote len=200 -- pod3 eth0 2 proto=icmp 2>&1)"
expect_eq "they are denied by acl-in" 5 "$(($(counter acl-in "no rule matched") - d0))"
expect_eq "an error about pod2's packet to pod1 goes back to pod2" "sent 1 received 1" \
	"$(frames 1 dst=10.1.1.7 proto=icmp type=3 code=3 q.src=10.1.1.7 q.dst=10.1.1.6 \
		q.proto=udp q.sport=7000 q.dport=40000 -- pod2 eth0 2 proto=icmp type=3 2>&1)"
check "pod1's ACL unbound" "$PSWCTL" acl bind psw0 dev veth-pod1 in

# 4. The switch's own errors about a packet NAT translated quote the packet
# as its sender sent it, so that PMTU discovery works through a VIP and the
# backend stays hidden.
ip link set veth-pod2 mtu 1000
require "a service 10.96.0.10:80 -> pod2:7000" \
	"$PSWCTL" nat44 service add psw0 udp 10.96.0.10:80 backend 10.1.1.7:7000
expect_eq "1200 bytes with DF to the VIP: frag needed about pod1 -> 10.96.0.10:80" "sent 1 received 1" \
	"$(frames 1 dst=10.96.0.10 dport=80 sport=40001 df=1 len=1200 -- pod1 eth0 2 proto=icmp type=3 code=4 \
		src=169.254.1.1 dst=10.1.1.6 q.src=10.1.1.6 q.dst=10.96.0.10 q.sport=40001 q.dport=80 2>&1)"
expect_eq "and never about the backend" "sent 1 received 0" \
	"$(frames 1 dst=10.96.0.10 dport=80 sport=40001 df=1 len=1200 -- pod1 eth0 2 proto=icmp \
		q.dst=10.1.1.7 2>&1)"
# The rate limit leaves fragmentation needed alone, as the kernel's does:
# one pod's flood must not break every other pod's PMTU discovery.
check "icmp-rate 1, burst 1" "$PSWCTL" switch set psw0 icmp-rate 1 icmp-burst 1
expect_eq "20 packets too big with DF: 20 frag needed back" "sent 20 received 20" \
	"$(frames 20 dst=10.96.0.10 dport=80 sport=40001 df=1 len=1200 -- pod1 eth0 2 proto=icmp type=3 code=4 2>&1)"
# Back to pod2's own MTU: a veth whose ends differ drops what the smaller
# end cannot take, which no switch can help.
ip link set veth-pod2 mtu 1500 || bail "veth-pod2's MTU back"
check "the default rate again" "$PSWCTL" switch set psw0 icmp-rate 1000 icmp-burst 50

# 5. Fragments: a pod's spoofed fragments are dropped before reassembly;
# the pods' incomplete ones hold at most half the netns's reassembly
# memory, so the host still reassembles its own packets. (Fragments wait
# 3 s here, not 30, so that the memory is free again for the next test.)
ip netns add peer
ip link add vpeer type veth peer name eth0 netns peer
printf '%s\n' "addr add 192.0.2.2/24 dev eth0" "link set eth0 up" | ip -n peer -batch - || bail "peer"
ip addr add 192.0.2.1/24 dev vpeer && ip link set vpeer up || bail "vpeer"
sysctl -qw net.ipv4.ipfrag_time=3 || bail "ipfrag_time"
cat >/tmp/hostile-frag.psw <<'B'
acl set psw0 2 permit
acl bind psw0 dev veth-pod1 in 2
B
require "an ACL on pod1: fragments are reassembled" "$PSWCTL" -b /tmp/hostile-frag.psw
reasm_reqds() {
	awk '/^Ip:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["ReasmReqds"] }' \
		/proc/net/snmp
}
frag_mem() {
	awk '$1 == "FRAG:" { print $5 }' /proc/net/sockstat
}
s0=$(counter ip4-input "spoofed source address") r0=$(reasm_reqds)
frames 50 src=10.9.9.9 dst=10.1.1.7 mf=1 id=100+ len=1000 >/dev/null || fail "spoofed fragments sent"
expect_eq "50 spoofed first fragments are dropped as spoofed" 50 \
	"$(($(counter ip4-input "spoofed source address") - s0))"
expect_eq "none of them was held for reassembly" "$r0" "$(reasm_reqds)"
f0=$(counter ip4-input "reassembly memory full")
frames 3000 dst=10.1.1.7 mf=1 id=1000+ len=1400 >/dev/null || fail "incomplete fragments sent"
high=$(sysctl -n net.ipv4.ipfrag_high_thresh)
mem=$(frag_mem)
[ "$mem" -le $((high / 2 + 4096)) ] || fail "reassembly memory $mem of $high"
[ "$(counter ip4-input "reassembly memory full")" -gt "$f0" ] || fail "counted"
pass "3000 incomplete fragments hold $mem bytes, at most half of $high; the rest counted"
expect "the host reassembles a 3000-byte ping from elsewhere meanwhile" \
	ip netns exec peer ping -c 1 -W 2 -s 3000 192.0.2.1
check "the fragments expire" wait_for 20 sh -c "[ \"\$(awk '\$1 == \"FRAG:\" { print \$5 }' /proc/net/sockstat)\" = 0 ]"
sysctl -qw net.ipv4.ipfrag_time=30

# 6. Sessions: once the table is three quarters full, one pod's new flows
# take no more than its port's share (port-max-sessions), so that another
# pod still opens its own.
cat >/tmp/hostile-sess.psw <<'B'
acl bind psw0 dev veth-pod1 in
acl set psw0 3 reflect proto udp
acl bind psw0 dev veth-pod1 in 3
acl bind psw0 dev veth-pod3 in 3
session flush psw0
switch set psw0 max-sessions 100
B
require "pods 1 and 3 open UDP sessions; a table of 100" "$PSWCTL" -b /tmp/hostile-sess.psw
check "a pod opens at most 50 of them" "$PSWCTL" switch set psw0 port-max-sessions 50
q0=$(counter acl-out "port's session quota reached")
frames 200 dst=10.1.1.7 sport=20000+ dport=7000 >/dev/null || fail "200 flows sent"
expect_eq "pod1's 200 new flows: 75 sessions, its 50 and the room below three quarters" 75 \
	"$("$PSWCTL" session show psw0 | grep -c ' 10\.1\.1\.6:')"
expect_eq "the other 125 dropped, counted" 125 \
	"$(($(counter acl-out "port's session quota reached") - q0))"
ip netns exec pod2 $NSTOOL echo-server 10.1.1.7 7001 &
wait_listen pod2 7001
expect "pod3 still opens a session" ip netns exec pod3 $NSTOOL udp-from 41000 10.1.1.7 7001

# 7. Whoever knows a connection's addresses and ports (here its own pod)
# cannot end its session with a RST or FIN out of the window.
cat >/tmp/hostile-tcp.psw <<'B'
switch set psw0 max-sessions 500000 port-max-sessions 125000
acl set psw0 4 reflect proto tcp
acl bind psw0 dev veth-pod1 in 4
session flush psw0
B
require "pod1 may open TCP connections" "$PSWCTL" -b /tmp/hostile-tcp.psw
ip netns exec pod2 $NSTOOL echo-server 10.1.1.7 8081 &
wait_listen pod2 8081
rm -f /tmp/hostile-stop
ip netns exec pod1 $NSTOOL tcp-streams 10.1.1.7 8081 1 120 /tmp/hostile-stop >/tmp/hostile-streams.log 2>&1 &
streams=$!
wait_for 30 sh -c "'$PSWCTL' session show psw0 | grep -q 'tcp 10\.1\.1\.6:[0-9]* -> 10\.1\.1\.7:8081 established'" ||
	fail "pod1's connection established"
sport=$("$PSWCTL" session show psw0 | sed -n 's/.*tcp 10\.1\.1\.6:\([0-9]*\) -> 10\.1\.1\.7:8081 established.*/\1/p' | head -n 1)
frames 1 dst=10.1.1.7 proto=tcp sport="$sport" dport=8081 flags=R seq=123456 >/dev/null &&
	frames 1 dst=10.1.1.7 proto=tcp sport="$sport" dport=8081 flags=FA seq=123456 >/dev/null ||
	fail "a RST and a FIN with a wrong sequence number sent"
expect "after a RST and a FIN out of the window, the session is still established" sh -c \
	"'$PSWCTL' session show psw0 | grep -q 'tcp 10\.1\.1\.6:$sport -> 10\.1\.1\.7:8081 established'"
touch /tmp/hostile-stop
wait $streams || fail "the connection: $(cat /tmp/hostile-streams.log)"
pass "and the connection went on: $(cat /tmp/hostile-streams.log)"
expect "its real end makes it transient" wait_for 10 sh -c \
	"'$PSWCTL' session show psw0 | grep -q 'tcp 10\.1\.1\.6:$sport -> 10\.1\.1\.7:8081 transient'"
