#!/bin/bash
# Bochs must start and run guest code on any machine, whatever its sound,
# display and home set-up: boot the harness's own bochsrc (mhv_bochsrc) in a
# hostile environment, with ALSA pointed at nothing, an empty $HOME and no
# display, on an ISO whose isolinux writes to the serial port. The guest is
# isolinux itself: its SAY and DISPLAY print nothing on the serial console
# (tried), but it echoes the name of the kernel it fails to load, so that
# name is the marker. Exit 0 when it reached the console.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/machine-lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/iso/isolinux" "$work/home"
cat > "$work/iso/isolinux/isolinux.cfg" <<CFG
SERIAL 0 115200
PROMPT 0
DEFAULT guest
LABEL guest
  KERNEL /@@MHV-DONE
CFG
mhv_boot_iso "$work"
mhv_bochsrc "$work/boot.iso" "$work/bochs-start.log" "$work/bochs.log" 64 1 > "$work/bochsrc"
: > "$work/bochs-start.log"
export -n DISPLAY WAYLAND_DISPLAY XAUTHORITY XDG_RUNTIME_DIR XDG_CONFIG_HOME 2>/dev/null
HOME=$work/home ALSA_CONFIG_PATH=/dev/null mhv_bochs_start "$work" "$work/bochs.out"
mhv_watch $! "$work/bochs-start.log" 60 "$work/bochs.out"
