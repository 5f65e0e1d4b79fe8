//! Writing the notes safely: plan → backup → write, and restore.
//!
//! The plan is the preview computed against the workload's current notes. Before the first
//! write, every question's exact notes go into a backup file (JSON, fsynced). Then only the
//! questions whose notes change are written, a few at a time; the SDK retries throttling with its
//! adaptive mode, and a question that still fails does not stop the others. Restore writes the
//! notes of a backup back byte for byte, after backing up what it replaces.

use crate::checks::TagFilter;
use crate::mapping::Mapping;
use crate::notes::NotesMode;
use crate::preview::{self, Collected, PreviewReport, QuestionStatus};
use crate::wellarchitected::{Workload, WorkloadSnapshot};
use crate::{Error, Result};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Concurrent `UpdateAnswer` calls.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// The `format` of backups this version writes.
pub const BACKUP_FORMAT: &str = "wa-sync-backup/1";

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

/// `<user data dir>/wa-sync` ($XDG_DATA_HOME/wa-sync or ~/.local/share/wa-sync on Linux,
/// ~/Library/Application Support/wa-sync on macOS, %APPDATA%\wa-sync on Windows).
pub fn data_dir() -> Result<PathBuf> {
    dirs::data_dir().map(|d| d.join("wa-sync")).ok_or_else(|| {
        Error::bad_input(
            "cannot tell where your data directory is (no HOME?); pass --backup-dir DIR",
        )
    })
}

/// Where backups go unless told otherwise.
pub fn default_backup_dir() -> Result<PathBuf> {
    Ok(data_dir()?.join("backups"))
}

/// One question in a backup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupQuestion {
    pub question_id: String,
    pub pillar_id: String,
    pub title: String,
    /// The exact notes before the sync (empty: the question had none).
    pub notes: String,
}

/// Everything needed to put a workload's notes back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    pub format: String,
    pub workload_arn: String,
    pub workload_name: String,
    pub lens_alias: String,
    pub lens_version: String,
    /// UTC, RFC 3339.
    pub created_at: String,
    pub wa_sync_version: String,
    /// What the backup was taken for (`sync`, `restore`).
    pub reason: String,
    /// The questions that were about to be written.
    pub changed_question_ids: Vec<String>,
    /// Every question of the workload with its notes as they were.
    pub questions: Vec<BackupQuestion>,
}

impl Backup {
    pub fn of(snapshot: &WorkloadSnapshot, reason: &str, changed: Vec<String>) -> Backup {
        Backup {
            format: BACKUP_FORMAT.to_string(),
            workload_arn: snapshot.workload_arn.clone(),
            workload_name: snapshot.name.clone(),
            lens_alias: snapshot.lens_alias.clone(),
            lens_version: snapshot.lens_version.clone(),
            created_at: rfc3339(now_secs()),
            wa_sync_version: crate::VERSION.to_string(),
            reason: reason.to_string(),
            changed_question_ids: changed,
            questions: snapshot
                .questions
                .iter()
                .map(|q| BackupQuestion {
                    question_id: q.question_id.clone(),
                    pillar_id: q.pillar_id.clone(),
                    title: q.title.clone(),
                    notes: q.notes.clone(),
                })
                .collect(),
        }
    }

    /// Writes the backup as a new file in `dir` and fsyncs it (and the directory).
    pub fn write_to(&self, dir: &Path) -> Result<PathBuf> {
        let what = |p: &Path| format!("writing the backup {}", p.display());
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::io(
                format!(
                    "creating the backup directory {} (choose another with --backup-dir)",
                    dir.display()
                ),
                e,
            )
        })?;
        let workload_id = self.workload_arn.rsplit('/').next().unwrap_or("workload");
        let stamp: String = self
            .created_at
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let text = serde_json::to_vec_pretty(self).expect("backups serialise");
        for n in 0..1000 {
            let suffix = if n == 0 {
                String::new()
            } else {
                format!("-{n}")
            };
            let path = dir.join(format!("wa-sync-backup-{workload_id}-{stamp}{suffix}.json"));
            let mut file = match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => file,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(what(&path), e)),
            };
            file.write_all(&text)
                .and_then(|()| file.write_all(b"\n"))
                .and_then(|()| file.sync_all())
                .map_err(|e| Error::io(what(&path), e))?;
            #[cfg(unix)]
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
            return Ok(path);
        }
        Err(Error::Io(format!(
            "could not find a free backup file name in {}",
            dir.display()
        )))
    }

    pub fn read(path: &Path) -> Result<Backup> {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::io(format!("reading the backup {}", path.display()), e))?;
        let backup: Backup = serde_json::from_slice(&bytes).map_err(|e| {
            Error::bad_input(format!("{} is not a wa-sync backup: {e}", path.display()))
        })?;
        if backup.format != BACKUP_FORMAT {
            return Err(Error::bad_input(format!(
                "{} has backup format {:?}; this wa-sync reads {BACKUP_FORMAT:?}",
                path.display(),
                backup.format
            )));
        }
        Ok(backup)
    }
}

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

