#!/bin/bash
# Build the test kernel from Debian's linux-source-6.1 plus tools/testing/kernel.config.
# The build lives outside the repo, keyed by the fragment's and the source package's hash,
# so a second run with nothing changed costs nothing and a changed fragment rebuilds with ccache.
# Prints the build directory on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fragment=${MHV_KERNEL_FRAGMENT:-$here/kernel.config}
cache=${MHV_CACHE:-$HOME/.cache/mhv}
src_tar=/usr/src/linux-source-6.1.tar.xz
jobs=${MHV_JOBS:-$(nproc)}

[ -f "$src_tar" ] || { echo "build-kernel: $src_tar missing (apt-get install linux-source-6.1)" >&2; exit 1; }

key=$( { sha256sum "$fragment" | cut -c1-64; dpkg-query -W -f='${Version}' linux-source-6.1; } | sha256sum | cut -c1-16)
out=$cache/kernel-$key
if [ -f "$out/arch/x86/boot/bzImage" ] && [ -f "$out/.mhv-done" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache"
src=$cache/linux-source-6.1
if [ ! -f "$src/.mhv-unpacked" ]; then
	rm -rf "$src"
	tar -C "$cache" -xf "$src_tar"
	touch "$src/.mhv-unpacked"
fi

export CCACHE_DIR=$cache/ccache
export CCACHE_MAXSIZE=5G
# Compile paths must be identical between builds for ccache hits; object dirs differ per key.
export CCACHE_BASEDIR=$cache
mkdir -p "$out"
{
	make -C "$src" O="$out" tinyconfig
	"$src"/scripts/kconfig/merge_config.sh -m -O "$out" "$out/.config" "$fragment"
	make -C "$src" O="$out" olddefconfig
	# Every option the fragment asks for must have survived dependency resolution.
	missing=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=n) opt=${line%%=*}; grep -q "^$opt=" "$out/.config" && { echo "not off: $line"; missing=1; } ;;
		CONFIG_*) grep -qx "$line" "$out/.config" || { echo "not set: $line"; missing=1; } ;;
		esac
	done < "$fragment"
	[ $missing = 0 ] || { echo "build-kernel: fragment options lost, fix kernel.config" >&2; exit 1; }
	make -C "$src" O="$out" -j"$jobs" CC="ccache gcc" bzImage modules
	touch "$out/.mhv-done"
} >&2
echo "$out"
