//! `wa-sync preview --plan` and `wa-sync sync --plan`: the real binary, real HTTP to the fake
//! Conformity and Vision One (three accounts between them) and the real AWS SDK pointed at the
//! fake Well-Architected Tool serving one workload per target.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::{Command, Output};
use wa_sync_engine::checks::{RiskLevel, Status};
use wa_sync_engine::mapping::{Lens, Mapping};
use wa_sync_engine::notes::{render_block, NOTES_LIMIT};
use wa_sync_engine::summary::Tally;
use wa_sync_fakes::conformity::{self as conformity_fake, FakeConformity, RuleSetting};
use wa_sync_fakes::visionone::{self as visionone_fake, FakeVisionOne};
use wa_sync_fakes::wellarchitected::{FakeWellArchitected, WaState, Workload};

const C1: &str = "c0000000-0000-4000-8000-000000000001";
const C2: &str = "c0000000-0000-4000-8000-000000000002";
const V1: &str = "v0000000-0000-4000-8000-000000000001";
const CONFORMITY_KEY: &str = "tmc12:PlanConformityKey";
const VISIONONE_KEY: &str = "eyJ0eXAiOiJKV1QiPlanVisionOneKey";
const AWS_ACCOUNT: &str = "111122223333";
const REGION: &str = "eu-west-1";
/// A workload the fake does not have.
const MISSING_ID: &str = "ffffffffffffffffffffffffffffffff";

fn workload_id(n: usize) -> String {
    format!("{n:032x}")
}

fn workload_arn(id: &str) -> String {
    format!("arn:aws:wellarchitected:{REGION}:{AWS_ACCOUNT}:workload/{id}")
}

/// Target name, source, accounts, tag filter, workload ID.
type TargetRow = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    usize,
);

const TARGETS: [TargetRow; 5] = [
    ("c1-all", "conformity", &[C1], &[], 1),
    ("c1-c2-together", "conformity", &[C1, C2], &[], 2),
    (
        "c2-production",
        "conformity",
        &[C2],
        &["Environment::production"],
        3,
    ),
    ("v1-all", "vision-one", &[V1], &[], 4),
    ("v1-again", "vision-one", &[V1], &[], 5),
];

