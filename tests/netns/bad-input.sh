#!/bin/bash
# Bad input from netlink and from the command line: a clear error, and
# nothing changed. Raw requests (nstool.py genl) reach the kernel's own
# checks where pswctl would refuse to build the request.
#
# Every rejection of the netlink code is reached here or in another test,
# except these:
# - allocation failures (-ENOMEM) and replies that would not fit a message
#   (-EMSGSIZE): no request makes them;
# - a full neighbor table through netlink: 16384 requests cost two minutes
#   of the stock VM; KUnit (podswitch-neigh) fills the table instead;
# - more than 1023 ports, 65536 static routes or 65536 services: as many
#   requests again (each route rebuilds the FIB), minutes in the debug VM;
# - a changing command sent as a dump (NLM_F_DUMP): genetlink refuses it
#   before podswitch sees it;
# - a second parse of attributes the policy already validated.
. "$(dirname "$0")/lib.sh"
topology psw1 psw0 pod1=10.1.1.6
ip link add veth-x type veth peer name veth-y
ip link set veth-x up

# genl OP ATTRS: commands and attributes by their names in
# Documentation/netlink/specs/podswitch.yaml; answers name the attribute
# refused ("[attr port.type]") or missing ("missing port.ifindex").
# One python for every request (a process costs a second in the debug VM).
# Each request carries a tag that its answer repeats: an answer that is
# missing, late or out of step ends the test rather than being matched
# against the wrong check.
coproc GENL { exec $NSTOOL genl-server; }
genl_tag=0
genl() {
	local tag answer
	genl_tag=$((genl_tag + 1))
	[ -n "${GENL[1]:-}" ] || bail "genl-server is gone"
	printf '%s\t%s\t%s\n' "$genl_tag" "$1" "$2" >&"${GENL[1]}"
	IFS= read -r -t 120 answer <&"${GENL[0]}" || bail "no answer from genl-server to request $genl_tag"
	tag=${answer%% *}
	[ "$tag" = "$genl_tag" ] || bail "genl-server answered request $tag, not $genl_tag: $answer"
	genl_out=${answer#* }
}
lo=$(cat /sys/class/net/lo/ifindex)
vx=$(cat /sys/class/net/veth-x/ifindex)
pod1=$(cat /sys/class/net/veth-pod1/ifindex)
sw='("ifname", "psw0")'

# What the refusals must leave alone; a show that fails says so in it.
state() {
	local c out
	out=$("$PSWCTL" show psw0 ports) || echo "FAILED: show psw0 ports"
	printf '%s\n' "$out" | grep '^sw_if'
	for c in "show psw0 routes" "show psw0" "show psw0 acl" "show psw0 nat44"; do
		$PSWCTL $c 2>&1 || echo "FAILED: $c"
	done
	out=$("$PSWCTL" show psw1 ports) || echo "FAILED: show psw1 ports"
	printf '%s\n' "$out" | grep '^sw_if' 
}
cat >/tmp/bad-input.setup <<'B'
acl set psw0 1 permit proto tcp dport 80, deny
acl bind psw0 dev veth-pod1 out 1
nat44 service add psw0 tcp 10.96.0.10:80 backend 10.1.1.6:8080 weight 2
B
require "the state the refusals must leave alone" "$PSWCTL" -b /tmp/bad-input.setup
before=$(state)
case $before in *FAILED*) bail "state: $before" ;; esac
echo "$before" | grep -q "^    backend 10.1.1.6:8080 weight 2$" || bail "the state lacks the service: $before"

# expect_genl DESCRIPTION PATTERN OP ATTRS
expect_genl() {
	genl "$3" "$4"
	echo "$genl_out" | grep -Eq -- "^ERR .*($2)" || fail "$1: got '$genl_out'"
	pass "$1"
}

expect_genl "unknown switch" "No such device: no such switch" switch-set '[("ifname", "nope")]'
expect_genl "no switch named" "PSW_A_IFINDEX or PSW_A_IFNAME required" switch-set '[]'
expect_genl "not a switch" "not a podswitch" switch-set '[("ifname", "lo")]'
expect_genl "port nest missing" "missing port$" port-new "[$sw]"
expect_genl "port ifindex missing" "missing port\\.ifindex$" port-new "[$sw, (\"port\", [(\"type\", u8(1))])]"
expect_genl "unknown port device" "no such device" port-new "[$sw, (\"port\", [(\"ifindex\", u32(99999))])]"
expect_genl "loopback as a port" "not an Ethernet device" port-new "[$sw, (\"port\", [(\"ifindex\", u32($lo))])]"
expect_genl "a switch as a port" "a switch cannot be a port" port-new \
	"[$sw, (\"port\", [(\"ifindex\", u32($(cat /sys/class/net/psw1/ifindex)))])]"
