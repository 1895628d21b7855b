# shellcheck shell=bash
# Shared by tests/check, tests/demo and bench/: where the test kernels are
# and how the module is built for each, in its own build directory.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The kernel release of Debian's linux-image-amd64, the one users run.
stock_kver() {
	dpkg-query -W -f='${Depends}' linux-image-amd64 |
		sed -n 's/.*linux-image-\([0-9][^ ,]*-amd64\).*/\1/p'
}

# build_module KDIR DIR: build kmod/ (and kunit/ where the kernel has
# KUnit) against KDIR in DIR, a copy of the sources, since kbuild writes
# its objects next to them.
build_module() {
	local kdir=$1 dir=$2
	mkdir -p "$dir"
	rsync -a "$repo/Kbuild" "$repo/kmod" "$repo/kunit" "$repo/uapi" "$dir/"
	make -C "$kdir" M="$dir" modules
}
