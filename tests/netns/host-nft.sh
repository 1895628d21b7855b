#!/bin/bash
# The host's share of podswitch in netfilter (Documentation/podswitch.rst,
# "Host plumbing"): table ip podswitch, written through libnftnl.
#   pswctl host masquerade/show/flush/gc: a pod reaches a server beyond the
#   host's uplink with the host's address, and not without it; bad input
#   changes nothing.
#   The CNI plugin's "masquerade" and portMappings: a container's hostPorts
#   reached from outside (the client's address kept), from the host itself
#   (127.0.0.1 and its addresses), from the container itself and from
#   another container (hairpin), over TCP and UDP; pod to pod and pod to a
#   VIP not masqueraded; a taken hostPort refused; CHECK finds a rule
#   missing; DEL, GC and pswctl host gc leave no rule behind; two
#   containers added and deleted 50 times at once leave the table as it was.
#   The host's own tables are the same, byte for byte, after all of it.
. "$(dirname "$0")/lib.sh"
psw_load
mkhost
CNI=$PSW_REPO/ctl/podswitch-cni
export CNI_PATH=/usr/lib/cni
rm -rf /tmp/cni-ipam /tmp/hn
mkdir -p /tmp/hn
fwd0=$(sysctl -n net.ipv4.ip_forward)
trap 'kill $(jobs -p) 2>/dev/null; nft delete table inet hostfw; nft delete table ip hostnat
	sysctl -qw net.ipv4.ip_forward=$fwd0; rm -rf /tmp/cni-ipam /tmp/hn; psw_cleanup' EXIT

# pconf MAPPINGS [MASQUERADE]: podnet's configuration, runtimeConfig.portMappings MAPPINGS.
pconf() {
	printf '{"cniVersion":"1.1.0","name":"podnet","type":"podswitch","switch":"psw0","masquerade":%s,' "${2:-true}"
	printf '"capabilities":{"portMappings":true},"runtimeConfig":{"portMappings":%s},' "$1"
	printf '"ipam":{"type":"host-local","dataDir":"/tmp/cni-ipam","ranges":[[{"subnet":"10.1.1.0/24"}]]}}'
}
# cni COMMAND ID NETNS [PREV] <CONF
cni() {
	local conf
	IFS= read -r -d '' conf
	[ -n "${4:-}" ] && conf="${conf%\}},\"prevResult\":$4}"
	env CNI_COMMAND="$1" CNI_CONTAINERID="$2" CNI_NETNS="/run/netns/$3" CNI_IFNAME=eth0 \
		CNI_ARGS=IgnoreUnknown=1 "$CNI" <<<"$conf"
}

# ---- a kernel without nf_tables ----
# The stock kernel has it as a module: unloaded, and kept from loading
# again, it is absent. (The debug kernel has it built in: nothing to do.)
if grep -q '/nf_tables\.ko' "/lib/modules/$(uname -r)/modules.dep" 2>/dev/null; then
	# What the ADDs need loads first: no module loads after.
	modprobe veth
	modprobe0=$(cat /proc/sys/kernel/modprobe)
	echo /bin/false >/proc/sys/kernel/modprobe
	# Users first (netns of earlier tests may still be going): until it goes.
	unload() {
		local m
		for m in $(lsmod | awk '$1 == "nf_tables" { gsub(",", " ", $4); print $4 }'); do
			modprobe -r "$m" 2>/dev/null
		done
		rmmod nf_tables 2>/dev/null
		[ ! -e /sys/module/nf_tables ]
	}
	if wait_for 30 unload; then
		pass "nf_tables unloaded and kept from loading"
		expect_fail "pswctl host show says the kernel has no nf_tables" "the kernel has no nf_tables" \
			"$PSWCTL" host show
		ip netns add ctrZ
		out=$(pconf '[{"hostPort":8080,"containerPort":80}]' | cni ADD idZ ctrZ)
		expect_eq "an ADD with a hostPort fails (100), saying the kernel has no nf_tables" \
			"100 yes" "$(jq -r .code <<<"$out") $(grep -q 'has no nf_tables' <<<"$out" && echo yes)"
		expect_eq "... leaving no veth behind" "" "$(ip -o link show type veth)"
		r=$(pconf '[]' false | cni ADD idZ ctrZ)
		check "an ADD without either needs no nf_tables: $r" jq -e '.ips[0]' <<<"$r"
		pconf '[]' false | cni DEL idZ ctrZ
		expect_eq "nor its DEL" 0 $?
		ip netns del ctrZ
		# The switch the ADDs made, with its route: the test makes its own.
		ip link del psw0
	else
		fail "nf_tables could not be unloaded: $(lsmod | grep nf_tables)"
	fi
	echo "$modprobe0" >/proc/sys/kernel/modprobe
