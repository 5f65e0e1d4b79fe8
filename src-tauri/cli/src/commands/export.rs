//! `wa-sync export --format json|csv|md|html|pdf --out FILE`: the preview's whole picture as a
//! report for a review board. Same inputs as `preview`; the file is written atomically.

use super::Outcome;
use crate::args::{ExportArgs, ExportFormat, Global};
use crate::output;
use std::io::Write;
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
    let bytes = format.render(&report);
    write_atomically(&args.out, &bytes)?;
    let shown = std::fs::canonicalize(&args.out).unwrap_or_else(|_| args.out.clone());
    output::emit(&format!(
        "Wrote {} report ({} bytes) to {}\n",
        format.extension().to_uppercase(),
        output::thousands(bytes.len() as u64),
        shown.display()
    ));
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

/// Writes a temporary file next to `out`, syncs it, then renames it over `out`, so readers never
/// see half a report and a failed export leaves any earlier file untouched.
fn write_atomically(out: &Path, bytes: &[u8]) -> Result<()> {
    let dir = parent_dir(out);
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let io = |what: &str, e: std::io::Error| Error::Io(format!("{what} {}: {e}", out.display()));
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(io("cannot create a temporary file for", e)),
        }
    };
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| io("cannot write", e));
    drop(file);
    let renamed = written.and_then(|()| {
        std::fs::rename(&tmp, out).map_err(|e| io("cannot move the report into", e))
    });
    if renamed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    renamed
}
