use super::filter;
use super::model::{self, AccountsPage, OwnedCheck, ScanRulesPage};
use crate::checks::{Check, NoProgress, Progress, RiskLevel, RuleSettings, Status, TagFilter};
use crate::http::pacing::MAX_CONCURRENCY;
use crate::http::retry::RetryPolicy;
use crate::http::{Transport, TransportOptions, MAX_BODY_BYTES};
use crate::keychain::ApiKey;
use crate::mapping::RuleCatalogue;
use crate::source::{Account, FetchStats};
use crate::{Error, Field, Result};
use futures::stream::{FuturesUnordered, StreamExt};
use reqwest::header::{self, HeaderValue};
use reqwest::{StatusCode, Url};
use std::collections::{BTreeSet, HashSet, VecDeque};
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
/// A query whose first page states more than this many pages is split up front by status and
/// risk level, so that several `nextLink` chains can be followed at once.
const PARALLEL_SPLIT_PAGES: u64 = 8;

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

/// One query of the partitioned download: the extra filter terms that narrow it.
#[derive(Clone, Debug, Default)]
struct Partition {
    terms: Vec<String>,
    /// Which split comes next if this part is still over the cap.
    depth: usize,
}

/// The depth at which a query is split by service (only when over the cap: there are many).
const SERVICE_DEPTH: usize = 2;

/// One partition's query being read: the page to fetch next and what was read so far.
struct Chain {
    part: Partition,
    filter_text: String,
    /// Whether a split is possible if it is over the cap.
    can_split: bool,
    url: Url,
    page_number: usize,
    /// Pages the query may take, from its stated total.
    max_pages: usize,
    /// `Some` while the query's size is unknown: its checks wait here.
    held: Option<Vec<OwnedCheck>>,
    read: u64,
    /// Pages already read, so a `nextLink` that comes back is caught at once.
    seen: HashSet<Url>,
}

/// What follows a page.
enum Step {
    /// The chain's next page.
    Next(Box<Chain>),
    /// Read completely (or as far as the API serves); checks already counted.
    Done,
    /// Over the cap, or large enough to read faster in parts: split it.
    Split(Partition),
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

