//! Fake AWS Well-Architected Tool (service `wellarchitected`, API 2020-03-31, restJson1).
//!
//! No emulator covers this service (moto and LocalStack lack it), so tests point the real
//! `aws-sdk-wellarchitected` client here (`AWS_ENDPOINT_URL_WELLARCHITECTED`). Responses use the
//! wire shapes that SDK deserialises: the model's JSON member names, epoch-second timestamps, and
//! errors as HTTP status + `X-Amzn-ErrorType` header + `{"Message": …}` body.
//!
//! It is strict wherever a client bug could otherwise go unnoticed: `SelectedChoices`, when sent,
//! replaces the selection (so `[]` visibly wipes it); `Notes` over 2084 UTF-16 code units is
//! refused; workloads are regional (the SigV4 credential-scope region must match); unsigned
//! requests are refused; paging tokens are opaque and bound to their listing; a read with
//! `MilestoneNumber` answers from that milestone's copy of the workload, as it was when saved.
//!
//! By concern: this file holds the state, routing and the workload and answer operations;
//! [`milestones`] CreateMilestone, ListMilestones and GetMilestone; [`lens_reviews`]
//! GetLensReview and UpdateLensReview (the pillar notes).

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::server::{lock, Served, SharedState};

mod lens_reviews;
mod milestones;

pub use lens_reviews::{pillar_name, LensReviewUpdate};
pub use milestones::{Milestone, MILESTONES_MAX, MILESTONE_NAME_LEN};

const LENS_TSV: &str = include_str!("../../../../src-tauri/engine/data/lens-wellarchitected.tsv");
/// Alias of the AWS Well-Architected Framework lens.
pub const STANDARD_LENS_ALIAS: &str = "wellarchitected";
/// Model limit of answer `Notes`, counted here in UTF-16 code units (the stricter reading).
pub const NOTES_MAX_LEN: usize = 2084;
/// Largest `MaxResults` of these list operations, also used as their default page size.
pub(crate) const MAX_PAGE: i64 = 50;
/// Fixed `UpdatedAt` (2026-01-01T00:00:00Z) so responses are reproducible.
pub(crate) const UPDATED_AT: i64 = 1_767_225_600;

/// Everything the fake serves; tests build it, then read or change it through the fake.
#[derive(Clone, Debug, Default)]
pub struct WaState {
    pub workloads: Vec<Workload>,
    /// Share (0–100) of requests answered `429 ThrottlingException`, drawn from a fixed-seed
    /// generator so runs are reproducible.
    pub throttle_percent: u8,
    /// `UpdateAnswer` on these question IDs answers `409 ConflictException`.
    pub conflict_questions: Vec<String>,
    /// Access key IDs refused with `403 AccessDeniedException` on every call.
    pub access_denied_keys: Vec<String>,
    /// If set, any access key ID not listed gets `403 AccessDeniedException`.
    pub allowed_keys: Option<Vec<String>>,
    /// Someone editing a note in the console while a client works: right after answering the
    /// `nth` GetAnswer (1-based) of `question_id`, its notes become `notes`.
    pub edits_after_get: Vec<EditAfterGet>,
    /// Each `UpdateAnswer` is answered this long after it was applied (a slow service), so a
    /// test can act in the middle of a run of writes.
    pub update_delay: Option<std::time::Duration>,
    /// `UpdateAnswer` on these question IDs answers `400 ValidationException`.
    pub invalid_questions: Vec<String>,
    /// Operations (`CreateMilestone`, …) refused with `403 AccessDeniedException` for every key,
    /// as for a role whose policy lacks them.
    pub denied_operations: Vec<String>,
    /// The milestones saved so far, of every workload, in the order they were saved.
    pub milestones: Vec<Milestone>,
    /// As `edits_after_get`, for pillar notes: right after answering the `nth` GetLensReview
    /// (1-based), pillar `question_id`'s notes become `notes`.
    pub pillar_edits_after_get: Vec<EditAfterGet>,
}

/// See [`WaState::edits_after_get`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditAfterGet {
    pub question_id: String,
    pub nth: usize,
    pub notes: String,
}

/// A workload in one account and Region.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Workload {
    /// 32 lowercase hex digits, as AWS requires.
    pub id: String,
    pub name: String,
    pub account_id: String,
    pub region: String,
    pub lenses: Vec<LensReview>,
}

impl Workload {
    /// A workload reviewed with the standard lens, all 57 questions unanswered.
    pub fn standard(id: &str, name: &str, account_id: &str, region: &str) -> Self {
        Workload {
            id: id.into(),
            name: name.into(),
            account_id: account_id.into(),
            region: region.into(),
            lenses: vec![LensReview::standard()],
        }
    }