fi

table() { nft -j list table ip podswitch 2>&1; }
# notable WHAT: table ip podswitch does not exist.
notable() { expect_fail "$1" "No such file or directory" nft list table ip podswitch; }
notable "no table ip podswitch to begin with"

# A host beyond the node's uplink: it routes the pod subnet back to the
# host, so that what a pod sends without masquerade is answered too.
ip netns add outside
ip link add uplink0 type veth peer name eth0 netns outside || bail "uplink veth"
ip addr add 192.168.50.1/24 dev uplink0 && ip link set uplink0 up &&
	ip -n outside addr add 192.168.50.2/24 dev eth0 && ip -n outside link set eth0 up &&
	ip -n outside link set lo up && ip -n outside route add 10.1.0.0/16 via 192.168.50.1 ||
	bail "the outside"
ip netns exec outside $NSTOOL id-server 0.0.0.0 7000 outside &
wait_listen outside 7000

# who NS ADDR PORT: the id-server's answer "NAME PEER" (tcp), seen from NS
# ("-": the host); nothing if there is none within $T seconds (15).
who() {
	local ns=$1
	shift
	if [ "$ns" = - ]; then
		timeout "${T:-15}" $NSTOOL tcp-who "$@" 1
	else
		ip netns exec "$ns" timeout "${T:-15}" $NSTOOL tcp-who "$@" 1
	fi 2>/dev/null | awk '$1 == "peers" { print name, $2 } $1 != "peers" { name = $1 }'
}

# ---- pswctl host masquerade, on a switch pswctl made ----
mkswitch psw0
ip route add 10.1.0.0/16 dev psw0
mkpod pod9 10.1.9.6
# The host answers ARP for its own addresses only: the way out is via one.
"$PSWCTL" route add psw0 0.0.0.0/0 via 172.30.1.2 dev host || bail "the switch's default route to the host"
sysctl -qw net.ipv4.ip_forward=1
expect_eq "without masquerade the outside sees pod9's own address" "outside 10.1.9.6" \
	"$(who pod9 192.168.50.2 7000)"
sysctl -qw net.ipv4.ip_forward=0
expect_fail "masquerade on warns that the host does not forward" "ip_forward is 0" \
	sh -c "'$PSWCTL' host masquerade psw0 on 10.1.0.0/16 && exit 1"
sysctl -qw net.ipv4.ip_forward=1
expect_eq "host show: the masquerade, owned by the switch" \
	"psw0 masquerade 10.1.0.0/16 except 10.1.0.0/16 owner switch connections 0" \
	"$("$PSWCTL" host show)"
expect_eq "pod9 reaches the outside as the host (192.168.50.1)" "outside 192.168.50.1" \
	"$(who pod9 192.168.50.2 7000)"
expect_eq "host show -j counts the connection" "masquerade 10.1.0.0/16 1" \
	"$("$PSWCTL" -j host show | jq -r '.[] | [.type, .source, .connections] | join(" ")')"
expect_eq "the rule's comment names its owner" '"psw0 switch"' \
	"$(nft -j list table ip podswitch | jq -c '[.nftables[] | .rule? | select(.) | .comment] | unique | .[]')"
expect "masquerade on again: nothing new" "$PSWCTL" host masquerade psw0 on 10.1.0.0/16
expect_eq "still one rule" 1 "$(nft -a list table ip podswitch | grep -c masquerade)"
t1=$(table)
expect_fail "host masquerade: not on or off" "not on or off" "$PSWCTL" host masquerade psw0 maybe 10.1.0.0/16
expect_fail "host masquerade: no such switch" "no such switch" "$PSWCTL" host masquerade nosuch on 10.3.0.0/16
expect_fail "host masquerade: every address" "every address" "$PSWCTL" host masquerade psw0 on 0.0.0.0/0
expect_fail "host masquerade: not a prefix" "not an IPv4 prefix" "$PSWCTL" host masquerade psw0 on 10.1.0.300/16
expect_fail "host masquerade: too many words" "unexpected" "$PSWCTL" host masquerade psw0 on 10.1.0.0/16 now
expect_fail "host gc takes no switch" "unexpected" "$PSWCTL" host gc psw0
expect_eq "the refused commands changed nothing" "$t1" "$(table)"
expect "masquerade off" "$PSWCTL" host masquerade psw0 off 10.1.0.0/16
notable "its last rule gone, the table is gone"
expect_fail "masquerade off again: there is none" "does not masquerade 10.1.0.0/16" \
	"$PSWCTL" host masquerade psw0 off 10.1.0.0/16
