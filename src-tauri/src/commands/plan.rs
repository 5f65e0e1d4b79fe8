//! The Workloads screen: the sync plan the command line runs (`wa-sync sync --plan FILE`), shown
//! and edited here in the same file, each target's past syncs, and "Preview all" / "Sync all"
//! with each target's progress and outcome. The demo has a built-in plan of its own.

use super::preview::compute_preview;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::settings::Product;
use crate::state::AppState;
use crate::types::{
    PlanEvent, PlanRunRequest, PlanView, PreviewRequest, ProgressEvent, SourceRequest, SyncPoint,
    TargetOutcome, TargetView,
};
use std::path::{Path, PathBuf};
use tauri::ipc::Channel;
use tauri::State;
use wa_sync_engine::history::{self, PillarFigures};
use wa_sync_engine::notes::NotesMode;
use wa_sync_engine::plan::{self, SourceKind, Target};
use wa_sync_engine::preview::{PreviewReport, QuestionStatus};
use wa_sync_engine::sync::SyncOptions;
use wa_sync_engine::usecase::plan::{PlanProgress, PlanRun, EXIT_FAILED};
use wa_sync_engine::usecase::{self, Cancel};
use wa_sync_engine::wellarchitected::demo::DEMO_WORKLOAD_ARN;

/// The plan file and its targets with their history. A missing file is an empty plan; a bad one
/// is shown with its problems (so the user sees which file and what to fix).
#[tauri::command]
pub async fn plan_show(state: State<'_, AppState>) -> AppResult<PlanView> {
    Ok(run_plan_show(&state))
}

pub fn run_plan_show(state: &AppState) -> PlanView {
    let path = state.plan_path();
    let mut view = PlanView {
        path: Some(path.display().to_string()),
        exists: path.exists(),
        problem: None,
        targets: Vec::new(),
        demo: false,
    };
    if !view.exists {
        return view;
    }
    match plan::load(&path) {
        Ok(plan) => {
            let history_dir = state.history_dir();
            view.targets = plan
                .targets
                .into_iter()
                .map(|target| TargetView {
                    history: target_history(&history_dir, &target),
                    target,
                })
                .collect();
        }
        Err(e) => view.problem = Some(e.to_string()),
    }
    view
}

/// A target's past syncs; an unreadable history shows as none rather than hiding the plan.
fn target_history(dir: &Path, target: &Target) -> Vec<SyncPoint> {
    match history::list(dir, Some(&target.name), None) {
        Ok(records) => records
            .into_iter()
            .map(|r| SyncPoint {
                synced_at: r.synced_at,
                outcome: r.outcome,
                pillars: r.pillars,
            })
            .collect(),
        Err(e) => {
            log::warn!("history of {}: {e}", target.name);
            Vec::new()
        }
    }
}

/// Opens another plan file (an existing one, or a new name: it is created by the first target
/// saved). `None`: the user cancelled.
#[tauri::command]
pub async fn plan_choose_file(state: State<'_, AppState>) -> AppResult<Option<PlanView>> {
    let current = state.plan_path();
    let request = crate::dialogs::DialogRequest {
        title: "Open or create a sync plan (TOML)".into(),
        start_dir: PathBuf::new(),
        file_name: current
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        filter: Some(("Sync plan".into(), vec!["toml".into()])),
    };
    // The save dialog both picks an existing file and names a new one.
    let Some(path) = state
        .ask(move |d, start| {
            d.save_file(&crate::dialogs::DialogRequest {
                start_dir: start,
                ..request
            })
        })
        .await?
    else {
        return Ok(None);
    };
    if let Some(folder) = path.parent() {
        state.remember_folder(folder)?;
    }
    *state.plan_path.lock().expect("plan path lock") = path;
    Ok(Some(run_plan_show(&state)))
}

/// Adds `target` to the plan, or replaces the target named `previous_name` (renaming it when the
/// name changed). The file keeps its comments and other targets.
#[tauri::command]
pub async fn plan_save_target(
    state: State<'_, AppState>,
    target: Target,
    previous_name: Option<String>,
) -> AppResult<PlanView> {
    run_plan_save_target(&state, &target, previous_name.as_deref())
}

