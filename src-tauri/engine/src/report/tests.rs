use super::*;
use std::time::Duration;

#[test]
fn rfc3339_formats_utc() {
    assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
    assert_eq!(
        rfc3339(UNIX_EPOCH + Duration::from_secs(1_738_324_800)),
        "2025-01-31T12:00:00Z"
    );
    assert_eq!(
        rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400 + 86_399)),
        "2000-02-29T23:59:59Z"
    );
}

#[test]
fn thousands_and_score() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(25_000), "25,000");
    assert_eq!(thousands(1_234_567), "1,234,567");
    assert_eq!(score(3, 1), "75%");
    assert_eq!(score(0, 0), "-");
}
