//! The command line's progress bars: drawn on a terminal's stderr, never with `--json` or
//! `--quiet`, nor when stderr is not a terminal (the other `cli_*` tests run that way and see
//! no bar). A terminal is given with util-linux's `script`, which runs the command on a pty.
#![cfg(target_os = "linux")]

use std::process::Command;

/// What a terminal would show for `args` (a shell command line's arguments: stdout and stderr
/// together, unless `args` redirects one).
fn on_a_terminal(args: &str) -> String {
    let home = tempfile::tempdir().unwrap();
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_wa-sync"));
    let output = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env_clear()
        .env("HOME", home.path())
        // A terminal that moves its cursor (indicatif draws nothing on TERM=dumb or none).
        .env("TERM", "xterm-256color")
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .expect("util-linux's script runs the command on a terminal");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn checks_progress_is_drawn_on_a_terminal() {
    let shown = on_a_terminal("preview --demo");
    assert!(shown.contains("Fetching checks ["), "{shown}");
    assert!(shown.contains("4,886 of 4,886"), "{shown}");
}

#[test]
fn no_bar_with_json_or_quiet() {
    for args in ["preview --demo --json", "preview --demo --quiet"] {
        let shown = on_a_terminal(args);
        assert!(!shown.contains("Fetching checks"), "{args}: {shown}");
    }
}

#[test]
fn no_bar_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = dir.path().join("stderr.txt");
    let shown = on_a_terminal(&format!("preview --demo 2>{}", stderr.display()));
    assert!(shown.contains("Checks: 4,886 fetched"), "{shown}");
    let written = std::fs::read_to_string(&stderr).unwrap();
    assert!(!written.contains("Fetching checks"), "{written}");
}

#[test]
fn writes_progress_is_drawn_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let args = format!(
        "sync --demo --demo-workload {} --backup-dir {}",
        dir.path().join("demo-workload.json").display(),
        dir.path().join("backups").display()
    );
    let shown = on_a_terminal(&args);
    assert!(shown.contains("Writing notes ["), "{shown}");
}
