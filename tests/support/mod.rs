//! Set-up shared by the API client tests: clients that retry quickly against the local fakes,
//! and the reference counting of a fixture's checks.

use std::time::Duration;
use wa_sync_engine::checks::{Check, RiskLevel, RuleSettings, Status, TagFilter};
use wa_sync_engine::conformity::{ApiKey, ClientOptions, ConformityClient};
use wa_sync_engine::http::retry::RetryPolicy;
use wa_sync_engine::mapping::Mapping;
use wa_sync_engine::summary::{Aggregator, Summary};
use wa_sync_fakes::conformity::{Check as FixtureCheck, FakeConformity};

/// Retries that keep throttling tests short.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
    }
}

/// A Conformity client for the fake, with quick retries and no rate ceiling.
pub fn conformity_client(fake: &FakeConformity, key: &str) -> ConformityClient {
    conformity_client_with(
        fake,
        key,
        ClientOptions {
            retry: fast_retry(),
            timeout: Duration::from_secs(10),
            ..ClientOptions::default()
        },
    )
}

/// A Conformity client for the fake with `options`.
pub fn conformity_client_with(
    fake: &FakeConformity,
    key: &str,
    options: ClientOptions,
) -> ConformityClient {
    ConformityClient::new(
        fake.base_url().parse().unwrap(),
        ApiKey::new(key).unwrap(),
        options,
    )
    .unwrap()
}

/// What the counting gives for the fixture's checks when read locally, as the reference.
pub fn expected(
    checks: &[FixtureCheck],
    tags: &TagFilter,
    settings: RuleSettings,
    mapping: &Mapping,
) -> Summary {
    let mut aggregator = Aggregator::new(mapping, settings);
    for c in checks.iter().filter(|c| tags.matches(&c.tags)) {
        aggregator.add(&Check {
            rule_id: &c.rule_id,
            status: Status::parse(&c.status),
            risk_level: RiskLevel::parse(&c.risk_level).unwrap(),
            suppressed: c.suppressed,
            excluded: c.excluded,
            not_scored: c.not_scored,
        });
    }
    aggregator.finish()
}
