//! `wa-sync`: the engine's scriptable face (docs/spec/cli-contract.md).
//!
//! Exit status: 0 done, 1 failed, 2 bad input (nothing sent), 3 partly done.

mod args;
mod commands;
mod output;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    init_logging(cli.global.verbose);
    tracing::debug!(version = env!("CARGO_PKG_VERSION"), "wa-sync started");
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("wa-sync: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(outcome) => ExitCode::from(outcome as u8),
        Err(e) => {
            eprintln!(
                "wa-sync: {}",
                output::terminal_safe(&output::error_text(&e))
            );
            ExitCode::from(if e.is_bad_input() { 2 } else { 1 })
        }
    }
}

/// Logs go to stderr, so stdout stays the command's output (`--json` included). A `-v` flag wins
/// over `RUST_LOG`; with neither, only warnings show. `-v` shows wa-sync's own steps, `-vv` also
/// its requests and the libraries' notable events. No event carries a secret (tests/cli_logs.rs
/// runs a whole sync at `-vv` and looks for every key it used).
fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let filter = match verbose {
        0 => EnvFilter::builder()
            .with_default_directive(tracing_subscriber::filter::LevelFilter::WARN.into())
            .from_env_lossy(),
        1 => EnvFilter::new("warn,wa_sync=info,wa_sync_engine=info"),
        2 => EnvFilter::new("info,wa_sync=debug,wa_sync_engine=debug"),
        _ => EnvFilter::new("info,wa_sync=trace,wa_sync_engine=trace"),
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}
