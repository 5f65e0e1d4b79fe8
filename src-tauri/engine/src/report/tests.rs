use super::*;
use std::time::UNIX_EPOCH;

#[test]
fn thousands_and_score() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(25_000), "25,000");
    assert_eq!(thousands(1_234_567), "1,234,567");
    assert_eq!(score(3, 1), "75%");
    assert_eq!(score(0, 0), "-");
}

#[test]
fn every_format_names_each_account_counted_together() {
    use crate::checks::{demo, TagFilter};
    use crate::mapping::Mapping;
    use crate::notes::NotesMode;
    use crate::preview::{self, Collected};
    use crate::summary::Aggregator;

    let mapping = Mapping::builtin();
    let mut aggregator = Aggregator::new(&mapping, demo::rule_settings());
    for check in demo::checks().iter() {
        aggregator.add(&check.view());
    }
    let collected = Collected {
        summary: aggregator.finish(),
        stats: Default::default(),
    };
    let accounts = ["acc-east".to_string(), "acc-west".to_string()];
    let preview = preview::report_for_accounts(
        &accounts,
        &TagFilter::default(),
        &mapping,
        &collected,
        None,
        NotesMode::ReplaceBlock,
    );
    assert_eq!(preview.account_id, None);
    let report = Report::build(&preview, &collected, UNIX_EPOCH, None);
    assert_eq!(report.account_ids, accounts);
    let json: serde_json::Value = serde_json::from_slice(&Format::Json.render(&report)).unwrap();
    assert_eq!(json["account_ids"], serde_json::json!(accounts));
    assert_eq!(json["account_id"], serde_json::Value::Null);
    let csv = String::from_utf8(Format::Csv.render(&report)).unwrap();
    assert!(csv.lines().nth(1).unwrap().contains("acc-east | acc-west"));
    for format in [Format::Markdown, Format::Html] {
        let text = String::from_utf8(format.render(&report)).unwrap();
        assert!(
            text.contains("Accounts (counted together)") && text.contains("acc-east, acc-west"),
            "{format:?}"
        );
    }
}
