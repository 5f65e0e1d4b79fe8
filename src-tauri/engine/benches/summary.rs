//! Counting 1,000,000 checks delivered as 1,000 `/checks` pages of 1,000: throughput, and the
//! heap the counting itself needs, which must not grow with the number of checks.
//!
//! `cargo bench -p wa-sync-engine --bench summary`

// Measuring the heap needs a global allocator, which is unsafe to implement.
#![allow(unsafe_code)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use wa_sync_engine::checks::RuleSettings;
use wa_sync_engine::conformity::model::visit_checks_page;
use wa_sync_engine::mapping::{Mapping, RuleCatalogue};
use wa_sync_engine::summary::{Aggregator, Summary};

/// Counts live heap bytes and remembers the peak since the last reset.
struct PeakAlloc;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for PeakAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

const PAGE_SIZE: usize = 1_000;
const PAGES: usize = 1_000;
/// Distinct page bodies cycled through, so the input does not itself take gigabytes.
const DISTINCT_PAGES: usize = 16;

fn page(seed: usize) -> Vec<u8> {
    let rules = &RuleCatalogue::builtin().rules;
    let risks = ["LOW", "MEDIUM", "HIGH", "VERY_HIGH", "EXTREME"];
    let checks: Vec<serde_json::Value> = (0..PAGE_SIZE)
        .map(|i| {
            let n = seed * PAGE_SIZE + i;
            let rule = &rules[(n * 7919) % rules.len()].rule_id;
            serde_json::json!({
                "type": "checks",
                "id": format!("ccc:acc:{rule}:svc:us-east-1:res-{n}"),
                "attributes": {
                    "region": "us-east-1",
                    "status": if n % 3 == 0 { "FAILURE" } else { "SUCCESS" },
                    "risk-level": risks[n % 5],
                    "pretty-risk-level": "Medium",
                    "message": "Resource has a finding worth reading about in the knowledge base",
                    "resource": format!("res-{n}"),
                    "descriptorType": "ec2-instance",
                    "categories": ["security", "reliability"],
                    "tags": ["Environment::production", format!("App::app-{}", n % 10)],
                    "rule-title": "A rule",
                    "provider": "aws",
                    "suppressed": n % 97 == 0,
                    "excluded": n % 89 == 0,
                    "not-scored": false,
                    "created-date": 1_700_000_000_000u64 + n as u64,
                },
                "relationships": {
                    "rule": {"data": {"type": "rules", "id": rule}},
                    "account": {"data": {"type": "accounts", "id": "acc"}}
                }
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({"data": checks, "meta": {"total": PAGE_SIZE * PAGES}}))
        .unwrap()
}

fn count(pages: &[Vec<u8>], page_count: usize, mapping: &Mapping) -> Summary {
    let mut aggregator = Aggregator::new(mapping, RuleSettings::new());
    for body in pages.iter().cycle().take(page_count) {
        visit_checks_page(body, None, &mut |check| aggregator.add(check)).unwrap();
    }
    aggregator.finish()
}

/// Peak heap above what was live before, while counting `page_count` pages.
fn peak_heap(pages: &[Vec<u8>], page_count: usize, mapping: &Mapping) -> usize {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let summary = count(pages, page_count, mapping);
    assert_eq!(summary.fetched as usize, page_count * PAGE_SIZE);
    PEAK.load(Ordering::Relaxed) - before
}

fn summarise_a_million_checks(c: &mut Criterion) {
    let mapping = Mapping::builtin();
    let pages: Vec<Vec<u8>> = (0..DISTINCT_PAGES).map(page).collect();
    let page_bytes = pages[0].len();
    let small = peak_heap(&pages, 10, &mapping);
    let large = peak_heap(&pages, PAGES, &mapping);
    eprintln!(
        "page body {:.0} KiB; peak heap while counting: {:.2} MiB for 10,000 checks, {:.2} MiB for 1,000,000 checks",
        page_bytes as f64 / 1024.0,
        small as f64 / 1048576.0,
        large as f64 / 1048576.0
    );
    let mut group = c.benchmark_group("summary");
    group.sample_size(10);
    group.throughput(Throughput::Elements((PAGES * PAGE_SIZE) as u64));
    group.bench_function("1M checks in 1,000 pages", |b| {
        b.iter(|| count(&pages, PAGES, &mapping))
    });
    group.finish();
}

criterion_group!(benches, summarise_a_million_checks);
criterion_main!(benches);
