//! Property tests of every parser that reads what a user types or a service sends: tag filters,
//! workload and role ARNs, external IDs, base URLs and regions, Conformity `/checks` pages and
//! rule settings, Vision One pages, saved checks files, mapping override files and backups.
//!
//! The property everywhere: no input makes wa-sync panic (a hang would stop the suite, which CI
//! notices). Where a valid input has a meaning, it also round-trips. Case counts are bounded so
//! `cargo test` stays quick; `PROPTEST_CASES` raises them for a longer local run.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use wa_sync_engine::checks::{validate_account_id, RiskLevel, TagFilter};
use wa_sync_engine::conformity::files;
use wa_sync_engine::conformity::model as conformity_model;
use wa_sync_engine::credentials::{validate_external_id, validate_role_arn};
use wa_sync_engine::mapping::{Lens, Mapping, Origin};
use wa_sync_engine::sync::Backup;
use wa_sync_engine::visionone::model as visionone_model;
use wa_sync_engine::visionone::{self, VisionOneClient};
use wa_sync_engine::wellarchitected::{QuestionNotes, WorkloadArn, WorkloadSnapshot};

/// Cases for cheap, in-memory properties.
const MANY: u32 = 1000;
/// Cases for properties that touch the file system.
const FEW: u32 = 256;

fn config(cases: u32) -> ProptestConfig {
    // PROPTEST_CASES, when set, wins (a longer hunt on a developer's machine).
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

// ---------- generators ----------

/// Any text, biased toward the characters parsers split on.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        3 => "[a-zA-Z0-9:/,._@=+ \t\n'\"-]{0,60}",
        1 => "[:/]{0,12}",
    ]
}

/// Keys the parsers look for, so generated objects reach their fields with any value type.
const KEYS: &[&str] = &[
    "data",
    "meta",
    "total",
    "attributes",
    "relationships",
    "rule",
    "account",
    "id",
    "type",
    "status",
    "risk-level",
    "suppressed",
    "excluded",
    "not-scored",
    "tags",
    "items",
    "nextLink",
    "@odata.nextLink",
    "count",
    "totalCount",
    "ruleId",
    "ruleID",
    "riskLevel",
    "severity",
    "notScored",
    "service",
    "resource",
    "resourceId",
    "accountId",
    "settings",
    "rules",
    "enabled",
    "isCustomized",
    "name",
    "awsAccountId",
    "awsaccount-id",
    "provider",
    "environment",
    "cloud-type",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        prop_oneof![
            Just("FAILURE"),
            Just("SUCCESS"),
            Just("HIGH"),
            Just("very high"),
            Just("EXTREME"),
            Just("true"),
            Just("ccc:acc:S3-001:S3:us-east-1:r"),
            Just("ccc:::"),
            Just("env::prod"),
            Just(""),
        ]
        .prop_map(Value::from),
        text().prop_map(Value::String),
    ]
}

