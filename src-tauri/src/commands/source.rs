//! The check source a request names, opened with its API client (the key stays on this side of
//! the bridge), and the open dialog of the files source.

use crate::dialogs::DialogRequest;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::settings::Product;
use crate::state::AppState;
use crate::types::{CheckFiles, SourceRequest};
use std::path::PathBuf;
use tauri::State;
use wa_sync_engine::checks::{demo, TagFilter};
use wa_sync_engine::conformity::{base_url_for_region, ConformityClient};
use wa_sync_engine::preview::Source;
use wa_sync_engine::visionone::VisionOneClient;

/// A check source opened from the UI's request, owning the API client it reads through (the
/// key stays on this side of the bridge).
pub(super) enum OpenedSource {
    Demo,
    Files {
        checks: Vec<PathBuf>,
        rule_settings: Option<PathBuf>,
    },
    Conformity {
        client: ConformityClient,
        account_id: String,
    },
    VisionOne {
        client: VisionOneClient,
        account_id: String,
    },
}

impl OpenedSource {
    pub(super) fn open(
        state: &AppState,
        request: &SourceRequest,
        tags: &TagFilter,
    ) -> AppResult<Self> {
        Ok(match request {
            SourceRequest::Demo => Self::Demo,
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
                Self::Files {
                    checks: picked.checks,
                    rule_settings: picked.rule_settings,
                }
            }
            SourceRequest::Conformity { region, account_id } => {
                wa_sync_engine::checks::validate_account_id(account_id)?;
                let base = base_url_for_region(region)?;
                let key = state.key_for(Product::Conformity, &base)?;
                Self::Conformity {
                    client: crate::endpoints::make_client(&base, key)?,
                    account_id: account_id.clone(),
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
                match settings.product {
                    Product::Conformity => Self::Conformity {
                        client: state.conformity_client()?,
                        account_id: account.id,
                    },
                    Product::VisionOne => {
                        // The engine's words for a tag filter Vision One cannot express.
                        VisionOneClient::checks_filter(&account.id, tags)?;
                        Self::VisionOne {
                            client: state.vision_one_client()?,
                            account_id: account.id,
                        }
                    }
                }
            }
        })
    }

    pub(super) fn source(&self) -> Source<'_> {
        match self {
            Self::Demo => Source::Demo,
            Self::Files {
                checks,
                rule_settings,
            } => Source::Files {
                checks: checks.clone(),
                rule_settings: rule_settings.clone(),
            },
            Self::Conformity { client, account_id } => Source::Conformity {
                client,
                account_id: account_id.clone(),
            },
            Self::VisionOne { client, account_id } => Source::VisionOne {
                client,
                account_id: account_id.clone(),
            },
        }
    }

    /// The account the checks belong to; saved files do not say.
    pub(super) fn account_id(&self) -> Option<String> {
        match self {
            Self::Demo => Some(demo::ACCOUNT_ID.to_string()),
            Self::Files { .. } => None,
            Self::Conformity { account_id, .. } | Self::VisionOne { account_id, .. } => {
                Some(account_id.clone())
            }
        }
    }
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
