#!/bin/bash
# Inside the bench VM (bench/acl).
#  1. Session-miss classification: UDP 64-byte packets pod1 -> pod2 through
#     an ACL of N rules bound on pod1's port, whose last rule permits
#     (without reflect: every packet is classified). The other rules are
#     NetworkPolicy-style (pod /32, TCP port). Cost per packet = 1/pps.
#  2. Forwarding with an ACL that reflects every connection pod1 -> pod2
#     behind 999 policy rules, and denies everything towards pod1 (replies
#     pass by session), vs. the kernel forwarding pod3 -> pod4 through nftables with
#     `ct state established,related accept` plus the same 1000 rules.
#  3. Session memory: 50000 UDP sessions, slab object size and the growth
#     of Slab + VmallocUsed per session.
set -u
. "$PSW_REPO/bench/lib.sh"
bench_pods

# acl_set NUM N LAST: ACL NUM of N-1 policy rules, then LAST.
acl_set() {
	python3 - "$PSWCTL" "$@" <<'PY'
import subprocess, sys
pswctl, num, n, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
words = []
for i in range(n - 1):
    words += ["deny", "proto", "tcp", "dst", f"10.9.{i // 250}.{i % 250 + 1}/32",
              "dport", str(1000 + i % 100) + ","]
words += last.split()
r = subprocess.run([pswctl, "acl", "set", "psw0", num] + words, capture_output=True, text=True)
sys.exit(r.returncode and f"pswctl acl set: {r.stderr[-300:]}")
PY
}

# 1. classification
declare -A c
for n in 10 1000 10000; do
	acl_set 100 $n "permit" || bail "acl set 100: $n rules"
	"$PSWCTL" acl bind psw0 dev veth-pod1 in 100 || bail "acl bind 100"
	got=$("$PSWCTL" -j show psw0 acl | python3 -c 'import json,sys; print(len({a["acl"]: a for a in json.load(sys.stdin)["acls"]}[100]["rules"]))')
	[ "$got" = "$n" ] || bail "acl 100 has $got rules, not $n"
	c[$n]=$(median "$(udp_pps pod1 10.1.1.7)" "$(udp_pps pod1 10.1.1.7)" "$(udp_pps pod1 10.1.1.7)")
done
"$PSWCTL" acl bind psw0 dev veth-pod1 in || bail "acl unbind"
none=$(median "$(udp_pps pod1 10.1.1.7)" "$(udp_pps pod1 10.1.1.7)" "$(udp_pps pod1 10.1.1.7)")
hits=$("$PSWCTL" -j show psw0 acl | python3 -c 'import json,sys; print(json.load(sys.stdin)["acls"][0]["rules"][-1]["hits"])')

# 2. forwarding: reflect on pod1 in (after 999 policy rules), deny on pod1 out.
acl_set 101 1000 "reflect" || bail "acl set 101"
"$PSWCTL" acl set psw0 102 deny || bail "acl set 102"
"$PSWCTL" acl bind psw0 dev veth-pod1 in 101 || bail "acl bind 101"
"$PSWCTL" acl bind psw0 dev veth-pod1 out 102 || bail "acl bind 102"
ip netns exec pod2 ping -c 1 -W 2 10.1.1.6 >/dev/null && bail "podswitch lets pod2 open connections to pod1"
python3 - <<'PY' >/tmp/fw.nft
print("table inet bench {\n  chain bench_fw {\n    type filter hook forward priority 0; policy drop;")
print("    ct state established,related accept")
for i in range(999):
    print(f"    ip daddr 10.9.{i // 250}.{i % 250 + 1} tcp dport {1000 + i % 100} drop")
print('    iifname "veth-pod3" accept\n  }\n}')
PY
nft -f /tmp/fw.nft || bail "nftables peer"
ip netns exec pod1 ping -c 1 -W 2 10.1.1.7 >/dev/null || bail "podswitch path broken"
ip netns exec pod3 ping -c 1 -W 2 10.2.1.7 >/dev/null || bail "nftables path broken"
ip netns exec pod4 ping -c 1 -W 2 10.2.1.6 >/dev/null && bail "nftables peer lets pod4 open connections"
r=$(bench_compare pod1 10.1.1.7 pod3 10.2.1.7)
read -r pt nt pu nu <<<"$r"
nft delete table inet bench

# 3. session memory: 50000 UDP sessions (one per destination port).
"$PSWCTL" session flush psw0 || bail "session flush"
"$PSWCTL" set psw0 timeout udp 600 || bail "udp timeout"
mem() { awk '/^Slab:|^VmallocUsed:/ { s += $2 } END { print s }' /proc/meminfo; }
sync; echo 3 >/proc/sys/vm/drop_caches
before=$(mem)
ip netns exec pod1 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for p in range(10000, 60000):
    s.sendto(b"x", ("10.1.1.7", p))
'
sleep 1
after=$(mem)
nsess=$("$PSWCTL" -j show psw0 sessions | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
# Back-to-back sendto() can overflow the backlog: most must have made it.
[ "${nsess:-0}" -ge 49000 ] || bail "sessions: $nsess of 50000"
# SLUB may merge the cache with another of its size: sysfs still names it.
objsize=$(cat /sys/kernel/slab/psw_session/slab_size 2>/dev/null || echo 0)
ctsize=$(cat /sys/kernel/slab/nf_conntrack/slab_size 2>/dev/null || echo 0)

python3 - "${c[10]}" "${c[1000]}" "${c[10000]}" "$none" "$hits" "$pt" "$nt" "$pu" "$nu" \
	"$before" "$after" "$nsess" "$objsize" "$ctsize" <<'PY'
import sys
c10, c1k, c10k, none, hits, pt, nt, pu, nu = map(float, sys.argv[1:10])
before, after, nsess, objsize, ctsize = map(int, sys.argv[10:15])
print(f"session-miss classification, UDP 64-byte pps: no ACL {none:.0f}, "
      f"10 rules {c10:.0f}, 1000 rules {c1k:.0f}, 10000 rules {c10k:.0f}")
print(f"  per-packet cost ratio 10000/10 rules: {c10 / c10k:.2f} (goal <= 1.5); "
      f"1000/10: {c10 / c1k:.2f}; 10 rules/no ACL: {none / c10:.2f}; "
      f"last rule hits {hits:.0f}")
print(f"reflect ACL (1000 rules) vs nftables ct established + same rules: "
      f"TCP {pt:.0f} vs {nt:.0f} Mbit/s, ratio {pt / nt:.2f}; "
      f"UDP 64-byte {pu:.0f} vs {nu:.0f} pps, ratio {pu / nu:.2f}")
grow = (after - before) * 1024 / max(nsess, 1)
print(f"session memory: {nsess} sessions, slab object {objsize} bytes "
      f"(nf_conntrack object {ctsize} bytes), Slab+Vmalloc growth {grow:.0f} bytes/session")
PY
psw_cleanup >/dev/null 2>&1
