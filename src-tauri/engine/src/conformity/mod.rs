//! The Conformity REST API client (docs/reference/conformity-api.md).

mod client;
pub mod files;
pub mod model;
pub mod region;

pub use client::{ClientOptions, ConformityClient, HostedSyncAnswer};
// Where callers have always found them; they live below both clients (no import cycle).
pub use crate::keychain::ApiKey;
pub use crate::source::{Account, FetchStats};
pub use region::base_url_for_region;
