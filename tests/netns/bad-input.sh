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
trap psw_cleanup EXIT
psw_load
mkswitch psw0
mkswitch psw1
mkpod pod1 10.1.1.6
ip link add veth-x type veth peer name veth-y
ip link set veth-x up

# genl CMD ATTRS: commands and attributes by number (uapi/linux/podswitch.h).
GET_SWITCH=1 SET_SWITCH=2 NEW_PORT=3 DEL_PORT=4 GET_PORT=5 NEW_ROUTE=6 DEL_ROUTE=7
NEW_NEIGH=9 DEL_NEIGH=10 TRACE_ADD=12 NEW_ACL=16 DEL_ACL=17 BIND_ACL=19 FLUSH_SESSION=21
A_SESSION=21 A_SESSION_TABLE=22
A_ACL=18 A_ACL_DIR=19 A_ACL_LIST=20 A_TIMEOUTS=23 A_MAX_SESSIONS=24 A_RULE=25
NEW_SERVICE=22 DEL_SERVICE=23 A_NAT44_TIMEOUTS=26 A_NAT44_MAX_SESSIONS=27 A_NAT44_LOOPBACK=28
A_SERVICE=29 NEW_SNAT=25 DEL_SNAT=26 A_SNAT=30
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

# expect_genl DESCRIPTION PATTERN CMD ATTRS
expect_genl() {
	genl "$3" "$4"
	echo "$genl_out" | grep -Eq -- "^ERR .*($2)" || fail "$1: got '$genl_out'"
	pass "$1"
}

expect_genl "unknown switch" "No such device: no such switch" $SET_SWITCH '[(2, "nope")]'
expect_genl "no switch named" "PSW_A_IFINDEX or PSW_A_IFNAME required" $SET_SWITCH '[]'
expect_genl "not a switch" "not a podswitch" $SET_SWITCH '[(2, "lo")]'
expect_genl "port nest missing" "PSW_A_PORT required" $NEW_PORT '[(2, "psw0")]'
expect_genl "port ifindex missing" "PSW_PORT_A_IFINDEX required" $NEW_PORT '[(2, "psw0"), (7, [(4, u8(1))])]'
expect_genl "unknown port device" "no such device" $NEW_PORT '[(2, "psw0"), (7, [(1, u32(99999))])]'
expect_genl "loopback as a port" "not an Ethernet device" $NEW_PORT "[(2, \"psw0\"), (7, [(1, u32($lo))])]"
expect_genl "a switch as a port" "a switch cannot be a port" $NEW_PORT \
	"[(2, \"psw0\"), (7, [(1, u32($(cat /sys/class/net/psw1/ifindex)))])]"
expect_genl "bad port type" "integer out of range \\[attr 7\\.4\\]" $NEW_PORT "[(2, \"psw0\"), (7, [(1, u32($vx)), (4, u8(9))])]"
expect_genl "nine pod addresses" "too many pod addresses" $NEW_PORT \
	"[(2, \"psw0\"), (7, [(1, u32($vx)), (6, [(1, ip('10.2.0.%d' % i)) for i in range(1, 10)])])]"
expect_genl "short MAC" "binary attribute size out of range \\[attr 7\\.5\\]" $NEW_PORT "[(2, \"psw0\"), (7, [(1, u32($vx)), (5, b'abc')])]"
expect_genl "not a port of this switch" "not a port of this switch" $DEL_PORT "[(2, \"psw0\"), (7, [(1, u32($lo))])]"
expect_genl "the host port cannot be deleted" "goes only with the switch" $DEL_PORT \
	"[(2, \"psw0\"), (7, [(1, u32($(cat /sys/class/net/psw0/ifindex)))])]"
expect_genl "prefix length 33" "integer out of range \\[attr 8\\.2\\]" $NEW_ROUTE '[(2, "psw0"), (8, [(1, ip("10.0.0.0")), (2, u8(33)), (3, u8(3))])]'
expect_genl "route type missing" "PSW_ROUTE_A_TYPE required" $NEW_ROUTE '[(2, "psw0"), (8, [(1, ip("10.0.0.0")), (2, u8(8))])]'
expect_genl "via without gateway" "PSW_ROUTE_A_GATEWAY required" $NEW_ROUTE \
	"[(2, \"psw0\"), (8, [(1, ip('10.0.0.0')), (2, u8(8)), (3, u8(2)), (4, u32($vx))])]"
