//! CSV: one row per question and rule (a question without counted rules gets one row with empty
//! rule columns). RFC 4180: comma separated, CRLF line ends, fields quoted when they hold a comma,
//! quote, CR or LF, quotes doubled. Cells a spreadsheet would read as a formula (starting with
//! `=`, `+`, `-`, `@`, tab or CR) are prefixed with a single quote.

use super::{Report, RuleRow};
use crate::checks::RiskLevel;

const HEADER: [&str; 24] = [
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
];

pub fn to_csv(report: &Report) -> String {
    let mut out = String::new();
    write_row(&mut out, HEADER.iter().map(|s| s.to_string()));
    let tags = report.filter_tags.join(" | ");
    let account = report.account_id.clone().unwrap_or_default();
    for q in &report.questions {
        let question = [
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
        ];
        let trailer = [account.clone(), tags.clone(), report.generated_at.clone()];
        let rule_cells = |r: Option<&RuleRow>| -> Vec<String> {
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
        };
        if q.rules.is_empty() {
            write_row(
                &mut out,
                question
                    .iter()
                    .cloned()
                    .chain(rule_cells(None))
                    .chain(trailer.iter().cloned()),
            );
        }
        for rule in &q.rules {
            write_row(
                &mut out,
                question
                    .iter()
                    .cloned()
                    .chain(rule_cells(Some(rule)))
                    .chain(trailer.iter().cloned()),
            );
        }
    }
    out
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

/// One field, neutralised against formula injection and quoted as RFC 4180 requires.
pub(crate) fn cell_text(cell: &str) -> String {
    let guarded = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    };
    if guarded.contains([',', '"', '\r', '\n']) {
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
        assert_eq!(cell_text("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(cell_text("+1"), "'+1");
        assert_eq!(cell_text("-1"), "'-1");
        assert_eq!(cell_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell_text("\tx"), "'\tx");
        assert_eq!(cell_text("\rx"), "\"'\rx\"");
        assert_eq!(cell_text("=a,b"), "\"'=a,b\"");
        assert_eq!(cell_text("line\nbreak"), "\"line\nbreak\"");
    }
}
