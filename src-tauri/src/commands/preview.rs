//! The preview: every question's new notes for the chosen checks, computed against the workload's
//! notes as they are now. Nothing is written anywhere.

use super::source::{open_sources, target_product};
use super::{cancellable, mapping, parse_tags, ChannelProgress};
use crate::aws::aws_error;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::state::{AppState, LastRun};
use crate::types::{PreviewRequest, ProgressEvent, SourceRequest};
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;
use wa_sync_engine::credentials::AwsAuth;
use wa_sync_engine::keychain::KeyKind;
use wa_sync_engine::notes::NotesMode;
use wa_sync_engine::plan::Target;
use wa_sync_engine::preview::{PreviewReport, TagMatchCount};
use wa_sync_engine::usecase::{
    self, AccountsPreviewInput, OpenedSource, Previewed, WorkloadHandle,
};
use wa_sync_engine::wellarchitected::{AwsWorkload, Workload, WorkloadArn};

/// Every question's new notes for the chosen checks. Nothing is written anywhere.
#[tauri::command]
pub async fn preview(
    state: State<'_, AppState>,
    request: PreviewRequest,
    on_progress: Channel<ProgressEvent>,
) -> AppResult<PreviewReport> {
    let (report, collected) = state
        .tracked_run(request.run_id, &on_progress, |cancel| {
            cancellable(cancel, async {
                let previewed = compute_preview(&state, &request, &on_progress).await?;
                Ok((previewed.report, previewed.collected))
            })
        })
        .await?;
    state.remember(LastRun {
        request,
        collected: Arc::new(collected),
        preview: report.clone(),
        result: None,
    });
    Ok(report)
}

/// The preview with the counted checks it came from (which a report needs) and the workload it
/// was computed against (which a push writes to). The checks and the workload are read at the
/// same time.
pub(super) async fn compute_preview<'s>(
    state: &'s AppState,
    request: &PreviewRequest,
    progress: &Channel<ProgressEvent>,
) -> AppResult<Previewed<'s>> {
    let tags = parse_tags(&request.filter_tags)?;
    let mode = NotesMode::parse(&request.notes_mode).ok_or_else(|| {
        AppError::new(
            ErrorCode::BadInput,
            format!(
                "unknown notes mode {:?}: use replace-block or overwrite",
                request.notes_mode
            ),
        )
    })?;
    let opened = open_sources(state, &request.source, &tags)?;
    let sources: Vec<_> = opened.iter().map(OpenedSource::source).collect();
    let account_ids: Vec<String> = opened
        .iter()
        .filter_map(|o| o.account_id().map(str::to_string))
        .collect();
    let _ = progress.send(ProgressEvent::Stage {
        stage: "fetching-checks".into(),
    });
    // The demo runs against its simulated workload, the configured account against the
    // configured workload (when one is set up); other sources preview without a workload.
    let with_workload = match &request.source {
        SourceRequest::Demo => true,
        SourceRequest::Configured => state.workload_arn().is_ok(),
        SourceRequest::Target { .. } => true,
        _ => false,
    };
    let open = with_workload.then_some(async {
        let workload = workload_target(state, &request.source).await?;
        let snapshot = workload
            .snapshot()
            .await
            .map_err(|e| state.aws_read_error(e))?;
        Ok((workload, snapshot))
    });
    let input = AccountsPreviewInput {
        sources: &sources,
        account_ids: &account_ids,
        tags: &tags,
        mapping: mapping(),
        mode,
    };
    usecase::preview_accounts(input, open, &ChannelProgress(progress)).await
}

/// The demo workload, or the configured AWS workload (connected, through the role when set).
async fn workload_target<'a>(
    state: &'a AppState,
    source: &SourceRequest,
) -> AppResult<WorkloadHandle<'a>> {
    match source {
        SourceRequest::Demo => Ok(WorkloadHandle::Borrowed(&state.demo)),
        SourceRequest::Target { name } => {
            let target = super::plan::find_target(state, name)?;
            Ok(Workload::Aws(target_workload(state, &target).await?).into())
        }
        _ => Ok(Workload::Aws(state.aws_workload().await?).into()),
    }
}

/// A target's AWS workload, connected as the command line would for the plan: its profile (else
/// the default chain), its role with its external ID (Conformity: the organisation's when the
/// plan names none).
async fn target_workload(state: &AppState, target: &Target) -> AppResult<AwsWorkload> {
    let arn = WorkloadArn::parse(&target.workload_arn)?;
    let external_id = match (&target.role_arn, &target.external_id) {
        (Some(_), None) if target_product(state, target) == KeyKind::Conformity => {
            Some(usecase::source::external_id(&state.api_config(), state).await?)
        }
        (_, given) => given.clone(),
    };
    let auth = AwsAuth {
        profile: target.profile.clone(),
        role_arn: target.role_arn.clone(),
        external_id,
        assume_role_wait: None,
    };
    AwsWorkload::connect(arn, &auth)
        .await
        .map_err(|e| aws_error(auth.profile.as_deref(), e))
}

/// How many checks the tag chips select, out of all the source's checks, shown before a
/// preview: the APIs count with their own tag matching (one or two requests, whatever the size);
/// saved files and the demo are counted here with Conformity's semantics.
#[tauri::command]
pub async fn tag_match_count(
    state: State<'_, AppState>,
    tags: Vec<String>,
    source: SourceRequest,
) -> AppResult<TagMatchCount> {
    let filter = parse_tags(&tags)?;
    // A target's accounts are counted together, as its preview counts them.
    let mut sum = TagMatchCount {
        matching: 0,
        total: 0,
    };
    for opened in open_sources(&state, &source, &filter)? {
        let count = usecase::source::count(&opened, &filter).await?;
        sum.matching += count.matching;
        sum.total += count.total;
    }
    Ok(sum)
}
