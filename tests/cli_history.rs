//! `wa-sync history`: every real sync against the fakes (the fake Conformity API for the checks,
//! the fake Well-Architected Tool through the real AWS SDK) leaves one record, listed oldest
//! first; reports exported after a sync show what changed since it.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use wa_sync_fakes::conformity::{self as fake, FakeConformity, Fixture};
use wa_sync_fakes::wellarchitected::{FakeWellArchitected, WaState, Workload};

const KEY: &str = "tmc12cli:Cl1SecretKeyValue";
const ACCOUNT: &str = "acc-1";
const WORKLOAD_ID: &str = "0123456789abcdef0123456789abcdef";
const OTHER_WORKLOAD_ID: &str = "fedcba9876543210fedcba9876543210";
const AWS_ACCOUNT: &str = "111122223333";
const REGION: &str = "eu-west-1";

fn arn() -> String {
    format!("arn:aws:wellarchitected:{REGION}:{AWS_ACCOUNT}:workload/{WORKLOAD_ID}")
}

fn checks(rule_id: &str, status: &str, n: usize) -> Vec<fake::Check> {
    (0..n)
        .map(|i| fake::Check {
            account_id: ACCOUNT.into(),
            rule_id: rule_id.into(),
            status: status.into(),
            risk_level: "MEDIUM".into(),
            region: "us-east-1".into(),
            service: "IAM".into(),
            resource: format!("{rule_id}-{status}-{i}"),
            ..fake::Check::default()
        })
        .collect()
}

/// Before: IAM-049 (permissions) fails 20 times, IAM-023 (identities) 8.
fn first_checks() -> Vec<fake::Check> {
    [
        checks("IAM-001", "SUCCESS", 50),
        checks("IAM-049", "FAILURE", 20),
        checks("IAM-023", "FAILURE", 8),
    ]
    .concat()
}

/// After: 5 of IAM-049's failures fixed, IAM-017 (permissions) newly failing 12 times.
fn second_checks() -> Vec<fake::Check> {
    [
        checks("IAM-001", "SUCCESS", 50),
        checks("IAM-049", "FAILURE", 15),
        checks("IAM-049", "SUCCESS", 5),
        checks("IAM-023", "FAILURE", 8),
        checks("IAM-017", "FAILURE", 12),
    ]
    .concat()
}

struct Env {
    dir: tempfile::TempDir,
    conformity: FakeConformity,
    wa: FakeWellArchitected,
}

impl Env {
    async fn start() -> Env {
        let conformity = FakeConformity::start(Fixture {
            api_key: KEY.into(),
            external_id: "ext-abc-123".into(),
            accounts: vec![fake::Account {
                id: ACCOUNT.into(),
                name: "Shop".into(),
                aws_account_id: AWS_ACCOUNT.into(),
                cloud_type: "aws".into(),
                environment: "prod".into(),
            }],
            services: fake::services_from_rules_tsv(),
            checks: first_checks(),
            ..Fixture::default()
        })
        .await;
        let wa = FakeWellArchitected::start(WaState {
            workloads: vec![
                Workload::standard(WORKLOAD_ID, "Shop", AWS_ACCOUNT, REGION),
                Workload::standard(OTHER_WORKLOAD_ID, "Catalog", AWS_ACCOUNT, REGION),
            ],
            ..WaState::default()
        })
        .await;
        Env {
            dir: tempfile::tempdir().unwrap(),
            conformity,
            wa,
        }
    }

    fn backups(&self) -> PathBuf {
        self.dir.path().join("backups")
    }

    async fn run(&self, args: &[&str]) -> Output {
        let config = self.dir.path().join("aws-config");
        std::fs::write(&config, "").unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wa-sync"));
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("CONFORMITY_API_URL", self.conformity.base_url())
            .env("CONFORMITY_API_KEY", KEY)
            .env("AWS_ACCESS_KEY_ID", "AKIA_FAKE_CALLER")
            .env(
                "AWS_SECRET_ACCESS_KEY",
                "fakeSecretKeyDoNotPrint0000000000000000",
            )
            .env("AWS_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &config)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL_WELLARCHITECTED", self.wa.endpoint());
        tokio::task::spawn_blocking(move || cmd.output().expect("run wa-sync"))
            .await
            .unwrap()
    }

    async fn sync(&self) {
        let arn = arn();
        let backups = self.backups();
        let out = self
            .run(&[
                "sync",
                "--account-id",
                ACCOUNT,
                "--workload-arn",
                &arn,
                "--backup-dir",
                backups.to_str().unwrap(),
                "--json",
                "--quiet",
            ])
            .await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn history_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("history"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn question<'a>(record: &'a Value, id: &str) -> &'a Value {
    record["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question_id"] == id)
        .unwrap_or_else(|| panic!("no question {id} in {record}"))
}

