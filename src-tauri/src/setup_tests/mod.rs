//! The guided setup's commands through Tauri's IPC (mock runtime), against the local fakes of
//! Conformity, STS and the Well-Architected Tool, with the real AWS SDK pointed at them
//! (`AWS_ENDPOINT_URL_*`) and AWS config files in a temporary directory.
//!
//! Environment variables are process-wide, so every test that sets them holds [`ENV`].

use crate::dialogs::ScriptedDialogs;
use crate::keys::{MemoryKeyStore, OsKeychain};
use crate::state::AppState;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;
use std::sync::{Mutex, MutexGuard};
use tauri::test::{mock_builder, MockRuntime};
use tauri::{App, WebviewWindow};
use wa_sync_engine::keychain::KeyKind;
use wa_sync_fakes::conformity::{self as fake, FakeConformity, Fixture};
use wa_sync_fakes::sts::{FakeSts, Role};
use wa_sync_fakes::wellarchitected::{FakeWellArchitected, LensReview, WaState, Workload};

mod iam_moto;
mod real_workload;

const KEY: &str = "tmc-app-test:Sup3rSecretApiKeyValue9Zq";
const WRONG_KEY: &str = "tmc-app-test:WrongKeyValue000000XyZ";
const EXT: &str = "ext-org-1234-5678";

pub(crate) const AWS_ACCOUNT: &str = "123456789012";
pub(crate) const REGION: &str = "eu-west-1";
pub(crate) const GOOD_ID: &str = "0123456789abcdef0123456789abcdef";
const NOLENS_ID: &str = "fedcba9876543210fedcba9876543210";
const DEV_KEY: &str = "AKIA_FAKE_DEVPROFILE";
pub(crate) const ROLE_KEY: &str = "ASIA_FAKE_ROLEISSUED";
pub(crate) const ROLE_NAME: &str = "WaSyncWellArchitectedNotes";

pub(crate) static ENV: Mutex<()> = Mutex::new(());

pub(crate) fn env_lock() -> MutexGuard<'static, ()> {
    ENV.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn role_arn() -> String {
    format!("arn:aws:iam::{AWS_ACCOUNT}:role/{ROLE_NAME}")
}

pub(crate) fn workload_arn(id: &str) -> String {
    format!("arn:aws:wellarchitected:{REGION}:{AWS_ACCOUNT}:workload/{id}")
}

/// The fakes, on a runtime of their own (the commands run on Tauri's).
pub(crate) struct Fakes {
    pub(crate) conformity: FakeConformity,
    pub(crate) sts: FakeSts,
    pub(crate) wa: FakeWellArchitected,
    pub(crate) rt: tokio::runtime::Runtime,
}

pub(crate) fn start_fakes() -> Fakes {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (conformity, sts, wa) = rt.block_on(async {
        let conformity = FakeConformity::start(Fixture {
            api_key: KEY.into(),
            external_id: EXT.into(),
            accounts: vec![
                fake::Account {
                    id: "acc-shop".into(),
                    name: "Shop (production)".into(),
                    aws_account_id: AWS_ACCOUNT.into(),
                    cloud_type: "aws".into(),
                    environment: "prod".into(),
                },
                fake::Account {
                    id: "acc-azure".into(),
                    name: "Azure thing".into(),
                    aws_account_id: String::new(),
                    cloud_type: "azure".into(),
                    environment: "dev".into(),
                },
            ],
            services: fake::services_from_rules_tsv(),
            checks: fake::synthetic_checks(300, "acc-shop", 7),
            ..Fixture::default()
        })
        .await;
        let sts = FakeSts::start(vec![]).await;
        sts.set_key_account(DEV_KEY, AWS_ACCOUNT);
        let wa = FakeWellArchitected::start(WaState {
            workloads: vec![
                Workload::standard(GOOD_ID, "Shop", AWS_ACCOUNT, REGION),
                Workload {
                    lenses: vec![LensReview {
                        alias: "serverless".into(),
                        version: "1".into(),
                        answers: vec![],
                        ..LensReview::default()
                    }],
                    ..Workload::standard(NOLENS_ID, "Serverless only", AWS_ACCOUNT, REGION)
                },
            ],
            ..WaState::default()
        })
        .await;
        (conformity, sts, wa)
    });
    Fakes {
        conformity,
        sts,
        wa,
        rt,
    }
}

impl Fakes {
    fn role(&self, external_id: &str) {
        self.sts.add_role(Role {
            external_id: Some(external_id.into()),
            ..Role::new(&role_arn(), ROLE_KEY)
        });
    }
}

