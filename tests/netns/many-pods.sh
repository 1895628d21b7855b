#!/bin/bash
# 64 pods on one switch: every pair reaches every other.
. "$(dirname "$0")/lib.sh"
pods=()
for i in $(seq 1 64); do
	pods+=("p$i=10.1.$((i / 100)).$((i % 100 + 10))")
done
topology psw0 "${pods[@]}"
expect_eq "64 pod ports and the host port" 65 "$("$PSWCTL" show psw0 ports | grep -c '^sw_if')"
expect "all 4032 pairs of 64 pods reach each other over UDP, no datagram lost" $NSTOOL udp-mesh 7000 "${pods[@]}"
