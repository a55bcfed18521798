#!/bin/bash
# Rehearse a new user's first steps: clone this repository's HEAD into a
# temporary directory and run the README's commands there (the sh blocks
# under "Try it" and "Test"), one after the other, in a hostile environment:
# nothing but PATH, a temporary empty HOME, ALSA pointed at nothing, no
# display, no terminal, no standard input. Reports each command's result and
# wall time; the logs stay in the printed directory.
# usage: fresh-clone.sh [COMMAND...]   (default: the README's commands)
#   MHV_FRESH_CACHE=DIR reuses a kernel cache (MHV_CACHE) instead of building
#   every kernel anew under the temporary HOME.
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/mhv-fresh.XXXXXX)

readme_commands() {
	awk '/^## / { section = substr($0, 4) }
	     /^```/ { inblock = !inblock && /^```sh/ && (section == "Try it" || section == "Test"); next }
	     inblock && NF { print }' "$repo/README.md"
}

if [ $# -gt 0 ]; then
	commands=("$@")
else
	mapfile -t commands < <(readme_commands)
fi
[ ${#commands[@]} -gt 0 ] || { echo "fresh-clone: no commands found in README.md" >&2; exit 2; }
git -C "$repo" diff --quiet HEAD -- 2>/dev/null ||
	echo "fresh-clone: note: uncommitted changes are not in the clone" >&2

git clone -q "$repo" "$work/mhv" || exit 1
mkdir -p "$work/home"
echo "fresh clone of $(git -C "$work/mhv" log -1 --format='%h %s') in $work/mhv"
echo "environment: HOME=$work/home ALSA_CONFIG_PATH=/dev/null" \
	"MHV_CACHE=${MHV_FRESH_CACHE:-(under HOME: cold)}"

rc=0
n=0
for cmd in "${commands[@]}"; do
	n=$((n + 1))
	log=$work/$n.log
	start=$SECONDS
	(
		cd "$work/mhv" &&
		env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME="$work/home" ALSA_CONFIG_PATH=/dev/null LANG=C.UTF-8 \
			${MHV_FRESH_CACHE:+MHV_CACHE=$MHV_FRESH_CACHE} \
			bash -c "$cmd"
	) </dev/null >"$log" 2>&1
	status=$?
	elapsed=$((SECONDS - start))
	printf '%-12s %-6s %4dm%02ds  log: %s\n' "$cmd" "$([ $status = 0 ] && echo ok || echo FAILED)" \
		$((elapsed / 60)) $((elapsed % 60)) "$log"
	tail -n 3 "$log" | sed 's/^/    | /'
	[ $status = 0 ] || rc=1
done
exit $rc
