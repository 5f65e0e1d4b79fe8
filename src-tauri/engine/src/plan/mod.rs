//! A sync plan: the TOML file of targets that `wa-sync preview/sync --plan FILE` runs and the
//! app's Workloads screen edits (docs/spec/cli-contract.md, "Plans"). One file for both faces, so
//! a plan made in the app runs unchanged from cron or CI.
//!
//! Parsing checks everything before anything is sent, and lists every problem with its line and
//! target; editing keeps the file's comments and layout.

use crate::notes::NotesMode;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The check source a target reads from (`source = "vision-one" | "conformity"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub enum SourceKind {
    VisionOne,
    Conformity,
}

/// One workload kept current from one or more accounts' checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct Target {
    /// Unique in the plan, `[A-Za-z0-9._-]{1,64}`.
    pub name: String,
    /// `None`: the command line's default (the product whose key or URL is configured).
    pub source: Option<SourceKind>,
    /// One or more; their checks are counted together, each under its own account's rule
    /// settings.
    pub account_ids: Vec<String>,
    /// As `--filter-tag`.
    pub filter_tags: Vec<String>,
    pub workload_arn: String,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    pub profile: Option<String>,
    pub notes_mode: NotesMode,
}

/// A parsed, valid plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub path: PathBuf,
    /// In file order, `[defaults]` applied.
    pub targets: Vec<Target>,
}

/// One thing wrong with a plan file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanProblem {
    /// 1-based line in the file, when the problem has one.
    pub line: Option<usize>,
    /// The target's name, when the problem is in a target.
    pub target: Option<String>,
    pub problem: String,
}

/// Parses and checks a plan's text; every problem found, not just the first.
pub fn parse(path: &Path, text: &str) -> Result<Plan, Vec<PlanProblem>> {
    let _ = (path, text);
    todo!("plan parsing")
}

/// Reads and parses `path`; a bad plan is `Error::BadInput` listing each problem as
/// `FILE:LINE: target "NAME": problem`, one per line.
pub fn load(path: &Path) -> crate::Result<Plan> {
    let _ = path;
    todo!("plan loading")
}

/// Adds `target` to the plan at `path` (creating the file), or replaces the target of the same
/// name; comments and the other targets are kept as written. Written atomically.
pub fn save_target(path: &Path, target: &Target) -> crate::Result<()> {
    let _ = (path, target);
    todo!("plan editing")
}

/// Removes the target named `name` from the plan at `path`, keeping the rest as written.
pub fn remove_target(path: &Path, name: &str) -> crate::Result<()> {
    let _ = (path, name);
    todo!("plan editing")
}
