//! Command tests through Tauri's IPC with the mock runtime (`tauri::test`), using the app's real
//! `tauri.conf.json` and capabilities, so the permission system is exercised too.

use crate::dialogs::ScriptedDialogs;
use serde_json::{json, Value};
use std::sync::Arc;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

/// The app over a fresh data directory (demo workload and backups).
pub(crate) fn app_in(dir: &std::path::Path, start_demo: bool) -> App<MockRuntime> {
    crate::setup(
        mock_builder(),
        crate::state::AppState::with_data_dir(start_demo, dir),
    )
    .build(tauri::generate_context!())
    .expect("the app builds with the mock runtime")
}

fn app() -> (App<MockRuntime>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (app_in(dir.path(), false), dir)
}

/// The app with file dialogs answered by the test.
fn app_with_dialogs() -> (App<MockRuntime>, tempfile::TempDir, Arc<ScriptedDialogs>) {
    let dir = tempfile::tempdir().unwrap();
    let state = crate::state::AppState::with_data_dir(false, dir.path());
    let dialogs = Arc::new(ScriptedDialogs::default());
    state.set_dialogs(dialogs.clone());
    let app = crate::setup(mock_builder(), state)
        .build(tauri::generate_context!())
        .expect("the app builds with the mock runtime");
    (app, dir, dialogs)
}

pub(crate) fn window(app: &App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    WebviewWindowBuilder::new(app, label, Default::default())
        .build()
        .expect("a mock window")
}

pub(crate) fn invoke(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: Value,
) -> Result<Value, Value> {
    tauri::test::get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: if cfg!(windows) {
                "http://tauri.localhost"
            } else {
                "tauri://localhost"
            }
            .parse()
            .unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("JSON response"))
}

/// The IDs of a report's questions with `status` (`written`, `would-change`, …).
pub(crate) fn questions_with(report: &Value, status: &str) -> Vec<String> {
    report["questions"]
        .as_array()
        .expect("a report has questions")
        .iter()
        .filter(|q| q["status"] == status)
        .map(|q| q["question_id"].as_str().unwrap().to_string())
        .collect()
}

fn demo_request(run_id: u32, tags: &[&str]) -> Value {
    json!({
        "request": {
            "run_id": run_id,
            "source": { "kind": "demo" },
            "filter_tags": tags,
            "notes_mode": "replace-block"
        },
        "onProgress": "__CHANNEL__:1"
    })
}

#[test]
fn preview_of_the_demo_matches_the_engine() {
    let (app, _dir) = app();
    let main = window(&app, "main");
    let report = invoke(&main, "preview", demo_request(1, &[])).expect("preview works");
    assert_eq!(report["account_id"], "demo-account");
    assert_eq!(report["questions"].as_array().unwrap().len(), 57);
    assert_eq!(report["pillars"].as_array().unwrap().len(), 6);
    let not_covered = questions_with(&report, "not-covered").len();
    assert!(not_covered > 0);
    // Against the fresh demo workload: the reviewer's notes are kept above the new block.
    let sec1 = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question_id"] == "securely-operate")
        .unwrap();
    let current = sec1["current_notes"].as_str().unwrap();
    assert!(
        current.starts_with("Reviewed with the platform team"),
        "{current}"
    );
    assert!(sec1["notes"].as_str().unwrap().starts_with(current));
    // The same JSON as the command line's preview of the demo (the UI tests' fixture).
    let fixture: Value =
        serde_json::from_str(include_str!("../../../tests/ui/fixtures/preview-demo.json")).unwrap();
    assert!(
        report == fixture,
        "the app's demo preview differs from tests/ui/fixtures/preview-demo.json; regenerate it \
         with `wa-sync preview --demo --demo-workload <new file> --json`"
    );
}

#[test]
fn tag_filter_narrows_the_preview_and_the_count() {
    let (app, _dir) = app();
    let main = window(&app, "main");
    let count = invoke(
        &main,
        "tag_match_count",
        json!({ "tags": ["APP::Checkout"], "source": { "kind": "demo" } }),
    )
    .unwrap();
    let all = invoke(
        &main,
        "tag_match_count",
        json!({ "tags": [], "source": { "kind": "demo" } }),
    )
    .unwrap();
    assert_eq!(all["matching"], all["total"]);
    assert!(count["matching"].as_u64().unwrap() < all["matching"].as_u64().unwrap());
    let report = invoke(&main, "preview", demo_request(2, &["App::checkout"])).unwrap();
    assert_eq!(report["filter_tags"], json!(["App::checkout"]));
    // The count shown before the preview is the checks the preview then reads.
    assert_eq!(report["checks"]["fetched"], count["matching"]);
}

