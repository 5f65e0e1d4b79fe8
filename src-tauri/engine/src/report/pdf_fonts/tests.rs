use super::embed::{sanitize, subset_tag};
use super::*;

fn family_installed(family: &str) -> bool {
    regular_face(system_fonts(), family).is_some()
}

#[test]
fn chars_fall_back_across_fonts_and_unknown_ones_are_reported() {
    if !family_installed("DejaVu Sans") || !family_installed("Droid Sans Fallback") {
        wa_sync_fakes::prerequisites::missing(
            wa_sync_fakes::prerequisites::Prerequisite::Fonts,
            "DejaVu Sans or Droid Sans Fallback is not installed (Debian: fonts-dejavu-core fonts-droid-fallback)",
        );
        return;
    }
    let chars: BTreeSet<char> = "Zürich Ωμέγα Привет 本番環境 \u{10fffd}".chars().collect();
    let set = FontSet::for_chars(&chars).expect("fonts");
    let latin = set.glyph('Z', false).unwrap();
    let greek = set.glyph('Ω', false).unwrap();
    let han = set.glyph('本', false).unwrap();
    assert_eq!(latin.face, greek.face, "Latin and Greek from one face");
    assert_ne!(latin.face, han.face, "CJK from a fallback face");
    assert!(han.advance > 900.0, "full-width ideograph: {}", han.advance);
    assert_eq!(set.missing(), vec!['\u{10fffd}']);
    // Bold: a real bold Latin face; the CJK fallback is stroked when it has no bold.
    let bold = set.glyph('Z', true).unwrap();
    assert_ne!(bold.face, latin.face);
    assert!(!bold.fake_bold);
    let bold_han = set.glyph('本', true).unwrap();
    assert_eq!(bold_han.face == han.face, bold_han.fake_bold);
    // Runs change with the face; the unknown character is the question mark's glyph.
    let runs = set.encode("Zü本\u{10fffd}", false);
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[0].bytes.len(), 4);
    assert_eq!(runs[2].face, latin.face);
    // Invisible characters draw nothing.
    assert_eq!(
        set.width("a\u{200b}b", 10.0, false),
        set.width("ab", 10.0, false)
    );
}

#[test]
fn the_subset_tag_is_six_capitals_and_stable() {
    let mut remapper = GlyphRemapper::new();
    remapper.remap(5);
    let tag = subset_tag("DejaVuSans", &remapper);
    assert_eq!(tag.len(), 6);
    assert!(tag.chars().all(|c| c.is_ascii_uppercase()));
    assert_eq!(tag, subset_tag("DejaVuSans", &remapper));
    assert_eq!(sanitize("Noto Sans CJK/JP"), "NotoSansCJKJP");
}
