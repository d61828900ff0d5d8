#!/bin/sh
# Installs the Debian packages given as arguments when they are missing.
# As root: non-interactive apt-get. Otherwise: prints the exact command and fails.
set -eu
missing=""
for pkg in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done
if ! command -v swift >/dev/null 2>&1; then
  echo "dfutui: Swift 6.1 or newer is needed (https://www.swift.org/install/linux/); 'swift' is not on PATH." >&2
  exit 1
fi
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "dfutui: missing packages:$missing (install libusb-1.0 and ncursesw development files with your package manager)" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  echo "dfutui: installing$missing" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "dfutui: missing Debian packages. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
  exit 1
fi