expect_genl "bad port type" "integer out of range \\[attr port\\.type\\]" port-new \
	"[$sw, (\"port\", [(\"ifindex\", u32($vx)), (\"type\", u8(9))])]"
expect_genl "the host port type" "integer out of range \\[attr port\\.type\\]" port-new \
	"[$sw, (\"port\", [(\"ifindex\", u32($vx)), (\"type\", u8(0))])]"
expect_genl "nine pod addresses" "too many pod addresses" port-new \
	"[$sw, (\"port\", [(\"ifindex\", u32($vx)), (\"addrs\", [(\"addr\", ip('10.2.0.%d' % i)) for i in range(1, 10)])])]"
expect_genl "short MAC" "binary attribute size out of range \\[attr port\\.mac\\]" port-new \
	"[$sw, (\"port\", [(\"ifindex\", u32($vx)), (\"mac\", b'abc')])]"
expect_genl "not a port of this switch" "not a port of this switch" port-del "[$sw, (\"port\", [(\"ifindex\", u32($lo))])]"
expect_genl "the host port cannot be deleted" "goes only with the switch" port-del \
	"[$sw, (\"port\", [(\"ifindex\", u32($(cat /sys/class/net/psw0/ifindex)))])]"
route() { echo "[$sw, (\"route\", [$1])]"; }
expect_genl "prefix length 33" "integer out of range \\[attr route\\.prefixlen\\]" route-new \
	"$(route "(\"dst\", ip('10.0.0.0')), (\"prefixlen\", u8(33)), (\"type\", u8(3))")"
expect_genl "route type missing" "missing route\\.type$" route-new "$(route "(\"dst\", ip('10.0.0.0')), (\"prefixlen\", u8(8))")"
expect_genl "via without gateway" "missing route\\.gateway$" route-new \
	"$(route "(\"dst\", ip('10.0.0.0')), (\"prefixlen\", u8(8)), (\"type\", u8(2)), (\"port\", u32($vx))")"
expect_genl "trace count too big" "integer out of range \\[attr trace\\.count\\]" trace-add "[$sw, (\"trace\", [(\"count\", u32(100000))])]"
expect_genl "over-long switch name" "failed policy validation \\[attr ifname\\]" switch-set '[("ifname", "x" * 40)]'
expect_genl "multicast switch MAC" "switch MAC must be a unicast address" switch-set "[$sw, (\"mac\", mac('01:00:5e:00:00:01'))]"
expect_genl "switch address 0.0.0.0" "switch address must be a unicast IPv4 address" switch-set "[$sw, (\"address\", ip('0.0.0.0'))]"

# The family itself and netlink's own attribute checks (strict parsing).
expect_genl "command 0" "Operation not supported" 0 '[]'
expect_genl "command 28, past the last" "Operation not supported" 28 '[]'
expect_genl "a dump-only command as a request" "Operation not supported" port-get:do "[$sw]"
expect_genl "an unknown index beside a switch's name" "No such device: no such switch \\[attr ifindex\\]" switch-set \
	"[(\"ifindex\", u32(99999)), $sw]"
expect_genl "two names of two switches" "name different devices \\[attr ifname\\]" switch-set \
	"[(\"ifindex\", u32($(cat /sys/class/net/psw1/ifindex))), $sw]"
expect_genl "SWITCH_GET names no switch" "PSW_A_IFINDEX or PSW_A_IFNAME required" switch-get '[]'
expect_genl "unknown attribute" "Unknown attribute type \\[attr 99\\]" switch-set "[$sw, (99, u8(0))]"
expect_genl "2-byte switch address" "invalid attribute length \\[attr address\\]" switch-set "[$sw, (\"address\", u16(1))]"
expect_genl "nest without NLA_F_NESTED" "NLA_F_NESTED is missing \\[attr port\\]" port-new "[$sw, (12, nla(1, u32($vx)))]"
expect_genl "NLA_F_NESTED on an address" "NLA_F_NESTED not expected \\[attr address\\]" switch-set "[$sw, (\"address\", [(1, b'')])]"
expect_genl "trailing bytes in a nest" "bytes leftover after parsing attributes" port-new \
	"[$sw, (12 | 0x8000, nla(1, u32($vx)) + bytes(2))]"
expect_genl "3-byte nest" "failed policy validation \\[attr port\\]" port-new "[$sw, (12 | 0x8000, b'abc')]"
expect_genl "switch ifindex 0" "integer out of range \\[attr ifindex\\]" switch-set '[("ifindex", u32(0))]'
expect_genl "3-byte switch MAC" "binary attribute size out of range \\[attr mac\\]" switch-set "[$sw, (\"mac\", b'abc')]"
expect_genl "host-routes 2" "integer out of range \\[attr host-routes\\]" switch-set "[$sw, (\"host-routes\", u8(2))]"
expect_genl "anti-spoof 2" "integer out of range \\[attr anti-spoof\\]" switch-set "[$sw, (\"anti-spoof\", u8(2))]"
expect_genl "session table 2" "integer out of range \\[attr session\\.table\\]" session-flush \
	"[$sw, (\"session\", [(\"table\", u8(2))])]"