/// AWS config files and endpoints in `dir`; no real credentials or services are reachable.
pub(crate) fn aws_env(dir: &Path, fakes: &Fakes) {
    let config = dir.join("aws-config");
    let credentials = dir.join("aws-credentials");
    std::fs::write(
        &config,
        "[default]\nregion = eu-west-1\n\n[profile dev]\nregion = eu-west-1\n\n\
         [profile sso-user]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\nregion = eu-west-1\n\n\
         [sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = eu-west-1\n",
    )
    .unwrap();
    std::fs::write(
        &credentials,
        format!(
            "[default]\naws_access_key_id = AKIA_FAKE_DEFAULT\naws_secret_access_key = fake-secret-default\n\n\
             [dev]\naws_access_key_id = {DEV_KEY}\naws_secret_access_key = fake-secret-dev\n"
        ),
    )
    .unwrap();
    for var in [
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_REGION",
        "CONFORMITY_API_KEY",
        "CONFORMITY_API_URL",
        "CONFORMITY_REGION",
        "VISIONONE_API_KEY",
    ] {
        std::env::remove_var(var);
    }
    std::env::set_var("AWS_CONFIG_FILE", &config);
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &credentials);
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::set_var("AWS_ENDPOINT_URL_STS", fakes.sts.endpoint());
    std::env::set_var("AWS_ENDPOINT_URL_WELLARCHITECTED", fakes.wa.endpoint());
    std::env::set_var("AWS_ENDPOINT_URL_IAM", "http://127.0.0.1:9");
    std::env::set_var("WA_SYNC_RETRY_MODE", "standard");
    std::env::set_var("HOME", dir);
}

/// The app, with every command answer recorded (to prove none contains the key).
pub(crate) struct Harness {
    _app: App<MockRuntime>,
    main: WebviewWindow<MockRuntime>,
    pub(crate) seen: Vec<String>,
    /// Answers the file dialogs the commands open.
    pub(crate) dialogs: Arc<ScriptedDialogs>,
}

impl Harness {
    pub(crate) fn new(state: AppState) -> Harness {
        let dialogs = Arc::new(ScriptedDialogs::default());
        state.set_dialogs(dialogs.clone());
        let app = crate::setup(mock_builder(), state)
            .build(tauri::generate_context!())
            .unwrap();
        let main = crate::tests::window(&app, "main");
        Harness {
            _app: app,
            main,
            seen: Vec::new(),
            dialogs,
        }
    }

    pub(crate) fn call(&mut self, cmd: &str, body: Value) -> Result<Value, Value> {
        let out = crate::tests::invoke(&self.main, cmd, body);
        self.seen.push(format!("{cmd}: {out:?}"));
        out
    }

    /// Conformity connected with the good key, the shop account and the good workload chosen:
    /// the setup the push and IAM tests start from.
    pub(crate) fn set_up_shop(&mut self, fakes: &Fakes) {
        self.ok("conformity_connect", connect_body(fakes, Some(KEY)));
        self.ok("choose_account", json!({"accountId": "acc-shop"}));
        self.ok(
            "choose_workload",
            json!({"profile": "dev", "region": REGION, "workloadArn": workload_arn(GOOD_ID)}),
        );
    }

    pub(crate) fn ok(&mut self, cmd: &str, body: Value) -> Value {
        self.call(cmd, body.clone())
            .unwrap_or_else(|e| panic!("{cmd} {body} failed: {e}"))
    }

    pub(crate) fn err(&mut self, cmd: &str, body: Value) -> Value {
        match self.call(cmd, body.clone()) {
            Ok(v) => panic!("{cmd} {body} should fail, answered {v}"),
            Err(e) => e,
        }
    }
}

fn connect_body(fakes: &Fakes, key: Option<&str>) -> Value {
    json!({
        "endpoint": { "region": null, "url": fakes.conformity.base_url() },
        "apiKey": key,
    })
}

pub(crate) fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return hits;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            hits.extend(files_containing(&path, needle));
        } else if let Ok(bytes) = std::fs::read(&path) {
            if String::from_utf8_lossy(&bytes).contains(needle) {
                hits.push(path.display().to_string());
            }
        }
    }
    hits
}

