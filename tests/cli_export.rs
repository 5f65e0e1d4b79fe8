//! `wa-sync export` as scripts use it: every format from the demo data, written atomically to
//! `--out`, and bad output paths refused before anything is read.

use std::process::{Command, Output};

fn wa_sync(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_wa-sync"))
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .unwrap()
}

#[test]
fn every_format_exports_from_the_demo_data() {
    let dir = tempfile::tempdir().unwrap();
    for (format, magic) in [
        ("json", &b"{\n  \"schema\": \"wa-sync/report/v1\""[..]),
        ("csv", b"pillar_id,pillar,question_number"),
        ("md", b"# Well-Architected Check Summary Report"),
        ("html", b"<!DOCTYPE html>"),
        ("pdf", b"%PDF-"),
    ] {
        let out = dir.path().join(format!("report.{format}"));
        let output = wa_sync(&[
            "export",
            "--demo",
            "--quiet",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{format}: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            stdout.contains("report.") && stdout.starts_with("Wrote "),
            "{stdout}"
        );
        let bytes = std::fs::read(&out).unwrap();
        assert!(
            bytes.starts_with(magic),
            "{format} starts with {:?}",
            &bytes[..20]
        );
    }
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 5, "{names:?}");
    // The JSON holds the demo's counts.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(json["account_id"], "demo-account");
    assert_eq!(json["questions"].as_array().unwrap().len(), 57);
}

#[test]
fn an_existing_file_is_replaced_and_bad_paths_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.md");
    std::fs::write(&out, "old").unwrap();
    let output = wa_sync(&[
        "export",
        "--demo",
        "-q",
        "--format",
        "md",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success());
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("# Well-Architected"));

    let output = wa_sync(&[
        "export",
        "--demo",
        "--format",
        "md",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "a directory is bad input");
    assert!(String::from_utf8_lossy(&output.stderr).contains("is a directory"));

    let missing = dir.path().join("no/such/dir/r.md");
    let output = wa_sync(&[
        "export",
        "--demo",
        "--format",
        "md",
        "--out",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("does not exist"));

    let output = wa_sync(&["export", "--demo", "--format", "docx", "--out", "x.docx"]);
    assert!(!output.status.success());
}

#[test]
fn a_pdf_character_no_font_has_is_a_warning_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.pdf");
    // U+10FFFD is a private-use character: no installed font draws it.
    let output = wa_sync(&[
        "export",
        "--demo",
        "--quiet",
        "--filter-tag",
        "Site::\u{10FFFD}",
        "--format",
        "pdf",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("warning: No installed font"), "{stderr}");
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF-"));
}
