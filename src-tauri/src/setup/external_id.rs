//! Vision One's external ID step (Conformity's is the organisation's and cannot be chosen).

use crate::error::{AppError, AppResult, ErrorCode};
use crate::settings::{Product, RoleChoice, Settings};
use crate::setup::DEFAULT_ROLE_NAME;
use crate::state::AppState;
use tauri::State;

/// Vision One: the external ID the role's trust demands, chosen by the user (optional: none
/// means AssumeRole without one). Not a secret; kept with the role in the settings.
#[tauri::command]
pub fn set_external_id(
    state: State<'_, AppState>,
    external_id: Option<String>,
) -> AppResult<Settings> {
    run_set_external_id(&state, external_id)
}

pub fn run_set_external_id(state: &AppState, external_id: Option<String>) -> AppResult<Settings> {
    if state.settings().product != Product::VisionOne {
        return Err(AppError::new(
            ErrorCode::BadInput,
            "with Conformity the role uses your organisation's external ID; it cannot be changed here",
        ));
    }
    let id = external_id
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty());
    if let Some(x) = &id {
        let ok = (2..=1224).contains(&x.len())
            && x.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@:/-_".contains(c));
        if !ok {
            return Err(AppError::new(
                ErrorCode::BadInput,
                "an external ID has 2 to 1224 letters, digits or +=,.@:/-_ characters",
            ));
        }
    }
    state.update_settings(|s| {
        let role = s.role.get_or_insert_with(|| RoleChoice {
            role_name: DEFAULT_ROLE_NAME.to_string(),
            ..Default::default()
        });
        if role.external_id != id {
            role.verified_at = None;
        }
        role.external_id = id;
    })
}
