//! The real Conformity client against the fake Conformity API on 127.0.0.1.

mod support;

use support::{conformity_client, conformity_client_with, expected, fast_retry};
use wa_sync_engine::checks::{NoProgress, RiskLevel, RuleSettings, TagFilter};
use wa_sync_engine::conformity::ClientOptions;
use wa_sync_engine::mapping::Mapping;
use wa_sync_engine::preview::{collect, count_matching, Source, TagMatchCount};
use wa_sync_fakes::conformity::{self as fake, FakeConformity, Fixture};

const KEY: &str = "tmc12test:Secr3tKeyValue";
const ACCOUNT: &str = "5f1c0a9e-0d6b-4c55-9d5e-2a7f3b8c9d10";

fn fixture(checks: Vec<fake::Check>) -> Fixture {
    Fixture {
        api_key: KEY.into(),
        external_id: "ext-0000-1111".into(),
        accounts: vec![fake::Account {
            id: ACCOUNT.into(),
            name: "Production".into(),
            aws_account_id: "123456789012".into(),
            cloud_type: "aws".into(),
            environment: "prod".into(),
        }],
        services: fake::services_from_rules_tsv(),
        checks,
        ..Fixture::default()
    }
}

#[tokio::test]
async fn a_25000_check_account_is_read_completely_despite_the_cap_and_429s() {
    let checks = fake::synthetic_checks(25_000, ACCOUNT, 7);
    let fake = FakeConformity::start(Fixture {
        throttle_every: 9,
        ..fixture(checks.clone())
    })
    .await;
    let client = conformity_client(&fake, KEY);
    let mapping = Mapping::builtin();
    let source = Source::Conformity {
        client: &client,
        account_id: ACCOUNT.into(),
    };
    let collected = collect(&source, &TagFilter::default(), &mapping, &NoProgress)
        .await
        .unwrap();

    assert_eq!(collected.stats.fetched, 25_000);
    assert_eq!(collected.stats.available, 25_000);
    assert_eq!(
        collected.summary,
        expected(
            &checks,
            &TagFilter::default(),
            RuleSettings::new(),
            &mapping
        )
    );

    let served: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/checks" && r.status == 200)
        .collect();
    let throttled = fake.requests().iter().filter(|r| r.status == 429).count();
    assert!(throttled > 0, "the fake throttled some requests");
    // Each split throws away one probe page and may leave each part with one part-filled page.
    let splits = collected.stats.splits as usize;
    let parts = 1 + splits; // statuses split in 2, risk levels in 5: every split adds at least one part
    assert!(
        splits >= 1,
        "25,000 checks exceed the cap, so the query was split"
    );
    assert!(
        served.len() <= 25 + splits + parts * 4,
        "{} /checks requests for 25,000 checks with {splits} splits",
        served.len()
    );
    for request in &served {
        let size = request
            .query
            .iter()
            .find(|(k, _)| k == "page[size]")
            .map(|(_, v)| v.as_str());
        assert_eq!(size, Some("1000"));
        assert_eq!(
            request.authorization.as_deref(),
            Some(format!("ApiKey {KEY}").as_str())
        );
        assert_eq!(
            request.content_type.as_deref(),
            Some("application/vnd.api+json")
        );
    }
    eprintln!(
        "25k preview: {} /checks requests served, {} throttled, {} splits",
        served.len(),
        throttled,
        splits
    );
}