/// JSON of any shape whose object keys are mostly the ones the parsers read.
fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 6, |inner| {
        let key = prop_oneof![
            4 => proptest::sample::select(KEYS).prop_map(str::to_string),
            1 => text(),
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key, inner), 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A well-formed Conformity check, as `GET /checks` returns it.
fn conformity_check() -> impl Strategy<Value = (Value, String, Vec<String>)> {
    (
        "[A-Z]{2,4}-[0-9]{3}",
        prop_oneof![Just("SUCCESS"), Just("FAILURE")],
        proptest::sample::select(&["LOW", "MEDIUM", "HIGH", "VERY_HIGH", "EXTREME"][..]),
        proptest::collection::vec("[A-Za-z]{1,8}::[A-Za-z0-9]{1,8}", 0..3),
        any::<(bool, bool, bool)>(),
    )
        .prop_map(
            |(rule, status, risk, tags, (suppressed, excluded, not_scored))| {
                let check = json!({
                    "type": "checks",
                    "id": format!("ccc:acc:{rule}:S3:us-east-1:r"),
                    "attributes": {
                        "region": "us-east-1", "status": status, "risk-level": risk,
                        "suppressed": suppressed, "excluded": excluded, "not-scored": not_scored,
                        "tags": tags,
                    },
                    "relationships": {
                        "rule": {"data": {"type": "rules", "id": rule}},
                        "account": {"data": {"type": "accounts", "id": "acc"}},
                    },
                });
                (check, rule, tags)
            },
        )
}

/// Random damage to a valid document: truncation, a flipped byte, an inserted byte.
fn damaged(bytes: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = bytes.len().max(1);
    (0..3u8, 0..len, any::<u8>()).prop_map(move |(how, at, byte)| {
        let mut out = bytes.clone();
        let at = at.min(out.len());
        match how {
            0 => out.truncate(at),
            1 if at < out.len() => out[at] ^= byte | 1,
            _ => out.insert(at, byte),
        }
        out
    })
}

fn lens_question_ids() -> Vec<String> {
    Lens::builtin()
        .questions
        .iter()
        .map(|q| q.question_id.clone())
        .collect()
}

// ---------- tag filters ----------

proptest! {
    #[test]
    fn account_ids_are_accepted_exactly_when_they_are_safe_to_send(id in any::<String>()) {
        let safe = !id.is_empty()
            && id.len() <= 64
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        match validate_account_id(&id) {
            Ok(()) => prop_assert!(safe, "{id:?} accepted"),
            Err(e) => prop_assert!(!safe && e.is_bad_input(), "{id:?}: {e}"),
        }
    }

    #[test]
    fn uuids_and_legacy_ids_are_account_ids(id in "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9_-]{9}") {
        prop_assert!(validate_account_id(&id).is_ok());
    }
}

proptest! {
    #![proptest_config(config(MANY))]

    #[test]
    fn tag_filters_never_panic_and_accepted_ones_parse_again(
        values in proptest::collection::vec(text(), 0..5),
        tags in proptest::collection::vec(text(), 0..5),
    ) {
        if let Ok(filter) = TagFilter::parse(&values) {
            prop_assert_eq!(&TagFilter::parse(filter.values()).unwrap(), &filter);
            if let Some(query) = filter.query_value() {
                // No accepted value has a comma, so the query splits back into the values.
                prop_assert_eq!(query.split(',').collect::<Vec<_>>(), filter.values());
            }
            let _ = filter.matches(&tags);
            let _ = VisionOneClient::checks_filter("acc", &filter);
        }
    }

    #[test]
    fn a_whole_tag_matches_by_key_value_and_whole_text_ignoring_case(
        key in "[A-Za-zÀ-ÿ0-9_.-]{1,20}",
        value in "[A-Za-zÀ-ÿ0-9_.-]{1,20}",
    ) {
        let tag = format!("{key}::{value}");
        let mut wanted = vec![key.clone(), value.clone(), tag.clone(), tag.to_ascii_uppercase()];
        // Case is ignored letter by letter: `ß` upper-cases to `SS`, which no longer matches it.
        if tag.to_uppercase().to_lowercase() == tag.to_lowercase() {
            wanted.push(tag.to_uppercase());
        }
        for wanted in wanted {
            let filter = TagFilter::parse(&[&wanted]).unwrap();
            prop_assert!(filter.matches(&[&tag]), "{wanted} should select {tag}");
        }
        // Vision One needs whole tags: a whole one gives a filter within the header's limit.
        let whole = TagFilter::parse(&[&tag]).unwrap();
        let header = VisionOneClient::checks_filter("acc", &whole).unwrap();
        prop_assert!(header.contains(&visionone::filter::quote(&tag)));
    }
}

// ---------- ARNs and IDs ----------

fn region() -> impl Strategy<Value = String> {
    "[a-z]{2}(-gov)?-[a-z]{4,9}-[1-9]"
}

proptest! {
    #![proptest_config(config(MANY))]

    #[test]
    fn workload_arns_never_panic_and_accepted_ones_print_back(text in text()) {
        if let Ok(arn) = WorkloadArn::parse(&text) {
            prop_assert_eq!(WorkloadArn::parse(&arn.to_string()).unwrap(), arn);
        }
    }

    #[test]
    fn well_formed_workload_arns_round_trip(
        partition in prop_oneof![Just("aws"), Just("aws-cn"), Just("aws-us-gov")],
        region in region(),
        account in "[0-9]{12}",
        id in "[0-9a-f]{32}",
    ) {
        let text = format!("arn:{partition}:wellarchitected:{region}:{account}:workload/{id}");
        let arn = WorkloadArn::parse(&text).unwrap();
        prop_assert_eq!(arn.to_string(), text);
        prop_assert_eq!(&arn.account_id, &account);
        prop_assert_eq!(&arn.region, &region);
    }

    #[test]
    fn role_arns_and_external_ids_never_panic(text in text()) {
        let _ = validate_role_arn(&text);
        let _ = validate_external_id(&text);
    }

    #[test]
    fn well_formed_role_arns_are_accepted(
        account in "[0-9]{12}",
        path in "(/[a-z]{1,8}){0,2}",
        name in "[A-Za-z0-9+=,.@_-]{1,64}",
    ) {
        let arn = format!("arn:aws:iam::{account}:role{path}/{name}");
        prop_assert!(validate_role_arn(&arn).is_ok(), "{arn}");
        let bad = format!("arn:aws:iam::{account}x:role/{name}");
        prop_assert!(validate_role_arn(&bad).unwrap_err().is_bad_input());
    }
}

// ---------- base URLs and regions ----------

proptest! {
    #![proptest_config(config(MANY))]

    #[test]
    fn base_urls_never_panic_and_accepted_ones_are_safe_to_send_a_key_to(
        text in prop_oneof![
            text(),
            "(https?|ftp)://[a-z0-9.:@\\[\\]-]{0,30}(/[a-z?#=&%]{0,10}){0,3}",
        ],
        path in text(),
    ) {
        if let Ok(url) = wa_sync_engine::url::parse_base_url(&text, "--conformity-url") {
            prop_assert!(url.scheme() == "https" || url.scheme() == "http");
            prop_assert!(url.host_str().is_some_and(|h| !h.is_empty()));
            prop_assert!(url.username().is_empty() && url.password().is_none());
            prop_assert!(url.query().is_none() && url.fragment().is_none());
            let joined = wa_sync_engine::url::join(&url, &path);
            prop_assert_eq!(joined.host_str(), url.host_str());
            prop_assert_eq!(joined.scheme(), url.scheme());
        }
    }

    #[test]
    fn regions_never_panic_and_known_ones_give_safe_urls(
        conformity in text(),
        visionone in text(),
        url in proptest::option::of(text()),
    ) {
        if let Ok(base) = wa_sync_engine::conformity::base_url_for_region(&conformity) {
            prop_assert!(wa_sync_engine::url::parse_base_url(&base, "region").is_ok());
        }
        if let Ok(base) = visionone::base_url_for_region(&visionone) {
            prop_assert!(wa_sync_engine::url::parse_base_url(&base, "region").is_ok());
        }
        let _ = visionone::resolve_base_url(url.as_deref(), Some(&visionone));
    }
}

// ---------- Conformity pages and rule settings ----------

proptest! {
    #![proptest_config(config(MANY))]

    #[test]
    fn conformity_pages_of_any_shape_never_panic(page in json_value(), tags in text()) {
        let bytes = serde_json::to_vec(&page).unwrap();
        read_conformity_page(&bytes, &tags);
    }

    #[test]
    fn conformity_pages_of_any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        read_conformity_page(&bytes, "env::prod");
    }

    #[test]
    fn damaged_conformity_pages_never_panic(
        bytes in proptest::collection::vec(conformity_check(), 1..4).prop_flat_map(|checks| {
            let data: Vec<Value> = checks.into_iter().map(|(check, _, _)| check).collect();
            damaged(serde_json::to_vec(&json!({"data": data, "meta": {"total": 3}})).unwrap())
        }),
    ) {
        read_conformity_page(&bytes, "env::prod");
    }

    #[test]
    fn valid_conformity_pages_give_back_every_selected_check(
        checks in proptest::collection::vec(conformity_check(), 0..20),
        wanted in "[A-Za-z]{1,8}",
    ) {
        let data: Vec<Value> = checks.iter().map(|(check, _, _)| check.clone()).collect();
        let bytes = serde_json::to_vec(&json!({"data": data, "meta": {"total": data.len()}})).unwrap();
        let filter = TagFilter::parse(&[&wanted]).unwrap();
        let mut seen = Vec::new();
        let fed = conformity_model::visit_checks_page(&bytes, Some(&filter), &mut |c| {
            seen.push(c.rule_id.to_string());
        })
        .unwrap();
        let expected: Vec<String> = checks
            .iter()
            .filter(|(_, _, tags)| filter.matches(tags))
            .map(|(_, rule, _)| rule.clone())
            .collect();
        prop_assert_eq!(fed as usize, expected.len());
        prop_assert_eq!(seen, expected);
    }

    #[test]
    fn rule_settings_of_any_shape_never_panic(body in json_value()) {
        let bytes = serde_json::to_vec(&body).unwrap();
        if let Ok(response) = serde_json::from_slice::<conformity_model::RuleSettingsResponse>(&bytes) {
            let _ = response.into_settings();
        }
        if let Ok(page) = serde_json::from_slice::<visionone_model::ScanRulesPage>(&bytes) {
            let _ = visionone_model::into_settings(page.items.unwrap_or_default());
        }
        if let Ok(accounts) = serde_json::from_slice::<conformity_model::AccountsResponse>(&bytes) {
            let _ = accounts.data.into_vec();
        }
        if let Ok(page) = serde_json::from_slice::<visionone_model::AccountsPage>(&bytes) {
            for item in page.items.unwrap_or_default() {
                let _ = item.into_account();
            }
        }
    }

    #[test]
    fn rule_settings_keep_each_rule_and_level(
        rules in proptest::collection::btree_map(
            "[A-Z]{2,4}-[0-9]{3}",
            (any::<bool>(), proptest::option::of(proptest::sample::select(&["LOW", "HIGH", "EXTREME", "odd"][..]))),
            0..10,
        ),
    ) {
        let list: Vec<Value> = rules
            .iter()
            .map(|(id, (enabled, risk))| json!({"id": id, "enabled": enabled, "riskLevel": risk}))
            .collect();
        let body = json!({"data": {"attributes": {"settings": {"rules": list}}}});
        let settings = serde_json::from_value::<conformity_model::RuleSettingsResponse>(body)
            .unwrap()
            .into_settings();
        prop_assert_eq!(settings.len(), rules.len());
        for (id, (enabled, risk)) in &rules {
            let setting = &settings[id];
            prop_assert_eq!(setting.enabled, *enabled);
            prop_assert_eq!(setting.risk_level, risk.and_then(RiskLevel::parse));
        }
    }
}

