//! The workload a sync reads and writes, opened the same way for one workload on the command line
//! and for each target of a plan: the demo workload, or a real one reached with the caller's AWS
//! credentials or a role assumed with an external ID.

use crate::credentials::AwsAuth;
use crate::wellarchitected::demo::{self, DemoWorkload};
use crate::wellarchitected::{AwsWorkload, Workload, WorkloadArn};
use crate::Result;
use std::path::PathBuf;

/// A validated workload, not yet opened (nothing sent).
#[derive(Clone, Debug)]
pub struct WorkloadTarget {
    kind: Kind,
    /// A Conformity source can look up the organisation's external ID for a role given without
    /// one; Vision One has none, so its roles are assumed without one.
    external_id_from_conformity: bool,
}

#[derive(Clone, Debug)]
enum Kind {
    Aws {
        arn: WorkloadArn,
        auth: AwsAuth,
    },
    /// The demo workload kept on disk (`None`: in the user's data directory).
    Demo(Option<PathBuf>),
}

impl WorkloadTarget {
    /// The workload at `arn`, reached with `auth`; the demo workload's ARN opens the demo.
    pub fn aws(arn: WorkloadArn, auth: AwsAuth, conformity_source: bool) -> Self {
        if arn.to_string() == demo::DEMO_WORKLOAD_ARN {
            return Self::demo(None);
        }
        WorkloadTarget {
            kind: Kind::Aws { arn, auth },
            external_id_from_conformity: conformity_source,
        }
    }

    /// The demo workload in `path` (default: the user's data directory).
    pub fn demo(path: Option<PathBuf>) -> Self {
        WorkloadTarget {
            kind: Kind::Demo(path),
            external_id_from_conformity: false,
        }
    }

    /// Whether opening needs the organisation's external ID looked up from Conformity: a role
    /// given without one, for a Conformity source.
    pub fn needs_external_id(&self) -> bool {
        self.external_id_from_conformity
            && matches!(&self.kind, Kind::Aws { auth, .. } if auth.role_arn.is_some() && auth.external_id.is_none())
    }

    /// Credentials and a client for the workload; assumes the role now, with `external_id`
    /// when [`Self::needs_external_id`] (the caller looks it up, once for many targets).
    pub async fn open(&self, external_id: Option<String>) -> Result<Workload> {
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
                if auth.external_id.is_none() {
                    auth.external_id = external_id;
                }
                Ok(Workload::Aws(
                    AwsWorkload::connect(arn.clone(), &auth).await?,
                ))
            }
        }
    }
}
