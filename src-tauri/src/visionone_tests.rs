//! The Vision One path of the guided setup and the preview, through Tauri's IPC (mock runtime),
//! against `FakeVisionOne` (and the STS / Well-Architected fakes for the role step).

use crate::setup_tests::{
    aws_env, env_lock, files_containing, role_arn, start_fakes, workload_arn, Harness, AWS_ACCOUNT,
    GOOD_ID, REGION, ROLE_KEY, ROLE_NAME,
};
use crate::state::AppState;
use crate::tests::questions_with;
use serde_json::{json, Value};
use wa_sync_engine::checks::{NoProgress, TagFilter};
use wa_sync_engine::conformity::ApiKey;
use wa_sync_engine::mapping::Mapping;
use wa_sync_engine::notes::NotesMode;
use wa_sync_engine::preview::{self, Source};
use wa_sync_engine::visionone::{VisionOneClient, VisionOneOptions};
use wa_sync_fakes::sts::Role;
use wa_sync_fakes::visionone::{Account, FakeVisionOne, Fixture};

const V1_KEY: &str = "eyJ0eXAiOiJKV1QiVisionOneSecretKeyValue7Hq";
const V1_WRONG: &str = "eyJ0eXAiOiJKV1QiWrongVisionOneKeyValue00Zz";
const V1_ACCOUNT: &str = "5b3f0c1e-7a2d-4e7f-9b1a-0c2d3e4f5a6b";
const CHECKS: usize = 300;

fn start_visionone(rt: &tokio::runtime::Runtime) -> FakeVisionOne {
    rt.block_on(async {
        let mut fixture = Fixture::synthetic(V1_KEY, V1_ACCOUNT, AWS_ACCOUNT, CHECKS, 11);
        fixture.accounts.push(Account {
            id: "azure-sub".into(),
            name: "An Azure subscription".into(),
            aws_account_id: String::new(),
            provider: "azure".into(),
        });
        FakeVisionOne::start(fixture).await
    })
}

fn connect_body(fake: &FakeVisionOne, key: Option<&str>) -> Value {
    json!({ "endpoint": { "region": null, "url": fake.base_url() }, "apiKey": key })
}

fn configured_request(run_id: u32, tags: &[&str]) -> Value {
    json!({
        "request": {
            "run_id": run_id,
            "source": { "kind": "configured" },
            "filter_tags": tags,
            "notes_mode": "replace-block"
        },
        "onProgress": "__CHANNEL__:1"
    })
}

