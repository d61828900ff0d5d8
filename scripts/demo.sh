#!/bin/sh
# A scripted session on the built-in simulated STM32F405 (real timing):
# list, write + verify, read back, erase a sector, two refusals, leave; then the STM32L476
# (its ROM erratum handled by padding) and a --diff rerun that skips what is in place.
set -eu
BIN="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sim="--simulate stm32f405 --sim-state $dir/board"
step() {
  printf '\n\033[1m$ dfutui %s\033[0m\n' "$*"
  "$BIN" "$@"
}
expect_refusal() {
  printf '\n\033[1m$ dfutui %s\033[0m   # expected to be refused\n' "$*"
  if "$BIN" "$@"; then echo "demo: this should have been refused" >&2; exit 1; fi
}
# A 40 KiB "application": initial SP 0x20020000, reset vector 0x08000101, then noise.
printf '\000\000\002\040\001\001\000\010' > "$dir/app.bin"
head -c 40952 /dev/urandom >> "$dir/app.bin"

step list --simulate stm32f405
step write "$dir/app.bin" --address 0x08000000 $sim
step read --address 0x08000000 --length 40960 -o "$dir/readback.bin" $sim
cmp "$dir/app.bin" "$dir/readback.bin" && echo "read-back identical to app.bin"
step erase --address 0x08008000 $sim
expect_refusal write "$dir/app.bin" --address 0x080F8000 $sim
expect_refusal erase --mass $sim
step leave $sim
# The board the project started from: the STM32L476, whose ROM corrupts unaligned writes.
printf 'A' >> "$dir/app.bin"   # 40961 bytes: not a multiple of 8
step write "$dir/app.bin" --address 0x08000000 --simulate stm32l476 --sim-state "$dir/l476"
step write "$dir/app.bin" --address 0x08000000 --simulate stm32l476 --sim-state "$dir/l476" --diff
printf '\nDemo done. Try it yourself: %s --help\n' "$BIN"
