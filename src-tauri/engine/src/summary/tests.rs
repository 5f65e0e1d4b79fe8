use super::*;
use crate::checks::{Evidence, RuleSetting};
use crate::mapping::Origin;
use proptest::prelude::*;

fn mapping() -> Mapping {
    Mapping::parse(
        "A-1\tidentities\t\nA-2\tidentities,permissions\t\nB-1\tbacking-up-data\t\nN-1\t-\tinformational\n",
        Origin::Builtin,
    )
    .unwrap()
}

fn check(rule_id: &str, status: Status, risk: RiskLevel) -> Check<'_> {
    Check {
        rule_id,
        status: Some(status),
        risk_level: risk,
        suppressed: false,
        excluded: false,
        not_scored: false,
        evidence: Evidence::default(),
    }
}

#[test]
fn left_out_reasons_apply_in_the_spec_order() {
    let mapping = mapping();
    let mut settings = RuleSettings::new();
    settings.insert(
        "B-1".into(),
        RuleSetting {
            enabled: false,
            risk_level: None,
        },
    );
    let mut agg = Aggregator::new(&mapping, settings);
    let all_flags = |rule_id| Check {
        suppressed: true,
        excluded: true,
        not_scored: true,
        ..check(rule_id, Status::Failure, RiskLevel::High)
    };
    agg.add(&all_flags("UNKNOWN-1")); // unmapped wins over everything
    agg.add(&all_flags("N-1")); // known but maps to nothing: unmapped too
    agg.add(&all_flags("B-1")); // disabled wins over the flags
    agg.add(&all_flags("A-1")); // suppressed
    agg.add(&Check {
        suppressed: false,
        ..all_flags("A-1")
    }); // excluded
    agg.add(&Check {
        suppressed: false,
        excluded: false,
        ..all_flags("A-1")
    }); // not scored
    agg.add(&check("A-1", Status::Success, RiskLevel::Low));
    let summary = agg.finish();
    assert_eq!(
        summary.left_out,
        LeftOut {
            unmapped_rule: 2,
            disabled_rule: 1,
            suppressed: 1,
            excluded: 1,
            not_scored: 1
        }
    );
    assert_eq!((summary.fetched, summary.counted), (7, 1));
    let unmapped: Vec<(&str, bool)> = summary
        .unmapped_rules
        .iter()
        .map(|u| (u.rule_id.as_str(), u.known))
        .collect();
    assert_eq!(unmapped, [("N-1", true), ("UNKNOWN-1", false)]);
}

#[test]
fn configured_risk_level_wins_over_the_checks_own() {
    let mapping = mapping();
    let mut settings = RuleSettings::new();
    settings.insert(
        "A-1".into(),
        RuleSetting {
            enabled: true,
            risk_level: Some(RiskLevel::Extreme),
        },
    );
    let mut agg = Aggregator::new(&mapping, settings);
    agg.add(&check("A-1", Status::Failure, RiskLevel::Low));
    agg.add(&check("A-2", Status::Failure, RiskLevel::Low));
    let summary = agg.finish();
    let q = summary.question("identities").unwrap();
    assert_eq!(q.tally.failures_at(RiskLevel::Extreme), 1);
    assert_eq!(q.tally.failures_at(RiskLevel::Low), 1);
    assert_eq!(q.rule_ids_to_review().collect::<Vec<_>>(), ["A-1", "A-2"]);
}

#[test]
fn a_rule_counts_in_each_of_its_questions_but_once_per_pillar() {
    let mapping = mapping();
    let mut agg = Aggregator::new(&mapping, RuleSettings::new());
    agg.add(&check("A-2", Status::Failure, RiskLevel::Medium));
    agg.add(&check("B-1", Status::Success, RiskLevel::Medium));
    let summary = agg.finish();
    assert_eq!(summary.question("identities").unwrap().tally.failures(), 1);
    assert_eq!(summary.question("permissions").unwrap().tally.failures(), 1);
    let security = summary
        .pillars
        .iter()
        .find(|p| p.pillar_id == "security")
        .unwrap();
    assert_eq!(
        security.tally.failures(),
        1,
        "A-2's check is one check in the pillar"
    );
    let reliability = summary
        .pillars
        .iter()
        .find(|p| p.pillar_id == "reliability")
        .unwrap();
    assert_eq!(reliability.tally.successes(), 1);
    assert!(!summary.question("priorities").unwrap().covered);
    assert!(summary.question("backing-up-data").unwrap().covered);
}

