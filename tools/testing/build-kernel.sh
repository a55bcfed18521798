#!/bin/bash
# Build a test kernel from Debian's linux-source-6.1 and the config fragments here.
# usage: build-kernel.sh [debug|lean]
#   debug (the default, what make check boots): kernel.config + kernel-debug.config
#         (KASAN, lockdep, kmemleak, DEBUG_ATOMIC_SLEEP)
#   lean  (make demo, make bench): kernel.config alone, as a distribution ships it;
#         it reaches user space in Bochs ~40x sooner.
# The build lives outside the repo, keyed by the fragments' and the source package's hash,
# so a second run with nothing changed costs nothing and a changed fragment rebuilds with ccache.
# Prints the build directory on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
flavour=${1:-debug}
cache=${MHV_CACHE:-$HOME/.cache/mhv}
case $flavour in
debug) fragments=("$here/kernel.config" "$here/kernel-debug.config") ;;
lean) fragments=("$here/kernel.config") ;;
*) echo "build-kernel: unknown flavour '$flavour' (debug or lean)" >&2; exit 2 ;;
esac
src_tar=/usr/src/linux-source-6.1.tar.xz
jobs=${MHV_JOBS:-$(nproc)}

[ -f "$src_tar" ] || { echo "build-kernel: $src_tar missing (apt-get install linux-source-6.1)" >&2; exit 1; }

mkdir -p "$cache"
fragment=$cache/fragment-$flavour.config
cat "${fragments[@]}" > "$fragment"
key=$( { sha256sum "$fragment" | cut -c1-64; dpkg-query -W -f='${Version}' linux-source-6.1; } | sha256sum | cut -c1-16)
out=$cache/kernel-$key
if [ -f "$out/arch/x86/boot/bzImage" ] && [ -f "$out/.mhv-done" ]; then
	echo "$out"
	exit 0
fi

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
	[ $missing = 0 ] || { echo "build-kernel: fragment options lost, fix the fragments" >&2; exit 1; }
	make -C "$src" O="$out" -j"$jobs" CC="ccache gcc" bzImage modules
	touch "$out/.mhv-done"
} >&2
echo "$out"
