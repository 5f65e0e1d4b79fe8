//! Fonts for PDF reports whose text leaves WinAnsi (Japanese, Greek, Cyrillic, Polish workload
//! names, accounts and tags): installed system fonts found with `fontdb` (the fontconfig
//! directories, else the usual font folders; never the network), read with `ttf-parser` for glyph
//! IDs and advances, and embedded as subsets (`subsetter`) in Type0 fonts with Identity-H encoding,
//! `/W` widths and a `/ToUnicode` CMap, so that the text can be copied and searched.
//!
//! Each character is drawn in the first font of a preference chain that has it: sans-serif Latin
//! faces first, then CJK faces (Japanese first), then any other installed face. Bold text uses the
//! bold face of the same family, or the regular face drawn with a stroke where the family has no
//! bold. A character that no installed font has prints as `?` and is reported.
//!
//! The font database is read once per process and only when a report needs it: reports whose
//! text is all WinAnsi never get here.

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;
use subsetter::GlyphRemapper;

/// Latin (with Greek and Cyrillic) sans-serif families, closest to Helvetica first.
const LATIN_FAMILIES: &[&str] = &[
    "Liberation Sans",
    "Arimo",
    "Helvetica",
    "Arial",
    "Nimbus Sans",
    "Nimbus Sans L",
    "DejaVu Sans",
    "Noto Sans",
    "FreeSans",
    "Open Sans",
    "Roboto",
    "Segoe UI",
    "Verdana",
];

/// CJK sans-serif families, Japanese first (most of the users are in Japan).
const CJK_FAMILIES: &[&str] = &[
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "Source Han Sans",
    "Hiragino Sans",
    "Hiragino Kaku Gothic ProN",
    "Yu Gothic",
    "Meiryo",
    "IPAexGothic",
    "IPAPGothic",
    "IPAGothic",
    "VL PGothic",
    "VL Gothic",
    "TakaoPGothic",
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "Droid Sans Fallback",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Malgun Gothic",
    "Apple SD Gothic Neo",
    "Noto Sans Mono CJK JP",
];

/// Stroke width of synthetic bold, in text space units per point of font size.
const FAKE_BOLD_STROKE: f32 = 0.035;

/// The installed fonts, read once per process, on first need.
fn system_fonts() -> &'static fontdb::Database {
    static DB: OnceLock<fontdb::Database> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        db
    })
}

/// Characters that draw nothing: zero-width spaces and joiners, direction marks, the BOM,
/// variation selectors.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{feff}' | '\u{fe00}'..='\u{fe0f}')
}

/// What a character of the report is drawn as: tabs and line breaks as spaces, other control
/// characters as `?`, invisible ones not at all.
fn drawn(c: char) -> Option<char> {
    match c {
        '\t' | '\r' | '\n' => Some(' '),
        c if invisible(c) => None,
        c if c.is_control() => Some('?'),
        c => Some(c),
    }
}

/// One face that may be embedded.
struct Face {
    id: fontdb::ID,
    /// The face's data, read from its file on first use.
    data: OnceCell<Option<(Vec<u8>, u32)>>,
    post_script_name: String,
    monospaced: bool,
    /// Glyphs drawn: old glyph ID → CID (the glyph ID in the subset).
    remapper: RefCell<GlyphRemapper>,
    /// CID → the character it was drawn for.
    unicode: RefCell<BTreeMap<u16, char>>,
}

impl Face {
    fn new(db: &fontdb::Database, id: fontdb::ID) -> Face {
        let info = db.face(id);
        Face {
            id,
            data: OnceCell::new(),
            post_script_name: info.map_or_else(String::new, |f| f.post_script_name.clone()),
            monospaced: info.is_some_and(|f| f.monospaced),
            remapper: RefCell::new(GlyphRemapper::new()),
            unicode: RefCell::new(BTreeMap::new()),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&ttf_parser::Face, &[u8], u32) -> T) -> Option<T> {
        let (data, index) = self
            .data
            .get_or_init(|| {
                system_fonts().with_face_data(self.id, |data, index| (data.to_vec(), index))
            })
            .as_ref()?;
        let face = ttf_parser::Face::parse(data, *index).ok()?;
        Some(f(&face, data, *index))
    }

