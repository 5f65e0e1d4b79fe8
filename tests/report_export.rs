//! Summary report export: golden files for JSON, CSV and Markdown, HTML structure and
//! self-containment, the PDF parsed back and rendered, and hostile titles and tags escaped.
//!
//! Regenerate the golden files with `UPDATE_GOLDEN=1 cargo test -p wa-sync-engine --test report_export`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wa_sync_engine::checks::{
    Check, Evidence, NoProgress, RiskLevel, RuleSetting, RuleSettings, Status, TagFilter,
};
use wa_sync_engine::conformity::FetchStats;
use wa_sync_engine::mapping::{Lens, Mapping};
use wa_sync_engine::notes::NotesMode;
use wa_sync_engine::preview::{self, Collected, PreviewReport, Source};
use wa_sync_engine::report::{self, Format, Report};
use wa_sync_engine::summary::Aggregator;
use wa_sync_fakes::prerequisites::{missing, Prerequisite};

/// 2025-01-31T12:00:00Z: every report here is generated "then".
fn fixed_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_738_324_800)
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden")
}

/// A small hand-made account: a few rules over several pillars, every left-out reason, a rule
/// the mapping does not know, and a rule setting that raises a risk.
fn small_collected(mapping: &Mapping) -> Collected {
    let mut settings = RuleSettings::new();
    settings.insert(
        "EC2-001".into(),
        RuleSetting {
            enabled: false,
            risk_level: None,
        },
    );
    settings.insert(
        "IAM-001".into(),
        RuleSetting {
            enabled: true,
            risk_level: Some(RiskLevel::Extreme),
        },
    );
    let mut aggregator = Aggregator::new(mapping, settings);
    let check = |rule_id, status, risk_level| Check {
        rule_id,
        status: Some(status),
        risk_level,
        suppressed: false,
        excluded: false,
        not_scored: false,
        evidence: Evidence {
            rule_title: None,
            resource: Some("shop-bucket"),
            resource_name: None,
            region: Some("us-east-1"),
            service: Some("S3"),
            message: Some("shop-bucket fails the rule's check"),
            link: Some("https://console.example/shop-bucket"),
            knowledge_base_url: Some("https://kb.example/rule.html"),
        },
    };
    use RiskLevel::*;
    use Status::*;
    let mut checks = vec![
        check("S3-001", Failure, High),
        check("S3-001", Failure, High),
        check("S3-001", Success, High),
        check("IAM-001", Failure, Medium),
        check("IAM-001", Success, Medium),
        check("RDS-002", Failure, VeryHigh),
        check("RDS-002", Success, VeryHigh),
        check("RDS-002", Success, VeryHigh),
        check("Budgets-001", Success, Low),
        check("Budgets-001", Failure, Low),
        check("CFM-003", Success, Medium),
        check("EC2-001", Failure, High),
        check("Bedrock-001", Failure, High),
        check("CC-001", Success, Low),
    ];
    checks.push(Check {
        suppressed: true,
        ..check("S3-001", Failure, High)
    });
    checks.push(Check {
        excluded: true,
        ..check("RDS-002", Failure, VeryHigh)
    });
    checks.push(Check {
        not_scored: true,
        ..check("IAM-001", Success, Medium)
    });
    for c in &checks {
        aggregator.add(c);
    }
    let n = checks.len() as u64;
    Collected {
        summary: aggregator.finish(),
        stats: FetchStats {
            fetched: n,
            available: n,
            requests: 1,
            ..FetchStats::default()
        },
    }
}

fn small_report() -> (PreviewReport, Collected) {
    let mapping = Mapping::builtin();
    let collected = small_collected(&mapping);
    let tags = TagFilter::parse(&["Environment::production"]).unwrap();
    let preview = preview::report(
        Some("acc-123"),
        &tags,
        &mapping,
        &collected,
        None,
        NotesMode::ReplaceBlock,
    );
    (preview, collected)
}

