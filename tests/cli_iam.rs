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

/// One IAM query-API call straight to moto (a role or policy that wa-sync did not make);
/// returns moto's XML answer.
fn moto_iam(endpoint: &str, params: &[(&str, &str)]) -> String {
    use std::io::{Read, Write};
    let encode = |v: &str| {
        v.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    let mut body = String::from("Version=2010-05-08");
    for (k, v) in params {
        body.push_str(&format!("&{k}={}", encode(v)));
    }
    let addr = endpoint.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=AKIA_FAKE_MOTO/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

const FOREIGN_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}"#;

/// The role's trust policy as moto holds it (URL-encoded JSON).
fn trust_of(endpoint: &str, role: &str) -> String {
    let answer = moto_iam(endpoint, &[("Action", "GetRole"), ("RoleName", role)]);
    answer
        .split_once("<AssumeRolePolicyDocument>")
        .and_then(|(_, rest)| rest.split_once("</AssumeRolePolicyDocument>"))
        .map(|(doc, _)| doc.to_string())
        .unwrap_or_else(|| panic!("no trust policy in {answer}"))
}

fn has_managed_tag(endpoint: &str, role: &str) -> bool {
    let tags = moto_iam(endpoint, &[("Action", "ListRoleTags"), ("RoleName", role)]);
    tags.contains("wa-sync:managed")
}

#[test]
fn iam_create_leaves_a_role_it_did_not_make_alone_unless_adopted() {
    let Some(binary) = moto_server() else {
        eprintln!("SKIPPED iam_create_leaves_a_role_it_did_not_make_alone_unless_adopted: moto_server not found");
        return;
    };
    let (_moto, endpoint) = start_moto(&binary);
    let dir = tempfile::tempdir().unwrap();
    let created = moto_iam(
        &endpoint,
        &[
            ("Action", "CreateRole"),
            ("RoleName", "Foreign"),
            ("AssumeRolePolicyDocument", FOREIGN_TRUST),
        ],
    );
    assert!(
        created.contains("<RoleName>Foreign</RoleName>"),
        "{created}"
    );
    let create = |extra: &[&str]| {
        let mut args = vec![
            "iam",
            "create",
            "--workload-arn",
            WORKLOAD,
            "--trust",
            "caller",
            "--external-id",
            "ext-123",
            "--role-name",
            "Foreign",
        ];
        args.extend_from_slice(extra);
        wa_sync(dir.path(), Some(&endpoint), &args)
    };

    // Refused before anything is written: the trust is the owner's, and no policy was made.
    let refused = create(&[]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let text = stderr(&refused);
    assert!(
        text.contains("role Foreign already exists")
            && text.contains("wa-sync:managed=true")
            && text.contains("--adopt")
            && text.contains("Nothing was changed"),
        "{text}"
    );
    let trust = trust_of(&endpoint, "Foreign");
    assert!(
        trust.contains("999999999999") && !trust.contains("123456789012"),
        "{trust}"
    );
    let policy = moto_iam(
        &endpoint,
        &[
            ("Action", "GetPolicy"),
            (
                "PolicyArn",
                "arn:aws:iam::123456789012:policy/ForeignPolicy",
            ),
        ],
    );
    assert!(policy.contains("NoSuchEntity"), "{policy}");
    assert!(!has_managed_tag(&endpoint, "Foreign"));

    // --adopt takes it over: the new trust, the policy, the tag.
    let adopted = create(&["--adopt"]);
    assert_eq!(adopted.status.code(), Some(0), "{}", stderr(&adopted));
    let trust = trust_of(&endpoint, "Foreign");
    assert!(
        trust.contains("123456789012") && !trust.contains("999999999999"),
        "{trust}"
    );
    assert!(has_managed_tag(&endpoint, "Foreign"));
    // Now it is wa-sync's: no --adopt needed again.
    let again = create(&[]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));

    // A policy of the name that wa-sync did not make is refused the same way.
    moto_iam(
        &endpoint,
        &[
            ("Action", "CreatePolicy"),
            ("PolicyName", "OtherPolicy"),
            (
                "PolicyDocument",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
            ),
        ],
    );
    let out = wa_sync(
        dir.path(),
        Some(&endpoint),
        &[
            "iam",
            "create",
            "--workload-arn",
            WORKLOAD,
            "--external-id",
            "ext-123",
            "--role-name",
            "Other",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("policy arn:aws:iam::123456789012:policy/OtherPolicy"),
        "{}",
        stderr(&out)
    );
    let role = moto_iam(&endpoint, &[("Action", "GetRole"), ("RoleName", "Other")]);
    assert!(
        role.contains("NoSuchEntity"),
        "the role was created: {role}"
    );
}

/// The AWS CLI, when it runs here (the script test needs it).
fn aws_cli() -> bool {
    Command::new("aws")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs the exported script against moto with the real AWS CLI.
fn run_script(dir: &std::path::Path, endpoint: &str, role: &str, extra: &[&str]) -> Output {
    Command::new("bash")
        .arg(dir.join("setup-iam-role.sh"))
        .args(extra)
        .env("ROLE_NAME", role)
        .env("POLICY_NAME", format!("{role}Policy"))
        .env("AWS_ACCESS_KEY_ID", "AKIA_FAKE_MOTO")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "fakeSecretKeyDoNotPrint0000000000000000",
        )
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", dir.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_IAM", endpoint)
        .env("AWS_ENDPOINT_URL_STS", endpoint)
        .env("AWS_PAGER", "")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .expect("run the script")
}

#[test]
fn the_exported_script_checks_ownership_too_against_moto() {
    let Some(binary) = moto_server() else {
        eprintln!(
            "SKIPPED the_exported_script_checks_ownership_too_against_moto: moto_server not found"
        );
        return;
    };
    if !aws_cli() {
        eprintln!("SKIPPED the_exported_script_checks_ownership_too_against_moto: the aws CLI is not on PATH");
        return;
    }
    let (_moto, endpoint) = start_moto(&binary);
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    let out = wa_sync(
        dir.path(),
        None,
        &[
            "iam",
            "policy",
            "--workload-arn",
            WORKLOAD,
            "--trust",
            "account:123456789012",
            "--external-id",
            "ext-123",
            "--out-dir",
            files.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(files.join("setup-iam-role.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the script is its owner's only: {mode:o}");
    }

    // A fresh name: created and tagged; running again updates it without --adopt.
    let first = run_script(&files, &endpoint, "ScriptRole", &[]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(has_managed_tag(&endpoint, "ScriptRole"));
    let again = run_script(&files, &endpoint, "ScriptRole", &[]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(String::from_utf8_lossy(&again.stdout).contains("Updated the trust policy"));

    // A role it did not make: it stops before changing anything, then --adopt takes it over.
    moto_iam(
        &endpoint,
        &[
            ("Action", "CreateRole"),
            ("RoleName", "ForeignScript"),
            ("AssumeRolePolicyDocument", FOREIGN_TRUST),
        ],
    );
    let refused = run_script(&files, &endpoint, "ForeignScript", &[]);
    assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));
    let text = stderr(&refused);
    assert!(
        text.contains("role ForeignScript already exists and was not made by wa-sync")
            && text.contains("--adopt")
            && text.contains("999999999999"),
        "{text}"
    );
    let role = moto_iam(
        &endpoint,
        &[("Action", "GetRole"), ("RoleName", "ForeignScript")],
    );
    assert!(role.contains("999999999999"), "{role}");
    let policy = moto_iam(
        &endpoint,
        &[
            ("Action", "GetPolicy"),
            (
                "PolicyArn",
                "arn:aws:iam::123456789012:policy/ForeignScriptPolicy",
            ),
        ],
    );
    assert!(policy.contains("NoSuchEntity"), "{policy}");
    let adopted = run_script(&files, &endpoint, "ForeignScript", &["--adopt"]);
    assert_eq!(adopted.status.code(), Some(0), "{}", stderr(&adopted));
    assert!(has_managed_tag(&endpoint, "ForeignScript"));
    let role = moto_iam(
        &endpoint,
        &[("Action", "GetRole"), ("RoleName", "ForeignScript")],
    );
    assert!(!role.contains("999999999999"), "{role}");
}
