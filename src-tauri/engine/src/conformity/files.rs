//! Saved Conformity responses as a check source, so a preview works offline: `/checks` pages
//! (as written by `curl … > page.json`) and, optionally, the account's rule settings.

use super::model::{parse_checks_page, visit_checks_page, RuleSettingsResponse};
use crate::checks::{Check, RuleSettings, TagFilter};
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
        let bytes = read_checks_file(path)?;
        let fed = visit_checks_page(&bytes, Some(tags), on_check)
            .map_err(|e| not_a_checks_file(path, e))?;
        tracing::debug!(path = %path.display(), bytes = bytes.len(), selected = fed, "checks file read");
        selected += fed;
    }
    Ok(selected)
}

/// How many checks of the saved `/checks` responses the tag filter selects, and how many there
/// are in all, reading each file once.
pub fn count_checks(paths: &[impl AsRef<Path>], tags: &TagFilter) -> Result<(u64, u64)> {
    let (mut matching, mut total) = (0, 0);
    for path in paths {
        let path = path.as_ref();
        let bytes = read_checks_file(path)?;
        for check in parse_checks_page(&bytes)
            .map_err(|e| not_a_checks_file(path, e))?
            .data
        {
            // A check the preview could not read fails here too.
            check.view().map_err(|e| not_a_checks_file(path, e))?;
            total += 1;
            if tags.matches(&check.tags()) {
                matching += 1;
            }
        }
    }
    tracing::debug!(files = paths.len(), matching, total, "checks files counted");
    Ok((matching, total))
}

fn read_checks_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| Error::io(format!("cannot read checks file {}", path.display()), e))
}

fn not_a_checks_file(path: &Path, problem: String) -> Error {
    Error::bad_input(format!(
        "{}: {problem}. A checks file is a saved answer of Conformity's GET /checks (an object with `data` and `meta`)",
        path.display()
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn check(tag: &str) -> String {
        format!(
            r#"{{"type":"checks","id":"ccc:a:S3-001:S3:us-east-1:{tag}","attributes":{{"region":"us-east-1","status":"FAILURE","risk-level":"HIGH","tags":["{tag}"]}},"relationships":{{"rule":{{"data":{{"type":"rules","id":"S3-001"}}}},"account":{{"data":{{"type":"accounts","id":"a"}}}}}}}}"#
        )
    }

    #[test]
    fn counting_saved_pages_gives_the_selected_and_all_checks() {
        let dir = tempfile::tempdir().unwrap();
        let page = |tags: &[&str]| {
            let data: Vec<String> = tags.iter().map(|t| check(t)).collect();
            format!(
                r#"{{"data":[{}],"meta":{{"total":{}}}}}"#,
                data.join(","),
                tags.len()
            )
        };
        let first = dir.path().join("1.json");
        let second = dir.path().join("2.json");
        std::fs::write(&first, page(&["env::prod", "env::dev"])).unwrap();
        std::fs::write(&second, page(&["Env::Prod", "team::web", "env::dev"])).unwrap();
        let paths = [&first, &second];
        let prod = TagFilter::parse(&["env::prod"]).unwrap();
        assert_eq!(count_checks(&paths, &prod).unwrap(), (2, 5));
        assert_eq!(count_checks(&paths, &TagFilter::default()).unwrap(), (5, 5));
        // The same checks the preview then reads.
        assert_eq!(for_each_check(&paths, &prod, &mut |_| {}).unwrap(), 2);

        std::fs::write(&second, "[]").unwrap();
        let err = count_checks(&paths, &prod).unwrap_err().to_string();
        assert!(
            err.contains("2.json") && err.contains("saved answer"),
            "{err}"
        );
    }
}
