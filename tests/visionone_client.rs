//! The real Vision One client against the fake Vision One API on 127.0.0.1, and the same checks
//! served by the fake Conformity API: both sources must give the same counts and notes.

mod support;

use std::time::{Duration, Instant};
use support::{conformity_client, expected_visionone, fast_retry};
use wa_sync_engine::checks::{NoProgress, RiskLevel, RuleSettings, TagFilter};
use wa_sync_engine::conformity::ApiKey;
use wa_sync_engine::mapping::Mapping;
use wa_sync_engine::notes::{render_block, NOTES_LIMIT};
use wa_sync_engine::preview::{collect, Collected, Source};
use wa_sync_engine::summary::Summary;
use wa_sync_engine::visionone::{VisionOneClient, VisionOneOptions};
use wa_sync_fakes::conformity::{self as cfake, FakeConformity};
use wa_sync_fakes::visionone::{self as vfake, CountMode, FakeVisionOne, FieldStyle, Fixture};

const KEY: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.Secr3tVisionOneKey";
const CONFORMITY_KEY: &str = "tmc12test:Secr3tKeyValue";
const ACCOUNT: &str = "3c8f0d33-65f0-4802-97f3-4475bb70e43e";
const AWS_ACCOUNT: &str = "123456789012";
const CHECKS_PATH: &str = "/beta/cloudPosture/checks";

fn options() -> VisionOneOptions {
    VisionOneOptions {
        retry: fast_retry(),
        requests_per_second: 0.0,
        timeout: Duration::from_secs(10),
        rate_window: Duration::from_millis(10),
        ..VisionOneOptions::default()
    }
}

fn client_with(fake: &FakeVisionOne, key: &str, options: VisionOneOptions) -> VisionOneClient {
    VisionOneClient::new(
        fake.base_url().parse().unwrap(),
        ApiKey::new(key).unwrap(),
        options,
    )
    .unwrap()
}

fn client(fake: &FakeVisionOne) -> VisionOneClient {
    client_with(fake, KEY, options())
}

fn fixture(checks: Vec<cfake::Check>) -> Fixture {
    Fixture {
        checks,
        ..Fixture::synthetic(KEY, ACCOUNT, AWS_ACCOUNT, 0, 0)
    }
}

async fn collect_visionone(client: &VisionOneClient, tags: &TagFilter) -> Collected {
    let source = Source::VisionOne {
        client,
        account_id: ACCOUNT.into(),
    };
    collect(&source, tags, &Mapping::builtin(), &NoProgress)
        .await
        .unwrap()
}

/// Every question's notes block, as it would be written.
fn notes(summary: &Summary) -> Vec<(String, Option<String>)> {
    summary
        .questions
        .iter()
        .map(|q| {
            let rules: Vec<&str> = q.rule_ids_to_review().collect();
            (
                q.question_id.clone(),
                q.covered
                    .then(|| render_block(&q.tally, &rules, NOTES_LIMIT))
                    .flatten(),
            )
        })
        .collect()
}

fn checks_requests(fake: &FakeVisionOne) -> Vec<vfake::RecordedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path == CHECKS_PATH)
        .collect()
}

