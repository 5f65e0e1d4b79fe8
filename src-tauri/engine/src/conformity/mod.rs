//! The Conformity REST API client (docs/reference/conformity-api.md).

mod client;
pub mod model;
pub mod region;

pub use client::{Account, ApiKey, ClientOptions, ConformityClient, FetchStats, HostedSyncAnswer};
pub use region::base_url_for_region;
