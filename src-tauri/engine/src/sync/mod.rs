//! Writing the notes safely: plan → backup → compare and write, and restore.
//!
//! The plan is the preview computed against the workload's current notes. Before the first
//! write, every question's exact notes and the text about to be written go into a backup file
//! ([`backup`]). Then only the questions whose notes change are written ([`writer`]): each is
//! read again just before its write and skipped as `changed` if someone edited it since the
//! plan. Restore puts back only what wa-sync wrote: a question edited after the sync is left as
//! it is and named, unless forced.
//!
//! Two opt-ins: with `milestone`, a Well-Architected milestone is saved after the backup and
//! before the first write (none is saved if the milestone cannot be: nothing is written then),
//! so the review's own history holds the state before the sync; with `pillar_notes`, each
//! pillar's notes in the lens review get a summary ([`pillars`]), backed up, compared and
//! restored as the questions' are.

mod backup;
pub mod milestone;
pub mod pillars;
mod restore;
pub mod writer;

pub use backup::{Backup, BackupPillar, BackupQuestion, BACKUP_FORMAT, BACKUP_FORMAT_V1};
pub use restore::{restore, RestoreMilestone, RestoreQuestion, RestoreReport, RestoreStatus};
pub use writer::WriteWindow;

use crate::checks::TagFilter;
use crate::mapping::Mapping;
use crate::notes::NotesMode;
use crate::preview::{self, Collected, PreviewReport, QuestionReport, QuestionStatus};
use crate::wellarchitected::{MilestoneRef, Workload, WorkloadSnapshot};
use crate::{Error, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio_util::sync::CancellationToken;
use writer::{NoteWrite, WriteOutcome};

/// Told about each question as it is written, so a progress bar can move.
pub trait SyncProgress: Send + Sync {
    /// `done` of `total` questions have been handled; `question_id` just was (`ok`: written).
    fn question_done(&self, done: usize, total: usize, question_id: &str, ok: bool);
}

/// For callers that show nothing.
pub struct NoSyncProgress;

impl SyncProgress for NoSyncProgress {
    fn question_done(&self, _done: usize, _total: usize, _question_id: &str, _ok: bool) {}
}

// Where they have always been found; they live below `sync` and `wellarchitected` (the demo
// workload is kept there too), so neither imports the other for them.
pub use crate::paths::{data_dir, default_backup_dir};

/// A backup found on disk, for the app's restore screen.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct BackupInfo {
    pub path: PathBuf,
    pub workload_arn: String,
    pub workload_name: String,
    pub created_at: String,
    pub reason: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub questions: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub changed_questions: usize,
}

/// The backups in `dir`, newest first; files that are not backups are skipped. A missing
/// directory has none.
pub fn list_backups(dir: &Path) -> Result<Vec<BackupInfo>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(format!("listing {}", dir.display()), e)),
    };
    let mut out: Vec<BackupInfo> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|path| {
            let b = Backup::read(&path).ok()?;
            Some(BackupInfo {
                workload_arn: b.workload_arn,
                workload_name: b.workload_name,
                created_at: b.created_at,
                reason: b.reason,
                questions: b.questions.len(),
                changed_questions: b.changed_question_ids.len(),
                path,
            })
        })
        .collect();
    out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.path.cmp(&a.path)));
    Ok(out)
}

/// What `sync` and `restore` do besides the plan.
#[derive(Clone, Debug, Default)]
pub struct SyncOptions {
    /// `None`: [`default_backup_dir`].
    pub backup_dir: Option<PathBuf>,
    /// Plan and report, write nothing (no backup either).
    pub dry_run: bool,
    /// Writes in flight (default: [`WriteWindow::default`]).
    pub window: Option<WriteWindow>,
    /// Restore: put back every question whose notes differ from the backup's, even those edited
    /// since the sync or never written by it.
    pub force: bool,
    /// Save a Well-Architected milestone of the review before the first write.
    pub milestone: bool,
    /// Also place a summary in each pillar's notes of the lens review.
    pub pillar_notes: bool,
    /// The plan target being synced (names its milestone and history record).
    pub target: Option<String>,
    /// Where pillar summaries go in the pillars' notes (the questions' mode is the preview's).
    pub notes_mode: NotesMode,
}