    /// Streams every check of the account that matches the tag filter into `on_check`, page by
    /// page, like `ConformityClient::for_each_check`. A query whose results reach the cap is
    /// split by status, then risk level, then service; so is a query whose first page shows more
    /// than a few pages, so that several `nextLink` chains are followed at once (the shared
    /// pacing decides how many requests fly).
    ///
    /// The meaning of the list's `count` is not documented (total or page size), so a query's
    /// size is known only when a page says so unambiguously (see `ChecksPage::total`). When it
    /// is known and over the cap, the query is split before anything is counted; when it is
    /// not, the query's checks are held (a few bytes each, at most the cap) until the query
    /// ends below the cap, and are then counted, or reach it, and the query is split. Nothing
    /// is ever counted twice.
    pub async fn for_each_check(
        &self,
        account_id: &str,
        tags: &TagFilter,
        progress: &dyn Progress,
        on_check: &mut (dyn FnMut(&Check<'_>) + Send),
    ) -> Result<FetchStats> {
        let base_filter = Self::checks_filter(account_id, tags)?;
        let requests_before = self.requests_sent();
        let mut run = Run {
            stats: FetchStats::default(),
            available: None,
            services: BTreeSet::new(),
        };
        let what = self.posture_path("checks");
        let fetch = |chain: Chain| async {
            let answer = self.get(&chain.url, Some(&chain.filter_text), &what).await;
            (chain, answer)
        };
        let mut queue = VecDeque::from([self.chain(&base_filter, Partition::default(), &run)]);
        let mut in_flight = FuturesUnordered::new();
        loop {
            while in_flight.len() < MAX_CONCURRENCY as usize {
                let Some(chain) = queue.pop_front() else {
                    break;
                };
                in_flight.push(fetch(chain));
            }
            let Some((chain, answer)) = in_flight.next().await else {
                break;
            };
            match self.read_page(chain, answer, &mut run, progress, on_check)? {
                Step::Next(chain) => queue.push_back(*chain),
                Step::Done => {}
                Step::Split(part) => {
                    let children = self
                        .children(&part, &base_filter, &run.services)
                        .unwrap_or_default();
                    run.stats.splits += 1;
                    for child in children {
                        queue.push_back(self.chain(&base_filter, child, &run));
                    }
                }
            }
        }
        let mut stats = run.stats;
        stats.available = run.available.unwrap_or(stats.fetched).max(stats.fetched);
        stats.requests = self.requests_sent() - requests_before;
        Ok(stats)
    }

    /// The first page of a partition's query, to be fetched.
    fn chain(&self, base_filter: &str, part: Partition, run: &Run) -> Chain {
        let mut terms = vec![base_filter.to_string()];
        terms.extend(part.terms.iter().cloned());
        let filter_text = filter::and(&terms);
        let can_split = self.children(&part, base_filter, &run.services).is_some();
        let mut url = self.url(&self.posture_path("checks"));
        url.query_pairs_mut()
            .append_pair("top", &self.options.page_size.to_string());
        Chain {
            part,
            filter_text,
            can_split,
            url,
            page_number: 0,
            max_pages: MAX_PAGES_PER_LIST,
            held: None,
            read: 0,
            seen: HashSet::new(),
        }
    }

    /// How many checks of the account the tag filter selects. One request when the first page
    /// states the query's size unambiguously (see `ChecksPage::total`); otherwise the checks are
    /// read and counted as `for_each_check` would deliver them.
    pub async fn count_checks(&self, account_id: &str, tags: &TagFilter) -> Result<u64> {
        let filter_text = Self::checks_filter(account_id, tags)?;
        let what = self.posture_path("checks");
        let mut url = self.url(&what);
        url.query_pairs_mut()
            .append_pair("top", &self.options.page_size.to_string());
        let bytes = self.get(&url, Some(&filter_text), &what).await?;
        let page = model::parse_checks_page(&bytes)
            .map_err(|e| Error::BadResponse(format!("Vision One {what}: {e}")))?;
        if let Some(total) = page.total() {
            return Ok(total);
        }
        let mut counted = 0u64;
        self.for_each_check(account_id, tags, &NoProgress, &mut |_| counted += 1)
            .await?;
        Ok(counted)
    }

    /// Counts (or holds) one page of a partition's query and says what comes next.
    fn read_page(
        &self,
        mut chain: Chain,
        answer: Result<Vec<u8>>,
        run: &mut Run,
        progress: &dyn Progress,
        on_check: &mut (dyn FnMut(&Check<'_>) + Send),
    ) -> Result<Step> {
        let what = self.posture_path("checks");
        let cap = self.options.result_cap;
        let bytes = match answer {
            Ok(bytes) => bytes,
            // Refused past the cap on a query that cannot be split: keep what was read
            // (`available` then exceeds `fetched` if the size was known, and the preview
            // warns).
            Err(Error::Api(_)) if chain.read >= cap => {
                flush(&mut chain.held, run, on_check);
                return Ok(Step::Done);
            }
            Err(e) => return Err(e),
        };
        let page = model::parse_checks_page(&bytes)
            .map_err(|e| Error::BadResponse(format!("Vision One {what}: {e}")))?;
        if chain.page_number == 0 {
            let total = page.total();
            if chain.part.depth == 0 {
                run.available = total;
            }
            let page_size = u64::from(self.options.page_size.max(1));
            match total {
                Some(total) if total > cap && chain.can_split => {
                    return Ok(Step::Split(chain.part))
                }
                Some(total)
                    if total > page_size * PARALLEL_SPLIT_PAGES
                        && chain.part.depth < SERVICE_DEPTH
                        && chain.can_split =>
                {
                    return Ok(Step::Split(chain.part))
                }
                // One page more than the total needs, for a last empty page.
                Some(total) => {
                    chain.max_pages = usize::try_from(total.div_ceil(page_size) + 1)
                        .unwrap_or(MAX_PAGES_PER_LIST)
                        .min(MAX_PAGES_PER_LIST);
                }
                None => chain.held = Some(Vec::new()),
            }
        }
        for item in page.items() {
            let view = item
                .view()
                .map_err(|e| Error::BadResponse(format!("Vision One {what}: {e}")))?;
            if let Some(service) = item_service(item) {
                if !run.services.contains(service) {
                    run.services.insert(service.to_string());
                }
            }
            match chain.held.as_mut() {
                Some(held) => held.push(OwnedCheck::from_view(&view)),
                None => {
                    on_check(&view);
                    run.stats.fetched += 1;
                }
            }
        }
        chain.read += page.items().len() as u64;
        chain.page_number += 1;
        let shown = run.stats.fetched + chain.held.as_ref().map_or(0, |h| h.len() as u64);
        progress.checks_fetched(shown, run.available.unwrap_or(shown).max(shown));
        let next = page.next().map(str::to_string);
        let empty = page.items().is_empty();
        drop(page);
        // At the cap with the size unknown: the results may be cut off, so split.
        if chain.held.is_some() && chain.read >= cap && chain.can_split {
            return Ok(Step::Split(chain.part));
        }
        if chain.read >= cap {
            // Cannot split further: count what is held and read on as far as the API goes.
            flush(&mut chain.held, run, on_check);
        }
        let Some(link) = next.filter(|_| !empty) else {
            flush(&mut chain.held, run, on_check);
            return Ok(Step::Done);
        };
        if chain.page_number >= chain.max_pages {
            return Err(loop_error(&what, chain.max_pages));
        }
        chain.url = self.next_url(&link, &chain.url, &mut chain.seen, &what)?;
        Ok(Step::Next(Box::new(chain)))
    }

    /// The partitions a partition splits into, or `None` when no filter is left to split by or
    /// the narrower filters would be too long for the header.
    fn children(
        &self,
        part: &Partition,
        base_filter: &str,
        seen_services: &BTreeSet<String>,
    ) -> Option<Vec<Partition>> {
        let (field, values): (&str, Vec<String>) = match part.depth {
            0 => (
                "status",
                [Status::Success, Status::Failure]
                    .iter()
                    .map(|s| s.api_name().to_string())
                    .collect(),
            ),
            1 => (
                "riskLevel",
                RiskLevel::DESCENDING
                    .iter()
                    .map(|r| r.api_name().to_string())
                    .collect(),
            ),
            SERVICE_DEPTH => ("service", services(seen_services)),
            _ => return None,
        };
        let children: Vec<Partition> = values
            .iter()
            .map(|value| {
                let mut terms = part.terms.clone();
                terms.push(filter::eq(field, value));
                Partition {
                    terms,
                    depth: part.depth + 1,
                }
            })
            .collect();
        let fits = children.iter().all(|c| {
            let mut terms = vec![base_filter.to_string()];
            terms.extend(c.terms.iter().cloned());
            filter::len(&filter::and(&terms)) <= filter::MAX_FILTER_LEN
        });
        fits.then_some(children)
    }
}

/// The state of one `for_each_check` run.
struct Run {
    stats: FetchStats,
    /// The size of the whole (unsplit) query, when a page said it.
    available: Option<u64>,
    /// Services seen in checks so far, added to the catalogue's for a service split.
    services: BTreeSet<String>,
}

fn flush(
    held: &mut Option<Vec<OwnedCheck>>,
    run: &mut Run,
    on_check: &mut (dyn FnMut(&Check<'_>) + Send),
) {
    if let Some(checks) = held.take() {
        for check in &checks {
            on_check(&check.view());
        }
        run.stats.fetched += checks.len() as u64;
    }
}

/// The check's service: the `service` field, else the prefix of its rule ID (`EC2-001` → `EC2`).
fn item_service<'i>(item: &'i model::CheckItem<'_>) -> Option<&'i str> {
    item.service().or_else(|| {
        item.rule_id()
            .and_then(|r| r.rsplit_once('-'))
            .map(|(s, _)| s)
    })
}

/// Every AWS service of the shipped rule catalogue, plus any seen in this account's checks.
fn services(seen: &BTreeSet<String>) -> Vec<String> {
    let mut all: BTreeSet<String> = RuleCatalogue::builtin()
        .rules
        .iter()
        .filter_map(|r| r.rule_id.rsplit_once('-').map(|(s, _)| s.to_string()))
        .collect();
    all.extend(seen.iter().cloned());
    all.into_iter().collect()
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
mod tests {
    use super::*;

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
}
