//! Workload ARNs: `arn:${Partition}:wellarchitected:${Region}:${Account}:workload/${32 hex}`.

use crate::{Error, Field, Result};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadArn {
    pub partition: String,
    pub region: String,
    pub account_id: String,
    pub workload_id: String,
}

impl WorkloadArn {
    pub fn parse(text: &str) -> Result<WorkloadArn> {
        let bad = |why: &str| {
            Error::bad_field(
                Field::WorkloadArn,
                format!(
                    "bad workload ARN {text:?}: {why}. It looks like \
                     arn:aws:wellarchitected:us-east-1:123456789012:workload/0123456789abcdef0123456789abcdef \
                     (Well-Architected Tool > Workloads > your workload > Properties)"
                ),
            )
        };
        let parts: Vec<&str> = text.trim().splitn(6, ':').collect();
        let [arn, partition, service, region, account_id, resource] = parts[..] else {
            return Err(bad(
                "it does not have the six ':'-separated parts of an ARN",
            ));
        };
        if arn != "arn" {
            return Err(bad("it does not start with arn:"));
        }
        if !matches!(partition, "aws" | "aws-cn" | "aws-us-gov") {
            return Err(bad("the partition must be aws, aws-cn or aws-us-gov"));
        }
        if service != "wellarchitected" {
            return Err(bad(&format!(
                "it is an ARN of {service:?}, not of wellarchitected"
            )));
        }
        let region_ok = region.split('-').count() >= 3
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !region_ok {
            return Err(bad(&format!("{region:?} is not an AWS region")));
        }
        if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("the account must be 12 digits"));
        }
        let Some(workload_id) = resource.strip_prefix("workload/") else {
            return Err(bad("the resource must be workload/<id>"));
        };
        if workload_id.len() != 32
            || !workload_id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(bad(
                "the workload ID must be 32 lowercase hexadecimal characters",
            ));
        }
        Ok(WorkloadArn {
            partition: partition.into(),
            region: region.into(),
            account_id: account_id.into(),
            workload_id: workload_id.into(),
        })
    }
}

impl fmt::Display for WorkloadArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:wellarchitected:{}:{}:workload/{}",
            self.partition, self.region, self.account_id, self.workload_id
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_back() {
        let text = "arn:aws:wellarchitected:eu-west-1:123456789012:workload/0123456789abcdef0123456789abcdef";
        let arn = WorkloadArn::parse(text).unwrap();
        assert_eq!(arn.region, "eu-west-1");
        assert_eq!(arn.account_id, "123456789012");
        assert_eq!(arn.to_string(), text);
    }

    #[test]
    fn malformed_arns_say_what_is_wrong() {
        for (text, why) in [
            ("arn:aws:wellarchitected:eu-west-1:123456789012:workload/XYZ", "32 lowercase"),
            ("arn:aws:iam::123456789012:role/x", "not of wellarchitected"),
            ("arn:aws:wellarchitected:eu-west-1:1234:workload/0123456789abcdef0123456789abcdef", "12 digits"),
            ("arn:aws:wellarchitected:moon:123456789012:workload/0123456789abcdef0123456789abcdef", "region"),
            ("workload/abc", "six"),
            ("arn:aws:wellarchitected:eu-west-1:123456789012:lens/0123456789abcdef0123456789abcdef", "workload/<id>"),
        ] {
            let err = WorkloadArn::parse(text).unwrap_err();
            assert!(err.is_bad_input());
            assert!(err.to_string().contains(why), "{text}: {err}");
        }
    }
}
