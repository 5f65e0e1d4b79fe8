//! The app's commands: thin wrappers that validate what the UI sends, call the engine's use cases
//! (`wa_sync_engine::usecase`) and hand back its serde types. Long work reports progress through
//! a `Channel` and can be cancelled by run ID with [`info::cancel`]: a preview is dropped, a push
//! stops new writes, lets those in flight finish and returns what it did.
//!
//! By use: [`preview`] (and the tag count), [`source`] (the check source a request names, the
//! files source's dialog), [`push`] (push and retry), [`restore`] (backups), [`export`], and
//! [`info`] (what the header shows, cancel).

pub mod export;
pub mod info;
pub mod plan;
pub mod preview;
pub mod push;
pub mod restore;
pub mod source;

use crate::error::{AppError, AppResult, ErrorCode};
use crate::types::ProgressEvent;
use std::sync::OnceLock;
use tauri::ipc::Channel;
use wa_sync_engine::checks::{Progress, TagFilter};
use wa_sync_engine::mapping::Mapping;
use wa_sync_engine::sync::SyncProgress;
use wa_sync_engine::usecase::Cancel;

fn mapping() -> &'static Mapping {
    static MAPPING: OnceLock<Mapping> = OnceLock::new();
    MAPPING.get_or_init(Mapping::builtin)
}

fn parse_tags(tags: &[String]) -> AppResult<TagFilter> {
    TagFilter::parse(tags).map_err(|e| AppError::new(ErrorCode::BadInput, e.to_string()))
}

/// Forwards the engine's page-by-page progress to the UI.
struct ChannelProgress<'a>(&'a Channel<ProgressEvent>);

impl Progress for ChannelProgress<'_> {
    fn checks_fetched(&self, fetched: u64, total: u64) {
        // A closed window is no reason to stop counting.
        let _ = self.0.send(ProgressEvent::Checks { fetched, total });
    }
}

/// Runs `work` until it ends or `cancel` fires; cancelling drops it, which stops requests in
/// flight. Only for reads: a push stops between writes instead (see [`push`]).
pub async fn cancellable<T>(
    cancel: Cancel,
    work: impl std::future::Future<Output = AppResult<T>>,
) -> AppResult<T> {
    tokio::select! {
        result = work => result,
        () = cancel.cancelled() => Err(AppError::cancelled()),
    }
}

/// Tells the UI about each question as it is written.
struct ChannelSyncProgress<'a>(&'a Channel<ProgressEvent>);

impl SyncProgress for ChannelSyncProgress<'_> {
    fn question_done(&self, done: usize, total: usize, question_id: &str, ok: bool) {
        let _ = self.0.send(ProgressEvent::Written {
            done: done as u64,
            total: total as u64,
            question_id: question_id.to_string(),
            ok,
        });
    }
}
