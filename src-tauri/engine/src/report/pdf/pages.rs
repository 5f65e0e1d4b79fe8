//! The report's sections, in the order the HTML report has them.

use super::*;

pub(super) fn title_block(w: &mut Writer, r: &Report) {
    w.rect(MARGIN, w.y - 4.0, CONTENT_W, 4.0, ACCENT);
    w.y -= 30.0;
    w.text(
        MARGIN,
        w.y,
        20.0,
        Font::Bold,
        ACCENT,
        "Well-Architected Check Summary Report",
    );
    w.y -= 16.0;
    w.text(
        MARGIN,
        w.y,
        9.5,
        Font::Regular,
        MUTED,
        "Trend Micro Conformity checks counted per AWS Well-Architected question",
    );
    w.y -= 10.0;
    for (label, value) in r.facts() {
        let lines = w.wrap(&value, CONTENT_W - 100.0, 9.0, Font::Regular);
        w.ensure(12.0 * lines.len() as f32);
        w.text(MARGIN, w.y - 12.0, 9.0, Font::Bold, MUTED, label);
        for line in lines {
            w.y -= 12.0;
            w.text(MARGIN + 100.0, w.y, 9.0, Font::Regular, INK, &line);
        }
    }
    w.y -= 8.0;
    w.hline(MARGIN, w.y, CONTENT_W, ACCENT, 1.5);
}

pub(super) fn summary(w: &mut Writer, r: &Report, notes: &[String]) {
    w.heading("Summary");
    let t = &r.totals;
    let cards = [
        (thousands(r.checks.counted), "CHECKS COUNTED", INK),
        (thousands(t.successes), "SUCCESSES", hex("#2e7d32")),
        (thousands(t.failures), "FAILURES", hex("#b71c1c")),
        (score(t.successes, t.failures), "SCORE", INK),
        (
            format!("{} of {}", t.questions_covered, t.questions),
            "QUESTIONS COVERED",
            INK,
        ),
        (
            t.questions_not_covered.to_string(),
            "NEED A HUMAN ANSWER",
            hex("#8a4b00"),
        ),
        (thousands(r.checks.left_out_total), "CHECKS LEFT OUT", INK),
    ];
    let per_row = 4;
    let gap = 8.0;
    let cw = (CONTENT_W - gap * (per_row as f32 - 1.0)) / per_row as f32;
    let ch = 40.0;
    for chunk in cards.chunks(per_row) {
        w.ensure(ch + gap);
        for (i, (n, label, colour)) in chunk.iter().enumerate() {
            let x = MARGIN + i as f32 * (cw + gap);
            w.page
                .set_stroke_rgb(LINE.0, LINE.1, LINE.2)
                .set_line_width(0.8)
                .rect(x, w.y - ch, cw, ch)
                .stroke();
            let y = w.y;
            w.text(x + 8.0, y - 18.0, 15.0, Font::Bold, *colour, n);
            w.text(x + 8.0, y - 32.0, 7.0, Font::Regular, MUTED, label);
        }
        w.y -= ch + gap;
    }
    for warning in r.warnings.iter().chain(notes) {
        w.paragraph(&format!("Warning: {warning}"), 8.5, hex("#a04000"));
    }
}

pub(super) fn pillars(w: &mut Writer, r: &Report) {
    w.heading("Pillars");
    pillar_chart(w, r);
    pillar_legend(w);
    pillar_table(w, r);
}

/// The pillar names' column left of the chart's bars, which the legend lines up with.
const CHART_LABEL_W: f32 = 120.0;

/// One 100% stacked bar per pillar: successes, then failures by risk.
fn pillar_chart(w: &mut Writer, r: &Report) {
    let bar_w = 250.0;
    let row_h = 22.0;
    w.ensure(row_h * r.pillars.len() as f32 + 30.0);
    for p in &r.pillars {
        let y = w.y - 16.0;
        w.text(MARGIN, y + 3.5, 9.0, Font::Regular, INK, &p.name);
        let x0 = MARGIN + CHART_LABEL_W;
        w.rect(x0, y, bar_w, 13.0, hex("#eceff3"));
        let total = p.successes + p.failures;
        if total > 0 {
            let mut x = x0;
            let mut segments = vec![(p.successes, hex(SUCCESS_COLOUR))];
            for (risk, colour) in RISK_COLOURS {
                segments.push((p.by_risk.failures_at(risk), hex(colour)));
            }
            for (n, colour) in segments {
                if n == 0 {
                    continue;
                }
                let sw = bar_w * n as f32 / total as f32;
                w.rect(x, y, sw, 13.0, colour);
                x += sw;
            }
        }
        w.text(
            x0 + bar_w + 8.0,
            y + 3.5,
            8.0,
            Font::Regular,
            MUTED,
            &format!(
                "{} checks · {} failing · {}",
                thousands(total),
                thousands(p.failures),
                score(p.successes, p.failures)
            ),
        );
        w.y -= row_h;
    }
}

