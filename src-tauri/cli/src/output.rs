//! How results look on a terminal: plain tables, thousands separators, progress on stderr.
//!
//! Text from the APIs (account names, rule titles, tags, error messages) may hold control
//! characters; everything printed goes through [`terminal_safe`], so a terminal shows them
//! escaped instead of obeying them (moving the cursor, rewriting the line, ringing the bell).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use wa_sync_engine::checks::Progress;
use wa_sync_engine::mapping::coverage::Coverage;
use wa_sync_engine::mapping::lens::pillar_name;
use wa_sync_engine::preview::PreviewReport;
use wa_sync_engine::sync::SyncProgress;
use wa_sync_engine::{Error, Field};

/// Writes to stdout, control characters escaped; a reader that went away (`| head`) is not an
/// error worth a panic.
pub fn emit(text: &str) {
    write_raw(&terminal_safe(text));
}

fn write_raw(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// JSON for scripts. serde_json already escapes C0 controls; DEL and the C1 controls (which some
/// terminals obey too) become `\u` escapes as well, so the data is the same and nothing runs.
/// Streamed to stdout: a preview with every rule's failing resources runs to megabytes, and
/// holding it as text (twice, escaped) would cost more memory than counting a million checks.
pub fn print_json<T: Serialize>(value: &T) {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let _ = write_json(&mut out, value)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
}

fn write_json<T: Serialize>(out: &mut impl Write, value: &T) -> std::io::Result<()> {
    let formatter = TerminalSafeJson(serde_json::ser::PrettyFormatter::new());
    let mut serializer = serde_json::Serializer::with_formatter(out, formatter);
    value
        .serialize(&mut serializer)
        .map_err(std::io::Error::from)
}

/// Pretty JSON whose strings have every character a terminal acts on as a `\u` escape.
struct TerminalSafeJson<'a>(serde_json::ser::PrettyFormatter<'a>);

