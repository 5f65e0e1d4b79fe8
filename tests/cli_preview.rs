//! The `wa-sync` binary as scripts use it: preview, accounts, external-id and mapping against the
//! fake Conformity API, saved checks files and the demo data; bad input exits 2 before any request.

use serde_json::Value;
use std::process::{Command, Output};
use wa_sync_fakes::conformity::{self as fake, FakeConformity, Fixture};

const KEY: &str = "tmc12cli:Cl1SecretKeyValue";
const ACCOUNT: &str = "acc-1";
const SEED_NOTE: &str = "Here are your findings from Trend Micro Cloud One Conformity:
Total number of Successes: 253
Total number of Failures: 40
By risk level
- Extreme successes: 0, failures: 0
- Very High successes: 0, failures: 0
- High successes: 0, failures: 0
- Medium successes: 250, failures: 28
- Low successes: 3, failures: 12
  Rule Ids to Review: [IAM-049, IAM-023, IAM-017]";

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

fn check(rule_id: &str, status: &str, risk: &str, n: usize, tags: &[&str]) -> Vec<fake::Check> {
    (0..n)
        .map(|i| fake::Check {
            account_id: ACCOUNT.into(),
            rule_id: rule_id.into(),
            status: status.into(),
            risk_level: risk.into(),
            region: "us-east-1".into(),
            service: "IAM".into(),
            resource: format!("{rule_id}-{status}-{i}"),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..fake::Check::default()
        })
        .collect()
}

/// The seed's 253/40 example, as checks, plus noise that the tag filter must drop.
fn seed_checks() -> Vec<fake::Check> {
    let app = ["App::shop"];
    [
        check("IAM-001", "SUCCESS", "MEDIUM", 250, &app),
        check("IAM-017", "SUCCESS", "LOW", 3, &app),
        check("IAM-049", "FAILURE", "MEDIUM", 20, &app),
        check("IAM-023", "FAILURE", "MEDIUM", 8, &app),
        check("IAM-017", "FAILURE", "LOW", 12, &app),
        check("IAM-049", "FAILURE", "EXTREME", 5, &["App::other"]),
    ]
    .concat()
}

async fn fake_with(checks: Vec<fake::Check>) -> FakeConformity {
    FakeConformity::start(Fixture {
        api_key: KEY.into(),
        external_id: "ext-abc-123".into(),
        accounts: vec![fake::Account {
            id: ACCOUNT.into(),
            name: "Shop".into(),
            aws_account_id: "123456789012".into(),
            cloud_type: "aws".into(),
            environment: "prod".into(),
        }],
        services: fake::services_from_rules_tsv(),
        checks,
        ..Fixture::default()
    })
    .await
}

