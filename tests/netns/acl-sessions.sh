#!/bin/bash
# Reflective ACL sessions between two pods: isolation with replies for
# connections A opens (TCP, UDP, ICMP echo), TCP states and the transient
# timeout, a full table recycling its oldest transient session, and an ACL
# replaced under running streams.
. "$(dirname "$0")/lib.sh"
trap psw_cleanup EXIT
psw_load
mkswitch psw0
mkpods psw0 podA=10.1.1.10 podB=10.1.1.11
ip netns exec podB $NSTOOL echo-server 10.1.1.11 8080 &
ip netns exec podA $NSTOOL echo-server 10.1.1.10 8080 &
wait_listen podB 8080
wait_listen podA 8080

# Pod A may open anything (reflected); nothing may open a connection to A.
cat >/tmp/acl.batch <<'B'
acl set psw0 10 reflect
acl set psw0 11 deny
acl bind psw0 dev veth-podA in 10
acl bind psw0 dev veth-podA out 11
B
require "isolation policy for pod A" "$PSWCTL" -b /tmp/acl.batch
inA() { ip netns exec podA "$@"; }
inB() { ip netns exec podB "$@"; }
expect "A -> B TCP" inA $NSTOOL tcp-try 10.1.1.11 8080 3
expect_fail "B -> A TCP denied" "timed out" inB $NSTOOL tcp-try 10.1.1.10 8080 2
expect "A -> B UDP, reply by session" inA $NSTOOL udp-try 10.1.1.11 8080 3
expect_fail "B -> A UDP denied" "timed out" inB $NSTOOL udp-try 10.1.1.10 8080 2
expect "A -> B 4000-byte UDP datagrams: reassembled for the ACL, fragmented again" \
	inA $NSTOOL udp-echo 10.1.1.11 8080 4000
"$PSWCTL" show psw0 errors | grep -Eq "[1-9][0-9]* +ip4-input +fragments reassembled" ||
	fail "reassembly counted: $("$PSWCTL" show psw0 errors)"
pass "fragments were reassembled for the ACLs"
# B's port unreachable about A's datagram is let in by A's session.
expect "trace armed" "$PSWCTL" trace psw0 add 10
expect_fail "A -> B closed UDP port: ICMP port unreachable reaches A" "ConnectionRefused" \
	inA $NSTOOL udp-try 10.1.1.11 9999 3
"$PSWCTL" trace psw0 show | grep -q "^acl-out: sw_if 1, session hit (ICMP error), action permit" ||
	fail "ICMP error passed by its inner session: $("$PSWCTL" trace psw0 show)"
pass "the ICMP error passed A's deny ACL by the session of the datagram inside"
"$PSWCTL" trace psw0 clear
expect "A pings B" inA ping -c 1 -W 3 10.1.1.11
expect_fail "B cannot ping A" "100% packet loss" inB ping -c 1 -W 2 10.1.1.10
sess=$("$PSWCTL" show psw0 sessions)
echo "$sess" | grep -q "^acl udp 10.1.1.10:[0-9]* -> 10.1.1.11:8080 udp dev veth-podA" ||
	fail "UDP session listed: $sess"
echo "$sess" | grep -q "^acl icmp 10.1.1.10:\([0-9]*\) -> 10.1.1.11:\1 icmp dev veth-podA" ||
	fail "ICMP echo session keyed by the echo id: $sess"
echo "$sess" | grep -q "10.1.1.11:[0-9]* -> 10.1.1.10" && fail "no session opened by B: $sess"
pass "sessions: UDP and ICMP echo (by id), none opened by B"

# TCP: established while open; FIN makes it transient, which expires on
# the transient timeout.
expect "short transient timeout" "$PSWCTL" set psw0 timeout tcp-transient 3 timeout udp 30
"$PSWCTL" show psw0 | grep -q "timeout tcp-established 86400 tcp-transient 3 udp 30 icmp 60" ||
	fail "timeouts shown: $("$PSWCTL" show psw0)"
