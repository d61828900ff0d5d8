# dfutui — build, demo, test and install.
# Quick start on a fresh Debian machine with Swift: `make demo`, then `make test`.
# Both install the Debian packages they need (as root; otherwise they print the exact line).

SWIFT        ?= swift
PREFIX       ?= /usr/local
DESTDIR      ?=
UDEV_DIR     ?= /etc/udev/rules.d
DEB_PACKAGES := libusb-1.0-0-dev libncursesw5-dev pkg-config
# Only for `make test`: python3-pyte reads the TUI's screen in its pty test; the ARM toolchain builds the firmware-file fixtures, dfu-util's
# dfu-suffix cross-checks the .dfu files dfutui writes. umockdev + PyGObject plug the
# simulated board in as a USB device (`dfutui simulate`) so the libusb transport and
# dfu-util 0.11 itself run against it.
TEST_DEB_PACKAGES := gcc-arm-none-eabi binutils-arm-none-eabi dfu-util \
                     umockdev libumockdev-dev gir1.2-umockdev-1.0 python3-gi python3-pyte

.PHONY: all deps build release demo demo-cli test install install-files uninstall clean bench

all: build

## deps: install missing Debian packages (libusb, ncursesw, pkg-config).
deps:
	@sh scripts/ensure-deps.sh $(DEB_PACKAGES)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## demo: the TUI on the simulated STM32L476 with a demo firmware ready to flash
## (the scripted CLI session when not on a terminal; `make demo-cli` runs that one).
demo: build
	@sh scripts/demo-tui.sh "$$($(SWIFT) build --show-bin-path)/dfutui"

demo-cli: build
	@sh scripts/demo.sh "$$($(SWIFT) build --show-bin-path)/dfutui"

## test: the whole test suite (unit, simulator end-to-end, CLI binary).
test:
	@sh scripts/ensure-deps.sh $(DEB_PACKAGES) $(TEST_DEB_PACKAGES)
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	@SWIFT=$(SWIFT) sh scripts/check-install.sh

## install: the release binary into $(PREFIX)/bin, its man page (ArgumentParser's
## generate-manual plugin), bash/zsh/fish completions, and a udev rule so the
## logged-in user can open STM32 ROM bootloaders (0483:df11) without sudo.
install: release
	@$(MAKE) --no-print-directory install-files CONFIGURATION=release \
	  BIN="$$($(SWIFT) build -c release --show-bin-path)/dfutui"
	@if [ -z "$(DESTDIR)" ] && command -v udevadm >/dev/null 2>&1; then \
	  udevadm control --reload-rules && udevadm trigger --subsystem-match=usb || true; \
	  echo "udev rule installed; replug the board."; fi

## install-files: copies an already built $(BIN) and what goes with it (used by
## `install`; the CLI tests run it with the debug binary and a DESTDIR).
CONFIGURATION ?= release
MAN_DIR   = $(DESTDIR)$(PREFIX)/share/man/man1
BASH_DIR  = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSH_DIR   = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISH_DIR  = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
install-files:
	@test -x "$(BIN)" || { echo "install-files: BIN=$(BIN) is not an executable"; exit 1; }
	install -D -m 0755 "$(BIN)" "$(DESTDIR)$(PREFIX)/bin/dfutui"
	install -D -m 0644 udev/50-dfutui.rules "$(DESTDIR)$(UDEV_DIR)/50-dfutui.rules"
	install -D -m 0755 scripts/umockdev-usb-bridge.py "$(DESTDIR)$(PREFIX)/share/dfutui/umockdev-usb-bridge.py"
	$(SWIFT) package plugin generate-manual --configuration $(CONFIGURATION)
	install -D -m 0644 .build/plugins/GenerateManual/outputs/dfutui/dfutui.1 "$(MAN_DIR)/dfutui.1"
	mkdir -p "$(BASH_DIR)" "$(ZSH_DIR)" "$(FISH_DIR)"
	"$(BIN)" --generate-completion-script bash > "$(BASH_DIR)/dfutui"
	"$(BIN)" --generate-completion-script zsh > "$(ZSH_DIR)/_dfutui"
	"$(BIN)" --generate-completion-script fish > "$(FISH_DIR)/dfutui.fish"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/dfutui" "$(DESTDIR)$(UDEV_DIR)/50-dfutui.rules" \
	  "$(DESTDIR)$(PREFIX)/share/dfutui/umockdev-usb-bridge.py" "$(MAN_DIR)/dfutui.1" \
	  "$(BASH_DIR)/dfutui" "$(ZSH_DIR)/_dfutui" "$(FISH_DIR)/dfutui.fish"

clean:
	$(SWIFT) package clean

## bench: flash speed against dfu-util 0.11 itself (through `dfutui simulate`, real time, a few
## minutes), CPU and memory figures on the simulated boards, parse times of pathological files,
## and the TUI's frame, keypress, progress and idle-CPU figures (release build).
bench: deps
	$(SWIFT) build -c release
	$(SWIFT) run -c release FlashBenchmark
	$(SWIFT) run -c release ParseBenchmark --pathological
	$(SWIFT) run -c release TUIBenchmark
