//! The use cases both faces run, so neither the CLI nor the app orchestrates the engine itself:
//! each parses its input, calls one of these, and presents the result.
//!
//! Running a sync plan's targets together ([`plan`]).
//!
//! Opening what the work reads from ([`source`]: a check source from configuration, counts,
//! accounts, the external ID), exporting a report ([`export`]), the IAM role ([`iam`]), and the
//! sync flow:
//! - [`preview`]: the checks and the workload's notes, read at the same time, into one report.
//! - [`push`]: back up, then compare and write the chosen questions; cancellable.
//! - [`retry`]: preview again, then push only what failed or was not written, keeping the rest
//!   of the previous result.
//! - [`restore`] and [`restore_plan`]: put back what a sync wrote, or say what that would do.
//!
//! Progress goes through the engine's callback traits ([`Progress`] for checks,
//! [`SyncProgress`] for writes); cancellation through one token type, [`Cancel`].

pub mod export;
pub mod iam;
pub mod plan;
pub mod source;
pub mod workload;

/// The workloads the credentials see, to choose one from.
pub use crate::wellarchitected::list::{list_workloads, WorkloadSummary, WorkloadsSeen};
pub use export::{ExportFormat, Exported};
pub use source::{ApiConfig, Endpoint, Keys, OpenedSource, SourceConfig, SystemKeys};
pub use workload::WorkloadTarget;

use crate::checks::{Progress, TagFilter};
use crate::mapping::Mapping;
use crate::notes::NotesMode;
use crate::preview::{self, Collected, PreviewReport, QuestionStatus, Source};
use crate::sync::{self, Backup, RestoreReport, RestoreStatus, SyncOptions, SyncProgress};
use crate::wellarchitected::{Workload, WorkloadSnapshot};
use crate::Error;
use std::collections::HashSet;
use std::future::Future;
use std::ops::Deref;
use std::path::Path;

/// Cancels a push or restore: new writes stop, those in flight finish, the result says which
/// questions were written.
pub use tokio_util::sync::CancellationToken as Cancel;

/// A workload the caller keeps (the app's demo) or one opened for this run.
pub enum WorkloadHandle<'a> {
    Borrowed(&'a Workload),
    Owned(Box<Workload>),
}

impl Deref for WorkloadHandle<'_> {
    type Target = Workload;
    fn deref(&self) -> &Workload {
        match self {
            WorkloadHandle::Borrowed(w) => w,
            WorkloadHandle::Owned(w) => w,
        }
    }
}

impl From<Workload> for WorkloadHandle<'_> {
    fn from(workload: Workload) -> Self {
        WorkloadHandle::Owned(Box::new(workload))
    }
}

/// What a preview needs besides the workload.
pub struct PreviewInput<'a> {
    pub source: &'a Source<'a>,
    pub account_id: Option<&'a str>,
    pub tags: &'a TagFilter,
    pub mapping: &'a Mapping,
    pub mode: NotesMode,
}

/// A preview, with what a push of it needs: the counted checks and the workload as it was read.
pub struct Previewed<'w> {
    pub report: PreviewReport,
    pub collected: Collected,
    pub workload: Option<(WorkloadHandle<'w>, WorkloadSnapshot)>,
}

/// The checks of several accounts counted together (`wa-sync preview --account-id A
/// --account-id B`), each account's under its own rule settings.
pub struct AccountsPreviewInput<'a> {
    /// One per account, fetched concurrently (their clients' limiters bound the requests).
    pub sources: &'a [Source<'a>],
    /// The accounts the report names (empty for saved files).
    pub account_ids: &'a [String],
    pub tags: &'a TagFilter,
    pub mapping: &'a Mapping,
    pub mode: NotesMode,
}

