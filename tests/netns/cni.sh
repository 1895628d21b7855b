#!/bin/bash
# The CNI plugin driven as a runtime drives it (Documentation/podswitch.rst,
# "CNI plugin"): environment and configuration on stdin, for every command
# and version; the switch it makes, the pods it attaches (address /32
# behind the switch address, a port with the pod's address and MAC), what
# DEL, CHECK and GC remove or find; each error a CNI error object with the
# spec's code, and after each failed ADD nothing left (no veth, no port, no
# IPAM reservation); 20 ADDs and then 20 DELs in parallel.
. "$(dirname "$0")/lib.sh"
psw_load
mkhost
CNI=$PSW_REPO/ctl/podswitch-cni
export CNI_PATH=/usr/lib/cni
rm -rf /tmp/cni-ipam
trap 'rm -rf /tmp/cni-ipam; psw_cleanup' EXIT

# conf NAME VERSION [MORE]: a network configuration; MORE is added to it.
conf() {
	printf '{"cniVersion":"%s","name":"%s","type":"podswitch","switch":"psw0","mtu":1400,' "$2" "$1"
	printf '"ipam":{"type":"host-local","dataDir":"/tmp/cni-ipam","ranges":[[{"subnet":"10.1.1.0/24"}]]}%s}' "${3:-}"
}
# cni COMMAND ID NETNS [IFNAME [CNI_ARGS]] <CONF: the plugin, as a runtime runs it.
cni() {
	env CNI_COMMAND="$1" CNI_CONTAINERID="$2" CNI_NETNS="$3" CNI_IFNAME="${4:-eth0}" \
		CNI_ARGS="${5:-IgnoreUnknown=1}" "$CNI"
}
# on NET CMD ID NETNS VERSION [MORE]: CMD for network NET (podnet) in
# VERSION, MORE added to its configuration.
on() {
	conf "$1" "$5" "${6:-}" | cni "$2" "$3" "$4"
}
# What an attachment leaves: veths, the switch's ports, IPAM reservations.
state() {
	echo "veths: $(ip -o link show type veth | awk -F': ' '{ print $2 }' | cut -d@ -f1 | sort | xargs);" \
		"pod ports: $("$PSWCTL" port show psw0 2>/dev/null | grep -c '^sw_if [0-9]* psw');" \
		"ipam: $(find /tmp/cni-ipam -type f ! -name lock ! -name 'last_reserved*' 2>/dev/null | sort | xargs)"
}
# add_ok WHAT ID NETNS VERSION [CNI_ARGS]: a successful ADD; its result in $res.
add_ok() {
	res=$(conf podnet "$4" | cni ADD "$2" "/run/netns/$3" eth0 "${5:-IgnoreUnknown=1}" 2>&1)
	check "$1: ADD ($4) $res" jq -e '.ips[0].address' <<<"$res"
}
ip netns add ctrA && ip netns add ctrB && ip netns add ctrC || bail "netns"

expect_eq "VERSION, in the version asked" '{"cniVersion":"1.0.0","supportedVersions":["0.3.1","0.4.0","1.0.0","1.1.0"]}' \
	"$(echo '{"cniVersion":"1.0.0"}' | CNI_COMMAND=VERSION CNI_NETNS=dummy "$CNI")"

# ---- ADD: the switch made, the pod attached ----
add_ok "first container" idA ctrA 1.0.0
resA=$res
addrA=$(jq -r '.ips[0].address' <<<"$resA")
ipA=${addrA%/32}
expect_eq "the result: one address, /32, behind the switch address" \
	"$addrA 169.254.1.1 1 0.0.0.0/0 169.254.1.1" \
	"$(jq -r '[.ips[0].address, .ips[0].gateway, .ips[0].interface, .routes[0].dst, .routes[0].gw] | join(" ")' <<<"$resA")"
expect_eq "the result: the host end, and eth0 in the sandbox" "eth0 /run/netns/ctrA null" \
	"$(jq -r '[.interfaces[1].name, .interfaces[1].sandbox, (.ips[0].version // "null")] | join(" ")' <<<"$resA")"
check "psw0 was made and is up" sh -c "ip -d link show psw0 | grep -q 'podswitch' && ip link show psw0 | grep -q ',UP'"
check "the IPAM subnet is routed into psw0" sh -c "ip route show 10.1.1.0/24 | grep -q 'dev psw0'"
hostA=$(jq -r '.interfaces[0].name' <<<"$resA")
macA=$(jq -r '.interfaces[1].mac' <<<"$resA")
check "the host end $hostA is a pod port with $ipA and $macA" \
	sh -c "'$PSWCTL' port show psw0 | grep -A1 ' $hostA pod mac $macA ip $ipA\$'"