expect_genl "trace count too big" "integer out of range \\[attr 10\\]" $TRACE_ADD '[(2, "psw0"), (10, u32(100000))]'
expect_genl "over-long switch name" "failed policy validation \\[attr 2\\]" $SET_SWITCH '[(2, "x" * 40)]'
expect_genl "multicast switch MAC" "switch MAC must be a unicast address" $SET_SWITCH '[(2, "psw0"), (3, bytes([1, 0, 0x5e, 0, 0, 1]))]'
expect_genl "switch address 0.0.0.0" "switch address must be a unicast IPv4 address" $SET_SWITCH '[(2, "psw0"), (4, ip("0.0.0.0"))]'
expect_genl "read-only attribute" "failed policy validation \\[attr 7\\.3\\]" $NEW_PORT "[(2, \"psw0\"), (7, [(1, u32($vx)), (3, u32(5))])]"

# The family itself and netlink's own attribute checks (strict parsing).
expect_genl "command 0" "Operation not supported" 0 '[]'
expect_genl "command 28, past the last" "Operation not supported" 28 '[]'
expect_genl "a dump-only command as a request" "Operation not supported" $GET_PORT '[(2, "psw0")]'
expect_genl "an unknown index beside a switch's name" "No such device: no such switch \\[attr 1\\]" $SET_SWITCH '[(1, u32(99999)), (2, "psw0")]'
expect_genl "GET_SWITCH names no switch" "PSW_A_IFINDEX or PSW_A_IFNAME required" $GET_SWITCH '[]'
expect_genl "unknown attribute" "Unknown attribute type \\[attr 31\\]" $SET_SWITCH '[(2, "psw0"), (31, u8(0))]'
expect_genl "the pad attribute in a request" "Unsupported attribute \\[attr 17\\]" $SET_SWITCH '[(2, "psw0"), (17, u32(0))]'
expect_genl "2-byte switch address" "invalid attribute length \\[attr 4\\]" $SET_SWITCH '[(2, "psw0"), (4, u16(1))]'
expect_genl "nest without NLA_F_NESTED" "NLA_F_NESTED is missing \\[attr 7\\]" $NEW_PORT "[(2, \"psw0\"), (7, nla(1, u32($vx)))]"
expect_genl "NLA_F_NESTED on an address" "NLA_F_NESTED not expected \\[attr 4\\]" $SET_SWITCH '[(2, "psw0"), (4, [(1, b"")])]'
expect_genl "trailing bytes in a nest" "bytes leftover after parsing attributes" $NEW_PORT "[(2, \"psw0\"), (7 | 0x8000, nla(1, u32($vx)) + bytes(2))]"
expect_genl "3-byte nest" "failed policy validation \\[attr 7\\]" $NEW_PORT '[(2, "psw0"), (7 | 0x8000, b"abc")]'
expect_genl "switch ifindex 0" "integer out of range \\[attr 1\\]" $SET_SWITCH '[(1, u32(0))]'
expect_genl "3-byte switch MAC" "binary attribute size out of range \\[attr 3\\]" $SET_SWITCH '[(2, "psw0"), (3, b"abc")]'
expect_genl "host-routes 2" "integer out of range \\[attr 5\\]" $SET_SWITCH '[(2, "psw0"), (5, u8(2))]'
expect_genl "anti-spoof 2" "integer out of range \\[attr 6\\]" $SET_SWITCH '[(2, "psw0"), (6, u8(2))]'
for a in "11, u32(1)" "12, bytes(8)" "13, 'x'" "14, 'x'" "15, 'x'" "16, bytes(8)"; do
	expect_genl "read-only attribute ${a%%,*} (trace, errors)" "failed policy validation \\[attr ${a%%,*}\\]" \
		$SET_SWITCH "[(2, \"psw0\"), ($a)]"