#[tokio::test]
async fn the_same_checks_give_the_same_summary_and_notes_as_conformity() {
    let checks = cfake::synthetic_checks(4_000, ACCOUNT, 11);
    let disabled = checks[0].rule_id.clone();
    let rerated = checks
        .iter()
        .find(|c| c.rule_id != disabled)
        .unwrap()
        .rule_id
        .clone();
    let settings = vec![
        cfake::RuleSetting {
            id: disabled.clone(),
            enabled: false,
            risk_level: None,
        },
        cfake::RuleSetting {
            id: rerated.clone(),
            enabled: true,
            risk_level: Some("EXTREME".into()),
        },
    ];
    let conformity = FakeConformity::start(cfake::Fixture {
        api_key: CONFORMITY_KEY.into(),
        accounts: vec![cfake::Account {
            id: ACCOUNT.into(),
            name: "Production".into(),
            aws_account_id: AWS_ACCOUNT.into(),
            cloud_type: "aws".into(),
            environment: "prod".into(),
        }],
        services: cfake::services_from_rules_tsv(),
        rule_settings: [(ACCOUNT.to_string(), settings.clone())].into(),
        checks: checks.clone(),
        ..cfake::Fixture::default()
    })
    .await;
    let conformity = conformity_client(&conformity, CONFORMITY_KEY);
    let mapping = Mapping::builtin();

    for (style, count_mode) in [
        (FieldStyle::Documented, CountMode::Total),
        (FieldStyle::Variant, CountMode::PageSize),
        (FieldStyle::Documented, CountMode::Omitted),
    ] {
        let visionone = FakeVisionOne::start(Fixture {
            rule_settings: [(ACCOUNT.to_string(), settings.clone())].into(),
            field_style: style,
            count_mode,
            ..fixture(checks.clone())
        })
        .await;
        let client = client(&visionone);
        for tags in [
            TagFilter::default(),
            TagFilter::parse(&["Environment::production", "App::checkout"]).unwrap(),
        ] {
            let from_conformity = collect(
                &Source::Conformity {
                    client: &conformity,
                    account_id: ACCOUNT.into(),
                },
                &tags,
                &mapping,
                &NoProgress,
            )
            .await
            .unwrap();
            let from_visionone = collect_visionone(&client, &tags).await;
            let case = format!("{style:?}, count {count_mode:?}, tags {:?}", tags.values());
            // Conformity's checks also link each resource; no Vision One source shows such a link.
            assert_eq!(
                from_visionone.summary,
                without_resource_links(from_conformity.summary.clone()),
                "{case}"
            );
            assert_eq!(
                notes(&from_visionone.summary),
                notes(&from_conformity.summary),
                "{case}"
            );
            assert_eq!(
                from_visionone.stats.fetched, from_conformity.stats.fetched,
                "{case}"
            );
            let settings = client.rule_settings(ACCOUNT).await.unwrap();
            assert!(!settings[&disabled].enabled);
            assert_eq!(settings[&rerated].risk_level, Some(RiskLevel::Extreme));
            assert_eq!(
                from_visionone.summary,
                expected_visionone(&checks, &tags, settings, &mapping),
                "{case}"
            );
            assert!(from_visionone.summary.left_out.disabled_rule > 0);
            assert!(notes(&from_visionone.summary)
                .iter()
                .any(|(_, n)| n.is_some()));
        }
    }
}

#[tokio::test]
async fn the_filter_header_and_bearer_key_go_with_every_page() {
    let checks = cfake::synthetic_checks(1_000, ACCOUNT, 5);
    let fake = FakeVisionOne::start(fixture(checks.clone())).await;
    let client = client(&fake);
    let tags = TagFilter::parse(&["Environment::production"]).unwrap();
    let collected = collect_visionone(&client, &tags).await;
    let selected = checks.iter().filter(|c| tags.matches(&c.tags)).count() as u64;
    assert_eq!(collected.stats.fetched, selected);

    let requests = checks_requests(&fake);
    assert_eq!(requests.len() as u64, selected.div_ceil(200));
    assert!(requests.len() > 1, "several pages");
    let expected_filter =
        format!("accountId eq '{ACCOUNT}' and tags/any(tag: tag eq 'Environment::production')");
    for (i, request) in requests.iter().enumerate() {
        assert_eq!(request.status, 200);
        assert_eq!(
            request.filter.as_deref(),
            Some(expected_filter.as_str()),
            "page {i}"
        );
        assert_eq!(
            request.authorization.as_deref(),
            Some(format!("Bearer {KEY}").as_str())
        );
        assert_eq!(request.param("top"), Some("200"));
        assert_eq!(request.param("skipToken").is_some(), i > 0, "page {i}");
    }
}