/// Everything wa-sync does with a page: parse, visit with and without a filter, view each check.
fn read_conformity_page(bytes: &[u8], tag: &str) {
    if let Ok(page) = conformity_model::parse_checks_page(bytes) {
        for check in &page.data {
            let _ = check.view();
            let _ = check.tags();
        }
    }
    let _ = conformity_model::visit_checks_page(bytes, None, &mut |_| {});
    if let Ok(filter) = TagFilter::parse(&[tag]) {
        let _ = conformity_model::visit_checks_page(bytes, Some(&filter), &mut |_| {});
    }
}

// ---------- Vision One pages ----------

/// A Vision One check with each field under one of the names public code uses for it.
fn visionone_check() -> impl Strategy<Value = Value> {
    (
        "[A-Z]{2,4}-[0-9]{3}",
        any::<bool>(),
        proptest::sample::select(&["riskLevel", "risk-level", "severity"][..]),
        proptest::sample::select(&["VERY_HIGH", "very high", "Very-High", "low", "EXTREME"][..]),
        prop_oneof![Just(json!(true)), Just(json!("false")), Just(json!(null)), Just(json!(1))],
    )
        .prop_map(|(rule, rule_in_id, risk_key, risk, suppressed)| {
            let mut check = json!({
                "id": format!("ccc:acc:{}:S3:us-east-1:r", if rule_in_id { rule.as_str() } else { "" }),
                "status": "FAILURE",
                "suppressed": suppressed,
                "tags": ["env::prod"],
            });
            check[risk_key] = json!(risk);
            if !rule_in_id {
                check["ruleId"] = json!(rule);
            }
            check
        })
}

