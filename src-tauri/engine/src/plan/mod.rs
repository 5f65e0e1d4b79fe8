//! A sync plan: the TOML file of targets that `wa-sync preview/sync --plan FILE` runs and the
//! app's Workloads screen edits (docs/spec/cli-contract.md, "Plans"). One file for both faces, so
//! a plan made in the app runs unchanged from cron or CI.
//!
//! Parsing checks everything before anything is sent, and lists every problem with its line and
//! target; editing keeps the file's comments and layout.

mod edit;
#[cfg(test)]
mod tests;

use crate::notes::NotesMode;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use toml_edit::{Document, Item, Table};

pub use edit::{remove_target, save_target};

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

/// The keys a `[[target]]` may have, in the order a new target is written.
const TARGET_KEYS: [&str; 9] = [
    "name",
    "source",
    "account_ids",
    "filter_tags",
    "workload_arn",
    "role_arn",
    "external_id",
    "profile",
    "notes_mode",
];

/// Keys that name one workload, so `[defaults]` cannot hold them.
const OWN_KEYS: [&str; 2] = ["name", "workload_arn"];

impl SourceKind {
    /// The value as written in a plan.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::VisionOne => "vision-one",
            SourceKind::Conformity => "conformity",
        }
    }

    fn parse(text: &str) -> Option<SourceKind> {
        match text {
            "vision-one" => Some(SourceKind::VisionOne),
            "conformity" => Some(SourceKind::Conformity),
            _ => None,
        }
    }
}

fn notes_mode_str(mode: NotesMode) -> &'static str {
    match mode {
        NotesMode::ReplaceBlock => "replace-block",
        NotesMode::Overwrite => "overwrite",
    }
}

/// Parses and checks a plan's text; every problem found, not just the first.
pub fn parse(path: &Path, text: &str) -> Result<Plan, Vec<PlanProblem>> {
    let _ = path;
    let doc = match Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let line = e.span().map(|span| line_at(text, span.start));
            return Err(vec![PlanProblem {
                line,
                target: None,
                problem: format!(
                    "this is not valid TOML: {}. A plan looks like the example in the CLI \
                     reference (a [[target]] table per workload)",
                    e.message()
                ),
            }]);
        }
    };
    let mut found = Found {
        text,
        problems: Vec::new(),
    };
    let root = doc.as_table();
    for (key, item) in root.iter() {
        if key == "defaults" || key == "target" {
            continue;
        }
        let line = found.key_line(root, key);
        let problem = secret_problem(key).unwrap_or_else(|| {
            let hint = if item.is_table() || item.is_array_of_tables() {
                format!("a plan has only [defaults] and [[target]] tables, not [{key}]")
            } else {
                format!(
                    "unknown key `{key}` outside any table: put target keys under a [[target]] \
                     header, or under [defaults] for every target"
                )
            };
            hint
        });
        found.push(line, None, problem);
    }

    let defaults = match root.get("defaults") {
        None => None,
        Some(Item::Table(table)) => Some(table),
        Some(item) => {
            let line = found.item_line(item);
            found.push(
                line,
                None,
                "`defaults` must be a table: write it as a [defaults] header followed by its keys",
            );
            None
        }
    };
    let defaults_values = defaults.map(|table| found.fields(table, None, true));

    let tables: Vec<&Table> = match root.get("target") {
        Some(Item::ArrayOfTables(array)) => array.iter().collect(),
        Some(item) => {
            let line = found.item_line(item);
            found.push(
                line,
                None,
                "`target` must be a list of tables: start each target with a [[target]] header \
                 (two brackets)",
            );
            Vec::new()
        }
        None => Vec::new(),
    };
    if tables.is_empty() && root.get("target").is_none() {
        found.push(
            None,
            None,
            "the plan has no targets: add a [[target]] table for each workload to sync (name, \
             account_ids, workload_arn)",
        );
    }

    let mut targets = Vec::with_capacity(tables.len());
    let mut names_seen: Vec<(String, Option<usize>)> = Vec::new();
    for (index, table) in tables.iter().enumerate() {
        let header_line = table.span().map(|span| line_at(text, span.start));
        let name = match table.get("name").map(|item| item.as_str()) {
            Some(Some(name)) => Some(name.to_string()),
            _ => None,
        };
        let label = name
            .clone()
            .unwrap_or_else(|| format!("#{} (no name)", index + 1));
        let own = found.fields(table, Some(&label), false);
        let merged = Fields::merge(own, defaults_values.as_ref());
        let before = found.problems.len();
        let inherited: Vec<&str> = TARGET_KEYS
            .into_iter()
            .filter(|key| !table.contains_key(key))
            .collect();
        let target = found.target(merged, &label, header_line, &inherited);
        if let Some(name) = &name {
            let line = found.key_line(table, "name");
            if let Some((_, first)) = names_seen.iter().find(|(seen, _)| seen == name) {
                let first = first.map_or(String::new(), |l| format!(" (first on line {l})"));
                found.push(
                    line,
                    Some(&label),
                    format!(
                        "the name {name:?} is used twice{first}: give each target its own name"
                    ),
                );
            } else {
                names_seen.push((name.clone(), line));
            }
        }
        if found.problems.len() == before {
            if let Some(target) = target {
                targets.push(target);
            }
        }
    }

    if found.problems.is_empty() {
        Ok(Plan {
            path: path.to_path_buf(),
            targets,
        })
    } else {
        found.problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
        Err(found.problems)
    }
}

