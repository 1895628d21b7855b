# shellcheck shell=bash
# The demo's narration (tests/guest/demo.sh, demo-podman.sh): a step's
# title, and each command shown with its output indented under it.
step() {
	echo
	echo "### $*"
}

run() {
	echo "\$ $*"
	"$@" 2>&1 | sed 's/^/  /'
}
