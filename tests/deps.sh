#!/bin/bash
# Install the Debian packages that building and testing podswitch need,
# only those that are missing.
set -euo pipefail

pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev pkg-config
	cpio xz-utils rsync kmod dkms
	libmnl-dev libjansson-dev libnftnl-dev
	# the CNI plugin's tests: a real CNI client, and host-local IPAM
	podman containernetworking-plugins
	linux-image-amd64 linux-headers-amd64
	qemu-system-x86 busybox-static
	iproute2 iputils-ping traceroute netcat-openbsd iperf3 nftables ethtool
	procps python3 python3-yaml python3-jsonschema jq strace
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
