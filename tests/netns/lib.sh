# shellcheck shell=bash
# Helpers for the netns tests; sourced by each tests/netns/*.sh, which runs
# as root inside a test VM (tests/guest/suite). Environment from the suite:
#   PSW_BUILD  build directory holding kmod/podswitch.ko for this kernel
#   PSWCTL     the pswctl binary
set -u

: "${PSW_BUILD:?}" "${PSWCTL:?}"
PSW_KO=$PSW_BUILD/kmod/podswitch.ko

# Each check prints one line; the first failure ends the test.
fail() {
	echo "FAIL: $*"
	exit 1
}

pass() {
	echo "ok: $* (${SECONDS}s)"
}

# expect DESCRIPTION CMD...: CMD succeeds.
expect() {
	local what=$1 out
	shift
	out=$("$@" 2>&1) || fail "$what: '$*' failed: $out"
	pass "$what"
}

# expect_fail DESCRIPTION PATTERN CMD...: CMD fails, saying PATTERN (ERE).
expect_fail() {
	local what=$1 pattern=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		fail "$what: '$*' succeeded: $out"
	fi
	echo "$out" | grep -Eq -- "$pattern" ||
		fail "$what: '$*' failed without saying /$pattern/: $out"
	pass "$what"
}

# expect_eq DESCRIPTION WANT GOT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: want '$2', got '$3'"
	pass "$1"
}

psw_load() {
	lsmod | grep -q '^podswitch ' && return 0
	insmod "$PSW_KO" || fail "insmod $PSW_KO"
}

psw_unload() {
	lsmod | grep -q '^podswitch ' || return 0
	rmmod podswitch || fail "rmmod podswitch"
}

# pswctl in netns NS: nspsw NS ARGS...
nspsw() {
	local ns=$1
	shift
	ip netns exec "$ns" "$PSWCTL" "$@"
}

# Wait up to $1 seconds for CMD to succeed.
wait_for() {
	local t=$1 i
	shift
	for ((i = 0; i < t * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# Leave the VM as the test found it. Netns deletion is asynchronous, so
# the host ends of veths and the test's devices are deleted here first.
psw_cleanup() {
	psw_clear_topology
	psw_unload
}

psw_clear_topology() {
	local ns dev
	for dev in $(ip -o link show type veth | awk -F'[:@]' '{print $2}') \
		$(ip -o link show type dummy | awk -F'[:@]' '{print $2}') \
		$(ip -o link show type podswitch | awk -F'[:@]' '{print $2}'); do
		ip link del "$dev" 2>/dev/null
	done
	for ns in $(ip netns list | awk '{print $1}'); do
		ip netns del "$ns"
	done
}

# The reference topology's pieces (shared/reference/HOST_TO_POD.md).

# mkswitch NAME: a switch, up, with the pod subnet routed into it.
mkswitch() {
	ip link add "$1" type podswitch || fail "ip link add $1"
	ip link set "$1" up
}

# podns NAME ADDR: netns NAME with eth0 = ADDR/32 and 169.254.1.1 as its
# gateway, the other end of its veth (veth-NAME) up in this netns.
podns() {
	local ns=$1 addr=$2
	ip netns add "$ns"
	ip link add "veth-$ns" type veth peer name eth0 netns "$ns" ||
		fail "veth for $ns"
	ip -n "$ns" addr add "$addr/32" dev eth0
	ip -n "$ns" link set lo up
	ip -n "$ns" link set eth0 up
	ip -n "$ns" route add 169.254.1.1 dev eth0
	ip -n "$ns" route add default via 169.254.1.1 dev eth0
	ip link set "veth-$ns" up
}

# mkpod NAME ADDR [SWITCH]: a pod (podns) attached to SWITCH as a pod port.
mkpod() {
	podns "$1" "$2"
	"$PSWCTL" port add "${3:-psw0}" dev "veth-$1" ip "$2" || fail "port add $1"
}

# mkpods SWITCH NAME=ADDR...: many pods as mkpod makes them, in batches
# (a process costs a second in the debug VM).
mkpods() {
	local sw=$1 spec ns addr
	shift
	for spec in "$@"; do
		ns=${spec%%=*}
		echo "netns add $ns"
		echo "link add veth-$ns type veth peer name eth0 netns $ns"
		echo "link set veth-$ns up"
	done >/tmp/mkpods.ip
	ip -batch /tmp/mkpods.ip || fail "mkpods: root netns batch"
	for spec in "$@"; do
		ns=${spec%%=*} addr=${spec#*=}
		printf '%s\n' "addr add $addr/32 dev eth0" "link set lo up" "link set eth0 up" \
			"route add 169.254.1.1 dev eth0" "route add default via 169.254.1.1 dev eth0" |
			ip -n "$ns" -batch - || fail "mkpods: $ns"
		echo "port add $sw dev veth-$ns ip $addr"
	done >/tmp/mkpods.psw
	"$PSWCTL" -b /tmp/mkpods.psw || fail "mkpods: port add"
}

# The host's address in the reference flow, on a dummy interface.
mkhost() {
	ip link add hostif type dummy || fail "dummy interface"
	ip link set hostif up
	ip addr add 172.30.1.2/24 dev hostif
}

# Python helpers: tests/netns/nstool.py (sockets in netns, raw genetlink).
NSTOOL="python3 $(dirname "${BASH_SOURCE[0]}")/nstool.py"

# Wait until a TCP port listens in netns NS.
wait_listen() {
	wait_for 60 sh -c "ip netns exec $1 ss -ltnH | grep -q ':$2 '" ||
		fail "nothing listens on :$2 in $1"
}
