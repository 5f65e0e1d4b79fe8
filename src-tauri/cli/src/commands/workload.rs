//! The workload side of a command: its ARN, credentials and current notes.

use crate::args::{Global, SourceKind, WorkloadArgs};
use std::path::PathBuf;
use std::time::Duration;
use wa_sync_engine::conformity::ConformityClient;
use wa_sync_engine::credentials::{validate_external_id, validate_role_arn, AwsAuth};
use wa_sync_engine::usecase::WorkloadTarget;
use wa_sync_engine::wellarchitected::{Workload, WorkloadArn};
use wa_sync_engine::{Error, Result};

/// A validated workload to read from (and maybe write to).
pub type Target = WorkloadTarget;

/// `None` when no workload was given. Validates the ARNs before anything is sent.
pub fn target(global: &Global, args: &WorkloadArgs) -> Result<Option<Target>> {
    if let Some(path) = &args.demo_workload {
        return Ok(Some(demo_target(Some(path.clone()))));
    }
    let Some(text) = &args.workload_arn else {
        if args.role_arn.is_some() || args.external_id.is_some() {
            return Err(Error::bad_input(
                "--role-arn and --external-id need --workload-arn (the workload to read)",
            ));
        }
        return Ok(None);
    };
    let arn = WorkloadArn::parse(text)?;
    if let Some(role) = &args.role_arn {
        validate_role_arn(role)?;
    }
    if let Some(id) = &args.external_id {
        validate_external_id(id)?;
        if args.role_arn.is_none() {
            return Err(Error::bad_input(
                "--external-id only goes with --role-arn (the role whose trust policy demands it)",
            ));
        }
    }
    let auth = AwsAuth {
        profile: global.profile.clone(),
        role_arn: args.role_arn.clone(),
        external_id: args.external_id.clone(),
        assume_role_wait: assume_role_wait(),
    };
    Ok(Some(WorkloadTarget::aws(
        arn,
        auth,
        super::source_kind(global) == SourceKind::Conformity,
    )))
}

/// How long an `AccessDenied` from `AssumeRole` is retried (`WA_SYNC_ASSUME_ROLE_WAIT_SECS`;
/// default the engine's).
pub fn assume_role_wait() -> Option<Duration> {
    std::env::var("WA_SYNC_ASSUME_ROLE_WAIT_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

/// The demo workload in `path` (default: the user's data directory).
pub fn demo_target(path: Option<PathBuf>) -> Target {
    WorkloadTarget::demo(path)
}

/// Opens `target`, looking up the organisation's external ID from Conformity when its role
/// needs one.
pub async fn open(target: &Target, client: Option<&ConformityClient>) -> Result<Workload> {
    let external_id = match (target.needs_external_id(), client) {
        (false, _) => None,
        (true, Some(client)) => Some(client.external_id().await?),
        (true, None) => {
            return Err(Error::bad_input(
                "--role-arn needs --external-id or a Conformity API key to look it up",
            ))
        }
    };
    target.open(external_id).await
}
