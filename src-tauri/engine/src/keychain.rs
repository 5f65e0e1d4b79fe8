//! API keys in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on
//! Linux), under entries owned by wa-sync. The environment variable wins, so automation never
//! needs a keychain.
//!
//! A stored key is bound to the API base URL it passed its live test with: the entry's secret
//! holds both, as one JSON value, so a save replaces key and binding together or not at all.
//! wa-sync sends a stored key only to that base URL; another host needs the key typed again
//! (or the environment variable, which is not bound).

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;
use url::Url;

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

/// A Conformity or Vision One API key. It can only be sent, never shown: no `Display`, a
/// redacted `Debug`.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// Checks the shape of a Conformity key a user pasted, without saying anything about its
    /// content.
    pub fn new(key: impl Into<String>) -> Result<ApiKey> {
        Self::for_product(KeyKind::Conformity, key)
    }

    /// Checks the shape of a key for `kind`'s product; errors name that product.
    pub fn for_product(kind: KeyKind, key: impl Into<String>) -> Result<ApiKey> {
        let key = key.into();
        let trimmed = key.trim();
        let product = kind.product();
        if trimmed.is_empty() {
            return Err(Error::MissingKey(format!(
                "the {product} API key is empty; set {} or save a key in the app",
                kind.env_var()
            )));
        }
        if trimmed
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
        {
            return Err(Error::bad_input(format!(
                "the {product} API key contains spaces, line breaks or non-ASCII characters; \
                 copy it again from {product} (Administration > API Keys)"
            )));
        }
        Ok(ApiKey(trimmed.to_string()))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// The last four characters, which the app may show to tell keys apart.
    pub fn last_four(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// The form of a base URL a key is bound to: scheme, host, port and path, without a trailing `/`.
pub fn binding(base: &Url) -> String {
    base.as_str().trim_end_matches('/').to_string()
}

/// A key as the keychain holds it, with the base URL it was verified against.
#[derive(Clone, Debug)]
pub struct StoredKey {
    pub key: ApiKey,
    /// `None`: saved by a wa-sync from before keys were bound to their host.
    pub bound_to: Option<String>,
}

impl StoredKey {
    /// A key that passed its live test against `base`.
    pub fn verified_with(key: ApiKey, base: &Url) -> StoredKey {
        StoredKey {
            key,
            bound_to: Some(binding(base)),
        }
    }

    /// Whether this key may be sent to `base`.
    pub fn is_for(&self, base: &Url) -> bool {
        self.bound_to.as_deref() == Some(binding(base).as_str())
    }

    /// Why this key is not sent to `base`, in words that say what to do instead.
    pub fn refusal(&self, kind: KeyKind, base: &Url) -> String {
        let product = kind.product();
        let var = kind.env_var();
        let target = binding(base);
        match &self.bound_to {
            Some(bound) => format!(
                "the {product} API key in the OS keychain was verified with {bound}, so wa-sync does not \
                 send it to {target}: set {var} for {target}, or save the key again for that host in the \
                 wa-sync app (setup > Connect, type the key)"
            ),
            None => format!(
                "the {product} API key in the OS keychain was saved by an earlier wa-sync, which did not \
                 record the host it was verified with, so wa-sync does not send it to {target}: open the \
                 wa-sync app's setup and connect once (or type the key again), or set {var}"
            ),
        }
    }
}

/// The secret of a keychain entry.
#[derive(Serialize, Deserialize)]
struct EntrySecret {
    api_key: String,
    base_url: String,
}

fn entry(kind: KeyKind) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, kind.entry()).map_err(|e| keychain_error("open", e))
}

fn keychain_error(action: &str, e: keyring::Error) -> Error {
    // keyring's messages describe the store, never the secret.
    Error::Keychain(format!("cannot {action} the key in the OS keychain: {e}"))
}

/// The entry's secret: wa-sync's JSON, or (saved before keys were bound) the bare key.
fn decode(kind: KeyKind, secret: String) -> Result<StoredKey> {
    if secret.trim_start().starts_with('{') {
        // The parse error could quote the secret: it is replaced by words of our own.
        let parsed: EntrySecret = serde_json::from_str(&secret).map_err(|_| {
            Error::Keychain(format!(
                "the {} key entry in the OS keychain is not in wa-sync's format; save the key again in the app",
                kind.product()
            ))
        })?;
        return Ok(StoredKey {
            key: ApiKey::for_product(kind, parsed.api_key)?,
            bound_to: Some(parsed.base_url),
        });
    }
    Ok(StoredKey {
        key: ApiKey::for_product(kind, secret)?,
        bound_to: None,
    })
}

/// The key from the environment, if set.
pub fn from_env(kind: KeyKind) -> Option<Result<ApiKey>> {
    std::env::var(kind.env_var())
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| ApiKey::for_product(kind, v))
}

