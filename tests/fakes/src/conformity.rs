//! Fake Trend Micro Cloud One Conformity API, for tests.
//!
//! It follows `shared/reference/conformity-api.md`: `ApiKey` auth, the JSON:API media type on
//! every request, JSON:API-style bodies, the documented error shapes, 0-based paging with the
//! 10,000-result cap on `/checks`, and the Well-Architected sync endpoint. Where the documentation
//! is silent the fake is deliberately strict (exact media type, exact filter values), so a client
//! that drifts from the documented contract fails here rather than against the real service.
//!
//! Every request is recorded (method, path, decoded query, auth and content-type headers, body and
//! the status answered) so tests can assert on the traffic a client produced.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::server::{lock, Served, SharedState, Traffic, TransportFaults};

/// The documented media type; the API answers 415 to anything else, GETs included.
const JSON_API: &str = "application/vnd.api+json";
const DEFAULT_RESULT_CAP: usize = 10_000;
const DEFAULT_PAGE_SIZE: usize = 100;
const MAX_PAGE_SIZE: usize = 1000;
const ORGANISATION_ID: &str = "org1";
/// Fixed so responses are reproducible; the value itself carries no meaning.
const CREATED_DATE_MS: u64 = 1_700_000_000_000;
/// The project's catalogue of the 619 AWS rules: `rule_id`, `title`, `categories`, `compliances`.
const RULES_TSV: &str = include_str!("../../../src-tauri/engine/data/conformity-aws-rules.tsv");

/// A Conformity account (an AWS or Azure account registered with Conformity).
#[derive(Clone, Debug, Default)]
pub struct Account {
    pub id: String,
    pub name: String,
    /// The 12-digit AWS account ID; the WA sync checks role and workload ARNs against it.
    pub aws_account_id: String,
    /// `"aws"` or `"azure"`; empty is treated as `"aws"`.
    pub cloud_type: String,
    pub environment: String,
}

/// One configured rule of an account (`/accounts/{id}/settings/rules`).
#[derive(Clone, Debug, Default)]
pub struct RuleSetting {
    pub id: String,
    pub enabled: bool,
    /// A custom risk level; `None` falls back to the rule's default from `services`.
    pub risk_level: Option<String>,
}

/// A service of the rules catalogue (`/services`), e.g. `EC2`.
#[derive(Clone, Debug, Default)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub rules: Vec<Rule>,
}

/// A rule of the catalogue with its default risk level.
#[derive(Clone, Debug, Default)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub categories: Vec<String>,
    pub risk_level: String,
}

/// One check: the result of one rule on one resource.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Check {
    pub account_id: String,
    pub rule_id: String,
    /// `"SUCCESS"` or `"FAILURE"`.
    pub status: String,
    /// `LOW`, `MEDIUM`, `HIGH`, `VERY_HIGH` or `EXTREME`.
    pub risk_level: String,
    pub region: String,
    pub service: String,
    /// Empty when the check is not about a resource (the check ID then has no resource part).
    pub resource: String,
    /// Resource tags as `"key::value"`.
    pub tags: Vec<String>,
    pub suppressed: bool,
    pub excluded: bool,
    pub not_scored: bool,
}

/// Everything the fake serves. Change it while running with [`FakeConformity::set_fixture`].
#[derive(Clone, Debug, Default)]
pub struct Fixture {
    /// The valid ADMIN key; requests must send `Authorization: ApiKey <key>`.
    pub api_key: String,
    /// A valid key of a non-ADMIN user: it can read, but the WA sync answers 403.
    pub read_only_key: Option<String>,
    pub external_id: String,
    pub accounts: Vec<Account>,
    /// Account ID → its configured rules.
    pub rule_settings: HashMap<String, Vec<RuleSetting>>,
    pub services: Vec<Service>,
    pub checks: Vec<Check>,
    /// How many `/checks` results can be read at most; 0 means the documented 10,000.
    pub result_cap: usize,
    /// If n > 0, every n-th request (1-based, over all requests) gets 429 with `Retry-After: 0`.
    pub throttle_every: usize,
    /// If n > 0, every n-th request gets 503 (429 wins when both apply).
    pub fail_5xx_every: usize,
}

/// One request as the fake received it, with the status it answered.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// The full path, e.g. `/api/checks`.
    pub path: String,
    /// Percent-decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
    pub status: u16,
}

/// A running fake Conformity server on 127.0.0.1; the server task stops when this is dropped.
pub struct FakeConformity {
    served: Served<Shared>,
}

struct Shared {
    fixture: Fixture,
    requests: Vec<RecordedRequest>,
}

impl FakeConformity {
    /// What the transport gate saw (requests in flight, per second, throttled).
    pub fn traffic(&self) -> Traffic {
        self.served.traffic()
    }

    /// Sets transport faults: 429 above a rate, a redirect, an oversized answer.
    pub fn set_faults(&self, f: impl FnOnce(&mut TransportFaults)) {
        self.served.set_faults(f);
    }

    /// Binds a free port on 127.0.0.1 and starts serving `fixture`.
    pub async fn start(fixture: Fixture) -> FakeConformity {
        let state = Shared {
            fixture,
            requests: Vec::new(),
        };
        FakeConformity {
            served: Served::start(state, handle).await,
        }
    }

    /// The base URL a client is configured with; all routes live under `/api`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api", self.served.addr())
    }

    /// Every request received so far, in arrival order (including rejected ones).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.served.lock().requests.clone()
    }

    /// How many requests were made to exactly `path` (e.g. `"/api/checks"`), whatever their status.
    pub fn count(&self, path: &str) -> usize {
        self.served
            .lock()
            .requests
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    /// Changes the served state while running, e.g. to add checks between two syncs.
    pub fn set_fixture(&self, f: impl FnOnce(&mut Fixture)) {
        f(&mut self.served.lock().fixture);
    }
}

/// The single entry point: routing is done by hand so that every path, known or not, gets the
/// documented auth, media-type and error behaviour, and is recorded.
async fn handle(
    State(state): State<SharedState<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query = Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|q| q.0)
        .unwrap_or_default();
    let header_text = |name| Some(headers.get(name)?.to_str().ok()?.to_owned());
    let mut request = RecordedRequest {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query,
        authorization: header_text(header::AUTHORIZATION),
        content_type: header_text(header::CONTENT_TYPE),
        body: String::from_utf8_lossy(&body).into_owned(),
        status: 0,
    };
    let mut shared = lock(&state);
    let sequence = shared.requests.len() + 1;
    let response = respond(&shared.fixture, sequence, &request);
    request.status = response.status().as_u16();
    shared.requests.push(request);
    response
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Admin,
    ReadOnly,
}