pub fn run_plan_save_target(
    state: &AppState,
    target: &Target,
    previous_name: Option<&str>,
) -> AppResult<PlanView> {
    let path = state.plan_path();
    let renamed = previous_name.filter(|old| *old != target.name);
    if path.exists() && (previous_name.is_none() || renamed.is_some()) {
        let plan = plan::load(&path)?;
        if plan.targets.iter().any(|t| t.name == target.name) {
            return Err(AppError::new(
                ErrorCode::BadInput,
                format!(
                    "the plan already has a target named \u{201c}{}\u{201d}: choose another name, or edit that target",
                    target.name
                ),
            ));
        }
    }
    plan::save_target(&path, target)?;
    if let Some(old) = renamed {
        plan::remove_target(&path, old)?;
    }
    Ok(run_plan_show(state))
}

#[tauri::command]
pub async fn plan_remove_target(state: State<'_, AppState>, name: String) -> AppResult<PlanView> {
    run_plan_remove_target(&state, &name)
}

pub fn run_plan_remove_target(state: &AppState, name: &str) -> AppResult<PlanView> {
    plan::remove_target(&state.plan_path(), name)?;
    Ok(run_plan_show(state))
}

/// The demo's plan: three targets over the demo account, narrowed by its tags, with a few weeks
/// of made-up history ending at today's figures, so the trend and chart have something to show.
#[tauri::command]
pub async fn demo_plan(state: State<'_, AppState>) -> AppResult<PlanView> {
    run_demo_plan(&state).await
}

/// The demo plan's targets: the demo account's checks of one application each.
pub fn demo_targets() -> Vec<Target> {
    ["checkout", "catalog", "payments"]
        .into_iter()
        .map(|app| Target {
            name: format!("shop-{app}"),
            source: Some(SourceKind::VisionOne),
            account_ids: vec![wa_sync_engine::checks::demo::ACCOUNT_ID.to_string()],
            // One tag: a filter's tags are ORed, so adding the environment would select every
            // application's production checks.
            filter_tags: vec![format!("App::{app}")],
            workload_arn: DEMO_WORKLOAD_ARN.to_string(),
            role_arn: None,
            external_id: None,
            profile: None,
            notes_mode: NotesMode::ReplaceBlock,
        })
        .collect()
}

pub async fn run_demo_plan(state: &AppState) -> AppResult<PlanView> {
    let quiet = Channel::new(|_| Ok(()));
    let mut targets = Vec::new();
    for target in demo_targets() {
        let request = PreviewRequest {
            run_id: 0,
            source: SourceRequest::Demo,
            filter_tags: target.filter_tags.clone(),
            notes_mode: "replace-block".into(),
        };
        let report = compute_preview(state, &request, &quiet).await?.report;
        targets.push(TargetView {
            history: demo_history(&report, target.name.len()),
            target,
        });
    }
    Ok(PlanView {
        path: None,
        exists: false,
        problem: None,
        targets,
        demo: true,
    })
}

/// Six weekly syncs ending with `report`'s figures, each earlier one with more failures (by a
/// share that differs per target, `seed`), as a team fixing findings week by week would see.
fn demo_history(report: &PreviewReport, seed: usize) -> Vec<SyncPoint> {
    const WEEKS: u64 = 6;
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    (0..WEEKS)
        .rev()
        .map(|weeks_ago| {
            let pillars = report
                .pillars
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    // Percent of today's successes that were failures `weeks_ago` weeks ago.
                    let share = weeks_ago * (3 + ((seed + i) % 4) as u64);
                    let moved = p.successes * share.min(60) / 100;
                    PillarFigures {
                        pillar_id: p.pillar_id.clone(),
                        successes: p.successes - moved,
                        failures: p.failures + moved,
                        by_risk: p.by_risk,
                    }
                })
                .collect();
            SyncPoint {
                synced_at: wa_sync_engine::time::rfc3339_secs(today - weeks_ago * 7 * 86_400),
                outcome: "done".into(),
                pillars,
            }
        })
        .collect()
}

