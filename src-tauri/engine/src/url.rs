//! Validation of the service URLs a user may configure: secrets travel in headers, so plain
//! `http://` is only accepted for this machine's own addresses (tests and local proxies).

use crate::{Error, Field, Result};
use reqwest::Url;

/// Parses a base URL for an API and checks it is safe to send a key to; messages call it
/// `what` ("the Conformity API URL").
pub fn parse_base_url(text: &str, what: &str) -> Result<Url> {
    checked(text, what).map_err(Error::bad_input)
}

/// [`parse_base_url`] for a URL the user gave as `field`: the message names the field's kind of
/// input only through the error's `field`.
pub fn parse_api_url(text: &str, field: Field) -> Result<Url> {
    checked(text, "the API URL").map_err(|problem| Error::bad_field(field, problem))
}

fn checked(text: &str, what: &str) -> std::result::Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|e| {
        format!(
            "{what} {text:?} is not a URL ({e}); write the full base, e.g. https://conformity.us-1.cloudone.trendmicro.com/api"
        )
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(format!(
            "{what} {text:?} uses http://, which would send the API key unencrypted; use https:// \
                 (http:// is accepted only for 127.0.0.1, ::1 and localhost)"
        ))
        }
        other => {
            return Err(format!(
                "{what} {text:?} has scheme {other:?}; use an https:// URL"
            ))
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{what} {text:?} has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "{what} must not contain a user name or password; the API key is read from the keychain or the environment"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{what} {text:?} must not have a query or fragment"));
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// `base` joined with an API path, keeping the base's own path (`…/api` + `/checks`).
pub fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let joined = format!(
        "{}/{}",
        base.path().trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    url.set_path(&joined);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_on_loopback() {
        assert!(
            parse_base_url("https://conformity.us-1.cloudone.trendmicro.com/api", "URL").is_ok()
        );
        for ok in [
            "http://127.0.0.1:8080/api",
            "http://localhost:1/api",
            "http://[::1]:9/api",
            "http://127.9.9.9/",
        ] {
            assert!(parse_base_url(ok, "URL").is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("http://example.com/api", "unencrypted"),
            ("ftp://example.com", "scheme"),
            ("not a url", "not a URL"),
            ("https://user:pw@example.com/api", "password"),
            ("https://example.com/api?x=1", "query"),
        ] {
            let err = parse_base_url(bad, "--conformity-url").unwrap_err();
            assert_eq!(err.code(), "bad_input");
            assert!(err.to_string().contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn join_keeps_the_base_path() {
        let base = Url::parse("https://h.example/api/").unwrap();
        assert_eq!(
            join(&base, "/checks").as_str(),
            "https://h.example/api/checks"
        );
        let base = Url::parse("https://h.example/v1").unwrap();
        assert_eq!(
            join(&base, "accounts/x/settings/rules").as_str(),
            "https://h.example/v1/accounts/x/settings/rules"
        );
    }
}