impl SyncOptions {
    fn backup_dir(&self) -> Result<PathBuf> {
        match &self.backup_dir {
            Some(dir) => Ok(dir.clone()),
            None => default_backup_dir(),
        }
    }
}

/// The preview of a sync: every question's new notes against the workload's current ones.
pub fn plan(
    account_id: Option<&str>,
    tags: &TagFilter,
    mapping: &Mapping,
    collected: &Collected,
    snapshot: &WorkloadSnapshot,
    mode: NotesMode,
) -> PreviewReport {
    let current = snapshot.current_notes();
    preview::report(account_id, tags, mapping, collected, Some(&current), mode)
}

/// Backs up, then writes every question whose status is `would-change` and that still has the
/// notes the plan was computed from. Returns the report with statuses `written`, `changed` (edited
/// since the plan: not written), `failed`, `not-written` (cancelled first) or as planned, and the
/// backup's path. `Err` only when nothing was written (bad plan, backup failed); per-question
/// outcomes are in the report. Cancelling stops new writes; those in flight finish.
pub async fn sync(
    workload: &Workload,
    snapshot: &WorkloadSnapshot,
    mut report: PreviewReport,
    options: &SyncOptions,
    cancel: &CancellationToken,
    progress: &dyn SyncProgress,
) -> Result<PreviewReport> {
    if report.workload_arn.as_deref() != Some(snapshot.workload_arn.as_str())
        || workload.arn() != snapshot.workload_arn
    {
        return Err(Error::bad_input(format!(
            "the plan was made for {:?}, not for workload {}; preview again",
            report.workload_arn,
            workload.arn()
        )));
    }
    let writes = question_writes(&report, snapshot);
    let pillars_before = if options.pillar_notes {
        Some(pillars::read_and_plan(workload, &mut report, options.notes_mode).await?)
    } else {
        None
    };
    let pillar_writes = pillars::writes(&report);
    if options.dry_run || (writes.is_empty() && pillar_writes.is_empty()) {
        return Ok(report);
    }
    let written: Vec<(String, String)> = writes
        .iter()
        .map(|w| (w.question_id.clone(), w.notes.clone()))
        .collect();
    let pillars_written: Vec<(String, String)> = pillar_writes
        .iter()
        .map(|w| (w.pillar_id.clone(), w.notes.clone()))
        .collect();
    let mut backup = Backup::of(snapshot, "sync", &written);
    if let Some(before) = &pillars_before {
        backup = backup.with_pillars(before, &pillars_written);
    }
    let path = backup.write_to(&options.backup_dir()?)?;
    report.backup = Some(path.display().to_string());
    // A sync cancelled before its first write writes nothing, so it needs no milestone.
    if options.milestone && !cancel.is_cancelled() {
        let saved = save_milestone(workload, snapshot, options, backup, &path).await?;
        report.milestone = Some(saved);
    }

    let window = options.window.clone().unwrap_or_default();
    for (key, outcome) in writer::write_all(workload, writes, window, cancel, progress).await {
        record_write(&mut report.questions[key], outcome);
    }
    let outcomes = pillars::write_all(workload, pillar_writes, cancel).await;
    pillars::record(&mut report, outcomes);
    Ok(report)
}

/// The questions to write: those that would change, each with the notes it was planned from.
fn question_writes(report: &PreviewReport, snapshot: &WorkloadSnapshot) -> Vec<NoteWrite> {
    report
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| q.status == QuestionStatus::WouldChange)
        .filter_map(|(key, q)| {
            let expected = q.current_notes.clone().or_else(|| {
                let current = snapshot
                    .questions
                    .iter()
                    .find(|c| c.question_id == q.question_id)?;
                Some(current.notes.clone())
            })?;
            Some(NoteWrite {
                key,
                question_id: q.question_id.clone(),
                expected,
                notes: q.notes.clone()?,
            })
        })
        .collect()
}

