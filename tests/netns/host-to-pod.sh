#!/bin/bash
# The reference flow (Documentation/podswitch.rst, "The reference flow"): the host connects
# to a server pod through psw0; the trace of the SYN and of the SYN-ACK
# tells the same story as the VPP trace there.
. "$(dirname "$0")/lib.sh"
topology host psw0 pod1=10.1.1.6 10.1.0.0/16
ip netns exec pod1 $NSTOOL echo-server 10.1.1.6 8080 &
wait_listen pod1 8080

swmac=$("$PSWCTL" -j show psw0 | python3 -S -c 'import json,sys; print(json.load(sys.stdin)["mac"])')
hostmac=$(cat /sys/class/net/psw0/address)
portmac=$(cat /sys/class/net/veth-pod1/address)
podmac=$(ip netns exec pod1 cat /sys/class/net/eth0/address)
# Empty MACs would make the comparisons below match anything.
echo "$swmac $hostmac $portmac $podmac" | grep -Eq '^(([0-9a-f]{2}:){5}[0-9a-f]{2} ?){4}$' ||
	bail "MACs to compare: '$swmac' '$hostmac' '$portmac' '$podmac'"

expect "trace armed" "$PSWCTL" trace psw0 add 50
expect "host -> pod TCP, 100 kB both ways" $NSTOOL tcp-echo 10.1.1.6 8080 100000

# The host resolved the pod's address to the switch MAC by ARP...
expect_eq "host's neighbor for 10.1.1.6 is the switch MAC" "$swmac" \
	"$(ip -j neigh show 10.1.1.6 dev psw0 | python3 -S -c 'import json,sys; print(json.load(sys.stdin)[0]["lladdr"])')"
# ...and the switch learned the host's MAC dynamically.
neigh=$("$PSWCTL" show psw0 neigh)
echo "$neigh" | grep -q "^172.30.1.2 dev host lladdr $hostmac \(REACHABLE\|STALE\)" ||
	fail "switch learned the host's MAC dynamically: $neigh"
pass "switch learned the host's MAC dynamically"
echo "$neigh" | grep -q "^10.1.1.6 dev veth-pod1 lladdr $podmac PERMANENT" ||
	fail "static neighbor for the pod: $neigh"
pass "static neighbor for the pod, MAC learned from its first frame"

trace=$("$PSWCTL" trace psw0 show)
echo "$trace" >/tmp/trace.txt
# One packet's walk: the trace block holding a line that matches $1.
packet() {
	awk -v pat="$1" 'BEGIN { RS = "Packet [0-9]+\n" } $0 ~ pat { print; exit }' /tmp/trace.txt
}
# Every node that wrote a line, in order (an extra node would show).
nodes() {
	grep -oE '^[a-z][a-z0-9-]*(:|$)' | tr -d : | uniq | xargs
}
want="input ip4-input acl-in nat44-in ip4-lookup ip4-rewrite acl-out output"

syn=$(packet 'flags 0x02 SYN,')
[ -n "$syn" ] || bail "no SYN in the trace: $trace"
expect_eq "SYN walks the reference nodes" "$want" "$(echo "$syn" | nodes)"
echo "$syn" | grep -q "^input: sw_if 0 (host) len " || fail "SYN enters on the host port: $syn"
echo "$syn" | grep -q "IP4: $hostmac -> $swmac" || fail "SYN arrives host MAC -> switch MAC: $syn"
echo "$syn" | grep -q "TCP: 172.30.1.2 -> 10.1.1.6" || fail "SYN addresses: $syn"
echo "$syn" | grep -q "ip4-lookup: 10.1.1.6 matches 10.1.1.6/32 dev (pod)" || fail "SYN FIB result: $syn"
echo "$syn" | grep -q "ttl 64 -> 63" || fail "SYN TTL 64 -> 63: $syn"
echo "$syn" | grep -qx "output: sw_if 1 (veth-pod1)" || fail "SYN leaves on veth-pod1: $syn"
echo "$syn" | grep -q "IP4: $portmac -> $podmac" || fail "SYN leaves port MAC -> pod MAC: $syn"
echo "$syn" | grep -q "tos 0x00, ttl 63" || fail "SYN leaves with TTL 63: $syn"
echo "$syn" | grep -q "nat44-in: sw_if 0, session -1" || fail "nat44-in session -1: $syn"
pass "SYN trace: host port in, MACs, FIB, TTL 64 -> 63, veth-pod1 out"

