mod checks;

use super::filter;
use super::model::{self, AccountsPage, ScanRulesPage};
use crate::checks::{RuleSettings, TagFilter};
use crate::http::retry::RetryPolicy;
use crate::http::{Transport, TransportOptions, MAX_BODY_BYTES};
use crate::keychain::ApiKey;
use crate::source::Account;
use crate::{Error, Field, Result};
use reqwest::header::{self, HeaderValue};
use reqwest::{StatusCode, Url};
use std::collections::HashSet;
use std::time::Duration;

/// The request header that carries the filter expression.
pub const FILTER_HEADER: &str = "TMV1-Filter";
/// Largest page MCP allows for the checks list.
pub const PAGE_SIZE: u32 = 200;
/// The result cap third-party scripts report for the checks list (not confirmed by Trend).
pub const RESULT_CAP: u64 = 10_000;
/// Vision One counts requests per 60-second window (Automation Center "API request limits").
pub const RATE_WINDOW: Duration = Duration::from_secs(60);
/// A runaway `nextLink` chain stops here when no total bounds it.
const MAX_PAGES_PER_LIST: usize = 100_000;
#[derive(Clone, Debug)]
pub struct VisionOneOptions {
    pub retry: RetryPolicy,
    /// A hard ceiling in requests per second; 0 for none: the pacing then adapts to the
    /// service's 429s (see [`crate::http::pacing`]).
    pub requests_per_second: f64,
    pub timeout: Duration,
    /// How long a 429 without `Retry-After` waits: a fresh rate window always has room.
    pub rate_window: Duration,
    /// The path prefix of the Cloud Posture endpoints: `beta` today (Trend marks them beta),
    /// to become e.g. `v3.0` when they go GA.
    pub posture_prefix: String,
    /// `top` of the checks list.
    pub page_size: u32,
    /// The checks list's result cap; a query whose results reach it is split.
    pub result_cap: u64,
    /// Answers larger than this are refused.
    pub max_body_bytes: usize,
}

impl Default for VisionOneOptions {
    fn default() -> Self {
        VisionOneOptions {
            retry: RetryPolicy::default(),
            requests_per_second: 0.0,
            timeout: Duration::from_secs(60),
            rate_window: RATE_WINDOW,
            posture_prefix: "beta".into(),
            page_size: PAGE_SIZE,
            result_cap: RESULT_CAP,
            max_body_bytes: MAX_BODY_BYTES,
        }
    }
}

/// The Trend Vision One Cloud Posture / Cloud Risk Management API client.
pub struct VisionOneClient {
    transport: Transport,
    base: Url,
    key: ApiKey,
    options: VisionOneOptions,
}

/// A list endpoint's page: items and the link to the next page.
trait Paged: serde::de::DeserializeOwned {
    type Item;
    fn into_parts(self) -> (Option<Vec<Self::Item>>, Option<String>);
}

impl Paged for AccountsPage {
    type Item = model::AccountItem;
    fn into_parts(self) -> (Option<Vec<Self::Item>>, Option<String>) {
        (self.items, self.next_link)
    }
}

impl Paged for ScanRulesPage {
    type Item = model::ScanRuleItem;
    fn into_parts(self) -> (Option<Vec<Self::Item>>, Option<String>) {
        (self.items, self.next_link)
    }
}

impl VisionOneClient {
    /// `base` is the regional API root (see [`super::resolve_base_url`]); `key` a Vision One
    /// API key (`keychain::load(KeyKind::VisionOne)`), sent as `Authorization: Bearer …`.
    pub fn new(base: Url, key: ApiKey, options: VisionOneOptions) -> Result<Self> {
        let transport = Transport::new(
            "Vision One",
            &base,
            TransportOptions {
                retry: options.retry.clone(),
                requests_per_second: options.requests_per_second,
                timeout: options.timeout,
                // No Retry-After: wait for the next rate window, which always has room.
                throttle_wait: Some(options.rate_window),
                max_body_bytes: options.max_body_bytes,
            },
        )?;
        Ok(VisionOneClient {
            transport,
            base,
            key,
            options,
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Requests sent so far, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.transport.requests_sent()
    }

    fn url(&self, path: &str) -> Url {
        crate::url::join(&self.base, path)
    }

    fn posture_path(&self, rest: &str) -> String {
        format!(
            "/{}/cloudPosture/{rest}",
            self.options.posture_prefix.trim_matches('/')
        )
    }

    /// Sends one GET (the filter, if any, in its header), retrying 429 and 5xx, and maps
    /// failures to messages that say what to do. `what` names the endpoint in messages.
    async fn get(&self, url: &Url, filter: Option<&str>, what: &str) -> Result<Vec<u8>> {
        let filter_value = filter
            .map(|f| {
                filter::check_length(f)?;
                // Tags may hold non-ASCII characters: sent as UTF-8 bytes.
                HeaderValue::from_bytes(f.as_bytes()).map_err(|_| {
                    Error::bad_input(
                        "the Vision One filter contains characters a header cannot carry",
                    )
                })
            })
            .transpose()?;
        let advice = "Vision One limits requests per 60-second window, so wait a minute or two and try again";
        let answer = self
            .transport
            .send(url, what, advice, |http| {
                let request = http
                    .get(url.clone())
                    .bearer_auth(self.key.expose())
                    .header(header::ACCEPT, "application/json");
                match &filter_value {
                    Some(value) => request.header(FILTER_HEADER, value.clone()),
                    None => request,
                }
            })
            .await?;
        answer.map_err(|a| api_error(a.status, what, &a.body, a.trace_id.as_deref()))
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &Url,
        filter: Option<&str>,
        what: &str,
    ) -> Result<T> {
        let bytes = self.get(url, filter, what).await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::BadResponse(format!(
                "Vision One's answer to {what} is not in the expected shape: {e}"
            ))
        })
    }

