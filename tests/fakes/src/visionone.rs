//! Fake Trend Vision One Cloud Posture / Cloud Risk Management API, for tests.
//!
//! It follows `shared/reference/vision-one.md`: `Authorization: Bearer <key>`, flat camelCase
//! `items` lists paged by an absolute `nextLink`, filters in the `TMV1-Filter` header (at most
//! 1,783 characters; `eq`, `and`, `or` only inside parentheses, `not`, `contains(…)`,
//! `tags/any(tag: …)`), JSON error bodies `{"error":{"code","message"}}` with an `x-trace-id`
//! header, 429 when the requests of a 60-second window exceed the limit, and the 10,000-result
//! cap of the checks list (results past it are silently not served, the worst case for a client).
//!
//! Where the reference is silent the fake is strict: unknown filter fields and enum values are
//! 400, tag `eq` is exact and case-sensitive, a `nextLink` page must carry the same `TMV1-Filter`
//! as the first page (the token remembers it) or it is 400. What `count` means is a fixture
//! choice ([`CountMode`]), and so is the field naming ([`FieldStyle`]), so a client can be tested
//! against each reading of the reference.
//!
//! The checks are [`crate::conformity::Check`] fixtures, so the same checks can be served by both
//! fakes. The Conformity flags `excluded` and `notScored` are served as fields of those names
//! (no Vision One source shows an equivalent; the fake assumes these).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::server::{lock, Served, SharedState, Traffic, TransportFaults};

pub use crate::conformity::{synthetic_checks, Check, RuleSetting};

/// The documented limit of the `TMV1-Filter` header.
pub const MAX_FILTER_LEN: usize = 1783;
const DEFAULT_RESULT_CAP: usize = 10_000;
const DEFAULT_TOP: usize = 100;
const MAX_TOP: usize = 200;
const DEFAULT_WINDOW: Duration = Duration::from_secs(60);
const CREATED: &str = "2026-11-01T10:00:00Z";

/// A Cloud Risk Management account.
#[derive(Clone, Debug, Default)]
pub struct Account {
    /// The CRM account UUID (`accountId` of checks).
    pub id: String,
    pub name: String,
    pub aws_account_id: String,
    /// `aws` when empty.
    pub provider: String,
}

/// What the checks list's `count` holds (the reference cannot tell).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CountMode {
    /// The number of checks the query matches.
    #[default]
    Total,
    /// The number of items on the page.
    PageSize,
    /// No `count` at all.
    Omitted,
}

/// How check items name their fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldStyle {
    /// `ruleId`, `resource`, `compliances` (Trend's Terraform DTOs, PG1).
    #[default]
    Documented,
    /// No `ruleId` (only the check ID carries the rule), `resourceId`, `complianceStandards`:
    /// the variants third-party code reads.
    Variant,
}

/// Everything the fake serves. Change it while running with [`FakeVisionOne::set_fixture`].
#[derive(Clone, Debug, Default)]
pub struct Fixture {
    /// The valid key; requests must send `Authorization: Bearer <key>`.
    pub api_key: String,
    /// A valid key whose role lacks Cloud Risk Management access: 403 on everything but the
    /// connectivity test.
    pub forbidden_key: Option<String>,
    pub accounts: Vec<Account>,
    /// Account ID → its customised rules (others are served enabled at `MEDIUM`).
    pub rule_settings: HashMap<String, Vec<RuleSetting>>,
    pub checks: Vec<Check>,
    /// How many checks one query can read at most; 0 means 10,000.
    pub result_cap: usize,
    pub count_mode: CountMode,
    pub field_style: FieldStyle,
    /// Requests allowed per rate window (0: no limit); over it, 429 with `Retry-After` set to
    /// the rest of the window in whole seconds.
    pub rate_limit: usize,
    /// The rate window; zero means the documented 60 seconds.
    pub rate_window: Duration,
    /// If n > 0, every n-th request (1-based) gets 429 with [`Fixture::throttle_retry_after`].
    pub throttle_every: usize,
    /// `Retry-After` of those 429s in seconds; `None` sends no header.
    pub throttle_retry_after: Option<u64>,
    /// If n > 0, every n-th request gets 503 (429 wins when both apply).
    pub fail_5xx_every: usize,
    /// The prefix of the Cloud Posture paths; empty means `beta`.
    pub posture_prefix: String,
    /// Answer 404 on `/v3.0/cloudRiskManagement/accounts`, as a tenant without the GA endpoint.
    pub no_v3_accounts: bool,
    /// `(from, to)`: the checks list's `nextLink` that would lead to offset `from` leads to
    /// offset `to` instead, a `nextLink` cycle as a broken service might send.
    pub next_link_back: Option<(usize, usize)>,
    /// The checks list's `nextLink` goes to this path instead (same host and query).
    pub next_link_path: Option<String>,
}

