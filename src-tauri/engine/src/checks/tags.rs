//! The user's tag filter, with Conformity's `filter[filterTags]` semantics: each value is a tag
//! key, a tag value or a whole `key::value`; a check matches when any value equals (ignoring case)
//! the key, the value or the whole text of any one of its tags. Values are ORed.
//!
//! The same matching runs locally for saved check files and the demo data, so an offline preview
//! selects exactly what the API would.

use std::fmt;

/// Longest accepted value: an AWS tag key (128) + `::` + an AWS tag value (256).
const MAX_TAG_LEN: usize = 386;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagFilter {
    values: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagFilterError(pub String);

impl fmt::Display for TagFilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<TagFilterError> for crate::Error {
    fn from(e: TagFilterError) -> Self {
        crate::Error::bad_field(crate::Field::FilterTag, e.0)
    }
}

impl TagFilter {
    /// Validates every value; the first bad one is reported with how to write it instead.
    pub fn parse<S: AsRef<str>>(values: &[S]) -> Result<TagFilter, TagFilterError> {
        let mut parsed: Vec<String> = Vec::with_capacity(values.len());
        for raw in values {
            let value = raw.as_ref();
            validate(value)?;
            if !parsed.iter().any(|p| p.eq_ignore_ascii_case(value)) {
                parsed.push(value.to_string());
            }
        }
        Ok(TagFilter { values: parsed })
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// The value of Conformity's `filter[filterTags]` query parameter.
    pub fn query_value(&self) -> Option<String> {
        (!self.values.is_empty()).then(|| self.values.join(","))
    }

    /// Whether a check with these tags (`key::value` strings) is selected. An empty filter
    /// selects every check.
    pub fn matches<S: AsRef<str>>(&self, tags: &[S]) -> bool {
        if self.values.is_empty() {
            return true;
        }
        tags.iter().any(|tag| {
            let tag = tag.as_ref();
            let (key, value) = tag.split_once("::").unwrap_or((tag, ""));
            self.values.iter().any(|wanted| {
                caseless_eq(wanted, tag) || caseless_eq(wanted, key) || caseless_eq(wanted, value)
            })
        })
    }
}

fn caseless_eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || (!a.is_ascii() && a.to_lowercase() == b.to_lowercase())
}

fn validate(value: &str) -> Result<(), TagFilterError> {
    let bad = |why: &str| {
        Err(TagFilterError(format!(
            "bad tag filter {value:?}: {why}. Write a tag key (Environment), a tag value (production) \
             or both as key::value (Environment::production)."
        )))
    };
    if value.trim().is_empty() {
        return bad("it is empty");
    }
    if value.trim() != value {
        return bad("it starts or ends with a space");
    }
    if value.contains(',') {
        return bad("it contains a comma, which Conformity reads as a separator; give each tag its own filter value");
    }
    if value.chars().any(char::is_control) {
        return bad("it contains a control character");
    }
    if value.chars().count() > MAX_TAG_LEN {
        return bad("it is longer than any AWS tag key::value can be");
    }
    if let Some((key, rest)) = value.split_once("::") {
        if key.is_empty() || rest.is_empty() {
            return bad("one side of `::` is empty");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(values: &[&str]) -> TagFilter {
        TagFilter::parse(values).unwrap()
    }

    #[test]
    fn exact_match_on_key_value_or_whole_tag_ignoring_case() {
        let tags = ["environment::dev"];
        for yes in [
            "dev",
            "environment",
            "environment::dev",
            "DEV",
            "envirONment::DEv",
        ] {
            assert!(filter(&[yes]).matches(&tags), "{yes} should match");
        }
        for no in ["devops", "environmental", "environ", "env::dev"] {
            assert!(!filter(&[no]).matches(&tags), "{no} should not match");
        }
    }

    #[test]
    fn values_are_ored_and_empty_filter_selects_all() {
        let f = filter(&["prod", "App::checkout"]);
        assert!(f.matches(&["app::CHECKOUT"]));
        assert!(f.matches(&["Stage::prod", "x::y"]));
        assert!(!f.matches(&["Stage::dev"]));
        assert!(!f.matches::<&str>(&[]));
        assert!(TagFilter::default().matches::<&str>(&[]));
        assert_eq!(f.query_value().as_deref(), Some("prod,App::checkout"));
    }

    #[test]
    fn non_ascii_tags_match_ignoring_case() {
        assert!(filter(&["Équipe::Paiements"]).matches(&["équipe::paiements"]));
    }

    #[test]
    fn bad_values_say_what_is_wrong() {
        for (value, why) in [
            ("", "empty"),
            (" env", "space"),
            ("a,b", "comma"),
            ("::dev", "empty"),
            ("env::", "empty"),
            ("a\tb", "control"),
        ] {
            let err = TagFilter::parse(&[value]).unwrap_err();
            assert!(err.0.contains(why), "{value:?}: {err}");
            assert!(err.0.contains("key::value"), "{err}");
        }
        assert!(TagFilter::parse(&["x".repeat(387)]).is_err());
    }

    #[test]
    fn duplicates_are_dropped_ignoring_case() {
        assert_eq!(filter(&["Prod", "prod"]).values(), ["Prod"]);
    }
}
