#!/bin/bash
# What a namespaced admin can do. Any user may make a user namespace and,
# as its root, a netns with a switch of its own (GENL_UNS_ADMIN_PERM, as
# for every network setting), so what it configures must neither hold a
# CPU nor take memory that is not charged to it:
# - 16 ACLs of 16384 rules with 16384 distinct masks among them, bound on
#   one port (a classifier of 262144 rules), compile with the soft-lockup
#   detector at 2 s (its report fails the run);
# - the memory they take is charged to the admin's memory cgroup, and
#   given back when they are deleted.
. "$(dirname "$0")/lib.sh"
psw_load

cg=/sys/fs/cgroup
thresh=$(sysctl -n kernel.watchdog_thresh)
mounted=
if ! grep -q " $cg cgroup2 " /proc/mounts; then
	mount -t cgroup2 none "$cg" || bail "mount cgroup2"
	mounted=1
fi
cleanup_admin() {
	rmdir "$cg/pswadmin" 2>/dev/null
	[ -z "$mounted" ] || umount "$cg"
	sysctl -qw kernel.watchdog_thresh="$thresh" net.core.wmem_max="${wmem:-212992}"
}
trap 'cleanup_admin; psw_cleanup' EXIT
grep -qw memory "$cg/cgroup.subtree_control" || echo +memory >"$cg/cgroup.subtree_control" ||
	bail "the memory controller"
rmdir "$cg/pswadmin" 2>/dev/null
mkdir "$cg/pswadmin" || bail "a memory cgroup for the admin"

# The 16 ACLs: rule i has source prefix length i % 33, destination prefix
# length i / 33 % 33 and TCP flag mask i / 1089: 16384 distinct masks.
python3 -S - >/tmp/admin-acls.psw <<'PY'
import ipaddress


def net(addr, plen):
    return ipaddress.ip_network(f"{addr}/{plen}", strict=False)


rules = ", ".join(f"deny proto tcp src {net(f'10.{i % 200}.0.0', i % 33)}"
                  f" dst {net(f'10.1.{i % 250}.0', i // 33 % 33)} tcp-flags 0/{i // 1089}"
                  for i in range(16384))
for n in range(1, 17):
    print(f"acl set psw0 {n} {rules}")
print("acl bind psw0 dev host in " + ",".join(str(n) for n in range(1, 17)))
PY
{
	echo "acl bind psw0 dev host in"
	for n in $(seq 16); do echo "acl del psw0 $n"; done
} >/tmp/admin-del.psw

# Run as an unprivileged user in the admin's cgroup: a user namespace, a
# netns, a switch; prints what the cgroup holds (kB) before the ACLs, with
# them, and after they are deleted.
cat >/tmp/admin.sh <<'SH'
set -e
pswctl=$1 cg=$2
mem() { echo $(($(cat "$cg/pswadmin/memory.current") / 1024)); }
ip link add psw0 type podswitch
ip link set psw0 up
m0=$(mem)
"$pswctl" -b /tmp/admin-acls.psw
m1=$(mem)
# Through a pipe: a file in /tmp would be charged to the cgroup too.
n=$("$pswctl" -j acl show psw0 |
	python3 -S -c 'import json, sys; print(sum(len(a["rules"]) for a in json.load(sys.stdin)["acls"]))')
"$pswctl" -b /tmp/admin-del.psw
# The classifier and the ACLs are freed after a grace period.
for i in $(seq 50); do [ $(($(mem) - m0)) -lt 4096 ] && break; sleep 0.2; done
echo "$m0 $m1 $(mem) $n"
SH
# An ACL is one netlink message (1.1 MB here), and a sender without
# CAP_NET_ADMIN in the init namespace gets at most net.core.wmem_max of
# socket buffer.
wmem=$(sysctl -n net.core.wmem_max)
sysctl -qw net.core.wmem_max=4194304 || bail "wmem_max"
sysctl -qw kernel.watchdog_thresh=1 || bail "the soft-lockup detector at 2 s"
out=$(sh -c 'echo $$ >"$1/pswadmin/cgroup.procs" && exec setpriv --reuid=65534 --regid=65534 \
	--clear-groups unshare --user --map-root-user --net bash /tmp/admin.sh "$2" "$1"' \
	sh "$cg" "$PSWCTL" 2>&1)
rc=$?
sysctl -qw kernel.watchdog_thresh="$thresh" net.core.wmem_max="$wmem"
require "an unprivileged user's own switch takes 16 ACLs of 16384 rules, bound: $(echo "$out" | tail -n 3)" \
	test $rc = 0
read -r m0 m1 m2 n <<<"$(echo "$out" | tail -n 1)"
expect_eq "all 262144 rules were there" 262144 "$n"
# The ACLs hold 262144 rules of 20 bytes (5 MiB) and the classifier a
# 32-byte copy of each (8 MiB), before counting its masks, nodes, buckets
# and the hit counters: 13 MiB is a floor whatever the allocators round.
check "the ACLs are charged to the admin's memory cgroup: $(((m1 - m0) / 1024)) MiB" \
	test $((m1 - m0)) -ge $((13 * 1024))
check "and given back when deleted: $(((m2 - m0) / 1024)) MiB left of it" test $((m2 - m0)) -lt 4096
check "no soft lockup while they compiled" sh -c "! dmesg | grep -q 'soft lockup'"