    /// `arn:aws:wellarchitected:REGION:ACCOUNT:workload/ID`
    pub fn arn(&self) -> String {
        let (region, account) = (&self.region, &self.account_id);
        format!(
            "arn:aws:wellarchitected:{region}:{account}:workload/{}",
            self.id
        )
    }

    /// A question's answer in the standard lens.
    pub fn answer(&self, question_id: &str) -> Option<&Answer> {
        let lens = self
            .lenses
            .iter()
            .find(|l| l.alias == STANDARD_LENS_ALIAS)?;
        lens.answers.iter().find(|a| a.question_id == question_id)
    }
}

/// One lens applied to a workload, with its answers in lens order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LensReview {
    pub alias: String,
    pub version: String,
    pub answers: Vec<Answer>,
    /// Pillar ID → the pillar's notes in this lens review (absent: never set).
    pub pillar_notes: BTreeMap<String, String>,
}

impl LensReview {
    /// The `wellarchitected` lens at the version named in the lens TSV.
    pub fn standard() -> Self {
        let (alias, version) = (STANDARD_LENS_ALIAS.into(), standard_lens_version());
        LensReview {
            alias,
            version,
            answers: standard_lens_answers(),
            pillar_notes: BTreeMap::new(),
        }
    }
}

/// One question's answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub question_id: String,
    pub pillar_id: String,
    pub title: String,
    /// `None` = never set: `Notes` is then omitted from the JSON, as AWS does.
    pub notes: Option<String>,
    pub selected_choices: Vec<String>,
    /// Choice IDs the question offers (titles are derived from them).
    pub choices: Vec<String>,
}

/// One HTTP request the fake received, with the status it answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaRequest {
    pub method: String,
    /// Raw (still percent-encoded) path.
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    pub body: String,
    /// From `Authorization: AWS4-HMAC-SHA256 Credential=AKID/…` (signatures are not verified).
    pub access_key_id: Option<String>,
    /// Region of the SigV4 credential scope.
    pub region: Option<String>,
    /// Operation (`UpdateAnswer`, …), or `Unknown` for an unmatched route.
    pub operation: String,
    pub status: u16,
}

/// An accepted `UpdateAnswer`: which members the client actually sent (`None` = omitted), so a
/// test can prove that a notes-only writer never touched the choices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AnswerUpdate {
    #[serde(skip)]
    pub workload_id: String,
    #[serde(skip)]
    pub question_id: String,
    #[serde(skip)]
    pub access_key_id: Option<String>,
    pub notes: Option<String>,
    pub selected_choices: Option<Vec<String>>,
    pub choice_updates: Option<BTreeMap<String, ChoiceUpdate>>,
    pub is_applicable: Option<bool>,
    pub reason: Option<String>,
}

/// A `ChoiceUpdates` entry; `Status` is `SELECTED`, `NOT_APPLICABLE` or `UNSELECTED`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChoiceUpdate {
    pub status: String,
}

/// The 57 questions of the current `wellarchitected` lens, from the engine's lens TSV, each with
/// three fake choice IDs (`<pillar prefix>_<question id>_bpN`) and no notes.
pub fn standard_lens_answers() -> Vec<Answer> {
    let rows = LENS_TSV
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    rows.map(|line| {
        let cols: Vec<&str> = line.split('\t').collect();
        let (pillar, question) = (cols[1], cols[2]);
        let prefix = match pillar {
            "operationalExcellence" => "ops",
            "security" => "sec",
            "reliability" => "rel",
            "performance" => "perf",
            "costOptimization" => "cost",
            _ => "sus",
        };
        let stem = format!("{prefix}_{}", question.replace('-', "_"));
        Answer {
            question_id: question.into(),
            pillar_id: pillar.into(),
            title: cols[3].into(),
            notes: None,
            selected_choices: Vec::new(),
            choices: (1..=3).map(|n| format!("{stem}_bp{n}")).collect(),
        }
    })
    .collect()
}

/// The `# lens_version:` recorded in the lens TSV.
pub fn standard_lens_version() -> String {
    let version = LENS_TSV
        .lines()
        .find_map(|l| l.strip_prefix("# lens_version:"));
    version.unwrap_or("unknown").trim().to_string()
}

/// A running fake; the server stops when this is dropped.
pub struct FakeWellArchitected {
    served: Served<Inner>,
}

