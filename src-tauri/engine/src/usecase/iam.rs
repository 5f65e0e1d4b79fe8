//! The least-privilege role, as both faces set it up: the policies for a workload and who is
//! trusted (plan), creating or updating them in the caller's account (create, with its outcome
//! as data both faces word the same way), and proving the role works (verify).

use crate::credentials::{base_config, AwsAuth};
use crate::iam::{self, SetupOutcome, Trust, VerifyReport};
use crate::wellarchitected::WorkloadArn;
use crate::{Error, Result};
use serde_json::Value;
use std::fmt;

/// What a plan needs: the workload, who may assume the role, the external ID its trust policy
/// demands (if any), and the AWS profile whose account "caller" means.
pub struct PlanInput<'a> {
    pub workload: WorkloadArn,
    /// Empty: the caller's account.
    pub trust: Vec<Trust>,
    pub external_id: Option<String>,
    pub profile: Option<&'a str>,
    pub allow_list_workloads: bool,
}

/// The role's two policies, and what they were made from.
pub struct Plan {
    pub workload: WorkloadArn,
    pub permissions: Value,
    pub trust: Value,
    pub external_id: Option<String>,
    pub principals: Vec<String>,
    /// The account of the credentials in use, when the caller is trusted.
    pub caller_account: Option<String>,
}

/// The policies for `input`; asks STS who the caller is only when the caller is trusted.
pub async fn plan(input: PlanInput<'_>) -> Result<Plan> {
    let trust = if input.trust.is_empty() {
        vec![Trust::Caller]
    } else {
        input.trust
    };
    if let Some(id) = &input.external_id {
        crate::credentials::validate_external_id(id)?;
    }
    let arn = input.workload;
    let caller_account = if trust.contains(&Trust::Caller) {
        let config = base_config(input.profile, &arn.region).await;
        Some(iam::caller_account(&config).await?)
    } else {
        None
    };
    let principals = iam::principals(&trust, &arn.partition, caller_account.as_deref())?;
    Ok(Plan {
        permissions: iam::permissions_policy(&arn, input.allow_list_workloads),
        trust: iam::trust_policy(&principals, input.external_id.as_deref()),
        workload: arn,
        external_id: input.external_id,
        principals,
        caller_account,
    })
}

/// What happened to the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyChange {
    Created,
    /// A new default version.
    Updated {
        version: String,
    },
    Unchanged,
}

/// What happened to the role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleChange {
    Created,
    TrustPolicyUpdated,
}

/// A create's outcome, worded by `Display` the same for both faces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateSummary {
    pub policy_arn: String,
    pub policy: PolicyChange,
    pub role_arn: String,
    pub role: RoleChange,
}

impl From<&SetupOutcome> for CreateSummary {
    fn from(outcome: &SetupOutcome) -> Self {
        CreateSummary {
            policy_arn: outcome.policy_arn.clone(),
            policy: if outcome.policy_created {
                PolicyChange::Created
            } else if let Some(version) = &outcome.policy_version {
                PolicyChange::Updated {
                    version: version.clone(),
                }
            } else {
                PolicyChange::Unchanged
            },
            role_arn: outcome.role_arn.clone(),
            role: if outcome.role_created {
                RoleChange::Created
            } else {
                RoleChange::TrustPolicyUpdated
            },
        }
    }
}

impl fmt::Display for CreateSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let policy = match &self.policy {
            PolicyChange::Created => "created".to_string(),
            PolicyChange::Updated { version } => format!("updated (now version {version})"),
            PolicyChange::Unchanged => "unchanged".to_string(),
        };
        let role = match self.role {
            RoleChange::Created => "created",
            RoleChange::TrustPolicyUpdated => "updated (trust policy)",
        };
        write!(
            f,
            "policy {} {policy}; role {} {role}",
            self.policy_arn, self.role_arn
        )
    }
}

/// Creates or updates the planned role in the workload's account, which must be the
/// credentials' (checked first: nothing is written otherwise).
pub async fn create(
    plan: &Plan,
    role_name: &str,
    profile: Option<&str>,
    adopt: bool,
) -> Result<(SetupOutcome, CreateSummary)> {
    iam::validate_role_name(role_name)?;
    let config = base_config(profile, &plan.workload.region).await;
    let account = iam::caller_account(&config).await?;
    if account != plan.workload.account_id {
        return Err(Error::bad_input(format!(
            "your AWS credentials are for account {account}, but the workload is in account {}; \
             the role must be in the workload's account: use credentials (a profile) of that account",
            plan.workload.account_id
        )));
    }
    let outcome = iam::create_or_update(
        &config,
        &account,
        &plan.workload.partition,
        role_name,
        &plan.permissions,
        &plan.trust,
        adopt,
    )
    .await?;
    let summary = CreateSummary::from(&outcome);
    Ok((outcome, summary))
}

/// Assumes the role and tries every call wa-sync makes (see [`iam::verify`]).
pub async fn verify(auth: &AwsAuth, workload: &WorkloadArn) -> Result<VerifyReport> {
    iam::verify(auth, workload).await
}

/// A failed verification as an error naming what failed (`None` when everything passed).
pub fn verify_failure(report: &VerifyReport) -> Option<Error> {
    if report.ok() {
        return None;
    }
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.check.as_str())
        .collect();
    Some(Error::Auth(format!(
        "role {} is not usable for workload {}: {} failed",
        report.role_arn,
        report.workload_arn,
        failed.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(policy_created: bool, version: Option<&str>, role_created: bool) -> SetupOutcome {
        SetupOutcome {
            role_arn: "arn:aws:iam::123456789012:role/R".into(),
            policy_arn: "arn:aws:iam::123456789012:policy/P".into(),
            role_created,
            policy_created,
            policy_version: version.map(str::to_string),
            pruned_versions: Vec::new(),
        }
    }

    #[test]
    fn the_create_summary_says_what_happened_to_each() {
        let said = |o: SetupOutcome| CreateSummary::from(&o).to_string();
        assert_eq!(
            said(outcome(true, None, true)),
            "policy arn:aws:iam::123456789012:policy/P created; \
             role arn:aws:iam::123456789012:role/R created"
        );
        assert!(said(outcome(false, Some("v3"), false))
            .contains("P updated (now version v3); role arn:aws:iam::123456789012:role/R updated (trust policy)"));
        assert!(said(outcome(false, None, false)).contains("P unchanged"));
    }
}
