//! The workloads a set of AWS credentials sees in a region, and who those credentials are: what
//! a face offers to choose the workload from.

use super::client::LENS_ALIAS;
use super::WorkloadArn;
use crate::credentials::{base_config, sdk_error};
use crate::{Error, Field, Result};

/// One workload of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadSummary {
    pub arn: WorkloadArn,
    pub name: String,
    /// The `wellarchitected` lens is on the workload.
    pub has_lens: bool,
}

/// Who the credentials are, and the workloads they see, by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadsSeen {
    pub caller_account: String,
    pub caller_arn: String,
    pub workloads: Vec<WorkloadSummary>,
}

/// Checks the shape of an AWS region name (`eu-west-1`) before anything is sent.
pub fn validate_region(region: &str) -> Result<()> {
    let ok = region.split('-').count() >= 3
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::bad_field(
            Field::AwsRegion,
            format!("{region:?} is not an AWS region (for example eu-west-1)"),
        ))
    }
}

/// STS `GetCallerIdentity`, then every page of `ListWorkloads` in `region`, sorted by name
/// (workloads whose ARN does not parse are left out).
pub async fn list_workloads(profile: Option<&str>, region: &str) -> Result<WorkloadsSeen> {
    let region = region.trim();
    validate_region(region)?;
    let config = base_config(profile, region).await;
    let me = aws_sdk_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| sdk_error("STS GetCallerIdentity", &e))?;
    let wa = aws_sdk_wellarchitected::Client::new(&config);
    let mut pages = wa.list_workloads().into_paginator().page_size(50).send();
    let mut workloads = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page
            .map_err(|e| sdk_error(&format!("Well-Architected ListWorkloads in {region}"), &e))?;
        for w in page.workload_summaries() {
            let Ok(arn) = WorkloadArn::parse(w.workload_arn().unwrap_or_default()) else {
                continue;
            };
            workloads.push(WorkloadSummary {
                arn,
                name: w.workload_name().unwrap_or_default().to_string(),
                has_lens: w.lenses().iter().any(|l| l == LENS_ALIAS),
            });
        }
    }
    workloads.sort_by_key(|w| w.name.to_lowercase());
    Ok(WorkloadsSeen {
        caller_account: me.account().unwrap_or_default().to_string(),
        caller_arn: me.arn().unwrap_or_default().to_string(),
        workloads,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_are_checked_by_field() {
        validate_region("eu-west-1").unwrap();
        validate_region("us-gov-west-1").unwrap();
        for bad in ["", "euwest1", "EU-WEST-1", "eu-west-1;rm"] {
            let err = validate_region(bad).unwrap_err();
            assert_eq!(err.field(), Some(Field::AwsRegion), "{bad}");
        }
    }
}
