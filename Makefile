# wa-sync: build and run targets. The desktop app needs the WebKitGTK development packages on
# Linux (see ../shared/reference/tauri-env.md / README).

CARGO_TARGET_DIR ?= /var/tmp/wa-sync-target
export CARGO_TARGET_DIR

.PHONY: run ui app-debug

## Build the UI and open the desktop app straight into the demo.
run: ui
	cargo run -p wa-sync-app -- --demo

## The UI bundle that tauri.conf.json serves (ui/dist).
ui: node_modules/.package-lock.json
	npm run build

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

## The debug app binary, for the WebDriver end-to-end tests.
app-debug: ui
	cargo build -p wa-sync-app
