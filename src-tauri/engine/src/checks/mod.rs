//! One record per check, whatever its source (the Conformity API, saved `/checks` responses or
//! the built-in demo data), so counting never needs to know where a check came from.

pub mod demo;
pub mod tags;

use serde::{Deserialize, Serialize};
use std::fmt;

pub use tags::{TagFilter, TagFilterError};

/// Checks an account ID before it is sent: Conformity's are short legacy IDs or UUIDs, Vision
/// One's Cloud Risk Management IDs are UUIDs, so letters, digits, `-` and `_`, at most 64. The
/// message names no flag or field: each face says where the ID came from.
pub fn validate_account_id(id: &str) -> crate::Result<()> {
    if id.is_empty()
        || id.len() > 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(crate::Error::bad_field(
            crate::Field::AccountId,
            format!(
                "bad account ID {id:?}: an account ID has only letters, digits, '-' and '_' \
                 (e.g. a UUID), at most 64 of them"
            ),
        ));
    }
    Ok(())
}

/// Conformity's risk levels, from lowest to highest so that `Ord` ranks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    VeryHigh,
    Extreme,
}

impl RiskLevel {
    /// Highest first: the order of the note's rows and of the JSON `by_risk` keys.
    pub const DESCENDING: [RiskLevel; 5] = [
        RiskLevel::Extreme,
        RiskLevel::VeryHigh,
        RiskLevel::High,
        RiskLevel::Medium,
        RiskLevel::Low,
    ];

    pub fn parse(text: &str) -> Option<RiskLevel> {
        match text {
            "LOW" => Some(RiskLevel::Low),
            "MEDIUM" => Some(RiskLevel::Medium),
            "HIGH" => Some(RiskLevel::High),
            "VERY_HIGH" => Some(RiskLevel::VeryHigh),
            "EXTREME" => Some(RiskLevel::Extreme),
            _ => None,
        }
    }

    /// The API's spelling (`VERY_HIGH`).
    pub fn api_name(self) -> &'static str {
        match self {
            RiskLevel::Low => "LOW",
            RiskLevel::Medium => "MEDIUM",
            RiskLevel::High => "HIGH",
            RiskLevel::VeryHigh => "VERY_HIGH",
            RiskLevel::Extreme => "EXTREME",
        }
    }

    /// The note's spelling (`Very High`).
    pub fn label(self) -> &'static str {
        match self {
            RiskLevel::Low => "Low",
            RiskLevel::Medium => "Medium",
            RiskLevel::High => "High",
            RiskLevel::VeryHigh => "Very High",
            RiskLevel::Extreme => "Extreme",
        }
    }

    /// Index into arrays kept in ascending order.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.api_name())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Success,
    Failure,
}

impl Status {
    /// Statuses other than SUCCESS and FAILURE are never counted.
    pub fn parse(text: &str) -> Option<Status> {
        match text {
            "SUCCESS" => Some(Status::Success),
            "FAILURE" => Some(Status::Failure),
            _ => None,
        }
    }

    pub fn api_name(self) -> &'static str {
        match self {
            Status::Success => "SUCCESS",
            Status::Failure => "FAILURE",
        }
    }
}

/// A borrowed view of one check: what counting needs and nothing more, so a page of checks can
/// be counted straight from the response buffer it was parsed from.
#[derive(Clone, Copy, Debug)]
pub struct Check<'a> {
    pub rule_id: &'a str,
    /// `None` for statuses that are never counted.
    pub status: Option<Status>,
    pub risk_level: RiskLevel,
    pub suppressed: bool,
    pub excluded: bool,
    pub not_scored: bool,
    /// What a reviewer acts on when the check fails; counting ignores it.
    pub evidence: Evidence<'a>,
}

/// The fields of a check that say which resource fails, where, why and what to read about it,
/// borrowed like the rest of the view: only the failures the counting keeps are ever copied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evidence<'a> {
    pub rule_title: Option<&'a str>,
    /// The resource's ID as the source names it.
    pub resource: Option<&'a str>,
    /// A readable name, when the source gives one beside the ID.
    pub resource_name: Option<&'a str>,
    pub region: Option<&'a str>,
    pub service: Option<&'a str>,
    pub message: Option<&'a str>,
    /// A link about this resource (Conformity's `link`).
    pub link: Option<&'a str>,
    /// The rule's knowledge-base page.
    pub knowledge_base_url: Option<&'a str>,
}

/// `url` when it is an absolute `https://` URL with a host, else `None`: links from check data
/// end up in reports and behind a click, so nothing else (`javascript:`, `file:`, plain http)
/// may pass.
pub fn https_only(url: &str) -> Option<&str> {
    let url = url.trim();
    // Refused before parsing, which allocates: counting asks this of every check of a rule
    // until one gives a usable URL.
    if !url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    {
        return None;
    }
    let parsed = url::Url::parse(url).ok()?;
    (parsed.scheme() == "https" && parsed.host_str().is_some_and(|h| !h.is_empty())).then_some(url)
}

/// An owned check with the fields the demo data and the offline tag filter need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRecord {
    pub account_id: String,
    pub rule_id: String,
    pub status: Status,
    pub risk_level: RiskLevel,
    pub region: String,
    pub service: String,
    pub resource: String,
    pub tags: Vec<String>,
    pub suppressed: bool,
    pub excluded: bool,
    pub not_scored: bool,
    #[serde(default)]
    pub rule_title: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub knowledge_base_url: String,
}