synack=$(packet 'flags 0x12 SYN ACK,')
[ -n "$synack" ] || bail "no SYN-ACK in the trace: $trace"
expect_eq "SYN-ACK walks the reference nodes" "$want" "$(echo "$synack" | nodes)"
echo "$synack" | grep -q "^input: sw_if 1 (veth-pod1) len " || fail "SYN-ACK enters on veth-pod1: $synack"
echo "$synack" | grep -q "IP4: $podmac -> $portmac" || fail "SYN-ACK arrives pod MAC -> port MAC: $synack"
echo "$synack" | grep -q "ip4-lookup: 172.30.1.2 matches 172.30.1.2/32 host (host-address)" ||
	fail "SYN-ACK FIB result: $synack"
echo "$synack" | grep -qx "output: sw_if 0 (host)" || fail "SYN-ACK leaves on the host port: $synack"
echo "$synack" | grep -q "IP4: $swmac -> $hostmac" || fail "SYN-ACK leaves switch MAC -> host MAC: $synack"
echo "$synack" | grep -q "tos 0x00, ttl 63" || fail "SYN-ACK leaves with TTL 63: $synack"
pass "SYN-ACK trace: veth-pod1 in, host routes, MACs, TTL 64 -> 63, host port out"

# Counters: the port and the switch netdev saw the traffic.
rx=$("$PSWCTL" -j show psw0 stats | python3 -S -c '
import json, sys
p = {x["name"]: x for x in json.load(sys.stdin)}
print(p["veth-pod1"]["tx_packets"] > 10 and p["host"]["rx_packets"] > 10)')
expect_eq "port counters count the flow" True "$rx"
# ip -s link psw0 is the host port's counters seen from the host, exactly
# (nothing else added in: once it added what a NULL per-CPU pointer read).
for _ in 1 2 3; do
	link=$(ip -j -s link show psw0 | python3 -S -c 'import json,sys
s = json.load(sys.stdin)[0]["stats64"]
print(s["tx"]["packets"], s["tx"]["bytes"], s["rx"]["packets"], s["rx"]["bytes"])')
	port=$("$PSWCTL" -j show psw0 stats | python3 -S -c 'import json,sys
h = {x["name"]: x for x in json.load(sys.stdin)}["host"]
print(h["rx_packets"], h["rx_bytes"], h["tx_packets"], h["tx_bytes"])')
	[ "$link" = "$port" ] && break
done
set -- $link
[ "${1:-0}" -gt 10 ] && [ "$link" = "$port" ] ||
	fail "ip -s link psw0 (tx, rx: $link) against the host port (rx, tx: $port)"
pass "ip -s link psw0 counts exactly what the host port did: $link"

# A new switch MAC: shown, used in ARP answers; frames still sent to the
# old one are not for the switch.
expect "switch set mac" "$PSWCTL" switch set psw0 mac 02:00:00:00:00:aa
expect "show gives the new switch MAC" sh -c \
	"'$PSWCTL' show psw0 | grep -q '^psw0: .* mac 02:00:00:00:00:aa address 169.254.1.1 '"
expect "the host port has it" sh -c "'$PSWCTL' show psw0 ports | grep -qx 'sw_if 0 host host mac 02:00:00:00:00:aa'"
o0=$(counter input "frame not for the switch")
expect_fail "the host's neighbor entry still has the old MAC: no answer" "100% packet loss" \
	ping -c 1 -W 1 10.1.1.6
[ "$(counter input "frame not for the switch")" -gt "$o0" ] ||
	fail "frames to the old MAC counted: $("$PSWCTL" show psw0 errors)"
pass "frames to the old switch MAC are dropped and counted"
check "the host forgets its neighbors" ip neigh flush dev psw0
expect "after the host asks again it reaches the pod" ping -c 1 -W 2 10.1.1.6
expect "the switch answered ARP with its new MAC" sh -c \
	"ip neigh show 10.1.1.6 dev psw0 | grep -q 'lladdr 02:00:00:00:00:aa '"

expect "trace clear" "$PSWCTL" trace psw0 clear
expect_eq "trace is empty after clear" "No packets in trace buffer" "$("$PSWCTL" trace psw0 show)"