#[test]
fn vision_one_setup_tests_the_key_picks_an_account_and_previews_like_the_engine() {
    let _env = env_lock();
    let fakes = start_fakes();
    let v1 = start_visionone(&fakes.rt);
    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    aws_env(home.path(), &fakes);
    let mut app = Harness::new(AppState::with_data_dir(false, data.path()));

    // The product choice is kept (and switching clears the account of the other product).
    let s = app.ok("choose_product", json!({"product": "vision-one"}));
    assert_eq!(s["product"], "vision-one");
    let status = app.ok("setup_status", json!({}));
    let regions: Vec<&str> = status["visionone_regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        regions,
        ["us", "eu", "jp", "sg", "au", "in", "mea", "uk", "usgov"]
    );
    assert_eq!(status["visionone_key"]["source"], "none");

    // A wrong key: the auth message, without the key, and nothing saved.
    let err = app.err("visionone_connect", connect_body(&v1, Some(V1_WRONG)));
    assert_eq!(err["code"], "auth", "{err}");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("not saved"), "{message}");
    assert!(!message.contains(V1_WRONG) && !message.contains("WrongVisionOne"));
    assert_eq!(
        app.ok("setup_status", json!({}))["visionone_key"]["source"],
        "none"
    );
    // No region nor URL.
    let err = app.err(
        "visionone_connect",
        json!({"endpoint": {"region": null, "url": null}, "apiKey": V1_KEY}),
    );
    assert_eq!(err["code"], "bad_input");

    // The right key: tested, saved, only the last four shown; AWS accounts only.
    let c = app.ok("visionone_connect", connect_body(&v1, Some(V1_KEY)));
    assert_eq!(c["key"]["saved"], true);
    assert_eq!(c["key"]["last_four"], &V1_KEY[V1_KEY.len() - 4..]);
    let accounts = c["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "{c}");
    assert_eq!(accounts[0]["id"], V1_ACCOUNT);
    assert_eq!(c["other_clouds"], 1);
    assert_eq!(app.ok("visionone_accounts", json!({})), c["accounts"]);
    let err = app.err("choose_account", json!({"accountId": "azure-sub"}));
    assert_eq!(err["code"], "not_found");
    let s = app.ok("choose_account", json!({"accountId": V1_ACCOUNT}));
    assert_eq!(s["account"]["aws_account_id"], AWS_ACCOUNT);
    assert_eq!(s["vision_one"]["url"], v1.base_url());
    // Testing again without a key uses the saved one.
    app.ok("visionone_connect", connect_body(&v1, None));

    // The tag count comes from Vision One, which refuses values without `::`.
    let err = app.err(
        "tag_match_count",
        json!({"tags": ["production"], "source": {"kind": "configured"}}),
    );
    assert_eq!(err["code"], "bad_input");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("not a whole key::value tag"),
        "{err}"
    );
    let count = app.ok(
        "tag_match_count",
        json!({"tags": ["Environment::production"], "source": {"kind": "configured"}}),
    );
    assert_eq!(count["total"], CHECKS as u64, "{count}");
    let matching = count["matching"].as_u64().unwrap();
    assert!(matching > 0 && matching < CHECKS as u64, "{count}");

    // The preview of the configured account equals the engine's for the same checks.
    let err = app.err("preview", configured_request(1, &["production"]));
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("not a whole key::value tag"),
        "{err}"
    );
    let report = app.ok(
        "preview",
        configured_request(2, &["Environment::production"]),
    );
    let expected = fakes.rt.block_on(async {
        let client = VisionOneClient::new(
            v1.base_url().parse().unwrap(),
            ApiKey::new(V1_KEY).unwrap(),
            VisionOneOptions::default(),
        )
        .unwrap();
        let tags = TagFilter::parse(&["Environment::production".to_string()]).unwrap();
        let mapping = Mapping::builtin();
        let source = Source::VisionOne {
            client: &client,
            account_id: V1_ACCOUNT.into(),
        };
        let collected = preview::collect(&source, &tags, &mapping, &NoProgress)
            .await
            .unwrap();
        preview::report(
            Some(V1_ACCOUNT),
            &tags,
            &mapping,
            &collected,
            None,
            NotesMode::ReplaceBlock,
        )
    });
    assert_eq!(report, serde_json::to_value(&expected).unwrap());
    assert_eq!(report["account_id"], V1_ACCOUNT);

    // Connection badge: Vision One, with the account.
    let conn = app.ok("connection_status", json!({}));
    assert_eq!(conn["conformity"]["state"], "ok", "{conn}");
    assert!(conn["conformity"]["detail"]
        .as_str()
        .unwrap()
        .contains("Vision One"));

    // The role step: no hosted sync, the external ID optional.
    app.ok(
        "choose_workload",
        json!({"profile": "dev", "region": REGION, "workloadArn": workload_arn(GOOD_ID)}),
    );
    let err = app.err(
        "iam_plan",
        json!({"writer": "hosted", "roleName": ROLE_NAME}),
    );
    assert_eq!(err["code"], "bad_input");
    let plan = app.ok("iam_plan", json!({"writer": "app", "roleName": ROLE_NAME}));
    assert!(plan["external_id"].is_null(), "{plan}");
    let trust: Value = serde_json::from_str(plan["trust_policy"].as_str().unwrap()).unwrap();
    assert!(trust["Statement"][0]["Condition"].is_null(), "{trust}");
    assert!(!trust.to_string().contains("717210094962"));
    app.ok(
        "set_role_arn",
        json!({"writer": "app", "roleArn": role_arn()}),
    );
    // A role without external ID: AssumeRole without one.
    fakes.sts.add_role(Role::new(&role_arn(), ROLE_KEY));
    let v = app.ok("iam_verify", json!({}));
    assert_eq!(v["ok"], true, "{v}");
    // With one the user chose, the trust policy demands it and AssumeRole sends it.
    let err = app.err(
        "set_external_id",
        json!({"externalId": "no spaces allowed"}),
    );
    assert_eq!(err["code"], "bad_input");
    let s = app.ok("set_external_id", json!({"externalId": "my-team-ext-42"}));
    assert_eq!(s["role"]["external_id"], "my-team-ext-42");
    assert_eq!(s["role"]["role_arn"], role_arn());
    let plan = app.ok("iam_plan", json!({"writer": "app", "roleName": ROLE_NAME}));
    assert_eq!(plan["external_id"], "my-team-ext-42");
    fakes.sts.add_role(Role {
        external_id: Some("my-team-ext-42".into()),
        ..Role::new(&role_arn(), ROLE_KEY)
    });
    let v = app.ok("iam_verify", json!({}));
    assert_eq!(v["ok"], true, "{v}");

    // Push the Vision One account's notes through the role (with the chosen external ID), export
    // the result, and restore the backup.
    let before = fakes.wa.answer_updates().len();
    let pushed = app.ok(
        "push",
        json!({"request": {"preview": configured_request(4, &["Environment::production"])["request"], "opted_out": []}, "onProgress": "__CHANNEL__:2"}),
    );
    assert_eq!(pushed["account_id"], V1_ACCOUNT);
    let written = questions_with(&pushed, "written").len();
    assert!(written > 5, "{written}");
    let updates = fakes.wa.answer_updates()[before..].to_vec();
    assert_eq!(updates.len(), written);
    assert!(updates
        .iter()
        .all(|u| u.access_key_id.as_deref() == Some(ROLE_KEY)));
    let out = home.path().join("v1-result.json");
    app.dialogs.answer(Some(&out));
    app.ok(
        "export_report",
        json!({"request": {"format": "json", "file_name": "v1-result.json", "of": "result"}}),
    );
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(exported["workload_arn"], workload_arn(GOOD_ID));
    let backups = app.ok("list_backups", json!({}));
    let path = backups[0]["path"].as_str().unwrap().to_string();
    let plan = app.ok("restore_plan", json!({"path": path}));
    assert_eq!(plan["put_back"].as_array().unwrap().len(), written);
    app.ok(
        "restore",
        json!({"path": path, "onProgress": "__CHANNEL__:3"}),
    );

    // The key is nowhere but the key store: not in any answer, nor any file of the app.
    for answer in &app.seen {
        assert!(
            !answer.contains(V1_KEY),
            "an answer holds the key: {answer}"
        );
    }
    assert!(files_containing(data.path(), V1_KEY).is_empty());
    assert!(files_containing(home.path(), V1_KEY).is_empty());
    let settings = std::fs::read_to_string(data.path().join("settings.json")).unwrap();
    assert!(
        settings.contains("\"product\": \"vision-one\""),
        "{settings}"
    );

    // Forgetting the key.
    let k = app.ok("visionone_forget_key", json!({}));
    assert_eq!(k["source"], "none");
    let err = app.err("preview", configured_request(3, &[]));
    assert_eq!(err["code"], "missing_key", "{err}");
}