done
expect_genl "session nest is read-only" "failed policy validation \\[attr $A_SESSION\\]" $FLUSH_SESSION "[(2, \"psw0\"), ($A_SESSION, u8(0))]"
expect_genl "session table 2" "integer out of range \\[attr $A_SESSION_TABLE\\]" $FLUSH_SESSION "[(2, \"psw0\"), ($A_SESSION_TABLE, u8(2))]"

# Ports.
expect_genl "port ifindex 0" "integer out of range \\[attr 7\\.1\\]" $NEW_PORT '[(2, "psw0"), (7, [(1, u32(0))])]'
for a in "2, 'veth-x'" "7, u8(0)" "8, u32(1)" "9, u32(1)"; do
	expect_genl "port attribute 7.${a%%,*} is read-only" "failed policy validation \\[attr 7\\.${a%%,*}\\]" \
		$NEW_PORT "[(2, \"psw0\"), (7, [(1, u32($vx)), ($a)])]"
done
expect_genl "address list with a foreign attribute" "Unknown attribute type \\[attr 7\\.6\\.2\\]" $NEW_PORT \
	"[(2, \"psw0\"), (7, [(1, u32($vx)), (6, [(2, ip('10.2.0.1'))])])]"
expect_genl "DEL_PORT without port nest" "PSW_A_PORT required" $DEL_PORT '[(2, "psw0")]'
expect_genl "DEL_PORT without ifindex" "PSW_PORT_A_IFINDEX required" $DEL_PORT '[(2, "psw0"), (7, [(4, u8(1))])]'
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
expect_genl "route nest missing" "PSW_A_ROUTE required" $NEW_ROUTE '[(2, "psw0")]'
expect_genl "DEL_ROUTE without route nest" "PSW_A_ROUTE required" $DEL_ROUTE '[(2, "psw0")]'
expect_genl "route without destination" "PSW_ROUTE_A_DST required" $NEW_ROUTE '[(2, "psw0"), (8, [(2, u8(8)), (3, u8(3))])]'
expect_genl "route without prefix length" "PSW_ROUTE_A_PREFIXLEN required" $DEL_ROUTE '[(2, "psw0"), (8, [(1, ip("10.0.0.0"))])]'
expect_genl "route type 4" "integer out of range \\[attr 8\\.3\\]" $NEW_ROUTE '[(2, "psw0"), (8, [(1, ip("10.0.0.0")), (2, u8(8)), (3, u8(4))])]'
expect_genl "route port 0" "integer out of range \\[attr 8\\.4\\]" $NEW_ROUTE '[(2, "psw0"), (8, [(1, ip("10.0.0.0")), (2, u8(8)), (3, u8(1)), (4, u32(0))])]'
expect_genl "route origin is read-only" "failed policy validation \\[attr 8\\.6\\]" $NEW_ROUTE '[(2, "psw0"), (8, [(1, ip("10.0.0.0")), (2, u8(8)), (3, u8(3)), (6, u8(0))])]'
expect_genl "dev route without port" "PSW_ROUTE_A_PORT required" $NEW_ROUTE '[(2, "psw0"), (8, [(1, ip("10.0.0.0")), (2, u8(8)), (3, u8(1))])]'
expect_fail "pswctl: route del with host bits" "host bits set" "$PSWCTL" route del psw0 10.1.1.1/24
expect_fail "pswctl: multicast gateway" "gateway must be a unicast IPv4 address" \
	"$PSWCTL" route add psw0 10.8.0.0/16 via 224.0.0.1 dev veth-pod1

