//! The API key in the real OS keychain (Secret Service on Linux): saved, read by the `wa-sync`
//! binary when no environment variable is set, and forgotten. Runs where a keychain is unlocked,
//! which `make test` arranges with dbus-run-session and gnome-keyring; elsewhere it says so and
//! skips, except in CI (or with WA_SYNC_REQUIRE_KEYCHAIN set), where it fails.

use std::process::Command;
use wa_sync_engine::conformity::ApiKey;
use wa_sync_engine::keychain::{self, KeyKind};
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

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_reads_the_key_from_the_keychain_and_forgetting_removes_it() {
    if !keychain_available() {
        return;
    }
    let key = ApiKey::new(KEY).unwrap();
    keychain::save(KeyKind::Conformity, &key).unwrap();
    assert_eq!(
        keychain::stored(KeyKind::Conformity)
            .unwrap()
            .unwrap()
            .last_four(),
        "alue"
    );

    let server = FakeConformity::start(Fixture {
        api_key: KEY.into(),
        external_id: "ext-from-keychain".into(),
        accounts: vec![fake::Account {
            id: "a1".into(),
            name: "A".into(),
            ..Default::default()
        }],
        ..Fixture::default()
    })
    .await;
    let url = server.base_url();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_wa-sync"))
            .args(["external-id", "--conformity-url", &url])
            .env_remove("CONFORMITY_API_KEY")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "ext-from-keychain\n"
    );

    keychain::forget(KeyKind::Conformity).unwrap();
    assert!(keychain::stored(KeyKind::Conformity).unwrap().is_none());
    std::env::remove_var("CONFORMITY_API_KEY");
    let err = keychain::load(KeyKind::Conformity).unwrap_err();
    assert_eq!(err.code(), "missing_key");
    assert!(err.to_string().contains("CONFORMITY_API_KEY"), "{err}");
    keychain::forget(KeyKind::Conformity).unwrap();
}
