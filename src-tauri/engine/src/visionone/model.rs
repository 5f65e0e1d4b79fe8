//! The flat camelCase shapes of the Vision One responses wa-sync reads. No Trend schema for
//! `/beta/cloudPosture/checks` could be read (docs/reference/vision-one.md §2.1), so the
//! parsing is tolerant where public client code disagrees: it accepts the field-name variants
//! seen there, takes the rule ID from the check ID when `ruleId` is missing, reads booleans
//! written as strings, and ignores every field it does not need. A check without a rule or a
//! risk level is still an error that names the check, as with Conformity.

use crate::checks::{
    Check, Evidence, LenientText, OwnedEvidence, RiskLevel, RuleSetting, RuleSettings, Status,
};
use crate::source::Account;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;

/// One page of a list (`items`, `nextLink`, maybe `count`).
#[derive(Deserialize)]
pub struct ChecksPage<'a> {
    #[serde(borrow, default)]
    pub items: Option<Vec<CheckItem<'a>>>,
    #[serde(rename = "nextLink", default)]
    pub next_link: Option<String>,
    #[serde(rename = "@odata.nextLink", default)]
    pub odata_next_link: Option<String>,
    /// The total or the page size: the sources disagree, see [`ChecksPage::total`].
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(rename = "totalCount", default)]
    pub total_count: Option<u64>,
}

impl ChecksPage<'_> {
    pub fn items(&self) -> &[CheckItem<'_>] {
        self.items.as_deref().unwrap_or_default()
    }

    /// The absolute or relative URL of the next page, if any (an empty string means none).
    pub fn next(&self) -> Option<&str> {
        self.next_link
            .as_deref()
            .or(self.odata_next_link.as_deref())
            .filter(|s| !s.trim().is_empty())
    }

    /// How many checks the whole query matches, when a first page says so unambiguously: an
    /// explicit `totalCount`; a `count` larger than the page (so it cannot be the page size,
    /// even when the API stopped serving at its cap); or the number of items when there is no
    /// next page. `None` otherwise: a `count` equal to the page size may mean either.
    pub fn total(&self) -> Option<u64> {
        let on_page = self.items().len() as u64;
        if let Some(total) = self.total_count {
            return Some(total.max(on_page));
        }
        if let Some(count) = self.count.filter(|&c| c > on_page) {
            return Some(count);
        }
        self.next().is_none().then_some(on_page)
    }
}

/// Parses a checks page, with an error that says what is wrong.
pub fn parse_checks_page(bytes: &[u8]) -> Result<ChecksPage<'_>, String> {
    let page: ChecksPage<'_> = serde_json::from_slice(bytes)
        .map_err(|e| format!("not a checks list in the expected shape: {e}"))?;
    if page.items.is_none() {
        return Err("the response has no `items` list".into());
    }
    Ok(page)
}

/// One check. Each field is read under every name public code uses for it.
#[derive(Deserialize)]
pub struct CheckItem<'a> {
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(rename = "ruleId", borrow, default)]
    rule_id: Option<Cow<'a, str>>,
    #[serde(rename = "ruleID", borrow, default)]
    rule_id_caps: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    status: Option<Cow<'a, str>>,
    #[serde(rename = "riskLevel", borrow, default)]
    risk_level: Option<Cow<'a, str>>,
    #[serde(rename = "risk-level", borrow, default)]
    risk_level_kebab: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    severity: Option<Cow<'a, str>>,
    #[serde(default)]
    suppressed: Option<Value>,
    /// Not seen in any Vision One source; read if present.
    #[serde(default)]
    excluded: Option<Value>,
    #[serde(rename = "notScored", default)]
    not_scored: Option<Value>,
    #[serde(rename = "not-scored", default)]
    not_scored_kebab: Option<Value>,
    #[serde(rename = "accountId", borrow, default)]
    pub account_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    resource: Option<Cow<'a, str>>,
    #[serde(rename = "resourceId", borrow, default)]
    resource_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    service: Option<Cow<'a, str>>,
    /// Kept raw: counting never needs them.
    #[serde(borrow, default)]
    tags: Option<&'a RawValue>,
    #[serde(rename = "ruleTitle", borrow, default)]
    rule_title: LenientText<'a>,
    #[serde(rename = "resourceName", borrow, default)]
    resource_name: LenientText<'a>,
    #[serde(borrow, default)]
    region: LenientText<'a>,
    /// The check's message (docs/reference/vision-one.md §2.1).
    #[serde(borrow, default)]
    description: LenientText<'a>,
    #[serde(borrow, default)]
    message: LenientText<'a>,
    #[serde(borrow, default)]
    link: LenientText<'a>,
    /// The rule's knowledge-base page, under the names Trend's typings and Conformity use.
    #[serde(rename = "resolutionReferenceLink", borrow, default)]
    resolution_reference_link: LenientText<'a>,
    #[serde(rename = "resolutionPageUrl", borrow, default)]
    resolution_page_url: LenientText<'a>,
}