expect_genl "session table 2 in a dump" "integer out of range \\[attr session\\.table\\]" session-get \
	"[$sw, (\"session\", [(\"table\", u8(2))])]"

# Ports.
expect_genl "port ifindex 0" "integer out of range \\[attr port\\.ifindex\\]" port-new "[$sw, (\"port\", [(\"ifindex\", u32(0))])]"
expect_genl "address list with a foreign attribute" "Unknown attribute type \\[attr port\\.addrs\\.2\\]" port-new \
	"[$sw, (\"port\", [(\"ifindex\", u32($vx)), (\"addrs\", [(2, ip('10.2.0.1'))])])]"
expect_genl "port-del without port nest" "missing port$" port-del "[$sw]"
expect_genl "port-del without ifindex" "missing port\\.ifindex$" port-del "[$sw, (\"port\", [])]"
expect_fail "pswctl: multicast pod MAC" "pod MAC must be a unicast address" \
	"$PSWCTL" port add psw0 dev veth-x mac 01:00:5e:00:00:01
expect_fail "pswctl: pod address given twice" "pod address given twice" \
	"$PSWCTL" port add psw0 dev veth-x ip 10.1.1.8,10.1.1.8
require "a bridge holding a dummy" sh -c "ip link add br-x type bridge && ip link add d-x type dummy && ip link set d-x master br-x"
expect_fail "pswctl: a bridge's port" "held by another master" "$PSWCTL" port add psw0 dev d-x
expect_fail "pswctl: a VLAN of the switch itself" "would make a loop" \
	sh -c "ip link add link psw0 name psw0.5 type vlan id 5 && '$PSWCTL' port add psw0 dev psw0.5"
ip link del br-x
ip link del psw0.5 2>/dev/null

# Routes.
expect_genl "route nest missing" "missing route$" route-new "[$sw]"
expect_genl "route-del without route nest" "missing route$" route-del "[$sw]"
expect_genl "route without destination" "missing route\\.dst$" route-new "$(route "(\"prefixlen\", u8(8)), (\"type\", u8(3))")"
expect_genl "route without prefix length" "missing route\\.prefixlen$" route-del "$(route "(\"dst\", ip('10.0.0.0'))")"
expect_genl "route type 4" "integer out of range \\[attr route\\.type\\]" route-new \
	"$(route "(\"dst\", ip('10.0.0.0')), (\"prefixlen\", u8(8)), (\"type\", u8(4))")"
expect_genl "route port 0" "integer out of range \\[attr route\\.port\\]" route-new \
	"$(route "(\"dst\", ip('10.0.0.0')), (\"prefixlen\", u8(8)), (\"type\", u8(1)), (\"port\", u32(0))")"
expect_genl "dev route without port" "missing route\\.port$" route-new \
	"$(route "(\"dst\", ip('10.0.0.0')), (\"prefixlen\", u8(8)), (\"type\", u8(1))")"
expect_fail "pswctl: route del with host bits" "host bits set" "$PSWCTL" route del psw0 10.1.1.1/24
expect_fail "pswctl: multicast gateway" "gateway must be a unicast IPv4 address" \
	"$PSWCTL" route add psw0 10.8.0.0/16 via 224.0.0.1 dev veth-pod1

# Neighbors.
neigh() { echo "[$sw, (\"neigh\", [$1])]"; }
expect_genl "neighbor nest missing" "missing neigh$" neigh-new "[$sw]"
expect_genl "neigh-del without nest" "missing neigh$" neigh-del "[$sw]"
expect_genl "neighbor without address" "missing neigh\\.addr$" neigh-del "$(neigh "(\"port\", u32($pod1))")"
expect_genl "neighbor without port" "missing neigh\\.port$" neigh-del "$(neigh "(\"addr\", ip('10.9.9.9'))")"
expect_genl "neighbor without MAC" "missing neigh\\.mac$" neigh-new "$(neigh "(\"addr\", ip('10.1.1.50')), (\"port\", u32($pod1))")"
expect_genl "short neighbor MAC" "binary attribute size out of range \\[attr neigh\\.mac\\]" neigh-new \
	"$(neigh "(\"addr\", ip('10.1.1.50')), (\"mac\", b'abc'), (\"port\", u32($vx))")"
expect_genl "neighbor port 0" "integer out of range \\[attr neigh\\.port\\]" neigh-new \
	"$(neigh "(\"addr\", ip('10.1.1.50')), (\"mac\", mac('02:00:00:00:00:01')), (\"port\", u32(0))")"
expect_fail "pswctl: multicast neighbor MAC" "neighbor MAC must be a unicast address" \
	"$PSWCTL" neigh add psw0 10.1.1.50 mac 01:00:5e:00:00:01 dev veth-pod1
