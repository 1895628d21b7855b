#!/bin/bash
# podman run -p through the podswitch CNI plugin (portMappings) on a
# network with "masquerade": true: the web container is reached at the
# host's addresses from an "outside" host beyond the uplink, from the host
# itself (127.0.0.1 and its addresses), and from another container
# (hairpin); a container reaches the outside as the host; podman rm leaves
# table ip podswitch as it was, and the host's own table as it was.
# The rules' details are host-nft's (the plugin driven directly).
#
# In a mount namespace of its own, as podman.sh (tests/podman-env.sh).
# psw-timeout: 1800
if [ -z "${PSW_PODMAN_NS:-}" ]; then
	PSW_PODMAN_NS=1 unshare --mount --propagation private bash "${BASH_SOURCE[0]}"
	return $? 2>/dev/null || exit $?
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../podman-env.sh"
psw_load
mkhost
pm=/tmp/pm-ports
fwd0=$(sysctl -n net.ipv4.ip_forward)
trap 'podman rm -a -f -t 0 >/dev/null 2>&1; kill $(jobs -p) 2>/dev/null; nft delete table ip hostnat
	sysctl -qw net.ipv4.ip_forward=$fwd0; rm -rf "$pm"; psw_cleanup' EXIT
podman_env "$pm" "$PSW_REPO/ctl/podswitch-cni" || bail "podman set up, a busybox image"
pm_network podnet 10.1.1.0/24 '"masquerade": true, "capabilities": {"portMappings": true},'

nft add table ip hostnat && nft add chain ip hostnat post '{ type nat hook postrouting priority 110; }' &&
	nft add rule ip hostnat post oifname "nowhere0" masquerade || bail "the host's own table"
hostnat0=$(nft -j list table ip hostnat)
t0=$(nft -j list table ip podswitch 2>&1)

ip netns add outside
ip link add uplink0 type veth peer name eth0 netns outside || bail "uplink veth"
ip addr add 192.168.50.1/24 dev uplink0 && ip link set uplink0 up &&
	ip -n outside addr add 192.168.50.2/24 dev eth0 && ip -n outside link set eth0 up &&
	ip -n outside link set lo up || bail "the outside"
ip netns exec outside $NSTOOL id-server 0.0.0.0 7000 outside &
wait_listen outside 7000

get() { printf 'GET / HTTP/1.0\r\n\r\n' | "$@" | grep -q 'served by podswitch'; }
require "podman run -d -p 8080:80 --network podnet (a web server)" \
	podman run -d -q --name web -p 8080:80 --network podnet localhost/bb httpd -f -p 80 -h /www
# httpd may not listen yet when podman returns.
wait_for 30 get nc -w 2 127.0.0.1 8080
expect "the outside fetches from web at the host's address 192.168.50.1:8080" \
	get ip netns exec outside nc -w 5 192.168.50.1 8080
expect "the host fetches from 127.0.0.1:8080" get nc -w 5 127.0.0.1 8080
expect "the host fetches from its address 172.30.1.2:8080" get nc -w 5 172.30.1.2 8080
expect "another container fetches from 192.168.50.1:8080 (hairpin)" \
	get podman run --rm -i --network podnet localhost/bb nc -w 5 192.168.50.1 8080
out=$(podman exec web sh -c 'echo | nc -w 2 192.168.50.2 7000')
expect_eq "web reaches the outside, seen as the host (192.168.50.1)" "outside 192.168.50.1" \
	"$(echo "$out" | awk 'NR == 1 { print $1, $2 }')"
check "pswctl host show lists web's hostPort" sh -c "'$PSWCTL' host show psw0 | grep -q 'hostport tcp \*:8080 -> 10\.1\.1\.[0-9]*:80'"
expect "podman rm web" podman rm -f -t 0 web
expect_eq "table ip podswitch is back to what it was" "$t0" "$(nft -j list table ip podswitch 2>&1)"
expect_fail "the outside no longer reaches 8080 (nothing listens there)" "ConnectionRefused" \
	ip netns exec outside $NSTOOL tcp-try 192.168.50.1 8080
expect_eq "the host's own table is unchanged (nft -j, handles included)" "$hostnat0" "$(nft -j list table ip hostnat)"