fn demo() -> (PreviewReport, Collected) {
    let mapping = Mapping::builtin();
    let tags = TagFilter::parse::<&str>(&[]).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let collected = rt
        .block_on(preview::collect(
            &Source::Demo,
            &tags,
            &mapping,
            &NoProgress,
        ))
        .unwrap();
    let preview = preview::report(
        Some("demo-account"),
        &tags,
        &mapping,
        &collected,
        None,
        NotesMode::ReplaceBlock,
    );
    (preview, collected)
}

fn compare_golden(name: &str, actual: &[u8]) {
    let path = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; create it with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    if expected != actual {
        let out = std::env::temp_dir().join(format!("actual-{name}"));
        std::fs::write(&out, actual).unwrap();
        panic!(
            "{name} differs from the golden file {} (actual output in {}); \
             if the change is intended, regenerate with UPDATE_GOLDEN=1",
            path.display(),
            out.display()
        );
    }
}

#[test]
fn json_csv_and_markdown_match_the_golden_files() {
    let (preview, collected) = small_report();
    let report = Report::build(&preview, &collected, fixed_time(), None);
    compare_golden("report-small.json", &Format::Json.render(&report));
    compare_golden("report-small.csv", &Format::Csv.render(&report));
    compare_golden("report-small.md", &Format::Markdown.render(&report));
}

/// A report whose every character is in WinAnsi is drawn in the standard Helvetica, with
/// nothing embedded: byte for byte the PDF it has always been.
#[test]
fn a_winansi_pdf_matches_the_golden_file() {
    let (preview, collected) = small_report();
    let report = Report::build(&preview, &collected, fixed_time(), None);
    let pdf = Format::Pdf.render(&report);
    compare_golden("report-small.pdf", &pdf);
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/BaseFont /Helvetica"));
    assert!(!text.contains("/FontFile"), "nothing embedded");
}

#[test]
fn the_model_counts_what_the_summary_counted() {
    let (preview, collected) = small_report();
    let report = Report::build(&preview, &collected, fixed_time(), None);
    assert_eq!(report.schema, report::SCHEMA);
    assert_eq!(report.generated_at, "2025-01-31T12:00:00Z");
    assert_eq!(report.questions.len(), Lens::builtin().questions.len());
    assert_eq!(report.pillars.len(), 6);
    assert_eq!(
        report.totals.successes + report.totals.failures,
        report.checks.counted
    );
    assert_eq!(
        report.checks.counted + report.checks.left_out_total,
        report.checks.fetched
    );
    // The setting raised IAM-001 to EXTREME and disabled EC2-001.
    let iam = report
        .questions
        .iter()
        .flat_map(|q| &q.rules)
        .find(|r| r.rule_id == "IAM-001")
        .unwrap();
    assert_eq!(iam.highest_failure_risk, Some(RiskLevel::Extreme));
    assert!(iam.title.is_some());
    assert_eq!(report.checks.left_out.disabled_rule, 1);
    assert!(report
        .unmapped_rules
        .iter()
        .any(|u| u.rule_id == "Bedrock-001" && !u.known));
    let not_covered = report.not_covered().count();
    assert_eq!(not_covered, report.totals.questions_not_covered);
    assert!(not_covered > 0);
    for q in report.not_covered() {
        assert_eq!(q.assessment, report::Assessment::NeedsHumanAnswer);
    }
    // The JSON has the documented top-level fields.
    let json: serde_json::Value = serde_json::from_slice(&Format::Json.render(&report)).unwrap();
    for field in [
        "schema",
        "generator",
        "generated_at",
        "account_id",
        "workload_arn",
        "lens",
        "lens_version",
        "mapping_reviewed",
        "filter_tags",
        "backup",
        "checks",
        "totals",
        "pillars",
        "questions",
        "unmapped_rules",
        "warnings",
    ] {
        assert!(json.get(field).is_some(), "JSON lacks {field}");
    }
}

