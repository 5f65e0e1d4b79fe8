use super::checks::services;
use super::*;
use std::collections::BTreeSet;

#[test]
fn error_bodies_in_every_shape() {
    assert_eq!(
        error_detail(br#"{"error":{"code":"InvalidFilter","message":"bad filter"}}"#).unwrap(),
        "InvalidFilter: bad filter"
    );
    assert_eq!(
        error_detail(br#"{"code":"NotFound","message":"no such account"}"#).unwrap(),
        "NotFound: no such account"
    );
    assert_eq!(
        error_detail(br#"{"errors":[{"message":"a"},{"message":"b"}]}"#).unwrap(),
        "a; b"
    );
    assert_eq!(error_detail(b"<html>"), None);
    let err = api_error(
        StatusCode::FORBIDDEN,
        "/beta/cloudPosture/checks",
        b"{}",
        Some("t-1"),
    );
    assert_eq!(err.code(), "auth");
    assert!(err.to_string().contains("View permission") && err.to_string().contains("t-1"));
}

#[test]
fn the_checks_filter_is_built_and_limited() {
    let tags = TagFilter::parse(&["Env::prod", "App::shop"]).unwrap();
    assert_eq!(
        VisionOneClient::checks_filter("acc-1", &tags).unwrap(),
        "accountId eq 'acc-1' and (tags/any(tag: tag eq 'Env::prod') or tags/any(tag: tag eq 'App::shop'))"
    );
    let many: Vec<String> = (0..40).map(|i| format!("Team::{i:0>40}")).collect();
    let err =
        VisionOneClient::checks_filter("acc-1", &TagFilter::parse(&many).unwrap()).unwrap_err();
    assert!(
        err.is_bad_input() && err.to_string().contains("1783"),
        "{err}"
    );
}

#[test]
fn services_cover_the_catalogue() {
    let seen: BTreeSet<String> = ["Zzz".to_string()].into();
    let all = services(&seen);
    assert!(all.contains(&"EC2".to_string()) && all.contains(&"Zzz".to_string()));
    assert!(all.len() > 50);
}
