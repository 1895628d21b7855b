#!/bin/bash
# Dynamic SNAT (Documentation/podswitch.rst, "NAT44") through an uplink to a netns standing in
# for the outside: 1000 connections from 4 pods all using the same source
# ports share one pool address without collision, the first of each port
# keeping it; UDP, ICMP echo and ICMP errors come back translated.
. "$(dirname "$0")/lib.sh"
topology psw0 p1=10.1.1.11 p2=10.1.1.12 p3=10.1.1.13 p4=10.1.1.14
ip netns add outside
ip link add veth-up type veth peer name eth0 netns outside || bail "uplink veth"
ip link set veth-up up
ip -n outside addr add 192.168.100.2/24 dev eth0
ip -n outside link set eth0 up
ip -n outside link set lo up
ip -n outside route add 10.1.0.0/16 dev eth0
require "uplink port" "$PSWCTL" port add psw0 dev veth-up uplink
require "route to the outside" "$PSWCTL" route add psw0 192.168.100.0/24 dev veth-up
ip netns exec outside $NSTOOL id-server 192.168.100.2 8080 outside &
wait_listen outside 8080
in1() { ip netns exec p1 "$@"; }

# No pool yet: the outside sees the pod's own address.
who=$(in1 $NSTOOL tcp-who 192.168.100.2 8080 1) || fail "p1 -> outside without SNAT: $who"
echo "$who" | grep -q "^peers 10.1.1.11$" || fail "no SNAT without a pool: $who"
pass "no pool: the outside sees 10.1.1.11"
# From here the outside can answer only translated packets.
require "the outside has no route to the pods" ip -n outside route del 10.1.0.0/16
expect "SNAT pool on the uplink" "$PSWCTL" nat44 snat add psw0 dev veth-up 192.168.100.10
"$PSWCTL" show psw0 nat44 | grep -q "^snat dev veth-up 192.168.100.10-192.168.100.10$" ||
	fail "pool listed: $("$PSWCTL" show psw0 nat44)"
pass "show nat44 lists the pool"

expect "trace armed" "$PSWCTL" trace psw0 add 50
who=$(in1 $NSTOOL tcp-who 192.168.100.2 8080 3) || fail "p1 -> outside with SNAT: $who"
echo "$who" | grep -q "^peers 192.168.100.10$" || fail "SNAT to the pool: $who"
pass "p1 -> outside: translated to 192.168.100.10, replies translated back"
"$PSWCTL" trace psw0 show | grep -Eq "^nat44-out: session [0-9]+, source tcp 10.1.1.11:[0-9]+ -> 192.168.100.10:[0-9]+$" ||
	fail "trace shows the SNAT: $("$PSWCTL" trace psw0 show)"
pass "trace: nat44-out: session S, source tcp pod -> pool"
expect "trace cleared" "$PSWCTL" trace psw0 clear
expect "flush" "$PSWCTL" session flush psw0 nat44

# 4 pods x 250 connections, each pod from source ports 20000..20249, at
# once: one pool address, so three of every four need another port.
pids=()
for p in p1 p2 p3 p4; do
	ip netns exec $p $NSTOOL tcp-from 192.168.100.2 8080 20000 250 >/tmp/snat-$p.out 2>&1 &
	pids+=($!)
done
for pid in "${pids[@]}"; do
	wait "$pid" || fail "connections: $(tail -3 /tmp/snat-p*.out)"
done
pass "4 pods x 250 connections at once ran to their end"
cat /tmp/snat-p*.out >/tmp/snat.all
expect_eq "1000 connections answered" 1000 "$(wc -l </tmp/snat.all)"
expect_eq "all from the pool address" 1000 "$(grep -c '^192\.168\.100\.10:[0-9]*$' /tmp/snat.all)"
expect_eq "no two connections shared an address and port" 1000 "$(sort -u /tmp/snat.all | wc -l)"
kept=$(awk -F: '$2 >= 20000 && $2 < 20250' /tmp/snat.all | sort -u | wc -l)
expect_eq "every source port 20000..20249 kept by one connection" 250 "$kept"
n=$("$PSWCTL" session show psw0 nat44 | grep -c "^nat44 [0-9]* tcp 10.1.1.1[1-4]:[0-9]* -> 192.168.100.2:8080 as 192.168.100.10:")
expect_eq "1000 SNAT sessions listed" 1000 "$n"

