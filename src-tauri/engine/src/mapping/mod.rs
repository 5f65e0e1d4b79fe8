//! Which Well-Architected questions each Conformity rule gives evidence for.
//!
//! The mapping is data (`data/mapping-wellarchitected.tsv`), embedded at build time and keyed by
//! lens alias and version; a user's override file in the same format adds or replaces entries.
//! Every entry remembers where it came from so `wa-sync mapping` can show it.

pub mod best_practices;
pub mod catalogue;
pub mod coverage;
pub mod lens;

#[cfg(test)]
mod data_tests;

use crate::{Error, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use best_practices::{BestPractice, BestPractices};
pub use catalogue::{RuleCatalogue, RuleInfo};
pub use lens::{Lens, Question, PILLARS};

const BUILTIN_TSV: &str = include_str!("../../data/mapping-wellarchitected.tsv");
const HEADER: &str = "rule_id\tquestion_ids\treason\toutside_categories";

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "path", rename_all = "kebab-case")]
pub enum Origin {
    Builtin,
    Override(PathBuf),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleEntry {
    pub rule_id: String,
    /// Empty when the rule was reviewed and informs no question.
    pub question_ids: Vec<String>,
    pub reason: String,
    /// Why a question outside the rule's Conformity categories is used; empty otherwise.
    pub outside_categories: String,
    pub origin: Origin,
    /// Positions of `question_ids` in the lens, resolved once so counting never looks them up.
    #[serde(skip)]
    pub question_indexes: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct Mapping {
    pub lens_alias: String,
    pub lens_version: String,
    pub reviewed: String,
    entries: Vec<RuleEntry>,
    index: HashMap<String, usize>,
}

impl Mapping {
    /// The mapping wa-sync ships.
    pub fn builtin() -> Mapping {
        Mapping::parse(BUILTIN_TSV, Origin::Builtin).expect("the shipped mapping is valid")
    }

    /// The shipped mapping with a user's override file applied, if one is given.
    pub fn load(override_path: Option<&Path>) -> Result<Mapping> {
        let mut mapping = Mapping::builtin();
        if let Some(path) = override_path {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::io(format!("cannot read mapping file {}", path.display()), e)
            })?;
            let overrides = Mapping::parse(&text, Origin::Override(path.to_path_buf()))
                .map_err(|e| Error::bad_input(format!("{}: {e}", path.display())))?;
            if overrides.lens_alias != mapping.lens_alias {
                return Err(Error::bad_input(format!(
                    "{}: the file is for lens {:?}, but wa-sync maps lens {:?}; fix its `# lens:` line",
                    path.display(),
                    overrides.lens_alias,
                    mapping.lens_alias
                )));
            }
            let added = overrides.entries.len();
            mapping.apply(overrides);
            tracing::info!(
                path = %path.display(),
                entries = added,
                rules = mapping.entries.len(),
                "mapping override applied"
            );
        }
        tracing::info!(
            lens = %mapping.lens_alias,
            lens_version = %mapping.lens_version,
            rules = mapping.entries.len(),
            "mapping loaded"
        );
        Ok(mapping)
    }

