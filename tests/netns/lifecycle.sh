#!/bin/bash
# Switch lifecycle: create, list, isolate by netns, delete by every path
# (ip link del, netns exit, rmmod), reload.
. "$(dirname "$0")/lib.sh"

expect_fail "pswctl says when the module is missing" "module is not loaded" \
	"$PSWCTL" show

psw_load
ip netns add a
ip netns add b

expect "ip link add creates a switch" ip -n a link add psw0 type podswitch
expect "a second switch in the same netns" ip -n a link add psw1 type podswitch
expect "a switch in another netns" ip -n b link add psw2 \
	address 02:00:00:00:00:22 type podswitch
expect_fail "a multicast MAC is refused" "not a unicast" \
	ip -n b link add psw3 address 01:00:5e:00:00:01 type podswitch

expect_eq "netns a lists its two switches" "psw0 psw1" \
	"$(nspsw a show | cut -d: -f1 | sort | xargs)"
expect_eq "netns b lists only its own" "psw2" "$(nspsw b show | cut -d: -f1 | xargs)"
expect_none "the default netns has none" "." "$PSWCTL" show

line=$(nspsw a show psw0)
echo "$line" | grep -Eq '^psw0: ifindex [0-9]+ mac (02|[0-9a-f][26ae]):([0-9a-f]{2}:){4}[0-9a-f]{2} address 169\.254\.1\.1 host-routes on anti-spoof on icmp-rate 1000 icmp-burst 50$' ||
	fail "show psw0 gives the defaults: $line"
pass "show psw0 gives the defaults"

ifindex=$(ip -n a -o link show psw0 | cut -d: -f1)
json=$(nspsw a -j show)
python3 -S - "$json" "$ifindex" <<'PY' || fail "JSON listing: $json"
import json, sys
sw = {s["ifname"]: s for s in json.loads(sys.argv[1])}
assert set(sw) == {"psw0", "psw1"}, sw
assert sw["psw0"]["ifindex"] == int(sys.argv[2])
assert sw["psw0"]["address"] == "169.254.1.1"
assert sw["psw0"]["host_routes"] is True and sw["psw0"]["anti_spoof"] is True
assert sw["psw0"]["mac"] != sw["psw1"]["mac"]
PY
pass "JSON listing"

swmac=$(nspsw a -j show psw0 | python3 -S -c 'import json,sys; print(json.load(sys.stdin)["mac"])')
devmac=$(ip -n a -j link show psw0 | python3 -S -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
echo "$swmac $devmac" | grep -Eq '^([0-9a-f]{2}:){5}[0-9a-f]{2} ([0-9a-f]{2}:){5}[0-9a-f]{2}$' ||
	fail "two MACs to compare: '$swmac' '$devmac'"
[ "$swmac" != "$devmac" ] || fail "switch MAC equals the host side's MAC $devmac"
pass "the switch MAC is not the host side's MAC"

expect_fail "a switch of another netns is not visible" "no such switch" nspsw b show psw0
expect_fail "a non-switch device is refused" "not a podswitch" nspsw a show lo
# A dump refused by the kernel says so in its last message (NLMSG_DONE).
expect_fail "a dump of a non-switch is refused" "not a podswitch" nspsw a show lo ports
expect_fail "an over-long name is refused" "too long" nspsw a show abcdefghijklmnopq
expect_fail "an unknown show object is refused" "unknown object" nspsw a show psw0 bogus
expect_fail "a switch cannot move to another netns" "Invalid argument|netns is immutable" ip -n a link set psw0 netns b
expect_eq "psw0 stayed in a" "psw0 psw1" "$(nspsw a show | cut -d: -f1 | sort | xargs)"

expect "the switch netdev comes up" ip -n a link set psw0 up
expect "ip link del deletes a switch" ip -n a link del psw1
expect_eq "psw1 is gone" "psw0" "$(nspsw a show | cut -d: -f1 | xargs)"

# Many switches, so a dump spans several messages.
for i in $(seq 1 200); do echo "link add m$i type podswitch"; done >/tmp/many
expect "200 more switches in one batch" ip -n b -batch /tmp/many
expect_eq "a dump of 201 switches is complete" 201 "$(nspsw b show | wc -l)"
expect_eq "JSON dump of 201 switches" 201 \
	"$(nspsw b -j show | python3 -S -c 'import json,sys; print(len(json.load(sys.stdin)))')"

# A witness veth with its peer in a goes when the netns is destroyed, in the
# same device teardown that takes its switches.
require "a witness veth into a" ip link add wit-a type veth peer name wit netns a
expect "deleting a netns with switches" ip netns del a
wait_for 30 sh -c '! ip link show wit-a' || fail "netns a was not destroyed (the witness is still here)"
pass "netns a destroyed with its switch"

expect "rmmod with 201 switches present" rmmod podswitch
links_b() { ip -n b -o link show | awk -F': ' '{print $2}'; }
expect_none "the switches went with the module" "^(m[0-9]+|psw2)$" links_b
expect "the module loads again" insmod "$PSW_KO"
expect "and creates switches again" ip -n b link add psw0 type podswitch
expect_eq "netns b lists the new switch" "psw0" "$(nspsw b show | cut -d: -f1 | xargs)"

# Dumps of several messages: 1200 routes (three parts of about 32 KiB),
# complete and without duplicates; two services of 1024 backends each,
# the second continued across messages.
for i in $(seq 0 1199); do echo "route add psw0 10.$((i / 250)).$((i % 250)).0/24 drop"; done >/tmp/routes
require "1200 static routes in one batch" nspsw b -b /tmp/routes
r=$(nspsw b show psw0 routes) || fail "route dump: $r"
expect_eq "a route dump of three parts is complete, no duplicates" "1200 1200" \
	"$(echo "$r" | grep -c ' drop proto static$') $(echo "$r" | sort -u | grep -c ' drop proto static$')"
be=$(for i in $(seq 0 1023); do printf ' backend 10.2.%d.%d:80' $((i / 250)) $((i % 250 + 1)); done)
require "two services of 1024 backends" sh -c \
	"ip netns exec b '$PSWCTL' nat44 service add psw0 tcp 10.96.0.1:80 $be &&
	 ip netns exec b '$PSWCTL' nat44 service add psw0 tcp 10.96.0.2:80 $be"
expect_eq "2 services, 2048 backends, over several messages" "2 2048 2048" \
	"$(nspsw b show psw0 nat44 | awk '/^service/ {s++} /^    backend/ {b++; u[$0 FS s]++} END {print s, b, length(u)}')"

# A dump that the switch changed between its parts is marked
# NLM_F_DUMP_INTR (so the reader retries); a dump nothing changed is not.
out=$(ip netns exec b $NSTOOL genl-dump-intr route-get '[("ifname", "psw0")]' route-new \
	'[("ifname", "psw0"), ("route", [("dst", ip("10.250.0.0")), ("prefixlen", u8(16)), ("type", u8(3))])]' 2>&1)
echo "$out" | grep -Eq '^1[0-9]{3} messages, [1-9][0-9]* interrupted$' ||
	fail "a route dump changed between its parts says so: $out"
pass "a route dump changed between its parts says so ($out)"
expect_eq "a route dump nothing changed (a trace cleared meanwhile) does not" "0 interrupted" \
	"$(ip netns exec b $NSTOOL genl-dump-intr route-get '[("ifname", "psw0")]' trace-clear '[("ifname", "psw0")]' | cut -d' ' -f3-)"