#[test]
fn live_titles_win_over_the_catalogue() {
    let (preview, collected) = small_report();
    let titles = HashMap::from([("S3-001".to_string(), "Live title".to_string())]);
    let report = Report::build(&preview, &collected, fixed_time(), Some(&titles));
    let s3 = report
        .questions
        .iter()
        .flat_map(|q| &q.rules)
        .find(|r| r.rule_id == "S3-001")
        .unwrap();
    assert_eq!(s3.title.as_deref(), Some("Live title"));
}

#[test]
fn csv_is_rfc4180_with_one_row_per_question_and_rule() {
    let (preview, collected) = demo();
    let report = Report::build(&preview, &collected, fixed_time(), None);
    let csv = String::from_utf8(Format::Csv.render(&report)).unwrap();
    assert!(csv.ends_with("\r\n"));
    assert!(!csv.replace("\r\n", "").contains('\n'));
    let expected_rows: usize = report.questions.iter().map(|q| q.rules.len().max(1)).sum();
    assert_eq!(csv.matches("\r\n").count(), expected_rows + 1);
    for q in &report.questions {
        assert!(
            csv.contains(&format!(",{},", q.question_id)),
            "{}",
            q.question_id
        );
    }
}

fn assert_self_contained(html: &str) {
    let lower = html.to_ascii_lowercase();
    for needle in [
        "http:", "https:", "//", "src=", "href=", "url(", "@import", "<script", "<link", "<iframe",
        "<object", "<embed", "<img",
    ] {
        assert!(
            !lower.contains(needle),
            "the HTML contains {needle:?}: {}",
            &html[lower.find(needle).unwrap().saturating_sub(80)..][..160.min(html.len())]
        );
    }
}

#[test]
fn html_is_one_self_contained_well_formed_page() {
    let (preview, collected) = demo();
    let report = Report::build(&preview, &collected, fixed_time(), None);
    let html = String::from_utf8(Format::Html.render(&report)).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.trim_end().ends_with("</html>"));
    assert_self_contained(&html);
    for tag in [
        "html", "head", "body", "main", "header", "section", "table", "thead", "tbody", "tr",
        "svg", "style", "footer",
    ] {
        let open =
            html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count();
        let close = html.matches(&format!("</{tag}>")).count();
        assert_eq!(open, close, "<{tag}> opened {open} times, closed {close}");
    }
    assert_eq!(html.matches("<svg").count(), 1, "one pillar chart");
    assert!(html.contains("@media print"));
    for id in [
        "summary",
        "pillars",
        "questions",
        "failing-rules",
        "not-covered",
        "left-out",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\"")), "{id}");
    }
    for q in &report.questions {
        assert!(html.contains(&q.question_id), "{}", q.question_id);
    }
    // Uncovered questions are marked as needing a human answer, never green.
    let uncovered = report.not_covered().count();
    assert!(uncovered > 0);
    assert_eq!(
        html.matches("b-needs-human-answer\">Needs a human answer")
            .count(),
        2 * uncovered,
        "badge in the question table and in the not-covered table"
    );
    for line in html.lines().filter(|l| l.contains("<tr class=\"human\">")) {
        assert!(!line.contains("b-passing"), "{line}");
    }
    assert!(html.contains(&report::SCHEMA.to_string()));
    // Each failing rule's resources and each question's best practices fold open.
    let failing_rules: usize = report
        .questions
        .iter()
        .map(|q| q.failing_rules().count())
        .sum();
    assert!(failing_rules > 0);
    assert_eq!(
        html.matches("<summary>Failing resources: ").count(),
        failing_rules
    );
    assert!(html.contains("<summary>Best practices: "));
    assert_eq!(
        html.matches("<details").count(),
        html.matches("</details>").count()
    );
}

