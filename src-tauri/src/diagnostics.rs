//! The app's log file and "Copy diagnostics": what a bug report needs (the app's version, the
//! OS, where the log is and its last lines), with anything that looks like a secret, and the
//! user's home directory, replaced before it leaves the app.
//!
//! The engine logs through `tracing`; with no `tracing` subscriber in the app, its events reach
//! the `log` crate (tracing's `log` feature), and tauri-plugin-log writes them to a rotating file
//! in the app's log directory. Nothing in the engine logs a secret (the CLI's
//! `tests/cli_logs.rs` proves it for a whole sync); the redaction here is a second line.

use crate::AppResult;
use serde::Serialize;
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Manager, Runtime};
use ts_rs::TS;

/// The log file's name in the app's log directory (tauri-plugin-log adds `.log`).
const LOG_NAME: &str = "wa-sync";
/// Rotate the log at 1 MB and keep the three most recent files beside the current one.
const MAX_LOG_BYTES: u128 = 1_000_000;
const KEPT_LOGS: usize = 3;
/// How much of the log a diagnostics report carries.
const TAIL_LINES: usize = 200;
/// Enough for `TAIL_LINES` lines of any sensible length, without reading a whole large file.
const TAIL_BYTES: u64 = 256 * 1024;

/// The logger: wa-sync's own events from `info`, other libraries' warnings, to the log file.
pub fn log_plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    use tauri_plugin_log::{RotationStrategy, Target, TargetKind, TimezoneStrategy};
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .target(Target::new(TargetKind::LogDir {
            file_name: Some(LOG_NAME.into()),
        }))
        .level(log::LevelFilter::Warn)
        .level_for("wa_sync_engine", log::LevelFilter::Info)
        .level_for("wa_sync_app", log::LevelFilter::Info)
        .max_file_size(MAX_LOG_BYTES)
        .rotation_strategy(RotationStrategy::KeepSome(KEPT_LOGS))
        .timezone_strategy(TimezoneStrategy::UseUtc)
        .build()
}

/// Makes the log directory readable by its owner only (0700 on Unix): the log plugin creates its
/// files with the default mode, and logs name workloads, accounts and paths.
pub fn keep_logs_private<R: Runtime>(app: &AppHandle<R>) {
    if let Ok(dir) = app.path().app_log_dir() {
        if let Err(e) = make_private(&dir) {
            tracing::warn!(
                "cannot make the log directory {} private: {e}",
                dir.display()
            );
        }
    }
}

fn make_private(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// What "Copy diagnostics" puts on the clipboard.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct Diagnostics {
    pub version: String,
    /// OS family and architecture, and the distribution's name where the OS says it.
    pub os: String,
    /// The log file, with the home directory written `~`; `null` when the app cannot tell.
    pub log_file: Option<String>,
    /// The last lines of the log, redacted.
    pub log_lines: Vec<String>,
    /// All of the above as one text, ready to paste into a bug report.
    pub text: String,
}

/// The app's version, the OS, the log file and its last lines, redacted.
#[tauri::command]
pub fn diagnostics<R: Runtime>(app: AppHandle<R>) -> AppResult<Diagnostics> {
    let log_file = app.path().app_log_dir().ok().map(|dir| log_file_in(&dir));
    Ok(collect(log_file.as_deref(), dirs::home_dir().as_deref()))
}

