//! Editing a plan for the app: one target added, replaced or removed, everything else (comments,
//! key order, the other targets, `[defaults]`) left byte for byte as the user wrote it.

use super::{notes_mode_str, parse, target_problems, Fields, Found, Target, TARGET_KEYS};
use crate::{Error, Field, Result};
use std::path::Path;
use toml_edit::{Array, ArrayOfTables, Document, DocumentMut, Item, Table, Value};

/// What a new plan file starts with, so someone opening it knows what it is.
const NEW_PLAN_HEADER: &str =
    "# wa-sync plan: the targets `wa-sync sync --plan FILE` runs (README, \"Plan file\").\n";

/// Adds `target` to the plan at `path` (creating the file), or replaces the target of the same
/// name; comments and the other targets are kept as written. Written atomically.
pub fn save_target(path: &Path, target: &Target) -> Result<()> {
    let problems = target_problems(target);
    if let Some((key, _)) = problems.first() {
        let text = problems
            .iter()
            .map(|(_, problem)| format!("target {:?}: {problem}", target.name))
            .collect::<Vec<_>>()
            .join("\n");
        return Err(match field_of(key) {
            Some(field) if problems.len() == 1 => Error::bad_field(field, text),
            _ => Error::bad_input(text),
        });
    }
    let text = read_or_new(path)?;
    let defaults = defaults_of(&text);
    let mut doc = editable(path, &text)?;

    let wanted = wanted_values(target, &defaults)?;
    let root = doc.as_table_mut();
    if !root.contains_key("target") {
        root.insert("target", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let Some(targets) = root
        .get_mut("target")
        .and_then(Item::as_array_of_tables_mut)
    else {
        return Err(not_a_plan(path));
    };
    let existing = targets
        .iter()
        .position(|table| table.get("name").and_then(Item::as_str) == Some(target.name.as_str()));
    match existing.and_then(|index| targets.get_mut(index)) {
        Some(table) => {
            for (key, value) in wanted {
                match value {
                    Some(value) => set_keeping_decor(table, key, value),
                    None => {
                        // A key the user wrote with the value it would inherit anyway stays.
                        let inherited = inherited_value(key, &defaults);
                        let same = table
                            .get(key)
                            .and_then(Item::as_value)
                            .is_some_and(|old| Some(plain(old)) == inherited.as_ref().map(plain));
                        if !same {
                            table.remove(key);
                        }
                    }
                }
            }
        }
        None => {
            let mut table = Table::new();
            for (key, value) in wanted {
                if let Some(value) = value {
                    table.insert(key, Item::Value(value));
                }
            }
            if text.is_empty() {
                table.decor_mut().set_prefix(NEW_PLAN_HEADER);
            } else if !text.trim().is_empty() {
                table.decor_mut().set_prefix("\n");
            }
            targets.push(table);
        }
    }
    let new_text = doc.to_string();
    if let Err(problems) = parse(path, &new_text) {
        let own: Vec<_> = problems
            .iter()
            .filter(|p| p.target.as_deref() == Some(target.name.as_str()))
            .cloned()
            .collect();
        if !own.is_empty() {
            return Err(Error::bad_input(super::describe(path, &own)));
        }
    }
    write(path, &new_text)
}

/// Removes the target named `name` from the plan at `path`, keeping the rest as written.
pub fn remove_target(path: &Path, name: &str) -> Result<()> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io(format!("cannot read the plan {}", path.display()), e))?;
    let mut doc = editable(path, &text)?;
    let targets = doc
        .as_table_mut()
        .get_mut("target")
        .and_then(Item::as_array_of_tables_mut);
    let index = targets.as_ref().and_then(|targets| {
        targets
            .iter()
            .position(|table| table.get("name").and_then(Item::as_str) == Some(name))
    });
    let (Some(targets), Some(index)) = (targets, index) else {
        return Err(Error::NotFound(format!(
            "the plan {} has no target named {name:?}",
            path.display()
        )));
    };
    targets.remove(index);
    write(path, &doc.to_string())
}

fn read_or_new(path: &Path) -> Result<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(Error::io(
            format!("cannot read the plan {}", path.display()),
            e,
        )),
    }
}

fn editable(path: &Path, text: &str) -> Result<DocumentMut> {
    text.parse::<DocumentMut>().map_err(|e| {
        Error::bad_input(format!(
            "the plan {} is not valid TOML ({}): fix it in an editor before changing targets",
            path.display(),
            e.message()
        ))
    })
}

fn not_a_plan(path: &Path) -> Error {
    Error::bad_input(format!(
        "the plan {} has a `target` that is not a list of [[target]] tables: fix it in an editor",
        path.display()
    ))
}

fn write(path: &Path, text: &str) -> Result<()> {
    crate::atomic_file::write(path, text.as_bytes())
        .map_err(|e| Error::io(format!("cannot write the plan {}", path.display()), e))
}

