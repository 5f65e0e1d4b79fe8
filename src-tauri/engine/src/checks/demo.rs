//! Built-in demo data: a realistic account generated from Conformity's real AWS rule IDs, so
//! anyone can try wa-sync with no account, key or network. Deterministic: the same every run.

use super::{CheckRecord, RiskLevel, RuleSetting, RuleSettings, Status};
use crate::mapping::RuleCatalogue;
use crate::source::Account;
use std::sync::OnceLock;

pub const ACCOUNT_ID: &str = "demo-account";
pub const AWS_ACCOUNT_ID: &str = "111122223333";
/// A rule Conformity might add after the mapping was reviewed, to show how such checks appear.
pub const NEW_RULE_ID: &str = "Bedrock-001";

/// Conformity's knowledge base of AWS rules.
const KNOWLEDGE_BASE: &str = "https://www.trendmicro.com/cloudoneconformity/knowledge-base/aws/";
const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const APPS: [&str; 3] = ["checkout", "catalog", "payments"];
/// Services whose resources are global rather than regional.
const GLOBAL_SERVICES: [&str; 6] = [
    "IAM",
    "CloudFront",
    "Route53",
    "Organizations",
    "S3",
    "WellArchitected",
];

pub fn account() -> Account {
    Account {
        id: ACCOUNT_ID.into(),
        name: "Demo: online shop (production)".into(),
        aws_account_id: Some(AWS_ACCOUNT_ID.into()),
        cloud_type: Some("aws".into()),
        environment: Some("production".into()),
    }
}

/// A small, fast, deterministic generator (SplitMix64).
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The demo account's checks (about 7,000), generated once per process: the tag builder counts
/// them on every chip change.
pub fn checks() -> &'static [CheckRecord] {
    static CHECKS: OnceLock<Vec<CheckRecord>> = OnceLock::new();
    CHECKS.get_or_init(generate)
}

fn generate() -> Vec<CheckRecord> {
    let mut dice = Dice(0x005E_ED0F_DE30);
    let mut checks = Vec::new();
    let catalogue = RuleCatalogue::builtin();
    let rules = catalogue.rules.iter().map(|r| r.rule_id.as_str());
    for rule_id in rules.chain([NEW_RULE_ID]) {
        let title = catalogue.get(rule_id).map_or("", |r| r.title.as_str());
        let named = if title.is_empty() { rule_id } else { title };
        let service = rule_id.split('-').next().unwrap_or(rule_id).to_string();
        let global = GLOBAL_SERVICES.contains(&service.as_str());
        // A rule has a usual risk level, and some rules rate resources differently.
        let risk = RiskLevel::DESCENDING[[4, 4, 3, 3, 3, 2, 2, 1, 0][dice.below(9) as usize]];
        let failure_rate = [5, 15, 30, 60][dice.below(4) as usize];
        let resources = 1 + dice.below(if global { 8 } else { 16 });
        for n in 0..resources {
            let region = if global {
                "global"
            } else {
                REGIONS[dice.below(3) as usize]
            };
            let app = APPS[dice.below(3) as usize];
            let production = dice.chance(70);
            let mut tags = vec![
                format!(
                    "Environment::{}",
                    if production { "production" } else { "staging" }
                ),
                format!("App::{app}"),
            ];
            if dice.chance(40) {
                tags.push("Team::platform".into());
            }
            let risk_level = if dice.chance(10) {
                RiskLevel::DESCENDING[dice.below(5) as usize]
            } else {
                risk
            };
            let status = if dice.chance(failure_rate) {
                Status::Failure
            } else {
                Status::Success
            };
            let resource = format!("{}-{app}-{n:02}", service.to_ascii_lowercase());
            let message = match status {
                Status::Failure => format!("{resource} does not meet \"{named}\""),
                Status::Success => format!("{resource} meets \"{named}\""),
            };
            checks.push(CheckRecord {
                account_id: ACCOUNT_ID.into(),
                rule_id: rule_id.to_string(),
                status,
                risk_level,
                region: region.into(),
                resource,
                service: service.clone(),
                tags,
                suppressed: dice.chance(2),
                excluded: dice.chance(1),
                not_scored: dice.chance(1),
                rule_title: title.to_string(),
                message,
                // The demo's rules are real, but their pages' names are not all known here.
                knowledge_base_url: KNOWLEDGE_BASE.to_string(),
            });
        }
    }
    checks
}

/// The demo account's rule settings: a few rules switched off, a few rated differently.
pub fn rule_settings() -> RuleSettings {
    let mut settings = RuleSettings::new();
    for rule_id in ["EC2-019", "RDS-018", "S3-017", "Lambda-010"] {
        settings.insert(
            rule_id.into(),
            RuleSetting {
                enabled: false,
                risk_level: None,
            },
        );
    }
    for (rule_id, risk) in [
        ("IAM-017", RiskLevel::Extreme),
        ("S3-001", RiskLevel::VeryHigh),
        ("CT-001", RiskLevel::High),
    ] {
        settings.insert(
            rule_id.into(),
            RuleSetting {
                enabled: true,
                risk_level: Some(risk),
            },
        );
    }
    settings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_data_is_deterministic_and_varied() {
        let checks = checks();
        assert_eq!(generate(), generate());
        assert_eq!(checks, generate().as_slice());
        assert!((4_000..12_000).contains(&checks.len()), "{}", checks.len());
        let failures = checks
            .iter()
            .filter(|c| c.status == Status::Failure)
            .count();
        assert!(failures > checks.len() / 10 && failures < checks.len() / 2);
        for region in REGIONS.iter().chain(&["global"]) {
            assert!(checks.iter().any(|c| c.region == *region), "{region}");
        }
        assert!(
            checks.iter().any(|c| c.suppressed)
                && checks.iter().any(|c| c.excluded)
                && checks.iter().any(|c| c.not_scored)
        );
        assert!(checks.iter().any(|c| c.rule_id == NEW_RULE_ID));
        for rule_id in rule_settings().keys() {
            assert!(
                RuleCatalogue::builtin().get(rule_id).is_some(),
                "{rule_id} is a real rule"
            );
        }
    }
}