    /// The URL of a `nextLink` (absolute or relative) after the page at `current`. The key is
    /// only ever sent to the configured host, so a link elsewhere is refused; a link must stay
    /// on the same list (path) and never come back to a page already read (`seen`).
    fn next_url(
        &self,
        link: &str,
        current: &Url,
        seen: &mut HashSet<Url>,
        what: &str,
    ) -> Result<Url> {
        let url = self.foreign_link_check(link, what)?;
        if url.path() != current.path() {
            return Err(Error::BadResponse(format!(
                "Vision One's nextLink for {what} leaves the list (to {}); wa-sync follows a                  nextLink only within the list it is reading",
                url.path()
            )));
        }
        seen.insert(current.clone());
        if seen.contains(&url) {
            return Err(Error::BadResponse(format!(
                "Vision One's nextLink for {what} goes back to a page already read (after {}                  pages); the list would never end, so wa-sync stopped. Try again later",
                seen.len()
            )));
        }
        Ok(url)
    }

    fn foreign_link_check(&self, link: &str, what: &str) -> Result<Url> {
        let url = self.base.join(link.trim()).map_err(|e| {
            Error::BadResponse(format!(
                "Vision One's nextLink for {what} is not a URL: {e}"
            ))
        })?;
        let same_origin = url.scheme() == self.base.scheme()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default();
        if !same_origin {
            return Err(Error::BadResponse(format!(
                "Vision One's nextLink for {what} points to another host ({}); wa-sync does not \
                 send the API key there",
                url.host_str().unwrap_or("?")
            )));
        }
        Ok(url)
    }

