//! Markdown (CommonMark with GitHub tables). Every value from the data is escaped so titles and
//! tags cannot add markup, links or raw HTML.

use super::{
    evidence_label, resource_line, risk_label, score, signed, status_label, thousands, Assessment,
    Report, RESOURCES_SHOWN,
};
use crate::checks::RiskLevel;
use std::fmt::Write;

pub fn to_markdown(r: &Report) -> String {
    let mut out = String::new();
    let o = &mut out;
    title_block(o, r);
    summary(o, r);
    pillars(o, r);
    questions(o, r);
    failing_rules(o, r);
    best_practices(o, r);
    not_covered(o, r);
    left_out(o, r);
    out
}

fn title_block(o: &mut String, r: &Report) {
    let _ = writeln!(o, "# Well-Architected Check Summary Report\n");
    for (label, value) in r.facts() {
        let _ = writeln!(o, "- **{label}:** {}", md(&value));
    }
    let _ = writeln!(o);
}

fn summary(o: &mut String, r: &Report) {
    let t = &r.totals;
    let _ = writeln!(o, "## Summary\n");
    let _ = writeln!(
        o,
        "- **Checks counted:** {} of {} fetched ({} left out)",
        thousands(r.checks.counted),
        thousands(r.checks.fetched),
        thousands(r.checks.left_out_total)
    );
    let _ = writeln!(
        o,
        "- **Successes:** {} · **Failures:** {} · **Score:** {}",
        thousands(t.successes),
        thousands(t.failures),
        score(t.successes, t.failures)
    );
    let _ = writeln!(
        o,
        "- **Questions:** {} covered by checks, {} failing, **{} need a human answer**",
        t.questions_covered, t.questions_failing, t.questions_not_covered
    );
    if !r.warnings.is_empty() {
        let _ = writeln!(o, "\n**Warnings**\n");
        for w in &r.warnings {
            let _ = writeln!(o, "- {}", md(w));
        }
    }
}

fn pillars(o: &mut String, r: &Report) {
    let _ = writeln!(o, "\n## Pillars\n");
    let compared = r.since_last_sync.is_some();
    let _ = writeln!(
        o,
        "| Pillar | Successes | Failures | Score | Failures by risk (E/VH/H/M/L) | Questions covered | Failing |{}",
        if compared { " Failures since last sync |" } else { "" }
    );
    let _ = writeln!(
        o,
        "|---|---:|---:|---:|---|---:|---:|{}",
        if compared { "---:|" } else { "" }
    );
    for p in &r.pillars {
        let by_risk: Vec<String> = RiskLevel::DESCENDING
            .iter()
            .map(|risk| thousands(p.by_risk.failures_at(*risk)))
            .collect();
        let _ = write!(
            o,
            "| {} | {} | {} | {} | {} | {} of {} | {} |",
            md(&p.name),
            thousands(p.successes),
            thousands(p.failures),
            score(p.successes, p.failures),
            by_risk.join(" / "),
            p.questions_covered,
            p.questions,
            p.questions_failing
        );
        if let Some(change) = p.failures_since_last_sync {
            let _ = write!(o, " {} |", signed(change));
        }
        o.push('\n');
    }
}

fn questions(o: &mut String, r: &Report) {
    let _ = writeln!(o, "\n## Questions\n");
    let compared = r.since_last_sync.is_some();
    let _ = writeln!(
        o,
        "| # | Question | Result | Successes | Failures | Highest risk | Notes |{}",
        if compared { " Since last sync |" } else { "" }
    );
    let _ = writeln!(
        o,
        "|---|---|---|---:|---:|---|---|{}",
        if compared { "---|" } else { "" }
    );
    for q in &r.questions {
        let result = match q.assessment {
            Assessment::NeedsHumanAnswer => "**Needs a human answer**".to_string(),
            a => a.label().to_string(),
        };
        let _ = write!(
            o,
            "| {} | {} ({}) | {} | {} | {} | {} | {} |",
            md(&q.number),
            md(&q.title),
            code(&q.question_id),
            result,
            thousands(q.successes),
            thousands(q.failures),
            risk_label(q.highest_failure_risk),
            md(&status_label(q))
        );
        if let Some(change) = q.since_last_sync {
            let _ = write!(o, " {} |", change.label());
        }
        o.push('\n');
    }
}