expect_eq "in the container: eth0 $addrA, mtu 1400, default via the switch address" \
	"$addrA 1400 default via 169.254.1.1 dev eth0" \
	"$(ip -n ctrA -o -4 addr show eth0 | awk '{ print $4 }') $(ip -n ctrA -o link show eth0 | grep -o 'mtu [0-9]*' | cut -d' ' -f2) $(ip -n ctrA route show default | sed 's/ *$//')"
expect_eq "the host end's alias names the attachment" "podswitch-cni podnet idA eth0" \
	"$(cat /sys/class/net/"$hostA"/ifalias)"

add_ok "second container with IP= and MAC=" idB ctrB 1.0.0 "IgnoreUnknown=1;IP=10.1.1.50;MAC=02:00:00:00:00:42"
resB=$res
expect_eq "it has the address and MAC asked for" "10.1.1.50/32 02:00:00:00:00:42" \
	"$(jq -r '[.ips[0].address, .interfaces[1].mac] | join(" ")' <<<"$resB")"
expect "container A reaches container B" ip netns exec ctrA ping -c 1 -W 3 10.1.1.50
expect "the host reaches container A" ping -c 1 -W 3 "$ipA"

# ---- versions ----
add_ok "CNI 0.3.1" id031 ctrC 0.3.1
expect_eq "0.3.1 tags the IP with its version" "4" "$(jq -r '.ips[0].version' <<<"$res")"
expect "DEL (0.3.1)" on podnet DEL id031 /run/netns/ctrC 0.3.1
add_ok "CNI 0.4.0" id040 ctrC 0.4.0
expect_eq "0.4.0 tags the IP with its version" "4" "$(jq -r '.ips[0].version' <<<"$res")"
res040=$res
expect "CHECK (0.4.0)" on podnet CHECK id040 /run/netns/ctrC 0.4.0 ",\"prevResult\":$res040"
expect "DEL (0.4.0)" on podnet DEL id040 /run/netns/ctrC 0.4.0
res=$(conf podnet 1.1.0 | sed 's|"ranges"|"routes":[{"dst":"192.0.2.0/24"}],"ranges"|' | cni ADD id110 /run/netns/ctrC)
check "CNI 1.1.0 (host-local, a 1.0.0 plugin, is given 1.0.0): ADD $res" jq -e '.ips[0].address' <<<"$res"
expect_eq "IPAM's route, via the switch address, in the result and in the container" \
	"192.0.2.0/24 169.254.1.1 192.0.2.0/24 via 169.254.1.1 dev eth0" \
	"$(jq -r '[.routes[1].dst, .routes[1].gw] | join(" ")' <<<"$res") $(ip -n ctrC route show 192.0.2.0/24 | sed 's/ *$//')"
expect "DEL (1.1.0)" on podnet DEL id110 /run/netns/ctrC 1.1.0

# ---- CHECK ----
expect "CHECK of a healthy attachment" on podnet CHECK idA /run/netns/ctrA 1.0.0 ",\"prevResult\":$resA"
ip -n ctrA addr del "$addrA" dev eth0
expect_fail "CHECK finds the container's address gone" "\"code\":100.*does not have $ipA" \
	on podnet CHECK idA /run/netns/ctrA 1.0.0 ",\"prevResult\":$resA"
ip -n ctrA addr add "$addrA" dev eth0
ip -n ctrA route add 169.254.1.1 dev eth0
ip -n ctrA route add default via 169.254.1.1
expect_fail "CHECK without prevResult" '"code":7.*prevResult' on podnet CHECK idA /run/netns/ctrA 1.0.0
expect_fail "CHECK in 0.3.1" '"code":1,' on podnet CHECK idA /run/netns/ctrA 0.3.1 ",\"prevResult\":$resA"

# ---- DEL: sessions, idempotence, a missing netns ----
# A reflective ACL on A's port: A's ping to B is a session.
"$PSWCTL" acl set psw0 1 reflect && "$PSWCTL" acl bind psw0 dev "$hostA" in 1 || fail "ACL on $hostA"
ip netns exec ctrA ping -c 1 -W 3 10.1.1.50 >/dev/null
check "a session of container B" sh -c "'$PSWCTL' session show psw0 | grep -q '10.1.1.50'" ||
	"$PSWCTL" session show psw0
