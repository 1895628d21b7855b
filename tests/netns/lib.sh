# shellcheck shell=bash
# Helpers for the netns tests; sourced by each tests/netns/*.sh, which runs
# as root inside a test VM (tests/guest/suite). Environment from the suite:
#   PSW_BUILD  build directory holding kmod/podswitch.ko for this kernel
#   PSWCTL     the pswctl binary
set -u

: "${PSW_BUILD:?}" "${PSWCTL:?}"
PSW_KO=$PSW_BUILD/kmod/podswitch.ko

# Checks. Each check is one counted result: a line "ok N - WHAT" or
# "not ok N - WHAT" on stdout and in $PSW_CHECKS (the suite counts them).
# A failed check does not end the test: the checks after it still run
# and report. Only bail (setup that later checks depend on) ends it.
#
# Shapes:
#   expect/expect_fail/expect_eq/check  one self-contained check each;
#                                       returns 1 when it failed;
#   require DESCRIPTION CMD...          a check that later checks depend
#                                       on: when it fails, the test ends;
#   COND || fail WHAT ... pass WHAT     a group: the first fail reports the
#                                       group as failed (later fails in it
#                                       add detail), its pass closes it;
#   COND || bail WHAT                   fatal: reported, then the test ends.
# The suite knows a test ran to its end (rather than crashing or bailing
# out) by a line it prints after the script's last command.
psw_nchecks=0 psw_group_failed=
: "${PSW_CHECKS:=/dev/null}"

psw_result() {
	local verdict=$1
	shift
	psw_nchecks=$((psw_nchecks + 1))
	echo "$verdict $psw_nchecks - $* (${SECONDS}s)"
	# One line per check in the counted file: newlines would split it.
	printf '%s %s\n' "$verdict" "$(printf '%s' "$*" | tr '\n' ' ' | cut -c1-300)" >>"$PSW_CHECKS"
}

fail() {
	if [ -n "$psw_group_failed" ]; then
		echo "# also: $*"
	else
		psw_result "not ok" "$*"
		psw_group_failed=1
	fi
	return 0
}

pass() {
	if [ -n "$psw_group_failed" ]; then
		psw_group_failed=
		echo "# (group closed: $*)"
		return 0
	fi
	psw_result ok "$*"
}

bail() {
	psw_result "not ok" "$*"
	echo "Bail out! $*"
	exit 1
}

# check DESCRIPTION CMD...: CMD succeeds (its output is shown if not).
check() {
	local what=$1 out
	shift
	psw_group_failed=
	if out=$("$@" 2>&1); then
		psw_result ok "$what"
	else
		psw_result "not ok" "$what: '$*' failed: $out"
		return 1
	fi
}

# expect DESCRIPTION CMD...: as check; kept for the tests' vocabulary.
expect() {
	check "$@"
}

require() {
	check "$@" || {
		echo "Bail out! $1: the checks after it depend on it"
		exit 1
	}
}

# expect_fail DESCRIPTION PATTERN CMD...: CMD fails, saying PATTERN (ERE).
expect_fail() {
	local what=$1 pattern=$2 out
	shift 2
	psw_group_failed=
	if out=$("$@" 2>&1); then
		psw_result "not ok" "$what: '$*' succeeded: $out"
		return 1
	elif ! echo "$out" | grep -Eq -- "$pattern"; then
		psw_result "not ok" "$what: '$*' failed without saying /$pattern/: $out"
		return 1
	fi
	psw_result ok "$what"
}

# expect_eq DESCRIPTION WANT GOT
expect_eq() {
	psw_group_failed=
	if [ "$2" = "$3" ]; then
		psw_result ok "$1"
	else
		psw_result "not ok" "$1: want '$2', got '$3'"
		return 1
	fi
}

