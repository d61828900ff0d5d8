#!/bin/sh
# `make demo`: the TUI on the simulated STM32L476 (real flash timing), with a
# demo firmware (Intel HEX, 48 KiB: a valid vector table, then code-like bytes)
# loaded on the Flash screen. Press f, then y, to flash it; 1–5 switch screens; ? lists the keys.
# Not on a terminal (CI, a pipe): the scripted CLI session instead (scripts/demo.sh).
set -eu
BIN="$1"
if [ ! -t 0 ] || [ ! -t 1 ]; then
  exec sh "$(dirname "$0")/demo.sh" "$BIN"
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# SP 0x20018000, reset vector 0x08000101 (Thumb), then 48 KiB of pseudo-code.
printf '\000\200\001\040\001\001\000\010' > "$dir/demo.bin"
head -c 49144 /dev/urandom >> "$dir/demo.bin"
"$BIN" convert "$dir/demo.bin" "$dir/demo.hex" --address 0x08000000 >/dev/null
rm "$dir/demo.bin"
cd "$dir"
"$BIN" demo.hex --simulate stm32l476 --sim-state "$dir/board"
