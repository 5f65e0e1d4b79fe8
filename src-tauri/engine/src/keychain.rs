//! API keys in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on
//! Linux), under entries owned by wa-sync. The environment variable wins, so automation never
//! needs a keychain.

use crate::conformity::ApiKey;
use crate::{Error, Result};

/// The keychain service name of every wa-sync entry.
pub const SERVICE: &str = "wa-sync";

/// Which product a stored key is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    Conformity,
    VisionOne,
}

impl KeyKind {
    /// The keychain entry's user name.
    pub fn entry(self) -> &'static str {
        match self {
            KeyKind::Conformity => "conformity-api-key",
            KeyKind::VisionOne => "visionone-api-key",
        }
    }

    pub fn env_var(self) -> &'static str {
        match self {
            KeyKind::Conformity => "CONFORMITY_API_KEY",
            KeyKind::VisionOne => "VISIONONE_API_KEY",
        }
    }

    /// The product's name, as messages say it.
    pub fn product(self) -> &'static str {
        match self {
            KeyKind::Conformity => "Conformity",
            KeyKind::VisionOne => "Vision One",
        }
    }
}

fn entry(kind: KeyKind) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, kind.entry()).map_err(|e| keychain_error("open", e))
}

fn keychain_error(action: &str, e: keyring::Error) -> Error {
    // keyring's messages describe the store, never the secret.
    Error::Keychain(format!("cannot {action} the key in the OS keychain: {e}"))
}

/// The key from the environment, else from the keychain.
pub fn load(kind: KeyKind) -> Result<ApiKey> {
    if let Ok(value) = std::env::var(kind.env_var()) {
        if !value.trim().is_empty() {
            return ApiKey::for_product(kind, value);
        }
    }
    match entry(kind)?.get_password() {
        Ok(secret) => ApiKey::for_product(kind, secret),
        Err(keyring::Error::NoEntry) => Err(Error::MissingKey(format!(
            "no {} API key: set {} or save the key in the wa-sync app (it keeps it in the OS keychain)",
            kind.product(),
            kind.env_var()
        ))),
        Err(e) => Err(Error::MissingKey(format!(
            "no {} API key: {}; set {} instead",
            kind.product(),
            keychain_error("read", e),
            kind.env_var()
        ))),
    }
}

/// The key in the keychain only (not the environment), if any.
pub fn stored(kind: KeyKind) -> Result<Option<ApiKey>> {
    match entry(kind)?.get_password() {
        Ok(secret) => ApiKey::for_product(kind, secret).map(Some),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keychain_error("read", e)),
    }
}

pub fn save(kind: KeyKind, key: &ApiKey) -> Result<()> {
    entry(kind)?
        .set_password(key.expose())
        .map_err(|e| keychain_error("save", e))
}

pub fn forget(kind: KeyKind) -> Result<()> {
    match entry(kind)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keychain_error("delete", e)),
    }
}