/// The plan's `[defaults]`, as far as they are readable (problems there are the parser's to
/// report, not the editor's).
fn defaults_of(text: &str) -> Fields {
    let Ok(doc) = Document::parse(text) else {
        return Fields::default();
    };
    let Some(table) = doc.as_table().get("defaults").and_then(Item::as_table) else {
        return Fields::default();
    };
    let mut found = Found {
        text,
        problems: Vec::new(),
    };
    found.fields(table, None, true)
}

/// Each key's value to write, in the order a new target gets them; `None` where the target
/// inherits exactly its value from `[defaults]` (or the built-in default), so the key stays out.
fn wanted_values(target: &Target, defaults: &Fields) -> Result<Vec<(&'static str, Option<Value>)>> {
    let mut wanted = Vec::with_capacity(TARGET_KEYS.len());
    for key in TARGET_KEYS {
        let own = own_value(key, target);
        let inherited = inherited_value(key, defaults);
        let value = match (own, inherited) {
            (None, Some(_)) => {
                return Err(Error::bad_input(format!(
                    "target {:?}: the plan's [defaults] sets `{key}`, and a target cannot unset \
                     it: give the target its own {key}, or remove {key} from [defaults]",
                    target.name
                )))
            }
            (Some(own), Some(inherited)) if plain(&own) == plain(&inherited) => None,
            (own, _) => own,
        };
        wanted.push((key, value));
    }
    Ok(wanted)
}

/// The target's own value of `key`; `None` for an absent optional key.
fn own_value(key: &str, target: &Target) -> Option<Value> {
    let list = |items: &[String]| Value::Array(items.iter().map(String::as_str).collect::<Array>());
    match key {
        "name" => Some(target.name.as_str().into()),
        "source" => target.source.map(|s| s.as_str().into()),
        "account_ids" => Some(list(&target.account_ids)),
        "filter_tags" => Some(list(&target.filter_tags)),
        "workload_arn" => Some(target.workload_arn.as_str().into()),
        "role_arn" => target.role_arn.as_deref().map(Value::from),
        "external_id" => target.external_id.as_deref().map(Value::from),
        "profile" => target.profile.as_deref().map(Value::from),
        _ => Some(notes_mode_str(target.notes_mode).into()),
    }
}

/// What the target gets for `key` when it does not set it: `[defaults]`, or the built-in
/// default (no tags, replace-block notes). `None`: the key is optional and nothing is inherited.
fn inherited_value(key: &str, defaults: &Fields) -> Option<Value> {
    let list = |items: &[String]| Value::Array(items.iter().map(String::as_str).collect::<Array>());
    match key {
        "source" => defaults.source.as_ref().map(|a| a.value.as_str().into()),
        "account_ids" => defaults.account_ids.as_ref().map(|a| list(&a.value)),
        "filter_tags" => Some(list(
            defaults
                .filter_tags
                .as_ref()
                .map_or(&[][..], |a| &a.value[..]),
        )),
        "role_arn" => defaults.role_arn.as_ref().map(|a| a.value.as_str().into()),
        "external_id" => defaults
            .external_id
            .as_ref()
            .map(|a| a.value.as_str().into()),
        "profile" => defaults.profile.as_ref().map(|a| a.value.as_str().into()),
        "notes_mode" => Some(
            notes_mode_str(
                defaults
                    .notes_mode
                    .as_ref()
                    .map(|a| a.value)
                    .unwrap_or_default(),
            )
            .into(),
        ),
        _ => None,
    }
}

/// A value without its formatting, to compare what is written with what is wanted.
fn plain(value: &Value) -> (bool, Vec<String>) {
    match value {
        Value::Array(array) => (
            true,
            array
                .iter()
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .collect(),
        ),
        other => (false, vec![other.as_str().unwrap_or_default().to_string()]),
    }
}

/// Sets `key`, leaving an equal value untouched and keeping the comment after a changed one.
fn set_keeping_decor(table: &mut Table, key: &str, value: Value) {
    match table.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) if plain(old) == plain(&value) => {}
        Some(old) => {
            let decor = old.decor().clone();
            *old = value;
            *old.decor_mut() = decor;
        }
        None => {
            table.insert(key, Item::Value(value));
        }
    }
}

fn field_of(key: &str) -> Option<Field> {
    match key {
        "account_ids" => Some(Field::AccountId),
        "filter_tags" => Some(Field::FilterTag),
        "workload_arn" => Some(Field::WorkloadArn),
        "role_arn" => Some(Field::RoleArn),
        "external_id" => Some(Field::ExternalId),
        "profile" => Some(Field::Profile),
        "notes_mode" => Some(Field::NotesMode),
        _ => None,
    }
}
