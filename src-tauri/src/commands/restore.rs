//! The backups of the notes, and putting back what a sync wrote.

use super::ChannelSyncProgress;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::state::AppState;
use crate::types::{ProgressEvent, RestorePlan, RestoreQuestionView};
use std::path::{Path, PathBuf};
use tauri::ipc::Channel;
use tauri::State;
use wa_sync_engine::sync::{self, Backup, BackupInfo, RestoreReport, SyncOptions};
use wa_sync_engine::usecase::{self, Cancel, WorkloadHandle};
use wa_sync_engine::wellarchitected::demo as demo_workload;
use wa_sync_engine::wellarchitected::Workload;

/// The workload a backup was taken of: the demo's or the configured one; others are refused.
async fn backup_target<'a>(state: &'a AppState, backup: &Backup) -> AppResult<WorkloadHandle<'a>> {
    if backup.workload_arn == demo_workload::DEMO_WORKLOAD_ARN {
        return Ok(WorkloadHandle::Borrowed(&state.demo));
    }
    match state.workload_arn() {
        Ok(arn) if arn.to_string() == backup.workload_arn => {
            Ok(Workload::Aws(state.aws_workload().await?).into())
        }
        _ => Err(AppError::new(
            ErrorCode::BadInput,
            format!(
                "this backup is of workload {} ({}), which is not the one set up in the app; restore it with `wa-sync restore --backup FILE`",
                backup.workload_name, backup.workload_arn
            ),
        )),
    }
}

/// The backups of the notes (the demo workload's and the configured workload's), newest first.
#[tauri::command]
pub fn list_backups(state: State<'_, AppState>) -> AppResult<Vec<BackupInfo>> {
    Ok(sync::list_backups(&state.backup_dir)?)
}

/// Only backups that `list_backups` shows can be restored: the UI names one by its path.
fn known_backup(state: &AppState, path: &str) -> AppResult<(PathBuf, Backup)> {
    let listed = sync::list_backups(&state.backup_dir)?;
    let found = listed
        .into_iter()
        .find(|b| b.path == Path::new(path))
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!("{path} is not one of the app's backups; pick one from the list"),
            )
        })?;
    let backup = Backup::read(&found.path)?;
    Ok((found.path, backup))
}

/// What a restore would put back, for the confirmation: the questions that still hold what the
/// sync wrote (with `force`: every question whose notes differ now), and those it would keep as
/// they are because someone else's text is in them now.
#[tauri::command]
pub async fn restore_plan(
    state: State<'_, AppState>,
    path: String,
    force: Option<bool>,
) -> AppResult<RestorePlan> {
    let (path, backup) = known_backup(&state, &path)?;
    let target = backup_target(&state, &backup).await?;
    let (changes, report) =
        usecase::restore_plan(&target, &backup, &path, force.unwrap_or(false)).await?;
    Ok(RestorePlan {
        path: path.display().to_string(),
        created_at: backup.created_at.clone(),
        workload_name: backup.workload_name.clone(),
        put_back: changes
            .into_iter()
            .map(|c| RestoreQuestionView {
                question_id: c.question_id,
                title: c.title,
                notes_now: c.notes_now,
                notes_restored: c.notes_restored,
            })
            .collect(),
        kept: report
            .kept()
            .into_iter()
            .map(|q| q.question_id.clone())
            .collect(),
    })
}

/// Puts back what the sync that made a backup wrote (after backing up the notes it replaces);
/// with `force`, also questions edited since.
#[tauri::command]
pub async fn restore(
    state: State<'_, AppState>,
    path: String,
    force: Option<bool>,
    on_progress: Channel<ProgressEvent>,
) -> AppResult<RestoreReport> {
    let (path, backup) = known_backup(&state, &path)?;
    let target = backup_target(&state, &backup).await?;
    let options = SyncOptions {
        force: force.unwrap_or(false),
        ..state.sync_options()
    };
    let report = usecase::restore(
        &target,
        &backup,
        &path,
        &options,
        &Cancel::new(),
        &ChannelSyncProgress(&on_progress),
    )
    .await;
    let _ = on_progress.send(ProgressEvent::Done { ok: report.is_ok() });
    Ok(report?)
}

/// Puts the demo workload back as it starts (a few reviewer notes, no Check Summary Reports).
#[tauri::command]
pub async fn reset_demo(state: State<'_, AppState>) -> AppResult<()> {
    match &state.demo {
        Workload::Demo(w) => Ok(w.reset().await?),
        Workload::Aws(_) => Err(AppError::new(ErrorCode::BadInput, "not the demo workload")),
    }
}
