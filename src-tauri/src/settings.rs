//! What the guided setup chose, kept as JSON in the app's config directory. Never a secret: the
//! API key lives in the OS keychain (or `CONFORMITY_API_KEY`), the external ID is fetched from
//! Conformity when it is needed (Conformity says it may change), and AWS credentials stay in the
//! user's AWS config. Only names, IDs and ARNs are written here.

use crate::error::{AppError, AppResult, ErrorCode};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;
use wa_sync_engine::keychain::KeyKind;

/// The file's name in the config directory.
pub const FILE_NAME: &str = "settings.json";

/// Where Conformity's API is: a region shorthand or a full base URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct ConformityEndpoint {
    /// `us-1`, `eu-west-1`, … (see `conformity::region`).
    pub region: Option<String>,
    /// A full base URL (`https://…/api`); wins over `region`.
    pub url: Option<String>,
}

/// Which Trend product the checks come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub enum Product {
    /// Cloud One Conformity (or standalone Conformity).
    Conformity,
    /// Trend Vision One Cloud Posture (Cloud Risk Management): a fresh setup starts here, as
    /// Cloud One Conformity reached End of Life on 2026-07-31.
    #[default]
    VisionOne,
}

impl Product {
    /// What a settings file that names no product was set up with: wa-sync read Conformity only.
    fn before_the_choice() -> Product {
        Product::Conformity
    }

    /// The product's name in sentences.
    pub fn name(self) -> &'static str {
        match self {
            Product::Conformity => "Conformity",
            Product::VisionOne => "Vision One",
        }
    }

    /// Which keychain entry (and environment variable) holds the product's API key.
    pub fn key_kind(self) -> KeyKind {
        match self {
            Product::Conformity => KeyKind::Conformity,
            Product::VisionOne => KeyKind::VisionOne,
        }
    }
}

/// Where Vision One's API is: a region shorthand (`us`, `eu`, `jp`, …) or a full base URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct VisionOneEndpoint {
    pub region: Option<String>,
    /// A full base URL (`https://api.ca.xdr.trendmicro.com`); wins over `region`.
    pub url: Option<String>,
}

/// The Conformity (or Vision One) account whose checks are counted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct AccountChoice {
    pub id: String,
    pub name: String,
    pub aws_account_id: Option<String>,
}

/// The AWS side: whose credentials, which region, which workload.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct AwsChoice {
    /// A profile of the AWS config files; `None`: the default chain.
    pub profile: Option<String>,
    pub region: String,
    pub workload_arn: Option<String>,
    pub workload_name: Option<String>,
}

/// Who writes the notes, and so whom the role trusts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub enum Writer {
    /// wa-sync on this machine (the role trusts the account of the AWS credentials in use).
    #[default]
    App,
    /// Conformity's hosted sync (the role trusts Conformity's AWS account).
    Hosted,
    /// Both.
    Both,
}

impl Writer {
    /// Whether wa-sync on this machine assumes the role.
    pub fn app_assumes(self) -> bool {
        matches!(self, Writer::App | Writer::Both)
    }
}

/// The role notes are written through.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct RoleChoice {
    pub writer: Writer,
    pub role_name: String,
    pub role_arn: Option<String>,
    /// When `verify` last passed (RFC 3339), for the connection badge.
    pub verified_at: Option<String>,
    /// Vision One only: the external ID the user chose for the role's trust (optional; none:
    /// AssumeRole without one). Conformity's roles use the organisation's, fetched when needed.
    #[serde(default)]
    pub external_id: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct Settings {
    /// Which product the checks come from. A settings file from before the product choice is
    /// a Conformity setup.
    #[serde(default = "Product::before_the_choice")]
    pub product: Product,
    pub conformity: Option<ConformityEndpoint>,
    #[serde(default)]
    pub vision_one: Option<VisionOneEndpoint>,
    pub account: Option<AccountChoice>,
    pub aws: Option<AwsChoice>,
    pub role: Option<RoleChoice>,
    /// The wizard ran to its end once; the app then opens on the preview instead.
    #[serde(default)]
    pub setup_done: bool,
    /// The folder the user last chose in a save dialog: the next one opens there.
    #[serde(default)]
    pub last_folder: Option<String>,
}

/// The config directory: `WA_SYNC_CONFIG_DIR`, else `WA_SYNC_DATA_DIR` (tests give one
/// directory for everything), else `<user config dir>/wa-sync`.
pub fn config_dir() -> PathBuf {
    std::env::var_os("WA_SYNC_CONFIG_DIR")
        .or_else(|| std::env::var_os("WA_SYNC_DATA_DIR"))
        .map(PathBuf::from)
        .or_else(|| dirs::config_dir().map(|d| d.join("wa-sync")))
        .unwrap_or_else(|| std::env::temp_dir().join("wa-sync"))
}

impl Settings {
    /// The saved settings; none yet (or an unreadable file) is a fresh start, never an error
    /// that would keep the app from opening.
    pub fn load(dir: &Path) -> Settings {
        std::fs::read(dir.join(FILE_NAME))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Writes the settings atomically (temporary file, then rename).
    pub fn save(&self, dir: &Path) -> AppResult<()> {
        let io = |what: &str, e: std::io::Error| {
            AppError::new(
                ErrorCode::Io,
                format!("cannot {what} the settings in {}: {e}", dir.display()),
            )
        };
        std::fs::create_dir_all(dir).map_err(|e| io("create the directory for", e))?;
        let mut text = serde_json::to_string_pretty(self).expect("settings serialise");
        text.push('\n');
        wa_sync_engine::atomic_file::write(&dir.join(FILE_NAME), text.as_bytes())
            .map_err(|e| io("write", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_a_missing_file_is_a_fresh_start() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
        let s = Settings {
            conformity: Some(ConformityEndpoint {
                region: Some("us-1".into()),
                url: None,
            }),
            role: Some(RoleChoice {
                writer: Writer::Both,
                role_name: "R".into(),
                ..Default::default()
            }),
            setup_done: true,
            ..Default::default()
        };
        s.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()), s);
        let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
        assert!(text.contains("\"writer\": \"both\""), "{text}");
        std::fs::write(dir.path().join(FILE_NAME), "{not json").unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
    }
}
