//! The check source a request names, opened with its API client (the key stays on this side of
//! the bridge), and the open dialog of the files source.

use crate::dialogs::DialogRequest;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::state::AppState;
use crate::types::{CheckFiles, SourceRequest};
use std::path::PathBuf;
use tauri::State;
use wa_sync_engine::checks::TagFilter;
use wa_sync_engine::keychain::KeyKind;
use wa_sync_engine::plan::{SourceKind, Target};
use wa_sync_engine::usecase::{ApiConfig, OpenedSource, SourceConfig};

/// The check source the UI's request names, opened with its API client (the key stays on this
/// side of the bridge) by the engine's use case.
pub(super) fn open_source(
    state: &AppState,
    request: &SourceRequest,
    tags: &TagFilter,
) -> AppResult<OpenedSource> {
    let mut api = ApiConfig::default();
    let config = match request {
        SourceRequest::Demo => SourceConfig::Demo { account_id: None },
        SourceRequest::Files => {
            let picked = state
                .picked_files
                .lock()
                .expect("picked files lock")
                .clone();
            if picked.checks.is_empty() {
                return Err(AppError::new(
                    ErrorCode::BadInput,
                    "choose at least one saved checks file first (Choose files)",
                ));
            }
            SourceConfig::Files {
                checks: picked.checks,
                rule_settings: picked.rule_settings,
            }
        }
        SourceRequest::Conformity { region, account_id } => {
            api.conformity.region = Some(region.clone());
            SourceConfig::Api {
                product: KeyKind::Conformity,
                account_id: account_id.clone(),
            }
        }
        SourceRequest::Target { name } => {
            let target = super::plan::find_target(state, name)?;
            let account_id = target.account_ids.first().cloned().ok_or_else(|| {
                AppError::new(
                    ErrorCode::BadInput,
                    format!("target \u{201c}{name}\u{201d} names no account: edit it on the Workloads screen"),
                )
            })?;
            api = state.api_config();
            SourceConfig::Api {
                product: target_product(state, &target),
                account_id,
            }
        }
        SourceRequest::Configured => {
            let settings = state.settings();
            let account = settings.account.ok_or_else(|| {
                AppError::new(
                    ErrorCode::BadInput,
                    "no account is set up yet: run the setup (Settings > Run the setup)",
                )
            })?;
            api = state.api_config();
            SourceConfig::Api {
                product: settings.product.key_kind(),
                account_id: account.id,
            }
        }
    };
    OpenedSource::open(config, &api, tags, state)
}

/// The product a target reads: its own `source`, else the one the setup configured (as the
/// command line takes the configured product when a plan names none).
pub(crate) fn target_product(state: &AppState, target: &Target) -> KeyKind {
    match target.source {
        Some(SourceKind::VisionOne) => KeyKind::VisionOne,
        Some(SourceKind::Conformity) => KeyKind::Conformity,
        None => state.settings().product.key_kind(),
    }
}

/// The check sources a request names: one per account of a plan target (their checks are
/// counted together), else the one source of [`open_source`].
pub(super) fn open_sources(
    state: &AppState,
    request: &SourceRequest,
    tags: &TagFilter,
) -> AppResult<Vec<OpenedSource>> {
    let SourceRequest::Target { name } = request else {
        return Ok(vec![open_source(state, request, tags)?]);
    };
    let target = super::plan::find_target(state, name)?;
    let (api, product) = (state.api_config(), target_product(state, &target));
    target
        .account_ids
        .iter()
        .map(|account_id| {
            let config = SourceConfig::Api {
                product,
                account_id: account_id.clone(),
            };
            OpenedSource::open(config, &api, tags, state)
        })
        .collect()
}

/// Opens the open dialog for the files source: the saved `/checks` responses (several), or,
/// with `rule_settings`, the account's rule settings (one, after the checks). The source then
/// reads exactly these files. `None`: the user cancelled (the choice is unchanged).
#[tauri::command]
pub async fn choose_checks_files(
    state: State<'_, AppState>,
    rule_settings: bool,
) -> AppResult<Option<CheckFiles>> {
    run_choose_checks_files(&state, rule_settings).await
}

pub async fn run_choose_checks_files(
    state: &AppState,
    rule_settings: bool,
) -> AppResult<Option<CheckFiles>> {
    if rule_settings
        && state
            .picked_files
            .lock()
            .expect("picked files lock")
            .checks
            .is_empty()
    {
        return Err(AppError::new(
            ErrorCode::BadInput,
            "choose the saved checks files first; the rule settings go with them",
        ));
    }
    let title = if rule_settings {
        "The account's rule settings (JSON)"
    } else {
        "Saved Conformity /checks responses (JSON)"
    };
    let dialog = DialogRequest {
        title: title.into(),
        start_dir: PathBuf::new(),
        file_name: None,
        filter: Some(("JSON".into(), vec!["json".into()])),
    };
    let Some(files) = state
        .ask(move |d, start| {
            d.pick_files(
                &DialogRequest {
                    start_dir: start,
                    ..dialog
                },
                !rule_settings,
            )
        })
        .await?
        .filter(|f| !f.is_empty())
    else {
        return Ok(None);
    };
    let picked = {
        let mut picked = state.picked_files.lock().expect("picked files lock");
        if rule_settings {
            picked.rule_settings = files.into_iter().next();
        } else {
            picked.checks = files;
            picked.rule_settings = None;
        }
        picked.clone()
    };
    if let Some(folder) = picked.checks.first().and_then(|f| f.parent()) {
        state.remember_folder(folder)?;
    }
    Ok(Some(CheckFiles {
        checks: picked
            .checks
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        rule_settings: picked.rule_settings.map(|p| p.display().to_string()),
    }))
}