impl FakeWellArchitected {
    /// Serves `state` on 127.0.0.1 on a free port.
    pub async fn start(state: WaState) -> Self {
        let inner = Inner {
            state,
            rng: 0x9E37_79B9_7F4A_7C15,
            ..Inner::default()
        };
        FakeWellArchitected {
            served: Served::start(inner, handle).await,
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.served.addr())
    }

    pub fn requests(&self) -> Vec<WaRequest> {
        self.served.lock().requests.clone()
    }

    /// Accepted `UpdateAnswer` calls, in order.
    pub fn answer_updates(&self) -> Vec<AnswerUpdate> {
        self.served.lock().updates.clone()
    }

    /// Accepted `UpdateLensReview` calls, in order.
    pub fn lens_review_updates(&self) -> Vec<LensReviewUpdate> {
        self.served.lock().lens_review_updates.clone()
    }

    /// The operations of the requests answered so far, in order (`CreateMilestone`, …).
    pub fn operations(&self) -> Vec<String> {
        let requests = &self.served.lock().requests;
        requests.iter().map(|r| r.operation.clone()).collect()
    }

    /// A snapshot of the current state.
    pub fn state(&self) -> WaState {
        self.served.lock().state.clone()
    }

    pub fn with_state<R>(&self, f: impl FnOnce(&mut WaState) -> R) -> R {
        f(&mut self.served.lock().state)
    }

    /// Sets transport faults (e.g. a delay on every request).
    pub fn set_faults(&self, f: impl FnOnce(&mut crate::server::TransportFaults)) {
        self.served.set_faults(f);
    }
}

/// The SigV4 credential scope of a request: access key ID and, if present, region.
pub(crate) fn credential_scope(headers: &HeaderMap) -> Option<(String, Option<String>)> {
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let credential = auth.split_once("Credential=")?.1.split([',', ' ']).next()?;
    let mut parts = credential.split('/');
    let key = parts.next().filter(|k| !k.is_empty())?.to_string();
    Some((key, parts.nth(1).map(str::to_string)))
}

/// Percent-decodes one URI component (`+` is a space only in form and query encoding).
pub(crate) fn percent_decode(s: &str, plus_as_space: bool) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let (bytes, mut out, mut i) = (s.as_bytes(), Vec::new(), 0);
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', h, l]) => hex(*h).zip(hex(*l)).map(|(h, l)| (h * 16 + l) as u8),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 2;
            }
            (None, b'+') if plus_as_space => out.push(b' '),
            (None, b) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes `application/x-www-form-urlencoded` pairs (also query strings).
pub(crate) fn parse_urlencoded(s: &str) -> Vec<(String, String)> {
    let pairs = s.split('&').filter(|p| !p.is_empty());
    pairs
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .map(|(k, v)| (percent_decode(k, true), percent_decode(v, true)))
        .collect()
}

/// FNV-1a, for stable fake identifiers and paging tokens.
pub(crate) fn fnv1a(s: &str) -> u64 {
    let step = |h: u64, b: u8| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    s.bytes().fold(0xcbf2_9ce4_8422_2325, step)
}

/// A modelled WA error: status, `X-Amzn-ErrorType` code and JSON body members.
#[derive(Debug)]
pub(crate) struct WaError {
    status: StatusCode,
    code: &'static str,
    body: Map<String, Value>,
}

impl WaError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        let body = Map::from_iter([("Message".to_string(), Value::String(message.into()))]);
        WaError { status, code, body }
    }

    pub(crate) fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.body.insert(key.into(), value.into());
        self
    }

    /// `ValidationException`; naming the field adds `Reason` and `Fields[{Name, Message}]`.
    pub(crate) fn invalid(field: Option<&str>, message: impl Into<String>) -> Self {
        let message = message.into();
        let err = WaError::new(StatusCode::BAD_REQUEST, "ValidationException", &message);
        match field {
            None => err.with("Reason", "CANNOT_PARSE"),
            Some(name) => err
                .with("Reason", "FIELD_VALIDATION_FAILED")
                .with("Fields", json!([{ "Name": name, "Message": message }])),
        }
    }

    pub(crate) fn not_found(kind: &str, id: &str, message: impl Into<String>) -> Self {
        WaError::new(StatusCode::NOT_FOUND, "ResourceNotFoundException", message)
            .with("ResourceId", id)
            .with("ResourceType", kind)
    }
}

