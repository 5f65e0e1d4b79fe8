//! The JSON:API shapes of the Conformity responses wa-sync reads. Unknown fields are ignored;
//! a missing required field is an error that names it.

use crate::checks::{Check, Evidence, LenientText, RiskLevel, RuleSetting, RuleSettings, Status};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

#[derive(Deserialize)]
pub struct ExternalIdResponse {
    pub data: ExternalIdData,
}

#[derive(Deserialize)]
pub struct ExternalIdData {
    pub id: String,
}

#[derive(Deserialize)]
pub struct AccountsResponse {
    pub data: OneOrMany<AccountData>,
}

/// `GET /accounts/{id}` answers an object on Cloud One and a one-element array in the legacy docs.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    Many(Vec<T>),
    One(T),
}

impl<T> OneOrMany<T> {
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::Many(v) => v,
            OneOrMany::One(t) => vec![t],
        }
    }
}

#[derive(Deserialize)]
pub struct AccountData {
    pub id: String,
    pub attributes: AccountAttributes,
}

#[derive(Deserialize)]
pub struct AccountAttributes {
    pub name: String,
    #[serde(default)]
    pub environment: Option<String>,
    /// A string in the docs, a number in some fixtures.
    #[serde(rename = "awsaccount-id", default)]
    pub aws_account_id: Option<serde_json::Value>,
    #[serde(rename = "cloud-type", default)]
    pub cloud_type: Option<String>,
}

#[derive(Deserialize)]
pub struct RuleSettingsResponse {
    pub data: RuleSettingsData,
}

#[derive(Deserialize)]
pub struct RuleSettingsData {
    pub attributes: RuleSettingsAttributes,
}

#[derive(Deserialize)]
pub struct RuleSettingsAttributes {
    #[serde(default)]
    pub settings: Option<RuleSettingsList>,
}

#[derive(Deserialize)]
pub struct RuleSettingsList {
    #[serde(default)]
    pub rules: Vec<RuleSettingJson>,
}

#[derive(Deserialize)]
pub struct RuleSettingJson {
    pub id: String,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    #[serde(rename = "riskLevel", default)]
    pub risk_level: Option<String>,
}

fn enabled_by_default() -> bool {
    true
}

impl RuleSettingsResponse {
    pub fn into_settings(self) -> RuleSettings {
        self.data
            .attributes
            .settings
            .map(|s| s.rules)
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                let risk_level = r.risk_level.as_deref().and_then(RiskLevel::parse);
                (
                    r.id,
                    RuleSetting {
                        enabled: r.enabled,
                        risk_level,
                    },
                )
            })
            .collect()
    }
}

#[derive(Deserialize)]
pub struct ServicesResponse {
    #[serde(default)]
    pub data: Vec<ServiceData>,
    #[serde(default)]
    pub included: Vec<IncludedRule>,
}

#[derive(Deserialize)]
pub struct ServiceData {
    pub id: String,
    #[serde(default)]
    pub attributes: Option<ServiceAttributes>,
}

#[derive(Deserialize)]
pub struct ServiceAttributes {
    #[serde(default)]
    pub provider: Option<String>,
}

#[derive(Deserialize)]
pub struct IncludedRule {
    #[serde(rename = "type", default)]
    pub kind: String,
    pub id: String,
    pub attributes: IncludedRuleAttributes,
}

#[derive(Deserialize)]
pub struct IncludedRuleAttributes {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub provider: Option<String>,
}

/// One page of `GET /checks`, borrowing from the response buffer.
#[derive(Deserialize)]
pub struct ChecksPage<'a> {
    #[serde(borrow)]
    pub data: Vec<CheckJson<'a>>,
    #[serde(default)]
    pub meta: Option<ChecksMeta>,
}

#[derive(Deserialize)]
pub struct ChecksMeta {
    #[serde(default)]
    pub total: Option<u64>,
}

#[derive(Deserialize)]
pub struct CheckJson<'a> {
    #[serde(borrow)]
    pub attributes: CheckAttributes<'a>,
    #[serde(borrow)]
    pub relationships: CheckRelationships<'a>,
}

#[derive(Deserialize)]
pub struct CheckAttributes<'a> {
    #[serde(borrow)]
    pub status: Cow<'a, str>,
    #[serde(rename = "risk-level", borrow)]
    pub risk_level: Cow<'a, str>,
    #[serde(default)]
    pub suppressed: bool,
    #[serde(default)]
    pub excluded: bool,
    #[serde(rename = "not-scored", default)]
    pub not_scored: bool,
    /// Kept raw: only an offline tag filter needs them, and most checks are never looked at.
    #[serde(borrow, default)]
    pub tags: Option<&'a RawValue>,
    #[serde(rename = "rule-title", borrow, default)]
    pub rule_title: LenientText<'a>,
    #[serde(borrow, default)]
    pub resource: LenientText<'a>,
    #[serde(rename = "resourceName", borrow, default)]
    pub resource_name: LenientText<'a>,
    #[serde(borrow, default)]
    pub region: LenientText<'a>,
    #[serde(borrow, default)]
    pub service: LenientText<'a>,
    #[serde(borrow, default)]
    pub message: LenientText<'a>,
    #[serde(borrow, default)]
    pub link: LenientText<'a>,
    /// The documentation spells it both ways (docs/reference/conformity-api.md).
    #[serde(rename = "resolution-page-url", borrow, default)]
    pub resolution_page_url: LenientText<'a>,
    #[serde(rename = "resolutionPageUrl", borrow, default)]
    pub resolution_page_url_camel: LenientText<'a>,
}