/// The report for a log file (which may not exist yet) and the user's home directory.
pub fn collect(log_file: Option<&Path>, home: Option<&Path>) -> Diagnostics {
    let redact = |text: &str| redact(text, home);
    let log_lines: Vec<String> = match log_file.map(tail) {
        Some(Ok(lines)) => lines.iter().map(|l| redact(l)).collect(),
        Some(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Some(Err(e)) => vec![format!("(the log could not be read: {e})")],
        None => Vec::new(),
    };
    let version = wa_sync_engine::VERSION.to_string();
    let os = os_description();
    let log_file = log_file.map(|p| redact(&p.display().to_string()));
    let mut text = format!(
        "wa-sync {version}\nOS: {os}\nLog file: {}\n",
        log_file.as_deref().unwrap_or("unknown")
    );
    if log_lines.is_empty() {
        text.push_str("The log is empty.\n");
    } else {
        text.push_str(&format!("Last {} log lines:\n", log_lines.len()));
        for line in &log_lines {
            text.push_str(line);
            text.push('\n');
        }
    }
    Diagnostics {
        version,
        os,
        log_file,
        log_lines,
        text,
    }
}

/// The last [`TAIL_LINES`] lines of the file, reading at most [`TAIL_BYTES`] from its end.
fn tail(path: &Path) -> std::io::Result<Vec<String>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let start = len.saturating_sub(TAIL_BYTES);
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<&str> = text.lines().collect();
    if start > 0 && !lines.is_empty() {
        // The first line was cut by the seek.
        lines.remove(0);
    }
    let from = lines.len().saturating_sub(TAIL_LINES);
    Ok(lines[from..].iter().map(|l| l.to_string()).collect())
}

fn os_description() -> String {
    let family = format!("{} {}", std::env::consts::OS, std::env::consts::ARCH);
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_string())
        });
    match pretty {
        Some(name) => format!("{family} ({name})"),
        None => family,
    }
}

/// Words after which the next word is a secret: header names and `name=value` keys.
const SECRET_MARKERS: [&str; 9] = [
    "authorization",
    "apikey",
    "api-key",
    "api_key",
    "bearer",
    "token",
    "secret",
    "password",
    "credential",
];

const REDACTED: &str = "[redacted]";

/// `text` with the home directory written `~`, and with anything that looks like a secret
/// replaced: the value after a secret-sounding name (`Authorization: ApiKey …`, `token=…`), AWS
/// access key IDs, and long random-looking words (keys, secret keys, session tokens, JWTs).
/// Workload IDs (hexadecimal), UUIDs, ARNs, host names and rule IDs stay readable.
pub fn redact(text: &str, home: Option<&Path>) -> String {
    let text = match home.map(Path::to_string_lossy) {
        Some(home) if home.len() > 1 => text.replace(home.as_ref(), "~"),
        _ => text.to_string(),
    };
    let names_a_secret = |word: &str| {
        let lower = word.to_ascii_lowercase();
        SECRET_MARKERS.iter().any(|m| lower.contains(m))
    };
    let mut out = String::with_capacity(text.len());
    let mut hide_next = false;
    for (i, token) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if token.is_empty() {
            continue;
        }
        if hide_next {
            // `Authorization: ApiKey KEY`: a scheme name is followed by the secret itself.
            hide_next = names_a_secret(token);
            out.push_str(REDACTED);
            continue;
        }
        if let Some((name, _)) = token.split_once('=').filter(|(n, _)| names_a_secret(n)) {
            out.push_str(name);
            out.push('=');
            out.push_str(REDACTED);
            continue;
        }
        hide_next = names_a_secret(token) && token.len() <= 40;
        for (is_word, piece) in words(token) {
            if is_word && looks_like_a_key(piece) {
                out.push_str(REDACTED);
            } else {
                out.push_str(piece);
            }
        }
    }
    out
}

/// The text split into words (runs of characters a token can hold) and what lies between them.
fn words(text: &str) -> Vec<(bool, &str)> {
    let is_word_char = |c: char| c.is_ascii_alphanumeric() || "+/=_-.".contains(c);
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut in_word = None;
    for (i, c) in text.char_indices() {
        let word = is_word_char(c);
        match in_word {
            Some(w) if w == word => {}
            Some(w) => {
                pieces.push((w, &text[start..i]));
                start = i;
                in_word = Some(word);
            }
            None => in_word = Some(word),
        }
    }
    if let Some(w) = in_word {
        pieces.push((w, &text[start..]));
    }
    pieces
}

/// An AWS access key ID, or a long word mixing upper case, lower case and digits, as generated
/// keys and tokens do (each part of a dotted JWT counts on its own).
fn looks_like_a_key(word: &str) -> bool {
    word.split('.').any(|part| {
        let access_key_id = part.len() == 20
            && (part.starts_with("AKIA") || part.starts_with("ASIA"))
            && part
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        let random = part.len() >= 20
            && part.bytes().any(|b| b.is_ascii_uppercase())
            && part.bytes().any(|b| b.is_ascii_lowercase())
            && part.bytes().any(|b| b.is_ascii_digit());
        access_key_id || random
    })
}