#[test]
fn conformity_step_tests_the_key_saves_it_and_only_shows_its_last_four() {
    let _env = env_lock();
    let fakes = start_fakes();
    let dir = tempfile::tempdir().unwrap();
    aws_env(dir.path(), &fakes);
    let mut app = Harness::new(AppState::with_data_dir(false, dir.path()));

    let status = app.ok("setup_status", json!({}));
    assert_eq!(status["key"]["source"], "none");
    assert_eq!(status["settings"]["setup_done"], false);
    assert!(status["regions"]["cloud_one"]
        .as_array()
        .unwrap()
        .contains(&json!("us-1")));

    // A wrong key is refused by the live call and not saved.
    let err = app.err("conformity_connect", connect_body(&fakes, Some(WRONG_KEY)));
    assert_eq!(err["code"], "auth", "{err}");
    let text = err["message"].as_str().unwrap();
    assert!(text.contains("not saved"), "{text}");
    assert_eq!(app.ok("setup_status", json!({}))["key"]["source"], "none");

    // A region that does not exist, and a URL that would send the key in clear text.
    let err = app.err(
        "conformity_connect",
        json!({"endpoint": {"region": "mars-1", "url": null}, "apiKey": KEY}),
    );
    assert_eq!(err["code"], "bad_input");
    assert!(err["message"].as_str().unwrap().contains("us-1"), "{err}");
    let err = app.err(
        "conformity_connect",
        json!({"endpoint": {"region": null, "url": "http://conformity.example.com/api"}, "apiKey": KEY}),
    );
    assert!(
        err["message"].as_str().unwrap().contains("unencrypted"),
        "{err}"
    );

    // The right key: external ID, AWS accounts only, saved, last four shown.
    let c = app.ok("conformity_connect", connect_body(&fakes, Some(KEY)));
    assert_eq!(c["external_id"], EXT);
    assert_eq!(c["accounts"].as_array().unwrap().len(), 1, "{c}");
    assert_eq!(c["accounts"][0]["aws_account_id"], AWS_ACCOUNT);
    assert_eq!(c["other_clouds"], 1);
    assert_eq!(c["key"]["source"], "keychain");
    assert_eq!(c["key"]["saved"], true);
    assert_eq!(c["key"]["last_four"], &KEY[KEY.len() - 4..]);
    // Testing again without a key uses the saved one.
    app.ok("conformity_connect", connect_body(&fakes, None));
    assert_eq!(app.ok("conformity_external_id", json!({})), EXT);

    // Forget: one click, and the key is gone.
    let k = app.ok("conformity_forget_key", json!({}));
    assert_eq!(k["source"], "none");
    assert_eq!(k["saved"], false);
    let err = app.err("conformity_external_id", json!({}));
    assert_eq!(err["code"], "missing_key");

    // The environment variable wins and is reported as such (its last four only).
    std::env::set_var("CONFORMITY_API_KEY", KEY);
    let k = app.ok("setup_status", json!({}))["key"].clone();
    std::env::remove_var("CONFORMITY_API_KEY");
    assert_eq!(k["source"], "environment");
    assert_eq!(k["saved"], false);

    for answer in &app.seen {
        assert!(
            !answer.contains(KEY) && !answer.contains(WRONG_KEY),
            "{answer}"
        );
    }
    drop(fakes.rt);
}

#[test]
fn without_a_keychain_the_key_lasts_the_session_and_the_alternative_is_explained() {
    let _env = env_lock();
    let fakes = start_fakes();
    let dir = tempfile::tempdir().unwrap();
    aws_env(dir.path(), &fakes);
    let state = AppState::with_dirs(
        false,
        dir.path(),
        dir.path(),
        Box::new(MemoryKeyStore::broken()),
    );
    let mut app = Harness::new(state);
    let status = app.ok("setup_status", json!({}));
    let problem = status["key"]["keychain_problem"].as_str().unwrap();
    assert!(problem.contains("CONFORMITY_API_KEY"), "{problem}");
    // Plain words first; the library's text only behind "details".
    assert!(
        problem.starts_with("The system keychain is not running"),
        "{problem}"
    );
    assert!(!problem.contains("DBus"), "{problem}");
    let details = status["key"]["keychain_details"].as_str().unwrap();
    assert!(details.contains("DBus error"), "{details}");
    let c = app.ok("conformity_connect", connect_body(&fakes, Some(KEY)));
    assert_eq!(c["key"]["source"], "session");
    assert_eq!(c["key"]["saved"], false);
    assert_eq!(app.ok("conformity_external_id", json!({})), EXT);
    assert!(files_containing(dir.path(), KEY).is_empty());
}