impl<'a> CheckItem<'a> {
    /// `ruleId`, else the rule part of the check ID (`ccc:{account}:{rule}:{service}:…`).
    pub fn rule_id(&self) -> Option<&str> {
        self.rule_id
            .as_deref()
            .or(self.rule_id_caps.as_deref())
            .filter(|r| !r.is_empty())
            .or_else(|| {
                let id = self.id.as_deref()?;
                let mut parts = id.split(':');
                (parts.next()? == "ccc")
                    .then(|| parts.nth(1))
                    .flatten()
                    .filter(|r| !r.is_empty())
            })
    }

    /// `service`, else the service part of the check ID.
    pub fn service(&self) -> Option<&str> {
        self.service
            .as_deref()
            .filter(|s| !s.is_empty())
            .or_else(|| {
                let id = self.id.as_deref()?;
                let mut parts = id.split(':');
                (parts.next()? == "ccc")
                    .then(|| parts.nth(2))
                    .flatten()
                    .filter(|s| !s.is_empty())
            })
    }

    pub fn resource(&self) -> Option<&str> {
        self.resource.as_deref().or(self.resource_id.as_deref())
    }

    /// The check's tags (`Key::value`), parsed on demand.
    pub fn tags(&self) -> Vec<String> {
        self.tags
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or_default()
    }

    fn name(&self) -> String {
        match (self.id.as_deref(), self.rule_id()) {
            (Some(id), _) => format!("check {id}"),
            (None, Some(rule)) => format!("a check of rule {rule}"),
            (None, None) => "a check".to_string(),
        }
    }

    /// The counting view, or a message naming what is wrong with this check.
    pub fn view(&self) -> Result<Check<'_>, String> {
        let rule_id = self
            .rule_id()
            .ok_or_else(|| format!("{} has no ruleId", self.name()))?;
        let risk_text = self
            .risk_level
            .as_deref()
            .or(self.risk_level_kebab.as_deref())
            .or(self.severity.as_deref())
            .ok_or_else(|| format!("{} has no riskLevel", self.name()))?;
        let risk_level = parse_risk(risk_text).ok_or_else(|| {
            format!(
                "{} has riskLevel {risk_text:?}; expected LOW, MEDIUM, HIGH, VERY_HIGH or EXTREME",
                self.name()
            )
        })?;
        Ok(Check {
            rule_id,
            status: self.status.as_deref().and_then(parse_status),
            risk_level,
            suppressed: flag(&self.suppressed),
            excluded: flag(&self.excluded),
            not_scored: flag(&self.not_scored) || flag(&self.not_scored_kebab),
            evidence: Evidence {
                rule_title: self.rule_title.get(),
                resource: self.resource().filter(|r| !r.trim().is_empty()),
                resource_name: self.resource_name.get(),
                region: self.region.get(),
                service: self.service(),
                message: self.description.get().or(self.message.get()),
                link: self.link.get(),
                knowledge_base_url: self
                    .resolution_reference_link
                    .get()
                    .or(self.resolution_page_url.get()),
            },
        })
    }
}

/// `VERY_HIGH`, and also `very high`, `Very-High`.
pub fn parse_risk(text: &str) -> Option<RiskLevel> {
    RiskLevel::parse(text).or_else(|| RiskLevel::parse(&normalise(text)))
}

fn parse_status(text: &str) -> Option<Status> {
    Status::parse(text).or_else(|| Status::parse(&normalise(text)))
}