expect_fail "pswctl: multicast neighbor" "neighbor must be a unicast IPv4 address" \
	"$PSWCTL" neigh add psw0 224.0.0.1 mac 02:00:00:00:00:01 dev veth-pod1
expect_fail "pswctl: neighbor on a foreign device" "not a port of this switch" \
	"$PSWCTL" neigh add psw0 10.1.1.50 mac 02:00:00:00:00:01 dev veth-x
expect_genl "trace without count" "missing trace\\.count$" trace-add "[$sw, (\"trace\", [])]"
expect_genl "trace without nest" "missing trace$" trace-add "[$sw]"

# ACLs: each rule a top-level "rule" after the ACL nest.
acl() {
	local rules=() r
	for r in "$@"; do rules+=("(\"rule\", [$r])"); done
	echo "[$sw, (\"acl\", [(\"num\", u32(1))]), $(IFS=,; echo "${rules[*]}")]"
}
permit='("action", u8(1))'
expect_genl "ACL nest missing" "missing acl$" acl-set "[$sw]"
expect_genl "ACL without rules" "1 to PSW_ACL_MAX_RULES rules" acl-set "[$sw, (\"acl\", [(\"num\", u32(1))])]"
expect_genl "rule without action" "missing rule\\.action$" acl-set "$(acl "(\"proto\", u8(6))")"
expect_genl "unknown action" "integer out of range \\[attr rule\\.action\\]" acl-set "$(acl "(\"action\", u8(7))")"
expect_genl "prefix with host bits" "host bits set \\[attr rule\\.src\\]" acl-set \
	"$(acl "$permit, (\"src\", ip('10.1.1.1')), (\"src-plen\", u8(24))")"
expect_genl "prefix length 40" "integer out of range \\[attr rule\\.dst-plen\\]" acl-set \
	"$(acl "$permit, (\"dst\", ip('10.0.0.0')), (\"dst-plen\", u8(40))")"
expect_genl "ports without a protocol" "ports need protocol" acl-set "$(acl "$permit, (\"dport-min\", u16(80))")"
expect_genl "empty port range" "range is empty \\[attr rule\\.sport-max\\]" acl-set \
	"$(acl "$permit, (\"proto\", u8(6)), (\"sport-min\", u16(10)), (\"sport-max\", u16(5))")"
expect_genl "ICMP type 300" "ICMP type and code are 0\\.\\.255" acl-set "$(acl "$permit, (\"proto\", u8(1)), (\"sport-min\", u16(300))")"
expect_genl "tcp-flags on UDP" "need protocol tcp" acl-set "$(acl "$permit, (\"proto\", u8(17)), (\"tcp-flags\", u8(2))")"
expect_genl "tcp-flags outside the mask" "outside the mask" acl-set \
	"$(acl "$permit, (\"proto\", u8(6)), (\"tcp-flags\", u8(3)), (\"tcp-mask\", u8(2))")"
expect_genl "a bad rule after good ones" "host bits set \\[attr rule\\.dst\\]" acl-set \
	"$(acl "$permit" "(\"action\", u8(0))" "$permit, (\"dst\", ip('10.0.0.1')), (\"dst-plen\", u8(8))")"
rules=()
for ((i = 0; i < 16384; i++)); do rules+=("deny,"); done
expect_fail "pswctl: an ACL of 16385 rules" "1 to PSW_ACL_MAX_RULES rules" "$PSWCTL" acl set psw0 99 "${rules[@]}" deny
# A switch's ACLs are bounded: a namespaced admin's are the kernel's memory.
# (On a switch of their own, which takes them all when it goes.)
ip link add psw9 type podswitch || bail "psw9"
for ((i = 1; i <= 4096; i++)); do echo "acl set psw9 $i deny"; done >/tmp/acls.psw
check "ACLs up to 4096 on one switch" "$PSWCTL" -b /tmp/acls.psw
expect_fail "a 4097th ACL" "too many ACLs: at most 4096" "$PSWCTL" acl set psw9 9999 deny
check "replacing one of the 4096 needs no room" "$PSWCTL" acl set psw9 1000 permit
check "and they go with their switch" ip link del psw9
expect_genl "rule protocol 0" "integer out of range \\[attr rule\\.proto\\]" acl-set "$(acl "$permit, (\"proto\", u8(0))")"
expect_genl "source prefix length 33" "integer out of range \\[attr rule\\.src-plen\\]" acl-set \
	"$(acl "$permit, (\"src\", ip('10.0.0.0')), (\"src-plen\", u8(33))")"
expect_genl "empty destination port range" "destination port range is empty" acl-set \
	"$(acl "$permit, (\"proto\", u8(6)), (\"dport-min\", u16(10)), (\"dport-max\", u16(5))")"