expect_eq "pod9 is no longer masqueraded" "outside 10.1.9.6" "$(who pod9 192.168.50.2 7000)"

# The host's own ruleset: hooks beside ours, in the same nat chains' places.
nft -f - <<'NFT_END' || bail "the host's own tables"
table inet hostfw {
	chain input { type filter hook input priority 0; policy accept; tcp dport 2222 drop; }
	chain forward { type filter hook forward priority 0; policy accept; ct state invalid drop; }
}
table ip hostnat {
	chain pre { type nat hook prerouting priority -90; tcp dport 9999 dnat to 192.0.2.1; }
	chain post { type nat hook postrouting priority 110; oifname "nowhere0" masquerade; }
}
NFT_END
foreign() { nft -j list table inet hostfw && nft -j list table ip hostnat; }
f0=$(foreign)


# flush and gc: one switch's rules, not the other's.
mkswitch psw1
expect "masquerade on two switches" "$PSWCTL" -b - <<'PSW_END'
host masquerade psw0 on 10.1.0.0/16
host masquerade psw1 on 10.2.0.0/16
PSW_END
expect "host flush psw0" "$PSWCTL" host flush psw0
expect_eq "only psw1's rule is left" "psw1 10.2.0.0/16" \
	"$("$PSWCTL" -j host show | jq -r '.[] | [.switch, .source] | join(" ")')"
expect_eq "host show psw0 shows psw0's only: none" "" "$("$PSWCTL" host show psw0)"
ip link del psw1
expect "host gc after psw1 is deleted" "$PSWCTL" host gc
notable "nothing is left, not even the table"

# A change that comes between another's listing and its batch: the batch,
# bound to the generation it listed, is refused (ERESTART) and that change
# decides again. Here "off" lists psw0's rule alone and would delete the
# table with it; strace holds its batch (its 4th sendto) until psw1's rule
# is in.
expect "psw0 masquerades 10.1.0.0/16, alone in the table" "$PSWCTL" host masquerade psw0 on 10.1.0.0/16
mkswitch psw1
rm -f /tmp/hn/strace.log
strace -f -e trace=sendto,recvmsg,recvfrom -e inject=sendto:delay_enter=5000000:when=4 \
	"$PSWCTL" host masquerade psw0 off 10.1.0.0/16 2>/tmp/hn/strace.log &
sp=$!
wait_for 60 grep -q NLMSG_DONE /tmp/hn/strace.log || fail "the held change never listed the table"
expect "meanwhile, psw1 masquerades 10.2.0.0/16" "$PSWCTL" host masquerade psw1 on 10.2.0.0/16
wait $sp
expect_eq "the held change ends well" 0 $?
expect_eq "its batch was refused once (ERESTART), and it decided again" 1 \
	"$(grep -c 'error=-ERESTART' /tmp/hn/strace.log)"
expect_eq "psw1's rule is there, psw0's is gone" "psw1 10.2.0.0/16" \
	"$("$PSWCTL" -j host show | jq -r '.[] | [.switch, .source] | join(" ")')"
"$PSWCTL" host flush psw1
ip link del psw1

# ---- the CNI plugin ----
ip netns add ctrA && ip netns add ctrB || bail "netns"
"$PSWCTL" route del psw0 0.0.0.0/0 || fail "the default route pswctl's part made, deleted"
mapsA='[{"hostPort":8080,"containerPort":80,"protocol":"tcp","hostIP":""},
 {"hostPort":8081,"containerPort":80,"protocol":"udp"},
 {"hostPort":8082,"containerPort":80,"protocol":"tcp","hostIP":"172.30.1.2"},
 {"hostPort":8083,"containerPort":80,"protocol":"tcp","hostIP":"::"}]'
