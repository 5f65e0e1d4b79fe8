//! The app's commands: thin wrappers that validate what the UI sends, call the engine's use cases
//! (`wa_sync_engine::usecase`) and hand back its serde types. Long work reports progress through
//! a `Channel` and can be cancelled by run ID with [`cancel`]: a preview is dropped, a push stops
//! new writes, lets those in flight finish and returns what it did.

use crate::dialogs::{DialogRequest, Dialogs};
use crate::error::{AppError, AppResult};
use crate::keys::{MemoryKeyStore, OsKeychain, ProductKey};
use crate::settings::{self, Product, Settings};
use crate::types::{
    AppInfo, CheckFiles, ExportDone, ExportFormat, ExportRequest, PreviewRequest, ProgressEvent,
    PushRequest, ReportOf, RestorePlan, RestoreQuestionView, SourceRequest,
};
use crate::KeyStore;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;
use tauri::ipc::Channel;
use tauri::State;
use wa_sync_engine::checks::{demo, Progress, TagFilter};
use wa_sync_engine::conformity::{base_url_for_region, ConformityClient};
use wa_sync_engine::keychain::KeyKind;
use wa_sync_engine::mapping::coverage::Coverage;
use wa_sync_engine::mapping::Mapping;
use wa_sync_engine::notes::NotesMode;
use wa_sync_engine::preview::{self, Collected, PreviewReport, Source, TagMatchCount};
use wa_sync_engine::report::{Format, Report};
use wa_sync_engine::sync::{self, Backup, BackupInfo, RestoreReport, SyncOptions, SyncProgress};
use wa_sync_engine::usecase::{self, Cancel, PreviewInput, Previewed, WorkloadHandle};
use wa_sync_engine::visionone::VisionOneClient;
use wa_sync_engine::wellarchitected::demo as demo_workload;
use wa_sync_engine::wellarchitected::{DemoWorkload, Workload};

/// The last preview the app computed, and the result of the last push or retry of it: what
/// `export_report` rebuilds a report from and what `retry_failed` retries.
pub(crate) struct LastRun {
    request: PreviewRequest,
    collected: Arc<Collected>,
    preview: PreviewReport,
    result: Option<PreviewReport>,
}

/// What the commands share: running previews and pushes, by run ID, with the token that cancels each;
/// the settings of the guided setup; where the API keys are kept.
pub struct AppState {
    start_demo: bool,
    runs: Mutex<HashMap<u32, Cancel>>,
    /// The simulated workload the demo previews against and pushes to.
    demo: Workload,
    backup_dir: PathBuf,
    /// Where `settings.json` lives (no secrets in it).
    pub(crate) config_dir: PathBuf,
    pub(crate) settings: Mutex<Settings>,
    conformity_key: ProductKey,
    visionone_key: ProductKey,
    /// The last preview and push result (for export and retry); never sent by the UI.
    last: Mutex<Option<LastRun>>,
    /// The native file dialogs (set when the app starts; the command tests script them).
    dialogs: Mutex<Option<Arc<dyn Dialogs>>>,
    /// The saved checks files the user picked in the open dialog (the files source reads these).
    picked_files: Mutex<PickedFiles>,
}

/// What the open dialogs of the files source picked.
#[derive(Clone, Debug, Default)]
struct PickedFiles {
    checks: Vec<PathBuf>,
    rule_settings: Option<PathBuf>,
}

impl AppState {
    /// Keeps the demo workload and the backups in `data_dir` (default: the engine's data
    /// directory, `WA_SYNC_DATA_DIR` when set, as the tests do), the settings in the config
    /// directory (`WA_SYNC_CONFIG_DIR`, else `WA_SYNC_DATA_DIR`, else the user's), and the API
    /// key in the OS keychain.
    pub fn new(start_demo: bool) -> Self {
        let data_dir = std::env::var_os("WA_SYNC_DATA_DIR")
            .map(PathBuf::from)
            .or_else(|| sync::data_dir().ok())
            .unwrap_or_else(|| std::env::temp_dir().join("wa-sync"));
        let mut state = AppState::with_dirs(
            start_demo,
            &data_dir,
            &settings::config_dir(),
            Box::new(OsKeychain(KeyKind::Conformity)),
        );
        state.visionone_key =
            ProductKey::new(Product::VisionOne, Box::new(OsKeychain(KeyKind::VisionOne)));
        state
    }

