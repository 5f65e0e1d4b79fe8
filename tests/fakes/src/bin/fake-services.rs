//! `fake-services`: the Conformity, Vision One, Well-Architected and STS fakes on 127.0.0.1 with a
//! ready-made fixture, for end-to-end tests of the real app (tests/ui/e2e.wizard.webdriver.mjs,
//! tests/ui/e2e.wizard-visionone.webdriver.mjs).
//!
//! Prints one JSON line once every fake listens: their URLs, what the fixture holds (API keys,
//! external IDs, accounts, workload, roles, the AWS access key to use) and the URL of a tiny
//! `GET /__requests` endpoint that answers what the fakes recorded so far (never a key or
//! an Authorization header: for Vision One only whether it was `Bearer` with the fixture's key).
//! Then serves until killed, or until stdin closes when started with `--exit-on-stdin-eof` (so a
//! crashed test leaves nothing behind).
//!
//! For the benchmark (tests/bench/e2e.sh), flags shape the fakes: `--latency-ms N` (added to
//! every request of every fake), `--conformity-checks N` and `--visionone-checks N` (the
//! fixture's size), `--conformity-max-rps N` and `--visionone-max-rps N` (429 with
//! `Retry-After: 1` above N requests in any second), `--wa-throttle-percent N` (that share of
//! Well-Architected calls answered `ThrottlingException`), `--plan-fixture` (a second Conformity
//! AWS account with as many checks, and four more workloads, for a sync plan's targets: their IDs
//! and ARNs in the ready line's `plan_conformity_account_ids` and `plan_workload_arns`). `GET /__traffic` answers what the
//! Conformity and Vision One gates saw (requests, 429s, most in flight, most in one second).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::Arc;
use wa_sync_fakes::conformity::{self as fake, FakeConformity, Fixture};
use wa_sync_fakes::server::{serve, set_latency, Traffic};
use wa_sync_fakes::sts::{FakeSts, Role};
use wa_sync_fakes::visionone::{self as v1, FakeVisionOne};
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

/// The Vision One fake's key (sent as `Authorization: Bearer …`).
const V1_API_KEY: &str = "eyJ0eXAiOiJKV1QifQ.FakeServicesVisionOneKey.Zx9w";
/// The Cloud Risk Management account of the workload's AWS account.
const V1_ACCOUNT_ID: &str = "5b3f0c1e-7d2a-4e8b-9f10-2e0e5b0c1a42";
const V1_CHECKS: usize = 300;
/// Vision One has no organisation external ID: the user chooses one for the role in the wizard.
const V1_EXTERNAL_ID: &str = "v1-e2e-team-42";
/// A role of its own, so a test can tell which flow assumed it.
const V1_ROLE_NAME: &str = "WaSyncVisionOneNotes";
const V1_ROLE_KEY: &str = "ASIA_FAKE_E2E_V1_ROLE";

/// With `--plan-fixture`: a second Conformity AWS account, and the extra workloads' IDs.
const PLAN_ACCOUNT_ID: &str = "acc-shop-eu";
const PLAN_WORKLOAD_IDS: [&str; 4] = [
    "1123456789abcdef0123456789abcdef",
    "2123456789abcdef0123456789abcdef",
    "3123456789abcdef0123456789abcdef",
    "4123456789abcdef0123456789abcdef",
];

struct Fakes {
    conformity: FakeConformity,
    visionone: FakeVisionOne,
    wa: FakeWellArchitected,
    sts: FakeSts,
}

/// The value of `--name N`, if given; a bad value stops the program with a message.
fn numeric_flag(name: &str) -> Option<usize> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == name)?;
    let value = args.get(at + 1).and_then(|v| v.parse().ok());
    if value.is_none() {
        eprintln!("fake-services: {name} needs a whole number");
        std::process::exit(2);
    }
    value
}

