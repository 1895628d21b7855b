#!/bin/bash
# Reflective ACL sessions between two pods: isolation with replies for
# connections A opens (TCP, UDP, ICMP echo), TCP states and the transient
# timeout, a full table recycling its oldest transient session, and an ACL
# replaced under running streams.
. "$(dirname "$0")/lib.sh"
topology psw0 podA=10.1.1.10 podB=10.1.1.11
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
expect "trace cleared" "$PSWCTL" trace psw0 clear
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
# 8 s: the debug VM takes seconds between the FIN and the first look.
expect "short transient timeout" "$PSWCTL" set psw0 timeout tcp-transient 8 timeout udp 30
"$PSWCTL" show psw0 | grep -q "timeout tcp-established 86400 tcp-transient 8 udp 30 icmp 60" ||
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
# Established, it would live a day: gone within seconds is the transient timeout.
wait_for 20 sh -c "out=\$('$PSWCTL' show psw0 sessions) && ! echo \"\$out\" | grep -q 'tcp 10\.1\.1\.10:'" ||
	fail "transient session expired on the transient timeout: $("$PSWCTL" show psw0 sessions)"
pass "transient session expired on the transient timeout"

# A full table: established sessions stay, the oldest transient one is
# recycled, then the oldest UDP one, and without one new connections are
# dropped and counted.
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
expect "a new connection recycles the UDP session, never an established one" \
	inA $NSTOOL tcp-try 10.1.1.11 8080 3
expect_eq "2 established sessions and 1 transient" "2 1" \
	"$("$PSWCTL" show psw0 sessions | grep -c established) $("$PSWCTL" show psw0 sessions | grep -c ' transient dev ')"
expect "max-sessions 2" "$PSWCTL" set psw0 max-sessions 2
f0=$(counter acl-out "session table full")
expect_fail "full of established sessions: new connection dropped" "timed out" \
	inA $NSTOOL tcp-try 10.1.1.11 8080 2
[ "$(counter acl-out "session table full")" -gt "$f0" ] ||
	fail "that drop counted as table full: $("$PSWCTL" show psw0 errors)"
pass "that drop counted as table full"
expect_eq "the 2 established sessions remain" 2 "$("$PSWCTL" show psw0 sessions | grep -c established)"
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

# Expiry on real packets: a reply later than its session's timeout meets
# A's deny ACL. UDP and ICMP, an idle established connection, and RST,
# which makes a session transient at once.
require "A reflects everything again" sh -c \
	"'$PSWCTL' acl set psw0 10 reflect && '$PSWCTL' session flush psw0"
expect "UDP timeout 4 s" "$PSWCTL" set psw0 timeout udp 4
inB python3 -S -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.1.1.11", 7001))
for delay in (0.5, 7):
    d, a = s.recvfrom(100); time.sleep(delay); s.sendto(d, a)' &
udp_late=$!
wait_for 5 sh -c "ip netns exec podB ss -lunH | grep -q ':7001 '" || bail "nothing listens on udp :7001 in podB"
expect "UDP reply after 0.5 s: within the 4 s timeout" inA $NSTOOL udp-try 10.1.1.11 7001 3
expect "the UDP session lists its 4 s timeout" sh -c \
	"'$PSWCTL' show psw0 sessions | grep -Eq '^acl udp 10\\.1\\.1\\.10:[0-9]+ -> 10\\.1\\.1\\.11:7001 udp dev veth-podA idle [0-9]s expires [0-3]s$'"
d0=$(counter acl-out "denied by rule")
expect_fail "UDP reply after 7 s: the session expired, A's deny ACL drops it" "timed out" \
	inA $NSTOOL udp-try 10.1.1.11 7001 9
