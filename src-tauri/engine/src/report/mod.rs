//! Summary reports people hand to their review board: the whole picture of a preview or a sync
//! (every pillar, every question, every rule with counted checks, what was left out and why, the
//! questions no rule covers) in JSON, CSV, Markdown, HTML and PDF.
//!
//! A [`Report`] is built once from a [`PreviewReport`] and the [`Collected`] checks it came from,
//! then handed to a writer. Writers are pure functions of the report, so the same input always
//! gives the same bytes (the generation time is passed in).
//!
//! # JSON schema (`wa-sync/report/v1`)
//!
//! Field names are stable within a schema version; fields may be added, never renamed or removed.
//! Counts are integers, absent values are `null`, lists are always present (possibly empty).
//!
//! ```text
//! {
//!   "schema": "wa-sync/report/v1",
//!   "generator": "wa-sync 0.1.0",
//!   "generated_at": "2025-01-31T12:00:00Z",          // RFC 3339, UTC
//!   "account_id": "…" | null,                         // the account, when only one was counted
//!   "account_ids": ["…"],                             // every account counted together
//!   "workload_arn": "…" | null,                       // when a workload was read
//!   "lens": "wellarchitected", "lens_version": "2024-06-27",
//!   "mapping_reviewed": "2025-…",                     // the rule-to-question mapping's review date
//!   "filter_tags": ["Environment::production"],       // ORed tag filter; [] for none
//!   "backup": "…" | null,                             // the sync's backup file, if any
//!   "checks": {
//!     "fetched": n, "available": n, "counted": n, "requests": n,
//!     "left_out": {"disabled_rule": n, "suppressed": n, "excluded": n,
//!                  "not_scored": n, "unmapped_rule": n},
//!     "left_out_total": n
//!   },
//!   "totals": {                                       // each counted check once
//!     "successes": n, "failures": n, "by_risk": BY_RISK,
//!     "questions": 57, "questions_covered": n, "questions_not_covered": n,
//!     "questions_failing": n, "rules_counted": n, "rules_failing": n
//!   },
//!   "pillars": [{                                     // the six pillars, framework order
//!     "pillar_id": "security", "name": "Security",
//!     "successes": n, "failures": n, "by_risk": BY_RISK,   // each check once per pillar
//!     "questions": n, "questions_covered": n, "questions_failing": n
//!   }],
//!   "questions": [{                                   // every lens question, lens order
//!     "number": "SEC 3", "question_id": "permissions", "pillar_id": "security",
//!     "title": "How do you manage permissions …?",
//!     "covered": true,                                // false: no rule informs it
//!     "assessment": "failing" | "passing" | "no-checks" | "needs-human-answer",
//!     "status": "unchanged" | "would-change" | "written" | "failed" | "not-covered",
//!     "error": "…" | null,                            // why the notes were not written
//!     "successes": n, "failures": n, "by_risk": BY_RISK,
//!     "highest_failure_risk": RISK | null,
//!     "rules": [RULE],                                // rules with counted checks, review order
//!     "best_practices": [{                            // every best practice, lens order
//!       "id": "SEC08-BP02", "choice_id": "…", "title": "…",
//!       "rule_ids": ["…"], "failures": n,             // the question's counted rules for it
//!       "status": "failing" | "passing" | "no-evidence"
//!     }]
//!   }],
//!   "unmapped_rules": [{"rule_id": "…", "title": "…" | null, "checks": n,
//!                       "known": bool, "reason": "…"}],
//!   "warnings": ["…"],
//!   "since_last_sync": {"synced_at": "…", "outcome": "done" | "partly-done"}
//!                                                     // only when an earlier sync of the same
//!                                                     // target (or workload) is recorded; then
//!                                                     // each pillar also has
//!                                                     // "failures_since_last_sync": ±n and each
//!                                                     // question "since_last_sync":
//!                                                     // {"new_failures": n, "fixed_failures": n}
//! }
//! RULE    = {"rule_id": "S3-001", "title": "…" | null, "successes": n, "failures": n,
//!            "highest_failure_risk": RISK | null, "by_risk": BY_RISK,
//!            "knowledge_base_url": "https://…" | null,
//!            "failing_resources": [RESOURCE],          // the riskiest, at most 100
//!            "failing_resources_total": n}              // all counted failures
//! RESOURCE = {"resource": "…" | null, "resource_name": "…" | null, "region": "…" | null,
//!             "service": "…" | null, "risk_level": RISK, "message": "…" | null,
//!             "link": "https://…" | null}
//! BY_RISK = {"EXTREME": {"successes": n, "failures": n}, "VERY_HIGH": …, "HIGH": …,
//!            "MEDIUM": …, "LOW": …}
//! RISK    = "EXTREME" | "VERY_HIGH" | "HIGH" | "MEDIUM" | "LOW"
//! ```
//!
//! "Review order" is the notes' order: highest failing risk first, then most failures, then rule
//! ID; rules without failures last.