/// Matches a request to an operation and its decoded path labels (workload, lens, question).
fn route(method: &Method, path: &str) -> Option<(&'static str, Vec<String>)> {
    let segs: Vec<String> = path
        .split('/')
        .skip(1)
        .map(|s| percent_decode(s, false))
        .collect();
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let op = match (method.as_str(), s.as_slice()) {
        ("GET", ["workloads", _]) => "GetWorkload",
        ("GET", ["workloads", _, "lensReviews"]) => "ListLensReviews",
        ("GET", ["workloads", _, "lensReviews", _]) => "GetLensReview",
        ("PATCH", ["workloads", _, "lensReviews", _]) => "UpdateLensReview",
        ("POST", ["workloads", _, "milestones"]) => "CreateMilestone",
        ("POST", ["workloads", _, "milestonesSummaries"]) => "ListMilestones",
        ("GET", ["workloads", _, "milestones", _]) => "GetMilestone",
        ("GET", ["workloads", _, "lensReviews", _, "answers"]) => "ListAnswers",
        ("GET", ["workloads", _, "lensReviews", _, "answers", _]) => "GetAnswer",
        ("PATCH", ["workloads", _, "lensReviews", _, "answers", _]) => "UpdateAnswer",
        ("POST", ["workloadsSummaries"]) => "ListWorkloads",
        _ => return None,
    };
    Some((op, segs.into_iter().skip(1).step_by(2).collect()))
}

/// What handlers need to know about a request.
pub(crate) struct Call<'a> {
    query: &'a [(String, String)],
    body: &'a str,
    key: &'a str,
    region: Option<&'a str>,
}

impl Call<'_> {
    fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `MaxResults` from the query string.
    fn max_results(&self) -> Result<Option<i64>, WaError> {
        let parse = |v: &str| {
            v.parse()
                .map_err(|_| WaError::invalid(Some("MaxResults"), v))
        };
        self.query("MaxResults").map(parse).transpose()
    }

    /// The body as JSON of type `T` (an empty body counts as `{}`).
    fn json<T: for<'de> Deserialize<'de>>(&self) -> Result<T, WaError> {
        let body = if self.body.trim().is_empty() {
            "{}"
        } else {
            self.body
        };
        serde_json::from_str(body).map_err(|e| WaError::invalid(None, format!("Bad body: {e}")))
    }
}

/// One page of `items`. A token is the listing's hash plus an offset: opaque to clients, and
/// refused when replayed against another listing (workload, lens, filter or Region).
pub(crate) fn page<T: Clone>(
    items: &[T],
    max_results: Option<i64>,
    token: Option<&str>,
    listing: &str,
) -> Result<(Vec<T>, Option<String>), WaError> {
    let size = max_results.unwrap_or(MAX_PAGE);
    if !(1..=MAX_PAGE).contains(&size) {
        let message = format!("MaxResults {size} must be between 1 and {MAX_PAGE}");
        return Err(WaError::invalid(Some("MaxResults"), message));
    }
    let hash = format!("{:016x}", fnv1a(listing));
    let start = match token {
        None => 0,
        Some(t) => t
            .strip_prefix(hash.as_str())
            .and_then(|offset| usize::from_str_radix(offset, 16).ok())
            .filter(|&offset| offset < items.len())
            .ok_or_else(|| WaError::invalid(Some("NextToken"), format!("Invalid NextToken {t}")))?,
    };
    let end = (start + size as usize).min(items.len());
    let next = (end < items.len()).then(|| format!("{hash}{end:08x}"));
    Ok((items[start..end].to_vec(), next))
}

async fn handle(
    State(inner): State<SharedState<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query = uri.query().map(parse_urlencoded).unwrap_or_default();
    let body = String::from_utf8_lossy(&body).into_owned();
    let (key, region) = credential_scope(&headers).unzip();
    let region = region.flatten();
    let matched = route(&method, uri.path());
    let update = matches!(&matched, Some((op, _)) if *op == "UpdateAnswer");
    let response = answer(&inner, method, uri, query, body, key, region, matched);
    let delay = lock(&inner).state.update_delay.filter(|_| update);
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    response
}