/// Reads the checks and, when `read_workload` is given, the workload's notes at the same time
/// (that future opens the workload, assuming a role, and reads it: see [`read`]); then
/// computes every question's new notes.
pub async fn preview<'w, E, F>(
    input: PreviewInput<'_>,
    read_workload: Option<F>,
    progress: &dyn Progress,
) -> Result<Previewed<'w>, E>
where
    E: From<Error>,
    F: Future<Output = Result<(WorkloadHandle<'w>, WorkloadSnapshot), E>>,
{
    let account_ids: Vec<String> = input.account_id.into_iter().map(str::to_string).collect();
    let input = AccountsPreviewInput {
        sources: std::slice::from_ref(input.source),
        account_ids: &account_ids,
        tags: input.tags,
        mapping: input.mapping,
        mode: input.mode,
    };
    preview_accounts(input, read_workload, progress).await
}

/// [`preview`] of several accounts' checks counted together.
pub async fn preview_accounts<'w, E, F>(
    input: AccountsPreviewInput<'_>,
    read_workload: Option<F>,
    progress: &dyn Progress,
) -> Result<Previewed<'w>, E>
where
    E: From<Error>,
    F: Future<Output = Result<(WorkloadHandle<'w>, WorkloadSnapshot), E>>,
{
    let read_workload = async {
        match read_workload {
            Some(read) => Ok::<_, E>(Some(read.await?)),
            None => Ok(None),
        }
    };
    // Boxed: both futures are large, and a caller's stack (a debug build's tokio worker) is not.
    let read_workload = Box::pin(read_workload);
    let read_checks = Box::pin(async {
        let summed = SummedProgress::new(progress, input.sources.len());
        let each = input.sources.iter().enumerate().map(|(i, source)| {
            let progress = summed.part(i);
            async move { preview::collect(source, input.tags, input.mapping, &progress).await }
        });
        let mut parts = futures::future::try_join_all(each).await.map_err(E::from)?;
        Ok(match parts.len() {
            1 => parts.remove(0),
            _ => Collected::merge(input.mapping, parts),
        })
    });
    let (collected, workload) = futures::try_join!(read_checks, read_workload)?;
    let current = workload.as_ref().map(|(_, s)| s.current_notes());
    let report = preview::report_for_accounts(
        input.account_ids,
        input.tags,
        input.mapping,
        &collected,
        current.as_ref(),
        input.mode,
    );
    Ok(Previewed {
        report,
        collected,
        workload,
    })
}

/// Several sources' fetching progress as one: the sums of what each has fetched and expects.
struct SummedProgress<'p> {
    progress: &'p dyn Progress,
    counts: std::sync::Mutex<Vec<(u64, u64)>>,
}

impl<'p> SummedProgress<'p> {
    fn new(progress: &'p dyn Progress, parts: usize) -> Self {
        SummedProgress {
            progress,
            counts: std::sync::Mutex::new(vec![(0, 0); parts]),
        }
    }

    fn part(&self, index: usize) -> PartProgress<'_, 'p> {
        PartProgress { sum: self, index }
    }
}

/// One source's share of a [`SummedProgress`].
struct PartProgress<'s, 'p> {
    sum: &'s SummedProgress<'p>,
    index: usize,
}

impl Progress for PartProgress<'_, '_> {
    fn checks_fetched(&self, fetched: u64, total: u64) {
        let (fetched, total) = {
            let mut counts = self
                .sum
                .counts
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            counts[self.index] = (fetched, total);
            counts
                .iter()
                .fold((0, 0), |(f, t), (pf, pt)| (f + pf, t + pt))
        };
        self.sum.progress.checks_fetched(fetched, total);
    }
}

/// A workload with its notes as they are now: what [`preview`]'s `read_workload` gives.
pub async fn read(
    workload: WorkloadHandle<'_>,
) -> crate::Result<(WorkloadHandle<'_>, WorkloadSnapshot)> {
    let snapshot = workload.snapshot().await?;
    Ok((workload, snapshot))
}

/// Backs up and writes the previewed questions that `write` picks (by question ID) and that
/// would change; the others are left as they are. Cancelling stops new writes.
pub async fn push(
    previewed: &Previewed<'_>,
    write: impl Fn(&str) -> bool,
    options: &SyncOptions,
    cancel: &Cancel,
    progress: &dyn SyncProgress,
) -> crate::Result<PreviewReport> {
    let Some((workload, snapshot)) = &previewed.workload else {
        return Err(Error::bad_input(
            "a push needs a preview against the workload; give the workload and preview again",
        ));
    };
    let mut plan = previewed.report.clone();
    for q in &mut plan.questions {
        if !write(&q.question_id) {
            q.notes = None;
        }
    }
    let mut report = Box::pin(sync::sync(
        workload, snapshot, plan, options, cancel, progress,
    ))
    .await?;
    if !options.dry_run {
        keep_history(&mut report, options);
    }
    Ok(report)
}

