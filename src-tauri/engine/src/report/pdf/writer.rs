//! The page writer: text, rules, headings, paragraphs and tables flowing down A4 pages.

use super::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Right,
}

pub(super) struct Col {
    pub(super) title: &'static str,
    pub(super) width: f32,
    pub(super) align: Align,
}

pub(super) fn col(title: &'static str, width: f32, align: Align) -> Col {
    Col {
        title,
        width,
        align,
    }
}

#[derive(Default)]
pub(super) struct Cell {
    pub(super) lines: Vec<(String, Font, Rgb)>,
    pub(super) badge: Option<(Rgb, Rgb)>,
}

pub(super) fn cell(text: impl Into<String>) -> Cell {
    Cell {
        lines: vec![(text.into(), Font::Regular, INK)],
        badge: None,
    }
}

pub(super) struct Row {
    pub(super) cells: Vec<Cell>,
    pub(super) fill: Option<Rgb>,
    /// The first cell spans the whole row.
    pub(super) span: bool,
}

pub(super) fn row(cells: Vec<Cell>) -> Row {
    Row {
        cells,
        fill: None,
        span: false,
    }
}

pub(super) const TABLE_SIZE: f32 = 8.0;
pub(super) const LEADING: f32 = 10.0;
pub(super) const PAD: f32 = 3.5;

/// The fonts a layout is drawn in.
#[derive(Clone, Copy)]
pub(super) enum Fonts<'a> {
    /// Helvetica and Helvetica-Bold in WinAnsi.
    Standard,
    /// Installed fonts, embedded.
    Embedded(&'a FontSet),
}

/// The characters a layout drew, to tell whether the standard fonts could draw them.
pub(super) struct Seen {
    pub(super) latin1: [bool; 256],
    pub(super) other: BTreeSet<char>,
}

impl Seen {
    pub(super) fn new() -> Seen {
        Seen {
            latin1: [false; 256],
            other: BTreeSet::new(),
        }
    }

    pub(super) fn add(&mut self, text: &str) {
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
    pub(super) fn beyond_winansi(&self) -> bool {
        self.other
            .iter()
            .any(|&c| winansi_code(c).is_none() && !c.is_control())
    }

    pub(super) fn chars(&self) -> BTreeSet<char> {
        (0..=255u8)
            .filter(|&b| self.latin1[b as usize])
            .map(char::from)
            .chain(self.other.iter().copied())
            .collect()
    }
}

pub(super) struct Writer<'a> {
    pub(super) pages: Vec<Content>,
    pub(super) page: Content,
    pub(super) y: f32,
    /// Repeated above a table that continues on a new page.
    pub(super) caption: Option<String>,
    pub(super) fonts: Fonts<'a>,
    /// What the standard fonts drew.
    pub(super) seen: Seen,
}

impl<'a> Writer<'a> {
    pub(super) fn new(fonts: Fonts<'a>) -> Writer<'a> {
        Writer {
            pages: Vec::new(),
            page: Content::new(),
            y: TOP,
            caption: None,
            fonts,
            seen: Seen::new(),
        }
    }

    pub(super) fn width(&self, text: &str, size: f32, font: Font) -> f32 {
        match self.fonts {
            Fonts::Standard => text_width(text, size, font),
            Fonts::Embedded(set) => set.width(text, size, font == Font::Bold),
        }
    }

    pub(super) fn wrap(&self, text: &str, max: f32, size: f32, font: Font) -> Vec<String> {
        wrap(text, max, |t| self.width(t, size, font))
    }

    /// The size at which a line that cannot wrap (a column title) fits `max` points. The
    /// embedded fonts run wider than Helvetica, for which the columns were made: their titles
    /// shrink to fit. Helvetica's layout stays as it has always been.
    pub(super) fn fit(&self, text: &str, max: f32, size: f32, font: Font) -> f32 {
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

    pub(super) fn new_page(&mut self) {
        let page = std::mem::replace(&mut self.page, Content::new());
        self.pages.push(page);
        self.y = TOP;
    }

    /// Starts a new page unless `height` points fit above the bottom margin.
    pub(super) fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    pub(super) fn text(&mut self, x: f32, y: f32, size: f32, font: Font, colour: Rgb, text: &str) {
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

    pub(super) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Rgb) {
        self.page
            .set_fill_rgb(colour.0, colour.1, colour.2)
            .rect(x, y, w, h)
            .fill_nonzero();
    }

    pub(super) fn hline(&mut self, x: f32, y: f32, w: f32, colour: Rgb, thickness: f32) {
        self.rect(x, y - thickness / 2.0, w, thickness, colour);
    }

    pub(super) fn heading(&mut self, text: &str) {
        self.caption = None;
        self.ensure(110.0);
        self.y -= 16.0;
        self.text(MARGIN, self.y - 13.0, 13.0, Font::Bold, ACCENT, text);
        self.y -= 18.0;
        self.hline(MARGIN, self.y, CONTENT_W, LINE, 0.8);
        self.y -= 8.0;
    }

    pub(super) fn subheading(&mut self, text: &str) {
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

    pub(super) fn paragraph(&mut self, text: &str, size: f32, colour: Rgb) {
        for line in self.wrap(text, CONTENT_W, size, Font::Regular) {
            self.ensure(size * 1.35);
            self.text(MARGIN, self.y - size, size, Font::Regular, colour, &line);
            self.y -= size * 1.35;
        }
        self.y -= 4.0;
    }

    pub(super) fn table_header(&mut self, cols: &[Col]) {
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

    pub(super) fn table(&mut self, cols: &[Col], rows: Vec<Row>) {
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
    pub(super) fn finish(mut self, footer: &str) -> (Vec<Content>, Seen) {
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
