//! `wa-sync restore`: puts back the notes a sync replaced, for the questions that still hold what
//! the sync wrote (`--force`: all of them). The workload must be named with `--workload-arn`
//! (and match the backup's), or confirmed with `--yes`. A sync with pillar notes has its pillars
//! restored the same way; a sync that saved a milestone is named with it, checked to still exist,
//! so the reviewer can compare the review before the sync in the console.

use super::sync::cancel_on_interrupt;
use super::{conformity_client, workload, Outcome};
use crate::args::{Global, RestoreArgs, WorkloadArgs};
use crate::output::{self, WriteProgress};
use wa_sync_engine::sync::{Backup, RestoreMilestone, RestoreReport, RestoreStatus, SyncOptions};
use wa_sync_engine::usecase::{self, Cancel};
use wa_sync_engine::wellarchitected::WorkloadArn;
use wa_sync_engine::{Error, Result};

pub async fn run(global: &Global, args: RestoreArgs) -> Result<Outcome> {
    let backup = Backup::read(&args.backup)?;
    let backup_arn = confirmed_workload(&args, &backup)?;
    let target = if args.demo_workload.is_some() {
        workload::demo_target(args.demo_workload.clone())
    } else {
        let workload_args = WorkloadArgs {
            workload_arn: Some(backup_arn),
            role_arn: args.role_arn.clone(),
            external_id: args.external_id.clone(),
            demo_workload: None,
        };
        workload::target(global, &workload_args)?.expect("a workload ARN was given")
    };
    let client = if target.needs_external_id() {
        Some(conformity_client(global)?)
    } else {
        None
    };
    let workload = workload::open(&target, client.as_ref()).await?;
    let options = SyncOptions {
        backup_dir: args.backup_dir.clone(),
        dry_run: args.dry_run,
        force: args.force,
        ..SyncOptions::default()
    };
    let cancel = Cancel::new();
    let on_interrupt = cancel_on_interrupt(&cancel);
    let progress = WriteProgress::new(output::draws_progress(global.quiet, args.json));
    let report = usecase::restore(
        &workload,
        &backup,
        &args.backup,
        &options,
        &cancel,
        &progress,
    )
    .await;
    on_interrupt.abort();
    progress.finish();
    let report = report?;
    if args.json {
        output::print_json(&report);
    } else {
        print_report(&report);
    }
    Ok(outcome(&report))
}

/// The backup's workload, once the user named it with `--workload-arn` or confirmed it with
/// `--yes`: a restore writes to whatever workload the file names.
fn confirmed_workload(args: &RestoreArgs, backup: &Backup) -> Result<String> {
    // The ARN comes from the file, not from --workload-arn: the message names the file.
    let backup_arn = WorkloadArn::parse(&backup.workload_arn)
        .map_err(|e| Error::bad_input(format!("{}: {e}", args.backup.display())))?
        .to_string();
    match &args.workload_arn {
        Some(expected) => {
            let expected = WorkloadArn::parse(expected)?.to_string();
            if expected != backup_arn {
                return Err(Error::bad_input(format!(
                    "{} is a backup of workload {backup_arn}, not of {expected}; restore it to the workload it came from",
                    args.backup.display()
                )));
            }
        }
        None if !args.yes => {
            return Err(Error::bad_input(format!(
                "{} is a backup of workload {backup_arn} ({}); to write to it, pass \
                 --workload-arn {backup_arn} (or --yes)",
                args.backup.display(),
                backup.workload_name
            )))
        }
        None => {}
    }
    Ok(backup_arn)
}

/// Names on stderr the questions kept and those not restored; partly done if any was not.
fn outcome(report: &RestoreReport) -> Outcome {
    let kept = report.kept();
    if !kept.is_empty() {
        eprintln!(
            "wa-sync: {} question(s) left as they are, since someone else's text is in them now \
             (--force puts the backup's notes back anyway): {}",
            kept.len(),
            kept.iter()
                .map(|q| q.question_id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let failed: Vec<String> = report
        .questions
        .iter()
        .chain(&report.pillars)
        .filter(|q| matches!(q.status, RestoreStatus::Failed | RestoreStatus::NotWritten))
        .map(|q| match &q.error {
            Some(e) => format!("{} ({e})", q.question_id),
            None => format!("{} (not written: stopped)", q.question_id),
        })
        .collect();
    if failed.is_empty() {
        return Outcome::Done;
    }
    eprintln!(
        "wa-sync: {} question(s) not restored: {}",
        failed.len(),
        failed.join("; ")
    );
    Outcome::Partial
}

fn print_report(report: &RestoreReport) {
    let pillar_ids: Vec<&str> = (report.pillars.iter())
        .map(|p| p.question_id.as_str())
        .collect();
    let rows: Vec<Vec<String>> = report
        .questions
        .iter()
        .chain(&report.pillars)
        .map(|q| {
            let status = serde_json::to_value(q.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let detail = q.error.as_ref().or(q.reason.as_ref());
            let name = if pillar_ids.contains(&q.question_id.as_str()) {
                format!("pillar {}", q.question_id)
            } else {
                q.question_id.clone()
            };
            vec![
                name,
                match detail {
                    Some(d) => format!("{status}: {d}"),
                    None => status,
                },
            ]
        })
        .collect();
    output::emit(&format!(
        "Restoring workload {} from {}\n\n",
        report.workload_arn, report.restored_from
    ));
    output::print_table(&["QUESTION", "STATUS"], &rows);
    let count = |s: RestoreStatus| {
        (report.questions.iter().chain(&report.pillars))
            .filter(|q| q.status == s)
            .count()
    };
    output::emit(&format!(
        "\n{} written, {} unchanged, {} would change, {} kept as they are, {} failed\n",
        count(RestoreStatus::Written),
        count(RestoreStatus::Unchanged),
        count(RestoreStatus::WouldChange),
        count(RestoreStatus::Kept),
        count(RestoreStatus::Failed)
    ));
    if let Some(b) = &report.backup {
        output::emit(&format!(
            "The notes that were replaced are backed up in {b}\n"
        ));
    }
    if let Some(m) = &report.milestone {
        output::emit(&milestone_line(m));
    }
}

fn milestone_line(m: &RestoreMilestone) -> String {
    match (&m.error, m.exists) {
        (_, true) => format!(
            "Milestone {} \"{}\" holds the review as it was before that sync: compare it in the \
             Well-Architected Tool (workload > Milestones)\n",
            m.number, m.name
        ),
        (Some(e), false) => format!(
            "The sync saved milestone {} \"{}\" before writing; it could not be checked: {e}\n",
            m.number, m.name
        ),
        (None, false) => format!(
            "The sync saved milestone {} \"{}\" before writing, but the workload no longer has \
             it under that name\n",
            m.number, m.name
        ),
    }
}