# UDP, ICMP echo, and an ICMP error about a translated datagram.
who=$(in1 $NSTOOL udp-who 192.168.100.2 8080 5) || fail "UDP through SNAT: $who"
echo "$who" | grep -q "^peers 192.168.100.10$" || fail "UDP translated: $who"
pass "UDP through SNAT: answers from 192.168.100.2:8080, sent from the pool"
expect "p1 pings the outside through SNAT" in1 ping -c 2 -W 3 192.168.100.2
"$PSWCTL" session show psw0 nat44 | grep -q "^nat44 [0-9]* icmp 10\.1\.1\.11:\([0-9]*\) -> 192\.168\.100\.2:\1 as 192\.168\.100\.10:\([0-9]*\) -> 192\.168\.100\.2:\2 " ||
	fail "ICMP echo session: $("$PSWCTL" session show psw0 nat44 | grep icmp)"
pass "ICMP echo through SNAT, by id"
expect "trace armed" "$PSWCTL" trace psw0 add 20
expect_fail "UDP to a closed outside port: connection refused" "ConnectionRefused" \
	in1 $NSTOOL udp-try 192.168.100.2 9999 3
"$PSWCTL" trace psw0 show | grep -q "^nat44-in: .*ICMP error" ||
	fail "the port unreachable translated back by nat44-in: $("$PSWCTL" trace psw0 show)"
pass "the port unreachable was translated back to the pod"
expect "trace cleared" "$PSWCTL" trace psw0 clear

# The NAT44 table's own settings: a limit of 3 sessions, which UDP flows
# fill; a new flow recycles the oldest, and an expired session makes room.
expect "NAT44 session settings" "$PSWCTL" set psw0 nat44 timeout udp 60 max-sessions 3
show=$("$PSWCTL" show psw0)
echo "$show" | grep -q "nat44 max-sessions 3 port-max-sessions 125000 timeout tcp-established 7440 tcp-transient 240 udp 60 icmp 60" ||
	fail "NAT44 settings shown: $show"
echo "$show" | grep -q "acl max-sessions 500000 port-max-sessions 125000 timeout tcp-established 86400 tcp-transient 120 udp 600 icmp 60" ||
	fail "ACL settings unchanged: $show"
pass "set SWITCH nat44 changes the NAT44 table's settings only"
expect "flush" "$PSWCTL" session flush psw0 nat44
expect "3 UDP flows" in1 $NSTOOL udp-who 192.168.100.2 8080 3
expect "a 4th UDP flow: the full table recycles its oldest UDP session" \
	in1 $NSTOOL udp-who 192.168.100.2 8080 1
expect_eq "the table holds 3 sessions" 3 "$("$PSWCTL" session show psw0 nat44 | grep -c '^nat44 ')"
expect "UDP timeout 1 s" "$PSWCTL" set psw0 nat44 timeout udp 1
sleep 2
expect "an expired session makes room" in1 $NSTOOL udp-who 192.168.100.2 8080 1
sess=$("$PSWCTL" session show psw0 nat44) || fail "session show: $sess"
n=$(printf '%s\n' "$sess" | grep -c '^nat44 ')
[ "$n" -ge 1 ] && [ "$n" -le 3 ] || fail "1 to 3 sessions: $n"
pass "the table holds at most 3 sessions ($n)"
expect "NAT44 settings back" "$PSWCTL" set psw0 nat44 timeout udp 300 max-sessions 500000

# Lowering the NAT44 limit below what the table holds keeps its sessions;
# new flows are dropped until it is below.
expect "flush" "$PSWCTL" session flush psw0 nat44
expect "4 UDP flows through SNAT" in1 $NSTOOL udp-who 192.168.100.2 8080 4
expect "NAT44 limit 2, below the 4 there are" "$PSWCTL" set psw0 nat44 max-sessions 2
expect_eq "the 4 NAT sessions stay" 4 "$("$PSWCTL" session show psw0 nat44 | grep -c '^nat44 ')"
f0=$(counter nat44-out "session table full")
expect_fail "a 5th flow is dropped while over the limit" "timed out" in1 $NSTOOL udp-try 192.168.100.2 8080 2
[ "$(counter nat44-out "session table full")" -gt "$f0" ] ||
	fail "full table counted: $("$PSWCTL" show psw0 errors | grep nat44)"
pass "nat44-out counts what a full table dropped"
expect "NAT44 limit back" "$PSWCTL" set psw0 nat44 max-sessions 500000

