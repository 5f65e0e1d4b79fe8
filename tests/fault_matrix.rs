//! The fault matrix (README, "What goes wrong, and what wa-sync does"): the faults no other test
//! file covers, each injected through the fakes on 127.0.0.1 and checked for what wa-sync does:
//! the exit status or error kind, a message that says what is wrong, the key never shown, retries
//! bounded, and nothing written where that matters.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;
use wa_sync_engine::conformity::{ApiKey, ClientOptions, ConformityClient};
use wa_sync_engine::http::retry::RetryPolicy;
use wa_sync_engine::visionone::{VisionOneClient, VisionOneOptions};
use wa_sync_fakes::conformity::{self as cfake, FakeConformity};
use wa_sync_fakes::server::TransportFaults;
use wa_sync_fakes::visionone::{self as vfake, FakeVisionOne};
use wa_sync_fakes::wellarchitected::{FakeWellArchitected, WaState, Workload};

const CONFORMITY_KEY: &str = "tmc12matrix:MatrixS3cretConformity";
const VISIONONE_KEY: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.MatrixS3cretVisionOne";
const SECRET_PART: &str = "MatrixS3cret";
const ACCOUNT: &str = "5f1c0a9e-0d6b-4c55-9d5e-2a7f3b8c9d10";
const AWS_ACCOUNT: &str = "111122223333";
const WORKLOAD_ID: &str = "0123456789abcdef0123456789abcdef";
const REGION: &str = "eu-west-1";
const AWS_KEY: &str = "AKIA_FAKE_MATRIX";
const AWS_SECRET: &str = "matrixSecretKeyDoNotPrint000000000000000";

/// A 422 in the shape both services' error readers know (`detail` for Conformity, `code` and
/// `message` for Vision One).
const UNPROCESSABLE: &str = r#"{"errors":[{"status":422,"code":"BadRequest","detail":"page[size] must be at most 1000","message":"page[size] must be at most 1000"}]}"#;

/// One fault as a check-source service shows it.
struct Fault {
    name: &'static str,
    faults: TransportFaults,
    /// The engine's error kind (`Error::code`).
    code: &'static str,
    /// What the message must say.
    says: &'static str,
    /// Requests the client sends before giving up (1: not retried).
    attempts: u64,
}

fn status(status: u16, body: &str) -> TransportFaults {
    TransportFaults {
        answer: Some((status, body.to_string())),
        ..TransportFaults::default()
    }
}

/// The faults shared by Conformity and Vision One. The client's timeout in these tests is 200 ms,
/// so a 5 s stall is a timeout.
fn source_faults(service: &'static str) -> Vec<Fault> {
    vec![
        Fault {
            name: "401",
            faults: status(
                401,
                r#"{"error":{"code":"Unauthorized","message":"Invalid key"}}"#,
            ),
            code: "auth",
            says: "HTTP 401",
            attempts: 1,
        },
        Fault {
            name: "403",
            faults: status(
                403,
                r#"{"error":{"code":"AccessDenied","message":"No access"}}"#,
            ),
            code: "auth",
            says: "HTTP 403",
            attempts: 1,
        },
        Fault {
            name: "404",
            faults: status(404, r#"{"errors":[{"status":404,"detail":"Not found"}]}"#),
            code: "not_found",
            says: "wa-sync accounts",
            attempts: not_retried(service),
        },
        Fault {
            name: "422",
            faults: status(422, UNPROCESSABLE),
            code: "api",
            says: "page[size] must be at most 1000",
            attempts: not_retried(service),
        },
        Fault {
            name: "persistent 500",
            faults: status(
                500,
                r#"{"errors":[{"status":500,"detail":"Internal error"}]}"#,
            ),
            code: "unavailable",
            says: "after 5 attempts",
            attempts: 5,
        },
        Fault {
            name: "persistent 503",
            faults: status(503, r#"{"message":"Service Unavailable"}"#),
            code: "unavailable",
            says: "after 5 attempts",
            attempts: 5,
        },
        Fault {
            name: "timeout",
            faults: TransportFaults {
                delay: Duration::from_secs(5),
                ..TransportFaults::default()
            },
            code: "unavailable",
            says: "timed out",
            attempts: 5,
        },
        Fault {
            name: "bad JSON",
            faults: TransportFaults {
                malformed_json: true,
                ..TransportFaults::default()
            },
            code: "bad_response",
            says: service,
            attempts: 1,
        },
        Fault {
            name: "huge body",
            faults: TransportFaults {
                huge_body_bytes: 3 * 1024 * 1024,
                ..TransportFaults::default()
            },
            code: "bad_response",
            says: "more than 1 MiB",
            attempts: 1,
        },
    ]
}

/// Requests sent for an answer that is not retried: one, but Vision One's accounts list asks
/// its beta path once more when the v3.0 one answers 404 or 4xx (tenants without the GA list).
fn not_retried(service: &str) -> u64 {
    if service == "Vision One" {
        2
    } else {
        1
    }
}

fn quick_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
    }
}