fn failing_rules(o: &mut String, r: &Report) {
    let _ = writeln!(o, "\n## Failing rules by question\n");
    let mut any = false;
    for q in r.questions.iter().filter(|q| q.failures > 0) {
        any = true;
        let _ = writeln!(o, "### {} {}\n", md(&q.number), md(&q.title));
        let _ = writeln!(o, "| Rule | Title | Highest risk | Failures | Successes |");
        let _ = writeln!(o, "|---|---|---|---:|---:|");
        for rule in q.failing_rules() {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                code(&rule.rule_id),
                md(rule.title.as_deref().unwrap_or("(title unknown)")),
                risk_label(rule.highest_failure_risk),
                thousands(rule.failures),
                thousands(rule.successes)
            );
        }
        let passing = q.rules.len() - q.failing_rules().count();
        if passing > 0 {
            let _ = writeln!(o, "\n{passing} more rule(s) with only successes.");
        }
        let _ = writeln!(o);
        for rule in q.failing_rules() {
            let _ = write!(
                o,
                "**{}** failing resources ({} in all",
                code(&rule.rule_id),
                thousands(rule.failing_resources_total)
            );
            if rule.failing_resources_total as usize > RESOURCES_SHOWN {
                let _ = write!(o, ", the {RESOURCES_SHOWN} riskiest");
            }
            let _ = write!(o, ")");
            if let Some(url) = rule.knowledge_base_url.as_deref().and_then(autolink) {
                let _ = write!(o, " · knowledge base: {url}");
            }
            let _ = writeln!(o, "\n");
            for f in rule.failing_resources.iter().take(RESOURCES_SHOWN) {
                let (name, message) = resource_line(f);
                let _ = write!(o, "- {} · {}", md(&name), f.risk_level.label());
                if !message.is_empty() {
                    let _ = write!(o, " · {}", md(&message));
                }
                let _ = writeln!(o);
            }
            let _ = writeln!(o);
        }
    }
    if !any {
        let _ = writeln!(o, "No counted check failed.\n");
    }
}

fn best_practices(o: &mut String, r: &Report) {
    let _ = writeln!(o, "## Best practices by question\n");
    let _ = writeln!(
        o,
        "What the counted rules say about each best practice. Evidence only: the choices in the review stay yours.\n"
    );
    for q in r.questions.iter().filter(|q| !q.rules.is_empty()) {
        let (with, without) = q.practices_split();
        let _ = writeln!(o, "### {} {}\n", md(&q.number), md(&q.title));
        if !with.is_empty() {
            let _ = writeln!(o, "| Best practice | Title | Evidence | Failures | Rules |");
            let _ = writeln!(o, "|---|---|---|---:|---|");
            for p in with {
                let rules: Vec<String> = p.rule_ids.iter().map(|id| code(id)).collect();
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | {} |",
                    code(&p.id),
                    md(&p.title),
                    evidence_label(p.status),
                    thousands(p.failures),
                    rules.join(", ")
                );
            }
            let _ = writeln!(o);
        }
        if !without.is_empty() {
            let ids: Vec<String> = without.iter().map(|id| code(id)).collect();
            let _ = writeln!(o, "No evidence: {}\n", ids.join(", "));
        }
    }
}

fn not_covered(o: &mut String, r: &Report) {
    let _ = writeln!(o, "## Questions that need a human answer\n");
    let _ = writeln!(
        o,
        "No Conformity rule informs these questions; answer them in the review yourself.\n"
    );
    let mut none = true;
    for q in r.not_covered() {
        none = false;
        let _ = writeln!(
            o,
            "- **{}** {} ({})",
            md(&q.number),
            md(&q.title),
            code(&q.question_id)
        );
    }
    if none {
        let _ = writeln!(o, "- none");
    }
}

fn left_out(o: &mut String, r: &Report) {
    let _ = writeln!(o, "\n## Checks left out\n");
    let _ = writeln!(o, "| Reason | Checks | Meaning |");
    let _ = writeln!(o, "|---|---:|---|");
    for (reason, meaning, n) in r.left_out_rows() {
        let _ = writeln!(o, "| {reason} | {} | {meaning} |", thousands(n));
    }
    let _ = writeln!(
        o,
        "| **Total** | **{}** | |",
        thousands(r.checks.left_out_total)
    );
    if !r.unmapped_rules.is_empty() {
        let _ = writeln!(o, "\n### Rules that map to no question\n");
        let _ = writeln!(o, "| Rule | Title | Checks | Reason |");
        let _ = writeln!(o, "|---|---|---:|---|");
        for u in &r.unmapped_rules {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                code(&u.rule_id),
                md(u.title.as_deref().unwrap_or("(title unknown)")),
                thousands(u.checks),
                md(&u.reason)
            );
        }
    }
}

/// Escapes text so it renders literally, also inside a table cell.
pub(crate) fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' | '\n' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An `https://` URL as an autolink, or `None` when it holds a character that could end one.
fn autolink(url: &str) -> Option<String> {
    crate::checks::https_only(url)
        .filter(|u| {
            !u.chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
        })
        .map(|u| format!("<{u}>"))
}

/// An identifier in a code span; IDs with unusual characters fall back to escaped text.
fn code(id: &str) -> String {
    if id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
    {
        format!("`{id}`")
    } else {
        md(id)
    }
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            md("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(md("a|b [x](y) *z*"), "a\\|b \\[x\\](y) \\*z\\*");
    }
}
