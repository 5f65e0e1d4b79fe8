//! The command line's flags, as the contract fixes them. A flag wins over its environment variable.

use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use wa_sync_engine::usecase::ExportFormat;

#[derive(Parser, Debug)]
#[command(
    name = "wa-sync",
    version,
    about = "Bring Conformity and Vision One Cloud Posture checks into AWS Well-Architected reviews"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Conformity API base URL, e.g. https://conformity.us-1.cloudone.trendmicro.com/api
    #[arg(long, env = "CONFORMITY_API_URL", global = true)]
    pub conformity_url: Option<String>,
    /// Conformity region shorthand (us-1, eu-west-1, …) that picks the documented base URL
    #[arg(long, env = "CONFORMITY_REGION", global = true)]
    pub conformity_region: Option<String>,
    /// Hard ceiling on Conformity requests per second (default: none; wa-sync adapts to the
    /// service's 429s, at most 8 requests in flight)
    #[arg(long, env = "WA_SYNC_CONFORMITY_RPS", global = true)]
    pub conformity_rps: Option<f64>,
    /// Hard ceiling on Vision One requests per second (default: none; wa-sync adapts to the
    /// service's 429s, at most 8 requests in flight)
    #[arg(long, env = "WA_SYNC_VISIONONE_RPS", global = true)]
    pub visionone_rps: Option<f64>,
    /// Where checks come from (default: the product whose key or URL is configured)
    #[arg(long, env = "WA_SYNC_SOURCE", global = true)]
    pub source: Option<SourceKind>,
    /// Vision One API base URL, e.g. https://api.eu.xdr.trendmicro.com
    #[arg(long, env = "VISIONONE_API_URL", global = true)]
    pub visionone_url: Option<String>,
    /// Vision One region shorthand (us, eu, jp, sg, au, in, mea, uk, usgov)
    #[arg(long, env = "VISIONONE_REGION", global = true)]
    pub visionone_region: Option<String>,
    /// AWS profile for Well-Architected, STS and IAM calls
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// A mapping override file (same format as the shipped mapping) that adds or replaces rules
    #[arg(long, env = "WA_SYNC_MAPPING", global = true)]
    pub mapping: Option<PathBuf>,
    /// No progress on stderr
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Log to stderr what wa-sync does (-v) and each request it makes (-vv); without it, only
    /// warnings, or what RUST_LOG asks for
    #[arg(long, short, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Conformity,
    #[value(name = "vision-one")]
    VisionOne,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the organisation's external ID
    ExternalId,
    /// List the accounts of Conformity or Vision One Cloud Posture
    Accounts {
        /// Print JSON for scripts instead of a table (fields as in the CLI contract)
        #[arg(long)]
        json: bool,
    },
    /// Print the rule-to-question mapping in use
    Mapping {
        /// Print JSON for scripts instead of a table (fields as in the CLI contract)
        #[arg(long)]
        json: bool,
        /// Rules per pillar and per question, and the questions no rule covers
        #[arg(long)]
        coverage: bool,
    },
    /// Compute every question's Check Summary Report without writing anything
    Preview(PreviewArgs),
    /// Back up the current notes, then write each covered question's notes
    Sync(SyncArgs),
    /// Write the notes saved in a backup back to the workload
    Restore(RestoreArgs),
    /// Set up the IAM role wa-sync or Conformity assumes
    #[command(subcommand)]
    Iam(IamCommand),
    /// Ask Conformity's own service to run the sync
    HostedSync(HostedSyncArgs),
    /// Write a summary report (JSON, CSV, Markdown, HTML or PDF)
    Export(ExportArgs),
    /// List what past syncs of a plan target (or a workload) counted, oldest first
    History(HistoryArgs),
}

/// Where the checks come from and how they are narrowed: shared by preview, sync and export.
#[derive(Args, Debug, Clone)]
pub struct ChecksArgs {
    /// Account ID in Conformity or Vision One Cloud Posture (see `wa-sync accounts`); repeat
    /// for a workload spanning several accounts: their checks are counted together
    #[arg(long = "account-id")]
    pub account_ids: Vec<String>,
    /// A tag key, value or key::value; repeat for several (ORed)
    #[arg(long = "filter-tag")]
    pub filter_tags: Vec<String>,
    /// Read a saved GET /checks response instead of the API (repeatable)
    #[arg(long = "checks-file")]
    pub checks_files: Vec<PathBuf>,
    /// With --checks-file: a saved GET /accounts/{id}/settings/rules response
    #[arg(long)]
    pub rule_settings_file: Option<PathBuf>,
    /// Use the built-in demo data (no account, key or network needed)
    #[arg(long, conflicts_with = "checks_files")]
    pub demo: bool,
}