/// Below the chart, aligned with its bars.
fn pillar_legend(w: &mut Writer) {
    let mut x = MARGIN + CHART_LABEL_W;
    let y = w.y - 8.0;
    let mut items = vec![("Successes".to_string(), hex(SUCCESS_COLOUR))];
    for (risk, colour) in RISK_COLOURS {
        items.push((risk.label().to_string(), hex(colour)));
    }
    for (label, colour) in items {
        w.rect(x, y, 7.0, 7.0, colour);
        w.text(x + 10.0, y + 0.5, 7.0, Font::Regular, MUTED, &label);
        x += 18.0 + w.width(&label, 7.0, Font::Regular);
    }
    w.text(
        x + 4.0,
        y + 0.5,
        7.0,
        Font::Regular,
        MUTED,
        "(failures by risk)",
    );
    w.y -= 22.0;
}

fn pillar_table(w: &mut Writer, r: &Report) {
    // The change since the last sync takes its room from the pillar's name.
    let compared = r.since_last_sync.is_some();
    let mut cols = vec![
        col("Pillar", if compared { 75.0 } else { 111.0 }, Align::Left),
        col("Successes", 50.0, Align::Right),
        col("Failures", 44.0, Align::Right),
        col("Score", 32.0, Align::Right),
    ];
    for (risk, title) in [
        (RiskLevel::Extreme, "Extreme"),
        (RiskLevel::VeryHigh, "Very High"),
        (RiskLevel::High, "High"),
        (RiskLevel::Medium, "Medium"),
        (RiskLevel::Low, "Low"),
    ] {
        let _ = risk;
        cols.push(col(title, 40.0, Align::Right));
    }
    cols.push(col("Covered", 44.0, Align::Right));
    cols.push(col("Failing", 30.5, Align::Right));
    if compared {
        cols.push(col("Change", 36.0, Align::Right));
    }
    let rows = r
        .pillars
        .iter()
        .map(|p| {
            let mut cells = vec![
                cell(p.name.clone()),
                cell(thousands(p.successes)),
                cell(thousands(p.failures)),
                cell(score(p.successes, p.failures)),
            ];
            for risk in RiskLevel::DESCENDING {
                cells.push(cell(thousands(p.by_risk.failures_at(risk))));
            }
            cells.push(cell(format!("{} of {}", p.questions_covered, p.questions)));
            cells.push(cell(p.questions_failing.to_string()));
            if let Some(change) = p.failures_since_last_sync {
                cells.push(cell(signed(change)));
            }
            row(cells)
        })
        .collect();
    w.table(&cols, rows);
    w.paragraph(
        "A check counts once per pillar even when its rule informs several of the pillar's questions. Covered: questions informed by at least one rule; Failing: questions with at least one failure.",
        7.5,
        MUTED,
    );
}