sysctl -qw net.ipv4.ip_forward=0
resA=$(pconf "$mapsA" | cni ADD idA ctrA)
require "container A with four portMappings: ADD $resA" jq -e '.ips[0].address' <<<"$resA"
ipA=$(jq -r '.ips[0].address' <<<"$resA")
ipA=${ipA%/32}
ip netns exec ctrA $NSTOOL id-server 0.0.0.0 80 A &
wait_listen ctrA 80
expect_eq "ADD turned forwarding and psw0's route_localnet on" "1 1" \
	"$(sysctl -n net.ipv4.ip_forward) $(sysctl -n net.ipv4.conf.psw0.route_localnet)"
expect_eq "ADD routed the switch's default to the host, via the host's address towards the pod" \
	"0.0.0.0/0 via $(ip -o route get "$ipA" | grep -o 'src [0-9.]*' | cut -d' ' -f2) dev host proto static" \
	"$("$PSWCTL" route show psw0 | grep '^0.0.0.0/0')"
expect_eq "host show: three hostPorts (the IPv6 one is not podswitch's) and the masquerade of A" \
	"$(printf '%s\n' "psw0 hostport tcp *:8080 -> $ipA:80 owner idA/eth0 connections 0 from-host 0 hairpin 0" \
		"psw0 hostport udp *:8081 -> $ipA:80 owner idA/eth0 connections 0 from-host 0 hairpin 0" \
		"psw0 hostport tcp 172.30.1.2:8082 -> $ipA:80 owner idA/eth0 connections 0 from-host 0 hairpin 0" \
		"psw0 masquerade $ipA except 10.1.1.0/24 owner idA/eth0 connections 0" | sort)" \
	"$("$PSWCTL" host show psw0 | sort)"
expect_eq "the outside reaches A at the host's address, A sees the client" "A 192.168.50.2" \
	"$(who outside 192.168.50.1 8080)"
# A neighbour that routes 127.0.0.1 to the host (its own loopback routes
# gone, route_localnet on) must not reach a hostPort: the host drops that
# as a martian, unless a DNAT in prerouting took it first.
ip -n outside route del local 127.0.0.1 dev lo table local &&
	ip -n outside route del local 127.0.0.0/8 dev lo table local &&
	ip -n outside route add 127.0.0.1/32 via 192.168.50.1 dev eth0 &&
	ip netns exec outside sysctl -qw net.ipv4.conf.eth0.route_localnet=1 ||
	fail "the outside routing 127.0.0.1 to the host"
c0=$("$PSWCTL" -j host show | jq '[.[] | select(.host_port == 8080) | .connections] | add')
expect_fail "a neighbour sending to 127.0.0.1:8080 through the host does not reach A" "timed out" \
	ip netns exec outside $NSTOOL tcp-try 127.0.0.1 8080 3
expect_eq "... nothing of it was translated" "$c0" \
	"$("$PSWCTL" -j host show | jq '[.[] | select(.host_port == 8080) | .connections] | add')"
ip -n outside route del 127.0.0.1/32 && ip -n outside link set lo down && ip -n outside link set lo up
expect_eq "over UDP too, answered from the host's address and port" "A 1
peers 192.168.50.2" "$(ip netns exec outside timeout 15 $NSTOOL udp-who 192.168.50.1 8081 1)"
expect_eq "the host reaches A at 127.0.0.1:8080" "A" "$(who - 127.0.0.1 8080 | cut -d' ' -f1)"
expect_eq "the host reaches A at its own address 192.168.50.1:8080" "A" "$(who - 192.168.50.1 8080 | cut -d' ' -f1)"
expect_eq "a hostIP is that address only: 172.30.1.2:8082 reaches A" "A" "$(who - 172.30.1.2 8082 | cut -d' ' -f1)"
expect_fail "... and 192.168.50.1:8082 does not (nothing listens there)" "ConnectionRefused" \
	$NSTOOL tcp-try 192.168.50.1 8082
hairpin=$(who ctrA 192.168.50.1 8080)
check "A reaches its own hostPort (hairpin), seen from the host's side: $hairpin" \
	grep -Eq '^A (192\.168\.50\.1|172\.30\.1\.2)$' <<<"$hairpin"
