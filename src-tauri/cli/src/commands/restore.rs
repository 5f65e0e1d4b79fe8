//! `wa-sync restore` (being built).

use super::Outcome;
use crate::args::{Global, RestoreArgs};
use wa_sync_engine::{Error, Result};

pub async fn run(_global: &Global, _args: RestoreArgs) -> Result<Outcome> {
    Err(Error::bad_input(
        "`wa-sync restore` is not available in this build yet",
    ))
}
