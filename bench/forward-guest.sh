#!/bin/bash
# Inside the bench VM (bench/forward): pod -> pod forwarding through
# podswitch and through the kernel's own IP forwarding between the same
# kind of veths (Calico's way: /32 routes, proxy ARP), in the same VM.
set -u
. "$PSW_REPO/bench/lib.sh"
bench_pods

r=$(bench_compare pod1 10.1.1.7 pod3 10.2.1.7)
read -r pt kt pu ku <<<"$r"
python3 - "$pt" "$kt" "$pu" "$ku" <<'PY'
import sys
pt, kt, pu, ku = map(float, sys.argv[1:])
print(f"pod -> pod TCP throughput: podswitch {pt:.0f} Mbit/s, kernel forwarding {kt:.0f} Mbit/s, ratio {pt / kt:.2f}")
print(f"pod -> pod UDP 64-byte packets: podswitch {pu:.0f} pps, kernel forwarding {ku:.0f} pps, ratio {pu / ku:.2f}")
PY
psw_cleanup >/dev/null 2>&1
