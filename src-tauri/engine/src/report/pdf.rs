//! PDF: the HTML report's content on A4 pages, drawn with `pdf-writer`, with the pillar chart as
//! vector shapes.
//!
//! A report whose every character is in WinAnsi is drawn in the PDF standard fonts Helvetica and
//! Helvetica-Bold, so nothing is embedded. Any other report (workload names, accounts and tags in
//! Japanese, Greek, Cyrillic, …) is laid out again in installed fonts embedded as subsets (see
//! [`super::pdf_fonts`]); characters that no installed font has print as `?`, and the export says
//! so.

use super::html::{RISK_COLOURS, SUCCESS_COLOUR};
use super::pdf_fonts::FontSet;
use super::pdf_metrics::{HELVETICA, HELVETICA_BOLD};
use super::{risk_label, score, status_label, thousands, Assessment, Report};
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn name(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }
}

/// The WinAnsi (cp1252) code of `c`, for the characters the standard fonts draw.
fn winansi_code(c: char) -> Option<u8> {
    Some(match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        '„' => 0x84,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '™' => 0x99,
        '\t' | '\r' | '\n' => b' ',
        _ => return None,
    })
}

/// Text in WinAnsi (cp1252); anything else becomes `?`.
fn winansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| winansi_code(c).unwrap_or(b'?'))
        .collect()
}

fn width(bytes: &[u8], size: f32, font: Font) -> f32 {
    let table = match font {
        Font::Regular => &HELVETICA,
        Font::Bold => &HELVETICA_BOLD,
    };
    let units: u32 = bytes
        .iter()
        .map(|&b| {
            if b >= 32 {
                match table[(b - 32) as usize] {
                    0 => 556,
                    w => w as u32,
                }
            } else {
                0
            }
        })
        .sum();
    units as f32 * size / 1000.0
}

fn text_width(text: &str, size: f32, font: Font) -> f32 {
    width(&winansi(text), size, font)
}

