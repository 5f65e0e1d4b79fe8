//! The report model built from a preview (or a sync) and the checks it collected.

use super::{
    Assessment, CheckCounts, PillarRow, QuestionChange, QuestionRow, Report, RuleRow,
    SinceLastSync, Totals, UnmappedRow, SCHEMA,
};
use crate::history::Record;
use crate::mapping::{RuleCatalogue, PILLARS};
use crate::preview::{Collected, PreviewReport, QuestionReport, QuestionStatus};
use crate::summary::{QuestionSummary, RuleTally, Summary, Tally};
use std::collections::HashMap;
use std::time::SystemTime;

/// Rule titles: a live `GET /services` answer when at hand, else the shipped catalogue.
struct Titles<'a> {
    live: Option<&'a HashMap<String, String>>,
    catalogue: &'static RuleCatalogue,
}

impl Titles<'_> {
    fn get(&self, rule_id: &str) -> Option<String> {
        self.live
            .and_then(|m| m.get(rule_id))
            .map(String::as_str)
            .or_else(|| self.catalogue.title(rule_id))
            .map(str::to_string)
    }
}

impl Report {
    /// The report of a preview (or of a sync, whose statuses say what was written), with rule
    /// detail from the collected checks. `live_titles` (rule ID → title) wins over the shipped
    /// catalogue's titles.
    pub fn build(
        preview: &PreviewReport,
        collected: &Collected,
        generated_at: SystemTime,
        live_titles: Option<&HashMap<String, String>>,
    ) -> Report {
        let titles = Titles {
            live: live_titles,
            catalogue: RuleCatalogue::builtin(),
        };
        let summary = &collected.summary;
        let questions: Vec<QuestionRow> = preview
            .questions
            .iter()
            .map(|q| question_row(q, summary.question(&q.question_id), &titles))
            .collect();
        let pillars = pillar_rows(preview, &questions);
        let totals = totals(summary, &questions);
        let c = &preview.checks;
        Report {
            schema: SCHEMA.to_string(),
            generator: format!("wa-sync {}", crate::VERSION),
            generated_at: crate::time::rfc3339(generated_at),
            account_id: preview.account_id.clone(),
            // `account_id` is set exactly when one account was counted, and wins (a preview
            // edited by hand may change only it).
            account_ids: match &preview.account_id {
                Some(one) => vec![one.clone()],
                None => preview.account_ids.clone(),
            },
            workload_arn: preview.workload_arn.clone(),
            lens: preview.lens.clone(),
            lens_version: preview.lens_version.clone(),
            mapping_reviewed: preview.mapping_reviewed.clone(),
            filter_tags: preview.filter_tags.clone(),
            backup: preview.backup.clone(),
            checks: CheckCounts {
                fetched: c.fetched,
                available: c.available,
                counted: c.counted,
                requests: c.requests,
                left_out: c.left_out,
                left_out_total: c.left_out.total(),
            },
            totals,
            pillars,
            questions,
            unmapped_rules: unmapped_rows(preview, &titles),
            warnings: preview.warnings.clone(),
            since_last_sync: None,
        }
    }

    /// The report with "since the last sync": each question's new and fixed failures since
    /// `previous` (the recorded sync of the same target or workload; `preview` is what this
    /// report was built from), and each pillar's change in failures.
    pub fn compared_with(mut self, previous: &Record, preview: &PreviewReport) -> Report {
        let changes = crate::history::since(previous, preview);
        for q in &mut self.questions {
            q.since_last_sync = changes
                .iter()
                .find(|c| c.question_id == q.question_id)
                .map(|c| QuestionChange {
                    new_failures: c.new_failures,
                    fixed_failures: c.fixed_failures,
                });
        }
        for p in &mut self.pillars {
            let before = previous
                .pillars
                .iter()
                .find(|b| b.pillar_id == p.pillar_id)
                .map_or(0, |b| b.failures);
            p.failures_since_last_sync = Some(p.failures as i64 - before as i64);
        }
        self.since_last_sync = Some(SinceLastSync {
            synced_at: previous.synced_at.clone(),
            outcome: previous.outcome.clone(),
        });
        self
    }
}

