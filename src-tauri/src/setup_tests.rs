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

#[test]
fn full_setup_against_the_fakes_then_preview_push_and_restore_the_real_workload() {
    let _env = env_lock();
    let fakes = start_fakes();
    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    aws_env(home.path(), &fakes);
    let mut app = Harness::new(AppState::with_data_dir(false, data.path()));

    // 1-2. Conformity, external ID, account.
    app.ok("conformity_connect", connect_body(&fakes, Some(KEY)));
    let err = app.err("choose_account", json!({"accountId": "acc-azure"}));
    assert_eq!(err["code"], "not_found");
    let s = app.ok("choose_account", json!({"accountId": "acc-shop"}));
    assert_eq!(s["account"]["aws_account_id"], AWS_ACCOUNT);

    // 3. Profiles, workloads (lens and account flags), SSO login message.
    let profiles = app.ok("aws_profiles", json!({}));
    let kinds: Vec<(String, String)> = profiles
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().into(),
                p["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&("sso-user".into(), "sso".into())),
        "{kinds:?}"
    );
    let list = app.ok("aws_workloads", json!({"profile": "dev", "region": REGION}));
    assert_eq!(list["caller_account"], AWS_ACCOUNT);
    let workloads = list["workloads"].as_array().unwrap();
    assert_eq!(workloads.len(), 2, "{list}");
    let by_name = |n: &str| workloads.iter().find(|w| w["name"] == n).unwrap().clone();
    assert_eq!(by_name("Shop")["has_lens"], true);
    assert_eq!(by_name("Shop")["account_matches"], true);
    assert_eq!(by_name("Serverless only")["has_lens"], false);
    let err = app.err(
        "aws_workloads",
        json!({"profile": "sso-user", "region": REGION}),
    );
    assert_eq!(err["code"], "sso_login", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("aws sso login --profile sso-user"),
        "{err}"
    );
    let err = app.err(
        "aws_workloads",
        json!({"profile": "nope", "region": REGION}),
    );
    assert_eq!(err["code"], "bad_input");
    let err = app.err(
        "choose_workload",
        json!({"profile": "dev", "region": REGION, "workloadArn": workload_arn(NOLENS_ID)}),
    );
    assert!(err["message"].as_str().unwrap().contains("lens"), "{err}");
    app.ok(
        "choose_workload",
        json!({"profile": "dev", "region": REGION, "workloadArn": workload_arn(GOOD_ID)}),
    );

    // 4. The role: documents, export, refusals, verify (good, wrong external ID, no rights).
    let plan = app.ok("iam_plan", json!({"writer": "both", "roleName": ROLE_NAME}));
    assert_eq!(plan["external_id"], EXT);
    assert_eq!(plan["role_arn"], role_arn());
    let trust: Value = serde_json::from_str(plan["trust_policy"].as_str().unwrap()).unwrap();
    assert_eq!(
        trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
        EXT
    );
    let principals = trust["Statement"][0]["Principal"]["AWS"].to_string();
    assert!(
        principals.contains("717210094962") && principals.contains(AWS_ACCOUNT),
        "{principals}"
    );
    let permissions: Value =
        serde_json::from_str(plan["permissions_policy"].as_str().unwrap()).unwrap();
    assert_eq!(
        permissions["Statement"][0]["Resource"],
        workload_arn(GOOD_ID)
    );
    assert!(plan["warnings"].as_array().unwrap().is_empty(), "{plan}");
    // The files go into the folder picked in the dialog (opened by the Rust side, in the
    // user's Documents or home folder the first time); cancelling writes nothing.
    let out = home.path().join("role-files");
    std::fs::create_dir(&out).unwrap();
    app.dialogs.answer(None);
    let cancelled = app.ok(
        "iam_export",
        json!({"writer": "app", "roleName": ROLE_NAME}),
    );
    assert!(cancelled.is_null(), "{cancelled}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    app.dialogs.answer(Some(&out));
    let exported = app.ok(
        "iam_export",
        json!({"writer": "app", "roleName": ROLE_NAME}),
    );
    assert_eq!(exported["files"].as_array().unwrap().len(), 3);
    assert!(out.join("setup-iam-role.sh").exists());
    let asked = app.dialogs.asked();
    assert_eq!(asked[0].start_dir, crate::dialogs::start_dir(None));
    // The next dialog opens in the folder chosen last.
    app.dialogs.answer(None);
    app.ok(
        "iam_export",
        json!({"writer": "app", "roleName": ROLE_NAME}),
    );
    assert_eq!(app.dialogs.asked().last().unwrap().start_dir, out);
    // A path from the webview is not an argument any more.
    let err = app.err(
        "iam_export",
        json!({"writer": "app", "roleName": "Bad Name!", "dir": "/etc"}),
    );
    assert_eq!(err["code"], "bad_input");
    let err = app.err(
        "set_role_arn",
        json!({"writer": "app", "roleArn": "arn:aws:iam::999999999999:role/X"}),
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("workload's account"),
        "{err}"
    );
    // Credentials of another account cannot create the role in the workload's account.
    fakes.sts.set_key_account(DEV_KEY, "999999999999");
    let err = app.err(
        "iam_create",
        json!({"writer": "app", "roleName": ROLE_NAME}),
    );
    fakes.sts.set_key_account(DEV_KEY, AWS_ACCOUNT);
    assert!(
        err["message"].as_str().unwrap().contains("999999999999"),
        "{err}"
    );
    app.ok(
        "set_role_arn",
        json!({"writer": "app", "roleArn": role_arn()}),
    );

    fakes.role(EXT);
    let v = app.ok("iam_verify", json!({}));
    assert_eq!(v["ok"], true, "{v}");
    let checks: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert!(checks.contains(&"trust") && checks.contains(&"wellarchitected:UpdateAnswer"));
    assert!(app.ok("setup_status", json!({}))["settings"]["role"]["verified_at"].is_string());

    // Missing rights: every Well-Architected call of the role is refused.
    fakes
        .wa
        .with_state(|s| s.access_denied_keys = vec![ROLE_KEY.into()]);
    let v = app.ok("iam_verify", json!({}));
    fakes.wa.with_state(|s| s.access_denied_keys.clear());
    assert_eq!(v["ok"], false);
    let get = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "wellarchitected:GetWorkload")
        .unwrap();
    assert!(
        get["detail"]
            .as_str()
            .unwrap()
            .contains("missing permission wellarchitected:GetWorkload"),
        "{get}"
    );
    assert!(get["fix"]
        .as_str()
        .unwrap()
        .contains("WaSyncWellArchitectedNotesPolicy"));

    // The role's trust policy names another external ID.
    fakes.role("someone-elses-id");
    let v = app.ok("iam_verify", json!({}));
    fakes.role(EXT);
    assert_eq!(v["ok"], false);
    let trust = &v["checks"][0];
    assert_eq!(trust["check"], "trust");
    assert_eq!(trust["ok"], false);
    assert!(trust["fix"].as_str().unwrap().contains(EXT), "{trust}");

    app.ok("iam_verify", json!({}));
    let done = app.ok("finish_setup", json!({}));
    assert_eq!(done["setup_done"], true);

    // 5. The badge: everything works.
    let c = app.ok("connection_status", json!({}));
    assert_eq!(c["conformity"]["state"], "ok", "{c}");
    assert_eq!(c["workload"]["state"], "ok", "{c}");
    assert!(
        c["workload"]["detail"]
            .as_str()
            .unwrap()
            .contains("through role"),
        "{c}"
    );
    assert_eq!(c["role"]["state"], "ok");
    assert_eq!(c["can_push"], true);

    // Preview, push and restore against the configured workload, through the role.
    let request = |run_id: u32| {
        json!({"request": {"run_id": run_id, "source": {"kind": "configured"}, "filter_tags": [],
               "notes_mode": "replace-block"}, "onProgress": "__CHANNEL__:1"})
    };
    // The tag builder's count comes from Conformity's totals, before any preview.
    let before = fakes.conformity.count("/api/checks");
    let all = app.ok(
        "tag_match_count",
        json!({"tags": [], "source": {"kind": "configured"}}),
    );
    assert_eq!(all, json!({"matching": 300, "total": 300}));
    let production = app.ok(
        "tag_match_count",
        json!({"tags": ["production"], "source": {"kind": "configured"}}),
    );
    let tags = wa_sync_engine::checks::TagFilter::parse(&["production"]).unwrap();
    let expected = fake::synthetic_checks(300, "acc-shop", 7)
        .iter()
        .filter(|c| tags.matches(&c.tags))
        .count();
    assert!(0 < expected && expected < 300, "{expected}");
    assert_eq!(
        production,
        json!({"matching": expected, "total": 300}),
        "Conformity's exact, case-insensitive tag matching"
    );
    assert_eq!(fakes.conformity.count("/api/checks"), before + 3);

    let preview = app.ok("preview", request(1));
    assert_eq!(preview["account_id"], "acc-shop");
    assert_eq!(preview["workload_arn"], workload_arn(GOOD_ID));
    let would = preview["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["status"] == "would-change")
        .count();
    assert!(would > 5, "{would}");
    // (verify rewrote one question's notes unchanged each time it passed)
    let verified_updates = fakes.wa.answer_updates().len();
    let pushed = app.ok(
        "push",
        json!({"request": {"preview": request(2)["request"], "opted_out": []}, "onProgress": "__CHANNEL__:2"}),
    );
    let written = pushed["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["status"] == "written")
        .count();
    assert_eq!(written, would);
    let updates = fakes.wa.answer_updates()[verified_updates..].to_vec();
    assert_eq!(updates.len(), would);
    assert!(updates
        .iter()
        .all(|u| u.access_key_id.as_deref() == Some(ROLE_KEY) && u.selected_choices.is_none()));
    let backups = app.ok("list_backups", json!({}));
    let path = backups[0]["path"].as_str().unwrap().to_string();
    assert_eq!(backups[0]["workload_arn"], workload_arn(GOOD_ID));
    let plan = app.ok("restore_plan", json!({"path": path}));
    assert_eq!(plan["put_back"].as_array().unwrap().len(), would);
    app.ok(
        "restore",
        json!({"path": path, "onProgress": "__CHANNEL__:3"}),
    );
    let again = app.ok("preview", request(4));
    assert_eq!(again["questions"], preview["questions"]);

    // The key is in no answer and in no file of the app's directories.
    for answer in &app.seen {
        assert!(
            !answer.contains(KEY),
            "a command answered with the key: {answer}"
        );
    }
    assert_eq!(files_containing(data.path(), KEY), Vec::<String>::new());
    let settings = std::fs::read_to_string(data.path().join("settings.json")).unwrap();
    assert!(settings.contains("acc-shop") && !settings.contains(KEY));
    assert!(files_containing(home.path(), KEY).is_empty());
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

/// A push where one question fails (the Well-Architected Tool answers ConflictException), then
/// "Retry the failed": only that question is written again, after a new backup.
#[test]
fn retry_pushes_only_the_failed_questions_again_after_a_new_backup() {
    let _env = env_lock();
    let fakes = start_fakes();
    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    aws_env(home.path(), &fakes);
    let mut app = Harness::new(AppState::with_data_dir(false, data.path()));
    app.ok("conformity_connect", connect_body(&fakes, Some(KEY)));
    app.ok("choose_account", json!({"accountId": "acc-shop"}));
    app.ok(
        "choose_workload",
        json!({"profile": "dev", "region": REGION, "workloadArn": workload_arn(GOOD_ID)}),
    );
    let request = |run_id: u32| {
        json!({"run_id": run_id, "source": {"kind": "configured"}, "filter_tags": [],
               "notes_mode": "replace-block"})
    };
    let preview = app.ok(
        "preview",
        json!({"request": request(1), "onProgress": "__CHANNEL__:1"}),
    );
    let would: Vec<String> = preview["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["status"] == "would-change")
        .map(|q| q["question_id"].as_str().unwrap().to_string())
        .collect();
    assert!(would.len() > 5, "{would:?}");
    let flaky = would[2].clone();
    fakes
        .wa
        .with_state(|s| s.conflict_questions = vec![flaky.clone()]);
    let pushed = app.ok(
        "push",
        json!({"request": {"preview": request(2), "opted_out": []}, "onProgress": "__CHANNEL__:2"}),
    );
    let by_id = |r: &Value, id: &str| {
        r["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["question_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id(&pushed, &flaky)["status"], "failed");
    assert!(by_id(&pushed, &flaky)["error"]
        .as_str()
        .unwrap()
        .contains("changed by another request"));
    let first_backup = pushed["backup"].as_str().unwrap().to_string();
    let updates_before = fakes.wa.answer_updates().len();

    // The conflict is over; retry writes that question alone.
    fakes.wa.with_state(|s| s.conflict_questions.clear());
    let retried = app.ok(
        "retry_failed",
        json!({"runId": 3, "onProgress": "__CHANNEL__:3"}),
    );
    let updates = fakes.wa.answer_updates()[updates_before..].to_vec();
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(updates[0].question_id, flaky);
    assert!(updates[0].selected_choices.is_none());
    assert_eq!(by_id(&retried, &flaky)["status"], "written");
    // The others keep what the push did to them.
    for id in &would {
        assert_eq!(by_id(&retried, id)["status"], "written", "{id}");
    }
    let second_backup = retried["backup"].as_str().unwrap().to_string();
    assert_ne!(second_backup, first_backup, "a new backup before the retry");
    let backup: Value =
        serde_json::from_str(&std::fs::read_to_string(&second_backup).unwrap()).unwrap();
    assert_eq!(backup["changed_question_ids"], json!([flaky]), "{backup}");
    assert_eq!(
        app.ok("list_backups", json!({})).as_array().unwrap().len(),
        2
    );

    // The exported result reports the retried question as written.
    let out = home.path().join("result.json");
    app.dialogs.answer(Some(&out));
    app.ok(
        "export_report",
        json!({"request": {"format": "json", "file_name": "result.json", "of": "result"}}),
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(report["workload_arn"], workload_arn(GOOD_ID));
    assert_eq!(report["backup"], json!(second_backup));
    assert!(report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|q| q["status"] != "failed"));

    // Nothing failed any more: a second retry is refused, and the workload is up to date.
    let err = app.err(
        "retry_failed",
        json!({"runId": 4, "onProgress": "__CHANNEL__:4"}),
    );
    assert_eq!(err["code"], "bad_input");
    let again = app.ok(
        "preview",
        json!({"request": request(5), "onProgress": "__CHANNEL__:5"}),
    );
    assert!(again["questions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|q| q["status"] != "would-change"));
}

/// moto's IAM/STS server, when installed (`WA_SYNC_MOTO_SERVER` or `moto_server` on PATH; CI
/// installs it), stopped when dropped.
struct Moto(std::process::Child, String);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_moto() -> Option<Moto> {
    let binary = std::env::var_os("WA_SYNC_MOTO_SERVER")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|p| p.join("moto_server"))
                    .find(|p| p.exists())
            })
        })
        .filter(|p| p.exists())?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(binary)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start moto_server");
    let moto = Moto(child, format!("http://127.0.0.1:{port}"));
    // Waits for the server to listen; a start that never comes fails the test below.
    for _ in 0..300 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(moto);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("moto_server did not start");
}

/// One IAM query-API call straight to moto (a role wa-sync did not make); moto's XML answer.
fn moto_iam(endpoint: &str, params: &[(&str, &str)]) -> String {
    use std::io::{Read, Write};
    let mut body = String::from("Version=2010-05-08");
    for (k, v) in params {
        let encoded: String = v
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        body.push_str(&format!("&{k}={encoded}"));
    }
    let addr = endpoint.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential={DEV_KEY}/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn iam_create_asks_before_taking_over_a_role_it_did_not_make_against_moto() {
    let Some(moto) = start_moto() else {
        eprintln!(
            "SKIPPED iam_create_asks_before_taking_over_a_role_it_did_not_make_against_moto: \
             moto_server not found (set WA_SYNC_MOTO_SERVER)"
        );
        return;
    };
    let _env = env_lock();
    let fakes = start_fakes();
    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    aws_env(home.path(), &fakes);
    let mut app = Harness::new(AppState::with_data_dir(false, data.path()));
    app.ok("conformity_connect", connect_body(&fakes, Some(KEY)));
    app.ok("choose_account", json!({"accountId": "acc-shop"}));
    app.ok(
        "choose_workload",
        json!({"profile": "dev", "region": REGION, "workloadArn": workload_arn(GOOD_ID)}),
    );
    // IAM and STS from here on are moto's (its accounts are 123456789012, as the workload's).
    std::env::set_var("AWS_ENDPOINT_URL_IAM", &moto.1);
    std::env::set_var("AWS_ENDPOINT_URL_STS", &moto.1);
    let foreign = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}"#;
    let made = moto_iam(
        &moto.1,
        &[
            ("Action", "CreateRole"),
            ("RoleName", ROLE_NAME),
            ("AssumeRolePolicyDocument", foreign),
        ],
    );
    assert!(made.contains(ROLE_NAME), "{made}");
    let trust_now = || {
        let role = moto_iam(&moto.1, &[("Action", "GetRole"), ("RoleName", ROLE_NAME)]);
        role.split_once("<AssumeRolePolicyDocument>")
            .and_then(|(_, rest)| rest.split_once("</AssumeRolePolicyDocument>"))
            .map(|(doc, _)| doc.to_string())
            .unwrap_or_else(|| panic!("{role}"))
    };

    // Without the user's word nothing changes, and the answer shows both trust policies.
    let c = app.ok(
        "iam_create",
        json!({"writer": "app", "roleName": ROLE_NAME}),
    );
    let adoption = &c["adoption"];
    assert_eq!(
        adoption["foreign"],
        json!([format!("role {ROLE_NAME}")]),
        "{c}"
    );
    assert!(adoption["current_trust_policy"]
        .as_str()
        .unwrap()
        .contains("arn:aws:iam::999999999999:root"));
    assert!(adoption["new_trust_policy"].as_str().unwrap().contains(EXT));
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .starts_with("Nothing was changed"),
        "{c}"
    );
    assert!(trust_now().contains("999999999999"));
    let tags = moto_iam(
        &moto.1,
        &[("Action", "ListRoleTags"), ("RoleName", ROLE_NAME)],
    );
    assert!(!tags.contains("wa-sync:managed"), "{tags}");
    assert!(app.ok("setup_status", json!({}))["settings"]["role"].is_null());

    // Confirmed: taken over (trust replaced, tagged), and from then on it is wa-sync's.
    let c = app.ok(
        "iam_create",
        json!({"writer": "app", "roleName": ROLE_NAME, "adopt": true}),
    );
    assert!(c["adoption"].is_null(), "{c}");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("updated (trust policy)"),
        "{c}"
    );
    assert!(!trust_now().contains("999999999999"));
    let tags = moto_iam(
        &moto.1,
        &[("Action", "ListRoleTags"), ("RoleName", ROLE_NAME)],
    );
    assert!(tags.contains("wa-sync:managed"), "{tags}");
    let c = app.ok(
        "iam_create",
        json!({"writer": "app", "roleName": ROLE_NAME}),
    );
    assert!(c["adoption"].is_null(), "{c}");
    assert_eq!(
        app.ok("setup_status", json!({}))["settings"]["role"]["role_arn"],
        role_arn()
    );
    // A new name: created and tagged, no question asked.
    let c = app.ok(
        "iam_create",
        json!({"writer": "app", "roleName": "WaSyncFresh"}),
    );
    assert!(c["adoption"].is_null(), "{c}");
    assert!(c["summary"].as_str().unwrap().contains("created"), "{c}");
    drop(fakes.rt);
}
