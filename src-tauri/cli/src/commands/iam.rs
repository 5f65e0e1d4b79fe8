//! `wa-sync iam` (being built).

use super::Outcome;
use crate::args::{Global, IamCommand};
use wa_sync_engine::{Error, Result};

pub async fn run(_global: &Global, _command: IamCommand) -> Result<Outcome> {
    Err(Error::bad_input(
        "`wa-sync iam` is not available in this build yet",
    ))
}
