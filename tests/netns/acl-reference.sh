#!/bin/bash
# The reference flow (Documentation/podswitch.rst, "The reference flow") with its ACLs: a
# reflective ACL on the host port in, the pod's ACL on its port out
# permitting TCP 8080, and a global ACL on the host port out denying
# everything. The request is reflected, the pod's ACL checks it, the reply
# passes the global ACL by session hit; the pod cannot open a connection
# to the host.
. "$(dirname "$0")/lib.sh"
topology host psw0 pod1=10.1.1.6 10.1.0.0/16
ip netns exec pod1 $NSTOOL echo-server 10.1.1.6 8080 &
ip netns exec pod1 $NSTOOL echo-server 10.1.1.6 9090 &
$NSTOOL echo-server 172.30.1.2 7000 &
wait_listen pod1 8080
wait_listen pod1 9090

cat >/tmp/acl.batch <<'B'
acl set psw0 3 reflect
acl set psw0 4 deny proto udp, deny proto tcp dport 1-1023, deny proto tcp dport 9000-9999, permit proto tcp dst 10.1.1.6/32 dport 8080
acl set psw0 5 deny
acl bind psw0 dev host in 3
acl bind psw0 dev veth-pod1 out 4
acl bind psw0 dev host out 5
B
require "reference ACLs set and bound" "$PSWCTL" -b /tmp/acl.batch

expect "host -> pod:8080 is permitted (100 kB both ways)" $NSTOOL tcp-echo 10.1.1.6 8080 100000
expect "trace armed" "$PSWCTL" trace psw0 add 200
expect "host -> pod:8080 again, traced" $NSTOOL tcp-echo 10.1.1.6 8080 1000
expect_fail "host -> pod:9090 is dropped" "timed out" $NSTOOL tcp-try 10.1.1.6 9090 2
expect_fail "pod -> host:7000 is denied" "timed out" \
	ip netns exec pod1 $NSTOOL tcp-try 172.30.1.2 7000 2

trace=$("$PSWCTL" trace psw0 show)
echo "$trace" >/tmp/trace.txt
packet() {
	awk -v pat="$1" 'BEGIN { RS = "Packet [0-9]+\n" } $0 ~ pat { print; exit }' /tmp/trace.txt
}
syn=$(packet 'TCP: [0-9]+ -> 8080.*flags 0x02 SYN,')
[ -n "$syn" ] || bail "no SYN to 8080 in the trace: $trace"
echo "$syn" | grep -q "^acl-in: sw_if 0, acl 3 rule 0, action reflect" ||
	fail "SYN reflected by acl 3 rule 0 on the host port: $syn"
echo "$syn" | grep -q "^acl-out: sw_if 1, acl 4 rule 3, action permit" ||
	fail "SYN permitted by the pod's acl 4 rule 3: $syn"
echo "$syn" | grep -q "^acl-out: session created" || fail "SYN creates the session: $syn"
pass "SYN: acl-in reflect (acl 3 rule 0), acl-out permit (acl 4 rule 3), session created"

synack=$(packet 'TCP: 8080 -> [0-9]+.*flags 0x12 SYN ACK,')
[ -n "$synack" ] || bail "no SYN-ACK from 8080 in the trace: $trace"
echo "$synack" | grep -q "^acl-in: sw_if 1, no ACL bound, action permit" ||
	fail "SYN-ACK: nothing bound on the pod port in: $synack"
echo "$synack" | grep -q "^acl-out: sw_if 0, session hit, action permit" ||
	fail "SYN-ACK passes the global ACL by session hit: $synack"
pass "SYN-ACK passes the global deny ACL on the host port by session hit"

denied=$(packet 'TCP: [0-9]+ -> 9090.*flags 0x02 SYN,')
echo "$denied" | grep -q "^acl-out: sw_if 1, acl 4 rule 2, action deny" ||
	fail "SYN to 9090 denied by acl 4 rule 2 at acl-out: $denied"
echo "$denied" | grep -q "^output" && fail "denied SYN reached output: $denied"
pass "SYN to 9090 denied at acl-out by acl 4 rule 2"

out=$(packet 'TCP: [0-9]+ -> 7000.*flags 0x02 SYN,')
echo "$out" | grep -q "^acl-out: sw_if 0, acl 5 rule 0, action deny" ||
	fail "pod-initiated SYN denied by the global ACL: $out"