/// `sequence` is the 1-based number of this request, used for throttling and request IDs.
fn respond(fixture: &Fixture, sequence: usize, req: &RecordedRequest) -> Response {
    let every = |n: usize| n > 0 && sequence % n == 0;
    if every(fixture.throttle_every) {
        let mut response = error(
            StatusCode::TOO_MANY_REQUESTS,
            json!({"message": "Too many requests"}),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("0"));
        return response;
    }
    if every(fixture.fail_5xx_every) {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"message": "Service Unavailable"}),
        );
    }
    let Some(role) = authenticate(fixture, req.authorization.as_deref()) else {
        return error(StatusCode::UNAUTHORIZED, json!({"message": "Unauthorized"}));
    };
    let media_type_ok = req
        .content_type
        .as_deref()
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(JSON_API));
    if !media_type_ok {
        return reply(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            json!({"Message": "Unsupported media type."}),
        );
    }
    let Some(rest) = req.path.strip_prefix("/api/") else {
        return not_found();
    };
    // Trailing slashes are tolerated: the Terraform provider calls `/organisation/external-id/`.
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    match (req.method.as_str(), segments.as_slice()) {
        ("GET", ["organisation", "external-id"]) => external_id(fixture),
        ("GET", ["accounts"]) => {
            let data: Vec<Value> = fixture
                .accounts
                .iter()
                .map(|a| account_json(fixture, a))
                .collect();
            ok(json!({ "data": data }))
        }
        ("GET", ["accounts", id]) => match find_account(fixture, id) {
            Some(account) => ok(json!({ "data": account_json(fixture, account) })),
            None => not_found(),
        },
        ("GET", ["accounts", id, "settings", "rules"]) => {
            let include_defaults = param(&req.query, "includeDefaults") == Some("true");
            rule_settings(fixture, id, include_defaults)
        }
        ("GET", ["services"]) => services(fixture),
        ("GET", ["checks"]) => list_checks(fixture, &req.query),
        ("POST", ["well-architected-tool", "sync"]) => {
            sync_well_architected(fixture, role, &req.body, sequence)
        }
        _ => not_found(),
    }
}

/// Only the exact form `ApiKey <key>` with one of the fixture's keys is accepted; anything
/// else (no header, another scheme, stray whitespace, empty or unknown key) is 401.
fn authenticate(fixture: &Fixture, authorization: Option<&str>) -> Option<Role> {
    let key = authorization?.strip_prefix("ApiKey ")?;
    if key.is_empty() || key.chars().any(char::is_whitespace) {
        return None;
    }
    if key == fixture.api_key {
        Some(Role::Admin)
    } else if fixture.read_only_key.as_deref() == Some(key) {
        Some(Role::ReadOnly)
    } else {
        None
    }
}

fn reply(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// The documented `{"errors":[{"status":…, …}]}` body; `entry` holds the other members.
fn error(status: StatusCode, mut entry: Value) -> Response {
    entry["status"] = status.as_u16().into();
    reply(status, json!({ "errors": [entry] }))
}

fn ok(body: Value) -> Response {
    reply(StatusCode::OK, body)
}

fn unprocessable(details: &str) -> Response {
    error(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({ "details": details }),
    )
}

fn not_found() -> Response {
    reply(StatusCode::NOT_FOUND, json!({"Message": "Not Found"}))
}

/// The first value of a query parameter.
fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Splits a comma list, dropping empty items.
fn split_list(value: &str) -> Vec<&str> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

fn find_account<'a>(fixture: &'a Fixture, id: &str) -> Option<&'a Account> {
    fixture.accounts.iter().find(|a| a.id == id)
}

fn cloud_type(account: &Account) -> &str {
    if account.cloud_type.is_empty() {
        "aws"
    } else {
        &account.cloud_type
    }
}

/// The real API refuses to give an external ID before the organisation has any account.
fn external_id(fixture: &Fixture) -> Response {
    if fixture.accounts.is_empty() {
        let details = "The organisation has no accounts yet; add an account first";
        return unprocessable(details);
    }
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    ok(json!({"data": {
        "type": "external-ids",
        "id": fixture.external_id,
        "attributes": {"valid-until": now_ms + 3_600_000},
        "relationships": {},
    }}))
}

fn account_json(fixture: &Fixture, account: &Account) -> Value {
    json!({
        "type": "accounts",
        "id": account.id,
        "attributes": {
            "name": account.name,
            "environment": account.environment,
            "awsaccount-id": account.aws_account_id,
            "cloud-type": cloud_type(account),
            "status": "ACTIVE",
            "bot-status": null,
            "tags": [],
            "subscription-type": "advanced",
            "created-date": CREATED_DATE_MS,
            "last-checked-date": CREATED_DATE_MS,
            "settings": {"rules": configured_rules_json(fixture, &account.id)},
        },
        "relationships": {"organisation": {"data": {"type": "organisations", "id": ORGANISATION_ID}}},
    })
}

fn rule_setting_json(id: &str, enabled: bool, risk_level: &str) -> Value {
    json!({
        "id": id,
        "enabled": enabled,
        "riskLevel": risk_level,
        "provider": "aws",
        "ruleExists": true,
        "exceptions": {"resources": [], "tags": [], "filterTags": []},
        "extraSettings": [],
    })
}

fn configured_settings<'a>(fixture: &'a Fixture, account_id: &str) -> &'a [RuleSetting] {
    fixture
        .rule_settings
        .get(account_id)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn all_rules(fixture: &Fixture) -> impl Iterator<Item = &Rule> {
    fixture.services.iter().flat_map(|s| &s.rules)
}

fn configured_rules_json(fixture: &Fixture, account_id: &str) -> Vec<Value> {
    let lookup = RuleLookup::new(fixture);
    configured_settings(fixture, account_id)
        .iter()
        .map(|setting| {
            let risk = setting
                .risk_level
                .as_deref()
                .or_else(|| lookup.get(&setting.id).map(|r| r.risk_level.as_str()));
            rule_setting_json(&setting.id, setting.enabled, risk.unwrap_or("MEDIUM"))
        })
        .collect()
}

