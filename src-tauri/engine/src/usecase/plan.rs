//! Running a sync plan (docs/spec/cli-contract.md, "Plans"): every chosen target previewed, or
//! synced, in one run, for both faces (`wa-sync preview/sync --plan`, the app's Workloads screen).
//!
//! - Each (source, account, tag filter) is fetched and counted once, whatever the number of
//!   targets that need it; a target spanning several accounts gets their counts merged
//!   ([`Collected::merge`]), each account's checks counted under its own rule settings.
//! - Targets run concurrently, `TARGETS_AT_ONCE` at a time. Requests to Conformity and Vision
//!   One are bounded by the process-wide limiters of their clients; each target's AWS calls go
//!   as a single sync's do.
//! - Everything is validated before anything is sent; a target that fails later fails alone,
//!   and its result says why.

use super::WorkloadTarget;
use super::{Cancel, Keys, Previewed, WorkloadHandle};
use crate::checks::{NoProgress, TagFilter};
use crate::conformity::ConformityClient;
use crate::credentials::AwsAuth;
use crate::keychain::KeyKind;
use crate::mapping::Mapping;
use crate::plan::{Plan, SourceKind, Target};
use crate::preview::{self, Collected, PreviewReport, QuestionStatus, Source};
use crate::sync::{SyncOptions, SyncProgress};
use crate::visionone::VisionOneClient;
use crate::wellarchitected::{Workload, WorkloadArn};
use crate::{Error, Result};
use futures::future::{BoxFuture, FutureExt, Shared};
use futures::StreamExt;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

use super::source::ApiConfig;

/// What a plan run needs besides the targets.
pub struct PlanRun<'a> {
    /// The targets to run, in the order results are given (see [`pick`]).
    pub targets: &'a [Target],
    /// The product of a target that names none (the command line's `--source` or its default).
    pub default_source: SourceKind,
    pub api: &'a ApiConfig,
    pub mapping: &'a Mapping,
    /// The AWS profile of a target that names none.
    pub default_profile: Option<String>,
    /// How long an `AccessDenied` from `AssumeRole` is retried (`None`: the default).
    pub assume_role_wait: Option<Duration>,
    /// `None`: preview only, nothing written. `Some`: sync every target with these options
    /// (`target` and `notes_mode` are set from each target).
    pub sync: Option<SyncOptions>,
}

/// Per-target progress, for a face to show each target's state. Calls come from concurrent
/// targets, in any order between targets and in this order within one.
pub trait PlanProgress: Send + Sync {
    /// The target's checks are being fetched (or taken from another target's fetch) and its
    /// workload read.
    fn target_started(&self, _name: &str) {}
    /// The target's checks are counted (`fetched`: of all its accounts together).
    fn checks_fetched(&self, _name: &str, _fetched: u64) {}
    /// During a sync: `done` of `total` questions handled, `question_id` just was (`ok`:
    /// written).
    fn question_done(
        &self,
        _name: &str,
        _done: usize,
        _total: usize,
        _question_id: &str,
        _ok: bool,
    ) {
    }
    /// The target is done, partly done or failed.
    fn target_finished(&self, _result: &TargetResult) {}
}

/// For callers that show nothing.
pub struct NoPlanProgress;

impl PlanProgress for NoPlanProgress {}

/// How one target ended, as the command line's exit status for it.
pub const EXIT_DONE: u8 = 0;
/// It ran but could not do everything: some questions were not written.
pub const EXIT_PARTIAL: u8 = 3;
/// It failed as a whole (its workload could not be read, its checks not fetched...).
pub const EXIT_FAILED: u8 = 1;

/// The outcome of one target. Not a binding: the app sends its own summary of it
/// (`TargetOutcome`), not the whole report of every target.
#[derive(Clone, Debug, Serialize)]
pub struct TargetResult {
    pub name: String,
    /// [`EXIT_DONE`], [`EXIT_PARTIAL`] or [`EXIT_FAILED`].
    pub exit: u8,
    /// Why the target failed or is partly done, in one line.
    pub error: Option<String>,
    /// The product its checks came from.
    pub source: SourceKind,
    /// The preview (or the sync's result), as a single-target run reports it; `None` when the
    /// target failed before one could be computed.
    #[serde(flatten)]
    pub report: Option<PreviewReport>,
}