pass "pod-initiated SYN to the host denied by acl 5 rule 0"

# Counters, hits and sessions as a user reads them.
errors=$("$PSWCTL" show psw0 errors)
echo "$errors" | grep -Eq "[1-9][0-9]* +acl-out +denied by rule" || fail "acl-out denials counted: $errors"
echo "$errors" | grep -Eq "[1-9][0-9]* +acl-out +sessions created" || fail "sessions counted: $errors"
pass "show errors counts denials and sessions created"
hits=$("$PSWCTL" -j show psw0 acl | python3 -S -c '
import json, sys
d = json.load(sys.stdin)
acl = {a["acl"]: a["rules"] for a in d["acls"]}
b = sorted((x["dev"], x["dir"], tuple(x["acls"])) for x in d["bindings"])
print(acl[3][0]["hits"] >= 2, acl[4][3]["hits"] == 2, acl[4][2]["hits"] >= 1,
      acl[5][0]["hits"] >= 1, b)')
expect_eq "rule hit counters and bindings" \
	"True True True True [('host', 'in', (3,)), ('host', 'out', (5,)), ('veth-pod1', 'out', (4,))]" "$hits"
sess=$("$PSWCTL" show psw0 sessions)
echo "$sess" | grep -Eq "^acl tcp 172.30.1.2:[0-9]+ -> 10.1.1.6:8080 (transient|established) dev host" ||
	fail "session of the 8080 connection: $sess"
echo "$sess" | grep -q ":9090" && fail "no session for the denied 9090 connection: $sess"
pass "session show lists the reflected connection, not the denied one"

# Without the global ACL and the pod's (whose rules would deny the host's
# SYN-ACK: no session, as the pod's SYN met no reflect rule), the pod
# reaches the host at once.
expect "unbind host out" "$PSWCTL" acl bind psw0 dev host out
expect "unbind veth-pod1 out" "$PSWCTL" acl bind psw0 dev veth-pod1 out
expect "pod -> host:7000 works once unbound" ip netns exec pod1 $NSTOOL tcp-try 172.30.1.2 7000 3
expect_fail "a bound ACL cannot be deleted" "bound to a port" "$PSWCTL" acl del psw0 3
expect "an unbound ACL can" "$PSWCTL" acl del psw0 5
expect_fail "binding an undefined ACL fails" "no such ACL" "$PSWCTL" acl bind psw0 dev host out 5
expect "sessions to flush" sh -c "'$PSWCTL' show psw0 sessions | grep -q '^acl '"
expect "session flush" "$PSWCTL" session flush psw0
expect_none "no sessions after flush" "." "$PSWCTL" show psw0 sessions

# A policy of 10000 rules goes in one request and comes back whole over
# a dump that spans messages; the last rule still decides.
python3 -S - "$PSWCTL" <<'PY' || fail "acl set of 10000 rules"
import subprocess, sys
words = []
for i in range(9999):
    words += ["deny", "proto", "tcp", "dst", f"10.9.{i // 250}.{i % 250 + 1}/32", "dport", f"{1000 + i % 100},"]
words += ["permit", "proto", "tcp", "dport", "8080"]
r = subprocess.run([sys.argv[1], "acl", "set", "psw0", "7"] + words, capture_output=True, text=True)
sys.exit(r.returncode and f"pswctl acl set: {r.stderr[-300:]}")
PY
pass "acl set of 10000 rules in one request"
expect "bind the 10000 rules" "$PSWCTL" acl bind psw0 dev veth-pod1 out 7
expect "host -> pod:8080 through the last of 10000 rules" $NSTOOL tcp-echo 10.1.1.6 8080 1000
got=$("$PSWCTL" -j show psw0 acl | python3 -S -c '
import json, sys
a = {x["acl"]: x["rules"] for x in json.load(sys.stdin)["acls"]}[7]
print(len(a), [r["rule"] for r in a] == list(range(10000)), a[4321]["dst"], a[4321]["dport"],
      a[-1]["action"], a[-1]["hits"] > 0)')
expect_eq "show acl returns all 10000 rules in order" "10000 True 10.9.17.72/32 1021 permit True" "$got"
