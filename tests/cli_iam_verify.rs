//! `wa-sync iam verify` driven as a binary against the fake STS and the fake Well-Architected
//! Tool, through the real AWS SDK clients (`AWS_ENDPOINT_URL_*`): every check it reports, and
//! the ones that fail say what to fix.

use std::process::{Command, Output};
use wa_sync_fakes::sts::{FakeSts, Role};
use wa_sync_fakes::wellarchitected::{FakeWellArchitected, WaState, Workload};

const ID: &str = "0123456789abcdef0123456789abcdef";
const ACCOUNT: &str = "111122223333";
const REGION: &str = "eu-west-1";
const ISSUED: &str = "ASIA_FAKE_ISSUED";

fn workload_arn() -> String {
    format!("arn:aws:wellarchitected:{REGION}:{ACCOUNT}:workload/{ID}")
}

fn role_arn() -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/WaSync")
}

/// Well-Architected answering only the role's temporary credentials.
async fn well_architected(allowed_key: &str) -> FakeWellArchitected {
    FakeWellArchitected::start(WaState {
        workloads: vec![Workload::standard(ID, "Shop", ACCOUNT, REGION)],
        allowed_keys: Some(vec![allowed_key.into()]),
        ..WaState::default()
    })
    .await
}

async fn verify(sts: &FakeSts, wa: &FakeWellArchitected, external_id: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("aws-config");
    let credentials = dir.path().join("aws-credentials");
    std::fs::write(&config, "").unwrap();
    std::fs::write(&credentials, "").unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wa-sync"));
    for var in [
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_IAM",
        "CONFORMITY_API_URL",
        "CONFORMITY_REGION",
        "CONFORMITY_API_KEY",
        "AWS_MAX_ATTEMPTS",
        "AWS_RETRY_MODE",
    ] {
        cmd.env_remove(var);
    }
    let (role, workload) = (role_arn(), workload_arn());
    cmd.args([
        "iam",
        "verify",
        "--role-arn",
        &role,
        "--workload-arn",
        &workload,
        "--external-id",
        external_id,
    ])
    .env("AWS_ACCESS_KEY_ID", "AKIA_FAKE_CALLER")
    .env(
        "AWS_SECRET_ACCESS_KEY",
        "fakeSecretKeyDoNotPrint0000000000000000",
    )
    .env("AWS_REGION", "us-east-1")
    .env("AWS_CONFIG_FILE", &config)
    .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
    .env("AWS_EC2_METADATA_DISABLED", "true")
    .env("HOME", dir.path())
    .env("XDG_DATA_HOME", dir.path().join("data"))
    .env("AWS_ENDPOINT_URL_STS", sts.endpoint())
    .env("AWS_ENDPOINT_URL_WELLARCHITECTED", wa.endpoint())
    .env("WA_SYNC_ASSUME_ROLE_WAIT_SECS", "1");
    tokio::task::spawn_blocking(move || cmd.output().expect("run wa-sync"))
        .await
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The table row of one check: its RESULT and DETAIL.
fn row<'a>(out: &'a str, check: &str) -> &'a str {
    out.lines()
        .find(|l| l.split_whitespace().next() == Some(check))
        .unwrap_or_else(|| panic!("no {check} row in:\n{out}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_that_allows_everything_passes_every_check_and_leaves_the_notes_as_they_were() {
    let mut role = Role::new(&role_arn(), ISSUED);
    role.external_id = Some("ext-right-123".into());
    let sts = FakeSts::start(vec![role]).await;
    let wa = well_architected(ISSUED).await;
    // The first question already has notes of someone's: verify must write them back as they are.
    let existing = "Reviewed with the platform team.";
    wa.with_state(|s| s.workloads[0].lenses[0].answers[0].notes = Some(existing.into()));

    let out = verify(&sts, &wa, "ext-right-123").await;
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    for check in [
        "trust",
        "external-id-required",
        "wellarchitected:GetWorkload",
        "wellarchitected:ListLensReviews",
        "wellarchitected:ListAnswers",
        "wellarchitected:GetAnswer",
        "wellarchitected:UpdateAnswer",
        "wellarchitected:GetLensReview",
        "wellarchitected:UpdateLensReview",
        "wellarchitected:GetMilestone",
    ] {
        assert!(row(&all, check).contains(" ok"), "{check}:\n{all}");
    }
    assert!(row(&all, "wellarchitected:UpdateLensReview").contains("notes unchanged"));
    assert!(
        wa.state().milestones.is_empty(),
        "verify saves no milestone"
    );
    assert!(row(&all, "trust").contains("with the external ID"), "{all}");
    assert!(row(&all, "wellarchitected:UpdateAnswer").contains("notes unchanged"));
    // The one write rewrote the first question's notes with exactly what they were.
    let updates = wa.answer_updates();
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(updates[0].notes.as_deref(), Some(existing));
    assert_eq!(updates[0].selected_choices, None);
    assert_eq!(
        wa.state().workloads[0].lenses[0].answers[0]
            .notes
            .as_deref(),
        Some(existing)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_open_without_the_external_id_and_a_missing_permission_are_named() {
    // No external-ID condition: anyone trusted can assume it without one.
    let sts = FakeSts::start(vec![Role::new(&role_arn(), ISSUED)]).await;
    // Well-Architected refuses the role's credentials: its policy lacks the permissions.
    let wa = well_architected("ASIA_SOMEONE_ELSE").await;

    let out = verify(&sts, &wa, "ext-right-123").await;
    let all = text(&out);
    assert_ne!(out.status.code(), Some(0), "{all}");
    assert!(row(&all, "trust").contains(" ok"), "{all}");
    let open = row(&all, "external-id-required");
    assert!(
        open.contains("MISSING") && open.contains("WITHOUT the external ID"),
        "{all}"
    );
    let denied = row(&all, "wellarchitected:GetWorkload");
    assert!(
        denied.contains("MISSING")
            && denied.contains("missing permission wellarchitected:GetWorkload"),
        "{all}"
    );
    assert!(!all.contains("fakeSecretKeyDoNotPrint"), "{all}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_set_up_before_pillar_notes_is_told_what_to_add() {
    let mut role = Role::new(&role_arn(), ISSUED);
    role.external_id = Some("ext-right-123".into());
    let sts = FakeSts::start(vec![role]).await;
    let wa = well_architected(ISSUED).await;
    wa.with_state(|s| s.denied_operations = vec!["UpdateLensReview".into()]);

    let out = verify(&sts, &wa, "ext-right-123").await;
    let all = text(&out);
    assert_ne!(out.status.code(), Some(0), "{all}");
    assert!(
        row(&all, "wellarchitected:UpdateAnswer").contains(" ok"),
        "{all}"
    );
    let denied = row(&all, "wellarchitected:UpdateLensReview");
    assert!(
        denied.contains("MISSING")
            && denied.contains("missing permission wellarchitected:UpdateLensReview"),
        "{all}"
    );
    assert!(wa.lens_review_updates().is_empty());
}
