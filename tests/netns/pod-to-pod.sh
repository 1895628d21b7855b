#!/bin/bash
# Pods on one switch reach each other, the host and the switch; the
# switch is a hop in traceroute, expires TTLs, and answers pings.
. "$(dirname "$0")/lib.sh"
topology host psw0 pod1=10.1.1.6 pod2=10.1.1.7 10.1.0.0/16
ip netns exec pod2 $NSTOOL echo-server 10.1.1.7 8080 &
ip netns exec pod1 $NSTOOL echo-server 10.1.1.6 8080 &
wait_listen pod2 8080
wait_listen pod1 8080

expect "pod1 pings pod2" ip netns exec pod1 ping -c 3 -i 0.2 -W 2 -w 5 10.1.1.7
expect "pod2 pings pod1" ip netns exec pod2 ping -c 3 -i 0.2 -W 2 -w 5 10.1.1.6
expect "pod1 pings its gateway, the switch address" \
	ip netns exec pod1 ping -c 2 -i 0.2 -W 2 -w 5 169.254.1.1
expect "the host pings pod1" ping -c 2 -i 0.2 -W 2 -w 5 10.1.1.6
expect "pod1 pings the host" ip netns exec pod1 ping -c 2 -i 0.2 -W 2 -w 5 172.30.1.2
expect "pod1 -> pod2 TCP, 200 kB both ways" ip netns exec pod1 $NSTOOL tcp-echo 10.1.1.7 8080 200000
expect "pod2 -> host TCP" sh -c "
	python3 -S -c 'import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((\"172.30.1.2\", 9090)); s.listen(1)
c,_=s.accept(); d=c.recv(100); c.sendall(d); time.sleep(0.5)' &
	sleep 2
	ip netns exec pod2 $NSTOOL tcp-echo 172.30.1.2 9090 50"

ttl=$(ip netns exec pod1 ping -c 1 -W 2 10.1.1.7 | sed -n 's/.*ttl=\([0-9]*\).*/\1/p')
expect_eq "TTL decremented once on the way" 63 "$ttl"

out=$(ip netns exec pod1 ping -c 1 -t 1 -W 2 10.1.1.7 2>&1)
echo "$out" | grep -q "From 169.254.1.1 icmp_seq=1 Time to live exceeded" ||
	fail "TTL 1 expires at the switch: $out"
pass "TTL 1 expires at the switch, which says so from 169.254.1.1"

out=$(ip netns exec pod1 traceroute -n -q 1 -w 2 10.1.1.7 2>&1)
echo "$out" | grep -Eq '^ 1  169\.254\.1\.1 ' || fail "switch is hop 1: $out"
echo "$out" | grep -Eq '^ 2  10\.1\.1\.7 ' || fail "pod2 is hop 2: $out"
pass "traceroute shows the switch as a hop"

out=$(ip netns exec pod1 ping -c 1 -W 2 10.9.9.9 2>&1)
echo "$out" | grep -q "From 169.254.1.1 icmp_seq=1 Destination Net Unreachable" ||
	fail "no route: net unreachable from the switch: $out"
pass "no route: the switch answers net unreachable"

errs=$("$PSWCTL" show psw0 errors)
echo "$errs" | grep -Eq '^ +[1-9][0-9]* +ip4-rewrite +ttl expired$' || fail "ttl expired counted: $errs"
echo "$errs" | grep -Eq '^ +[1-9][0-9]* +ip4-lookup +no route$' || fail "no route counted: $errs"
echo "$errs" | grep -Eq '^ +[1-9][0-9]* +ip4-local +echo requests answered$' ||
	fail "echo replies counted: $errs"
pass "errors count ttl expired, no route and echo replies"

# Static routes: drop, and a more specific route wins.
expect "route add drop" "$PSWCTL" route add psw0 10.1.1.0/24 drop
expect "pod /32 still wins over the /24 drop" ip netns exec pod1 ping -c 1 -W 2 10.1.1.7
expect "route add a /32 drop" "$PSWCTL" route add psw0 10.1.1.7/32 drop
d0=$(counter ip4-lookup "drop route")
expect_fail "a static /32 drop beats the pod route" "100% packet loss" \
	ip netns exec pod1 ping -c 1 -W 1 10.1.1.7
