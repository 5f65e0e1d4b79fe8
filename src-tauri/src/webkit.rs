//! WebKitGTK settings chosen for what the app draws: tables, text and one static chart.

/// Turns off WebKitGTK's accelerated compositing unless the user chose otherwise
/// (`WEBKIT_DISABLE_COMPOSITING_MODE=0` keeps it). The app has no animation, video or 3D for
/// compositing to speed up, and without a GPU compositing runs on Mesa's software renderer: with
/// the demo preview shown, the app and its WebKit processes held 532–540 MB (RSS) with it and
/// 432 MB without (PSS 355 → 259 MB), measured with src-tauri/packaging/measure-memory.sh.
///
/// Must run before GTK starts and before any thread is spawned (it sets the environment, which
/// the web process inherits).
pub fn prefer_software_rendering() {
    const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if cfg!(target_os = "linux") && std::env::var_os(VAR).is_none() {
        std::env::set_var(VAR, "1");
    }
}