    /// Everything in `data_dir`, the key in memory (tests).
    pub fn with_data_dir(start_demo: bool, data_dir: &Path) -> Self {
        AppState::with_dirs(
            start_demo,
            data_dir,
            data_dir,
            Box::new(MemoryKeyStore::default()),
        )
    }

    pub fn with_dirs(
        start_demo: bool,
        data_dir: &Path,
        config_dir: &Path,
        keys: Box<dyn KeyStore>,
    ) -> Self {
        AppState {
            start_demo,
            runs: Mutex::new(HashMap::new()),
            demo: Workload::Demo(DemoWorkload::open(data_dir.join("demo-workload.json"))),
            backup_dir: data_dir.join("backups"),
            settings: Mutex::new(Settings::load(config_dir)),
            config_dir: config_dir.to_path_buf(),
            conformity_key: ProductKey::new(Product::Conformity, keys),
            visionone_key: ProductKey::new(Product::VisionOne, Box::new(MemoryKeyStore::default())),
            last: Mutex::new(None),
            dialogs: Mutex::new(None),
            picked_files: Mutex::new(PickedFiles::default()),
        }
    }

    /// The file dialogs the commands open (native ones when the app runs).
    pub fn set_dialogs(&self, dialogs: Arc<dyn Dialogs>) {
        *self.dialogs.lock().expect("dialogs lock") = Some(dialogs);
    }

    /// Opens a dialog, off the async runtime (it blocks until the user answers), in the folder
    /// last chosen, else the user's Documents folder.
    pub(crate) async fn ask<T: Send + 'static>(
        &self,
        open: impl FnOnce(&dyn Dialogs, PathBuf) -> T + Send + 'static,
    ) -> AppResult<T> {
        let dialogs = self
            .dialogs
            .lock()
            .expect("dialogs lock")
            .clone()
            .ok_or_else(|| {
                AppError::new("internal", "no file dialog is available in this window")
            })?;
        let start = crate::dialogs::start_dir(self.settings().last_folder.as_deref());
        tokio::task::spawn_blocking(move || open(dialogs.as_ref(), start))
            .await
            .map_err(|e| AppError::new("internal", format!("the file dialog stopped: {e}")))
    }

    /// The next dialog opens in `folder`.
    pub(crate) fn remember_folder(&self, folder: &Path) -> AppResult<()> {
        let folder = folder.display().to_string();
        if self.settings().last_folder.as_deref() != Some(folder.as_str()) {
            self.update_settings(|s| s.last_folder = Some(folder))?;
        }
        Ok(())
    }

    /// The product's API key (where it is kept, its status).
    pub fn key(&self, product: Product) -> &ProductKey {
        match product {
            Product::Conformity => &self.conformity_key,
            Product::VisionOne => &self.visionone_key,
        }
    }

    fn start(&self, run_id: u32) -> AppResult<Cancel> {
        let mut runs = self.runs.lock().expect("runs lock");
        if runs.contains_key(&run_id) {
            return Err(AppError::new(
                "busy",
                format!("run {run_id} is already going; wait for it or cancel it"),
            ));
        }
        let cancel = Cancel::new();
        runs.insert(run_id, cancel.clone());
        Ok(cancel)
    }

    fn finish(&self, run_id: u32) {
        self.runs.lock().expect("runs lock").remove(&run_id);
    }

    /// Runs the work `start` makes as run `run_id`, handing it the token that `cancel` cancels,
    /// and tells the UI when it ends.
    async fn tracked_run<T, F>(
        &self,
        run_id: u32,
        progress: &Channel<ProgressEvent>,
        start: impl FnOnce(Cancel) -> F,
    ) -> AppResult<T>
    where
        F: std::future::Future<Output = AppResult<T>>,
    {
        let cancel = self.start(run_id)?;
        // Boxed: a push's future is too large for a debug build's worker stack.
        let result = Box::pin(start(cancel)).await;
        self.finish(run_id);
        let _ = progress.send(ProgressEvent::Done { ok: result.is_ok() });
        result
    }

    /// Every write to a workload backs up the notes it replaces first.
    fn sync_options(&self) -> SyncOptions {
        SyncOptions {
            backup_dir: Some(self.backup_dir.clone()),
            ..SyncOptions::default()
        }
    }

    /// Cancels a run; false when no run has that ID.
    pub fn cancel_run(&self, run_id: u32) -> bool {
        let token = self.runs.lock().expect("runs lock").remove(&run_id);
        token.inspect(Cancel::cancel).is_some()
    }

    fn remember(&self, run: LastRun) {
        *self.last.lock().expect("last lock") = Some(run);
    }

    /// Keeps a push (or a cancelled one) for `export_report` and `retry_failed`.
    fn remember_push(
        &self,
        request: PreviewRequest,
        previewed: Previewed<'_>,
        result: &PreviewReport,
    ) {
        self.remember(LastRun {
            request,
            collected: Arc::new(previewed.collected),
            preview: previewed.report,
            result: Some(result.clone()),
        });
    }

    #[cfg(test)]
    pub(crate) fn start_for_test(&self, run_id: u32) -> Cancel {
        self.start(run_id).expect("a free run ID")
    }
}

