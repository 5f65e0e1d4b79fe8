//! `wa-sync export --format json|csv|md|html|pdf --out FILE`: the preview's whole picture as a
//! report for a review board. Same inputs as `preview`; the file is written atomically. When an
//! earlier sync of the workload is recorded (in the history next to the backups), the report
//! says what changed since it.

use super::Outcome;
use crate::args::{ExportArgs, Global};
use crate::output;
use wa_sync_engine::notes::NotesMode;
use wa_sync_engine::usecase::export;
use wa_sync_engine::Result;

pub async fn run(global: &Global, args: ExportArgs) -> Result<Outcome> {
    export::validate_output(&args.out)?;
    let (preview, collected) = super::preview::compute(
        global,
        &args.checks,
        &args.workload,
        NotesMode::ReplaceBlock,
        output::draws_progress(global.quiet, false),
    )
    .await?;
    let backup_dir = match &args.backup_dir {
        Some(dir) => dir.clone(),
        None => wa_sync_engine::paths::default_backup_dir()?,
    };
    // The comparison adds to the report; a history that cannot be read leaves it out.
    let previous = export::previous_sync(&backup_dir, None, &preview).unwrap_or_else(|e| {
        eprintln!("warning: the report is not compared with the last sync: {e}");
        None
    });
    let written = export::write_report(
        &preview,
        &collected,
        args.format,
        &args.out,
        previous.as_ref(),
    )?;
    let shown = std::fs::canonicalize(&args.out).unwrap_or_else(|_| args.out.clone());
    output::emit(&format!(
        "Wrote {} report ({} bytes) to {}\n",
        args.format.name().to_uppercase(),
        output::thousands(written.bytes),
        shown.display()
    ));
    for warning in &written.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(Outcome::Done)
}
