//! Where the check sources are: the configured Conformity or Vision One endpoint resolved to a
//! checked base URL, and a client for it. Shared by the setup (which tests an endpoint before
//! keeping it) and the state (which opens the configured one).

use crate::error::{AppError, AppResult, ErrorCode};
use crate::settings::{ConformityEndpoint, VisionOneEndpoint};
use wa_sync_engine::conformity::{base_url_for_region, ApiKey, ClientOptions, ConformityClient};
use wa_sync_engine::visionone::{
    base_url_for_region as visionone_region_url, VisionOneClient, VisionOneOptions,
};

/// The base URL text of a configured endpoint; `CONFORMITY_API_URL`/`CONFORMITY_REGION` when
/// none is. Checked (https, or http on loopback only) before it is used.
pub fn resolve_endpoint(endpoint: &ConformityEndpoint) -> AppResult<String> {
    let text = match (&endpoint.url, &endpoint.region) {
        (Some(url), _) if !url.trim().is_empty() => url.clone(),
        (_, Some(region)) if !region.trim().is_empty() => base_url_for_region(region)?,
        _ => match (
            non_empty_env("CONFORMITY_API_URL"),
            non_empty_env("CONFORMITY_REGION"),
        ) {
            (Some(url), _) => url,
            (None, Some(region)) => base_url_for_region(&region)?,
            (None, None) => {
                return Err(AppError::new(
                    ErrorCode::BadInput,
                    "Conformity is not set up yet: choose its region (or enter its API URL) in the setup",
                ))
            }
        },
    };
    wa_sync_engine::url::parse_base_url(&text, "the Conformity API URL")?;
    Ok(text.trim().to_string())
}

/// A client for a checked base URL.
pub fn make_client(base: &str, key: ApiKey) -> AppResult<ConformityClient> {
    let base = wa_sync_engine::url::parse_base_url(base, "the Conformity API URL")?;
    Ok(ConformityClient::new(base, key, ClientOptions::default())?)
}

/// The checked base URL of a configured Vision One endpoint.
pub fn resolve_visionone_endpoint(endpoint: &VisionOneEndpoint) -> AppResult<String> {
    let text = match (&endpoint.url, &endpoint.region) {
        (Some(url), _) if !url.trim().is_empty() => url.trim().to_string(),
        (_, Some(region)) if !region.trim().is_empty() => visionone_region_url(region)?,
        _ => return Err(AppError::new(
            ErrorCode::BadInput,
            "Vision One is not set up yet: choose its region (or enter its API URL) in the setup",
        )),
    };
    wa_sync_engine::url::parse_base_url(&text, "the Vision One API URL")?;
    Ok(text)
}

/// A Vision One client for a checked base URL.
pub fn make_visionone_client(base: &str, key: ApiKey) -> AppResult<VisionOneClient> {
    let base = wa_sync_engine::url::parse_base_url(base, "the Vision One API URL")?;
    Ok(VisionOneClient::new(
        base,
        key,
        VisionOneOptions::default(),
    )?)
}

pub(crate) fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}