fn mapping() -> &'static Mapping {
    static MAPPING: OnceLock<Mapping> = OnceLock::new();
    MAPPING.get_or_init(Mapping::builtin)
}

fn parse_tags(tags: &[String]) -> AppResult<TagFilter> {
    TagFilter::parse(tags).map_err(|e| AppError::new("bad_input", e.to_string()))
}

/// Forwards the engine's page-by-page progress to the UI.
struct ChannelProgress<'a>(&'a Channel<ProgressEvent>);

impl Progress for ChannelProgress<'_> {
    fn checks_fetched(&self, fetched: u64, total: u64) {
        // A closed window is no reason to stop counting.
        let _ = self.0.send(ProgressEvent::Checks { fetched, total });
    }
}

/// Every question's new notes for the chosen checks. Nothing is written anywhere.
#[tauri::command]
pub async fn preview(
    state: State<'_, AppState>,
    request: PreviewRequest,
    on_progress: Channel<ProgressEvent>,
) -> AppResult<PreviewReport> {
    let (report, collected) = state
        .tracked_run(request.run_id, &on_progress, |cancel| {
            cancellable(cancel, async {
                let previewed = run_previewed(&state, &request, &on_progress).await?;
                Ok((previewed.report, previewed.collected))
            })
        })
        .await?;
    state.remember(LastRun {
        request,
        collected: Arc::new(collected),
        preview: report.clone(),
        result: None,
    });
    Ok(report)
}

/// Runs `work` until it ends or `cancel` fires; cancelling drops it, which stops requests in
/// flight. Only for reads: a push stops between writes instead (see [`push`]).
pub async fn cancellable<T>(
    cancel: Cancel,
    work: impl std::future::Future<Output = AppResult<T>>,
) -> AppResult<T> {
    tokio::select! {
        result = work => result,
        () = cancel.cancelled() => Err(AppError::cancelled()),
    }
}

/// A check source opened from the UI's request, owning the API client it reads through (the
/// key stays on this side of the bridge).
enum OpenedSource {
    Demo,
    Files {
        checks: Vec<PathBuf>,
        rule_settings: Option<PathBuf>,
    },
    Conformity {
        client: ConformityClient,
        account_id: String,
    },
    VisionOne {
        client: VisionOneClient,
        account_id: String,
    },
}

