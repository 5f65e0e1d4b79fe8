//! The pillar summary: a short block for a pillar's notes in the lens review, placed and
//! replaced as a question's block is ([`super::place_block`]):
//!
//! ```text
//! wa-sync pillar summary of the Trend Micro checks:
//! Total number of Successes: 120
//! Total number of Failures: 14
//! Failures by risk level: Extreme 1, Very High 2, High 5, Medium 4, Low 2
//! Questions that need a human answer: SEC 2, SEC 3
//! Riskiest rules: S3-001 (Extreme, 3), IAM-024 (Very High, 2)
//! ```
//!
//! Only a block of exactly these six lines is recognised as wa-sync's, so the reviewer's own
//! text around it is never taken for it. The two lists are shortened to `+N more` to fit.

use super::{fit_rule_list, number_after, place_block, utf16_len, NoRoom, NotesMode};
use crate::checks::RiskLevel;
use crate::summary::Tally;
use std::fmt::Write;
use std::ops::Range;

pub const PILLAR_HEADER: &str = "wa-sync pillar summary of the Trend Micro checks:";
const RISK_PREFIX: &str = "Failures by risk level: ";
const QUESTIONS_PREFIX: &str = "Questions that need a human answer: ";
const RULES_PREFIX: &str = "Riskiest rules: ";
/// What an empty list reads as.
const NONE: &str = "none";

/// What a pillar's block says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PillarSummary {
    pub tally: Tally,
    /// Numbers (`SEC 2`) of the covered questions with failures, in lens order.
    pub questions_with_failures: Vec<String>,
    /// `S3-001 (Extreme, 3)`: rule, risk level and failures, riskiest first.
    pub riskiest_rules: Vec<String>,
}

/// The block, within `budget` UTF-16 units; `None` when even its fixed part does not fit.
pub fn render(summary: &PillarSummary, budget: usize) -> Option<String> {
    let tally = &summary.tally;
    let mut text = String::with_capacity(400);
    let _ = write!(
        text,
        "{PILLAR_HEADER}\nTotal number of Successes: {}\nTotal number of Failures: {}\n{RISK_PREFIX}",
        tally.successes(),
        tally.failures()
    );
    for (i, risk) in RiskLevel::DESCENDING.iter().enumerate() {
        let separator = if i == 0 { "" } else { ", " };
        let _ = write!(
            text,
            "{separator}{} {}",
            risk.label(),
            tally.failures_at(*risk)
        );
    }
    let _ = write!(text, "\n{QUESTIONS_PREFIX}");
    // Each list gets at most half of what is left, so the rules are never squeezed out.
    let fixed = utf16_len(&text) + 1 + utf16_len(RULES_PREFIX);
    let room = budget.checked_sub(fixed)?;
    let questions = list(&summary.questions_with_failures, room / 2)?;
    text.push_str(&questions);
    let _ = write!(text, "\n{RULES_PREFIX}");
    let room = budget.checked_sub(utf16_len(&text))?;
    text.push_str(&list(&summary.riskiest_rules, room)?);
    Some(text)
}

fn list(items: &[String], room: usize) -> Option<String> {
    if items.is_empty() {
        return (utf16_len(NONE) <= room).then(|| NONE.to_string());
    }
    fit_rule_list(items, room)
}

/// The notes a pillar should have after a sync, given its current notes.
pub fn place(current: &str, summary: &PillarSummary, mode: NotesMode) -> Result<String, NoRoom> {
    place_block(current, mode, find_block, |budget| render(summary, budget))
}

/// The byte range of an existing pillar block: its header line to the end of its rules line.
pub fn find_block(notes: &str) -> Option<Range<usize>> {
    let mut search_from = 0;
    while let Some(found) = notes[search_from..].find(PILLAR_HEADER) {
        let start = search_from + found;
        search_from = start + PILLAR_HEADER.len();
        if start > 0 && !notes[..start].ends_with('\n') {
            continue;
        }
        if let Some(end) = block_end(notes, start) {
            return Some(start..end);
        }
    }
    None
}

