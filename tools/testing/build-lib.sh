# shellcheck shell=bash
# Build steps shared by check.sh and demo.sh. Expects $repo and $build.

# Copy the module's sources into their own directory per target kernel, so
# builds against different kernels never share objects.
mhv_module_tree() {
	local dir=$1
	mkdir -p "$dir"
	rm -f "$dir/mhv.ko"
	rsync -a --delete --exclude=/build --exclude=/.git --exclude='*.o' --exclude='*.ko' \
		--exclude='.*.cmd' "$repo/" "$dir/"
}

# mhv_build_module DIR KDIR LOG [make args...]: W=1 and sparse; any compiler,
# sparse or modpost warning fails the build.
mhv_build_module() {
	local dir=$1 kdir=$2 log=$3
	shift 3
	mhv_module_tree "$dir"
	make -C "$kdir" M="$dir" W=1 C=1 CC="ccache gcc" "$@" modules >"$log" 2>&1 &&
	! mhv_build_warnings "$log"
}

mhv_build_warnings() {
	grep -E 'warning:|error:|WARNING:' "$1"
}

# A tree made with modules_prepare has no Module.symvers: mhv compiles against
# it, but modpost cannot know its exports, so only its compile counts.
mhv_compile_check_module() {
	local dir=$1 kdir=$2 log=$3
	mhv_module_tree "$dir"
	make -C "$kdir" M="$dir" W=1 C=1 CC="ccache gcc" KBUILD_MODPOST_WARN=1 modules >"$log" 2>&1
	sed -i -e '/WARNING: Module.symvers is missing/d' -e '/WARNING: modpost: ".*" .* undefined!/d' \
		-e '/WARNING: modpost: suppressed .* unresolved symbol/d' "$log"
	! mhv_build_warnings "$log"
}

# mhv_build_user KSFT_DIR STAGE: mhvctl and the selftests, static, into STAGE.
mhv_build_user() {
	local ksft=$1 stage=$2
	make -s -C "$repo/tools" &&
	make -s -C "$repo/selftests" KSFT_DIR="$ksft" &&
	mkdir -p "$stage/tools" "$stage/selftests" &&
	cp "$repo/tools/mhvctl/mhvctl" "$stage/tools/" &&
	cp "$repo/tools/bench/mhv-bench" "$stage/tools/" &&
	mkdir -p "$stage/tools/guests" &&
	cp "$repo"/tools/guests/*.bin "$repo"/tools/guests/*.elf "$stage/tools/guests/" &&
	(cd "$repo/selftests" && find . -name '*_test' -type f -perm -u+x -exec cp --parents {} "$stage/selftests/" \;)
}

mhv_debian_headers() {
	find /usr/src -maxdepth 1 -name 'linux-headers-6.1.*-amd64' | sort -V | tail -n 1
}

mhv_dkms_version() {
	sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$repo/dkms.conf"
}
