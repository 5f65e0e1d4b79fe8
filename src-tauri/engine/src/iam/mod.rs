//! The IAM role wizard: the permissions policy and trust policy wa-sync (or Conformity's hosted
//! sync) needs, creating or updating them idempotently, verifying a role, and exporting the same
//! set-up as files with an AWS CLI script.

mod check;
mod policies;
mod script;
mod setup;

pub use check::{verify, VerifyCheck, VerifyReport};
pub use policies::{
    permissions_policy, policy_name, pretty, principals, trust_policy, validate_role_name, Trust,
};
pub use script::{export, setup_script};
pub use setup::{create_or_update, ownership, Existing, Ownership, SetupOutcome};

use crate::credentials::sdk_error;
use crate::{Error, Result};
use aws_config::SdkConfig;

/// Conformity's AWS account, which its hosted sync assumes roles from.
pub const CONFORMITY_PRINCIPAL: &str = "arn:aws:iam::717210094962:root";

/// The Well-Architected actions wa-sync uses, all on the workload: the questions' notes, then
/// the pillar notes (`--pillar-notes`: GetLensReview, UpdateLensReview) and the milestone
/// before writing (`--milestone`: CreateMilestone; restore checks it with GetMilestone).
pub const WORKLOAD_ACTIONS: &[&str] = &[
    "wellarchitected:GetWorkload",
    "wellarchitected:ListLensReviews",
    "wellarchitected:ListAnswers",
    "wellarchitected:GetAnswer",
    "wellarchitected:UpdateAnswer",
    "wellarchitected:GetLensReview",
    "wellarchitected:UpdateLensReview",
    "wellarchitected:CreateMilestone",
    "wellarchitected:GetMilestone",
];

/// The tag wa-sync puts on the role and policy it creates. wa-sync changes an existing role or
/// policy only when it carries this tag, or when the user says to adopt it.
pub const MANAGED_TAG_KEY: &str = "wa-sync:managed";
pub const MANAGED_TAG_VALUE: &str = "true";

/// The account of the credentials in use.
pub async fn caller_account(config: &SdkConfig) -> Result<String> {
    let sts = aws_sdk_sts::Client::new(config);
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| sdk_error("STS GetCallerIdentity", &e))?;
    out.account().map(str::to_string).ok_or_else(|| {
        Error::BadResponse("STS GetCallerIdentity answered without an account".into())
    })
}

#[cfg(test)]
mod tests;
