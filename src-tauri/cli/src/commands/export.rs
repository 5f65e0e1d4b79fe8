//! `wa-sync export --format json|csv|md|html|pdf --out FILE`: the preview's whole picture as a
//! report for a review board. Same inputs as `preview`; the file is written atomically.

use super::Outcome;
use crate::args::{ExportArgs, ExportFormat, Global};
use crate::output;
use std::path::Path;
use std::time::SystemTime;
use wa_sync_engine::notes::NotesMode;
use wa_sync_engine::report::{Format, Report};
use wa_sync_engine::{Error, Result};

pub async fn run(global: &Global, args: ExportArgs) -> Result<Outcome> {
    validate_out(&args.out)?;
    let (preview, collected) = super::preview::compute(
        global,
        &args.checks,
        &args.workload,
        NotesMode::ReplaceBlock,
    )
    .await?;
    let report = Report::build(&preview, &collected, SystemTime::now(), None);
    let format = match args.format {
        ExportFormat::Json => Format::Json,
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Md => Format::Markdown,
        ExportFormat::Html => Format::Html,
        ExportFormat::Pdf => Format::Pdf,
    };
    let rendered = format.render_with_warnings(&report);
    let bytes = rendered.bytes;
    wa_sync_engine::atomic_file::write(&args.out, &bytes)
        .map_err(|e| Error::io(format!("cannot write the report {}", args.out.display()), e))?;
    let shown = std::fs::canonicalize(&args.out).unwrap_or_else(|_| args.out.clone());
    output::emit(&format!(
        "Wrote {} report ({} bytes) to {}\n",
        format.extension().to_uppercase(),
        output::thousands(bytes.len() as u64),
        shown.display()
    ));
    for warning in &rendered.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(Outcome::Done)
}

/// Fails before any request when the output path cannot be a file we can write.
fn validate_out(out: &Path) -> Result<()> {
    if out.as_os_str().is_empty() {
        return Err(Error::bad_input("--out needs a file name"));
    }
    if out.is_dir() {
        return Err(Error::bad_input(format!(
            "--out {} is a directory; give a file name such as {}/report.html",
            out.display(),
            out.display()
        )));
    }
    let dir = parent_dir(out);
    if !dir.is_dir() {
        return Err(Error::bad_input(format!(
            "--out {}: the directory {} does not exist",
            out.display(),
            dir.display()
        )));
    }
    Ok(())
}

fn parent_dir(out: &Path) -> &Path {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}
