#!/bin/sh
# `make install` puts the man page (ArgumentParser's generate-manual plugin) and the
# bash/zsh/fish completions where each shell looks under $(PREFIX), and `make uninstall`
# removes them. Runs the install step (`install-files`, what `install` runs after the
# release build) with the debug binary into a temporary DESTDIR. Run by `make test`,
# after `swift test` (a plugin cannot run while `swift test` holds the build lock).
set -eu
SWIFT=${SWIFT:-swift}
BIN="$($SWIFT build --show-bin-path)/dfutui"
DEST=$(mktemp -d)
trap 'rm -rf "$DEST"' EXIT
fail() { echo "check-install: FAIL: $*" >&2; exit 1; }

make --no-print-directory install-files DESTDIR="$DEST" PREFIX=/usr CONFIGURATION=debug BIN="$BIN" SWIFT="$SWIFT" >/dev/null
grep -q '^\.Dt DFUTUI 1' "$DEST/usr/share/man/man1/dfutui.1" || fail "man page missing"
grep -q 'Flash, read and erase STM32' "$DEST/usr/share/man/man1/dfutui.1" || fail "man page lacks the overview"
grep -q 'unprotect' "$DEST/usr/share/man/man1/dfutui.1" || fail "man page lacks the subcommands"
grep -q 'dfutui' "$DEST/usr/share/bash-completion/completions/dfutui" || fail "bash completion missing"
head -n 1 "$DEST/usr/share/zsh/site-functions/_dfutui" | grep -q '^#compdef dfutui' || fail "zsh completion missing"
grep -q "complete -c 'dfutui'" "$DEST/usr/share/fish/vendor_completions.d/dfutui.fish" || fail "fish completion missing"
[ -x "$DEST/usr/bin/dfutui" ] || fail "binary missing"

make --no-print-directory uninstall DESTDIR="$DEST" PREFIX=/usr >/dev/null
for f in usr/bin/dfutui usr/share/man/man1/dfutui.1 usr/share/bash-completion/completions/dfutui \
         usr/share/zsh/site-functions/_dfutui usr/share/fish/vendor_completions.d/dfutui.fish; do
  [ ! -e "$DEST/$f" ] || fail "uninstall left $f"
done
echo "check-install: man page and bash/zsh/fish completions install and uninstall under DESTDIR"