fn normalise(text: &str) -> String {
    text.trim().to_ascii_uppercase().replace([' ', '-'], "_")
}

/// `true`, `"true"` (any case) and `1` are true; anything else, absent or null is false.
fn flag(value: &Option<Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("true"),
        Some(Value::Number(n)) => n.as_u64() == Some(1),
        _ => false,
    }
}

/// A check kept while the size of its query is not known yet (see the client's cap handling).
#[derive(Clone, Debug)]
pub struct OwnedCheck {
    rule_id: Box<str>,
    status: Option<Status>,
    risk_level: RiskLevel,
    suppressed: bool,
    excluded: bool,
    not_scored: bool,
    evidence: OwnedEvidence,
}

impl OwnedCheck {
    pub fn from_view(check: &Check<'_>) -> OwnedCheck {
        OwnedCheck {
            rule_id: check.rule_id.into(),
            status: check.status,
            risk_level: check.risk_level,
            suppressed: check.suppressed,
            excluded: check.excluded,
            not_scored: check.not_scored,
            evidence: OwnedEvidence::from_view(&check.evidence),
        }
    }

    pub fn view(&self) -> Check<'_> {
        Check {
            rule_id: &self.rule_id,
            status: self.status,
            risk_level: self.risk_level,
            suppressed: self.suppressed,
            excluded: self.excluded,
            not_scored: self.not_scored,
            evidence: self.evidence.view(),
        }
    }
}

/// A page of accounts (`/v3.0/cloudRiskManagement/accounts`, `/beta/cloudPosture/accounts`).
#[derive(Deserialize)]
pub struct AccountsPage {
    #[serde(default)]
    pub items: Option<Vec<AccountItem>>,
    #[serde(rename = "nextLink", default)]
    pub next_link: Option<String>,
}

#[derive(Deserialize)]
pub struct AccountItem {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    /// A string in Trend's code; a number is accepted too.
    #[serde(rename = "awsAccountId", default)]
    pub aws_account_id: Option<Value>,
    #[serde(default)]
    pub environment: Option<String>,
}

impl AccountItem {
    pub fn into_account(self) -> Account {
        Account {
            aws_account_id: match self.aws_account_id {
                Some(Value::String(s)) if !s.is_empty() => Some(s),
                Some(Value::Number(n)) => Some(format!("{n:0>12}")),
                _ => None,
            },
            name: self.name.unwrap_or_default(),
            cloud_type: self.provider,
            environment: self.environment,
            id: self.id,
        }
    }
}

/// A page of an account's rule settings (`…/accounts/{id}/scanRules`).
#[derive(Deserialize)]
pub struct ScanRulesPage {
    #[serde(default)]
    pub items: Option<Vec<ScanRuleItem>>,
    #[serde(rename = "nextLink", default)]
    pub next_link: Option<String>,
}

#[derive(Deserialize)]
pub struct ScanRuleItem {
    pub id: String,
    #[serde(default)]
    pub enabled: Option<Value>,
    #[serde(rename = "riskLevel", default)]
    pub risk_level: Option<String>,
    #[serde(rename = "isCustomized", default)]
    pub is_customized: Option<Value>,
}

impl ScanRuleItem {
    /// Every rule's enabled state counts; the risk level only when the account customised the
    /// rule, since a default level must not flatten the levels a rule gives its checks (the
    /// same choice as for Conformity's `includeDefaults`). Without `isCustomized` at all, the
    /// level is taken as configured.
    pub fn into_setting(self) -> (String, RuleSetting) {
        let customised = self
            .is_customized
            .as_ref()
            .is_none_or(|v| flag(&Some(v.clone())));
        let enabled = self.enabled.as_ref().is_none_or(|v| flag(&Some(v.clone())));
        let risk_level = customised
            .then(|| self.risk_level.as_deref().and_then(parse_risk))
            .flatten();
        (
            self.id,
            RuleSetting {
                enabled,
                risk_level,
            },
        )
    }
}