pass "timeouts shown by show SWITCH"
expect "flush" "$PSWCTL" session flush psw0 acl
rm -f /tmp/stop
inA $NSTOOL tcp-streams 10.1.1.11 8080 1 300 /tmp/stop >/tmp/stream.log 2>&1 &
spid=$!
wait_for 20 sh -c "'$PSWCTL' show psw0 sessions | grep -q 'tcp 10.1.1.10:[0-9]* -> 10.1.1.11:8080 established'" ||
	fail "session established while the stream runs: $("$PSWCTL" show psw0 sessions)"
pass "open TCP connection: session established"
touch /tmp/stop
wait $spid || fail "stream: $(cat /tmp/stream.log)"
pass "the stream ran until told to stop"
state=$("$PSWCTL" show psw0 sessions | grep "tcp 10.1.1.10:.* -> 10.1.1.11:8080" | awk '{print $6}')
expect_eq "after FIN the session is transient" "transient" "$state"
sleep 4
expect_none "transient session expired on the transient timeout" "tcp 10\.1\.1\.10:" \
	"$PSWCTL" show psw0 sessions

# A full table: established sessions stay, the oldest transient one is
# recycled, and without one new connections are dropped and counted.
expect "max-sessions 3" "$PSWCTL" set psw0 max-sessions 3 timeout tcp-transient 120
expect "flush" "$PSWCTL" session flush psw0
rm -f /tmp/stop
inA $NSTOOL tcp-streams 10.1.1.11 8080 2 300 /tmp/stop >/tmp/streams.log 2>&1 &
spid=$!
wait_for 20 sh -c "[ \$('$PSWCTL' show psw0 sessions | grep -c established) = 2 ]" ||
	bail "two established sessions (the full-table checks need them): $("$PSWCTL" show psw0 sessions)"
expect "third session (closed: transient)" inA $NSTOOL tcp-try 10.1.1.11 8080 3
expect "fourth connection recycles the transient session" inA $NSTOOL tcp-try 10.1.1.11 8080 3
expect_eq "table holds 3 sessions" 3 "$("$PSWCTL" show psw0 sessions | wc -l)"
expect_eq "one of them transient" 1 "$("$PSWCTL" show psw0 sessions | grep -c ' transient dev ')"
expect "a UDP session recycles the newest transient one, now the only one" \
	inA $NSTOOL udp-try 10.1.1.11 8080 3
f0=$(counter acl-out "session table full")
expect_fail "full of established and UDP sessions: new connection dropped" "timed out" \
	inA $NSTOOL tcp-try 10.1.1.11 8080 2
[ "$(counter acl-out "session table full")" -gt "$f0" ] ||
	fail "that drop counted as table full: $("$PSWCTL" show psw0 errors)"
pass "that drop counted as table full"
expect_eq "still 3 sessions" 3 "$("$PSWCTL" show psw0 sessions | wc -l)"
touch /tmp/stop
wait $spid || fail "established streams survived the full table: $(cat /tmp/streams.log)"
pass "established streams survived the full table: $(cat /tmp/streams.log)"
expect "max-sessions back" "$PSWCTL" set psw0 max-sessions 500000

# Replacing the ACL under 4 running streams: they go on (sessions), new
# connections follow the new rules at once.
expect "A may open TCP 8080 and UDP" "$PSWCTL" acl set psw0 10 reflect proto tcp dport 8080, reflect proto udp
rm -f /tmp/stop
inA $NSTOOL tcp-streams 10.1.1.11 8080 4 300 /tmp/stop >/tmp/streams.log 2>&1 &
spid=$!
wait_for 20 sh -c "[ \$('$PSWCTL' show psw0 sessions | grep -c established) -ge 4 ]" ||
	bail "four established sessions (the replace checks need them): $("$PSWCTL" show psw0 sessions)"
expect "replace ACL 10: UDP only" "$PSWCTL" acl set psw0 10 reflect proto udp
expect_fail "new TCP connection denied at once" "timed out" inA $NSTOOL tcp-try 10.1.1.11 8080 2
expect "UDP still reflected" inA $NSTOOL udp-try 10.1.1.11 8080 3
sleep 2
touch /tmp/stop
wait $spid || fail "streams broke across the ACL replace: $(cat /tmp/streams.log)"
pass "4 streams went on across the replace: $(cat /tmp/streams.log)"