/// Reads and parses `path`; a bad plan is `Error::BadInput` listing each problem as
/// `FILE:LINE: target "NAME": problem`, one per line.
pub fn load(path: &Path) -> crate::Result<Plan> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        crate::Error::bad_input(format!(
            "cannot read the plan {}: {e}. Check the plan file's path",
            path.display()
        ))
    })?;
    parse(path, &text).map_err(|problems| crate::Error::bad_input(describe(path, &problems)))
}

/// The problems of a plan as `FILE:LINE: target "NAME": problem`, one per line.
pub fn describe(path: &Path, problems: &[PlanProblem]) -> String {
    problems
        .iter()
        .map(|p| {
            let mut line = path.display().to_string();
            if let Some(n) = p.line {
                line.push_str(&format!(":{n}"));
            }
            line.push_str(": ");
            if let Some(target) = &p.target {
                line.push_str(&format!("target {target:?}: "));
            }
            line.push_str(&p.problem);
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every problem with one target, each with the key it is about (for its line), checked with
/// the validators the command line and the app use for the same values. The plan runner checks
/// targets given to it with this too (the app's, which come from no file).
pub fn target_problems(target: &Target) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if !valid_name(&target.name) {
        problems.push((
            "name",
            format!(
                "bad name {:?}: a target's name is 1-64 letters, digits, '.', '_' or '-' (it \
                 names the target on the command line and in the history)",
                target.name
            ),
        ));
    }
    if target.account_ids.is_empty() {
        problems.push((
            "account_ids",
            "account_ids is empty: list at least one account ID (see `wa-sync accounts`)"
                .to_string(),
        ));
    }
    for id in &target.account_ids {
        if let Err(e) = crate::checks::validate_account_id(id) {
            problems.push(("account_ids", e.to_string()));
        }
    }
    if let Err(e) = crate::checks::TagFilter::parse(&target.filter_tags) {
        problems.push(("filter_tags", e.to_string()));
    }
    if let Err(e) = crate::wellarchitected::arn::WorkloadArn::parse(&target.workload_arn) {
        problems.push(("workload_arn", e.to_string()));
    }
    if let Some(role) = &target.role_arn {
        if let Err(e) = crate::credentials::validate_role_arn(role) {
            problems.push(("role_arn", e.to_string()));
        }
    }
    if let Some(id) = &target.external_id {
        if let Err(e) = crate::credentials::validate_external_id(id) {
            problems.push(("external_id", e.to_string()));
        }
        if target.role_arn.is_none() {
            problems.push((
                "external_id",
                "external_id only goes with role_arn (the role whose trust policy demands it): \
                 add the role, or leave the external ID out"
                    .to_string(),
            ));
        }
    }
    if let Some(profile) = &target.profile {
        if profile.trim().is_empty() {
            problems.push((
                "profile",
                "profile is empty: name an AWS profile from ~/.aws/config, or leave the key out"
                    .to_string(),
            ));
        }
    }
    problems
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// A key that looks like it holds a secret, and where that secret goes instead.
fn secret_problem(key: &str) -> Option<String> {
    let lower = key.to_ascii_lowercase().replace('-', "_");
    let aws = [
        "aws_secret",
        "secret_access_key",
        "access_key_id",
        "session_token",
    ];
    if aws.iter().any(|word| lower.contains(word)) {
        return Some(format!(
            "`{key}` looks like an AWS credential, and a plan must never hold one (plans end up \
             in git and CI logs): remove it and give AWS credentials the standard way \
             (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment, ~/.aws files, or \
             profile = \"NAME\" in the target)"
        ));
    }
    let secrets = ["api_key", "apikey", "secret", "password", "token"];
    if secrets.iter().any(|word| lower.contains(word)) {
        return Some(format!(
            "`{key}` looks like a secret, and a plan must never hold one (plans end up in git and \
             CI logs): remove it; the API key goes in the environment (VISIONONE_API_KEY or \
             CONFORMITY_API_KEY) or in the OS keychain (the app's setup saves it there)"
        ));
    }
    None
}

/// 1-based line of byte `offset` in `text`.
fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A value read from the file, with the line it came from.
#[derive(Clone)]
struct At<T> {
    value: T,
    line: Option<usize>,
}

/// The keys of one table (a target's or `[defaults]`), typed; `None` where absent or bad.
#[derive(Clone, Default)]
struct Fields {
    name: Option<At<String>>,
    source: Option<At<SourceKind>>,
    account_ids: Option<At<Vec<String>>>,
    filter_tags: Option<At<Vec<String>>>,
    workload_arn: Option<At<String>>,
    role_arn: Option<At<String>>,
    external_id: Option<At<String>>,
    profile: Option<At<String>>,
    notes_mode: Option<At<NotesMode>>,
}

impl Fields {
    /// A target's own keys, and `[defaults]` for the ones it does not set.
    fn merge(own: Fields, defaults: Option<&Fields>) -> Fields {
        let Some(d) = defaults else { return own };
        Fields {
            name: own.name,
            source: own.source.or_else(|| d.source.clone()),
            account_ids: own.account_ids.or_else(|| d.account_ids.clone()),
            filter_tags: own.filter_tags.or_else(|| d.filter_tags.clone()),
            workload_arn: own.workload_arn,
            role_arn: own.role_arn.or_else(|| d.role_arn.clone()),
            external_id: own.external_id.or_else(|| d.external_id.clone()),
            profile: own.profile.or_else(|| d.profile.clone()),
            notes_mode: own.notes_mode.or_else(|| d.notes_mode.clone()),
        }
    }

    fn line_of(&self, key: &str) -> Option<usize> {
        match key {
            "name" => self.name.as_ref().and_then(|a| a.line),
            "source" => self.source.as_ref().and_then(|a| a.line),
            "account_ids" => self.account_ids.as_ref().and_then(|a| a.line),
            "filter_tags" => self.filter_tags.as_ref().and_then(|a| a.line),
            "workload_arn" => self.workload_arn.as_ref().and_then(|a| a.line),
            "role_arn" => self.role_arn.as_ref().and_then(|a| a.line),
            "external_id" => self.external_id.as_ref().and_then(|a| a.line),
            "profile" => self.profile.as_ref().and_then(|a| a.line),
            _ => self.notes_mode.as_ref().and_then(|a| a.line),
        }
    }
}

/// The problems found so far, and the text for turning positions into lines.
struct Found<'a> {
    text: &'a str,
    problems: Vec<PlanProblem>,
}

impl Found<'_> {
    fn push(&mut self, line: Option<usize>, target: Option<&str>, problem: impl Into<String>) {
        self.problems.push(PlanProblem {
            line,
            target: target.map(str::to_string),
            problem: problem.into(),
        });
    }

    fn key_line(&self, table: &Table, key: &str) -> Option<usize> {
        let (key, item) = table.get_key_value(key)?;
        key.span()
            .or_else(|| item.span())
            .map(|span| line_at(self.text, span.start))
    }

    fn item_line(&self, item: &Item) -> Option<usize> {
        item.span().map(|span| line_at(self.text, span.start))
    }

    /// Reads a table's keys, reporting unknown keys and wrong types.
    fn fields(&mut self, table: &Table, target: Option<&str>, is_defaults: bool) -> Fields {
        let mut fields = Fields::default();
        let where_ = if is_defaults {
            "[defaults]"
        } else {
            "a target"
        };
        for (key, item) in table.iter() {
            let line = self.key_line(table, key);
            if let Some(problem) = secret_problem(key) {
                self.push(line, target, problem);
                continue;
            }
            if is_defaults && OWN_KEYS.contains(&key) {
                self.push(
                    line,
                    target,
                    format!(
                        "`{key}` cannot be in [defaults]: each target has its own; move it into \
                         the [[target]] tables"
                    ),
                );
                continue;
            }
            if !TARGET_KEYS.contains(&key) {
                let allowed: Vec<&str> = TARGET_KEYS
                    .iter()
                    .copied()
                    .filter(|k| !is_defaults || !OWN_KEYS.contains(k))
                    .collect();
                self.push(
                    line,
                    target,
                    format!(
                        "unknown key `{key}`: the keys of {where_} are {}",
                        allowed.join(", ")
                    ),
                );
                continue;
            }
            match key {
                "account_ids" | "filter_tags" => {
                    let Some(list) = self.string_list(item, key, line, target) else {
                        continue;
                    };
                    let at = Some(At { value: list, line });
                    if key == "account_ids" {
                        fields.account_ids = at;
                    } else {
                        fields.filter_tags = at;
                    }
                }
                _ => {
                    let Some(text) = self.string(item, key, line, target) else {
                        continue;
                    };
                    let at = |value| At { value, line };
                    match key {
                        "name" => fields.name = Some(at(text)),
                        "workload_arn" => fields.workload_arn = Some(at(text)),
                        "role_arn" => fields.role_arn = Some(at(text)),
                        "external_id" => fields.external_id = Some(at(text)),
                        "profile" => fields.profile = Some(at(text)),
                        "source" => match SourceKind::parse(&text) {
                            Some(kind) => {
                                fields.source = Some(At { value: kind, line });
                            }
                            None => self.push(
                                line,
                                target,
                                format!(
                                    "unknown source {text:?}: use \"vision-one\" or \
                                     \"conformity\" (or leave it out for the command line's \
                                     default)"
                                ),
                            ),
                        },
                        _ => match NotesMode::parse(&text) {
                            Some(mode) => {
                                fields.notes_mode = Some(At { value: mode, line });
                            }
                            None => self.push(
                                line,
                                target,
                                format!(
                                    "unknown notes_mode {text:?}: use \"replace-block\" (keep \
                                     the reviewer's text) or \"overwrite\""
                                ),
                            ),
                        },
                    }
                }
            }
        }
        fields
    }

    fn string(
        &mut self,
        item: &Item,
        key: &str,
        line: Option<usize>,
        target: Option<&str>,
    ) -> Option<String> {
        if let Some(text) = item.as_str() {
            return Some(text.to_string());
        }
        self.push(
            line,
            target,
            format!(
                "`{key}` must be a string in double quotes, e.g. {key} = \"{}\"",
                example(key)
            ),
        );
        None
    }

    fn string_list(
        &mut self,
        item: &Item,
        key: &str,
        line: Option<usize>,
        target: Option<&str>,
    ) -> Option<Vec<String>> {
        let list = item.as_array().and_then(|array| {
            array
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        });
        if list.is_none() {
            self.push(
                line,
                target,
                format!(
                    "`{key}` must be a list of strings, e.g. {key} = [\"{}\"]",
                    example(key)
                ),
            );
        }
        list
    }

    /// A target from its merged keys, reporting missing and malformed values.
    /// `inherited`: the keys the target takes from `[defaults]`; a bad value there is
    /// `[defaults]`'s problem, listed once rather than once per target.
    fn target(
        &mut self,
        fields: Fields,
        label: &str,
        header: Option<usize>,
        inherited: &[&str],
    ) -> Option<Target> {
        let mut missing = Vec::new();
        if fields.name.is_none() {
            missing.push("name");
        }
        if fields.account_ids.is_none() {
            missing.push("account_ids");
        }
        if fields.workload_arn.is_none() {
            missing.push("workload_arn");
        }
        for key in &missing {
            self.push(
                header,
                Some(label),
                format!(
                    "`{key}` is missing: add {key} = {} to the target",
                    if *key == "account_ids" {
                        format!("[\"{}\"]", example(key))
                    } else {
                        format!("\"{}\"", example(key))
                    }
                ),
            );
        }
        // Missing keys stand empty so the others are still checked, every problem at once.
        let target = Target {
            name: fields
                .name
                .as_ref()
                .map(|a| a.value.clone())
                .unwrap_or_default(),
            source: fields.source.as_ref().map(|a| a.value),
            account_ids: fields
                .account_ids
                .as_ref()
                .map(|a| a.value.clone())
                .unwrap_or_default(),
            filter_tags: fields
                .filter_tags
                .as_ref()
                .map(|a| a.value.clone())
                .unwrap_or_default(),
            workload_arn: fields
                .workload_arn
                .as_ref()
                .map(|a| a.value.clone())
                .unwrap_or_default(),
            role_arn: fields.role_arn.as_ref().map(|a| a.value.clone()),
            external_id: fields.external_id.as_ref().map(|a| a.value.clone()),
            profile: fields.profile.as_ref().map(|a| a.value.clone()),
            notes_mode: fields
                .notes_mode
                .as_ref()
                .map(|a| a.value)
                .unwrap_or_default(),
        };
        for (key, problem) in target_problems(&target) {
            if missing.contains(&key) {
                continue;
            }
            let line = fields.line_of(key).or(header);
            if inherited.contains(&key) {
                let known = self
                    .problems
                    .iter()
                    .any(|p| p.line == line && p.target.is_none() && p.problem == problem);
                if !known {
                    self.push(line, None, problem);
                }
            } else {
                self.push(line, Some(label), problem);
            }
        }
        missing.is_empty().then_some(target)
    }
}

fn example(key: &str) -> &'static str {
    match key {
        "name" => "payments-prod",
        "account_ids" => "3f2c9a10-5b7e-4c1d-9e8f-0a1b2c3d4e5f",
        "filter_tags" => "Environment::production",
        "workload_arn" => "arn:aws:wellarchitected:us-east-1:111122223333:workload/0123456789abcdef0123456789abcdef",
        "role_arn" => "arn:aws:iam::111122223333:role/WaSyncNotesWriter",
        "source" => "vision-one",
        "notes_mode" => "replace-block",
        "profile" => "my-profile",
        _ => "…",
    }
}
