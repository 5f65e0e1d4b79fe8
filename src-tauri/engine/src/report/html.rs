//! HTML: one self-contained file (inline CSS, inline SVG charts, no scripts, no links, no fetches)
//! that reads well on screen and prints cleanly; failing resources and best practices fold
//! open (`<details>`). Every value from the data is escaped.

use super::{
    evidence_label, resource_line, risk_label, score, signed, status_label, thousands, Assessment,
    PillarRow, QuestionRow, Report, RuleRow, RESOURCES_SHOWN,
};
use crate::checks::RiskLevel;
use crate::preview::EvidenceStatus;
use std::fmt::Write;

/// Fill colours shared with the PDF: successes, then failures by risk (highest first).
pub(crate) const SUCCESS_COLOUR: &str = "#2e7d32";
pub(crate) const RISK_COLOURS: [(RiskLevel, &str); 5] = [
    (RiskLevel::Extreme, "#6a1b1a"),
    (RiskLevel::VeryHigh, "#c62828"),
    (RiskLevel::High, "#ef6c00"),
    (RiskLevel::Medium, "#f9a825"),
    (RiskLevel::Low, "#fbe38e"),
];

const CSS: &str = r#"
:root{--ink:#1d2530;--muted:#5b6675;--line:#d8dee6;--bg:#f5f7fa;--accent:#123c69}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 "Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:28px 32px 48px;background:#fff}
header.title{border-bottom:3px solid var(--accent);padding-bottom:14px;margin-bottom:18px}
header.title h1{margin:0;font-size:26px;color:var(--accent)}
header.title p{margin:4px 0 0;color:var(--muted)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:14px 0 0}
dl.facts dt{color:var(--muted);font-weight:600}
dl.facts dd{margin:0;word-break:break-all}
h2{font-size:19px;color:var(--accent);margin:30px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(118px,1fr));gap:10px}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 12px}
.card .n{font-size:22px;font-weight:700}
.card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
.card.fail .n{color:#b71c1c}.card.ok .n{color:#2e7d32}.card.human .n{color:#8a4b00}
table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef2f7;font-weight:600;font-size:12px}
td.num,td.st{white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.pillar td{background:#f0f4f9;font-weight:700;color:var(--accent)}
tr.human td{background:#fff8ec}
.qid,.rid{color:var(--muted);font-family:Consolas,"DejaVu Sans Mono",monospace;font-size:12px}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600;white-space:nowrap}
.b-failing{background:#fde7e7;color:#a01919;border:1px solid #f3b7b7}
.b-passing{background:#e6f4ea;color:#1e6b2e;border:1px solid #b4dcbf}
.b-no-checks{background:#eceff3;color:#4a5563;border:1px solid #cfd6de}
.b-needs-human-answer{background:#fff1d6;color:#8a4b00;border:1px dashed #d99a2b}
.risk{font-weight:600}
.warn{border-left:4px solid #ef6c00;background:#fff4e5;padding:8px 12px;margin:10px 0}
.note{color:var(--muted)}
.chart{margin:8px 0 4px}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:12px;color:var(--muted);margin:4px 0 10px}
.legend i{display:inline-block;width:11px;height:11px;margin-right:5px;vertical-align:-1px;border-radius:2px}
footer{margin-top:36px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:8px}
@page{size:A4;margin:14mm}
@media print{
 body{background:#fff;font-size:11px}
 main{max-width:none;padding:0}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 h2{break-after:avoid}
 h3{break-after:avoid}
 tr,.card,svg{break-inside:avoid}
 thead{display:table-header-group}
 section#questions{break-before:page}
}
"#;

pub fn to_html(r: &Report) -> String {
    let mut o = String::with_capacity(64 * 1024);
    head(&mut o, r);
    title_block(&mut o, r);
    summary(&mut o, r);
    pillars(&mut o, r);
    questions(&mut o, r);
    failing_rules(&mut o, r);
    not_covered(&mut o, r);
    left_out(&mut o, r);
    footer(&mut o, r);
    o
}

/// The document up to `<main>`: metadata and the inline style sheet.
fn head(o: &mut String, r: &Report) {
    let title = format!("Check Summary Report - {}", r.accounts_text("account"));
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"{}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(&r.generator),
        esc(&title)
    );
}

fn title_block(o: &mut String, r: &Report) {
    o.push_str("<header class=\"title\">\n<h1>Well-Architected Check Summary Report</h1>\n");
    o.push_str(
        "<p>Trend Micro Conformity checks counted per AWS Well-Architected question</p>\n<dl class=\"facts\">\n",
    );
    for (label, value) in r.facts() {
        let _ = writeln!(o, "<dt>{label}</dt><dd>{}</dd>", esc(&value));
    }
    o.push_str("</dl>\n</header>\n");
}

fn summary(o: &mut String, r: &Report) {
    let t = &r.totals;
    o.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n");
    let card = |o: &mut String, class: &str, n: String, label: &str| {
        let _ = writeln!(
            o,
            "<div class=\"card {class}\"><div class=\"n\">{}</div><div class=\"l\">{label}</div></div>",
            esc(&n)
        );
    };
    card(o, "", thousands(r.checks.counted), "Checks counted");
    card(o, "ok", thousands(t.successes), "Successes");
    card(o, "fail", thousands(t.failures), "Failures");
    card(o, "", score(t.successes, t.failures), "Score");
    card(
        o,
        "",
        format!("{} of {}", t.questions_covered, t.questions),
        "Questions covered",
    );
    card(
        o,
        "human",
        t.questions_not_covered.to_string(),
        "Need a human answer",
    );
    card(o, "", thousands(r.checks.left_out_total), "Checks left out");
    o.push_str("</div>\n");
    for w in &r.warnings {
        let _ = writeln!(
            o,
            "<div class=\"warn\"><strong>Warning:</strong> {}</div>",
            esc(w)
        );
    }
    o.push_str("</section>\n");
}

fn pillars(o: &mut String, r: &Report) {
    o.push_str("<section id=\"pillars\">\n<h2>Pillars</h2>\n");
    o.push_str(&pillar_chart(&r.pillars));
    o.push_str("<div class=\"legend\">");
    let _ = write!(
        o,
        "<span><i style=\"background:{SUCCESS_COLOUR}\"></i>Successes</span>"
    );
    for (risk, colour) in RISK_COLOURS {
        let _ = write!(
            o,
            "<span><i style=\"background:{colour}\"></i>{} failures</span>",
            risk.label()
        );
    }
    o.push_str("</div>\n<table class=\"pillars\">\n<thead><tr><th>Pillar</th><th class=\"n\">Successes</th><th class=\"n\">Failures</th><th class=\"n\">Score</th>");
    for risk in RiskLevel::DESCENDING {
        let _ = write!(o, "<th class=\"n\">{}</th>", risk.label());
    }
    o.push_str("<th class=\"n\">Questions covered</th><th class=\"n\">Failing</th>");
    if r.since_last_sync.is_some() {
        o.push_str("<th class=\"n\">Failures since last sync</th>");
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for p in &r.pillars {
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
            esc(&p.name),
            thousands(p.successes),
            thousands(p.failures),
            score(p.successes, p.failures)
        );
        for risk in RiskLevel::DESCENDING {
            let _ = write!(
                o,
                "<td class=\"n\">{}</td>",
                thousands(p.by_risk.failures_at(risk))
            );
        }
        let _ = write!(
            o,
            "<td class=\"n\">{} of {}</td><td class=\"n\">{}</td>",
            p.questions_covered, p.questions, p.questions_failing
        );
        if let Some(change) = p.failures_since_last_sync {
            let _ = write!(o, "<td class=\"n\">{}</td>", signed(change));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n<p class=\"note\">A check counts once per pillar even when its rule informs several of the pillar's questions.</p>\n</section>\n");
}

fn questions(o: &mut String, r: &Report) {
    o.push_str("<section id=\"questions\">\n<h2>Questions</h2>\n<table class=\"questions\">\n<thead><tr><th>#</th><th>Question</th><th>Result</th><th class=\"n\">Successes</th><th class=\"n\">Failures</th><th>Highest risk</th><th>Notes</th>");
    let columns = if r.since_last_sync.is_some() {
        o.push_str("<th>Since last sync</th>");
        8
    } else {
        7
    };
    o.push_str("</tr></thead>\n<tbody>\n");
    for p in &r.pillars {
        let _ = writeln!(
            o,
            "<tr class=\"pillar\"><td colspan=\"{columns}\">{}</td></tr>",
            esc(&p.name)
        );
        for q in r.questions.iter().filter(|q| q.pillar_id == p.pillar_id) {
            question_row(o, q);
        }
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn failing_rules(o: &mut String, r: &Report) {
    o.push_str(
        "<section id=\"failing-rules\" class=\"rules\">\n<h2>Failing rules by question</h2>\n",
    );
    let mut any = false;
    for q in r.questions.iter().filter(|q| q.failures > 0) {
        any = true;
        let _ = writeln!(
            o,
            "<h3 id=\"q-{}\">{} {} <span class=\"qid\">{}</span></h3>",
            esc(&q.question_id),
            esc(&q.number),
            esc(&q.title),
            esc(&q.question_id)
        );
        o.push_str("<table class=\"rules\">\n<thead><tr><th>Rule</th><th>Title</th><th>Highest risk</th><th class=\"n\">Failures</th><th class=\"n\">Successes</th></tr></thead>\n<tbody>\n");
        for rule in q.failing_rules() {
            let _ = writeln!(
                o,
                "<tr><td class=\"rid\">{}</td><td>{}</td><td class=\"risk\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&rule.rule_id),
                esc(rule.title.as_deref().unwrap_or("(title unknown)")),
                risk_label(rule.highest_failure_risk),
                thousands(rule.failures),
                thousands(rule.successes)
            );
            failing_resources(o, rule);
        }
        o.push_str("</tbody>\n</table>\n");
        best_practices(o, q);
        let passing = q.rules.len() - q.failing_rules().count();
        if passing > 0 {
            let _ = writeln!(
                o,
                "<p class=\"note\">{passing} more rule(s) with only successes.</p>"
            );
        }
    }
    if !any {
        o.push_str("<p>No counted check failed.</p>\n");
    }
    o.push_str("</section>\n");
}

fn not_covered(o: &mut String, r: &Report) {
    o.push_str("<section id=\"not-covered\">\n<h2>Questions that need a human answer</h2>\n<p>No Conformity rule informs these questions, so wa-sync writes nothing for them; answer them in the review yourself.</p>\n");
    let uncovered: Vec<&QuestionRow> = r.not_covered().collect();
    if uncovered.is_empty() {
        o.push_str("<p>None: every question is informed by at least one rule.</p>\n");
    } else {
        o.push_str("<table class=\"human\">\n<thead><tr><th>#</th><th>Question</th><th>Pillar</th><th>Result</th></tr></thead>\n<tbody>\n");
        for q in uncovered {
            let _ = writeln!(
                o,
                "<tr class=\"human\"><td>{}</td><td>{} <span class=\"qid\">{}</span></td><td>{}</td><td>{}</td></tr>",
                esc(&q.number),
                esc(&q.title),
                esc(&q.question_id),
                esc(super::pillar_label(&q.pillar_id)),
                badge(q.assessment)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("</section>\n");
}

fn left_out(o: &mut String, r: &Report) {
    o.push_str("<section id=\"left-out\">\n<h2>Checks left out</h2>\n<table class=\"left-out\">\n<thead><tr><th>Reason</th><th class=\"n\">Checks</th><th>Meaning</th></tr></thead>\n<tbody>\n");
    for (reason, meaning, n) in r.left_out_rows() {
        let _ = writeln!(
            o,
            "<tr><td>{reason}</td><td class=\"n\">{}</td><td>{meaning}</td></tr>",
            thousands(n)
        );
    }
    let _ = writeln!(
        o,
        "<tr><td><strong>Total</strong></td><td class=\"n\"><strong>{}</strong></td><td>of {} checks fetched</td></tr>",
        thousands(r.checks.left_out_total),
        thousands(r.checks.fetched)
    );
    o.push_str("</tbody>\n</table>\n");
    if !r.unmapped_rules.is_empty() {
        o.push_str("<h3>Rules that map to no question</h3>\n<table class=\"unmapped\">\n<thead><tr><th>Rule</th><th>Title</th><th class=\"n\">Checks</th><th>Reason</th></tr></thead>\n<tbody>\n");
        for u in &r.unmapped_rules {
            let _ = writeln!(
                o,
                "<tr><td class=\"rid\">{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(&u.rule_id),
                esc(u.title.as_deref().unwrap_or("(title unknown)")),
                thousands(u.checks),
                esc(&u.reason)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("</section>\n");
}

fn footer(o: &mut String, r: &Report) {
    let _ = writeln!(
        o,
        "<footer>Generated {} by {} · report schema {}</footer>\n</main>\n</body>\n</html>",
        esc(&r.generated_at),
        esc(&r.generator),
        esc(&r.schema)
    );
}

fn question_row(o: &mut String, q: &QuestionRow) {
    let class = if q.assessment == Assessment::NeedsHumanAnswer {
        " class=\"human\""
    } else {
        ""
    };
    let _ = writeln!(
        o,
        "<tr{class}><td class=\"num\">{}</td><td>{}<br><span class=\"qid\">{}</span></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"risk\">{}</td><td>{}</td>{}</tr>",
        esc(&q.number),
        esc(&q.title),
        esc(&q.question_id),
        badge(q.assessment),
        thousands(q.successes),
        thousands(q.failures),
        risk_label(q.highest_failure_risk),
        esc(&status_label(q)),
        q.since_last_sync
            .map_or(String::new(), |c| format!("<td>{}</td>", esc(&c.label())))
    );
}

/// A rule's riskiest failing resources, folded under the rule's row. The knowledge-base page is
/// left out: the file holds no links.
fn failing_resources(o: &mut String, rule: &RuleRow) {
    if rule.failing_resources.is_empty() {
        return;
    }
    let shown = rule.failing_resources.len().min(RESOURCES_SHOWN);
    let which = if (rule.failing_resources_total as usize) > shown {
        format!(
            "the {shown} riskiest of {}",
            thousands(rule.failing_resources_total)
        )
    } else {
        format!("{shown}")
    };
    let _ = writeln!(
        o,
        "<tr class=\"resources\"><td colspan=\"5\"><details><summary>Failing resources: {which}</summary><ul>"
    );
    for f in rule.failing_resources.iter().take(RESOURCES_SHOWN) {
        let (name, message) = resource_line(f);
        let _ = write!(
            o,
            "<li><span class=\"rid\">{}</span> · {}",
            esc(&name),
            f.risk_level.label()
        );
        if !message.is_empty() {
            let _ = write!(o, " · {}", esc(&message));
        }
        o.push_str("</li>\n");
    }
    o.push_str("</ul></details></td></tr>\n");
}

/// The question's best practices with what the counted rules say, folded.
fn best_practices(o: &mut String, q: &QuestionRow) {
    if q.best_practices.is_empty() {
        return;
    }
    let (with, without) = q.practices_split();
    let failing = with
        .iter()
        .filter(|p| p.status == EvidenceStatus::Failing)
        .count();
    let _ = writeln!(
        o,
        "<details class=\"practices\"><summary>Best practices: {failing} failing, {} all passing, {} without evidence</summary>",
        with.len() - failing,
        without.len()
    );
    o.push_str("<table class=\"rules\">\n<thead><tr><th>Best practice</th><th>Title</th><th>Evidence</th><th class=\"n\">Failures</th><th>Rules</th></tr></thead>\n<tbody>\n");
    for p in &q.best_practices {
        let _ = writeln!(
            o,
            "<tr><td class=\"rid\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"rid\">{}</td></tr>",
            esc(&p.id),
            esc(&p.title),
            evidence_label(p.status),
            thousands(p.failures),
            esc(&p.rule_ids.join(", "))
        );
    }
    o.push_str("</tbody>\n</table>\n</details>\n");
}

fn badge(a: Assessment) -> String {
    let class = match a {
        Assessment::Failing => "failing",
        Assessment::Passing => "passing",
        Assessment::NoChecks => "no-checks",
        Assessment::NeedsHumanAnswer => "needs-human-answer",
    };
    format!("<span class=\"badge b-{class}\">{}</span>", a.label())
}

/// One 100% stacked bar per pillar: successes, then failures by risk.
fn pillar_chart(pillars: &[PillarRow]) -> String {
    const W: f64 = 1000.0;
    const LABEL: f64 = 190.0;
    const BAR: f64 = 520.0;
    const ROW: f64 = 36.0;
    let h = ROW * pillars.len() as f64 + 8.0;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {h}\" width=\"100%\" role=\"img\" aria-label=\"Successes and failures by risk per pillar\" font-family=\"Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif\" font-size=\"14\">"
    );
    for (i, p) in pillars.iter().enumerate() {
        let y = 4.0 + i as f64 * ROW;
        let total = p.successes + p.failures;
        let _ = writeln!(
            o,
            "<text x=\"0\" y=\"{:.1}\" fill=\"#1d2530\">{}</text>",
            y + 19.0,
            esc(&p.name)
        );
        let _ = writeln!(
            o,
            "<rect x=\"{LABEL}\" y=\"{y:.1}\" width=\"{BAR}\" height=\"24\" fill=\"#eceff3\"/>"
        );
        if total > 0 {
            let mut x = LABEL;
            let mut segments = vec![("Successes", p.successes, SUCCESS_COLOUR)];
            for (risk, colour) in RISK_COLOURS {
                segments.push((risk.label(), p.by_risk.failures_at(risk), colour));
            }
            for (label, n, colour) in segments {
                if n == 0 {
                    continue;
                }
                let w = BAR * n as f64 / total as f64;
                let _ = writeln!(
                    o,
                    "<rect x=\"{x:.2}\" y=\"{y:.1}\" width=\"{w:.2}\" height=\"24\" fill=\"{colour}\"><title>{}: {} {}</title></rect>",
                    esc(&p.name),
                    thousands(n),
                    label
                );
                x += w;
            }
        }
        let _ = writeln!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#5b6675\">{} checks · {} failing · {}</text>",
            LABEL + BAR + 12.0,
            y + 17.0,
            thousands(total),
            thousands(p.failures),
            score(p.successes, p.failures)
        );
    }
    o.push_str("</svg>\n");
    o
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>alert(\"x\")</script> & 'y'"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }
}
