//! The source step: which product the checks come from, its endpoint (region or URL), and its
//! API key, tested live before anything is kept.

use crate::endpoints::{conformity_endpoint, visionone_endpoint, TrialKey};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::keys::{KeyStatus, ProductKey};
use crate::settings::{ConformityEndpoint, Product, Settings, VisionOneEndpoint, Writer};
use crate::setup::accounts::{accounts_view, AccountView};
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use url::Url;
use wa_sync_engine::conformity::ApiKey;

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

/// Tests the connection with a live call and, when it works, keeps the endpoint in the settings
/// and a new key (if one was given) in the OS keychain. Without a new key, the key in use is
/// tested. A key that fails is never saved.
#[tauri::command]
pub async fn conformity_connect(
    state: State<'_, AppState>,
    endpoint: ConformityEndpoint,
    api_key: Option<String>,
) -> AppResult<ConformityConnection> {
    run_conformity_connect(&state, endpoint, api_key).await
}

pub async fn run_conformity_connect(
    state: &AppState,
    endpoint: ConformityEndpoint,
    api_key: Option<String>,
) -> AppResult<ConformityConnection> {
    let product = Product::Conformity;
    let (region, url) = tidy_endpoint(product, endpoint.region, endpoint.url)?;
    let endpoint = ConformityEndpoint { region, url };
    let api = conformity_endpoint(&endpoint);
    let trial = KeyTrial::new(state, product, api.conformity_base()?, api_key)?;
    let client = api.conformity_client(&TrialKey(&trial.key))?;
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
            ErrorCode::BadInput,
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
        base: Url,
        api_key: Option<String>,
    ) -> AppResult<Self> {
        let slot = state.key(product);
        let typed = match api_key.as_deref().map(str::trim) {
            Some(k) if !k.is_empty() => Some(ApiKey::for_product(slot.kind(), k).map_err(|e| {
                // ApiKey::new never quotes the key; keep it that way whatever the engine says.
                AppError::from(e)
            })?),
            _ => None,
        };
        let (key, keep) = match typed {
            Some(k) => (k, true),
            None => {
                let status = slot.status();
                let key = state.key_for(product, base.as_str()).map_err(|mut e| {
                    if e.code == ErrorCode::KeyHost {
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
    if err.code == ErrorCode::Auth {
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
    } else if err.code == ErrorCode::Network || err.code == ErrorCode::NotFound {
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

/// Which product the checks come from. Switching forgets the account (it belongs to the other
/// product) and a role that trusts Conformity's hosted sync (Vision One has none).
#[tauri::command]
pub fn choose_product(state: State<'_, AppState>, product: Product) -> AppResult<Settings> {
    run_choose_product(&state, product)
}

pub fn run_choose_product(state: &AppState, product: Product) -> AppResult<Settings> {
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
    run_visionone_connect(&state, endpoint, api_key).await
}

pub async fn run_visionone_connect(
    state: &AppState,
    endpoint: VisionOneEndpoint,
    api_key: Option<String>,
) -> AppResult<VisionOneConnection> {
    let product = Product::VisionOne;
    let (region, url) = tidy_endpoint(product, endpoint.region, endpoint.url)?;
    let endpoint = VisionOneEndpoint { region, url };
    let api = visionone_endpoint(&endpoint);
    let trial = KeyTrial::new(state, product, api.vision_one_base()?, api_key)?;
    let client = api.vision_one_client(&TrialKey(&trial.key))?;
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
