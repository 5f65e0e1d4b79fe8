//! Set-up shared by the API client tests: clients that retry quickly against the local fakes,
//! and the reference counting of a fixture's checks.

use std::time::Duration;
use wa_sync_engine::checks::{Check, Evidence, RiskLevel, RuleSettings, Status, TagFilter};
use wa_sync_engine::conformity::{ApiKey, ClientOptions, ConformityClient};
use wa_sync_engine::http::retry::RetryPolicy;
use wa_sync_engine::mapping::Mapping;
use wa_sync_engine::summary::{Aggregator, Summary};
use wa_sync_fakes::conformity::{
    check_message, knowledge_base_url, resource_link, Check as FixtureCheck, FakeConformity,
};
use wa_sync_fakes::visionone::catalogue_title;

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

/// What the counting gives for the fixture's checks when read locally, as the reference: the
/// counts, and the evidence the fake Conformity sends with each check.
#[allow(dead_code)] // each client's test crate uses the one of its own product
pub fn expected(
    checks: &[FixtureCheck],
    tags: &TagFilter,
    settings: RuleSettings,
    mapping: &Mapping,
) -> Summary {
    reference(checks, tags, settings, mapping, true)
}

/// As [`expected`], with the evidence the fake Vision One sends (no per-resource link: no
/// Vision One source shows one).
#[allow(dead_code)] // each client's test crate uses the one of its own product
pub fn expected_visionone(
    checks: &[FixtureCheck],
    tags: &TagFilter,
    settings: RuleSettings,
    mapping: &Mapping,
) -> Summary {
    reference(checks, tags, settings, mapping, false)
}

fn reference(
    checks: &[FixtureCheck],
    tags: &TagFilter,
    settings: RuleSettings,
    mapping: &Mapping,
    with_links: bool,
) -> Summary {
    let mut aggregator = Aggregator::new(mapping, settings);
    for c in checks.iter().filter(|c| tags.matches(&c.tags)) {
        let title = catalogue_title(&c.rule_id).unwrap_or(&c.rule_id);
        let message = check_message(c, title);
        let knowledge_base_url = knowledge_base_url(c);
        let link = resource_link(c).filter(|_| with_links);
        aggregator.add(&Check {
            rule_id: &c.rule_id,
            status: Status::parse(&c.status),
            risk_level: RiskLevel::parse(&c.risk_level).unwrap(),
            suppressed: c.suppressed,
            excluded: c.excluded,
            not_scored: c.not_scored,
            evidence: Evidence {
                rule_title: Some(title),
                resource: text(&c.resource),
                resource_name: text(&c.resource),
                region: text(&c.region),
                service: text(&c.service),
                message: Some(&message),
                link: link.as_deref(),
                knowledge_base_url: Some(&knowledge_base_url),
            },
        });
    }
    aggregator.finish()
}

fn text(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}