/// What `sync` does besides the plan.
#[derive(Clone, Debug)]
pub struct SyncOptions {
    /// `None`: [`default_backup_dir`].
    pub backup_dir: Option<PathBuf>,
    /// Plan and report, write nothing (no backup either).
    pub dry_run: bool,
    /// Concurrent writes (at least 1).
    pub concurrency: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            backup_dir: None,
            dry_run: false,
            concurrency: DEFAULT_CONCURRENCY,
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

/// Backs up, then writes every question whose status is `would-change`. Returns the report with
/// statuses `written`/`failed`/`unchanged` and the backup's path. `Err` only when nothing was
/// written (bad plan, backup failed); per-question failures are in the report.
pub async fn sync(
    workload: &Workload,
    snapshot: &WorkloadSnapshot,
    mut report: PreviewReport,
    options: &SyncOptions,
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
    let to_write: Vec<usize> = report
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| q.status == QuestionStatus::WouldChange && q.notes.is_some())
        .map(|(i, _)| i)
        .collect();
    if options.dry_run || to_write.is_empty() {
        return Ok(report);
    }
    let changed = to_write
        .iter()
        .map(|&i| report.questions[i].question_id.clone())
        .collect();
    let dir = match &options.backup_dir {
        Some(dir) => dir.clone(),
        None => default_backup_dir()?,
    };
    let path = Backup::of(snapshot, "sync", changed).write_to(&dir)?;
    report.backup = Some(path.display().to_string());

    let writes: Vec<(usize, String, String)> = to_write
        .iter()
        .map(|&i| {
            let q = &report.questions[i];
            (
                i,
                q.question_id.clone(),
                q.notes.clone().unwrap_or_default(),
            )
        })
        .collect();
    let results = write_all(workload, writes, options.concurrency, progress).await;
    for (i, result) in results {
        let q = &mut report.questions[i];
        match result {
            Ok(()) => q.status = QuestionStatus::Written,
            Err(e) => {
                q.status = QuestionStatus::Failed;
                q.error = Some(e.to_string());
            }
        }
    }
    Ok(report)
}

/// Writes `(key, question ID, notes)` with bounded concurrency; one result per write.
async fn write_all(
    workload: &Workload,
    writes: Vec<(usize, String, String)>,
    concurrency: usize,
    progress: &dyn SyncProgress,
) -> Vec<(usize, Result<()>)> {
    let total = writes.len();
    let done = AtomicUsize::new(0);
    futures::stream::iter(writes)
        .map(|(key, question_id, notes)| {
            let done = &done;
            async move {
                let result = workload.update_notes(&question_id, &notes).await;
                let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                progress.question_done(n, total, &question_id, result.is_ok());
                (key, result)
            }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await
}

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
        self.questions
            .iter()
            .filter(|q| q.status == RestoreStatus::Failed)
            .collect()
    }
}

/// Writes the backup's notes back, byte for byte, to the questions whose notes differ now.
/// Refuses a backup of another workload. The notes it replaces are backed up first.
pub async fn restore(
    workload: &Workload,
    backup: &Backup,
    backup_path: &Path,
    options: &SyncOptions,
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
    let mut questions = Vec::new();
    let mut writes = Vec::new();
    for (i, q) in backup.questions.iter().enumerate() {
        let current = snapshot
            .questions
            .iter()
            .find(|c| c.question_id == q.question_id);
        let (status, error) = match current {
            None => (
                RestoreStatus::Failed,
                Some("the workload no longer has this question (lens upgraded?)".to_string()),
            ),
            Some(c) if c.notes == q.notes => (RestoreStatus::Unchanged, None),
            Some(_) => {
                writes.push((i, q.question_id.clone(), q.notes.clone()));
                (RestoreStatus::WouldChange, None)
            }
        };
        questions.push(RestoreQuestion {
            question_id: q.question_id.clone(),
            status,
            error,
        });
    }
    let mut report = RestoreReport {
        workload_arn: backup.workload_arn.clone(),
        restored_from: backup_path.display().to_string(),
        backup: None,
        questions,
    };
    if options.dry_run || writes.is_empty() {
        return Ok(report);
    }
    let dir = match &options.backup_dir {
        Some(dir) => dir.clone(),
        None => default_backup_dir()?,
    };
    let changed = writes.iter().map(|(_, id, _)| id.clone()).collect();
    let path = Backup::of(&snapshot, "restore", changed).write_to(&dir)?;
    report.backup = Some(path.display().to_string());
    for (i, result) in write_all(workload, writes, options.concurrency, progress).await {
        let q = &mut report.questions[i];
        match result {
            Ok(()) => q.status = RestoreStatus::Written,
            Err(e) => {
                q.status = RestoreStatus::Failed;
                q.error = Some(e.to_string());
            }
        }
    }
    Ok(report)
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Unix seconds → `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wellarchitected::demo::{self, DemoWorkload};

    #[test]
    fn formats_times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[tokio::test]
    async fn demo_sync_backs_up_then_restore_puts_back_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let workload = Workload::Demo(DemoWorkload::open(dir.path().join("demo.json")));
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
        let options = SyncOptions {
            backup_dir: Some(dir.path().join("backups")),
            ..SyncOptions::default()
        };
        let report = sync(&workload, &before, report, &options, &NoSyncProgress)
            .await
            .unwrap();
        let written = report
            .questions
            .iter()
            .filter(|q| q.status == QuestionStatus::Written)
            .count();
        assert!(written > 0);
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

        let restored = restore(&workload, &backup, &backup_path, &options, &NoSyncProgress)
            .await
            .unwrap();
        assert!(restored.failed().is_empty());
        assert_eq!(workload.snapshot().await.unwrap(), before);

        let mut other = backup.clone();
        other.workload_arn = demo::DEMO_WORKLOAD_ARN.replace("000000000000:", "111111111111:");
        let err = restore(&workload, &other, &backup_path, &options, &NoSyncProgress)
            .await
            .unwrap_err();
        assert!(err.is_bad_input());
    }
}
