//! `wa-sync --source vision-one`: the same checks give the same notes as from Conformity, and
//! the Conformity-only commands are refused before anything is sent.

use serde_json::Value;
use std::process::{Command, Output};
use wa_sync_fakes::conformity::{self as conformity_fake, FakeConformity};
use wa_sync_fakes::visionone::{self as visionone_fake, FakeVisionOne};

const ACCOUNT: &str = "4b3c1d2e-0000-4000-8000-00000000a001";
const CONFORMITY_KEY: &str = "tmc12:ConformityKeyValue";
const VISIONONE_KEY: &str = "eyJ0eXAiOiJKV1QiVisionOneKey";

fn wa_sync(args: Vec<String>, env: Vec<(&'static str, String)>) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_wa-sync"));
    command.args(args).env_clear().env("HOME", home.path());
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

async fn run(args: Vec<String>, env: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || wa_sync(args, env))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn vision_one_and_conformity_give_the_same_report_for_the_same_checks() {
    let checks = conformity_fake::synthetic_checks(2_500, ACCOUNT, 11);
    let conformity = FakeConformity::start(conformity_fake::Fixture {
        api_key: CONFORMITY_KEY.into(),
        checks: checks.clone(),
        ..Default::default()
    })
    .await;
    let vision_one = FakeVisionOne::start(visionone_fake::Fixture {
        checks,
        ..visionone_fake::Fixture::synthetic(VISIONONE_KEY, ACCOUNT, "123456789012", 0, 0)
    })
    .await;
    let preview = args(&[
        "preview",
        "--account-id",
        ACCOUNT,
        "--filter-tag",
        "Environment::production",
        "--json",
    ]);
    let from_conformity = run(
        preview.clone(),
        vec![
            ("CONFORMITY_API_URL", conformity.base_url()),
            ("CONFORMITY_API_KEY", CONFORMITY_KEY.into()),
        ],
    )
    .await;
    // No --source: the Vision One URL and key alone select it.
    let from_vision_one = run(
        preview,
        vec![
            ("VISIONONE_API_URL", vision_one.base_url()),
            ("VISIONONE_API_KEY", VISIONONE_KEY.into()),
        ],
    )
    .await;
    for output in [&from_conformity, &from_vision_one] {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut a: Value = serde_json::from_slice(&from_conformity.stdout).unwrap();
    let b: Value = serde_json::from_slice(&from_vision_one.stdout).unwrap();
    // Conformity's checks also link each resource; no Vision One source shows such a link.
    for question in a["questions"].as_array_mut().unwrap() {
        for rule in question["rules"].as_array_mut().unwrap() {
            for resource in rule["failing_resources"].as_array_mut().unwrap() {
                assert!(resource["link"].as_str().unwrap().starts_with("https://"));
                resource["link"] = Value::Null;
            }
        }
    }
    assert!(b["questions"].as_array().unwrap().iter().any(|q| q["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["failing_resources_total"].as_u64().unwrap() > 0
            && r["title"].is_string()
            && r["knowledge_base_url"]
                .as_str()
                .unwrap()
                .starts_with("https://"))));
    assert!(a["checks"]["counted"].as_u64().unwrap() > 500);
    for key in ["fetched", "counted", "left_out"] {
        assert_eq!(a["checks"][key], b["checks"][key], "{key}");
    }
    assert_eq!(a["questions"], b["questions"]);
    assert_eq!(a["pillars"], b["pillars"]);
    assert!(
        !vision_one.requests().is_empty()
            && vision_one
                .requests()
                .iter()
                .all(|r| r.authorization.as_deref() == Some(&format!("Bearer {VISIONONE_KEY}")))
    );
    let stdout = String::from_utf8_lossy(&from_vision_one.stdout);
    assert!(!stdout.contains(VISIONONE_KEY));
}

#[tokio::test(flavor = "multi_thread")]
async fn conformity_only_commands_and_bad_tags_exit_2_before_any_request() {
    let vision_one = FakeVisionOne::start(visionone_fake::Fixture::synthetic(
        VISIONONE_KEY,
        ACCOUNT,
        "123456789012",
        10,
        1,
    ))
    .await;
    let env = || {
        vec![
            ("WA_SYNC_SOURCE", "vision-one".to_string()),
            ("VISIONONE_API_URL", vision_one.base_url()),
            ("VISIONONE_API_KEY", VISIONONE_KEY.to_string()),
        ]
    };
    for (command, needle) in [
        (args(&["external-id"]), "no organisation external ID"),
        (
            args(&[
                "hosted-sync", "--account-id", ACCOUNT, "--role-arn", "arn:aws:iam::123456789012:role/r",
                "--workload-arn", "arn:aws:wellarchitected:us-east-1:123456789012:workload/0123456789abcdef0123456789abcdef",
            ]),
            "hosted",
        ),
        (args(&["preview", "--account-id", ACCOUNT, "--filter-tag", "production"]), "::"),
    ] {
        let output = run(command, env()).await;
        assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(String::from_utf8_lossy(&output.stderr).contains(needle), "{}", String::from_utf8_lossy(&output.stderr));
    }
    assert!(vision_one.requests().is_empty());
    let accounts = run(args(&["accounts", "--json"]), env()).await;
    assert!(
        accounts.status.success(),
        "{}",
        String::from_utf8_lossy(&accounts.stderr)
    );
    let accounts: Value = serde_json::from_slice(&accounts.stdout).unwrap();
    assert_eq!(accounts[0]["id"], ACCOUNT);
    assert_eq!(accounts[0]["aws_account_id"], "123456789012");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_loopback_url_is_not_sent_through_a_proxy() {
    let vision_one = FakeVisionOne::start(visionone_fake::Fixture::synthetic(
        VISIONONE_KEY,
        ACCOUNT,
        "123456789012",
        10,
        1,
    ))
    .await;
    // Nothing listens on port 9 (discard): a request sent through the proxy would fail, and a
    // real proxy would see the key.
    let proxy = "http://127.0.0.1:9".to_string();
    let output = run(
        args(&["accounts", "--json"]),
        vec![
            ("WA_SYNC_SOURCE", "vision-one".to_string()),
            ("VISIONONE_API_URL", vision_one.base_url()),
            ("VISIONONE_API_KEY", VISIONONE_KEY.to_string()),
            ("HTTP_PROXY", proxy.clone()),
            ("http_proxy", proxy.clone()),
            ("HTTPS_PROXY", proxy.clone()),
            ("ALL_PROXY", proxy),
        ],
    )
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!vision_one.requests().is_empty());
}
