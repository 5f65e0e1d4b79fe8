//! Milestones and pillar notes through the real AWS SDK client against the fake
//! Well-Architected Tool: the order of the calls, what is saved, and the restore.

use super::*;
use crate::credentials::retry_config;
use crate::notes::pillar::PILLAR_HEADER;
use crate::wellarchitected::{AwsWorkload, MilestoneRef, WorkloadArn};
use aws_sdk_wellarchitected::config::Credentials;
use std::collections::BTreeMap;
use wa_sync_fakes::wellarchitected::{FakeWellArchitected, WaState};

const ID: &str = "0123456789abcdef0123456789abcdef";
const REVIEWER: &str = "Pillar owner: Dana ✓ — 日本語 🚀\nRisk of SEC 9 accepted.";

async fn fake() -> FakeWellArchitected {
    let mut workload =
        wa_sync_fakes::wellarchitected::Workload::standard(ID, "Shop", "111122223333", "eu-west-1");
    let lens = &mut workload.lenses[0];
    lens.pillar_notes.insert("security".into(), REVIEWER.into());
    lens.answers[0].notes = Some("Question text of a reviewer.".into());
    FakeWellArchitected::start(WaState {
        workloads: vec![workload],
        ..WaState::default()
    })
    .await
}

async fn workload_at(wa: &FakeWellArchitected) -> Workload {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("eu-west-1"))
        .endpoint_url(wa.endpoint())
        .credentials_provider(Credentials::new("AKIDWRITER", "writer", None, None, "test"))
        .retry_config(retry_config())
        .load()
        .await;
    let arn = format!("arn:aws:wellarchitected:eu-west-1:111122223333:workload/{ID}");
    Workload::Aws(AwsWorkload::with_config(
        WorkloadArn::parse(&arn).unwrap(),
        &config,
    ))
}

/// The demo's checks planned against `workload`'s notes, as the sync module's own tests plan.
async fn planned(workload: &Workload) -> (WorkloadSnapshot, PreviewReport) {
    super::tests::demo_plan(workload).await
}

fn options(dir: &Path) -> SyncOptions {
    SyncOptions {
        backup_dir: Some(dir.join("backups")),
        milestone: true,
        pillar_notes: true,
        ..SyncOptions::default()
    }
}

fn pillar_notes(wa: &FakeWellArchitected, pillar: &str) -> Option<String> {
    wa.state().workloads[0].lenses[0]
        .pillar_notes
        .get(pillar)
        .cloned()
}

/// Every question's and pillar's notes, as the console shows them (never set = empty).
fn notes_view(state: &WaState) -> (Vec<String>, BTreeMap<String, String>) {
    let lens = &state.workloads[0].lenses[0];
    let answers = (lens.answers.iter())
        .map(|a| a.notes.clone().unwrap_or_default())
        .collect();
    let mut pillars = lens.pillar_notes.clone();
    pillars.retain(|_, notes| !notes.is_empty());
    (answers, pillars)
}

fn position(operations: &[String], op: &str) -> Option<usize> {
    operations.iter().position(|o| o == op)
}