impl OpenedSource {
    fn open(state: &AppState, request: &SourceRequest, tags: &TagFilter) -> AppResult<Self> {
        Ok(match request {
            SourceRequest::Demo => Self::Demo,
            SourceRequest::Files => {
                let picked = state
                    .picked_files
                    .lock()
                    .expect("picked files lock")
                    .clone();
                if picked.checks.is_empty() {
                    return Err(AppError::new(
                        "bad_input",
                        "choose at least one saved checks file first (Choose files)",
                    ));
                }
                Self::Files {
                    checks: picked.checks,
                    rule_settings: picked.rule_settings,
                }
            }
            SourceRequest::Conformity { region, account_id } => {
                wa_sync_engine::checks::validate_account_id(account_id)?;
                let base = base_url_for_region(region)?;
                let key = state.key_for(Product::Conformity, &base)?;
                Self::Conformity {
                    client: crate::setup::make_client(&base, key)?,
                    account_id: account_id.clone(),
                }
            }
            SourceRequest::Configured => {
                let settings = state.settings();
                let account = settings.account.ok_or_else(|| {
                    AppError::new(
                        "bad_input",
                        "no account is set up yet: run the setup (Settings > Run the setup)",
                    )
                })?;
                match settings.product {
                    Product::Conformity => Self::Conformity {
                        client: state.conformity_client()?,
                        account_id: account.id,
                    },
                    Product::VisionOne => {
                        // The engine's words for a tag filter Vision One cannot express.
                        VisionOneClient::checks_filter(&account.id, tags)?;
                        Self::VisionOne {
                            client: state.vision_one_client()?,
                            account_id: account.id,
                        }
                    }
                }
            }
        })
    }

    fn source(&self) -> Source<'_> {
        match self {
            Self::Demo => Source::Demo,
            Self::Files {
                checks,
                rule_settings,
            } => Source::Files {
                checks: checks.clone(),
                rule_settings: rule_settings.clone(),
            },
            Self::Conformity { client, account_id } => Source::Conformity {
                client,
                account_id: account_id.clone(),
            },
            Self::VisionOne { client, account_id } => Source::VisionOne {
                client,
                account_id: account_id.clone(),
            },
        }
    }

    /// The account the checks belong to; saved files do not say.
    fn account_id(&self) -> Option<String> {
        match self {
            Self::Demo => Some(demo::ACCOUNT_ID.to_string()),
            Self::Files { .. } => None,
            Self::Conformity { account_id, .. } | Self::VisionOne { account_id, .. } => {
                Some(account_id.clone())
            }
        }
    }
}

/// The preview itself, apart from cancellation; also used by the command tests.
pub async fn run_preview(
    state: &AppState,
    request: &PreviewRequest,
    progress: &Channel<ProgressEvent>,
) -> AppResult<PreviewReport> {
    Ok(run_previewed(state, request, progress).await?.report)
}

/// The preview with the counted checks it came from (which a report needs) and the workload it
/// was computed against (which a push writes to). The checks and the workload are read at the
/// same time.
async fn run_previewed<'s>(
    state: &'s AppState,
    request: &PreviewRequest,
    progress: &Channel<ProgressEvent>,
) -> AppResult<Previewed<'s>> {
    let tags = parse_tags(&request.filter_tags)?;
    let mode = NotesMode::parse(&request.notes_mode).ok_or_else(|| {
        AppError::new(
            "bad_input",
            format!(
                "unknown notes mode {:?}: use replace-block or overwrite",
                request.notes_mode
            ),
        )
    })?;
    let opened = OpenedSource::open(state, &request.source, &tags)?;
    let source = opened.source();
    let account_id = opened.account_id();
    let _ = progress.send(ProgressEvent::Stage {
        stage: "fetching-checks".into(),
    });
    // The demo runs against its simulated workload, the configured account against the
    // configured workload (when one is set up); other sources preview without a workload.
    let with_workload = match &request.source {
        SourceRequest::Demo => true,
        SourceRequest::Configured => state.workload_arn().is_ok(),
        _ => false,
    };
    let open = with_workload.then_some(async {
        let workload = workload_target(state, &request.source).await?;
        let snapshot = workload
            .snapshot()
            .await
            .map_err(|e| aws_read_error(state, e))?;
        Ok((workload, snapshot))
    });
    let input = PreviewInput {
        source: &source,
        account_id: account_id.as_deref(),
        tags: &tags,
        mapping: mapping(),
        mode,
    };
    usecase::preview(input, open, &ChannelProgress(progress)).await
}