/// The fake's base URL as a key is bound to it.
fn bound(base_url: &str) -> String {
    base_url.trim_end_matches('/').to_string()
}

#[test]
fn a_saved_key_goes_only_to_the_host_it_was_verified_with() {
    let _env = env_lock();
    let fakes = start_fakes();
    let dir = tempfile::tempdir().unwrap();
    aws_env(dir.path(), &fakes);
    let other = fakes.rt.block_on(FakeConformity::start(Fixture {
        api_key: KEY.into(),
        external_id: "ext-other-host".into(),
        accounts: vec![fake::Account {
            id: "acc-other".into(),
            name: "Other".into(),
            aws_account_id: AWS_ACCOUNT.into(),
            cloud_type: "aws".into(),
            environment: "prod".into(),
        }],
        ..Fixture::default()
    }));
    let mut app = Harness::new(AppState::with_data_dir(false, dir.path()));
    let c = app.ok("conformity_connect", connect_body(&fakes, Some(KEY)));
    assert_eq!(c["key"]["bound_to"], bound(&fakes.conformity.base_url()));

    // Another host without a typed key: refused before any request, saying what to do.
    let elsewhere = json!({"endpoint": {"region": null, "url": other.base_url()}, "apiKey": null});
    let err = app.err("conformity_connect", elsewhere.clone());
    assert_eq!(err["code"], "key_host", "{err}");
    let text = err["message"].as_str().unwrap();
    assert!(
        text.contains(&bound(&fakes.conformity.base_url())) && text.contains("type the key again"),
        "{text}"
    );
    assert!(other.requests().is_empty(), "the other host was called");
    let err = app.err(
        "conformity_connect",
        json!({"endpoint": {"region": "us-1", "url": null}, "apiKey": null}),
    );
    assert_eq!(err["code"], "key_host", "{err}");
    // A preview of a Conformity account by region is refused the same way.
    let err = app.err(
        "preview",
        json!({"request": {"run_id": 7, "source": {"kind": "conformity", "region": "ie-1", "account_id": "acc-shop"},
               "filter_tags": [], "notes_mode": "replace-block"}, "onProgress": "__CHANNEL__:1"}),
    );
    assert_eq!(err["code"], "key_host", "{err}");
    // The first host still works with the saved key.
    assert_eq!(app.ok("conformity_external_id", json!({})), EXT);

    // Typed again, the key goes to the other host, and the binding moves with it.
    let mut typed = elsewhere.clone();
    typed["apiKey"] = json!(KEY);
    let c = app.ok("conformity_connect", typed);
    assert_eq!(c["external_id"], "ext-other-host");
    assert_eq!(c["key"]["bound_to"], bound(&other.base_url()));
    let err = app.err("conformity_connect", connect_body(&fakes, None));
    assert_eq!(err["code"], "key_host", "{err}");
    for answer in &app.seen {
        assert!(!answer.contains(KEY), "{answer}");
    }
    drop(fakes.rt);
}

#[test]
fn a_key_saved_before_binding_counts_as_the_configured_hosts_and_is_bound_on_connect() {
    let _env = env_lock();
    let fakes = start_fakes();
    let dir = tempfile::tempdir().unwrap();
    aws_env(dir.path(), &fakes);
    let settings = crate::settings::Settings {
        conformity: Some(crate::settings::ConformityEndpoint {
            region: None,
            url: Some(fakes.conformity.base_url()),
        }),
        ..Default::default()
    };
    settings.save(dir.path()).unwrap();
    let legacy = wa_sync_engine::keychain::StoredKey {
        key: wa_sync_engine::conformity::ApiKey::new(KEY).unwrap(),
        bound_to: None,
    };
    let state = AppState::with_dirs(
        false,
        dir.path(),
        dir.path(),
        Box::new(MemoryKeyStore::holding(legacy)),
    );
    let mut app = Harness::new(state);
    assert_eq!(app.ok("conformity_external_id", json!({})), EXT);
    let err = app.err(
        "conformity_connect",
        json!({"endpoint": {"region": "us-1", "url": null}, "apiKey": null}),
    );
    assert_eq!(err["code"], "key_host", "{err}");
    assert!(app.ok("setup_status", json!({}))["key"]["bound_to"].is_null());
    let c = app.ok("conformity_connect", connect_body(&fakes, None));
    assert_eq!(c["key"]["bound_to"], bound(&fakes.conformity.base_url()));
    drop(fakes.rt);
}