#[tokio::test]
async fn the_fake_refuses_a_next_page_without_the_filter() {
    let fake = FakeVisionOne::start(fixture(cfake::synthetic_checks(300, ACCOUNT, 1))).await;
    let http = reqwest::Client::new();
    let filter = format!("accountId eq '{ACCOUNT}'");
    let first: serde_json::Value = http
        .get(format!("{}{CHECKS_PATH}?top=200", fake.base_url()))
        .bearer_auth(KEY)
        .header("TMV1-Filter", &filter)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let next = first["nextLink"].as_str().unwrap();
    let without = http.get(next).bearer_auth(KEY).send().await.unwrap();
    assert_eq!(without.status(), 400);
    let with = http
        .get(next)
        .bearer_auth(KEY)
        .header("TMV1-Filter", &filter)
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), 200);
}

#[tokio::test]
async fn a_wrong_key_and_a_key_without_the_role_say_so_without_showing_it() {
    let fake = FakeVisionOne::start(Fixture {
        forbidden_key: Some("NoRoleKeyS3cret".into()),
        ..fixture(vec![])
    })
    .await;
    let wrong = "WrongKeySup3rSecret";
    let err = client_with(&fake, wrong, options())
        .for_each_check(ACCOUNT, &TagFilter::default(), &NoProgress, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code(), "auth");
    let message = err.to_string();
    assert!(
        message.contains("401") && message.contains("region"),
        "{message}"
    );
    assert!(!message.contains("Sup3rSecret") && !format!("{err:?}").contains("Sup3rSecret"));
    assert_eq!(fake.count(CHECKS_PATH), 1, "401 is not retried");

    let no_role = client_with(&fake, "NoRoleKeyS3cret", options());
    no_role.test_connection().await.unwrap();
    let err = no_role.accounts().await.unwrap_err();
    assert_eq!(err.code(), "auth");
    assert!(
        err.to_string().contains("403") && err.to_string().contains("Cloud Risk Management"),
        "{err}"
    );
    assert!(!err.to_string().contains("S3cret"));
}

#[tokio::test]
async fn throttling_without_retry_after_waits_for_the_window_and_completes() {
    let checks = cfake::synthetic_checks(3_000, ACCOUNT, 9);
    let fake = FakeVisionOne::start(Fixture {
        throttle_every: 4,
        fail_5xx_every: 7,
        ..fixture(checks.clone())
    })
    .await;
    let client = client(&fake);
    let collected = collect_visionone(&client, &TagFilter::default()).await;
    assert_eq!(collected.stats.fetched, 3_000);
    let mapping = Mapping::builtin();
    assert_eq!(
        collected.summary,
        expected_visionone(
            &checks,
            &TagFilter::default(),
            RuleSettings::new(),
            &mapping
        )
    );
    let statuses: Vec<u16> = fake.requests().iter().map(|r| r.status).collect();
    assert!(statuses.contains(&429) && statuses.contains(&503));
}

#[tokio::test]
async fn the_rate_window_is_honoured_through_retry_after() {
    let fake = FakeVisionOne::start(Fixture {
        rate_limit: 3,
        rate_window: Duration::from_secs(1),
        ..fixture(cfake::synthetic_checks(1_000, ACCOUNT, 2))
    })
    .await;
    let options = VisionOneOptions {
        // Longer than the fake's window: only Retry-After explains a quick recovery.
        rate_window: Duration::from_secs(30),
        ..options()
    };
    let client = client_with(&fake, KEY, options);
    let start = Instant::now();
    let stats = client
        .for_each_check(ACCOUNT, &TagFilter::default(), &NoProgress, &mut |_| {})
        .await
        .unwrap();
    let elapsed = start.elapsed();
    assert_eq!(stats.fetched, 1_000);
    let throttled: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.status == 429)
        .collect();
    assert!(!throttled.is_empty());
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(15),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn retries_that_run_out_give_a_clear_error() {
    let fake = FakeVisionOne::start(Fixture {
        throttle_every: 1,
        throttle_retry_after: Some(0),
        ..fixture(vec![])
    })
    .await;
    let err = client(&fake).accounts().await.unwrap_err();
    assert_eq!(err.code(), "unavailable");
    assert!(
        err.to_string().contains("after 5 attempts") && err.to_string().contains("60-second"),
        "{err}"
    );
}

