# Unhunch: two commands do all the set-up on a fresh Debian/Ubuntu machine.
#   make run    installs what the app needs, builds it and starts the daemon
#   make test   installs what the tests need and runs every check CI runs
# Other targets: make bench (the footprint benchmark, full), make test-desktops (every cell of the
#   desktop matrix), make deps / make test-deps,
#   make package              the .deb in target/debian/ (sudo apt install ./target/debian/unhunch_*.deb)
#   make install [PREFIX=~/.local]   the same files under PREFIX (default /usr/local); make uninstall takes them away

SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Building the daemon and the Tauri window.
BUILD_PACKAGES := build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev \
	libayatana-appindicator3-dev librsvg2-dev libxdo-dev librsvg2-bin
# Building and checking the .deb: dpkg-deb and dpkg-shlibdeps, lintian, the desktop entry's and the
# AppStream file's validators (librsvg2-bin, above, draws the icon's PNG sizes).
PACKAGE_PACKAGES := dpkg-dev lintian desktop-file-utils appstream
# Running the tests against real desktop parts: X server, session bus, notification daemon, tray,
# WebKit's WebDriver, screenshots and input, and strace for the test that no break opens a network socket;
# for the desktop matrix also the Xfce panel, openbox and xfwm4, and the accessibility bus with its
# GObject bindings (where a notification server drew its buttons), and GSettings on dconf (GNOME's
# "show banners", read by the stand-in portal).
TEST_PACKAGES := xvfb xauth dbus dbus-x11 dunst libnotify-bin haskell-gtk-sni-tray-utils \
	webkit2gtk-driver imagemagick xdotool xprintidle x11-utils python3-xlib systemd strace \
	sway sway-backgrounds foot weston grim wtype \
	xfce4-notifyd xfconf mate-notification-daemon notification-daemon lxqt-notificationd \
	python3-dbus python3-gi tzdata \
	xfce4-panel openbox xfwm4 at-spi2-core gir1.2-atspi-2.0 wmctrl libglib2.0-bin \
	dconf-service dconf-gsettings-backend gsettings-desktop-schemas
# The peers the footprint benchmark compares against.
BENCH_PACKAGES := workrave safeeyes

.PHONY: run test test-build test-desktops bench deps test-deps bench-deps package-deps build release check-rust lint \
	package install uninstall

PREFIX ?= /usr/local

run: deps release
	./target/release/unhunch

# CI's whole run. The release build (for the .deb) runs beside the lint and the debug build: its
# link-time optimisation keeps one core busy for minutes while the other would wait. Then every test:
# the desktop suite and the desktop matrix run beside the other targets (their output is kept in
# tests/out/beside.log and printed when they end), because real-desktop tests mostly wait on X, D-Bus
# and WebKit. The journeys, the longest end-to-end walks, run alone after both streams: they flaked
# once beside the desktop suite on this 2-core machine. Every step selects the whole workspace (never
# -p): a narrower selection unifies features differently and rebuilds zbus and friends, so each test
# runs the binaries the debug build made.
test: test-deps
	$(MAKE) --no-print-directory package & package=$$!; \
		$(MAKE) --no-print-directory lint test-build; built=$$?; \
		wait $$package && exit $$built
	$(CARGO) test --workspace --lib --bins --no-fail-fast
	$(CARGO) test --workspace --doc --no-fail-fast
	@mkdir -p tests/out
	$(CARGO) test --workspace --no-fail-fast $(addprefix --test ,$(BESIDE)) >tests/out/beside.log 2>&1 & beside=$$!; \
		$(CARGO) test --workspace --no-fail-fast $(addprefix --test ,$(filter-out $(BESIDE) $(ALONE),$(TEST_TARGETS))); \
		others=$$?; wait $$beside; beside=$$?; \
		echo "--- $(BESIDE), run beside the others:"; cat tests/out/beside.log; \
		[ $$others = 0 ] && [ $$beside = 0 ]
	$(CARGO) test --workspace --no-fail-fast $(addprefix --test ,$(ALONE))
	$${CARGO_TARGET_DIR:-target}/debug/footprint --smoke

# Every integration test target of tests/Cargo.toml (its [[test]] names), those run beside the rest,
# and those run alone at the end.
TEST_TARGETS := $(shell awk '/^\[\[test\]\]/{t=1;next} /^\[/{t=0} t&&/^name *=/{gsub(/"/,"",$$3);print $$3;t=0}' tests/Cargo.toml)
BESIDE := desktop desktops
ALONE := journeys

test-build:
	$(CARGO) build --workspace --all-targets

# Every cell of the desktop matrix (make test runs the CI cells); prints the table, which is also
# in tests/out/desktops.md.
test-desktops: test-deps
	$(CARGO) build --workspace --bins
	rm -rf tests/out/desktops
	$(CARGO) test -p unhunch-tests --test desktops -- --include-ignored --test-threads=2; \
		status=$$?; cat tests/out/desktops.md; exit $$status

bench: test-deps bench-deps
	$(CARGO) build --workspace --release
	$(CARGO) run -q --release -p unhunch-tests --bin footprint

lint: check-rust
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

release: check-rust
	$(CARGO) build --workspace --release --bins --exclude unhunch-tests

# The .deb, from the release binaries; prints its path.
package: package-deps release
	@./src-tauri/packaging/build-deb

# PREFIX is left unquoted so that the shell expands a ~ in it.
install: deps release
	./src-tauri/packaging/install-files install $(PREFIX) $(DESTDIR)

uninstall:
	./src-tauri/packaging/install-files uninstall $(PREFIX) $(DESTDIR)

deps: check-rust
	@./.ci/apt-install $(BUILD_PACKAGES)

package-deps: deps
	@./.ci/apt-install $(PACKAGE_PACKAGES)

test-deps: deps package-deps
	@./.ci/apt-install $(TEST_PACKAGES)
	@command -v tauri-driver >/dev/null || $(CARGO) install tauri-driver --version '^2' --locked

bench-deps:
	@./.ci/apt-install $(BENCH_PACKAGES)

check-rust:
	@command -v $(CARGO) >/dev/null || { echo "Unhunch needs Rust 1.90 or newer: install it with rustup (https://rustup.rs), then run this again."; exit 1; }
