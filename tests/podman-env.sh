# shellcheck shell=bash
# podman on the VMs' read-only root, for tests/netns/podman.sh and the
# demo: sourced in a mount namespace of the caller's own (unshare --mount
# --propagation private), where podman_env PM DIR makes everything podman
# writes live under DIR: tmpfs on the fixed paths it writes (/var/lib,
# /var/tmp, /dev/shm), cgroup2 for crun, containers.conf and storage.conf
# under DIR, the podswitch CNI plugin (PLUGIN) in DIR/cni, and an image,
# localhost/bb, of busybox alone with a page in /www.
# Then: pm_network NAME SUBNET [MORE] makes a network of pods on psw0.
podman_env() {
	local pm=$1 plugin=$2 d a
	for d in /var/lib /var/tmp /dev/shm; do
		mkdir -p "$d" && mount -t tmpfs tmpfs "$d" || return 1
	done
	# crun reads the cgroup2 hierarchy even with podman's cgroups disabled.
	grep -q " /sys/fs/cgroup cgroup2 " /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup ||
		return 1
	rm -rf "$pm"
	mkdir -p "$pm"/{net.d,run,storage,tmp,cni,rootfs/bin,rootfs/etc,rootfs/www} || return 1
	cp "$plugin" "$pm/cni/podswitch" || return 1
	cat >"$pm/containers.conf" <<EOF
[containers]
cgroupns = "host"
cgroups = "disabled"
keyring = false
seccomp_profile = "unconfined"
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[network]
network_backend = "cni"
network_config_dir = "$pm/net.d"
cni_plugin_dirs = ["$pm/cni", "/usr/lib/cni"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$pm/run/events.log"
tmp_dir = "$pm/run/libpod"
static_dir = "$pm/storage/libpod"
volume_path = "$pm/storage/volumes"
image_copy_tmp_dir = "$pm/tmp"
EOF
	cat >"$pm/storage.conf" <<EOF
[storage]
driver = "vfs"
runroot = "$pm/run"
graphroot = "$pm/storage"
EOF
	export CONTAINERS_CONF=$pm/containers.conf CONTAINERS_STORAGE_CONF=$pm/storage.conf \
		TMPDIR=$pm/tmp PSW_PM=$pm
	cp /bin/busybox "$pm/rootfs/bin/" || return 1
	for a in $("$pm/rootfs/bin/busybox" --list); do
		[ -e "$pm/rootfs/bin/$a" ] || ln -s busybox "$pm/rootfs/bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$pm/rootfs/etc/passwd"
	echo "served by podswitch" >"$pm/rootfs/www/index.html"
	tar -C "$pm/rootfs" -c . | podman import -q - localhost/bb:latest >/dev/null
}

# pm_network NAME SUBNET [MORE]: MORE, members of the plugin's configuration
# ("masquerade": true, ...), each followed by a comma.
pm_network() {
	cat >"$PSW_PM/net.d/$1.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "$1", "plugins": [
 {"type": "podswitch", "switch": "psw0", "mtu": 1500, ${3:-}
  "ipam": {"type": "host-local", "dataDir": "$PSW_PM/ipam", "ranges": [[{"subnet": "$2"}]]}}]}
EOF
}
