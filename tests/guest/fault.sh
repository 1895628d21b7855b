#!/bin/bash
# For tests/vm/selftest: a script that succeeds while the kernel shows one
# class of fault; the VM runner must fail the run all the same.
#   fault.sh splat                a backtrace of every CPU (sysrq l)
#   fault.sh leak KO              objects nobody points to (kmemleak), and
#                                 a message quoting splat words mid-line
#   fault.sh netdev KO            a device deleted while a reference is held
set -u
case "$1" in
splat)
	echo l >/proc/sysrq-trigger
	sleep 1
	;;
leak)
	# Not a splat: the runner must fail this run for the leak alone.
	echo "psw-selftest: quoting BUG: and Call Trace: mid-line" >/dev/kmsg
	insmod "$2" leak=1 && rmmod psw_fault || exit 1
	;;
netdev)
	ip link add fault0 type dummy &&
		insmod "$2" hold=fault0 || exit 1
	ip link del fault0 &
	# The kernel names the device after 10 s of waiting.
	seen=
	for _ in $(seq 1 60); do
		dmesg | grep -q 'unregister_netdevice: waiting for fault0' && seen=1 && break
		sleep 1
	done
	rmmod psw_fault
	wait
	[ -n "$seen" ] || { echo "the kernel never said it was waiting for fault0"; exit 1; }
	;;
esac
exit 0
