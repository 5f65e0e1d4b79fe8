//! Where the wizard opens ([`setup_status`]), its last step ([`finish_setup`]), and the
//! connection badge ([`connection_status`]): what is configured and whether it still works.

use crate::aws::aws_error;
use crate::endpoints::non_empty_env;
use crate::error::{AppResult, ErrorCode};
use crate::keys::KeyStatus;
use crate::settings::{Product, RoleChoice, Settings};
use crate::setup::DEFAULT_ROLE_NAME;
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use url::Url;
use wa_sync_engine::conformity::region::{CLOUD_ONE_REGIONS, LEGACY_REGIONS};
use wa_sync_engine::credentials::{config_for, sdk_error};
use wa_sync_engine::visionone::REGIONS as VISIONONE_REGIONS;
use wa_sync_engine::wellarchitected::WorkloadArn;

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct Regions {
    pub cloud_one: Vec<String>,
    pub standalone: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct SetupStatus {
    pub settings: Settings,
    pub key: KeyStatus,
    pub regions: Regions,
    /// `CONFORMITY_API_URL` / `CONFORMITY_REGION` when set: the wizard proposes them.
    pub env_conformity_url: Option<String>,
    pub env_conformity_region: Option<String>,
    pub default_role_name: String,
    /// The Vision One key's status (never the key).
    pub visionone_key: KeyStatus,
    /// Vision One's region shorthands (`us`, `eu`, `jp`, …).
    pub visionone_regions: Vec<String>,
    /// Where the settings are kept (shown in the settings screen).
    pub settings_path: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub enum PartState {
    Ok,
    Failed,
    Missing,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct PartStatus {
    pub state: PartState,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct ConnectionStatus {
    pub conformity: PartStatus,
    pub workload: PartStatus,
    pub role: PartStatus,
    /// A Conformity account is set and reachable: previews of real checks work.
    pub can_preview: bool,
    /// A workload is set and readable: pushes to AWS work.
    pub can_push: bool,
}

/// Everything the wizard needs to open on the right step.
#[tauri::command]
pub fn setup_status(state: State<'_, AppState>) -> SetupStatus {
    SetupStatus {
        settings: state.settings(),
        key: state.key(Product::Conformity).status(),
        regions: Regions {
            cloud_one: CLOUD_ONE_REGIONS.iter().map(|r| r.to_string()).collect(),
            standalone: LEGACY_REGIONS.iter().map(|r| r.to_string()).collect(),
        },
        env_conformity_url: non_empty_env("CONFORMITY_API_URL"),
        env_conformity_region: non_empty_env("CONFORMITY_REGION"),
        default_role_name: DEFAULT_ROLE_NAME.to_string(),
        visionone_key: state.key(Product::VisionOne).status(),
        visionone_regions: VISIONONE_REGIONS
            .iter()
            .map(|(r, _)| r.to_string())
            .collect(),
        settings_path: state
            .config_dir
            .join(crate::settings::FILE_NAME)
            .display()
            .to_string(),
    }
}

/// The wizard's last step: from now on the app opens on the preview.
#[tauri::command]
pub fn finish_setup(state: State<'_, AppState>) -> AppResult<Settings> {
    state.update_settings(|s| s.setup_done = true)
}

/// What is configured and whether it still works (live calls), for the connection badge.
#[tauri::command]
pub async fn connection_status(state: State<'_, AppState>) -> AppResult<ConnectionStatus> {
    Ok(run_connection_status(&state).await)
}

pub async fn run_connection_status(state: &AppState) -> ConnectionStatus {
    let settings = state.settings();
    let conformity = source_part(state, &settings).await;
    let workload = workload_part(state).await;
    let role = role_part(&settings);
    ConnectionStatus {
        can_preview: conformity.state == PartState::Ok,
        can_push: conformity.state == PartState::Ok && workload.state == PartState::Ok,
        conformity,
        workload,
        role,
    }
}

impl PartStatus {
    fn new(state: PartState, detail: impl Into<String>) -> Self {
        PartStatus {
            state,
            detail: detail.into(),
        }
    }
}

/// The source's part of the badge: the product's endpoint answers the key, and which account is
/// chosen.
async fn source_part(state: &AppState, settings: &Settings) -> PartStatus {
    let product = settings.product;
    let (set_up, reached) = match product {
        Product::VisionOne => (
            settings.vision_one.is_some(),
            match state.vision_one_client() {
                Err(e) => Err(e),
                Ok(client) => Ok((client.base_url().clone(), client.test_connection().await)),
            },
        ),
        Product::Conformity => (
            settings.conformity.is_some()
                || non_empty_env("CONFORMITY_API_URL").is_some()
                || non_empty_env("CONFORMITY_REGION").is_some(),
            match state.conformity_client() {
                Err(e) => Err(e),
                Ok(client) => Ok((
                    client.base_url().clone(),
                    client.external_id().await.map(|_| ()),
                )),
            },
        ),
    };
    match reached {
        Err(e) if !set_up => {
            PartStatus::new(PartState::Missing, format!("not set up ({})", e.message))
        }
        Err(e) => PartStatus::new(
            if e.code == ErrorCode::MissingKey {
                PartState::Missing
            } else {
                PartState::Failed
            },
            e.message,
        ),
        Ok((_, Err(e))) => PartStatus::new(PartState::Failed, e.to_string()),
        Ok((base_url, Ok(()))) => account_part(state, settings, &base_url),
    }
}

/// A reachable source: which account is chosen on it.
fn account_part(state: &AppState, settings: &Settings, base_url: &Url) -> PartStatus {
    let product = settings.product;
    let (at, on) = match product {
        Product::Conformity => ("", ""),
        Product::VisionOne => ("Vision One at ", "Vision One "),
    };
    match &settings.account {
        None => PartStatus::new(
            PartState::Missing,
            format!("connected to {at}{base_url}; no account chosen yet"),
        ),
        Some(a) => PartStatus::new(
            PartState::Ok,
            format!(
                "{} ({}) on {on}{}; key \u{2026}{}",
                a.name,
                a.aws_account_id.as_deref().unwrap_or("no AWS account ID"),
                base_url.host_str().unwrap_or_default(),
                state.key(product).status().last_four.unwrap_or_default()
            ),
        ),
    }
}

/// The workload's part of the badge: it is set, and readable the way a push would read it.
async fn workload_part(state: &AppState) -> PartStatus {
    match state.workload_arn() {
        Err(e) => PartStatus::new(PartState::Missing, e.message),
        Ok(arn) => match read_workload(state, &arn).await {
            Ok(detail) => PartStatus::new(PartState::Ok, detail),
            Err(e) => PartStatus::new(PartState::Failed, e.message),
        },
    }
}

/// Reads the workload (through the role when one is set) and says what it is and how it was read.
async fn read_workload(state: &AppState, arn: &WorkloadArn) -> AppResult<String> {
    let auth = state.aws_auth().await?;
    let config = config_for(&auth, &arn.region)
        .await
        .map_err(|e| aws_error(auth.profile.as_deref(), e))?;
    let wa = aws_sdk_wellarchitected::Client::new(&config);
    let out = wa
        .get_workload()
        .workload_id(&arn.workload_id)
        .send()
        .await
        .map_err(|e| {
            aws_error(
                auth.profile.as_deref(),
                sdk_error("Well-Architected GetWorkload", &e),
            )
        })?;
    let name = out
        .workload()
        .and_then(|w| w.workload_name())
        .unwrap_or_default()
        .to_string();
    let read_as = match &auth.role_arn {
        Some(r) => format!("through role {}", r.rsplit('/').next().unwrap_or(r)),
        None => format!(
            "with {}",
            auth.profile
                .as_deref()
                .map_or("the default AWS credentials".to_string(), |p| format!(
                    "profile {p}"
                ))
        ),
    };
    Ok(format!("{name} ({}), read {read_as}", arn.region))
}

/// The role's part of the badge: set, and verified.
fn role_part(settings: &Settings) -> PartStatus {
    match &settings.role {
        Some(RoleChoice {
            role_arn: Some(arn),
            verified_at: Some(at),
            ..
        }) => PartStatus::new(PartState::Ok, format!("{arn}, verified {at}")),
        Some(RoleChoice {
            role_arn: Some(arn),
            ..
        }) => PartStatus::new(PartState::Failed, format!("{arn}, not verified yet")),
        _ => PartStatus::new(
            PartState::Missing,
            "no role: wa-sync writes with your own AWS credentials",
        ),
    }
}
