//! The workload side of a command: its ARN, credentials and current notes.

use crate::args::{Global, SourceKind, WorkloadArgs};
use std::path::PathBuf;
use std::time::Duration;
use wa_sync_engine::conformity::ConformityClient;
use wa_sync_engine::credentials::{validate_external_id, validate_role_arn, AwsAuth};
use wa_sync_engine::wellarchitected::demo::{self, DemoWorkload};
use wa_sync_engine::wellarchitected::{AwsWorkload, Workload, WorkloadArn};
use wa_sync_engine::{Error, Result};

/// A validated workload to read from (and maybe write to).
pub struct Target {
    kind: Kind,
    /// Whether a role without --external-id gets the organisation's external ID from Conformity
    /// (Vision One has none: the role is assumed without one).
    external_id_from_conformity: bool,
}

enum Kind {
    Aws { arn: WorkloadArn, auth: AwsAuth },
    Demo(Option<PathBuf>),
}

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
    if arn.to_string() == demo::DEMO_WORKLOAD_ARN {
        return Ok(Some(demo_target(None)));
    }
    let assume_role_wait = assume_role_wait();
    Ok(Some(Target {
        external_id_from_conformity: super::source_kind(global) == SourceKind::Conformity,
        kind: Kind::Aws {
            auth: AwsAuth {
                profile: global.profile.clone(),
                role_arn: args.role_arn.clone(),
                external_id: args.external_id.clone(),
                assume_role_wait,
            },
            arn,
        },
    }))
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
    Target {
        external_id_from_conformity: false,
        kind: Kind::Demo(path),
    }
}

impl Target {
    /// Whether the external ID must be looked up from Conformity.
    pub fn needs_conformity(&self) -> bool {
        self.external_id_from_conformity
            && matches!(&self.kind, Kind::Aws { auth, .. } if auth.role_arn.is_some() && auth.external_id.is_none())
    }

    /// Credentials and a client for the workload (assumes the role now, if one is given).
    pub async fn open(&self, client: Option<&ConformityClient>) -> Result<Workload> {
        match &self.kind {
            Kind::Demo(path) => {
                let path = match path {
                    Some(path) => path.clone(),
                    None => demo::default_path()?,
                };
                Ok(Workload::Demo(DemoWorkload::open(path)))
            }
            Kind::Aws { arn, auth } => {
                let mut auth = auth.clone();
                if self.needs_conformity() {
                    let client = client.ok_or_else(|| {
                        Error::bad_input(
                            "--role-arn needs --external-id or a Conformity API key to look it up",
                        )
                    })?;
                    auth.external_id = Some(client.external_id().await?);
                }
                Ok(Workload::Aws(
                    AwsWorkload::connect(arn.clone(), &auth).await?,
                ))
            }
        }
    }
}