fn hostile_report() -> Report {
    let (mut preview, collected) = small_report();
    preview.filter_tags = vec![
        "<img src=x onerror=alert(1)>".into(),
        "=HYPERLINK(\"evil\",\"x\")".into(),
    ];
    preview.account_id = Some("\"><script>alert('acc')</script>".into());
    let titles = HashMap::from([
        (
            "S3-001".to_string(),
            "<script>alert('xss')</script> & \"quoted\"".to_string(),
        ),
        ("RDS-002".to_string(), "=cmd|' /C calc'!A0".to_string()),
        (
            "IAM-001".to_string(),
            "+SUM(1,2)\r\n@x | [link](y)".to_string(),
        ),
    ]);
    let mut report = Report::build(&preview, &collected, fixed_time(), Some(&titles));
    // Failing resources and links come from the check data too.
    for rule in report.questions.iter_mut().flat_map(|q| q.rules.iter_mut()) {
        rule.knowledge_base_url = Some("https://kb.example/a>b<script>".into());
        for f in &mut rule.failing_resources {
            f.resource = Some("=cmd|' /C calc'!A0".into());
            f.message = Some("<img src=x onerror=alert(2)> [link](y) | x".into());
        }
    }
    report
}

#[test]
fn hostile_titles_and_tags_are_escaped_everywhere() {
    let report = hostile_report();
    let html = String::from_utf8(Format::Html.render(&report)).unwrap();
    assert!(!html.contains("<script"), "raw script tag in HTML");
    assert!(!html.contains("<img"), "raw img tag in HTML");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;")
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&quot;&gt;&lt;script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));

    let md = String::from_utf8(Format::Markdown.render(&report)).unwrap();
    assert!(!md.contains("<script") && !md.contains("<img"));
    assert!(md.contains("\\[link\\](y)"), "markdown link syntax escaped");
    assert!(md.contains("&lt;img src=x onerror=alert(2)&gt; \\[link\\](y) \\| x"));
    assert!(
        !md.contains("kb.example"),
        "a URL that could end its autolink is left out"
    );
    // Every row of a table has as many cell separators as the table's header.
    let mut header_pipes = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            header_pipes = None;
            continue;
        }
        let pipes = line.matches('|').count() - line.matches("\\|").count();
        let expected = *header_pipes.get_or_insert(pipes);
        assert_eq!(pipes, expected, "{line}");
    }

    let csv = String::from_utf8(Format::Csv.render(&report)).unwrap();
    assert!(csv.contains(",\"'=cmd|' /C calc'!A0\","), "{csv}");
    assert!(csv.contains("\"'+SUM(1,2)\r\n@x | [link](y)\""));
    assert!(csv.contains("\"<img src=x onerror=alert(1)> | =HYPERLINK(\"\"evil\"\",\"\"x\"\")\""));
    for cell in csv_cells(&csv) {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "formula cell {cell:?}"
        );
    }

    let json: serde_json::Value = serde_json::from_slice(&Format::Json.render(&report)).unwrap();
    assert_eq!(json["filter_tags"][0], "<img src=x onerror=alert(1)>");

    let pdf = Format::Pdf.render(&report);
    let text = pdf_text(&pdf);
    assert!(text.contains("alert"), "hostile text is printed as text");
}

/// A minimal RFC 4180 reader for the test.
fn csv_cells(text: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => cells.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                cells.push(std::mem::take(&mut cell));
            }
            (false, c) => cell.push(c),
        }
    }
    cells
}

fn pdf_text(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("text extracts")
}

