//! How `wa-sync` reads on a terminal: counts in the right number, help for every flag a newcomer
//! meets, and control characters from API data (names, rule IDs, messages) shown escaped rather
//! than obeyed by the terminal.

use serde_json::Value;
use std::process::{Command, Output};
use wa_sync_fakes::conformity::{self as fake, FakeConformity, Fixture};

const KEY: &str = "tmc12out:OutputTestKeyValue";
/// An account name that would clear the screen, retitle the window, ring the bell and overwrite
/// its own line if a terminal obeyed it; U+009B is the one-byte CSI some terminals accept.
const HOSTILE_NAME: &str = "Prod\u{1b}[2J\u{1b}]0;owned\u{7}\rFake\u{9b}31m";

fn wa_sync(args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_wa-sync"));
    command
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// What a terminal would act on: C0 controls other than line feed, DEL and C1 controls.
fn terminal_would_obey(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n')
}

/// A saved `/checks` page: `(rule_id, count)` pairs, all failures of one account.
fn checks_file(dir: &std::path::Path, rules: &[(&str, usize)]) -> String {
    let data: Vec<Value> = rules
        .iter()
        .flat_map(|(rule, n)| {
            (0..*n).map(move |i| {
                serde_json::json!({
                    "type": "checks",
                    "id": format!("ccc:acc-1:{rule}:{i}"),
                    "attributes": {"status": "FAILURE", "risk-level": "HIGH", "region": "global", "tags": []},
                    "relationships": {"rule": {"data": {"type": "rules", "id": rule}}, "account": {"data": {"type": "accounts", "id": "acc-1"}}}
                })
            })
        })
        .collect();
    let path = dir.join("checks.json");
    let total = data.len();
    std::fs::write(
        &path,
        serde_json::json!({"data": data, "meta": {"total": total}}).to_string(),
    )
    .unwrap();
    path.display().to_string()
}

#[test]
fn rules_mapping_to_no_question_are_counted_in_the_right_number_and_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let file = checks_file(
        dir.path(),
        &[
            ("S3-001", 3),
            ("ZZ-001", 1),
            ("ZZ-002", 2),
            ("ZZ-\u{1b}[2J003", 1),
        ],
    );
    let output = wa_sync(&["preview", "--checks-file", &file], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("  ZZ-001 (1 check): "), "{text}");
    assert!(text.contains("  ZZ-002 (2 checks): "), "{text}");
    assert!(
        text.contains("  ZZ-\\x1b[2J003 (1 check): "),
        "the rule ID is shown escaped: {text}"
    );
    assert!(!terminal_would_obey(&text), "{text:?}");
    let checks_line = text.lines().find(|l| l.starts_with("Checks: ")).unwrap();
    assert!(
        checks_line.ends_with(
            "left out: 0 whose rule is disabled, 0 suppressed, 0 excluded, 0 not scored, \
             4 whose rule maps to no question"
        ),
        "{checks_line}"
    );
}

#[test]
fn an_error_quoting_input_shows_its_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("page\u{1b}[31m\r0.json");
    let output = wa_sync(
        &["preview", "--checks-file", missing.to_str().unwrap()],
        &[],
    );
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("page\\x1b[31m\\r0.json"), "{err}");
    assert!(!terminal_would_obey(&err), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn account_names_from_the_api_are_escaped_in_tables_and_exact_in_json() {
    let fake = FakeConformity::start(Fixture {
        api_key: KEY.into(),
        external_id: "ext-out-1".into(),
        accounts: vec![
            fake::Account {
                id: "acc-1".into(),
                name: HOSTILE_NAME.into(),
                aws_account_id: "123456789012".into(),
                cloud_type: "aws".into(),
                environment: "prod".into(),
            },
            fake::Account {
                id: "acc-2".into(),
                name: "Staging".into(),
                aws_account_id: "210987654321".into(),
                cloud_type: "aws".into(),
                environment: "staging".into(),
            },
        ],
        ..Fixture::default()
    })
    .await;
    let url = fake.base_url();
    let (table, json) = tokio::task::spawn_blocking(move || {
        let env = [
            ("CONFORMITY_API_URL", url.as_str()),
            ("CONFORMITY_API_KEY", KEY),
        ];
        (
            wa_sync(&["accounts"], &env),
            wa_sync(&["accounts", "--json"], &env),
        )
    })
    .await
    .unwrap();

    assert!(table.status.success(), "{}", stderr(&table));
    let text = stdout(&table);
    assert!(!terminal_would_obey(&text), "{text:?}");
    let shown = "Prod\\x1b[2J\\x1b]0;owned\\x07\\rFake\\u{9b}31m";
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 3, "a header and one line per account: {text}");
    assert!(rows[1].contains(shown), "{text}");
    // The escaped name is measured as shown, so the next column still lines up.
    let column = |row: &str| row.find("123456789012").or(row.find("210987654321"));
    assert_eq!(column(rows[1]), column(rows[2]), "{text}");

    assert!(json.status.success(), "{}", stderr(&json));
    let raw = stdout(&json);
    assert!(!terminal_would_obey(&raw), "{raw:?}");
    let accounts: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(
        accounts[0]["name"], HOSTILE_NAME,
        "JSON keeps the data exact"
    );
}

#[test]
fn every_flag_a_newcomer_meets_has_help() {
    let preview = stdout(&wa_sync(&["preview", "--help"], &[]));
    let flag_help = |help: &str, flag: &str| -> String {
        let start = help
            .find(&format!("      {flag}"))
            .unwrap_or_else(|| panic!("{flag} in {help}"));
        help[start..].lines().take(3).collect::<Vec<_>>().join(" ")
    };
    assert!(
        flag_help(&preview, "--json").contains("JSON for scripts"),
        "{preview}"
    );
    let notes_mode = flag_help(&preview, "--notes-mode");
    assert!(
        notes_mode.contains("replace-block") && notes_mode.contains("overwrite"),
        "{notes_mode}"
    );
    assert!(notes_mode.contains("reviewer"), "{notes_mode}");
    let account = flag_help(&preview, "--account-id");
    assert!(
        account.contains("Conformity") && account.contains("Vision One"),
        "{account}"
    );
    for command in ["accounts", "sync", "restore", "mapping"] {
        let help = stdout(&wa_sync(&[command, "--help"], &[]));
        assert!(
            flag_help(&help, "--json").contains("JSON for scripts"),
            "{command}: {help}"
        );
    }
}