#[test]
fn errors_are_code_and_message() {
    let (app, _dir) = app();
    let main = window(&app, "main");
    let err = invoke(
        &main,
        "tag_match_count",
        json!({ "tags": ["env::"], "source": { "kind": "demo" } }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "bad_input");
    assert!(
        err["message"].as_str().unwrap().contains("key::value"),
        "{err}"
    );
    assert_eq!(err.as_object().unwrap().len(), 2, "{err}");
    let mut request = demo_request(3, &[]);
    request["request"]["notes_mode"] = json!("sideways");
    let err = invoke(&main, "preview", request).unwrap_err();
    assert_eq!(err["code"], "bad_input");
    let mut request = demo_request(4, &[]);
    request["request"]["source"] =
        json!({ "kind": "conformity", "region": "us-1", "account_id": "no spaces" });
    let err = invoke(&main, "preview", request).unwrap_err();
    assert_eq!(err["code"], "bad_input");
}

#[test]
fn a_run_id_in_use_is_refused_and_cancel_reports_unknown_runs() {
    let (app, _dir) = app();
    let main = window(&app, "main");
    let state = tauri::Manager::state::<crate::state::AppState>(&app);
    let _held = state.start_for_test(9);
    let err = invoke(&main, "preview", demo_request(9, &[])).unwrap_err();
    assert_eq!(err["code"], "busy");
    assert_eq!(
        invoke(&main, "cancel", json!({ "runId": 9 })).unwrap(),
        true
    );
    assert_eq!(
        invoke(&main, "cancel", json!({ "runId": 9 })).unwrap(),
        false
    );
    // Finished runs are forgotten, so their ID can be used again.
    invoke(&main, "preview", demo_request(9, &[])).expect("run 9 again");
}

#[tokio::test]
async fn cancelling_stops_a_running_preview() {
    let state = crate::state::AppState::new(false);
    let cancelled = state.start_for_test(5);
    let slow = async {
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        Ok::<_, crate::AppError>(())
    };
    let run = crate::commands::cancellable(cancelled, slow);
    assert!(state.cancel_run(5));
    let err = tokio::time::timeout(std::time::Duration::from_secs(5), run)
        .await
        .expect("cancel is prompt")
        .unwrap_err();
    assert_eq!(err.code, crate::error::ErrorCode::Cancelled);
}

#[test]
fn only_the_main_window_may_call_the_commands() {
    let (app, _dir) = app();
    let other = window(&app, "other");
    let err = invoke(&other, "mapping_coverage", json!({})).unwrap_err();
    assert!(
        err.to_string().contains("not allowed"),
        "a window without the capability must be refused: {err}"
    );
    let err = invoke(
        &other,
        "export_report",
        json!({ "request": { "format": "json", "file_name": "x.json", "of": "preview" } }),
    )
    .unwrap_err();
    assert!(err.to_string().contains("not allowed"), "{err}");
    let main = window(&app, "main");
    let coverage = invoke(&main, "mapping_coverage", json!({})).unwrap();
    assert_eq!(coverage["questions"].as_array().unwrap().len(), 57);
}

#[test]
fn app_info_says_demo() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path(), true);
    let main = window(&app, "main");
    let info = invoke(&main, "app_info", json!({})).unwrap();
    assert_eq!(info["start_demo"], true);
    assert_eq!(info["can_push"], true);
    assert_eq!(info["lens"], "wellarchitected");
}