#[tokio::test]
async fn a_25000_check_account_is_read_completely_despite_the_cap() {
    let checks = cfake::synthetic_checks(25_000, ACCOUNT, 7);
    let mapping = Mapping::builtin();
    let reference = expected_visionone(
        &checks,
        &TagFilter::default(),
        RuleSettings::new(),
        &mapping,
    );
    for count_mode in [CountMode::Total, CountMode::PageSize] {
        let fake = FakeVisionOne::start(Fixture {
            count_mode,
            ..fixture(checks.clone())
        })
        .await;
        let client = client(&fake);
        let collected = collect_visionone(&client, &TagFilter::default()).await;
        assert_eq!(collected.stats.fetched, 25_000, "{count_mode:?}");
        assert_eq!(collected.stats.available, 25_000, "{count_mode:?}");
        assert!(collected.stats.splits >= 1, "{count_mode:?}");
        assert_eq!(collected.summary, reference, "{count_mode:?}");
        let requests = checks_requests(&fake);
        assert!(requests.iter().all(|r| r.status == 200));
        // Split filters keep `and` out of parentheses.
        assert!(requests.iter().any(|r| r
            .filter
            .as_deref()
            .is_some_and(|f| f.contains(" and status eq 'SUCCESS' and riskLevel eq "))));
        eprintln!(
            "25k via Vision One ({count_mode:?}): {} checks requests, {} splits",
            requests.len(),
            collected.stats.splits
        );
    }
}

#[tokio::test]
async fn a_small_cap_splits_down_to_services_and_reports_what_cannot_be_split() {
    let checks = cfake::synthetic_checks(2_500, ACCOUNT, 3);
    let mapping = Mapping::builtin();
    for count_mode in [CountMode::Total, CountMode::Omitted] {
        let fake = FakeVisionOne::start(Fixture {
            result_cap: 400,
            count_mode,
            ..fixture(checks.clone())
        })
        .await;
        let client = client_with(
            &fake,
            KEY,
            VisionOneOptions {
                result_cap: 400,
                ..options()
            },
        );
        let collected = collect_visionone(&client, &TagFilter::default()).await;
        assert_eq!(collected.stats.fetched, 2_500, "{count_mode:?}");
        assert_eq!(
            collected.summary,
            expected_visionone(
                &checks,
                &TagFilter::default(),
                RuleSettings::new(),
                &mapping
            )
        );
    }

    // Twenty identical checks under a cap of five: no filter can separate them.
    let same = cfake::synthetic_checks(1, ACCOUNT, 4)[0].clone();
    let twins: Vec<cfake::Check> = (0..20)
        .map(|i| cfake::Check {
            resource: format!("r-{i}"),
            ..same.clone()
        })
        .collect();
    let fake = FakeVisionOne::start(Fixture {
        result_cap: 5,
        ..fixture(twins)
    })
    .await;
    let client = client_with(
        &fake,
        KEY,
        VisionOneOptions {
            result_cap: 5,
            ..options()
        },
    );
    let stats = client
        .for_each_check(ACCOUNT, &TagFilter::default(), &NoProgress, &mut |_| {})
        .await
        .unwrap();
    assert_eq!((stats.fetched, stats.available), (5, 20));
}

