#!/bin/bash
# Install, from Debian's registry, everything the builds and the test machines
# need; does nothing (and needs no network) when all of it is there.
set -euo pipefail

packages=(
	make gcc libc6-dev bc bison flex libelf-dev libssl-dev dwarves kmod cpio
	xz-utils lz4 ccache sparse rsync perl util-linux
	linux-source-6.1 linux-source-6.12 linux-headers-amd64
	qemu-system-x86 bochs bochsbios vgabios
	busybox-static ndctl daxctl isolinux syslinux-common genisoimage dkms
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
