//! IAM create against moto's IAM server: a role wa-sync did not make is taken over only when
//! the user confirms.

use super::*;

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
    app.set_up_shop(&fakes);
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
