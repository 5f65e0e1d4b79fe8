//! `wa-sync preview`: every question's Check Summary Report, and with a workload what would change.

use super::{checks_input, mapping, workload, Clients, Outcome};
use crate::args::{Global, PreviewArgs};
use crate::output::{self, TerminalProgress};
use wa_sync_engine::preview::{self, collect};
use wa_sync_engine::Result;

pub async fn run(global: &Global, args: PreviewArgs) -> Result<Outcome> {
    let (report, _) = compute(global, &args.checks, &args.workload, args.notes_mode.into()).await?;
    if args.json {
        output::print_json(&report);
    } else {
        output::emit(&output::preview_text(&report));
    }
    Ok(Outcome::Done)
}

/// Validates everything, reads the checks (and the workload's notes, if one is given) and
/// computes the report. Shared with `sync` and `export`.
pub async fn compute(
    global: &Global,
    checks: &crate::args::ChecksArgs,
    workload_args: &crate::args::WorkloadArgs,
    mode: wa_sync_engine::notes::NotesMode,
) -> Result<(preview::PreviewReport, preview::Collected)> {
    let (tags, account_id) = checks_input(checks)?;
    let mapping = mapping(global)?;
    let workload_target = workload::target(global, workload_args)?;
    let clients = Clients::for_checks(global, checks, &tags, workload_target.as_ref())?;
    let current = match &workload_target {
        Some(target) => Some(target.current_notes(clients.conformity.as_ref()).await?),
        None => None,
    };
    let source = clients.source(checks);
    let progress = TerminalProgress::new(global.quiet);
    let collected = collect(&source, &tags, &mapping, &progress).await?;
    progress.finish();
    let report = preview::report(
        account_id.as_deref(),
        &tags,
        &mapping,
        &collected,
        current.as_ref(),
        mode,
    );
    Ok((report, collected))
}