#[test]
fn statuses_other_than_success_and_failure_are_not_counted() {
    let mapping = mapping();
    let mut agg = Aggregator::new(&mapping, RuleSettings::new());
    agg.add(&Check {
        status: None,
        ..check("A-1", Status::Success, RiskLevel::Low)
    });
    let summary = agg.finish();
    assert_eq!((summary.fetched, summary.counted), (1, 0));
    assert_eq!(summary.question("identities").unwrap().tally.total(), 0);
}

#[test]
fn review_order_is_risk_then_failures_then_rule_id() {
    let mapping = Mapping::parse(
        "R-B\tidentities\t\nR-A\tidentities\t\nR-C\tidentities\t\nR-D\tidentities\t\nR-E\tidentities\t\n",
        Origin::Builtin,
    )
    .unwrap();
    let mut agg = Aggregator::new(&mapping, RuleSettings::new());
    for (rule, risk, failures) in [
        ("R-A", RiskLevel::Medium, 2),
        ("R-B", RiskLevel::Medium, 2),
        ("R-C", RiskLevel::Medium, 5),
        ("R-D", RiskLevel::High, 1),
    ] {
        for _ in 0..failures {
            agg.add(&check(rule, Status::Failure, risk));
        }
    }
    // R-E has only successes, even at a high risk: it is not to be reviewed.
    agg.add(&check("R-E", Status::Success, RiskLevel::Extreme));
    // A low-risk failure does not lower R-A's rank, which is its highest failing risk.
    agg.add(&check("R-A", Status::Failure, RiskLevel::Low));
    let summary = agg.finish();
    let order: Vec<&str> = summary
        .question("identities")
        .unwrap()
        .rule_ids_to_review()
        .collect();
    assert_eq!(order, ["R-D", "R-C", "R-A", "R-B"]);
}

proptest! {
    #[test]
    fn totals_are_the_sums_and_never_exceed_the_checks(
        checks in proptest::collection::vec((0usize..5, any::<bool>(), 0usize..5, any::<u8>()), 0..400)
    ) {
        let mapping = mapping();
        let rules = ["A-1", "A-2", "B-1", "N-1", "X-9"];
        let mut agg = Aggregator::new(&mapping, RuleSettings::new());
        for (rule, success, risk, flags) in &checks {
            agg.add(&Check {
                rule_id: rules[*rule],
                status: Some(if *success { Status::Success } else { Status::Failure }),
                risk_level: RiskLevel::DESCENDING[*risk],
                suppressed: flags % 7 == 0,
                excluded: flags % 11 == 0,
                not_scored: flags % 13 == 0,
                evidence: Evidence::default(),
            });
        }
        let summary = agg.finish();
        prop_assert_eq!(summary.fetched, checks.len() as u64);
        prop_assert_eq!(summary.counted + summary.left_out.total(), summary.fetched);
        for q in &summary.questions {
            let by_rows: u64 = RiskLevel::DESCENDING
                .iter()
                .map(|r| q.tally.successes_at(*r) + q.tally.failures_at(*r))
                .sum();
            prop_assert_eq!(q.tally.total(), by_rows);
            prop_assert!(q.tally.total() <= summary.counted);
            let from_rules: u64 = q.rules.iter().map(|r| r.tally.total()).sum();
            prop_assert_eq!(q.tally.total(), from_rules);
        }
        for p in &summary.pillars {
            prop_assert!(p.tally.total() <= summary.counted);
        }
        let per_rule: u64 = summary.rules.iter().map(|r| r.tally.total()).sum();
        prop_assert_eq!(per_rule, summary.counted);
    }
}

fn failing(rule_id: &str, risk: RiskLevel, resource: &str) -> (RiskLevel, String, String) {
    (risk, rule_id.to_string(), resource.to_string())
}

