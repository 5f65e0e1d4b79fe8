//! The Check Summary Report text and where it goes in a question's notes
//! (docs/spec/check-summary.md), and the pillar summary for a pillar's notes ([`pillar`]): both
//! placed by [`place_block`]. Pure functions: reading and writing notes is elsewhere.

pub mod pillar;

use crate::checks::RiskLevel;
use crate::summary::Tally;
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use std::ops::Range;

/// The Well-Architected Tool's limit on a question's notes, in UTF-16 code units.
pub const NOTES_LIMIT: usize = 2084;

pub const HEADER: &str = "Here are your findings from Trend Micro Cloud One Conformity:";
const RULES_PREFIX: &str = "  Rule Ids to Review: [";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub enum NotesMode {
    /// Replace our block in place and keep what the reviewer wrote around it.
    #[default]
    ReplaceBlock,
    /// The notes become the block alone, as Conformity's own sync does.
    Overwrite,
}

impl NotesMode {
    pub fn parse(text: &str) -> Option<NotesMode> {
        match text {
            "replace-block" => Some(NotesMode::ReplaceBlock),
            "overwrite" => Some(NotesMode::Overwrite),
            _ => None,
        }
    }
}

/// Length as the Well-Architected Tool counts it (never less than the number of characters).
pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// The report for one question, with the rule list shortened to `+N more` if the whole text
/// would exceed `budget` UTF-16 units. `None` when even an empty list does not fit.
pub fn render_block<S: AsRef<str>>(tally: &Tally, rule_ids: &[S], budget: usize) -> Option<String> {
    let mut text = String::with_capacity(512);
    text.push_str(HEADER);
    let _ = write!(
        text,
        "\nTotal number of Successes: {}\nTotal number of Failures: {}\nBy risk level",
        tally.successes(),
        tally.failures()
    );
    for risk in RiskLevel::DESCENDING {
        let _ = write!(
            text,
            "\n- {} successes: {}, failures: {}",
            risk.label(),
            tally.successes_at(risk),
            tally.failures_at(risk)
        );
    }
    text.push('\n');
    text.push_str(RULES_PREFIX);
    let fixed = utf16_len(&text) + 1; // the closing bracket
    if fixed > budget {
        return None;
    }
    let list = fit_rule_list(rule_ids, budget - fixed)?;
    text.push_str(&list);
    text.push(']');
    Some(text)
}

/// The longest prefix of `rule_ids` that fits in `room` UTF-16 units, ending in `+N more` for the
/// rules left out.
pub(crate) fn fit_rule_list<S: AsRef<str>>(rule_ids: &[S], room: usize) -> Option<String> {
    let full_len: usize = rule_ids
        .iter()
        .map(|id| utf16_len(id.as_ref()))
        .sum::<usize>()
        + 2 * rule_ids.len().saturating_sub(1);
    if full_len <= room {
        return Some(join(rule_ids, rule_ids.len()));
    }
    // Keep k rules: their IDs, k separators (the last one before "+N more"), and "+N more".
    let mut best = None;
    let mut kept_len = 0;
    for k in 0..rule_ids.len() {
        let more = format!("+{} more", rule_ids.len() - k);
        if kept_len + utf16_len(&more) <= room {
            best = Some(k);
        }
        kept_len += utf16_len(rule_ids[k].as_ref()) + 2;
    }
    let k = best?;
    tracing::debug!(
        rules = rule_ids.len(),
        listed = k,
        "rule list shortened to fit the notes limit"
    );
    let mut list = join(rule_ids, k);
    if k > 0 {
        list.push_str(", ");
    }
    let _ = write!(list, "+{} more", rule_ids.len() - k);
    Some(list)
}

fn join<S: AsRef<str>>(rule_ids: &[S], count: usize) -> String {
    let mut list = String::new();
    for (i, id) in rule_ids[..count].iter().enumerate() {
        if i > 0 {
            list.push_str(", ");
        }
        list.push_str(id.as_ref());
    }
    list
}