#[test]
fn a_saved_vision_one_key_goes_only_to_the_site_it_was_verified_with() {
    let _env = env_lock();
    let fakes = start_fakes();
    let v1 = start_visionone(&fakes.rt);
    let other = start_visionone(&fakes.rt);
    let data = tempfile::tempdir().unwrap();
    aws_env(data.path(), &fakes);
    let mut app = Harness::new(AppState::with_data_dir(false, data.path()));
    app.ok("choose_product", json!({"product": "vision-one"}));
    let c = app.ok("visionone_connect", connect_body(&v1, Some(V1_KEY)));
    assert_eq!(c["key"]["bound_to"], v1.base_url().trim_end_matches('/'));

    let err = app.err("visionone_connect", connect_body(&other, None));
    assert_eq!(err["code"], "key_host", "{err}");
    let text = err["message"].as_str().unwrap();
    assert!(text.contains("type the key again"), "{text}");
    assert!(other.requests().is_empty(), "the other site was called");
    let err = app.err(
        "visionone_connect",
        json!({"endpoint": {"region": "eu", "url": null}, "apiKey": null}),
    );
    assert_eq!(err["code"], "key_host", "{err}");
    // The configured site keeps working; the other one works once the key is typed for it.
    app.ok("visionone_connect", connect_body(&v1, None));
    let c = app.ok("visionone_connect", connect_body(&other, Some(V1_KEY)));
    assert_eq!(c["key"]["bound_to"], other.base_url().trim_end_matches('/'));
    for answer in &app.seen {
        assert!(!answer.contains(V1_KEY), "{answer}");
    }
    drop(fakes.rt);
}