# Replacing the pool: sessions on an address the new pool keeps stay, the
# others go at once; each pod gets one address of a multi-address pool;
# the switch answers ARP for every pool address.
swmac=$("$PSWCTL" -j show psw0 | python3 -S -c 'import json,sys; print(json.load(sys.stdin)["mac"])')
echo "$swmac" | grep -Eq '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' || bail "switch MAC: '$swmac'"
expect "flush" "$PSWCTL" session flush psw0 nat44
rm -f /tmp/snat-stop
in1 $NSTOOL tcp-hold 192.168.100.2 8080 2 /tmp/snat-stop >/tmp/snat-hold.out 2>&1 &
hold=$!
wait_for 20 sh -c "[ \$('$PSWCTL' session show psw0 nat44 | grep -c 'as 192.168.100.10:.* established') = 2 ]" ||
	bail "2 held connections on .10: $("$PSWCTL" session show psw0 nat44)"
expect "pool replaced by .10-.11" "$PSWCTL" nat44 snat add psw0 dev veth-up 192.168.100.10-192.168.100.11
expect "show nat44 lists the two-address pool" sh -c \
	"'$PSWCTL' show psw0 nat44 | grep -qx 'snat dev veth-up 192.168.100.10-192.168.100.11'"
expect_eq "sessions on an address the new pool keeps stay" 2 \
	"$("$PSWCTL" session show psw0 nat44 | grep -c 'as 192\.168\.100\.10:')"
# tcp-hold echoes every 50 ms: a kept connection that still works was
# idle for less than a second.
sleep 2
expect_eq "and the held connections still carry traffic" 2 \
	"$("$PSWCTL" session show psw0 nat44 | grep -c 'as 192\.168\.100\.10:.* established dev [^ ]* idle 0s ')"
used=
for p in p1 p2 p3; do
	who=$(ip netns exec $p $NSTOOL tcp-who 192.168.100.2 8080 3) || fail "$p through the pool: $who"
	echo "$who" | grep -Eq '^peers 192\.168\.100\.1[01]$' || fail "$p: one pool address for all its connections: $who"
	used="$used ${who##*peers }"
done
pass "each pod's connections leave from one address of the pool:$used"
for a in $(echo "$used" | xargs -n1 | sort -u); do
	ip -n outside neigh show "$a" | grep -q " lladdr $swmac " ||
		fail "the outside resolved $a to the switch MAC: $(ip -n outside neigh show)"
done
pass "ARP for every pool address in use answered on the uplink with the switch MAC"
expect "pool replaced by .20 alone" "$PSWCTL" nat44 snat add psw0 dev veth-up 192.168.100.20
expect_none "sessions outside the new pool are deleted at once" "as 192\.168\.100\.1[01]:" \
	"$PSWCTL" session show psw0 nat44
touch /tmp/snat-stop
wait $hold
expect_eq "the held connections broke" 2 "$(grep -c '^outside broken' /tmp/snat-hold.out)"
who=$(in1 $NSTOOL tcp-who 192.168.100.2 8080 1) || fail "after the replacement: $who"
echo "$who" | grep -qx "peers 192.168.100.20" || fail "new connections from .20: $who"
pass "new connections leave from the new pool's address"
expect "back to the .10 pool" "$PSWCTL" nat44 snat add psw0 dev veth-up 192.168.100.10

# Removing the pool removes its sessions (long-lived ones: TCP, transient
# for 120 s after the close).
who=$(in1 $NSTOOL tcp-who 192.168.100.2 8080 3) || fail "connections for the pool removal: $who"
n=$("$PSWCTL" session show psw0 nat44 | grep -c '^nat44 [0-9]* tcp 10\.1\.1\.11:[0-9]* -> 192\.168\.100\.2:8080 as 192\.168\.100\.10:')
[ "$n" -ge 3 ] || bail "the pool has no sessions for its removal to remove ($n)"
expect "pool removed" "$PSWCTL" nat44 snat del psw0 dev veth-up
expect_none "its sessions are gone" "." "$PSWCTL" session show psw0 nat44
require "the outside routes to the pods again" ip -n outside route add 10.1.0.0/16 dev eth0
who=$(in1 $NSTOOL tcp-who 192.168.100.2 8080 1) || fail "after the pool: $who"
echo "$who" | grep -q "^peers 10.1.1.11$" || fail "no SNAT after the pool went: $who"
pass "no pool, no SNAT"