/// The notes could not hold even a block with an empty rule list next to the reviewer's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoRoom {
    /// UTF-16 units of the reviewer's text that stays.
    pub kept: usize,
}

impl std::fmt::Display for NoRoom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "not written: the reviewer's own text takes {} of the {NOTES_LIMIT} characters the notes may hold, \
             leaving too little for the summary; shorten it or use --notes-mode overwrite",
            self.kept
        )
    }
}

/// The notes a question should have after a sync, given its current notes.
pub fn place<S: AsRef<str>>(
    current: &str,
    tally: &Tally,
    rule_ids: &[S],
    mode: NotesMode,
) -> Result<String, NoRoom> {
    place_block(current, mode, find_block, |budget| {
        render_block(tally, rule_ids, budget)
    })
}

/// The notes after placing a block: with [`NotesMode::ReplaceBlock`], the block `find` locates
/// in `current` is replaced, or the block is appended after one blank line, and the reviewer's
/// text around it stays; with [`NotesMode::Overwrite`], the notes are the block alone.
/// `render` gets the UTF-16 units left for the block and gives `None` if it cannot fit.
pub fn place_block(
    current: &str,
    mode: NotesMode,
    find: fn(&str) -> Option<Range<usize>>,
    render: impl FnOnce(usize) -> Option<String>,
) -> Result<String, NoRoom> {
    let found = find(current);
    let (before, after) = match mode {
        NotesMode::Overwrite => ("", ""),
        NotesMode::ReplaceBlock => match &found {
            Some(range) => (&current[..range.start], &current[range.end..]),
            None if current.is_empty() => ("", ""),
            None => (current, ""),
        },
    };
    let separator = if mode == NotesMode::ReplaceBlock && !before.is_empty() && found.is_none() {
        blank_line_after(before)
    } else {
        ""
    };
    let kept = utf16_len(before) + utf16_len(separator) + utf16_len(after);
    let block = NOTES_LIMIT
        .checked_sub(kept)
        .and_then(render)
        .ok_or_else(|| {
            tracing::debug!(kept, "no room for the summary beside the reviewer's text");
            NoRoom { kept }
        })?;
    Ok(format!("{before}{separator}{block}{after}"))
}

/// What to put between the reviewer's text and an appended block so exactly one blank line
/// separates them.
fn blank_line_after(text: &str) -> &'static str {
    if text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    }
}

/// The byte range of an existing block, from the start of its header line to the end of its
/// `Rule Ids to Review` line. Only a block of the exact shape is recognised, so text the
/// reviewer wrote is never mistaken for ours.
pub fn find_block(notes: &str) -> Option<Range<usize>> {
    let mut search_from = 0;
    while let Some(found) = notes[search_from..].find(HEADER) {
        let start = search_from + found;
        search_from = start + HEADER.len();
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
    let mut offset = start;
    let mut lines = notes[start..].split('\n').map(|line| {
        let begin = offset;
        offset += line.len() + 1;
        (begin, line)
    });
    let mut next = |check: &dyn Fn(&str) -> bool| {
        let (begin, line) = lines.next()?;
        let content = line.strip_suffix('\r').unwrap_or(line);
        check(content).then_some(begin + content.len())
    };
    next(&|l| l == HEADER)?;
    next(&|l| number_after(l, "Total number of Successes: "))?;
    next(&|l| number_after(l, "Total number of Failures: "))?;
    next(&|l| l == "By risk level")?;
    for risk in RiskLevel::DESCENDING {
        next(&|l| {
            l.strip_prefix(&format!("- {} successes: ", risk.label()))
                .and_then(|rest| rest.split_once(", failures: "))
                .is_some_and(|(s, f)| is_number(s) && is_number(f))
        })?;
    }
    next(&|l| {
        l.strip_prefix(RULES_PREFIX)
            .is_some_and(|rest| rest.ends_with(']') && !rest[..rest.len() - 1].contains(['[', ']']))
    })
}

pub(crate) fn number_after(line: &str, prefix: &str) -> bool {
    line.strip_prefix(prefix).is_some_and(is_number)
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests;
