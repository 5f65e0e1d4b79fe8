//! `wa-sync hosted-sync` against the fake Conformity: the request body, Conformity's answer, and
//! its 403 and 422 errors in words that say what to fix.

use serde_json::Value;
use std::process::{Command, Output};
use wa_sync_fakes::conformity::{self as fake, FakeConformity, Fixture};

const ADMIN_KEY: &str = "tmc12admin:AdminSecretValue1";
const READ_ONLY_KEY: &str = "tmc12ro:ReadOnlySecretValue2";
const ACCOUNT: &str = "acc-hosted";
const WORKLOAD: &str =
    "arn:aws:wellarchitected:us-east-1:123456789012:workload/0123456789abcdef0123456789abcdef";
const ROLE: &str = "arn:aws:iam::123456789012:role/ConformityWellArchitected";

async fn fake() -> FakeConformity {
    FakeConformity::start(Fixture {
        api_key: ADMIN_KEY.into(),
        read_only_key: Some(READ_ONLY_KEY.into()),
        accounts: vec![fake::Account {
            id: ACCOUNT.into(),
            name: "Shop".into(),
            aws_account_id: "123456789012".into(),
            cloud_type: "aws".into(),
            environment: "prod".into(),
        }],
        ..Fixture::default()
    })
    .await
}

async fn hosted_sync(
    url: String,
    key: &'static str,
    account: &'static str,
    extra: &'static [&'static str],
) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut args = vec![
            "hosted-sync",
            "--account-id",
            account,
            "--workload-arn",
            WORKLOAD,
            "--role-arn",
            ROLE,
        ];
        args.extend_from_slice(extra);
        Command::new(env!("CARGO_BIN_EXE_wa-sync"))
            .args(&args)
            .env_clear()
            .env("CONFORMITY_API_URL", url)
            .env("CONFORMITY_API_KEY", key)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn conformity_accepts_the_sync_and_its_answer_is_shown() {
    let server = fake().await;
    let output = hosted_sync(
        server.base_url(),
        ADMIN_KEY,
        ACCOUNT,
        &["--filter-tag", "App::shop", "--json"],
    )
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["status"], "In Progress");
    assert!(answer["request_id"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));
    let request = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/well-architected-tool/sync")
        .unwrap();
    assert_eq!(request.method, "POST");
    let body: Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"meta": {"accountId": ACCOUNT, "roleArn": ROLE, "workloadArn": WORKLOAD, "filterTags": ["App::shop"]}})
    );
    let text = hosted_sync(server.base_url(), ADMIN_KEY, ACCOUNT, &[]).await;
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("overwrites"),
        "the user is told Conformity overwrites notes"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_that_is_not_an_admins_and_validation_errors_say_what_to_fix() {
    let server = fake().await;
    let forbidden = hosted_sync(server.base_url(), READ_ONLY_KEY, ACCOUNT, &[]).await;
    assert_eq!(forbidden.status.code(), Some(1));
    let message = String::from_utf8_lossy(&forbidden.stderr);
    assert!(
        message.contains("403") && message.contains("ADMIN"),
        "{message}"
    );
    assert!(!message.contains("ReadOnlySecret"));

    let invalid = hosted_sync(server.base_url(), ADMIN_KEY, "unknown-account", &[]).await;
    assert_eq!(invalid.status.code(), Some(1));
    let message = String::from_utf8_lossy(&invalid.stderr);
    assert!(
        message.contains("422") && message.contains("/meta/accountId"),
        "{message}"
    );
}