#[test]
fn pdf_parses_back_with_every_question_and_the_totals() {
    let (preview, collected) = demo();
    let report = Report::build(&preview, &collected, fixed_time(), None);
    let pdf = Format::Pdf.render(&report);
    assert!(pdf.starts_with(b"%PDF-"));
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let pages = doc.get_pages().len();
    assert!(pages >= 3, "{pages} pages");
    let text = pdf_text(&pdf);
    for q in &report.questions {
        assert!(text.contains(&q.question_id), "{} missing", q.question_id);
        assert!(text.contains(&q.number), "{} missing", q.number);
    }
    assert!(text.contains("Appendix: evidence by question"));
    let riskiest = report
        .questions
        .iter()
        .flat_map(|q| q.failing_rules())
        .find_map(|r| r.failing_resources.first())
        .unwrap();
    assert!(
        text.contains(riskiest.resource.as_deref().unwrap()),
        "{riskiest:?}"
    );
    let thousands = |n: u64| {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    for total in [
        report.checks.counted,
        report.totals.successes,
        report.totals.failures,
        report.checks.left_out_total,
    ] {
        assert!(text.contains(&thousands(total)), "total {total} missing");
    }
    for p in &report.pillars {
        assert!(text.contains(&p.name));
    }
    assert!(text.contains("Needs a human answer"));
    assert!(text.contains(&format!("Page 1 of {pages}")));
}

#[test]
fn pdf_renders_with_pdftoppm() {
    let Ok(status) = std::process::Command::new("pdftoppm").arg("-v").output() else {
        missing(
            Prerequisite::Poppler,
            "pdftoppm is not installed (Debian: poppler-utils)",
        );
        return;
    };
    assert!(status.status.success() || !status.stderr.is_empty());
    let (preview, collected) = demo();
    let report = Report::build(&preview, &collected, fixed_time(), None);
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&pdf, Format::Pdf.render(&report)).unwrap();
    let out = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "40"])
        .arg(&pdf)
        .arg(dir.path().join("page"))
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pngs: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
        .collect();
    let pages = lopdf::Document::load_mem(&std::fs::read(&pdf).unwrap())
        .unwrap()
        .get_pages()
        .len();
    assert_eq!(pngs.len(), pages);
    for png in pngs {
        let bytes = std::fs::read(png.path()).unwrap();
        assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 1000);
    }
}

/// The names people give their workloads, accounts and tags, in their own languages.
const WORKLOAD: &str = "本番環境 – Zürich Ωμέγα";
const ACCOUNT: &str = "Produktionskonto Łódź / Москва";
const TAGS: [&str; 4] = [
    "Umgebung::Größenänderung",
    "Περιβάλλον::παραγωγή",
    "Среда::продакшн",
    "環境::本番",
];
const RULE_TITLE: &str = "S3 バケットの公開アクセスをブロックする";

fn multilingual_report() -> Report {
    let (mut preview, collected) = small_report();
    preview.workload_arn = Some(WORKLOAD.into());
    preview.account_id = Some(ACCOUNT.into());
    preview.filter_tags = TAGS.iter().map(|t| t.to_string()).collect();
    let titles = HashMap::from([("S3-001".to_string(), RULE_TITLE.to_string())]);
    Report::build(&preview, &collected, fixed_time(), Some(&titles))
}

/// Runs a poppler tool on `pdf` (`after` follows the file name) and returns its standard output;
/// `None` when poppler-utils is not installed and need not be (see `missing`).
fn poppler(tool: &str, args: &[&str], pdf: &Path, after: &[&Path]) -> Option<String> {
    let out = match std::process::Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(after)
        .output()
    {
        Ok(out) => out,
        Err(_) => {
            missing(
                Prerequisite::Poppler,
                &format!("{tool} is not installed (Debian: poppler-utils)"),
            );
            return None;
        }
    };
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("UTF-8 output"))
}