impl Fixture {
    /// One AWS account with `n` deterministic synthetic checks (see
    /// [`crate::conformity::synthetic_checks`]).
    pub fn synthetic(
        api_key: &str,
        account_id: &str,
        aws_account_id: &str,
        n: usize,
        seed: u64,
    ) -> Fixture {
        Fixture {
            api_key: api_key.into(),
            accounts: vec![Account {
                id: account_id.into(),
                name: "Production".into(),
                aws_account_id: aws_account_id.into(),
                provider: "aws".into(),
            }],
            checks: synthetic_checks(n, account_id, seed),
            ..Fixture::default()
        }
    }
}

/// One request as the fake received it, with the status it answered.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// Percent-decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    pub authorization: Option<String>,
    /// The `TMV1-Filter` header.
    pub filter: Option<String>,
    pub status: u16,
}

impl RecordedRequest {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A running fake on 127.0.0.1; the server task stops when this is dropped.
pub struct FakeVisionOne {
    served: Served<Shared>,
}

struct Shared {
    fixture: Fixture,
    base: String,
    requests: Vec<RecordedRequest>,
    window: Option<(Instant, usize)>,
}

impl FakeVisionOne {
    /// What the transport gate saw (requests in flight, per second, throttled).
    pub fn traffic(&self) -> Traffic {
        self.served.traffic()
    }

    /// Sets transport faults: 429 above a rate, a redirect, an oversized answer.
    pub fn set_faults(&self, f: impl FnOnce(&mut TransportFaults)) {
        self.served.set_faults(f);
    }

    pub async fn start(fixture: Fixture) -> FakeVisionOne {
        let state = Shared {
            fixture,
            base: String::new(),
            requests: Vec::new(),
            window: None,
        };
        let fake = FakeVisionOne {
            served: Served::start(state, handle).await,
        };
        // Only known once the port is bound; nothing can call before `start` returns the URL.
        fake.served.lock().base = fake.base_url();
        fake
    }

    /// The API root a client is configured with (no path), like `https://api.xdr.trendmicro.com`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.served.addr())
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.served.lock().requests.clone()
    }

    /// How many requests were made to exactly `path`, whatever their status.
    pub fn count(&self, path: &str) -> usize {
        self.served
            .lock()
            .requests
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    pub fn set_fixture(&self, f: impl FnOnce(&mut Fixture)) {
        f(&mut self.served.lock().fixture);
    }
}

async fn handle(
    State(state): State<SharedState<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let query = Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|q| q.0)
        .unwrap_or_default();
    let text = |name: &str| {
        headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let mut request = RecordedRequest {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query,
        authorization: text(header::AUTHORIZATION.as_str()),
        filter: text("tmv1-filter"),
        status: 0,
    };
    let mut shared = lock(&state);
    let sequence = shared.requests.len() + 1;
    let response = match rate_limited(&mut shared) {
        Some(response) => response,
        None => respond(&shared.fixture, &shared.base, sequence, &request),
    };
    let mut response = response;
    let trace = format!("trace-{sequence:06}");
    if let Ok(value) = HeaderValue::from_str(&trace) {
        response.headers_mut().insert("x-trace-id", value);
    }
    request.status = response.status().as_u16();
    shared.requests.push(request);
    response
}

/// The per-window limit: the window starts with its first request.
fn rate_limited(shared: &mut Shared) -> Option<Response> {
    let limit = shared.fixture.rate_limit;
    if limit == 0 {
        return None;
    }
    let window = if shared.fixture.rate_window.is_zero() {
        DEFAULT_WINDOW
    } else {
        shared.fixture.rate_window
    };
    let now = Instant::now();
    let (start, count) = match shared.window {
        Some((start, count)) if now.duration_since(start) < window => (start, count + 1),
        _ => (now, 1),
    };
    shared.window = Some((start, count));
    if count <= limit {
        return None;
    }
    let rest = window.saturating_sub(now.duration_since(start));
    let seconds = rest.as_secs() + u64::from(rest.subsec_nanos() > 0);
    Some(too_many(Some(seconds)))
}

fn too_many(retry_after: Option<u64>) -> Response {
    let mut response = error(
        StatusCode::TOO_MANY_REQUESTS,
        "TooManyRequests",
        "Too many API requests",
    );
    if let Some(seconds) = retry_after {
        if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    response
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}

fn bad_request(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "BadRequest", message)
}

fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "NotFound",
        "The requested resource was not found",
    )
}

