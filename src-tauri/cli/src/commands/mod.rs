//! One module per command; each validates all of its input before sending anything.

mod export;
mod history;
mod hosted_sync;
mod iam;
mod info;
mod preview;
mod restore;
mod sync;
pub mod workload;

use crate::args::{ChecksArgs, Cli, Command, Global, SourceKind};
use wa_sync_engine::checks::{validate_account_id, TagFilter};
use wa_sync_engine::conformity::ConformityClient;
use wa_sync_engine::keychain::KeyKind;
use wa_sync_engine::mapping::Mapping;
use wa_sync_engine::usecase::{ApiConfig, Endpoint, OpenedSource, SourceConfig, SystemKeys};
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
        Command::History(args) => history::run(args),
    }
}

/// Both products' endpoints from the flags and the environment.
pub fn api_config(global: &Global) -> ApiConfig {
    ApiConfig {
        conformity: Endpoint {
            url: global.conformity_url.clone(),
            region: global.conformity_region.clone(),
            requests_per_second: global.conformity_rps,
        },
        vision_one: Endpoint {
            url: global.visionone_url.clone(),
            region: global.visionone_region.clone(),
            requests_per_second: global.visionone_rps,
        },
    }
}

/// A Conformity client from the flags, the environment and the keychain (a stored key only for
/// the base URL it was verified with); fails before any request.
pub fn conformity_client(global: &Global) -> Result<ConformityClient> {
    api_config(global).conformity.conformity_client(&SystemKeys)
}

/// The mapping in use: the shipped one plus the user's override file.
pub fn mapping(global: &Global) -> Result<Mapping> {
    Mapping::load(global.mapping.as_deref())
}

/// Validates the check-source flags' combinations and the tag filter; the source itself is
/// checked when it is opened ([`Opened::open`]).
pub fn checks_input(args: &ChecksArgs) -> Result<TagFilter> {
    let tags = TagFilter::parse(&args.filter_tags)?;
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
    Ok(tags)
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

/// The product whose key a source kind needs.
pub fn product(kind: SourceKind) -> KeyKind {
    match kind {
        SourceKind::Conformity => KeyKind::Conformity,
        SourceKind::VisionOne => KeyKind::VisionOne,
    }
}

/// The check source of validated flags, opened (with its client, when it is an API), and a
/// Conformity client for the external ID of a role to assume when the source has none.
pub struct Opened {
    pub source: OpenedSource,
    role_lookup: Option<ConformityClient>,
}

impl Opened {
    pub fn open(
        global: &Global,
        args: &ChecksArgs,
        tags: &TagFilter,
        target: Option<&workload::Target>,
    ) -> Result<Opened> {
        let config = if args.demo {
            SourceConfig::Demo {
                account_id: args.account_id.clone(),
            }
        } else if !args.checks_files.is_empty() {
            SourceConfig::Files {
                checks: args.checks_files.clone(),
                rule_settings: args.rule_settings_file.clone(),
            }
        } else {
            SourceConfig::Api {
                product: product(source_kind(global)),
                account_id: args.account_id.clone().unwrap_or_default(),
            }
        };
        let source = OpenedSource::open(config, &api_config(global), tags, &SystemKeys)?;
        let role_lookup = if source.conformity().is_none()
            && target.is_some_and(workload::Target::needs_conformity)
        {
            Some(conformity_client(global)?)
        } else {
            None
        };
        Ok(Opened {
            source,
            role_lookup,
        })
    }

    /// The Conformity client a role's external ID is looked up with, if any.
    pub fn conformity(&self) -> Option<&ConformityClient> {
        self.source.conformity().or(self.role_lookup.as_ref())
    }
}