macro_rules! pretty {
    ($($name:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {$(
        fn $name<W: ?Sized + Write>(&mut self, writer: &mut W $(, $arg: $ty)*) -> std::io::Result<()> {
            self.0.$name(writer $(, $arg)*)
        }
    )*};
}

impl serde_json::ser::Formatter for TerminalSafeJson<'_> {
    pretty!(
        begin_array(),
        end_array(),
        begin_array_value(first: bool),
        end_array_value(),
        begin_object(),
        end_object(),
        begin_object_key(first: bool),
        begin_object_value(),
        end_object_value(),
    );

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|(_, c)| acts_on_terminal(*c)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            write!(writer, "\\u{:04x}", c as u32)?;
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

/// Whether a terminal could act on the character rather than show it: C0 and C1 controls, DEL,
/// and the bidirectional overrides that reorder what is shown.
fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_unless(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| acts_on_terminal(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !acts_on_terminal(c) || keep(c) => out.push(c),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// Text for the terminal: line breaks and tabs kept, every other control character shown
/// escaped (ESC as `\x1b`, CR as `\r`, BEL as `\x07`, U+009B as `\u{9b}`).
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    escape_unless(text, |c| c == '\n' || c == '\t')
}

/// One table cell: line breaks and tabs escaped too, so a cell stays on its row.
fn cell_safe(text: &str) -> Cow<'_, str> {
    escape_unless(text, |_| false)
}

/// A count with its noun, singular for one: "1 check", "1,000 checks".
pub fn counted(n: u64, noun: &str) -> String {
    format!("{} {noun}{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// Left-aligned columns separated by two spaces; the last column is not padded. Cells are
/// escaped before they are measured, so rows holding control characters still line up.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<Cow<'_, str>>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| cell_safe(cell)).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
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
    for row in &rows {
        line(row.iter().map(|cell| cell.as_ref()).collect());
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

pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}

/// The preview as people read it.
pub fn preview_text(report: &PreviewReport) -> String {
    let mut out = preview_header(report);
    out.push_str(&pillar_table(report));
    out.push('\n');
    out.push_str(&question_table(report));
    if !report.unmapped_rules.is_empty() {
        out.push_str("\nRules seen in checks that map to no question:\n");
        for rule in &report.unmapped_rules {
            out.push_str(&format!(
                "  {} ({}): {}\n",
                rule.rule_id,
                counted(rule.checks, "check"),
                rule.reason
            ));
        }
    }
    for warning in &report.warnings {
        out.push_str(&format!("\nwarning: {warning}\n"));
    }
    out
}

/// The account, filter, lens, workload and what was counted.
fn preview_header(report: &PreviewReport) -> String {
    let mut out = String::new();
    let c = &report.checks;
    out.push_str(&format!(
        "{} · tag filter: {} · lens {} {}\n",
        match report.account_ids.as_slice() {
            [] => "Account -".to_string(),
            [one] => format!("Account {one}"),
            several => format!("Accounts {} (counted together)", several.join(", ")),
        },
        if report.filter_tags.is_empty() {
            "none".to_string()
        } else {
            report.filter_tags.join(", ")
        },
        report.lens,
        report.lens_version
    ));
    if let Some(arn) = &report.workload_arn {
        out.push_str(&format!("Workload {arn}"));
        if let Some(lens) = &report.workload_lens_version {
            let questions = if lens.same_questions {
                "the same questions as the mapping's"
            } else {
                "other questions than the mapping's (see the warning)"
            };
            out.push_str(&format!(
                " · lens version {} with {questions}",
                lens.version
            ));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "Checks: {} fetched of {}, {} counted; left out: {} whose rule is disabled, {} suppressed, {} excluded, {} not scored, {} whose rule maps to no question\n\n",
        thousands(c.fetched),
        thousands(c.available),
        thousands(c.counted),
        thousands(c.left_out.disabled_rule),
        thousands(c.left_out.suppressed),
        thousands(c.left_out.excluded),
        thousands(c.left_out.not_scored),
        thousands(c.left_out.unmapped_rule),
    ));
    out
}

fn pillar_table(report: &PreviewReport) -> String {
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
    table(&["PILLAR", "SUCCESSES", "FAILURES", "SCORE"], &pillars)
}

fn question_table(report: &PreviewReport) -> String {
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
    table(
        &[
            "#",
            "QUESTION",
            "SUCCESSES",
            "FAILURES",
            "STATUS",
            "RULES TO REVIEW",
        ],
        &questions,
    )
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

/// Whether progress is drawn: on a terminal's stderr only, and not with `--quiet` or `--json`
/// (whose readers want stderr for messages alone).
pub fn draws_progress(quiet: bool, json: bool) -> bool {
    !quiet && !json && std::io::stderr().is_terminal()
}

/// An indicatif bar on stderr with `message` before it, or a hidden one.
fn progress_bar(draw: bool, message: &'static str) -> ProgressBar {
    if !draw {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {human_pos} of {human_len} ({eta})")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message(message);
    bar
}

/// Leaves a bar that drew something at its last state, and clears one that never did.
fn finish(bar: &ProgressBar) {
    if bar.length().is_some() {
        bar.finish();
    } else {
        bar.finish_and_clear();
    }
}

/// "Fetching checks [====>   ] 12,000 of 25,000".
pub struct CheckProgress(ProgressBar);

impl CheckProgress {
    pub fn new(draw: bool) -> Self {
        CheckProgress(progress_bar(draw, "Fetching checks"))
    }

    pub fn finish(&self) {
        finish(&self.0);
    }
}

impl Progress for CheckProgress {
    fn checks_fetched(&self, fetched: u64, total: u64) {
        self.0.set_length(total.max(fetched));
        self.0.set_position(fetched);
    }
}

/// "Writing notes [====>   ] 12 of 40".
pub struct WriteProgress(ProgressBar);

impl WriteProgress {
    pub fn new(draw: bool) -> Self {
        WriteProgress(progress_bar(draw, "Writing notes"))
    }

    pub fn finish(&self) {
        finish(&self.0);
    }
}

impl SyncProgress for WriteProgress {
    fn question_done(&self, done: usize, total: usize, _question_id: &str, _ok: bool) {
        self.0.set_length(total as u64);
        self.0.set_position(done as u64);
    }
}

/// An error as the command line says it: bad input about one field names that field's flag.
pub fn error_text(error: &Error) -> String {
    match error {
        Error::BadInput {
            field: Some(field),
            problem,
        } => {
            let hint = match field {
                Field::AccountId => "; list yours with `wa-sync accounts`",
                _ => "",
            };
            match flag(*field) {
                Some(flag) => format!("{flag}: {problem}{hint}"),
                None => format!("{problem}{hint}"),
            }
        }
        other => other.to_string(),
    }
}

/// The flag (or its environment variable's flag) that sets `field`; `None` for inputs the
/// command line does not take.
pub fn flag(field: Field) -> Option<&'static str> {
    Some(match field {
        Field::AccountId => "--account-id",
        Field::FilterTag => "--filter-tag",
        Field::NotesMode => "--notes-mode",
        Field::ConformityUrl => "--conformity-url",
        Field::ConformityRegion => "--conformity-region",
        Field::ConformityRps => "--conformity-rps",
        Field::VisionOneUrl => "--visionone-url",
        Field::VisionOneRegion => "--visionone-region",
        Field::VisionOneRps => "--visionone-rps",
        Field::WorkloadArn => "--workload-arn",
        Field::RoleArn => "--role-arn",
        Field::RoleName => "--role-name",
        Field::ExternalId => "--external-id",
        Field::Trust => "--trust",
        Field::Profile => "--profile",
        Field::BackupDir => "--backup-dir",
        Field::OutputFile => "--out",
        Field::Adopt => "--adopt",
        Field::AwsRegion => return None,
    })
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

    #[test]
    fn counts_name_their_noun_in_the_right_number() {
        assert_eq!(counted(0, "check"), "0 checks");
        assert_eq!(counted(1, "check"), "1 check");
        assert_eq!(counted(2, "check"), "2 checks");
        assert_eq!(counted(1_000, "check"), "1,000 checks");
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(
            terminal_safe("prod\x1b[2J\rok\x07\u{9b}31m\x7f\u{202e}end\n\tnext"),
            "prod\\x1b[2J\\rok\\x07\\u{9b}31m\\x7f\\u{202e}end\n\tnext"
        );
        assert!(matches!(terminal_safe("Café ✓ 東京\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn escaped_cells_stay_on_their_row_and_aligned() {
        let text = table(
            &["NAME", "ID"],
            &[
                vec!["a\x1bb\nc".into(), "1".into()],
                vec!["plain".into(), "2".into()],
            ],
        );
        assert_eq!(text, "NAME       ID\na\\x1bb\\nc  1\nplain      2\n");
    }

    #[test]
    fn json_keeps_its_data_and_escapes_what_serde_leaves() {
        let value = serde_json::json!({ "name": "a\x1bb\u{9b}c\x7f\u{202e}d" });
        let mut out = Vec::new();
        write_json(&mut out, &value).unwrap();
        let safe = String::from_utf8(out).unwrap();
        assert!(
            !safe.chars().any(|c| acts_on_terminal(c) && c != '\n'),
            "{safe}"
        );
        assert!(
            safe.contains("\\u009b") && safe.contains("\\u202e"),
            "{safe}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
        let pretty = serde_json::to_string_pretty(&serde_json::json!({"a": [1, {"b": "c"}]}));
        let mut out = Vec::new();
        write_json(&mut out, &serde_json::json!({"a": [1, {"b": "c"}]})).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            pretty.unwrap(),
            "laid out as before"
        );
    }

    #[test]
    fn bad_input_about_a_field_names_its_flag() {
        let err = wa_sync_engine::checks::TagFilter::parse(&["a,b"]).unwrap_err();
        let text = error_text(&err.into());
        assert!(text.starts_with("--filter-tag: bad tag filter"), "{text}");
        let err = wa_sync_engine::checks::validate_account_id("no spaces").unwrap_err();
        assert!(error_text(&err).starts_with("--account-id: bad account ID"));
        assert_eq!(error_text(&Error::bad_input("plain")), "plain");
        for field in Field::ALL {
            assert!(flag(field).is_none_or(|f| f.starts_with("--")), "{field:?}");
        }
    }
}