#[test]
fn a_million_failures_of_one_rule_keep_only_the_riskiest_bound() {
    let mapping = mapping();
    let mut agg = Aggregator::new(&mapping, RuleSettings::new());
    let mut resource = String::new();
    let total = 1_000_000u64;
    for n in 0..total {
        use std::fmt::Write;
        resource.clear();
        write!(resource, "res-{n:07}").unwrap();
        // Seven in a million are EXTREME, scattered; the rest LOW or MEDIUM.
        let risk = match n {
            13 | 150_001 | 333_333 | 500_000 | 750_017 | 999_998 | 999_999 => RiskLevel::Extreme,
            n if n % 2 == 0 => RiskLevel::Medium,
            _ => RiskLevel::Low,
        };
        agg.add(&Check {
            evidence: Evidence {
                rule_title: Some("Rule A one"),
                resource: Some(&resource),
                region: Some("us-east-1"),
                knowledge_base_url: Some("https://kb.example/A-1.html"),
                ..Evidence::default()
            },
            ..check("A-1", Status::Failure, risk)
        });
    }
    agg.add(&check("A-1", Status::Success, RiskLevel::Low));
    let summary = agg.finish();
    let rule = &summary.rules[0];
    assert_eq!(rule.tally.failures(), total);
    assert_eq!(rule.failing_resources.len(), FAILING_RESOURCES_KEPT);
    let kept: Vec<(RiskLevel, String)> = rule
        .failing_resources
        .iter()
        .map(|f| (f.risk_level, f.resource.clone().unwrap()))
        .collect();
    let extreme = [
        "0000013", "0150001", "0333333", "0500000", "0750017", "0999998", "0999999",
    ];
    for (i, n) in extreme.iter().enumerate() {
        assert_eq!(kept[i], (RiskLevel::Extreme, format!("res-{n}")));
    }
    // Then the MEDIUM failures with the first resource names (the even numbers).
    let medium: Vec<String> = (0..)
        .step_by(2)
        .filter(|n| *n != 500_000)
        .take(FAILING_RESOURCES_KEPT - extreme.len())
        .map(|n| format!("res-{n:07}"))
        .collect();
    let kept_medium: Vec<&str> = kept[extreme.len()..]
        .iter()
        .map(|(risk, r)| {
            assert_eq!(*risk, RiskLevel::Medium);
            r.as_str()
        })
        .collect();
    assert_eq!(kept_medium, medium);
    assert_eq!(rule.title.as_deref(), Some("Rule A one"));
    assert_eq!(
        rule.knowledge_base_url.as_deref(),
        Some("https://kb.example/A-1.html")
    );
    assert_eq!(summary.question("identities").unwrap().rules[0], *rule);
}

#[test]
fn the_kept_failures_do_not_depend_on_the_order_checks_arrive_in() {
    let mapping = mapping();
    let checks: Vec<(RiskLevel, String, String)> = (0..500)
        .map(|n| {
            let risk = RiskLevel::DESCENDING[(n * 7) % 5];
            failing("A-1", risk, &format!("r{:03}", (n * 37) % 500))
        })
        .collect();
    let kept = |order: &mut dyn Iterator<Item = &(RiskLevel, String, String)>| {
        let mut agg = Aggregator::new(&mapping, RuleSettings::new());
        for (risk, rule_id, resource) in order {
            agg.add(&Check {
                evidence: Evidence {
                    resource: Some(resource),
                    ..Evidence::default()
                },
                ..check(rule_id, Status::Failure, *risk)
            });
        }
        agg.finish().rules[0].failing_resources.clone()
    };
    let forward = kept(&mut checks.iter());
    assert_eq!(forward, kept(&mut checks.iter().rev()));
    assert!(forward
        .windows(2)
        .all(|w| (std::cmp::Reverse(w[0].risk_level), &w[0].resource)
            <= (std::cmp::Reverse(w[1].risk_level), &w[1].resource)));
    assert_eq!(forward[0].risk_level, RiskLevel::Extreme);
    assert_eq!(forward.len(), FAILING_RESOURCES_KEPT);
}

#[test]
fn links_other_than_https_are_dropped_and_an_account_risk_setting_ranks_failures() {
    let mapping = mapping();
    let mut settings = RuleSettings::new();
    settings.insert(
        "A-2".into(),
        RuleSetting {
            enabled: true,
            risk_level: Some(RiskLevel::Extreme),
        },
    );
    let mut agg = Aggregator::new(&mapping, settings);
    for (rule_id, kb, link) in [
        ("A-1", "javascript:alert(1)", "http://console.example/x"),
        ("A-2", "https://kb.example/A-2.html", "file:///etc/passwd"),
        ("B-1", "  ", "https://console.example/b"),
    ] {
        agg.add(&Check {
            evidence: Evidence {
                resource: Some("r"),
                link: Some(link),
                knowledge_base_url: Some(kb),
                ..Evidence::default()
            },
            ..check(rule_id, Status::Failure, RiskLevel::Low)
        });
    }
    let summary = agg.finish();
    let rule = |id: &str| summary.rules.iter().find(|r| r.rule_id == id).unwrap();
    assert_eq!(rule("A-1").knowledge_base_url, None);
    assert_eq!(rule("A-1").failing_resources[0].link, None);
    assert_eq!(
        rule("A-2").knowledge_base_url.as_deref(),
        Some("https://kb.example/A-2.html")
    );
    assert_eq!(rule("A-2").failing_resources[0].link, None);
    assert_eq!(
        rule("A-2").failing_resources[0].risk_level,
        RiskLevel::Extreme
    );
    assert_eq!(rule("A-2").risk_level(), Some(RiskLevel::Extreme));
    assert_eq!(
        rule("B-1").failing_resources[0].link.as_deref(),
        Some("https://console.example/b")
    );
}

