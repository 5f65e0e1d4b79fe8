//! Writing a preview's (or a sync's) report to a file, in the formats both faces offer under
//! the same names.

use crate::history::{self, Record};
use crate::preview::{Collected, PreviewReport};
use crate::report::{Format, Report};
use crate::{Error, Field, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::SystemTime;

/// A report format by the name both faces use (`--format md`, the app's `"md"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub enum ExportFormat {
    Json,
    Csv,
    Md,
    Html,
    Pdf,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 5] = [
        ExportFormat::Json,
        ExportFormat::Csv,
        ExportFormat::Md,
        ExportFormat::Html,
        ExportFormat::Pdf,
    ];

    /// The name on the command line and over the bridge.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Csv => "csv",
            ExportFormat::Md => "md",
            ExportFormat::Html => "html",
            ExportFormat::Pdf => "pdf",
        }
    }

    pub fn parse(name: &str) -> Option<ExportFormat> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The report writer.
    pub fn format(self) -> Format {
        match self {
            ExportFormat::Json => Format::Json,
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Md => Format::Markdown,
            ExportFormat::Html => Format::Html,
            ExportFormat::Pdf => Format::Pdf,
        }
    }

    /// The format's name for people ("Markdown").
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Json => "JSON",
            ExportFormat::Csv => "CSV",
            ExportFormat::Md => "Markdown",
            ExportFormat::Html => "HTML",
            ExportFormat::Pdf => "PDF",
        }
    }
}

/// What an export wrote.
#[derive(Clone, Debug)]
pub struct Exported {
    pub bytes: u64,
    /// What could not be rendered as asked (e.g. characters no installed font has).
    pub warnings: Vec<String>,
}

/// Fails before any request when `out` cannot be a file to write: empty, a directory, or in a
/// directory that does not exist.
pub fn validate_output(out: &Path) -> Result<()> {
    if out.as_os_str().is_empty() {
        return Err(Error::bad_field(Field::OutputFile, "a file name is needed"));
    }
    if out.is_dir() {
        return Err(Error::bad_field(
            Field::OutputFile,
            format!(
                "{} is a directory; give a file name such as {}/report.html",
                out.display(),
                out.display()
            ),
        ));
    }
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::bad_field(
            Field::OutputFile,
            format!(
                "{}: the directory {} does not exist",
                out.display(),
                dir.display()
            ),
        ));
    }
    Ok(())
}

/// The recorded sync a report of `preview` is compared with ("since the last sync"): the newest
/// record of `target` (or, without one, of the preview's workload) in the history next to
/// `backup_dir`. When `preview` is a sync's result, its own record is not "the last sync": the
/// one before it is.
pub fn previous_sync(
    backup_dir: &Path,
    target: Option<&str>,
    preview: &PreviewReport,
) -> Result<Option<Record>> {
    if target.is_none() && preview.workload_arn.is_none() {
        return Ok(None);
    }
    let mut records = history::list(
        &history::dir_for(backup_dir),
        target,
        preview.workload_arn.as_deref(),
    )?;
    if let Some(backup) = &preview.backup {
        if let Some(own) = records
            .iter()
            .position(|r| r.backup.as_ref() == Some(backup))
        {
            records.truncate(own);
        }
    }
    Ok(records.pop())
}

/// Builds the report of `preview` and writes it to `out` atomically; with `previous` (see
/// [`previous_sync`]), the report says what changed since that sync.
pub fn write_report(
    preview: &PreviewReport,
    collected: &Collected,
    format: ExportFormat,
    out: &Path,
    previous: Option<&Record>,
) -> Result<Exported> {
    let mut report = Report::build(preview, collected, SystemTime::now(), None);
    if let Some(previous) = previous {
        report = report.compared_with(previous, preview);
    }
    let rendered = format.format().render_with_warnings(&report);
    crate::atomic_file::write(out, &rendered.bytes)
        .map_err(|e| Error::io(format!("cannot write the report {}", out.display()), e))?;
    Ok(Exported {
        bytes: rendered.bytes.len() as u64,
        warnings: rendered.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_one_name_and_its_writers_extension() {
        for f in ExportFormat::ALL {
            assert_eq!(ExportFormat::parse(f.name()), Some(f));
            assert_eq!(f.format().extension(), f.name());
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(json, format!("\"{}\"", f.name()));
        }
        assert_eq!(ExportFormat::parse("markdown"), None);
    }

    #[test]
    fn an_output_path_that_cannot_be_a_file_is_refused_by_field() {
        let dir = tempfile::tempdir().unwrap();
        for bad in [
            Path::new(""),
            dir.path(),
            &dir.path().join("missing/report.html"),
        ] {
            let err = validate_output(bad).unwrap_err();
            assert_eq!(err.field(), Some(Field::OutputFile), "{bad:?}");
        }
        validate_output(&dir.path().join("report.html")).unwrap();
    }
}
