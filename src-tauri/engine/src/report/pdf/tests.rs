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
