//! What every sync counted, kept locally: one small JSON file per sync, in the `history` folder
//! next to the backups, so `wa-sync history`, the app's score charts and the reports' "since the
//! last sync" column can compare a run with the ones before it.

use crate::preview::PreviewReport;
use crate::summary::Tally;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One pillar's figures at one sync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct PillarFigures {
    pub pillar_id: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub successes: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub failures: u64,
    pub by_risk: Tally,
}

/// One question's figures at one sync, with each rule's counted failures (to tell new failures
/// from fixed ones next time).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct QuestionFigures {
    pub question_id: String,
    pub pillar_id: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub successes: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub failures: u64,
    #[cfg_attr(feature = "ts", ts(type = "Record<string, number>"))]
    pub failures_by_rule: BTreeMap<String, u64>,
}

/// One sync, as the history keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct Record {
    /// The plan target's name; `None` for a sync run without a plan.
    pub target: Option<String>,
    pub workload_arn: String,
    pub account_ids: Vec<String>,
    pub filter_tags: Vec<String>,
    /// RFC 3339, UTC.
    pub synced_at: String,
    /// `done` or `partly-done`.
    pub outcome: String,
    pub pillars: Vec<PillarFigures>,
    pub questions: Vec<QuestionFigures>,
    pub backup: Option<String>,
}

/// A question's change since the previous sync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct SinceLast {
    pub question_id: String,
    /// Counted failures now that were not there before (per rule, those above its old count).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub new_failures: u64,
    /// Counted failures before that are gone now.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub fixed_failures: u64,
}

/// The history folder for a backup folder.
pub fn dir_for(backup_dir: &Path) -> PathBuf {
    backup_dir.join("history")
}

/// The record of a finished sync.
pub fn record(report: &PreviewReport, target: Option<&str>) -> Record {
    let _ = (report, target);
    todo!("history record")
}

/// Saves `record` as a new file in `dir`; returns its path.
pub fn save(dir: &Path, record: &Record) -> crate::Result<PathBuf> {
    let _ = (dir, record);
    todo!("history save")
}

/// The records of one target (or, with `target: None`, of one workload ARN), oldest first.
pub fn list(
    dir: &Path,
    target: Option<&str>,
    workload_arn: Option<&str>,
) -> crate::Result<Vec<Record>> {
    let _ = (dir, target, workload_arn);
    todo!("history list")
}

/// Per question, what changed between `previous` and `now`.
pub fn since(previous: &Record, now: &PreviewReport) -> Vec<SinceLast> {
    let _ = (previous, now);
    todo!("history since")
}