#[tokio::main]
async fn main() {
    let exit_on_eof = std::env::args().any(|a| a == "--exit-on-stdin-eof");
    if let Some(ms) = numeric_flag("--latency-ms") {
        set_latency(std::time::Duration::from_millis(ms as u64));
    }
    let conformity_checks = numeric_flag("--conformity-checks").unwrap_or(300);
    let v1_checks = numeric_flag("--visionone-checks").unwrap_or(V1_CHECKS);
    let wa_throttle_percent = numeric_flag("--wa-throttle-percent").unwrap_or(0).min(100) as u8;
    let plan_fixture = std::env::args().any(|a| a == "--plan-fixture");
    let mut conformity_fixture = Fixture {
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
        checks: fake::synthetic_checks(conformity_checks, ACCOUNT_ID, 7),
        ..Fixture::default()
    };
    if plan_fixture {
        conformity_fixture.accounts.push(fake::Account {
            id: PLAN_ACCOUNT_ID.into(),
            name: "Shop (production, EU)".into(),
            aws_account_id: AWS_ACCOUNT.into(),
            cloud_type: "aws".into(),
            environment: "prod".into(),
        });
        conformity_fixture.checks.extend(fake::synthetic_checks(
            conformity_checks,
            PLAN_ACCOUNT_ID,
            8,
        ));
    }
    let conformity = FakeConformity::start(conformity_fixture).await;
    let mut v1_fixture =
        v1::Fixture::synthetic(V1_API_KEY, V1_ACCOUNT_ID, AWS_ACCOUNT, v1_checks, 11);
    v1_fixture.accounts.push(v1::Account {
        id: "9c1d2e3f-0a2b-4c3d-8e4f-a2e0e5b0c1a4".into(),
        name: "Azure subscription".into(),
        aws_account_id: String::new(),
        provider: "azure".into(),
    });
    let v1_account_name = v1_fixture.accounts[0].name.clone();
    // What a whole-tag filter should count, so a test can check the app's live count.
    let v1_tag_counts: serde_json::Map<String, Value> = v1_fixture
        .checks
        .iter()
        .flat_map(|c| &c.tags)
        .fold(
            std::collections::BTreeMap::<&str, u64>::new(),
            |mut m, t| {
                *m.entry(t.as_str()).or_default() += 1;
                m
            },
        )
        .into_iter()
        .map(|(t, n)| (t.to_string(), n.into()))
        .collect();
    let visionone = FakeVisionOne::start(v1_fixture).await;
    if let Some(rps) = numeric_flag("--conformity-max-rps") {
        conformity.set_faults(|f| f.max_rps = rps);
    }
    if let Some(rps) = numeric_flag("--visionone-max-rps") {
        visionone.set_faults(|f| f.max_rps = rps);
    }
    let role_arn = format!("arn:aws:iam::{AWS_ACCOUNT}:role/{ROLE_NAME}");
    let v1_role_arn = format!("arn:aws:iam::{AWS_ACCOUNT}:role/{V1_ROLE_NAME}");
    let sts = FakeSts::start(vec![
        Role {
            external_id: Some(EXTERNAL_ID.into()),
            trusted_access_keys: Some(vec![ACCESS_KEY.into()]),
            ..Role::new(&role_arn, ROLE_KEY)
        },
        Role {
            external_id: Some(V1_EXTERNAL_ID.into()),
            trusted_access_keys: Some(vec![ACCESS_KEY.into()]),
            ..Role::new(&v1_role_arn, V1_ROLE_KEY)
        },
    ])
    .await;
    sts.set_key_account(ACCESS_KEY, AWS_ACCOUNT);
    let mut workloads = vec![Workload::standard(
        WORKLOAD_ID,
        WORKLOAD_NAME,
        AWS_ACCOUNT,
        REGION,
    )];
    if plan_fixture {
        workloads.extend(PLAN_WORKLOAD_IDS.iter().enumerate().map(|(i, id)| {
            Workload::standard(id, &format!("Shop {}", i + 2), AWS_ACCOUNT, REGION)
        }));
    }
    let wa = FakeWellArchitected::start(WaState {
        workloads,
        throttle_percent: wa_throttle_percent,
        ..WaState::default()
    })
    .await;
    let workload_arns: Vec<String> = wa.state().workloads.iter().map(Workload::arn).collect();
    let workload_arn = workload_arns[0].clone();
    let plan_conformity_account_ids: Vec<&str> = if plan_fixture {
        vec![ACCOUNT_ID, PLAN_ACCOUNT_ID]
    } else {
        vec![ACCOUNT_ID]
    };
    let fakes = Arc::new(Fakes {
        conformity,
        visionone,
        wa,
        sts,
    });

    let app = Router::new()
        .route("/__requests", get(recorded))
        .route("/__traffic", get(traffic))
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
        "visionone_url": fakes.visionone.base_url(),
        "visionone_api_key": V1_API_KEY,
        "visionone_account_id": V1_ACCOUNT_ID,
        "visionone_account_name": v1_account_name,
        "visionone_checks": v1_checks,
        "conformity_checks": conformity_checks,
        "traffic_url": format!("http://{control}/__traffic"),
        "visionone_tag_counts": v1_tag_counts,
        "visionone_external_id": V1_EXTERNAL_ID,
        "visionone_role_arn": v1_role_arn,
        "visionone_role_name": V1_ROLE_NAME,
        "visionone_role_access_key_id": V1_ROLE_KEY,
        "plan_conformity_account_ids": plan_conformity_account_ids,
        "plan_workload_arns": workload_arns,
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
/// signed each AWS call; for Vision One the query, the `TMV1-Filter` and how the request
/// authenticated (`auth`, see [`v1_auth`]).
async fn recorded(State(fakes): State<Arc<Fakes>>) -> Json<Value> {
    let conformity: Vec<Value> = fakes
        .conformity
        .requests()
        .into_iter()
        .map(|r| json!({"method": r.method, "path": r.path, "status": r.status}))
        .collect();
    let visionone: Vec<Value> = fakes
        .visionone
        .requests()
        .into_iter()
        .map(|r| {
            json!({"method": r.method, "path": r.path, "query": r.query, "filter": r.filter,
                   "auth": v1_auth(r.authorization.as_deref()), "status": r.status})
        })
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
        "visionone": visionone,
        "sts": sts,
        "wellarchitected": wa,
        "answer_updates": updates,
    }))
}

/// What the Conformity and Vision One gates saw.
async fn traffic(State(fakes): State<Arc<Fakes>>) -> Json<Value> {
    let show = |t: Traffic| {
        json!({"requests": t.requests, "throttled": t.throttled,
               "max_in_flight": t.max_in_flight, "max_per_second": t.max_per_second})
    };
    Json(json!({
        "conformity": show(fakes.conformity.traffic()),
        "visionone": show(fakes.visionone.traffic()),
        "wellarchitected_requests": fakes.wa.requests().len(),
    }))
}

/// How a Vision One request authenticated, without the key: `bearer-key` for exactly
/// `Bearer <the fixture's key>`, `bearer-other` for another bearer token, `other` for another
/// scheme, `none` without the header.
fn v1_auth(authorization: Option<&str>) -> &'static str {
    match authorization {
        None => "none",
        Some(a) => match a.strip_prefix("Bearer ") {
            Some(key) if key == V1_API_KEY => "bearer-key",
            Some(_) => "bearer-other",
            None => "other",
        },
    }
}