#[test]
fn a_pdf_in_many_languages_embeds_fonts_that_draw_and_give_back_its_text() {
    let report = multilingual_report();
    let rendered = Format::Pdf.render_with_warnings(&report);
    let pdf = rendered.bytes;
    assert!(
        rendered.warnings.is_empty(),
        "characters printed as ? (install fonts-dejavu-core and fonts-droid-fallback, \
         as `make deps` does): {:?}",
        rendered.warnings
    );
    assert_eq!(pdf, Format::Pdf.render(&report), "deterministic");
    let raw = String::from_utf8_lossy(&pdf);
    assert!(!raw.contains("/Helvetica"), "no standard font left");
    assert!(raw.contains("/Identity-H") && raw.contains("/ToUnicode"));
    let doc = lopdf::Document::load_mem(&pdf).expect("the PDF parses");
    let pages = doc.get_pages().len();
    assert!(pages >= 3, "{pages} pages");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let Some(text) = poppler("pdftotext", &["-enc", "UTF-8"], &path, &[Path::new("-")]) else {
        return;
    };
    let text = text.replace('\n', " ");
    for expected in [WORKLOAD, ACCOUNT, RULE_TITLE].iter().chain(&TAGS) {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
    // The rest of the report is still there, in the embedded Latin font.
    assert!(text.contains("Well-Architected Check Summary Report"));
    assert!(text.contains(&format!("Page {pages} of {pages}")));
    for q in &report.questions {
        assert!(text.contains(&q.question_id), "{}", q.question_id);
    }

    // Every font is embedded, subset and mapped to Unicode.
    let fonts = poppler("pdffonts", &[], &path, &[]).unwrap();
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(rows.len() >= 2, "{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert!(
            cols[0].len() > 7 && cols[0].as_bytes()[6] == b'+',
            "subset tag: {row}"
        );
        assert!(
            row.contains("CID TrueType") || row.contains("CID Type 0C"),
            "{row}"
        );
        assert_eq!(
            cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "emb sub uni: {row}"
        );
    }

    // Drawn: pdftoppm renders every page without a complaint.
    poppler(
        "pdftoppm",
        &["-png", "-r", "40"],
        &path,
        &[&dir.path().join("page")],
    )
    .unwrap();
    let pngs: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
        .collect();
    assert_eq!(pngs.len(), pages);
    for png in pngs {
        let bytes = std::fs::read(png.path()).unwrap();
        assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 1000);
    }
}

#[test]
fn characters_no_installed_font_has_print_as_question_marks_and_are_reported() {
    let (mut preview, collected) = small_report();
    preview.workload_arn = Some("Zürich Ωμέγα \u{10fffd}".into());
    let report = Report::build(&preview, &collected, fixed_time(), None);
    let rendered = Format::Pdf.render_with_warnings(&report);
    assert_eq!(rendered.warnings.len(), 1, "{:?}", rendered.warnings);
    assert!(
        rendered.warnings[0].contains("U+10FFFD") && rendered.warnings[0].contains('?'),
        "{:?}",
        rendered.warnings
    );
    // The other formats have nothing to warn about.
    assert!(Format::Html
        .render_with_warnings(&report)
        .warnings
        .is_empty());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &rendered.bytes).unwrap();
    let Some(text) = poppler("pdftotext", &["-enc", "UTF-8"], &path, &[Path::new("-")]) else {
        return;
    };
    let text = text.replace('\n', " ");
    assert!(text.contains("Zürich Ωμέγα ?"), "{text}");
    assert!(text.contains("U+10FFFD"), "the PDF says so too: {text}");
}

#[test]
fn every_format_renders_the_demo_deterministically() {
    let (preview, collected) = demo();
    let report = Report::build(&preview, &collected, fixed_time(), None);
    for format in Format::ALL {
        let a = format.render(&report);
        let b = format.render(&report);
        assert!(!a.is_empty());
        assert_eq!(a, b, "{format:?} is deterministic");
    }
}

/// A previous sync of the small report's workload: S3-001 failed 5 times where it now fails
/// twice, IAM-001 did not fail, and each pillar had 2 failures more than now.
fn previous_sync(preview: &PreviewReport) -> wa_sync_engine::history::Record {
    let mut previous = wa_sync_engine::history::record(preview, Some("shop"));
    previous.synced_at = "2025-01-30T12:00:00Z".into();
    for q in &mut previous.questions {
        if let Some(count) = q.failures_by_rule.get_mut("S3-001") {
            *count = 5;
        }
        q.failures_by_rule.remove("IAM-001");
    }
    for p in &mut previous.pillars {
        p.failures += 2;
    }
    previous
}

