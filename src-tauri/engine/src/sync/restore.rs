//! Restore: puts back the notes a sync replaced, for the questions that still hold what it wrote.

use super::backup::Backup;
use super::writer::{self, NoteWrite, WriteOutcome};
use super::{SyncOptions, SyncProgress};
use crate::wellarchitected::{Workload, WorkloadSnapshot};
use crate::{Error, Result};
use serde::Serialize;
use std::path::Path;
use tokio_util::sync::CancellationToken;

/// What happened to one question in a restore.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub enum RestoreStatus {
    Written,
    Unchanged,
    WouldChange,
    Failed,
    /// Left as it is: edited since the sync, or never written by it (`reason` says which).
    Kept,
    /// Cancelled before it was written.
    NotWritten,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct RestoreQuestion {
    pub question_id: String,
    pub status: RestoreStatus,
    pub error: Option<String>,
    /// Why a question was kept as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct RestoreReport {
    pub workload_arn: String,
    pub restored_from: String,
    /// The backup of the notes the restore replaced (`None` when nothing was written).
    pub backup: Option<String>,
    pub questions: Vec<RestoreQuestion>,
}

impl RestoreReport {
    pub fn failed(&self) -> Vec<&RestoreQuestion> {
        self.with_status(RestoreStatus::Failed)
    }

    /// The questions left as they are because someone else's text is in them now.
    pub fn kept(&self) -> Vec<&RestoreQuestion> {
        self.with_status(RestoreStatus::Kept)
    }

    fn with_status(&self, status: RestoreStatus) -> Vec<&RestoreQuestion> {
        self.questions
            .iter()
            .filter(|q| q.status == status)
            .collect()
    }
}

/// Why a restore leaves a question whose notes differ from the backup's as it is.
const EDITED_SINCE: &str =
    "edited since the sync wrote it: left as it is (a forced restore puts the backup's notes back anyway)";
const NOT_WRITTEN_BY_SYNC: &str = "the sync did not write this question: left as it is (a forced \
     restore puts the backup's notes back anyway)";
const OLD_BACKUP: &str = "this backup (format 1) does not record what wa-sync wrote: left as it \
     is (a forced restore puts the backup's notes back)";

/// Puts back the notes a sync replaced, byte for byte, for the questions that still hold what
/// the sync wrote (with `force`: every question whose notes differ). Refuses a backup of another
/// workload. The notes it replaces are backed up first, and each question is read again just
/// before its write, as in a sync.
pub async fn restore(
    workload: &Workload,
    backup: &Backup,
    backup_path: &Path,
    options: &SyncOptions,
    cancel: &CancellationToken,
    progress: &dyn SyncProgress,
) -> Result<RestoreReport> {
    if backup.workload_arn != workload.arn() {
        return Err(Error::bad_input(format!(
            "{} is a backup of workload {}, not of {}; restore it to the workload it came from",
            backup_path.display(),
            backup.workload_arn,
            workload.arn()
        )));
    }
    let snapshot = workload.snapshot().await?;
    let (questions, writes) = plan_restore(backup, &snapshot, options.force);
    let mut report = RestoreReport {
        workload_arn: backup.workload_arn.clone(),
        restored_from: backup_path.display().to_string(),
        backup: None,
        questions,
    };
    if options.dry_run || writes.is_empty() {
        return Ok(report);
    }
    let put_back: Vec<(String, String)> = writes
        .iter()
        .map(|w| (w.question_id.clone(), w.notes.clone()))
        .collect();
    let path = Backup::of(&snapshot, "restore", &put_back).write_to(&options.backup_dir()?)?;
    report.backup = Some(path.display().to_string());
    let window = options.window.clone().unwrap_or_default();
    let outcomes = writer::write_all(workload, writes, window, cancel, progress).await;
    record_outcomes(&mut report, outcomes);
    Ok(report)
}

/// Each question of the backup against the workload now: what the restore would do with it, and
/// the writes that does.
fn plan_restore(
    backup: &Backup,
    snapshot: &WorkloadSnapshot,
    force: bool,
) -> (Vec<RestoreQuestion>, Vec<NoteWrite>) {
    let mut questions = Vec::new();
    let mut writes = Vec::new();
    for q in &backup.questions {
        let current = snapshot
            .questions
            .iter()
            .find(|c| c.question_id == q.question_id);
        let mut reason = None;
        let status = match current {
            None => RestoreStatus::Failed,
            Some(c) if c.notes == q.notes => RestoreStatus::Unchanged,
            Some(c) => {
                let ours = q.written.as_deref() == Some(c.notes.as_str());
                if ours || force {
                    writes.push(NoteWrite {
                        key: questions.len(),
                        question_id: q.question_id.clone(),
                        expected: c.notes.clone(),
                        notes: q.notes.clone(),
                    });
                    RestoreStatus::WouldChange
                } else {
                    reason = Some(if !backup.records_writes() {
                        OLD_BACKUP
                    } else if q.written.is_some() {
                        EDITED_SINCE
                    } else {
                        NOT_WRITTEN_BY_SYNC
                    });
                    RestoreStatus::Kept
                }
            }
        };
        questions.push(RestoreQuestion {
            question_id: q.question_id.clone(),
            status,
            error: current
                .is_none()
                .then(|| "the workload no longer has this question (lens upgraded?)".to_string()),
            reason: reason.map(str::to_string),
        });
    }
    (questions, writes)
}

fn record_outcomes(report: &mut RestoreReport, outcomes: Vec<(usize, WriteOutcome)>) {
    for (key, outcome) in outcomes {
        let q = &mut report.questions[key];
        match outcome {
            WriteOutcome::Written => q.status = RestoreStatus::Written,
            WriteOutcome::Changed => {
                q.status = RestoreStatus::Kept;
                q.reason = Some("edited while the restore ran: left as it is".to_string());
            }
            WriteOutcome::NotWritten => q.status = RestoreStatus::NotWritten,
            WriteOutcome::Failed(e) => {
                q.status = RestoreStatus::Failed;
                q.error = Some(e.to_string());
            }
        }
    }
}
