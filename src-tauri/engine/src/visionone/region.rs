//! Region shorthands for the documented Vision One API hosts (Automation Center "Regional
//! domains"). A custom host (Canada, South Africa, a proxy) is given as a full URL instead.

use crate::{Error, Field, Result};
use reqwest::Url;

/// Region shorthand → API host. Japan is `.co.jp` with no `jp.` prefix; the US has no prefix.
pub const REGIONS: [(&str, &str); 9] = [
    ("us", "api.xdr.trendmicro.com"),
    ("eu", "api.eu.xdr.trendmicro.com"),
    ("jp", "api.xdr.trendmicro.co.jp"),
    ("sg", "api.sg.xdr.trendmicro.com"),
    ("au", "api.au.xdr.trendmicro.com"),
    ("in", "api.in.xdr.trendmicro.com"),
    ("mea", "api.mea.xdr.trendmicro.com"),
    ("uk", "api.uk.xdr.trendmicro.com"),
    ("usgov", "api.usgov.xdr.trendmicro.com"),
];

/// The API base URL (`https://<host>`) for a region shorthand.
pub fn base_url_for_region(region: &str) -> Result<String> {
    let wanted = region.trim().to_ascii_lowercase();
    REGIONS
        .iter()
        .find(|(name, _)| *name == wanted)
        .map(|(_, host)| format!("https://{host}"))
        .ok_or_else(|| {
            Error::bad_field(
                Field::VisionOneRegion,
                format!(
                    "unknown Vision One region {region:?}; use one of {} or give the API's URL \
                 instead (e.g. https://api.ca.xdr.trendmicro.com for a site not listed)",
                    region_names()
                ),
            )
        })
}

/// The base URL from the configured URL (wins) or region.
pub fn resolve_base_url(url: Option<&str>, region: Option<&str>) -> Result<Url> {
    let text = match (url, region) {
        (Some(url), _) => url.to_string(),
        (None, Some(region)) => base_url_for_region(region)?,
        (None, None) => {
            return Err(Error::bad_field(
                Field::VisionOneRegion,
                format!(
                    "no Vision One API given: choose its region ({}) or give its API URL",
                    region_names()
                ),
            ))
        }
    };
    crate::url::parse_api_url(&text, Field::VisionOneUrl)
}

fn region_names() -> String {
    REGIONS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_pick_the_documented_hosts() {
        assert_eq!(
            base_url_for_region("us").unwrap(),
            "https://api.xdr.trendmicro.com"
        );
        assert_eq!(
            base_url_for_region(" JP ").unwrap(),
            "https://api.xdr.trendmicro.co.jp"
        );
        assert_eq!(
            base_url_for_region("usgov").unwrap(),
            "https://api.usgov.xdr.trendmicro.com"
        );
        assert_eq!(
            base_url_for_region("mea").unwrap(),
            "https://api.mea.xdr.trendmicro.com"
        );
        let err = base_url_for_region("ca").unwrap_err();
        assert!(err.is_bad_input() && err.to_string().contains("usgov"));
    }

    #[test]
    fn a_url_wins_over_a_region_and_is_validated() {
        let url = resolve_base_url(Some("http://127.0.0.1:9/"), Some("eu")).unwrap();
        assert_eq!(url.host_str(), Some("127.0.0.1"));
        let url = resolve_base_url(None, Some("uk")).unwrap();
        assert_eq!(url.as_str(), "https://api.uk.xdr.trendmicro.com/");
        let err = resolve_base_url(Some("http://example.com"), None).unwrap_err();
        assert_eq!(err.field(), Some(Field::VisionOneUrl));
        assert!(!err.to_string().contains("--"), "{err}");
        assert!(resolve_base_url(None, None).unwrap_err().is_bad_input());
    }
}
