//! The Conformity and Vision One API keys on the Rust side of the bridge. The UI never receives it: it learns
//! only whether a key is saved, where it comes from and its last four characters.
//!
//! Order of precedence (as for the command line): the product's environment variable
//! (`CONFORMITY_API_KEY`, `VISIONONE_API_KEY`), else a key kept in memory for this session
//! (only when the keychain refused to save it, so it is newer than the keychain's), else the OS
//! keychain.
//!
//! A saved key is bound to the base URL it passed its live test with and is sent to no other:
//! connecting elsewhere needs the key typed again. The environment's key is not bound.

use crate::error::{AppError, AppResult, ErrorCode};
use crate::settings::Product;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use ts_rs::TS;
use url::Url;
use wa_sync_engine::conformity::ApiKey;
use wa_sync_engine::keychain::{self, KeyKind, StoredKey};

/// Where the app keeps the key: the OS keychain, or (tests) memory.
pub trait KeyStore: Send + Sync {
    fn stored(&self) -> wa_sync_engine::Result<Option<StoredKey>>;
    fn save(&self, key: &StoredKey) -> wa_sync_engine::Result<()>;
    fn forget(&self) -> wa_sync_engine::Result<()>;
}

/// The OS keychain entry of one product's key, through the engine (keyring: Keychain,
/// Credential Manager, Secret Service).
pub struct OsKeychain(pub KeyKind);

impl KeyStore for OsKeychain {
    fn stored(&self) -> wa_sync_engine::Result<Option<StoredKey>> {
        keychain::stored(self.0)
    }
    fn save(&self, key: &StoredKey) -> wa_sync_engine::Result<()> {
        keychain::save(self.0, key)
    }
    fn forget(&self) -> wa_sync_engine::Result<()> {
        keychain::forget(self.0)
    }
}

/// A store in memory, for tests; `broken` behaves like a machine without a usable keychain,
/// `refuses_saves` like a keychain that reads but will not write (locked after reading).
#[derive(Default)]
pub struct MemoryKeyStore {
    key: Mutex<Option<StoredKey>>,
    pub broken: bool,
    pub refuses_saves: bool,
}

impl MemoryKeyStore {
    pub fn broken() -> Self {
        MemoryKeyStore {
            broken: true,
            ..Default::default()
        }
    }

    /// A store that already holds `key` (saved by this or an earlier wa-sync).
    pub fn holding(key: StoredKey) -> Self {
        MemoryKeyStore {
            key: Mutex::new(Some(key)),
            ..Default::default()
        }
    }

    /// This store, refusing every save from now on.
    pub fn refusing_saves(self) -> Self {
        MemoryKeyStore {
            refuses_saves: true,
            ..self
        }
    }

    fn unavailable() -> wa_sync_engine::Error {
        wa_sync_engine::Error::Keychain(
            "cannot use the OS keychain: Platform secure storage failure: DBus error: \
             The name org.freedesktop.secrets was not provided by any .service files (test double)"
                .into(),
        )
    }
}

