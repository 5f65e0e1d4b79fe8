//! One module per command; each validates all of its input before sending anything.

mod export;
mod history;
mod hosted_sync;
mod iam;
mod info;
mod plan;
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
    /// Every target of a plan failed; its report is printed all the same.
    Failed = 1,
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
    for id in &args.account_ids {
        validate_account_id(id)?;
    }
    if let Some(id) = duplicate(&args.account_ids) {
        return Err(Error::bad_input(format!(
            "--account-id {id} is given twice: give each account once"
        )));
    }
    if args.demo && args.account_ids.len() > 1 {
        return Err(Error::bad_input(
            "--demo counts one account: give at most one --account-id",
        ));
    }
    let offline = args.demo || !args.checks_files.is_empty();
    if !offline && args.account_ids.is_empty() {
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

/// The first value given twice, if any.
fn duplicate(values: &[String]) -> Option<&str> {
    values
        .iter()
        .enumerate()
        .find(|(i, v)| values[..*i].contains(v))
        .map(|(_, v)| v.as_str())
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

/// The check sources of validated flags, opened (with their clients, when they are an API:
/// one per account), and a Conformity client for the external ID of a role to assume when the
/// sources have none.
pub struct Opened {
    pub sources: Vec<OpenedSource>,
    role_lookup: Option<ConformityClient>,
}

impl Opened {
    pub fn open(
        global: &Global,
        args: &ChecksArgs,
        tags: &TagFilter,
        target: Option<&workload::Target>,
    ) -> Result<Opened> {
        let configs = if args.demo {
            vec![SourceConfig::Demo {
                account_id: args.account_ids.first().cloned(),
            }]
        } else if !args.checks_files.is_empty() {
            vec![SourceConfig::Files {
                checks: args.checks_files.clone(),
                rule_settings: args.rule_settings_file.clone(),
            }]
        } else {
            let product = product(source_kind(global));
            args.account_ids
                .iter()
                .map(|account_id| SourceConfig::Api {
                    product,
                    account_id: account_id.clone(),
                })
                .collect()
        };
        let api = api_config(global);
        let sources = configs
            .into_iter()
            .map(|config| OpenedSource::open(config, &api, tags, &SystemKeys))
            .collect::<Result<Vec<_>>>()?;
        let role_lookup = if sources.iter().all(|s| s.conformity().is_none())
            && target.is_some_and(workload::Target::needs_external_id)
        {
            Some(conformity_client(global)?)
        } else {
            None
        };
        Ok(Opened {
            sources,
            role_lookup,
        })
    }

    /// The accounts the checks belong to (none for saved files, which do not say).
    pub fn account_ids(&self) -> Vec<String> {
        self.sources
            .iter()
            .filter_map(|s| s.account_id().map(str::to_string))
            .collect()
    }

    /// The Conformity client a role's external ID is looked up with, if any.
    pub fn conformity(&self) -> Option<&ConformityClient> {
        self.sources
            .iter()
            .find_map(OpenedSource::conformity)
            .or(self.role_lookup.as_ref())
    }
}
