//! `wa-sync preview --plan FILE` and `wa-sync sync --plan FILE`: every chosen target of a plan
//! in one run (`usecase::plan`), one summary table or one JSON document, and the exit status of
//! the whole (docs/spec/cli-contract.md, "Plans").

use super::{api_config, mapping, source_kind, Outcome};
use crate::args::{ChecksArgs, Global, SourceKind as SourceArg, WorkloadArgs};
use crate::output;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{json, Value};
use std::path::Path;
use wa_sync_engine::plan::{self as plan_file, SourceKind, Target};
use wa_sync_engine::preview::{PreviewReport, QuestionStatus};
use wa_sync_engine::sync::SyncOptions;
use wa_sync_engine::usecase::plan::{
    self, PlanProgress, PlanRun, TargetResult, EXIT_DONE, EXIT_FAILED,
};
use wa_sync_engine::usecase::{Cancel, SystemKeys};
use wa_sync_engine::{Error, Result};

/// Runs the plan at `path` (only `names`' targets when some are given): a preview when `sync`
/// is `None`, else a sync with those options.
pub async fn run(
    global: &Global,
    names: &[String],
    path: &Path,
    checks: &ChecksArgs,
    workload: &WorkloadArgs,
    sync: Option<SyncOptions>,
    json: bool,
) -> Result<Outcome> {
    refuse_single_target_flags(checks, workload)?;
    let plan = plan_file::load(path)?;
    let targets = plan::pick(&plan, names)?;
    let mapping = mapping(global)?;
    let api = api_config(global);
    let run = PlanRun {
        targets: &targets,
        default_source: match source_kind(global) {
            SourceArg::Conformity => SourceKind::Conformity,
            SourceArg::VisionOne => SourceKind::VisionOne,
        },
        api: &api,
        mapping: &mapping,
        default_profile: global.profile.clone(),
        assume_role_wait: super::workload::assume_role_wait(),
        sync,
    };
    let cancel = Cancel::new();
    let on_interrupt = super::sync::cancel_on_interrupt(&cancel);
    let progress = TargetLines {
        show: output::draws_progress(global.quiet, json),
    };
    let results = plan::run(&run, &SystemKeys, &cancel, &progress).await;
    on_interrupt.abort();
    let results = results?;

    if json {
        output::print_json(&PlanJson {
            path,
            targets: &targets,
            results: &results,
        });
    } else {
        output::emit(&summary_table(&targets, &results, run.sync.is_some()));
    }
    for result in results.iter().filter(|r| r.exit != EXIT_DONE) {
        eprintln!(
            "wa-sync: target {} {}: {}",
            result.name,
            if result.report.is_some() {
                "partly done"
            } else {
                "failed"
            },
            output::terminal_safe(result.error.as_deref().unwrap_or("failed"))
        );
    }
    Ok(match plan::exit_of(&results) {
        EXIT_DONE => Outcome::Done,
        EXIT_FAILED => Outcome::Failed,
        _ => Outcome::Partial,
    })
}

/// The flags that name one account and workload have no place beside a plan, which names its
/// own: refused before anything is read.
fn refuse_single_target_flags(checks: &ChecksArgs, workload: &WorkloadArgs) -> Result<()> {
    let given: Vec<&str> = [
        (!checks.account_ids.is_empty(), "--account-id"),
        (!checks.filter_tags.is_empty(), "--filter-tag"),
        (!checks.checks_files.is_empty(), "--checks-file"),
        (checks.rule_settings_file.is_some(), "--rule-settings-file"),
        (checks.demo, "--demo"),
        (workload.workload_arn.is_some(), "--workload-arn"),
        (workload.role_arn.is_some(), "--role-arn"),
        (workload.external_id.is_some(), "--external-id"),
        (workload.demo_workload.is_some(), "--demo-workload"),
    ]
    .into_iter()
    .filter_map(|(given, flag)| given.then_some(flag))
    .collect();
    if given.is_empty() {
        return Ok(());
    }
    Err(Error::bad_input(format!(
        "{} cannot go with --plan: each target of the plan names its own accounts, tags, \
         workload and role; edit the plan, or drop --plan",
        given.join(", ")
    )))
}