/// Handles one request under the state's lock and records it.
#[allow(clippy::too_many_arguments)]
fn answer(
    inner: &SharedState<Inner>,
    method: Method,
    uri: Uri,
    query: Vec<(String, String)>,
    body: String,
    key: Option<String>,
    region: Option<String>,
    matched: Option<(&'static str, Vec<String>)>,
) -> Response {
    let mut inner = lock(inner);
    let result = match (&matched, &key) {
        (None, _) => Err(WaError::new(
            StatusCode::NOT_FOUND,
            "UnknownOperationException",
            format!("No operation matches {method} {}", uri.path()),
        )),
        (Some(_), None) => Err(WaError::new(
            StatusCode::FORBIDDEN,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        )),
        (Some((op, labels)), Some(key)) => {
            let region = region.as_deref();
            let call = Call {
                query: &query,
                body: &body,
                key,
                region,
            };
            inner.dispatch(op, labels, &call)
        }
    };
    let (status, error_type, json) = match result {
        Ok(json) => (StatusCode::OK, None, json),
        Err(e) => (e.status, Some(e.code), Value::Object(e.body)),
    };
    let request_id = format!("00000000-0000-4000-8000-{:012x}", inner.requests.len() + 1);
    inner.requests.push(WaRequest {
        method: method.to_string(),
        path: uri.path().to_string(),
        query,
        body,
        access_key_id: key,
        region,
        operation: matched.map_or("Unknown", |(op, _)| op).to_string(),
        status: status.as_u16(),
    });
    let mut response = (status, json.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        "x-amzn-requestid",
        HeaderValue::from_str(&request_id).expect("ASCII"),
    );
    if let Some(code) = error_type {
        headers.insert("x-amzn-errortype", HeaderValue::from_static(code));
    }
    response
}

#[derive(Default)]
pub(crate) struct Inner {
    state: WaState,
    requests: Vec<WaRequest>,
    updates: Vec<AnswerUpdate>,
    lens_review_updates: Vec<LensReviewUpdate>,
    rng: u64,
    /// GetAnswer calls answered, per question ID.
    gets: HashMap<String, usize>,
    /// GetLensReview calls answered.
    lens_review_gets: usize,
}

impl Inner {
    fn dispatch(&mut self, op: &str, labels: &[String], call: &Call) -> Result<Value, WaError> {
        let (key, state) = (call.key, &self.state);
        let denied = state.access_denied_keys.iter().any(|k| k == key)
            || (state.allowed_keys.as_ref()).is_some_and(|keys| !keys.iter().any(|k| k == key))
            || state.denied_operations.iter().any(|o| o == op);
        if denied {
            let workload = labels
                .first()
                .and_then(|id| state.workloads.iter().find(|w| w.id == *id));
            let resource = workload.map_or_else(|| "*".to_string(), Workload::arn);
            let message = format!(
                "User: {key} is not authorized to perform: wellarchitected:{op} on resource: {resource}"
            );
            return Err(WaError::new(
                StatusCode::FORBIDDEN,
                "AccessDeniedException",
                message,
            ));
        }
        if self.throttled() {
            return Err(WaError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "ThrottlingException",
                "Rate exceeded",
            )
            .with("ServiceCode", "wellarchitected"));
        }
        if let Some(n) = call.query("MilestoneNumber") {
            return self.at_milestone(op, labels, n, call);
        }
        self.operation(op, labels, call)
    }

    fn operation(&mut self, op: &str, labels: &[String], call: &Call) -> Result<Value, WaError> {
        match (op, labels) {
            ("GetWorkload", [w]) => {
                Ok(json!({ "Workload": workload_json(self.workload(w, call)?) }))
            }
            ("ListLensReviews", [w]) => self.list_lens_reviews(w, call),
            ("ListAnswers", [w, lens]) => self.list_answers(w, lens, call),
            ("GetAnswer", [w, lens_alias, q]) => {
                let (workload, lens) = self.lens(w, lens_alias, call)?;
                let response = answer_response(workload, lens, find_answer(lens, q)?);
                self.edit_after_get(w, lens_alias, q, call)?;
                Ok(response)
            }
            ("UpdateAnswer", [w, lens, q]) => self.update_answer(w, lens, q, call),
            ("GetLensReview", [w, lens]) => self.get_lens_review(w, lens, call),
            ("UpdateLensReview", [w, lens]) => self.update_lens_review(w, lens, call),
            ("CreateMilestone", [w]) => self.create_milestone(w, call),
            ("ListMilestones", [w]) => self.list_milestones(w, call),
            ("GetMilestone", [w, n]) => self.get_milestone(w, n, call),
            _ => self.list_workloads(call),
        }
    }

    /// Applies the edit planned for this GetAnswer of `q`, if any.
    fn edit_after_get(
        &mut self,
        id: &str,
        alias: &str,
        q: &str,
        call: &Call,
    ) -> Result<(), WaError> {
        let n = self.gets.entry(q.to_string()).or_default();
        *n += 1;
        let n = *n;
        let edit = self
            .state
            .edits_after_get
            .iter()
            .find(|e| e.question_id == q && e.nth == n)
            .map(|e| e.notes.clone());
        if let Some(notes) = edit {
            let (w, l) = self.lens_index(id, alias, call)?;
            let lens = &mut self.state.workloads[w].lenses[l];
            if let Some(answer) = lens.answers.iter_mut().find(|a| a.question_id == q) {
                answer.notes = Some(notes);
            }
        }
        Ok(())
    }

    /// An xorshift64 draw against `throttle_percent`.
    fn throttled(&mut self) -> bool {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng % 100 < u64::from(self.state.throttle_percent)
    }

    /// Index of the workload, if it exists in the Region the request was signed for.
    pub(crate) fn workload_index(&self, id: &str, call: &Call) -> Result<usize, WaError> {
        if id.len() != 32 || !id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            let message = format!("WorkloadId '{id}' must match [0-9a-f]{{32}}");
            return Err(WaError::invalid(Some("WorkloadId"), message));
        }
        let visible = |w: &Workload| w.id == id && call.region.is_none_or(|r| r == w.region);
        let region = call.region.unwrap_or("?");
        let missing = format!("Workload {id} not found in region {region}");
        (self.state.workloads.iter().position(visible))
            .ok_or_else(|| WaError::not_found("WORKLOAD", id, missing))
    }

    pub(crate) fn workload(&self, id: &str, call: &Call) -> Result<&Workload, WaError> {
        Ok(&self.state.workloads[self.workload_index(id, call)?])
    }

    /// Indexes of the workload and of one of its lens reviews, by alias or lens ARN.
    pub(crate) fn lens_index(
        &self,
        id: &str,
        alias: &str,
        call: &Call,
    ) -> Result<(usize, usize), WaError> {
        let w = self.workload_index(id, call)?;
        let workload = &self.state.workloads[w];
        let matches =
            |l: &LensReview| l.alias == alias || lens_arn(&workload.region, &l.alias) == alias;
        let missing = format!("Lens {alias} is not applied to workload {id}");
        let l = workload.lenses.iter().position(matches);
        Ok((
            w,
            l.ok_or_else(|| WaError::not_found("LENS", alias, missing))?,
        ))
    }

    pub(crate) fn lens(
        &self,
        id: &str,
        alias: &str,
        call: &Call,
    ) -> Result<(&Workload, &LensReview), WaError> {
        let (w, l) = self.lens_index(id, alias, call)?;
        let workload = &self.state.workloads[w];
        Ok((workload, &workload.lenses[l]))
    }

    fn list_lens_reviews(&self, id: &str, call: &Call) -> Result<Value, WaError> {
        let w = self.workload(id, call)?;
        let listing = format!("lensReviews|{id}");
        let (lenses, next) = page(
            &w.lenses,
            call.max_results()?,
            call.query("NextToken"),
            &listing,
        )?;
        let summaries: Vec<Value> = lenses.iter().map(|l| lens_json(&w.region, l)).collect();
        Ok(with_next(
            json!({ "WorkloadId": id, "LensReviewSummaries": summaries }),
            next,
        ))
    }

    fn list_answers(&self, id: &str, alias: &str, call: &Call) -> Result<Value, WaError> {
        let (w, lens) = self.lens(id, alias, call)?;
        let pillar = call.query("PillarId");
        if let Some(p) = pillar.filter(|p| !lens.answers.iter().any(|a| a.pillar_id == *p)) {
            let message = format!("Pillar {p} is not in lens {}", lens.alias);
            return Err(WaError::invalid(Some("PillarId"), message));
        }
        let answers: Vec<&Answer> = lens
            .answers
            .iter()
            .filter(|a| pillar.is_none_or(|p| a.pillar_id == p))
            .collect();
        let listing = format!("answers|{id}|{}|{}", lens.alias, pillar.unwrap_or(""));
        let (answers, next) = page(
            &answers,
            call.max_results()?,
            call.query("NextToken"),
            &listing,
        )?;
        let summaries: Vec<Value> = answers.into_iter().map(answer_json).collect();
        let arn = lens_arn(&w.region, &lens.alias);
        let body = json!({ "WorkloadId": id, "LensAlias": lens.alias, "LensArn": arn,
                           "AnswerSummaries": summaries });
        Ok(with_next(body, next))
    }

    fn update_answer(
        &mut self,
        id: &str,
        alias: &str,
        q: &str,
        call: &Call,
    ) -> Result<Value, WaError> {
        let (w, l) = self.lens_index(id, alias, call)?;
        let update = AnswerUpdate {
            workload_id: id.into(),
            question_id: q.into(),
            access_key_id: Some(call.key.into()),
            ..call.json()?
        };
        let answer = find_answer(&self.state.workloads[w].lenses[l], q)?;
        validate_update(&update, answer)?;
        if self.state.invalid_questions.iter().any(|c| c == q) {
            return Err(WaError::invalid(
                Some("Notes"),
                format!("The notes of {q} failed to satisfy a constraint"),
            ));
        }
        if self.state.conflict_questions.iter().any(|c| c == q) {
            let message = format!("The answer to {q} was changed by another request");
            return Err(
                WaError::new(StatusCode::CONFLICT, "ConflictException", message)
                    .with("ResourceId", q)
                    .with("ResourceType", "ANSWER"),
            );
        }
        let lens = &mut self.state.workloads[w].lenses[l];
        let answer = lens
            .answers
            .iter_mut()
            .find(|a| a.question_id == q)
            .expect("found above");
        if let Some(notes) = &update.notes {
            answer.notes = Some(notes.clone());
        }
        if let Some(selected) = &update.selected_choices {
            answer.selected_choices = selected.clone();
        }
        for (choice, change) in update.choice_updates.iter().flatten() {
            answer.selected_choices.retain(|c| c != choice);
            if change.status == "SELECTED" {
                answer.selected_choices.push(choice.clone());
            }
        }
        let choices = &answer.choices;
        answer
            .selected_choices
            .sort_by_key(|c| choices.iter().position(|x| x == c));
        answer.selected_choices.dedup();
        self.updates.push(update);
        let workload = &self.state.workloads[w];
        let lens = &workload.lenses[l];
        Ok(answer_response(workload, lens, find_answer(lens, q)?))
    }

    fn list_workloads(&self, call: &Call) -> Result<Value, WaError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Input {
            workload_name_prefix: Option<String>,
            max_results: Option<i64>,
            next_token: Option<String>,
        }
        let input: Input = call.json()?;
        let prefix = input.workload_name_prefix.unwrap_or_default();
        let visible = |w: &&Workload| call.region.is_none_or(|r| r == w.region);
        let workloads: Vec<&Workload> = self
            .state
            .workloads
            .iter()
            .filter(visible)
            .filter(|w| w.name.starts_with(&prefix))
            .collect();
        let listing = format!("workloads|{}|{prefix}", call.region.unwrap_or(""));
        let token = input.next_token.as_deref();
        let (workloads, next) = page(&workloads, input.max_results, token, &listing)?;
        let summaries: Vec<Value> = workloads.into_iter().map(workload_summary).collect();
        Ok(with_next(json!({ "WorkloadSummaries": summaries }), next))
    }
}