expect_eq "dropped by the drop route" $((d0 + 1)) "$(counter ip4-lookup "drop route")"
expect "route del" "$PSWCTL" route del psw0 10.1.1.7/32
expect "pod2 reachable again" ip netns exec pod1 ping -c 1 -W 2 10.1.1.7
routes=$("$PSWCTL" show psw0 routes)
echo "$routes" | grep -qx "10.1.1.0/24 drop proto static" || fail "route show: $routes"
echo "$routes" | grep -qx "10.1.1.7/32 dev veth-pod2 proto pod" || fail "route show: $routes"
echo "$routes" | grep -qx "172.30.1.2/32 host proto host-address" || fail "route show: $routes"
pass "route show lists static, pod and host routes"

# host-routes follows the netns' addresses.
ip addr add 172.30.9.9/32 dev hostif || bail "host address 172.30.9.9"
wait_for 5 sh -c "'$PSWCTL' show psw0 routes | grep -q '^172.30.9.9/32 host'" ||
	fail "new host address not routed"
pass "host-routes adds a route for a new host address"
ip addr del 172.30.9.9/32 dev hostif || bail "host address 172.30.9.9 removed"
wait_for 5 sh -c "r=\$('$PSWCTL' show psw0 routes) && ! printf '%s\n' \"\$r\" | grep -q '^172.30.9.9/32'" ||
	fail "deleted host address still routed"
pass "host-routes removes it with the address"
expect "host-routes off" "$PSWCTL" switch set psw0 host-routes off
expect_none "no host routes when off" "proto host-address" "$PSWCTL" show psw0 routes
n0=$(counter ip4-lookup "no route")
expect_fail "pod1 cannot reach the host without host routes" "100% packet loss" \
	ip netns exec pod1 ping -c 1 -W 1 172.30.1.2
expect_eq "dropped for want of a route" $((n0 + 1)) "$(counter ip4-lookup "no route")"
# A static route out of the host port ("dev host" is the same).
expect "a static route to the host port" "$PSWCTL" route add psw0 172.30.1.2/32 host
expect_eq "route show: host, static" "172.30.1.2/32 host proto static" \
	"$("$PSWCTL" show psw0 routes | grep '^172\.30\.1\.2/')"
expect "trace armed" "$PSWCTL" trace psw0 add 3
expect "pod1 reaches the host by the static host route" ip netns exec pod1 ping -c 1 -W 2 172.30.1.2
expect "trace: the static host route" sh -c \
	"'$PSWCTL' trace psw0 show | grep -qx 'ip4-lookup: 172.30.1.2 matches 172.30.1.2/32 host (static)'"
expect "trace cleared" "$PSWCTL" trace psw0 clear
expect "dev host is the same route" sh -c \
	"'$PSWCTL' route del psw0 172.30.1.2/32 && '$PSWCTL' route add psw0 172.30.1.2/32 dev host"
expect_eq "dev host shows as host" "172.30.1.2/32 host proto static" \
	"$("$PSWCTL" show psw0 routes | grep '^172\.30\.1\.2/')"
expect "route del" "$PSWCTL" route del psw0 172.30.1.2/32
expect "host-routes on" "$PSWCTL" switch set psw0 host-routes on
expect "pod1 reaches the host again" ip netns exec pod1 ping -c 1 -W 2 172.30.1.2

# A port given its pod's MAC: a static neighbor at once, before any frame,
# and the pod's own frames do not override it.
podns pod3 10.1.1.8
expect "port add with a MAC given" "$PSWCTL" port add psw0 dev veth-pod3 ip 10.1.1.8 mac 02:00:00:00:00:08
expect "the port has the MAC at once" sh -c \
	"'$PSWCTL' show psw0 ports | grep -q '^sw_if [0-9]* veth-pod3 pod mac 02:00:00:00:00:08 ip 10.1.1.8$'"