#[test]
fn a_report_compared_with_the_last_sync_shows_new_and_fixed_failures_in_every_format() {
    let (preview, collected) = small_report();
    let previous = previous_sync(&preview);
    let report =
        Report::build(&preview, &collected, fixed_time(), None).compared_with(&previous, &preview);
    let rule_failures = |q: &report::QuestionRow, rule: &str| {
        q.rules
            .iter()
            .find(|r| r.rule_id == rule)
            .map_or(0, |r| r.failures)
    };
    let mut both = None;
    for q in &report.questions {
        let change = q.since_last_sync.expect("every question is compared");
        let s3 = rule_failures(q, "S3-001");
        let iam = rule_failures(q, "IAM-001");
        let fixed = if s3 > 0 { 5 - s3 } else { 0 };
        assert_eq!(change.fixed_failures, fixed, "{}", q.question_id);
        assert_eq!(change.new_failures, iam, "{}", q.question_id);
        if s3 > 0 && iam > 0 {
            both = Some(q.question_id.clone());
        }
    }
    assert!(report
        .pillars
        .iter()
        .all(|p| p.failures_since_last_sync == Some(-2)));
    assert!(report
        .questions
        .iter()
        .any(|q| { q.since_last_sync.is_some_and(|c| c.fixed_failures == 3) }));

    let json: serde_json::Value = serde_json::from_slice(&Format::Json.render(&report)).unwrap();
    assert_eq!(json["since_last_sync"]["synced_at"], "2025-01-30T12:00:00Z");
    assert_eq!(json["pillars"][0]["failures_since_last_sync"], -2);
    let s3_question = report
        .questions
        .iter()
        .position(|q| rule_failures(q, "S3-001") > 0)
        .unwrap();
    assert_eq!(
        json["questions"][s3_question]["since_last_sync"]["fixed_failures"],
        3
    );

    let csv = String::from_utf8(Format::Csv.render(&report)).unwrap();
    let rows: Vec<&str> = csv.split("\r\n").filter(|row| !row.is_empty()).collect();
    let header = rows[0];
    assert!(
        header.ends_with(
            "question_new_failures_since_last_sync,question_fixed_failures_since_last_sync"
        ),
        "{header}"
    );
    let columns = csv_cells(header).len();
    assert!(rows.iter().all(|row| csv_cells(row).len() == columns));

    let md = String::from_utf8(Format::Markdown.render(&report)).unwrap();
    assert!(md.contains("| Since last sync |"), "{md}");
    assert!(md.contains("| Failures since last sync |"), "{md}");
    assert!(md.contains("3 fixed |"), "{md}");
    assert!(md.contains("Compared with"), "{md}");
    if both.is_some() {
        assert!(md.contains("+1 new, 3 fixed"), "{md}");
    }

    let html = String::from_utf8(Format::Html.render(&report)).unwrap();
    assert!(html.contains("<th>Since last sync</th>"));
    assert!(html.contains("<td>3 fixed</td>") || html.contains("3 fixed</td>"));
    assert!(html.contains("<td class=\"n\">-2</td>"));
    assert!(html.contains("colspan=\"8\""));

    let text = pdf_text(&Format::Pdf.render(&report));
    assert!(text.contains("Since last"), "{text}");
    assert!(text.contains("fixed"), "{text}");
    assert!(text.contains("Change"), "{text}");

    // Without a previous sync, none of it appears (the golden files above are unchanged).
    let plain = Report::build(&preview, &collected, fixed_time(), None);
    let md = String::from_utf8(Format::Markdown.render(&plain)).unwrap();
    assert!(!md.contains("since last sync") && !md.contains("Since last sync"));
    let json = String::from_utf8(Format::Json.render(&plain)).unwrap();
    assert!(!json.contains("since_last_sync"));
}