#[tokio::test]
async fn a_filter_over_the_header_limit_is_refused_before_sending() {
    let fake = FakeVisionOne::start(fixture(vec![])).await;
    let client = client(&fake);
    let many: Vec<String> = (0..40).map(|i| format!("Team::{i:0>40}")).collect();
    let tags = TagFilter::parse(&many).unwrap();
    let err = client
        .for_each_check(ACCOUNT, &tags, &NoProgress, &mut |_| {})
        .await
        .unwrap_err();
    assert!(err.is_bad_input(), "{err}");
    // The engine names the field, not the CLI's flag (each face words it its own way).
    assert_eq!(err.field(), Some(wa_sync_engine::Field::FilterTag), "{err}");
    assert!(err.to_string().contains("1783"), "{err}");
    assert!(fake.requests().is_empty(), "nothing was sent");

    let bare = TagFilter::parse(&["production"]).unwrap();
    let err = client
        .for_each_check(ACCOUNT, &bare, &NoProgress, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        err.is_bad_input() && err.to_string().contains("key::value"),
        "{err}"
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn connectivity_accounts_and_the_aws_account_match() {
    let mut fx = fixture(vec![]);
    fx.accounts.push(vfake::Account {
        id: "other-uuid".into(),
        name: "Staging".into(),
        aws_account_id: "210987654321".into(),
        provider: "aws".into(),
    });
    let fake = FakeVisionOne::start(fx).await;
    let client = client(&fake);
    client.test_connection().await.unwrap();
    assert_eq!(client.accounts().await.unwrap().len(), 2);
    let account = client.account_for_aws_account(AWS_ACCOUNT).await.unwrap();
    assert_eq!(
        (account.id.as_str(), account.name.as_str()),
        (ACCOUNT, "Production")
    );
    let request = fake
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/v3.0/cloudRiskManagement/accounts")
        .unwrap();
    assert_eq!(
        request.filter.as_deref(),
        Some("awsAccountId eq '123456789012'")
    );
    let err = client
        .account_for_aws_account("999999999999")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(client
        .account_for_aws_account("12345")
        .await
        .unwrap_err()
        .is_bad_input());

    // A tenant without the GA accounts endpoint: the beta list, matched locally.
    fake.set_fixture(|f| f.no_v3_accounts = true);
    let account = client
        .account_for_aws_account("210987654321")
        .await
        .unwrap();
    assert_eq!(account.id, "other-uuid");
    assert!(fake.count("/beta/cloudPosture/accounts") > 0);
}

#[tokio::test]
async fn the_posture_path_prefix_is_configurable() {
    let checks = cfake::synthetic_checks(50, ACCOUNT, 8);
    let fake = FakeVisionOne::start(Fixture {
        posture_prefix: "v3.0".into(),
        ..fixture(checks)
    })
    .await;
    let err = client(&fake)
        .for_each_check(ACCOUNT, &TagFilter::default(), &NoProgress, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    let ga = client_with(
        &fake,
        KEY,
        VisionOneOptions {
            posture_prefix: "v3.0".into(),
            ..options()
        },
    );
    let stats = ga
        .for_each_check(ACCOUNT, &TagFilter::default(), &NoProgress, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(stats.fetched, 50);
    assert!(fake.count("/v3.0/cloudPosture/checks") > 0);
}

#[tokio::test]
async fn an_unknown_account_has_no_rule_settings() {
    let fake = FakeVisionOne::start(fixture(vec![])).await;
    let settings = client(&fake)
        .rule_settings("no-such-account")
        .await
        .unwrap();
    assert!(settings.is_empty());
}

#[tokio::test]
async fn counting_takes_one_request_when_the_first_page_states_the_size() {
    let checks = cfake::synthetic_checks(2_500, ACCOUNT, 11);
    let tags = TagFilter::parse(&["Environment::production"]).unwrap();
    let matching = checks.iter().filter(|c| tags.matches(&c.tags)).count() as u64;
    assert!(matching > 200, "more than a page must match: {matching}");
    for (count_mode, one_request) in [
        (CountMode::Total, true),
        (CountMode::PageSize, false),
        (CountMode::Omitted, false),
    ] {
        let fake = FakeVisionOne::start(Fixture {
            count_mode,
            ..fixture(checks.clone())
        })
        .await;
        let client = client(&fake);
        assert_eq!(
            client.count_checks(ACCOUNT, &tags).await.unwrap(),
            matching,
            "{count_mode:?}"
        );
        assert_eq!(
            client
                .count_checks(ACCOUNT, &TagFilter::default())
                .await
                .unwrap(),
            2_500,
            "{count_mode:?}"
        );
        let requests = checks_requests(&fake).len();
        if one_request {
            assert_eq!(requests, 2, "one request per count");
        } else {
            assert!(requests > 2, "{count_mode:?}: the size had to be read");
        }
    }
}

#[tokio::test]
async fn a_two_page_next_link_cycle_ends_at_once() {
    let fake = FakeVisionOne::start(Fixture {
        // Pages at offsets 200 and 400 point at each other.
        next_link_back: Some((600, 200)),
        ..fixture(cfake::synthetic_checks(1_000, ACCOUNT, 2))
    })
    .await;
    let err = client(&fake)
        .for_each_check(ACCOUNT, &TagFilter::default(), &NoProgress, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("goes back to a page already read"),
        "{err}"
    );
    assert_eq!(
        checks_requests(&fake).len(),
        3,
        "stopped at the first repeat"
    );
}

#[tokio::test]
async fn a_next_link_off_the_list_is_refused() {
    let fake = FakeVisionOne::start(Fixture {
        next_link_path: Some("/beta/cloudPosture/accounts".into()),
        ..fixture(cfake::synthetic_checks(1_000, ACCOUNT, 2))
    })
    .await;
    let err = client(&fake)
        .for_each_check(ACCOUNT, &TagFilter::default(), &NoProgress, &mut |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("leaves the list"), "{err}");
    assert_eq!(checks_requests(&fake).len(), 1);
}

#[tokio::test]
async fn a_redirect_to_another_host_is_refused() {
    let elsewhere = FakeVisionOne::start(fixture(vec![])).await;
    let fake = FakeVisionOne::start(fixture(vec![])).await;
    let other = elsewhere.base_url().replace("127.0.0.1", "localhost");
    fake.set_faults(|f| f.redirect_to = Some(other.clone()));
    let err = client(&fake).accounts().await.unwrap_err();
    assert!(
        err.to_string().contains(&other) && err.to_string().contains(&fake.base_url()),
        "{err}"
    );
    assert_eq!(elsewhere.traffic().requests, 0);
}

#[tokio::test]
async fn a_large_result_is_read_in_parallel_chains_with_the_same_counts() {
    let checks = cfake::synthetic_checks(6_000, ACCOUNT, 9);
    let fake = FakeVisionOne::start(fixture(checks.clone())).await;
    let client = client(&fake);
    let collected = collect_visionone(&client, &TagFilter::default()).await;
    let mapping = Mapping::builtin();
    assert_eq!(collected.stats.fetched, 6_000);
    assert_eq!(
        collected.summary,
        expected_visionone(
            &checks,
            &TagFilter::default(),
            RuleSettings::new(),
            &mapping
        )
    );
    // 30 pages are more than a chain should take: split up front by status and risk level.
    assert!(collected.stats.splits >= 1, "{:?}", collected.stats);
    let requests = checks_requests(&fake);
    assert!(requests.iter().any(|r| r
        .filter
        .as_deref()
        .is_some_and(|f| f.contains("riskLevel eq"))));
    assert!(requests.iter().all(|r| r.status == 200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_service_that_429s_above_a_rate_is_not_driven_into_a_storm() {
    // Few checks, so that the fake answers fast even in a debug build.
    let fake = FakeVisionOne::start(fixture(cfake::synthetic_checks(10, ACCOUNT, 9))).await;
    fake.set_faults(|f| f.max_rps = 25);
    let client = client(&fake);
    // Everything at once: only the shared pacing holds the requests back.
    let everything = TagFilter::default();
    let counts =
        futures::future::join_all((0..75).map(|_| client.count_checks(ACCOUNT, &everything))).await;
    for count in counts {
        assert_eq!(count.unwrap(), 10);
    }
    let traffic = fake.traffic();
    eprintln!("429 above 25 per second: {traffic:?}");
    assert!(
        traffic.throttled > 0,
        "the pacing had to adapt: {traffic:?}"
    );
    assert!(
        traffic.throttled * 4 <= traffic.requests,
        "a 429 storm: {traffic:?}"
    );
}

fn without_resource_links(mut summary: Summary) -> Summary {
    let rules = summary.rules.iter_mut();
    let question_rules = summary
        .questions
        .iter_mut()
        .flat_map(|q| q.rules.iter_mut());
    for rule in rules.chain(question_rules) {
        for resource in &mut rule.failing_resources {
            resource.link = None;
        }
    }
    summary
}
