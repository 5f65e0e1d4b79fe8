//! `wa-sync sync`: preview against the workload's notes → backup → write the changed questions.

use super::{checks_input, mapping, workload, Clients, Outcome};
use crate::args::{Global, SyncArgs};
use crate::output::{self, TerminalProgress};
use std::io::{IsTerminal, Write};
use wa_sync_engine::preview::{collect, QuestionStatus};
use wa_sync_engine::sync::{self, SyncOptions, SyncProgress};
use wa_sync_engine::{Error, Result};

pub async fn run(global: &Global, args: SyncArgs) -> Result<Outcome> {
    let (tags, account_id) = checks_input(&args.checks)?;
    let mapping = mapping(global)?;
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
    let clients = Clients::for_checks(global, &args.checks, &tags, Some(&target))?;
    let (workload, snapshot) = target.snapshot(clients.conformity.as_ref()).await?;
    let source = clients.source(&args.checks);
    let progress = TerminalProgress::new(global.quiet);
    let collected = collect(&source, &tags, &mapping, &progress).await?;
    progress.finish();
    let plan = sync::plan(
        account_id.as_deref(),
        &tags,
        &mapping,
        &collected,
        &snapshot,
        args.notes_mode.into(),
    );
    let options = SyncOptions {
        backup_dir: args.backup_dir.clone(),
        dry_run: args.dry_run,
        ..SyncOptions::default()
    };
    let writing = WriteProgress::new(global.quiet);
    let report = sync::sync(&workload, &snapshot, plan, &options, &writing).await?;
    writing.finish();

    if args.json {
        output::print_json(&report);
    } else {
        output::emit(&output::preview_text(&report));
        let count = |s: QuestionStatus| report.questions.iter().filter(|q| q.status == s).count();
        let mut line = format!(
            "\n{}: {} written, {} unchanged, {} would change, {} failed, {} not covered\n",
            if args.dry_run { "Dry run" } else { "Sync" },
            count(QuestionStatus::Written),
            count(QuestionStatus::Unchanged),
            count(QuestionStatus::WouldChange),
            count(QuestionStatus::Failed),
            count(QuestionStatus::NotCovered),
        );
        if let Some(backup) = &report.backup {
            line.push_str(&format!(
                "Backup of the previous notes: {backup}\n(undo with `wa-sync restore --backup {backup}`)\n"
            ));
        }
        output::emit(&line);
    }
    let failed: Vec<String> = report
        .questions
        .iter()
        .filter(|q| q.status == QuestionStatus::Failed)
        .map(|q| {
            format!(
                "{} ({})",
                q.question_id,
                q.error.as_deref().unwrap_or("failed")
            )
        })
        .collect();
    if failed.is_empty() {
        Ok(Outcome::Done)
    } else {
        eprintln!(
            "wa-sync: {} question(s) not written: {}",
            failed.len(),
            failed.join("; ")
        );
        Ok(Outcome::Partial)
    }
}

/// "Writing notes: 12 of 40" on a terminal's stderr.
pub struct WriteProgress {
    enabled: bool,
}

impl WriteProgress {
    pub fn new(quiet: bool) -> Self {
        WriteProgress {
            enabled: !quiet && std::io::stderr().is_terminal(),
        }
    }

    pub fn finish(&self) {
        if self.enabled {
            eprintln!();
        }
    }
}

impl SyncProgress for WriteProgress {
    fn question_done(&self, done: usize, total: usize, _question_id: &str, _ok: bool) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\rWriting notes: {done} of {total}");
            let _ = err.flush();
        }
    }
}
