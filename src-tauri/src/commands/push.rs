//! Push and retry: the preview again against the notes as they are now, a backup, then the writes.

use super::preview::compute_preview;
use super::{cancellable, ChannelSyncProgress};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::state::AppState;
use crate::types::{ProgressEvent, PushRequest, SourceRequest};
use std::collections::HashSet;
use tauri::ipc::Channel;
use tauri::State;
use wa_sync_engine::preview::PreviewReport;
use wa_sync_engine::sync::SyncOptions;
use wa_sync_engine::usecase::{self, Cancel};

/// Previews again against the workload's notes as they are now, then backs them up and writes
/// every question that would change (each compared with the preview's read just before its
/// write), except those the user opted out of (they stay `would-change` in the result).
/// Cancelling during the preview drops it; during the writes it stops new ones, lets those in
/// flight finish, and the result (kept for export and retry) says what was written.
#[tauri::command]
pub async fn push(
    state: State<'_, AppState>,
    request: PushRequest,
    on_progress: Channel<ProgressEvent>,
) -> AppResult<PreviewReport> {
    if !matches!(
        request.preview.source,
        SourceRequest::Demo | SourceRequest::Configured | SourceRequest::Target { .. }
    ) {
        return Err(AppError::new(
            ErrorCode::BadInput,
            "the app pushes the demo to its workload, the configured account to the configured workload, or a plan's target to its workload; use `wa-sync sync` for others",
        ));
    }
    if request.preview.source == SourceRequest::Configured {
        state.workload_arn()?;
    }
    let (state, request, progress) = (&*state, &request, &on_progress);
    state
        .tracked_run(request.preview.run_id, progress, |cancel| {
            run_push(state, request, cancel, progress)
        })
        .await
}

/// The push itself, with the token that cancels it; also used by the command tests.
pub async fn run_push(
    state: &AppState,
    request: &PushRequest,
    cancel: Cancel,
    progress: &Channel<ProgressEvent>,
) -> AppResult<PreviewReport> {
    let opted_out: HashSet<&str> = request.opted_out.iter().map(String::as_str).collect();
    let previewed = cancellable(
        cancel.clone(),
        compute_preview(state, &request.preview, progress),
    )
    .await?;
    let _ = progress.send(ProgressEvent::Stage {
        stage: "pushing".into(),
    });
    // A plan target's push is one of its syncs: its history record carries its name.
    let options = SyncOptions {
        target: match &request.preview.source {
            SourceRequest::Target { name } => Some(name.clone()),
            _ => None,
        },
        milestone: request.milestone,
        ..state.sync_options()
    };
    let result = usecase::push(
        &previewed,
        |id| !opted_out.contains(id),
        &options,
        &cancel,
        &ChannelSyncProgress(progress),
    )
    .await?;
    state.remember_push(request.preview.clone(), previewed, &result);
    Ok(result)
}

/// Pushes again only the questions that failed or were not written (a cancelled push) in the
/// last push or retry: previews again against the notes as they are now, backs them up, and
/// writes those questions alone. The result is the last one with the retried questions'
/// outcomes in their place.
#[tauri::command]
pub async fn retry_failed(
    state: State<'_, AppState>,
    run_id: u32,
    on_progress: Channel<ProgressEvent>,
) -> AppResult<PreviewReport> {
    let (mut request, previous) = {
        let last = state.last.lock().expect("last lock");
        match last
            .as_ref()
            .and_then(|l| Some((l.request.clone(), l.result.clone()?)))
        {
            Some(found) => found,
            None => {
                return Err(AppError::new(
                    ErrorCode::BadInput,
                    "there is no push to retry: push first",
                ))
            }
        }
    };
    if usecase::to_retry(&previous).is_empty() {
        return Err(AppError::new(
            ErrorCode::BadInput,
            "no question failed or was left unwritten in the last push: nothing to retry",
        ));
    }
    request.run_id = run_id;
    let (state, request, progress) = (&*state, &request, &on_progress);
    state
        .tracked_run(run_id, progress, |cancel| async move {
            let previewed =
                cancellable(cancel.clone(), compute_preview(state, request, progress)).await?;
            let _ = progress.send(ProgressEvent::Stage {
                stage: "pushing".into(),
            });
            let result = usecase::retry(
                &previous,
                &previewed,
                &state.sync_options(),
                &cancel,
                &ChannelSyncProgress(progress),
            )
            .await?;
            state.remember_push(request.clone(), previewed, &result);
            Ok(result)
        })
        .await
}