mod build;
mod csv;
mod html;
mod markdown;
mod pdf;
mod pdf_fonts;
mod pdf_metrics;

use crate::checks::RiskLevel;
use crate::mapping::lens::pillar_name;
use crate::preview::{BestPracticeEvidence, EvidenceStatus, QuestionStatus};
use crate::summary::{FailingResource, LeftOut, Tally};
use serde::Serialize;

pub use csv::to_csv;
pub use html::to_html;
pub use markdown::to_markdown;
pub use pdf::{to_pdf, to_pdf_with_warnings};

/// The JSON schema identifier written into every report.
pub const SCHEMA: &str = "wa-sync/report/v1";

/// The formats a report can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Markdown,
    Html,
    Pdf,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Json,
        Format::Csv,
        Format::Markdown,
        Format::Html,
        Format::Pdf,
    ];

    /// The usual file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Pdf => "pdf",
        }
    }

    /// The report in this format.
    pub fn render(self, report: &Report) -> Vec<u8> {
        self.render_with_warnings(report).bytes
    }

    /// The report in this format, with what could not be rendered as asked; to show to whoever
    /// exported it. Only the PDF has warnings: characters that no installed font has, which
    /// print as `?` (the PDF's summary says so too).
    pub fn render_with_warnings(self, report: &Report) -> Rendered {
        let started = std::time::Instant::now();
        let (bytes, warnings) = match self {
            Format::Json => (to_json(report).into_bytes(), Vec::new()),
            Format::Csv => (to_csv(report).into_bytes(), Vec::new()),
            Format::Markdown => (to_markdown(report).into_bytes(), Vec::new()),
            Format::Html => (to_html(report).into_bytes(), Vec::new()),
            Format::Pdf => to_pdf_with_warnings(report),
        };
        tracing::info!(
            format = self.extension(),
            bytes = bytes.len(),
            warnings = warnings.len(),
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "report rendered"
        );
        Rendered { bytes, warnings }
    }
}

/// A report rendered in one format.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    /// What could not be rendered as asked, in sentences; empty when all went well.
    pub warnings: Vec<String>,
}

/// What a question's counts say, for people: the one word a reviewer scans for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Assessment {
    /// At least one counted check failed.
    Failing,
    /// Counted checks, none failed.
    Passing,
    /// Rules inform the question, but no check of theirs was counted.
    NoChecks,
    /// No rule informs the question: a person has to answer it. Never shown as green.
    NeedsHumanAnswer,
}

impl Assessment {
    pub fn label(self) -> &'static str {
        match self {
            Assessment::Failing => "Failing",
            Assessment::Passing => "Passing",
            Assessment::NoChecks => "No checks",
            Assessment::NeedsHumanAnswer => "Needs a human answer",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub schema: String,
    pub generator: String,
    pub generated_at: String,
    pub account_id: Option<String>,
    /// Every account whose checks were counted together.
    pub account_ids: Vec<String>,
    pub workload_arn: Option<String>,
    pub lens: String,
    pub lens_version: String,
    pub mapping_reviewed: String,
    pub filter_tags: Vec<String>,
    pub backup: Option<String>,
    pub checks: CheckCounts,
    pub totals: Totals,
    pub pillars: Vec<PillarRow>,
    pub questions: Vec<QuestionRow>,
    pub unmapped_rules: Vec<UnmappedRow>,
    pub warnings: Vec<String>,
    /// The sync this report is compared with, when one is recorded ([`Report::compared_with`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_last_sync: Option<SinceLastSync>,
}

/// The earlier sync a report's "since the last sync" figures are counted from.
#[derive(Clone, Debug, Serialize)]
pub struct SinceLastSync {
    pub synced_at: String,
    pub outcome: String,
}

/// A question's failures new and fixed since the last sync (per rule: counted failures above or
/// below the rule's earlier count).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct QuestionChange {
    pub new_failures: u64,
    pub fixed_failures: u64,
}