    /// Parses the TSV format documented in the README. Errors name the line and what to fix.
    pub fn parse(text: &str, origin: Origin) -> std::result::Result<Mapping, String> {
        let lens = Lens::builtin();
        let mut lens_alias = None;
        let mut lens_version = None;
        let mut reviewed = String::new();
        let mut entries: Vec<RuleEntry> = Vec::new();
        let mut index = HashMap::new();
        for (number, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l)) {
            if let Some(comment) = line.strip_prefix('#') {
                let comment = comment.trim();
                if let Some(v) = comment.strip_prefix("lens:") {
                    lens_alias = Some(v.trim().to_string());
                } else if let Some(v) = comment.strip_prefix("lens_version:") {
                    lens_version = Some(v.trim().to_string());
                } else if let Some(v) = comment.strip_prefix("reviewed:") {
                    reviewed = v.trim().to_string();
                }
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            if line == HEADER {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            if !(2..=4).contains(&fields.len()) {
                return Err(format!(
                    "line {number}: expected rule_id<TAB>question_ids<TAB>reason<TAB>outside_categories, found {} field(s)",
                    fields.len()
                ));
            }
            let rule_id = fields[0].trim();
            if rule_id.is_empty() {
                return Err(format!("line {number}: the rule ID is empty"));
            }
            let question_ids: Vec<String> = match fields[1].trim() {
                "-" | "" => Vec::new(),
                list => list.split(',').map(|q| q.trim().to_string()).collect(),
            };
            let mut question_indexes = Vec::with_capacity(question_ids.len());
            for question_id in &question_ids {
                let i = lens.index_of(question_id).ok_or_else(|| {
                    format!(
                        "line {number}: {rule_id} maps to {question_id:?}, which is not a question of the {} lens; \
                         use an ID such as securely-operate or protect-data-rest (see `wa-sync mapping --questions`)",
                        lens.alias
                    )
                })?;
                if question_indexes.contains(&i) {
                    return Err(format!(
                        "line {number}: {rule_id} lists {question_id} twice"
                    ));
                }
                question_indexes.push(i);
            }
            if index.contains_key(rule_id) {
                return Err(format!("line {number}: {rule_id} appears more than once"));
            }
            index.insert(rule_id.to_string(), entries.len());
            entries.push(RuleEntry {
                rule_id: rule_id.to_string(),
                question_ids,
                reason: fields.get(2).map_or("", |s| s.trim()).to_string(),
                outside_categories: fields.get(3).map_or("", |s| s.trim()).to_string(),
                origin: origin.clone(),
                question_indexes,
            });
        }
        Ok(Mapping {
            lens_alias: lens_alias.unwrap_or_else(|| lens.alias.clone()),
            lens_version: lens_version.unwrap_or_else(|| lens.version.clone()),
            reviewed,
            entries,
            index,
        })
    }

    /// Adds the override's entries, replacing built-in entries for the same rules.
    fn apply(&mut self, overrides: Mapping) {
        for entry in overrides.entries {
            match self.index.get(&entry.rule_id) {
                Some(&i) => self.entries[i] = entry,
                None => {
                    self.index.insert(entry.rule_id.clone(), self.entries.len());
                    self.entries.push(entry);
                }
            }
        }
    }

    pub fn entries(&self) -> &[RuleEntry] {
        &self.entries
    }

    pub fn get(&self, rule_id: &str) -> Option<&RuleEntry> {
        self.index.get(rule_id).map(|&i| &self.entries[i])
    }

    /// Lens positions of the questions a rule counts for; `None` when the mapping does not know
    /// the rule, empty when it knows the rule informs no question.
    pub fn question_indexes(&self, rule_id: &str) -> Option<&[usize]> {
        self.get(rule_id).map(|e| e.question_indexes.as_slice())
    }

    /// Per lens question: does at least one rule map to it?
    pub fn covered(&self) -> Vec<bool> {
        let mut covered = vec![false; Lens::builtin().questions.len()];
        for entry in &self.entries {
            for &i in &entry.question_indexes {
                covered[i] = true;
            }
        }
        covered
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_adds_and_replaces_entries_and_records_origin() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.tsv");
        std::fs::write(
            &path,
            "# lens: wellarchitected\nS3-001\tbacking-up-data\tmy reason\nNEW-001\tpermissions,identities\tnew rule\n",
        )
        .unwrap();
        let mapping = Mapping::load(Some(&path)).unwrap();
        let s3 = mapping.get("S3-001").unwrap();
        assert_eq!(s3.question_ids, ["backing-up-data"]);
        assert_eq!(s3.origin, Origin::Override(path.clone()));
        assert_eq!(mapping.question_indexes("NEW-001").unwrap().len(), 2);
        assert_eq!(
            mapping.entries().len(),
            Mapping::builtin().entries().len() + 1
        );
    }

    #[test]
    fn bad_override_names_the_line_and_the_fix() {
        let err = Mapping::parse("X-1\tno-such-question\tr\n", Origin::Builtin).unwrap_err();
        assert!(
            err.contains("line 1") && err.contains("no-such-question"),
            "{err}"
        );
        let err =
            Mapping::parse("X-1\tpermissions\nX-1\tidentities\n", Origin::Builtin).unwrap_err();
        assert!(
            err.contains("line 2") && err.contains("more than once"),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.tsv");
        std::fs::write(&path, "# lens: serverless\nX-1\tpermissions\n").unwrap();
        let err = Mapping::load(Some(&path)).unwrap_err();
        assert_eq!(err.code(), "bad_input");
        assert!(err.to_string().contains("serverless"), "{err}");
    }
}
