# wa-sync: the two commands of the README (`make run`, `make test`) and the steps behind them.
# Cargo's target directory stays outside the clone so CI and reruns reuse it.

CARGO_TARGET_DIR ?= /var/tmp/wa-sync-target
export CARGO_TARGET_DIR
MOTO_VENV ?= /var/tmp/wa-sync-moto
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# What building the app and running every test needs from Debian (bookworm) or Ubuntu.
APT_PACKAGES := build-essential pkg-config curl file libwebkit2gtk-4.1-dev libgtk-3-dev \
	librsvg2-dev libayatana-appindicator3-dev libxdo-dev libdbus-1-dev \
	xvfb xauth webkit2gtk-driver dbus gnome-keyring libsecret-tools chromium poppler-utils \
	patchelf squashfs-tools xdotool fonts-dejavu-core fonts-droid-fallback
# Only what building and opening the app needs.
APT_APP_PACKAGES := build-essential pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev \
	librsvg2-dev libayatana-appindicator3-dev libxdo-dev libdbus-1-dev
# What turning the .deb into an AppImage needs on top.
APT_APPIMAGE_PACKAGES := patchelf squashfs-tools file

# Installs the Debian packages named in $(1) that are not installed yet.
define apt_install
@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

.PHONY: run deps deps-app ui app-debug test test-rust test-ui test-e2e test-appimage lint cli bench \
	deb appimage

## Build the UI and open the desktop app straight into the demo.
run: deps-app ui
	cargo run -p wa-sync-app -- --demo

## The command line alone (no GUI library needed).
cli:
	cargo build --release --bin wa-sync

## Everything the tests need: Debian packages, npm packages, moto's server, tauri-driver.
deps:
	$(call apt_install,$(APT_PACKAGES))
	@command -v npm >/dev/null || { echo "Node.js 20+ with npm is needed (e.g. apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund
	[ -x $(MOTO_VENV)/bin/moto_server ] || { python3 -m venv $(MOTO_VENV) && $(MOTO_VENV)/bin/pip install -q 'moto[server]'; }
	command -v tauri-driver >/dev/null || [ -x $$HOME/.cargo/bin/tauri-driver ] || cargo install tauri-driver --locked

deps-app:
	$(call apt_install,$(APT_APP_PACKAGES))

## The UI bundle that tauri.conf.json serves (ui/dist).
ui: node_modules/.package-lock.json
	npm run build

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

## The release installers for Linux: the .deb, then the AppImage built from it (offline; see
## src-tauri/packaging/appimage.sh). They land in $(CARGO_TARGET_DIR)/release/bundle/.
deb: deps-app node_modules/.package-lock.json
	npx tauri build --bundles deb

appimage: deb
	$(call apt_install,$(APT_APPIMAGE_PACKAGES))
	bash src-tauri/packaging/appimage.sh

## The debug app binary, for the WebDriver end-to-end tests.
app-debug: ui
	cargo build -p wa-sync-app

## The whole suite, as CI runs it.
test: deps lint test-rust test-ui test-e2e test-appimage

lint: ui
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	npm run typecheck
	# ui/src/bindings must be what the Rust types generate; the test says how to regenerate.
	cargo test -p wa-sync-app --locked --lib -- bindings

## Every Rust test, inside a private D-Bus session with an unlocked Secret Service keychain so
## the keychain tests use the real thing.
test-rust: ui
	keyring=$$(mktemp -d); \
	XDG_DATA_HOME=$$keyring XDG_RUNTIME_DIR=$$keyring WA_SYNC_KEYCHAIN_TESTS=1 \
	WA_SYNC_REQUIRE_KEYCHAIN=1 WA_SYNC_REQUIRE_MOTO=1 WA_SYNC_REQUIRE_POPPLER=1 WA_SYNC_REQUIRE_FONTS=1 \
	WA_SYNC_MOTO_SERVER=$(MOTO_VENV)/bin/moto_server \
	dbus-run-session -- bash -c 'echo -n wa-sync-ci | gnome-keyring-daemon --unlock --components=secrets >/dev/null && cargo test --workspace --locked'

test-ui: ui
	npm run test:unit
	npm run test:browser

test-e2e: app-debug
	cargo build -p wa-sync-fakes --bin fake-services
	PATH="$$HOME/.cargo/bin:$$PATH" npm run test:e2e && PATH="$$HOME/.cargo/bin:$$PATH" npm run test:e2e:wizard

## The AppImage started on the demo with the machine's own WebKitGTK hidden.
test-appimage: appimage
	bash tests/packaging/appimage.test.sh

bench:
	cargo bench -p wa-sync-engine
