//! The PDF file's objects around the drawn pages.

use super::*;

/// `2025-01-31T12:00:00Z` → a PDF date.
pub(super) fn pdf_date(text: &str) -> Option<Date> {
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
pub(super) fn assemble(r: &Report, pages: Vec<Content>, fonts: &Fonts) -> Result<Vec<u8>, String> {
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
                r.accounts_text("account")
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