/// Shows each target's start and end on stderr, one line each, where progress is drawn (a
/// terminal); the targets that did not finish are named on stderr in any case.
struct TargetLines {
    show: bool,
}

impl PlanProgress for TargetLines {
    fn target_started(&self, name: &str) {
        if self.show {
            eprintln!("{name}: started");
        }
    }

    fn target_finished(&self, result: &TargetResult) {
        if self.show {
            eprintln!("{}: {}", result.name, result_word(result));
        }
    }
}

fn result_word(result: &TargetResult) -> &'static str {
    match (result.exit, &result.report) {
        (EXIT_DONE, _) => "done",
        (_, Some(_)) => "partly done",
        (_, None) => "failed",
    }
}

fn source_name(source: SourceKind) -> &'static str {
    match source {
        SourceKind::Conformity => "conformity",
        SourceKind::VisionOne => "vision-one",
    }
}

/// One row per target: what it read, where it wrote, and how it ended.
fn summary_table(targets: &[Target], results: &[TargetResult], sync: bool) -> String {
    let count = |report: &Option<PreviewReport>, status: QuestionStatus| {
        report.as_ref().map_or("-".to_string(), |r| {
            r.questions
                .iter()
                .filter(|q| q.status == status)
                .count()
                .to_string()
        })
    };
    let rows: Vec<Vec<String>> = targets
        .iter()
        .zip(results)
        .map(|(target, result)| {
            vec![
                result.name.clone(),
                source_name(result.source).to_string(),
                target.account_ids.join(","),
                target.workload_arn.clone(),
                result_word(result).to_string(),
                count(
                    &result.report,
                    if sync {
                        QuestionStatus::Written
                    } else {
                        QuestionStatus::WouldChange
                    },
                ),
                count(&result.report, QuestionStatus::Unchanged),
                count(&result.report, QuestionStatus::Failed),
            ]
        })
        .collect();
    let mut text = output::table(
        &[
            "TARGET",
            "SOURCE",
            "ACCOUNTS",
            "WORKLOAD",
            "RESULT",
            if sync { "WRITTEN" } else { "WOULD CHANGE" },
            "UNCHANGED",
            "FAILED",
        ],
        &rows,
    );
    // Where each target's previous notes went, to undo it (`wa-sync restore --backup FILE`).
    let backups: Vec<String> = results
        .iter()
        .filter_map(|r| {
            let backup = r.report.as_ref()?.backup.as_ref()?;
            Some(format!("  {}: {backup}\n", r.name))
        })
        .collect();
    if !backups.is_empty() {
        text.push_str(
            "\nBackups of the previous notes (undo with `wa-sync restore --backup FILE --yes`):\n",
        );
        text.extend(backups);
    }
    text
}

/// `{"plan": FILE, "targets": [...]}`: each target's result with every field of the
/// single-target `--json` output, `account_id` given as `account_ids`. Streamed target by
/// target, so only one target's JSON tree exists at a time (each holds its failing resources).
struct PlanJson<'a> {
    path: &'a Path,
    targets: &'a [Target],
    results: &'a [TargetResult],
}

impl Serialize for PlanJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        struct Targets<'a>(&'a PlanJson<'a>);
        impl Serialize for Targets<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.0.results.len()))?;
                for (target, result) in self.0.targets.iter().zip(self.0.results) {
                    seq.serialize_element(&target_json(target, result))?;
                }
                seq.end()
            }
        }
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("plan", &self.path.display().to_string())?;
        map.serialize_entry("targets", &Targets(self))?;
        map.end()
    }
}

fn target_json(target: &Target, result: &TargetResult) -> Value {
    let mut value = serde_json::to_value(result).expect("a result serialises");
    if let Value::Object(fields) = &mut value {
        fields.remove("account_id");
        // A target that failed before its report still says what it was.
        fields
            .entry("account_ids")
            .or_insert_with(|| json!(target.account_ids));
        fields
            .entry("workload_arn")
            .or_insert_with(|| json!(target.workload_arn));
        fields
            .entry("filter_tags")
            .or_insert_with(|| json!(target.filter_tags));
    }
    value
}
