//! The main window may ask the opener for https:// URLs only: the checks' links come from a
//! third-party API, so anything else (http, file, a custom scheme) is refused before a program
//! is started. An allowed URL is not opened here (that would start a browser); the WebDriver test
//! opens one through a recording `xdg-open`.

use super::{app, invoke, window};
use serde_json::json;

#[test]
fn the_opener_refuses_what_is_not_https() {
    let (app, _dir) = app();
    let main = window(&app, "main");
    for url in [
        "http://example.com/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://example.com/",
        "mailto:someone@example.com",
    ] {
        let err = invoke(&main, "plugin:opener|open_url", json!({ "url": url }))
            .expect_err("only https:// may open");
        let message = err.to_string();
        // The scope's refusal, not a missing permission for the command itself.
        assert!(
            message.contains(&format!("Not allowed to open url {url}")),
            "{url}: {message}"
        );
    }
}