/// The current log file in a log directory (older ones get a date in their name).
pub fn log_file_in(dir: &Path) -> PathBuf {
    dir.join(format!("{LOG_NAME}.log"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_and_useful_identifiers_stay() {
        let home = Path::new("/home/ana");
        // Made-up credentials of the real shapes, assembled here so no credential-shaped literal
        // sits in the source.
        let access_key = ["AKIA", "WASYNCFAKE", "000042"].concat();
        let secret_key = ["wAsYnC", "FakeSecret", "/NotReal", "/0000000000000000"].concat();
        let line = format!("2026-12-06 INFO [wa_sync_engine] GET https://conformity.us-1.cloudone.trendmicro.com/api/checks \
            Authorization: ApiKey tmc12abc:K3ySecretValue0000 x-amz-security-token=IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH \
            key {access_key} secret {secret_key} \
            jwt eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc \
            workload arn:aws:wellarchitected:eu-west-1:111122223333:workload/0123456789abcdef0123456789abcdef \
            account 4b3c1d2e-0000-4000-8000-00000000a001 rule S3-001 tag Environment::production \
            file /home/ana/.local/share/wa-sync/backups/b.json");
        let redacted = redact(&line, Some(home));
        for secret in [
            "K3ySecretValue0000",
            "IQoJb3JpZ2luX2VjEJr",
            access_key.as_str(),
            "wAsYnCFakeSecret",
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9",
            "/home/ana",
        ] {
            assert!(!redacted.contains(secret), "{secret} in {redacted}");
        }
        for kept in [
            "conformity.us-1.cloudone.trendmicro.com/api/checks",
            "workload/0123456789abcdef0123456789abcdef",
            "4b3c1d2e-0000-4000-8000-00000000a001",
            "S3-001",
            "Environment::production",
            "~/.local/share/wa-sync/backups/b.json",
            "wa_sync_engine",
        ] {
            assert!(redacted.contains(kept), "{kept} lost in {redacted}");
        }
    }

    #[test]
    fn the_report_has_the_last_lines_of_the_log_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let log = log_file_in(dir.path());
        let lines: Vec<String> = (0..250)
            .map(|i| format!("line {i} token=Sup3rSecretTokenValue{i:04}"))
            .collect();
        std::fs::write(&log, lines.join("\n")).unwrap();
        let report = collect(Some(&log), Some(dir.path()));
        assert_eq!(report.log_lines.len(), TAIL_LINES);
        assert!(report.log_lines[0].starts_with("line 50 token="));
        assert!(report.log_lines[TAIL_LINES - 1].starts_with("line 249 "));
        assert!(!report.text.contains("Sup3rSecret"), "{}", report.text);
        assert_eq!(report.log_file.as_deref(), Some("~/wa-sync.log"));
        assert!(report
            .text
            .contains(&format!("wa-sync {}", wa_sync_engine::VERSION)));
        assert!(report.text.contains(std::env::consts::OS));

        // No log yet (a first start): the report says so rather than failing.
        let none = collect(Some(&dir.path().join("missing.log")), None);
        assert!(none.log_lines.is_empty() && none.text.contains("The log is empty."));
    }

    /// The main window may call it (build.rs and the capability list it) and gets the report.
    #[test]
    fn the_main_window_gets_the_report_through_ipc() {
        use crate::tests::{app_in, invoke, window};
        let dir = tempfile::tempdir().unwrap();
        let app = app_in(dir.path(), false);
        let report = invoke(&window(&app, "main"), "diagnostics", serde_json::json!({}))
            .expect("the diagnostics command answers");
        assert_eq!(report["version"], wa_sync_engine::VERSION);
        let log_file = report["log_file"]
            .as_str()
            .expect("the app knows its log directory");
        assert!(log_file.ends_with("wa-sync.log"), "{log_file}");
        assert!(report["text"].as_str().unwrap().starts_with("wa-sync "));
    }

    #[cfg(unix)]
    #[test]
    fn the_log_directory_is_its_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("logs");
        super::make_private(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        super::make_private(&dir).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}
