//! The guided first-time setup: the product (Conformity or Vision One), its connection (region or
//! URL, API key tested live and kept in the OS keychain), Conformity's external ID, the account,
//! AWS profile/region/workload, the IAM role (documents, create or update, export, verify), and
//! the connection badge. With Vision One the Conformity-only parts fall away: no organisation
//! external ID (the user may choose one for the role, or none), no hosted sync to trust.
//!
//! The API key crosses the bridge once, from the UI into `conformity_connect`; nothing this
//! module returns contains it (only where it comes from and its last four characters), and no
//! error message carries it (the engine's `ApiKey` has no `Display`, and its errors never quote it).

use crate::commands::AppState;
use crate::error::{AppError, AppResult};
use crate::keys::{KeyStatus, ProductKey};
use crate::settings::{
    AccountChoice, AwsChoice, ConformityEndpoint, Product, RoleChoice, Settings, VisionOneEndpoint,
    Writer,
};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tauri::State;
use ts_rs::TS;
use url::Url;
use wa_sync_engine::conformity::region::{CLOUD_ONE_REGIONS, LEGACY_REGIONS};
use wa_sync_engine::conformity::{base_url_for_region, ApiKey, ClientOptions, ConformityClient};
use wa_sync_engine::credentials::{base_config, config_for, sdk_error, validate_role_arn, AwsAuth};
use wa_sync_engine::iam::{self, Trust};
use wa_sync_engine::visionone::{
    base_url_for_region as visionone_region_url, VisionOneClient, VisionOneOptions,
    REGIONS as VISIONONE_REGIONS,
};
use wa_sync_engine::wellarchitected::client::LENS_ALIAS;
use wa_sync_engine::wellarchitected::{AwsWorkload, WorkloadArn};

/// The role name the wizard proposes (the command line's default too).
pub const DEFAULT_ROLE_NAME: &str = "WaSyncWellArchitectedNotes";

