//! The workload side of a command: its ARN, credentials and current notes.

use crate::args::{Global, WorkloadArgs};
use wa_sync_engine::conformity::ConformityClient;
use wa_sync_engine::preview::CurrentNotes;
use wa_sync_engine::{Error, Result};

/// A validated workload to read from (and maybe write to).
pub struct Target {
    pub workload_arn: String,
}

/// `None` when no workload was given. Validates the ARNs before anything is sent.
pub fn target(_global: &Global, args: &WorkloadArgs) -> Result<Option<Target>> {
    match &args.workload_arn {
        None => Ok(None),
        Some(arn) => Err(Error::bad_input(format!(
            "--workload-arn {arn:?}: reading a workload is not available in this build yet"
        ))),
    }
}

impl Target {
    /// Whether the external ID must be looked up from Conformity.
    pub fn needs_conformity(&self) -> bool {
        false
    }

    pub async fn current_notes(&self, _client: Option<&ConformityClient>) -> Result<CurrentNotes> {
        Err(Error::bad_input(format!(
            "{}: reading a workload is not available in this build yet",
            self.workload_arn
        )))
    }
}
