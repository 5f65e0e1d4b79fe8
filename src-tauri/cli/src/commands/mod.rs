//! One module per command; each validates all of its input before sending anything.

mod export;
mod hosted_sync;
mod iam;
mod info;
mod preview;
mod restore;
mod sync;
pub mod workload;

use crate::args::{ChecksArgs, Cli, Command, Global, SourceKind};
use wa_sync_engine::checks::TagFilter;
use wa_sync_engine::conformity::{base_url_for_region, ClientOptions, ConformityClient};
use wa_sync_engine::keychain::{self, KeyKind};
use wa_sync_engine::mapping::Mapping;
use wa_sync_engine::preview::Source;
use wa_sync_engine::{Error, Result};

/// How a command ended, as the exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done = 0,
    #[allow(dead_code)] // until `sync` and `restore` report partial results
    Partial = 3,
}

pub async fn run(cli: Cli) -> Result<Outcome> {
    let global = &cli.global;
    if global.source == Some(SourceKind::VisionOne) {
        return Err(Error::bad_input(
            "--source vision-one is not available in this version of wa-sync yet; use Conformity or saved checks files",
        ));
    }
    match cli.command {
        Command::ExternalId => info::external_id(global).await,
        Command::Accounts { json } => info::accounts(global, json).await,
        Command::Mapping { json, coverage } => info::mapping(global, json, coverage),
        Command::Preview(args) => preview::run(global, args).await,
        Command::Sync(args) => sync::run(global, args).await,
        Command::Restore(args) => restore::run(global, args).await,
        Command::Iam(command) => iam::run(global, command).await,
        Command::HostedSync(args) => hosted_sync::run(global, args).await,
        Command::Export(args) => export::run(global, args).await,
    }
}

/// A Conformity client from the flags, the environment and the keychain; fails before any request.
pub fn conformity_client(global: &Global) -> Result<ConformityClient> {
    let base = match (&global.conformity_url, &global.conformity_region) {
        (Some(url), _) => url.clone(),
        (None, Some(region)) => base_url_for_region(region)?,
        (None, None) => return Err(Error::bad_input(
            "no Conformity API given: pass --conformity-region (e.g. us-1) or --conformity-url, \
                 or set CONFORMITY_REGION or CONFORMITY_API_URL",
        )),
    };
    let base = wa_sync_engine::url::parse_base_url(&base, "the Conformity API URL")?;
    if !global.conformity_rps.is_finite() || global.conformity_rps < 0.0 {
        return Err(Error::bad_input(
            "--conformity-rps must be a number of requests per second, 0 or more",
        ));
    }
    let key = keychain::load(KeyKind::Conformity)?;
    let options = ClientOptions {
        requests_per_second: global.conformity_rps,
        ..ClientOptions::default()
    };
    ConformityClient::new(base, key, options)
}

/// The mapping in use: the shipped one plus the user's override file.
pub fn mapping(global: &Global) -> Result<Mapping> {
    Mapping::load(global.mapping.as_deref())
}

/// Conformity account IDs are short legacy IDs or UUIDs: letters, digits, `-` and `_`.
pub fn validate_account_id(id: &str) -> Result<()> {
    if id.is_empty()
        || id.len() > 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::bad_input(format!(
            "bad --account-id {id:?}: a Conformity account ID has only letters, digits, '-' and '_' \
             (e.g. a UUID); list yours with `wa-sync accounts`"
        )));
    }
    Ok(())
}

/// Validates the check-source flags. The client is built by the caller only when the API is used.
pub fn checks_input(args: &ChecksArgs) -> Result<(TagFilter, Option<String>)> {
    let tags = TagFilter::parse(&args.filter_tags).map_err(|e| Error::bad_input(e.to_string()))?;
    if let Some(id) = &args.account_id {
        validate_account_id(id)?;
    }
    let offline = args.demo || !args.checks_files.is_empty();
    if !offline && args.account_id.is_none() {
        return Err(Error::bad_input(
            "--account-id is required (list accounts with `wa-sync accounts`), or use --checks-file or --demo",
        ));
    }
    if args.rule_settings_file.is_some() && args.checks_files.is_empty() {
        return Err(Error::bad_input(
            "--rule-settings-file only goes with --checks-file",
        ));
    }
    let account_id = if args.demo {
        Some(
            args.account_id
                .clone()
                .unwrap_or_else(|| wa_sync_engine::checks::demo::ACCOUNT_ID.to_string()),
        )
    } else {
        args.account_id.clone()
    };
    Ok((tags, account_id))
}

/// The check source for validated flags; `client` must be set when neither files nor demo are used.
pub fn checks_source<'a>(args: &ChecksArgs, client: Option<&'a ConformityClient>) -> Source<'a> {
    if args.demo {
        Source::Demo
    } else if !args.checks_files.is_empty() {
        Source::Files {
            checks: args.checks_files.clone(),
            rule_settings: args.rule_settings_file.clone(),
        }
    } else {
        Source::Conformity {
            client: client.expect("a client for API sources"),
            account_id: args.account_id.clone().unwrap_or_default(),
        }
    }
}

/// Whether the checks come from the API (so a Conformity client is needed).
pub fn uses_api(args: &ChecksArgs) -> bool {
    !args.demo && args.checks_files.is_empty()
}