#[test]
fn a_failed_keychain_save_is_reported_and_the_old_key_is_not_used() {
    let _env = env_lock();
    let fakes = start_fakes();
    let dir = tempfile::tempdir().unwrap();
    aws_env(dir.path(), &fakes);
    let base = url::Url::parse(&fakes.conformity.base_url()).unwrap();
    let old = wa_sync_engine::keychain::StoredKey::verified_with(
        wa_sync_engine::conformity::ApiKey::new(WRONG_KEY).unwrap(),
        &base,
    );
    let store = MemoryKeyStore::holding(old).refusing_saves();
    let state = AppState::with_dirs(false, dir.path(), dir.path(), Box::new(store));
    let mut app = Harness::new(state);
    let c = app.ok("conformity_connect", connect_body(&fakes, Some(KEY)));
    assert_eq!(c["key"]["source"], "session", "{c}");
    assert_eq!(c["key"]["last_four"], &KEY[KEY.len() - 4..]);
    let problem = c["key"]["keychain_problem"].as_str().unwrap();
    assert!(
        problem.contains("locked")
            && problem.contains("NOT saved")
            && !problem.contains("test double"),
        "{problem}"
    );
    let details = c["key"]["keychain_details"].as_str().unwrap();
    assert!(details.contains("test double"), "{details}");
    // The new key is the one in use (the old one would be refused by the fake).
    assert_eq!(app.ok("conformity_external_id", json!({})), EXT);
    let status = app.ok("setup_status", json!({}));
    assert_eq!(status["key"]["source"], "session");
    assert!(status["key"]["keychain_problem"].is_string());
    drop(fakes.rt);
}

#[test]
fn aws_profiles_are_read_from_the_config_files() {
    let profiles = crate::aws::parse_profiles(
        "[default]\nregion=us-east-1\n[profile a]\nsso_session = x\n[sso-session x]\nsso_region=eu-west-1\n[profile r]\nrole_arn=arn\nsource_profile=a\n",
        "[default]\naws_access_key_id=AKIA\n[b]\naws_access_key_id=AKIB\n",
    );
    let names: Vec<(&str, &str)> = profiles
        .iter()
        .map(|p| (p.name.as_str(), p.kind.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("default", "keys"),
            ("a", "sso"),
            ("b", "keys"),
            ("r", "role")
        ]
    );
    assert_eq!(profiles[0].region.as_deref(), Some("us-east-1"));
}

/// The real OS keychain (Secret Service on Linux), when `WA_SYNC_KEYCHAIN_TESTS=1` says one
/// is unlocked (CI runs this inside dbus-run-session with gnome-keyring-daemon --unlock).
#[test]
fn the_key_goes_to_the_real_keychain_and_a_new_app_finds_it() {
    if std::env::var_os("WA_SYNC_KEYCHAIN_TESTS").is_none() {
        wa_sync_fakes::prerequisites::missing(
            wa_sync_fakes::prerequisites::Prerequisite::Keychain,
            "set WA_SYNC_KEYCHAIN_TESTS=1 inside an unlocked keychain session \
             (dbus-run-session + gnome-keyring-daemon --unlock) to test the real keychain",
        );
        return;
    }
    let _env = env_lock();
    let fakes = start_fakes();
    let dir = tempfile::tempdir().unwrap();
    aws_env(dir.path(), &fakes);
    let os = || {
        AppState::with_dirs(
            false,
            dir.path(),
            dir.path(),
            Box::new(OsKeychain(KeyKind::Conformity)),
        )
    };
    let mut app = Harness::new(os());
    app.ok("conformity_forget_key", json!({}));
    let c = app.ok("conformity_connect", connect_body(&fakes, Some(KEY)));
    assert_eq!(c["key"]["source"], "keychain", "{c}");
    assert_eq!(c["key"]["saved"], true);
    assert!(c["key"]["keychain_problem"].is_null(), "{c}");
    drop(app);
    // A new start of the app reads the key from the keychain.
    let mut app = Harness::new(os());
    let status = app.ok("setup_status", json!({}));
    assert_eq!(status["key"]["source"], "keychain");
    assert_eq!(status["key"]["last_four"], &KEY[KEY.len() - 4..]);
    assert_eq!(app.ok("conformity_external_id", json!({})), EXT);
    let k = app.ok("conformity_forget_key", json!({}));
    assert_eq!(k["source"], "none");
    assert!(files_containing(dir.path(), KEY).is_empty());
    for answer in &app.seen {
        assert!(!answer.contains(KEY), "{answer}");
    }
}
