//! PDF: the HTML report's content on A4 pages, drawn with `pdf-writer`, with the pillar chart as
//! vector shapes.
//!
//! A report whose every character is in WinAnsi is drawn in the PDF standard fonts Helvetica and
//! Helvetica-Bold, so nothing is embedded. Any other report (workload names, accounts and tags in
//! Japanese, Greek, Cyrillic, …) is laid out again in installed fonts embedded as subsets (see
//! [`super::pdf_fonts`]); characters that no installed font has print as `?`, and the export says
//! so.

mod appendix;
mod file;
mod pages;
#[cfg(test)]
mod tests;
mod text;
mod writer;

// The parts share one vocabulary (page geometry, colours, the writer and its tables), so each
// sees the others' items whole, as when they were one file.
use appendix::*;
use file::*;
use pages::*;
use text::*;
use writer::*;

use super::html::{RISK_COLOURS, SUCCESS_COLOUR};
use super::pdf_fonts::FontSet;
use super::pdf_metrics::{HELVETICA, HELVETICA_BOLD};
use super::{
    evidence_label, pillar_label, resource_line, risk_label, score, signed, status_label,
    thousands, Assessment, QuestionRow, Report,
};
use crate::checks::RiskLevel;
use pdf_writer::types::TextRenderingMode;
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::collections::BTreeSet;

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 42.0;
const TOP: f32 = PAGE_H - 46.0;
const BOTTOM: f32 = 52.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;

type Rgb = (f32, f32, f32);
const INK: Rgb = (0.114, 0.145, 0.188);
const MUTED: Rgb = (0.357, 0.4, 0.459);
const ACCENT: Rgb = (0.071, 0.235, 0.412);
const LINE: Rgb = (0.847, 0.871, 0.902);
const HEAD_BG: Rgb = (0.933, 0.949, 0.969);
const PILLAR_BG: Rgb = (0.941, 0.957, 0.976);
const HUMAN_BG: Rgb = (1.0, 0.973, 0.925);

fn badge_colours(a: Assessment) -> (Rgb, Rgb) {
    match a {
        Assessment::Failing => (hex("#fde7e7"), hex("#a01919")),
        Assessment::Passing => (hex("#e6f4ea"), hex("#1e6b2e")),
        Assessment::NoChecks => (hex("#eceff3"), hex("#4a5563")),
        Assessment::NeedsHumanAnswer => (hex("#ffe3ad"), hex("#8a4b00")),
    }
}

/// The report as a PDF.
pub fn to_pdf(r: &Report) -> Vec<u8> {
    to_pdf_with_warnings(r).0
}

/// The report as a PDF, and what could not be drawn as asked (characters no installed font has,
/// a font that could not be embedded). The warnings are printed in the PDF's summary too.
pub fn to_pdf_with_warnings(r: &Report) -> (Vec<u8>, Vec<String>) {
    let (pages, seen) = layout(r, Fonts::Standard, &[]);
    if !seen.beyond_winansi() {
        return (standard(r, pages), Vec::new());
    }
    // Text outside WinAnsi: lay the report out again in installed fonts that have it.
    let chars = seen.chars();
    let Some(set) = FontSet::for_chars(&chars) else {
        let beyond: Vec<char> = chars
            .into_iter()
            .filter(|&c| winansi_code(c).is_none() && !c.is_control())
            .collect();
        let warnings = vec![format!(
            "No installed font was found for {}; they print as ?. Install a font that has them \
             (such as Noto Sans and Noto Sans CJK) and export again.",
            describe(&beyond)
        )];
        let (pages, _) = layout(r, Fonts::Standard, &warnings);
        return (standard(r, pages), warnings);
    };
    let missing = |missing: Vec<char>| {
        (!missing.is_empty()).then(|| {
            format!(
                "No installed font has {}; they print as ?.",
                describe(&missing)
            )
        })
    };
    let mut warnings: Vec<String> = missing(set.missing()).into_iter().collect();
    let (pages, _) = layout(r, Fonts::Embedded(&set), &warnings);
    match assemble(r, pages, &Fonts::Embedded(&set)) {
        Ok(bytes) => {
            // Characters found missing only while drawing, if any, are in the list returned.
            (bytes, missing(set.missing()).into_iter().collect())
        }
        Err(error) => {
            // A font that cannot be embedded: the standard fonts, with `?`.
            warnings.push(format!(
                "{error}; characters outside WinAnsi print as ? instead."
            ));
            let (pages, _) = layout(r, Fonts::Standard, &warnings);
            (standard(r, pages), warnings)
        }
    }
}

/// The PDF of pages drawn in the standard fonts.
fn standard(r: &Report, pages: Vec<Content>) -> Vec<u8> {
    assemble(r, pages, &Fonts::Standard).expect("the standard fonts embed nothing")
}

/// "the characters U+10FFFD, U+E000" (at most eight named).
fn describe(chars: &[char]) -> String {
    let mut named: Vec<String> = chars
        .iter()
        .take(8)
        .map(|c| format!("U+{:04X}", *c as u32))
        .collect();
    if chars.len() > 8 {
        named.push(format!("and {} more", chars.len() - 8));
    }
    let noun = if chars.len() == 1 {
        "the character"
    } else {
        "the characters"
    };
    format!("{noun} {}", named.join(", "))
}

/// The report's pages in `fonts`; `notes` are printed with the report's warnings.
fn layout(r: &Report, fonts: Fonts, notes: &[String]) -> (Vec<Content>, Seen) {
    let mut w = Writer::new(fonts);
    title_block(&mut w, r);
    summary(&mut w, r, notes);
    pillars(&mut w, r);
    questions(&mut w, r);
    failing_rules(&mut w, r);
    not_covered(&mut w, r);
    left_out(&mut w, r);
    appendix(&mut w, r);
    let footer = format!(
        "Well-Architected Check Summary Report · {} · {}",
        r.accounts_text("-"),
        r.generated_at
    );
    w.finish(&footer)
}
