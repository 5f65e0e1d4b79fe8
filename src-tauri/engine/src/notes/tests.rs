use super::*;
use crate::checks::{Check, RuleSettings, Status};
use crate::mapping::{Mapping, Origin};
use crate::summary::Aggregator;

const SEED_EXAMPLE: &str = "Here are your findings from Trend Micro Cloud One Conformity:
Total number of Successes: 253
Total number of Failures: 40
By risk level
- Extreme successes: 0, failures: 0
- Very High successes: 0, failures: 0
- High successes: 0, failures: 0
- Medium successes: 250, failures: 28
- Low successes: 3, failures: 12
  Rule Ids to Review: [IAM-049, IAM-023, IAM-017]";

const EMPTY_BLOCK: &str = "Here are your findings from Trend Micro Cloud One Conformity:
Total number of Successes: 0
Total number of Failures: 0
By risk level
- Extreme successes: 0, failures: 0
- Very High successes: 0, failures: 0
- High successes: 0, failures: 0
- Medium successes: 0, failures: 0
- Low successes: 0, failures: 0
  Rule Ids to Review: []";

/// The seed's 253/40 example, built from individual checks through the real counting.
fn seed_question() -> (Tally, Vec<String>) {
    let mapping = Mapping::parse(
        "IAM-049\tidentities\t\nIAM-023\tidentities\t\nIAM-017\tidentities\t\nIAM-001\tidentities\t\n",
        Origin::Builtin,
    )
    .unwrap();
    let mut agg = Aggregator::new(&mapping, RuleSettings::new());
    let mut add = |rule_id, status, risk_level, n| {
        for _ in 0..n {
            agg.add(&Check {
                rule_id,
                status: Some(status),
                risk_level,
                suppressed: false,
                excluded: false,
                not_scored: false,
                evidence: crate::checks::Evidence::default(),
            });
        }
    };
    add("IAM-001", Status::Success, RiskLevel::Medium, 250);
    add("IAM-017", Status::Success, RiskLevel::Low, 3);
    add("IAM-049", Status::Failure, RiskLevel::Medium, 20);
    add("IAM-023", Status::Failure, RiskLevel::Medium, 8);
    add("IAM-017", Status::Failure, RiskLevel::Low, 12);
    let summary = agg.finish();
    let q = summary.question("identities").unwrap();
    (
        q.tally,
        q.rule_ids_to_review().map(str::to_string).collect(),
    )
}

#[test]
fn seed_example_is_reproduced_byte_for_byte() {
    let (tally, rules) = seed_question();
    assert_eq!(
        render_block(&tally, &rules, NOTES_LIMIT).unwrap(),
        SEED_EXAMPLE
    );
}

#[test]
fn no_checks_gives_zeros_and_an_empty_list() {
    let none: [&str; 0] = [];
    assert_eq!(
        render_block(&Tally::default(), &none, NOTES_LIMIT).unwrap(),
        EMPTY_BLOCK
    );
}

fn rule_ids(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("EC2-{i:03}")).collect()
}

#[test]
fn long_lists_end_in_plus_n_more_and_fill_the_limit() {
    let ids = rule_ids(400);
    let text = render_block(&Tally::default(), &ids, NOTES_LIMIT).unwrap();
    assert!(utf16_len(&text) <= NOTES_LIMIT);
    let list = text.rsplit_once('[').unwrap().1.trim_end_matches(']');
    let items: Vec<&str> = list.split(", ").collect();
    let kept = items.len() - 1;
    assert_eq!(items.last().unwrap(), &format!("+{} more", 400 - kept));
    assert_eq!(
        items[..kept],
        ids.iter().map(String::as_str).collect::<Vec<_>>()[..kept]
    );
    // One more rule would not have fitted.
    let one_more = format!(
        "{}, {}, +{} more",
        items[..kept].join(", "),
        ids[kept],
        400 - kept - 1
    );
    assert!(utf16_len(&text) - utf16_len(list) + utf16_len(&one_more) > NOTES_LIMIT);
}

#[test]
fn list_that_exactly_fits_is_not_cut() {
    let ids = rule_ids(3);
    let full = render_block(&Tally::default(), &ids, NOTES_LIMIT).unwrap();
    assert_eq!(
        render_block(&Tally::default(), &ids, utf16_len(&full)).unwrap(),
        full
    );
    let cut = render_block(&Tally::default(), &ids, utf16_len(&full) - 1).unwrap();
    assert!(cut.ends_with("[EC2-001, +2 more]"), "{cut}");
}

