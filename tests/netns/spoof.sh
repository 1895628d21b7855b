#!/bin/bash
# Anti-spoofing: a pod's packets must come from one of its addresses.
. "$(dirname "$0")/lib.sh"
trap psw_cleanup EXIT
psw_load
mkswitch psw0
mkpod pod1 10.1.1.6
mkpod pod2 10.1.1.7

ip -n pod1 addr add 10.1.1.99/32 dev eth0
expect "pod1 reaches pod2 from its own address" ip netns exec pod1 ping -c 1 -W 2 10.1.1.7
expect_fail "a spoofed source is dropped" "100% packet loss" \
	ip netns exec pod1 ping -c 3 -i 0.2 -W 1 -I 10.1.1.99 10.1.1.7
n=$("$PSWCTL" -j show psw0 errors | python3 -S -c '
import json, sys
print(sum(e["count"] for e in json.load(sys.stdin) if e["reason"] == "spoofed source address"))')
[ "$n" -ge 3 ] || fail "spoofed packets counted: $n"
pass "spoofed packets counted ($n)"
drops=$("$PSWCTL" -j show psw0 stats | python3 -S -c '
import json, sys
print({p["name"]: p for p in json.load(sys.stdin)}["veth-pod1"]["drops"])')
[ "$drops" -ge 3 ] || fail "port drops: $drops"
pass "pod1's port counts the drops ($drops)"

expect "anti-spoof off" "$PSWCTL" switch set psw0 anti-spoof off
expect "a route back to the other source" "$PSWCTL" route add psw0 10.1.1.99/32 dev veth-pod1
expect "then the other source passes" ip netns exec pod1 ping -c 1 -W 2 -I 10.1.1.99 10.1.1.7