#[derive(Deserialize)]
pub struct CheckRelationships<'a> {
    #[serde(borrow)]
    pub rule: Related<'a>,
    #[serde(borrow, default)]
    pub account: Option<Related<'a>>,
}

#[derive(Deserialize)]
pub struct Related<'a> {
    #[serde(borrow)]
    pub data: RelatedData<'a>,
}

#[derive(Deserialize)]
pub struct RelatedData<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
}

impl CheckJson<'_> {
    /// The counting view, or a message naming what is wrong with this check.
    pub fn view(&self) -> Result<Check<'_>, String> {
        let attributes = &self.attributes;
        let risk_level = RiskLevel::parse(&attributes.risk_level).ok_or_else(|| {
            format!(
                "check of rule {} has risk-level {:?}; expected LOW, MEDIUM, HIGH, VERY_HIGH or EXTREME",
                self.relationships.rule.data.id, attributes.risk_level
            )
        })?;
        Ok(Check {
            rule_id: &self.relationships.rule.data.id,
            status: Status::parse(&attributes.status),
            risk_level,
            suppressed: attributes.suppressed,
            excluded: attributes.excluded,
            not_scored: attributes.not_scored,
            evidence: Evidence {
                rule_title: attributes.rule_title.get(),
                resource: attributes.resource.get(),
                resource_name: attributes.resource_name.get(),
                region: attributes.region.get(),
                service: attributes.service.get(),
                message: attributes.message.get(),
                link: attributes.link.get(),
                knowledge_base_url: attributes
                    .resolution_page_url
                    .get()
                    .or(attributes.resolution_page_url_camel.get()),
            },
        })
    }

    /// The check's tags (`key::value`), parsed on demand.
    pub fn tags(&self) -> Vec<Cow<'_, str>> {
        self.attributes
            .tags
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or_default()
    }
}

/// Parses a `/checks` page, with an error that says which field is missing or malformed.
pub fn parse_checks_page(bytes: &[u8]) -> Result<ChecksPage<'_>, String> {
    serde_json::from_slice(bytes)
        .map_err(|e| format!("not a /checks response in the documented shape: {e}"))
}

/// Feeds the checks of one `/checks` page to `on_check`, skipping those the tag filter (if any)
/// does not select; returns how many were fed. The page is parsed in place and dropped after.
pub fn visit_checks_page(
    bytes: &[u8],
    tags: Option<&crate::checks::TagFilter>,
    on_check: &mut dyn FnMut(&Check<'_>),
) -> Result<u64, String> {
    let page = parse_checks_page(bytes)?;
    let mut fed = 0;
    for check in &page.data {
        if tags.is_some_and(|t| !t.is_empty() && !t.matches(&check.tags())) {
            continue;
        }
        on_check(&check.view()?);
        fed += 1;
    }
    Ok(fed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHECK: &str = r#"{"type":"checks","id":"ccc:a:S3-001:S3:us-east-1:b","attributes":{"region":"us-east-1","status":"FAILURE","risk-level":"HIGH","new-field":{"x":1},"tags":["env::prod"]},"relationships":{"rule":{"data":{"type":"rules","id":"S3-001"}},"account":{"data":{"type":"accounts","id":"a"}}}}"#;

    #[test]
    fn unknown_fields_are_ignored() {
        let page = format!(r#"{{"data":[{CHECK}],"meta":{{"total":1}},"links":{{}}}}"#);
        let page = parse_checks_page(page.as_bytes()).unwrap();
        let view = page.data[0].view().unwrap();
        assert_eq!(
            (view.rule_id, view.status, view.risk_level),
            ("S3-001", Some(Status::Failure), RiskLevel::High)
        );
        assert_eq!(page.data[0].tags(), ["env::prod"]);
    }

    #[test]
    fn missing_required_fields_are_named() {
        let without_risk = CHECK.replace(r#""risk-level":"HIGH","#, "");
        let err = parse_checks_page(format!(r#"{{"data":[{without_risk}]}}"#).as_bytes())
            .err()
            .unwrap();
        assert!(err.contains("risk-level"), "{err}");
        let without_rule = CHECK.replace(r#""rule":{"data":{"type":"rules","id":"S3-001"}},"#, "");
        let err = parse_checks_page(format!(r#"{{"data":[{without_rule}]}}"#).as_bytes())
            .err()
            .unwrap();
        assert!(err.contains("rule"), "{err}");
        let odd_risk = CHECK.replace("HIGH", "SEVERE");
        let page = format!(r#"{{"data":[{odd_risk}]}}"#);
        let page = parse_checks_page(page.as_bytes()).unwrap();
        assert!(page.data[0].view().unwrap_err().contains("SEVERE"));
    }
}
