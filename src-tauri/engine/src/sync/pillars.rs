//! Pillar notes (opt-in): each pillar of the lens review gets a short summary of its questions
//! in its notes, placed as a question's block is, written the same careful way: read just
//! before the write and left alone, as `changed`, when someone edited it since it was read.
//!
//! A pillar without counted checks is not covered and its notes are left as they are, as for a
//! question. Pillars are written one at a time after the questions: six at most, and each is
//! compared by reading the lens review (GetLensReview) right before its UpdateLensReview.

use super::writer::WriteOutcome;
use crate::checks::RiskLevel;
use crate::notes::pillar::{self, PillarSummary};
use crate::notes::NotesMode;
use crate::preview::{PillarReport, PreviewReport, QuestionStatus};
use crate::wellarchitected::{PillarNotes, Workload};
use crate::Result;
use std::collections::HashMap;
use tokio_util::sync::CancellationToken;

/// Rules a pillar summary names at most.
pub const RISKIEST_RULES: usize = 5;

/// One pillar to write.
pub(crate) struct PillarWrite {
    /// The caller's index for the result.
    pub key: usize,
    pub pillar_id: String,
    /// The notes read before: written only if the pillar still has them.
    pub expected: String,
    pub notes: String,
}

/// What the pillar's block says, from the report's questions of that pillar.
pub fn summary(report: &PreviewReport, pillar: &PillarReport) -> PillarSummary {
    let questions = report
        .questions
        .iter()
        .filter(|q| q.pillar_id == pillar.pillar_id && q.status != QuestionStatus::NotCovered);
    let mut rules: HashMap<&str, (Option<RiskLevel>, u64)> = HashMap::new();
    let mut questions_with_failures = Vec::new();
    for q in questions {
        if q.failures > 0 {
            questions_with_failures.push(q.number.clone());
        }
        for rule in q.rules.iter().filter(|r| r.failures > 0) {
            // A rule mapped to several questions of the pillar counts the same checks for each.
            let entry = rules.entry(&rule.rule_id).or_insert((rule.risk_level, 0));
            entry.1 = entry.1.max(rule.failures);
        }
    }
    let mut ranked: Vec<(&str, Option<RiskLevel>, u64)> = rules
        .into_iter()
        .map(|(id, (risk, f))| (id, risk, f))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    let riskiest_rules = ranked
        .into_iter()
        .take(RISKIEST_RULES)
        .map(|(id, risk, failures)| match risk {
            Some(risk) => format!("{id} ({}, {failures})", risk.label()),
            None => format!("{id} ({failures})"),
        })
        .collect();
    PillarSummary {
        tally: pillar.by_risk,
        questions_with_failures,
        riskiest_rules,
    }
}

/// Fills each covered pillar of `report` with the notes it would get next to `current` (the
/// lens review's pillar notes as read): `notes`, `current_notes` and `notes_status`
/// (`unchanged`, `would-change`, or `failed` with the reason when the block cannot fit).
pub fn plan(report: &mut PreviewReport, current: &[PillarNotes], mode: NotesMode) {
    for i in 0..report.pillars.len() {
        let Some(now) = current
            .iter()
            .find(|p| p.pillar_id == report.pillars[i].pillar_id)
        else {
            continue;
        };
        let summary = summary(report, &report.pillars[i]);
        let pillar = &mut report.pillars[i];
        pillar.current_notes = Some(now.notes.clone());
        match pillar::place(&now.notes, &summary, mode) {
            Ok(notes) => {
                pillar.notes_status = Some(if notes == now.notes {
                    QuestionStatus::Unchanged
                } else {
                    QuestionStatus::WouldChange
                });
                pillar.notes = Some(notes);
            }
            Err(no_room) => {
                pillar.notes_status = Some(QuestionStatus::Failed);
                pillar.notes_error = Some(no_room.to_string());
            }
        }
    }
}

/// Reads the lens review's pillar notes and [`plan`]s them into `report`; what was read, for the
/// backup.
pub async fn read_and_plan(
    workload: &Workload,
    report: &mut PreviewReport,
    mode: NotesMode,
) -> Result<Vec<PillarNotes>> {
    let current = workload.pillar_notes().await?;
    plan(report, &current, mode);
    Ok(current)
}

/// The writes a planned report asks for.
pub(crate) fn writes(report: &PreviewReport) -> Vec<PillarWrite> {
    report
        .pillars
        .iter()
        .enumerate()
        .filter(|(_, p)| p.notes_status == Some(QuestionStatus::WouldChange))
        .filter_map(|(key, p)| {
            Some(PillarWrite {
                key,
                pillar_id: p.pillar_id.clone(),
                expected: p.current_notes.clone()?,
                notes: p.notes.clone()?,
            })
        })
        .collect()
}

/// Compares and writes each pillar in turn; one outcome per write, by key.
pub(crate) async fn write_all(
    workload: &Workload,
    writes: Vec<PillarWrite>,
    cancel: &CancellationToken,
) -> Vec<(usize, WriteOutcome)> {
    let mut outcomes = Vec::with_capacity(writes.len());
    for write in writes {
        let outcome = if cancel.is_cancelled() {
            WriteOutcome::NotWritten
        } else {
            match compare_and_write(workload, &write).await {
                Ok(outcome) => outcome,
                Err(e) => WriteOutcome::Failed(e),
            }
        };
        outcomes.push((write.key, outcome));
    }
    outcomes
}

async fn compare_and_write(workload: &Workload, write: &PillarWrite) -> Result<WriteOutcome> {
    let now = workload.pillar_notes().await?;
    let still = now
        .iter()
        .find(|p| p.pillar_id == write.pillar_id)
        .is_some_and(|p| p.notes == write.expected);
    if !still {
        return Ok(WriteOutcome::Changed);
    }
    workload
        .update_pillar_notes(&write.pillar_id, &write.notes)
        .await?;
    Ok(WriteOutcome::Written)
}

/// Records the outcomes in the report's pillars.
pub(crate) fn record(report: &mut PreviewReport, outcomes: Vec<(usize, WriteOutcome)>) {
    for (key, outcome) in outcomes {
        let p = &mut report.pillars[key];
        p.notes_status = Some(match outcome {
            WriteOutcome::Written => QuestionStatus::Written,
            WriteOutcome::Changed => {
                p.notes_error = Some(
                    "the pillar's notes were edited after the preview read them, so they were \
                     not written; preview again"
                        .to_string(),
                );
                QuestionStatus::Changed
            }
            WriteOutcome::NotWritten => QuestionStatus::NotWritten,
            WriteOutcome::Failed(e) => {
                p.notes_error = Some(e.to_string());
                QuestionStatus::Failed
            }
        });
    }
}
