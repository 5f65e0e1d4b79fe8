//! `wa-sync export` (being built).

use super::Outcome;
use crate::args::{ExportArgs, Global};
use wa_sync_engine::{Error, Result};

pub async fn run(_global: &Global, _args: ExportArgs) -> Result<Outcome> {
    Err(Error::bad_input(
        "`wa-sync export` is not available in this build yet",
    ))
}