fn respond(fixture: &Fixture, base: &str, sequence: usize, req: &RecordedRequest) -> Response {
    let every = |n: usize| n > 0 && sequence % n == 0;
    if every(fixture.throttle_every) {
        return too_many(fixture.throttle_retry_after);
    }
    if every(fixture.fail_5xx_every) {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "Service Unavailable",
        );
    }
    let key = req
        .authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Bearer "))
        .filter(|k| !k.is_empty() && !k.chars().any(char::is_whitespace));
    let forbidden = match key {
        Some(k) if k == fixture.api_key => false,
        Some(k) if fixture.forbidden_key.as_deref() == Some(k) => true,
        _ => {
            return error(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                "The API key is invalid or expired",
            )
        }
    };
    if req.method != "GET" {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "Method not allowed",
        );
    }
    let segments: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    if segments == ["v3.0", "healthcheck", "connectivity"] {
        return ok(json!({"status": "available"}));
    }
    if forbidden {
        return error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "The API key's role does not have the required permission (Cloud Risk Management: View)",
        );
    }
    if let Some(filter) = &req.filter {
        if filter.chars().count() > MAX_FILTER_LEN {
            return bad_request(&format!(
                "TMV1-Filter exceeds the maximum length of {MAX_FILTER_LEN} characters"
            ));
        }
    }
    let prefix = if fixture.posture_prefix.is_empty() {
        "beta"
    } else {
        fixture.posture_prefix.as_str()
    };
    match segments.as_slice() {
        ["v3.0", "cloudRiskManagement", "accounts"] if !fixture.no_v3_accounts => {
            list_accounts(fixture, base, req)
        }
        [p, "cloudPosture", "accounts"] if *p == prefix => list_accounts(fixture, base, req),
        ["v3.0", "cloudRiskManagement", "accounts", id, "scanRules"] => {
            scan_rules(fixture, base, req, id)
        }
        [p, "cloudPosture", "accounts", id, "scanRules"] if *p == prefix => {
            scan_rules(fixture, base, req, id)
        }
        [p, "cloudPosture", "checks"] if *p == prefix => list_checks(fixture, base, req),
        _ => not_found(),
    }
}

fn ok(body: Value) -> Response {
    (StatusCode::OK, Json(body)).into_response()
}

/// A value of a record that filters compare with.
trait Record {
    fn field(&self, name: &str) -> Option<Cow<'_, str>>;
    fn tags(&self) -> &[String] {
        &[]
    }
}

impl Record for Check {
    fn field(&self, name: &str) -> Option<Cow<'_, str>> {
        Some(match name {
            "accountId" => Cow::Borrowed(self.account_id.as_str()),
            "status" => Cow::Borrowed(self.status.as_str()),
            "riskLevel" => Cow::Borrowed(self.risk_level.as_str()),
            "region" => Cow::Borrowed(self.region.as_str()),
            "service" => Cow::Borrowed(self.service.as_str()),
            "ruleId" => Cow::Borrowed(self.rule_id.as_str()),
            "resource" => Cow::Borrowed(self.resource.as_str()),
            "description" => Cow::Owned(description(self)),
            "suppressed" => Cow::Borrowed(if self.suppressed { "true" } else { "false" }),
            _ => return None,
        })
    }
    fn tags(&self) -> &[String] {
        &self.tags
    }
}

impl Record for Account {
    fn field(&self, name: &str) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(match name {
            "awsAccountId" => self.aws_account_id.as_str(),
            "provider" => provider(self),
            _ => return None,
        }))
    }
}

struct RuleRow {
    id: String,
    enabled: bool,
    risk_level: String,
    customised: bool,
}

impl Record for RuleRow {
    fn field(&self, name: &str) -> Option<Cow<'_, str>> {
        match name {
            "isCustomized" => Some(Cow::Borrowed(if self.customised {
                "true"
            } else {
                "false"
            })),
            _ => None,
        }
    }
}