fn conformity_fixture() -> cfake::Fixture {
    cfake::Fixture {
        api_key: CONFORMITY_KEY.into(),
        external_id: "ext-matrix".into(),
        accounts: vec![cfake::Account {
            id: ACCOUNT.into(),
            name: "Production".into(),
            aws_account_id: AWS_ACCOUNT.into(),
            cloud_type: "aws".into(),
            environment: "prod".into(),
        }],
        services: cfake::services_from_rules_tsv(),
        ..cfake::Fixture::default()
    }
}

fn visionone_fixture() -> vfake::Fixture {
    vfake::Fixture::synthetic(VISIONONE_KEY, ACCOUNT, AWS_ACCOUNT, 0, 0)
}

fn assert_fault(
    service: &str,
    fault: &Fault,
    err: &wa_sync_engine::Error,
    requests: u64,
) -> String {
    let message = err.to_string();
    assert_eq!(
        err.code(),
        fault.code,
        "{service} {}: {message}",
        fault.name
    );
    assert!(
        message.contains(fault.says),
        "{service} {}: the message should say {:?}: {message}",
        fault.name,
        fault.says
    );
    assert!(
        !message.contains(SECRET_PART) && !format!("{err:?}").contains(SECRET_PART),
        "{service} {}: the key shows in {message}",
        fault.name
    );
    assert_eq!(
        requests, fault.attempts,
        "{service} {}: requests sent",
        fault.name
    );
    message
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformity_faults_give_a_clear_error_with_bounded_retries() {
    for fault in source_faults("Conformity") {
        let fake = FakeConformity::start(conformity_fixture()).await;
        fake.set_faults(|f| *f = fault.faults.clone());
        let client = ConformityClient::new(
            fake.base_url().parse().unwrap(),
            ApiKey::new(CONFORMITY_KEY).unwrap(),
            ClientOptions {
                retry: quick_retry(),
                timeout: Duration::from_millis(200),
                max_body_bytes: 1024 * 1024,
                ..ClientOptions::default()
            },
        )
        .unwrap();
        let err = client.accounts().await.unwrap_err();
        let message = assert_fault("Conformity", &fault, &err, fake.traffic().requests);
        eprintln!("Conformity {}: {message}", fault.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visionone_faults_give_a_clear_error_with_bounded_retries() {
    for fault in source_faults("Vision One") {
        let fake = FakeVisionOne::start(visionone_fixture()).await;
        fake.set_faults(|f| *f = fault.faults.clone());
        let client = VisionOneClient::new(
            fake.base_url().parse().unwrap(),
            ApiKey::new(VISIONONE_KEY).unwrap(),
            VisionOneOptions {
                retry: quick_retry(),
                timeout: Duration::from_millis(200),
                rate_window: Duration::from_millis(10),
                max_body_bytes: 1024 * 1024,
                ..VisionOneOptions::default()
            },
        )
        .unwrap();
        let err = client.accounts().await.unwrap_err();
        let message = assert_fault("Vision One", &fault, &err, fake.traffic().requests);
        eprintln!("Vision One {}: {message}", fault.name);
    }
}

/// `wa-sync` with nothing from the caller's environment but PATH, in a fresh home.
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

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The faults a user meets at the command line without waiting out retries: exit 1 and one
/// line on stderr saying what is wrong, without the key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_reports_a_source_fault_in_one_line_without_the_key() {
    let cases: [(&str, TransportFaults, &str); 4] = [
        (
            "404",
            status(404, r#"{"errors":[{"status":404,"detail":"Not found"}]}"#),
            "wa-sync accounts",
        ),
        (
            "422",
            status(422, UNPROCESSABLE),
            "page[size] must be at most 1000",
        ),
        (
            "bad JSON",
            TransportFaults {
                malformed_json: true,
                ..TransportFaults::default()
            },
            "",
        ),
        (
            "huge body",
            TransportFaults {
                // Just over the 64 MiB the CLI reads per page.
                huge_body_bytes: 65 * 1024 * 1024,
                ..TransportFaults::default()
            },
            "more than 64 MiB",
        ),
    ];
    for (name, faults, says) in cases {
        let conformity = FakeConformity::start(conformity_fixture()).await;
        conformity.set_faults(|f| *f = faults.clone());
        let vision_one = FakeVisionOne::start(visionone_fixture()).await;
        vision_one.set_faults(|f| *f = faults.clone());
        let runs = [
            (
                "Conformity",
                vec![
                    ("CONFORMITY_API_URL", conformity.base_url()),
                    ("CONFORMITY_API_KEY", CONFORMITY_KEY.to_string()),
                ],
            ),
            (
                "Vision One",
                vec![
                    ("VISIONONE_API_URL", vision_one.base_url()),
                    ("VISIONONE_API_KEY", VISIONONE_KEY.to_string()),
                ],
            ),
        ];
        for (service, env) in runs {
            let output = tokio::task::spawn_blocking(move || {
                let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
                wa_sync(&["preview", "--account-id", ACCOUNT], &env)
            })
            .await
            .unwrap();
            let err = stderr(&output);
            assert_eq!(output.status.code(), Some(1), "{service} {name}: {err}");
            assert_eq!(err.lines().count(), 1, "{service} {name}: one line: {err}");
            assert!(
                err.contains(service) && err.contains(says),
                "{service} {name}: {err}"
            );
            assert!(
                !err.contains(SECRET_PART)
                    && !String::from_utf8_lossy(&output.stdout).contains(SECRET_PART),
                "{service} {name}: the key shows"
            );
        }
    }
}

/// With no key in the environment and the keychain out of reach (no Secret Service on the
/// session bus, as when it is locked away or absent), the CLI says how to give the key and sends
/// nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_keychain_is_explained_and_nothing_is_sent() {
    let conformity = FakeConformity::start(conformity_fixture()).await;
    let url = conformity.base_url();
    let output = tokio::task::spawn_blocking(move || {
        wa_sync(
            &["accounts"],
            &[
                ("CONFORMITY_API_URL", &url),
                (
                    "DBUS_SESSION_BUS_ADDRESS",
                    "unix:path=/nonexistent/wa-sync-no-bus",
                ),
            ],
        )
    })
    .await
    .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("Conformity API key") && err.contains("set CONFORMITY_API_KEY"),
        "{err}"
    );
    eprintln!("no keychain: {err}");
    assert_eq!(
        conformity.traffic().requests,
        0,
        "nothing sent without a key"
    );
}

// Well-Architected faults, through the real AWS SDK against the fake.

fn workload_arn(id: &str) -> String {
    format!("arn:aws:wellarchitected:{REGION}:{AWS_ACCOUNT}:workload/{id}")
}

fn wa_state() -> WaState {
    WaState {
        workloads: vec![Workload::standard(WORKLOAD_ID, "Shop", AWS_ACCOUNT, REGION)],
        ..WaState::default()
    }
}

/// `wa-sync` with static AWS credentials and the Well-Architected endpoint at the fake.
fn aws_command(program: &str, wa: &FakeWellArchitected, home: &Path) -> Command {
    let config = home.join("aws-config");
    std::fs::write(&config, "").unwrap();
    let mut command = Command::new(program);
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("AWS_ACCESS_KEY_ID", AWS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &config)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_WELLARCHITECTED", wa.endpoint());
    command
}

fn sync_args(arn: &str, backups: &Path) -> Vec<String> {
    [
        "sync",
        "--demo",
        "--workload-arn",
        arn,
        "--backup-dir",
        backups.to_str().unwrap(),
        "--json",
        "--quiet",
    ]
    .map(String::from)
    .to_vec()
}

async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("run wa-sync"))
        .await
        .unwrap()
}