/// Configured rules only, unless `includeDefaults=true` adds every other catalogue rule with its
/// default state (enabled, default risk level).
fn rule_settings(fixture: &Fixture, account_id: &str, include_defaults: bool) -> Response {
    let Some(account) = find_account(fixture, account_id) else {
        return not_found();
    };
    let mut rules = configured_rules_json(fixture, &account.id);
    if include_defaults {
        let configured = configured_settings(fixture, &account.id);
        for rule in all_rules(fixture) {
            if !configured.iter().any(|s| s.id == rule.id) {
                rules.push(rule_setting_json(&rule.id, true, &rule.risk_level));
            }
        }
    }
    ok(
        json!({"data": {"type": "accounts", "id": account.id, "attributes": {"settings": {"rules": rules}}}}),
    )
}

fn services(fixture: &Fixture) -> Response {
    let data: Vec<Value> = fixture
        .services
        .iter()
        .map(|service| {
            let rules: Vec<Value> = service
                .rules
                .iter()
                .map(|r| json!({"type": "rules", "id": r.id}))
                .collect();
            json!({
                "type": "services",
                "id": service.id,
                "attributes": {"name": service.name, "provider": "aws"},
                "relationships": {"rules": {"data": rules}},
            })
        })
        .collect();
    let included: Vec<Value> = all_rules(fixture)
        .map(|rule| {
            json!({
                "type": "rules",
                "id": rule.id,
                "attributes": {
                    "title": rule.title,
                    "name": rule.title,
                    "categories": rule.categories,
                    "risk-level": rule.risk_level,
                    "provider": "aws",
                    "compliances": ["AWAF"],
                    "is-deprecated": false,
                },
            })
        })
        .collect();
    ok(json!({"data": data, "included": included}))
}

/// Rule metadata for checks: the fixture's `services` first, then the project's TSV catalogue, so
/// checks get titles and categories even when a test leaves `services` empty.
struct RuleLookup<'a> {
    by_id: HashMap<&'a str, &'a Rule>,
}

impl<'a> RuleLookup<'a> {
    fn new(fixture: &'a Fixture) -> Self {
        let by_id = all_rules(fixture).map(|r| (r.id.as_str(), r)).collect();
        RuleLookup { by_id }
    }

    fn get(&self, id: &str) -> Option<&'a Rule> {
        self.by_id
            .get(id)
            .copied()
            .or_else(|| catalogue_index().get(id).copied())
    }
}

fn list_checks(fixture: &Fixture, query: &[(String, String)]) -> Response {
    let account_ids = param(query, "accountIds")
        .map(split_list)
        .unwrap_or_default();
    if account_ids.is_empty() {
        let message = "query parameter accountIds is required";
        return error(StatusCode::BAD_REQUEST, json!({ "message": message }));
    }
    let page_param = |name: &str, default: usize| {
        param(query, name).map_or(Some(default), |v| v.parse::<usize>().ok())
    };
    let size =
        page_param("page[size]", DEFAULT_PAGE_SIZE).filter(|s| (1..=MAX_PAGE_SIZE).contains(s));
    let (Some(size), Some(number)) = (size, page_param("page[number]", 0)) else {
        let details = format!(
            "page[size] must be 1 to {MAX_PAGE_SIZE} and page[number] a non-negative integer"
        );
        return unprocessable(&details);
    };
    // Each `filter[name]=a,b` is OR inside; all filters must hold. Unknown names are ignored.
    let filters: Vec<(&str, Vec<&str>)> = query
        .iter()
        .filter_map(|(key, value)| {
            let name = key.strip_prefix("filter[")?.strip_suffix(']')?;
            let values = split_list(value);
            (!values.is_empty()).then_some((name, values))
        })
        .collect();
    let lookup = RuleLookup::new(fixture);
    let matching: Vec<(&Check, Option<&Rule>)> = fixture
        .checks
        .iter()
        .filter(|c| account_ids.contains(&c.account_id.as_str()))
        .map(|c| (c, lookup.get(&c.rule_id)))
        .filter(|(c, rule)| {
            filters
                .iter()
                .all(|(name, values)| filter_matches(name, values, c, *rule))
        })
        .collect();

    let cap = if fixture.result_cap == 0 {
        DEFAULT_RESULT_CAP
    } else {
        fixture.result_cap
    };
    let start = number.saturating_mul(size);
    if start >= cap {
        let details =
            format!("page[number] exceeds the {cap} result limit; narrow the query with filters");
        return unprocessable(&details);
    }
    let end = start.saturating_add(size).min(cap).min(matching.len());
    let page = matching.get(start..end).unwrap_or_default();
    let data: Vec<Value> = page.iter().map(|(c, rule)| check_json(c, *rule)).collect();
    ok(json!({"data": data, "meta": {"total": matching.len()}}))
}

/// Values are compared exactly (the documented enums and IDs), except tags.
fn filter_matches(name: &str, values: &[&str], check: &Check, rule: Option<&Rule>) -> bool {
    let any_equal = |field: &str| values.contains(&field);
    match name {
        "statuses" => any_equal(&check.status),
        "riskLevels" => any_equal(&check.risk_level),
        "regions" => any_equal(&check.region),
        "services" => any_equal(&check.service),
        "ruleIds" => any_equal(&check.rule_id),
        "categories" => rule.is_some_and(|r| r.categories.iter().any(|c| any_equal(c))),
        "filterTags" => values
            .iter()
            .any(|v| check.tags.iter().any(|tag| tag_matches(tag, v))),
        _ => true,
    }
}

/// The documented "Filter tags, exact match": `wanted` equals, ignoring case, the tag's key, its
/// value, or the whole `key::value`. No substring matching: `dev` does not match `devops`.
pub fn tag_matches(tag: &str, wanted: &str) -> bool {
    let same = |a: &str| a.to_lowercase() == wanted.to_lowercase();
    same(tag)
        || tag
            .split_once("::")
            .is_some_and(|(key, value)| same(key) || same(value))
}

fn pretty_risk_level(level: &str) -> &'static str {
    match level {
        "LOW" => "Low",
        "MEDIUM" => "Medium",
        "HIGH" => "High",
        "VERY_HIGH" => "Very High",
        "EXTREME" => "Extreme",
        _ => "Unknown",
    }
}

/// A check's message, the same from both fakes: `{rule title}: {resource} fails|passes`.
pub fn check_message(check: &Check, title: &str) -> String {
    let outcome = if check.status == "SUCCESS" {
        "passes"
    } else {
        "fails"
    };
    format!("{title}: {} {outcome}", check.resource)
}