fn provider(account: &Account) -> &str {
    if account.provider.is_empty() {
        "aws"
    } else {
        &account.provider
    }
}

/// The `top` of a request (default 100), or the message of a 400.
fn top(req: &RecordedRequest) -> Result<usize, String> {
    match req.param("top") {
        None => Ok(DEFAULT_TOP),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|t| (1..=MAX_TOP).contains(t))
            .ok_or_else(|| format!("top must be an integer from 1 to {MAX_TOP}")),
    }
}

/// FNV-1a of the filter, so a page token only works with the filter it was made for.
fn filter_hash(filter: Option<&str>) -> u64 {
    filter
        .unwrap_or_default()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// The offset a `skipToken` stands for, or the message of a 400 if it does not belong to this
/// filter.
fn offset(req: &RecordedRequest) -> Result<usize, String> {
    let Some(token) = req.param("skipToken") else {
        return Ok(0);
    };
    let parsed = token.split_once('.').and_then(|(offset, hash)| {
        Some((
            offset.parse::<usize>().ok()?,
            u64::from_str_radix(hash, 16).ok()?,
        ))
    });
    match parsed {
        Some((offset, hash)) if hash == filter_hash(req.filter.as_deref()) => Ok(offset),
        Some(_) => Err(
            "skipToken does not match the TMV1-Filter of this request; send the same TMV1-Filter header on every page".into(),
        ),
        None => Err("invalid skipToken".into()),
    }
}

/// One page of a list: `items`, `nextLink` while more is readable, `count` per the mode.
fn page_of<T>(
    base: &str,
    req: &RecordedRequest,
    rows: &[T],
    cap: usize,
    count_mode: CountMode,
    render: impl Fn(&T) -> Value,
) -> Response {
    match page_body(base, req, rows, cap, count_mode, render) {
        Ok(body) => ok(body),
        Err(message) => bad_request(&message),
    }
}

/// The body of [`page_of`], or what is wrong with `top` or `skipToken` (a 400).
fn page_body<T>(
    base: &str,
    req: &RecordedRequest,
    rows: &[T],
    cap: usize,
    count_mode: CountMode,
    render: impl Fn(&T) -> Value,
) -> Result<Value, String> {
    let (top, start) = match (top(req), offset(req)) {
        (Ok(top), Ok(start)) => (top, start),
        (Err(message), _) | (_, Err(message)) => return Err(message),
    };
    let readable = rows.len().min(cap);
    let end = start.saturating_add(top).min(readable);
    let items: Vec<Value> = rows
        .get(start.min(end)..end)
        .unwrap_or_default()
        .iter()
        .map(render)
        .collect();
    let mut body = json!({ "items": items });
    match count_mode {
        CountMode::Total => body["count"] = rows.len().into(),
        CountMode::PageSize => body["count"] = body["items"].as_array().map_or(0, Vec::len).into(),
        CountMode::Omitted => {}
    }
    if end < readable {
        let token = format!("{end}.{:016x}", filter_hash(req.filter.as_deref()));
        body["nextLink"] = format!("{base}{}?top={top}&skipToken={token}", req.path).into();
    }
    Ok(body)
}

fn parse_filter(req: &RecordedRequest, fields: &[&str]) -> Result<Option<Expr>, String> {
    match req
        .filter
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        None => Ok(None),
        Some(text) => parse(text, fields)
            .map(Some)
            .map_err(|e| format!("Invalid TMV1-Filter: {e}")),
    }
}

fn list_accounts(fixture: &Fixture, base: &str, req: &RecordedRequest) -> Response {
    let filter = match parse_filter(req, &["awsAccountId", "provider"]) {
        Ok(f) => f,
        Err(message) => return bad_request(&message),
    };
    let rows: Vec<&Account> = fixture
        .accounts
        .iter()
        .filter(|a| filter.as_ref().is_none_or(|f| f.eval(*a)))
        .collect();
    page_of(base, req, &rows, usize::MAX, CountMode::Total, |a| {
        json!({
            "id": a.id,
            "name": a.name,
            "provider": provider(a),
            "awsAccountId": a.aws_account_id,
            "scanStatus": "COMPLETED",
            "resourceCount": 0,
            "lastCheckedDateTime": CREATED,
        })
    })
}