proptest! {
    #![proptest_config(config(MANY))]

    #[test]
    fn visionone_pages_of_any_shape_never_panic(page in json_value()) {
        read_visionone_page(&serde_json::to_vec(&page).unwrap());
    }

    #[test]
    fn visionone_pages_of_any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        read_visionone_page(&bytes);
    }

    #[test]
    fn damaged_visionone_pages_never_panic(
        bytes in proptest::collection::vec(visionone_check(), 1..4).prop_flat_map(|items| {
            damaged(serde_json::to_vec(&json!({"items": items, "count": 9, "nextLink": "https://h/x?skipToken=1"})).unwrap())
        }),
    ) {
        read_visionone_page(&bytes);
    }

    #[test]
    fn valid_visionone_checks_are_all_read(
        items in proptest::collection::vec(visionone_check(), 0..20),
        count in proptest::option::of(0u64..50),
        next in proptest::option::of(prop_oneof![Just(""), Just("https://h/next")]),
    ) {
        let mut page = json!({"items": items});
        if let Some(count) = count {
            page["count"] = json!(count);
        }
        if let Some(next) = next {
            page["nextLink"] = json!(next);
        }
        let bytes = serde_json::to_vec(&page).unwrap();
        let page = visionone_model::parse_checks_page(&bytes).unwrap();
        prop_assert_eq!(page.items().len(), items.len());
        for item in page.items() {
            let view = item.view().unwrap();
            prop_assert!(!view.rule_id.is_empty());
        }
        if let Some(total) = page.total() {
            prop_assert!(total >= items.len() as u64);
        }
    }
}