/// The rule's knowledge-base page (Conformity's `resolution-page-url`, Vision One's
/// `resolutionReferenceLink`), shaped like Trend's pages.
pub fn knowledge_base_url(check: &Check) -> String {
    format!(
        "https://www.trendmicro.com/cloudoneconformity/knowledge-base/aws/{}/{}.html",
        check.service,
        check.rule_id.to_ascii_lowercase()
    )
}

/// A link to the resource in the AWS console (Conformity's `link`); `None` for a check about no
/// resource.
pub fn resource_link(check: &Check) -> Option<String> {
    if check.resource.is_empty() {
        return None;
    }
    let region = if check.region == "global" {
        "us-east-1"
    } else {
        &check.region
    };
    Some(format!(
        "https://{region}.console.aws.amazon.com/{}/home?region={region}#{}",
        check.service.to_ascii_lowercase(),
        check.resource
    ))
}

fn check_json(check: &Check, rule: Option<&Rule>) -> Value {
    let title = rule.map_or(check.rule_id.as_str(), |r| r.title.as_str());
    let categories = rule.map(|r| r.categories.as_slice()).unwrap_or_default();
    let resource_part = if check.resource.is_empty() {
        String::new()
    } else {
        format!(":{}", check.resource)
    };
    let (account, service, region) = (&check.account_id, &check.service, &check.region);
    json!({
        "type": "checks",
        "id": format!("ccc:{account}:{}:{service}:{region}{resource_part}", check.rule_id),
        "attributes": {
            "region": region,
            "status": check.status,
            "risk-level": check.risk_level,
            "pretty-risk-level": pretty_risk_level(&check.risk_level),
            "message": check_message(check, title),
            "link": resource_link(check),
            "link-title": "Open in the AWS console",
            "resolution-page-url": knowledge_base_url(check),
            "resource": check.resource,
            "resourceName": check.resource,
            "descriptorType": format!("{}-resource", service.to_lowercase()),
            "categories": categories,
            "compliances": ["AWAF"],
            "tags": check.tags,
            "rule-title": title,
            "provider": "aws",
            "service": service,
            "suppressed": check.suppressed,
            "excluded": check.excluded,
            "not-scored": check.not_scored,
            "created-date": CREATED_DATE_MS,
            "ccrn": format!("ccrn:aws:{account}:{service}:{region}{resource_part}"),
        },
        "relationships": {
            "rule": {"data": {"type": "rules", "id": check.rule_id}},
            "account": {"data": {"type": "accounts", "id": account}},
        },
    })
}

/// A 422 from the WA sync: the body field that is wrong (empty for the body itself), and why.
type Invalid = (&'static str, String);

/// ADMIN only; the body is validated the way the documented prerequisites require (an AWS
/// Conformity account, and role and workload in that account's AWS account). The real sync runs
/// in the background, so success only acknowledges the request.
fn sync_well_architected(fixture: &Fixture, role: Role, body: &str, sequence: usize) -> Response {
    if role != Role::Admin {
        let message = "User is not an ADMIN; only ADMIN users can sync Well-Architected reviews";
        return error(StatusCode::FORBIDDEN, json!({ "message": message }));
    }
    match validate_sync(fixture, body) {
        Ok(workload_id) => ok(json!({"meta": {
            "status": "In Progress",
            "requestId": uuid_like(sequence),
            "message": format!("Syncing Well-Architected review for workload {workload_id} in background"),
        }})),
        Err((field, details)) => {
            let pointer = format!("/meta/{field}");
            let pointer = pointer.trim_end_matches('/');
            let entry = json!({"source": {"pointer": pointer}, "details": details});
            error(StatusCode::UNPROCESSABLE_ENTITY, entry)
        }
    }
}

/// Returns the workload ID on success.
fn validate_sync(fixture: &Fixture, body: &str) -> Result<String, Invalid> {
    let doc: Value = serde_json::from_str(body).map_err(|e| ("", format!("not JSON: {e}")))?;
    let meta = doc.get("meta").and_then(Value::as_object);
    let meta = meta.ok_or(("", "meta is required".to_owned()))?;
    let text = |field: &'static str| {
        let value = meta
            .get(field)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty());
        value.ok_or((field, format!("{field} is required")))
    };
    let (account_id, role_arn, workload_arn) =
        (text("accountId")?, text("roleArn")?, text("workloadArn")?);

    let account = find_account(fixture, account_id);
    let account = account.ok_or(("accountId", format!("account {account_id} not found")))?;
    if !cloud_type(account).eq_ignore_ascii_case("aws") {
        return Err(("accountId", "only AWS accounts can be synced".to_owned()));
    }
    let role = parse_arn(role_arn)
        .filter(|a| a.service == "iam" && a.region.is_empty())
        .filter(|a| {
            a.resource
                .strip_prefix("role/")
                .is_some_and(|name| !name.is_empty())
        });
    let role = role.ok_or(("roleArn", "not an IAM role ARN".to_owned()))?;
    let workload = parse_arn(workload_arn)
        .filter(|a| a.service == "wellarchitected" && !a.region.is_empty())
        .and_then(|a| Some((a.account, a.resource.strip_prefix("workload/")?)))
        .filter(|(_, id)| !id.is_empty() && !id.contains('/'));
    let (workload_account, workload_id) = workload.ok_or((
        "workloadArn",
        "not a Well-Architected workload ARN".to_owned(),
    ))?;
    let expected = &account.aws_account_id;
    let elsewhere = |what| format!("the {what} is not in AWS account {expected} of {account_id}");
    if role.account != expected {
        return Err(("roleArn", elsewhere("role")));
    }
    if workload_account != expected {
        return Err(("workloadArn", elsewhere("workload")));
    }
    let tags_ok = meta.get("filterTags").is_none_or(|tags| {
        tags.as_array()
            .is_some_and(|items| items.iter().all(Value::is_string))
    });
    if !tags_ok {
        return Err((
            "filterTags",
            "filterTags must be an array of strings".to_owned(),
        ));
    }
    Ok(workload_id.to_owned())
}

/// `arn:partition:service:region:account:resource`.
struct Arn<'a> {
    service: &'a str,
    region: &'a str,
    account: &'a str,
    resource: &'a str,
}