fn scan_rules(fixture: &Fixture, base: &str, req: &RecordedRequest, account_id: &str) -> Response {
    if !fixture.accounts.iter().any(|a| a.id == account_id) {
        return not_found();
    }
    let filter = match parse_filter(req, &["isCustomized"]) {
        Ok(f) => f,
        Err(message) => return bad_request(&message),
    };
    let configured = fixture
        .rule_settings
        .get(account_id)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut rows: Vec<RuleRow> = configured
        .iter()
        .map(|s| RuleRow {
            id: s.id.clone(),
            enabled: s.enabled,
            risk_level: s.risk_level.clone().unwrap_or_else(|| "MEDIUM".into()),
            customised: true,
        })
        .collect();
    for rule in catalogue() {
        if !configured.iter().any(|s| s.id == rule.0) {
            rows.push(RuleRow {
                id: rule.0.clone(),
                enabled: true,
                risk_level: "MEDIUM".into(),
                customised: false,
            });
        }
    }
    rows.retain(|r| filter.as_ref().is_none_or(|f| f.eval(r)));
    page_of(base, req, &rows, usize::MAX, CountMode::Total, |r| {
        json!({
            "id": r.id,
            "provider": "aws",
            "enabled": r.enabled,
            "riskLevel": r.risk_level,
            "isCustomized": r.customised,
            "exceptions": {"tags": [], "resourceIds": []},
        })
    })
}

const CHECK_FIELDS: [&str; 10] = [
    "accountId",
    "region",
    "service",
    "riskLevel",
    "status",
    "ruleId",
    "resource",
    "description",
    "suppressed",
    "tags",
];

fn list_checks(fixture: &Fixture, base: &str, req: &RecordedRequest) -> Response {
    let filter = match parse_filter(req, &CHECK_FIELDS) {
        Ok(f) => f,
        Err(message) => return bad_request(&message),
    };
    let rows: Vec<&Check> = fixture
        .checks
        .iter()
        .filter(|c| filter.as_ref().is_none_or(|f| f.eval(*c)))
        .collect();
    let cap = if fixture.result_cap == 0 {
        DEFAULT_RESULT_CAP
    } else {
        fixture.result_cap
    };
    let style = fixture.field_style;
    let mut body = match page_body(base, req, &rows, cap, fixture.count_mode, |c| {
        check_json(c, style)
    }) {
        Ok(body) => body,
        Err(message) => return bad_request(&message),
    };
    bend_next_link(&mut body, fixture, &req.path);
    ok(body)
}

/// Rewrites a checks page's `nextLink` as the fixture's `next_link_back` and `next_link_path`
/// say.
fn bend_next_link(body: &mut Value, fixture: &Fixture, path: &str) {
    let Some(mut link) = body["nextLink"].as_str().map(str::to_string) else {
        return;
    };
    if let Some((from, to)) = fixture.next_link_back {
        link = link.replace(&format!("skipToken={from}."), &format!("skipToken={to}."));
    }
    if let Some(other) = &fixture.next_link_path {
        link = link.replacen(path, other, 1);
    }
    body["nextLink"] = link.into();
}

fn description(check: &Check) -> String {
    let title = rule_info(&check.rule_id).map_or(check.rule_id.as_str(), |r| r.1.as_str());
    crate::conformity::check_message(check, title)
}

/// Rule ID → (title, categories) from the project's catalogue.
fn catalogue() -> &'static [(String, String, Vec<String>)] {
    static RULES: OnceLock<Vec<(String, String, Vec<String>)>> = OnceLock::new();
    RULES.get_or_init(|| {
        crate::conformity::services_from_rules_tsv()
            .into_iter()
            .flat_map(|s| s.rules)
            .map(|r| (r.id, r.title, r.categories))
            .collect()
    })
}

/// The title both fakes give a rule of the built-in catalogue.
pub fn catalogue_title(rule_id: &str) -> Option<&'static str> {
    rule_info(rule_id).map(|r| r.1.as_str())
}

fn rule_info(rule_id: &str) -> Option<&'static (String, String, Vec<String>)> {
    static INDEX: OnceLock<HashMap<&'static str, usize>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        catalogue()
            .iter()
            .enumerate()
            .map(|(i, r)| (r.0.as_str(), i))
            .collect()
    });
    index.get(rule_id).map(|&i| &catalogue()[i])
}

