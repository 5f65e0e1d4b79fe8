//! What every sync counted, kept locally: one small JSON file per sync, in the `history` folder
//! next to the backups, so `wa-sync history`, the app's score charts and the reports' "since the
//! last sync" column can compare a run with the ones before it.

#[cfg(test)]
mod tests;

use crate::preview::{PreviewReport, QuestionReport, QuestionStatus};
use crate::summary::Tally;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The `format` of a history file; a reader skips files of another format.
pub const FORMAT: &str = "wa-sync-history/1";

/// One pillar's figures at one sync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    let unfinished = report.questions.iter().any(|q| {
        matches!(
            q.status,
            QuestionStatus::Failed | QuestionStatus::Changed | QuestionStatus::NotWritten
        )
    });
    Record {
        target: target.map(str::to_string),
        workload_arn: report.workload_arn.clone().unwrap_or_default(),
        account_ids: report.account_ids.clone(),
        filter_tags: report.filter_tags.clone(),
        synced_at: crate::time::rfc3339_secs(now().as_secs()),
        outcome: if unfinished { "partly-done" } else { "done" }.to_string(),
        pillars: report
            .pillars
            .iter()
            .map(|p| PillarFigures {
                pillar_id: p.pillar_id.clone(),
                successes: p.successes,
                failures: p.failures,
                by_risk: p.by_risk,
            })
            .collect(),
        questions: report.questions.iter().map(question_figures).collect(),
        backup: report.backup.clone(),
    }
}

fn question_figures(q: &QuestionReport) -> QuestionFigures {
    QuestionFigures {
        question_id: q.question_id.clone(),
        pillar_id: q.pillar_id.clone(),
        successes: q.successes,
        failures: q.failures,
        failures_by_rule: failures_by_rule(q),
    }
}

/// Only rules with failures: the rest add nothing to "new" or "fixed", and keep files small.
fn failures_by_rule(q: &QuestionReport) -> BTreeMap<String, u64> {
    q.rules
        .iter()
        .filter(|r| r.failures > 0)
        .map(|r| (r.rule_id.clone(), r.failures))
        .collect()
}

fn now() -> std::time::Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// A history file: the record with its format, so a later wa-sync can tell what it reads.
#[derive(Serialize, Deserialize)]
struct File<R> {
    format: String,
    #[serde(flatten)]
    record: R,
}

/// Saves `record` as a new file in `dir`; returns its path.
///
/// Files are named by the time of saving to the nanosecond, then the target (or workload), so
/// a directory listing sorts them oldest first; a name already taken gets a counter, and the
/// file is created exclusively, so two syncs never overwrite each other's record.
pub fn save(dir: &Path, record: &Record) -> crate::Result<PathBuf> {
    let what = || format!("cannot save the sync's history in {}", dir.display());
    std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(what(), e))?;
    let file = File {
        format: FORMAT.to_string(),
        record,
    };
    let mut bytes = serde_json::to_vec_pretty(&file)
        .map_err(|e| crate::Error::Io(format!("{}: {e}", what())))?;
    bytes.push(b'\n');
    let elapsed = now();
    let stamp = format!(
        "{}.{:09}",
        crate::time::rfc3339_secs(elapsed.as_secs())
            .trim_end_matches('Z')
            .replace([':', '-'], ""),
        elapsed.subsec_nanos()
    );
    let subject = slug(record);
    for attempt in 0..1000u32 {
        let name = if attempt == 0 {
            format!("{stamp}Z-{subject}.json")
        } else {
            format!("{stamp}Z-{subject}-{attempt}.json")
        };
        let path = dir.join(name);
        match crate::atomic_file::write_new(&path, &bytes) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(crate::Error::io(what(), e)),
        }
    }
    Err(crate::Error::Io(format!(
        "{}: every name for this second is taken",
        what()
    )))
}

/// The target's name, or the workload's ID, as a file-name part.
fn slug(record: &Record) -> String {
    let raw = match &record.target {
        Some(name) => name.as_str(),
        None => record.workload_arn.rsplit('/').next().unwrap_or("workload"),
    };
    let cleaned: String = raw
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "workload".to_string()
    } else {
        cleaned
    }
}

/// The records of one target (or, with `target: None`, of one workload ARN), oldest first.
/// Both `None`: every record. A file that cannot be read is skipped with a warning, so one bad
/// file never hides the rest; a folder that does not exist yet has no records.
pub fn list(
    dir: &Path,
    target: Option<&str>,
    workload_arn: Option<&str>,
) -> crate::Result<Vec<Record>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(crate::Error::io(
                format!("cannot read the sync history in {}", dir.display()),
                e,
            ))
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "json")
                && !path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    paths.sort();
    let mut records = Vec::new();
    for path in paths {
        let Some(record) = read(&path) else { continue };
        let wanted = match (target, workload_arn) {
            (Some(name), _) => record.target.as_deref() == Some(name),
            (None, Some(arn)) => record.workload_arn == arn,
            (None, None) => true,
        };
        if wanted {
            records.push(record);
        }
    }
    Ok(records)
}

fn read(path: &Path) -> Option<Record> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "history file skipped: unreadable");
            return None;
        }
    };
    match serde_json::from_str::<File<Record>>(&text) {
        Ok(file) if file.format == FORMAT => Some(file.record),
        Ok(file) => {
            tracing::warn!(path = %path.display(), format = %file.format, "history file skipped: unknown format");
            None
        }
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "history file skipped: not a history record");
            None
        }
    }
}

/// The newest record of the same target (or, without one, of the same workload) as a sync.
pub fn previous(
    dir: &Path,
    target: Option<&str>,
    workload_arn: Option<&str>,
) -> crate::Result<Option<Record>> {
    if target.is_none() && workload_arn.is_none() {
        return Ok(None);
    }
    Ok(list(dir, target, workload_arn)?.pop())
}

/// Per question, what changed between `previous` and `now`.
pub fn since(previous: &Record, now: &PreviewReport) -> Vec<SinceLast> {
    let before: BTreeMap<&str, &BTreeMap<String, u64>> = previous
        .questions
        .iter()
        .map(|q| (q.question_id.as_str(), &q.failures_by_rule))
        .collect();
    let none = BTreeMap::new();
    now.questions
        .iter()
        .map(|q| {
            let old = before.get(q.question_id.as_str()).copied().unwrap_or(&none);
            let new = failures_by_rule(q);
            let mut new_failures = 0;
            let mut fixed_failures = 0;
            for (rule, &count) in &new {
                new_failures += count.saturating_sub(old.get(rule).copied().unwrap_or(0));
            }
            for (rule, &count) in old {
                fixed_failures += count.saturating_sub(new.get(rule).copied().unwrap_or(0));
            }
            SinceLast {
                question_id: q.question_id.clone(),
                new_failures,
                fixed_failures,
            }
        })
        .collect()
}