expect_genl "ACL without number" "missing acl\\.num$" acl-set "[$sw, (\"acl\", []), (\"rule\", [$permit])]"
expect_genl "acl-del without nest" "missing acl$" acl-del "[$sw]"
expect_genl "acl-del without number" "missing acl\\.num$" acl-del "[$sw, (\"acl\", [])]"
bind() { echo "[$sw, (\"port\", [$1])]"; }
expect_genl "binding without port" "missing port$" acl-bind "[$sw]"
expect_genl "binding without ifindex" "missing port\\.ifindex$" acl-bind "$(bind "(\"acl-in\", [])")"
expect_genl "binding without direction" "one direction" acl-bind "$(bind "(\"ifindex\", u32($pod1))")"
expect_genl "binding both directions" "one direction" acl-bind \
	"$(bind "(\"ifindex\", u32($pod1)), (\"acl-in\", []), (\"acl-out\", [])")"
expect_genl "binding list with an ACL's first rule" "Unknown attribute type \\[attr port\\.acl-out\\.2\\]" acl-bind \
	"$(bind "(\"ifindex\", u32($pod1)), (\"acl-out\", [(2, u32(1))])")"
expect_genl "seventeen ACLs bound" "too many ACLs" acl-bind \
	"$(bind "(\"ifindex\", u32($pod1)), (\"acl-in\", [(\"num\", u32(1))] * 17)")"
expect_genl "binding an ACL twice" "bound twice" acl-bind \
	"$(bind "(\"ifindex\", u32($pod1)), (\"acl-in\", [(\"num\", u32(1))] * 2)")"
expect_genl "binding an undefined ACL" "no such ACL" acl-bind \
	"$(bind "(\"ifindex\", u32($pod1)), (\"acl-in\", [(\"num\", u32(77))])")"
expect_genl "timeout 0" "integer out of range \\[attr timeouts\\.tcp-established\\]" switch-set \
	"[$sw, (\"timeouts\", [(\"tcp-established\", u32(0))])]"
expect_genl "max-sessions 0" "integer out of range \\[attr max-sessions\\]" switch-set "[$sw, (\"max-sessions\", u32(0))]"

# Services.
svc() { echo "[$sw, (\"service\", [$1])]"; }
key="(\"proto\", u8(6)), (\"vip\", ip('10.96.0.10')), (\"port\", u16(80))"
be="(\"backend\", [(\"addr\", ip('10.1.1.7')), (\"port\", u16(8080))])"
expect_genl "service nest missing" "missing service$" service-new "[$sw]"
expect_genl "service without VIP" "missing service\\.vip$" service-new "$(svc "(\"proto\", u8(6)), (\"port\", u16(80)), $be")"
expect_genl "ICMP service" "TCP or UDP" service-new "$(svc "(\"proto\", u8(1)), (\"vip\", ip('10.96.0.10')), (\"port\", u16(80)), $be")"
expect_genl "VIP 0.0.0.0" "service VIP must be a unicast IPv4 address" service-new \
	"$(svc "(\"proto\", u8(6)), (\"vip\", ip('0.0.0.0')), (\"port\", u16(80)), $be")"
expect_genl "service port 0" "integer out of range \\[attr service\\.port\\]" service-new \
	"$(svc "(\"proto\", u8(6)), (\"vip\", ip('10.96.0.10')), (\"port\", u16(0)), $be")"
