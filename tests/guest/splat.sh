#!/bin/bash
# For tests/vm/selftest: a script that succeeds on a kernel that prints a
# backtrace of every CPU (sysrq l).
echo l >/proc/sysrq-trigger
sleep 1
exit 0
