//! Embedding a face: its subset as a Type0 font with Identity-H encoding, `/W` widths and a
//! `/ToUnicode` CMap.

use super::{FontSet, GlyphRemapper};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use std::collections::BTreeMap;

impl FontSet {
    /// Writes face `i` as the Type0 font `type0`, taking further object IDs from `next`.
    pub fn write(&self, i: usize, pdf: &mut Pdf, type0: Ref, next: &mut i32) -> Result<(), String> {
        let face = &self.faces[i];
        let remapper = face.remapper.borrow();
        let unicode = face.unicode.borrow();
        let name = face.post_script_name.clone();
        let written = face.with(|f, data, index| {
            let program = font_program(f, data, index, &remapper, &name)?;
            let (widths, metrics) = Metrics::of(f, &remapper);
            Ok::<_, String>((program, widths, metrics))
        });
        let (program, widths, m) =
            written.ok_or_else(|| format!("cannot read the font {name}"))??;
        let mut take = || {
            let id = Ref::new(*next);
            *next += 1;
            id
        };
        let (cid_id, descriptor_id, file_id, cmap_id) = (take(), take(), take(), take());
        let base = format!("{}+{}", subset_tag(&name, &remapper), sanitize(&name));
        let base = Name(base.as_bytes());
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };

        pdf.type0_font(type0)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_id)
            .to_unicode(cmap_id);

        let mut cid = pdf.cid_font(cid_id);
        cid.subtype(if m.cff {
            CidFontType::Type0
        } else {
            CidFontType::Type2
        })
        .base_font(base)
        .system_info(system_info)
        .font_descriptor(descriptor_id)
        .default_width(0.0);
        cid.widths().consecutive(0, widths);
        if !m.cff {
            cid.cid_to_gid_map_predefined(Name(b"Identity"));
        }
        cid.finish();

        write_descriptor(pdf, descriptor_id, base, face.monospaced, &m, file_id);
        write_font_file(pdf, file_id, &program, m.cff);
        write_to_unicode(pdf, cmap_id, &unicode, system_info);
        Ok(())
    }
}

/// The subset of the glyphs drawn, as the font file to embed.
fn font_program(
    f: &ttf_parser::Face,
    data: &[u8],
    index: u32,
    remapper: &GlyphRemapper,
    name: &str,
) -> Result<Vec<u8>, String> {
    let subset = subsetter::subset(data, index, remapper)
        .map_err(|e| format!("cannot subset the font {name}: {e}"))?;
    if f.tables().cff.is_some() {
        // The bare CFF (CID-keyed after subsetting) for FontFile3 /CIDFontType0C.
        ttf_parser::RawFace::parse(&subset, 0)
            .ok()
            .and_then(|raw| raw.table(ttf_parser::Tag::from_bytes(b"CFF ")))
            .map(<[u8]>::to_vec)
            .ok_or_else(|| format!("the subset of {name} has no CFF table"))
    } else {
        Ok(subset)
    }
}

fn write_descriptor(
    pdf: &mut Pdf,
    descriptor_id: Ref,
    base: Name,
    monospaced: bool,
    m: &Metrics,
    file_id: Ref,
) {
    let mut flags = FontFlags::SYMBOLIC;
    if monospaced {
        flags |= FontFlags::FIXED_PITCH;
    }
    let mut descriptor = pdf.font_descriptor(descriptor_id);
    descriptor
        .name(base)
        .flags(flags)
        .bbox(m.bbox)
        .italic_angle(m.italic_angle)
        .ascent(m.ascent)
        .descent(m.descent)
        .cap_height(m.cap_height)
        .stem_v(10.0 + 0.244 * (m.weight as f32 - 50.0));
    if m.cff {
        descriptor.font_file3(file_id);
    } else {
        descriptor.font_file2(file_id);
    }
    descriptor.finish();
}

fn write_font_file(pdf: &mut Pdf, file_id: Ref, program: &[u8], cff: bool) {
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(program, 6);
    let mut stream = pdf.stream(file_id, &compressed);
    stream.filter(Filter::FlateDecode);
    if cff {
        stream.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
    } else {
        stream.pair(Name(b"Length1"), program.len() as i32);
    }
    stream.finish();
}

/// The CMap that maps each CID back to its character, so that the text can be copied.
fn write_to_unicode(
    pdf: &mut Pdf,
    cmap_id: Ref,
    unicode: &BTreeMap<u16, char>,
    system_info: SystemInfo,
) {
    let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
    for (&cid, &c) in unicode.iter() {
        cmap.pair(cid, c);
    }
    let cmap = miniz_oxide::deflate::compress_to_vec_zlib(&cmap.finish(), 6);
    pdf.stream(cmap_id, &cmap).filter(Filter::FlateDecode);
}

struct Metrics {
    cff: bool,
    bbox: Rect,
    ascent: f32,
    descent: f32,
    cap_height: f32,
    italic_angle: f32,
    weight: u16,
}

impl Metrics {
    /// The widths of the glyphs drawn (by CID) and the face's metrics, in 1/1000 em.
    fn of(f: &ttf_parser::Face, remapper: &GlyphRemapper) -> (Vec<f32>, Metrics) {
        let scale = |v: f32| v * 1000.0 / f.units_per_em() as f32;
        let widths: Vec<f32> = remapper
            .remapped_gids()
            .map(|gid| scale(f.glyph_hor_advance(ttf_parser::GlyphId(gid)).unwrap_or(0) as f32))
            .collect();
        let bbox = f.global_bounding_box();
        let metrics = Metrics {
            cff: f.tables().cff.is_some(),
            bbox: Rect::new(
                scale(bbox.x_min as f32),
                scale(bbox.y_min as f32),
                scale(bbox.x_max as f32),
                scale(bbox.y_max as f32),
            ),
            ascent: scale(f.ascender() as f32),
            descent: scale(f.descender() as f32),
            cap_height: scale(f.capital_height().unwrap_or(f.ascender()) as f32),
            italic_angle: f.italic_angle(),
            weight: f.weight().to_number(),
        };
        (widths, metrics)
    }
}

/// A PDF name token from a PostScript name.
pub(super) fn sanitize(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if clean.is_empty() {
        "Font".into()
    } else {
        clean
    }
}

/// The six capital letters that mark a subset, from the font and its glyphs (FNV-1a), so the
/// same text gives the same tag.
pub(super) fn subset_tag(name: &str, remapper: &GlyphRemapper) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = name
        .bytes()
        .chain(remapper.remapped_gids().flat_map(u16::to_be_bytes));
    for b in bytes {
        hash ^= b as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|i| (b'A' + ((hash >> (i * 5)) % 26) as u8) as char)
        .collect()
}
