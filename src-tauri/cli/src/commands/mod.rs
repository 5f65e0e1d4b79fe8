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
use wa_sync_engine::visionone::{resolve_base_url, VisionOneClient, VisionOneOptions};
use wa_sync_engine::{Error, Result};

/// How a command ended, as the exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done = 0,
    Partial = 3,
}

pub async fn run(cli: Cli) -> Result<Outcome> {
    let global = &cli.global;
    let vision_one = source_kind(global) == SourceKind::VisionOne;
    if vision_one && matches!(cli.command, Command::ExternalId | Command::HostedSync(_)) {
        return Err(Error::bad_input(
            "Vision One has no organisation external ID and no hosted Well-Architected sync: \
             wa-sync writes the notes itself (`wa-sync sync`), with your AWS credentials or a role you choose",
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

/// A Conformity client from the flags, the environment and the keychain (a stored key only for
/// the base URL it was verified with); fails before any request.
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
    let requests_per_second = rate_ceiling(global.conformity_rps, "--conformity-rps")?;
    let key = keychain::load_for(KeyKind::Conformity, &base)?;
    let options = ClientOptions {
        requests_per_second,
        ..ClientOptions::default()
    };
    ConformityClient::new(base, key, options)
}

/// A `--…-rps` ceiling as the clients take it (0, as before, for none).
fn rate_ceiling(value: Option<f64>, flag: &str) -> Result<f64> {
    match value {
        None => Ok(0.0),
        Some(rps) if rps.is_finite() && rps >= 0.0 => Ok(rps),
        Some(_) => Err(Error::bad_input(format!(
            "{flag} must be a number of requests per second (e.g. 2), or 0 or nothing to let \
             wa-sync adapt to the service"
        ))),
    }
}

/// The mapping in use: the shipped one plus the user's override file.
pub fn mapping(global: &Global) -> Result<Mapping> {
    Mapping::load(global.mapping.as_deref())
}

/// The engine's account ID check, worded for the command line.
pub fn validate_account_id(id: &str) -> Result<()> {
    wa_sync_engine::checks::validate_account_id(id).map_err(|e| {
        Error::bad_input(format!(
            "--account-id: {e}; list yours with `wa-sync accounts`"
        ))
    })
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

/// The product the checks come from: `--source`, else the one whose URL, region or key is
/// configured (Conformity when both or neither are).
pub fn source_kind(global: &Global) -> SourceKind {
    if let Some(kind) = global.source {
        return kind;
    }
    let set = |var: &str| std::env::var(var).is_ok_and(|v| !v.trim().is_empty());
    let conformity = global.conformity_url.is_some()
        || global.conformity_region.is_some()
        || set("CONFORMITY_API_KEY");
    let vision_one = global.visionone_url.is_some()
        || global.visionone_region.is_some()
        || set("VISIONONE_API_KEY");
    if vision_one && !conformity {
        SourceKind::VisionOne
    } else {
        SourceKind::Conformity
    }
}

/// A Vision One client from the flags, the environment and the keychain (a stored key only for
/// the base URL it was verified with); fails before any request.
pub fn visionone_client(global: &Global) -> Result<VisionOneClient> {
    let base = resolve_base_url(
        global.visionone_url.as_deref(),
        global.visionone_region.as_deref(),
    )?;
    let requests_per_second = rate_ceiling(global.visionone_rps, "--visionone-rps")?;
    let key = keychain::load_for(KeyKind::VisionOne, &base)?;
    let options = VisionOneOptions {
        requests_per_second,
        ..VisionOneOptions::default()
    };
    VisionOneClient::new(base, key, options)
}

/// The API clients a command needs, built once all input is valid.
#[derive(Default)]
pub struct Clients {
    pub conformity: Option<ConformityClient>,
    pub vision_one: Option<VisionOneClient>,
}

impl Clients {
    /// Clients for reading checks (unless they come from files or the demo) and for looking up
    /// the external ID of a role to assume.
    pub fn for_checks(
        global: &Global,
        args: &ChecksArgs,
        tags: &TagFilter,
        target: Option<&workload::Target>,
    ) -> Result<Clients> {
        let kind = source_kind(global);
        let api = uses_api(args);
        let mut clients = Clients::default();
        if kind == SourceKind::VisionOne && api {
            VisionOneClient::checks_filter(args.account_id.as_deref().unwrap_or_default(), tags)?;
            clients.vision_one = Some(visionone_client(global)?);
        }
        if (kind == SourceKind::Conformity && api) || target.is_some_and(|t| t.needs_conformity()) {
            clients.conformity = Some(conformity_client(global)?);
        }
        Ok(clients)
    }

    /// The check source for validated flags.
    pub fn source<'a>(&'a self, args: &ChecksArgs) -> Source<'a> {
        let account_id = args.account_id.clone().unwrap_or_default();
        if args.demo {
            Source::Demo
        } else if !args.checks_files.is_empty() {
            Source::Files {
                checks: args.checks_files.clone(),
                rule_settings: args.rule_settings_file.clone(),
            }
        } else if let Some(client) = &self.vision_one {
            Source::VisionOne { client, account_id }
        } else {
            Source::Conformity {
                client: self.conformity.as_ref().expect("a client for API sources"),
                account_id,
            }
        }
    }
}

/// Whether the checks come from the API (so a Conformity client is needed).
pub fn uses_api(args: &ChecksArgs) -> bool {
    !args.demo && args.checks_files.is_empty()
}