# expect_none DESCRIPTION PATTERN CMD...: CMD succeeds and prints no line
# matching PATTERN (ERE; "." for nothing at all). A negative check that a
# failing command would pass otherwise.
expect_none() {
	local what=$1 pattern=$2 out
	shift 2
	psw_group_failed=
	if ! out=$("$@" 2>&1); then
		psw_result "not ok" "$what: '$*' failed: $out"
		return 1
	elif printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
		psw_result "not ok" "$what: '$*' printed /$pattern/: $(printf '%s\n' "$out" | grep -E -m 3 -- "$pattern")"
		return 1
	fi
	psw_result ok "$what"
}

# counter NODE REASON: psw0's error counter (show psw0 errors), 0 when not
# listed; nothing when pswctl fails, so that arithmetic on it fails too.
counter() {
	local out
	out=$("$PSWCTL" show psw0 errors) || return 1
	printf '%s\n' "$out" | awk -v node="$1" -v reason="$2" '
		{ n = $1; nd = $2; $1 = $2 = ""; sub(/^ +/, "") }
		nd == node && $0 == reason { s += n }
		END { print s + 0 }'
}

# port_stat PORT FIELD: one of rx_packets rx_bytes tx_packets tx_bytes
# drops of a psw0 port (show psw0 stats); nothing when there is none.
port_stat() {
	local out
	out=$("$PSWCTL" show psw0 stats) || return 1
	printf '%s\n' "$out" | awk -v port="$1" -v f="$2" '
		BEGIN { col["rx_packets"] = 5; col["rx_bytes"] = 7; col["tx_packets"] = 10
			col["tx_bytes"] = 12; col["drops"] = 15 }
		$1 == "sw_if" && $3 == port && (f in col) { print $col[f] }'
}

psw_load() {
	if lsmod | grep -q '^podswitch '; then
		# Loaded already: it must be this build, not a stale one.
		[ "$(cat /sys/module/podswitch/srcversion)" = "$(modinfo -F srcversion "$PSW_KO")" ] ||
			bail "a podswitch of another build is loaded"
		return 0
	fi
	insmod "$PSW_KO" || bail "insmod $PSW_KO"
}

psw_unload() {
	lsmod | grep -q '^podswitch ' || return 0
	rmmod podswitch || bail "rmmod podswitch"
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
	nft delete table ip podswitch 2>/dev/null
}

# The reference topology's pieces (Documentation/podswitch.rst, "The reference flow").

# mkswitch NAME: a switch, up, with the pod subnet routed into it.
mkswitch() {
	ip link add "$1" type podswitch || bail "ip link add $1"
	ip link set "$1" up || bail "ip link set $1 up"
}

# podns NAME ADDR: netns NAME with eth0 = ADDR/32 and 169.254.1.1 as its
# gateway, the other end of its veth (veth-NAME) up in this netns.
podns() {
	local ns=$1 addr=$2
	ip netns add "$ns"
	ip link add "veth-$ns" type veth peer name eth0 netns "$ns" ||
		bail "veth for $ns"
	printf '%s\n' "addr add $addr/32 dev eth0" "link set lo up" "link set eth0 up" \
		"route add 169.254.1.1 dev eth0" "route add default via 169.254.1.1 dev eth0" |
		ip -n "$ns" -batch - || bail "podns: $ns"
	ip link set "veth-$ns" up || bail "podns: veth-$ns up"
}

