//! `wa-sync sync`: preview against the workload's notes → backup → compare and write the changed
//! questions (`usecase::preview`, then `usecase::push`). Ctrl-C stops new writes; the ones in
//! flight finish and the report says what was written.

use super::{workload, Outcome};
use crate::args::{Global, SyncArgs};
use crate::output::{self, WriteProgress};
use wa_sync_engine::preview::{PreviewReport, QuestionStatus};
use wa_sync_engine::sync::SyncOptions;
use wa_sync_engine::usecase::{self, Cancel};
use wa_sync_engine::{Error, Result};

pub async fn run(global: &Global, args: SyncArgs) -> Result<Outcome> {
    let options = SyncOptions {
        backup_dir: args.backup_dir.clone(),
        dry_run: args.dry_run,
        milestone: args.milestone,
        pillar_notes: args.pillar_notes,
        notes_mode: args.notes_mode.into(),
        ..SyncOptions::default()
    };
    if let Some(plan) = &args.plan.plan {
        return super::plan::run(
            global,
            &args.plan.targets,
            plan,
            &args.checks,
            &args.workload,
            Some(options),
            args.json,
        )
        .await;
    }
    let target = match workload::target(global, &args.workload)? {
        Some(target) => target,
        None if args.checks.demo => workload::demo_target(None),
        None => {
            return Err(Error::bad_input(
                "--workload-arn is required: the workload whose notes are written \
                 (Well-Architected Tool > Workloads > your workload > Properties)",
            ))
        }
    };
    let draw = output::draws_progress(global.quiet, args.json);
    let previewed = super::preview::compute_for(
        global,
        &args.checks,
        Some(target),
        args.notes_mode.into(),
        draw,
    )
    .await?;
    let cancel = Cancel::new();
    let on_interrupt = cancel_on_interrupt(&cancel);
    let writing = WriteProgress::new(draw);
    let report = usecase::push(&previewed, |_| true, &options, &cancel, &writing).await;
    on_interrupt.abort();
    writing.finish();
    let report = report?;

    if args.json {
        output::print_json(&report);
    } else {
        output::emit(&output::preview_text(&report));
        output::emit(&summary_line(&report, args.dry_run));
    }
    Ok(name_unwritten(&report))
}

/// Ctrl-C cancels `cancel` (a second one ends the process as usual, once this task is gone).
pub fn cancel_on_interrupt(cancel: &Cancel) -> tokio::task::JoinHandle<()> {
    let cancel = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\nwa-sync: stopping: no new writes; the ones under way finish");
            cancel.cancel();
        }
    })
}

fn summary_line(report: &PreviewReport, dry_run: bool) -> String {
    let count = |s: QuestionStatus| report.questions.iter().filter(|q| q.status == s).count();
    let mut line = format!(
        "\n{}: {} written, {} unchanged, {} would change, {} failed, {} not covered",
        if dry_run { "Dry run" } else { "Sync" },
        count(QuestionStatus::Written),
        count(QuestionStatus::Unchanged),
        count(QuestionStatus::WouldChange),
        count(QuestionStatus::Failed),
        count(QuestionStatus::NotCovered),
    );
    for (status, words) in [
        (QuestionStatus::Changed, "edited meanwhile"),
        (QuestionStatus::NotWritten, "not written (stopped)"),
    ] {
        if count(status) > 0 {
            line.push_str(&format!(", {} {words}", count(status)));
        }
    }
    let pillar_count = |s: QuestionStatus| {
        (report.pillars.iter())
            .filter(|p| p.notes_status == Some(s))
            .count()
    };
    if report.pillars.iter().any(|p| p.notes_status.is_some()) {
        line.push_str(&format!(
            "\nPillar notes: {} written, {} unchanged, {} would change, {} failed",
            pillar_count(QuestionStatus::Written),
            pillar_count(QuestionStatus::Unchanged),
            pillar_count(QuestionStatus::WouldChange),
            pillar_count(QuestionStatus::Failed),
        ));
        if pillar_count(QuestionStatus::Changed) > 0 {
            let changed = pillar_count(QuestionStatus::Changed);
            line.push_str(&format!(", {changed} edited meanwhile"));
        }
    }
    line.push('\n');
    if let Some(m) = &report.milestone {
        line.push_str(&format!(
            "Milestone {} \"{}\" holds the review as it was before this sync\n",
            m.number, m.name
        ));
    }
    if let Some(backup) = &report.backup {
        line.push_str(&format!(
            "Backup of the previous notes: {backup}\n(undo with `wa-sync restore --backup {backup} --workload-arn {}`)\n",
            report.workload_arn.as_deref().unwrap_or("ARN")
        ));
    }
    line
}

/// Names on stderr every question that was to be written and was not; `Partial` if any.
fn name_unwritten(report: &PreviewReport) -> Outcome {
    let named = |status: QuestionStatus| -> Vec<String> {
        report
            .questions
            .iter()
            .filter(|q| q.status == status)
            .map(|q| match &q.error {
                Some(e) if status == QuestionStatus::Failed => format!("{} ({e})", q.question_id),
                _ => q.question_id.clone(),
            })
            .collect()
    };
    let pillars = |status: QuestionStatus| -> Vec<String> {
        (report.pillars.iter())
            .filter(|p| p.notes_status == Some(status))
            .map(|p| match &p.notes_error {
                Some(e) if status == QuestionStatus::Failed => {
                    format!("pillar {} ({e})", p.pillar_id)
                }
                _ => format!("pillar {}", p.pillar_id),
            })
            .collect()
    };
    let mut failed = named(QuestionStatus::Failed);
    failed.extend(pillars(QuestionStatus::Failed));
    let mut changed = named(QuestionStatus::Changed);
    changed.extend(pillars(QuestionStatus::Changed));
    let mut stopped = named(QuestionStatus::NotWritten);
    stopped.extend(pillars(QuestionStatus::NotWritten));
    if !failed.is_empty() {
        eprintln!(
            "wa-sync: {} question(s) not written: {}",
            failed.len(),
            failed.join("; ")
        );
    }
    if !changed.is_empty() {
        eprintln!(
            "wa-sync: {} question(s) were edited after the preview read them and were not written \
             (preview again to include the edit): {}",
            changed.len(),
            changed.join(", ")
        );
    }
    if !stopped.is_empty() {
        eprintln!(
            "wa-sync: stopped before writing {} question(s): {} (run the sync again)",
            stopped.len(),
            stopped.join(", ")
        );
    }
    if failed.is_empty() && changed.is_empty() && stopped.is_empty() {
        Outcome::Done
    } else {
        Outcome::Partial
    }
}