# Neighbors.
expect_genl "neighbor nest missing" "PSW_A_NEIGH required" $NEW_NEIGH '[(2, "psw0")]'
expect_genl "DEL_NEIGH without nest" "PSW_A_NEIGH required" $DEL_NEIGH '[(2, "psw0")]'
expect_genl "neighbor without address" "PSW_NEIGH_A_ADDR required" $DEL_NEIGH "[(2, \"psw0\"), (9, [(3, u32($(cat /sys/class/net/veth-pod1/ifindex)))])]"
expect_genl "neighbor without port" "PSW_NEIGH_A_PORT required" $DEL_NEIGH '[(2, "psw0"), (9, [(1, ip("10.9.9.9"))])]'
expect_genl "neighbor without MAC" "PSW_NEIGH_A_MAC required" $NEW_NEIGH "[(2, \"psw0\"), (9, [(1, ip('10.1.1.50')), (3, u32($(cat /sys/class/net/veth-pod1/ifindex)))])]"
expect_genl "short neighbor MAC" "binary attribute size out of range \\[attr 9\\.2\\]" $NEW_NEIGH "[(2, \"psw0\"), (9, [(1, ip('10.1.1.50')), (2, b'abc'), (3, u32($vx))])]"
expect_genl "neighbor port 0" "integer out of range \\[attr 9\\.3\\]" $NEW_NEIGH "[(2, \"psw0\"), (9, [(1, ip('10.1.1.50')), (2, bytes([2, 0, 0, 0, 0, 1])), (3, u32(0))])]"
expect_genl "neighbor state is read-only" "failed policy validation \\[attr 9\\.4\\]" $DEL_NEIGH "[(2, \"psw0\"), (9, [(1, ip('10.9.9.9')), (3, u32($vx)), (4, u8(0))])]"
expect_genl "neighbor age is read-only" "failed policy validation \\[attr 9\\.5\\]" $DEL_NEIGH "[(2, \"psw0\"), (9, [(1, ip('10.9.9.9')), (3, u32($vx)), (5, u32(0))])]"
expect_fail "pswctl: multicast neighbor MAC" "neighbor MAC must be a unicast address" \
	"$PSWCTL" neigh add psw0 10.1.1.50 mac 01:00:5e:00:00:01 dev veth-pod1
expect_fail "pswctl: multicast neighbor" "neighbor must be a unicast IPv4 address" \
	"$PSWCTL" neigh add psw0 224.0.0.1 mac 02:00:00:00:00:01 dev veth-pod1
expect_fail "pswctl: neighbor on a foreign device" "not a port of this switch" \
	"$PSWCTL" neigh add psw0 10.1.1.50 mac 02:00:00:00:00:01 dev veth-x
expect_genl "trace without count" "PSW_A_TRACE_COUNT required" $TRACE_ADD '[(2, "psw0")]'

# ACLs: rule = [(1, action), (2, proto), (3, src), (4, plen), ...], each a
# top-level A_RULE after the ACL nest.
acl() {
	local rules=() r
	for r in "$@"; do rules+=("($A_RULE, [$r])"); done
	echo "[(2, \"psw0\"), ($A_ACL, [(1, u32(1))]), $(IFS=,; echo "${rules[*]}")]"
}
expect_genl "ACL nest missing" "PSW_A_ACL required" $NEW_ACL '[(2, "psw0")]'
expect_genl "ACL without rules" "1 to PSW_ACL_MAX_RULES rules" $NEW_ACL "[(2, \"psw0\"), ($A_ACL, [(1, u32(1))])]"
expect_genl "rule without action" "PSW_RULE_A_ACTION required" $NEW_ACL "$(acl "(2, u8(6))")"
expect_genl "unknown action" "integer out of range \\[attr $A_RULE\\.1\\]" $NEW_ACL "$(acl "(1, u8(7))")"
expect_genl "prefix with host bits" "host bits set" $NEW_ACL \
	"$(acl "(1, u8(1)), (3, ip('10.1.1.1')), (4, u8(24))")"
expect_genl "prefix length 40" "integer out of range \\[attr $A_RULE\\.6\\]" $NEW_ACL \
	"$(acl "(1, u8(1)), (5, ip('10.0.0.0')), (6, u8(40))")"
expect_genl "ports without a protocol" "ports need protocol" $NEW_ACL "$(acl "(1, u8(1)), (9, u16(80))")"
expect_genl "empty port range" "range is empty" $NEW_ACL \
	"$(acl "(1, u8(1)), (2, u8(6)), (7, u16(10)), (8, u16(5))")"
