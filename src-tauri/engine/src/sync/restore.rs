//! Restore: puts back the notes a sync replaced, for the questions (and, when the sync wrote
//! them, the pillars) that still hold what it wrote; and says which milestone holds the review
//! as it was before that sync, after checking with the service that it still exists.

use super::backup::Backup;
use super::pillars::{self, PillarWrite};
use super::writer::{self, NoteWrite, WriteOutcome};
use super::{SyncOptions, SyncProgress};
use crate::wellarchitected::{MilestoneRef, PillarNotes, Workload, WorkloadSnapshot};
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
    /// The lens review's pillars, when the sync wrote pillar notes (`question_id` is the
    /// pillar ID).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<RestoreQuestion>>", optional))]
    pub pillars: Vec<RestoreQuestion>,
    /// The milestone saved before the sync, when it saved one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub milestone: Option<RestoreMilestone>,
}

/// The milestone a sync saved before writing: the review as it was, to compare in the console.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct RestoreMilestone {
    pub number: i32,
    pub name: String,
    /// The workload still has it under that name (GetMilestone); `false`: gone, renamed, or
    /// it could not be checked (`error` says why).
    pub exists: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub error: Option<String>,
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
            .chain(&self.pillars)
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
    let pillars_now = if backup.pillars.is_empty() {
        Vec::new()
    } else {
        workload.pillar_notes().await?
    };
    let (pillars, pillar_writes) = plan_pillars(backup, &pillars_now, options.force);
    let milestone = match &backup.milestone {
        Some(m) => Some(check_milestone(workload, m).await),
        None => None,
    };
    let mut report = RestoreReport {
        workload_arn: backup.workload_arn.clone(),
        restored_from: backup_path.display().to_string(),
        backup: None,
        questions,
        pillars,
        milestone,
    };
    if options.dry_run || (writes.is_empty() && pillar_writes.is_empty()) {
        return Ok(report);
    }
    let put_back: Vec<(String, String)> = writes
        .iter()
        .map(|w| (w.question_id.clone(), w.notes.clone()))
        .collect();
    let mut own = Backup::of(&snapshot, "restore", &put_back);
    if !backup.pillars.is_empty() {
        let pillars_put_back: Vec<(String, String)> = pillar_writes
            .iter()
            .map(|w| (w.pillar_id.clone(), w.notes.clone()))
            .collect();
        own = own.with_pillars(&pillars_now, &pillars_put_back);
    }
    let path = own.write_to(&options.backup_dir()?)?;
    report.backup = Some(path.display().to_string());
    let window = options.window.clone().unwrap_or_default();
    let outcomes = writer::write_all(workload, writes, window, cancel, progress).await;
    record_outcomes(&mut report.questions, outcomes);
    let outcomes = pillars::write_all(workload, pillar_writes, cancel).await;
    record_outcomes(&mut report.pillars, outcomes);
    Ok(report)
}

/// Whether the workload still has the milestone, under the same name. Information only: a
/// failed check does not stop the restore.
async fn check_milestone(workload: &Workload, m: &MilestoneRef) -> RestoreMilestone {
    let (exists, error) = match workload.milestone_name(m.number).await {
        Ok(name) => (name.as_deref() == Some(m.name.as_str()), None),
        Err(e) => (false, Some(e.to_string())),
    };
    RestoreMilestone {
        number: m.number,
        name: m.name.clone(),
        exists,
        error,
    }
}

/// What the restore does with one backed-up text (a question's or a pillar's notes) that is
/// `current` now: `Ok` to write it back, or the status and the reason to leave it.
fn decide(
    backup: &Backup,
    before: &str,
    written: Option<&str>,
    current: &str,
    force: bool,
) -> std::result::Result<(), (RestoreStatus, Option<&'static str>)> {
    if current == before {
        return Err((RestoreStatus::Unchanged, None));
    }
    if written == Some(current) || force {
        return Ok(());
    }
    let reason = if !backup.records_writes() {
        OLD_BACKUP
    } else if written.is_some() {
        EDITED_SINCE
    } else {
        NOT_WRITTEN_BY_SYNC
    };
    Err((RestoreStatus::Kept, Some(reason)))
}

/// Each pillar of the backup against the lens review now, as [`plan_restore`] for questions.
fn plan_pillars(
    backup: &Backup,
    now: &[PillarNotes],
    force: bool,
) -> (Vec<RestoreQuestion>, Vec<PillarWrite>) {
    let mut pillars = Vec::new();
    let mut writes = Vec::new();
    for p in &backup.pillars {
        let current = now.iter().find(|c| c.pillar_id == p.pillar_id);
        let (status, reason) = match current {
            None => (RestoreStatus::Failed, None),
            Some(c) => match decide(backup, &p.notes, p.written.as_deref(), &c.notes, force) {
                Ok(()) => {
                    writes.push(PillarWrite {
                        key: pillars.len(),
                        pillar_id: p.pillar_id.clone(),
                        expected: c.notes.clone(),
                        notes: p.notes.clone(),
                    });
                    (RestoreStatus::WouldChange, None)
                }
                Err(left) => left,
            },
        };
        pillars.push(RestoreQuestion {
            question_id: p.pillar_id.clone(),
            status,
            error: current
                .is_none()
                .then(|| "the lens review no longer has this pillar".to_string()),
            reason: reason.map(str::to_string),
        });
    }
    (pillars, writes)
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
        let (status, reason) = match current {
            None => (RestoreStatus::Failed, None),
            Some(c) => match decide(backup, &q.notes, q.written.as_deref(), &c.notes, force) {
                Ok(()) => {
                    writes.push(NoteWrite {
                        key: questions.len(),
                        question_id: q.question_id.clone(),
                        expected: c.notes.clone(),
                        notes: q.notes.clone(),
                    });
                    (RestoreStatus::WouldChange, None)
                }
                Err(left) => left,
            },
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

fn record_outcomes(questions: &mut [RestoreQuestion], outcomes: Vec<(usize, WriteOutcome)>) {
    for (key, outcome) in outcomes {
        let q = &mut questions[key];
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