fn rule_row(r: &RuleTally, titles: &Titles) -> RuleRow {
    RuleRow {
        rule_id: r.rule_id.clone(),
        // A live answer first, then the checks' own title, then the shipped catalogue's.
        title: titles
            .live
            .and_then(|m| m.get(&r.rule_id).cloned())
            .or_else(|| r.title.clone())
            .or_else(|| titles.get(&r.rule_id)),
        successes: r.tally.successes(),
        failures: r.tally.failures(),
        highest_failure_risk: r.tally.highest_failure_risk(),
        by_risk: r.tally,
        knowledge_base_url: r.knowledge_base_url.clone(),
        failing_resources: r.failing_resources.clone(),
        failing_resources_total: r.tally.failures(),
    }
}

/// A question's row; `detail` is what the collected checks say about it, if anything.
fn question_row(
    q: &QuestionReport,
    detail: Option<&QuestionSummary>,
    titles: &Titles,
) -> QuestionRow {
    let covered = detail.map_or(q.status != QuestionStatus::NotCovered, |d| d.covered);
    let assessment = if !covered {
        Assessment::NeedsHumanAnswer
    } else if q.failures > 0 {
        Assessment::Failing
    } else if q.successes > 0 {
        Assessment::Passing
    } else {
        Assessment::NoChecks
    };
    QuestionRow {
        number: q.number.clone(),
        question_id: q.question_id.clone(),
        pillar_id: q.pillar_id.clone(),
        title: q.title.clone(),
        covered,
        assessment,
        status: q.status,
        error: q.error.clone(),
        successes: q.successes,
        failures: q.failures,
        by_risk: q.by_risk,
        highest_failure_risk: q.by_risk.highest_failure_risk(),
        rules: detail.map_or_else(Vec::new, |d| {
            d.rules.iter().map(|r| rule_row(r, titles)).collect()
        }),
        best_practices: q.best_practices.clone(),
        since_last_sync: None,
    }
}

/// Every pillar in the lens's order, including those the preview has no checks for.
fn pillar_rows(preview: &PreviewReport, questions: &[QuestionRow]) -> Vec<PillarRow> {
    PILLARS
        .iter()
        .map(|(id, name, _)| {
            let tally = preview
                .pillars
                .iter()
                .find(|p| p.pillar_id == *id)
                .map_or_else(Tally::default, |p| p.by_risk);
            let in_pillar = || questions.iter().filter(|q| q.pillar_id == *id);
            PillarRow {
                pillar_id: id.to_string(),
                name: name.to_string(),
                successes: tally.successes(),
                failures: tally.failures(),
                by_risk: tally,
                questions: in_pillar().count(),
                questions_covered: in_pillar().filter(|q| q.covered).count(),
                questions_failing: in_pillar().filter(|q| q.failures > 0).count(),
                failures_since_last_sync: None,
            }
        })
        .collect()
}

/// Summed over the rules, so that a check counts once however many questions its rule informs.
fn totals(summary: &Summary, questions: &[QuestionRow]) -> Totals {
    let mut by_risk = Tally::default();
    for rule in &summary.rules {
        by_risk.merge(&rule.tally);
    }
    let covered = questions.iter().filter(|q| q.covered).count();
    Totals {
        successes: by_risk.successes(),
        failures: by_risk.failures(),
        by_risk,
        questions: questions.len(),
        questions_covered: covered,
        questions_not_covered: questions.len() - covered,
        questions_failing: questions.iter().filter(|q| q.failures > 0).count(),
        rules_counted: summary.rules.len(),
        rules_failing: summary
            .rules
            .iter()
            .filter(|r| r.tally.failures() > 0)
            .count(),
    }
}

fn unmapped_rows(preview: &PreviewReport, titles: &Titles) -> Vec<UnmappedRow> {
    preview
        .unmapped_rules
        .iter()
        .map(|u| UnmappedRow {
            rule_id: u.rule_id.clone(),
            title: titles.get(&u.rule_id),
            checks: u.checks,
            known: u.known,
            reason: u.reason.clone(),
        })
        .collect()
}
