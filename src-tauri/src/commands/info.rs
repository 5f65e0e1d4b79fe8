//! What the header shows (the app and the mapping), and cancelling a run.

use super::mapping;
use crate::state::AppState;
use crate::types::AppInfo;
use tauri::State;
use wa_sync_engine::checks::demo;
use wa_sync_engine::mapping::coverage::Coverage;
use wa_sync_engine::wellarchitected::demo as demo_workload;

/// Stops a running preview; `false` when no run has that ID (it may have just finished).
#[tauri::command]
pub fn cancel(state: State<'_, AppState>, run_id: u32) -> bool {
    state.cancel_run(run_id)
}

/// How much of the lens the mapping covers.
#[tauri::command]
pub fn mapping_coverage() -> Coverage {
    Coverage::of(mapping())
}

/// What the UI shows in its header and whether it opens straight into the demo.
#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    let mapping = mapping();
    AppInfo {
        version: wa_sync_engine::VERSION.to_string(),
        lens: mapping.lens_alias.clone(),
        lens_version: mapping.lens_version.clone(),
        mapping_reviewed: mapping.reviewed.clone(),
        start_demo: state.start_demo,
        demo_account_name: demo::account().name,
        demo_workload_name: demo_workload::DEMO_WORKLOAD_NAME.to_string(),
        can_push: true,
    }
}
