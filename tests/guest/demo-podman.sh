#!/bin/bash
# The demo's containers (see tests/demo): podman 4.3 runs them on psw0
# through the podswitch CNI plugin. Run by demo.sh in a mount namespace of
# its own (podman writes to fixed paths of the read-only root).
set -u
pswctl=$PSW_REPO/ctl/pswctl
. "$PSW_REPO/tests/podman-env.sh"

. "$PSW_REPO/tests/guest/demo-lib.sh"

step "Containers: podman, with the podswitch CNI plugin as its network"
podman_env /tmp/pm "$PSW_REPO/ctl/podswitch-cni" || { echo "podman set-up failed"; exit 1; }
pm_network podnet 10.1.2.0/24
run cat /tmp/pm/net.d/podnet.conflist
run podman network ls
run podman run -d -q --name web --network podnet localhost/bb httpd -f -p 80 -h /www
run podman run -d -q --name client --network podnet localhost/bb sleep 1000
web=$(podman inspect -f '{{.NetworkSettings.Networks.podnet.IPAddress}}' web)
client=$(podman inspect -f '{{.NetworkSettings.Networks.podnet.IPAddress}}' client)
echo "web is $web, client is $client"

step "Each container is a pod port: its address and MAC, a /32 behind the switch address"
run "$pswctl" port show psw0
run podman exec client ip addr show eth0
run podman exec client ip route

step "The host reaches the web container, as in the reference flow"
run sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 5 $web 80 | tail -n 1"

step "Reflective ACLs: the client may open connections; nothing may open one to it"
run "$pswctl" acl set psw0 10 reflect
run "$pswctl" acl set psw0 11 deny
# The client's host end: the veth whose alias names its attachment.
cid=$(podman inspect -f '{{.Id}}' client)
for d in /sys/class/net/psw*; do
	[ "$(cat "$d/ifalias")" = "podswitch-cni podnet $cid eth0" ] && hclient=${d##*/}
done
run "$pswctl" acl bind psw0 dev "$hclient" in 10
run "$pswctl" acl bind psw0 dev "$hclient" out 11
run podman exec client ping -c 1 -W 3 "$web"
run podman exec web ping -c 1 -W 2 "$client"
run "$pswctl" session show psw0

step "A service VIP in front of the web container"
run "$pswctl" nat44 service add psw0 tcp 10.96.0.10:80 backend "$web:80"
run ip route add 10.96.0.0/12 dev psw0
run sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | podman exec -i client nc -w 5 10.96.0.10 80 | tail -n 1"

step "The trace of a packet from one container to the other"
run "$pswctl" trace add psw0 1
podman exec client ping -c 1 -W 3 "$web" >/dev/null
run "$pswctl" trace show psw0

step "podman rm: each container's port, sessions, veth and address go with it"
run podman rm -f -t 0 web client
run "$pswctl" port show psw0
exit 0
