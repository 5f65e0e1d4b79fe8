//! The API key in the real OS keychain (Secret Service on Linux): saved with the host it was
//! verified with, read by the `wa-sync` binary for that host only when no environment variable
//! is set, and forgotten. Runs where a keychain is unlocked, which `make test` arranges with
//! dbus-run-session and gnome-keyring; elsewhere it says so and skips, except in CI (or with
//! WA_SYNC_REQUIRE_KEYCHAIN set), where it fails.

use std::process::{Command, Output};
use wa_sync_engine::conformity::ApiKey;
use wa_sync_engine::keychain::{self, KeyKind, StoredKey};
use wa_sync_engine::url::parse_base_url;
use wa_sync_fakes::conformity::{self as fake, FakeConformity, Fixture};
use wa_sync_fakes::prerequisites::{missing, Prerequisite};

const KEY: &str = "tmc12keychain:K3ychainSecretValue";

fn keychain_available() -> bool {
    if std::env::var_os("WA_SYNC_KEYCHAIN_TESTS").is_none() {
        missing(
            Prerequisite::Keychain,
            "set WA_SYNC_KEYCHAIN_TESTS=1 inside an unlocked keychain session (make test-rust does)",
        );
        return false;
    }
    true
}

async fn fake_conformity(external_id: &str) -> FakeConformity {
    FakeConformity::start(Fixture {
        api_key: KEY.into(),
        external_id: external_id.into(),
        accounts: vec![fake::Account {
            id: "a1".into(),
            name: "A".into(),
            ..Default::default()
        }],
        ..Fixture::default()
    })
    .await
}

async fn external_id(url: String, env_key: Option<&'static str>) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wa-sync"));
        cmd.args(["external-id", "--conformity-url", &url]);
        match env_key {
            Some(k) => cmd.env("CONFORMITY_API_KEY", k),
            None => cmd.env_remove("CONFORMITY_API_KEY"),
        };
        cmd.output().unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_reads_the_key_for_its_host_only_and_forgetting_removes_it() {
    if !keychain_available() {
        return;
    }
    let server = fake_conformity("ext-from-keychain").await;
    let other = fake_conformity("ext-other-host").await;
    let url = server.base_url();
    let base = parse_base_url(&url, "the test URL").unwrap();
    let key = ApiKey::new(KEY).unwrap();
    keychain::save(KeyKind::Conformity, &StoredKey::verified_with(key, &base)).unwrap();
    let stored = keychain::stored(KeyKind::Conformity).unwrap().unwrap();
    assert_eq!(stored.key.last_four(), "alue");
    assert!(stored.is_for(&base));

    let output = external_id(url.clone(), None).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "ext-from-keychain\n"
    );

    // Another host: the stored key is not sent; the message says what to do.
    let output = external_id(other.base_url(), None).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("CONFORMITY_API_KEY")
            && stderr.contains("save the key again for that host")
            && stderr.contains(url.trim_end_matches('/')),
        "{stderr}"
    );
    assert!(!stderr.contains(KEY), "{stderr}");
    assert!(other.requests().is_empty(), "the other host was called");
    // A key from the environment is not bound.
    let output = external_id(other.base_url(), Some(KEY)).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), "ext-other-host\n");

    keychain::forget(KeyKind::Conformity).unwrap();
    assert!(keychain::stored(KeyKind::Conformity).unwrap().is_none());
    std::env::remove_var("CONFORMITY_API_KEY");
    let err = keychain::load_for(KeyKind::Conformity, &base).unwrap_err();
    assert_eq!(err.code(), "missing_key");
    assert!(err.to_string().contains("CONFORMITY_API_KEY"), "{err}");
    keychain::forget(KeyKind::Conformity).unwrap();
}
