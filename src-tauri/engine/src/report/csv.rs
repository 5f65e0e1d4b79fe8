//! CSV: one row per question and rule (a question without counted rules gets one row with empty
//! rule columns); the last columns are the rule's evidence: the question's best practices it
//! speaks to, its knowledge-base page and its riskiest failing resources. RFC 4180: comma separated, CRLF line ends, fields quoted when they hold a comma,
//! semicolon, quote, CR or LF, quotes doubled. Cells a spreadsheet would read as a formula
//! (starting with `=`, `+`, `-`, `@`, tab or CR, also right after a `;` for locales that split
//! on it) get a single quote before that character and are quoted.

use super::{QuestionRow, Report, RuleRow};
use crate::checks::RiskLevel;

/// How many failing resources a rule's row names; the JSON report has all that were kept.
const RESOURCES_PER_ROW: usize = 10;

const HEADER: [&str; 28] = [
    "pillar_id",
    "pillar",
    "question_number",
    "question_id",
    "question_title",
    "assessment",
    "notes_status",
    "notes_error",
    "question_successes",
    "question_failures",
    "question_highest_failure_risk",
    "rule_id",
    "rule_title",
    "rule_successes",
    "rule_failures",
    "rule_highest_failure_risk",
    "rule_failures_extreme",
    "rule_failures_very_high",
    "rule_failures_high",
    "rule_failures_medium",
    "rule_failures_low",
    "account_id",
    "filter_tags",
    "generated_at",
    "rule_best_practices",
    "rule_knowledge_base_url",
    "rule_failing_resources_total",
    "rule_failing_resources",
];

/// Appended when the report is compared with the last sync, so reports without history keep
/// the columns they always had.
const SINCE_LAST_HEADER: [&str; 2] = [
    "question_new_failures_since_last_sync",
    "question_fixed_failures_since_last_sync",
];

pub fn to_csv(report: &Report) -> String {
    let mut out = String::new();
    let compared = report.since_last_sync.is_some();
    let since_header = SINCE_LAST_HEADER.iter().filter(|_| compared);
    write_row(
        &mut out,
        HEADER.iter().chain(since_header).map(|s| s.to_string()),
    );
    let tags = report.filter_tags.join(" | ");
    let account = report.account_ids.join(" | ");
    for q in &report.questions {
        let question = question_cells(q);
        let trailer = [account.clone(), tags.clone(), report.generated_at.clone()];
        // A question without counted rules still gets its row, with the rule columns empty.
        let rules: Vec<Option<&RuleRow>> = if q.rules.is_empty() {
            vec![None]
        } else {
            q.rules.iter().map(Some).collect()
        };
        for rule in rules {
            write_row(
                &mut out,
                question
                    .iter()
                    .cloned()
                    .chain(rule_cells(rule))
                    .chain(trailer.iter().cloned())
                    .chain(evidence_cells(q, rule))
                    .chain(
                        q.since_last_sync.into_iter().flat_map(|c| {
                            [c.new_failures.to_string(), c.fixed_failures.to_string()]
                        }),
                    ),
            );
        }
    }
    out
}

fn question_cells(q: &QuestionRow) -> [String; 11] {
    [
        q.pillar_id.clone(),
        super::pillar_label(&q.pillar_id).to_string(),
        q.number.clone(),
        q.question_id.clone(),
        q.title.clone(),
        kebab(&q.assessment),
        kebab(&q.status),
        q.error.clone().unwrap_or_default(),
        q.successes.to_string(),
        q.failures.to_string(),
        q.highest_failure_risk
            .map_or(String::new(), |r| r.api_name().to_string()),
    ]
}

fn rule_cells(r: Option<&RuleRow>) -> Vec<String> {
    match r {
        None => vec![String::new(); 10],
        Some(r) => {
            let mut cells = vec![
                r.rule_id.clone(),
                r.title.clone().unwrap_or_default(),
                r.successes.to_string(),
                r.failures.to_string(),
                r.highest_failure_risk
                    .map_or(String::new(), |r| r.api_name().to_string()),
            ];
            cells.extend(
                RiskLevel::DESCENDING
                    .iter()
                    .map(|risk| r.by_risk.failures_at(*risk).to_string()),
            );
            cells
        }
    }
}