/// The targets of `plan` named in `names`, in the plan's order; all of them when `names` is
/// empty. An unknown name is bad input naming the plan's targets.
pub fn pick(plan: &Plan, names: &[String]) -> Result<Vec<Target>> {
    if names.is_empty() {
        return Ok(plan.targets.clone());
    }
    let unknown: Vec<&str> = names
        .iter()
        .filter(|n| !plan.targets.iter().any(|t| &t.name == *n))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = plan.targets.iter().map(|t| t.name.as_str()).collect();
        return Err(Error::bad_input(format!(
            "no target named {} in {}; its targets are: {}",
            unknown.join(", "),
            plan.path.display(),
            known.join(", ")
        )));
    }
    Ok(plan
        .targets
        .iter()
        .filter(|t| names.contains(&t.name))
        .cloned()
        .collect())
}

/// The whole run's exit status: done only when every target is; failed when every target
/// failed (the plan could not run at all, e.g. no AWS credentials); else partly done.
pub fn exit_of(results: &[TargetResult]) -> u8 {
    if results.iter().all(|r| r.exit == EXIT_DONE) {
        EXIT_DONE
    } else if results.iter().all(|r| r.exit == EXIT_FAILED) {
        EXIT_FAILED
    } else {
        EXIT_PARTIAL
    }
}

/// Runs every target of `run` concurrently and gives each one's result, in `run.targets`'
/// order. Fails as a whole only before anything is sent: bad input (every problem listed, one
/// per line), or a product's endpoint or key missing. Cancelling stops new writes in every
/// target.
pub async fn run<K: Keys + ?Sized>(
    run: &PlanRun<'_>,
    keys: &K,
    cancel: &Cancel,
    progress: &dyn PlanProgress,
) -> Result<Vec<TargetResult>, K::Error> {
    let prepared = prepare(run)?;
    let needs = |kind: SourceKind| prepared.iter().any(|t| t.source == kind);
    let conformity_lookup = prepared.iter().any(|t| t.external_id_from_conformity());
    let conformity = if needs(SourceKind::Conformity) || conformity_lookup {
        Some(run.api.conformity.conformity_client(keys)?)
    } else {
        None
    };
    let vision_one = if needs(SourceKind::VisionOne) {
        Some(run.api.vision_one.vision_one_client(keys)?)
    } else {
        None
    };
    let clients = Clients {
        conformity: conformity.as_ref(),
        vision_one: vision_one.as_ref(),
        external_id: OnceCell::new(),
    };
    let fetches = Fetches::new(&prepared, &clients, run.mapping);
    // Collected first: a stream holding the mapping closure makes the whole future not provably
    // `Send` for every lifetime (rustc #102211), which the app's commands need.
    let targets: Vec<_> = prepared
        .iter()
        .map(|target| run_target(run, target, &clients, &fetches, cancel, progress))
        .collect();
    Ok(futures::stream::iter(targets)
        .buffered(TARGETS_AT_ONCE)
        .collect()
        .await)
}

/// How many targets run at once. Requests to the check sources are bounded by their limiters
/// whatever this is; it bounds the Well-Architected writes in flight (each target keeps a
/// single sync's window), so a plan of fifty workloads in one AWS account does not meet the
/// service's throttling fifty times over.
const TARGETS_AT_ONCE: usize = 8;

/// A target checked, with its parsed values.
struct Prepared<'a> {
    target: &'a Target,
    source: SourceKind,
    tags: TagFilter,
    arn: WorkloadArn,
}

impl Prepared<'_> {
    /// A role without an external ID, for a Conformity target: the organisation's external ID
    /// is looked up (Vision One has none: the role is assumed without one).
    fn external_id_from_conformity(&self) -> bool {
        self.source == SourceKind::Conformity
            && self.target.role_arn.is_some()
            && self.target.external_id.is_none()
    }

    fn fetch_keys(&self) -> impl Iterator<Item = FetchKey> + '_ {
        self.target.account_ids.iter().map(|account_id| FetchKey {
            source: self.source,
            account_id: account_id.clone(),
            tags: self.tags.values().to_vec(),
        })
    }
}

/// Every target checked before anything is sent; all problems at once.
fn prepare<'a>(run: &PlanRun<'a>) -> Result<Vec<Prepared<'a>>> {
    let mut problems = Vec::new();
    let mut prepared = Vec::new();
    if run.targets.is_empty() {
        return Err(Error::bad_input("the plan has no target to run"));
    }
    for target in run.targets {
        match prepare_target(target, run.default_source) {
            Ok(p) => prepared.push(p),
            Err(errors) => problems.extend(
                errors
                    .into_iter()
                    .map(|e| format!("target \"{}\": {e}", target.name)),
            ),
        }
    }
    if problems.is_empty() {
        Ok(prepared)
    } else {
        Err(Error::bad_input(problems.join("\n")))
    }
}

