#!/bin/bash
# podman 4.3, a real and unmodified CNI client, runs containers on
# podswitch through the podswitch CNI plugin: containers on two networks
# (two pod subnets on psw0) get addresses, reach each other, the host
# reaches them (the reference flow), a container reaches a service VIP;
# podman stop, start, restart, network reload and rm go through DEL and
# ADD and leave no port, veth or IPAM reservation behind; 20 containers
# started in parallel are all reachable and all removed cleanly.
#
# podman writes to fixed paths of the VM's read-only root (/var/lib,
# /var/tmp, /dev/shm): the test runs in a mount namespace of its own with
# tmpfs there, and every podman call of it in that namespace.
if [ -z "${PSW_PODMAN_NS:-}" ]; then
	PSW_PODMAN_NS=1 unshare --mount --propagation private bash "${BASH_SOURCE[0]}"
	return $? 2>/dev/null || exit $?
fi
. "$(dirname "$0")/lib.sh"
psw_load
mkhost
for d in /var/lib /var/tmp /dev/shm; do
	mkdir -p "$d" && mount -t tmpfs tmpfs "$d" || bail "tmpfs on $d"
done
# crun reads the cgroup2 hierarchy even with podman's cgroups disabled.
grep -q " /sys/fs/cgroup cgroup2 " /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup ||
	bail "cgroup2 on /sys/fs/cgroup"
pm=/tmp/pm
rm -rf "$pm"
mkdir -p "$pm"/{net.d,run,storage,tmp,cni,rootfs/bin,rootfs/etc,rootfs/www}
trap 'podman rm -a -f -t 0 >/dev/null 2>&1; rm -rf "$pm"; psw_cleanup' EXIT
cp "$PSW_REPO/ctl/podswitch-cni" "$pm/cni/podswitch"
cat >"$pm/containers.conf" <<EOF
[containers]
cgroupns = "host"
cgroups = "disabled"
keyring = false
seccomp_profile = "unconfined"
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[network]
network_backend = "cni"
network_config_dir = "$pm/net.d"
cni_plugin_dirs = ["$pm/cni", "/usr/lib/cni"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$pm/run/events.log"
tmp_dir = "$pm/run/libpod"
static_dir = "$pm/storage/libpod"
volume_path = "$pm/storage/volumes"
image_copy_tmp_dir = "$pm/tmp"
EOF
cat >"$pm/storage.conf" <<EOF
[storage]
driver = "vfs"
runroot = "$pm/run"
graphroot = "$pm/storage"
EOF
export CONTAINERS_CONF=$pm/containers.conf CONTAINERS_STORAGE_CONF=$pm/storage.conf TMPDIR=$pm/tmp
# netconf NAME SUBNET: a network of pods on psw0.
netconf() {
	cat >"$pm/net.d/$1.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "$1", "plugins": [
 {"type": "podswitch", "switch": "psw0", "mtu": 1500,
  "ipam": {"type": "host-local", "dataDir": "$pm/ipam", "ranges": [[{"subnet": "$2"}]]}}]}
EOF
}
netconf podnet 10.1.1.0/24
netconf podnet2 10.1.2.0/24

# The image: busybox alone.
cp /bin/busybox "$pm/rootfs/bin/"
for a in $("$pm/rootfs/bin/busybox" --list); do
	[ -e "$pm/rootfs/bin/$a" ] || ln -s busybox "$pm/rootfs/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$pm/rootfs/etc/passwd"
echo "served by podswitch" >"$pm/rootfs/www/index.html"
require "a busybox image" sh -c "tar -C '$pm/rootfs' -c . | podman import -q - localhost/bb:latest"
check "podman lists both networks" sh -c "podman network ls --format '{{.Name}}' | grep -x podnet && podman network ls --format '{{.Name}}' | grep -x podnet2"