wait $udp_late || fail "podB's late reply was not sent"
[ "$(counter acl-out "denied by rule")" -gt "$d0" ] || fail "the late reply denied by A's ACL"
pass "the late reply was sent and denied by A's ACL"
expect "ICMP timeout 1 s" "$PSWCTL" set psw0 timeout icmp 1
expect "A pings B" inA ping -c 1 -W 2 10.1.1.11
sleep 2
expect_none "the ICMP session is gone 1 s after its last packet" "^acl icmp " "$PSWCTL" show psw0 sessions

expect "established timeout 2 s" "$PSWCTL" set psw0 timeout tcp-established 2
inB python3 -S -c 'import socket, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("10.1.1.11", 7002)); l.listen(4)
conns = []
for delay in (0.5, 4):
    c, _ = l.accept(); conns.append(c); time.sleep(delay); c.sendall(b"late")
time.sleep(8)' &
tcp_late=$!
wait_listen podB 7002
push() {
	inA python3 -S -c 'import socket, sys
s = socket.create_connection(("10.1.1.11", 7002), 3); s.settimeout(float(sys.argv[1]))
print(s.recv(4).decode())' "$1"
}
expect_eq "data 0.5 s after the handshake arrives" late "$(push 3 2>&1)"
expect_fail "data after 4 s idle (established timeout 2 s) is dropped" "timed out" push 6
kill $tcp_late 2>/dev/null
wait $tcp_late 2>/dev/null

expect "transient 4 s, established back to a day" "$PSWCTL" set psw0 timeout tcp-transient 4 timeout tcp-established 86400
expect "flush" "$PSWCTL" session flush psw0 acl
expect "A resets a connection (SO_LINGER 0)" inA python3 -S -c 'import socket, struct
s = socket.create_connection(("10.1.1.11", 8080), 3); s.sendall(b"x"); s.recv(1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); s.close()'
expect_eq "after RST the session is transient" transient \
	"$("$PSWCTL" show psw0 sessions | awk '$2 == "tcp" && $5 == "10.1.1.11:8080" {print $6}')"
sleep 5
expect_none "and gone after the 4 s transient timeout" "^acl tcp " "$PSWCTL" show psw0 sessions
expect "timeouts back" "$PSWCTL" set psw0 timeout udp 30 timeout icmp 60 timeout tcp-transient 120

# Lowering max-sessions below what the table holds keeps the sessions
# there are; new flows are dropped and counted until it is below.
expect "flush" "$PSWCTL" session flush psw0
expect "4 UDP flows" inA python3 -S -c 'import socket
socks = []
for i in range(4):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3); socks.append(s)
    s.sendto(b"x", ("10.1.1.11", 8080)); s.recv(10)'
expect_eq "4 UDP sessions" 4 "$("$PSWCTL" show psw0 sessions | grep -c '^acl udp ')"
expect "max-sessions 2, below the 4 there are" "$PSWCTL" set psw0 max-sessions 2
expect_eq "lowering the limit keeps the sessions there are" 4 "$("$PSWCTL" show psw0 sessions | grep -c '^acl udp ')"
f0=$(counter acl-out "session table full")
expect_fail "a new flow is dropped while over the limit" "timed out" inA $NSTOOL udp-try 10.1.1.11 8080 2
[ "$(counter acl-out "session table full")" -gt "$f0" ] || fail "the over-limit drop counted as table full"
pass "the over-limit drop counted as table full"
expect "max-sessions back" "$PSWCTL" set psw0 max-sessions 500000

