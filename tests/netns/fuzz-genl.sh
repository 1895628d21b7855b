#!/bin/bash
# The generic netlink fuzzer (tests/netns/fuzz.py genl): requests built
# from the policy the kernel reports, every command, at and past every
# bound, nested and mutated, among valid changes. make check sends 3000
# with a fixed seed; make fuzz N=... as many as asked. Afterwards every
# request was answered, the switch forwards, and its dumps are whole.
. "$(dirname "$0")/lib.sh"
FUZZ="python3 -S $(dirname "$0")/fuzz.py"
topology host psw0 pod1=10.1.1.6 pod2=10.1.1.7 10.1.0.0/16
ip link add veth-up type veth peer name veth-up-peer || bail "uplink veth"
ip link set veth-up up && ip link set veth-up-peer up || bail "uplink up"
require "an uplink port" "$PSWCTL" port add psw0 dev veth-up uplink
read -r n seed <<<"$(fuzz_count 3000)"

out=$($FUZZ genl "$n" "$seed" 2>&1)
rc=$?
check "$n requests (seed $seed), each answered: $out" test $rc = 0 ||
	echo "$out" | tail -n 5

restore_pods psw0 pod1=10.1.1.6 pod2=10.1.1.7
expect "then pod1 reaches pod2" ip netns exec pod1 ping -c 1 -W 3 10.1.1.7
expect "and the host reaches pod1" ping -c 1 -W 3 10.1.1.6
for obj in "switch show" "port show" "route show" "neigh show" "acl show" "nat44 show" \
	"session show" "stats show" "trace show"; do
	echo "$obj psw0"
done >/tmp/fuzz-shows
expect "every show of the fuzzed switch, text and JSON" sh -c \
	"'$PSWCTL' -b /tmp/fuzz-shows >/dev/null && '$PSWCTL' -j -b /tmp/fuzz-shows >/dev/null"