fn prepare_target(target: &Target, default_source: SourceKind) -> Result<Prepared<'_>, Vec<Error>> {
    let problems = crate::plan::target_problems(target);
    if !problems.is_empty() {
        return Err(problems
            .into_iter()
            .map(|(_, problem)| Error::bad_input(problem))
            .collect());
    }
    let source = target.source.unwrap_or(default_source);
    let tags = TagFilter::parse(&target.filter_tags).map_err(|e| vec![e.into()])?;
    if source == SourceKind::VisionOne {
        let errors: Vec<Error> = (target.account_ids.iter())
            .filter_map(|id| VisionOneClient::checks_filter(id, &tags).err())
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
    }
    Ok(Prepared {
        target,
        source,
        tags,
        arn: WorkloadArn::parse(&target.workload_arn).map_err(|e| vec![e])?,
    })
}

/// The API clients the targets share, and the organisation's external ID, looked up at most
/// once.
struct Clients<'c> {
    conformity: Option<&'c ConformityClient>,
    vision_one: Option<&'c VisionOneClient>,
    external_id: OnceCell<String>,
}

impl Clients<'_> {
    async fn external_id(&self) -> Result<String> {
        let client = self.conformity.ok_or_else(|| {
            Error::bad_input("a role without external_id needs a Conformity API key to look it up")
        })?;
        self.external_id
            .get_or_try_init(|| client.external_id())
            .await
            .cloned()
    }
}

/// One account's checks as one source serves them through one tag filter.
#[derive(Clone, PartialEq, Eq, Hash)]
struct FetchKey {
    source: SourceKind,
    account_id: String,
    tags: Vec<String>,
}

/// An account's counted checks, or why they could not be (shared by every target needing them).
type Fetched = std::result::Result<Arc<Collected>, Arc<Error>>;

/// Each account's fetch, started by the first target that awaits it and shared by the others.
struct Fetches<'f> {
    shared: HashMap<FetchKey, Shared<BoxFuture<'f, Fetched>>>,
}