/// Checks an `UpdateAnswer` body against the model and the question's choices.
fn validate_update(update: &AnswerUpdate, answer: &Answer) -> Result<(), WaError> {
    let units = update
        .notes
        .as_deref()
        .map_or(0, |n| n.encode_utf16().count());
    if units > NOTES_MAX_LEN {
        let message = format!("Notes must have length <= {NOTES_MAX_LEN} (was {units})");
        return Err(WaError::invalid(Some("Notes"), message));
    }
    let unknown = |id: &&String| !answer.choices.contains(id);
    let selected = update.selected_choices.iter().flatten();
    if let Some(id) = selected
        .chain(update.choice_updates.iter().flat_map(|c| c.keys()))
        .find(unknown)
    {
        let message = format!("{id} is not a choice of question {}", answer.question_id);
        return Err(WaError::invalid(Some("ChoiceId"), message));
    }
    let statuses = ["SELECTED", "NOT_APPLICABLE", "UNSELECTED"];
    if let Some(c) = update
        .choice_updates
        .iter()
        .flat_map(|c| c.values())
        .find(|c| !statuses.contains(&c.status.as_str()))
    {
        return Err(WaError::invalid(
            Some("Status"),
            format!("Invalid Status {}", c.status),
        ));
    }
    let reasons = [
        "OUT_OF_SCOPE",
        "BUSINESS_PRIORITIES",
        "ARCHITECTURE_CONSTRAINTS",
        "OTHER",
        "NONE",
    ];
    match update.reason.as_deref().filter(|r| !reasons.contains(r)) {
        Some(r) => Err(WaError::invalid(
            Some("Reason"),
            format!("Invalid Reason {r}"),
        )),
        None => Ok(()),
    }
}

