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

psw_cleanup() {
	local ns
	for ns in $(ip netns list | awk '{print $1}'); do
		ip netns del "$ns"
	done
	psw_unload
}