#[tokio::test]
async fn the_tag_filter_is_sent_and_disabled_rules_and_custom_risks_apply() {
    let checks = fake::synthetic_checks(3_000, ACCOUNT, 3);
    let disabled = checks[0].rule_id.clone();
    let rerated = checks
        .iter()
        .find(|c| c.rule_id != disabled)
        .unwrap()
        .rule_id
        .clone();
    let mut fx = fixture(checks.clone());
    fx.rule_settings.insert(
        ACCOUNT.into(),
        vec![
            fake::RuleSetting {
                id: disabled.clone(),
                enabled: false,
                risk_level: None,
            },
            fake::RuleSetting {
                id: rerated.clone(),
                enabled: true,
                risk_level: Some("EXTREME".into()),
            },
        ],
    );
    let fake = FakeConformity::start(fx).await;
    let client = conformity_client(&fake, KEY);
    let mapping = Mapping::builtin();
    let tags = TagFilter::parse(&["production", "App::checkout"]).unwrap();
    let source = Source::Conformity {
        client: &client,
        account_id: ACCOUNT.into(),
    };
    let collected = collect(&source, &tags, &mapping, &NoProgress)
        .await
        .unwrap();

    let settings = client.rule_settings(ACCOUNT).await.unwrap();
    assert!(!settings[&disabled].enabled);
    assert_eq!(settings[&rerated].risk_level, Some(RiskLevel::Extreme));
    assert_eq!(
        collected.summary,
        expected(&checks, &tags, settings, &mapping)
    );
    assert!(collected.summary.left_out.disabled_rule > 0);
    let request = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/checks")
        .unwrap();
    assert!(request.query.contains(&(
        "filter[filterTags]".into(),
        "production,App::checkout".into()
    )));
    assert!(request
        .query
        .contains(&("accountIds".into(), ACCOUNT.into())));
}

#[tokio::test]
async fn external_id_and_accounts() {
    let fake = FakeConformity::start(fixture(vec![])).await;
    let client = conformity_client(&fake, KEY);
    assert_eq!(client.external_id().await.unwrap(), "ext-0000-1111");
    let accounts = client.accounts().await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].aws_account_id.as_deref(), Some("123456789012"));
}

#[tokio::test]
async fn a_wrong_key_says_so_without_showing_it() {
    let fake = FakeConformity::start(fixture(vec![])).await;
    let wrong = "tmc12wrong:Sup3rSecretWrongKey";
    let err = conformity_client(&fake, wrong)
        .accounts()
        .await
        .unwrap_err();
    assert_eq!(err.code(), "auth");
    let message = err.to_string();
    assert!(
        message.contains("API key") && message.contains("401"),
        "{message}"
    );
    assert!(!message.contains("Sup3rSecret") && !format!("{err:?}").contains("Sup3rSecret"));
    assert_eq!(fake.count("/api/accounts"), 1, "401 is not retried");
}

#[tokio::test]
async fn retries_that_run_out_give_a_clear_error() {
    let fake = FakeConformity::start(Fixture {
        throttle_every: 1,
        ..fixture(vec![])
    })
    .await;
    let err = conformity_client(&fake, KEY)
        .external_id()
        .await
        .unwrap_err();
    assert_eq!(err.code(), "unavailable");
    assert!(err.to_string().contains("after 5 attempts"), "{err}");
    assert_eq!(fake.count("/api/organisation/external-id"), 5);
}

#[tokio::test]
async fn server_errors_are_retried() {
    let fake = FakeConformity::start(Fixture {
        fail_5xx_every: 2,
        ..fixture(vec![])
    })
    .await;
    let client = conformity_client(&fake, KEY);
    for _ in 0..3 {
        assert_eq!(client.external_id().await.unwrap(), "ext-0000-1111");
    }
}

#[tokio::test]
async fn an_unknown_account_is_named() {
    let fake = FakeConformity::start(fixture(vec![])).await;
    let settings = conformity_client(&fake, KEY)
        .rule_settings("no-such-account")
        .await
        .unwrap();
    assert!(
        settings.is_empty(),
        "404 on rule settings means none configured"
    );
}

#[tokio::test]
async fn the_tag_builder_count_takes_two_requests_whatever_the_size() {
    let checks = fake::synthetic_checks(25_000, ACCOUNT, 5);
    let tags = TagFilter::parse(&["production", "App::checkout"]).unwrap();
    let matching = checks.iter().filter(|c| tags.matches(&c.tags)).count() as u64;
    assert!(0 < matching && matching < 25_000, "{matching}");
    let fake = FakeConformity::start(fixture(checks)).await;
    let client = conformity_client(&fake, KEY);
    let source = Source::Conformity {
        client: &client,
        account_id: ACCOUNT.into(),
    };
    assert_eq!(
        count_matching(&source, &tags).await.unwrap(),
        TagMatchCount {
            matching,
            total: 25_000
        }
    );
    assert_eq!(fake.count("/api/checks"), 2, "one request per count");
    assert_eq!(
        count_matching(&source, &TagFilter::default())
            .await
            .unwrap(),
        TagMatchCount {
            matching: 25_000,
            total: 25_000
        }
    );
    assert_eq!(
        fake.count("/api/checks"),
        3,
        "no tags: the total is the count"
    );
}

