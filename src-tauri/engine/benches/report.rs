//! Exporting a 25,000-check account in every report format: prints each format's size and
//! build+render time, then lets criterion measure the renders.
//!
//! `cargo bench -p wa-sync-engine --bench report`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::time::{Duration, Instant, UNIX_EPOCH};
use wa_sync_engine::checks::{Check, Evidence, RiskLevel, RuleSettings, Status, TagFilter};
use wa_sync_engine::conformity::FetchStats;
use wa_sync_engine::mapping::Mapping;
use wa_sync_engine::notes::NotesMode;
use wa_sync_engine::preview::{self, Collected};
use wa_sync_engine::report::{Format, Report};
use wa_sync_engine::summary::Aggregator;

const CHECKS: usize = 25_000;

fn collected(mapping: &Mapping) -> Collected {
    let checks = wa_sync_fakes::conformity::synthetic_checks(CHECKS, "acc", 1);
    let mut aggregator = Aggregator::new(mapping, RuleSettings::new());
    for c in &checks {
        aggregator.add(&Check {
            rule_id: &c.rule_id,
            status: Status::parse(&c.status),
            risk_level: RiskLevel::parse(&c.risk_level).unwrap_or(RiskLevel::Medium),
            suppressed: c.suppressed,
            excluded: c.excluded,
            not_scored: c.not_scored,
            evidence: Evidence {
                rule_title: Some(&c.rule_id),
                resource: Some(&c.resource),
                region: Some(&c.region),
                service: Some(&c.service),
                ..Evidence::default()
            },
        });
    }
    Collected {
        summary: aggregator.finish(),
        stats: FetchStats {
            fetched: CHECKS as u64,
            available: CHECKS as u64,
            ..FetchStats::default()
        },
    }
}

fn build_report(mapping: &Mapping, collected: &Collected) -> Report {
    let tags = TagFilter::parse::<&str>(&[]).unwrap();
    let preview = preview::report(
        Some("acc"),
        &tags,
        mapping,
        collected,
        None,
        NotesMode::ReplaceBlock,
    );
    Report::build(
        &preview,
        collected,
        UNIX_EPOCH + Duration::from_secs(1_738_324_800),
        None,
    )
}

fn exports(c: &mut Criterion) {
    let mapping = Mapping::builtin();
    let collected = collected(&mapping);
    let start = Instant::now();
    let report = build_report(&mapping, &collected);
    let build = start.elapsed();
    eprintln!(
        "\n{CHECKS} checks: report model built in {:.2} ms",
        build.as_secs_f64() * 1e3
    );
    eprintln!(
        "{:<6} {:>12} {:>14}",
        "FORMAT", "BYTES", "RENDER (best of 5)"
    );
    for format in Format::ALL {
        let mut best = Duration::MAX;
        let mut size = 0;
        for _ in 0..5 {
            let start = Instant::now();
            size = black_box(format.render(&report)).len();
            best = best.min(start.elapsed());
        }
        eprintln!(
            "{:<6} {:>12} {:>11.2} ms",
            format.extension(),
            size,
            best.as_secs_f64() * 1e3
        );
    }
    // The same report for a workload, account and tags named outside WinAnsi: the PDF embeds
    // installed fonts. The first export also reads the font database.
    let mut multilingual = report.clone();
    multilingual.account_id = Some("Produktionskonto Łódź / Москва".into());
    multilingual.workload_arn = Some("本番環境 – Zürich Ωμέγα".into());
    multilingual.filter_tags = vec!["環境::本番".into(), "Περιβάλλον::παραγωγή".into()];
    let start = Instant::now();
    let rendered = Format::Pdf.render_with_warnings(&multilingual);
    let first = start.elapsed();
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        black_box(Format::Pdf.render(&multilingual));
        best = best.min(start.elapsed());
    }
    eprintln!(
        "{:<6} {:>12} {:>11.2} ms  (text outside WinAnsi; first export {:.2} ms{})",
        "pdf",
        rendered.bytes.len(),
        best.as_secs_f64() * 1e3,
        first.as_secs_f64() * 1e3,
        if rendered.warnings.is_empty() {
            String::new()
        } else {
            format!("; {}", rendered.warnings.join(" "))
        }
    );
    let mut group = c.benchmark_group("report_25k");
    group.sample_size(10);
    group.bench_function("build", |b| {
        b.iter(|| black_box(build_report(&mapping, &collected)))
    });
    for format in Format::ALL {
        group.bench_function(format.extension(), |b| {
            b.iter(|| black_box(format.render(&report)))
        });
    }
    group.bench_function("pdf_multilingual", |b| {
        b.iter(|| black_box(Format::Pdf.render(&multilingual)))
    });
    group.finish();
}

criterion_group!(benches, exports);
criterion_main!(benches);
