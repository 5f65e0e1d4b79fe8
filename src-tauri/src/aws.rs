//! The user's AWS configuration as the app sees it: the profiles of the AWS config and
//! credentials files (names and kinds, never a credential), and AWS errors worded for them (an
//! SSO profile's expired login says how to sign in again).

use crate::error::{AppError, ErrorCode};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use ts_rs::TS;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct AwsProfile {
    pub name: String,
    /// `sso` (IAM Identity Center), `role`, `keys`, `process` or `other`.
    pub kind: String,
    pub region: Option<String>,
}

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

pub(crate) fn read_profiles() -> Vec<AwsProfile> {
    let read = |p: Option<PathBuf>| {
        p.and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default()
    };
    parse_profiles(
        &read(aws_file("AWS_CONFIG_FILE", "config")),
        &read(aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials")),
    )
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
        err.code = ErrorCode::SsoLogin;
        err.message = format!(
            "The AWS profile {name:?} signs in through AWS IAM Identity Center (SSO) and needs a fresh \
             login: run `aws sso login --profile {name}` in a terminal, then press Retry. ({})",
            err.message
        );
    } else if err.code == ErrorCode::Auth && profile.is_none() && text.contains("credential") {
        err.message = format!(
            "{} No AWS credentials were found in the default chain: pick a profile from your AWS config, \
             or run `aws configure` (or `aws sso login`) first.",
            err.message
        );
    }
    err
}