fn plan_text(with_missing: bool) -> String {
    let mut text = String::from("# wa-sync plan\n[defaults]\nnotes_mode = \"replace-block\"\n");
    let quoted = |values: &[&str]| {
        values
            .iter()
            .map(|v| format!("\"{v}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (name, source, accounts, tags, id) in TARGETS {
        text.push_str(&format!(
            "\n[[target]]\nname = \"{name}\"\nsource = \"{source}\"\naccount_ids = [{}]\n\
             filter_tags = [{}]\nworkload_arn = \"{}\"\n",
            quoted(accounts),
            quoted(tags),
            workload_arn(&workload_id(id))
        ));
    }
    if with_missing {
        text.push_str(&format!(
            "\n[[target]]\nname = \"no-such-workload\"\nsource = \"conformity\"\n\
             account_ids = [\"{C1}\"]\nworkload_arn = \"{}\"\n",
            workload_arn(MISSING_ID)
        ));
    }
    text
}

struct Fakes {
    conformity: FakeConformity,
    vision_one: FakeVisionOne,
    wa: FakeWellArchitected,
    checks: Vec<conformity_fake::Check>,
    /// C1's rule settings: one rule disabled, one raised to EXTREME.
    c1_settings: Vec<RuleSetting>,
}

/// A rule the mapping maps to at least one question, seen in both Conformity accounts.
fn shared_mapped_rules(checks: &[conformity_fake::Check], mapping: &Mapping) -> Vec<String> {
    let in_account = |account: &str| -> Vec<&str> {
        checks
            .iter()
            .filter(|c| c.account_id == account)
            .map(|c| c.rule_id.as_str())
            .collect()
    };
    let (one, two) = (in_account(C1), in_account(C2));
    let mut rules: Vec<String> = one
        .iter()
        .filter(|r| two.contains(r))
        .filter(|r| mapping.question_indexes(r).is_some_and(|q| !q.is_empty()))
        .map(|r| r.to_string())
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

async fn start() -> Fakes {
    let mut checks = conformity_fake::synthetic_checks(1_500, C1, 21);
    checks.extend(conformity_fake::synthetic_checks(1_200, C2, 22));
    let mapping = Mapping::load(None).unwrap();
    let shared = shared_mapped_rules(&checks, &mapping);
    assert!(shared.len() >= 2, "the fixture shares mapped rules");
    let c1_settings = vec![
        RuleSetting {
            id: shared[0].clone(),
            enabled: false,
            risk_level: Some("HIGH".into()),
        },
        RuleSetting {
            id: shared[1].clone(),
            enabled: true,
            risk_level: Some("EXTREME".into()),
        },
    ];
    let account = |id: &str, name: &str| conformity_fake::Account {
        id: id.into(),
        name: name.into(),
        aws_account_id: AWS_ACCOUNT.into(),
        cloud_type: "aws".into(),
        environment: "production".into(),
    };
    let conformity = FakeConformity::start(conformity_fake::Fixture {
        api_key: CONFORMITY_KEY.into(),
        external_id: "plan-external-id".into(),
        accounts: vec![account(C1, "One"), account(C2, "Two")],
        rule_settings: HashMap::from([(C1.to_string(), c1_settings.clone())]),
        checks: checks.clone(),
        ..Default::default()
    })
    .await;
    let vision_one = FakeVisionOne::start(visionone_fake::Fixture::synthetic(
        VISIONONE_KEY,
        V1,
        AWS_ACCOUNT,
        1_000,
        23,
    ))
    .await;
    let wa = FakeWellArchitected::start(WaState {
        workloads: (1..=TARGETS.len())
            .map(|n| Workload::standard(&workload_id(n), &format!("W{n}"), AWS_ACCOUNT, REGION))
            .collect(),
        ..WaState::default()
    })
    .await;
    Fakes {
        conformity,
        vision_one,
        wa,
        checks,
        c1_settings,
    }
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn write_plan(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    async fn run(&self, fakes: &Fakes, args: &[&str]) -> Output {
        self.run_without(fakes, args, &[]).await
    }

    /// As [`Env::run`], without the environment variables named in `unset`.
    async fn run_without(&self, fakes: &Fakes, args: &[&str], unset: &[&str]) -> Output {
        let dir = self.dir.path();
        let config = dir.join("aws-config");
        let credentials = dir.join("aws-credentials");
        std::fs::write(&config, "").unwrap();
        std::fs::write(&credentials, "").unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wa-sync"));
        cmd.args(args)
            .env_clear()
            .env("HOME", dir)
            .env("XDG_DATA_HOME", dir.join("data"))
            .env("AWS_ACCESS_KEY_ID", "AKIA_FAKE_PLAN")
            .env(
                "AWS_SECRET_ACCESS_KEY",
                "fakeSecretKeyDoNotPrint0000000000000000",
            )
            .env("AWS_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL_WELLARCHITECTED", fakes.wa.endpoint())
            .env("CONFORMITY_API_URL", fakes.conformity.base_url())
            .env("CONFORMITY_API_KEY", CONFORMITY_KEY)
            .env("VISIONONE_API_URL", fakes.vision_one.base_url())
            .env("VISIONONE_API_KEY", VISIONONE_KEY);
        for var in unset {
            cmd.env_remove(var);
        }
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

/// Requests for one Conformity account's checks, or its rule settings, among `requests`.
fn conformity_requests(
    requests: &[conformity_fake::RecordedRequest],
    account: &str,
) -> (usize, usize) {
    let checks = requests
        .iter()
        .filter(|r| r.path.ends_with("/checks"))
        .filter(|r| {
            r.query
                .iter()
                .any(|(k, v)| k == "accountIds" && v == account)
        })
        .count();
    let settings = requests
        .iter()
        .filter(|r| {
            r.path
                .ends_with(&format!("/accounts/{account}/settings/rules"))
        })
        .count();
    (checks, settings)
}

/// Requests for V1's checks, and for its rule settings.
fn vision_one_requests(requests: &[visionone_fake::RecordedRequest]) -> (usize, usize) {
    let checks = requests
        .iter()
        .filter(|r| r.path.ends_with("/checks"))
        .filter(|r| r.filter.as_deref().is_some_and(|f| f.contains(V1)))
        .count();
    let settings = requests
        .iter()
        .filter(|r| r.path.ends_with(&format!("/accounts/{V1}/scanRules")))
        .count();
    (checks, settings)
}

fn target<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no target {name} in {report}"))
}

/// What C1 and C2 counted together give per question, worked out from the fixture as the
/// check-summary spec says: a check counts when its rule maps to the question, is enabled in
/// ITS account, and the check is not suppressed, excluded or unscored; at its account's risk
/// level for the rule, else its own. Returns each covered question's expected notes.
fn expected_notes(fakes: &Fakes, accounts: &[&str]) -> BTreeMap<String, String> {
    let mapping = Mapping::load(None).unwrap();
    let lens = Lens::builtin();
    let settings = |account: &str, rule: &str| {
        (account == C1)
            .then(|| fakes.c1_settings.iter().find(|s| s.id == rule))
            .flatten()
    };
    let mut tallies = vec![Tally::default(); lens.questions.len()];
    // question → rule → (highest failing risk, failures)
    let mut failing: Vec<HashMap<String, (RiskLevel, u64)>> =
        vec![HashMap::new(); lens.questions.len()];
    for check in fakes
        .checks
        .iter()
        .filter(|c| accounts.contains(&c.account_id.as_str()))
    {
        let Some(questions) = mapping.question_indexes(&check.rule_id) else {
            continue;
        };
        let setting = settings(&check.account_id, &check.rule_id);
        if setting.is_some_and(|s| !s.enabled)
            || check.suppressed
            || check.excluded
            || check.not_scored
        {
            continue;
        }
        let risk = setting
            .and_then(|s| s.risk_level.as_deref())
            .unwrap_or(&check.risk_level);
        let risk = RiskLevel::parse(risk).unwrap();
        let status = Status::parse(&check.status).unwrap();
        for &q in questions {
            tallies[q].add(risk, status);
            if status == Status::Failure {
                let entry = failing[q].entry(check.rule_id.clone()).or_insert((risk, 0));
                entry.0 = entry.0.max(risk);
                entry.1 += 1;
            }
        }
    }
    let covered = mapping.covered();
    lens.questions
        .iter()
        .enumerate()
        .filter(|(i, _)| covered[*i])
        .map(|(i, question)| {
            let mut rules: Vec<(&String, &(RiskLevel, u64))> = failing[i].iter().collect();
            rules.sort_by(|a, b| {
                (std::cmp::Reverse(a.1 .0), std::cmp::Reverse(a.1 .1), a.0).cmp(&(
                    std::cmp::Reverse(b.1 .0),
                    std::cmp::Reverse(b.1 .1),
                    b.0,
                ))
            });
            let rule_ids: Vec<&str> = rules.iter().map(|(r, _)| r.as_str()).collect();
            let notes = render_block(&tallies[i], &rule_ids, NOTES_LIMIT).unwrap();
            (question.question_id.clone(), notes)
        })
        .collect()
}

fn notes_in(wa: &FakeWellArchitected, id: &str) -> BTreeMap<String, String> {
    let workload = wa
        .state()
        .workloads
        .into_iter()
        .find(|w| w.id == id)
        .unwrap();
    workload.lenses[0]
        .answers
        .iter()
        .filter_map(|a| Some((a.question_id.clone(), a.notes.clone()?)))
        .filter(|(_, notes)| !notes.is_empty())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_previews_and_syncs_every_target_fetching_each_account_once() {
    let fakes = start().await;
    let env = Env::new();
    let plan = env.write_plan("plan.toml", &plan_text(false));

    // Preview: every target, concurrently, each (source, account, filter) fetched once.
    let out = env
        .run(&fakes, &["preview", "--plan", &plan, "--json"])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let preview = json(&out);
    assert_eq!(preview["plan"], plan.as_str());
    let names: Vec<&str> = preview["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, TARGETS.map(|t| t.0));
    for t in preview["targets"].as_array().unwrap() {
        assert_eq!(t["exit"], 0, "{t}");
        assert!(t["error"].is_null());
        assert!(t.get("account_id").is_none(), "account_ids replaces it");
        assert!(t["questions"].as_array().unwrap().len() > 50);
    }
    assert_eq!(
        target(&preview, "c1-c2-together")["account_ids"],
        serde_json::json!([C1, C2])
    );
    assert_eq!(
        target(&preview, "c2-production")["filter_tags"],
        serde_json::json!(["Environment::production"])
    );
    // Nothing written by a preview.
    assert!(fakes.wa.answer_updates().is_empty());

    let in_plan = fakes.conformity.requests();
    let c1 = conformity_requests(&in_plan, C1);
    let c2 = conformity_requests(&in_plan, C2);
    let v1 = vision_one_requests(&fakes.vision_one.requests());
    // C1 unfiltered is needed by two targets, C2 under two filters, V1 by two targets: a
    // preview of each (account, filter) alone makes exactly the requests the plan made.
    let before_c = fakes.conformity.requests().len();
    let before_v = fakes.vision_one.requests().len();
    for args in [
        vec!["preview", "--account-id", C1, "--json"],
        vec!["preview", "--account-id", C2, "--json"],
        vec![
            "preview",
            "--account-id",
            C2,
            "--filter-tag",
            "Environment::production",
            "--json",
        ],
        vec![
            "preview",
            "--source",
            "vision-one",
            "--account-id",
            V1,
            "--json",
        ],
    ] {
        let out = env.run(&fakes, &args).await;
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    }
    let alone = fakes.conformity.requests()[before_c..].to_vec();
    assert_eq!(conformity_requests(&alone, C1), c1, "C1 fetched once");
    assert_eq!(
        conformity_requests(&alone, C2),
        c2,
        "C2 fetched once per filter"
    );
    let alone_v = fakes.vision_one.requests()[before_v..].to_vec();
    assert_eq!(vision_one_requests(&alone_v), v1, "V1 fetched once");
    for (checks, settings) in [c1, c2, v1] {
        assert!(checks > 0 && settings > 0);
    }

    // Sync: every target written, each into its own workload.
    let backups = env.dir.path().join("backups");
    let backups = backups.to_str().unwrap();
    let out = env
        .run(
            &fakes,
            &["sync", "--plan", &plan, "--backup-dir", backups, "--json"],
        )
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let synced = json(&out);
    for t in synced["targets"].as_array().unwrap() {
        assert_eq!(t["exit"], 0, "{t}");
        assert!(t["backup"].as_str().is_some_and(|b| !b.is_empty()), "{t}");
        let written = t["questions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| q["status"] == "written")
            .count();
        assert!(written > 30, "{written} written for {}", t["name"]);
    }

    // The two-account target's notes are the counts of both accounts together, each check
    // under its own account's rule settings.
    let together = notes_in(&fakes.wa, &workload_id(2));
    let expected = expected_notes(&fakes, &[C1, C2]);
    assert_eq!(together.len(), expected.len());
    assert_eq!(together, expected);
    // And they differ from C1's alone (the second account counts), which are also as expected.
    let one = notes_in(&fakes.wa, &workload_id(1));
    assert_eq!(one, expected_notes(&fakes, &[C1]));
    assert_ne!(one, together);
    // Two targets of the same account and filter got the same notes.
    assert_eq!(
        notes_in(&fakes.wa, &workload_id(4)),
        notes_in(&fakes.wa, &workload_id(5))
    );

    // The table, without --json: one row per target.
    let out = env.run(&fakes, &["preview", "--plan", &plan]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("TARGET"), "{table}");
    for (name, source, ..) in TARGETS {
        let row = table
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no row for {name}: {table}"));
        assert!(row.contains(source) && row.contains("done"), "{row}");
    }
    assert!(table.contains(&format!("{C1},{C2}")), "{table}");
    for key in [CONFORMITY_KEY, VISIONONE_KEY] {
        assert!(!table.contains(key) && !stderr(&out).contains(key));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn target_picks_and_one_failing_target_leaves_the_others_done_with_exit_3() {
    let fakes = start().await;
    let env = Env::new();
    let plan = env.write_plan("plan.toml", &plan_text(true));

    let out = env
        .run(
            &fakes,
            &[
                "preview", "--plan", &plan, "--target", "v1-all", "--target", "c1-all", "--json",
            ],
        )
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let picked = json(&out);
    let names: Vec<&str> = picked["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["c1-all", "v1-all"], "in the plan's order");
    let out = env
        .run(&fakes, &["preview", "--plan", &plan, "--target", "nope"])
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("nope"), "{}", stderr(&out));

    let backups = env.dir.path().join("backups");
    let out = env
        .run(
            &fakes,
            &[
                "sync",
                "--plan",
                &plan,
                "--backup-dir",
                backups.to_str().unwrap(),
                "--milestone",
                "--json",
            ],
        )
        .await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let synced = json(&out);
    let failed = target(&synced, "no-such-workload");
    assert_eq!(failed["exit"], 1);
    assert!(failed["error"].as_str().is_some_and(|e| !e.is_empty()));
    assert_eq!(failed["account_ids"], serde_json::json!([C1]));
    assert_eq!(failed["workload_arn"], workload_arn(MISSING_ID).as_str());
    for (name, ..) in TARGETS {
        assert_eq!(target(&synced, name)["exit"], 0, "{name}");
    }
    let err = stderr(&out);
    assert!(err.contains("no-such-workload"), "{err}");
    for (name, ..) in TARGETS {
        assert!(!err.contains(&format!("target {name} ")), "{err}");
    }
    for n in 1..=TARGETS.len() {
        assert!(!notes_in(&fakes.wa, &workload_id(n)).is_empty(), "W{n}");
    }
    // The table names each target's backup, for an undo (after an edit, so there is a write).
    fakes.wa.with_state(|state| {
        let answer = state.workloads[0].lenses[0]
            .answers
            .iter_mut()
            .find(|a| a.question_id == "securely-operate")
            .unwrap();
        answer.notes = Some("Reviewer: see the audit.".into());
    });
    let out = env
        .run(
            &fakes,
            &[
                "sync",
                "--plan",
                &plan,
                "--target",
                "c1-all",
                "--backup-dir",
                backups.to_str().unwrap(),
            ],
        )
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("c1-all: "))
        .unwrap_or_else(|| panic!("no backup line: {text}"));
    let backup = line.trim_start().trim_start_matches("c1-all: ");
    assert!(Path::new(backup).is_file(), "{backup}");
    // --milestone goes to every target: one milestone per workload, named after its target,
    // holding the review as it was before the target's first write.
    let milestones = fakes.wa.state().milestones;
    assert_eq!(milestones.len(), TARGETS.len());
    for (name, .., n) in TARGETS {
        let milestone = milestones
            .iter()
            .find(|m| m.workload_id == workload_id(n))
            .unwrap_or_else(|| panic!("no milestone for W{n}"));
        assert!(milestone.name.contains(name), "{}", milestone.name);
        assert!(milestone.workload.lenses[0].answers.iter().all(|a| a
            .notes
            .as_deref()
            .unwrap_or("")
            .is_empty()));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_plan_or_a_single_target_flag_exits_2_before_anything_is_sent() {
    let fakes = start().await;
    let env = Env::new();
    let good = env.write_plan("plan.toml", &plan_text(false));
    let bad = env.write_plan(
        "bad.toml",
        &format!(
            "[[target]]\nname = \"one\"\naccount_ids = [\"{C1}\"]\nworkload_arn = \"not-an-arn\"\n\
             \n[[target]]\nname = \"one\"\naccount_ids = [\"{C2}\"]\nworkload_arn = \"{}\"\n\
             colour = \"blue\"\n",
            workload_arn(&workload_id(1))
        ),
    );
    let out = env.run(&fakes, &["sync", "--plan", &bad]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    // Every problem, each with its line.
    for (line, what) in [(4, "workload ARN"), (7, "used twice"), (10, "colour")] {
        assert!(
            err.lines()
                .any(|l| l.contains(&format!("bad.toml:{line}:")) && l.contains(what)),
            "line {line} ({what}) not named:\n{err}"
        );
    }

    for extra in [
        vec!["--account-id", C1],
        vec!["--workload-arn", "arn:aws:wellarchitected:eu-west-1:111122223333:workload/00000000000000000000000000000001"],
        vec!["--filter-tag", "Environment::production"],
        vec!["--role-arn", "arn:aws:iam::111122223333:role/R"],
    ] {
        let mut args = vec!["preview", "--plan", &good];
        args.extend(extra.iter().copied());
        let out = env.run(&fakes, &args).await;
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(extra[0]), "{}", stderr(&out));
    }
    // No Vision One key (nor keychain): a missing key is bad input, as for one target.
    let out = env
        .run_without(&fakes, &["sync", "--plan", &good], &["VISIONONE_API_KEY"])
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("VISIONONE_API_KEY"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());

    assert!(fakes.conformity.requests().is_empty());
    assert!(fakes.vision_one.requests().is_empty());
    assert!(fakes.wa.requests().is_empty());
    assert!(!Path::new(&env.dir.path().join("backups")).exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn repeated_account_ids_count_the_accounts_together_without_a_plan() {
    let fakes = start().await;
    let env = Env::new();
    let arn = workload_arn(&workload_id(2));
    let backups = env.dir.path().join("backups");
    let out = env
        .run(
            &fakes,
            &[
                "sync",
                "--source",
                "conformity",
                "--account-id",
                C1,
                "--account-id",
                C2,
                "--workload-arn",
                &arn,
                "--backup-dir",
                backups.to_str().unwrap(),
                "--json",
            ],
        )
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["account_id"], Value::Null);
    assert_eq!(report["account_ids"], serde_json::json!([C1, C2]));
    assert_eq!(
        notes_in(&fakes.wa, &workload_id(2)),
        expected_notes(&fakes, &[C1, C2])
    );

    let out = env
        .run(&fakes, &["preview", "--account-id", C1, "--account-id", C2])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("Accounts {C1}, {C2} (counted together)")),
        "{text}"
    );
    let out = env
        .run(&fakes, &["preview", "--account-id", C1, "--json"])
        .await;
    let single = json(&out);
    assert_eq!(single["account_id"], C1);
    assert_eq!(single["account_ids"], serde_json::json!([C1]));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_aws_credentials_every_target_fails_and_the_plan_exits_1() {
    let fakes = start().await;
    let env = Env::new();
    let plan = env.write_plan("plan.toml", &plan_text(false));
    let out = env
        .run_without(
            &fakes,
            &["sync", "--plan", &plan, "--json"],
            &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
        )
        .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    for t in report["targets"].as_array().unwrap() {
        assert_eq!(t["exit"], 1, "{t}");
        assert!(t["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    for (name, ..) in TARGETS {
        assert!(stderr(&out).contains(&format!("target {name} failed")));
    }
    assert!(fakes.wa.answer_updates().is_empty());
}
