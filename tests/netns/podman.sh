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
#
# A podman command costs seconds in the debug VM (Go, conmon, crun, the
# plugins, each process under KASAN): 20 at once take minutes there.
# psw-timeout: 2400
if [ -z "${PSW_PODMAN_NS:-}" ]; then
	PSW_PODMAN_NS=1 unshare --mount --propagation private bash "${BASH_SOURCE[0]}"
	return $? 2>/dev/null || exit $?
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../podman-env.sh"
psw_load
mkhost
pm=/tmp/pm
trap 'podman rm -a -f -t 0 >/dev/null 2>&1; rm -rf "$pm"; psw_cleanup' EXIT
# Not in a check's subshell: it exports podman's environment.
podman_env "$pm" "$PSW_REPO/ctl/podswitch-cni" || bail "podman set up, a busybox image"
pm_network podnet 10.1.1.0/24
pm_network podnet2 10.1.2.0/24
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
# One inspect for the 20: a podman process is seconds in the debug VM.
info=$(podman inspect -f '{{.Name}} {{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' \
	$(seq -f 'par%g' 20))
n=$(echo "$info" | grep -c ' 10\.1\.1\.[0-9]*$')
expect_eq "20 containers started in parallel, each with an address" 20 "$n"
require "a client" podman run -d -q --name client --network podnet2 localhost/bb sleep 1000
addrs=$(echo "$info" | awk '{ print $2 }' | xargs)
unreached=$(podman exec client sh -c "for a in $addrs; do ping -c 1 -W 3 \$a >/dev/null || echo \$a; done")
expect_eq "all 20 reachable from a container of the other network" "" "$unreached"
expect "all removed at once" podman rm -a -f -t 0
expect_eq "nothing left over" "$s0" "$(state)"