#[tokio::test]
async fn the_milestone_comes_before_the_first_write_and_pillar_notes_round_trip() {
    let wa = fake().await;
    let workload = workload_at(&wa).await;
    let dir = tempfile::tempdir().unwrap();
    let before = wa.state();
    let (snapshot, report) = planned(&workload).await;
    let cancel = CancellationToken::new();
    let report = sync(
        &workload,
        &snapshot,
        report,
        &options(dir.path()),
        &cancel,
        &NoSyncProgress,
    )
    .await
    .unwrap();

    let operations = wa.operations();
    let milestone_at = position(&operations, "CreateMilestone").expect("a milestone was saved");
    let first_answer = position(&operations, "UpdateAnswer").expect("notes were written");
    let first_pillar = position(&operations, "UpdateLensReview").expect("pillars were written");
    assert!(
        milestone_at < first_answer && milestone_at < first_pillar,
        "{operations:?}"
    );
    let saved = report.milestone.clone().expect("the report names it");
    assert_eq!(saved.number, 1);
    assert!(saved.name.starts_with("wa-sync ") && saved.name.ends_with(" Shop"));
    // The milestone holds the review exactly as it was before the sync.
    let state = wa.state();
    assert_eq!(state.milestones.len(), 1);
    assert_eq!(state.milestones[0].name, saved.name);
    assert_eq!(state.milestones[0].workload, before.workloads[0]);

    let backup_path = PathBuf::from(report.backup.clone().unwrap());
    let backup = Backup::read(&backup_path).unwrap();
    assert_eq!(backup.milestone.as_ref(), Some(&saved));
    assert_eq!(backup.pillars.len(), 6);

    let security = pillar_notes(&wa, "security").unwrap();
    assert!(
        security.starts_with(&format!("{REVIEWER}\n\n{PILLAR_HEADER}\n")),
        "{security}"
    );
    let written: Vec<&str> = report
        .pillars
        .iter()
        .filter(|p| p.notes_status == Some(QuestionStatus::Written))
        .map(|p| p.pillar_id.as_str())
        .collect();
    assert!(written.contains(&"security"), "{:?}", report.pillars);
    for update in wa.lens_review_updates() {
        let sent = update.pillar_notes.unwrap();
        assert_eq!(sent.len(), 1, "one pillar per write, the others left alone");
        assert_eq!(update.lens_notes, None);
    }

    let restored = restore(
        &workload,
        &backup,
        &backup_path,
        &options(dir.path()),
        &cancel,
        &NoSyncProgress,
    )
    .await
    .unwrap();
    assert!(restored.failed().is_empty() && restored.kept().is_empty());
    let milestone = restored.milestone.unwrap();
    assert!(milestone.exists && milestone.number == 1, "{milestone:?}");
    assert_eq!(
        notes_view(&wa.state()),
        notes_view(&before),
        "byte for byte"
    );
    assert_eq!(pillar_notes(&wa, "security").as_deref(), Some(REVIEWER));
}

#[tokio::test]
async fn a_dry_run_saves_no_milestone_and_previews_the_pillar_notes() {
    let wa = fake().await;
    let workload = workload_at(&wa).await;
    let dir = tempfile::tempdir().unwrap();
    let (snapshot, report) = planned(&workload).await;
    let dry = SyncOptions {
        dry_run: true,
        ..options(dir.path())
    };
    let cancel = CancellationToken::new();
    let report = sync(&workload, &snapshot, report, &dry, &cancel, &NoSyncProgress)
        .await
        .unwrap();
    let operations = wa.operations();
    for write in ["CreateMilestone", "UpdateAnswer", "UpdateLensReview"] {
        assert_eq!(position(&operations, write), None, "{operations:?}");
    }
    assert!(report.milestone.is_none() && report.backup.is_none());
    let security = report
        .pillars
        .iter()
        .find(|p| p.pillar_id == "security")
        .unwrap();
    assert_eq!(security.notes_status, Some(QuestionStatus::WouldChange));
    assert_eq!(security.current_notes.as_deref(), Some(REVIEWER));
    assert!(security.notes.as_deref().unwrap().contains(PILLAR_HEADER));
    assert_eq!(pillar_notes(&wa, "security").as_deref(), Some(REVIEWER));
}

