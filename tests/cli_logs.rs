//! The logs people expect, without a secret in them: `wa-sync -vv sync` from Conformity and from
//! Vision One through an assumed role, against the local fakes, and then every byte the runs
//! wrote (stdout, stderr, backups, any file under their home) is searched for every secret they
//! were given or handed out. Also: a flag wins over `RUST_LOG`, and without either only warnings
//! reach stderr.

use std::path::Path;
use std::process::{Command, Output};
use wa_sync_fakes::conformity::{self as conformity_fake, FakeConformity};
use wa_sync_fakes::sts::{FakeSts, Role};
use wa_sync_fakes::visionone::{self as visionone_fake, FakeVisionOne};
use wa_sync_fakes::wellarchitected::{FakeWellArchitected, WaState, Workload};

const ACCOUNT: &str = "4b3c1d2e-0000-4000-8000-00000000a001";
const AWS_ACCOUNT: &str = "111122223333";
const REGION: &str = "eu-west-1";
const WORKLOAD_ID: &str = "0123456789abcdef0123456789abcdef";
const EXTERNAL_ID: &str = "ext-logs-123";

const CONFORMITY_KEY: &str = "tmc12logs:ConformityLogSecret0001";
const VISIONONE_KEY: &str = "eyJ0eXAiOiJKV1QiVisionOneLogSecret0002";
const CALLER_KEY_ID: &str = "AKIAFAKELOGSCALLER";
const CALLER_SECRET: &str = "callerSecretAccessKeyLogs000000000000003";
const CALLER_SESSION_TOKEN: &str = "callerSessionTokenLogs0004";
/// The fake STS hands out `fake-secret-<id>` and `fake-session-token-<id>` for the role.
const ISSUED_KEY_ID: &str = "ASIAFAKELOGSISSUED";

fn secrets() -> Vec<String> {
    vec![
        CONFORMITY_KEY.into(),
        VISIONONE_KEY.into(),
        CALLER_SECRET.into(),
        CALLER_SESSION_TOKEN.into(),
        format!("fake-secret-{ISSUED_KEY_ID}"),
        format!("fake-session-token-{ISSUED_KEY_ID}"),
    ]
}

fn workload_arn() -> String {
    format!("arn:aws:wellarchitected:{REGION}:{AWS_ACCOUNT}:workload/{WORKLOAD_ID}")
}

fn role_arn() -> String {
    format!("arn:aws:iam::{AWS_ACCOUNT}:role/WaSyncLogs")
}

struct Fakes {
    conformity: FakeConformity,
    vision_one: FakeVisionOne,
    sts: FakeSts,
    wa: FakeWellArchitected,
}

async fn start_fakes() -> Fakes {
    let checks = conformity_fake::synthetic_checks(1_500, ACCOUNT, 7);
    let conformity = FakeConformity::start(conformity_fake::Fixture {
        api_key: CONFORMITY_KEY.into(),
        external_id: EXTERNAL_ID.into(),
        accounts: vec![conformity_fake::Account {
            id: ACCOUNT.into(),
            name: "Shop".into(),
            aws_account_id: AWS_ACCOUNT.into(),
            ..Default::default()
        }],
        checks: checks.clone(),
        ..Default::default()
    })
    .await;
    let vision_one = FakeVisionOne::start(visionone_fake::Fixture {
        checks,
        ..visionone_fake::Fixture::synthetic(VISIONONE_KEY, ACCOUNT, AWS_ACCOUNT, 0, 0)
    })
    .await;
    let mut role = Role::new(&role_arn(), ISSUED_KEY_ID);
    role.external_id = Some(EXTERNAL_ID.into());
    let sts = FakeSts::start(vec![role]).await;
    let wa = FakeWellArchitected::start(WaState {
        workloads: vec![Workload::standard(WORKLOAD_ID, "Shop", AWS_ACCOUNT, REGION)],
        // Only the role's credentials may write: the run must really assume it.
        allowed_keys: Some(vec![ISSUED_KEY_ID.into()]),
        ..WaState::default()
    })
    .await;
    Fakes {
        conformity,
        vision_one,
        sts,
        wa,
    }
}