/// Tells the UI about each question as it is written.
struct ChannelSyncProgress<'a>(&'a Channel<ProgressEvent>);

impl SyncProgress for ChannelSyncProgress<'_> {
    fn question_done(&self, done: usize, total: usize, question_id: &str, ok: bool) {
        let _ = self.0.send(ProgressEvent::Written {
            done: done as u64,
            total: total as u64,
            question_id: question_id.to_string(),
            ok,
        });
    }
}

/// Previews again against the workload's notes as they are now, then backs them up and writes
/// every question that would change (each compared with the preview's read just before its
/// write), except those the user opted out of (they stay `would-change` in the result).
/// Cancelling during the preview drops it; during the writes it stops new ones, lets those in
/// flight finish, and the result (kept for export and retry) says what was written.
#[tauri::command]
pub async fn push(
    state: State<'_, AppState>,
    request: PushRequest,
    on_progress: Channel<ProgressEvent>,
) -> AppResult<PreviewReport> {
    if !matches!(
        request.preview.source,
        SourceRequest::Demo | SourceRequest::Configured
    ) {
        return Err(AppError::new(
            "bad_input",
            "the app pushes the demo to its workload, or the configured account to the configured workload; use `wa-sync sync` for others",
        ));
    }
    if request.preview.source == SourceRequest::Configured {
        state.workload_arn()?;
    }
    let (state, request, progress) = (&*state, &request, &on_progress);
    state
        .tracked_run(request.preview.run_id, progress, |cancel| {
            run_push(state, request, cancel, progress)
        })
        .await
}

/// The push itself, with the token that cancels it; also used by the command tests.
pub async fn run_push(
    state: &AppState,
    request: &PushRequest,
    cancel: Cancel,
    progress: &Channel<ProgressEvent>,
) -> AppResult<PreviewReport> {
    let opted_out: HashSet<&str> = request.opted_out.iter().map(String::as_str).collect();
    let previewed = cancellable(
        cancel.clone(),
        run_previewed(state, &request.preview, progress),
    )
    .await?;
    let _ = progress.send(ProgressEvent::Stage {
        stage: "pushing".into(),
    });
    let result = usecase::push(
        &previewed,
        |id| !opted_out.contains(id),
        &state.sync_options(),
        &cancel,
        &ChannelSyncProgress(progress),
    )
    .await?;
    state.remember_push(request.preview.clone(), previewed, &result);
    Ok(result)
}

/// Pushes again only the questions that failed or were not written (a cancelled push) in the
/// last push or retry: previews again against the notes as they are now, backs them up, and
/// writes those questions alone. The result is the last one with the retried questions'
/// outcomes in their place.
#[tauri::command]
pub async fn retry_failed(
    state: State<'_, AppState>,
    run_id: u32,
    on_progress: Channel<ProgressEvent>,
) -> AppResult<PreviewReport> {
    let (mut request, previous) = {
        let last = state.last.lock().expect("last lock");
        match last
            .as_ref()
            .and_then(|l| Some((l.request.clone(), l.result.clone()?)))
        {
            Some(found) => found,
            None => {
                return Err(AppError::new(
                    "bad_input",
                    "there is no push to retry: push first",
                ))
            }
        }
    };
    if usecase::to_retry(&previous).is_empty() {
        return Err(AppError::new(
            "bad_input",
            "no question failed or was left unwritten in the last push: nothing to retry",
        ));
    }
    request.run_id = run_id;
    let (state, request, progress) = (&*state, &request, &on_progress);
    state
        .tracked_run(run_id, progress, |cancel| async move {
            let previewed =
                cancellable(cancel.clone(), run_previewed(state, request, progress)).await?;
            let _ = progress.send(ProgressEvent::Stage {
                stage: "pushing".into(),
            });
            let result = usecase::retry(
                &previous,
                &previewed,
                &state.sync_options(),
                &cancel,
                &ChannelSyncProgress(progress),
            )
            .await?;
            state.remember_push(request.clone(), previewed, &result);
            Ok(result)
        })
        .await
}

