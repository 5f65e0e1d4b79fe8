//! `wa-sync iam`: the policy documents offline, and `iam create` against moto's IAM/STS server
//! (skipped with a notice when `moto_server` is not installed; CI installs it).

use serde_json::Value;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use wa_sync_fakes::prerequisites::{missing, Prerequisite};

const WORKLOAD: &str =
    "arn:aws:wellarchitected:us-east-1:123456789012:workload/0123456789abcdef0123456789abcdef";

fn wa_sync(dir: &std::path::Path, endpoint: Option<&str>, args: &[&str]) -> Output {
    let config = dir.join("aws-config");
    std::fs::write(&config, "").unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wa-sync"));
    for var in [
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_WELLARCHITECTED",
        "CONFORMITY_API_URL",
        "CONFORMITY_REGION",
        "CONFORMITY_API_KEY",
    ] {
        cmd.env_remove(var);
    }
    cmd.args(args)
        .env("AWS_ACCESS_KEY_ID", "AKIA_FAKE_MOTO")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "fakeSecretKeyDoNotPrint0000000000000000",
        )
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &config)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", dir);
    if let Some(endpoint) = endpoint {
        cmd.env("AWS_ENDPOINT_URL_IAM", endpoint)
            .env("AWS_ENDPOINT_URL_STS", endpoint);
    } else {
        cmd.env("AWS_ENDPOINT_URL_IAM", "http://127.0.0.1:9")
            .env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9");
    }
    cmd.output().expect("run wa-sync")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn policy_documents_are_scoped_and_demand_the_external_id() {
    let dir = tempfile::tempdir().unwrap();
    let out = wa_sync(
        dir.path(),
        None,
        &[
            "iam",
            "policy",
            "--workload-arn",
            WORKLOAD,
            "--trust",
            "conformity",
            "--external-id",
            "ext-123",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docs: Value = serde_json::from_slice(&out.stdout).unwrap();
    let permissions = &docs["permissions_policy"];
    assert_eq!(permissions["Statement"].as_array().unwrap().len(), 1);
    assert_eq!(permissions["Statement"][0]["Resource"], WORKLOAD);
    let actions: Vec<&str> = permissions["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"wellarchitected:UpdateAnswer")
            && actions.contains(&"wellarchitected:GetAnswer")
    );
    assert!(actions.iter().all(|a| a.starts_with("wellarchitected:")));
    let trust = &docs["trust_policy"]["Statement"][0];
    assert_eq!(trust["Principal"]["AWS"], "arn:aws:iam::717210094962:root");
    assert_eq!(
        trust["Condition"]["StringEquals"]["sts:ExternalId"],
        "ext-123"
    );

    let out_dir = dir.path().join("export");
    let out = wa_sync(
        dir.path(),
        None,
        &[
            "iam",
            "policy",
            "--workload-arn",
            WORKLOAD,
            "--trust",
            "account:210987654321",
            "--external-id",
            "ext-123",
            "--allow-list-workloads",
            "--out-dir",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let permissions: Value = serde_json::from_str(
        &std::fs::read_to_string(out_dir.join("permissions-policy.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(permissions["Statement"][1]["Resource"], "*");
    let script = out_dir.join("setup-iam-role.sh");
    let check = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(check.success());
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains("create-policy-version") && text.contains("update-assume-role-policy"));

    let out = wa_sync(
        dir.path(),
        None,
        &[
            "iam",
            "policy",
            "--workload-arn",
            WORKLOAD,
            "--trust",
            "everyone",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
}

/// `moto_server` from $WA_SYNC_MOTO_SERVER or PATH.
fn moto_server() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("WA_SYNC_MOTO_SERVER") {
        let path = PathBuf::from(path);
        assert!(
            path.exists(),
            "WA_SYNC_MOTO_SERVER={} does not exist (make deps installs moto there)",
            path.display()
        );
        return Some(path);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("moto_server"))
            .find(|p| p.exists())
    })
}

struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_moto(binary: &PathBuf) -> (Moto, String) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(binary)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto_server");
    let moto = Moto(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto_server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    (moto, format!("http://127.0.0.1:{port}"))
}

#[test]
fn iam_create_is_idempotent_against_moto() {
    let Some(binary) = moto_server() else {
        missing(
            Prerequisite::Moto,
            "moto_server not found (pip install 'moto[server]', then set WA_SYNC_MOTO_SERVER or put it on PATH)",
        );
        return;
    };
    let (_moto, endpoint) = start_moto(&binary);
    let dir = tempfile::tempdir().unwrap();
    let create = |extra: &[&str]| {
        let mut args = vec![
            "iam",
            "create",
            "--workload-arn",
            WORKLOAD,
            "--trust",
            "caller",
            "--trust",
            "conformity",
            "--external-id",
            "ext-123",
            "--role-name",
            "WaSyncTest",
        ];
        args.extend_from_slice(extra);
        wa_sync(dir.path(), Some(&endpoint), &args)
    };
    let first = create(&[]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let role_arn = String::from_utf8_lossy(&first.stdout).trim().to_string();
    assert_eq!(role_arn, "arn:aws:iam::123456789012:role/WaSyncTest");
    assert!(stderr(&first).contains("created"), "{}", stderr(&first));

    let second = create(&[]);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert_eq!(String::from_utf8_lossy(&second.stdout).trim(), role_arn);
    assert!(stderr(&second).contains("unchanged"), "{}", stderr(&second));

    // Changing the policy again and again makes new default versions, pruned at IAM's limit.
    for i in 0..6 {
        let extra: &[&str] = if i % 2 == 0 {
            &["--allow-list-workloads"]
        } else {
            &[]
        };
        let out = create(extra);
        assert_eq!(out.status.code(), Some(0), "round {i}: {}", stderr(&out));
        assert!(stderr(&out).contains("updated"), "{}", stderr(&out));
    }

    // The policy is refused for another account's workload.
    let other = WORKLOAD.replace("123456789012", "210987654321");
    let out = wa_sync(
        dir.path(),
        Some(&endpoint),
        &[
            "iam",
            "create",
            "--workload-arn",
            &other,
            "--external-id",
            "ext-123",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