    /// The glyph of `c` and its advance in 1/1000 em, when the face has it.
    fn glyph(&self, c: char) -> Option<(u16, f32)> {
        self.with(|face, _, _| {
            let gid = face.glyph_index(c).filter(|g| g.0 != 0)?;
            let advance = face.glyph_hor_advance(gid).unwrap_or(0) as f32 * 1000.0
                / face.units_per_em() as f32;
            Some((gid.0, advance))
        })
        .flatten()
    }
}

/// A font family of the chain: its regular face and, if installed, its bold face.
struct Member {
    regular: usize,
    bold: Option<usize>,
}

/// Where a character is drawn from.
#[derive(Clone, Copy)]
pub(crate) struct Glyph {
    face: usize,
    gid: u16,
    /// 1/1000 em.
    pub advance: f32,
    /// Bold drawn from a regular face with a stroke.
    pub fake_bold: bool,
}

/// Resolved glyphs: a table for the alphabets below U+0800 (Latin, Greek, Cyrillic, …), which
/// text is measured in over and over while it is wrapped, and a map for the rest.
#[derive(Default)]
struct GlyphCache {
    low: Vec<[Option<Option<Glyph>>; 2]>,
    other: HashMap<(char, bool), Option<Glyph>>,
}

impl GlyphCache {
    const LOW: usize = 0x800;

    fn get(&self, c: char, bold: bool) -> Option<Option<Glyph>> {
        match self.low.get(c as usize) {
            Some(slot) => slot[bold as usize],
            None if (c as usize) < Self::LOW => None,
            None => self.other.get(&(c, bold)).copied(),
        }
    }

    fn insert(&mut self, c: char, bold: bool, glyph: Option<Glyph>) {
        if (c as usize) < Self::LOW {
            if self.low.is_empty() {
                self.low = vec![[None; 2]; Self::LOW];
            }
            self.low[c as usize][bold as usize] = Some(glyph);
        } else {
            self.other.insert((c, bold), glyph);
        }
    }
}

/// A run of text in one face, encoded for Identity-H.
pub(crate) struct Run {
    pub face: usize,
    pub fake_bold: bool,
    pub bytes: Vec<u8>,
}

/// The fonts one PDF is drawn in.
pub(crate) struct FontSet {
    faces: Vec<Face>,
    chain: Vec<Member>,
    glyphs: RefCell<GlyphCache>,
    /// Characters that no font of the chain has: drawn as `?`.
    missing: RefCell<BTreeSet<char>>,
}

impl FontSet {
    /// Fonts that draw `chars` (the characters of the document), or `None` when no installed
    /// font has any of them.
    pub fn for_chars(chars: &BTreeSet<char>) -> Option<FontSet> {
        Self::select(system_fonts(), chars)
    }

    fn select(db: &fontdb::Database, chars: &BTreeSet<char>) -> Option<FontSet> {
        let mut remaining: BTreeSet<char> = chars
            .iter()
            .filter_map(|&c| drawn(c))
            .chain(['?'])
            .filter(|c| *c != ' ')
            .collect();
        let mut chosen: Vec<fontdb::ID> = Vec::new();
        let mut consider = |id: fontdb::ID, remaining: &mut BTreeSet<char>| {
            if chosen.contains(&id) {
                return;
            }
            if let Some(covered) = covered_chars(db, id, remaining).filter(|c| !c.is_empty()) {
                for c in covered {
                    remaining.remove(&c);
                }
                chosen.push(id);
            }
        };
        for family in LATIN_FAMILIES.iter().chain(CJK_FAMILIES) {
            if remaining.is_empty() {
                break;
            }
            if let Some(id) = regular_face(db, family) {
                consider(id, &mut remaining);
            }
        }
        if !remaining.is_empty() {
            for family in other_families(db) {
                if remaining.is_empty() {
                    break;
                }
                if let Some(id) = regular_face(db, family) {
                    consider(id, &mut remaining);
                }
            }
        }
        if chosen.is_empty() {
            return None;
        }
        Some(Self::of_families(db, chosen, remaining))
    }