/// A sync plan to run instead of one account and workload (docs/spec/cli-contract.md, "Plans").
#[derive(Args, Debug, Clone)]
pub struct PlanArgs {
    /// Run the targets of this plan file (TOML) instead of one account and workload
    #[arg(long)]
    pub plan: Option<PathBuf>,
    /// With --plan: run only this target (repeatable; default: all)
    #[arg(long = "target", requires = "plan")]
    pub targets: Vec<String>,
}

#[derive(Args, Debug, Clone)]
pub struct WorkloadArgs {
    /// The Well-Architected workload ARN (its region is used for the calls)
    #[arg(long)]
    pub workload_arn: Option<String>,
    /// Assume this role (with the organisation's external ID) for Well-Architected calls
    #[arg(long)]
    pub role_arn: Option<String>,
    /// External ID for the role (default: looked up from Conformity)
    #[arg(long)]
    pub external_id: Option<String>,
    /// Use the simulated demo workload kept in this JSON file (created if missing) instead of AWS
    #[arg(long, env = "WA_SYNC_DEMO_WORKLOAD", conflicts_with_all = ["workload_arn", "role_arn"])]
    pub demo_workload: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct PreviewArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    #[command(flatten)]
    pub checks: ChecksArgs,
    #[command(flatten)]
    pub workload: WorkloadArgs,
    /// How the notes change: replace-block keeps what the reviewer wrote around wa-sync's block;
    /// overwrite makes the notes the block alone, as Conformity's own sync does
    #[arg(long, value_enum, default_value = "replace-block")]
    pub notes_mode: NotesModeArg,
    /// Print the result as JSON for scripts (fields as in the CLI contract)
    #[arg(long)]
    pub json: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotesModeArg {
    /// Replace wa-sync's block in place; text before and after it stays
    ReplaceBlock,
    /// The notes become the block alone
    Overwrite,
}

impl From<NotesModeArg> for wa_sync_engine::notes::NotesMode {
    fn from(mode: NotesModeArg) -> Self {
        match mode {
            NotesModeArg::ReplaceBlock => Self::ReplaceBlock,
            NotesModeArg::Overwrite => Self::Overwrite,
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct SyncArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    #[command(flatten)]
    pub checks: ChecksArgs,
    #[command(flatten)]
    pub workload: WorkloadArgs,
    /// How the notes change: replace-block keeps what the reviewer wrote around wa-sync's block;
    /// overwrite makes the notes the block alone, as Conformity's own sync does
    #[arg(long, value_enum, default_value = "replace-block")]
    pub notes_mode: NotesModeArg,
    /// Where backups go (default: the user's data directory)
    #[arg(long)]
    pub backup_dir: Option<PathBuf>,
    /// Do everything but write
    #[arg(long)]
    pub dry_run: bool,
    /// Save a Well-Architected milestone of the review before the first write (none on a dry
    /// run); nothing is written if it cannot be saved
    #[arg(long)]
    pub milestone: bool,
    /// Also write a short summary into each pillar's notes of the lens review (the reviewer's
    /// text around it kept)
    #[arg(long)]
    pub pillar_notes: bool,
    /// Print the result as JSON for scripts (fields as in the CLI contract)
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone)]
pub struct RestoreArgs {
    /// A backup file written by `wa-sync sync`
    #[arg(long)]
    pub backup: PathBuf,
    /// The workload to restore: must be the one the backup is of (or pass --yes)
    #[arg(long)]
    pub workload_arn: Option<String>,
    /// Restore to the workload the backup names, without --workload-arn
    #[arg(long)]
    pub yes: bool,
    /// Also put back questions edited since the sync, or never written by it
    #[arg(long)]
    pub force: bool,
    /// Assume this role (with the organisation's external ID) to write the notes
    #[arg(long)]
    pub role_arn: Option<String>,
    /// External ID for the role (default: looked up from Conformity)
    #[arg(long)]
    pub external_id: Option<String>,
    /// The demo workload file, for a backup of the demo workload (default: the user's data directory)
    #[arg(long, env = "WA_SYNC_DEMO_WORKLOAD")]
    pub demo_workload: Option<PathBuf>,
    /// Where the backup of the notes being replaced goes (default: the user's data directory)
    #[arg(long)]
    pub backup_dir: Option<PathBuf>,
    /// Say what would be written, write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print the result as JSON for scripts (fields as in the CLI contract)
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum IamCommand {
    /// Print the permissions policy and the trust policy
    Policy(IamPolicyArgs),
    /// Create or update the policy and the role
    Create(IamCreateArgs),
    /// Assume the role and read the workload; say what is missing
    Verify(IamVerifyArgs),
}

#[derive(Args, Debug, Clone)]
pub struct IamPolicyArgs {
    /// The Well-Architected workload ARN the role may write to
    #[arg(long)]
    pub workload_arn: String,
    /// Who may assume the role: conformity, caller or account:ID (repeatable)
    #[arg(long = "trust")]
    pub trust: Vec<String>,
    /// External ID the trust policy requires (default: Conformity's, when trusting or configuring it)
    #[arg(long)]
    pub external_id: Option<String>,
    /// Also allow wellarchitected:ListWorkloads on * (for the app's workload picker)
    #[arg(long)]
    pub allow_list_workloads: bool,
    /// Write the two JSON documents and a setup script into this directory instead of printing
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct IamCreateArgs {
    /// The Well-Architected workload ARN the role may write to
    #[arg(long)]
    pub workload_arn: String,
    /// Name of the role to create or update
    #[arg(long, default_value = "WaSyncWellArchitectedNotes")]
    pub role_name: String,
    /// Who may assume the role: conformity, caller or account:ID (repeatable)
    #[arg(long = "trust")]
    pub trust: Vec<String>,
    /// External ID the trust policy requires (default: Conformity's, when trusting or configuring it)
    #[arg(long)]
    pub external_id: Option<String>,
    /// Also allow wellarchitected:ListWorkloads on * (for the app's workload picker)
    #[arg(long)]
    pub allow_list_workloads: bool,
    /// Take over an existing role or policy of that name that wa-sync did not make (without the
    /// tag wa-sync:managed=true): replace its trust policy and tag it
    #[arg(long)]
    pub adopt: bool,
}

#[derive(Args, Debug, Clone)]
pub struct IamVerifyArgs {
    /// The role to assume
    #[arg(long)]
    pub role_arn: String,
    /// The Well-Architected workload ARN to read with it
    #[arg(long)]
    pub workload_arn: String,
    /// External ID for the role (default: looked up from Conformity)
    #[arg(long)]
    pub external_id: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct HostedSyncArgs {
    /// Conformity account ID (see `wa-sync accounts`; hosted sync is a Conformity feature)
    #[arg(long)]
    pub account_id: String,
    /// The Well-Architected workload ARN
    #[arg(long)]
    pub workload_arn: String,
    /// The role Conformity assumes to write the notes (trusting Conformity, see `wa-sync iam`)
    #[arg(long)]
    pub role_arn: String,
    /// A tag key, value or key::value; repeat for several (ORed)
    #[arg(long = "filter-tag")]
    pub filter_tags: Vec<String>,
    /// Print the result as JSON for scripts (fields as in the CLI contract)
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    #[command(flatten)]
    pub checks: ChecksArgs,
    #[command(flatten)]
    pub workload: WorkloadArgs,
    /// Report format
    #[arg(long, value_parser = export_format())]
    pub format: ExportFormat,
    /// The file to write
    #[arg(long)]
    pub out: PathBuf,
    /// The backup folder the syncs used, whose history the report compares with (default: the
    /// user's data directory)
    #[arg(long)]
    pub backup_dir: Option<PathBuf>,
}

/// The engine's report formats, by the names both faces use.
fn export_format() -> impl clap::builder::TypedValueParser<Value = ExportFormat> {
    let names = ExportFormat::ALL.map(ExportFormat::name);
    clap::builder::PossibleValuesParser::new(names)
        .map(|name| ExportFormat::parse(&name).expect("one of the possible values"))
}

#[derive(Args, Debug, Clone)]
pub struct HistoryArgs {
    /// The plan target's name
    #[arg(
        long,
        required_unless_present = "workload_arn",
        conflicts_with = "workload_arn"
    )]
    pub target: Option<String>,
    /// The workload, for syncs run without a plan (and every sync of it)
    #[arg(long)]
    pub workload_arn: Option<String>,
    /// The backup folder the syncs used (default: the user's data directory)
    #[arg(long)]
    pub backup_dir: Option<PathBuf>,
    /// Print a JSON array of the records for scripts
    #[arg(long)]
    pub json: bool,
}
