//! What every command shares, [`AppState`]: the runs going on (by run ID, with the token that
//! cancels each), the settings of the guided setup, where the API keys are kept, the file
//! dialogs, the last preview and push (what export and retry start from), and the clients of the
//! configured source and workload, built from the settings and the keys.

use crate::aws::aws_error;
use crate::dialogs::Dialogs;
use crate::endpoints::{conformity_endpoint, visionone_endpoint};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::keys::{MemoryKeyStore, OsKeychain, ProductKey};
use crate::settings::{self, Product, RoleChoice, Settings};
use crate::types::{PreviewRequest, ProgressEvent};
use crate::KeyStore;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tauri::ipc::Channel;
use url::Url;
use wa_sync_engine::conformity::{ApiKey, ConformityClient};
use wa_sync_engine::credentials::AwsAuth;
use wa_sync_engine::keychain::KeyKind;
use wa_sync_engine::preview::{Collected, PreviewReport};
use wa_sync_engine::sync::SyncOptions;
use wa_sync_engine::usecase::{self, ApiConfig, Cancel, Keys, Previewed};
use wa_sync_engine::visionone::VisionOneClient;
use wa_sync_engine::wellarchitected::{AwsWorkload, DemoWorkload, Workload, WorkloadArn};

/// The last preview the app computed, and the result of the last push or retry of it: what
/// `export_report` rebuilds a report from and what `retry_failed` retries.
pub(crate) struct LastRun {
    pub(crate) request: PreviewRequest,
    pub(crate) collected: Arc<Collected>,
    pub(crate) preview: PreviewReport,
    pub(crate) result: Option<PreviewReport>,
}

/// What the commands share: running previews and pushes, by run ID, with the token that cancels each;
/// the settings of the guided setup; where the API keys are kept.
pub struct AppState {
    pub(crate) start_demo: bool,
    runs: Mutex<HashMap<u32, Cancel>>,
    /// The simulated workload the demo previews against and pushes to.
    pub(crate) demo: Workload,
    pub(crate) backup_dir: PathBuf,
    /// Where `settings.json` lives (no secrets in it).
    pub(crate) config_dir: PathBuf,
    pub(crate) settings: Mutex<Settings>,
    conformity_key: ProductKey,
    visionone_key: ProductKey,
    /// The last preview and push result (for export and retry); never sent by the UI.
    pub(crate) last: Mutex<Option<LastRun>>,
    /// The native file dialogs (set when the app starts; the command tests script them).
    dialogs: Mutex<Option<Arc<dyn Dialogs>>>,
    /// The saved checks files the user picked in the open dialog (the files source reads these).
    pub(crate) picked_files: Mutex<PickedFiles>,
    /// The plan file the Workloads screen shows and edits (default: `plan.toml` in the data
    /// directory; the user can open another).
    pub(crate) plan_path: Mutex<PathBuf>,
}

/// What the open dialogs of the files source picked.
#[derive(Clone, Debug, Default)]
pub(crate) struct PickedFiles {
    pub(crate) checks: Vec<PathBuf>,
    pub(crate) rule_settings: Option<PathBuf>,
}

