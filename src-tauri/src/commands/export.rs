//! The report of the last preview or push, written where the user chooses in the save dialog.

use crate::dialogs::DialogRequest;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::state::AppState;
use crate::types::{ExportDone, ExportFormat, ExportRequest, ReportOf};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tauri::State;
use wa_sync_engine::history::Record;
use wa_sync_engine::preview::{Collected, PreviewReport};
use wa_sync_engine::usecase;

/// Writes the report of the last preview, or of the last push's result, to the file the user
/// chooses in the save dialog (opened here, in the last used folder or Documents), atomically.
/// The report is rebuilt here from what the app computed; nothing of it, and no path, comes from
/// the UI (only a suggested file name). `None`: the user cancelled the dialog.
#[tauri::command]
pub async fn export_report(
    state: State<'_, AppState>,
    request: ExportRequest,
) -> AppResult<Option<ExportDone>> {
    let format = request.format;
    let (report, collected) = last_report(&state, request.of)?;
    let dialog = DialogRequest {
        title: "Export report".into(),
        start_dir: PathBuf::new(),
        file_name: Some(suggested_file_name(&request.file_name, format)),
        filter: Some((
            format!("{} report", format.label()),
            vec![format.name().to_string()],
        )),
    };
    let Some(chosen) = state
        .ask(move |d, start| {
            d.save_file(&DialogRequest {
                start_dir: start,
                ..dialog
            })
        })
        .await?
    else {
        return Ok(None);
    };
    let out = export_path(&chosen, format)?;
    let folder = out.parent().map(Path::to_path_buf);
    // The app syncs without a plan target here, so "the last sync" is the workload's. The
    // comparison adds to the report; a history that cannot be read leaves it out.
    let previous =
        usecase::export::previous_sync(&state.backup_dir, None, &report).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "report not compared with the last sync");
            None
        });
    let done = tokio::task::spawn_blocking(move || {
        write_report(&out, format, &report, &collected, previous.as_ref())
    })
    .await
    .map_err(|e| AppError::new(ErrorCode::Internal, format!("the export stopped: {e}")))??;
    if let Some(folder) = folder {
        state.remember_folder(&folder)?;
    }
    Ok(Some(done))
}

/// The report the request names: the last preview's, or the last push's result.
fn last_report(state: &AppState, of: ReportOf) -> AppResult<(PreviewReport, Arc<Collected>)> {
    let last = state.last.lock().expect("last lock");
    let last = last.as_ref().ok_or_else(|| {
        AppError::new(
            ErrorCode::BadInput,
            "run a preview first: there is nothing to export",
        )
    })?;
    let report = match of {
        ReportOf::Preview => last.preview.clone(),
        ReportOf::Result => last.result.clone().ok_or_else(|| {
            AppError::new(
                ErrorCode::BadInput,
                "there is no push result to export: push first",
            )
        })?,
    };
    Ok((report, last.collected.clone()))
}

/// Renders the report and writes it to `out` atomically (blocking: a PDF takes a while).
fn write_report(
    out: &Path,
    format: ExportFormat,
    report: &PreviewReport,
    collected: &Collected,
    previous: Option<&Record>,
) -> AppResult<ExportDone> {
    let written = usecase::export::write_report(report, collected, format, out, previous)?;
    Ok(ExportDone {
        path: out.display().to_string(),
        bytes: written.bytes,
        warnings: written.warnings,
    })
}

/// The name the save dialog proposes: the UI's suggestion when it is a plain file name, else a
/// generic one.
fn suggested_file_name(suggested: &str, format: ExportFormat) -> String {
    let plain = !suggested.trim().is_empty()
        && !suggested.contains(['/', '\\', '\0'])
        && suggested != "."
        && suggested != "..";
    if plain {
        suggested.trim().to_string()
    } else {
        format!("wa-sync-report.{}", format.name())
    }
}

/// The file to write: the dialog's choice, with the format's extension added when the name has
/// none; its folder must exist and it must not be a folder.
fn export_path(chosen: &Path, format: ExportFormat) -> AppResult<PathBuf> {
    let mut out = chosen.to_path_buf();
    if !out.is_absolute() {
        return Err(AppError::new(
            ErrorCode::BadInput,
            format!(
                "{} is not an absolute file path; choose the file in the save dialog",
                out.display()
            ),
        ));
    }
    if out.file_name().is_none() || out.is_dir() {
        return Err(AppError::new(
            ErrorCode::BadInput,
            format!("{} is a folder; choose a file name", out.display()),
        ));
    }
    if out.extension().is_none() {
        out.set_extension(format.name());
    }
    match out.parent() {
        Some(dir) if dir.is_dir() => Ok(out),
        _ => Err(AppError::new(
            ErrorCode::BadInput,
            format!("the folder of {} does not exist", out.display()),
        )),
    }
}