expect_genl "ICMP type 300" "ICMP type and code are 0\\.\\.255" $NEW_ACL "$(acl "(1, u8(1)), (2, u8(1)), (7, u16(300))")"
expect_genl "tcp-flags on UDP" "need protocol tcp" $NEW_ACL "$(acl "(1, u8(1)), (2, u8(17)), (11, u8(2))")"
expect_genl "tcp-flags outside the mask" "outside the mask" $NEW_ACL \
	"$(acl "(1, u8(1)), (2, u8(6)), (11, u8(3)), (12, u8(2))")"
expect_genl "a bad rule after good ones" "host bits set" $NEW_ACL \
	"$(acl "(1, u8(1))" "(1, u8(0))" "(1, u8(1)), (5, ip('10.0.0.1')), (6, u8(8))")"
rules=()
for ((i = 0; i < 16384; i++)); do rules+=("deny,"); done
expect_fail "pswctl: an ACL of 16385 rules" "1 to PSW_ACL_MAX_RULES rules" "$PSWCTL" acl set psw0 99 "${rules[@]}" deny
expect_genl "rule protocol 0" "integer out of range \\[attr $A_RULE\\.2\\]" $NEW_ACL "$(acl "(1, u8(1)), (2, u8(0))")"
expect_genl "source prefix length 33" "integer out of range \\[attr $A_RULE\\.4\\]" $NEW_ACL \
	"$(acl "(1, u8(1)), (3, ip('10.0.0.0')), (4, u8(33))")"
expect_genl "rule hits are read-only" "failed policy validation \\[attr $A_RULE\\.13\\]" $NEW_ACL "$(acl "(1, u8(1)), (13, bytes(8))")"
expect_genl "rule pad" "Unsupported attribute \\[attr $A_RULE\\.14\\]" $NEW_ACL "$(acl "(1, u8(1)), (14, bytes(4))")"
expect_genl "empty destination port range" "destination port range is empty" $NEW_ACL \
	"$(acl "(1, u8(1)), (2, u8(6)), (9, u16(10)), (10, u16(5))")"
expect_genl "ACL first is read-only" "failed policy validation \\[attr $A_ACL\\.2\\]" $NEW_ACL \
	"[(2, \"psw0\"), ($A_ACL, [(1, u32(99)), (2, u32(0))]), ($A_RULE, [(1, u8(1))])]"
expect_genl "ACL count is read-only" "failed policy validation \\[attr $A_ACL\\.3\\]" $NEW_ACL \
	"[(2, \"psw0\"), ($A_ACL, [(1, u32(99)), (3, u32(1))]), ($A_RULE, [(1, u8(1))])]"
expect_genl "ACL without number" "PSW_ACL_A_NUM required" $NEW_ACL "[(2, \"psw0\"), ($A_ACL, []), ($A_RULE, [(1, u8(1))])]"
expect_genl "DEL_ACL without nest" "PSW_A_ACL required" $DEL_ACL '[(2, "psw0")]'
expect_genl "DEL_ACL without number" "PSW_ACL_A_NUM required" $DEL_ACL "[(2, \"psw0\"), ($A_ACL, [])]"
expect_genl "binding without port" "PSW_A_PORT required" $BIND_ACL "[(2, \"psw0\"), ($A_ACL_DIR, u8(0))]"
expect_genl "binding without ifindex" "PSW_PORT_A_IFINDEX required" $BIND_ACL "[(2, \"psw0\"), (7, []), ($A_ACL_DIR, u8(0))]"
expect_genl "ACL direction 2" "integer out of range \\[attr $A_ACL_DIR\\]" $BIND_ACL \
	"[(2, \"psw0\"), (7, [(1, u32($(cat /sys/class/net/veth-pod1/ifindex)))]), ($A_ACL_DIR, u8(2))]"
expect_genl "binding list with an ACL's first rule" "Unsupported attribute \\[attr $A_ACL_LIST\\.2\\]" $BIND_ACL \
	"[(2, \"psw0\"), (7, [(1, u32($(cat /sys/class/net/veth-pod1/ifindex)))]), ($A_ACL_DIR, u8(1)), ($A_ACL_LIST, [(2, u32(1))])]"
expect_genl "binding without direction" "PSW_A_ACL_DIR required" $BIND_ACL \
	"[(2, \"psw0\"), (7, [(1, u32($(cat /sys/class/net/veth-pod1/ifindex)))])]"