resB=$(pconf '[]' false | cni ADD idB ctrB)
require "container B, no mappings, no masquerade: ADD $resB" jq -e '.ips[0].address' <<<"$resB"
ipB=$(jq -r '.ips[0].address' <<<"$resB")
ipB=${ipB%/32}
expect_eq "B reaches A's hostPort (hairpin from another container)" A "$(who ctrB 192.168.50.1 8080 | cut -d' ' -f1)"
ip netns exec ctrB $NSTOOL id-server 0.0.0.0 80 B &
wait_listen ctrB 80
expect_eq "A (masqueraded) reaches B directly with its own address" "B $ipA" "$(who ctrA "$ipB" 80)"
"$PSWCTL" nat44 service add psw0 tcp 10.96.0.10:80 backend "$ipB:80" || fail "a VIP to B"
expect_eq "A reaches B through a VIP with its own address" "B $ipA" "$(who ctrA 10.96.0.10 80)"
expect_eq "A reaches the outside as the host" "outside 192.168.50.1" "$(who ctrA 192.168.50.2 7000)"
expect_eq "B (no masquerade) reaches it with its own address" "outside $ipB" "$(who ctrB 192.168.50.2 7000)"
expect_eq "host show -j: the connections of each kind" \
	"$(printf '%s\n' "tcp 8080 3 2 3" "udp 8081 1 0 0" "tcp 8082 0 1 0" "masquerade 1" | sort)" \
	"$("$PSWCTL" -j host show | jq -r '.[] | if .type == "hostport" then [.proto, .host_port, .connections, .from_host, .hairpin] else [.type, .connections] end | map(tostring) | join(" ")' | sort)"
# on_a CMD MAPPINGS: CMD for container A with MAPPINGS, its ADD result as prevResult.
on_a() { pconf "$2" | cni "$1" idA ctrA "$resA"; }
expect "CHECK: the rules are as ADD made them" on_a CHECK "$mapsA"
# As nftables.service saves and restores a ruleset: nft rewrites some
# matches (a /24 as a 3-byte load), which mean the same.
nft list table ip podswitch >/tmp/hn/saved && nft delete table ip podswitch &&
	nft -f /tmp/hn/saved || fail "the table saved and restored by nft"
expect "CHECK after nft saved and restored the table" on_a CHECK "$mapsA"
on_a_nomasq() { pconf "$mapsA" false | cni CHECK idA ctrA "$resA"; }
expect_fail "CHECK of a configuration without masquerade: a rule too many" "has a postrouting rule .* that it should not" \
	on_a_nomasq
expect_fail "CHECK with other portMappings: a rule lacking" "lacks the prerouting rule of hostPort tcp 9090" \
	on_a CHECK '[{"hostPort":9090,"containerPort":80}]' 

# A port taken: refused, nothing left of the ADD.
state() {
	echo "veths: $(ip -o link show type veth | awk -F': ' '{ print $2 }' | cut -d@ -f1 | sort | xargs);" \
		"ipam: $(find /tmp/cni-ipam -type f ! -name lock ! -name 'last_reserved*' | sort | xargs);" \
		"rules: $(nft -a list table ip podswitch 2>/dev/null | grep -c comment);" \
		"ports: $("$PSWCTL" port show psw0 | grep -c '^sw_if'); routes: $("$PSWCTL" route show psw0 | xargs)"
}
ip netns add ctrC
s0=$(state)
out=$(pconf '[{"hostPort":8080,"containerPort":80}]' | cni ADD idC ctrC)
expect_eq "a hostPort published already is refused" "100 hostPort tcp 8080 is published already, by idA/eth0 on psw0" \
	"$(jq -r '"\(.code) \(.msg)"' <<<"$out")"
expect_eq "... leaving nothing behind" "$s0" "$(state)"
for bad in '[{"hostPort":0,"containerPort":80}]' '[{"hostPort":80,"containerPort":80,"protocol":"sctp"}]' \
	'[{"hostPort":80,"containerPort":80,"hostIP":"192.0.2.99"}]' \
	'[{"hostPort":80,"containerPort":80},{"hostPort":80,"containerPort":81,"hostIP":"172.30.1.2"}]' \
	'[{"hostPort":80,"containerPort":80,"hostIP":"10.0.0"}]' '{"hostPort":80}' '[{"hostPort":"80","containerPort":80}]'; do
	out=$(pconf "$bad" | cni ADD idC ctrC)
	expect_eq "portMappings $bad: invalid network config (7)" 7 "$(jq -r .code <<<"$out")"