/// The rule's evidence: the question's best practices it speaks to, its knowledge-base page, and
/// its riskiest failing resources.
fn evidence_cells(q: &QuestionRow, r: Option<&RuleRow>) -> Vec<String> {
    let Some(r) = r else {
        return vec![String::new(); 4];
    };
    let practices: Vec<&str> = q
        .best_practices
        .iter()
        .filter(|p| p.rule_ids.contains(&r.rule_id))
        .map(|p| p.id.as_str())
        .collect();
    let resources: Vec<String> = r
        .failing_resources
        .iter()
        .take(RESOURCES_PER_ROW)
        .map(|f| {
            let name = f.resource.as_deref().unwrap_or("(no resource)");
            match &f.region {
                Some(region) => format!("{name} ({region})"),
                None => name.to_string(),
            }
        })
        .collect();
    vec![
        practices.join(" "),
        r.knowledge_base_url.clone().unwrap_or_default(),
        r.failing_resources_total.to_string(),
        resources.join(" | "),
    ]
}

fn kebab<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn write_row(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&cell_text(&cell));
    }
    out.push_str("\r\n");
}

/// Whether a spreadsheet reads a cell starting with `c` as a formula.
fn starts_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// One field, neutralised against formula injection and quoted as RFC 4180 requires. A formula
/// character at the start, or right after a `;` (where a spreadsheet of a locale that splits on
/// `;` would start a new cell), gets a `'` before it, and such a cell is always quoted; so is a
/// cell holding a `;`, so that those locales keep it whole.
pub(crate) fn cell_text(cell: &str) -> String {
    let mut guarded = String::with_capacity(cell.len() + 2);
    let mut neutralised = false;
    let mut cell_start = true;
    for c in cell.chars() {
        if cell_start && starts_formula(c) {
            guarded.push('\'');
            neutralised = true;
        }
        guarded.push(c);
        cell_start = c == ';';
    }
    if neutralised || guarded.contains([',', '"', '\r', '\n', ';']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::cell_text;

    #[test]
    fn cells_are_quoted_and_neutralised() {
        assert_eq!(cell_text("plain"), "plain");
        assert_eq!(cell_text("a,b"), "\"a,b\"");
        assert_eq!(cell_text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell_text("=cmd|' /C calc'!A0"), "\"'=cmd|' /C calc'!A0\"");
        assert_eq!(cell_text("+1"), "\"'+1\"");
        assert_eq!(cell_text("-1"), "\"'-1\"");
        assert_eq!(cell_text("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(cell_text("\tx"), "\"'\tx\"");
        assert_eq!(cell_text("\rx"), "\"'\rx\"");
        assert_eq!(cell_text("=a,b"), "\"'=a,b\"");
        assert_eq!(cell_text("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(cell_text("a-b"), "a-b");
    }

    #[test]
    fn formulas_after_a_semicolon_are_neutralised_for_locales_that_split_on_it() {
        assert_eq!(
            cell_text("ok;=HYPERLINK(\"x\")"),
            "\"ok;'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(cell_text("a;+1;-2;@x"), "\"a;'+1;'-2;'@x\"");
        assert_eq!(cell_text("a;\tb"), "\"a;'\tb\"");
        assert_eq!(cell_text(";=1"), "\";'=1\"");
        // A `;` alone is quoted (so those locales keep the cell whole) but not changed.
        assert_eq!(cell_text("a;b"), "\"a;b\"");
        assert_eq!(cell_text("a; =1"), "\"a; =1\"");
        // No cell, split on `;` or `,` as a spreadsheet would, starts with a formula character
        // outside quotes.
        for text in ["x;=1", "=1;=2", "a,b;@c", "tab;\tx", "q\"uote;-1"] {
            let out = cell_text(text);
            assert!(out.starts_with('"') && out.ends_with('"'), "{out}");
            let inner = &out[1..out.len() - 1];
            for part in inner.split(';') {
                assert!(!part.starts_with(super::starts_formula), "{text}: {part}");
            }
        }
    }
}
