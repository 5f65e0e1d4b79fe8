//! The closing sections: the checks left out, and the evidence appendix by question.

use super::*;

/// Failing resources a rule shows in the appendix, and in the whole appendix: enough to act on,
/// few enough that a large account's PDF stays a document (the JSON report has them all).
const APPENDIX_RESOURCES_PER_RULE: usize = 3;
const APPENDIX_RESOURCES: usize = 300;

/// Per failing question: the best practices its rules speak to, and each failing rule's
/// riskiest resources, bounded.
pub(super) fn appendix(w: &mut Writer, r: &Report) {
    let failing: Vec<_> = r.questions.iter().filter(|q| q.failures > 0).collect();
    if failing.is_empty() {
        return;
    }
    w.new_page();
    w.heading("Appendix: evidence by question");
    w.paragraph(
        &format!(
            "For each question with failures: the best practices its counted rules speak to (evidence only; the choices in the review stay the reviewer's), then up to {APPENDIX_RESOURCES_PER_RULE} of the riskiest failing resources of each failing rule, {APPENDIX_RESOURCES} in all. The JSON report lists up to 100 per rule."
        ),
        8.5,
        MUTED,
    );
    let mut left = APPENDIX_RESOURCES;
    for q in failing {
        w.subheading(&format!("{} {}  ({})", q.number, q.title, q.question_id));
        appendix_practices(w, q);
        left -= appendix_resources(w, q, left);
        if left == 0 {
            w.paragraph(
                "The appendix stops here: the JSON, CSV, Markdown and HTML reports have the rest.",
                8.5,
                INK,
            );
            break;
        }
    }
}

pub(super) fn left_out(w: &mut Writer, r: &Report) {
    w.heading("Checks left out");
    let cols = [
        col("Reason", 110.0, Align::Left),
        col("Checks", 60.0, Align::Right),
        col("Meaning", 341.28, Align::Left),
    ];
    let mut rows: Vec<Row> = r
        .left_out_rows()
        .iter()
        .map(|(reason, meaning, n)| row(vec![cell(*reason), cell(thousands(*n)), cell(*meaning)]))
        .collect();
    rows.push(row(vec![
        Cell {
            lines: vec![("Total".into(), Font::Bold, INK)],
            badge: None,
        },
        Cell {
            lines: vec![(thousands(r.checks.left_out_total), Font::Bold, INK)],
            badge: None,
        },
        cell(format!("of {} checks fetched", thousands(r.checks.fetched))),
    ]));
    w.table(&cols, rows);
    if !r.unmapped_rules.is_empty() {
        w.subheading("Rules that map to no question");
        let cols = [
            col("Rule", 85.0, Align::Left),
            col("Title", 170.0, Align::Left),
            col("Checks", 45.0, Align::Right),
            col("Reason", 211.28, Align::Left),
        ];
        let rows = r
            .unmapped_rules
            .iter()
            .map(|u| {
                row(vec![
                    cell(u.rule_id.clone()),
                    cell(u.title.clone().unwrap_or_else(|| "(title unknown)".into())),
                    cell(thousands(u.checks)),
                    cell(u.reason.clone()),
                ])
            })
            .collect();
        w.table(&cols, rows);
    }
}

/// The best practices a failing question's counted rules speak to, and those they do not.
fn appendix_practices(w: &mut Writer, q: &QuestionRow) {
    let cols = [
        col("Best practice", 70.0, Align::Left),
        col("Title", 230.0, Align::Left),
        col("Evidence", 60.0, Align::Left),
        col("Failures", 48.0, Align::Right),
        col("Rules", 103.28, Align::Left),
    ];
    let (with, without) = q.practices_split();
    if !with.is_empty() {
        let rows = with
            .iter()
            .map(|p| {
                row(vec![
                    cell(p.id.clone()),
                    cell(p.title.clone()),
                    cell(evidence_label(p.status)),
                    cell(thousands(p.failures)),
                    cell(p.rule_ids.join(", ")),
                ])
            })
            .collect();
        w.table(&cols, rows);
    }
    if !without.is_empty() {
        w.paragraph(&format!("No evidence: {}", without.join(", ")), 7.5, MUTED);
    }
}

/// Up to `limit` of the riskiest failing resources of the question's failing rules; how many it showed.
fn appendix_resources(w: &mut Writer, q: &QuestionRow, limit: usize) -> usize {
    let resource_cols = [
        col("Rule", 70.0, Align::Left),
        col("Resource", 170.0, Align::Left),
        col("Risk", 50.0, Align::Left),
        col("Message", 221.28, Align::Left),
    ];
    let rows: Vec<Row> = q
        .failing_rules()
        .flat_map(|rule| {
            rule.failing_resources
                .iter()
                .take(APPENDIX_RESOURCES_PER_RULE)
                .map(move |f| (rule, f))
        })
        .take(limit)
        .map(|(rule, f)| {
            let (name, message) = resource_line(f);
            row(vec![
                cell(rule.rule_id.clone()),
                cell(name),
                cell(f.risk_level.label()),
                cell(message),
            ])
        })
        .collect();
    let shown = rows.len();
    if !rows.is_empty() {
        w.table(&resource_cols, rows);
    }
    shown
}