done
expect_eq "... none left anything" "$s0" "$(state)"

# CHECK sees a rule gone; DEL takes the rest.
h=$(nft -a list chain ip podswitch output | awk '/8082/ { print $NF }')
nft delete rule ip podswitch output handle "$h" || fail "deleting one of A's rules by hand"
expect_fail "CHECK finds the rule deleted by hand" "lacks the output rule of hostPort tcp 8082" \
	on_a CHECK "$mapsA"
expect "DEL A" on_a DEL "$mapsA"
notable "A's rules are gone, with the table"
expect_fail "the outside no longer reaches 8080 (nothing listens there)" "ConnectionRefused" \
	ip netns exec outside $NSTOOL tcp-try 192.168.50.1 8080
expect "DEL A again: nothing to do" on_a DEL "$mapsA"
pconf '[]' false | cni DEL idB ctrB "$resB" || fail "DEL B"

# ---- 50 ADDs and DELs of two containers at once ----
# Beside a rule of the switch's, which must stay as it is (its handle, its
# counters); CHECK after each ADD finds a rule another change took. (A
# change racing the table's deletion: the strace check above.)
"$PSWCTL" host masquerade psw0 on 10.1.0.0/16
t0=$(table)
ip netns add ctrD
loop() {
	local id=$1 ns=$2 port=$3 i r fails=0 m
	m="[{\"hostPort\":$port,\"containerPort\":80}]"
	for i in $(seq 50); do
		r=$(pconf "$m" | cni ADD "$id" "$ns")
		if [[ $r == *'"address":"10.1.1.'* ]]; then
			pconf "$m" | cni CHECK "$id" "$ns" "$r" >>"/tmp/hn/$id.err" || fails=$((fails + 1))
		else
			fails=$((fails + 1))
			echo "$r" >>"/tmp/hn/$id.err"
		fi
		pconf '[]' | cni DEL "$id" "$ns" >>"/tmp/hn/$id.err" || fails=$((fails + 1))
	done
	echo "$fails" >"/tmp/hn/$id.fails"
}
loop idC ctrC 9001 &
p1=$!
loop idD ctrD 9002 &
p2=$!
wait $p1 $p2
expect_eq "50 ADDs, CHECKs and DELs of C and of D at once, none failed" "0 0" \
	"$(cat /tmp/hn/idC.fails /tmp/hn/idD.fails /tmp/hn/*.err 2>/dev/null | head -5 | xargs)"
expect_eq "the table is exactly as it was (nft -j list table ip podswitch)" "$t0" "$(table)"

# ---- GC: attachments whose netns went without a DEL ----
ip netns add ctrE && ip netns add ctrF
r=$(pconf '[{"hostPort":9005,"containerPort":80}]' | cni ADD idE ctrE)
require "container E with a hostPort: ADD $r" jq -e '.ips[0].address' <<<"$r"
vethE=$(jq -r '.interfaces[0].name' <<<"$r")
r=$(pconf '[{"hostPort":9006,"containerPort":80}]' | cni ADD idF ctrF)
require "container F with a hostPort: ADD $r" jq -e '.ips[0].address' <<<"$r"
vethF=$(jq -r '.interfaces[0].name' <<<"$r")
ip netns del ctrE
ip netns del ctrF
wait_for 10 sh -c "! ip link show $vethE && ! ip link show $vethF" ||
	fail "E's and F's veths did not go with their netns"
gc() {
	pconf '[]' | jq -c '. + {"cni.dev/valid-attachments": [{"containerID": "idE", "ifname": "eth0"}]}' |
		CNI_COMMAND=GC "$CNI"
}
expect "CNI GC, E still listed as valid" gc
expect_eq "GC took F's rules, not E's (listed)" "idE/eth0 switch" \
	"$("$PSWCTL" -j host show | jq -r '[.[].owner] | unique | join(" ")')"
expect "pswctl host gc" "$PSWCTL" host gc
expect_eq "it took E's, whose veth is gone" "switch" "$("$PSWCTL" -j host show | jq -r '[.[].owner] | unique | join(" ")')"
"$PSWCTL" host masquerade psw0 off 10.1.0.0/16
notable "nothing left in the host's nftables of podswitch"

expect_eq "the host's own tables are unchanged, byte for byte" "$f0" "$(foreign)"
