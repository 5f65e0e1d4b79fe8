//! Saved Conformity responses as a check source, so a preview works offline: `/checks` pages
//! (as written by `curl … > page.json`) and, optionally, the account's rule settings.

use super::{Check, RuleSettings, TagFilter};
use crate::conformity::model::{visit_checks_page, RuleSettingsResponse};
use crate::{Error, Result};
use std::path::Path;

/// Feeds every check of the saved `/checks` responses that the tag filter selects to `on_check`,
/// one file at a time. Returns how many were selected.
pub fn for_each_check(
    paths: &[impl AsRef<Path>],
    tags: &TagFilter,
    on_check: &mut dyn FnMut(&Check<'_>),
) -> Result<u64> {
    let mut selected = 0;
    for path in paths {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::io(format!("cannot read checks file {}", path.display()), e))?;
        selected += visit_checks_page(&bytes, Some(tags), on_check).map_err(|e| {
            Error::bad_input(format!(
                "{}: {e}. A checks file is a saved answer of Conformity's GET /checks (an object with `data` and `meta`)",
                path.display()
            ))
        })?;
    }
    Ok(selected)
}

/// A saved answer of `GET /accounts/{id}/settings/rules`.
pub fn read_rule_settings(path: &Path) -> Result<RuleSettings> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::io(
            format!("cannot read rule settings file {}", path.display()),
            e,
        )
    })?;
    let response: RuleSettingsResponse = serde_json::from_slice(&bytes).map_err(|e| {
        Error::bad_input(format!(
            "{}: not a saved answer of GET /accounts/{{id}}/settings/rules: {e}",
            path.display()
        ))
    })?;
    Ok(response.into_settings())
}