    /// The set drawn in the regular faces `chosen` (in order of preference) and their bold faces;
    /// `missing` are the characters none of them has.
    fn of_families(
        db: &fontdb::Database,
        chosen: Vec<fontdb::ID>,
        missing: BTreeSet<char>,
    ) -> FontSet {
        let mut faces = Vec::new();
        let mut chain = Vec::new();
        for id in chosen {
            faces.push(Face::new(db, id));
            let regular = faces.len() - 1;
            let bold = bold_face(db, id).map(|bold| {
                faces.push(Face::new(db, bold));
                faces.len() - 1
            });
            chain.push(Member { regular, bold });
        }
        FontSet {
            faces,
            chain,
            glyphs: RefCell::new(GlyphCache::default()),
            missing: RefCell::new(missing.into_iter().collect()),
        }
    }

    /// The glyph `c` is drawn with; `None` for characters that draw nothing.
    pub fn glyph(&self, c: char, bold: bool) -> Option<Glyph> {
        let c = drawn(c)?;
        if let Some(glyph) = self.glyphs.borrow().get(c, bold) {
            return glyph;
        }
        let mut found = None;
        for member in &self.chain {
            if bold {
                if let Some((gid, advance)) = member.bold.and_then(|b| self.faces[b].glyph(c)) {
                    found = Some(Glyph {
                        face: member.bold.unwrap_or(member.regular),
                        gid,
                        advance,
                        fake_bold: false,
                    });
                    break;
                }
            }
            if let Some((gid, advance)) = self.faces[member.regular].glyph(c) {
                found = Some(Glyph {
                    face: member.regular,
                    gid,
                    advance,
                    fake_bold: bold,
                });
                break;
            }
        }
        let glyph = match found {
            Some(glyph) => Some(glyph),
            None if c == '?' => {
                // Not even a question mark: the first face's .notdef.
                let face = &self.faces[self.chain[0].regular];
                let advance = face
                    .with(|f, _, _| {
                        f.glyph_hor_advance(ttf_parser::GlyphId(0)).unwrap_or(0) as f32 * 1000.0
                            / f.units_per_em() as f32
                    })
                    .unwrap_or(500.0);
                Some(Glyph {
                    face: self.chain[0].regular,
                    gid: 0,
                    advance,
                    fake_bold: bold,
                })
            }
            None => {
                self.missing.borrow_mut().insert(c);
                self.glyph('?', bold)
            }
        };
        self.glyphs.borrow_mut().insert(c, bold, glyph);
        glyph
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let units: f32 = text
            .chars()
            .filter_map(|c| self.glyph(c, bold))
            .map(|g| g.advance)
            .sum();
        units * size / 1000.0
    }

