//! What every check source shares, whichever product it is: the account its checks belong to
//! and what a download of them cost. Both clients (`conformity`, `visionone`) and the saved and
//! demo checks use these, so they live below all of them.

use serde::Serialize;

/// An account of checks: a Conformity account or a Vision One Cloud Posture account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub aws_account_id: Option<String>,
    pub cloud_type: Option<String>,
    pub environment: Option<String>,
}

/// What a `/checks` download saw.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FetchStats {
    /// Checks received.
    pub fetched: u64,
    /// Checks the API said match the query (`meta.total` of the unsplit query).
    pub available: u64,
    pub requests: u64,
    /// How many times a query over the cap was split.
    pub splits: u64,
}
