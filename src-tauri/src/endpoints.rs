//! The app's settings as the engine's endpoints: where the check sources are. Shared by the setup
//! (which tests an endpoint before keeping it) and the state (which opens the configured one);
//! resolving one to a checked base URL, and its client, are the engine's (`usecase::Endpoint`).

use crate::settings::{ConformityEndpoint, VisionOneEndpoint};
use url::Url;
use wa_sync_engine::conformity::ApiKey;
use wa_sync_engine::keychain::KeyKind;
use wa_sync_engine::usecase::{Endpoint, Keys};

/// A Conformity endpoint as the settings name it; `CONFORMITY_API_URL`/`CONFORMITY_REGION` when
/// they name none.
pub fn conformity_endpoint(endpoint: &ConformityEndpoint) -> Endpoint {
    let given = |v: &Option<String>| v.clone().filter(|t| !t.trim().is_empty());
    let (url, region) = match (given(&endpoint.url), given(&endpoint.region)) {
        (None, None) => (
            non_empty_env("CONFORMITY_API_URL"),
            non_empty_env("CONFORMITY_REGION"),
        ),
        configured => configured,
    };
    Endpoint {
        url,
        region,
        requests_per_second: None,
    }
}

/// A Vision One endpoint as the settings name it.
pub fn visionone_endpoint(endpoint: &VisionOneEndpoint) -> Endpoint {
    Endpoint {
        url: endpoint.url.clone(),
        region: endpoint.region.clone(),
        requests_per_second: None,
    }
}

/// The one key being tried, whichever product and host it is asked for: the setup tests a key
/// against the endpoint it was just given before anything is kept.
pub struct TrialKey<'a>(pub &'a ApiKey);

impl Keys for TrialKey<'_> {
    type Error = wa_sync_engine::Error;

    fn key_for(&self, _: KeyKind, _: &Url) -> wa_sync_engine::Result<ApiKey> {
        Ok(self.0.clone())
    }
}

pub(crate) fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}
