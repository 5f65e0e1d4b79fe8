//! How results look on a terminal: plain tables, thousands separators, progress on stderr.

use serde::Serialize;
use std::io::{IsTerminal, Write};
use wa_sync_engine::checks::Progress;
use wa_sync_engine::mapping::coverage::Coverage;
use wa_sync_engine::mapping::lens::pillar_name;
use wa_sync_engine::preview::PreviewReport;

/// Writes to stdout; a reader that went away (`| head`) is not an error worth a panic.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

pub fn print_json<T: Serialize>(value: &T) {
    let text = serde_json::to_string_pretty(value).expect("reports serialise");
    emit(&text);
    emit("\n");
}

/// Left-aligned columns separated by two spaces; the last column is not padded.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let last = cells.len() - 1;
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            text.push_str(cell);
            if i < last {
                text.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(headers.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
    out
}

pub fn print_table(headers: &[&str], rows: &[Vec<String>]) {
    emit(&table(headers, rows));
}

/// 25000 → "25,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}

/// The preview as people read it.
pub fn preview_text(report: &PreviewReport) -> String {
    let mut out = String::new();
    let c = &report.checks;
    out.push_str(&format!(
        "Account {} · tag filter: {} · lens {} {}\n",
        report.account_id.as_deref().unwrap_or("-"),
        if report.filter_tags.is_empty() {
            "none".to_string()
        } else {
            report.filter_tags.join(", ")
        },
        report.lens,
        report.lens_version
    ));
    if let Some(arn) = &report.workload_arn {
        out.push_str(&format!("Workload {arn}\n"));
    }
    out.push_str(&format!(
        "Checks: {} fetched of {}, {} counted; left out: {} disabled rule, {} suppressed, {} excluded, {} not scored, {} unmapped rule\n\n",
        thousands(c.fetched),
        thousands(c.available),
        thousands(c.counted),
        thousands(c.left_out.disabled_rule),
        thousands(c.left_out.suppressed),
        thousands(c.left_out.excluded),
        thousands(c.left_out.not_scored),
        thousands(c.left_out.unmapped_rule),
    ));
    let pillars: Vec<Vec<String>> = report
        .pillars
        .iter()
        .map(|p| {
            vec![
                pillar_name(&p.pillar_id).to_string(),
                thousands(p.successes),
                thousands(p.failures),
                percent(p.successes, p.successes + p.failures),
            ]
        })
        .collect();
    out.push_str(&table(
        &["PILLAR", "SUCCESSES", "FAILURES", "SCORE"],
        &pillars,
    ));
    out.push('\n');
    let questions: Vec<Vec<String>> = report
        .questions
        .iter()
        .map(|q| {
            let mut rules = q
                .rule_ids_to_review
                .iter()
                .take(6)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if q.rule_ids_to_review.len() > 6 {
                rules.push_str(&format!(", +{} more", q.rule_ids_to_review.len() - 6));
            }
            let status = match (&q.error, q.status) {
                (Some(error), _) => format!("failed: {error}"),
                (None, wa_sync_engine::preview::QuestionStatus::NotCovered) => {
                    "not covered: needs a human answer".into()
                }
                (None, status) => serde_json::to_value(status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            };
            vec![
                q.number.clone(),
                q.question_id.clone(),
                thousands(q.successes),
                thousands(q.failures),
                status,
                rules,
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "#",
            "QUESTION",
            "SUCCESSES",
            "FAILURES",
            "STATUS",
            "RULES TO REVIEW",
        ],
        &questions,
    ));
    if !report.unmapped_rules.is_empty() {
        out.push_str("\nRules seen in checks that map to no question:\n");
        for rule in &report.unmapped_rules {
            out.push_str(&format!(
                "  {} ({} checks): {}\n",
                rule.rule_id,
                thousands(rule.checks),
                rule.reason
            ));
        }
    }
    for warning in &report.warnings {
        out.push_str(&format!("\nwarning: {warning}\n"));
    }
    out
}

pub fn coverage_text(coverage: &Coverage) -> String {
    let mut out = format!(
        "Mapping for lens {} {}: {} rules, {} mapped, {} mapping to no question\n\n",
        coverage.lens,
        coverage.lens_version,
        coverage.rules_total,
        coverage.rules_mapped,
        coverage.rules_mapping_to_nothing
    );
    let pillars: Vec<Vec<String>> = coverage
        .pillars
        .iter()
        .map(|p| {
            vec![
                pillar_name(&p.pillar_id).to_string(),
                p.rules.to_string(),
                format!("{}/{}", p.questions_covered, p.questions),
            ]
        })
        .collect();
    out.push_str(&table(&["PILLAR", "RULES", "QUESTIONS COVERED"], &pillars));
    out.push('\n');
    let questions: Vec<Vec<String>> = coverage
        .questions
        .iter()
        .map(|q| {
            let rules = if q.rules == 0 {
                "0  (no rule: needs a human answer)".to_string()
            } else {
                q.rules.to_string()
            };
            vec![q.number.clone(), q.question_id.clone(), rules]
        })
        .collect();
    out.push_str(&table(&["#", "QUESTION", "RULES"], &questions));
    out
}

/// A single self-overwriting line on a terminal; silent otherwise or with --quiet.
pub struct TerminalProgress {
    enabled: bool,
}

impl TerminalProgress {
    pub fn new(quiet: bool) -> Self {
        TerminalProgress {
            enabled: !quiet && std::io::stderr().is_terminal(),
        }
    }

    pub fn finish(&self) {
        if self.enabled {
            eprintln!();
        }
    }
}

impl Progress for TerminalProgress {
    fn checks_fetched(&self, fetched: u64, total: u64) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\rFetching checks: {} of {}",
                thousands(fetched),
                thousands(total)
            );
            let _ = err.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(25_000), "25,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn tables_align_columns() {
        let text = table(&["A", "BB"], &[vec!["long".into(), "x".into()]]);
        assert_eq!(text, "A     BB\nlong  x\n");
    }
}
