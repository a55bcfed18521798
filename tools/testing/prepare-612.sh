#!/bin/bash
# Prepare Debian's linux-source-6.12 for compile-checking mhv against it
# (modules_prepare only: mhv is built, not run, against 6.12).
# Prints the prepared tree on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${MHV_CACHE:-$HOME/.cache/mhv}
src_tar=/usr/src/linux-source-6.12.tar.xz
[ -f "$src_tar" ] || { echo "prepare-612: $src_tar missing (apt-get install linux-source-6.12)" >&2; exit 1; }

fragments=("$here/kernel.config" "$here/kernel-debug.config")
key=$( { cat "${fragments[@]}" | sha256sum | cut -c1-64; dpkg-query -W -f='${Version}' linux-source-6.12; } | sha256sum | cut -c1-16)
tree=$cache/linux-6.12-$key
if [ ! -f "$tree/.mhv-done" ]; then
	rm -rf "$tree"
	mkdir -p "$tree"
	tar -C "$tree" --strip-components=1 -xf "$src_tar"
	{
		make -C "$tree" tinyconfig
		"$tree"/scripts/kconfig/merge_config.sh -m -O "$tree" "$tree/.config" "${fragments[@]}"
		make -C "$tree" olddefconfig
		make -C "$tree" -j"$(nproc)" CC="ccache gcc" modules_prepare
	} >&2
	touch "$tree/.mhv-done"
fi
echo "$tree"
