#!/bin/bash
# The netlink family against its YNL spec
# (Documentation/netlink/specs/podswitch.yaml): the uapi header and the
# spec agree; the kernel's own YNL tools (tools/net/ynl of Debian 13's
# 6.12 tree, extracted by tests/kernel/ynl) drive the running module by
# the spec alone, and every reply decodes by it; every command refuses
# each attribute it does not take, at the top level as the spec lists
# them and in its nests as the table below says.
. "$(dirname "$0")/lib.sh"
repo=$PSW_REPO
spec=$repo/Documentation/netlink/specs/podswitch.yaml
ynl=${PSW_CACHE:-/var/cache/podswitch}/src/ynl
[ -f "$ynl/tools/net/ynl/cli.py" ] || bail "no YNL at $ynl (tests/kernel/ynl extracts it)"
cli() {
	python3 "$ynl/tools/net/ynl/cli.py" --spec "$spec" \
		--schema "$ynl/Documentation/netlink/genetlink-legacy.yaml" --output-json "$@"
}
topology psw1 psw0 pod1=10.1.1.6 pod2=10.1.1.7

expect_eq "the uapi header and the spec agree" "" "$($NSTOOL spec-uapi "$repo/uapi/linux/podswitch.h" 2>&1)"

# The kernel's YNL CLI lists switches and ports, and configures.
out=$(cli --dump switch-get 2>&1) || fail "YNL: switch-get dump: $out"
expect_eq "YNL lists the switches, with their settings" \
	"psw0 169.254.1.1 1 | psw1 169.254.1.1 1" \
	"$(echo "$out" | python3 -c 'import json, sys
print(" | ".join(f"{s['"'ifname'"']} {s['"'address'"']} {s['"'anti-spoof'"']}"
                 for s in sorted(json.load(sys.stdin), key=lambda s: s["ifname"])))')"
out=$(cli --dump port-get --json '{"ifname": "psw0"}' 2>&1) || fail "YNL: port-get dump: $out"
expect_eq "YNL lists the ports of psw0, the host port first" \
	"0 host host [] | 1 veth-pod1 pod ['10.1.1.6'] | 2 veth-pod2 pod ['10.1.1.7']" \
	"$(echo "$out" | python3 -c 'import json, sys
print(" | ".join(f"{p['"'index'"']} {p['"'ifname'"']} {p['"'type'"']} {p['"'addrs'"'].get('"'addr'"', [])}"
                 for p in (m["port"] for m in json.load(sys.stdin))))')"
out=$(cli --do route-new --json '{"ifname": "psw0", "route": {"dst": 168361984, "prefixlen": 16, "type": "drop"}}' 2>&1) ||
	fail "YNL: route-new: $out"
expect_eq "a route YNL added, as pswctl shows it" "10.9.0.0/16 drop proto static" \
	"$("$PSWCTL" show psw0 routes | grep '^10\.9\.')"
out=$(cli --do route-new --json '{"ifname": "psw0", "route": {"dst": 168361984, "prefixlen": 16, "type": "drop"}}' 2>&1)
expect_eq "YNL shows the kernel's refusal" "a static route for this prefix exists" \
	"$(echo "$out" | grep -o 'a static route for this prefix exists')"

# Every dump decodes by the spec (YNL refuses an attribute it does not
# know): something of each object first.
cat >/tmp/spec.psw <<'B'
acl set psw0 1 reflect proto icmp, permit
acl bind psw0 dev veth-pod1 in 1
nat44 service add psw0 tcp 10.96.0.10:80 backend 10.1.1.6:8080
nat44 snat add psw0 dev veth-pod1 192.0.2.1
neigh add psw0 10.1.1.60 mac 02:00:00:00:00:60 dev veth-pod1
trace psw0 add 5
B
require "one of each object" "$PSWCTL" -b /tmp/spec.psw
require "a session and a trace from one ping" ip netns exec pod1 ping -c 1 -W 2 10.1.1.7
out=$(python3 - "$ynl/tools/net/ynl" "$spec" "$ynl/Documentation/netlink/genetlink-legacy.yaml" <<'PY' 2>&1
import sys
sys.path.append(sys.argv[1])
from lib import YnlFamily
ynl = YnlFamily(sys.argv[2], sys.argv[3])
for op in ynl.ops:
    if op.endswith("-get") and op != "switch-get":
        print(op, len(ynl.dump(op, {"ifname": "psw0"})))
PY
) || fail "YNL: a dump does not decode by the spec: $out"
expect_eq "YNL dumps each of the 9 objects by the spec" 9 "$(echo "$out" | grep -c -- '-get [0-9]')"
expect_none "and none is empty" " 0$" echo "$out"

# What each command takes of its nests; spec-foreign fails on a nest
# without a line.
cat >/tmp/nests <<'N'
switch-set timeouts: tcp-established tcp-transient udp icmp
switch-set nat44-timeouts: tcp-established tcp-transient udp icmp
port-new port: ifindex type mac addrs
port-del port: ifindex
route-new route: dst prefixlen type port gateway
route-del route: dst prefixlen
neigh-new neigh: addr mac port
neigh-del neigh: addr port
acl-set acl: num
acl-set rule: action proto src src-plen dst dst-plen sport-min sport-max dport-min dport-max tcp-flags tcp-mask
acl-del acl: num
acl-bind port: ifindex acl-in acl-out
session-get session: table
session-flush session: table addr
service-new service: proto vip port affinity backend
service-new service.backend: addr port weight
service-del service: proto vip port
snat-new snat: port first last
snat-del snat: port
trace-add trace: count
N
$NSTOOL spec-foreign /tmp/nests >/tmp/foreign || bail "spec-foreign: $(cat /tmp/foreign)"
answers=$(cut -f1-3 /tmp/foreign | $NSTOOL genl-server 2>&1)
total=$(wc -l </tmp/foreign)
wrong=$(echo "$answers" | awk -F'\t' '
	NR == FNR { want[$1] = "ERR Invalid argument: Unsupported attribute [attr " $4 "]"
		    what[$1] = $2 " " $4; next }
	{ tag = $0; sub(/ .*/, "", tag); answer = substr($0, length(tag) + 2); seen[tag] = 1
	  if (answer != want[tag]) print what[tag] ": " answer }
	END { for (t in want) if (!(t in seen)) print what[t] ": no answer" }' /tmp/foreign -)
[ -z "$wrong" ] || fail "every command refuses what it does not take: $(echo "$wrong" | wc -l) of $total not: $(echo "$wrong" | head -n 5)"
pass "every command refuses each of the $total attributes it does not take, naming it"
[ "$total" -gt 500 ] || fail "the foreign attributes tried: $total, fewer than the spec has"
pass "the foreign attributes tried cover the spec ($total)"
expect_eq "nothing was changed by what was refused" "10.9.0.0/16 drop proto static" \
	"$("$PSWCTL" show psw0 routes | grep -E '^10\.9\.')"