fn find_answer<'a>(lens: &'a LensReview, q: &str) -> Result<&'a Answer, WaError> {
    let missing = || WaError::not_found("QUESTION", q, format!("Question {q} not found"));
    lens.answers
        .iter()
        .find(|a| a.question_id == q)
        .ok_or_else(missing)
}

pub(crate) fn lens_arn(region: &str, alias: &str) -> String {
    format!("arn:aws:wellarchitected:{region}::lens/{alias}")
}

/// `LensReviewSummary` members.
fn lens_json(region: &str, l: &LensReview) -> Value {
    let standard = l.alias == STANDARD_LENS_ALIAS;
    let name = if standard {
        "AWS Well-Architected Framework"
    } else {
        l.alias.as_str()
    };
    json!({ "LensAlias": l.alias, "LensArn": lens_arn(region, &l.alias), "LensVersion": l.version,
            "LensName": name, "LensStatus": "CURRENT", "UpdatedAt": UPDATED_AT,
            "RiskCounts": risk_counts(&l.answers) })
}

/// `Workload` members.
pub(crate) fn workload_json(w: &Workload) -> Value {
    let answers: Vec<Answer> = w.lenses.iter().flat_map(|l| l.answers.clone()).collect();
    let lenses: Vec<&String> = w.lenses.iter().map(|l| &l.alias).collect();
    json!({ "WorkloadId": w.id, "WorkloadArn": w.arn(), "WorkloadName": w.name,
            "Description": "Fake workload", "Environment": "PRODUCTION", "UpdatedAt": UPDATED_AT,
            "AccountIds": [w.account_id], "AwsRegions": [w.region], "ReviewOwner": "owner@example.com",
            "ImprovementStatus": "NOT_STARTED", "RiskCounts": risk_counts(&answers),
            "Lenses": lenses, "Owner": w.account_id, "Tags": {} })
}