s0=$(state)
expect "DEL of container B" on podnet DEL idB /run/netns/ctrB 1.0.0 ",\"prevResult\":$resB"
check "its sessions went with it" sh -c "! '$PSWCTL' session show psw0 | grep -q '10.1.1.50'"
check "its veth, port and address are released: $(state)" sh -c "! ip link show $(jq -r '.interfaces[0].name' <<<"$resB") 2>/dev/null && [ ! -e /tmp/cni-ipam/podnet/10.1.1.50 ]"
expect "DEL again" on podnet DEL idB /run/netns/ctrB 1.0.0
expect "DEL with the netns gone" on podnet DEL idB /run/netns/nosuch 1.0.0
expect "DEL of what was never added" on podnet DEL idZ /run/netns/ctrB 1.0.0
expect "container A still reachable" ping -c 1 -W 3 "$ipA"

# ---- errors: each a CNI error with the spec's code, nothing left ----
s0=$(state)
# add_fails WHAT CODE PATTERN CONF [ID NETNS [CNI_ARGS]]
add_fails() {
	local out rc
	out=$(echo "$4" | cni ADD "${5:-idE}" "${6:-/run/netns/ctrC}" eth0 "${7:-IgnoreUnknown=1}" 2>/dev/null)
	rc=$?
	if [ $rc = 0 ] || ! jq -e ".code == $2" <<<"$out" >/dev/null || ! grep -Eq -- "$3" <<<"$out"; then
		fail "$1: exit $rc, want code $2 and /$3/: $out"
	fi
	[ "$(state)" = "$s0" ] || fail "$1: left behind: $(state), was $s0"
	pass "$1: code $2, nothing left"
}
add_fails "not JSON" 6 "not JSON" '{"cniVersion":'
add_fails "no name" 7 "name missing" '{"cniVersion":"1.0.0","type":"podswitch","ipam":{"type":"host-local"}}'
add_fails "no IPAM" 7 "ipam.type missing" '{"cniVersion":"1.0.0","name":"x","type":"podswitch"}'
add_fails "a version it does not know" 1 "cniVersion 9.9.9" "$(conf podnet 9.9.9)"
add_fails "a bad mtu" 7 "mtu must be" "$(conf podnet 1.0.0 | sed 's/"mtu":1400/"mtu":"big"/')"
add_fails "a netns that does not exist" 3 "/run/netns/nosuch" "$(conf podnet 1.0.0)" idE /run/netns/nosuch
ip link add notsw type dummy
add_fails "a switch that is not a podswitch" 7 "notsw is a dummy, not a podswitch" \
	"$(conf podnet 1.0.0 | sed 's/"psw0"/"notsw"/')"
ip link del notsw
add_fails "an IPAM plugin that is not there" 7 "IPAM plugin nosuch not found" \
	"$(conf podnet 1.0.0 | sed 's/"host-local"/"nosuch"/')"
add_fails "an IPAM failure (the address asked for is taken), with IPAM's own code" 999 "IPAM plugin host-local" \
	"$(conf podnet 1.0.0)" idE /run/netns/ctrC "IgnoreUnknown=1;IP=$ipA"
# A second network whose range overlaps the first: IPAM gives container A's
# address again, the switch refuses it on a second port, ADD undoes the
# veth and releases the reservation.
add_fails "the switch refuses the port (its address is another pod's)" 100 "cannot add psw" \
	"$(conf other 1.0.0 | sed "s|\"subnet\":\"10.1.1.0/24\"|\"subnet\":\"10.1.1.0/24\",\"rangeStart\":\"$ipA\",\"rangeEnd\":\"$ipA\"|")"
add_fails "an interface name taken in the container" 100 "exists already" "$(conf podnet 1.0.0)" idE /run/netns/ctrA
add_fails "an ipam.type that is a path" 7 "is not a plugin name" "$(conf podnet 1.0.0 | sed 's|"host-local"|"../../bin/true"|')"
out=$(conf podnet 1.0.0 | sed 's|"host-local"|"../../bin/true"|' | cni DEL idA /run/netns/ctrA)
expect_eq "nor in a DEL: code 7" 7 "$(jq .code <<<"$out")"
add_fails "a container ID that is not one" 4 "is not a container ID" "$(conf podnet 1.0.0)" "a b"
add_fails "a prevResult in ADD (podswitch comes first)" 7 "comes first" "$(conf podnet 1.0.0 ",\"prevResult\":$resA")"
ip route add 10.77.0.0/24 dev hostif
add_fails "a pod subnet the host routes elsewhere" 100 "routes 10.77.0.0/24 elsewhere than into psw0" \
	"$(conf podnet 1.0.0 | sed 's|10.1.1.0/24|10.77.0.0/24|')"