/// Writes the report of the last preview, or of the last push's result, to the file the user
/// chooses in the save dialog (opened here, in the last used folder or Documents), atomically.
/// The report is rebuilt here from what the app computed; nothing of it, and no path, comes from
/// the UI (only a suggested file name). `None`: the user cancelled the dialog.
#[tauri::command]
pub async fn export_report(
    state: State<'_, AppState>,
    request: ExportRequest,
) -> AppResult<Option<ExportDone>> {
    let (format, label) = match request.format {
        ExportFormat::Json => (Format::Json, "JSON"),
        ExportFormat::Csv => (Format::Csv, "CSV"),
        ExportFormat::Md => (Format::Markdown, "Markdown"),
        ExportFormat::Html => (Format::Html, "HTML"),
        ExportFormat::Pdf => (Format::Pdf, "PDF"),
    };
    let (report, collected) = {
        let last = state.last.lock().expect("last lock");
        let last = last.as_ref().ok_or_else(|| {
            AppError::new(
                "bad_input",
                "run a preview first: there is nothing to export",
            )
        })?;
        let report = match request.of {
            ReportOf::Preview => last.preview.clone(),
            ReportOf::Result => last.result.clone().ok_or_else(|| {
                AppError::new("bad_input", "there is no push result to export: push first")
            })?,
        };
        (report, last.collected.clone())
    };
    let dialog = DialogRequest {
        title: "Export report".into(),
        start_dir: PathBuf::new(),
        file_name: Some(suggested_file_name(&request.file_name, format)),
        filter: Some((
            format!("{label} report"),
            vec![format.extension().to_string()],
        )),
    };
    let Some(chosen) = state
        .ask(move |d, start| {
            d.save_file(&DialogRequest {
                start_dir: start,
                ..dialog
            })
        })
        .await?
    else {
        return Ok(None);
    };
    let out = export_path(&chosen, format)?;
    let folder = out.parent().map(Path::to_path_buf);
    let done = tokio::task::spawn_blocking(move || {
        let report = Report::build(&report, &collected, SystemTime::now(), None);
        let rendered = format.render_with_warnings(&report);
        let bytes = rendered.bytes;
        wa_sync_engine::atomic_file::write(&out, &bytes).map_err(|e| {
            AppError::new(
                "io",
                format!("cannot write the report {}: {e}", out.display()),
            )
        })?;
        Ok::<_, AppError>(ExportDone {
            path: out.display().to_string(),
            bytes: bytes.len() as u64,
            warnings: rendered.warnings,
        })
    })
    .await
    .map_err(|e| AppError::new("internal", format!("the export stopped: {e}")))??;
    if let Some(folder) = folder {
        state.remember_folder(&folder)?;
    }
    Ok(Some(done))
}

/// The name the save dialog proposes: the UI's suggestion when it is a plain file name, else a
/// generic one.
fn suggested_file_name(suggested: &str, format: Format) -> String {
    let plain = !suggested.trim().is_empty()
        && !suggested.contains(['/', '\\', '\0'])
        && suggested != "."
        && suggested != "..";
    if plain {
        suggested.trim().to_string()
    } else {
        format!("wa-sync-report.{}", format.extension())
    }
}

/// The file to write: the dialog's choice, with the format's extension added when the name has
/// none; its folder must exist and it must not be a folder.
fn export_path(chosen: &Path, format: Format) -> AppResult<PathBuf> {
    let mut out = chosen.to_path_buf();
    if !out.is_absolute() {
        return Err(AppError::new(
            "bad_input",
            format!(
                "{} is not an absolute file path; choose the file in the save dialog",
                out.display()
            ),
        ));
    }
    if out.file_name().is_none() || out.is_dir() {
        return Err(AppError::new(
            "bad_input",
            format!("{} is a folder; choose a file name", out.display()),
        ));
    }
    if out.extension().is_none() {
        out.set_extension(format.extension());
    }
    match out.parent() {
        Some(dir) if dir.is_dir() => Ok(out),
        _ => Err(AppError::new(
            "bad_input",
            format!("the folder of {} does not exist", out.display()),
        )),
    }
}