/// `wa-sync` with a clean environment: a home of its own, the caller's AWS credentials (with a
/// session token) and the fakes' endpoints.
fn wa_sync(home: &Path, fakes: &Fakes, args: &[&str], env: &[(&str, String)]) -> Command {
    let config = home.join("aws-config");
    let credentials = home.join("aws-credentials");
    std::fs::write(&config, "").unwrap();
    std::fs::write(&credentials, "").unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_wa-sync"));
    command
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("AWS_ACCESS_KEY_ID", CALLER_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", CALLER_SECRET)
        .env("AWS_SESSION_TOKEN", CALLER_SESSION_TOKEN)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_WELLARCHITECTED", fakes.wa.endpoint())
        .env("AWS_ENDPOINT_URL_STS", fakes.sts.endpoint());
    for (k, v) in env {
        command.env(k, v);
    }
    command
}

async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("run wa-sync"))
        .await
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every place a secret could have gone: the outputs and every file under `dir`, as bytes.
fn leaks(outputs: &[&Output], dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut haystacks: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, out) in outputs.iter().enumerate() {
        haystacks.push((format!("run {i} stdout"), out.stdout.clone()));
        haystacks.push((format!("run {i} stderr"), out.stderr.clone()));
    }
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                haystacks.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    for secret in secrets() {
        for (name, bytes) in &haystacks {
            if bytes.windows(secret.len()).any(|w| w == secret.as_bytes()) {
                found.push(format!("{secret:?} in {name}"));
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_sync_at_debug_level_logs_its_steps_and_no_secret() {
    let fakes = start_fakes().await;
    let home = tempfile::tempdir().unwrap();
    let backups = home.path().join("backups");
    let arn = workload_arn();
    let role = role_arn();
    let sync = |source: &str| {
        vec![
            "-vv".to_string(),
            "sync".into(),
            "--source".into(),
            source.into(),
            "--account-id".into(),
            ACCOUNT.into(),
            "--filter-tag".into(),
            "Environment::production".into(),
            "--workload-arn".into(),
            arn.clone(),
            "--role-arn".into(),
            role.clone(),
            "--backup-dir".into(),
            backups.display().to_string(),
        ]
    };

    // From Conformity: the external ID comes from Conformity, the role is assumed with it.
    let args = sync("conformity");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = [
        ("CONFORMITY_API_URL", fakes.conformity.base_url()),
        ("CONFORMITY_API_KEY", CONFORMITY_KEY.to_string()),
        // A RUST_LOG that would show nothing: the flag wins.
        ("RUST_LOG", "off".to_string()),
    ];
    let from_conformity = run(wa_sync(home.path(), &fakes, &args, &env)).await;
    assert_eq!(
        from_conformity.status.code(),
        Some(0),
        "{}",
        stderr(&from_conformity)
    );
    assert!(
        fakes.wa.answer_updates().len() > 40,
        "the sync wrote the notes"
    );

    // From Vision One, with the same role and external ID given on the command line.
    fakes.wa.with_state(|s| {
        for answer in &mut s.workloads[0].lenses[0].answers {
            answer.notes = None;
        }
    });
    let mut args = sync("vision-one");
    args.extend(["--external-id".into(), EXTERNAL_ID.into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = [
        ("VISIONONE_API_URL", fakes.vision_one.base_url()),
        ("VISIONONE_API_KEY", VISIONONE_KEY.to_string()),
    ];
    let from_vision_one = run(wa_sync(home.path(), &fakes, &args, &env)).await;
    assert_eq!(
        from_vision_one.status.code(),
        Some(0),
        "{}",
        stderr(&from_vision_one)
    );
    assert!(fakes
        .conformity
        .requests()
        .iter()
        .any(|r| r.path.ends_with("/checks")));
    assert!(fakes.vision_one.requests().len() > 1);
    assert!(fakes
        .sts
        .requests()
        .iter()
        .any(|r| r.action == "AssumeRole" && r.status == 200));

    // The logs are there (so the search below searched something)…
    for out in [&from_conformity, &from_vision_one] {
        let log = stderr(out);
        assert!(log.contains("DEBUG"), "-vv logs debug events: {log}");
        assert!(log.contains("wa_sync_engine"), "{log}");
    }
    // …and no secret is in them, nor anywhere else the runs wrote.
    assert_eq!(
        leaks(&[&from_conformity, &from_vision_one], home.path()),
        Vec::<String>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_is_off_but_for_warnings_unless_asked_and_rust_log_is_honoured() {
    let fakes = start_fakes().await;
    let home = tempfile::tempdir().unwrap();
    let preview = ["preview", "--demo", "--json", "--quiet"];

    let quiet = run(wa_sync(home.path(), &fakes, &preview, &[])).await;
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert_eq!(
        stderr(&quiet),
        "",
        "no flag, no RUST_LOG: nothing but warnings"
    );

    let from_env = run(wa_sync(
        home.path(),
        &fakes,
        &preview,
        &[("RUST_LOG", "wa_sync_engine=info".into())],
    ))
    .await;
    assert_eq!(from_env.status.code(), Some(0), "{}", stderr(&from_env));
    assert!(
        stderr(&from_env).contains("INFO wa_sync_engine"),
        "{}",
        stderr(&from_env)
    );

    let mut verbose = vec!["-v"];
    verbose.extend(preview);
    let info = run(wa_sync(home.path(), &fakes, &verbose, &[])).await;
    assert_eq!(info.status.code(), Some(0), "{}", stderr(&info));
    let log = stderr(&info);
    assert!(log.contains("INFO") && !log.contains("DEBUG"), "{log}");
    // stdout stays the JSON a script reads.
    serde_json::from_slice::<serde_json::Value>(&info.stdout).expect("stdout is only the JSON");
}