#[test]
fn when_no_rule_fits_the_list_is_only_the_count() {
    let ids = rule_ids(39);
    let budget = utf16_len(EMPTY_BLOCK) + "+39 more".len();
    let text = render_block(&Tally::default(), &ids, budget).unwrap();
    assert!(text.ends_with("[+39 more]"), "{text}");
    assert_eq!(
        render_block(&Tally::default(), &ids, utf16_len(EMPTY_BLOCK) - 1),
        None
    );
}

#[test]
fn replace_block_keeps_reviewer_text_before_and_after() {
    let (tally, rules) = seed_question();
    let current = format!("Reviewer: see ticket ÄÖ-12 🚀\n{EMPTY_BLOCK}\nLater remark.");
    let notes = place(&current, &tally, &rules, NotesMode::ReplaceBlock).unwrap();
    assert_eq!(
        notes,
        format!("Reviewer: see ticket ÄÖ-12 🚀\n{SEED_EXAMPLE}\nLater remark.")
    );
    // Running again changes nothing.
    assert_eq!(
        place(&notes, &tally, &rules, NotesMode::ReplaceBlock).unwrap(),
        notes
    );
}

#[test]
fn replace_block_appends_after_one_blank_line_or_fills_empty_notes() {
    let (tally, rules) = seed_question();
    let place = |current: &str| place(current, &tally, &rules, NotesMode::ReplaceBlock).unwrap();
    assert_eq!(place(""), SEED_EXAMPLE);
    assert_eq!(place("My notes"), format!("My notes\n\n{SEED_EXAMPLE}"));
    assert_eq!(place("My notes\n"), format!("My notes\n\n{SEED_EXAMPLE}"));
    assert_eq!(place("My notes\n\n"), format!("My notes\n\n{SEED_EXAMPLE}"));
}

#[test]
fn overwrite_drops_everything_else() {
    let (tally, rules) = seed_question();
    let notes = place("Mine\n\n", &tally, &rules, NotesMode::Overwrite).unwrap();
    assert_eq!(notes, SEED_EXAMPLE);
}

#[test]
fn a_lookalike_block_the_reviewer_edited_is_not_replaced() {
    let (tally, rules) = seed_question();
    let edited = EMPTY_BLOCK.replace("By risk level", "By risk level (see below)");
    let notes = place(&edited, &tally, &rules, NotesMode::ReplaceBlock).unwrap();
    assert!(notes.starts_with(&edited), "the edited text stays");
    assert!(notes.ends_with(SEED_EXAMPLE));
}

#[test]
fn crlf_blocks_are_recognised() {
    let (tally, rules) = seed_question();
    let current = format!("Top\r\n{}\r\nBottom", EMPTY_BLOCK.replace('\n', "\r\n"));
    let notes = place(&current, &tally, &rules, NotesMode::ReplaceBlock).unwrap();
    assert_eq!(notes, format!("Top\r\n{SEED_EXAMPLE}\r\nBottom"));
}

#[test]
fn reviewer_text_is_never_cut_and_the_list_shrinks_instead() {
    let ids = rule_ids(60);
    // Multi-byte reviewer text: '€' is one UTF-16 unit, '𝄞' two.
    let reviewer = format!("{}{}", "€".repeat(900), "𝄞".repeat(300));
    let notes = place(&reviewer, &Tally::default(), &ids, NotesMode::ReplaceBlock).unwrap();
    assert!(notes.starts_with(&reviewer));
    assert!(utf16_len(&notes) <= NOTES_LIMIT);
    assert!(notes.contains(" more]"));
}

#[test]
fn no_room_is_reported_not_written() {
    let reviewer = "x".repeat(NOTES_LIMIT - utf16_len(EMPTY_BLOCK) - 1);
    let none: [&str; 0] = [];
    let err = place(&reviewer, &Tally::default(), &none, NotesMode::ReplaceBlock).unwrap_err();
    assert_eq!(err.kept, reviewer.len() + 2);
    assert!(err.to_string().contains("shorten it"));
    // Overwrite ignores the reviewer's text, so it always fits.
    assert!(place(&reviewer, &Tally::default(), &none, NotesMode::Overwrite).is_ok());
}