expect_genl "seventeen ACLs bound" "too many ACLs" $BIND_ACL \
	"[(2, \"psw0\"), (7, [(1, u32($(cat /sys/class/net/veth-pod1/ifindex)))]), ($A_ACL_DIR, u8(0)), ($A_ACL_LIST, [(1, u32(1))] * 17)]"
expect_genl "binding an ACL twice" "bound twice" $BIND_ACL \
	"[(2, \"psw0\"), (7, [(1, u32($(cat /sys/class/net/veth-pod1/ifindex)))]), ($A_ACL_DIR, u8(0)), ($A_ACL_LIST, [(1, u32(1))] * 2)]"
expect_genl "timeout 0" "integer out of range \\[attr $A_TIMEOUTS\\.1\\]" $SET_SWITCH "[(2, \"psw0\"), ($A_TIMEOUTS, [(1, u32(0))])]"
expect_genl "max-sessions 0" "integer out of range \\[attr $A_MAX_SESSIONS\\]" $SET_SWITCH "[(2, \"psw0\"), ($A_MAX_SESSIONS, u32(0))]"

# Services: [(1, proto), (2, vip), (3, port), (4, affinity), (5, backend)...],
# backend = [(1, addr), (2, port), (3, weight)].
svc() { echo "[(2, \"psw0\"), ($A_SERVICE, [$1])]"; }
be="(5, [(1, ip('10.1.1.7')), (2, u16(8080))])"
expect_genl "service nest missing" "PSW_A_SERVICE required" $NEW_SERVICE '[(2, "psw0")]'
expect_genl "service without VIP" "PSW_SVC_A_VIP required" $NEW_SERVICE "$(svc "(1, u8(6)), (3, u16(80)), $be")"
expect_genl "ICMP service" "TCP or UDP" $NEW_SERVICE "$(svc "(1, u8(1)), (2, ip('10.96.0.10')), (3, u16(80)), $be")"
expect_genl "VIP 0.0.0.0" "service VIP must be a unicast IPv4 address" $NEW_SERVICE "$(svc "(1, u8(6)), (2, ip('0.0.0.0')), (3, u16(80)), $be")"
expect_genl "service port 0" "integer out of range \\[attr $A_SERVICE\\.3\\]" $NEW_SERVICE "$(svc "(1, u8(6)), (2, ip('10.96.0.10')), (3, u16(0)), $be")"
expect_genl "service without backends" "1 to PSW_NAT_MAX_BACKENDS" $NEW_SERVICE \
	"$(svc "(1, u8(6)), (2, ip('10.96.0.10')), (3, u16(80))")"
