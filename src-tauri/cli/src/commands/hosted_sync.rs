//! `wa-sync hosted-sync` (being built).

use super::Outcome;
use crate::args::{Global, HostedSyncArgs};
use wa_sync_engine::{Error, Result};

pub async fn run(_global: &Global, _args: HostedSyncArgs) -> Result<Outcome> {
    Err(Error::bad_input(
        "`wa-sync hosted-sync` is not available in this build yet",
    ))
}