impl QuestionChange {
    /// "+3 new, 5 fixed", or "no change".
    pub(crate) fn label(self) -> String {
        match (self.new_failures, self.fixed_failures) {
            (0, 0) => "no change".to_string(),
            (new, 0) => format!("+{} new", thousands(new)),
            (0, fixed) => format!("{} fixed", thousands(fixed)),
            (new, fixed) => format!("+{} new, {} fixed", thousands(new), thousands(fixed)),
        }
    }
}

/// A change in failures, signed: "+7", "-3", "0".
pub(crate) fn signed(change: i64) -> String {
    match change {
        0 => "0".to_string(),
        n if n > 0 => format!("+{}", thousands(n.unsigned_abs())),
        n => format!("-{}", thousands(n.unsigned_abs())),
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct CheckCounts {
    pub fetched: u64,
    pub available: u64,
    pub counted: u64,
    pub requests: u64,
    pub left_out: LeftOut,
    pub left_out_total: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Totals {
    pub successes: u64,
    pub failures: u64,
    pub by_risk: Tally,
    pub questions: usize,
    pub questions_covered: usize,
    pub questions_not_covered: usize,
    pub questions_failing: usize,
    pub rules_counted: usize,
    pub rules_failing: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct PillarRow {
    pub pillar_id: String,
    pub name: String,
    pub successes: u64,
    pub failures: u64,
    pub by_risk: Tally,
    pub questions: usize,
    pub questions_covered: usize,
    pub questions_failing: usize,
    /// Failures now minus failures at the last sync, when one is recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failures_since_last_sync: Option<i64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct QuestionRow {
    pub number: String,
    pub question_id: String,
    pub pillar_id: String,
    pub title: String,
    pub covered: bool,
    pub assessment: Assessment,
    pub status: QuestionStatus,
    pub error: Option<String>,
    pub successes: u64,
    pub failures: u64,
    pub by_risk: Tally,
    pub highest_failure_risk: Option<RiskLevel>,
    pub rules: Vec<RuleRow>,
    pub best_practices: Vec<BestPracticeEvidence>,
    /// New and fixed failures since the last sync, when one is recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_last_sync: Option<QuestionChange>,
}

impl QuestionRow {
    /// Rules with at least one failure, in review order.
    pub fn failing_rules(&self) -> impl Iterator<Item = &RuleRow> {
        self.rules.iter().filter(|r| r.failures > 0)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleRow {
    pub rule_id: String,
    pub title: Option<String>,
    pub successes: u64,
    pub failures: u64,
    pub highest_failure_risk: Option<RiskLevel>,
    pub by_risk: Tally,
    pub knowledge_base_url: Option<String>,
    pub failing_resources: Vec<FailingResource>,
    pub failing_resources_total: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct UnmappedRow {
    pub rule_id: String,
    pub title: Option<String>,
    pub checks: u64,
    pub known: bool,
    pub reason: String,
}

impl Report {
    /// Questions no rule covers: they need a human answer.
    pub fn not_covered(&self) -> impl Iterator<Item = &QuestionRow> {
        self.questions.iter().filter(|q| !q.covered)
    }

    /// "Environment::production, App::x" or "none".
    pub(crate) fn filter_text(&self) -> String {
        if self.filter_tags.is_empty() {
            "none (all checks)".to_string()
        } else {
            self.filter_tags.join(", ")
        }
    }

    /// The accounts counted, as titles and footers name them: "-" for none (saved files).
    pub(crate) fn accounts_text(&self, none: &str) -> String {
        if self.account_ids.is_empty() {
            none.to_string()
        } else {
            self.account_ids.join(", ")
        }
    }

    /// Label/value pairs for the title block of every human-readable format.
    pub(crate) fn facts(&self) -> Vec<(&'static str, String)> {
        let mut facts = vec![
            (
                if self.account_ids.len() > 1 {
                    "Accounts (counted together)"
                } else {
                    "Account"
                },
                self.accounts_text("-"),
            ),
            (
                "Workload",
                self.workload_arn
                    .clone()
                    .unwrap_or_else(|| "none (preview without a workload)".into()),
            ),
            (
                "Lens",
                format!("{} (version {})", self.lens, self.lens_version),
            ),
            (
                "Mapping reviewed",
                if self.mapping_reviewed.is_empty() {
                    "-".into()
                } else {
                    self.mapping_reviewed.clone()
                },
            ),
            ("Tag filter", self.filter_text()),
            (
                "Generated",
                format!("{} by {}", self.generated_at, self.generator),
            ),
        ];
        if let Some(backup) = &self.backup {
            facts.push(("Backup", backup.clone()));
        }
        if let Some(last) = &self.since_last_sync {
            facts.push((
                "Compared with",
                format!("the sync of {} ({})", last.synced_at, last.outcome),
            ));
        }
        facts
    }

    /// Reasons checks were left out, with their counts, in the order they are applied.
    pub(crate) fn left_out_rows(&self) -> [(&'static str, &'static str, u64); 5] {
        let l = &self.checks.left_out;
        [
            (
                "Unmapped rule",
                "the rule informs no question of the lens",
                l.unmapped_rule,
            ),
            (
                "Disabled rule",
                "the rule is turned off in the account's settings",
                l.disabled_rule,
            ),
            ("Suppressed", "suppressed in Conformity", l.suppressed),
            ("Excluded", "excluded in Conformity", l.excluded),
            (
                "Not scored",
                "Conformity does not score the check",
                l.not_scored,
            ),
        ]
    }
}

/// The report as pretty-printed JSON with a final newline (see the module docs for the schema).
pub fn to_json(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("reports serialise");
    text.push('\n');
    text
}

/// 25000 → "25,000".
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Share of successes, `74%`, or `-` without checks.
pub(crate) fn score(successes: u64, failures: u64) -> String {
    let total = successes + failures;
    if total == 0 {
        "-".into()
    } else {
        format!("{:.0}%", successes as f64 * 100.0 / total as f64)
    }
}

/// The notes' status as people read it.
pub(crate) fn status_label(q: &QuestionRow) -> String {
    let label = match q.status {
        QuestionStatus::Unchanged => "Unchanged",
        QuestionStatus::WouldChange => "Would change",
        QuestionStatus::Written => "Written",
        QuestionStatus::Failed => "Failed",
        QuestionStatus::NotCovered => "Not written",
        QuestionStatus::Changed => "Edited meanwhile: preview again",
        QuestionStatus::NotWritten => "Not written (cancelled)",
    };
    match &q.error {
        Some(error) => format!("{label}: {error}"),
        None => label.to_string(),
    }
}

/// A best practice's evidence as people read it.
pub(crate) fn evidence_label(status: EvidenceStatus) -> &'static str {
    match status {
        EvidenceStatus::Failing => "Failing",
        EvidenceStatus::Passing => "All passing",
        EvidenceStatus::NoEvidence => "No evidence",
    }
}

/// How many failing resources a rule shows in the HTML and Markdown reports (the JSON report has
/// every one kept), and in the PDF's appendix.
pub(crate) const RESOURCES_SHOWN: usize = 10;

/// `resource (region) · message`, for the reports that list failing resources as text.
pub(crate) fn resource_line(f: &FailingResource) -> (String, String) {
    let mut name = f.resource.clone().unwrap_or_else(|| "(no resource)".into());
    if let Some(region) = &f.region {
        name.push_str(&format!(" ({region})"));
    }
    (name, f.message.clone().unwrap_or_default())
}

impl QuestionRow {
    /// Best practices with evidence, then the IDs of those without.
    pub(crate) fn practices_split(&self) -> (Vec<&BestPracticeEvidence>, Vec<&str>) {
        let with = self
            .best_practices
            .iter()
            .filter(|p| p.status != EvidenceStatus::NoEvidence)
            .collect();
        let without = self
            .best_practices
            .iter()
            .filter(|p| p.status == EvidenceStatus::NoEvidence)
            .map(|p| p.id.as_str())
            .collect();
        (with, without)
    }
}

pub(crate) fn risk_label(risk: Option<RiskLevel>) -> &'static str {
    risk.map_or("-", RiskLevel::label)
}

pub(crate) fn pillar_label(pillar_id: &str) -> &str {
    pillar_name(pillar_id)
}

#[cfg(test)]
mod tests;