expect_genl "service without backends" "1 to PSW_NAT_MAX_BACKENDS" service-new "$(svc "$key")"
expect_genl "1025 backends" "1 to PSW_NAT_MAX_BACKENDS" service-new \
	"$(svc "$key, *[(\"backend\", [(\"addr\", ip('10.2.%d.%d' % (i // 250, i % 250 + 1))), (\"port\", u16(80))]) for i in range(1025)]")"
expect_genl "backend given twice" "given twice" service-new "$(svc "$key, $be, $be")"
expect_genl "backend weight 0" "integer out of range \\[attr service\\.backend\\.weight\\]" service-new \
	"$(svc "$key, (\"backend\", [(\"addr\", ip('10.1.1.7')), (\"port\", u16(80)), (\"weight\", u32(0))])")"
expect_genl "backend without port" "missing service\\.backend\\.port$" service-new \
	"$(svc "$key, (\"backend\", [(\"addr\", ip('10.1.1.7'))])")"
expect_genl "multicast backend" "backend must be a unicast IPv4 address" service-new \
	"$(svc "$key, (\"backend\", [(\"addr\", ip('224.0.0.1')), (\"port\", u16(80))])")"
expect_genl "affinity over a day" "integer out of range \\[attr service\\.affinity\\]" service-new \
	"$(svc "$key, (\"affinity\", u32(86401)), $be")"
expect_genl "delete a missing service" "no such service" service-del \
	"$(svc "(\"proto\", u8(17)), (\"vip\", ip('10.96.0.10')), (\"port\", u16(80))")"
expect_genl "service-del without nest" "missing service$" service-del "[$sw]"
expect_genl "service without protocol" "missing service\\.proto$" service-new "$(svc "(\"vip\", ip('10.96.0.10')), (\"port\", u16(80)), $be")"
expect_genl "service without port" "missing service\\.port$" service-del "$(svc "(\"proto\", u8(6)), (\"vip\", ip('10.96.0.10'))")"
expect_genl "backend without address" "missing service\\.backend\\.addr$" service-new \
	"$(svc "$key, (\"backend\", [(\"port\", u16(8080))])")"
expect_genl "backend port 0" "integer out of range \\[attr service\\.backend\\.port\\]" service-new \
	"$(svc "$key, (\"backend\", [(\"addr\", ip('10.1.1.7')), (\"port\", u16(0))])")"
expect_genl "multicast NAT loopback" "NAT loopback must be a unicast IPv4 address" switch-set \
	"[$sw, (\"nat44-loopback\", ip('239.1.1.1'))]"
expect_genl "NAT44 timeout 0" "integer out of range \\[attr nat44-timeouts\\.udp\\]" switch-set \
	"[$sw, (\"nat44-timeouts\", [(\"udp\", u32(0))])]"
expect_genl "NAT44 max-sessions 0" "integer out of range \\[attr nat44-max-sessions\\]" switch-set \
	"[$sw, (\"nat44-max-sessions\", u32(0))]"
snat() { echo "[$sw, (\"snat\", [$1])]"; }
expect_genl "SNAT nest missing" "missing snat$" snat-new "[$sw]"
expect_genl "SNAT without port" "missing snat\\.port$" snat-new "$(snat "(\"first\", ip('192.0.2.1'))")"
expect_genl "SNAT without addresses" "missing snat\\.first$" snat-new "$(snat "(\"port\", u32($pod1))")"
expect_genl "SNAT pool backwards" "at most PSW_NAT_MAX_POOL" snat-new \
	"$(snat "(\"port\", u32($pod1)), (\"first\", ip('192.0.2.9')), (\"last\", ip('192.0.2.1'))")"
expect_genl "SNAT pool of a /8" "at most PSW_NAT_MAX_POOL" snat-new \
	"$(snat "(\"port\", u32($pod1)), (\"first\", ip('11.0.0.0')), (\"last\", ip('11.255.255.255'))")"
expect_genl "multicast SNAT pool" "SNAT pool addresses must be unicast IPv4 addresses" snat-new \
	"$(snat "(\"port\", u32($pod1)), (\"first\", ip('224.0.0.1'))")"
expect_genl "SNAT on a foreign device" "not a port of this switch" snat-new \
	"$(snat "(\"port\", u32($vx)), (\"first\", ip('192.0.2.1'))")"
expect_genl "SNAT port 0" "integer out of range \\[attr snat\\.port\\]" snat-new \
	"$(snat "(\"port\", u32(0)), (\"first\", ip('192.0.2.1'))")"
expect_genl "snat-del without nest" "missing snat$" snat-del "[$sw]"
expect_genl "snat-del without port" "missing snat\\.port$" snat-del "$(snat "")"
expect_fail "pswctl: SNAT del on a foreign device" "not a port of this switch" "$PSWCTL" nat44 snat del psw0 dev veth-x
expect_genl "delete a missing SNAT pool" "no SNAT pool" snat-del "$(snat "(\"port\", u32($pod1))")"
expect_fail "pswctl: SNAT pool range" "is not ADDR\[-ADDR\]" \
	"$PSWCTL" nat44 snat add psw0 dev veth-pod1 192.0.2.1-192.0.2
expect_fail "pswctl: SNAT without dev" "dev PORT expected" "$PSWCTL" nat44 snat add psw0 veth-pod1 192.0.2.1
expect_fail "pswctl: service without port" "is not VIP:PORT" \
	"$PSWCTL" nat44 service add psw0 tcp 10.96.0.10 backend 10.1.1.7:80
expect_fail "pswctl: service protocol" "tcp or udp" \
	"$PSWCTL" nat44 service add psw0 sctp 10.96.0.10:80 backend 10.1.1.7:80
expect_fail "pswctl: weight before a backend" "weight before any backend" \
	"$PSWCTL" nat44 service add psw0 tcp 10.96.0.10:80 weight 2 backend 10.1.1.7:80
expect_fail "pswctl: backend port 0" "is not ADDR:PORT" \
	"$PSWCTL" nat44 service add psw0 tcp 10.96.0.10:80 backend 10.1.1.7:0
expect_fail "pswctl: service without backend" "no backend" "$PSWCTL" nat44 service add psw0 tcp 10.96.0.10:80
expect_fail "pswctl: replacing a service with a bad one" "given twice" \
	"$PSWCTL" nat44 service add psw0 tcp 10.96.0.10:80 backend 10.1.1.7:80 backend 10.1.1.7:80
expect_fail "pswctl: bad loopback" "not an IPv4 address" "$PSWCTL" nat44 loopback psw0 10.1
expect_fail "pswctl: NAT44 timeout 0" "1..604800" "$PSWCTL" set psw0 nat44 timeout udp 0

expect_fail "pswctl: bad prefix" "host bits set" "$PSWCTL" route add psw0 10.1.1.1/24 drop
expect_fail "pswctl: malformed prefix" "bad prefix" "$PSWCTL" route add psw0 10.1.1/24 drop
expect_fail "pswctl: unknown port in a route" "not a port of this switch" \
	"$PSWCTL" route add psw0 10.2.0.0/16 dev veth-x
expect_fail "pswctl: unknown device" "no such device" "$PSWCTL" port add psw0 dev nosuchdev
expect_fail "pswctl: port already on another switch" "already a port of another switch" \
	"$PSWCTL" port add psw1 dev veth-pod1
expect_fail "pswctl: port already on this switch" "already a port of this switch" \
	"$PSWCTL" port add psw0 dev veth-pod1
expect_fail "pswctl: pod address already taken" "already belongs to another port" \
	"$PSWCTL" port add psw0 dev veth-x ip 10.1.1.6
expect_fail "pswctl: multicast pod address" "pod address must be a unicast IPv4 address" \
	"$PSWCTL" port add psw0 dev veth-x ip 10.1.1.8,224.0.0.1
expect_fail "pswctl: same static route twice" "a static route for this prefix exists" sh -c \
	"'$PSWCTL' route add psw0 10.3.0.0/16 drop && '$PSWCTL' route add psw0 10.3.0.0/16 drop"
check "route 10.3.0.0/16 deleted" "$PSWCTL" route del psw0 10.3.0.0/16
expect_fail "pswctl: delete a missing route" "no static route" "$PSWCTL" route del psw0 10.4.0.0/16
expect_fail "pswctl: delete a missing neighbor" "no such neighbor" \
	"$PSWCTL" neigh del psw0 10.9.9.9 dev veth-pod1
expect_fail "pswctl: bad MAC" "bad MAC" "$PSWCTL" switch set psw0 mac 00:11:22
expect_fail "pswctl: unknown ACL action" "permit, deny or reflect" "$PSWCTL" acl set psw0 1 allow
expect_fail "pswctl: ports without protocol" "ports need protocol" "$PSWCTL" acl set psw0 1 permit dport 80
expect_fail "pswctl: reversed port range" "bad port range" \
	"$PSWCTL" acl set psw0 1 permit proto tcp dport 90-80
expect_fail "pswctl: a field without value" "needs a value" "$PSWCTL" acl set psw0 1 permit proto
expect_fail "pswctl: empty rule" "empty rule" "$PSWCTL" acl set psw0 1 permit, , deny
expect_fail "pswctl: bind to a foreign device" "not a port of this switch" \
	"$PSWCTL" acl bind psw0 dev veth-x in 1
expect_fail "pswctl: bind direction" "in or out" "$PSWCTL" acl bind psw0 dev veth-pod1 up 1
expect_fail "pswctl: delete a missing ACL" "no such ACL" "$PSWCTL" acl del psw0 99
expect_fail "pswctl: delete a bound ACL" "bound to a port" "$PSWCTL" acl del psw0 1
expect_fail "pswctl: timeout 0" "1..604800" "$PSWCTL" set psw0 timeout tcp-established 0
expect_fail "pswctl: unknown timeout" "unknown timeout" "$PSWCTL" set psw0 timeout tcp 5
expect_fail "pswctl: max-sessions too big" "max-sessions is" "$PSWCTL" set psw0 max-sessions 99999999
expect_fail "pswctl: session flush of an unknown table" "unexpected \"foo\"" "$PSWCTL" session flush psw0 foo
expect_fail "pswctl: session flush of a bad address" "bad address \"10.1.1\"" "$PSWCTL" session flush psw0 addr 10.1.1
expect_fail "pswctl: unknown command" "unknown command" "$PSWCTL" frobnicate
expect_fail "pswctl: batch stops at the first error" "cmds:2: command failed" \
	sh -c "printf 'route add psw0 10.5.0.0/16 drop\nroute add psw0 10.5.0.1/16 drop\nroute add psw0 10.6.0.0/16 drop\n' >/tmp/cmds && cd /tmp && '$PSWCTL' -b cmds"
expect_eq "the batch's first command applied, the third not" "10.5.0.0/16 drop proto static" \
	"$("$PSWCTL" show psw0 routes | grep -E '^10\.[56]\.')"
check "route 10.5.0.0/16 deleted" "$PSWCTL" route del psw0 10.5.0.0/16

# Without CAP_NET_ADMIN over the switch's netns every command that changes
# something, and every read of live traffic (sessions, traces: every pod's
# connections), is refused before its attributes are read: for an
# unprivileged user, and for root of a user namespace that does not own
# this netns.
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all "$@"; }
other_userns_root() { unshare --user --map-root-user "$@"; }
# Those commands are the ones the spec marks uns-admin-perm (OP:do|dump);
# every other one is a read of the configuration.
mutating=$($NSTOOL spec-ops | awk '$3 == "admin" {print $1 ":" $2}')
expect_eq "the spec marks 19 commands admin (17 changes, session-get, trace-get), the other 8 reads" \
	"19 session-get:dump trace-get:dump 8" \
	"$(echo $mutating | wc -w) $(echo $mutating | tr ' ' '\n' | grep -E '^(session|trace)-get' | xargs) $($NSTOOL spec-ops | awk '$3 == "read"' | wc -l)"
