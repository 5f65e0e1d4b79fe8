//! `wa-sync sync` and `restore` driven as a binary against the fake Well-Architected Tool and the
//! fake STS, through the real AWS SDK clients (`AWS_ENDPOINT_URL_*`).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use wa_sync_engine::notes::{render_block, utf16_len, NOTES_LIMIT};
use wa_sync_engine::summary::Tally;
use wa_sync_fakes::sts::{FakeSts, Role};
use wa_sync_fakes::wellarchitected::{EditAfterGet, FakeWellArchitected, WaState, Workload};

const ID: &str = "0123456789abcdef0123456789abcdef";
const ACCOUNT: &str = "111122223333";
const REGION: &str = "eu-west-1";
const KEY: &str = "AKIA_FAKE_CALLER";

fn arn() -> String {
    format!("arn:aws:wellarchitected:{REGION}:{ACCOUNT}:workload/{ID}")
}

fn state() -> WaState {
    WaState {
        workloads: vec![Workload::standard(ID, "Shop", ACCOUNT, REGION)],
        ..WaState::default()
    }
}

struct Env {
    dir: tempfile::TempDir,
    wa: Option<String>,
    sts: Option<String>,
    extra: Vec<(String, String)>,
}

impl Env {
    fn new(wa: &FakeWellArchitected) -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
            wa: Some(wa.endpoint()),
            sts: None,
            extra: Vec::new(),
        }
    }

    fn backups(&self) -> PathBuf {
        self.dir.path().join("backups")
    }

    fn command(&self, args: &[&str]) -> Command {
        let config = self.dir.path().join("aws-config");
        let credentials = self.dir.path().join("aws-credentials");
        std::fs::write(&config, "").unwrap();
        std::fs::write(&credentials, "").unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wa-sync"));
        for var in [
            "AWS_PROFILE",
            "AWS_SESSION_TOKEN",
            "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_WELLARCHITECTED",
            "AWS_ENDPOINT_URL_STS",
            "AWS_ENDPOINT_URL_IAM",
            "CONFORMITY_API_URL",
            "CONFORMITY_REGION",
            "CONFORMITY_API_KEY",
            "WA_SYNC_DEMO_WORKLOAD",
            "AWS_MAX_ATTEMPTS",
            "AWS_RETRY_MODE",
        ] {
            cmd.env_remove(var);
        }
        cmd.args(args)
            .env("AWS_ACCESS_KEY_ID", KEY)
            .env(
                "AWS_SECRET_ACCESS_KEY",
                "fakeSecretKeyDoNotPrint0000000000000000",
            )
            .env("AWS_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"));
        if let Some(wa) = &self.wa {
            cmd.env("AWS_ENDPOINT_URL_WELLARCHITECTED", wa);
        }
        if let Some(sts) = &self.sts {
            cmd.env("AWS_ENDPOINT_URL_STS", sts);
        }
        for (k, v) in &self.extra {
            cmd.env(k, v);
        }
        cmd
    }

    async fn run(&self, args: &[&str]) -> Output {
        let mut cmd = self.command(args);
        tokio::task::spawn_blocking(move || cmd.output().expect("run wa-sync"))
            .await
            .unwrap()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    })
}

fn notes_of(wa: &FakeWellArchitected, question: &str) -> String {
    wa.state().workloads[0]
        .answer(question)
        .unwrap()
        .notes
        .clone()
        .unwrap_or_default()
}

fn set_notes(wa: &FakeWellArchitected, question: &str, notes: &str) {
    wa.with_state(|s| {
        let answer = s.workloads[0].lenses[0]
            .answers
            .iter_mut()
            .find(|a| a.question_id == question)
            .unwrap();
        answer.notes = Some(notes.to_string());
    });
}

fn status_of<'a>(report: &'a Value, question: &str) -> &'a str {
    report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question_id"] == question)
        .unwrap()["status"]
        .as_str()
        .unwrap()
}