#[tokio::test]
async fn a_pinned_rate_is_never_exceeded_even_with_pages_in_parallel() {
    let fake = FakeConformity::start(fixture(fake::synthetic_checks(5_000, ACCOUNT, 3))).await;
    let client = conformity_client_with(
        &fake,
        KEY,
        ClientOptions {
            retry: fast_retry(),
            requests_per_second: 4.0,
            ..ClientOptions::default()
        },
    );
    let stats = client
        .for_each_check(ACCOUNT, &TagFilter::default(), &NoProgress, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(stats.fetched, 5_000);
    let traffic = fake.traffic();
    // The first page, then the other four at once: only the ceiling spaces them.
    assert_eq!(traffic.requests, 5);
    assert!(traffic.max_per_second <= 4, "{traffic:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_service_that_429s_above_a_rate_is_not_driven_into_a_storm() {
    let fake = FakeConformity::start(fixture(fake::synthetic_checks(300, ACCOUNT, 7))).await;
    fake.set_faults(|f| f.max_rps = 30);
    let client = conformity_client(&fake, KEY);
    // Everything at once: only the shared pacing holds the requests back.
    let everything = TagFilter::default();
    let counts =
        futures::future::join_all((0..90).map(|_| client.count_checks(ACCOUNT, &everything))).await;
    for count in counts {
        assert_eq!(count.unwrap(), 300);
    }
    let traffic = fake.traffic();
    eprintln!("429 above 30 per second: {traffic:?}");
    assert!(
        traffic.throttled > 0,
        "the pacing had to adapt: {traffic:?}"
    );
    // Each 429 halves the pace, so they stay a small share of the traffic.
    assert!(
        traffic.throttled * 4 <= traffic.requests,
        "a 429 storm: {traffic:?}"
    );
    assert!(traffic.max_in_flight <= 8, "{traffic:?}");
}

#[tokio::test]
async fn a_redirect_to_another_host_is_refused_naming_both() {
    let elsewhere = FakeConformity::start(fixture(vec![])).await;
    let port = elsewhere.base_url().rsplit(':').next().unwrap().to_string();
    let port = port.trim_end_matches("/api").to_string();
    let fake = FakeConformity::start(fixture(vec![])).await;
    let other = format!("http://localhost:{port}");
    fake.set_faults(|f| f.redirect_to = Some(other.clone()));
    let err = conformity_client(&fake, KEY).accounts().await.unwrap_err();
    let message = err.to_string();
    let here = fake.base_url().trim_end_matches("/api").to_string();
    assert!(
        message.contains(&here) && message.contains(&other) && message.contains("another host"),
        "{message}"
    );
    assert_eq!(
        elsewhere.traffic().requests,
        0,
        "nothing went to the other host"
    );
    assert!(!message.contains(KEY));
}

#[tokio::test]
async fn an_answer_over_the_size_cap_is_refused_while_it_is_read() {
    let fake = FakeConformity::start(fixture(vec![])).await;
    // Sent in chunks without a length: the cap must hold while reading.
    fake.set_faults(|f| f.huge_body_bytes = 3 * 1024 * 1024);
    let client = conformity_client_with(
        &fake,
        KEY,
        ClientOptions {
            retry: fast_retry(),
            max_body_bytes: 1024 * 1024,
            ..ClientOptions::default()
        },
    );
    let err = client.accounts().await.unwrap_err();
    assert!(
        err.to_string().contains("more than 1 MiB for /accounts"),
        "{err}"
    );
}