# mkpod NAME ADDR [SWITCH]: a pod (podns) attached to SWITCH as a pod port.
mkpod() {
	podns "$1" "$2"
	"$PSWCTL" port add "${3:-psw0}" dev "veth-$1" ip "$2" || bail "port add $1"
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
	ip -batch /tmp/mkpods.ip || bail "mkpods: root netns batch"
	for spec in "$@"; do
		ns=${spec%%=*} addr=${spec#*=}
		# stdout is the batch file: report to stderr, then bail.
		printf '%s\n' "addr add $addr/32 dev eth0" "link set lo up" "link set eth0 up" \
			"route add 169.254.1.1 dev eth0" "route add default via 169.254.1.1 dev eth0" |
			ip -n "$ns" -batch - >&2 || { bail "mkpods: $ns" >&2; }
		echo "port add $sw dev veth-$ns ip $addr"
	done >/tmp/mkpods.psw
	"$PSWCTL" -b /tmp/mkpods.psw || bail "mkpods: port add"
}

# The host's address in the reference flow, on a dummy interface.
mkhost() {
	ip link add hostif type dummy || bail "dummy interface"
	ip link set hostif up || bail "hostif up"
	ip addr add 172.30.1.2/24 dev hostif || bail "hostif address"
}

# topology WORD...: the start most tests share, the module loaded first.
# Each word, in order:
#   host          the host's address (mkhost)
#   NAME=ADDR     a pod on the last switch named (mkpods, all in one batch)
#   PREFIX/LEN    a route of the host into the last switch
#   NAME          a switch (mkswitch)
# topology host psw0 pod1=10.1.1.6 10.1.0.0/16 is the reference flow's.
topology() {
	local w sw="" pods=()
	psw_load
	for w in "$@" end; do
		case $w in
		*=*) pods+=("$w"); continue ;;
		esac
		[ ${#pods[@]} = 0 ] || mkpods "$sw" "${pods[@]}"
		pods=()
		case $w in
		end) ;;
		host) mkhost ;;
		*/*) ip route add "$w" dev "$sw" || bail "ip route add $w dev $sw" ;;
		*) sw=$w; mkswitch "$sw" ;;
		esac
	done
}

# Every test leaves the VM as it found it, however it ends.
trap psw_cleanup EXIT

# Python helpers: tests/netns/nstool.py (sockets in netns, raw genetlink).
# -S: no site module (0.3 s of every start in the debug VM; stdlib only).
NSTOOL="python3 -S $(dirname "${BASH_SOURCE[0]}")/nstool.py"

# Wait until a TCP port listens in netns NS.
wait_listen() {
	wait_for 60 sh -c "ip netns exec $1 ss -ltnH | grep -q ':$2 '" ||
		bail "nothing listens on :$2 in $1"
}

# fuzz_count DEFAULT: how many requests or frames a fuzz test sends: what
# `make fuzz N=...` asked for (build/check/fuzz.env), else DEFAULT, the
# smoke `make check` runs. The seed is fixed unless make fuzz gave one.
fuzz_count() {
	local env=$PSW_REPO/build/check/fuzz.env
	PSW_FUZZ_N=$1 PSW_FUZZ_SEED=1
	# shellcheck disable=SC1090
	[ -r "$env" ] && . "$env"
	echo "$PSW_FUZZ_N $PSW_FUZZ_SEED"
}

# restore_pods SWITCH NAME=ADDR...: after a fuzzer, the pods as mkpods made
# them, whatever it did to the switch (its settings, ports, static routes,
# services, pools, ACL bindings), in one batch.
restore_pods() {
	local sw=$1 spec ns addr
	shift
	{
		echo "switch set $sw address 169.254.1.1 anti-spoof on host-routes on icmp-rate 1000 icmp-burst 50"
		"$PSWCTL" route show "$sw" | awk -v sw="$sw" '/proto static/ { print "route del " sw " " $1 }'
		"$PSWCTL" nat44 service show "$sw" | awk -v sw="$sw" '$1 == "service" { print "nat44 service del " sw " " $2 " " $3 }'
		"$PSWCTL" nat44 snat show "$sw" | awk -v sw="$sw" '$1 == "snat" { print "nat44 snat del " sw " dev " $3 }'
		echo "acl bind $sw dev host in"
		echo "acl bind $sw dev host out"
		for spec in "$@"; do
			ns=${spec%%=*} addr=${spec#*=}
			echo "port del $sw dev veth-$ns"
			echo "port add $sw dev veth-$ns ip $addr"
		done
	} >/tmp/restore.psw
	"$PSWCTL" -f -b /tmp/restore.psw >/dev/null 2>&1
	return 0
}