fn parse_arn(arn: &str) -> Option<Arn<'_>> {
    let mut parts = arn.splitn(6, ':');
    let (prefix, partition) = (parts.next()?, parts.next()?);
    let (service, region, account, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    (prefix == "arn" && partition.starts_with("aws") && account_ok).then_some(Arn {
        service,
        region,
        account,
        resource,
    })
}

/// Deterministic pseudo-random numbers, so synthetic data is the same on every run.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A version-4-shaped UUID that names the request by its sequence number.
fn uuid_like(sequence: usize) -> String {
    format!("6a7e4f00-0000-4000-8000-{sequence:012x}")
}

/// The rule's service: the rule ID without its number (`ELBv2-003` → `ELBv2`).
fn service_of(rule_id: &str) -> &str {
    rule_id
        .rsplit_once('-')
        .map_or(rule_id, |(service, _)| service)
}

/// The 619 AWS rules of the project's TSV, in file order, with risk `MEDIUM`.
fn catalogue() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        RULES_TSV
            .lines()
            .skip(1)
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let mut columns = line.split('\t');
                let mut next = || columns.next().unwrap_or_default().trim();
                let (id, title, categories) = (next(), next(), next());
                Rule {
                    id: id.to_owned(),
                    title: title.to_owned(),
                    categories: split_list(categories)
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                    risk_level: "MEDIUM".to_owned(),
                }
            })
            .collect()
    })
}

fn catalogue_index() -> &'static HashMap<&'static str, &'static Rule> {
    static INDEX: OnceLock<HashMap<&'static str, &'static Rule>> = OnceLock::new();
    INDEX.get_or_init(|| catalogue().iter().map(|r| (r.id.as_str(), r)).collect())
}

/// All 619 rules of the project's catalogue, grouped by service prefix in file order, with
/// titles and categories from the TSV and default risk `MEDIUM`. The service name is its ID.
pub fn services_from_rules_tsv() -> Vec<Service> {
    let mut services: Vec<Service> = Vec::new();
    for rule in catalogue() {
        let id = service_of(&rule.id);
        match services.iter_mut().find(|s| s.id == id) {
            Some(service) => service.rules.push(rule.clone()),
            None => services.push(Service {
                id: id.to_owned(),
                name: id.to_owned(),
                rules: vec![rule.clone()],
            }),
        }
    }
    services
}