/// Greedy word wrap of `text` measured by `width`; words longer than a line are cut (so are runs of
/// CJK text, which has no spaces).
fn wrap(text: &str, max: f32, width: impl Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word.to_string();
        while width(&rest) > max {
            let mut cut = String::new();
            for c in rest.chars() {
                if width(&format!("{cut}{c}")) > max && !cut.is_empty() {
                    break;
                }
                cut.push(c);
            }
            rest = rest[cut.len()..].to_string();
            lines.push(cut);
        }
        line = rest;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn hex(colour: &str) -> Rgb {
    let v = u32::from_str_radix(colour.trim_start_matches('#'), 16).unwrap_or(0);
    (
        ((v >> 16) & 0xff) as f32 / 255.0,
        ((v >> 8) & 0xff) as f32 / 255.0,
        (v & 0xff) as f32 / 255.0,
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

struct Col {
    title: &'static str,
    width: f32,
    align: Align,
}

fn col(title: &'static str, width: f32, align: Align) -> Col {
    Col {
        title,
        width,
        align,
    }
}

#[derive(Default)]
struct Cell {
    lines: Vec<(String, Font, Rgb)>,
    badge: Option<(Rgb, Rgb)>,
}

fn cell(text: impl Into<String>) -> Cell {
    Cell {
        lines: vec![(text.into(), Font::Regular, INK)],
        badge: None,
    }
}

struct Row {
    cells: Vec<Cell>,
    fill: Option<Rgb>,
    /// The first cell spans the whole row.
    span: bool,
}

fn row(cells: Vec<Cell>) -> Row {
    Row {
        cells,
        fill: None,
        span: false,
    }
}

const TABLE_SIZE: f32 = 8.0;
const LEADING: f32 = 10.0;
const PAD: f32 = 3.5;

/// The fonts a layout is drawn in.
#[derive(Clone, Copy)]
enum Fonts<'a> {
    /// Helvetica and Helvetica-Bold in WinAnsi.
    Standard,
    /// Installed fonts, embedded.
    Embedded(&'a FontSet),
}

/// The characters a layout drew, to tell whether the standard fonts could draw them.
struct Seen {
    latin1: [bool; 256],
    other: BTreeSet<char>,
}

impl Seen {
    fn new() -> Seen {
        Seen {
            latin1: [false; 256],
            other: BTreeSet::new(),
        }
    }

    fn add(&mut self, text: &str) {
        for c in text.chars() {
            match u8::try_from(c) {
                Ok(b) => self.latin1[b as usize] = true,
                Err(_) => {
                    self.other.insert(c);
                }
            }
        }
    }

    /// Whether a character outside WinAnsi was drawn (control characters, which no font draws,
    /// do not count).
    fn beyond_winansi(&self) -> bool {
        self.other
            .iter()
            .any(|&c| winansi_code(c).is_none() && !c.is_control())
    }

    fn chars(&self) -> BTreeSet<char> {
        (0..=255u8)
            .filter(|&b| self.latin1[b as usize])
            .map(char::from)
            .chain(self.other.iter().copied())
            .collect()
    }
}

struct Writer<'a> {
    pages: Vec<Content>,
    page: Content,
    y: f32,
    /// Repeated above a table that continues on a new page.
    caption: Option<String>,
    fonts: Fonts<'a>,
    /// What the standard fonts drew.
    seen: Seen,
}

impl<'a> Writer<'a> {
    fn new(fonts: Fonts<'a>) -> Writer<'a> {
        Writer {
            pages: Vec::new(),
            page: Content::new(),
            y: TOP,
            caption: None,
            fonts,
            seen: Seen::new(),
        }
    }

    fn width(&self, text: &str, size: f32, font: Font) -> f32 {
        match self.fonts {
            Fonts::Standard => text_width(text, size, font),
            Fonts::Embedded(set) => set.width(text, size, font == Font::Bold),
        }
    }

    fn wrap(&self, text: &str, max: f32, size: f32, font: Font) -> Vec<String> {
        wrap(text, max, |t| self.width(t, size, font))
    }

    /// The size at which a line that cannot wrap (a column title) fits `max` points. The
    /// embedded fonts run wider than Helvetica, for which the columns were made: their titles
    /// shrink to fit. Helvetica's layout stays as it has always been.
    fn fit(&self, text: &str, max: f32, size: f32, font: Font) -> f32 {
        match self.fonts {
            Fonts::Standard => size,
            Fonts::Embedded(_) => {
                let width = self.width(text, size, font);
                if width > max {
                    size * max / width
                } else {
                    size
                }
            }
        }
    }

    fn new_page(&mut self) {
        let page = std::mem::replace(&mut self.page, Content::new());
        self.pages.push(page);
        self.y = TOP;
    }

    /// Starts a new page unless `height` points fit above the bottom margin.
    fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, font: Font, colour: Rgb, text: &str) {
        let set = match self.fonts {
            Fonts::Standard => {
                self.seen.add(text);
                let bytes = winansi(text);
                self.page
                    .begin_text()
                    .set_fill_rgb(colour.0, colour.1, colour.2)
                    .set_font(font.name(), size)
                    .next_line(x, y)
                    .show(Str(&bytes))
                    .end_text();
                return;
            }
            Fonts::Embedded(set) => set,
        };
        let runs = set.encode(text, font == Font::Bold);
        // Bold from a face without a bold variant: filled and stroked in the text's colour.
        let fake_bold = runs.iter().any(|r| r.fake_bold);
        if fake_bold {
            self.page
                .save_state()
                .set_stroke_rgb(colour.0, colour.1, colour.2)
                .set_line_width(FontSet::fake_bold_stroke(size));
        }
        self.page
            .begin_text()
            .set_fill_rgb(colour.0, colour.1, colour.2)
            .next_line(x, y);
        for run in &runs {
            self.page
                .set_font(Name(FontSet::resource_name(run.face).as_bytes()), size);
            if fake_bold {
                self.page.set_text_rendering_mode(if run.fake_bold {
                    TextRenderingMode::FillStroke
                } else {
                    TextRenderingMode::Fill
                });
            }
            self.page.show(Str(&run.bytes));
        }
        self.page.end_text();
        if fake_bold {
            self.page.restore_state();
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Rgb) {
        self.page
            .set_fill_rgb(colour.0, colour.1, colour.2)
            .rect(x, y, w, h)
            .fill_nonzero();
    }

    fn hline(&mut self, x: f32, y: f32, w: f32, colour: Rgb, thickness: f32) {
        self.rect(x, y - thickness / 2.0, w, thickness, colour);
    }

    fn heading(&mut self, text: &str) {
        self.caption = None;
        self.ensure(110.0);
        self.y -= 16.0;
        self.text(MARGIN, self.y - 13.0, 13.0, Font::Bold, ACCENT, text);
        self.y -= 18.0;
        self.hline(MARGIN, self.y, CONTENT_W, LINE, 0.8);
        self.y -= 8.0;
    }

    fn subheading(&mut self, text: &str) {
        let lines = self.wrap(text, CONTENT_W, 10.0, Font::Bold);
        self.ensure(14.0 * lines.len() as f32 + 40.0);
        self.caption = Some(text.to_string());
        self.y -= 6.0;
        for line in lines {
            self.text(MARGIN, self.y - 10.0, 10.0, Font::Bold, INK, &line);
            self.y -= 13.0;
        }
        self.y -= 3.0;
    }

    fn paragraph(&mut self, text: &str, size: f32, colour: Rgb) {
        for line in self.wrap(text, CONTENT_W, size, Font::Regular) {
            self.ensure(size * 1.35);
            self.text(MARGIN, self.y - size, size, Font::Regular, colour, &line);
            self.y -= size * 1.35;
        }
        self.y -= 4.0;
    }

    fn table_header(&mut self, cols: &[Col]) {
        let h = LEADING + 2.0 * PAD;
        self.rect(MARGIN, self.y - h, CONTENT_W, h, HEAD_BG);
        let mut x = MARGIN;
        for c in cols {
            let size = self.fit(c.title, c.width - 2.0 * PAD, TABLE_SIZE - 0.5, Font::Bold);
            let tx = match c.align {
                Align::Left => x + PAD,
                Align::Right => x + c.width - PAD - self.width(c.title, size, Font::Bold),
            };
            self.text(tx, self.y - PAD - 7.5, size, Font::Bold, INK, c.title);
            x += c.width;
        }
        self.y -= h;
    }

    fn table(&mut self, cols: &[Col], rows: Vec<Row>) {
        self.ensure(2.0 * (LEADING + 2.0 * PAD) + LEADING);
        self.table_header(cols);
        for row in rows {
            // Wrap each cell's lines to its column.
            let widths: Vec<f32> = if row.span {
                vec![CONTENT_W]
            } else {
                cols.iter().map(|c| c.width).collect()
            };
            let wrapped: Vec<Vec<(String, Font, Rgb)>> = row
                .cells
                .iter()
                .zip(&widths)
                .map(|(cell, w)| {
                    let inner = w - 2.0 * PAD - if cell.badge.is_some() { 6.0 } else { 0.0 };
                    cell.lines
                        .iter()
                        .flat_map(|(text, font, colour)| {
                            self.wrap(text, inner, TABLE_SIZE, *font)
                                .into_iter()
                                .map(move |l| (l, *font, *colour))
                        })
                        .collect()
                })
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let h = lines as f32 * LEADING + 2.0 * PAD;
            if self.y - h < BOTTOM {
                self.new_page();
                if let Some(caption) = self.caption.clone() {
                    let line = format!("{caption} (continued)");
                    let line = self.wrap(&line, CONTENT_W, 9.0, Font::Bold).remove(0);
                    self.text(MARGIN, self.y - 9.0, 9.0, Font::Bold, MUTED, &line);
                    self.y -= 15.0;
                }
                self.table_header(cols);
            }
            if let Some(fill) = row.fill {
                self.rect(MARGIN, self.y - h, CONTENT_W, h, fill);
            }
            let mut x = MARGIN;
            for ((cell, lines), (w, c)) in row.cells.iter().zip(&wrapped).zip(
                widths.iter().zip(
                    cols.iter()
                        .map(|c| c.align)
                        .chain(std::iter::repeat(Align::Left)),
                ),
            ) {
                let align = if row.span { Align::Left } else { c };
                for (i, (text, font, colour)) in lines.iter().enumerate() {
                    let tw = self.width(text, TABLE_SIZE, *font);
                    let tx = match align {
                        Align::Left => x + PAD + if cell.badge.is_some() { 3.0 } else { 0.0 },
                        Align::Right => x + w - PAD - tw,
                    };
                    let ty = self.y - PAD - 7.5 - i as f32 * LEADING;
                    if let Some((bg, _)) = cell.badge {
                        self.rect(tx - 3.0, ty - 2.5, tw + 6.0, LEADING, bg);
                    }
                    let colour = cell.badge.map_or(*colour, |(_, fg)| fg);
                    self.text(tx, ty, TABLE_SIZE, *font, colour, text);
                }
                x += w;
            }
            self.y -= h;
            self.hline(MARGIN, self.y, CONTENT_W, LINE, 0.5);
        }
        self.y -= 8.0;
    }

    /// Finishes the last page and stamps every page's footer; the pages and the characters the
    /// standard fonts drew.
    fn finish(mut self, footer: &str) -> (Vec<Content>, Seen) {
        self.new_page();
        let n = self.pages.len();
        let mut pages = std::mem::take(&mut self.pages);
        for (i, page) in pages.iter_mut().enumerate() {
            let right = format!("Page {} of {n}", i + 1);
            self.page = std::mem::replace(page, Content::new());
            self.hline(MARGIN, 38.0, CONTENT_W, LINE, 0.5);
            self.text(MARGIN, 26.0, 7.5, Font::Regular, MUTED, footer);
            let rw = self.width(&right, 7.5, Font::Regular);
            self.text(
                PAGE_W - MARGIN - rw,
                26.0,
                7.5,
                Font::Regular,
                MUTED,
                &right,
            );
            *page = std::mem::replace(&mut self.page, Content::new());
        }
        (pages, self.seen)
    }
}

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
        r.account_id.as_deref().unwrap_or("-"),
        r.generated_at
    );
    w.finish(&footer)
}

fn title_block(w: &mut Writer, r: &Report) {
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

fn summary(w: &mut Writer, r: &Report, notes: &[String]) {
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

fn pillars(w: &mut Writer, r: &Report) {
    w.heading("Pillars");
    // The chart: one 100% stacked bar per pillar.
    let label_w = 120.0;
    let bar_w = 250.0;
    let row_h = 22.0;
    w.ensure(row_h * r.pillars.len() as f32 + 30.0);
    for p in &r.pillars {
        let y = w.y - 16.0;
        w.text(MARGIN, y + 3.5, 9.0, Font::Regular, INK, &p.name);
        let x0 = MARGIN + label_w;
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
    // Legend.
    let mut x = MARGIN + label_w;
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

    let mut cols = vec![
        col("Pillar", 111.0, Align::Left),
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

fn questions(w: &mut Writer, r: &Report) {
    // The long question table starts on a fresh page unless most of this one is still free.
    if w.y < PAGE_H * 0.4 {
        w.new_page();
    }
    w.heading("Questions");
    let cols = [
        col("#", 36.0, Align::Left),
        col("Question", 182.0, Align::Left),
        col("Result", 106.0, Align::Left),
        col("Successes", 44.0, Align::Right),
        col("Failures", 40.0, Align::Right),
        col("Highest risk", 48.0, Align::Left),
        col("Notes", 55.28, Align::Left),
    ];
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
                    Cell {
                        lines: vec![(q.number.clone(), Font::Bold, INK)],
                        badge: None,
                    },
                    Cell {
                        lines: vec![
                            (q.title.clone(), Font::Regular, INK),
                            (q.question_id.clone(), Font::Regular, MUTED),
                        ],
                        badge: None,
                    },
                    Cell {
                        lines: vec![(q.assessment.label().to_string(), Font::Bold, INK)],
                        badge: Some(badge_colours(q.assessment)),
                    },
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
                ],
                fill: human.then_some(HUMAN_BG),
                span: false,
            });
        }
    }
    w.table(&cols, rows);
}

fn failing_rules(w: &mut Writer, r: &Report) {
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

fn not_covered(w: &mut Writer, r: &Report) {
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
                Cell {
                    lines: vec![(q.number.clone(), Font::Bold, INK)],
                    badge: None,
                },
                Cell {
                    lines: vec![
                        (q.title.clone(), Font::Regular, INK),
                        (q.question_id.clone(), Font::Regular, MUTED),
                    ],
                    badge: None,
                },
                cell(super::pillar_label(&q.pillar_id).to_string()),
                Cell {
                    lines: vec![(q.assessment.label().to_string(), Font::Bold, INK)],
                    badge: Some(badge_colours(q.assessment)),
                },
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

/// Failing resources a rule shows in the appendix, and in the whole appendix: enough to act on,
/// few enough that a large account's PDF stays a document (the JSON report has them all).
const APPENDIX_RESOURCES_PER_RULE: usize = 3;
const APPENDIX_RESOURCES: usize = 300;

/// Per failing question: the best practices its rules speak to, and each failing rule's
/// riskiest resources, bounded.
fn appendix(w: &mut Writer, r: &Report) {
    let failing: Vec<_> = r.questions.iter().filter(|q| q.failures > 0).collect();
    if failing.is_empty() {
        return;
    }
    w.new_page();
    w.heading("Appendix: evidence by question");
    w.paragraph(
        &format!(
            "For each question with failures: the best practices its counted rules speak to (evidence only; the choices in the review stay the reviewer's), then up to {APPENDIX_RESOURCES_PER_RULE} of the riskiest failing resources of each failing rule, {APPENDIX_RESOURCES} in all. The JSON report lists up to 100 per rule."
        ),
        8.5,
        MUTED,
    );
    let practice_cols = [
        col("Best practice", 70.0, Align::Left),
        col("Title", 230.0, Align::Left),
        col("Evidence", 60.0, Align::Left),
        col("Failures", 48.0, Align::Right),
        col("Rules", 103.28, Align::Left),
    ];
    let resource_cols = [
        col("Rule", 70.0, Align::Left),
        col("Resource", 170.0, Align::Left),
        col("Risk", 50.0, Align::Left),
        col("Message", 221.28, Align::Left),
    ];
    let mut left = APPENDIX_RESOURCES;
    for q in failing {
        w.subheading(&format!("{} {}  ({})", q.number, q.title, q.question_id));
        let (with, without) = q.practices_split();
        if !with.is_empty() {
            let rows = with
                .iter()
                .map(|p| {
                    row(vec![
                        cell(p.id.clone()),
                        cell(p.title.clone()),
                        cell(super::evidence_label(p.status)),
                        cell(thousands(p.failures)),
                        cell(p.rule_ids.join(", ")),
                    ])
                })
                .collect();
            w.table(&practice_cols, rows);
        }
        if !without.is_empty() {
            w.paragraph(&format!("No evidence: {}", without.join(", ")), 7.5, MUTED);
        }
        let rows: Vec<Row> = q
            .failing_rules()
            .flat_map(|rule| {
                rule.failing_resources
                    .iter()
                    .take(APPENDIX_RESOURCES_PER_RULE)
                    .map(move |f| (rule, f))
            })
            .take(left)
            .map(|(rule, f)| {
                let (name, message) = super::resource_line(f);
                row(vec![
                    cell(rule.rule_id.clone()),
                    cell(name),
                    cell(f.risk_level.label()),
                    cell(message),
                ])
            })
            .collect();
        left -= rows.len();
        if !rows.is_empty() {
            w.table(&resource_cols, rows);
        }
        if left == 0 {
            w.paragraph(
                "The appendix stops here: the JSON, CSV, Markdown and HTML reports have the rest.",
                8.5,
                INK,
            );
            break;
        }
    }
}

fn left_out(w: &mut Writer, r: &Report) {
    w.heading("Checks left out");
    let cols = [
        col("Reason", 110.0, Align::Left),
        col("Checks", 60.0, Align::Right),
        col("Meaning", 341.28, Align::Left),
    ];
    let mut rows: Vec<Row> = r
        .left_out_rows()
        .iter()
        .map(|(reason, meaning, n)| row(vec![cell(*reason), cell(thousands(*n)), cell(*meaning)]))
        .collect();
    rows.push(row(vec![
        Cell {
            lines: vec![("Total".into(), Font::Bold, INK)],
            badge: None,
        },
        Cell {
            lines: vec![(thousands(r.checks.left_out_total), Font::Bold, INK)],
            badge: None,
        },
        cell(format!("of {} checks fetched", thousands(r.checks.fetched))),
    ]));
    w.table(&cols, rows);
    if !r.unmapped_rules.is_empty() {
        w.subheading("Rules that map to no question");
        let cols = [
            col("Rule", 85.0, Align::Left),
            col("Title", 170.0, Align::Left),
            col("Checks", 45.0, Align::Right),
            col("Reason", 211.28, Align::Left),
        ];
        let rows = r
            .unmapped_rules
            .iter()
            .map(|u| {
                row(vec![
                    cell(u.rule_id.clone()),
                    cell(u.title.clone().unwrap_or_else(|| "(title unknown)".into())),
                    cell(thousands(u.checks)),
                    cell(u.reason.clone()),
                ])
            })
            .collect();
        w.table(&cols, rows);
    }
}

/// `2025-01-31T12:00:00Z` → a PDF date.
fn pdf_date(text: &str) -> Option<Date> {
    let num = |range: std::ops::Range<usize>| text.get(range)?.parse::<u16>().ok();
    Some(
        Date::new(num(0..4)?)
            .month(num(5..7)? as u8)
            .day(num(8..10)? as u8)
            .hour(num(11..13)? as u8)
            .minute(num(14..16)? as u8)
            .second(num(17..19)? as u8)
            .utc_offset_hour(0),
    )
}

/// The PDF file: catalog, page tree, fonts (objects 3 on), document information, then each page
/// and its content stream; embedded fonts' other objects come last.
fn assemble(r: &Report, pages: Vec<Content>, fonts: &Fonts) -> Result<Vec<u8>, String> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    // Resource name and object of each font.
    let names: Vec<(String, usize)> = match fonts {
        Fonts::Standard => vec![("F1".into(), 0), ("F2".into(), 1)],
        Fonts::Embedded(set) => set
            .used_faces()
            .into_iter()
            .map(|i| (FontSet::resource_name(i), i))
            .collect(),
    };
    let font_ids: Vec<Ref> = (0..names.len()).map(|i| Ref::new(3 + i as i32)).collect();
    let info = Ref::new(3 + names.len() as i32);
    let first = info.get() + 1;
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(first + 2 * i as i32))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(pages.len() as i32);
    match fonts {
        Fonts::Standard => {
            pdf.type1_font(font_ids[0])
                .base_font(Name(b"Helvetica"))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
            pdf.type1_font(font_ids[1])
                .base_font(Name(b"Helvetica-Bold"))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        Fonts::Embedded(set) => {
            let mut next = first + 2 * pages.len() as i32;
            for ((_, face), id) in names.iter().zip(&font_ids) {
                set.write(*face, &mut pdf, *id, &mut next)?;
            }
        }
    }
    {
        let mut doc_info = pdf.document_info(info);
        doc_info
            .title(TextStr(&format!(
                "Well-Architected Check Summary Report - {}",
                r.account_id.as_deref().unwrap_or("account")
            )))
            .producer(TextStr(&r.generator))
            .creator(TextStr(&r.generator));
        if let Some(date) = pdf_date(&r.generated_at) {
            doc_info.creation_date(date);
        }
        doc_info.finish();
    }
    for (page_id, content) in page_ids.iter().zip(pages) {
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(content_id);
        {
            let mut resources = page.resources();
            let mut dict = resources.fonts();
            for ((name, _), id) in names.iter().zip(&font_ids) {
                dict.pair(Name(name.as_bytes()), *id);
            }
        }
        page.finish();
        let data = miniz_oxide::deflate::compress_to_vec_zlib(&content.finish(), 6);
        pdf.stream(content_id, &data).filter(Filter::FlateDecode);
    }
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_winansi_and_measured() {
        assert_eq!(winansi("Aé–✓"), vec![b'A', 0xe9, 0x96, b'?']);
        assert!((text_width("A", 10.0, Font::Regular) - 6.67).abs() < 0.01);
        let measure = |t: &str| text_width(t, 10.0, Font::Regular);
        let lines = wrap("aaaa bbbb cccc", measure("aaaa bbbb"), measure);
        assert_eq!(lines, ["aaaa bbbb", "cccc"]);
        let long = wrap("xxxxxxxxxx", 20.0, measure);
        assert!(long.len() > 1 && long.concat() == "xxxxxxxxxx");
        // CJK text has no spaces: it is cut between characters.
        let cjk = wrap("本番環境本番環境", 25.0, |t| {
            t.chars().count() as f32 * 10.0
        });
        assert_eq!(cjk, ["本番", "環境", "本番", "環境"]);
    }
}
