#!/bin/bash
# pswctl as its man page describes it: every command of `pswctl help`
# runs in its OBJECT VERB form and is in the man page; every show prints
# text and, under -j, one JSON document; words abbreviate as ip's do; the
# forms of pswctl 0.1 (show, set, nat44 loopback, trace SWITCH VERB) give
# what the new ones give. Batches (-b) keep it to a few processes.
. "$(dirname "$0")/lib.sh"
repo=$PSW_REPO
topology psw0 pod1=10.1.1.6
podns pod2 10.1.1.7
ip -n pod2 link set eth0 address 02:00:00:00:00:07
ip link add veth-up type veth peer name veth-up-peer
ip link set veth-up up

cat >/tmp/cli-change <<'B'
switch set psw0 mac 02:00:00:00:00:aa address 169.254.1.1 host-routes on anti-spoof on icmp-rate 20 icmp-burst 7
switch set psw0 timeout udp 500 max-sessions 1000 nat44 timeout udp 250 nat44 max-sessions 900 nat44 loopback 0.0.0.0 port-max-sessions 400 nat44 port-max-sessions 300
port add psw0 dev veth-pod2 ip 10.1.1.7 mac 02:00:00:00:00:07
port add psw0 dev veth-up uplink
route add psw0 10.9.0.0/16 drop
route add psw0 10.8.0.0/16 host
route add psw0 10.7.0.0/16 dev veth-up
route add psw0 10.6.0.0/16 via 192.0.2.254 dev veth-up
neigh add psw0 192.0.2.254 mac 02:00:00:00:00:fe dev veth-up
acl set psw0 1 reflect proto icmp, permit proto tcp dport 80-90 src 10.1.0.0/16 tcp-flags syn/syn+ack, deny
acl bind psw0 dev veth-pod1 in 1
nat44 service add psw0 tcp 10.96.0.10:80 backend 10.1.1.6:8080 weight 2 backend 10.1.1.7:8080 affinity 60
nat44 snat add psw0 dev veth-up 192.0.2.1-192.0.2.3
trace add psw0 5
nat44 loopback psw0 0.0.0.0
host masquerade psw0 on 10.1.0.0/16
B
require "every changing command, new form, in one batch" "$PSWCTL" -b /tmp/cli-change
require "traffic for the sessions, trace and counters" ip netns exec pod1 ping -c 2 -W 2 10.1.1.7

cat >/tmp/cli-show <<'B'
switch show
switch show psw0
port show psw0
route show psw0
neigh show psw0
acl show psw0
nat44 show psw0
nat44 service show psw0
nat44 snat show psw0
session show psw0
session show psw0 acl
stats show psw0
stats ports psw0
stats errors psw0
trace show psw0
host show psw0
B
text=$("$PSWCTL" -b /tmp/cli-show 2>&1) || fail "the shows, text: $text"
for want in "psw0: ifindex .* mac 02:00:00:00:00:aa address 169.254.1.1 host-routes on anti-spoof on icmp-rate 20 icmp-burst 7" \
	"    acl max-sessions 1000 port-max-sessions 400 timeout tcp-established 86400 tcp-transient 120 udp 500 icmp 60" \
	"    nat44 max-sessions 900 port-max-sessions 300 timeout tcp-established 7440 tcp-transient 240 udp 250 icmp 60" \
	"sw_if 2 veth-pod2 pod mac 02:00:00:00:00:07 ip 10.1.1.7" "sw_if 3 veth-up uplink" \
	"10.6.0.0/16 via 192.0.2.254 dev veth-up proto static" "10.8.0.0/16 host proto static" \
	"192.0.2.254 dev veth-up lladdr 02:00:00:00:00:fe PERMANENT" \
	"  rule 1: permit proto tcp src 10.1.0.0/16 dport 80-90 tcp-flags 0x02/0x12  \\(hits 0\\)" \
	"  dev veth-pod1 in 1" "service tcp 10.96.0.10:80 affinity 60" "    backend 10.1.1.7:8080 weight 1" \
	"snat dev veth-up 192.0.2.1-192.0.2.3" "acl icmp 10.1.1.6:[0-9]+ -> 10.1.1.7:[0-9]+ icmp dev veth-pod1" \
	"^ +[1-9][0-9]*  acl-out +sessions created$" "^Packet 1$" \
	"^psw0 masquerade 10.1.0.0/16 except 10.1.0.0/16 owner switch connections 0$"; do
	echo "$text" | grep -Eq -- "$want" || fail "the shows, text: no line /$want/ in: $text"
done
pass "every show prints what was set, as text"
json=$("$PSWCTL" -j -b /tmp/cli-show 2>&1) || fail "the shows, JSON: $json"
expect_eq "under -j each show is one JSON document, with what was set" "16 ok" \
	"$(echo "$json" | python3 -c 'import json, sys
docs = [json.loads(l) for l in sys.stdin if l.strip()]
sw, acl, nat, sess = docs[1], docs[5], docs[6], docs[9]
ok = (sw["acl"]["timeouts"]["udp"] == 500 and sw["nat44"]["max_sessions"] == 900
      and acl["bindings"][0] == {"dev": "veth-pod1", "dir": "in", "acls": [1]}
      and nat["services"][0]["backends"][0]["weight"] == 2
      and nat["snat"][0]["last"] == "192.0.2.3" and sess[0]["proto"] == "icmp"
      and set(docs[11]) == {"ports", "errors"} and docs[15][0]["source"] == "10.1.0.0/16")
