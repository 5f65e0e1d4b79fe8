//! The whole path from a check source to every question's new notes, without writing anything:
//! what `wa-sync preview` prints and what the app shows before a push.

use crate::checks::{demo, Check, Progress, RiskLevel, RuleSettings, TagFilter};
use crate::conformity::{files, ConformityClient};
use crate::mapping::{BestPractices, Lens, Mapping, Question as LensQuestion};
use crate::notes::{self, NotesMode};
use crate::source::FetchStats;
use crate::summary::{
    Aggregator, FailingResource, LeftOut, QuestionSummary, RuleTally, Summary, Tally, UnmappedRule,
};
use crate::visionone::VisionOneClient;
pub use crate::wellarchitected::CurrentNotes;
use crate::Result;
use serde::Serialize;
use std::path::PathBuf;

/// Where the checks come from.
pub enum Source<'a> {
    Conformity {
        client: &'a ConformityClient,
        account_id: String,
    },
    /// Trend Vision One Cloud Posture; `account_id` is the Cloud Risk Management account ID.
    VisionOne {
        client: &'a VisionOneClient,
        account_id: String,
    },
    Files {
        checks: Vec<PathBuf>,
        rule_settings: Option<PathBuf>,
    },
    Demo,
}

/// The counted checks of one source.
#[derive(Clone)]
pub struct Collected {
    pub summary: Summary,
    pub stats: FetchStats,
}

impl Collected {
    /// Several accounts' counted checks as one (see [`Summary::merge`]).
    pub fn merge(mapping: &Mapping, parts: impl IntoIterator<Item = Collected>) -> Collected {
        let mut stats = FetchStats::default();
        let summaries: Vec<Summary> = parts
            .into_iter()
            .map(|part| {
                stats.fetched += part.stats.fetched;
                stats.available += part.stats.available;
                stats.requests += part.stats.requests;
                stats.splits += part.stats.splits;
                part.summary
            })
            .collect();
        Collected {
            summary: Summary::merge(mapping, summaries),
            stats,
        }
    }
}