/// Saves the milestone and records it in the backup at `path`. When it cannot be saved, nothing
/// has been written, so the backup of this sync would only be noise: it is removed.
async fn save_milestone(
    workload: &Workload,
    snapshot: &WorkloadSnapshot,
    options: &SyncOptions,
    backup: Backup,
    path: &Path,
) -> Result<MilestoneRef> {
    match milestone::save(workload, snapshot, options.target.as_deref()).await {
        Ok(saved) => {
            backup.with_milestone(saved.clone()).rewrite(path)?;
            Ok(saved)
        }
        Err(e) => {
            let _ = std::fs::remove_file(path);
            Err(e)
        }
    }
}

fn record_write(q: &mut QuestionReport, outcome: WriteOutcome) {
    match outcome {
        WriteOutcome::Written => q.status = QuestionStatus::Written,
        WriteOutcome::Changed => {
            q.status = QuestionStatus::Changed;
            q.error = Some(
                "the notes were edited after the preview read them, so they were not \
                 written; preview again"
                    .to_string(),
            );
        }
        WriteOutcome::NotWritten => q.status = QuestionStatus::NotWritten,
        WriteOutcome::Failed(e) => {
            q.status = QuestionStatus::Failed;
            q.error = Some(e.to_string());
        }
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

#[cfg(test)]
mod aws_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wellarchitected::demo::{self, DemoWorkload};

    pub(super) async fn demo_plan(workload: &Workload) -> (WorkloadSnapshot, PreviewReport) {
        let before = workload.snapshot().await.unwrap();
        let mapping = Mapping::load(None).unwrap();
        let tags = TagFilter::parse::<&str>(&[]).unwrap();
        let progress = crate::checks::NoProgress;
        let collected = preview::collect(&preview::Source::Demo, &tags, &mapping, &progress)
            .await
            .unwrap();
        let report = plan(
            None,
            &tags,
            &mapping,
            &collected,
            &before,
            NotesMode::ReplaceBlock,
        );
        (before, report)
    }

    fn with_status(report: &PreviewReport, status: QuestionStatus) -> Vec<&str> {
        report
            .questions
            .iter()
            .filter(|q| q.status == status)
            .map(|q| q.question_id.as_str())
            .collect()
    }

    #[tokio::test]
    async fn demo_sync_backs_up_then_restore_puts_back_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let workload = Workload::Demo(DemoWorkload::open(dir.path().join("demo.json")));
        let (before, report) = demo_plan(&workload).await;
        let options = SyncOptions {
            backup_dir: Some(dir.path().join("backups")),
            ..SyncOptions::default()
        };
        let cancel = CancellationToken::new();
        let report = sync(
            &workload,
            &before,
            report,
            &options,
            &cancel,
            &NoSyncProgress,
        )
        .await
        .unwrap();
        assert!(!with_status(&report, QuestionStatus::Written).is_empty());
        let after = workload.snapshot().await.unwrap();
        let kept = after
            .questions
            .iter()
            .find(|q| q.question_id == "securely-operate")
            .unwrap();
        assert!(kept.notes.starts_with("Reviewed with the platform team"));
        let backup_path = PathBuf::from(report.backup.unwrap());
        let backup = Backup::read(&backup_path).unwrap();
        assert_eq!(backup.questions.len(), before.questions.len());
        assert_eq!(list_backups(&dir.path().join("backups")).unwrap().len(), 1);

        let restored = restore(
            &workload,
            &backup,
            &backup_path,
            &options,
            &cancel,
            &NoSyncProgress,
        )
        .await
        .unwrap();
        assert!(restored.failed().is_empty());
        assert_eq!(workload.snapshot().await.unwrap(), before);

        let mut other = backup.clone();
        other.workload_arn = demo::DEMO_WORKLOAD_ARN.replace("000000000000:", "111111111111:");
        let err = restore(
            &workload,
            &other,
            &backup_path,
            &options,
            &cancel,
            &NoSyncProgress,
        )
        .await
        .unwrap_err();
        assert!(err.is_bad_input());
    }

    #[tokio::test]
    async fn a_note_edited_after_the_preview_is_neither_written_nor_restored_over() {
        let dir = tempfile::tempdir().unwrap();
        let workload = Workload::Demo(DemoWorkload::open(dir.path().join("demo.json")));
        let (before, report) = demo_plan(&workload).await;
        let edited = "protect-data-rest";
        assert!(with_status(&report, QuestionStatus::WouldChange).contains(&edited));
        // A reviewer edits the note in the console after the preview read it.
        workload
            .update_notes(edited, "Edited in the console.")
            .await
            .unwrap();
        let options = SyncOptions {
            backup_dir: Some(dir.path().join("backups")),
            ..SyncOptions::default()
        };
        let cancel = CancellationToken::new();
        let report = sync(
            &workload,
            &before,
            report,
            &options,
            &cancel,
            &NoSyncProgress,
        )
        .await
        .unwrap();
        assert_eq!(with_status(&report, QuestionStatus::Changed), vec![edited]);
        assert_eq!(
            workload.read_notes(edited).await.unwrap(),
            "Edited in the console."
        );
        // Another reviewer then edits a note the sync wrote.
        let written = with_status(&report, QuestionStatus::Written)[0].to_string();
        workload
            .update_notes(&written, "Rewritten by hand.")
            .await
            .unwrap();
        let path = PathBuf::from(report.backup.unwrap());
        let backup = Backup::read(&path).unwrap();
        let restored = restore(
            &workload,
            &backup,
            &path,
            &options,
            &cancel,
            &NoSyncProgress,
        )
        .await
        .unwrap();
        let kept: Vec<&str> = restored
            .kept()
            .iter()
            .map(|q| q.question_id.as_str())
            .collect();
        assert!(
            kept.contains(&edited) && kept.contains(&written.as_str()),
            "{kept:?}"
        );
        assert_eq!(
            workload.read_notes(edited).await.unwrap(),
            "Edited in the console."
        );
        assert_eq!(
            workload.read_notes(&written).await.unwrap(),
            "Rewritten by hand."
        );
        // Everything else is back as it was.
        let now = workload.snapshot().await.unwrap();
        for (b, n) in before.questions.iter().zip(&now.questions) {
            if n.question_id != edited && n.question_id != written {
                assert_eq!(b, n);
            }
        }
        // --force puts the backup's notes back over the edits too.
        let forced = SyncOptions {
            force: true,
            ..options
        };
        restore(&workload, &backup, &path, &forced, &cancel, &NoSyncProgress)
            .await
            .unwrap();
        assert_eq!(workload.snapshot().await.unwrap(), before);
    }

    #[tokio::test]
    async fn a_cancelled_sync_writes_nothing_new_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let workload = Workload::Demo(DemoWorkload::open(dir.path().join("demo.json")));
        let (before, report) = demo_plan(&workload).await;
        let planned = with_status(&report, QuestionStatus::WouldChange).len();
        let options = SyncOptions {
            backup_dir: Some(dir.path().join("backups")),
            ..SyncOptions::default()
        };
        let cancel = CancellationToken::new();
        cancel.cancel();
        let report = sync(
            &workload,
            &before,
            report,
            &options,
            &cancel,
            &NoSyncProgress,
        )
        .await
        .unwrap();
        assert_eq!(
            with_status(&report, QuestionStatus::NotWritten).len(),
            planned
        );
        assert_eq!(workload.snapshot().await.unwrap(), before);
    }
}
