//! Region shorthands for the documented Conformity API hosts.

use crate::{Error, Field, Result};

/// Cloud One regions: `https://conformity.{region}.cloudone.trendmicro.com/api`.
pub const CLOUD_ONE_REGIONS: [&str; 10] = [
    "us-1",
    "au-1",
    "ie-1",
    "sg-1",
    "in-1",
    "jp-1",
    "ca-1",
    "de-1",
    "gb-1",
    "trend-us-1",
];

/// Standalone (legacy) regions: `https://{region}-api.cloudconformity.com/v1`.
pub const LEGACY_REGIONS: [&str; 9] = [
    "eu-west-1",
    "ap-southeast-2",
    "us-west-2",
    "ca-central-1",
    "ap-southeast-1",
    "ap-northeast-1",
    "eu-central-1",
    "eu-west-2",
    "ap-south-1",
];

/// The API base URL for a region shorthand.
pub fn base_url_for_region(region: &str) -> Result<String> {
    let region = region.trim().to_ascii_lowercase();
    if CLOUD_ONE_REGIONS.contains(&region.as_str()) {
        Ok(format!(
            "https://conformity.{region}.cloudone.trendmicro.com/api"
        ))
    } else if LEGACY_REGIONS.contains(&region.as_str()) {
        Ok(format!("https://{region}-api.cloudconformity.com/v1"))
    } else {
        Err(Error::bad_field(
            Field::ConformityRegion,
            format!(
            "unknown Conformity region {region:?}; use a Cloud One region ({}) or a standalone one ({}), \
             or give the API's full base URL instead",
            CLOUD_ONE_REGIONS.join(", "),
            LEGACY_REGIONS.join(", ")
        ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_pick_the_documented_hosts() {
        assert_eq!(
            base_url_for_region("us-1").unwrap(),
            "https://conformity.us-1.cloudone.trendmicro.com/api"
        );
        assert_eq!(
            base_url_for_region("EU-WEST-1").unwrap(),
            "https://eu-west-1-api.cloudconformity.com/v1"
        );
        let err = base_url_for_region("mars-1").unwrap_err();
        assert!(err.is_bad_input() && err.to_string().contains("us-1"));
    }
}