fn no_secret(output: &Output) {
    for text in [
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    ] {
        assert!(!text.contains(AWS_SECRET), "the secret key shows: {text}");
    }
}

fn question_status(report: &Value, question: &str) -> (String, String) {
    let q = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question_id"] == question)
        .unwrap();
    (
        q["status"].as_str().unwrap_or_default().to_string(),
        q["error"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_denied_stops_before_any_write_and_names_the_permission() {
    let wa = FakeWellArchitected::start(WaState {
        access_denied_keys: vec![AWS_KEY.into()],
        ..wa_state()
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    let backups = home.path().join("backups");
    let mut command = aws_command(env!("CARGO_BIN_EXE_wa-sync"), &wa, home.path());
    command.args(sync_args(&workload_arn(WORKLOAD_ID), &backups));
    let output = run(command).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("AccessDenied") || err.contains("not authorized"),
        "{err}"
    );
    assert!(
        err.contains("wellarchitected:"),
        "names the permission: {err}"
    );
    no_secret(&output);
    assert!(wa.answer_updates().is_empty());
    assert!(!backups.exists(), "no backup of a workload it cannot read");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_workload_is_named_and_nothing_is_written() {
    let wa = FakeWellArchitected::start(wa_state()).await;
    let home = tempfile::tempdir().unwrap();
    let backups = home.path().join("backups");
    let missing = "f".repeat(32);
    let mut command = aws_command(env!("CARGO_BIN_EXE_wa-sync"), &wa, home.path());
    command.args(sync_args(&workload_arn(&missing), &backups));
    let output = run(command).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains(&missing), "names the workload: {err}");
    assert!(
        err.contains("ResourceNotFound") || err.contains("not found"),
        "{err}"
    );
    no_secret(&output);
    assert!(wa.answer_updates().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_validation_error_on_one_question_fails_it_alone() {
    let wa = FakeWellArchitected::start(WaState {
        invalid_questions: vec!["securely-operate".into()],
        ..wa_state()
    })
    .await;
    let before = wa.state().workloads[0]
        .answer("securely-operate")
        .unwrap()
        .notes
        .clone();
    let home = tempfile::tempdir().unwrap();
    let backups = home.path().join("backups");
    let mut command = aws_command(env!("CARGO_BIN_EXE_wa-sync"), &wa, home.path());
    command.args(sync_args(&workload_arn(WORKLOAD_ID), &backups));
    let output = run(command).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "partly done: {err}");
    assert!(err.contains("securely-operate"), "{err}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let (status, error) = question_status(&report, "securely-operate");
    assert_eq!(status, "failed");
    assert!(error.contains("ValidationException"), "{error}");
    let failed = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["status"] == "failed")
        .count();
    assert_eq!(failed, 1, "only that question failed");
    let updates = wa.answer_updates();
    assert!(updates.len() > 10, "the others were written");
    assert!(updates.iter().all(|u| u.question_id != "securely-operate"));
    assert_eq!(
        wa.state().workloads[0]
            .answer("securely-operate")
            .unwrap()
            .notes,
        before
    );
    no_secret(&output);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_milestone_that_cannot_be_saved_stops_the_sync_before_any_write() {
    let wa = FakeWellArchitected::start(WaState {
        denied_operations: vec!["CreateMilestone".into()],
        ..wa_state()
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    let backups = home.path().join("backups");
    let mut command = aws_command(env!("CARGO_BIN_EXE_wa-sync"), &wa, home.path());
    command
        .args(sync_args(&workload_arn(WORKLOAD_ID), &backups))
        .arg("--milestone");
    let output = run(command).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("wellarchitected:CreateMilestone") && err.contains("nothing was written"),
        "names the permission and says nothing was written: {err}"
    );
    no_secret(&output);
    assert!(wa.answer_updates().is_empty());
    let backups_left = std::fs::read_dir(&backups).map_or(0, |d| d.count());
    assert_eq!(backups_left, 0, "no backup of a sync that wrote nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn milestone_and_pillar_notes_from_the_cli_then_restore_names_the_milestone() {
    let wa = FakeWellArchitected::start(wa_state()).await;
    let reviewer = "Owner: Zoë ✓ — keep this";
    wa.with_state(|s| {
        let lens = &mut s.workloads[0].lenses[0];
        lens.pillar_notes.insert("security".into(), reviewer.into());
    });
    let home = tempfile::tempdir().unwrap();
    let backups = home.path().join("backups");
    let arn = workload_arn(WORKLOAD_ID);

    let mut dry = aws_command(env!("CARGO_BIN_EXE_wa-sync"), &wa, home.path());
    dry.args(sync_args(&arn, &backups))
        .args(["--milestone", "--pillar-notes", "--dry-run"]);
    let output = run(dry).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(report.get("milestone").is_none());
    let security = (report["pillars"].as_array().unwrap().iter())
        .find(|p| p["pillar_id"] == "security")
        .unwrap();
    assert_eq!(security["notes_status"], "would-change");
    assert!(security["notes"].as_str().unwrap().starts_with(reviewer));
    assert!(wa.state().milestones.is_empty(), "a dry run saves none");

    let mut sync = aws_command(env!("CARGO_BIN_EXE_wa-sync"), &wa, home.path());
    let mut args = sync_args(&arn, &backups);
    args.retain(|a| a != "--json");
    sync.args(args).args(["--milestone", "--pillar-notes"]);
    let output = run(sync).await;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let name = &wa.state().milestones[0].name;
    assert!(
        text.contains(&format!("Milestone 1 \"{name}\" holds the review")),
        "{text}"
    );
    assert!(text.contains("Pillar notes: "), "{text}");
    no_secret(&output);

    // The backup file, not the `history` folder every sync also leaves there.
    let backup = std::fs::read_dir(&backups)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.is_file())
        .unwrap();
    let mut restore = aws_command(env!("CARGO_BIN_EXE_wa-sync"), &wa, home.path());
    restore.args([
        "restore",
        "--backup",
        backup.to_str().unwrap(),
        "--workload-arn",
        &arn,
        "--backup-dir",
        backups.to_str().unwrap(),
        "--quiet",
    ]);
    let output = run(restore).await;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        text.contains(&format!(
            "Milestone 1 \"{name}\" holds the review as it was"
        )),
        "{text}"
    );
    assert!(text.contains("pillar security"), "{text}");
    let notes = &wa.state().workloads[0].lenses[0].pillar_notes;
    assert_eq!(notes.get("security").map(String::as_str), Some(reviewer));
    assert!(wa
        .requests()
        .iter()
        .any(|r| r.operation == "GetMilestone" && r.status == 200));
}