expect_genl "1025 backends" "1 to PSW_NAT_MAX_BACKENDS" $NEW_SERVICE \
	"$(svc "(1, u8(6)), (2, ip('10.96.0.10')), (3, u16(80)), *[(5, [(1, ip('10.2.%d.%d' % (i // 250, i % 250 + 1))), (2, u16(80))]) for i in range(1025)]")"
expect_genl "backend given twice" "given twice" $NEW_SERVICE \
	"$(svc "(1, u8(6)), (2, ip('10.96.0.10')), (3, u16(80)), $be, $be")"
expect_genl "backend weight 0" "integer out of range \\[attr $A_SERVICE\\.5\\.3\\]" $NEW_SERVICE \
	"$(svc "(1, u8(6)), (2, ip('10.96.0.10')), (3, u16(80)), (5, [(1, ip('10.1.1.7')), (2, u16(80)), (3, u32(0))])")"
expect_genl "backend without port" "PSW_BACKEND_A_PORT required" $NEW_SERVICE \
	"$(svc "(1, u8(6)), (2, ip('10.96.0.10')), (3, u16(80)), (5, [(1, ip('10.1.1.7'))])")"
expect_genl "multicast backend" "backend must be a unicast IPv4 address" $NEW_SERVICE \
	"$(svc "(1, u8(6)), (2, ip('10.96.0.10')), (3, u16(80)), (5, [(1, ip('224.0.0.1')), (2, u16(80))])")"
expect_genl "affinity over a day" "integer out of range \\[attr $A_SERVICE\\.4\\]" $NEW_SERVICE \
	"$(svc "(1, u8(6)), (2, ip('10.96.0.10')), (3, u16(80)), (4, u32(86401)), $be")"
expect_genl "delete a missing service" "no such service" $DEL_SERVICE \
	"$(svc "(1, u8(17)), (2, ip('10.96.0.10')), (3, u16(80))")"
expect_genl "DEL_SERVICE without nest" "PSW_A_SERVICE required" $DEL_SERVICE '[(2, "psw0")]'
expect_genl "service without protocol" "PSW_SVC_A_PROTO required" $NEW_SERVICE "$(svc "(2, ip('10.96.0.10')), (3, u16(80)), $be")"
expect_genl "service without port" "PSW_SVC_A_PORT required" $DEL_SERVICE "$(svc "(1, u8(6)), (2, ip('10.96.0.10'))")"
expect_genl "backend without address" "PSW_BACKEND_A_ADDR required" $NEW_SERVICE \
	"$(svc "(1, u8(6)), (2, ip('10.96.0.10')), (3, u16(80)), (5, [(2, u16(8080))])")"
expect_genl "backend port 0" "integer out of range \\[attr $A_SERVICE\\.5\\.2\\]" $NEW_SERVICE \
	"$(svc "(1, u8(6)), (2, ip('10.96.0.10')), (3, u16(80)), (5, [(1, ip('10.1.1.7')), (2, u16(0))])")"
expect_genl "multicast NAT loopback" "NAT loopback must be a unicast IPv4 address" $SET_SWITCH "[(2, \"psw0\"), ($A_NAT44_LOOPBACK, ip('239.1.1.1'))]"
expect_genl "NAT44 timeout 0" "integer out of range \\[attr $A_NAT44_TIMEOUTS\\.3\\]" $SET_SWITCH "[(2, \"psw0\"), ($A_NAT44_TIMEOUTS, [(3, u32(0))])]"
expect_genl "NAT44 max-sessions 0" "integer out of range \\[attr $A_NAT44_MAX_SESSIONS\\]" $SET_SWITCH "[(2, \"psw0\"), ($A_NAT44_MAX_SESSIONS, u32(0))]"
pod1=$(cat /sys/class/net/veth-pod1/ifindex)
expect_genl "SNAT nest missing" "PSW_A_SNAT required" $NEW_SNAT '[(2, "psw0")]'
expect_genl "SNAT without port" "PSW_SNAT_A_PORT required" $NEW_SNAT "[(2, \"psw0\"), ($A_SNAT, [(2, ip('192.0.2.1'))])]"
expect_genl "SNAT without addresses" "PSW_SNAT_A_FIRST required" $NEW_SNAT "[(2, \"psw0\"), ($A_SNAT, [(1, u32($pod1))])]"
expect_genl "SNAT pool backwards" "at most PSW_NAT_MAX_POOL" $NEW_SNAT \
	"[(2, \"psw0\"), ($A_SNAT, [(1, u32($pod1)), (2, ip('192.0.2.9')), (3, ip('192.0.2.1'))])]"
expect_genl "SNAT pool of a /8" "at most PSW_NAT_MAX_POOL" $NEW_SNAT \
	"[(2, \"psw0\"), ($A_SNAT, [(1, u32($pod1)), (2, ip('11.0.0.0')), (3, ip('11.255.255.255'))])]"
expect_genl "multicast SNAT pool" "SNAT pool addresses must be unicast IPv4 addresses" $NEW_SNAT \
	"[(2, \"psw0\"), ($A_SNAT, [(1, u32($pod1)), (2, ip('224.0.0.1'))])]"
expect_genl "SNAT on a foreign device" "not a port of this switch" $NEW_SNAT \
	"[(2, \"psw0\"), ($A_SNAT, [(1, u32($vx)), (2, ip('192.0.2.1'))])]"
expect_genl "SNAT port 0" "integer out of range \\[attr $A_SNAT\\.1\\]" $NEW_SNAT "[(2, \"psw0\"), ($A_SNAT, [(1, u32(0)), (2, ip('192.0.2.1'))])]"
expect_genl "DEL_SNAT without nest" "PSW_A_SNAT required" $DEL_SNAT '[(2, "psw0")]'
expect_genl "DEL_SNAT without port" "PSW_SNAT_A_PORT required" $DEL_SNAT "[(2, \"psw0\"), ($A_SNAT, [])]"
expect_fail "pswctl: SNAT del on a foreign device" "not a port of this switch" "$PSWCTL" nat44 snat del psw0 dev veth-x
expect_genl "delete a missing SNAT pool" "no SNAT pool" $DEL_SNAT "[(2, \"psw0\"), ($A_SNAT, [(1, u32($pod1))])]"
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
expect_fail "pswctl: unknown command" "unknown command" "$PSWCTL" frobnicate
expect_fail "pswctl: batch stops at the first error" "cmds:2: command failed" \
	sh -c "printf 'route add psw0 10.5.0.0/16 drop\nroute add psw0 10.5.0.1/16 drop\nroute add psw0 10.6.0.0/16 drop\n' >/tmp/cmds && cd /tmp && '$PSWCTL' -b cmds"
expect_eq "the batch's first command applied, the third not" "10.5.0.0/16 drop proto static" \
	"$("$PSWCTL" show psw0 routes | grep -E '^10\.[56]\.')"
check "route 10.5.0.0/16 deleted" "$PSWCTL" route del psw0 10.5.0.0/16

# Without CAP_NET_ADMIN over the switch's netns every command that changes
# something is refused, before its attributes are read: for an unprivileged
# user, and for root of a user namespace that does not own this netns.
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all "$@"; }
other_userns_root() { unshare --user --map-root-user "$@"; }
# SET_SWITCH NEW/DEL_PORT NEW/DEL_ROUTE NEW/DEL_NEIGH TRACE_ADD TRACE_CLEAR
# NEW/DEL/BIND_ACL FLUSH_SESSION NEW/DEL_SERVICE NEW/DEL_SNAT
mutating="2 3 4 6 7 9 10 12 14 16 17 19 21 22 23 25 26"
refused() {
	local who=$1 out c
	shift
	out=$(for c in $mutating; do printf '%s\t%s\t%s\n' "$c" "$c" '[(2, "psw0")]'; done |
		"$@" $NSTOOL genl-server 2>&1)
	for c in $mutating; do
		echo "$out" | grep -q "^$c ERR Operation not permitted" ||
			fail "$who: command $c refused: $(echo "$out" | grep "^$c " || echo "$out" | tail -n 3)"
	done
	pass "$who: all 17 commands that change something are refused"
}
refused "an unprivileged user" nobody
refused "root of a user namespace that does not own this netns" other_userns_root
expect "an unprivileged user reads" nobody "$PSWCTL" show psw0 ports
expect_fail "an unprivileged user cannot add routes" "pswctl: .*Operation not permitted" \
	nobody "$PSWCTL" route add psw0 10.7.0.0/16 drop
expect_fail "an unprivileged user cannot arm a trace" "pswctl: .*Operation not permitted" \
	nobody "$PSWCTL" trace psw0 add 5

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
expect_genl "every setting valid but the NAT loopback" "NAT loopback must be a unicast IPv4 address" $SET_SWITCH \
	"[(2, \"psw0\"), (3, bytes([2, 0, 0, 0, 0, 0x99])), (4, ip('169.254.9.9')), (5, u8(0)), (6, u8(0)), ($A_MAX_SESSIONS, u32(7)), ($A_TIMEOUTS, [(3, u32(9))]), ($A_NAT44_MAX_SESSIONS, u32(7)), ($A_NAT44_LOOPBACK, ip('239.1.1.1'))]"
expect_genl "every setting valid but one timeout" "integer out of range \\[attr $A_TIMEOUTS\\.2\\]" $SET_SWITCH \
	"[(2, \"psw0\"), (3, bytes([2, 0, 0, 0, 0, 0x99])), (4, ip('169.254.9.9')), ($A_TIMEOUTS, [(1, u32(5)), (2, u32(0))])]"

expect_eq "nothing was changed by what was refused" "$before" "$(state)"