/// Opens the open dialog for the files source: the saved `/checks` responses (several), or,
/// with `rule_settings`, the account's rule settings (one, after the checks). The source then
/// reads exactly these files. `None`: the user cancelled (the choice is unchanged).
#[tauri::command]
pub async fn choose_checks_files(
    state: State<'_, AppState>,
    rule_settings: bool,
) -> AppResult<Option<CheckFiles>> {
    pick_checks_files(&state, rule_settings).await
}

pub async fn pick_checks_files(
    state: &AppState,
    rule_settings: bool,
) -> AppResult<Option<CheckFiles>> {
    if rule_settings
        && state
            .picked_files
            .lock()
            .expect("picked files lock")
            .checks
            .is_empty()
    {
        return Err(AppError::new(
            "bad_input",
            "choose the saved checks files first; the rule settings go with them",
        ));
    }
    let title = if rule_settings {
        "The account's rule settings (JSON)"
    } else {
        "Saved Conformity /checks responses (JSON)"
    };
    let dialog = DialogRequest {
        title: title.into(),
        start_dir: PathBuf::new(),
        file_name: None,
        filter: Some(("JSON".into(), vec!["json".into()])),
    };
    let Some(files) = state
        .ask(move |d, start| {
            d.pick_files(
                &DialogRequest {
                    start_dir: start,
                    ..dialog
                },
                !rule_settings,
            )
        })
        .await?
        .filter(|f| !f.is_empty())
    else {
        return Ok(None);
    };
    let picked = {
        let mut picked = state.picked_files.lock().expect("picked files lock");
        if rule_settings {
            picked.rule_settings = files.into_iter().next();
        } else {
            picked.checks = files;
            picked.rule_settings = None;
        }
        picked.clone()
    };
    if let Some(folder) = picked.checks.first().and_then(|f| f.parent()) {
        state.remember_folder(folder)?;
    }
    Ok(Some(CheckFiles {
        checks: picked
            .checks
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        rule_settings: picked.rule_settings.map(|p| p.display().to_string()),
    }))
}

/// The demo workload, or the configured AWS workload (connected, through the role when set).
async fn workload_target<'a>(
    state: &'a AppState,
    source: &SourceRequest,
) -> AppResult<WorkloadHandle<'a>> {
    match source {
        SourceRequest::Demo => Ok(WorkloadHandle::Borrowed(&state.demo)),
        _ => Ok(Workload::Aws(state.aws_workload().await?).into()),
    }
}

/// The workload a backup was taken of: the demo's or the configured one; others are refused.
async fn backup_target<'a>(state: &'a AppState, backup: &Backup) -> AppResult<WorkloadHandle<'a>> {
    if backup.workload_arn == demo_workload::DEMO_WORKLOAD_ARN {
        return Ok(WorkloadHandle::Borrowed(&state.demo));
    }
    match state.workload_arn() {
        Ok(arn) if arn.to_string() == backup.workload_arn => {
            Ok(Workload::Aws(state.aws_workload().await?).into())
        }
        _ => Err(AppError::new(
            "bad_input",
            format!(
                "this backup is of workload {} ({}), which is not the one set up in the app; restore it with `wa-sync restore --backup FILE`",
                backup.workload_name, backup.workload_arn
            ),
        )),
    }
}

/// A read of the configured workload that failed, with the profile's SSO hint when it applies.
fn aws_read_error(state: &AppState, e: wa_sync_engine::Error) -> AppError {
    let profile = state.settings().aws.and_then(|a| a.profile);
    crate::setup::aws_error(profile.as_deref(), e)
}

/// The backups of the notes (the demo workload's and the configured workload's), newest first.
#[tauri::command]
pub fn list_backups(state: State<'_, AppState>) -> AppResult<Vec<BackupInfo>> {
    Ok(sync::list_backups(&state.backup_dir)?)
}

/// Only backups that `list_backups` shows can be restored: the UI names one by its path.
fn known_backup(state: &AppState, path: &str) -> AppResult<(PathBuf, Backup)> {
    let listed = sync::list_backups(&state.backup_dir)?;
    let found = listed
        .into_iter()
        .find(|b| b.path == Path::new(path))
        .ok_or_else(|| {
            AppError::new(
                "not_found",
                format!("{path} is not one of the app's backups; pick one from the list"),
            )
        })?;
    let backup = Backup::read(&found.path)?;
    Ok((found.path, backup))
}