fn read_visionone_page(bytes: &[u8]) {
    if let Ok(page) = visionone_model::parse_checks_page(bytes) {
        let _ = page.next();
        let _ = page.total();
        for item in page.items() {
            let _ = item.view();
            let _ = item.tags();
            let _ = (item.rule_id(), item.service(), item.resource());
        }
    }
}

// ---------- saved files: checks, rule settings, mapping overrides, backups ----------

proptest! {
    #![proptest_config(config(FEW))]

    #[test]
    fn saved_checks_files_never_panic_and_count_what_the_preview_reads(
        file in prop_oneof![
            json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
            proptest::collection::vec(conformity_check(), 0..6).prop_map(|checks| {
                let data: Vec<Value> = checks.into_iter().map(|(check, _, _)| check).collect();
                serde_json::to_vec(&json!({"data": data})).unwrap()
            }),
            proptest::collection::vec(any::<u8>(), 0..256),
        ],
        wanted in "[A-Za-z]{1,8}",
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.json");
        std::fs::write(&path, &file).unwrap();
        let filter = TagFilter::parse(&[&wanted]).unwrap();
        let counted = files::count_checks(&[&path], &filter);
        let read = files::for_each_check(&[&path], &filter, &mut |_| {});
        match (counted, read) {
            (Ok((matching, total)), Ok(selected)) => {
                prop_assert_eq!(matching, selected);
                prop_assert!(matching <= total);
            }
            (Err(a), Err(b)) => prop_assert!(a.is_bad_input() && b.is_bad_input(), "{a} / {b}"),
            (a, b) => prop_assert!(false, "count and preview disagree: {a:?} / {b:?}"),
        }
        let _ = files::read_rule_settings(&path);
    }

    #[test]
    fn mapping_files_of_any_text_never_panic(
        lines in proptest::collection::vec(
            prop_oneof![
                text(),
                (text(), text(), text()).prop_map(|(a, b, c)| format!("{a}\t{b}\t{c}")),
                text().prop_map(|t| format!("# lens: {t}")),
                proptest::sample::select(lens_question_ids()).prop_map(|q| format!("X-1\t{q},{q}\tr")),
            ],
            0..8,
        ),
    ) {
        let text = lines.join("\n");
        let _ = Mapping::parse(&text, Origin::Builtin);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mapping.tsv");
        std::fs::write(&path, &text).unwrap();
        if let Err(e) = Mapping::load(Some(&path)) {
            prop_assert!(e.is_bad_input(), "{e}");
        }
    }

    #[test]
    fn well_formed_mapping_overrides_round_trip(
        entries in proptest::collection::btree_map(
            "[A-Z]{2,5}-[0-9]{3}",
            (
                proptest::sample::subsequence(lens_question_ids(), 0..4),
                "[a-z ]{0,20}",
            ),
            1..12,
        ),
    ) {
        let mut text = String::from("# lens: wellarchitected\nrule_id\tquestion_ids\treason\toutside_categories\n");
        for (rule, (questions, reason)) in &entries {
            let list = if questions.is_empty() { "-".to_string() } else { questions.join(",") };
            text.push_str(&format!("{rule}\t{list}\t{reason}\n"));
        }
        let mapping = Mapping::parse(&text, Origin::Builtin).unwrap();
        prop_assert_eq!(mapping.entries().len(), entries.len());
        for (rule, (questions, reason)) in &entries {
            let entry = mapping.get(rule).unwrap();
            prop_assert_eq!(&entry.question_ids, questions);
            prop_assert_eq!(&entry.reason, reason.trim());
            prop_assert_eq!(entry.question_indexes.len(), questions.len());
        }
    }

    #[test]
    fn backup_files_of_any_bytes_never_panic(
        file in prop_oneof![
            json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
            proptest::collection::vec(any::<u8>(), 0..256),
            backup().prop_flat_map(|b| damaged(serde_json::to_vec(&b).unwrap())),
        ],
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backup.json");
        std::fs::write(&path, &file).unwrap();
        if let Err(e) = Backup::read(&path) {
            prop_assert!(e.is_bad_input(), "{e}");
        }
    }

    #[test]
    fn backups_read_back_byte_for_byte(backup in backup()) {
        let dir = tempfile::tempdir().unwrap();
        let path = backup.write_to(dir.path()).unwrap();
        prop_assert_eq!(Backup::read(&path).unwrap(), backup);
    }
}