pub(super) fn questions(w: &mut Writer, r: &Report) {
    // The long question table starts on a fresh page unless most of this one is still free.
    if w.y < PAGE_H * 0.4 {
        w.new_page();
    }
    w.heading("Questions");
    // The change since the last sync takes its room from the question's title.
    let compared = r.since_last_sync.is_some();
    let mut cols = vec![
        col("#", 36.0, Align::Left),
        col(
            "Question",
            if compared { 122.0 } else { 182.0 },
            Align::Left,
        ),
        col("Result", 106.0, Align::Left),
        col("Successes", 44.0, Align::Right),
        col("Failures", 40.0, Align::Right),
        col("Highest risk", 48.0, Align::Left),
        col("Notes", 55.28, Align::Left),
    ];
    if compared {
        cols.push(col("Since last sync", 60.0, Align::Left));
    }
    let mut rows = Vec::new();
    for p in &r.pillars {
        rows.push(Row {
            cells: vec![Cell {
                lines: vec![(p.name.clone(), Font::Bold, ACCENT)],
                badge: None,
            }],
            fill: Some(PILLAR_BG),
            span: true,
        });
        for q in r.questions.iter().filter(|q| q.pillar_id == p.pillar_id) {
            let human = q.assessment == Assessment::NeedsHumanAnswer;
            rows.push(Row {
                cells: vec![
                    number_cell(q),
                    title_cell(q),
                    assessment_cell(q),
                    cell(thousands(q.successes)),
                    cell(thousands(q.failures)),
                    Cell {
                        lines: vec![(
                            risk_label(q.highest_failure_risk).to_string(),
                            Font::Bold,
                            INK,
                        )],
                        badge: None,
                    },
                    cell(status_label(q)),
                ]
                .into_iter()
                .chain(q.since_last_sync.map(|c| cell(c.label())))
                .collect(),
                fill: human.then_some(HUMAN_BG),
                span: false,
            });
        }
    }
    w.table(&cols, rows);
}

pub(super) fn failing_rules(w: &mut Writer, r: &Report) {
    w.heading("Failing rules by question");
    let cols = [
        col("Rule", 92.0, Align::Left),
        col("Title", 263.0, Align::Left),
        col("Highest risk", 60.0, Align::Left),
        col("Failures", 48.0, Align::Right),
        col("Successes", 48.28, Align::Right),
    ];
    let mut any = false;
    for q in r.questions.iter().filter(|q| q.failures > 0) {
        any = true;
        w.subheading(&format!("{} {}  ({})", q.number, q.title, q.question_id));
        let rows = q
            .failing_rules()
            .map(|rule| {
                row(vec![
                    cell(rule.rule_id.clone()),
                    cell(
                        rule.title
                            .clone()
                            .unwrap_or_else(|| "(title unknown)".into()),
                    ),
                    Cell {
                        lines: vec![(
                            risk_label(rule.highest_failure_risk).to_string(),
                            Font::Bold,
                            INK,
                        )],
                        badge: None,
                    },
                    cell(thousands(rule.failures)),
                    cell(thousands(rule.successes)),
                ])
            })
            .collect();
        w.table(&cols, rows);
        let passing = q.rules.len() - q.failing_rules().count();
        if passing > 0 {
            w.y += 4.0;
            w.paragraph(
                &format!("{passing} more rule(s) with only successes."),
                7.5,
                MUTED,
            );
        }
    }
    if !any {
        w.paragraph("No counted check failed.", 9.0, INK);
    }
}

pub(super) fn not_covered(w: &mut Writer, r: &Report) {
    w.heading("Questions that need a human answer");
    w.paragraph(
        "No Conformity rule informs these questions, so wa-sync writes nothing for them; answer them in the review yourself.",
        9.0,
        INK,
    );
    let rows: Vec<Row> = r
        .not_covered()
        .map(|q| Row {
            cells: vec![
                number_cell(q),
                title_cell(q),
                cell(pillar_label(&q.pillar_id).to_string()),
                assessment_cell(q),
            ],
            fill: Some(HUMAN_BG),
            span: false,
        })
        .collect();
    if rows.is_empty() {
        w.paragraph(
            "None: every question is informed by at least one rule.",
            9.0,
            INK,
        );
    } else {
        let cols = [
            col("#", 45.0, Align::Left),
            col("Question", 270.0, Align::Left),
            col("Pillar", 100.0, Align::Left),
            col("Result", 96.28, Align::Left),
        ];
        w.table(&cols, rows);
    }
}

/// A question's number, in bold.
fn number_cell(q: &QuestionRow) -> Cell {
    Cell {
        lines: vec![(q.number.clone(), Font::Bold, INK)],
        badge: None,
    }
}

/// A question's title over its ID.
fn title_cell(q: &QuestionRow) -> Cell {
    Cell {
        lines: vec![
            (q.title.clone(), Font::Regular, INK),
            (q.question_id.clone(), Font::Regular, MUTED),
        ],
        badge: None,
    }
}

/// What a question needs, as a coloured badge.
fn assessment_cell(q: &QuestionRow) -> Cell {
    Cell {
        lines: vec![(q.assessment.label().to_string(), Font::Bold, INK)],
        badge: Some(badge_colours(q.assessment)),
    }
}
