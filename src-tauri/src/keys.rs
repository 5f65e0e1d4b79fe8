//! The Conformity and Vision One API keys on the Rust side of the bridge. The UI never receives it: it learns
//! only whether a key is saved, where it comes from and its last four characters.
//!
//! Order of precedence (as for the command line): the product's environment variable
//! (`CONFORMITY_API_KEY`, `VISIONONE_API_KEY`), else the OS keychain, else a key kept in memory
//! for this session only (when the keychain cannot be used).

use crate::error::{AppError, AppResult};
use crate::settings::Product;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use ts_rs::TS;
use wa_sync_engine::conformity::ApiKey;
use wa_sync_engine::keychain::{self, KeyKind};

/// Where the app keeps the key: the OS keychain, or (tests) memory.
pub trait KeyStore: Send + Sync {
    fn stored(&self) -> wa_sync_engine::Result<Option<ApiKey>>;
    fn save(&self, key: &ApiKey) -> wa_sync_engine::Result<()>;
    fn forget(&self) -> wa_sync_engine::Result<()>;
}

/// The OS keychain entry of one product's key, through the engine (keyring: Keychain,
/// Credential Manager, Secret Service).
pub struct OsKeychain(pub KeyKind);

impl KeyStore for OsKeychain {
    fn stored(&self) -> wa_sync_engine::Result<Option<ApiKey>> {
        keychain::stored(self.0)
    }
    fn save(&self, key: &ApiKey) -> wa_sync_engine::Result<()> {
        keychain::save(self.0, key)
    }
    fn forget(&self) -> wa_sync_engine::Result<()> {
        keychain::forget(self.0)
    }
}

/// A store in memory, for tests; `broken` behaves like a machine without a usable keychain.
#[derive(Default)]
pub struct MemoryKeyStore {
    key: Mutex<Option<ApiKey>>,
    pub broken: bool,
}

impl MemoryKeyStore {
    pub fn broken() -> Self {
        MemoryKeyStore {
            key: Mutex::new(None),
            broken: true,
        }
    }

    fn unavailable() -> wa_sync_engine::Error {
        wa_sync_engine::Error::Keychain(
            "cannot use the OS keychain: no Secret Service is running (test double)".into(),
        )
    }
}

impl KeyStore for MemoryKeyStore {
    fn stored(&self) -> wa_sync_engine::Result<Option<ApiKey>> {
        if self.broken {
            return Err(Self::unavailable());
        }
        Ok(self.key.lock().expect("key lock").clone())
    }
    fn save(&self, key: &ApiKey) -> wa_sync_engine::Result<()> {
        if self.broken {
            return Err(Self::unavailable());
        }
        *self.key.lock().expect("key lock") = Some(key.clone());
        Ok(())
    }
    fn forget(&self) -> wa_sync_engine::Result<()> {
        if self.broken {
            return Err(Self::unavailable());
        }
        *self.key.lock().expect("key lock") = None;
        Ok(())
    }
}

/// Where the key in use comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub enum KeySource {
    /// `CONFORMITY_API_KEY` is set; it wins over the keychain.
    Environment,
    Keychain,
    /// Kept in memory until the app closes (the keychain could not be used).
    Session,
    None,
}

/// All the UI ever learns about the key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct KeyStatus {
    pub source: KeySource,
    /// Saved in the OS keychain.
    pub saved: bool,
    /// The last four characters of the key in use, to tell keys apart.
    pub last_four: Option<String>,
    /// Why the keychain cannot be used, and the alternative; `None` when it works.
    pub keychain_problem: Option<String>,
}

/// The explanation shown when the keychain cannot be used, for the key of `kind`.
fn keychain_problem_text(kind: KeyKind, error: &wa_sync_engine::Error) -> String {
    let var = kind.env_var();
    format!(
        "{error}. wa-sync cannot keep the key between runs on this machine. Either unlock or install \
         a keychain (on Linux: a Secret Service such as GNOME Keyring or KWallet), or set the \
         environment variable {var} before starting the app (for example in your \
         shell profile, from a password manager); the app then uses it and stores nothing."
    )
}

/// The key held for this session when the keychain refused it.
#[derive(Default)]
struct SessionKey(Mutex<Option<ApiKey>>);

impl SessionKey {
    fn set(&self, key: Option<ApiKey>) {
        *self.0.lock().expect("session key lock") = key;
    }
    fn get(&self) -> Option<ApiKey> {
        self.0.lock().expect("session key lock").clone()
    }
}

fn env_key(kind: KeyKind) -> Option<ApiKey> {
    std::env::var(kind.env_var())
        .ok()
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| ApiKey::for_product(kind, v).ok())
}

/// One product's API key: where it is kept, and the copy held for this session when the
/// keychain refused it.
pub struct ProductKey {
    product: Product,
    store: Box<dyn KeyStore>,
    session: SessionKey,
}

impl ProductKey {
    pub fn new(product: Product, store: Box<dyn KeyStore>) -> Self {
        ProductKey {
            product,
            store,
            session: SessionKey::default(),
        }
    }

    /// Which product's key this is, for the engine's key checks and messages.
    pub fn kind(&self) -> KeyKind {
        self.product.key_kind()
    }

    /// The key to use and its status.
    pub fn resolve(&self) -> (Option<ApiKey>, KeyStatus) {
        let kind = self.product.key_kind();
        let stored = self.store.stored();
        let keychain_problem = stored
            .as_ref()
            .err()
            .map(|e| keychain_problem_text(kind, e));
        let saved = matches!(stored, Ok(Some(_)));
        let (key, source) = if let Some(k) = env_key(kind) {
            (Some(k), KeySource::Environment)
        } else if let Ok(Some(k)) = stored {
            (Some(k), KeySource::Keychain)
        } else if let Some(k) = self.session.get() {
            (Some(k), KeySource::Session)
        } else {
            (None, KeySource::None)
        };
        let status = KeyStatus {
            source,
            saved,
            last_four: key.as_ref().map(ApiKey::last_four),
            keychain_problem,
        };
        (key, status)
    }

    pub fn status(&self) -> KeyStatus {
        self.resolve().1
    }

    /// The key, or the error that says how to provide one.
    pub fn require(&self) -> AppResult<ApiKey> {
        let (key, status) = self.resolve();
        let name = self.product.name();
        let var = self.product.key_kind().env_var();
        key.ok_or_else(|| {
            AppError::new(
                "missing_key",
                match status.keychain_problem {
                    Some(p) => format!("no {name} API key: {p}"),
                    None => format!(
                        "no {name} API key yet: enter one in the setup ({name} > Administration > API Keys), \
                         or set {var}"
                    ),
                },
            )
        })
    }

    /// Keeps a key that passed its live test: in the keychain, or, when there is no usable
    /// keychain, for this session (the key status says so).
    pub fn keep(&self, key: &ApiKey) {
        match self.store.save(key) {
            Ok(()) => self.session.set(None),
            Err(_) => self.session.set(Some(key.clone())),
        }
    }

    /// Removes the key from the keychain and from this session.
    pub fn forget(&self) -> AppResult<KeyStatus> {
        self.session.set(None);
        self.store.forget().map_err(|e| {
            AppError::new(
                "keychain",
                keychain_problem_text(self.product.key_kind(), &e),
            )
        })?;
        Ok(self.status())
    }
}
