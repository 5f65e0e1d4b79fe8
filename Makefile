# wa-sync: the two commands of the README (`make run`, `make test`) and the steps behind them.
# Cargo's target directory is the standard ./target, so the README's paths are true; an exported
# CARGO_TARGET_DIR (CI sets one in .ci/run) is honoured by cargo and by every path below.

TARGET_DIR := $(abspath $(or $(CARGO_TARGET_DIR),target))
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
# What the command line alone needs (libdbus-sys for the keychain; no GUI library).
APT_CLI_PACKAGES := build-essential pkg-config libdbus-1-dev

# The oldest toolchains the build accepts, from the files that declare them.
RUST_MIN := $(shell sed -n 's/^rust-version *= *"\(.*\)"/\1/p' Cargo.toml)
NODE_MIN := $(shell sed -n 's/.*"node": *">=\([0-9.]*\)".*/\1/p' package.json)

# Checks the Rust and Node versions before anything is built, and says how to get them when
# they are missing or too old. Debian 12's own nodejs (18) is too old for Vite 7.
define check_rust
@rustc=$$(rustc --version 2>/dev/null | cut -d' ' -f2); \
	if [ -z "$$rustc" ] || ! command -v cargo >/dev/null; then \
		echo "Rust is not installed. Install it with rustup (https://rustup.rs), as the user who builds:"; \
		echo "  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y"; \
		echo "  . \"\$$HOME/.cargo/env\"     # or open a new terminal"; \
		exit 1; \
	fi; \
	if [ "$$(printf '%s\n' "$(RUST_MIN)" "$$rustc" | sort -V | head -n1)" != "$(RUST_MIN)" ]; then \
		echo "Rust $$rustc is older than the $(RUST_MIN) this project needs. Update it with:"; \
		echo "  rustup update stable     (Debian's own rustc package is too old: install rustup instead)"; \
		exit 1; \
	fi
endef
define check_node
@node=$$(node --version 2>/dev/null | sed 's/^v//'); \
	if [ -z "$$node" ] || ! command -v npm >/dev/null; then \
		echo "Node.js $(NODE_MIN) or newer with npm is needed to build the app's UI, and it is not installed."; \
		echo "Debian 12's own nodejs package (18) is too old. Install Node.js 22 from NodeSource:"; \
		echo "  curl -fsSL https://deb.nodesource.com/setup_22.x | sudo -E bash - && sudo apt-get install -y nodejs"; \
		echo "or, without root, with nvm (https://github.com/nvm-sh/nvm), then open a new terminal:"; \
		echo "  curl -o- https://raw.githubusercontent.com/nvm-sh/nvm/v0.40.3/install.sh | bash && nvm install 22"; \
		exit 1; \
	fi; \
	if [ "$$(printf '%s\n' "$(NODE_MIN)" "$$node" | sort -V | head -n1)" != "$(NODE_MIN)" ]; then \
		echo "Node.js $$node is older than the $(NODE_MIN) the UI's build tools (Vite 7) need."; \
		echo "Debian 12's own nodejs package is 18. Install Node.js 22 from NodeSource:"; \
		echo "  curl -fsSL https://deb.nodesource.com/setup_22.x | sudo -E bash - && sudo apt-get install -y nodejs"; \
		echo "or, without root, with nvm (https://github.com/nvm-sh/nvm), then open a new terminal:"; \
		echo "  curl -o- https://raw.githubusercontent.com/nvm-sh/nvm/v0.40.3/install.sh | bash && nvm install 22"; \
		exit 1; \
	fi
endef

# Installs the Debian packages named in $(1) that are not installed yet.
define apt_install
@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

.PHONY: run deps deps-app deps-cli prereqs prereqs-rust ui app-debug test test-rust test-ui test-e2e \
	test-appimage lint cli install-cli bench deb appimage

## Build the UI and open the desktop app straight into the demo.
run: prereqs deps-app ui
	cargo run -p wa-sync-app -- --demo

## Rust and Node.js new enough, or what to install.
prereqs: prereqs-rust
	$(call check_node)

prereqs-rust:
	$(call check_rust)

## The command line alone (no GUI library needed): $(TARGET_DIR)/release/wa-sync.
cli: prereqs-rust
	cargo build --release --locked -p wa-sync-cli

## `wa-sync` into ~/.cargo/bin (on the PATH with rustup).
install-cli: prereqs-rust
	cargo install --path src-tauri/cli --locked

## The Debian packages the command line alone needs.
deps-cli:
	$(call apt_install,$(APT_CLI_PACKAGES))

## Everything the tests need: Debian packages, npm packages, moto's server, tauri-driver.
deps: prereqs
	$(call apt_install,$(APT_PACKAGES))
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
## src-tauri/packaging/appimage.sh). They land in $(TARGET_DIR)/release/bundle/. The .deb installs
## the command line as /usr/bin/wa-sync beside the app (tauri.conf.json's bundle.linux.deb.files,
## pointed here at wherever cargo built it).
deb: prereqs deps-app node_modules/.package-lock.json cli
	npx tauri build --bundles deb \
		--config '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/wa-sync":"$(TARGET_DIR)/release/wa-sync"}}}}}'

appimage: deb
	$(call apt_install,$(APT_APPIMAGE_PACKAGES))
	bash src-tauri/packaging/appimage.sh

## The debug app binary, for the WebDriver end-to-end tests.
app-debug: ui
	cargo build -p wa-sync-app

## The whole suite, as CI runs it.
test: prereqs deps lint test-rust test-ui test-e2e test-appimage

lint: ui
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	npm run typecheck
	npx biome check --error-on-warnings ui tests/ui biome.json
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
	cargo build -p wa-sync-fakes --bin fake-services -p wa-sync-cli
	PATH="$$HOME/.cargo/bin:$$PATH" npm run test:e2e && PATH="$$HOME/.cargo/bin:$$PATH" npm run test:e2e:wizard \
		&& PATH="$$HOME/.cargo/bin:$$PATH" npm run test:e2e:workloads

## The AppImage started on the demo with the machine's own WebKitGTK hidden.
test-appimage: appimage
	bash tests/packaging/appimage.test.sh

## The engine's micro-benchmarks, then the end-to-end one: the release wa-sync against the fakes
## with 20 ms per request (tests/bench/e2e.py prints wall time, requests, ratio to the floor, RSS).
bench:
	cargo bench -p wa-sync-engine
	cargo build --release -p wa-sync-cli --bin wa-sync -p wa-sync-fakes --bin fake-services
	python3 tests/bench/e2e.py