fn check_json(check: &Check, style: FieldStyle) -> Value {
    let info = rule_info(&check.rule_id);
    let resource_part = if check.resource.is_empty() {
        String::new()
    } else {
        format!(":{}", check.resource)
    };
    let id = format!(
        "ccc:{}:{}:{}:{}{resource_part}",
        check.account_id, check.rule_id, check.service, check.region
    );
    let mut item = json!({
        "id": id,
        "accountId": check.account_id,
        "ruleTitle": info.map_or(check.rule_id.as_str(), |r| r.1.as_str()),
        "status": check.status,
        "riskLevel": check.risk_level,
        "region": check.region,
        "service": check.service,
        "categories": info.map(|r| r.2.clone()).unwrap_or_default(),
        "tags": check.tags,
        "description": description(check),
        "resolutionReferenceLink": crate::conformity::knowledge_base_url(check),
        "suppressed": check.suppressed,
        "excluded": check.excluded,
        "notScored": check.not_scored,
        "provider": "aws",
        "createdDateTime": CREATED,
        "updatedDateTime": CREATED,
        "statusUpdatedDateTime": CREATED,
    });
    match style {
        FieldStyle::Documented => {
            item["ruleId"] = check.rule_id.clone().into();
            item["resource"] = check.resource.clone().into();
            item["compliances"] = json!(["AWAF"]);
        }
        FieldStyle::Variant => {
            item["resourceId"] = check.resource.clone().into();
            item["complianceStandards"] = json!(["AWAF"]);
        }
    }
    item
}

// ---- TMV1-Filter ------------------------------------------------------------------------------

/// A parsed filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Eq(String, String),
    Contains(String, String),
    TagEq(String),
    TagContains(String),
    Not(Box<Expr>),
    Or(Vec<Expr>),
    And(Vec<Expr>),
}

impl Expr {
    fn eval(&self, record: &dyn Record) -> bool {
        match self {
            Expr::Eq(field, value) => record.field(field).is_some_and(|v| *v == **value),
            Expr::Contains(field, value) => record
                .field(field)
                .is_some_and(|v| v.contains(value.as_str())),
            Expr::TagEq(value) => record.tags().iter().any(|t| t == value),
            Expr::TagContains(value) => record.tags().iter().any(|t| t.contains(value.as_str())),
            Expr::Not(inner) => !inner.eval(record),
            Expr::Or(parts) => parts.iter().any(|p| p.eval(record)),
            Expr::And(parts) => parts.iter().all(|p| p.eval(record)),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Open,
    Close,
    Comma,
    Colon,
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | ',' | ':' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    ',' => Token::Comma,
                    _ => Token::Colon,
                });
            }
            '\'' => {
                chars.next();
                let mut value = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            value.push('\'');
                        }
                        Some('\'') => break,
                        Some(c) => value.push(c),
                        None => return Err("unterminated string".into()),
                    }
                }
                tokens.push(Token::Text(value));
            }
            c if c.is_alphanumeric() || c == '/' || c == '_' || c == '.' => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_alphanumeric() || c == '/' || c == '_' || c == '.' {
                        word.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(Token::Word(word));
            }
            other => return Err(format!("unexpected character {other:?}")),
        }
    }
    Ok(tokens)
}

struct Parser<'f> {
    tokens: Vec<Token>,
    at: usize,
    fields: &'f [&'f str],
}