/// The plan's target named `name`, as the file has it now.
pub(crate) fn find_target(state: &AppState, name: &str) -> AppResult<Target> {
    let path = state.plan_path();
    plan::load(&path)?
        .targets
        .into_iter()
        .find(|t| t.name == name)
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!(
                    "the plan {} has no target named \u{201c}{name}\u{201d} (any more): reload the Workloads screen",
                    path.display()
                ),
            )
        })
}

/// "Preview all" / "Sync all" (or the targets named): the engine's plan runner, as
/// `wa-sync preview/sync --plan` runs it (each account's checks fetched once, targets
/// concurrently), each target reporting through the channel as it starts, progresses and ends.
/// One target failing does not stop the others. The demo's plan previews on the demo data.
#[tauri::command]
pub async fn plan_run(
    state: State<'_, AppState>,
    request: PlanRunRequest,
    on_progress: Channel<PlanEvent>,
) -> AppResult<Vec<TargetOutcome>> {
    let cancel = state.start(request.run_id)?;
    let result = if request.demo {
        run_demo_plan_preview(&state, &request, &cancel, &on_progress).await
    } else {
        run_plan_run(&state, &request, &cancel, &on_progress).await
    };
    state.finish(request.run_id);
    result
}

pub async fn run_plan_run(
    state: &AppState,
    request: &PlanRunRequest,
    cancel: &Cancel,
    events: &Channel<PlanEvent>,
) -> AppResult<Vec<TargetOutcome>> {
    let plan = plan::load(&state.plan_path())?;
    let targets = usecase::plan::pick(&plan, &request.targets)?;
    let settings = state.settings();
    let api = state.api_config();
    let run = PlanRun {
        targets: &targets,
        default_source: match settings.product {
            Product::VisionOne => SourceKind::VisionOne,
            Product::Conformity => SourceKind::Conformity,
        },
        api: &api,
        mapping: super::mapping(),
        default_profile: settings.aws.and_then(|a| a.profile),
        assume_role_wait: None,
        sync: request.sync.then(|| SyncOptions {
            milestone: request.milestone,
            pillar_notes: request.pillar_notes,
            ..state.sync_options()
        }),
    };
    let progress = ChannelPlanProgress {
        events,
        synced: request.sync,
    };
    // Each sync keeps its figures in the history itself (usecase::push).
    let results = usecase::plan::run(&run, state, cancel, &progress).await?;
    Ok(results
        .iter()
        .map(|r| target_outcome(r, request.sync))
        .collect())
}

/// The demo plan's "Preview all": each target's tags on the demo data, against the demo
/// workload, one after the other.
async fn run_demo_plan_preview(
    state: &AppState,
    request: &PlanRunRequest,
    cancel: &Cancel,
    events: &Channel<PlanEvent>,
) -> AppResult<Vec<TargetOutcome>> {
    if request.sync {
        return Err(AppError::new(
            ErrorCode::BadInput,
            "the demo has one simulated workload, so its plan only previews: open a target's preview to push it",
        ));
    }
    let mut outcomes = Vec::new();
    for target in demo_targets()
        .into_iter()
        .filter(|t| request.targets.is_empty() || request.targets.contains(&t.name))
    {
        let _ = events.send(PlanEvent::Started {
            target: target.name.clone(),
        });
        let preview = PreviewRequest {
            run_id: request.run_id,
            source: SourceRequest::Demo,
            filter_tags: target.filter_tags.clone(),
            notes_mode: "replace-block".into(),
        };
        let progress = forward_to(events, &target.name);
        let outcome =
            match super::cancellable(cancel.clone(), compute_preview(state, &preview, &progress))
                .await
            {
                Ok(previewed) => summarise(&target.name, false, &previewed.report),
                Err(e) => TargetOutcome::failed(&target.name, e.message),
            };
        let _ = events.send(PlanEvent::Finished {
            result: outcome.clone(),
        });
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// Hands the plan runner's per-target progress to the UI.
struct ChannelPlanProgress<'a> {
    events: &'a Channel<PlanEvent>,
    synced: bool,
}

impl PlanProgress for ChannelPlanProgress<'_> {
    fn target_started(&self, name: &str) {
        let _ = self.events.send(PlanEvent::Started {
            target: name.to_string(),
        });
    }

    fn checks_fetched(&self, name: &str, fetched: u64) {
        let _ = self.events.send(PlanEvent::Progress {
            target: name.to_string(),
            event: ProgressEvent::Checks {
                fetched,
                total: fetched,
            },
        });
    }

    fn question_done(&self, name: &str, done: usize, total: usize, question_id: &str, ok: bool) {
        let _ = self.events.send(PlanEvent::Progress {
            target: name.to_string(),
            event: ProgressEvent::Written {
                done: done as u64,
                total: total as u64,
                question_id: question_id.to_string(),
                ok,
            },
        });
    }

    fn target_finished(&self, result: &usecase::plan::TargetResult) {
        let _ = self.events.send(PlanEvent::Finished {
            result: target_outcome(result, self.synced),
        });
    }
}