fn count_status(report: &Value, status: &str) -> usize {
    report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["status"] == status)
        .count()
}

fn sync_args<'a>(arn: &'a str, backups: &'a Path) -> Vec<&'a str> {
    vec![
        "sync",
        "--demo",
        "--workload-arn",
        arn,
        "--backup-dir",
        backups.to_str().unwrap(),
        "--json",
        "--quiet",
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_writes_notes_only_keeps_human_text_and_backs_up_first() {
    let wa = FakeWellArchitected::start(state()).await;
    // A reviewer's text around an old block, non-ASCII text, and text that leaves little room.
    let old_block = render_block(&Tally::default(), &["OLD-001"], NOTES_LIMIT).unwrap();
    let around = format!("Über-prüft ✓ 日本語 before\n{old_block}\nAfter: keep me 🚀");
    set_notes(&wa, "securely-operate", &around);
    set_notes(
        &wa,
        "protect-data-rest",
        "Reviewer: encryption at rest everywhere.",
    );
    let long_human = "é".repeat(NOTES_LIMIT - 420);
    set_notes(&wa, "backing-up-data", &long_human);
    let before = wa.state();
    let env = Env::new(&wa);
    let arn = arn();
    let backups = env.backups();

    let started = Instant::now();
    let out = env.run(&sync_args(&arn, &backups)).await;
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    let requests = wa.requests();
    eprintln!(
        "57-question sync against the fake: {} requests ({} UpdateAnswer, {} GetAnswer, {} ListAnswers) in {:?}",
        requests.len(),
        requests.iter().filter(|r| r.operation == "UpdateAnswer").count(),
        requests.iter().filter(|r| r.operation == "GetAnswer").count(),
        requests.iter().filter(|r| r.operation == "ListAnswers").count(),
        elapsed
    );

    // Notes only: no choices, applicability or reason in any body.
    let updates = wa.answer_updates();
    assert!(!updates.is_empty());
    for u in &updates {
        assert!(u.notes.is_some());
        assert_eq!(u.selected_choices, None, "{u:?}");
        assert_eq!(u.choice_updates, None, "{u:?}");
        assert_eq!(u.is_applicable, None);
        assert_eq!(u.reason, None);
    }
    for r in requests.iter().filter(|r| r.method == "PATCH") {
        assert!(
            !r.body.contains("SelectedChoices") && !r.body.contains("ChoiceUpdates"),
            "{}",
            r.body
        );
        assert_eq!(
            r.region.as_deref(),
            Some(REGION),
            "the region comes from the ARN"
        );
    }
    for (a, b) in before.workloads[0].lenses[0]
        .answers
        .iter()
        .zip(&wa.state().workloads[0].lenses[0].answers)
    {
        assert_eq!(a.selected_choices, b.selected_choices);
    }

    // The reviewer's text stays, the block is replaced in place.
    let after = notes_of(&wa, "securely-operate");
    assert!(
        after.starts_with("Über-prüft ✓ 日本語 before\nHere are your findings"),
        "{after}"
    );
    assert!(after.ends_with("\nAfter: keep me 🚀"), "{after}");
    assert!(!after.contains("OLD-001"));
    assert_eq!(after.matches("Here are your findings").count(), 1);
    let appended = notes_of(&wa, "protect-data-rest");
    assert!(
        appended.starts_with("Reviewer: encryption at rest everywhere.\n\nHere are your findings")
    );
    let long = notes_of(&wa, "backing-up-data");
    assert!(
        long.starts_with(&long_human) && utf16_len(&long) <= NOTES_LIMIT,
        "{}",
        utf16_len(&long)
    );

    // Statuses and the backup.
    assert_eq!(status_of(&report, "securely-operate"), "written");
    assert!(count_status(&report, "written") == updates.len());
    assert_eq!(count_status(&report, "failed"), 0);
    let backup_path = report["backup"].as_str().expect("a backup path");
    assert!(backup_path.starts_with(backups.to_str().unwrap()));
    let backup: Value = serde_json::from_slice(&std::fs::read(backup_path).unwrap()).unwrap();
    assert_eq!(backup["workload_arn"], arn);
    assert_eq!(backup["lens_alias"], "wellarchitected");
    let saved = backup["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question_id"] == "securely-operate")
        .unwrap();
    assert_eq!(saved["notes"], around);
    assert_eq!(backup["questions"].as_array().unwrap().len(), 57);
    assert!(backup["wa_sync_version"].is_string() && backup["created_at"].is_string());

    // A second run changes nothing and writes nothing.
    let writes_before = wa.answer_updates().len();
    let out = env.run(&sync_args(&arn, &backups)).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let again = json(&out);
    assert_eq!(count_status(&again, "written"), 0);
    assert!(again["backup"].is_null());
    assert_eq!(wa.answer_updates().len(), writes_before);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(!text.contains("fakeSecretKey"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_and_preview_write_nothing() {
    let wa = FakeWellArchitected::start(state()).await;
    let env = Env::new(&wa);
    let arn = arn();
    let backups = env.backups();
    let mut args = sync_args(&arn, &backups);
    args.push("--dry-run");
    let out = env.run(&args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert!(count_status(&report, "would-change") > 0);
    assert!(report["backup"].is_null());
    let out = env
        .run(&[
            "preview",
            "--demo",
            "--workload-arn",
            &arn,
            "--json",
            "--quiet",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let preview = json(&out);
    assert_eq!(preview["workload_arn"], arn);
    assert_eq!(
        count_status(&preview, "would-change"),
        count_status(&report, "would-change")
    );
    assert!(wa.requests().iter().all(|r| r.method != "PATCH"));
    assert!(!backups.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflict_on_one_question_does_not_stop_the_others() {
    let mut s = state();
    s.conflict_questions = vec!["securely-operate".into()];
    let wa = FakeWellArchitected::start(s).await;
    let env = Env::new(&wa);
    let arn = arn();
    let backups = env.backups();
    let out = env.run(&sync_args(&arn, &backups)).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(status_of(&report, "securely-operate"), "failed");
    let q = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question_id"] == "securely-operate")
        .unwrap();
    assert!(q["error"].as_str().unwrap().contains("ConflictException"));
    assert!(
        stderr(&out).contains("securely-operate"),
        "{}",
        stderr(&out)
    );
    assert!(count_status(&report, "written") > 10);
    assert!(!report["backup"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_percent_throttling_is_retried() {
    let mut s = state();
    s.throttle_percent = 20;
    let wa = FakeWellArchitected::start(s).await;
    let env = Env::new(&wa);
    let arn = arn();
    let backups = env.backups();
    let started = Instant::now();
    let out = env.run(&sync_args(&arn, &backups)).await;
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    let requests = wa.requests();
    let throttled = requests.iter().filter(|r| r.status == 429).count();
    eprintln!(
        "with 20% throttling: {} requests, {} answered 429, {} written, {} failed, in {:?}",
        requests.len(),
        throttled,
        count_status(&report, "written"),
        count_status(&report, "failed"),
        elapsed
    );
    assert!(throttled > 0);
    assert_eq!(count_status(&report, "failed"), 0);
    assert!(count_status(&report, "written") > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_puts_back_the_exact_notes() {
    let wa = FakeWellArchitected::start(state()).await;
    set_notes(
        &wa,
        "securely-operate",
        "  trailing spaces and CRLF\r\n\r\nnon-ASCII: ÆØÅ 😀  ",
    );
    set_notes(&wa, "protect-data-rest", "");
    let before: Vec<String> = wa.state().workloads[0].lenses[0]
        .answers
        .iter()
        .map(|a| a.notes.clone().unwrap_or_default())
        .collect();
    let env = Env::new(&wa);
    let arn = arn();
    let backups = env.backups();
    let out = env.run(&sync_args(&arn, &backups)).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let backup = json(&out)["backup"].as_str().unwrap().to_string();
    assert_ne!(notes_of(&wa, "protect-data-rest"), "");

    // Another workload's ARN is refused before anything is sent.
    let other = format!(
        "arn:aws:wellarchitected:{REGION}:{ACCOUNT}:workload/{}",
        "f".repeat(32)
    );
    let sent = wa.requests().len();
    let out = env
        .run(&[
            "restore",
            "--backup",
            &backup,
            "--workload-arn",
            &other,
            "--quiet",
        ])
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(wa.requests().len(), sent);

    // Without --workload-arn (or --yes) the restore names the workload and sends nothing.
    let out = env.run(&["restore", "--backup", &backup, "--quiet"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&arn) && stderr(&out).contains("--yes"),
        "{}",
        stderr(&out)
    );
    assert_eq!(wa.requests().len(), sent);

    let out = env
        .run(&[
            "restore",
            "--backup",
            &backup,
            "--workload-arn",
            &arn,
            "--backup-dir",
            backups.to_str().unwrap(),
            "--json",
            "--quiet",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert!(report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|q| q["status"] != "failed"));
    let after: Vec<String> = wa.state().workloads[0].lenses[0]
        .answers
        .iter()
        .map(|a| a.notes.clone().unwrap_or_default())
        .collect();
    assert_eq!(before, after, "byte-identical after restore");
    assert!(wa
        .answer_updates()
        .iter()
        .all(|u| u.selected_choices.is_none() && u.choice_updates.is_none()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_arns_exit_2_without_a_request() {
    let wa = FakeWellArchitected::start(state()).await;
    let env = Env::new(&wa);
    let good = arn();
    for args in [
        vec![
            "sync",
            "--demo",
            "--workload-arn",
            "arn:aws:wellarchitected:eu-west-1:111122223333:workload/XYZ",
        ],
        vec!["sync", "--demo", "--workload-arn", "arn:aws:s3:::bucket"],
        vec!["preview", "--demo", "--workload-arn", "workload/abc"],
        vec![
            "sync",
            "--demo",
            "--workload-arn",
            good.as_str(),
            "--role-arn",
            "arn:aws:iam::1:role/x",
            "--external-id",
            "abc",
        ],
        vec![
            "iam",
            "policy",
            "--workload-arn",
            "nope",
            "--external-id",
            "abc",
        ],
    ] {
        let out = env.run(&args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("ARN"), "{}", stderr(&out));
    }
    assert!(wa.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assume_role_with_external_id() {
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/WaSync");
    let mut role = Role::new(&role_arn, "ASIA_FAKE_ISSUED");
    role.external_id = Some("ext-right-123".into());
    role.available_after_attempts = 2;
    let sts = FakeSts::start(vec![role]).await;
    let mut s = state();
    s.allowed_keys = Some(vec!["ASIA_FAKE_ISSUED".into()]);
    let wa = FakeWellArchitected::start(s).await;
    let mut env = Env::new(&wa);
    env.sts = Some(sts.endpoint());
    let arn = arn();
    let backups = env.backups();

    // Wrong external ID: refused, explained, nothing sent to Well-Architected.
    env.extra = vec![("WA_SYNC_ASSUME_ROLE_WAIT_SECS".into(), "1".into())];
    let mut args = sync_args(&arn, &backups);
    args.extend(["--role-arn", &role_arn, "--external-id", "ext-wrong-999"]);
    let out = env.run(&args).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&role_arn) && err.contains("trust policy") && err.contains("external ID"),
        "{err}"
    );
    assert!(wa.requests().is_empty());
    assert!(!backups.exists());

    // Right external ID, on a role that refuses its first attempts (just created).
    sts.add_role({
        let mut role = Role::new(&role_arn, "ASIA_FAKE_ISSUED");
        role.external_id = Some("ext-right-123".into());
        role.available_after_attempts = 2;
        role
    });
    env.extra.clear();
    let mut args = sync_args(&arn, &backups);
    args.extend(["--role-arn", &role_arn, "--external-id", "ext-right-123"]);
    let out = env.run(&args).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let assumed: Vec<_> = sts
        .requests()
        .into_iter()
        .filter(|r| r.action == "AssumeRole")
        .collect();
    assert!(assumed.iter().all(|r| r
        .role_session_name
        .as_deref()
        .unwrap_or("")
        .starts_with("wa-sync-")));
    assert_eq!(assumed.last().unwrap().status, 200);
    assert!(wa
        .requests()
        .iter()
        .all(|r| r.access_key_id.as_deref() == Some("ASIA_FAKE_ISSUED")));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ASIA_FAKE_ISSUED"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_workload_runs_the_whole_flow_offline() {
    let wa = FakeWellArchitected::start(state()).await;
    let mut env = Env::new(&wa);
    env.wa = None;
    let out = env.run(&["sync", "--demo", "--json", "--quiet"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert!(count_status(&report, "written") > 0);
    let backup = report["backup"].as_str().unwrap().to_string();
    assert!(backup.contains("wa-sync/backups"), "{backup}");
    let demo_file = env.dir.path().join("data/wa-sync/demo-workload.json");
    let synced = std::fs::read_to_string(&demo_file).unwrap();
    assert!(synced.contains("Reviewed with the platform team"));
    let out = env
        .run(&["restore", "--backup", &backup, "--yes", "--json", "--quiet"])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let restored: Value =
        serde_json::from_str(&std::fs::read_to_string(&demo_file).unwrap()).unwrap();
    assert!(restored["questions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|q| !q["notes"]
            .as_str()
            .unwrap()
            .contains("Here are your findings")));
    assert!(wa.requests().is_empty());
    let _ = Duration::ZERO;
}

/// A workload on an older lens version, with a question the mapping does not know and without one
/// it maps: the preview warns and names both, and nothing is guessed.
#[tokio::test(flavor = "multi_thread")]
async fn an_older_lens_version_is_named_and_unknown_questions_are_left_alone() {
    let mut old = state();
    {
        let lens = &mut old.workloads[0].lenses[0];
        lens.version = "2023-04-10".into();
        let observability = lens
            .answers
            .iter_mut()
            .find(|a| a.question_id == "observability")
            .unwrap();
        observability.question_id = "telemetry".into();
        observability.title =
            "How do you design your workload so that you can understand its state?".into();
    }
    let wa = FakeWellArchitected::start(old).await;
    let env = Env::new(&wa);
    let out = env
        .run(&["preview", "--demo", "--workload-arn", &arn(), "--json"])
        .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&out);
    let warnings = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        warnings.contains("2023-04-10") && warnings.contains("2024-06-27"),
        "{warnings}"
    );
    assert!(warnings.contains("telemetry"), "{warnings}");
    assert!(warnings.contains("observability"), "{warnings}");
    let observability = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question_id"] == "observability")
        .unwrap();
    assert_eq!(observability["status"], "failed");
    assert!(observability["notes"].is_null());
    let text = env
        .run(&["preview", "--demo", "--workload-arn", &arn()])
        .await;
    assert!(String::from_utf8_lossy(&text.stdout)
        .contains("warning: the workload's lens version is 2023-04-10"));
}

/// The service reports a lens version of its own (a date the mapping does not name): with every
/// question ID matching there is no warning, only the version as information; a missing
/// question is named.
#[tokio::test(flavor = "multi_thread")]
async fn a_lens_version_of_its_own_warns_only_when_the_question_ids_differ() {
    let mut newer = state();
    newer.workloads[0].lenses[0].version = "2025-02-25".into();
    let wa = FakeWellArchitected::start(newer.clone()).await;
    let env = Env::new(&wa);
    let out = env
        .run(&["preview", "--demo", "--workload-arn", &arn(), "--json"])
        .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["warnings"], serde_json::json!([]));
    assert_eq!(
        report["workload_lens_version"],
        serde_json::json!({"version": "2025-02-25", "same_questions": true, "recorded": false})
    );
    let text = env
        .run(&["preview", "--demo", "--workload-arn", &arn()])
        .await;
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(
        text.contains("lens version 2025-02-25 with the same questions as the mapping's"),
        "{text}"
    );
    assert!(!text.contains("warning"), "{text}");

    newer.workloads[0].lenses[0]
        .answers
        .retain(|a| a.question_id != "backing-up-data");
    let wa = FakeWellArchitected::start(newer).await;
    let env = Env::new(&wa);
    let out = env
        .run(&["preview", "--demo", "--workload-arn", &arn(), "--json"])
        .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&out);
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let warning = warnings[0].as_str().unwrap();
    assert!(warning.contains("2025-02-25"), "{warning}");
    assert!(warning.contains("missing backing-up-data"), "{warning}");
    assert_eq!(report["workload_lens_version"]["same_questions"], false);
}

fn all_notes(wa: &FakeWellArchitected) -> Vec<String> {
    wa.state().workloads[0].lenses[0]
        .answers
        .iter()
        .map(|a| a.notes.clone().unwrap_or_default())
        .collect()
}

/// A reviewer edits a note in the console between the preview's read and the write: it is not
/// written (`changed`, exit 3, "preview again"), and a restore leaves it, and a note edited after
/// the sync wrote it, as they are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_edited_during_the_sync_survives_the_sync_and_the_restore() {
    let edited = "protect-data-rest";
    let wa = FakeWellArchitected::start(WaState {
        edits_after_get: vec![EditAfterGet {
            question_id: edited.into(),
            nth: 1,
            notes: "Edited in the console during the sync.".into(),
        }],
        ..state()
    })
    .await;
    let env = Env::new(&wa);
    let arn = arn();
    let backups = env.backups();
    let out = env.run(&sync_args(&arn, &backups)).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(status_of(&report, edited), "changed");
    assert!(
        stderr(&out).contains(edited) && stderr(&out).contains("preview again"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        notes_of(&wa, edited),
        "Edited in the console during the sync."
    );
    assert!(wa.answer_updates().iter().all(|u| u.question_id != edited));
    let written = count_status(&report, "written");
    assert!(written > 10);
    let list_answers = wa
        .requests()
        .iter()
        .filter(|r| r.operation == "ListAnswers")
        .count();
    assert_eq!(
        list_answers, 2,
        "57 questions of all pillars in pages of 50"
    );

    // After the sync, another reviewer rewrites a note the sync wrote.
    set_notes(&wa, "securely-operate", "Rewritten by hand after the sync.");
    let backup = report["backup"].as_str().unwrap().to_string();
    let out = env
        .run(&[
            "restore",
            "--backup",
            &backup,
            "--workload-arn",
            &arn,
            "--backup-dir",
            backups.to_str().unwrap(),
            "--json",
            "--quiet",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let restored = json(&out);
    assert_eq!(status_of(&restored, edited), "kept");
    assert_eq!(status_of(&restored, "securely-operate"), "kept");
    assert!(
        stderr(&out).contains("securely-operate"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        notes_of(&wa, edited),
        "Edited in the console during the sync."
    );
    assert_eq!(
        notes_of(&wa, "securely-operate"),
        "Rewritten by hand after the sync."
    );
    // Every other question is back as it was: empty.
    let kept = [edited, "securely-operate"];
    for a in &wa.state().workloads[0].lenses[0].answers {
        if !kept.contains(&a.question_id.as_str()) {
            assert_eq!(a.notes.as_deref().unwrap_or(""), "", "{}", a.question_id);
        }
    }
}

/// SIGKILL in the middle of a push (a slow fake), then a restore from the backup on disk: every
/// one of the 57 notes is byte-identical to before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_mid_push_is_undone_by_its_backup() {
    let wa = FakeWellArchitected::start(WaState {
        update_delay: Some(Duration::from_millis(300)),
        ..state()
    })
    .await;
    set_notes(
        &wa,
        "securely-operate",
        "Reviewer text\r\nwith CRLF, ÆØÅ and 😀  ",
    );
    set_notes(&wa, "identities", "");
    let before = all_notes(&wa);
    let env = Env::new(&wa);
    let arn = arn();
    let backups = env.backups();
    let mut child = env
        .command(&sync_args(&arn, &backups))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while wa.answer_updates().len() < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the sync never got to its third write"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let written = wa.answer_updates().len();
    assert!(written < 49, "killed in the middle: {written} writes made");
    assert_ne!(all_notes(&wa), before);

    wa.with_state(|s| s.update_delay = None);
    let files: Vec<PathBuf> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "one backup, no temporary left: {files:?}");
    let out = env
        .run(&[
            "restore",
            "--backup",
            files[0].to_str().unwrap(),
            "--workload-arn",
            &arn,
            "--backup-dir",
            env.dir.path().join("restore-backups").to_str().unwrap(),
            "--quiet",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = all_notes(&wa);
    assert_eq!(after.len(), 57);
    assert_eq!(after, before, "all 57 notes byte-identical to before");
}

/// A backup that cannot be written whole (the file size limit stands in for a full disk) is
/// removed, and nothing is sent to the workload.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
// A file-size limit for the child alone needs `pre_exec`, which is unsafe.
#[allow(unsafe_code)]
async fn a_backup_that_cannot_be_completed_is_removed_and_nothing_is_written() {
    use std::os::unix::process::CommandExt;
    let wa = FakeWellArchitected::start(state()).await;
    let env = Env::new(&wa);
    let arn = arn();
    let backups = env.backups();
    let mut cmd = env.command(&sync_args(&arn, &backups));
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 4096,
                rlim_max: 4096,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("writing the backup"),
        "{}",
        stderr(&out)
    );
    assert!(wa.answer_updates().is_empty(), "nothing was written");
    let left: Vec<_> = std::fs::read_dir(&backups).unwrap().collect();
    assert!(left.is_empty(), "no partial backup left: {left:?}");
}

/// A truncated or hand-edited backup is refused before anything is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_truncated_or_edited_backup() {
    let wa = FakeWellArchitected::start(state()).await;
    let env = Env::new(&wa);
    let arn = arn();
    let backups = env.backups();
    let out = env.run(&sync_args(&arn, &backups)).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let backup = PathBuf::from(json(&out)["backup"].as_str().unwrap());
    let text = std::fs::read_to_string(&backup).unwrap();
    let sent = wa.requests().len();
    let truncated = env.dir.path().join("truncated.json");
    std::fs::write(&truncated, &text[..text.len() - 40]).unwrap();
    let edited = env.dir.path().join("edited.json");
    std::fs::write(
        &edited,
        text.replacen("\"notes\": \"\"", "\"notes\": \"x\"", 1),
    )
    .unwrap();
    for (file, words) in [(&truncated, "truncated"), (&edited, "checksum")] {
        let out = env
            .run(&[
                "restore",
                "--backup",
                file.to_str().unwrap(),
                "--yes",
                "--quiet",
            ])
            .await;
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains(words), "{}", stderr(&out));
    }
    assert_eq!(wa.requests().len(), sent, "nothing sent");
}

/// Every AWS operation has an overall timeout, with a clear error naming it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aws_call_that_does_not_answer_in_time_fails_clearly() {
    let wa = FakeWellArchitected::start(WaState {
        update_delay: Some(Duration::from_secs(5)),
        ..state()
    })
    .await;
    let mut env = Env::new(&wa);
    env.extra
        .push(("WA_SYNC_AWS_TIMEOUT_SECS".into(), "0.5".into()));
    let arn = arn();
    let backups = env.backups();
    let out = env.run(&sync_args(&arn, &backups)).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report = json(&out);
    assert!(count_status(&report, "failed") > 10);
    assert!(
        stderr(&out).contains("did not answer within 0.5 s"),
        "{}",
        stderr(&out)
    );
}