/// The key to send to `base`: from the environment (not bound to a host), else the keychain's
/// when it was verified with `base`.
pub fn load_for(kind: KeyKind, base: &Url) -> Result<ApiKey> {
    if let Some(key) = from_env(kind) {
        return key;
    }
    match stored(kind) {
        Ok(Some(stored)) if stored.is_for(base) => Ok(stored.key),
        Ok(Some(stored)) => Err(Error::MissingKey(stored.refusal(kind, base))),
        Ok(None) => Err(Error::MissingKey(format!(
            "no {} API key: set {} or save the key in the wa-sync app (it keeps it in the OS keychain)",
            kind.product(),
            kind.env_var()
        ))),
        Err(e) => Err(Error::MissingKey(format!(
            "no {} API key: {e}; set {} instead",
            kind.product(),
            kind.env_var()
        ))),
    }
}

/// The key in the keychain only (not the environment), with its binding, if any.
pub fn stored(kind: KeyKind) -> Result<Option<StoredKey>> {
    match entry(kind)?.get_password() {
        Ok(secret) => decode(kind, secret).map(Some),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keychain_error("read", e)),
    }
}

/// Replaces the entry with this key and its binding, in one write: when it fails, the error
/// says so and the entry is as it was.
pub fn save(kind: KeyKind, stored: &StoredKey) -> Result<()> {
    let base_url = stored.bound_to.clone().ok_or_else(|| {
        Error::Keychain("a key is saved only with the host it was verified with".into())
    })?;
    let secret = serde_json::to_string(&EntrySecret {
        api_key: stored.key.expose().to_string(),
        base_url,
    })
    .expect("two strings serialise");
    entry(kind)?
        .set_password(&secret)
        .map_err(|e| keychain_error("save", e))
}

pub fn forget(kind: KeyKind) -> Result<()> {
    match entry(kind)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keychain_error("delete", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn a_key_is_for_the_base_it_was_verified_with_only() {
        let key = ApiKey::new("abc123SECRET").unwrap();
        let stored = StoredKey::verified_with(
            key,
            &url("https://conformity.us-1.cloudone.trendmicro.com/api/"),
        );
        assert!(stored.is_for(&url("https://conformity.us-1.cloudone.trendmicro.com/api")));
        assert!(stored.is_for(&url(
            "https://CONFORMITY.us-1.cloudone.trendmicro.com:443/api"
        )));
        for other in [
            "https://conformity.eu-1.cloudone.trendmicro.com/api",
            "https://attacker.example/api",
            "https://conformity.us-1.cloudone.trendmicro.com/other",
            "http://127.0.0.1:8080/api",
        ] {
            assert!(!stored.is_for(&url(other)), "{other}");
            let why = stored.refusal(KeyKind::Conformity, &url(other));
            assert!(
                why.contains("CONFORMITY_API_KEY") && !why.contains("SECRET"),
                "{why}"
            );
        }
    }

    #[test]
    fn entries_decode_with_and_without_a_binding() {
        let bound = decode(
            KeyKind::VisionOne,
            r#"{"api_key":"eyJkey.SECRET","base_url":"https://api.xdr.trendmicro.com"}"#.into(),
        )
        .unwrap();
        assert_eq!(
            bound.bound_to.as_deref(),
            Some("https://api.xdr.trendmicro.com")
        );
        assert_eq!(bound.key.last_four(), "CRET");
        let legacy = decode(KeyKind::VisionOne, "eyJkey.SECRET".into()).unwrap();
        assert!(legacy.bound_to.is_none());
        assert!(!legacy.is_for(&url("https://api.xdr.trendmicro.com")));
        let broken = decode(KeyKind::VisionOne, r#"{"api_key":"SECRET""#.into()).unwrap_err();
        assert!(!broken.to_string().contains("SECRET"), "{broken}");
    }

    #[test]
    fn api_key_never_shows_itself() {
        let key = ApiKey::new("  tmc12abcdef:6dvZsecretXYZ9 ").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(key.last_four(), "XYZ9");
        assert_eq!(ApiKey::new("").unwrap_err().code(), "missing_key");
        let err = ApiKey::new("abc def").unwrap_err();
        assert!(!err.to_string().contains("abc"));
        assert!(
            err.to_string().starts_with("the Conformity API key"),
            "{err}"
        );
    }

    #[test]
    fn a_vision_one_key_error_names_vision_one() {
        let err = ApiKey::for_product(KeyKind::VisionOne, "eyJ héllo").unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("the Vision One API key contains"),
            "{message}"
        );
        assert!(
            message.contains("copy it again from Vision One"),
            "{message}"
        );
        assert!(!message.contains("héllo"), "{message}");
        let err = ApiKey::for_product(KeyKind::VisionOne, " ").unwrap_err();
        assert!(err.to_string().contains("VISIONONE_API_KEY"), "{err}");
    }
}
