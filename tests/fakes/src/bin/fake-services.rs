//! `fake-services`: the Conformity, Well-Architected and STS fakes on 127.0.0.1 with a ready-made
//! fixture, for end-to-end tests of the real app (tests/ui/e2e.wizard.webdriver.mjs).
//!
//! Prints one JSON line once every fake listens: their URLs, what the fixture holds (API key,
//! external ID, account, workload, role, the AWS access key to use) and the URL of a tiny
//! `GET /__requests` endpoint that answers what the fakes recorded so far (never a key or
//! an Authorization header). Then serves until killed, or until stdin closes when started with
//! `--exit-on-stdin-eof` (so a crashed test leaves nothing behind).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::Arc;
use wa_sync_fakes::conformity::{self as fake, FakeConformity, Fixture};
use wa_sync_fakes::server::serve;
use wa_sync_fakes::sts::{FakeSts, Role};
use wa_sync_fakes::wellarchitected::{FakeWellArchitected, WaState, Workload};

/// A fake key: the fake accepts only this one.
const API_KEY: &str = "tmc-e2e:FakeServicesApiKeyValue7Kq";
const EXTERNAL_ID: &str = "ext-e2e-1234-5678";
const ACCOUNT_ID: &str = "acc-shop";
const ACCOUNT_NAME: &str = "Shop (production)";
const AWS_ACCOUNT: &str = "123456789012";
const REGION: &str = "eu-west-1";
const WORKLOAD_ID: &str = "0123456789abcdef0123456789abcdef";
const WORKLOAD_NAME: &str = "Shop";
const ROLE_NAME: &str = "WaSyncWellArchitectedNotes";
/// The long-term key the app's AWS SDK signs with (AWS_ACCESS_KEY_ID).
const ACCESS_KEY: &str = "AKIA_FAKE_E2E_SERVICES";
/// The temporary key STS hands out for the role.
const ROLE_KEY: &str = "ASIA_FAKE_E2E_ROLE";

struct Fakes {
    conformity: FakeConformity,
    wa: FakeWellArchitected,
    sts: FakeSts,
}

#[tokio::main]
async fn main() {
    let exit_on_eof = std::env::args().any(|a| a == "--exit-on-stdin-eof");
    let conformity = FakeConformity::start(Fixture {
        api_key: API_KEY.into(),
        external_id: EXTERNAL_ID.into(),
        accounts: vec![
            fake::Account {
                id: ACCOUNT_ID.into(),
                name: ACCOUNT_NAME.into(),
                aws_account_id: AWS_ACCOUNT.into(),
                cloud_type: "aws".into(),
                environment: "prod".into(),
            },
            fake::Account {
                id: "acc-azure".into(),
                name: "Azure subscription".into(),
                aws_account_id: String::new(),
                cloud_type: "azure".into(),
                environment: "dev".into(),
            },
        ],
        services: fake::services_from_rules_tsv(),
        checks: fake::synthetic_checks(300, ACCOUNT_ID, 7),
        ..Fixture::default()
    })
    .await;
    let role_arn = format!("arn:aws:iam::{AWS_ACCOUNT}:role/{ROLE_NAME}");
    let sts = FakeSts::start(vec![Role {
        external_id: Some(EXTERNAL_ID.into()),
        trusted_access_keys: Some(vec![ACCESS_KEY.into()]),
        ..Role::new(&role_arn, ROLE_KEY)
    }])
    .await;
    sts.set_key_account(ACCESS_KEY, AWS_ACCOUNT);
    let wa = FakeWellArchitected::start(WaState {
        workloads: vec![Workload::standard(
            WORKLOAD_ID,
            WORKLOAD_NAME,
            AWS_ACCOUNT,
            REGION,
        )],
        ..WaState::default()
    })
    .await;
    let workload_arn = wa.state().workloads[0].arn();
    let fakes = Arc::new(Fakes {
        conformity,
        wa,
        sts,
    });

    let app = Router::new()
        .route("/__requests", get(recorded))
        .with_state(Arc::clone(&fakes));
    // Dropping the task handle detaches it: the endpoint serves as long as the process runs.
    let (control, _) = serve(app).await;

    let ready = json!({
        "conformity_url": fakes.conformity.base_url(),
        "wellarchitected_url": fakes.wa.endpoint(),
        "sts_url": fakes.sts.endpoint(),
        "requests_url": format!("http://{control}/__requests"),
        "api_key": API_KEY,
        "external_id": EXTERNAL_ID,
        "account_id": ACCOUNT_ID,
        "account_name": ACCOUNT_NAME,
        "aws_account_id": AWS_ACCOUNT,
        "region": REGION,
        "workload_arn": workload_arn,
        "workload_name": WORKLOAD_NAME,
        "role_arn": role_arn,
        "role_name": ROLE_NAME,
        "access_key_id": ACCESS_KEY,
        "role_access_key_id": ROLE_KEY,
    });
    println!("{ready}");

    if exit_on_eof {
        // Blocking read on a thread of its own; the servers keep running on the runtime.
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
        })
        .await
        .ok();
    } else {
        std::future::pending::<()>().await;
    }
}

/// What the fakes recorded, without secrets: paths, operations, statuses and which access key
/// signed each AWS call.
async fn recorded(State(fakes): State<Arc<Fakes>>) -> Json<Value> {
    let conformity: Vec<Value> = fakes
        .conformity
        .requests()
        .into_iter()
        .map(|r| json!({"method": r.method, "path": r.path, "status": r.status}))
        .collect();
    let sts: Vec<Value> = fakes
        .sts
        .requests()
        .into_iter()
        .map(|r| {
            json!({"action": r.action, "role_arn": r.role_arn, "external_id": r.external_id,
                   "access_key_id": r.access_key_id, "status": r.status})
        })
        .collect();
    let wa: Vec<Value> = fakes
        .wa
        .requests()
        .into_iter()
        .map(|r| {
            json!({"operation": r.operation, "method": r.method, "path": r.path,
                   "access_key_id": r.access_key_id, "status": r.status})
        })
        .collect();
    let updates: Vec<Value> = fakes
        .wa
        .answer_updates()
        .into_iter()
        .map(|u| {
            json!({"workload_id": u.workload_id, "question_id": u.question_id,
                   "access_key_id": u.access_key_id, "notes": u.notes,
                   "sent_choices": u.selected_choices.is_some() || u.choice_updates.is_some()})
        })
        .collect();
    Json(json!({
        "conformity": conformity,
        "sts": sts,
        "wellarchitected": wa,
        "answer_updates": updates,
    }))
}