# Several ACLs bound to one port: the first rule that matches across them,
# in binding order, decides; a packet no rule matches is denied.
cat >/tmp/order.batch <<'B'
session flush psw0
acl set psw0 20 deny proto udp dport 8080
acl set psw0 21 permit proto tcp, permit proto udp
acl bind psw0 dev veth-podB out 20,21
trace psw0 add 20
B
require "ACLs 20 then 21 bound to B out" "$PSWCTL" -b /tmp/order.batch
expect "show acl lists the binding in order" sh -c "'$PSWCTL' show psw0 acl | grep -qx '  dev veth-podB out 20,21'"
expect_fail "UDP to B:8080: acl 20 decides first (deny)" "timed out" inA $NSTOOL udp-try 10.1.1.11 8080 2
expect "TCP to B: acl 20 has no match, acl 21 permits" inA $NSTOOL tcp-try 10.1.1.11 8080 3
expect_fail "ICMP to B: no rule of either matches: denied" "100% packet loss" inA ping -c 1 -W 1 10.1.1.11
t=$("$PSWCTL" trace psw0 show)
echo "$t" | grep -q "^acl-out: sw_if 2, acl 20 rule 0, action deny$" || fail "UDP denied by acl 20 rule 0: $t"
echo "$t" | grep -q "^acl-out: sw_if 2, acl 21 rule 0, action permit$" || fail "TCP permitted by acl 21 rule 0: $t"
echo "$t" | grep -q "^acl-out: sw_if 2, no rule matched, action deny$" || fail "ICMP: no rule matched: $t"
pass "trace: the first match across the bound ACLs in binding order; no match denies"
expect "trace cleared" "$PSWCTL" trace psw0 clear
expect "the binding reversed: 21, 20" "$PSWCTL" acl bind psw0 dev veth-podB out 21,20
expect "UDP to B:8080 now decided by acl 21 (permit)" inA $NSTOOL udp-try 10.1.1.11 8080 3

# Match fields on real packets, acl 21 alone on B out.
expect "acl 21 alone on B out" "$PSWCTL" acl bind psw0 dev veth-podB out 21
expect "deny echo requests: type 8 code 0" "$PSWCTL" acl set psw0 21 deny proto icmp type 8 code 0, permit
expect_fail "ping denied by type 8 code 0" "100% packet loss" inA ping -c 1 -W 1 10.1.1.11
expect "the type/code rule was hit" sh -c \
	"'$PSWCTL' show psw0 acl | grep -Eq '^  rule 0: deny proto icmp type 8 code 0  \\(hits [1-9]'"
expect "a type alone: any code" "$PSWCTL" acl set psw0 21 deny proto icmp type 8, permit
expect_fail "ping denied by type 8 alone" "100% packet loss" inA ping -c 1 -W 1 10.1.1.11
expect "code 1 instead" "$PSWCTL" acl set psw0 21 deny proto icmp type 8 code 1, permit
expect "ping passes: its code 0 is not 1" inA ping -c 1 -W 2 10.1.1.11
expect "deny src 10.1.1.10/32" "$PSWCTL" acl set psw0 21 deny src 10.1.1.10/32, permit
expect_fail "A's ping denied by its source" "100% packet loss" inA ping -c 1 -W 1 10.1.1.11
expect "deny src 10.1.2.0/24 (not A)" "$PSWCTL" acl set psw0 21 deny src 10.1.2.0/24, permit
expect "A's ping passes" inA ping -c 1 -W 2 10.1.1.11
expect "deny a SYN without ACK" "$PSWCTL" acl set psw0 21 deny proto tcp tcp-flags syn/syn+ack, permit
expect_fail "a new TCP connection is denied by its SYN" "timed out" inA $NSTOOL tcp-try 10.1.1.11 8080 2
expect "the tcp-flags rule was hit" sh -c \
	"'$PSWCTL' show psw0 acl | grep -Eq '^  rule 0: deny proto tcp tcp-flags 0x02/0x12  \\(hits [1-9]'"
expect "deny SYN+ACK only" "$PSWCTL" acl set psw0 21 deny proto tcp tcp-flags syn+ack/syn+ack, permit
expect "a SYN does not match syn+ack/syn+ack" inA $NSTOOL tcp-try 10.1.1.11 8080 3
expect "permit UDP from source port 30000 only" "$PSWCTL" acl set psw0 21 permit proto udp sport 30000
expect "UDP from port 30000 passes" inA $NSTOOL udp-from 30000 10.1.1.11 8080 3
expect_fail "UDP from port 30001 matches nothing: denied" "timed out" inA $NSTOOL udp-from 30001 10.1.1.11 8080 2