/// Rule settings from scanRules items.
pub fn into_settings(items: impl IntoIterator<Item = ScanRuleItem>) -> RuleSettings {
    items.into_iter().map(ScanRuleItem::into_setting).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: &str, extra: &str) -> String {
        format!(r#"{{"items":[{items}]{extra}}}"#)
    }

    #[test]
    fn documented_fields_and_unknown_ones() {
        let text = page(
            r#"{"id":"ccc:a:S3-001:S3:global:b","accountId":"a","ruleId":"S3-001","status":"FAILURE","riskLevel":"HIGH","suppressed":false,"tags":["Env::prod"],"newThing":{"x":1}}"#,
            r#","nextLink":"https://h/x?skipToken=1","count":200"#,
        );
        let page = parse_checks_page(text.as_bytes()).unwrap();
        let view = page.items()[0].view().unwrap();
        assert_eq!(
            (view.rule_id, view.status, view.risk_level, view.suppressed),
            ("S3-001", Some(Status::Failure), RiskLevel::High, false)
        );
        assert_eq!(page.items()[0].tags(), ["Env::prod"]);
        assert_eq!(page.next(), Some("https://h/x?skipToken=1"));
        assert_eq!(page.total(), Some(200), "count > items is a total");
    }

    #[test]
    fn variants_are_accepted() {
        let text = page(
            r#"{"id":"ccc:a:EC2-001:EC2:us-east-1:i-1","status":"success","risk-level":"Very High","suppressed":"true","notScored":true,"resourceId":"i-1"}"#,
            r#","@odata.nextLink":"","count":1"#,
        );
        let page = parse_checks_page(text.as_bytes()).unwrap();
        let item = &page.items()[0];
        let view = item.view().unwrap();
        assert_eq!(view.rule_id, "EC2-001", "rule from the check ID");
        assert_eq!(view.status, Some(Status::Success));
        assert_eq!(view.risk_level, RiskLevel::VeryHigh);
        assert!(view.suppressed && view.not_scored && !view.excluded);
        assert_eq!(item.resource(), Some("i-1"));
        assert_eq!(page.next(), None);
        assert_eq!(page.total(), Some(1));
    }

    #[test]
    fn count_equal_to_the_page_is_ambiguous() {
        let item = r#"{"ruleId":"S3-001","status":"SUCCESS","riskLevel":"LOW"}"#;
        let text = page(
            &[item, item].join(","),
            r#","nextLink":"https://h/n","count":2"#,
        );
        assert_eq!(parse_checks_page(text.as_bytes()).unwrap().total(), None);
        let text = page(item, r#","nextLink":"https://h/n","totalCount":50000"#);
        assert_eq!(
            parse_checks_page(text.as_bytes()).unwrap().total(),
            Some(50_000)
        );
    }

    #[test]
    fn missing_fields_are_named() {
        let text = page(r#"{"id":"x1","status":"FAILURE","riskLevel":"HIGH"}"#, "");
        let page = parse_checks_page(text.as_bytes()).unwrap();
        let err = page.items()[0].view().unwrap_err();
        assert!(err.contains("x1") && err.contains("ruleId"), "{err}");
        let text = page_without_risk();
        let page = parse_checks_page(text.as_bytes()).unwrap();
        assert!(page.items()[0].view().unwrap_err().contains("riskLevel"));
        assert!(parse_checks_page(br#"{"data":[]}"#)
            .err()
            .unwrap()
            .contains("items"));
    }

    fn page_without_risk() -> String {
        page(r#"{"ruleId":"S3-001","status":"FAILURE"}"#, "")
    }

    #[test]
    fn scan_rules_keep_customised_levels_only() {
        let items: Vec<ScanRuleItem> = serde_json::from_str(
            r#"[{"id":"EC2-001","enabled":false,"riskLevel":"LOW","isCustomized":true},
                {"id":"EC2-002","enabled":true,"riskLevel":"HIGH","isCustomized":false},
                {"id":"EC2-003","riskLevel":"EXTREME"}]"#,
        )
        .unwrap();
        let settings = into_settings(items);
        assert!(!settings["EC2-001"].enabled);
        assert_eq!(settings["EC2-001"].risk_level, Some(RiskLevel::Low));
        assert_eq!(settings["EC2-002"].risk_level, None);
        assert_eq!(settings["EC2-003"].risk_level, Some(RiskLevel::Extreme));
    }
}
