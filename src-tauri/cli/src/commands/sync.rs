//! `wa-sync sync` (being built).

use super::Outcome;
use crate::args::{Global, SyncArgs};
use wa_sync_engine::{Error, Result};

pub async fn run(_global: &Global, _args: SyncArgs) -> Result<Outcome> {
    Err(Error::bad_input(
        "`wa-sync sync` is not available in this build yet",
    ))
}