refused() {
	local who=$1 out c
	shift
	out=$(for c in $mutating; do printf '%s\t%s\t%s\n' "${c%:*}" "$c" '[("ifname", "psw0")]'; done |
		"$@" $NSTOOL genl-server 2>&1)
	for c in $mutating; do
		echo "$out" | grep -q "^${c%:*} ERR Operation not permitted" ||
			fail "$who: $c refused: $(echo "$out" | grep "^${c%:*} " || echo "$out" | tail -n 3)"
	done
	pass "$who: all 19 commands that change something or read live traffic are refused"
}
refused "an unprivileged user" nobody
refused "root of a user namespace that does not own this netns" other_userns_root
expect "an unprivileged user reads" nobody "$PSWCTL" show psw0 ports
expect "an unprivileged user gets a switch (a request, not a dump)" nobody "$PSWCTL" switch show psw0
expect_fail "an unprivileged user cannot add routes" "pswctl: .*Operation not permitted" \
	nobody "$PSWCTL" route add psw0 10.7.0.0/16 drop
expect_fail "an unprivileged user cannot arm a trace" "pswctl: .*Operation not permitted" \
	nobody "$PSWCTL" trace psw0 add 5
expect_fail "an unprivileged user cannot list the sessions" "pswctl: .*Operation not permitted" \
	nobody "$PSWCTL" session show psw0