impl AppState {
    /// Keeps the demo workload and the backups in `data_dir` (default: the engine's data
    /// directory, `WA_SYNC_DATA_DIR` when set, as the tests do), the settings in the config
    /// directory (`WA_SYNC_CONFIG_DIR`, else `WA_SYNC_DATA_DIR`, else the user's), and the API
    /// key in the OS keychain.
    pub fn new(start_demo: bool) -> Self {
        let data_dir = std::env::var_os("WA_SYNC_DATA_DIR")
            .map(PathBuf::from)
            .or_else(|| wa_sync_engine::paths::data_dir().ok())
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
            plan_path: Mutex::new(data_dir.join("plan.toml")),
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
                AppError::new(
                    ErrorCode::Internal,
                    "no file dialog is available in this window",
                )
            })?;
        let start = crate::dialogs::start_dir(self.settings().last_folder.as_deref());
        tokio::task::spawn_blocking(move || open(dialogs.as_ref(), start))
            .await
            .map_err(|e| {
                AppError::new(ErrorCode::Internal, format!("the file dialog stopped: {e}"))
            })
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

    pub(crate) fn start(&self, run_id: u32) -> AppResult<Cancel> {
        let mut runs = self.runs.lock().expect("runs lock");
        if runs.contains_key(&run_id) {
            return Err(AppError::new(
                ErrorCode::Busy,
                format!("run {run_id} is already going; wait for it or cancel it"),
            ));
        }
        let cancel = Cancel::new();
        runs.insert(run_id, cancel.clone());
        Ok(cancel)
    }

    pub(crate) fn finish(&self, run_id: u32) {
        self.runs.lock().expect("runs lock").remove(&run_id);
    }

    /// Runs the work `start` makes as run `run_id`, handing it the token that `cancel` cancels,
    /// and tells the UI when it ends.
    pub(crate) async fn tracked_run<T, F>(
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
    pub(crate) fn sync_options(&self) -> SyncOptions {
        SyncOptions {
            backup_dir: Some(self.backup_dir.clone()),
            ..SyncOptions::default()
        }
    }

    /// The plan file the Workloads screen shows.
    pub fn plan_path(&self) -> PathBuf {
        self.plan_path.lock().expect("plan path lock").clone()
    }

    /// Where each sync's figures are kept: beside the backups, as the command line keeps them.
    pub(crate) fn history_dir(&self) -> PathBuf {
        wa_sync_engine::history::dir_for(&self.backup_dir)
    }

    /// Cancels a run; false when no run has that ID.
    pub fn cancel_run(&self, run_id: u32) -> bool {
        let token = self.runs.lock().expect("runs lock").remove(&run_id);
        token.inspect(Cancel::cancel).is_some()
    }

    pub(crate) fn remember(&self, run: LastRun) {
        *self.last.lock().expect("last lock") = Some(run);
    }

    /// Keeps a push (or a cancelled one) for `export_report` and `retry_failed`.
    pub(crate) fn remember_push(
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

/// The keys the app holds, for the engine's use cases (its own errors kept: a key saved for
/// another host is `key_host`).
impl Keys for AppState {
    type Error = AppError;

    fn key_for(&self, product: KeyKind, base: &Url) -> AppResult<ApiKey> {
        let product = match product {
            KeyKind::Conformity => Product::Conformity,
            KeyKind::VisionOne => Product::VisionOne,
        };
        AppState::key_for(self, product, base.as_str())
    }
}

/// The clients of the configured source and workload, built from the settings and the keys.
impl AppState {
    pub fn settings(&self) -> Settings {
        self.settings.lock().expect("settings lock").clone()
    }

    /// Changes the settings and saves them.
    pub fn update_settings(&self, f: impl FnOnce(&mut Settings)) -> AppResult<Settings> {
        let mut settings = self.settings.lock().expect("settings lock");
        let mut next = settings.clone();
        f(&mut next);
        next.save(&self.config_dir)?;
        *settings = next.clone();
        Ok(next)
    }

    /// A Vision One client for the configured endpoint and key.
    pub fn vision_one_client(&self) -> AppResult<VisionOneClient> {
        self.api_config().vision_one.vision_one_client(self)
    }

    /// Both products' endpoints as the settings name them (Conformity's from
    /// `CONFORMITY_API_URL`/`CONFORMITY_REGION` when the settings name none).
    pub fn api_config(&self) -> ApiConfig {
        let settings = self.settings();
        ApiConfig {
            conformity: conformity_endpoint(&settings.conformity.unwrap_or_default()),
            vision_one: visionone_endpoint(&settings.vision_one.unwrap_or_default()),
        }
    }

    /// The product's key for `base`: a saved key only when it was verified with that base URL
    /// (see [`ProductKey::require_for`]).
    pub fn key_for(&self, product: Product, base: &str) -> AppResult<ApiKey> {
        let base = wa_sync_engine::url::parse_base_url(base, "the API URL")?;
        self.key(product)
            .require_for(&base, self.configured_base(product).as_ref())
    }

    /// The base URL the settings name for `product`, if any.
    fn configured_base(&self, product: Product) -> Option<Url> {
        let settings = self.settings();
        match product {
            Product::Conformity => {
                conformity_endpoint(&settings.conformity.unwrap_or_default()).conformity_base()
            }
            Product::VisionOne => visionone_endpoint(&settings.vision_one?).vision_one_base(),
        }
        .ok()
    }

    /// The external ID wa-sync on this machine passes when it assumes the role: the Conformity
    /// organisation's, or (Vision One) the one the user chose, if any.
    pub async fn role_external_id(&self, role: &RoleChoice) -> AppResult<Option<String>> {
        match self.settings().product {
            Product::Conformity => Ok(Some(
                usecase::source::external_id(&self.api_config(), self).await?,
            )),
            Product::VisionOne => Ok(role.external_id.clone()),
        }
    }

    /// A Conformity client for the configured endpoint and key.
    pub fn conformity_client(&self) -> AppResult<ConformityClient> {
        self.api_config().conformity.conformity_client(self)
    }

    /// How wa-sync on this machine reaches the workload: the profile, and the role with the
    /// organisation's external ID when wa-sync is one of the role's writers.
    pub async fn aws_auth(&self) -> AppResult<AwsAuth> {
        let settings = self.settings();
        let aws = settings.aws.unwrap_or_default();
        let role = settings
            .role
            .filter(|r| r.writer.app_assumes() && r.role_arn.is_some());
        let external_id = match &role {
            Some(r) => self.role_external_id(r).await?,
            None => None,
        };
        Ok(AwsAuth {
            profile: aws.profile,
            role_arn: role.and_then(|r| r.role_arn),
            external_id,
            assume_role_wait: None,
        })
    }

    /// The configured workload's ARN.
    pub fn workload_arn(&self) -> AppResult<WorkloadArn> {
        let arn = self
            .settings()
            .aws
            .and_then(|a| a.workload_arn)
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::BadInput,
                    "no workload is set up yet: open Settings > Run the setup again and pick one",
                )
            })?;
        Ok(WorkloadArn::parse(&arn)?)
    }

    /// The configured AWS workload, connected (assuming the role when one is set).
    pub async fn aws_workload(&self) -> AppResult<AwsWorkload> {
        let arn = self.workload_arn()?;
        let auth = self.aws_auth().await?;
        AwsWorkload::connect(arn, &auth)
            .await
            .map_err(|e| aws_error(auth.profile.as_deref(), e))
    }

    /// A read of the configured workload that failed, with the profile's SSO hint when it applies.
    pub(crate) fn aws_read_error(&self, e: wa_sync_engine::Error) -> AppError {
        let profile = self.settings().aws.and_then(|a| a.profile);
        aws_error(profile.as_deref(), e)
    }
}