impl KeyStore for MemoryKeyStore {
    fn stored(&self) -> wa_sync_engine::Result<Option<StoredKey>> {
        if self.broken {
            return Err(Self::unavailable());
        }
        Ok(self.key.lock().expect("key lock").clone())
    }
    fn save(&self, key: &StoredKey) -> wa_sync_engine::Result<()> {
        if self.broken {
            return Err(Self::unavailable());
        }
        if self.refuses_saves {
            return Err(wa_sync_engine::Error::Keychain(
                "cannot save the key in the OS keychain: Couldn't access platform secure storage: \
                 the collection is locked (test double)"
                    .into(),
            ));
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
    /// Why the keychain cannot be used (or refused the last save), in plain words with what to
    /// do; `None` when it works.
    pub keychain_problem: Option<String>,
    /// The keychain library's own words for that problem, for the "details" toggle.
    pub keychain_details: Option<String>,
    /// The API base URL the key in use was verified with (it is sent nowhere else); `None` for
    /// the environment's key, which is not bound.
    pub bound_to: Option<String>,
}

/// A keychain failure in plain words (what is wrong, what to do) and the library's own text.
fn explain_keychain(
    kind: KeyKind,
    error: &wa_sync_engine::Error,
    saving: bool,
) -> (String, String) {
    let details = error.to_string();
    let text = details.to_lowercase();
    let var = kind.env_var();
    let what = if text.contains("locked") {
        "The system keychain is locked. Unlock it (on Linux: the \u{201c}Login\u{201d} keyring in \
         Passwords and Keys, or log out and in again; on macOS: Keychain Access) and try again."
    } else if [
        "dbus",
        "secret service",
        "org.freedesktop",
        "access platform secure storage",
        "no such",
    ]
    .iter()
    .any(|w| text.contains(w))
    {
        "The system keychain is not running or cannot be reached. On Linux, install and start a \
         Secret Service (GNOME Keyring or KWallet; on a desktop it starts with your session), then \
         restart wa-sync."
    } else {
        "The system keychain refused the request. Check that your keychain works (for example in \
         Passwords and Keys or Keychain Access) and try again."
    };
    let then = if saving {
        "The new key was NOT saved: wa-sync uses it until the app closes, and the keychain still \
         holds whatever it held before."
    } else {
        "wa-sync cannot keep the key between runs on this machine."
    };
    (
        format!(
            "{what} {then} Alternatively, set the environment variable {var} before starting the \
             app (for example from a password manager); the app then uses it and stores nothing."
        ),
        details,
    )
}

/// One product's API key: where it is kept, and the copy held for this session when the
/// keychain refused it.
pub struct ProductKey {
    product: Product,
    store: Box<dyn KeyStore>,
    /// The key the keychain refused to save, with its binding.
    session: Mutex<Option<StoredKey>>,
    /// Why the last save failed, until a save works or the key is forgotten.
    save_failure: Mutex<Option<wa_sync_engine::Error>>,
}

impl ProductKey {
    pub fn new(product: Product, store: Box<dyn KeyStore>) -> Self {
        ProductKey {
            product,
            store,
            session: Mutex::new(None),
            save_failure: Mutex::new(None),
        }
    }

    /// Which product's key this is, for the engine's key checks and messages.
    pub fn kind(&self) -> KeyKind {
        self.product.key_kind()
    }

    fn session(&self) -> Option<StoredKey> {
        self.session.lock().expect("session key lock").clone()
    }

    /// The key in use (with its binding; none for the environment's), where it comes from,
    /// and its status.
    fn resolve(&self) -> (Option<ApiKey>, Option<StoredKey>, KeyStatus) {
        let kind = self.kind();
        let stored = self.store.stored();
        let save_failure = self.save_failure.lock().expect("save failure lock");
        let problem = match (&*save_failure, &stored) {
            (Some(e), _) => Some(explain_keychain(kind, e, true)),
            (None, Err(e)) => Some(explain_keychain(kind, e, false)),
            _ => None,
        };
        drop(save_failure);
        let saved = matches!(stored, Ok(Some(_)));
        let (key, bound, source) = if let Some(Ok(k)) = keychain::from_env(kind) {
            (Some(k), None, KeySource::Environment)
        } else if let Some(s) = self.session() {
            (Some(s.key.clone()), Some(s), KeySource::Session)
        } else if let Ok(Some(s)) = stored {
            (Some(s.key.clone()), Some(s), KeySource::Keychain)
        } else {
            (None, None, KeySource::None)
        };
        let (keychain_problem, keychain_details) = problem.unzip();
        let status = KeyStatus {
            source,
            saved,
            last_four: key.as_ref().map(ApiKey::last_four),
            keychain_problem,
            keychain_details,
            bound_to: bound.as_ref().and_then(|b| b.bound_to.clone()),
        };
        (key, bound, status)
    }

    pub fn status(&self) -> KeyStatus {
        self.resolve().2
    }

    /// The key to send to `base`. A saved key goes only to the base URL it was verified with;
    /// one saved before keys were bound counts as verified with `configured`, the endpoint the
    /// settings name (the only one the app connected it to).
    pub fn require_for(&self, base: &Url, configured: Option<&Url>) -> AppResult<ApiKey> {
        let (key, bound, status) = self.resolve();
        let name = self.product.name();
        let var = self.kind().env_var();
        let Some(key) = key else {
            return Err(AppError::new(
                ErrorCode::MissingKey,
                match status.keychain_problem {
                    Some(p) => format!("no {name} API key: {p}"),
                    None => format!(
                        "no {name} API key yet: enter one in the setup ({name} > Administration > API Keys), \
                         or set {var}"
                    ),
                },
            ));
        };
        match bound {
            None => Ok(key),
            Some(s) if s.is_for(base) => Ok(key),
            Some(s) if s.bound_to.is_none() && configured.is_some_and(|c| c == base) => Ok(key),
            Some(s) => Err(AppError::new(
                ErrorCode::KeyHost,
                s.refusal(self.kind(), base),
            )),
        }
    }

    /// Keeps a key that passed its live test against `base`, bound to it: in the keychain, or,
    /// when the keychain refuses it, for this session. A refused save is reported in the key
    /// status (and the old key in the keychain is not used while this one is held).
    pub fn keep(&self, key: &ApiKey, base: &Url) {
        let stored = StoredKey::verified_with(key.clone(), base);
        let mut failure = self.save_failure.lock().expect("save failure lock");
        match self.store.save(&stored) {
            Ok(()) => {
                *self.session.lock().expect("session key lock") = None;
                *failure = None;
            }
            Err(e) => {
                tracing::warn!(product = self.product.name(), "keychain save failed: {e}");
                *self.session.lock().expect("session key lock") = Some(stored);
                *failure = Some(e);
            }
        }
    }

    /// Removes the key from the keychain and from this session.
    pub fn forget(&self) -> AppResult<KeyStatus> {
        *self.session.lock().expect("session key lock") = None;
        *self.save_failure.lock().expect("save failure lock") = None;
        self.store.forget().map_err(|e| {
            let (plain, details) = explain_keychain(self.kind(), &e, false);
            AppError::new(ErrorCode::Keychain, format!("{plain} (details: {details})"))
        })?;
        Ok(self.status())
    }
}