/// What a restore would put back, for the confirmation: the questions that still hold what the
/// sync wrote (with `force`: every question whose notes differ now), and those it would keep as
/// they are because someone else's text is in them now.
#[tauri::command]
pub async fn restore_plan(
    state: State<'_, AppState>,
    path: String,
    force: Option<bool>,
) -> AppResult<RestorePlan> {
    let (path, backup) = known_backup(&state, &path)?;
    let target = backup_target(&state, &backup).await?;
    let (changes, report) =
        usecase::restore_plan(&target, &backup, &path, force.unwrap_or(false)).await?;
    Ok(RestorePlan {
        path: path.display().to_string(),
        created_at: backup.created_at.clone(),
        workload_name: backup.workload_name.clone(),
        put_back: changes
            .into_iter()
            .map(|c| RestoreQuestionView {
                question_id: c.question_id,
                title: c.title,
                notes_now: c.notes_now,
                notes_restored: c.notes_restored,
            })
            .collect(),
        kept: report
            .kept()
            .into_iter()
            .map(|q| q.question_id.clone())
            .collect(),
    })
}

/// Puts back what the sync that made a backup wrote (after backing up the notes it replaces);
/// with `force`, also questions edited since.
#[tauri::command]
pub async fn restore(
    state: State<'_, AppState>,
    path: String,
    force: Option<bool>,
    on_progress: Channel<ProgressEvent>,
) -> AppResult<RestoreReport> {
    let (path, backup) = known_backup(&state, &path)?;
    let target = backup_target(&state, &backup).await?;
    let options = SyncOptions {
        force: force.unwrap_or(false),
        ..state.sync_options()
    };
    let report = usecase::restore(
        &target,
        &backup,
        &path,
        &options,
        &Cancel::new(),
        &ChannelSyncProgress(&on_progress),
    )
    .await;
    let _ = on_progress.send(ProgressEvent::Done { ok: report.is_ok() });
    Ok(report?)
}

/// Puts the demo workload back as it starts (a few reviewer notes, no Check Summary Reports).
#[tauri::command]
pub async fn reset_demo(state: State<'_, AppState>) -> AppResult<()> {
    match &state.demo {
        Workload::Demo(w) => Ok(w.reset().await?),
        Workload::Aws(_) => Err(AppError::new("bad_input", "not the demo workload")),
    }
}

/// Stops a running preview; `false` when no run has that ID (it may have just finished).
#[tauri::command]
pub fn cancel(state: State<'_, AppState>, run_id: u32) -> bool {
    state.cancel_run(run_id)
}

/// How much of the lens the mapping covers.
#[tauri::command]
pub fn mapping_coverage() -> Coverage {
    Coverage::of(mapping())
}

/// How many checks the tag chips select, out of all the source's checks, shown before a
/// preview: the APIs count with their own tag matching (one or two requests, whatever the size);
/// saved files and the demo are counted here with Conformity's semantics.
#[tauri::command]
pub async fn tag_match_count(
    state: State<'_, AppState>,
    tags: Vec<String>,
    source: SourceRequest,
) -> AppResult<TagMatchCount> {
    let filter = parse_tags(&tags)?;
    let opened = OpenedSource::open(&state, &source, &filter)?;
    Ok(preview::count_matching(&opened.source(), &filter).await?)
}

/// What the UI shows in its header and whether it opens straight into the demo.
#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    let mapping = mapping();
    AppInfo {
        version: wa_sync_engine::VERSION.to_string(),
        lens: mapping.lens_alias.clone(),
        lens_version: mapping.lens_version.clone(),
        mapping_reviewed: mapping.reviewed.clone(),
        start_demo: state.start_demo,
        demo_account_name: demo::account().name,
        demo_workload_name: demo_workload::DEMO_WORKLOAD_NAME.to_string(),
        can_push: true,
    }
}