/// `n` deterministic checks for `account_id` over real rule IDs: about a third failing, all five
/// risk levels, five regions (incl. `global`), `Environment`/`App` tags on most resources, and a
/// few suppressed, excluded and not-scored checks. Resources are unique, so check IDs are too.
pub fn synthetic_checks(n: usize, account_id: &str, seed: u64) -> Vec<Check> {
    const RISK_LEVELS: [&str; 5] = ["LOW", "MEDIUM", "HIGH", "VERY_HIGH", "EXTREME"];
    const REGIONS: [&str; 5] = [
        "us-east-1",
        "us-west-2",
        "eu-west-1",
        "ap-southeast-2",
        "global",
    ];
    const ENVIRONMENTS: [&str; 3] = [
        "Environment::production",
        "Environment::staging",
        "Environment::dev",
    ];
    const APPS: [&str; 3] = ["App::checkout", "App::search", "App::billing"];
    let rules = catalogue();
    let mut rng = SplitMix64(seed);
    (0..n)
        .map(|i| {
            let rule = &rules[rng.below(rules.len())];
            let service = service_of(&rule.id).to_owned();
            let mut tags = Vec::new();
            if rng.chance(80) {
                tags.push(ENVIRONMENTS[rng.below(ENVIRONMENTS.len())].to_owned());
            }
            if rng.chance(60) {
                tags.push(APPS[rng.below(APPS.len())].to_owned());
            }
            Check {
                account_id: account_id.to_owned(),
                rule_id: rule.id.clone(),
                status: if rng.chance(35) { "FAILURE" } else { "SUCCESS" }.to_owned(),
                risk_level: RISK_LEVELS[rng.below(RISK_LEVELS.len())].to_owned(),
                region: REGIONS[rng.below(REGIONS.len())].to_owned(),
                resource: format!("{}-{i:06}", service.to_lowercase()),
                service,
                tags,
                suppressed: rng.chance(5),
                excluded: rng.chance(3),
                not_scored: rng.chance(4),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    const KEY: &str = "tmc12abc:6dvZsecret";
    const READ_ONLY_KEY: &str = "tmc12ro:readonly";
    const AUTH: &str = "ApiKey tmc12abc:6dvZsecret";

    struct Reply {
        status: u16,
        headers: Vec<(String, String)>,
        json: Value,
    }

    impl Reply {
        fn data_len(&self) -> usize {
            self.json["data"].as_array().map_or(0, Vec::len)
        }

        fn rule_ids<'a>(&'a self) -> Vec<&'a str> {
            let data = self.json["data"].as_array().expect("data array");
            let rule_id = |c: &'a Value| c["relationships"]["rule"]["data"]["id"].as_str();
            data.iter().filter_map(rule_id).collect()
        }

        fn first_error(&self, member: &str) -> &str {
            self.json["errors"][0][member].as_str().unwrap_or_default()
        }
    }

    /// A minimal HTTP/1.1 client: one request per connection, read until the server closes.
    async fn send(
        fake: &FakeConformity,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Reply {
        let addr = fake.served.addr();
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let mut request = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\n");
        request += &format!("Connection: close\r\nContent-Length: {}\r\n", body.len());
        for (name, value) in headers {
            request += &format!("{name}: {value}\r\n");
        }
        request += &format!("\r\n{body}");
        stream.write_all(request.as_bytes()).await.expect("send");
        let mut raw = String::new();
        stream.read_to_string(&mut raw).await.expect("read");
        let (head, body) = raw.split_once("\r\n\r\n").expect("end of headers");
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.split(' ').nth(1)?.parse().ok());
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_owned()))
            .collect();
        let json = serde_json::from_str(body).unwrap_or(Value::Null);
        Reply {
            status: status.expect("status line"),
            headers,
            json,
        }
    }

    /// An authorised GET of `path` (relative to `/api`).
    async fn get(fake: &FakeConformity, path: &str) -> Reply {
        let headers = [("Authorization", AUTH), ("Content-Type", JSON_API)];
        send(fake, "GET", &format!("/api{path}"), &headers, "").await
    }

    async fn post_sync(fake: &FakeConformity, key: &str, body: &Value) -> Reply {
        let auth = format!("ApiKey {key}");
        let headers = [("Authorization", auth.as_str()), ("Content-Type", JSON_API)];
        let path = "/api/well-architected-tool/sync";
        send(fake, "POST", path, &headers, &body.to_string()).await
    }

    fn account(id: &str, aws_account_id: &str) -> Account {
        let (id, aws_account_id) = (id.to_owned(), aws_account_id.to_owned());
        Account {
            id,
            aws_account_id,
            cloud_type: "aws".into(),
            ..Account::default()
        }
    }

    fn fixture() -> Fixture {
        Fixture {
            api_key: KEY.into(),
            read_only_key: Some(READ_ONLY_KEY.into()),
            external_id: "ext-123".into(),
            accounts: vec![
                account("acc1", "111122223333"),
                account("acc2", "444455556666"),
            ],
            ..Fixture::default()
        }
    }

    fn check(rule_id: &str, tags: &[&str]) -> Check {
        Check {
            account_id: "acc1".into(),
            rule_id: rule_id.into(),
            status: "FAILURE".into(),
            risk_level: "HIGH".into(),
            region: "us-east-1".into(),
            service: service_of(rule_id).into(),
            resource: format!("res-{rule_id}"),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Check::default()
        }
    }

    #[tokio::test]
    async fn rejects_missing_unknown_and_malformed_keys_with_401() {
        let fake = FakeConformity::start(fixture()).await;
        let keys = [
            None,
            Some("ApiKey wrong"),
            Some("Bearer tmc12abc:6dvZsecret"),
        ];
        let keys = keys
            .into_iter()
            .chain([Some("ApiKey"), Some("ApiKey  tmc12abc:6dvZsecret")]);
        for auth in keys {
            let mut headers = vec![("Content-Type", JSON_API)];
            headers.extend(auth.map(|a| ("Authorization", a)));
            let reply = send(&fake, "GET", "/api/accounts", &headers, "").await;
            assert_eq!(reply.status, 401, "{auth:?}");
            assert_eq!(
                reply.json,
                json!({"errors": [{"status": 401, "message": "Unauthorized"}]})
            );
        }
        assert_eq!(get(&fake, "/accounts").await.status, 200);
        let recorded = fake.requests();
        let statuses: Vec<u16> = recorded.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [401, 401, 401, 401, 401, 200]);
        assert_eq!(recorded[1].authorization.as_deref(), Some("ApiKey wrong"));
    }

    #[tokio::test]
    async fn requires_the_json_api_media_type() {
        let fake = FakeConformity::start(fixture()).await;
        for content_type in [None, Some("application/json")] {
            let mut headers = vec![("Authorization", AUTH)];
            headers.extend(content_type.map(|ct| ("Content-Type", ct)));
            let reply = send(&fake, "GET", "/api/accounts", &headers, "").await;
            assert_eq!(reply.status, 415);
            assert_eq!(reply.json, json!({"Message": "Unsupported media type."}));
        }
        assert_eq!(
            fake.requests()[1].content_type.as_deref(),
            Some("application/json")
        );
    }

    #[tokio::test]
    async fn serves_external_id_accounts_and_services() {
        let fake = FakeConformity::start(Fixture {
            services: services_from_rules_tsv(),
            ..fixture()
        })
        .await;
        let external = get(&fake, "/organisation/external-id/").await;
        assert_eq!(
            (external.status, &external.json["data"]["id"]),
            (200, &json!("ext-123"))
        );
        assert!(external.json["data"]["attributes"]["valid-until"].is_u64());

        let accounts = get(&fake, "/accounts").await.json;
        assert_eq!(
            accounts["data"][1]["attributes"]["awsaccount-id"],
            "444455556666"
        );
        assert_eq!(
            accounts["data"][0]["relationships"]["organisation"]["data"]["id"],
            "org1"
        );
        assert_eq!(
            get(&fake, "/accounts/acc2").await.json["data"]["id"],
            "acc2"
        );
        let missing = get(&fake, "/accounts/nope").await;
        assert_eq!(
            (missing.status, missing.json),
            (404, json!({"Message": "Not Found"}))
        );

        let services = get(&fake, "/services").await.json;
        assert_eq!(services["included"].as_array().map(Vec::len), Some(619));
        assert_eq!(
            services["included"][0]["attributes"]["compliances"],
            json!(["AWAF"])
        );
        let ec2 = services["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == "EC2");
        let first_rule = &ec2.unwrap()["relationships"]["rules"]["data"][0];
        assert_eq!(first_rule, &json!({"type": "rules", "id": "EC2-001"}));

        fake.set_fixture(|f| f.accounts.clear());
        assert_eq!(get(&fake, "/organisation/external-id").await.status, 422);
        assert_eq!(fake.count("/api/organisation/external-id"), 1);
    }

    #[tokio::test]
    async fn rule_settings_list_configured_rules_and_defaults_on_request() {
        let rule = |id: &str, risk: &str| Rule {
            id: id.into(),
            risk_level: risk.into(),
            ..Rule::default()
        };
        let rules = vec![
            rule("EC2-001", "LOW"),
            rule("EC2-002", "HIGH"),
            rule("EC2-003", "EXTREME"),
        ];
        let setting = |id: &str, enabled, risk: Option<&str>| RuleSetting {
            id: id.into(),
            enabled,
            risk_level: risk.map(str::to_owned),
        };
        let mut f = fixture();
        f.services = vec![Service {
            id: "EC2".into(),
            name: "EC2".into(),
            rules,
        }];
        let settings = vec![
            setting("EC2-002", false, None),
            setting("EC2-003", true, Some("LOW")),
        ];
        f.rule_settings.insert("acc1".into(), settings);
        let fake = FakeConformity::start(f).await;

        let summary = |reply: Reply| -> Vec<(String, bool, String)> {
            let rules = reply.json["data"]["attributes"]["settings"]["rules"].clone();
            let rules: Vec<Value> = serde_json::from_value(rules).expect("rules array");
            let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            rules
                .iter()
                .map(|r| (text(&r["id"]), r["enabled"] == true, text(&r["riskLevel"])))
                .collect()
        };
        let expected = |rows: &[(&str, bool, &str)]| -> Vec<(String, bool, String)> {
            rows.iter()
                .map(|(id, on, risk)| (id.to_string(), *on, risk.to_string()))
                .collect()
        };
        let configured = summary(get(&fake, "/accounts/acc1/settings/rules").await);
        assert_eq!(
            configured,
            expected(&[("EC2-002", false, "HIGH"), ("EC2-003", true, "LOW")])
        );
        let all = summary(get(&fake, "/accounts/acc1/settings/rules?includeDefaults=true").await);
        let with_defaults = [
            ("EC2-002", false, "HIGH"),
            ("EC2-003", true, "LOW"),
            ("EC2-001", true, "LOW"),
        ];
        assert_eq!(all, expected(&with_defaults));
        assert_eq!(
            summary(get(&fake, "/accounts/acc2/settings/rules").await),
            expected(&[])
        );
        assert_eq!(get(&fake, "/accounts/zzz/settings/rules").await.status, 404);
    }

    #[tokio::test]
    async fn pages_checks_in_fixture_order_with_total() {
        let mut f = fixture();
        f.checks = synthetic_checks(250, "acc1", 7);
        f.checks.extend(synthetic_checks(5, "acc2", 8));
        let first = f.checks[0].clone();
        let expected: Vec<String> = f.checks[..250].iter().map(|c| c.resource.clone()).collect();
        let fake = FakeConformity::start(f).await;

        let mut seen = Vec::new();
        for (number, len) in [(0, 100), (1, 100), (2, 50), (3, 0)] {
            // Raw brackets (as reqwest sends them) and percent-encoded ones both work.
            let page = if number % 2 == 0 {
                "page[size]=100&page[number]"
            } else {
                "page%5Bsize%5D=100&page%5Bnumber%5D"
            };
            let reply = get(&fake, &format!("/checks?accountIds=acc1&{page}={number}")).await;
            assert_eq!((reply.status, reply.data_len()), (200, len));
            assert_eq!(reply.json["meta"]["total"], 250);
            let resources = reply.json["data"].as_array().unwrap().iter();
            seen.extend(
                resources.map(|c| c["attributes"]["resource"].as_str().unwrap().to_owned()),
            );
        }
        assert_eq!(seen, expected);
        assert_eq!(
            get(&fake, "/checks?accountIds=acc1,acc2").await.json["meta"]["total"],
            255
        );
        assert_eq!(get(&fake, "/checks?accountIds=acc1").await.data_len(), 100);
        assert!(fake.requests()[1]
            .query
            .contains(&("page[size]".into(), "100".into())));
        assert_eq!(fake.count("/api/checks"), 6);

        let one = get(&fake, "/checks?accountIds=acc1&page[size]=1")
            .await
            .json;
        let id = format!(
            "ccc:acc1:{}:{}:{}:{}",
            first.rule_id, first.service, first.region, first.resource
        );
        assert_eq!(one["data"][0]["id"], id);
        assert_eq!(
            one["data"][0]["relationships"]["account"]["data"]["id"],
            "acc1"
        );
        assert!(one["data"][0]["attributes"]["rule-title"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
    }

    #[tokio::test]
    async fn validates_account_ids_and_page_size() {
        let fake = FakeConformity::start(fixture()).await;
        let missing = get(&fake, "/checks").await;
        assert_eq!(
            (missing.status, missing.first_error("message")),
            (400, "query parameter accountIds is required")
        );
        let too_big = get(&fake, "/checks?accountIds=acc1&page[size]=1001").await;
        assert_eq!(too_big.status, 422);
        assert!(too_big.first_error("details").contains("page[size]"));
        assert_eq!(
            get(&fake, "/checks?accountIds=acc1&page[size]=1000")
                .await
                .status,
            200
        );
        assert_eq!(
            get(&fake, "/checks?accountIds=acc1&page[number]=-1")
                .await
                .status,
            422
        );
    }

    #[tokio::test]
    async fn refuses_pages_past_the_result_cap() {
        let checks = synthetic_checks(250, "acc1", 1);
        let fake = FakeConformity::start(Fixture {
            checks,
            result_cap: 150,
            ..fixture()
        })
        .await;
        let straddling = get(
            &fake,
            "/checks?accountIds=acc1&page[size]=100&page[number]=1",
        )
        .await;
        assert_eq!(
            (straddling.data_len(), &straddling.json["meta"]["total"]),
            (50, &json!(250))
        );
        let beyond = get(
            &fake,
            "/checks?accountIds=acc1&page[size]=100&page[number]=2",
        )
        .await;
        assert_eq!(beyond.status, 422);
        assert!(beyond.first_error("details").contains("150 result limit"));

        fake.set_fixture(|f| f.result_cap = 0);
        let past_default = get(
            &fake,
            "/checks?accountIds=acc1&page[size]=1000&page[number]=10",
        )
        .await;
        let details = "page[number] exceeds the 10000 result limit; narrow the query with filters";
        assert_eq!(
            past_default.json,
            json!({"errors": [{"status": 422, "details": details}]})
        );
        assert_eq!(fake.requests().last().map(|r| r.status), Some(422));
    }

    #[tokio::test]
    async fn filter_tags_match_key_value_or_pair_exactly_ignoring_case() {
        let checks = vec![
            check("EC2-001", &["environment::dev"]),
            check("EC2-002", &["Environment::devops"]),
            check("EC2-003", &["team::platform", "app::Dev"]),
            check("EC2-004", &[]),
        ];
        let fake = FakeConformity::start(Fixture {
            checks,
            ..fixture()
        })
        .await;
        let cases: [(&str, &[&str]); 9] = [
            ("dev", &["EC2-001", "EC2-003"]),
            ("DEV", &["EC2-001", "EC2-003"]),
            ("environment", &["EC2-001", "EC2-002"]),
            ("envirONment::DEv", &["EC2-001"]),
            ("devops", &["EC2-002"]),
            ("environ", &[]),
            ("environmental", &[]),
            ("platform,devops", &["EC2-002", "EC2-003"]),
            ("", &["EC2-001", "EC2-002", "EC2-003", "EC2-004"]),
        ];
        for (wanted, expected) in cases {
            let reply = get(
                &fake,
                &format!("/checks?accountIds=acc1&filter[filterTags]={wanted}"),
            )
            .await;
            assert_eq!(reply.rule_ids(), expected, "filterTags={wanted}");
        }
        assert!(tag_matches("app::checkout", "CHECKOUT"));
        assert!(!tag_matches("app::checkout", "app::check"));
    }

    #[tokio::test]
    async fn filters_are_or_inside_and_across() {
        let success = Check {
            status: "SUCCESS".into(),
            ..check("S3-001", &[])
        };
        let low_in_eu = Check {
            region: "eu-west-1".into(),
            risk_level: "LOW".into(),
            ..check("IAM-001", &[])
        };
        let checks = vec![check("EC2-001", &[]), success, low_in_eu];
        let fake = FakeConformity::start(Fixture {
            checks,
            ..fixture()
        })
        .await;
        let all: &[&str] = &["EC2-001", "S3-001", "IAM-001"];
        let cases: [(&str, &[&str]); 7] = [
            ("filter[statuses]=FAILURE", &["EC2-001", "IAM-001"]),
            (
                "filter[statuses]=FAILURE&filter[riskLevels]=HIGH",
                &["EC2-001"],
            ),
            (
                "filter[regions]=eu-west-1,us-east-1&filter[services]=IAM,S3",
                &["S3-001", "IAM-001"],
            ),
            ("filter[ruleIds]=S3-001,EC2-001", &["EC2-001", "S3-001"]),
            ("filter[categories]=security", all),
            ("filter[statuses]=failure", &[]),
            ("filter[madeUp]=x", all),
        ];
        for (filters, expected) in cases {
            let reply = get(&fake, &format!("/checks?accountIds=acc1&{filters}")).await;
            assert_eq!(reply.rule_ids(), expected, "{filters}");
            assert_eq!(reply.json["meta"]["total"], expected.len());
        }
    }

    #[tokio::test]
    async fn throttles_and_fails_every_nth_request() {
        let fake = FakeConformity::start(Fixture {
            throttle_every: 3,
            ..fixture()
        })
        .await;
        let mut statuses = Vec::new();
        for _ in 0..6 {
            let reply = get(&fake, "/accounts").await;
            if reply.status == 429 {
                let body = json!({"errors": [{"status": 429, "message": "Too many requests"}]});
                assert_eq!(reply.json, body);
                assert!(reply.headers.contains(&("retry-after".into(), "0".into())));
            }
            statuses.push(reply.status);
        }
        assert_eq!(statuses, [200, 200, 429, 200, 200, 429]);
        assert_eq!(
            fake.requests().iter().map(|r| r.status).collect::<Vec<_>>(),
            statuses
        );

        fake.set_fixture(|f| (f.throttle_every, f.fail_5xx_every) = (0, 7));
        let failed = get(&fake, "/accounts").await; // the 7th request
        assert_eq!(
            (failed.status, &failed.json["errors"][0]["status"]),
            (503, &json!(503))
        );
        assert_eq!(get(&fake, "/accounts").await.status, 200);
    }

    #[tokio::test]
    async fn well_architected_sync_checks_admin_fields_and_aws_accounts() {
        let fake = FakeConformity::start(fixture()).await;
        let workload_id = "0123456789abcdef0123456789abcdef";
        let workload =
            format!("arn:aws:wellarchitected:us-east-1:111122223333:workload/{workload_id}");
        let role = "arn:aws:iam::111122223333:role/ConformityWA";
        let body = |role: &str, workload: &str| json!({"meta": {"accountId": "acc1", "roleArn": role, "workloadArn": workload, "filterTags": ["dev"]}});

        let accepted = post_sync(&fake, KEY, &body(role, &workload)).await;
        assert_eq!(
            (accepted.status, &accepted.json["meta"]["status"]),
            (200, &json!("In Progress"))
        );
        assert_eq!(
            accepted.json["meta"]["requestId"].as_str().map(str::len),
            Some(36)
        );
        assert!(accepted.json["meta"]["message"]
            .as_str()
            .unwrap()
            .contains(workload_id));
        let recorded = &fake.requests()[0];
        assert_eq!((recorded.method.as_str(), recorded.status), ("POST", 200));
        assert_eq!(
            serde_json::from_str::<Value>(&recorded.body).ok(),
            Some(body(role, &workload))
        );

        let denied = post_sync(&fake, READ_ONLY_KEY, &body(role, &workload)).await;
        assert_eq!(denied.status, 403);
        assert!(denied.first_error("message").contains("not an ADMIN"));

        let other_role = role.replace("111122223333", "999999999999");
        let other_workload = workload.replace("111122223333", "444455556666");
        let invalid = [
            (body(&other_role, &workload), "/meta/roleArn"),
            (body("not-an-arn", &workload), "/meta/roleArn"),
            (body(role, &other_workload), "/meta/workloadArn"),
            (
                json!({"meta": {"accountId": "acc1", "roleArn": role}}),
                "/meta/workloadArn",
            ),
            (
                json!({"meta": {"accountId": "ghost", "roleArn": role, "workloadArn": workload}}),
                "/meta/accountId",
            ),
            (
                json!({"meta": {"accountId": "acc1", "roleArn": role, "workloadArn": workload, "filterTags": "dev"}}),
                "/meta/filterTags",
            ),
            (json!({"data": {}}), "/meta"),
        ];
        for (request, pointer) in invalid {
            let reply = post_sync(&fake, KEY, &request).await;
            assert_eq!(reply.status, 422, "{request}");
            assert_eq!(
                reply.json["errors"][0]["source"]["pointer"], pointer,
                "{request}"
            );
        }
    }

    #[test]
    fn synthetic_data_is_deterministic_and_uses_real_rules() {
        let services = services_from_rules_tsv();
        assert_eq!(services.iter().map(|s| s.rules.len()).sum::<usize>(), 619);
        assert_eq!(
            services
                .iter()
                .find(|s| s.id == "EC2")
                .map(|s| s.rules.len()),
            Some(77)
        );

        let checks = synthetic_checks(2000, "acc1", 42);
        assert_eq!(checks, synthetic_checks(2000, "acc1", 42));
        assert_ne!(checks, synthetic_checks(2000, "acc1", 43));
        assert!(checks
            .iter()
            .all(|c| catalogue_index().contains_key(c.rule_id.as_str())));
        assert!(checks.iter().all(|c| c.service == service_of(&c.rule_id)));
        for level in ["LOW", "MEDIUM", "HIGH", "VERY_HIGH", "EXTREME"] {
            assert!(checks.iter().any(|c| c.risk_level == level), "{level}");
        }
        assert!(checks.iter().any(|c| c.region == "global"));
        assert!(checks
            .iter()
            .any(|c| c.tags.contains(&"Environment::production".into())));
        assert!(checks.iter().any(|c| c.suppressed) && checks.iter().any(|c| c.excluded));
        assert!(checks.iter().any(|c| c.not_scored));
        let failures = checks.iter().filter(|c| c.status == "FAILURE").count();
        assert!((500..900).contains(&failures), "{failures}");
    }
}