/// A service that serves an account's checks and rule settings.
pub(crate) trait CheckApi {
    fn requests_sent(&self) -> u64;
    async fn rule_settings(&self, account_id: &str) -> Result<RuleSettings>;
    async fn count_checks(&self, account_id: &str, tags: &TagFilter) -> Result<u64>;
    async fn for_each_check(
        &self,
        account_id: &str,
        tags: &TagFilter,
        progress: &dyn Progress,
        on_check: &mut (dyn FnMut(&Check<'_>) + Send),
    ) -> Result<FetchStats>;
}

macro_rules! check_api {
    ($client:ty) => {
        impl CheckApi for $client {
            fn requests_sent(&self) -> u64 {
                <$client>::requests_sent(self)
            }
            async fn rule_settings(&self, account_id: &str) -> Result<RuleSettings> {
                <$client>::rule_settings(self, account_id).await
            }
            async fn count_checks(&self, account_id: &str, tags: &TagFilter) -> Result<u64> {
                <$client>::count_checks(self, account_id, tags).await
            }
            async fn for_each_check(
                &self,
                account_id: &str,
                tags: &TagFilter,
                progress: &dyn Progress,
                on_check: &mut (dyn FnMut(&Check<'_>) + Send),
            ) -> Result<FetchStats> {
                <$client>::for_each_check(self, account_id, tags, progress, on_check).await
            }
        }
    };
}

check_api!(ConformityClient);
check_api!(VisionOneClient);

/// How many checks a tag filter selects, beside how many the source has: what the tag
/// builder shows before a preview runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct TagMatchCount {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub matching: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: u64,
}

/// Counts the checks the tags select, and all of them, without reading more than needed: the
/// APIs are asked for their totals, files and the demo are counted locally.
pub async fn count_matching(source: &Source<'_>, tags: &TagFilter) -> Result<TagMatchCount> {
    match source {
        Source::Conformity { client, account_id } => {
            count_from_api(*client, account_id, tags).await
        }
        Source::VisionOne { client, account_id } => count_from_api(*client, account_id, tags).await,
        Source::Files { checks, .. } => {
            let (matching, total) = files::count_checks(checks, tags)?;
            Ok(TagMatchCount { matching, total })
        }
        Source::Demo => {
            let checks = demo::checks();
            Ok(TagMatchCount {
                matching: checks.iter().filter(|c| tags.matches(&c.tags)).count() as u64,
                total: checks.len() as u64,
            })
        }
    }
}

async fn count_from_api(
    api: &impl CheckApi,
    account_id: &str,
    tags: &TagFilter,
) -> Result<TagMatchCount> {
    let matching = api.count_checks(account_id, tags).await?;
    let total = if tags.is_empty() {
        matching
    } else {
        api.count_checks(account_id, &TagFilter::default()).await?
    };
    Ok(TagMatchCount { matching, total })
}

/// Reads the rule settings, then streams the checks into the counting, page by page.
pub async fn collect(
    source: &Source<'_>,
    tags: &TagFilter,
    mapping: &Mapping,
    progress: &dyn Progress,
) -> Result<Collected> {
    match source {
        Source::Conformity { client, account_id } => {
            collect_from_api(*client, account_id, tags, mapping, progress).await
        }
        Source::VisionOne { client, account_id } => {
            collect_from_api(*client, account_id, tags, mapping, progress).await
        }
        Source::Files {
            checks,
            rule_settings,
        } => {
            let settings = match rule_settings {
                Some(path) => files::read_rule_settings(path)?,
                None => RuleSettings::new(),
            };
            collect_offline(mapping, settings, progress, |aggregator| {
                files::for_each_check(checks, tags, &mut |check| aggregator.add(check))
            })
        }
        Source::Demo => collect_offline(mapping, demo::rule_settings(), progress, |aggregator| {
            let mut selected = 0;
            for check in demo::checks().iter().filter(|c| tags.matches(&c.tags)) {
                aggregator.add(&check.view());
                selected += 1;
            }
            Ok(selected)
        }),
    }
}

async fn collect_from_api(
    client: &impl CheckApi,
    account_id: &str,
    tags: &TagFilter,
    mapping: &Mapping,
    progress: &dyn Progress,
) -> Result<Collected> {
    let requests_before = client.requests_sent();
    let settings = client.rule_settings(account_id).await?;
    let mut aggregator = Aggregator::new(mapping, settings);
    let mut stats = client
        .for_each_check(account_id, tags, progress, &mut |check| {
            aggregator.add(check)
        })
        .await?;
    stats.requests = client.requests_sent() - requests_before;
    Ok(Collected {
        summary: aggregator.finish(),
        stats,
    })
}

/// Counts what `feed` gives the aggregator (returning how many checks it selected).
fn collect_offline(
    mapping: &Mapping,
    settings: RuleSettings,
    progress: &dyn Progress,
    feed: impl FnOnce(&mut Aggregator<'_>) -> Result<u64>,
) -> Result<Collected> {
    let mut aggregator = Aggregator::new(mapping, settings);
    let selected = feed(&mut aggregator)?;
    progress.checks_fetched(selected, selected);
    Ok(Collected {
        summary: aggregator.finish(),
        stats: FetchStats {
            fetched: selected,
            available: selected,
            ..FetchStats::default()
        },
    })
}

/// What happens, or happened, to one question's notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub enum QuestionStatus {
    Unchanged,
    WouldChange,
    Written,
    Failed,
    NotCovered,
    /// Edited by someone else after the preview read it, so not written: preview again.
    Changed,
    /// To be written, but the push was cancelled before it was.
    NotWritten,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct ChecksReport {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub fetched: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub counted: u64,
    pub left_out: LeftOut,
    /// How many checks the source said match (more than `fetched` only if some could not be read).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub available: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub requests: u64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct QuestionReport {
    pub question_id: String,
    pub pillar_id: String,
    pub number: String,
    pub title: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub successes: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub failures: u64,
    pub by_risk: Tally,
    pub rule_ids_to_review: Vec<String>,
    /// The exact text that is (or would be) written; `None` when nothing is written.
    pub notes: Option<String>,
    /// The notes the question has now, when a workload was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub current_notes: Option<String>,
    pub status: QuestionStatus,
    pub error: Option<String>,
    /// Every rule with counted checks for the question, in review order, with its evidence.
    pub rules: Vec<RuleEvidence>,
    /// Every best practice of the question, in lens order, with the rules that give evidence
    /// for it. Information for the reviewer: no choice is ever ticked or unticked.
    pub best_practices: Vec<BestPracticeEvidence>,
}

/// What the counted rules say about one best practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub enum EvidenceStatus {
    /// At least one counted failure among its rules.
    Failing,
    /// Its rules have counted checks, all passing.
    Passing,
    /// No rule with counted checks gives evidence for it.
    NoEvidence,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct BestPracticeEvidence {
    pub id: String,
    pub choice_id: String,
    pub title: String,
    /// The question's counted rules that give evidence for it, in review order.
    pub rule_ids: Vec<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub failures: u64,
    pub status: EvidenceStatus,
}

impl BestPracticeEvidence {
    /// Every best practice of `question`, with what its counted rules say.
    pub fn of_question(
        data: &BestPractices,
        question: &QuestionSummary,
    ) -> Vec<BestPracticeEvidence> {
        data.of_question(&question.question_id)
            .map(|practice| {
                let rules: Vec<&RuleTally> = question
                    .rules
                    .iter()
                    .filter(|r| data.of_rule(&r.rule_id).any(|p| p.id == practice.id))
                    .collect();
                let failures = rules.iter().map(|r| r.tally.failures()).sum();
                let status = match (rules.is_empty(), failures) {
                    (true, _) => EvidenceStatus::NoEvidence,
                    (false, 0) => EvidenceStatus::Passing,
                    (false, _) => EvidenceStatus::Failing,
                };
                BestPracticeEvidence {
                    id: practice.id.clone(),
                    choice_id: practice.choice_id.clone(),
                    title: practice.title.clone(),
                    rule_ids: rules.iter().map(|r| r.rule_id.clone()).collect(),
                    failures,
                    status,
                }
            })
            .collect()
    }
}

/// One rule of a question with what a reviewer acts on (docs/spec/cli-contract.md, "Evidence
/// per question").
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct RuleEvidence {
    pub rule_id: String,
    pub title: Option<String>,
    pub risk_level: Option<RiskLevel>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub successes: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub failures: u64,
    /// The riskiest failing checks, riskiest first (a bounded number of them).
    pub failing_resources: Vec<FailingResource>,
    /// How many counted failures the rule has, kept or not.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub failing_resources_total: u64,
    pub knowledge_base_url: Option<String>,
}

impl RuleEvidence {
    pub fn of(rule: &RuleTally) -> RuleEvidence {
        RuleEvidence {
            rule_id: rule.rule_id.clone(),
            title: rule.title.clone(),
            risk_level: rule.risk_level(),
            successes: rule.tally.successes(),
            failures: rule.tally.failures(),
            failing_resources: rule.failing_resources.clone(),
            failing_resources_total: rule.tally.failures(),
            knowledge_base_url: rule.knowledge_base_url.clone(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct PillarReport {
    pub pillar_id: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub successes: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub failures: u64,
    pub by_risk: Tally,
    /// With pillar notes (`--pillar-notes`): the pillar's notes in the lens review after the
    /// sync, as for a question (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub notes: Option<String>,
    /// The pillar's notes as they were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub current_notes: Option<String>,
    /// What became of the pillar's notes (`would-change`, `written`, `changed`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub notes_status: Option<QuestionStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub notes_error: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct PreviewReport {
    /// The account counted, when there is exactly one (else `None`: see `account_ids`).
    pub account_id: Option<String>,
    /// Every account whose checks were counted together (empty for saved files).
    pub account_ids: Vec<String>,
    pub workload_arn: Option<String>,
    pub filter_tags: Vec<String>,
    pub checks: ChecksReport,
    pub questions: Vec<QuestionReport>,
    pub pillars: Vec<PillarReport>,
    pub backup: Option<String>,
    pub lens: String,
    pub lens_version: String,
    /// The lens version the Well-Architected Tool reports for the workload, when one was read.
    pub workload_lens_version: Option<WorkloadLens>,
    pub mapping_reviewed: String,
    pub unmapped_rules: Vec<UnmappedRule>,
    pub warnings: Vec<String>,
    /// The milestone saved before the first write (`--milestone`): the review as it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub milestone: Option<crate::wellarchitected::MilestoneRef>,
}

/// The workload's lens version as the service reports it: information, since wa-sync goes by
/// the question IDs the workload actually has.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct WorkloadLens {
    pub version: String,
    /// The workload has exactly the questions of the lens data wa-sync ships.
    pub same_questions: bool,
    /// The lens data records this version as having those questions.
    pub recorded: bool,
}

/// How the workload's question IDs differ from the lens's (`missing …; extra, left untouched:
/// …`), or `None` when they are the same.
fn questions_differ(lens: &Lens, workload: &CurrentNotes) -> Option<String> {
    let mut missing: Vec<&str> = lens
        .questions
        .iter()
        .map(|q| q.question_id.as_str())
        .filter(|q| !workload.notes.contains_key(*q))
        .collect();
    let mut extra: Vec<&str> = workload
        .notes
        .keys()
        .filter(|q| lens.index_of(q).is_none())
        .map(String::as_str)
        .collect();
    missing.sort_unstable();
    extra.sort_unstable();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("missing {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        parts.push(format!("extra, left untouched: {}", extra.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// One question's new notes, status and evidence, against its current notes when a workload was
/// read.
fn question_report(
    q: &QuestionSummary,
    info: &LensQuestion,
    workload: Option<&CurrentNotes>,
    mode: NotesMode,
    best_practices: &BestPractices,
) -> QuestionReport {
    let rules: Vec<String> = q.rule_ids_to_review().map(str::to_string).collect();
    let current = workload.and_then(|w| w.notes.get(&q.question_id)).cloned();
    let (notes, status, error) = if !q.covered {
        (None, QuestionStatus::NotCovered, None)
    } else if workload.is_some() && current.is_none() {
        (
            None,
            QuestionStatus::Failed,
            Some("the workload does not have this question (another lens version?)".to_string()),
        )
    } else {
        match notes::place(current.as_deref().unwrap_or(""), &q.tally, &rules, mode) {
            Ok(text) if current.as_deref() == Some(text.as_str()) => {
                (Some(text), QuestionStatus::Unchanged, None)
            }
            Ok(text) => (Some(text), QuestionStatus::WouldChange, None),
            Err(no_room) => (None, QuestionStatus::Failed, Some(no_room.to_string())),
        }
    };
    QuestionReport {
        question_id: q.question_id.clone(),
        pillar_id: q.pillar_id.clone(),
        number: info.number.clone(),
        title: info.title.clone(),
        successes: q.tally.successes(),
        failures: q.tally.failures(),
        by_risk: q.tally,
        rule_ids_to_review: rules,
        notes,
        current_notes: current,
        status,
        error,
        rules: q.rules.iter().map(RuleEvidence::of).collect(),
        best_practices: BestPracticeEvidence::of_question(best_practices, q),
    }
}

/// Every question's new notes and status. Without a workload, covered questions would change.
pub fn report(
    account_id: Option<&str>,
    tags: &TagFilter,
    mapping: &Mapping,
    collected: &Collected,
    workload: Option<&CurrentNotes>,
    mode: NotesMode,
) -> PreviewReport {
    let account_ids: Vec<String> = account_id.into_iter().map(str::to_string).collect();
    report_for_accounts(&account_ids, tags, mapping, collected, workload, mode)
}

/// [`report`] for the checks of several accounts counted together.
pub fn report_for_accounts(
    account_ids: &[String],
    tags: &TagFilter,
    mapping: &Mapping,
    collected: &Collected,
    workload: Option<&CurrentNotes>,
    mode: NotesMode,
) -> PreviewReport {
    let lens = Lens::builtin();
    let best_practices = BestPractices::builtin();
    let summary = &collected.summary;
    let mut warnings = Vec::new();
    if collected.stats.fetched < collected.stats.available {
        warnings.push(format!(
            "only {} of {} checks could be read (the API's 10,000-result cap could not be split further); the counts are incomplete",
            collected.stats.fetched, collected.stats.available
        ));
    }
    if let Some(workload) = workload {
        if let Some(differ) = questions_differ(lens, workload) {
            warnings.push(format!(
                "the workload's lens version is {}, and its questions differ from those the mapping was reviewed for ({}): {differ}",
                workload.lens_version, mapping.lens_version
            ));
        }
    }
    let questions = summary
        .questions
        .iter()
        .zip(&lens.questions)
        .map(|(q, info)| question_report(q, info, workload, mode, best_practices))
        .collect();
    PreviewReport {
        account_id: match account_ids {
            [one] => Some(one.clone()),
            _ => None,
        },
        account_ids: account_ids.to_vec(),
        workload_arn: workload.map(|w| w.workload_arn.clone()),
        filter_tags: tags.values().to_vec(),
        checks: ChecksReport {
            fetched: collected.stats.fetched,
            counted: summary.counted,
            left_out: summary.left_out,
            available: collected.stats.available,
            requests: collected.stats.requests,
        },
        questions,
        pillars: summary
            .pillars
            .iter()
            .map(|p| PillarReport {
                pillar_id: p.pillar_id.clone(),
                successes: p.tally.successes(),
                failures: p.tally.failures(),
                by_risk: p.tally,
                notes: None,
                current_notes: None,
                notes_status: None,
                notes_error: None,
            })
            .collect(),
        backup: None,
        lens: mapping.lens_alias.clone(),
        lens_version: mapping.lens_version.clone(),
        workload_lens_version: workload.map(|w| WorkloadLens {
            version: w.lens_version.clone(),
            same_questions: questions_differ(lens, w).is_none(),
            recorded: lens.has_same_questions(&w.lens_version),
        }),
        mapping_reviewed: mapping.reviewed.clone(),
        unmapped_rules: summary.unmapped_rules.clone(),
        warnings,
        milestone: None,
    }
}
