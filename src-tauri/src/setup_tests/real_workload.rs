//! The whole setup against the fakes, then preview, push, restore and retry on the configured
//! (fake) AWS workload.

use super::*;
use crate::tests::questions_with;

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
    let would = questions_with(&preview, "would-change").len();
    assert!(would > 5, "{would}");
    // (verify rewrote one question's notes unchanged each time it passed)
    let verified_updates = fakes.wa.answer_updates().len();
    let pushed = app.ok(
        "push",
        json!({"request": {"preview": request(2)["request"], "opted_out": []}, "onProgress": "__CHANNEL__:2"}),
    );
    let written = questions_with(&pushed, "written").len();
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
    app.set_up_shop(&fakes);
    let request = |run_id: u32| {
        json!({"run_id": run_id, "source": {"kind": "configured"}, "filter_tags": [],
               "notes_mode": "replace-block"})
    };
    let preview = app.ok(
        "preview",
        json!({"request": request(1), "onProgress": "__CHANNEL__:1"}),
    );
    let would: Vec<String> = questions_with(&preview, "would-change");
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
