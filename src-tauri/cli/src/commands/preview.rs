//! `wa-sync preview`: every question's Check Summary Report, and with a workload what would change.

use super::{checks_input, mapping, workload, Opened, Outcome};
use crate::args::{ChecksArgs, Global, PreviewArgs, WorkloadArgs};
use crate::output::{self, CheckProgress};
use wa_sync_engine::notes::NotesMode;
use wa_sync_engine::preview::{Collected, PreviewReport};
use wa_sync_engine::usecase::{
    self, AccountsPreviewInput, OpenedSource, Previewed, WorkloadHandle,
};
use wa_sync_engine::Result;

pub async fn run(global: &Global, args: PreviewArgs) -> Result<Outcome> {
    if let Some(plan) = &args.plan.plan {
        return super::plan::run(
            global,
            &args.plan.targets,
            plan,
            &args.checks,
            &args.workload,
            None,
            args.json,
        )
        .await;
    }
    let draw = output::draws_progress(global.quiet, args.json);
    let (report, _) = compute(
        global,
        &args.checks,
        &args.workload,
        args.notes_mode.into(),
        draw,
    )
    .await?;
    if args.json {
        output::print_json(&report);
    } else {
        output::emit(&output::preview_text(&report));
    }
    Ok(Outcome::Done)
}

/// Validates everything, reads the checks (and the workload's notes, if one is given) and
/// computes the report. Shared with `export`.
pub async fn compute(
    global: &Global,
    checks: &ChecksArgs,
    workload_args: &WorkloadArgs,
    mode: NotesMode,
    draw_progress: bool,
) -> Result<(PreviewReport, Collected)> {
    let target = workload::target(global, workload_args)?;
    let previewed = compute_for(global, checks, target, mode, draw_progress).await?;
    Ok((previewed.report, previewed.collected))
}

/// The preview against `target` (validated), with the workload kept for a push. The checks and
/// the workload are read at the same time.
pub async fn compute_for(
    global: &Global,
    checks: &ChecksArgs,
    target: Option<workload::Target>,
    mode: NotesMode,
    draw_progress: bool,
) -> Result<Previewed<'static>> {
    let tags = checks_input(checks)?;
    let mapping = mapping(global)?;
    let opened = Opened::open(global, checks, &tags, target.as_ref())?;
    let sources: Vec<_> = opened.sources.iter().map(OpenedSource::source).collect();
    let account_ids = opened.account_ids();
    let progress = CheckProgress::new(draw_progress);
    let conformity = opened.conformity();
    let read = target.as_ref().map(|target| async move {
        usecase::read(WorkloadHandle::from(
            workload::open(target, conformity).await?,
        ))
        .await
    });
    let input = AccountsPreviewInput {
        sources: &sources,
        account_ids: &account_ids,
        tags: &tags,
        mapping: &mapping,
        mode,
    };
    let previewed = usecase::preview_accounts(input, read, &progress).await;
    progress.finish();
    previewed
}