/// Parses `text`, allowing only `fields`. Follows the documented rules: `or` only inside
/// parentheses, and `and` never inside them.
pub fn parse(text: &str, fields: &[&str]) -> Result<Expr, String> {
    let mut parser = Parser {
        tokens: tokenize(text)?,
        at: 0,
        fields,
    };
    let mut parts = vec![parser.unit()?];
    while let Some(token) = parser.peek() {
        match token {
            Token::Word(w) if w == "and" => {
                parser.at += 1;
                parts.push(parser.unit()?);
            }
            Token::Word(w) if w == "or" => {
                return Err("the or operator is only supported inside parentheses".into())
            }
            other => return Err(format!("unexpected {other:?}")),
        }
    }
    Ok(if parts.len() == 1 {
        parts.remove(0)
    } else {
        Expr::And(parts)
    })
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Result<Token, String> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token.ok_or_else(|| "unexpected end of the filter".to_string())
    }

    fn expect(&mut self, wanted: &Token) -> Result<(), String> {
        match self.next()? {
            ref t if t == wanted => Ok(()),
            other => Err(format!("expected {wanted:?}, found {other:?}")),
        }
    }

    fn word(&mut self) -> Result<String, String> {
        match self.next()? {
            Token::Word(w) => Ok(w),
            other => Err(format!("expected a name, found {other:?}")),
        }
    }

    fn text(&mut self) -> Result<String, String> {
        match self.next()? {
            Token::Text(t) => Ok(t),
            other => Err(format!("expected a quoted value, found {other:?}")),
        }
    }

    fn field(&self, name: &str) -> Result<(), String> {
        if self.fields.contains(&name) {
            Ok(())
        } else {
            Err(format!("unsupported field {name:?}"))
        }
    }

    fn unit(&mut self) -> Result<Expr, String> {
        match self.peek() {
            Some(Token::Open) => {
                self.at += 1;
                let mut parts = vec![self.unit()?];
                loop {
                    match self.next()? {
                        Token::Close => break,
                        Token::Word(w) if w == "or" => parts.push(self.unit()?),
                        Token::Word(w) if w == "and" => {
                            return Err(
                                "The and operator is not supported inside parentheses.".into()
                            )
                        }
                        other => return Err(format!("unexpected {other:?}")),
                    }
                }
                Ok(if parts.len() == 1 {
                    parts.remove(0)
                } else {
                    Expr::Or(parts)
                })
            }
            Some(Token::Word(w)) if w == "not" => {
                self.at += 1;
                Ok(Expr::Not(Box::new(self.unit()?)))
            }
            _ => self.atom(),
        }
    }

    fn atom(&mut self) -> Result<Expr, String> {
        let word = self.word()?;
        match word.as_str() {
            "tags/any" => {
                self.field("tags")?;
                self.expect(&Token::Open)?;
                let var = self.word()?;
                self.expect(&Token::Colon)?;
                let expr = match self.word()? {
                    w if w == var => {
                        self.expect(&Token::Word("eq".into()))?;
                        Expr::TagEq(self.text()?)
                    }
                    w if w == "contains" => {
                        self.expect(&Token::Open)?;
                        if self.word()? != var {
                            return Err("contains() must test the lambda variable".into());
                        }
                        self.expect(&Token::Comma)?;
                        let value = self.text()?;
                        self.expect(&Token::Close)?;
                        Expr::TagContains(value)
                    }
                    other => return Err(format!("unexpected {other:?} in tags/any")),
                };
                self.expect(&Token::Close)?;
                Ok(expr)
            }
            "contains" => {
                self.expect(&Token::Open)?;
                let field = self.word()?;
                self.field(&field)?;
                self.expect(&Token::Comma)?;
                let value = self.text()?;
                self.expect(&Token::Close)?;
                Ok(Expr::Contains(field, value))
            }
            field => {
                self.field(field)?;
                self.expect(&Token::Word("eq".into()))?;
                let value = self.text()?;
                let allowed: &[&str] = match field {
                    "status" => &["SUCCESS", "FAILURE"],
                    "riskLevel" => &["LOW", "MEDIUM", "HIGH", "VERY_HIGH", "EXTREME"],
                    "suppressed" | "isCustomized" => &["true", "false"],
                    _ => &[],
                };
                if !allowed.is_empty() && !allowed.contains(&value.as_str()) {
                    return Err(format!("invalid value {value:?} for {field}"));
                }
                Ok(Expr::Eq(field.to_string(), value))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_as_documented() {
        let expr = parse(
            "accountId eq 'a' and (tags/any(tag: tag eq 'Env::it''s') or tags/any(tag: contains(tag, 'x'))) and not status eq 'SUCCESS'",
            &CHECK_FIELDS,
        )
        .unwrap();
        assert_eq!(
            expr,
            Expr::And(vec![
                Expr::Eq("accountId".into(), "a".into()),
                Expr::Or(vec![
                    Expr::TagEq("Env::it's".into()),
                    Expr::TagContains("x".into())
                ]),
                Expr::Not(Box::new(Expr::Eq("status".into(), "SUCCESS".into()))),
            ])
        );
        for (bad, why) in [
            (
                "(status eq 'SUCCESS' and region eq 'x')",
                "inside parentheses",
            ),
            (
                "status eq 'SUCCESS' or region eq 'x'",
                "only supported inside",
            ),
            ("riskLevels eq 'HIGH'", "unsupported field"),
            ("riskLevel eq 'SEVERE'", "invalid value"),
            ("region eq 'x", "unterminated"),
        ] {
            let err = parse(bad, &CHECK_FIELDS).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