impl CheckRecord {
    pub fn view(&self) -> Check<'_> {
        Check {
            rule_id: &self.rule_id,
            status: Some(self.status),
            risk_level: self.risk_level,
            suppressed: self.suppressed,
            excluded: self.excluded,
            not_scored: self.not_scored,
            evidence: Evidence {
                rule_title: non_empty(&self.rule_title),
                resource: non_empty(&self.resource),
                resource_name: None,
                region: non_empty(&self.region),
                service: non_empty(&self.service),
                message: non_empty(&self.message),
                link: None,
                knowledge_base_url: non_empty(&self.knowledge_base_url),
            },
        }
    }
}

/// `Some` for a non-empty (after trimming) text: sources write `""` for a field they lack.
pub fn non_empty(text: &str) -> Option<&str> {
    (!text.trim().is_empty()).then_some(text)
}

/// How an account has configured one rule (`GET /accounts/{id}/settings/rules`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSetting {
    pub enabled: bool,
    pub risk_level: Option<RiskLevel>,
}

/// The account's rule settings, keyed by rule ID. Rules without an entry are enabled at the
/// check's own risk level.
pub type RuleSettings = std::collections::HashMap<String, RuleSetting>;

/// Reports fetching progress to whoever shows it (a terminal line, the app's progress bar).
pub trait Progress: Send + Sync {
    fn checks_fetched(&self, fetched: u64, total: u64);
}

/// For callers that show nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn checks_fetched(&self, _fetched: u64, _total: u64) {}
}

/// A text field of a check that counting does not need: a string (borrowed when it has no
/// escapes), and `None` for anything else (null, a number, an object), so an odd value in an
/// informational field never makes a whole page unreadable.
#[derive(Debug, Default)]
pub struct LenientText<'a>(pub Option<std::borrow::Cow<'a, str>>);

impl LenientText<'_> {
    /// The text when it is not blank.
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref().and_then(non_empty)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for LenientText<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        use std::borrow::Cow;

        struct TextVisitor;

        impl<'de> Visitor<'de> for TextVisitor {
            type Value = LenientText<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(LenientText(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LenientText(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(LenientText(Some(Cow::Owned(v))))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(LenientText(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(LenientText(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(LenientText(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(LenientText(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(LenientText(None))
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(LenientText(None))
            }
            fn visit_some<D: serde::Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Self::Value, D::Error> {
                deserializer.deserialize_any(TextVisitor)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LenientText(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LenientText(None))
            }
        }

        deserializer.deserialize_any(TextVisitor)
    }
}

/// [`Evidence`] kept past the buffer it was parsed from (checks held back while the size of a
/// query is not known yet).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnedEvidence {
    rule_title: Option<Box<str>>,
    resource: Option<Box<str>>,
    resource_name: Option<Box<str>>,
    region: Option<Box<str>>,
    service: Option<Box<str>>,
    message: Option<Box<str>>,
    link: Option<Box<str>>,
    knowledge_base_url: Option<Box<str>>,
}

impl OwnedEvidence {
    pub fn from_view(evidence: &Evidence<'_>) -> OwnedEvidence {
        let own = |field: Option<&str>| field.map(Box::from);
        OwnedEvidence {
            rule_title: own(evidence.rule_title),
            resource: own(evidence.resource),
            resource_name: own(evidence.resource_name),
            region: own(evidence.region),
            service: own(evidence.service),
            message: own(evidence.message),
            link: own(evidence.link),
            knowledge_base_url: own(evidence.knowledge_base_url),
        }
    }

    pub fn view(&self) -> Evidence<'_> {
        Evidence {
            rule_title: self.rule_title.as_deref(),
            resource: self.resource.as_deref(),
            resource_name: self.resource_name.as_deref(),
            region: self.region.as_deref(),
            service: self.service.as_deref(),
            message: self.message.as_deref(),
            link: self.link.as_deref(),
            knowledge_base_url: self.knowledge_base_url.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_https_urls_with_a_host_pass() {
        for good in ["https://kb.example/S3-001.html", "  HTTPS://kb.example/x  "] {
            assert_eq!(https_only(good), Some(good.trim()), "{good}");
        }
        for bad in [
            "http://kb.example/x",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://",
            "https:/kb.example",
            "//kb.example/x",
            "",
            "é",
        ] {
            assert_eq!(https_only(bad), None, "{bad}");
        }
    }

    #[test]
    fn lenient_text_takes_strings_and_drops_anything_else() {
        #[derive(Deserialize)]
        struct Fields<'a> {
            #[serde(borrow)]
            a: LenientText<'a>,
            #[serde(borrow)]
            b: LenientText<'a>,
            #[serde(borrow)]
            c: LenientText<'a>,
            #[serde(borrow)]
            d: LenientText<'a>,
            #[serde(borrow)]
            e: LenientText<'a>,
        }
        let json = r#"{"a":"plain","b":"esc\"aped","c":{"x":[1,2]},"d":null,"e":"  "}"#;
        let f: Fields<'_> = serde_json::from_str(json).unwrap();
        assert!(matches!(f.a.0, Some(std::borrow::Cow::Borrowed("plain"))));
        assert_eq!(f.b.get(), Some("esc\"aped"));
        assert_eq!((f.c.get(), f.d.get(), f.e.get()), (None, None, None));
    }
}