# What attachments leave: veths, the switch's ports, IPAM reservations.
state() {
	echo "veths: $(ip -o link show type veth | awk -F': ' '{ print $2 }' | cut -d@ -f1 | sort | xargs);" \
		"pod ports: $("$PSWCTL" port show psw0 2>/dev/null | grep -c '^sw_if [0-9]* psw');" \
		"ipam: $(find "$pm/ipam" -type f ! -name lock ! -name 'last_reserved*' 2>/dev/null | sort | xargs)"
}
ipof() { podman inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
s0=$(state)

require "a web server container on podnet" podman run -d -q --name web --network podnet localhost/bb httpd -f -p 80 -h /www
require "a client container on podnet2" podman run -d -q --name client --network podnet2 localhost/bb sleep 1000
web=$(ipof web) client=$(ipof client)
check "web has 10.1.1.x ($web), client 10.1.2.x ($client)" sh -c "echo $web | grep -q '^10\.1\.1\.' && echo $client | grep -q '^10\.1\.2\.'"
check "both are ports of psw0 with their addresses" sh -c "'$PSWCTL' port show psw0 | grep -q ' ip $web\$' && '$PSWCTL' port show psw0 | grep -q ' ip $client\$'"
expect "client reaches web (ping)" podman exec client ping -c 1 -W 3 "$web"
expect "client fetches from web (HTTP)" sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | podman exec -i client nc -w 5 $web 80 | grep -q 'served by podswitch'"
expect "the host fetches from web (the reference flow)" sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 5 $web 80 | grep -q 'served by podswitch'"
expect "a service VIP to web" "$PSWCTL" nat44 service add psw0 tcp 10.96.0.10:80 backend "$web:80"
ip route add 10.96.0.0/12 dev psw0
expect "client fetches from the VIP" sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | podman exec -i client nc -w 5 10.96.0.10 80 | grep -q 'served by podswitch'"
expect "podman run --rm --network podnet bb ping -c1 web" podman run --rm --network podnet localhost/bb ping -c 1 -W 3 "$web"

# stop, start, restart, reload: DEL and ADD, nothing left over.
ports=$("$PSWCTL" port show psw0 | grep -c '^sw_if')
expect "podman stop web" podman stop -t 0 web
check "its port, veth and address are gone" sh -c "! '$PSWCTL' port show psw0 | grep -q ' ip $web\$' && [ ! -e '$pm/ipam/podnet/$web' ]"
expect "podman start web" podman start web
web=$(ipof web)
expect "web is back ($web)" sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | podman exec -i client nc -w 5 $web 80 | grep -q 'served by podswitch'"
expect "podman restart web" podman restart -t 0 web
web=$(ipof web)
expect "web is back after restart ($web)" sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | podman exec -i client nc -w 5 $web 80 | grep -q 'served by podswitch'"
expect "podman network reload web" podman network reload web
web=$(ipof web)
expect "web is back after the reload ($web)" podman exec client ping -c 1 -W 3 "$web"
expect_eq "as many ports as before" "$ports" "$("$PSWCTL" port show psw0 | grep -c '^sw_if')"
expect "podman rm web client" podman rm -f -t 0 web client
expect_eq "nothing left over" "$s0" "$(state)"

# 20 containers started at once.
for i in $(seq 20); do
	podman run -d -q --name "par$i" --network podnet localhost/bb sleep 1000 >"$pm/par$i.log" 2>&1 &
done
wait
n=0
for i in $(seq 20); do ipof "par$i" | grep -q '^10\.1\.1\.' && n=$((n + 1)); done
expect_eq "20 containers started in parallel, each with an address" 20 "$n"
require "a client" podman run -d -q --name client --network podnet2 localhost/bb sleep 1000
unreached=$(for i in $(seq 20); do
	podman exec client ping -c 1 -W 3 "$(ipof "par$i")" >/dev/null || echo "par$i"
done)
expect_eq "all 20 reachable from a container of the other network" "" "$unreached"
expect "all removed at once" podman rm -a -f -t 0
expect_eq "nothing left over" "$s0" "$(state)"