#[test]
fn push_writes_the_demo_workload_keeps_opt_outs_and_restore_puts_it_back() {
    let (app, _dir) = app();
    let main = window(&app, "main");
    let before = invoke(&main, "preview", demo_request(1, &[])).unwrap();
    let would: Vec<String> = questions_with(&before, "would-change");
    assert!(would.len() > 10);
    let push = json!({
        "request": { "preview": demo_request(2, &[])["request"], "opted_out": [would[0]] },
        "onProgress": "__CHANNEL__:2"
    });
    let pushed = invoke(&main, "push", push.clone()).unwrap();
    let status = |r: &Value, id: &str| {
        r["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["question_id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(
        status(&pushed, &would[0]),
        "would-change",
        "opted out: not written"
    );
    assert_eq!(status(&pushed, &would[1]), "written");
    assert!(pushed["backup"].is_string());
    // Pushing again writes nothing new: only the opted-out question still differs.
    let again = invoke(&main, "preview", demo_request(3, &[])).unwrap();
    assert_eq!(status(&again, &would[1]), "unchanged");
    assert_eq!(status(&again, &would[0]), "would-change");

    let backups = invoke(&main, "list_backups", json!({})).unwrap();
    let path = backups[0]["path"].as_str().unwrap().to_string();
    let plan = invoke(&main, "restore_plan", json!({ "path": path })).unwrap();
    assert_eq!(plan["put_back"].as_array().unwrap().len(), would.len() - 1);
    let restored = invoke(
        &main,
        "restore",
        json!({ "path": path, "onProgress": "__CHANNEL__:3" }),
    )
    .unwrap();
    assert!(
        restored["backup"].is_string(),
        "the replaced notes are backed up too"
    );
    let after = invoke(&main, "preview", demo_request(4, &[])).unwrap();
    assert_eq!(
        after["questions"], before["questions"],
        "back as before the push"
    );

    // Only listed backups can be restored.
    let err = invoke(&main, "restore_plan", json!({ "path": "/etc/passwd" })).unwrap_err();
    assert_eq!(err["code"], "not_found");
}

#[test]
fn an_export_says_which_characters_the_pdf_could_not_draw() {
    let (app, _dir, dialogs) = app_with_dialogs();
    let main = window(&app, "main");
    let out = tempfile::tempdir().unwrap();
    // U+10FFFD is a private-use character: no installed font draws it.
    invoke(&main, "preview", demo_request(1, &["Site::\u{10FFFD}"])).unwrap();
    let export = |format: &str| {
        dialogs.answer(Some(&out.path().join(format!("r.{format}"))));
        invoke(
            &main,
            "export_report",
            json!({ "request": { "format": format, "file_name": "r", "of": "preview" } }),
        )
        .unwrap()
    };
    let pdf = export("pdf");
    let warnings = pdf["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{pdf}");
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .starts_with("No installed font"),
        "{pdf}"
    );
    assert_eq!(export("json")["warnings"], json!([]));
}

#[test]
fn export_writes_each_format_of_the_preview_and_the_push_result() {
    let (app, dir, dialogs) = app_with_dialogs();
    let main = window(&app, "main");
    let out = tempfile::tempdir().unwrap();
    // The file is the one picked in the save dialog, which the Rust side opens.
    let export = |format: &str, path: &std::path::Path, of: &str| {
        dialogs.answer(Some(path));
        invoke(
            &main,
            "export_report",
            json!({ "request": { "format": format, "file_name": "suggested.name", "of": of } }),
        )
    };
    // Nothing computed yet: nothing to export, and no dialog opens.
    let err = invoke(
        &main,
        "export_report",
        json!({ "request": { "format": "json", "file_name": "r.json", "of": "preview" } }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "bad_input", "{err}");
    assert!(dialogs.asked().is_empty());

    invoke(&main, "preview", demo_request(1, &[])).unwrap();
    for (format, ext) in [
        ("json", "json"),
        ("csv", "csv"),
        ("md", "md"),
        ("html", "html"),
        ("pdf", "pdf"),
    ] {
        let path = out.path().join(format!("preview.{ext}"));
        let done = export(format, &path, "preview").unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_eq!(done["path"], path.display().to_string());
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(done["bytes"], bytes.len() as u64);
        let text = String::from_utf8_lossy(&bytes);
        match format {
            "json" => {
                let v: Value = serde_json::from_slice(&bytes).expect("the JSON parses");
                assert_eq!(v["schema"], "wa-sync/report/v1");
                assert_eq!(v["account_id"], "demo-account");
                assert_eq!(v["questions"].as_array().unwrap().len(), 57);
                assert!(v["backup"].is_null());
            }
            "csv" => assert!(text.starts_with("pillar_id,pillar,question_number,question_id,")),
            "md" => assert!(text.starts_with("# Well-Architected Check Summary Report\n")),
            "html" => {
                assert!(text.starts_with("<!DOCTYPE html>"));
                assert!(text.trim_end().ends_with("</html>"));
            }
            _ => {
                assert!(bytes.starts_with(b"%PDF-"));
                assert!(text.trim_end().ends_with("%%EOF"));
            }
        }
    }
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 5, "{names:?}");

    // A name without an extension gets the format's; relative paths and folders are refused.
    let done = export("md", &out.path().join("board"), "preview").unwrap();
    assert_eq!(
        done["path"],
        out.path().join("board.md").display().to_string()
    );
    let err = export("csv", std::path::Path::new("report.csv"), "preview").unwrap_err();
    assert_eq!(err["code"], "bad_input");
    assert_eq!(
        export("csv", out.path(), "preview").unwrap_err()["code"],
        "bad_input"
    );
    assert_eq!(
        export("csv", &out.path().join("no/such/dir/r.csv"), "preview").unwrap_err()["code"],
        "bad_input"
    );
    // The dialog proposes the UI's file name (a bare name only) with the format's filter, and
    // opens in the folder chosen last; a cancelled dialog writes nothing.
    let asked = dialogs.asked();
    assert_eq!(asked[0].file_name.as_deref(), Some("suggested.name"));
    assert_eq!(
        asked[0].filter,
        Some(("JSON report".to_string(), vec!["json".to_string()]))
    );
    assert_eq!(asked.last().unwrap().start_dir, out.path());
    dialogs.answer(None);
    let cancelled = invoke(
        &main,
        "export_report",
        json!({ "request": { "format": "csv", "file_name": "../../etc/passwd", "of": "preview" } }),
    )
    .unwrap();
    assert!(cancelled.is_null(), "{cancelled}");
    assert_eq!(
        dialogs.asked().last().unwrap().file_name.as_deref(),
        Some("wa-sync-report.csv")
    );
    // No push yet: no result to export.
    let err = invoke(
        &main,
        "export_report",
        json!({ "request": { "format": "json", "file_name": "result.json", "of": "result" } }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "bad_input");

    // After a push the result's report says what was written and names the backup.
    let pushed = invoke(
        &main,
        "push",
        json!({
            "request": { "preview": demo_request(2, &[])["request"], "opted_out": [] },
            "onProgress": "__CHANNEL__:2"
        }),
    )
    .unwrap();
    let path = out.path().join("result.json");
    export("json", &path, "result").unwrap();
    let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(v["backup"], pushed["backup"]);
    let written = questions_with(&v, "written").len();
    assert!(written > 10, "{written}");
    // An existing file is replaced whole.
    export("csv", &out.path().join("preview.csv"), "result").unwrap();
    let csv = std::fs::read_to_string(out.path().join("preview.csv")).unwrap();
    assert!(csv.contains(",written,"), "the result's statuses");
    drop(dir);
}

#[test]
fn retry_needs_a_push_with_failures() {
    let (app, _dir) = app();
    let main = window(&app, "main");
    let retry = json!({ "runId": 7, "onProgress": "__CHANNEL__:7" });
    let err = invoke(&main, "retry_failed", retry.clone()).unwrap_err();
    assert_eq!(err["code"], "bad_input");
    invoke(
        &main,
        "push",
        json!({
            "request": { "preview": demo_request(1, &[])["request"], "opted_out": [] },
            "onProgress": "__CHANNEL__:1"
        }),
    )
    .unwrap();
    let err = invoke(&main, "retry_failed", retry).unwrap_err();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("nothing to retry"),
        "{err}"
    );
}

#[test]
fn the_files_source_reads_only_what_the_open_dialog_picked() {
    let (app, _dir, dialogs) = app_with_dialogs();
    let main = window(&app, "main");
    let files_preview = json!({
        "request": { "run_id": 9, "source": { "kind": "files" }, "filter_tags": [], "notes_mode": "replace-block" },
        "onProgress": "__CHANNEL__:9"
    });
    let err = invoke(&main, "preview", files_preview.clone()).unwrap_err();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("choose at least one saved checks file"),
        "{err}"
    );
    // Rule settings only go with checks files; a cancelled dialog changes nothing.
    let err = invoke(
        &main,
        "choose_checks_files",
        json!({ "ruleSettings": true }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "bad_input");
    dialogs.answer(None);
    let none = invoke(
        &main,
        "choose_checks_files",
        json!({ "ruleSettings": false }),
    )
    .unwrap();
    assert!(none.is_null(), "{none}");
    let picked_dir = tempfile::tempdir().unwrap();
    let picks = [
        picked_dir.path().join("a.json"),
        picked_dir.path().join("b.json"),
    ];
    dialogs.answer_files(&picks);
    let chosen = invoke(
        &main,
        "choose_checks_files",
        json!({ "ruleSettings": false }),
    )
    .unwrap();
    assert_eq!(chosen["checks"].as_array().unwrap().len(), 2, "{chosen}");
    assert!(chosen["rule_settings"].is_null());
    assert_eq!(
        dialogs.asked()[1].filter,
        Some(("JSON".to_string(), vec!["json".to_string()]))
    );
    // The preview now reads those files (which do not exist here, so it says so).
    let err = invoke(&main, "preview", files_preview).unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("a.json"), "{err}");
}

