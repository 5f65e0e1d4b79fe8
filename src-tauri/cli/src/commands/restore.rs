//! `wa-sync restore`: writes the notes of a backup back, byte for byte.

use super::sync::WriteProgress;
use super::{conformity_client, workload, Outcome};
use crate::args::{Global, RestoreArgs, WorkloadArgs};
use crate::output;
use wa_sync_engine::sync::{self, Backup, RestoreStatus, SyncOptions};
use wa_sync_engine::wellarchitected::WorkloadArn;
use wa_sync_engine::{Error, Result};

pub async fn run(global: &Global, args: RestoreArgs) -> Result<Outcome> {
    let backup = Backup::read(&args.backup)?;
    let backup_arn = WorkloadArn::parse(&backup.workload_arn)?.to_string();
    if let Some(expected) = &args.workload_arn {
        let expected = WorkloadArn::parse(expected)?.to_string();
        if expected != backup_arn {
            return Err(Error::bad_input(format!(
                "{} is a backup of workload {backup_arn}, not of {expected}; restore it to the workload it came from",
                args.backup.display()
            )));
        }
    }
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
    let client = if target.needs_conformity() {
        Some(conformity_client(global)?)
    } else {
        None
    };
    let workload = target.open(client.as_ref()).await?;
    let options = SyncOptions {
        backup_dir: args.backup_dir.clone(),
        dry_run: args.dry_run,
        ..SyncOptions::default()
    };
    let progress = WriteProgress::new(global.quiet);
    let report = sync::restore(&workload, &backup, &args.backup, &options, &progress).await?;
    progress.finish();
    if args.json {
        output::print_json(&report);
    } else {
        let rows: Vec<Vec<String>> = report
            .questions
            .iter()
            .map(|q| {
                let status = serde_json::to_value(q.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                vec![
                    q.question_id.clone(),
                    match &q.error {
                        Some(e) => format!("{status}: {e}"),
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
        let count = |s: RestoreStatus| report.questions.iter().filter(|q| q.status == s).count();
        output::emit(&format!(
            "\n{} written, {} unchanged, {} would change, {} failed\n",
            count(RestoreStatus::Written),
            count(RestoreStatus::Unchanged),
            count(RestoreStatus::WouldChange),
            count(RestoreStatus::Failed)
        ));
        if let Some(b) = &report.backup {
            output::emit(&format!(
                "The notes that were replaced are backed up in {b}\n"
            ));
        }
    }
    let failed = report.failed();
    if failed.is_empty() {
        Ok(Outcome::Done)
    } else {
        eprintln!(
            "wa-sync: {} question(s) not restored: {}",
            failed.len(),
            failed
                .iter()
                .map(|q| format!(
                    "{} ({})",
                    q.question_id,
                    q.error.as_deref().unwrap_or("failed")
                ))
                .collect::<Vec<_>>()
                .join("; ")
        );
        Ok(Outcome::Partial)
    }
}