fn block_end(notes: &str, start: usize) -> Option<usize> {
    let checks: [&dyn Fn(&str) -> bool; 6] = [
        &|l| l == PILLAR_HEADER,
        &|l| number_after(l, "Total number of Successes: "),
        &|l| number_after(l, "Total number of Failures: "),
        &|l| l.starts_with(RISK_PREFIX),
        &|l| l.starts_with(QUESTIONS_PREFIX),
        &|l| l.starts_with(RULES_PREFIX),
    ];
    let mut offset = start;
    let mut lines = notes[start..].split('\n');
    let mut end = start;
    for check in checks {
        let line = lines.next()?;
        let content = line.strip_suffix('\r').unwrap_or(line);
        if !check(content) {
            return None;
        }
        end = offset + content.len();
        offset += line.len() + 1;
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::notes::NOTES_LIMIT;

    fn summary() -> PillarSummary {
        let mut tally = Tally::default();
        tally.add(RiskLevel::Extreme, Status::Failure);
        tally.add(RiskLevel::High, Status::Success);
        PillarSummary {
            tally,
            questions_with_failures: vec!["SEC 2".into(), "SEC 9".into()],
            riskiest_rules: vec!["S3-001 (Extreme, 1)".into()],
        }
    }

    #[test]
    fn renders_six_lines_and_finds_them_again() {
        let text = render(&summary(), NOTES_LIMIT).unwrap();
        assert_eq!(
            text,
            "wa-sync pillar summary of the Trend Micro checks:\nTotal number of Successes: 1\n\
             Total number of Failures: 1\nFailures by risk level: Extreme 1, Very High 0, High 0, \
             Medium 0, Low 0\nQuestions that need a human answer: SEC 2, SEC 9\n\
             Riskiest rules: S3-001 (Extreme, 1)"
        );
        assert_eq!(find_block(&text), Some(0..text.len()));
        let empty = render(&PillarSummary::default(), NOTES_LIMIT).unwrap();
        assert!(
            empty.ends_with("answer: none\nRiskiest rules: none"),
            "{empty}"
        );
    }

    #[test]
    fn replaces_its_block_and_keeps_the_reviewer_text_around_it() {
        let mine = "Pillar owner: Dana ✓\n\nWe accept the risk of SEC 9.";
        let first = place(mine, &summary(), NotesMode::ReplaceBlock).unwrap();
        assert!(first.starts_with("Pillar owner: Dana ✓\n\nWe accept the risk of SEC 9.\n\n"));
        let edited = format!("{first}\n\nLater remark.");
        let mut fewer = summary();
        fewer.questions_with_failures.pop();
        let second = place(&edited, &fewer, NotesMode::ReplaceBlock).unwrap();
        let block = render(&fewer, NOTES_LIMIT).unwrap();
        assert_eq!(second, format!("{mine}\n\n{block}\n\nLater remark."));
        assert_eq!(place(&second, &fewer, NotesMode::Overwrite).unwrap(), block);
        // A question's block is not a pillar's, and the reverse.
        assert_eq!(crate::notes::find_block(&second), None);
    }

    #[test]
    fn long_lists_are_shortened_to_fit_and_no_room_is_said() {
        let mut many = summary();
        many.questions_with_failures = (1..=300).map(|n| format!("SEC {n}")).collect();
        many.riskiest_rules = (1..=300)
            .map(|n| format!("RULE-{n:03} (High, 2)"))
            .collect();
        let text = place("", &many, NotesMode::ReplaceBlock).unwrap();
        assert!(utf16_len(&text) <= NOTES_LIMIT);
        assert!(text.contains(" more\nRiskiest rules: RULE-001"), "{text}");
        assert!(text.ends_with(" more"));
        assert_eq!(find_block(&text), Some(0..text.len()));
        let full = "x".repeat(NOTES_LIMIT - 100);
        assert!(place(&full, &many, NotesMode::ReplaceBlock).is_err());
    }
}