impl<'f> Fetches<'f> {
    fn new(targets: &[Prepared<'_>], clients: &'f Clients<'f>, mapping: &'f Mapping) -> Self {
        let mut shared = HashMap::new();
        for key in targets.iter().flat_map(Prepared::fetch_keys) {
            if shared.contains_key(&key) {
                continue;
            }
            let fetch = fetch(key.clone(), clients, mapping).boxed().shared();
            shared.insert(key, fetch);
        }
        Fetches { shared }
    }

    async fn of(&self, target: &Prepared<'_>) -> Result<Vec<Arc<Collected>>, Arc<Error>> {
        let fetches = target.fetch_keys().map(|key| self.shared[&key].clone());
        futures::future::try_join_all(fetches).await
    }
}

async fn fetch(key: FetchKey, clients: &Clients<'_>, mapping: &Mapping) -> Fetched {
    let tags = TagFilter::parse(&key.tags).map_err(|e| Arc::new(Error::from(e)))?;
    let missing = |product: KeyKind| {
        Arc::new(Error::bad_input(format!(
            "no {} client was opened",
            product.product()
        )))
    };
    let source = match key.source {
        SourceKind::Conformity => Source::Conformity {
            client: clients
                .conformity
                .ok_or_else(|| missing(KeyKind::Conformity))?,
            account_id: key.account_id.clone(),
        },
        SourceKind::VisionOne => Source::VisionOne {
            client: clients
                .vision_one
                .ok_or_else(|| missing(KeyKind::VisionOne))?,
            account_id: key.account_id.clone(),
        },
    };
    preview::collect(&source, &tags, mapping, &NoProgress)
        .await
        .map(Arc::new)
        .map_err(|e| {
            Arc::new(match e {
                // Named by its account, as a target may span several.
                Error::NotFound(m) => Error::NotFound(format!("account {}: {m}", key.account_id)),
                other => other,
            })
        })
}

/// Opens a target's workload with its own credentials: its profile (else the run's), its role
/// and external ID (looked up from Conformity for a Conformity target that gives none). The
/// demo workload's ARN opens the demo workload kept on disk.
async fn open_workload(
    run: &PlanRun<'_>,
    target: &Prepared<'_>,
    clients: &Clients<'_>,
) -> Result<Workload> {
    let auth = AwsAuth {
        profile: (target.target.profile.clone()).or_else(|| run.default_profile.clone()),
        role_arn: target.target.role_arn.clone(),
        external_id: target.target.external_id.clone(),
        assume_role_wait: run.assume_role_wait,
    };
    let workload = WorkloadTarget::aws(
        target.arn.clone(),
        auth,
        target.source == SourceKind::Conformity,
    );
    let external_id = match workload.needs_external_id() {
        true => Some(clients.external_id().await?),
        false => None,
    };
    workload.open(external_id).await
}

async fn run_target(
    run: &PlanRun<'_>,
    target: &Prepared<'_>,
    clients: &Clients<'_>,
    fetches: &Fetches<'_>,
    cancel: &Cancel,
    progress: &dyn PlanProgress,
) -> TargetResult {
    let name = &target.target.name;
    progress.target_started(name);
    let outcome = Box::pin(target_outcome(
        run, target, clients, fetches, cancel, progress,
    ))
    .await;
    let result = match outcome {
        Ok(report) => {
            // A preview writes nothing, so nothing is left unwritten.
            let unwritten = match run.sync {
                Some(_) => unwritten(&report),
                None => Vec::new(),
            };
            TargetResult {
                name: name.clone(),
                exit: if unwritten.is_empty() {
                    EXIT_DONE
                } else {
                    EXIT_PARTIAL
                },
                error: (!unwritten.is_empty()).then(|| unwritten.join("; ")),
                source: target.source,
                report: Some(report),
            }
        }
        Err(error) => TargetResult {
            name: name.clone(),
            exit: EXIT_FAILED,
            error: Some(error.to_string()),
            source: target.source,
            report: None,
        },
    };
    progress.target_finished(&result);
    result
}

/// Reads the target's workload while its accounts' checks are fetched, then previews and,
/// for a sync, backs up and writes.
async fn target_outcome(
    run: &PlanRun<'_>,
    target: &Prepared<'_>,
    clients: &Clients<'_>,
    fetches: &Fetches<'_>,
    cancel: &Cancel,
    progress: &dyn PlanProgress,
) -> std::result::Result<PreviewReport, SharedError> {
    let name = &target.target.name;
    let checks = async {
        let parts = fetches.of(target).await.map_err(SharedError::Shared)?;
        let collected = match parts.as_slice() {
            [one] => Collected::clone(one),
            _ => Collected::merge(run.mapping, parts.iter().map(|c| Collected::clone(c))),
        };
        progress.checks_fetched(name, collected.stats.fetched);
        Ok::<_, SharedError>(collected)
    };
    let workload = async {
        let workload = open_workload(run, target, clients).await?;
        let snapshot = workload.snapshot().await?;
        Ok::<_, SharedError>((workload, snapshot))
    };
    let (collected, (workload, snapshot)) =
        futures::try_join!(Box::pin(checks), Box::pin(workload))?;
    let current = snapshot.current_notes();
    let report = preview::report_for_accounts(
        &target.target.account_ids,
        &target.tags,
        run.mapping,
        &collected,
        Some(&current),
        target.target.notes_mode,
    );
    let Some(options) = &run.sync else {
        return Ok(report);
    };
    let options = SyncOptions {
        target: Some(name.clone()),
        notes_mode: target.target.notes_mode,
        ..options.clone()
    };
    let previewed = Previewed {
        report,
        collected,
        workload: Some((WorkloadHandle::from(workload), snapshot)),
    };
    let writes = TargetWrites { name, progress };
    // The same push as a single sync's: backup first, history after.
    let written = Box::pin(super::push(&previewed, |_| true, &options, cancel, &writes)).await?;
    Ok(written)
}

/// An error of this target, or of a fetch it shares with others.
enum SharedError {
    Own(Error),
    Shared(Arc<Error>),
}

impl From<Error> for SharedError {
    fn from(e: Error) -> Self {
        SharedError::Own(e)
    }
}

impl std::fmt::Display for SharedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SharedError::Own(e) => e.fmt(f),
            SharedError::Shared(e) => e.fmt(f),
        }
    }
}

/// Forwards a target's writes to the plan's progress, with its name.
struct TargetWrites<'p> {
    name: &'p str,
    progress: &'p dyn PlanProgress,
}

impl SyncProgress for TargetWrites<'_> {
    fn question_done(&self, done: usize, total: usize, question_id: &str, ok: bool) {
        self.progress
            .question_done(self.name, done, total, question_id, ok);
    }
}