    /// Every item of a list, following `nextLink` and sending the filter on every page.
    async fn list<P: Paged>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        filter: Option<&str>,
    ) -> Result<Vec<P::Item>> {
        let mut url = self.url(path);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let mut items = Vec::new();
        let mut seen = HashSet::new();
        for _ in 0..MAX_PAGES_PER_LIST {
            let page: P = self.get_json(&url, filter, path).await?;
            let (page_items, next) = page.into_parts();
            let page_items = page_items.ok_or_else(|| {
                Error::BadResponse(format!("Vision One's answer to {path} has no `items` list"))
            })?;
            let empty = page_items.is_empty();
            items.extend(page_items);
            match next.filter(|n| !n.trim().is_empty()) {
                Some(link) if !empty => url = self.next_url(&link, &url, &mut seen, path)?,
                _ => return Ok(items),
            }
        }
        Err(loop_error(path, MAX_PAGES_PER_LIST))
    }

    /// `GET /v3.0/healthcheck/connectivity`: the key is accepted and the service answers.
    pub async fn test_connection(&self) -> Result<()> {
        let what = "/v3.0/healthcheck/connectivity";
        let answer: serde_json::Value = self.get_json(&self.url(what), None, what).await?;
        match answer["status"].as_str() {
            Some(s) if s.eq_ignore_ascii_case("available") => Ok(()),
            other => Err(Error::Unavailable(format!(
                "Vision One's connectivity test answered status {}; try again later",
                other.map_or("(none)".to_string(), |s| format!("{s:?}"))
            ))),
        }
    }

    /// Cloud Risk Management accounts (`/v3.0/cloudRiskManagement/accounts`, else the beta
    /// `/cloudPosture/accounts`).
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        self.list_accounts(None).await
    }

    async fn list_accounts(&self, aws_account_id: Option<&str>) -> Result<Vec<Account>> {
        let filter = aws_account_id.map(|id| filter::eq("awsAccountId", id));
        let v3 = self
            .list::<AccountsPage>("/v3.0/cloudRiskManagement/accounts", &[], filter.as_deref())
            .await;
        let items = match v3 {
            Ok(items) => items,
            // The GA endpoint missing or refusing the filter: the beta list, filtered here.
            Err(Error::NotFound(_) | Error::Api(_)) => {
                self.list::<AccountsPage>(&self.posture_path("accounts"), &[], None)
                    .await?
            }
            Err(e) => return Err(e),
        };
        Ok(items
            .into_iter()
            .map(model::AccountItem::into_account)
            // Items without an AWS account ID are kept: the GA list may answer IDs only.
            .filter(|a| {
                aws_account_id.is_none_or(|id| a.aws_account_id.as_deref().is_none_or(|a| a == id))
            })
            .collect())
    }

    /// The Cloud Risk Management account of an AWS account (a workload's), found with the
    /// `awsAccountId` filter. Exactly one must match.
    pub async fn account_for_aws_account(&self, aws_account_id: &str) -> Result<Account> {
        let id = aws_account_id.trim();
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::bad_input(format!(
                "{aws_account_id:?} is not a 12-digit AWS account ID"
            )));
        }
        let mut matches = self.list_accounts(Some(id)).await?;
        match matches.len() {
            1 => Ok(matches.remove(0)),
            0 => Err(Error::NotFound(format!(
                "no Vision One Cloud Risk Management account is connected to AWS account {id}; \
                 connect it in Vision One (Cloud Accounts) or give the account ID"
            ))),
            _ => Err(Error::bad_field(
                Field::AccountId,
                format!(
                    "several Vision One accounts match AWS account {id} ({}); give the one to use",
                    matches
                        .iter()
                        .map(|a| a.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    /// The account's rule settings (`/v3.0/cloudRiskManagement/accounts/{id}/scanRules`, else
    /// the beta `/cloudPosture/accounts/{id}/scanRules`): every rule's enabled state, and the
    /// risk level of the rules the account customised. 404 means nothing is configured.
    pub async fn rule_settings(&self, account_id: &str) -> Result<RuleSettings> {
        let id = path_segment(account_id);
        let v3 = format!("/v3.0/cloudRiskManagement/accounts/{id}/scanRules");
        let items = match self.list::<ScanRulesPage>(&v3, &[], None).await {
            Ok(items) => items,
            Err(Error::NotFound(_)) => {
                let beta = self.posture_path(&format!("accounts/{id}/scanRules"));
                match self.list::<ScanRulesPage>(&beta, &[], None).await {
                    Ok(items) => items,
                    Err(Error::NotFound(_)) => Vec::new(),
                    Err(e) => return Err(e),
                }
            }
            Err(e) => return Err(e),
        };
        Ok(model::into_settings(items))
    }

    /// The `TMV1-Filter` of the account and tag filter, checked against the length limit
    /// before anything is sent.
    pub fn checks_filter(account_id: &str, tags: &TagFilter) -> Result<String> {
        let mut terms = vec![filter::eq("accountId", account_id)];
        terms.extend(filter::tag_expression(tags)?);
        let text = filter::and(&terms);
        filter::check_length(&text)?;
        Ok(text)
    }
}

fn loop_error(what: &str, pages: usize) -> Error {
    Error::BadResponse(format!(
        "Vision One's nextLink for {what} does not end (it runs past {pages} pages, more than \
         the list's size needs); try again later"
    ))
}

/// Account IDs go into URL paths.
fn path_segment(id: &str) -> String {
    id.replace('%', "%25")
        .replace('/', "%2F")
        .replace('?', "%3F")
        .replace('#', "%23")
}

/// Turns an error answer into a message that names the likely cause.
fn api_error(status: StatusCode, what: &str, body: &[u8], trace: Option<&str>) -> Error {
    let code = status.as_u16();
    let detail = error_detail(body)
        .map(|d| format!(": {d}"))
        .unwrap_or_default();
    let trace = trace
        .map(|t| format!(" (trace ID {t})"))
        .unwrap_or_default();
    match code {
        401 => Error::Auth(format!(
            "Vision One refused the API key for {what} (HTTP 401{detail}){trace}: the key is wrong, \
             expired or for another region (a key works only in its own region). Check the key and \
             the region in Vision One (Administration > API Keys)"
        )),
        403 => Error::Auth(format!(
            "Vision One refused access to {what} (HTTP 403{detail}){trace}: the API key's role lacks \
             the Cloud Risk Management (Cloud Posture) View permission. Give the key's role that \
             permission in Vision One (Administration > User Roles)"
        )),
        404 => Error::NotFound(format!(
            "Vision One does not know {what} (HTTP 404{detail}){trace}; check the account ID with \
             `wa-sync accounts` and the region"
        )),
        491 => Error::Api(format!(
            "Vision One had an internal error for {what} (HTTP 491{detail}){trace}; try again later"
        )),
        _ => Error::Api(format!(
            "Vision One answered HTTP {code} for {what}{detail}{trace}"
        )),
    }
}

/// The human part of Vision One's JSON error bodies (`{"error":{"code","message"}}` and the
/// flatter shapes seen in client code).
fn error_detail(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let pick = |v: &serde_json::Value| -> Option<String> {
        let message = v["message"].as_str().or(v["Message"].as_str());
        let code = v["code"].as_str();
        match (code, message) {
            (Some(c), Some(m)) => Some(format!("{c}: {m}")),
            (None, Some(m)) => Some(m.to_string()),
            (Some(c), None) => Some(c.to_string()),
            (None, None) => None,
        }
    };
    if value["error"].is_object() {
        if let Some(text) = pick(&value["error"]) {
            return Some(text);
        }
    }
    if let Some(errors) = value["errors"].as_array() {
        let parts: Vec<String> = errors.iter().filter_map(pick).collect();
        if !parts.is_empty() {
            return Some(parts.join("; "));
        }
    }
    pick(&value)
}

#[cfg(test)]
mod tests;
