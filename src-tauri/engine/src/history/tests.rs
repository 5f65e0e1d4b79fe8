use super::*;
use crate::checks::TagFilter;
use crate::mapping::Mapping;
use crate::notes::NotesMode;
use crate::preview;

const ARN: &str =
    "arn:aws:wellarchitected:us-east-1:111122223333:workload/0123456789abcdef0123456789abcdef";

async fn demo_report() -> PreviewReport {
    let mapping = Mapping::load(None).unwrap();
    let tags = TagFilter::parse::<&str>(&[]).unwrap();
    let collected = preview::collect(
        &preview::Source::Demo,
        &tags,
        &mapping,
        &crate::checks::NoProgress,
    )
    .await
    .unwrap();
    let mut report = preview::report(
        Some("acc-1"),
        &tags,
        &mapping,
        &collected,
        None,
        NotesMode::ReplaceBlock,
    );
    report.workload_arn = Some(ARN.to_string());
    report
}

/// The first question with at least two failing rules, and its index.
fn question_with_failing_rules(report: &PreviewReport) -> usize {
    report
        .questions
        .iter()
        .position(|q| q.rules.iter().filter(|r| r.failures > 0).count() >= 2)
        .expect("the demo data has a question with two failing rules")
}

#[tokio::test]
async fn a_record_keeps_the_figures_of_the_report() {
    let report = demo_report().await;
    let record = record(&report, Some("payments"));
    assert_eq!(record.target.as_deref(), Some("payments"));
    assert_eq!(record.workload_arn, ARN);
    assert_eq!(record.account_ids, vec!["acc-1".to_string()]);
    assert_eq!(record.outcome, "done");
    assert_eq!(record.pillars.len(), report.pillars.len());
    for (kept, pillar) in record.pillars.iter().zip(&report.pillars) {
        assert_eq!(kept.pillar_id, pillar.pillar_id);
        assert_eq!(kept.successes, pillar.successes);
        assert_eq!(kept.failures, pillar.failures);
        assert_eq!(kept.by_risk, pillar.by_risk);
    }
    let index = question_with_failing_rules(&report);
    let q = &report.questions[index];
    let kept = &record.questions[index];
    assert_eq!(kept.failures, q.failures);
    assert_eq!(kept.failures_by_rule.values().sum::<u64>(), q.failures);
    assert!(record.synced_at.ends_with('Z') && record.synced_at.len() == 20);

    let mut failed = report.clone();
    failed.questions[0].status = QuestionStatus::Failed;
    assert_eq!(super::record(&failed, None).outcome, "partly-done");
}

#[tokio::test]
async fn saved_records_list_oldest_first_per_target_and_survive_a_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir_for(dir.path());
    let report = demo_report().await;
    let first = record(&report, Some("a"));
    let mut second = record(&report, Some("a"));
    second.outcome = "partly-done".into();
    let other = record(&report, Some("b"));
    let no_plan = record(&report, None);
    let mut paths = Vec::new();
    for r in [&first, &other, &second, &no_plan] {
        paths.push(save(&history, r).unwrap());
    }
    // Every save is its own file, even within the same second.
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 4);
    let text = std::fs::read_to_string(&paths[0]).unwrap();
    assert!(text.contains("\"format\": \"wa-sync-history/1\""), "{text}");

    assert_eq!(
        list(&history, Some("a"), None).unwrap(),
        vec![first.clone(), second.clone()]
    );
    assert_eq!(list(&history, Some("b"), None).unwrap(), vec![other]);
    assert_eq!(list(&history, None, Some(ARN)).unwrap().len(), 4);
    assert_eq!(list(&history, None, Some("arn:other")).unwrap(), vec![]);
    assert_eq!(
        previous(&history, Some("a"), None).unwrap(),
        Some(second.clone())
    );
    assert_eq!(
        list(&dir.path().join("none"), Some("a"), None).unwrap(),
        vec![]
    );
}

#[tokio::test]
async fn an_unreadable_file_is_skipped_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let report = demo_report().await;
    let kept = record(&report, Some("a"));
    save(dir.path(), &kept).unwrap();
    std::fs::write(dir.path().join("0000-broken.json"), "{not json").unwrap();
    std::fs::write(
        dir.path().join("0001-future.json"),
        r#"{"format": "wa-sync-history/9", "target": "a"}"#,
    )
    .unwrap();
    assert_eq!(list(dir.path(), Some("a"), None).unwrap(), vec![kept]);
}

#[tokio::test]
async fn since_counts_new_and_fixed_failures_per_rule() {
    let report = demo_report().await;
    let index = question_with_failing_rules(&report);
    let mut before = record(&report, Some("a"));
    let question = report.questions[index].question_id.clone();
    let rules: Vec<String> = before.questions[index]
        .failures_by_rule
        .keys()
        .cloned()
        .collect();
    {
        let figures = &mut before.questions[index].failures_by_rule;
        // Before: the first rule failed 3 more times, the second 2 fewer (at least 0), and a rule
        // gone since failed 4 times.
        *figures.get_mut(&rules[0]).unwrap() += 3;
        let second = figures.get_mut(&rules[1]).unwrap();
        let fewer = (*second).min(2);
        *second -= fewer;
        figures.insert("Gone-001".into(), 4);
        let changes = since(&before, &report);
        let change = changes.iter().find(|c| c.question_id == question).unwrap();
        assert_eq!(change.fixed_failures, 3 + 4);
        assert_eq!(change.new_failures, fewer);
        assert_eq!(changes.len(), report.questions.len());
    }

    // The same figures: nothing new, nothing fixed, anywhere.
    let same = record(&report, Some("a"));
    assert!(since(&same, &report)
        .iter()
        .all(|c| c.new_failures == 0 && c.fixed_failures == 0));
}