/// The questions that were to be written and were not, each with why.
fn unwritten(report: &PreviewReport) -> Vec<String> {
    report
        .questions
        .iter()
        .filter_map(|q| {
            let why = match q.status {
                QuestionStatus::Failed => q.error.as_deref().unwrap_or("failed"),
                QuestionStatus::Changed => "edited after the preview read it",
                QuestionStatus::NotWritten => "stopped before it was written",
                _ => return None,
            };
            Some(format!("{}: {why}", q.question_id))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::NotesMode;
    use std::path::PathBuf;

    const ARN: &str =
        "arn:aws:wellarchitected:eu-west-1:111122223333:workload/0123456789abcdef0123456789abcdef";

    fn target(name: &str) -> Target {
        Target {
            name: name.into(),
            source: None,
            account_ids: vec!["acc-1".into()],
            filter_tags: Vec::new(),
            workload_arn: ARN.into(),
            role_arn: None,
            external_id: None,
            profile: None,
            notes_mode: NotesMode::ReplaceBlock,
        }
    }

    fn plan(names: &[&str]) -> Plan {
        Plan {
            path: PathBuf::from("plan.toml"),
            targets: names.iter().map(|n| target(n)).collect(),
        }
    }

    #[test]
    fn picked_targets_keep_the_plans_order_and_an_unknown_name_lists_the_known_ones() {
        let plan = plan(&["a", "b", "c"]);
        let names =
            |targets: Vec<Target>| -> Vec<String> { targets.into_iter().map(|t| t.name).collect() };
        assert_eq!(names(pick(&plan, &[]).unwrap()), ["a", "b", "c"]);
        assert_eq!(
            names(pick(&plan, &["c".into(), "a".into()]).unwrap()),
            ["a", "c"]
        );
        let err = pick(&plan, &["a".into(), "zz".into()]).unwrap_err();
        assert!(err.is_bad_input());
        assert_eq!(
            err.to_string(),
            "no target named zz in plan.toml; its targets are: a, b, c"
        );
    }

    #[test]
    fn every_problem_of_every_target_is_listed_before_anything_is_sent() {
        let api = ApiConfig::default();
        let mapping = Mapping::builtin();
        let mut bad_arn = target("bad-arn");
        bad_arn.workload_arn = "not-an-arn".into();
        bad_arn.external_id = Some("ext-1".into());
        let mut no_accounts = target("no-accounts");
        no_accounts.account_ids.clear();
        no_accounts.filter_tags = vec!["".into()];
        let targets = [target("good"), bad_arn, no_accounts];
        let run = PlanRun {
            targets: &targets,
            default_source: SourceKind::Conformity,
            api: &api,
            mapping: &mapping,
            default_profile: None,
            assume_role_wait: None,
            sync: None,
        };
        let err = match prepare(&run) {
            Err(err) => err,
            Ok(_) => panic!("a bad plan was accepted"),
        };
        assert!(err.is_bad_input());
        let lines: Vec<String> = err.to_string().lines().map(str::to_string).collect();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(lines[0].starts_with("target \"bad-arn\": bad workload ARN"));
        assert!(lines[1].starts_with("target \"bad-arn\": external_id only goes with role_arn"));
        assert!(lines
            .iter()
            .any(|l| l.starts_with("target \"no-accounts\": account_ids is empty")));
        assert!(!lines.iter().any(|l| l.contains("\"good\"")));
    }

    #[test]
    fn the_run_is_done_only_when_every_target_is_and_failed_when_every_one_failed() {
        let result = |exit| TargetResult {
            name: "t".into(),
            exit,
            error: None,
            source: SourceKind::VisionOne,
            report: None,
        };
        assert_eq!(exit_of(&[result(EXIT_DONE), result(EXIT_DONE)]), EXIT_DONE);
        assert_eq!(
            exit_of(&[result(EXIT_DONE), result(EXIT_FAILED)]),
            EXIT_PARTIAL
        );
        assert_eq!(exit_of(&[result(EXIT_PARTIAL)]), EXIT_PARTIAL);
        assert_eq!(
            exit_of(&[result(EXIT_PARTIAL), result(EXIT_FAILED)]),
            EXIT_PARTIAL
        );
        assert_eq!(
            exit_of(&[result(EXIT_FAILED), result(EXIT_FAILED)]),
            EXIT_FAILED
        );
    }
}