fn pillar<'a>(record: &'a Value, id: &str) -> &'a Value {
    record["pillars"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pillar_id"] == id)
        .unwrap_or_else(|| panic!("no pillar {id} in {record}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_syncs_leave_two_records_that_history_lists() {
    let env = Env::start().await;
    env.sync().await;
    env.conformity.set_fixture(|f| f.checks = second_checks());
    env.sync().await;
    assert_eq!(history_files(&env.backups()).len(), 2);

    let arn = arn();
    let backups = env.backups();
    let backups = backups.to_str().unwrap();
    let out = env
        .run(&[
            "history",
            "--workload-arn",
            &arn,
            "--backup-dir",
            backups,
            "--json",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let records: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(records.len(), 2, "{records:?}");
    let (first, second) = (&records[0], &records[1]);
    for record in &records {
        assert_eq!(record["workload_arn"], arn);
        assert_eq!(record["target"], Value::Null);
        assert_eq!(record["account_ids"], serde_json::json!([ACCOUNT]));
        assert_eq!(record["outcome"], "done");
    }
    assert!(first["synced_at"].as_str() <= second["synced_at"].as_str());
    assert_eq!(
        question(first, "permissions")["failures_by_rule"],
        serde_json::json!({"IAM-049": 20})
    );
    assert_eq!(
        question(second, "permissions")["failures_by_rule"],
        serde_json::json!({"IAM-017": 12, "IAM-049": 15})
    );
    assert_eq!(pillar(first, "security")["failures"], 28);
    assert_eq!(pillar(second, "security")["failures"], 35);
    // The first sync wrote notes, so it has a backup; the second one too (the counts changed).
    assert!(first["backup"].is_string() && second["backup"].is_string());

    // The table: one row per sync, the security pillar's score as a percentage.
    let out = env
        .run(&["history", "--workload-arn", &arn, "--backup-dir", backups])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("TIME") && lines[0].contains("SECURITY"),
        "{text}"
    );
    // 50 successes, 28 failures → 64%; then 55 and 35 → 61%.
    assert!(
        lines[1].contains("done") && lines[1].contains("64%"),
        "{text}"
    );
    assert!(lines[2].contains("61%"), "{text}");

    // A target with no records says so, and how the records are found.
    let out = env
        .run(&["history", "--target", "nope", "--backup-dir", backups])
        .await;
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("No syncs of target \"nope\""),
        "{}",
        stdout(&out)
    );

    // A report exported now compares with the second sync: 5 more of IAM-049's failures fixed,
    // IAM-023 newly failing 2 more times.
    env.conformity.set_fixture(|f| {
        f.checks = [
            checks("IAM-001", "SUCCESS", 50),
            checks("IAM-049", "FAILURE", 10),
            checks("IAM-023", "FAILURE", 10),
            checks("IAM-017", "FAILURE", 12),
        ]
        .concat()
    });
    let report_path = env.dir.path().join("report.json");
    let out = env
        .run(&[
            "export",
            "--account-id",
            ACCOUNT,
            "--workload-arn",
            &arn,
            "--backup-dir",
            backups,
            "--format",
            "json",
            "--out",
            report_path.to_str().unwrap(),
            "--quiet",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    assert_eq!(report["since_last_sync"]["synced_at"], second["synced_at"]);
    assert_eq!(
        question(&report, "permissions")["since_last_sync"],
        serde_json::json!({"new_failures": 0, "fixed_failures": 5})
    );
    assert_eq!(
        question(&report, "identities")["since_last_sync"],
        serde_json::json!({"new_failures": 2, "fixed_failures": 0})
    );
    assert_eq!(pillar(&report, "security")["failures_since_last_sync"], -3);

    // A dry run records nothing.
    let out = env
        .run(&[
            "sync",
            "--account-id",
            ACCOUNT,
            "--workload-arn",
            &arn,
            "--backup-dir",
            backups,
            "--dry-run",
            "--quiet",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(history_files(&env.backups()).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_needs_a_target_or_a_workload_and_checks_the_arn() {
    let env = Env::start().await;
    let out = env.run(&["history"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = env
        .run(&["history", "--workload-arn", "arn:aws:s3:::bucket"])
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("bad workload ARN"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_sync_records_each_target_under_its_name() {
    let env = Env::start().await;
    let other =
        format!("arn:aws:wellarchitected:{REGION}:{AWS_ACCOUNT}:workload/{OTHER_WORKLOAD_ID}");
    let plan = env.dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        format!(
            "[defaults]\naccount_ids = [\"{ACCOUNT}\"]\n\n\
             [[target]]\nname = \"shop\"\nworkload_arn = \"{}\"\n\n\
             [[target]]\nname = \"catalog\"\nworkload_arn = \"{other}\"\n",
            arn()
        ),
    )
    .unwrap();
    let backups = env.backups();
    let backups = backups.to_str().unwrap();
    let out = env
        .run(&[
            "sync",
            "--plan",
            plan.to_str().unwrap(),
            "--backup-dir",
            backups,
            "--json",
            "--quiet",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(history_files(&env.backups()).len(), 2);
    for (name, workload) in [("shop", arn()), ("catalog", other.clone())] {
        let out = env
            .run(&[
                "history",
                "--target",
                name,
                "--backup-dir",
                backups,
                "--json",
            ])
            .await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let records: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(records.len(), 1, "{name}: {records:?}");
        assert_eq!(records[0]["target"], name);
        assert_eq!(records[0]["workload_arn"], workload);
        assert_eq!(records[0]["account_ids"], serde_json::json!([ACCOUNT]));
        assert_eq!(pillar(&records[0], "security")["failures"], 28);
    }
}