expect "a static neighbor from the given MAC" sh -c \
	"'$PSWCTL' show psw0 neigh | grep -q '^10.1.1.8 dev veth-pod3 lladdr 02:00:00:00:00:08 PERMANENT'"
expect_fail "the pod's real MAC differs: frames to it are lost" "100% packet loss" \
	ip netns exec pod1 ping -c 1 -W 1 10.1.1.8
# pod3's own frames (its MAC is another) reach the switch...
expect_fail "pod3's ping gets no answer (its MAC is not the given one)" "100% packet loss" \
	ip netns exec pod3 ping -c 1 -W 1 10.1.1.6
expect "...and did not override the given MAC" sh -c \
	"'$PSWCTL' show psw0 ports | grep -q '^sw_if [0-9]* veth-pod3 pod mac 02:00:00:00:00:08 '"
check "the pod takes the given MAC" ip -n pod3 link set eth0 address 02:00:00:00:00:08
expect "pod1 reaches pod3" ip netns exec pod1 ping -c 1 -W 2 10.1.1.8

# A tap as a pod port: its far end, relayed by nstool, is a pod's eth0.
ip netns add pod4 || bail "netns pod4"
ip -n pod4 link add eth0 type veth peer name wire || bail "pod4's wire"
printf '%s\n' "addr add 10.1.1.9/32 dev eth0" "link set lo up" "link set eth0 up" "link set wire up" \
	"route add 169.254.1.1 dev eth0" "route add default via 169.254.1.1 dev eth0" |
	ip -n pod4 -batch - || bail "pod4 set up"
# The relay copies frames as bytes: no GSO frames and no checksums left to
# offload (a packet socket sees them unfilled).
ip netns exec pod4 ethtool -K eth0 tx off tso off gso off >/dev/null || bail "pod4 offloads"
# Debian's kernel has tun as a module, the debug kernel built in.
[ -e /dev/net/tun ] || modprobe tun || bail "no /dev/net/tun"
$NSTOOL tap-wire tap-pod4 pod4 wire >/tmp/tapwire.log 2>&1 &
tapwire=$!
wait_for 5 ip link show tap-pod4 || bail "tap-wire: $(cat /tmp/tapwire.log)"
ip link set tap-pod4 up || bail "tap-pod4 up"
"$PSWCTL" port add psw0 dev tap-pod4 ip 10.1.1.9 || bail "a tap as a pod port: $(cat /tmp/tapwire.log)"
pass "a tap as a pod port"
expect "pod1 pings the pod behind the tap" ip netns exec pod1 ping -c 2 -i 0.3 -W 2 -w 5 10.1.1.9
expect "TCP through the tap port (100 kB both ways)" ip netns exec pod4 $NSTOOL tcp-echo 10.1.1.7 8080 100000
p4mac=$(ip netns exec pod4 cat /sys/class/net/eth0/address)
expect "the pod's MAC learned through the tap" sh -c \
	"'$PSWCTL' show psw0 ports | grep -q '^sw_if [0-9]* tap-pod4 pod mac $p4mac ip 10.1.1.9$'"
kill $tapwire
wait $tapwire 2>/dev/null
wait_for 5 sh -c '! ip link show tap-pod4' || fail "the tap did not go with its process"
pass "the tap went with its process"
expect_none "and its port with it" " tap-pod4 " "$PSWCTL" show psw0 ports
check "an L3 tun" ip tuntap add tun9 mode tun
expect_fail "an L3 tun is no port" "not an Ethernet device" "$PSWCTL" port add psw0 dev tun9
check "the tun deleted" ip link del tun9

# The switch address can move; pods follow with their gateway.
expect "switch set address" "$PSWCTL" switch set psw0 address 169.254.2.2
expect "the switch answers on its new address" sh -c \
	"ip -n pod1 route add 169.254.2.2 dev eth0 && ip netns exec pod1 ping -c 1 -W 2 169.254.2.2"
expect_fail "and no more on the old one" "100% packet loss" \
	ip netns exec pod1 ping -c 1 -W 1 169.254.1.1