/// A check with a resource, so the kept failures can be compared.
fn on_resource<'a>(
    rule_id: &'a str,
    status: Status,
    risk: RiskLevel,
    resource: &'a str,
) -> Check<'a> {
    Check {
        evidence: Evidence {
            resource: Some(resource),
            ..Evidence::default()
        },
        ..check(rule_id, status, risk)
    }
}

proptest! {
    #[test]
    fn merging_accounts_counted_apart_equals_counting_them_together(
        checks in proptest::collection::vec(
            (0usize..2, 0usize..5, any::<bool>(), 0usize..5, 0u16..60, any::<u8>()),
            0..300,
        )
    ) {
        let mapping = mapping();
        let rules = ["A-1", "A-2", "B-1", "N-1", "X-9"];
        let resources: Vec<String> = (0..60).map(|n| format!("res-{n:02}")).collect();
        let as_check = |(_, rule, success, risk, resource, flags): &(usize, usize, bool, usize, u16, u8)| Check {
            suppressed: flags % 7 == 0,
            excluded: flags % 11 == 0,
            ..on_resource(
                rules[*rule],
                if *success { Status::Success } else { Status::Failure },
                RiskLevel::DESCENDING[*risk],
                &resources[*resource as usize],
            )
        };
        let mut together = Aggregator::new(&mapping, RuleSettings::new());
        let mut apart = [
            Aggregator::new(&mapping, RuleSettings::new()),
            Aggregator::new(&mapping, RuleSettings::new()),
        ];
        for c in &checks {
            together.add(&as_check(c));
            apart[c.0].add(&as_check(c));
        }
        let [first, second] = apart;
        let merged = Summary::merge(&mapping, [first.finish(), second.finish()]);
        prop_assert_eq!(merged, together.finish());
    }
}

#[test]
fn each_account_is_counted_under_its_own_rule_settings() {
    let mapping = mapping();
    let disabled_b1 = RuleSettings::from([(
        "B-1".to_string(),
        RuleSetting {
            enabled: false,
            risk_level: None,
        },
    )]);
    let a1_extreme = RuleSettings::from([(
        "A-1".to_string(),
        RuleSetting {
            enabled: true,
            risk_level: Some(RiskLevel::Extreme),
        },
    )]);
    // The first account disables B-1; the second raises A-1 to EXTREME.
    let mut first = Aggregator::new(&mapping, disabled_b1);
    first.add(&on_resource(
        "B-1",
        Status::Failure,
        RiskLevel::High,
        "one-b",
    ));
    first.add(&on_resource(
        "A-1",
        Status::Failure,
        RiskLevel::Low,
        "one-a",
    ));
    let mut second = Aggregator::new(&mapping, a1_extreme);
    second.add(&on_resource(
        "B-1",
        Status::Failure,
        RiskLevel::High,
        "two-b",
    ));
    second.add(&on_resource(
        "A-1",
        Status::Failure,
        RiskLevel::Low,
        "two-a",
    ));
    let merged = Summary::merge(&mapping, [first.finish(), second.finish()]);

    assert_eq!(merged.left_out.disabled_rule, 1);
    assert_eq!((merged.fetched, merged.counted), (4, 3));
    let backing_up = merged.question("backing-up-data").unwrap();
    assert_eq!(backing_up.tally.failures_at(RiskLevel::High), 1);
    assert_eq!(
        backing_up.rules[0].failing_resources[0].resource.as_deref(),
        Some("two-b")
    );
    let identities = merged.question("identities").unwrap();
    assert_eq!(identities.tally.failures_at(RiskLevel::Extreme), 1);
    assert_eq!(identities.tally.failures_at(RiskLevel::Low), 1);
    let kept: Vec<(RiskLevel, Option<&str>)> = identities.rules[0]
        .failing_resources
        .iter()
        .map(|f| (f.risk_level, f.resource.as_deref()))
        .collect();
    assert_eq!(
        kept,
        [
            (RiskLevel::Extreme, Some("two-a")),
            (RiskLevel::Low, Some("one-a"))
        ]
    );
}