/// A mapping override that sends the four IAM rules to SEC 2 only.
fn identities_mapping(dir: &std::path::Path) -> String {
    let path = dir.join("mapping.tsv");
    let lines: String = ["IAM-001", "IAM-017", "IAM-023", "IAM-049"]
        .iter()
        .map(|r| format!("{r}\tidentities\ttest\n"))
        .collect();
    std::fs::write(&path, format!("# lens: wellarchitected\n{lines}")).unwrap();
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn preview_json_reproduces_the_seed_note_from_the_api() {
    let fake = fake_with(seed_checks()).await;
    let dir = tempfile::tempdir().unwrap();
    let mapping = identities_mapping(dir.path());
    let url = fake.base_url();
    let output = tokio::task::spawn_blocking(move || {
        wa_sync(
            &[
                "preview",
                "--account-id",
                ACCOUNT,
                "--filter-tag",
                "app::SHOP",
                "--mapping",
                &mapping,
                "--json",
            ],
            &[("CONFORMITY_API_URL", &url), ("CONFORMITY_API_KEY", KEY)],
        )
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["account_id"], ACCOUNT);
    assert_eq!(report["workload_arn"], Value::Null);
    assert_eq!(report["filter_tags"], serde_json::json!(["app::SHOP"]));
    assert_eq!(report["checks"]["fetched"], 293);
    assert_eq!(report["checks"]["counted"], 293);
    for reason in [
        "disabled_rule",
        "suppressed",
        "excluded",
        "not_scored",
        "unmapped_rule",
    ] {
        assert_eq!(report["checks"]["left_out"][reason], 0, "{reason}");
    }
    let questions = report["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 57);
    let sec2 = questions
        .iter()
        .find(|q| q["question_id"] == "identities")
        .unwrap();
    assert_eq!(sec2["notes"], SEED_NOTE);
    assert_eq!(sec2["pillar_id"], "security");
    assert_eq!(sec2["successes"], 253);
    assert_eq!(sec2["failures"], 40);
    assert_eq!(
        sec2["by_risk"]["MEDIUM"],
        serde_json::json!({"successes": 250, "failures": 28})
    );
    assert_eq!(
        sec2["rule_ids_to_review"],
        serde_json::json!(["IAM-049", "IAM-023", "IAM-017"])
    );
    assert_eq!(sec2["status"], "would-change");
    assert_eq!(sec2["error"], Value::Null);
    let security = report["pillars"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pillar_id"] == "security")
        .unwrap();
    assert_eq!(
        (
            security["successes"].as_u64(),
            security["failures"].as_u64()
        ),
        (Some(253), Some(40))
    );
    assert_eq!(report["backup"], Value::Null);
    let checks_request = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/checks")
        .unwrap();
    assert!(checks_request
        .query
        .contains(&("filter[filterTags]".into(), "app::SHOP".into())));
    assert!(!stdout(&output).contains("Cl1Secret") && !stderr(&output).contains("Cl1Secret"));
}

/// Per question, each rule with its title, knowledge-base page and riskiest failing resources,
/// at most the bound however many fail (docs/spec/cli-contract.md, "Evidence per question").
#[tokio::test(flavor = "multi_thread")]
async fn preview_json_lists_each_rule_with_its_riskiest_failing_resources() {
    let app = ["App::shop"];
    let checks = [
        check("IAM-049", "FAILURE", "LOW", 120, &app),
        check("IAM-049", "FAILURE", "HIGH", 15, &app),
        check("IAM-049", "SUCCESS", "HIGH", 4, &app),
        check("IAM-023", "SUCCESS", "MEDIUM", 2, &app),
        check("IAM-001", "FAILURE", "LOW", 3, &app),
    ]
    .concat();
    let fake = fake_with(checks).await;
    let dir = tempfile::tempdir().unwrap();
    let mapping = identities_mapping(dir.path());
    let url = fake.base_url();
    let output = tokio::task::spawn_blocking(move || {
        wa_sync(
            &[
                "preview",
                "--account-id",
                ACCOUNT,
                "--mapping",
                &mapping,
                "--json",
            ],
            &[("CONFORMITY_API_URL", &url), ("CONFORMITY_API_KEY", KEY)],
        )
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let sec2 = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question_id"] == "identities")
        .unwrap();
    let rules = sec2["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["IAM-049", "IAM-001", "IAM-023"]);
    let iam049 = &rules[0];
    let title = wa_sync_fakes::visionone::catalogue_title("IAM-049").unwrap();
    assert_eq!(iam049["title"], title);
    assert_eq!(iam049["risk_level"], "HIGH");
    assert_eq!(
        (iam049["successes"].as_u64(), iam049["failures"].as_u64()),
        (Some(4), Some(135))
    );
    assert_eq!(iam049["failing_resources_total"], 135);
    assert_eq!(
        iam049["knowledge_base_url"],
        "https://www.trendmicro.com/cloudoneconformity/knowledge-base/aws/IAM/iam-049.html"
    );
    let failing = iam049["failing_resources"].as_array().unwrap();
    assert_eq!(
        failing.len(),
        wa_sync_engine::summary::FAILING_RESOURCES_KEPT,
        "the bound"
    );
    let risks: Vec<&str> = failing
        .iter()
        .map(|f| f["risk_level"].as_str().unwrap())
        .collect();
    assert!(risks[..15].iter().all(|r| *r == "HIGH"), "{risks:?}");
    assert!(risks[15..].iter().all(|r| *r == "LOW"), "{risks:?}");
    let first = &failing[0];
    assert_eq!(first["resource"], "IAM-049-FAILURE-0");
    assert_eq!(first["region"], "us-east-1");
    assert_eq!(first["service"], "IAM");
    assert_eq!(
        first["message"],
        format!("{title}: IAM-049-FAILURE-0 fails")
    );
    assert_eq!(
        first["link"],
        "https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#IAM-049-FAILURE-0"
    );
    let iam023 = &rules[2];
    assert_eq!(
        iam023["risk_level"], "MEDIUM",
        "no failures: the highest among its successes"
    );
    assert_eq!(iam023["failing_resources"], serde_json::json!([]));
    assert_eq!(iam023["failing_resources_total"], 0);
    let uncovered = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question_id"] == "backing-up-data")
        .unwrap();
    assert_eq!(uncovered["rules"], serde_json::json!([]));

    // Best practices of SEC 2 in lens order, each with the question's rules that speak to it
    // (IAM-049's best practice belongs to SEC 3, so it speaks to none of them here).
    let practices = sec2["best_practices"].as_array().unwrap();
    let ids: Vec<&str> = practices
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "SEC02-BP01",
            "SEC02-BP02",
            "SEC02-BP03",
            "SEC02-BP04",
            "SEC02-BP05",
            "SEC02-BP06"
        ]
    );
    assert_eq!(
        practices[3],
        serde_json::json!({"id": "SEC02-BP04", "choice_id": "sec_identities_identity_provider",
            "title": "Rely on a centralized identity provider", "rule_ids": ["IAM-023"],
            "failures": 0, "status": "passing"})
    );
    assert_eq!(practices[4]["rule_ids"], serde_json::json!(["IAM-001"]));
    assert_eq!(practices[4]["failures"], 3);
    assert_eq!(practices[4]["status"], "failing");
    assert_eq!(practices[0]["status"], "no-evidence");
    assert_eq!(practices[0]["rule_ids"], serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn external_id_and_accounts() {
    let fake = fake_with(vec![]).await;
    let url = fake.base_url();
    let (id, accounts) = tokio::task::spawn_blocking(move || {
        let env = [
            ("CONFORMITY_API_URL", url.as_str()),
            ("CONFORMITY_API_KEY", KEY),
        ];
        (
            wa_sync(&["external-id"], &env),
            wa_sync(&["accounts", "--json"], &env),
        )
    })
    .await
    .unwrap();
    assert_eq!(stdout(&id), "ext-abc-123\n");
    let accounts: Value = serde_json::from_str(&stdout(&accounts)).unwrap();
    assert_eq!(accounts[0]["id"], ACCOUNT);
    assert_eq!(accounts[0]["aws_account_id"], "123456789012");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_exits_2_before_any_request() {
    let fake = fake_with(vec![]).await;
    let url = fake.base_url();
    // (arguments, environment changes (empty value: unset), what stderr must say)
    type Case<'a> = (Vec<String>, Vec<(&'a str, String)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![
                "preview".into(),
                "--account-id".into(),
                "not ok/../x".into(),
            ],
            vec![],
            "--account-id",
        ),
        (
            vec![
                "preview".into(),
                "--account-id".into(),
                ACCOUNT.into(),
                "--filter-tag".into(),
                "a,b".into(),
            ],
            vec![],
            "comma",
        ),
        (
            vec![
                "preview".into(),
                "--account-id".into(),
                ACCOUNT.into(),
                "--filter-tag".into(),
                "::x".into(),
            ],
            vec![],
            "key::value",
        ),
        (
            vec![
                "preview".into(),
                "--account-id".into(),
                ACCOUNT.into(),
                "--conformity-url".into(),
                "http://example.com/api".into(),
            ],
            vec![],
            "http://",
        ),
        (
            vec!["external-id".into()],
            vec![("CONFORMITY_API_KEY", String::new())],
            "CONFORMITY_API_KEY",
        ),
        (
            vec![
                "accounts".into(),
                "--conformity-region".into(),
                "mars-1".into(),
            ],
            vec![("CONFORMITY_API_URL", String::new())],
            "unknown Conformity region",
        ),
        (vec!["preview".into()], vec![], "--account-id is required"),
    ];
    for (args, extra_env, needle) in cases {
        let url = url.clone();
        let output = tokio::task::spawn_blocking(move || {
            let mut env: Vec<(&str, String)> = vec![
                ("CONFORMITY_API_URL", url),
                ("CONFORMITY_API_KEY", KEY.into()),
            ];
            for (k, v) in extra_env {
                env.retain(|(key, _)| *key != k);
                if !v.is_empty() {
                    env.push((k, v));
                }
            }
            let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            wa_sync(&args, &env)
        })
        .await
        .unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{needle}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(needle),
            "{needle}: {}",
            stderr(&output)
        );
    }
    assert!(
        fake.requests().is_empty(),
        "nothing was sent: {:?}",
        fake.requests()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_exits_1_and_never_shows_the_key() {
    let fake = fake_with(vec![]).await;
    let url = fake.base_url();
    let output = tokio::task::spawn_blocking(move || {
        wa_sync(
            &["accounts"],
            &[
                ("CONFORMITY_API_URL", &url),
                ("CONFORMITY_API_KEY", "tmc12:WrongS3cretValue"),
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "one-line reason: {err}");
    assert!(err.contains("refused the API key"), "{err}");
    assert!(!err.contains("WrongS3cret") && !stdout(&output).contains("WrongS3cret"));
}

#[test]
fn checks_files_work_offline_with_the_same_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = identities_mapping(dir.path());
    let checks: Vec<Value> = seed_checks()
        .iter()
        .map(|c| {
            serde_json::json!({
                "type": "checks",
                "id": format!("ccc:{}:{}:IAM:global:{}", c.account_id, c.rule_id, c.resource),
                "attributes": {"status": c.status, "risk-level": c.risk_level, "region": "global", "tags": c.tags, "future-field": 1},
                "relationships": {"rule": {"data": {"type": "rules", "id": c.rule_id}}, "account": {"data": {"type": "accounts", "id": ACCOUNT}}}
            })
        })
        .collect();
    let (first, second) = checks.split_at(100);
    for (name, part) in [("a.json", first), ("b.json", second)] {
        let body = serde_json::json!({"data": part, "meta": {"total": checks.len()}});
        std::fs::write(dir.path().join(name), body.to_string()).unwrap();
    }
    let a = dir.path().join("a.json").display().to_string();
    let b = dir.path().join("b.json").display().to_string();
    let output = wa_sync(
        &[
            "preview",
            "--checks-file",
            &a,
            "--checks-file",
            &b,
            "--filter-tag",
            "shop",
            "--mapping",
            &mapping,
            "--json",
        ],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let sec2 = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question_id"] == "identities")
        .unwrap();
    assert_eq!(sec2["notes"], SEED_NOTE);

    std::fs::write(
        dir.path().join("bad.json"),
        r#"{"data":[{"attributes":{}}]}"#,
    )
    .unwrap();
    let bad = dir.path().join("bad.json").display().to_string();
    let output = wa_sync(&["preview", "--checks-file", &bad], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("missing field"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn demo_preview_needs_nothing_and_lists_left_out_and_uncovered() {
    let output = wa_sync(&["preview", "--demo", "--json"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let checks = &report["checks"];
    let left_out: u64 = checks["left_out"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(
        checks["fetched"].as_u64().unwrap(),
        checks["counted"].as_u64().unwrap() + left_out
    );
    for reason in [
        "disabled_rule",
        "suppressed",
        "excluded",
        "not_scored",
        "unmapped_rule",
    ] {
        assert!(
            checks["left_out"][reason].as_u64().unwrap() > 0,
            "demo shows {reason}"
        );
    }
    let questions = report["questions"].as_array().unwrap();
    assert!(questions
        .iter()
        .any(|q| q["status"] == "not-covered" && q["notes"].is_null()));
    assert!(report["unmapped_rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["rule_id"] == "Bedrock-001" && r["known"] == false));
    for q in questions.iter().filter(|q| q["status"] == "would-change") {
        let notes = q["notes"].as_str().unwrap();
        assert!(
            notes.starts_with("Here are your findings") && notes.encode_utf16().count() <= 2084
        );
    }
    let text = wa_sync(&["preview", "--demo", "--filter-tag", "App::checkout"], &[]);
    assert!(text.status.success());
    assert!(stdout(&text).contains("SEC 2") && stdout(&text).contains("needs a human answer"));
}

#[test]
fn mapping_json_and_coverage() {
    let output = wa_sync(&["mapping", "--json"], &[]);
    let mapping: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(mapping["lens"], "wellarchitected");
    assert!(mapping["lens_version"].is_string());
    let rules = mapping["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 619);
    assert!(rules
        .iter()
        .all(|r| r["rule_id"].is_string() && r["question_ids"].is_array()));
    let coverage = wa_sync(&["mapping", "--coverage", "--json"], &[]);
    let coverage: Value = serde_json::from_str(&stdout(&coverage)).unwrap();
    assert!(coverage["rules_mapped"].as_u64().unwrap() >= 600);
    assert_eq!(coverage["questions"].as_array().unwrap().len(), 57);
}