ip route del 10.77.0.0/24 dev hostif
out=$(conf podnet 1.0.0 | env -u CNI_CONTAINERID CNI_COMMAND=ADD CNI_NETNS=/run/netns/ctrC CNI_IFNAME=eth0 "$CNI")
expect_eq "no CNI_CONTAINERID: code 4" 4 "$(jq .code <<<"$out")"
out=$(conf podnet 1.0.0 | cni FROB idE /run/netns/ctrC)
expect_eq "an unknown command: code 4" 4 "$(jq .code <<<"$out")"

# ---- STATUS and GC (1.1.0) ----
status() { conf podnet 1.1.0 | env CNI_COMMAND=STATUS "$CNI"; }
expect "STATUS" status
out=$(conf podnet 1.0.0 | env CNI_COMMAND=STATUS "$CNI")
expect_eq "STATUS needs 1.1.0: code 1" 1 "$(jq .code <<<"$out")"
add_ok "a container GC will remove" idG ctrC 1.0.0
hostG=$(jq -r '.interfaces[0].name' <<<"$res") ipG=$(jq -r '.ips[0].address' <<<"$res")
gc() {
	conf podnet 1.1.0 ',"cni.dev/valid-attachments":[{"containerID":"idA","ifname":"eth0"}]' |
		env CNI_COMMAND=GC "$CNI"
}
expect "GC with container A the only valid attachment" gc
check "GC removed the other container's veth and address" \
	sh -c "! ip link show $hostG 2>/dev/null && [ ! -e /tmp/cni-ipam/podnet/${ipG%/32} ]"
check "and kept container A" ip link show "$hostA"
expect "container A still reachable" ping -c 1 -W 3 "$ipA"

# ---- a switch of the network's own settings ----
conf2() {
	conf net2 1.0.0 ",\"switchAddress\":\"$1\",\"switchMAC\":\"02:00:00:00:09:09\"" |
		sed 's/"psw0"/"psw1"/; s|10.1.1.0/24|10.2.2.0/24|'
}
res=$(conf2 169.254.9.9 | cni ADD idS /run/netns/ctrC)
check "ADD makes psw1 with switchAddress and switchMAC: $res" jq -e '.ips[0].address' <<<"$res"
expect_eq "the pod's gateway is that address" "169.254.9.9 169.254.9.9" \
	"$(jq -r '[.ips[0].gateway, .routes[0].gw] | join(" ")' <<<"$res")"
check "psw1 has them" sh -c "'$PSWCTL' switch show psw1 | grep -q 'mac 02:00:00:00:09:09 address 169.254.9.9'" ||
	"$PSWCTL" switch show psw1
expect "the pod reaches its gateway" ip netns exec ctrC ping -c 1 -W 3 169.254.9.9
del2() { conf2 169.254.9.9 | cni DEL idS /run/netns/ctrC; }
expect "DEL" del2
s0=$(state)
add_fails "a switchAddress that is no address" 7 "switchAddress must be" "$(conf2 bogus)"
add_fails "a switchAddress the switch refuses (loopback)" 7 "refused switchAddress" "$(conf2 127.0.0.1)"
ip link del psw1

# ---- 20 in parallel ----
s0=$(state)
for i in $(seq 20); do ip netns add "par$i"; done
for i in $(seq 20); do
	conf podnet 1.0.0 | cni ADD "par$i" "/run/netns/par$i" >"/tmp/cni-par$i.json" 2>&1 &
done
wait
n=0
for i in $(seq 20); do jq -e '.ips[0].address' "/tmp/cni-par$i.json" >/dev/null && n=$((n + 1)); done
expect_eq "20 parallel ADDs" 20 "$n"
n=$(for i in $(seq 20); do jq -r '.ips[0].address' "/tmp/cni-par$i.json"; done | sort -u | wc -l)
expect_eq "20 distinct addresses" 20 "$n"
for i in $(seq 20); do
	a=$(jq -r '.ips[0].address' "/tmp/cni-par$i.json")
	echo "ip netns exec ctrA ping -c 1 -W 3 ${a%/32} >/dev/null || echo par$i"
done >/tmp/cni-ping.sh
expect_eq "container A reaches all 20" "" "$(sh /tmp/cni-ping.sh)"
for i in $(seq 20); do
	conf podnet 1.0.0 | cni DEL "par$i" "/run/netns/par$i" &
done
wait
expect_eq "20 parallel DELs leave what was there before" "$s0" "$(state)"
for i in $(seq 20); do ip netns del "par$i"; done
rm -f /tmp/cni-par*.json /tmp/cni-ping.sh