/// Cancelling a push after its first write: the writes in flight finish, no new one starts, the
/// result says which questions were written and which were not (and matches the workload), it
/// is kept, and a retry writes the rest.
#[test]
fn a_cancelled_push_reports_what_it_wrote_and_a_retry_writes_the_rest() {
    use crate::commands::push::run_push;
    use crate::state::AppState;
    use crate::types::{ProgressEvent, PushRequest};
    use tauri::ipc::{Channel, InvokeResponseBody};
    use wa_sync_engine::usecase::Cancel;

    let (app, dir) = app();
    let main = window(&app, "main");
    let state = tauri::Manager::state::<AppState>(&app);
    let cancel = Cancel::new();
    let on_write = cancel.clone();
    let progress: Channel<ProgressEvent> = Channel::new(move |body| {
        if let InvokeResponseBody::Json(text) = body {
            if text.contains("\"kind\":\"written\"") {
                on_write.cancel();
            }
        }
        Ok(())
    });
    let request: PushRequest = serde_json::from_value(
        json!({ "preview": demo_request(2, &[])["request"], "opted_out": [] }),
    )
    .unwrap();
    let result =
        tauri::async_runtime::block_on(run_push(state.inner(), &request, cancel, &progress))
            .expect("a cancelled push still returns what it did");
    let result = serde_json::to_value(&result).unwrap();
    let written = questions_with(&result, "written");
    let not_written = questions_with(&result, "not-written");
    assert!(!written.is_empty(), "the first write finished");
    assert!(
        written.len() <= wa_sync_engine::sync::writer::MAX_WINDOW + 1,
        "no new write started after the cancel: {} written",
        written.len()
    );
    assert!(!not_written.is_empty());
    assert!(result["backup"].is_string(), "its backup is named");

    // The result matches the workload.
    let demo =
        wa_sync_engine::wellarchitected::DemoWorkload::open(dir.path().join("demo-workload.json"));
    let snapshot = tauri::async_runtime::block_on(demo.snapshot()).unwrap();
    let notes_of = |id: &str| {
        let q = snapshot
            .questions
            .iter()
            .find(|q| q.question_id == id)
            .unwrap();
        q.notes.clone()
    };
    let planned = |id: &str| {
        let q = result["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["question_id"] == id);
        q.unwrap()["notes"].as_str().unwrap().to_string()
    };
    for id in &written {
        assert_eq!(notes_of(id), planned(id), "{id} was written");
    }
    for id in &not_written {
        assert_ne!(notes_of(id), planned(id), "{id} was not written");
    }
    // The backup is listed for restore.
    let backups = invoke(&main, "list_backups", json!({})).unwrap();
    assert_eq!(backups[0]["path"], result["backup"]);

    // The result was kept: a retry writes the rest and keeps what the push did.
    let retried = invoke(
        &main,
        "retry_failed",
        json!({ "runId": 5, "onProgress": "__CHANNEL__:5" }),
    )
    .unwrap();
    let statuses = |r: &Value, ids: &[String]| -> Vec<String> {
        ids.iter()
            .map(|id| {
                let q = r["questions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|q| q["question_id"] == *id);
                q.unwrap()["status"].as_str().unwrap().to_string()
            })
            .collect()
    };
    assert!(statuses(&retried, &not_written)
        .iter()
        .all(|s| s == "written"));
    assert!(statuses(&retried, &written).iter().all(|s| s == "written"));
    let again = invoke(&main, "preview", demo_request(6, &[])).unwrap();
    let left = questions_with(&again, "would-change").len();
    assert_eq!(left, 0, "everything is written now");
    drop(dir);
}

/// The TypeScript bindings in `ui/src/bindings/` are what ts-rs generates from the Rust types of
/// today: a changed type without regenerated bindings fails here (and so `make lint`), instead of
/// reaching the UI as a type check that passes against a stale shape.
///
/// ts-rs's own `export` tests write elsewhere (`TS_RS_EXPORT_DIR` in `.cargo/config.toml` points
/// them under `target/`), so running the tests never rewrites the tracked files; this test is the
/// one writer, and only when asked: `WA_SYNC_WRITE_BINDINGS=1 cargo test -p wa-sync-app --lib
/// bindings`.
mod bindings;

/// tauri-plugin-opener opens only what the capability's scope allows (https://).
mod opener;