/// Records a real sync's figures in the history. The notes are written by now, so a failure
/// here is a warning on the report, never a failed sync.
fn keep_history(report: &mut PreviewReport, options: &SyncOptions) {
    let saved = options
        .backup_dir
        .clone()
        .map_or_else(crate::paths::default_backup_dir, Ok)
        .and_then(|dir| {
            let record = crate::history::record(report, options.target.as_deref());
            crate::history::save(&crate::history::dir_for(&dir), &record)
        });
    if let Err(e) = saved {
        tracing::warn!(error = %e, "sync history not saved");
        report.warnings.push(format!(
            "the sync's figures were not kept in the history ({e}); the notes were written as reported"
        ));
    }
}

/// The questions a retry of `result` writes: those that failed or were not written.
pub fn to_retry(result: &PreviewReport) -> HashSet<String> {
    result
        .questions
        .iter()
        .filter(|q| {
            matches!(
                q.status,
                QuestionStatus::Failed | QuestionStatus::NotWritten
            )
        })
        .map(|q| q.question_id.clone())
        .collect()
}

/// Pushes again, from a new preview, only what failed or was not written in `previous`; the
/// result is `previous` with those questions' new outcomes.
pub async fn retry(
    previous: &PreviewReport,
    previewed: &Previewed<'_>,
    options: &SyncOptions,
    cancel: &Cancel,
    progress: &dyn SyncProgress,
) -> crate::Result<PreviewReport> {
    let retried = to_retry(previous);
    if retried.is_empty() {
        return Err(Error::bad_input(
            "every question of the last push was written or left on purpose: nothing to retry",
        ));
    }
    let mut result = push(
        previewed,
        |id| retried.contains(id),
        options,
        cancel,
        progress,
    )
    .await?;
    for q in &mut result.questions {
        if retried.contains(&q.question_id) {
            continue;
        }
        if let Some(before) = previous
            .questions
            .iter()
            .find(|p| p.question_id == q.question_id)
        {
            *q = before.clone();
        }
    }
    Ok(result)
}

/// Puts back what the sync that made `backup` wrote (see [`sync::restore`]).
pub async fn restore(
    workload: &Workload,
    backup: &Backup,
    backup_path: &Path,
    options: &SyncOptions,
    cancel: &Cancel,
    progress: &dyn SyncProgress,
) -> crate::Result<RestoreReport> {
    sync::restore(workload, backup, backup_path, options, cancel, progress).await
}

/// One question a restore would put back.
pub struct RestoreChange {
    pub question_id: String,
    pub title: String,
    pub notes_now: String,
    pub notes_restored: String,
}

/// What a restore would do, writing nothing: the questions it would put back (with their notes
/// now and after), and the report (which names those it would keep as they are).
pub async fn restore_plan(
    workload: &Workload,
    backup: &Backup,
    backup_path: &Path,
    force: bool,
) -> crate::Result<(Vec<RestoreChange>, RestoreReport)> {
    let options = SyncOptions {
        dry_run: true,
        force,
        ..SyncOptions::default()
    };
    let report = sync::restore(
        workload,
        backup,
        backup_path,
        &options,
        &Cancel::new(),
        &sync::NoSyncProgress,
    )
    .await?;
    let snapshot = workload.snapshot().await?;
    let changes = report
        .questions
        .iter()
        .filter(|q| q.status == RestoreStatus::WouldChange)
        .filter_map(|q| {
            let old = backup
                .questions
                .iter()
                .find(|b| b.question_id == q.question_id)?;
            let now = snapshot
                .questions
                .iter()
                .find(|c| c.question_id == q.question_id)?;
            Some(RestoreChange {
                question_id: q.question_id.clone(),
                title: old.title.clone(),
                notes_now: now.notes.clone(),
                notes_restored: old.notes.clone(),
            })
        })
        .collect();
    Ok((changes, report))
}
