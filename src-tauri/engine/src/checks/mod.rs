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
        }
    }
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