/// What the Workloads screen shows of a target's result (the full report stays here).
fn target_outcome(result: &usecase::plan::TargetResult, synced: bool) -> TargetOutcome {
    match (&result.report, result.exit) {
        (Some(report), exit) if exit != EXIT_FAILED => TargetOutcome {
            error: result.error.clone(),
            ..summarise(&result.name, synced, report)
        },
        _ => TargetOutcome::failed(
            &result.name,
            result
                .error
                .clone()
                .unwrap_or_else(|| "the target failed".into()),
        ),
    }
}

/// A channel for one target's progress that hands each event on to the plan run's channel,
/// labelled with the target.
fn forward_to(events: &Channel<PlanEvent>, target: &str) -> Channel<ProgressEvent> {
    let (events, target) = (events.clone(), target.to_string());
    Channel::new(move |body| {
        if let tauri::ipc::InvokeResponseBody::Json(json) = body {
            if let Ok(event) = serde_json::from_str::<ProgressEvent>(&json) {
                let _ = events.send(PlanEvent::Progress {
                    target: target.clone(),
                    event,
                });
            }
        }
        Ok(())
    })
}

/// A target's outcome from its preview or sync report.
fn summarise(name: &str, synced: bool, report: &PreviewReport) -> TargetOutcome {
    let count = |statuses: &[QuestionStatus]| {
        report
            .questions
            .iter()
            .filter(|q| statuses.contains(&q.status))
            .count() as u64
    };
    let failed = count(&[
        QuestionStatus::Failed,
        QuestionStatus::Changed,
        QuestionStatus::NotWritten,
    ]);
    let outcome = match (synced, failed) {
        (false, _) => "previewed",
        (true, 0) => "done",
        (true, _) => "partly-done",
    };
    TargetOutcome {
        target: name.to_string(),
        outcome: outcome.into(),
        changed: count(&[QuestionStatus::WouldChange, QuestionStatus::Written]),
        failed,
        covered: report.questions.len() as u64 - count(&[QuestionStatus::NotCovered]),
        error: None,
    }
}