// ---------- what crosses the bridge ----------

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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct AccountView {
    pub id: String,
    pub name: String,
    pub aws_account_id: Option<String>,
    pub environment: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct ConformityConnection {
    pub key: KeyStatus,
    pub base_url: String,
    pub external_id: String,
    /// AWS accounts only.
    pub accounts: Vec<AccountView>,
    /// Accounts of other clouds that were left out of the list.
    #[ts(type = "number")]
    pub other_clouds: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct VisionOneConnection {
    pub key: KeyStatus,
    pub base_url: String,
    /// AWS accounts only.
    pub accounts: Vec<AccountView>,
    /// Accounts of other clouds that were left out of the list.
    #[ts(type = "number")]
    pub other_clouds: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct AwsProfile {
    pub name: String,
    /// `sso` (IAM Identity Center), `role`, `keys`, `process` or `other`.
    pub kind: String,
    pub region: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct WorkloadView {
    pub arn: String,
    pub name: String,
    pub account_id: String,
    pub region: String,
    /// The `wellarchitected` lens is on the workload.
    pub has_lens: bool,
    /// Its AWS account is the chosen Conformity account's (`None`: that account has no AWS ID).
    pub account_matches: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct WorkloadList {
    /// The account and ARN of the credentials in use.
    pub caller_account: String,
    pub caller_arn: String,
    pub workloads: Vec<WorkloadView>,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct IamPlan {
    pub writer: Writer,
    pub role_name: String,
    /// The ARN the role gets in the workload's account.
    pub role_arn: String,
    pub policy_name: String,
    pub permissions_policy: String,
    pub trust_policy: String,
    /// The external ID the trust policy demands (Vision One: only when the user chose one).
    pub external_id: Option<String>,
    pub principals: Vec<String>,
    pub workload_account: String,
    pub caller_account: Option<String>,
    /// What would stop a one-click create (wrong account, …), in words.
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct IamCreated {
    pub role_arn: String,
    pub policy_arn: String,
    pub summary: String,
    /// Set when nothing was changed because a role or policy of that name exists that wa-sync
    /// did not make: the UI asks before taking it over.
    pub adoption: Option<IamAdoption>,
}

/// What the confirmation before taking over a role or policy wa-sync did not make shows.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct IamAdoption {
    /// The existing role and policy without wa-sync's tag, in words.
    pub foreign: Vec<String>,
    /// The existing role's trust policy, as it is now (none when only the policy is foreign).
    pub current_trust_policy: Option<String>,
    /// The trust policy that would replace it.
    pub new_trust_policy: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct IamExported {
    pub files: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct VerifyCheckView {
    pub check: String,
    pub ok: bool,
    pub detail: String,
    /// How to fix a failed check.
    pub fix: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct VerifyView {
    pub ok: bool,
    pub role_arn: String,
    pub workload_arn: String,
    pub checks: Vec<VerifyCheckView>,
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

// ---------- state helpers ----------

impl AppState {
    pub fn settings(&self) -> Settings {
        self.settings.lock().expect("settings lock").clone()
    }

    /// Changes the settings and saves them.
    pub fn update_settings(&self, f: impl FnOnce(&mut Settings)) -> AppResult<Settings> {
        let mut settings = self.settings.lock().expect("settings lock");
        let mut next = settings.clone();
        f(&mut next);
        next.save(&self.config_dir)?;
        *settings = next.clone();
        Ok(next)
    }

    /// A Vision One client for the configured endpoint and key.
    pub fn vision_one_client(&self) -> AppResult<VisionOneClient> {
        let endpoint = self.settings().vision_one.unwrap_or_default();
        let base = resolve_visionone_endpoint(&endpoint)?;
        let key = self.key_for(Product::VisionOne, &base)?;
        make_visionone_client(&base, key)
    }

    /// The product's key for `base`: a saved key only when it was verified with that base URL
    /// (see [`ProductKey::require_for`]).
    pub fn key_for(&self, product: Product, base: &str) -> AppResult<ApiKey> {
        let base = wa_sync_engine::url::parse_base_url(base, "the API URL")?;
        self.key(product)
            .require_for(&base, self.configured_base(product).as_ref())
    }

    /// The base URL the settings name for `product`, if any.
    fn configured_base(&self, product: Product) -> Option<Url> {
        let settings = self.settings();
        let text = match product {
            Product::Conformity => resolve_endpoint(&settings.conformity.unwrap_or_default()),
            Product::VisionOne => resolve_visionone_endpoint(&settings.vision_one?),
        };
        text.ok()
            .and_then(|t| wa_sync_engine::url::parse_base_url(&t, "the API URL").ok())
    }

    /// The external ID wa-sync on this machine passes when it assumes the role: the Conformity
    /// organisation's, or (Vision One) the one the user chose, if any.
    pub async fn role_external_id(&self, role: &RoleChoice) -> AppResult<Option<String>> {
        match self.settings().product {
            Product::Conformity => Ok(Some(self.conformity_client()?.external_id().await?)),
            Product::VisionOne => Ok(role.external_id.clone()),
        }
    }

    /// A Conformity client for the configured endpoint and key.
    pub fn conformity_client(&self) -> AppResult<ConformityClient> {
        let endpoint = self.settings().conformity.unwrap_or_default();
        let base = resolve_endpoint(&endpoint)?;
        let key = self.key_for(Product::Conformity, &base)?;
        make_client(&base, key)
    }

    /// How wa-sync on this machine reaches the workload: the profile, and the role with the
    /// organisation's external ID when wa-sync is one of the role's writers.
    pub async fn aws_auth(&self) -> AppResult<AwsAuth> {
        let settings = self.settings();
        let aws = settings.aws.unwrap_or_default();
        let role = settings
            .role
            .filter(|r| r.writer.app_assumes() && r.role_arn.is_some());
        let external_id = match &role {
            Some(r) => self.role_external_id(r).await?,
            None => None,
        };
        Ok(AwsAuth {
            profile: aws.profile,
            role_arn: role.and_then(|r| r.role_arn),
            external_id,
            assume_role_wait: None,
        })
    }

    /// The configured workload's ARN.
    pub fn workload_arn(&self) -> AppResult<WorkloadArn> {
        let arn = self
            .settings()
            .aws
            .and_then(|a| a.workload_arn)
            .ok_or_else(|| {
                AppError::new(
                    "bad_input",
                    "no workload is set up yet: open Settings > Run the setup again and pick one",
                )
            })?;
        Ok(WorkloadArn::parse(&arn)?)
    }

    /// The configured AWS workload, connected (assuming the role when one is set).
    pub async fn aws_workload(&self) -> AppResult<AwsWorkload> {
        let arn = self.workload_arn()?;
        let auth = self.aws_auth().await?;
        AwsWorkload::connect(arn, &auth)
            .await
            .map_err(|e| aws_error(auth.profile.as_deref(), e))
    }
}

/// The base URL text of a configured endpoint; `CONFORMITY_API_URL`/`CONFORMITY_REGION` when
/// none is. Checked (https, or http on loopback only) before it is used.
pub fn resolve_endpoint(endpoint: &ConformityEndpoint) -> AppResult<String> {
    let text = match (&endpoint.url, &endpoint.region) {
        (Some(url), _) if !url.trim().is_empty() => url.clone(),
        (_, Some(region)) if !region.trim().is_empty() => base_url_for_region(region)?,
        _ => match (
            non_empty_env("CONFORMITY_API_URL"),
            non_empty_env("CONFORMITY_REGION"),
        ) {
            (Some(url), _) => url,
            (None, Some(region)) => base_url_for_region(&region)?,
            (None, None) => {
                return Err(AppError::new(
                    "bad_input",
                    "Conformity is not set up yet: choose its region (or enter its API URL) in the setup",
                ))
            }
        },
    };
    wa_sync_engine::url::parse_base_url(&text, "the Conformity API URL")?;
    Ok(text.trim().to_string())
}

/// A client for a checked base URL.
pub fn make_client(base: &str, key: ApiKey) -> AppResult<ConformityClient> {
    let base = wa_sync_engine::url::parse_base_url(base, "the Conformity API URL")?;
    Ok(ConformityClient::new(base, key, ClientOptions::default())?)
}

/// The checked base URL of a configured Vision One endpoint.
pub fn resolve_visionone_endpoint(endpoint: &VisionOneEndpoint) -> AppResult<String> {
    let text = match (&endpoint.url, &endpoint.region) {
        (Some(url), _) if !url.trim().is_empty() => url.trim().to_string(),
        (_, Some(region)) if !region.trim().is_empty() => visionone_region_url(region)?,
        _ => return Err(AppError::new(
            "bad_input",
            "Vision One is not set up yet: choose its region (or enter its API URL) in the setup",
        )),
    };
    wa_sync_engine::url::parse_base_url(&text, "the Vision One API URL")?;
    Ok(text)
}

/// A Vision One client for a checked base URL.
pub fn make_visionone_client(base: &str, key: ApiKey) -> AppResult<VisionOneClient> {
    let base = wa_sync_engine::url::parse_base_url(base, "the Vision One API URL")?;
    Ok(VisionOneClient::new(
        base,
        key,
        VisionOneOptions::default(),
    )?)
}

/// The accounts of the configured product (AWS only).
pub async fn source_accounts(state: &AppState) -> AppResult<Vec<AccountView>> {
    let accounts = match state.settings().product {
        Product::Conformity => state.conformity_client()?.accounts().await?,
        Product::VisionOne => state.vision_one_client()?.accounts().await?,
    };
    Ok(accounts_view(accounts).0)
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn accounts_view(accounts: Vec<wa_sync_engine::conformity::Account>) -> (Vec<AccountView>, u64) {
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

// ---------- Conformity ----------

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

/// Tests the connection with a live call and, when it works, keeps the endpoint in the settings
/// and a new key (if one was given) in the OS keychain. Without a new key, the key in use is
/// tested. A key that fails is never saved.
#[tauri::command]
pub async fn conformity_connect(
    state: State<'_, AppState>,
    endpoint: ConformityEndpoint,
    api_key: Option<String>,
) -> AppResult<ConformityConnection> {
    connect(&state, endpoint, api_key).await
}

pub async fn connect(
    state: &AppState,
    endpoint: ConformityEndpoint,
    api_key: Option<String>,
) -> AppResult<ConformityConnection> {
    let product = Product::Conformity;
    let (region, url) = tidy_endpoint(product, endpoint.region, endpoint.url)?;
    let endpoint = ConformityEndpoint { region, url };
    let base = resolve_endpoint(&endpoint)?;
    let trial = KeyTrial::new(state, product, &base, api_key)?;
    let client = make_client(&base, trial.key.clone())?;
    // The live test: the external ID needs a valid key for this region.
    let external_id = client
        .external_id()
        .await
        .map_err(|e| refusal(product, endpoint.url.is_some(), e))?;
    let (accounts, other_clouds) = accounts_view(client.accounts().await?);
    trial.keep();
    state.update_settings(|s| {
        let moved = s.conformity.as_ref() != Some(&endpoint);
        switch_source(s, product, moved);
        s.conformity = Some(endpoint);
    })?;
    Ok(ConformityConnection {
        key: state.key(product).status(),
        base_url: client.base_url().to_string(),
        external_id,
        accounts,
        other_clouds,
    })
}

/// The words of the connect flow that differ by product.
struct ConnectWords {
    /// The error when neither a region nor an API URL is given.
    no_endpoint: &'static str,
    /// Where a key works: a key made in one region (or on one site) is refused elsewhere.
    key_works: &'static str,
    /// What a right API URL looks like.
    url_shape: &'static str,
}

fn connect_words(product: Product) -> ConnectWords {
    match product {
        Product::Conformity => ConnectWords {
            no_endpoint: "choose your Conformity region, or enter the API URL of your Conformity",
            key_works: "in the region it was made in",
            url_shape: "it ends in /api for Cloud One, /v1 for standalone Conformity",
        },
        Product::VisionOne => ConnectWords {
            no_endpoint:
                "choose your Vision One region, or enter the API URL of your Vision One site",
            key_works: "on the site it was made on",
            url_shape: "e.g. https://api.eu.xdr.trendmicro.com",
        },
    }
}

/// The region and URL as typed, trimmed (the region lower-cased), blanks dropped; one of them
/// is needed.
fn tidy_endpoint(
    product: Product,
    region: Option<String>,
    url: Option<String>,
) -> AppResult<(Option<String>, Option<String>)> {
    let region = region
        .map(|r| r.trim().to_ascii_lowercase())
        .filter(|r| !r.is_empty());
    let url = url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
    if region.is_none() && url.is_none() {
        return Err(AppError::new(
            "bad_input",
            connect_words(product).no_endpoint,
        ));
    }
    Ok((region, url))
}

/// The key a connect tests: the one just typed, else the one in use, which is sent only to
/// the base URL it was verified with. Only a key that passed the live test is kept, bound to
/// that base URL.
struct KeyTrial<'a> {
    slot: &'a ProductKey,
    base: Url,
    key: ApiKey,
    /// Typed now, or saved by an earlier wa-sync without its host: kept (bound) once it works.
    keep: bool,
}

impl<'a> KeyTrial<'a> {
    fn new(
        state: &'a AppState,
        product: Product,
        base: &str,
        api_key: Option<String>,
    ) -> AppResult<Self> {
        let slot = state.key(product);
        let base = wa_sync_engine::url::parse_base_url(base, "the API URL")?;
        let typed = match api_key.as_deref().map(str::trim) {
            Some(k) if !k.is_empty() => Some(ApiKey::for_product(slot.kind(), k).map_err(|e| {
                // ApiKey::new never quotes the key; keep it that way whatever the engine says.
                AppError::new(e.code(), e.to_string())
            })?),
            _ => None,
        };
        let (key, keep) = match typed {
            Some(k) => (k, true),
            None => {
                let status = slot.status();
                let key = state.key_for(product, base.as_str()).map_err(|mut e| {
                    if e.code == "key_host" {
                        e.message = format!(
                            "{}. To connect to {}, type the key again (Replace key).",
                            e.message,
                            wa_sync_engine::keychain::binding(&base)
                        );
                    }
                    e
                })?;
                let unbound =
                    status.source == crate::keys::KeySource::Keychain && status.bound_to.is_none();
                (key, unbound)
            }
        };
        Ok(KeyTrial {
            slot,
            base,
            key,
            keep,
        })
    }

    fn keep(self) {
        if self.keep {
            self.slot.keep(&self.key, &self.base);
        }
    }
}

/// A failed live test, in words that say what to check and that the key was not saved.
fn refusal(product: Product, url_given: bool, e: wa_sync_engine::Error) -> AppError {
    let words = connect_words(product);
    let mut err = AppError::from(e);
    if err.code == "auth" {
        err.message = format!(
            "{} The key was not saved.{}",
            err.message,
            if url_given {
                String::new()
            } else {
                format!(
                    " If the key is right, check the region: a key works only {}.",
                    words.key_works
                )
            }
        );
    } else if err.code == "network" || err.code == "not_found" {
        err.message = format!(
            "{} Check the region or the API URL ({}). The key was not saved.",
            err.message, words.url_shape
        );
    }
    err
}

/// Makes `product` the source of the checks. The account chosen before belongs to the product
/// (and to the endpoint, `moved` when it changed) it was picked from.
fn switch_source(s: &mut Settings, product: Product, moved: bool) {
    if moved || s.product != product {
        s.account = None;
    }
    s.product = product;
}

/// Vision One has no hosted sync: a role may only be written by wa-sync, and one that trusted
/// Conformity's hosted sync needs verifying again.
fn drop_hosted_writer(s: &mut Settings) {
    if let Some(r) = &mut s.role {
        if r.writer != Writer::App {
            r.writer = Writer::App;
            r.verified_at = None;
        }
    }
}

/// Removes the key from the keychain (and from this session).
#[tauri::command]
pub fn conformity_forget_key(state: State<'_, AppState>) -> AppResult<KeyStatus> {
    state.key(Product::Conformity).forget()
}

/// The organisation's external ID, fetched now (Conformity says it may change).
#[tauri::command]
pub async fn conformity_external_id(state: State<'_, AppState>) -> AppResult<String> {
    Ok(state.conformity_client()?.external_id().await?)
}

/// The AWS accounts registered with Conformity.
#[tauri::command]
pub async fn conformity_accounts(state: State<'_, AppState>) -> AppResult<Vec<AccountView>> {
    Ok(accounts_view(state.conformity_client()?.accounts().await?).0)
}

/// Picks the Conformity account by ID (looked up again, so the UI cannot invent one).
#[tauri::command]
pub async fn choose_account(state: State<'_, AppState>, account_id: String) -> AppResult<Settings> {
    pick_account(&state, account_id).await
}

pub async fn pick_account(state: &AppState, account_id: String) -> AppResult<Settings> {
    let accounts = source_accounts(state).await?;
    let product = state.settings().product.name();
    let account = accounts
        .into_iter()
        .find(|a| a.id == account_id)
        .ok_or_else(|| {
            AppError::new(
                "not_found",
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

// ---------- Vision One ----------

/// Which product the checks come from. Switching forgets the account (it belongs to the other
/// product) and a role that trusts Conformity's hosted sync (Vision One has none).
#[tauri::command]
pub fn choose_product(state: State<'_, AppState>, product: Product) -> AppResult<Settings> {
    set_product(&state, product)
}

pub fn set_product(state: &AppState, product: Product) -> AppResult<Settings> {
    state.update_settings(|s| {
        if s.product != product && product == Product::VisionOne {
            drop_hosted_writer(s);
        }
        switch_source(s, product, false);
    })
}

/// Tests the Vision One endpoint and key with a live call (the connectivity check, then the
/// accounts) and, when it works, keeps the endpoint in the settings and a new key in the OS
/// keychain. A key that fails is never saved.
#[tauri::command]
pub async fn visionone_connect(
    state: State<'_, AppState>,
    endpoint: VisionOneEndpoint,
    api_key: Option<String>,
) -> AppResult<VisionOneConnection> {
    connect_vision_one(&state, endpoint, api_key).await
}

pub async fn connect_vision_one(
    state: &AppState,
    endpoint: VisionOneEndpoint,
    api_key: Option<String>,
) -> AppResult<VisionOneConnection> {
    let product = Product::VisionOne;
    let (region, url) = tidy_endpoint(product, endpoint.region, endpoint.url)?;
    let endpoint = VisionOneEndpoint { region, url };
    let base = resolve_visionone_endpoint(&endpoint)?;
    let trial = KeyTrial::new(state, product, &base, api_key)?;
    let client = make_visionone_client(&base, trial.key.clone())?;
    let refused = |e| refusal(product, endpoint.url.is_some(), e);
    client.test_connection().await.map_err(refused)?;
    let (accounts, other_clouds) = accounts_view(client.accounts().await.map_err(refused)?);
    trial.keep();
    state.update_settings(|s| {
        let moved = s.vision_one.as_ref() != Some(&endpoint);
        switch_source(s, product, moved);
        s.vision_one = Some(endpoint);
        drop_hosted_writer(s);
    })?;
    Ok(VisionOneConnection {
        key: state.key(product).status(),
        base_url: client.base_url().to_string(),
        accounts,
        other_clouds,
    })
}

/// Removes the Vision One key from the keychain (and from this session).
#[tauri::command]
pub fn visionone_forget_key(state: State<'_, AppState>) -> AppResult<KeyStatus> {
    state.key(Product::VisionOne).forget()
}

/// The AWS accounts connected to Vision One Cloud Posture.
#[tauri::command]
pub async fn visionone_accounts(state: State<'_, AppState>) -> AppResult<Vec<AccountView>> {
    Ok(accounts_view(state.vision_one_client()?.accounts().await?).0)
}

/// Vision One: the external ID the role's trust demands, chosen by the user (optional: none
/// means AssumeRole without one). Not a secret; kept with the role in the settings.
#[tauri::command]
pub fn set_external_id(
    state: State<'_, AppState>,
    external_id: Option<String>,
) -> AppResult<Settings> {
    save_external_id(&state, external_id)
}

pub fn save_external_id(state: &AppState, external_id: Option<String>) -> AppResult<Settings> {
    if state.settings().product != Product::VisionOne {
        return Err(AppError::new(
            "bad_input",
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
                "bad_input",
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

// ---------- AWS ----------

fn aws_file(var: &str, default: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(p) => {
            let p = PathBuf::from(p);
            match p.strip_prefix("~") {
                Ok(rest) => dirs::home_dir().map(|h| h.join(rest)),
                Err(_) => Some(p),
            }
        }
        None => dirs::home_dir().map(|h| h.join(".aws").join(default)),
    }
}

/// The profiles of the AWS config and credentials files, default first, then by name.
pub fn parse_profiles(config: &str, credentials: &str) -> Vec<AwsProfile> {
    let mut profiles: Vec<AwsProfile> = Vec::new();
    let mut upsert = |name: &str, key: &str, value: &str| {
        let i = match profiles.iter().position(|p| p.name == name) {
            Some(i) => i,
            None => {
                profiles.push(AwsProfile {
                    name: name.to_string(),
                    kind: "other".into(),
                    region: None,
                });
                profiles.len() - 1
            }
        };
        let p = &mut profiles[i];
        let rank = |k: &str| match k {
            "sso" => 4,
            "role" => 3,
            "process" => 2,
            "keys" => 1,
            _ => 0,
        };
        let kind = match key {
            "sso_session" | "sso_start_url" | "sso_account_id" => "sso",
            "role_arn" => "role",
            "credential_process" => "process",
            "aws_access_key_id" => "keys",
            "region" => {
                p.region = Some(value.to_string());
                ""
            }
            _ => "",
        };
        if !kind.is_empty() && rank(kind) > rank(&p.kind) {
            p.kind = kind.to_string();
        }
    };
    for (text, is_config) in [(config, true), (credentials, false)] {
        let mut current: Option<String> = None;
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                let header = header.trim();
                current = if !is_config || header == "default" {
                    Some(header.to_string())
                } else {
                    header
                        .strip_prefix("profile ")
                        .map(|n| n.trim().to_string())
                };
                if let Some(name) = &current {
                    upsert(name, "", "");
                }
                continue;
            }
            if let (Some(name), Some((k, v))) = (&current, line.split_once('=')) {
                upsert(name, k.trim(), v.trim());
            }
        }
    }
    profiles.sort_by(|a, b| (a.name != "default", &a.name).cmp(&(b.name != "default", &b.name)));
    profiles
}

fn read_profiles() -> Vec<AwsProfile> {
    let read = |p: Option<PathBuf>| {
        p.and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default()
    };
    parse_profiles(
        &read(aws_file("AWS_CONFIG_FILE", "config")),
        &read(aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials")),
    )
}

/// The profiles of the user's AWS config (names and kinds only; no credential is read).
#[tauri::command]
pub fn aws_profiles() -> Vec<AwsProfile> {
    read_profiles()
}

/// An AWS error, with the SSO sign-in spelled out for SSO profiles.
pub fn aws_error(profile: Option<&str>, e: wa_sync_engine::Error) -> AppError {
    let mut err = AppError::from(e);
    let sso = read_profiles()
        .iter()
        .any(|p| Some(p.name.as_str()) == profile.or(Some("default")) && p.kind == "sso");
    let text = err.message.to_lowercase();
    let looks_like_login = ["sso", "token", "credential", "expired"]
        .iter()
        .any(|w| text.contains(w));
    if sso && looks_like_login {
        let name = profile.unwrap_or("default");
        err.code = "sso_login".into();
        err.message = format!(
            "The AWS profile {name:?} signs in through AWS IAM Identity Center (SSO) and needs a fresh \
             login: run `aws sso login --profile {name}` in a terminal, then press Retry. ({})",
            err.message
        );
    } else if err.code == "auth" && profile.is_none() && text.contains("credential") {
        err.message = format!(
            "{} No AWS credentials were found in the default chain: pick a profile from your AWS config, \
             or run `aws configure` (or `aws sso login`) first.",
            err.message
        );
    }
    err
}

fn validate_region(region: &str) -> AppResult<()> {
    let ok = region.split('-').count() >= 3
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(AppError::new(
            "bad_input",
            format!("{region:?} is not an AWS region (for example eu-west-1)"),
        ))
    }
}

fn validate_profile(profile: &Option<String>) -> AppResult<()> {
    if let Some(p) = profile {
        if !read_profiles().iter().any(|x| &x.name == p) {
            return Err(AppError::new(
                "bad_input",
                format!("there is no AWS profile {p:?} in your AWS config; pick one from the list"),
            ));
        }
    }
    Ok(())
}

/// Who the credentials are, and the workloads they see in `region`, with whether each has the
/// `wellarchitected` lens and is in the Conformity account's AWS account.
#[tauri::command]
pub async fn aws_workloads(
    state: State<'_, AppState>,
    profile: Option<String>,
    region: String,
) -> AppResult<WorkloadList> {
    list_workloads(&state, profile, region).await
}

pub async fn list_workloads(
    state: &AppState,
    profile: Option<String>,
    region: String,
) -> AppResult<WorkloadList> {
    let region = region.trim().to_string();
    validate_region(&region)?;
    validate_profile(&profile)?;
    let config = base_config(profile.as_deref(), &region).await;
    let sts = aws_sdk_sts::Client::new(&config);
    let me = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| aws_error(profile.as_deref(), sdk_error("STS GetCallerIdentity", &e)))?;
    let wa = aws_sdk_wellarchitected::Client::new(&config);
    let mut pages = wa.list_workloads().into_paginator().page_size(50).send();
    let expected = state.settings().account.and_then(|a| a.aws_account_id);
    let mut workloads = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            aws_error(
                profile.as_deref(),
                sdk_error(&format!("Well-Architected ListWorkloads in {region}"), &e),
            )
        })?;
        for w in page.workload_summaries() {
            let arn = w.workload_arn().unwrap_or_default().to_string();
            let Ok(parsed) = WorkloadArn::parse(&arn) else {
                continue;
            };
            workloads.push(WorkloadView {
                name: w.workload_name().unwrap_or_default().to_string(),
                has_lens: w.lenses().iter().any(|l| l == LENS_ALIAS),
                account_matches: expected.as_ref().map(|e| e == &parsed.account_id),
                account_id: parsed.account_id,
                region: parsed.region,
                arn,
            });
        }
    }
    workloads.sort_by_key(|a| a.name.to_lowercase());
    Ok(WorkloadList {
        caller_account: me.account().unwrap_or_default().to_string(),
        caller_arn: me.arn().unwrap_or_default().to_string(),
        workloads,
    })
}

/// Keeps the profile, region and workload (the workload is looked up again).
#[tauri::command]
pub async fn choose_workload(
    state: State<'_, AppState>,
    profile: Option<String>,
    region: String,
    workload_arn: String,
) -> AppResult<Settings> {
    let list = list_workloads(&state, profile.clone(), region.clone()).await?;
    let w = list
        .workloads
        .into_iter()
        .find(|w| w.arn == workload_arn)
        .ok_or_else(|| {
            AppError::new(
                "not_found",
                format!(
                    "{workload_arn} is not among the workloads these credentials see in {region}"
                ),
            )
        })?;
    if !w.has_lens {
        return Err(AppError::new(
            "bad_input",
            format!(
                "the workload {:?} is not reviewed with the AWS Well-Architected Framework lens \
                 ({LENS_ALIAS}); add the lens in the Well-Architected Tool (workload > Lenses), then pick it again",
                w.name
            ),
        ));
    }
    state.update_settings(|s| {
        let changed = s.aws.as_ref().and_then(|a| a.workload_arn.as_deref()) != Some(&w.arn);
        s.aws = Some(AwsChoice {
            profile,
            region: region.trim().to_string(),
            workload_arn: Some(w.arn.clone()),
            workload_name: Some(w.name.clone()),
        });
        if changed {
            // A role is for one workload (its policy names the workload's ARN).
            if let Some(r) = &mut s.role {
                r.verified_at = None;
            }
        }
    })
}

// ---------- IAM role ----------

struct Docs {
    arn: WorkloadArn,
    permissions: serde_json::Value,
    trust: serde_json::Value,
    external_id: Option<String>,
    principals: Vec<String>,
    caller_account: Option<String>,
}

async fn documents(state: &AppState, writer: Writer) -> AppResult<Docs> {
    let arn = state.workload_arn()?;
    let settings = state.settings();
    let external_id = match settings.product {
        Product::Conformity => Some(state.conformity_client()?.external_id().await?),
        Product::VisionOne => {
            if writer != Writer::App {
                return Err(AppError::new(
                    "bad_input",
                    "with Vision One, wa-sync on this computer writes the notes: there is no hosted sync to trust",
                ));
            }
            settings.role.and_then(|r| r.external_id)
        }
    };
    let trust = match writer {
        Writer::App => vec![Trust::Caller],
        Writer::Hosted => vec![Trust::Conformity],
        Writer::Both => vec![Trust::Caller, Trust::Conformity],
    };
    let profile = state.settings().aws.and_then(|a| a.profile);
    let caller_account = if writer.app_assumes() {
        let config = base_config(profile.as_deref(), &arn.region).await;
        Some(
            iam::caller_account(&config)
                .await
                .map_err(|e| aws_error(profile.as_deref(), e))?,
        )
    } else {
        None
    };
    let principals = iam::principals(&trust, &arn.partition, caller_account.as_deref())?;
    Ok(Docs {
        permissions: iam::permissions_policy(&arn, false),
        trust: iam::trust_policy(&principals, external_id.as_deref()),
        arn,
        external_id,
        principals,
        caller_account,
    })
}

fn check_role_name(name: &str) -> AppResult<()> {
    iam::validate_role_name(name).map_err(|_| {
        AppError::new(
            "bad_input",
            format!("{name:?} cannot be an IAM role name: use 1-64 letters, digits or +=,.@_-"),
        )
    })
}

/// The exact permissions and trust policies for the chosen writer, and what would stand in
/// the way of creating them from here.
#[tauri::command]
pub async fn iam_plan(
    state: State<'_, AppState>,
    writer: Writer,
    role_name: String,
) -> AppResult<IamPlan> {
    plan(&state, writer, role_name).await
}

pub async fn plan(state: &AppState, writer: Writer, role_name: String) -> AppResult<IamPlan> {
    check_role_name(&role_name)?;
    let docs = documents(state, writer).await?;
    let mut warnings = Vec::new();
    let settings = state.settings();
    if let Some(caller) = &docs.caller_account {
        if caller != &docs.arn.account_id {
            warnings.push(format!(
                "Your AWS credentials are for account {caller}, but the workload is in account {}: the role \
                 must be created in the workload's account. Pick a profile of account {} to create it from \
                 here, or save the files and run the script with credentials of that account. (wa-sync will \
                 still need to assume it from account {caller}, which the trust policy allows.)",
                docs.arn.account_id, docs.arn.account_id
            ));
        }
    }
    if let Some(expected) = settings
        .account
        .as_ref()
        .filter(|_| settings.product == Product::Conformity)
        .and_then(|a| a.aws_account_id.clone())
    {
        if expected != docs.arn.account_id {
            warnings.push(format!(
                "The Conformity account's AWS account is {expected}, but the workload is in {}: Conformity's \
                 hosted sync only writes to workloads of the account's own AWS account.",
                docs.arn.account_id
            ));
        }
    }
    Ok(IamPlan {
        writer,
        role_arn: format!(
            "arn:{}:iam::{}:role/{role_name}",
            docs.arn.partition, docs.arn.account_id
        ),
        policy_name: iam::policy_name(&role_name),
        role_name,
        permissions_policy: iam::pretty(&docs.permissions),
        trust_policy: iam::pretty(&docs.trust),
        external_id: docs.external_id,
        principals: docs.principals,
        workload_account: docs.arn.account_id.clone(),
        caller_account: docs.caller_account,
        warnings,
    })
}

fn save_role(
    state: &AppState,
    writer: Writer,
    role_name: &str,
    role_arn: Option<String>,
) -> AppResult<Settings> {
    state.update_settings(|s| {
        let external_id = s.role.as_ref().and_then(|r| r.external_id.clone());
        s.role = Some(RoleChoice {
            writer,
            role_name: role_name.to_string(),
            role_arn,
            verified_at: None,
            external_id,
        })
    })
}

/// Creates or updates the policy and the role with the credentials in use (IAM through the
/// engine), then remembers the role. A role or policy of that name that wa-sync did not make is
/// changed only with `adopt`; without it nothing is written and the answer carries what the
/// confirmation shows (the role's current trust policy beside the new one).
#[tauri::command]
pub async fn iam_create(
    state: State<'_, AppState>,
    writer: Writer,
    role_name: String,
    adopt: Option<bool>,
) -> AppResult<IamCreated> {
    create_role(&state, writer, role_name, adopt.unwrap_or(false)).await
}

pub async fn create_role(
    state: &AppState,
    writer: Writer,
    role_name: String,
    adopt: bool,
) -> AppResult<IamCreated> {
    check_role_name(&role_name)?;
    let docs = documents(state, writer).await?;
    let profile = state.settings().aws.and_then(|a| a.profile);
    let config = base_config(profile.as_deref(), &docs.arn.region).await;
    let account = iam::caller_account(&config)
        .await
        .map_err(|e| aws_error(profile.as_deref(), e))?;
    if account != docs.arn.account_id {
        return Err(AppError::new(
            "bad_input",
            format!(
                "your AWS credentials are for account {account}, but the workload is in account {}; the role \
                 must be in the workload's account. Pick a profile of account {} in the AWS step, or save the \
                 files and run the script there",
                docs.arn.account_id, docs.arn.account_id
            ),
        ));
    }
    let iam_error = |e| {
        let mut err = aws_error(profile.as_deref(), e);
        if err.code == "auth" {
            err.message = format!(
                "{} Creating the role needs IAM rights (iam:CreatePolicy, iam:GetPolicy, iam:CreatePolicyVersion, \
                 iam:ListPolicyVersions, iam:GetPolicyVersion, iam:DeletePolicyVersion, iam:GetRole, \
                 iam:CreateRole, iam:UpdateAssumeRolePolicy, iam:AttachRolePolicy, iam:TagRole, iam:TagPolicy). \
                 Use an administrator's profile, or save the files and hand the script to someone who has them.",
                err.message
            );
        }
        err
    };
    if !adopt {
        let owned = iam::ownership(&config, &account, &docs.arn.partition, &role_name)
            .await
            .map_err(iam_error)?;
        let foreign = owned.foreign();
        if !foreign.is_empty() {
            return Ok(IamCreated {
                role_arn: format!(
                    "arn:{}:iam::{account}:role/{role_name}",
                    docs.arn.partition
                ),
                summary: format!(
                    "Nothing was changed: {} already exist{} and {} not made by wa-sync (no tag {}={}).",
                    foreign.join(" and "),
                    if foreign.len() == 1 { "s" } else { "" },
                    if foreign.len() == 1 { "was" } else { "were" },
                    iam::MANAGED_TAG_KEY,
                    iam::MANAGED_TAG_VALUE,
                ),
                policy_arn: owned.policy_arn,
                adoption: Some(IamAdoption {
                    foreign,
                    current_trust_policy: owned
                        .role
                        .as_ref()
                        .filter(|r| !r.managed)
                        .and_then(|r| r.trust_policy.as_ref())
                        .map(iam::pretty),
                    new_trust_policy: iam::pretty(&docs.trust),
                }),
            });
        }
    }
    let outcome = iam::create_or_update(
        &config,
        &account,
        &docs.arn.partition,
        &role_name,
        &docs.permissions,
        &docs.trust,
        adopt,
    )
    .await
    .map_err(iam_error)?;
    save_role(state, writer, &role_name, Some(outcome.role_arn.clone()))?;
    let summary = format!(
        "Policy {} {}; role {} {}.",
        outcome.policy_arn,
        if outcome.policy_created {
            "created".to_string()
        } else if let Some(v) = &outcome.policy_version {
            format!("updated (now version {v})")
        } else {
            "already up to date".to_string()
        },
        outcome.role_arn,
        if outcome.role_created {
            "created"
        } else {
            "updated (trust policy)"
        }
    );
    Ok(IamCreated {
        role_arn: outcome.role_arn,
        policy_arn: outcome.policy_arn,
        summary,
        adoption: None,
    })
}

/// Writes `permissions-policy.json`, `trust-policy.json` and `setup-iam-role.sh` into the
/// folder the user chooses in the folder dialog (opened here; those three names only, nothing
/// else is written). `None`: the user cancelled.
#[tauri::command]
pub async fn iam_export(
    state: State<'_, AppState>,
    writer: Writer,
    role_name: String,
) -> AppResult<Option<IamExported>> {
    export_role_files(&state, writer, role_name).await
}

pub async fn export_role_files(
    state: &AppState,
    writer: Writer,
    role_name: String,
) -> AppResult<Option<IamExported>> {
    check_role_name(&role_name)?;
    let docs = documents(state, writer).await?;
    let Some(dir) = state
        .ask(|d, start| {
            d.pick_folder(&crate::dialogs::DialogRequest {
                title: "Choose the folder for the IAM role files".into(),
                start_dir: start,
                file_name: None,
                filter: None,
            })
        })
        .await?
    else {
        return Ok(None);
    };
    if !dir.is_absolute() || !dir.is_dir() {
        return Err(AppError::new(
            "bad_input",
            format!("{} is not a folder; choose a folder", dir.display()),
        ));
    }
    let files = iam::export(&dir, &role_name, &docs.permissions, &docs.trust)?;
    state.remember_folder(&dir)?;
    let keep_arn = state
        .settings()
        .role
        .filter(|r| r.role_name == role_name)
        .and_then(|r| r.role_arn);
    save_role(state, writer, &role_name, keep_arn)?;
    Ok(Some(IamExported {
        files: files.iter().map(|f| f.display().to_string()).collect(),
    }))
}

/// Remembers a role created elsewhere (for example with the saved script).
#[tauri::command]
pub fn set_role_arn(
    state: State<'_, AppState>,
    writer: Writer,
    role_arn: String,
) -> AppResult<Settings> {
    let role_arn = role_arn.trim().to_string();
    validate_role_arn(&role_arn)?;
    let workload = state.workload_arn()?;
    let account = role_arn.split(':').nth(4).unwrap_or_default();
    if account != workload.account_id {
        return Err(AppError::new(
            "bad_input",
            format!(
                "the role is in account {account}, but the workload is in account {}: the role must be in the workload's account",
                workload.account_id
            ),
        ));
    }
    let name = role_arn.rsplit('/').next().unwrap_or_default().to_string();
    save_role(&state, writer, &name, Some(role_arn))
}

fn fix_for(
    check: &str,
    ok: bool,
    role: &RoleChoice,
    external_id: Option<&str>,
    workload: &WorkloadArn,
) -> Option<String> {
    if ok {
        return None;
    }
    Some(match check {
        "trust" if external_id.is_none() => format!(
            "The trust policy of {} must let your AWS account call sts:AssumeRole. Press \u{201c}Create \
             or update the role\u{201d} to put the policy shown above in place (or run the saved script again); \
             if the role was made elsewhere, compare its trust relationships in IAM > Roles with the policy \
             shown above (an external ID condition there needs the same external ID here).",
            role.role_name
        ),
        "trust" => format!(
            "The trust policy of {} must let your AWS account call sts:AssumeRole with the condition \
             StringEquals sts:ExternalId = {}. Press \u{201c}Create or update the role\u{201d} to put the \
             policy shown above in place (or run the saved script again); if the role was made elsewhere, \
             compare its trust relationships in IAM > Roles with the policy shown above. A role created \
             seconds ago may need a moment: verify again.",
            role.role_name,
            external_id.unwrap_or("your organisation's external ID")
        ),
        "external-id-required" => format!(
            "Anyone trusted by {} can assume it without the external ID. Add the condition \
             StringEquals sts:ExternalId to its trust policy (\u{201c}Create or update the role\u{201d} does).",
            role.role_name
        ),
        c if c.starts_with("wellarchitected:") => format!(
            "Add {c} on {workload} to the role's permissions policy ({}); \u{201c}Create or update the role\u{201d} \
             writes the full policy shown above.",
            iam::policy_name(&role.role_name)
        ),
        _ => "See the detail above.".to_string(),
    })
}

/// Assumes the role (with the external ID) and reads and rewrites the workload as a sync would;
/// each failed check says which permission or trust condition is missing.
#[tauri::command]
pub async fn iam_verify(state: State<'_, AppState>) -> AppResult<VerifyView> {
    verify(&state).await
}

pub async fn verify(state: &AppState) -> AppResult<VerifyView> {
    let workload = state.workload_arn()?;
    let settings = state.settings();
    let role = settings
        .role
        .clone()
        .filter(|r| r.role_arn.is_some())
        .ok_or_else(|| {
            AppError::new(
                "bad_input",
                "no role yet: create it here, or enter the ARN of the role the script created",
            )
        })?;
    let role_arn = role.role_arn.clone().unwrap_or_default();
    if role.writer == Writer::Hosted {
        return Ok(VerifyView {
            ok: false,
            role_arn: role_arn.clone(),
            workload_arn: workload.to_string(),
            checks: vec![VerifyCheckView {
                check: "hosted-only".into(),
                ok: false,
                detail: "Only Conformity's AWS account may assume this role, so wa-sync cannot try it from this machine.".into(),
                fix: Some("Choose \u{201c}both\u{201d} to let wa-sync verify it too, or start a hosted sync in Conformity (or `wa-sync hosted-sync`) to test it.".into()),
            }],
        });
    }
    let external_id = state.role_external_id(&role).await?;
    let auth = AwsAuth {
        profile: settings.aws.and_then(|a| a.profile),
        role_arn: Some(role_arn.clone()),
        external_id: external_id.clone(),
        assume_role_wait: None,
    };
    let report = iam::verify(&auth, &workload)
        .await
        .map_err(|e| aws_error(auth.profile.as_deref(), e))?;
    let ok = report.ok();
    let checks = report
        .checks
        .into_iter()
        .map(|c| VerifyCheckView {
            fix: fix_for(&c.check, c.ok, &role, external_id.as_deref(), &workload),
            check: c.check,
            ok: c.ok,
            detail: c.detail,
        })
        .collect();
    if ok {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        state.update_settings(|s| {
            if let Some(r) = &mut s.role {
                r.verified_at = Some(wa_sync_engine::sync::rfc3339(now));
            }
        })?;
    }
    Ok(VerifyView {
        ok,
        role_arn,
        workload_arn: workload.to_string(),
        checks,
    })
}

/// The wizard's last step: from now on the app opens on the preview.
#[tauri::command]
pub fn finish_setup(state: State<'_, AppState>) -> AppResult<Settings> {
    state.update_settings(|s| s.setup_done = true)
}

/// What is configured and whether it still works (live calls), for the connection badge.
#[tauri::command]
pub async fn connection_status(state: State<'_, AppState>) -> AppResult<ConnectionStatus> {
    Ok(check_connection(&state).await)
}

pub async fn check_connection(state: &AppState) -> ConnectionStatus {
    let settings = state.settings();
    let part = |state: PartState, detail: String| PartStatus { state, detail };
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
    let conformity = match reached {
        Err(e) if !set_up => part(PartState::Missing, format!("not set up ({})", e.message)),
        Err(e) => part(
            if e.code == "missing_key" {
                PartState::Missing
            } else {
                PartState::Failed
            },
            e.message,
        ),
        Ok((_, Err(e))) => part(PartState::Failed, e.to_string()),
        Ok((base_url, Ok(()))) => {
            let (at, on) = match product {
                Product::Conformity => ("", ""),
                Product::VisionOne => ("Vision One at ", "Vision One "),
            };
            match &settings.account {
                None => part(
                    PartState::Missing,
                    format!("connected to {at}{base_url}; no account chosen yet"),
                ),
                Some(a) => part(
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
    };
    let workload = match state.workload_arn() {
        Err(e) => part(PartState::Missing, e.message),
        Ok(arn) => {
            let result = async {
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
                Ok::<_, AppError>(format!(
                    "{name} ({}), read {}",
                    arn.region,
                    match &auth.role_arn {
                        Some(r) => format!("through role {}", r.rsplit('/').next().unwrap_or(r)),
                        None => format!(
                            "with {}",
                            auth.profile
                                .as_deref()
                                .map_or("the default AWS credentials".to_string(), |p| format!(
                                    "profile {p}"
                                ))
                        ),
                    }
                ))
            }
            .await;
            match result {
                Ok(detail) => part(PartState::Ok, detail),
                Err(e) => part(PartState::Failed, e.message),
            }
        }
    };
    let role = match &settings.role {
        Some(RoleChoice {
            role_arn: Some(arn),
            verified_at: Some(at),
            ..
        }) => part(PartState::Ok, format!("{arn}, verified {at}")),
        Some(RoleChoice {
            role_arn: Some(arn),
            ..
        }) => part(PartState::Failed, format!("{arn}, not verified yet")),
        _ => part(
            PartState::Missing,
            "no role: wa-sync writes with your own AWS credentials".into(),
        ),
    };
    ConnectionStatus {
        can_preview: conformity.state == PartState::Ok,
        can_push: conformity.state == PartState::Ok && workload.state == PartState::Ok,
        conformity,
        workload,
        role,
    }
}