expect_fail "an unprivileged user cannot read a trace" "pswctl: .*Operation not permitted" \
	nobody "$PSWCTL" trace show psw0

# Root of a user namespace that owns a netns configures the switches there:
# every command that changes something, through pswctl.
cat >/tmp/userns.psw <<'B'
switch set psw0 address 169.254.9.9
port add psw0 dev veth-a ip 10.1.1.5
route add psw0 10.8.0.0/16 drop
route del psw0 10.8.0.0/16
neigh add psw0 10.1.1.9 mac 02:00:00:00:00:09 dev veth-a
neigh del psw0 10.1.1.9 dev veth-a
trace psw0 add 5
trace psw0 clear
acl set psw0 1 permit
acl bind psw0 dev veth-a in 1
acl bind psw0 dev veth-a in
acl del psw0 1
session flush psw0
nat44 service add psw0 tcp 10.96.0.10:80 backend 10.1.1.5:8080
nat44 service del psw0 tcp 10.96.0.10:80
nat44 snat add psw0 dev veth-a 192.0.2.1
nat44 snat del psw0 dev veth-a
port del psw0 dev veth-a
B
expect "root of a user namespace owning the netns runs every changing command" \
	unshare --user --map-root-user --net sh -c "ip link add psw0 type podswitch &&
		ip link add veth-a type veth peer name veth-b && '$PSWCTL' -b /tmp/userns.psw &&
		'$PSWCTL' show psw0 | grep -q ' address 169.254.9.9 '"

# switch set is all or nothing: valid settings beside one invalid one
# change nothing (the final comparison shows it).
expect_fail "pswctl: switch set with a valid MAC and flags but a bad address" \
	"switch address must be a unicast IPv4 address" \
	"$PSWCTL" switch set psw0 mac 02:00:00:00:00:99 host-routes off anti-spoof off address 224.0.0.1
good="(\"mac\", mac('02:00:00:00:00:99')), (\"address\", ip('169.254.9.9'))"
expect_genl "every setting valid but the NAT loopback" "NAT loopback must be a unicast IPv4 address" switch-set \
	"[$sw, $good, (\"host-routes\", u8(0)), (\"anti-spoof\", u8(0)), (\"max-sessions\", u32(7)), (\"timeouts\", [(\"udp\", u32(9))]), (\"nat44-max-sessions\", u32(7)), (\"nat44-loopback\", ip('239.1.1.1'))]"
expect_genl "every setting valid but one timeout" "integer out of range \\[attr timeouts\\.tcp-transient\\]" switch-set \
	"[$sw, $good, (\"timeouts\", [(\"tcp-established\", u32(5)), (\"tcp-transient\", u32(0))])]"

expect_eq "nothing was changed by what was refused" "$before" "$(state)"