    /// `text` as runs of CIDs, one run per face; records the glyphs for the subsets and the
    /// characters for the ToUnicode maps.
    pub fn encode(&self, text: &str, bold: bool) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        for c in text.chars() {
            let Some(glyph) = self.glyph(c, bold) else {
                continue;
            };
            let face = &self.faces[glyph.face];
            let cid = face.remapper.borrow_mut().remap(glyph.gid);
            let shown = if self.missing.borrow().contains(&c) {
                '?'
            } else {
                drawn(c).unwrap_or(c)
            };
            face.unicode.borrow_mut().entry(cid).or_insert(shown);
            match runs.last_mut() {
                Some(run) if run.face == glyph.face && run.fake_bold == glyph.fake_bold => {
                    run.bytes.extend(cid.to_be_bytes())
                }
                _ => runs.push(Run {
                    face: glyph.face,
                    fake_bold: glyph.fake_bold,
                    bytes: cid.to_be_bytes().to_vec(),
                }),
            }
        }
        runs
    }

    /// Characters drawn as `?` because no installed font has them.
    pub fn missing(&self) -> Vec<char> {
        self.missing.borrow().iter().copied().collect()
    }

    /// The resource name of face `i`.
    pub fn resource_name(i: usize) -> String {
        format!("E{i}")
    }

    pub fn fake_bold_stroke(size: f32) -> f32 {
        size * FAKE_BOLD_STROKE
    }

    /// Faces that drew at least one glyph (the subset always holds .notdef).
    pub fn used_faces(&self) -> Vec<usize> {
        (0..self.faces.len())
            .filter(|&i| !self.faces[i].unicode.borrow().is_empty())
            .collect()
    }
}

/// The characters of `remaining` that face `id` draws; `None` when the face cannot be embedded.
fn covered_chars(
    db: &fontdb::Database,
    id: fontdb::ID,
    remaining: &BTreeSet<char>,
) -> Option<Vec<char>> {
    db.with_face_data(id, |data, index| {
        let face = ttf_parser::Face::parse(data, index).ok()?;
        let tables = face.tables();
        // Subsets are made of TrueType or CFF outlines, and only of embeddable faces.
        if tables.glyf.is_none() && tables.cff.is_none() {
            return None;
        }
        if face.permissions() == Some(ttf_parser::Permissions::Restricted) {
            return None;
        }
        Some(
            remaining
                .iter()
                .copied()
                .filter(|&c| face.glyph_index(c).is_some_and(|g| g.0 != 0))
                .collect(),
        )
    })
    .flatten()
}

/// Installed families outside the preferred lists, sans-serif-looking names first, monospaced
/// last, so that a character falls back to the face most like the rest of the text.
fn other_families(db: &fontdb::Database) -> Vec<&str> {
    let mut others: Vec<(u8, &str)> = Vec::new();
    for face in db.faces() {
        let Some((family, _)) = face.families.first() else {
            continue;
        };
        let lower = family.to_lowercase();
        let rank = if face.monospaced || lower.contains("mono") {
            3
        } else if ["sans", "gothic", "hei", "arial", "helvetica"]
            .iter()
            .any(|k| lower.contains(k))
        {
            0
        } else if lower.contains("serif") || lower.contains("mincho") {
            2
        } else {
            1
        };
        others.push((rank, family.as_str()));
    }
    others.sort_unstable();
    others.dedup();
    others.into_iter().map(|(_, family)| family).collect()
}

/// The regular face of `family`: upright, normal width, the weight closest to 400.
fn regular_face(db: &fontdb::Database, family: &str) -> Option<fontdb::ID> {
    db.faces()
        .filter(|f| {
            f.families
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(family))
        })
        .min_by_key(|f| {
            (
                f.style != fontdb::Style::Normal,
                f.stretch != fontdb::Stretch::Normal,
                (f.weight.0 as i32 - 400).abs(),
                f.index,
            )
        })
        .map(|f| f.id)
}

/// The bold face of the family of `regular`, if the family has one.
fn bold_face(db: &fontdb::Database, regular: fontdb::ID) -> Option<fontdb::ID> {
    let family = db.face(regular)?.families.first()?.0.clone();
    db.faces()
        .filter(|f| {
            f.id != regular
                && f.style == fontdb::Style::Normal
                && f.weight.0 >= 600
                && f.families.iter().any(|(name, _)| *name == family)
        })
        .min_by_key(|f| {
            (
                f.stretch != fontdb::Stretch::Normal,
                (f.weight.0 as i32 - 700).abs(),
                f.index,
            )
        })
        .map(|f| f.id)
}

mod embed;
#[cfg(test)]
mod tests;
