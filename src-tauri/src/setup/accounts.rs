//! The account step: the source's AWS accounts, and the one the checks are read from.

use crate::error::{AppError, AppResult, ErrorCode};
use crate::settings::{AccountChoice, Settings};
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use wa_sync_engine::usecase;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct AccountView {
    pub id: String,
    pub name: String,
    pub aws_account_id: Option<String>,
    pub environment: Option<String>,
}

/// The accounts of the configured product (AWS only).
pub async fn source_accounts(state: &AppState) -> AppResult<Vec<AccountView>> {
    let product = state.settings().product.key_kind();
    let accounts = usecase::source::accounts(product, &state.api_config(), state).await?;
    Ok(accounts_view(accounts).0)
}

pub(crate) fn accounts_view(
    accounts: Vec<wa_sync_engine::source::Account>,
) -> (Vec<AccountView>, u64) {
    let mut other = 0;
    let mut out = Vec::new();
    for a in accounts {
        let aws = a
            .cloud_type
            .as_deref()
            .is_none_or(|t| t.eq_ignore_ascii_case("aws"));
        if !aws {
            other += 1;
            continue;
        }
        out.push(AccountView {
            id: a.id,
            name: a.name,
            aws_account_id: a.aws_account_id,
            environment: a.environment,
        });
    }
    out.sort_by_key(|a| a.name.to_lowercase());
    (out, other)
}

/// The AWS accounts registered with Conformity.
#[tauri::command]
pub async fn conformity_accounts(state: State<'_, AppState>) -> AppResult<Vec<AccountView>> {
    Ok(accounts_view(state.conformity_client()?.accounts().await?).0)
}

/// Picks the Conformity account by ID (looked up again, so the UI cannot invent one).
#[tauri::command]
pub async fn choose_account(state: State<'_, AppState>, account_id: String) -> AppResult<Settings> {
    run_choose_account(&state, account_id).await
}

pub async fn run_choose_account(state: &AppState, account_id: String) -> AppResult<Settings> {
    let accounts = source_accounts(state).await?;
    let product = state.settings().product.name();
    let account = accounts
        .into_iter()
        .find(|a| a.id == account_id)
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!(
                    "{product} has no AWS account with ID {account_id:?}; pick one from the list"
                ),
            )
        })?;
    state.update_settings(|s| {
        s.account = Some(AccountChoice {
            id: account.id,
            name: account.name,
            aws_account_id: account.aws_account_id,
        })
    })
}

/// The AWS accounts connected to Vision One Cloud Posture.
#[tauri::command]
pub async fn visionone_accounts(state: State<'_, AppState>) -> AppResult<Vec<AccountView>> {
    Ok(accounts_view(state.vision_one_client()?.accounts().await?).0)
}