/// `WorkloadSummary` members.
pub(crate) fn workload_summary(w: &Workload) -> Value {
    let full = workload_json(w);
    let keys = [
        "WorkloadId",
        "WorkloadArn",
        "WorkloadName",
        "Owner",
        "UpdatedAt",
        "Lenses",
    ];
    let keys = keys.into_iter().chain(["RiskCounts", "ImprovementStatus"]);
    Value::Object(keys.map(|k| (k.to_string(), full[k].clone())).collect())
}

/// A stand-in for AWS's risk rules: nothing selected = unanswered, all = no risk, else by share.
fn risk(a: &Answer) -> &'static str {
    match (a.selected_choices.len(), a.choices.len()) {
        (0, _) => "UNANSWERED",
        (s, n) if s >= n => "NONE",
        (s, n) if 2 * s >= n => "MEDIUM",
        _ => "HIGH",
    }
}

pub(crate) fn risk_counts(answers: &[Answer]) -> Value {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    answers
        .iter()
        .for_each(|a| *counts.entry(risk(a)).or_default() += 1);
    json!(counts)
}

/// `AnswerSummary` members (summaries never carry `Notes`).
fn answer_json(a: &Answer) -> Value {
    let title = |c: &String| format!("Best practice {c}");
    let choices: Vec<Value> = a
        .choices
        .iter()
        .map(|c| json!({ "ChoiceId": c, "Title": title(c) }))
        .collect();
    let selected: Vec<Value> = a
        .selected_choices
        .iter()
        .map(|c| json!({ "ChoiceId": c, "Status": "SELECTED" }))
        .collect();
    json!({ "QuestionId": a.question_id, "PillarId": a.pillar_id, "QuestionTitle": a.title,
            "Choices": choices, "SelectedChoices": a.selected_choices,
            "ChoiceAnswerSummaries": selected, "IsApplicable": true, "Risk": risk(a),
            "QuestionType": "PRIORITIZED" })
}

/// `GetAnswer`/`UpdateAnswer` output: the summary members plus `ChoiceAnswers` and `Notes`.
fn answer_response(w: &Workload, lens: &LensReview, a: &Answer) -> Value {
    let mut answer = answer_json(a);
    let fields = answer.as_object_mut().expect("object");
    let choice_answers = fields.remove("ChoiceAnswerSummaries").unwrap_or_default();
    fields.insert("ChoiceAnswers".into(), choice_answers);
    if let Some(notes) = &a.notes {
        fields.insert("Notes".into(), json!(notes));
    }
    let arn = lens_arn(&w.region, &lens.alias);
    json!({ "WorkloadId": w.id, "LensAlias": lens.alias, "LensArn": arn, "Answer": answer })
}

pub(crate) fn with_next(mut body: Value, next: Option<String>) -> Value {
    if let Some(token) = next {
        body["NextToken"] = json!(token);
    }
    body
}

#[cfg(test)]
pub(crate) mod tests;