/// A backup with notes of any text (reviewers write anything: CRLF, emoji, control characters),
/// made as a sync makes it, so the checksum is the one a real backup carries.
fn backup() -> impl Strategy<Value = Backup> {
    let question = (
        proptest::sample::select(lens_question_ids()),
        any::<String>(),
        any::<String>(),
        proptest::option::of(any::<String>()),
    );
    (
        "[0-9a-f]{32}",
        any::<String>(),
        proptest::collection::vec(question, 0..6),
    )
        .prop_map(|(id, name, questions)| {
            let written: Vec<(String, String)> = questions
                .iter()
                .filter_map(|(question_id, _, _, text)| {
                    text.clone().map(|text| (question_id.clone(), text))
                })
                .collect::<BTreeMap<_, _>>()
                .into_iter()
                .collect();
            let snapshot = WorkloadSnapshot {
                workload_arn: format!(
                    "arn:aws:wellarchitected:eu-west-1:111122223333:workload/{id}"
                ),
                name,
                lens_alias: "wellarchitected".into(),
                lens_version: "2024-06-27".into(),
                questions: questions
                    .into_iter()
                    .map(|(question_id, title, notes, _)| QuestionNotes {
                        question_id,
                        pillar_id: "security".into(),
                        title,
                        notes,
                    })
                    .collect(),
            };
            Backup::of(&snapshot, "sync", &written)
        })
}
