//! Downloading an account's checks: the checks list, partitioned when it is too large for one
//! `nextLink` chain, with several chains followed at once.

use super::{loop_error, VisionOneClient, MAX_PAGES_PER_LIST};
use crate::checks::{Check, NoProgress, Progress, RiskLevel, Status, TagFilter};
use crate::http::pacing::MAX_CONCURRENCY;
use crate::mapping::RuleCatalogue;
use crate::source::FetchStats;
use crate::visionone::filter;
use crate::visionone::model::{self, OwnedCheck};
use crate::{Error, Result};
use futures::stream::{FuturesUnordered, StreamExt};
use reqwest::Url;
use std::collections::{BTreeSet, HashSet, VecDeque};

/// A query whose first page states more than this many pages is split up front by status and
/// risk level, so that several `nextLink` chains can be followed at once.
const PARALLEL_SPLIT_PAGES: u64 = 8;

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

impl VisionOneClient {
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
            if self.size_chain(&mut chain, total) {
                return Ok(Step::Split(chain.part));
            }
        }
        take_items(page.items(), &mut chain.held, run, on_check, &what)?;
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

    /// Sizes a chain from the total its first page reports; `true` when the partition is too big
    /// for one chain (past the result cap, or worth reading in parallel) and should split.
    fn size_chain(&self, chain: &mut Chain, total: Option<u64>) -> bool {
        let cap = self.options.result_cap;
        let page_size = u64::from(self.options.page_size.max(1));
        match total {
            Some(total) if total > cap && chain.can_split => return true,
            Some(total)
                if total > page_size * PARALLEL_SPLIT_PAGES
                    && chain.part.depth < SERVICE_DEPTH
                    && chain.can_split =>
            {
                return true
            }
            // One page more than the total needs, for a last empty page.
            Some(total) => {
                chain.max_pages = usize::try_from(total.div_ceil(page_size) + 1)
                    .unwrap_or(MAX_PAGES_PER_LIST)
                    .min(MAX_PAGES_PER_LIST);
            }
            // The size is unknown: hold the checks until it is clear whether the chain splits.
            None => chain.held = Some(Vec::new()),
        }
        false
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

/// Hands a page's checks on (or holds them while the chain may still split), noting each
/// service seen so a later split knows which services to split by.
fn take_items(
    items: &[model::CheckItem<'_>],
    held: &mut Option<Vec<OwnedCheck>>,
    run: &mut Run,
    on_check: &mut (dyn FnMut(&Check<'_>) + Send),
    what: &str,
) -> Result<()> {
    for item in items {
        let view = item
            .view()
            .map_err(|e| Error::BadResponse(format!("Vision One {what}: {e}")))?;
        if let Some(service) = item_service(item) {
            if !run.services.contains(service) {
                run.services.insert(service.to_string());
            }
        }
        match held.as_mut() {
            Some(held) => held.push(OwnedCheck::from_view(&view)),
            None => {
                on_check(&view);
                run.stats.fetched += 1;
            }
        }
    }
    Ok(())
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
pub(super) fn services(seen: &BTreeSet<String>) -> Vec<String> {
    let mut all: BTreeSet<String> = RuleCatalogue::builtin()
        .rules
        .iter()
        .filter_map(|r| r.rule_id.rsplit_once('-').map(|(s, _)| s.to_string()))
        .collect();
    all.extend(seen.iter().cloned());
    all.into_iter().collect()
}
