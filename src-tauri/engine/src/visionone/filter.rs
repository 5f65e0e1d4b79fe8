//! Building `TMV1-Filter` expressions: `field eq 'value'` terms joined with `and`, OR groups in
//! parentheses (the API refuses `and` inside parentheses), at most 1,783 characters.
//!
//! Tag filters: Vision One has no equivalent of Conformity's `filterTags` (key, value or
//! `key::value`, ignoring case). It matches the whole `Key::value` string of a tag, so each value
//! of the user's filter must be a whole `key::value` tag; a bare key or value is refused with a
//! message saying how to write it, rather than silently turned into a substring (`contains`)
//! match that would select other checks than the user meant. Values are ORed. Whether Vision One
//! compares tags ignoring case is not documented; the live match count shows the truth.

use crate::checks::TagFilter;
use crate::{Error, Field, Result};

/// The documented limit of the `TMV1-Filter` header.
pub const MAX_FILTER_LEN: usize = 1783;

/// A string literal: single quotes, with a quote inside doubled (`'O''Brien'`), as OData does.
pub fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// `field eq 'value'`.
pub fn eq(field: &str, value: &str) -> String {
    format!("{field} eq {}", quote(value))
}

/// One tag term: `tags/any(tag: tag eq 'Key::value')`.
pub fn tag_term(tag: &str) -> String {
    format!("tags/any(tag: tag eq {})", quote(tag))
}

/// The tag filter as one expression (a single term, or an OR group in parentheses), or `None`
/// for an empty filter. Refuses values that are not whole `key::value` tags.
pub fn tag_expression(tags: &TagFilter) -> Result<Option<String>> {
    if let Some(bare) = tags.values().iter().find(|v| !v.contains("::")) {
        return Err(Error::bad_field(
            Field::FilterTag,
            format!(
                "tag filter {bare:?} is not a whole key::value tag: Vision One matches whole tags \
             only, so write the key and the value, e.g. Environment::{bare} or {bare}::production \
             (with Conformity a bare key or value also works)"
            ),
        ));
    }
    let terms: Vec<String> = tags.values().iter().map(|t| tag_term(t)).collect();
    Ok(match terms.len() {
        0 => None,
        1 => terms.into_iter().next(),
        _ => Some(format!("({})", terms.join(" or "))),
    })
}

/// Terms joined with `and` (each term is a comparison or a parenthesised OR group).
pub fn and(terms: &[String]) -> String {
    terms.join(" and ")
}

/// Length in characters, as the limit counts them.
pub fn len(filter: &str) -> usize {
    filter.chars().count()
}

/// Refuses a filter over the limit with a message that says what to cut.
pub fn check_length(filter: &str) -> Result<()> {
    let n = len(filter);
    if n > MAX_FILTER_LEN {
        return Err(Error::bad_field(
            Field::FilterTag,
            format!(
            "the Vision One filter (TMV1-Filter) would be {n} characters, but Vision One accepts \
             at most {MAX_FILTER_LEN}; use fewer or shorter tag filter values"
        ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled() {
        assert_eq!(quote("O'Brien"), "'O''Brien'");
        assert_eq!(eq("accountId", "a'b"), "accountId eq 'a''b'");
    }

    #[test]
    fn tags_become_one_term_or_an_or_group() {
        let one = TagFilter::parse(&["Env::prod"]).unwrap();
        assert_eq!(
            tag_expression(&one).unwrap().unwrap(),
            "tags/any(tag: tag eq 'Env::prod')"
        );
        let two = TagFilter::parse(&["Env::prod", "App::it's"]).unwrap();
        let expr = tag_expression(&two).unwrap().unwrap();
        assert_eq!(
            expr,
            "(tags/any(tag: tag eq 'Env::prod') or tags/any(tag: tag eq 'App::it''s'))"
        );
        assert!(!expr.contains(" and "));
        assert_eq!(tag_expression(&TagFilter::default()).unwrap(), None);
    }

    #[test]
    fn bare_keys_or_values_are_refused_with_advice() {
        let err = tag_expression(&TagFilter::parse(&["Env::prod", "prod"]).unwrap()).unwrap_err();
        assert!(err.is_bad_input());
        assert!(err.to_string().contains("key::value"), "{err}");
    }

    #[test]
    fn the_length_limit_is_inclusive() {
        assert!(check_length(&"x".repeat(MAX_FILTER_LEN)).is_ok());
        let err = check_length(&"é".repeat(MAX_FILTER_LEN + 1)).unwrap_err();
        assert!(err.to_string().contains("1784 characters"), "{err}");
    }
}