#[tokio::test]
async fn a_missing_milestone_permission_stops_the_sync_before_any_write() {
    let wa = fake().await;
    wa.with_state(|s| s.denied_operations = vec!["CreateMilestone".into()]);
    let workload = workload_at(&wa).await;
    let dir = tempfile::tempdir().unwrap();
    let before = wa.state();
    let (snapshot, report) = planned(&workload).await;
    let err = sync(
        &workload,
        &snapshot,
        report,
        &options(dir.path()),
        &CancellationToken::new(),
        &NoSyncProgress,
    )
    .await
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("wellarchitected:CreateMilestone") && text.contains("nothing was written"),
        "{text}"
    );
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    let operations = wa.operations();
    assert_eq!(position(&operations, "UpdateAnswer"), None);
    assert_eq!(position(&operations, "UpdateLensReview"), None);
    assert_eq!(wa.state().workloads, before.workloads);
    assert!(list_backups(&dir.path().join("backups"))
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_taken_milestone_name_is_answered_with_another() {
    let wa = fake().await;
    let workload = workload_at(&wa).await;
    let secs = 1_796_625_012;
    let first = milestone::save_at(&workload, secs, "payments-prod")
        .await
        .unwrap();
    let second = milestone::save_at(&workload, secs, "payments-prod")
        .await
        .unwrap();
    assert_eq!(first.name, "wa-sync 2026-12-07 06:30:12Z payments-prod");
    assert_eq!(second.name, format!("{} (2)", first.name));
    assert_eq!((first.number, second.number), (1, 2));
    let conflicts = wa
        .requests()
        .iter()
        .filter(|r| r.operation == "CreateMilestone" && r.status == 409)
        .count();
    assert_eq!(conflicts, 1);
    assert_eq!(workload.milestone_name(2).await.unwrap(), Some(second.name));
    assert_eq!(workload.milestone_name(3).await.unwrap(), None);
}

#[tokio::test]
async fn a_pillar_note_edited_after_the_sync_is_restored_only_when_forced() {
    let wa = fake().await;
    let workload = workload_at(&wa).await;
    let dir = tempfile::tempdir().unwrap();
    let before = wa.state();
    let (snapshot, report) = planned(&workload).await;
    let cancel = CancellationToken::new();
    let plain = SyncOptions {
        milestone: false,
        ..options(dir.path())
    };
    let report = sync(
        &workload,
        &snapshot,
        report,
        &plain,
        &cancel,
        &NoSyncProgress,
    )
    .await
    .unwrap();
    assert_eq!(position(&wa.operations(), "CreateMilestone"), None);
    let edited = "Rewritten by the reviewer after the sync — ✓";
    workload
        .update_pillar_notes("security", edited)
        .await
        .unwrap();
    let path = PathBuf::from(report.backup.unwrap());
    let backup = Backup::read(&path).unwrap();
    assert_eq!(backup.milestone, None);
    let restored = restore(&workload, &backup, &path, &plain, &cancel, &NoSyncProgress)
        .await
        .unwrap();
    let kept: Vec<&str> = restored
        .kept()
        .iter()
        .map(|p| p.question_id.as_str())
        .collect();
    assert_eq!(kept, ["security"]);
    assert_eq!(pillar_notes(&wa, "security").as_deref(), Some(edited));
    assert_eq!(
        notes_view(&wa.state()).0,
        notes_view(&before).0,
        "the questions are back"
    );

    let forced = SyncOptions {
        force: true,
        ..plain
    };
    restore(&workload, &backup, &path, &forced, &cancel, &NoSyncProgress)
        .await
        .unwrap();
    assert_eq!(notes_view(&wa.state()), notes_view(&before));
}

#[tokio::test]
async fn a_backup_without_pillars_or_milestone_is_what_earlier_versions_wrote() {
    let snapshot = crate::wellarchitected::demo::initial_snapshot();
    let backup = Backup::of(&snapshot, "sync", &[]);
    let text = serde_json::to_string(&backup).unwrap();
    assert!(!text.contains("\"pillars\"") && !text.contains("\"milestone\""));
    let with = backup.clone().with_milestone(MilestoneRef {
        number: 3,
        name: "wa-sync x".into(),
    });
    assert_ne!(with.checksum, backup.checksum);
    let dir = tempfile::tempdir().unwrap();
    let path = with.write_to(dir.path()).unwrap();
    assert_eq!(Backup::read(&path).unwrap(), with);
}

#[tokio::test]
async fn a_pillar_note_edited_after_it_was_read_is_not_written() {
    let wa = fake().await;
    let edited = "Edited in the console meanwhile.";
    // The first GetLensReview is the sync's read; the console edit lands right after it.
    wa.with_state(|s| {
        s.pillar_edits_after_get = vec![wa_sync_fakes::wellarchitected::EditAfterGet {
            question_id: "security".into(),
            nth: 1,
            notes: edited.into(),
        }]
    });
    let workload = workload_at(&wa).await;
    let dir = tempfile::tempdir().unwrap();
    let (snapshot, report) = planned(&workload).await;
    let report = sync(
        &workload,
        &snapshot,
        report,
        &options(dir.path()),
        &CancellationToken::new(),
        &NoSyncProgress,
    )
    .await
    .unwrap();
    let security = report
        .pillars
        .iter()
        .find(|p| p.pillar_id == "security")
        .unwrap();
    assert_eq!(security.notes_status, Some(QuestionStatus::Changed));
    assert!(security.notes_error.as_deref().unwrap().contains("edited"));
    assert_eq!(pillar_notes(&wa, "security").as_deref(), Some(edited));
    let others_written = report
        .pillars
        .iter()
        .filter(|p| p.notes_status == Some(QuestionStatus::Written))
        .count();
    assert!(others_written > 0, "{:?}", report.pillars);
}