impl TargetOutcome {
    fn failed(name: &str, error: String) -> Self {
        TargetOutcome {
            target: name.to_string(),
            outcome: "failed".into(),
            changed: 0,
            failed: 0,
            covered: 0,
            error: Some(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str =
        "arn:aws:wellarchitected:eu-west-1:123456789012:workload/0123456789abcdef0123456789abcdef";

    fn target(name: &str) -> Target {
        Target {
            name: name.into(),
            source: Some(SourceKind::VisionOne),
            account_ids: vec!["5b3f0c1e-7d2a-4e8b-9f10-2e0e5b0c1a42".into()],
            filter_tags: vec!["Environment::production".into()],
            workload_arn: ARN.into(),
            role_arn: None,
            external_id: None,
            profile: None,
            notes_mode: NotesMode::ReplaceBlock,
        }
    }

    fn names(view: &PlanView) -> Vec<&str> {
        view.targets
            .iter()
            .map(|t| t.target.name.as_str())
            .collect()
    }

    #[test]
    fn a_missing_plan_is_empty_and_the_first_target_creates_it() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::with_data_dir(false, dir.path());
        let view = run_plan_show(&state);
        assert_eq!(
            view.path.as_deref(),
            Some(dir.path().join("plan.toml").to_str().unwrap())
        );
        assert!(!view.exists && view.targets.is_empty() && view.problem.is_none());

        let view = run_plan_save_target(&state, &target("shop"), None).unwrap();
        assert!(view.exists);
        assert_eq!(names(&view), ["shop"]);
        assert!(view.targets[0].history.is_empty(), "never synced");
        let text = std::fs::read_to_string(dir.path().join("plan.toml")).unwrap();
        assert!(text.contains("name = \"shop\""), "{text}");
        // What the command line reads is what the app wrote.
        assert_eq!(
            plan::load(&dir.path().join("plan.toml")).unwrap().targets,
            [target("shop")]
        );
    }

    #[test]
    fn a_taken_name_is_refused_and_a_rename_replaces_the_old_target() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::with_data_dir(false, dir.path());
        run_plan_save_target(&state, &target("shop"), None).unwrap();
        run_plan_save_target(&state, &target("catalog"), None).unwrap();
        let file = dir.path().join("plan.toml");
        let before = std::fs::read(&file).unwrap();

        let err = run_plan_save_target(&state, &target("shop"), None).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadInput);
        assert!(
            err.message.contains("already has a target named"),
            "{}",
            err.message
        );
        let err = run_plan_save_target(&state, &target("shop"), Some("catalog")).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadInput);
        assert_eq!(std::fs::read(&file).unwrap(), before, "nothing written");

        let renamed = Target {
            notes_mode: NotesMode::Overwrite,
            ..target("catalog-eu")
        };
        let view = run_plan_save_target(&state, &renamed, Some("catalog")).unwrap();
        assert_eq!(names(&view), ["shop", "catalog-eu"]);
        assert_eq!(view.targets[1].target, renamed);
        // Saving under its own name edits it in place.
        let view = run_plan_save_target(&state, &target("shop"), Some("shop")).unwrap();
        assert_eq!(names(&view), ["shop", "catalog-eu"]);

        let view = run_plan_remove_target(&state, "shop").unwrap();
        assert_eq!(names(&view), ["catalog-eu"]);
    }

    #[test]
    fn a_bad_plan_file_is_shown_with_its_problems() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::with_data_dir(false, dir.path());
        std::fs::write(
            dir.path().join("plan.toml"),
            "[[target]]\nname = \"bad name\"\n",
        )
        .unwrap();
        let view = run_plan_show(&state);
        assert!(view.exists && view.targets.is_empty());
        let problem = view.problem.expect("the problems are shown");
        assert!(problem.contains("plan.toml:"), "{problem}");
    }

    #[tokio::test]
    async fn the_demo_plan_has_three_targets_whose_score_rises_to_todays() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::with_data_dir(true, dir.path());
        let view = run_demo_plan(&state).await.unwrap();
        assert!(view.demo && view.path.is_none());
        assert_eq!(view.targets.len(), 3);
        for t in &view.targets {
            assert_eq!(t.target.workload_arn, DEMO_WORKLOAD_ARN);
            assert_eq!(t.history.len(), 6);
            let score = |p: &SyncPoint| {
                let (pass, all) = p.pillars.iter().fold((0, 0), |(pass, all), f| {
                    (pass + f.successes, all + f.successes + f.failures)
                });
                pass as f64 / all as f64
            };
            let scores: Vec<f64> = t.history.iter().map(score).collect();
            assert!(
                scores.windows(2).all(|w| w[0] < w[1]),
                "{}: {scores:?}",
                t.target.name
            );
            assert!(t.history[0].synced_at < t.history[5].synced_at);
        }
        assert!(
            !dir.path().join("plan.toml").exists(),
            "the demo saves no plan"
        );
    }
}