print(len(docs), "ok" if ok else docs)' 2>&1)"

# Abbreviations, help, version.
expect_eq "ro sh is route show" "$("$PSWCTL" route show psw0)" "$("$PSWCTL" ro sh psw0 2>&1)"
expect_eq "an object alone is its show" "$("$PSWCTL" switch show)" "$("$PSWCTL" sw 2>&1)"
expect_fail "values are not abbreviated" 'no such device "veth-pod"' "$PSWCTL" port del psw0 dev veth-pod
expect_fail "an unknown verb is named" 'route: unknown verb "frob"' "$PSWCTL" route frob psw0
expect_eq "pswctl -V is the module's version" "pswctl $(modinfo -F version "$PSW_KO")" "$("$PSWCTL" -V)"
help=$("$PSWCTL" help) || fail "pswctl help: $help"
expect_eq "route help is help route" "$("$PSWCTL" help route)" "$("$PSWCTL" route help)"
# Each command help lists: "pswctl OBJECT [SUB] VERB SWITCH ..." up to SWITCH.
cmds=$(echo "$help" | sed -nE 's/^  pswctl ([a-z0-9-]+( [a-z0-9-]+)*) \[?SWITCH.*/\1/p')
expect_eq "help lists 34 commands" 34 "$(echo "$cmds" | wc -l)"

cat >/tmp/cli-undo <<'B'
host masquerade psw0 off 10.1.0.0/16
host flush psw0
trace clear psw0
session flush psw0 nat44
session flush psw0
acl bind psw0 dev veth-pod1 in
acl del psw0 1
nat44 service del psw0 tcp 10.96.0.10:80
nat44 snat del psw0 dev veth-up
neigh del psw0 192.0.2.254 dev veth-up
route del psw0 10.9.0.0/16
route del psw0 10.8.0.0/16
route del psw0 10.7.0.0/16
route del psw0 10.6.0.0/16
port del psw0 dev veth-up
port del psw0 dev veth-pod2
B
require "every undoing command, new form, in one batch" "$PSWCTL" -b /tmp/cli-undo
expect_eq "undone: no static route, ACL, service, pool or neighbor left" "0 0 0 0 0" \
	"$("$PSWCTL" route show psw0 | grep -c static) $("$PSWCTL" acl show psw0 | grep -c .) $("$PSWCTL" nat44 service show psw0 | grep -c .) $("$PSWCTL" nat44 snat show psw0 | grep -c .) $("$PSWCTL" neigh show psw0 | grep -c 192.0.2)"
missing=$(while read -r c; do
	grep -qE "^$c( |\$)" /tmp/cli-change /tmp/cli-show /tmp/cli-undo || echo "$c"
done <<<"$cmds")
expect_eq "every command of help ran in this test" "" "$missing"
missing=$(while read -r c; do grep -qF "$c" "$repo/ctl/pswctl.8" || echo "$c"; done <<<"$cmds")
expect_eq "every command of help is in the man page" "" "$missing"

# pswctl 0.1's words give what the new ones give.
require "pswctl 0.1's set, nat44 loopback and trace SWITCH VERB" "$PSWCTL" -b - <<'B'
set psw0 nat44 timeout udp 77 max-sessions 7777
set psw0 timeout tcp-transient 66 max-sessions 6666
nat44 loopback psw0 169.254.9.9
trace psw0 add 2
trace psw0 clear
B
expect_eq "set TABLE applies to each setting after it" \
	"    nat44 max-sessions 7777 port-max-sessions 300 timeout tcp-established 7440 tcp-transient 240 udp 77 icmp 60" \
	"$("$PSWCTL" switch show psw0 | grep '^    nat44')"
expect_eq "set without a table sets the ACL table's" \
	"    acl max-sessions 6666 port-max-sessions 400 timeout tcp-established 86400 tcp-transient 66 udp 500 icmp 60" \
	"$("$PSWCTL" switch show psw0 | grep '^    acl')"
expect_eq "nat44 loopback sets the switch's" "loopback 169.254.9.9" \
	"$("$PSWCTL" nat44 show psw0 | head -n1)"
for pair in "show:switch show" "show psw0:switch show psw0" "show psw0 ports:port show psw0" \
	"show psw0 routes:route show psw0" "show psw0 neigh:neigh show psw0" \
	"show psw0 acl:acl show psw0" "show psw0 nat44:nat44 show psw0" \
	"show psw0 sessions:session show psw0" "show psw0 errors:stats errors psw0" \
	"show psw0 stats:stats ports psw0" "trace psw0 show:trace show psw0" \
	"-j show psw0 ports:-j port show psw0"; do
	old=${pair%%:*} new=${pair#*:}
	# Counters and ages may move between the two: the words must not.
	# shellcheck disable=SC2086
	o=$("$PSWCTL" $old 2>&1) && n=$("$PSWCTL" $new 2>&1) &&
		[ "$(echo "$o" | sed -E 's/[0-9]+/N/g')" = "$(echo "$n" | sed -E 's/[0-9]+/N/g')" ] ||
		fail "pswctl $old is pswctl $new: '$o' vs '${n:-}'"
done
pass "each of pswctl 0.1's shows prints what its new form prints"
